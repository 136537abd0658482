// QueryProgress: what one statement has read, written and returned so far, counted while
// it runs, for progress displays (`tally local` on a terminal) and the server's
// X-ClickHouse-Progress and X-ClickHouse-Summary headers. The counts are ClickHouse's:
//
//   read_rows, read_bytes    rows read from tables (the granules a scan decodes, before
//                            any filtering; bytes as decoded in memory), table functions
//                            (numbers()) and system tables
//   written_rows, _bytes     rows an INSERT stores, the rows its materialized views write
//                            into their targets included; bytes as in memory
//   total_rows_to_read       the rows the statement's scans plan to read, after pruning
//                            (known when a scan starts, so it may grow as subqueries start)
//   result_rows, _bytes      the rows of the result (an INSERT's: what it wrote)
//
// Thread-safe. The counters are relaxed atomics: the statement's threads add to them a
// block or a batch of granules at a time (never per row, so the cost is a few atomic adds
// per 64Ki rows), and any thread may read them meanwhile. A reader sees each counter on
// its own, not one consistent snapshot of all of them, which a progress display does not
// need.
#ifndef TALLY_ENGINE_PROGRESS_H_
#define TALLY_ENGINE_PROGRESS_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"

namespace tally::engine {

struct ProgressValues {
  uint64_t read_rows = 0;
  uint64_t read_bytes = 0;
  uint64_t written_rows = 0;
  uint64_t written_bytes = 0;
  uint64_t total_rows_to_read = 0;
  uint64_t result_rows = 0;
  uint64_t result_bytes = 0;

  bool operator==(const ProgressValues&) const = default;
};

class QueryProgress {
 public:
  QueryProgress() = default;
  QueryProgress(const QueryProgress&) = delete;
  QueryProgress& operator=(const QueryProgress&) = delete;

  void AddRead(uint64_t rows, uint64_t bytes) {
    read_rows_.fetch_add(rows, std::memory_order_relaxed);
    read_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void AddWritten(uint64_t rows, uint64_t bytes) {
    written_rows_.fetch_add(rows, std::memory_order_relaxed);
    written_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void AddTotalRowsToRead(uint64_t rows) { total_rows_to_read_.fetch_add(rows, std::memory_order_relaxed); }
  void AddResult(uint64_t rows, uint64_t bytes) {
    result_rows_.fetch_add(rows, std::memory_order_relaxed);
    result_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }

  // A new statement, begun at `start`: the counters go back to zero and statement() moves
  // on. A reader racing with it may see a mix of the two statements' counts for a moment.
  void Reset(absl::Time start);

  ProgressValues Get() const;
  // When the current statement began (InfinitePast before the first).
  absl::Time start() const {
    const int64_t ns = start_ns_.load(std::memory_order_relaxed);
    return ns == INT64_MIN ? absl::InfinitePast() : absl::FromUnixNanos(ns);
  }
  // How many statements began: a reader tells one statement from the next by it.
  uint64_t statement() const { return statement_.load(std::memory_order_acquire); }

 private:
  std::atomic<uint64_t> read_rows_{0};
  std::atomic<uint64_t> read_bytes_{0};
  std::atomic<uint64_t> written_rows_{0};
  std::atomic<uint64_t> written_bytes_{0};
  std::atomic<uint64_t> total_rows_to_read_{0};
  std::atomic<uint64_t> result_rows_{0};
  std::atomic<uint64_t> result_bytes_{0};
  std::atomic<int64_t> start_ns_{INT64_MIN};
  std::atomic<uint64_t> statement_{0};
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PROGRESS_H_
