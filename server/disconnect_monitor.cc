#include "server/disconnect_monitor.h"

#include <poll.h>

#include <chrono>
#include <vector>

namespace tally::server {

DisconnectMonitor::DisconnectMonitor() : thread_([this] { Run(); }) {}

DisconnectMonitor::~DisconnectMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

DisconnectMonitor::Watch::Watch(DisconnectMonitor* monitor, int fd, engine::sql::Session* session)
    : monitor_(monitor), session_(session) {
  std::lock_guard<std::mutex> lock(monitor_->mu_);
  monitor_->watched_[session_] = fd;
}

DisconnectMonitor::Watch::~Watch() {
  std::lock_guard<std::mutex> lock(monitor_->mu_);
  monitor_->watched_.erase(session_);
}

void DisconnectMonitor::Run() {
  std::vector<pollfd> fds;
  std::vector<engine::sql::Session*> sessions;
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_; })) {
    fds.clear();
    sessions.clear();
    for (const auto& [session, fd] : watched_) {
      fds.push_back(pollfd{fd, POLLRDHUP, 0});
      sessions.push_back(session);
    }
    if (fds.empty() || ::poll(fds.data(), fds.size(), 0) <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR)) sessions[i]->Cancel();
    }
  }
}

}  // namespace tally::server
