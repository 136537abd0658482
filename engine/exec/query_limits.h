// QueryLimits: what a running query checks in its long loops. A deadline
// (max_execution_time), a cancel flag (Session::Cancel) and a memory budget
// (max_memory_usage, or by default a share of the machine's RAM).
//
// A check is cheap (an atomic load and a coarse clock read), so loops call it once per block
// or per few thousand rows, and expression evaluation once per function call. A loop that
// could run long between two checks is the bug: every source, filter, expression, sort,
// fill and aggregation merge goes through one of them often enough to stop within
// ~100 ms of the limit.
//
// Thread-safe: a QueryLimits is immutable once made, and what it points to (the cancel flag,
// the bytes held for the whole query) is atomic, so all threads of a query share one.
#ifndef TALLY_ENGINE_EXEC_QUERY_LIMITS_H_
#define TALLY_ENGINE_EXEC_QUERY_LIMITS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tally::engine::exec {

// Rows a loop may go between two checks: about a millisecond of the cheapest work.
inline constexpr size_t kRowsPerCheck = 65536;

class QueryLimits {
 public:
  struct Options {
    absl::Time start = absl::Now();    // when the query began (the time limit counts from it)
    double max_execution_time_s = 0;   // 0 = no limit
    const std::atomic<bool>* cancelled = nullptr;
    uint64_t max_memory_bytes = 0;     // 0 = no limit
    // Whether max_memory_bytes is the budget of all queries, max_server_memory_usage (by
    // default a share of RAM), rather than the query's max_memory_usage: the error says so.
    bool server_memory = false;
  };

  // No limits: Check() is always OK. For evaluation outside a query (defaults, constants).
  QueryLimits() = default;
  explicit QueryLimits(const Options& options);

  // Cancelled once the flag is set, DeadlineExceeded once the time limit is past.
  absl::Status Check() const;
  // Check(), then ResourceExhausted when `bytes` (what the caller holds now) and what the
  // query holds for good (Hold) exceed the memory budget.
  absl::Status Check(uint64_t bytes) const;
  // Bytes kept until the query ends: a subquery's result, the set of an IN (subquery).
  // Counted by every later Check(bytes) of the query and its copies.
  void Hold(uint64_t bytes) const;
  uint64_t held_bytes() const { return held_->load(std::memory_order_relaxed); }

  uint64_t max_memory_bytes() const { return options_.max_memory_bytes; }
  const Options& options() const { return options_; }

  // The shared instance with no limits.
  static const QueryLimits& None();

 private:
  absl::Status TimeoutError() const;

  Options options_;
  int64_t deadline_ns_ = 0;  // on the coarse monotonic clock; 0 = none
  std::shared_ptr<std::atomic<uint64_t>> held_ = std::make_shared<std::atomic<uint64_t>>(0);
};

// The memory budget of a query that sets no max_memory_usage: this share of the machine's
// physical RAM (or of the cgroup's memory limit, when that is lower), as ClickHouse caps a
// server at max_server_memory_usage_to_ram_ratio of RAM. Read once.
inline constexpr double kDefaultMemoryRatio = 0.8;
uint64_t DefaultMaxMemoryBytes();

// ResourceExhausted for an allocation that failed (`what`: std::bad_alloc, or a length_error's
// text): caught where a statement or one of its threads ends, so the process lives on.
absl::Status AllocationFailedError(absl::string_view what);

// The physical RAM the process may use: sysconf's page count, lowered to the cgroup's
// memory limit when there is one. 0 when unknown.
uint64_t AvailableRamBytes();

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_QUERY_LIMITS_H_
