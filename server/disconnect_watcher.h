// DisconnectWatcher: cancels running queries whose clients went away (closed or reset the
// connection). One thread polls the sockets of every watched query every 100 ms, so that
// watching costs a query two updates of a map instead of a thread of its own; the thread
// sleeps while nothing is watched.
//
// Thread-safe.
#ifndef TALLY_SERVER_DISCONNECT_WATCHER_H_
#define TALLY_SERVER_DISCONNECT_WATCHER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"

namespace tally::server {

class DisconnectWatcher {
 public:
  DisconnectWatcher() = default;
  ~DisconnectWatcher();
  DisconnectWatcher(const DisconnectWatcher&) = delete;
  DisconnectWatcher& operator=(const DisconnectWatcher&) = delete;

  // Calls `on_gone` once, on the watcher's thread, if the peer of socket `fd` hangs up
  // before Unwatch(ticket). REQUIRES: `fd` stays open until then.
  uint64_t Watch(int fd, absl::AnyInvocable<void()> on_gone);
  // When it returns, the ticket's on_gone is neither running nor will it run.
  void Unwatch(uint64_t ticket);

 private:
  struct Entry {
    int fd;
    absl::AnyInvocable<void()> on_gone;
  };
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t next_ticket_ = 1;
  // By ticket, not descriptor: a descriptor closed and reused while its state was being
  // polled must not cancel the next query on that number.
  absl::flat_hash_map<uint64_t, Entry> watched_;
  std::thread thread_;  // started by the first Watch
};

// Watches for the lifetime of a scope.
class ScopedDisconnectWatch {
 public:
  ScopedDisconnectWatch(DisconnectWatcher* watcher, int fd, absl::AnyInvocable<void()> on_gone)
      : watcher_(watcher), ticket_(watcher->Watch(fd, std::move(on_gone))) {}
  ~ScopedDisconnectWatch() { watcher_->Unwatch(ticket_); }
  ScopedDisconnectWatch(const ScopedDisconnectWatch&) = delete;
  ScopedDisconnectWatch& operator=(const ScopedDisconnectWatch&) = delete;

 private:
  DisconnectWatcher* watcher_;
  uint64_t ticket_;
};

}  // namespace tally::server

#endif  // TALLY_SERVER_DISCONNECT_WATCHER_H_
