#include "engine/progress.h"

namespace tally::engine {

void QueryProgress::Reset(absl::Time start) {
  for (std::atomic<uint64_t>* c : {&read_rows_, &read_bytes_, &written_rows_, &written_bytes_, &total_rows_to_read_,
                                   &result_rows_, &result_bytes_}) {
    c->store(0, std::memory_order_relaxed);
  }
  start_ns_.store(absl::ToUnixNanos(start), std::memory_order_relaxed);
  // Release: a reader that sees the new statement number sees the zeroed counters too.
  statement_.fetch_add(1, std::memory_order_release);
}

ProgressValues QueryProgress::Get() const {
  ProgressValues v;
  v.read_rows = read_rows_.load(std::memory_order_relaxed);
  v.read_bytes = read_bytes_.load(std::memory_order_relaxed);
  v.written_rows = written_rows_.load(std::memory_order_relaxed);
  v.written_bytes = written_bytes_.load(std::memory_order_relaxed);
  v.total_rows_to_read = total_rows_to_read_.load(std::memory_order_relaxed);
  v.result_rows = result_rows_.load(std::memory_order_relaxed);
  v.result_bytes = result_bytes_.load(std::memory_order_relaxed);
  return v;
}

}  // namespace tally::engine
