#include "server/disconnect_watcher.h"

#include <poll.h>

#include <chrono>
#include <utility>
#include <vector>

namespace tally::server {

DisconnectWatcher::~DisconnectWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t DisconnectWatcher::Watch(int fd, absl::AnyInvocable<void()> on_gone) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t ticket = next_ticket_++;
  watched_.emplace(ticket, Entry{fd, std::move(on_gone)});
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Loop(); });
  } else if (watched_.size() == 1) {
    cv_.notify_all();
  }
  return ticket;
}

void DisconnectWatcher::Unwatch(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  watched_.erase(ticket);
}

void DisconnectWatcher::Loop() {
  std::vector<uint64_t> tickets;
  std::vector<pollfd> fds;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (watched_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || !watched_.empty(); });
      continue;
    }
    // A query shorter than 100 ms is never polled.
    if (cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; })) break;
    tickets.clear();
    fds.clear();
    for (const auto& [ticket, entry] : watched_) {
      tickets.push_back(ticket);
      fds.push_back(pollfd{entry.fd, POLLRDHUP, 0});
    }
    lock.unlock();
    const int ready = ::poll(fds.data(), fds.size(), 0);
    lock.lock();
    for (size_t i = 0; ready > 0 && i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR))) continue;
      auto it = watched_.find(tickets[i]);
      if (it == watched_.end()) continue;  // the query ended meanwhile
      // Under the lock: Unwatch waits for it, so the query's objects are still there.
      std::move(it->second.on_gone)();
      watched_.erase(it);
    }
  }
}

}  // namespace tally::server
