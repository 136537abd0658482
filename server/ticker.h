// Ticker: calls registered functions periodically, each at its own interval, all on one
// thread (started by the first Add), so that a request sending progress headers costs two
// updates of a map rather than a thread of its own; the thread sleeps while nothing is
// registered. A request that ends before its first interval is never ticked.
//
// Tick functions run one after another on the ticker's thread while it holds its lock (so
// that Remove can promise the function is not running), so they must be short and never
// block, and must not call Add or Remove.
//
// Thread-safe.
#ifndef TALLY_SERVER_TICKER_H_
#define TALLY_SERVER_TICKER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace tally::server {

class Ticker {
 public:
  Ticker() = default;
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  // Calls `tick` every `interval` (at least 1 ms), the first time `interval` from now.
  uint64_t Add(absl::Duration interval, absl::AnyInvocable<void()> tick);
  // When it returns, the ticket's function is neither running nor will it run.
  void Remove(uint64_t ticket);

 private:
  struct Entry {
    absl::Duration interval;
    absl::Time next;
    absl::AnyInvocable<void()> tick;
  };
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t next_ticket_ = 1;
  absl::flat_hash_map<uint64_t, Entry> entries_;
  std::thread thread_;  // started by the first Add
};

// Ticks for the lifetime of a scope.
class ScopedTick {
 public:
  ScopedTick(Ticker* ticker, absl::Duration interval, absl::AnyInvocable<void()> tick)
      : ticker_(ticker), ticket_(ticker->Add(interval, std::move(tick))) {}
  ~ScopedTick() { ticker_->Remove(ticket_); }
  ScopedTick(const ScopedTick&) = delete;
  ScopedTick& operator=(const ScopedTick&) = delete;

 private:
  Ticker* ticker_;
  uint64_t ticket_;
};

}  // namespace tally::server

#endif  // TALLY_SERVER_TICKER_H_
