#include "server/ticker.h"

#include <algorithm>
#include <utility>

namespace tally::server {

Ticker::~Ticker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t Ticker::Add(absl::Duration interval, absl::AnyInvocable<void()> tick) {
  interval = std::max(interval, absl::Milliseconds(1));
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t ticket = next_ticket_++;
  entries_.emplace(ticket, Entry{interval, absl::Now() + interval, std::move(tick)});
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Loop(); });
  } else {
    cv_.notify_all();  // its deadline may be the nearest
  }
  return ticket;
}

void Ticker::Remove(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(ticket);
}

void Ticker::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (entries_.empty()) {
      cv_.wait(lock, [&] { return stopping_ || !entries_.empty(); });
      continue;
    }
    absl::Time next = absl::InfiniteFuture();
    for (const auto& [ticket, entry] : entries_) next = std::min(next, entry.next);
    const absl::Time now = absl::Now();
    if (next > now) {
      // Woken early by Add (a nearer deadline) or by the destructor: look again.
      cv_.wait_for(lock, absl::ToChronoNanoseconds(next - now));
      continue;
    }
    for (auto& [ticket, entry] : entries_) {
      if (entry.next > now) continue;
      entry.tick();
      entry.next = now + entry.interval;  // no catching up after a late wake
    }
  }
}

}  // namespace tally::server
