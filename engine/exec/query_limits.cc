#include "engine/exec/query_limits.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "engine/error_code.h"

namespace tally::engine::exec {

namespace {

// The coarse clock is read from the vDSO without a system call (a few nanoseconds); its
// resolution (a scheduler tick, 1-4 ms) is far below what a time limit needs.
int64_t CoarseNowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::string ReadableBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(bytes, " B") : absl::StrFormat("%.2f %s", v, units[u]);
}

// A cgroup's memory limit (v2 memory.max, else v1 memory.limit_in_bytes); 0 when none.
uint64_t CgroupMemoryLimit() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    uint64_t v = 0;
    if (in >> text && absl::SimpleAtoi(text, &v) && v > 0) return v;  // "max" means none
  }
  return 0;
}

}  // namespace

QueryLimits::QueryLimits(const Options& options) : options_(options) {
  if (options_.max_execution_time_s > 0) {
    const double left_s = options_.max_execution_time_s - absl::ToDoubleSeconds(absl::Now() - options_.start);
    deadline_ns_ = CoarseNowNs() + static_cast<int64_t>(std::max(left_s, 0.0) * 1e9);
    deadline_ns_ = std::max<int64_t>(deadline_ns_, 1);
  }
}

const QueryLimits& QueryLimits::None() {
  static const QueryLimits* none = new QueryLimits();
  return *none;
}

absl::Status QueryLimits::TimeoutError() const {
  const double elapsed_s = absl::ToDoubleSeconds(absl::Now() - options_.start);
  return CodedError(ErrorCode::kTimeoutExceeded,
                    absl::StrFormat("Timeout exceeded: elapsed %.6f seconds, maximum: %s (setting max_execution_time)",
                                    elapsed_s, absl::StrCat(options_.max_execution_time_s)));
}

absl::Status QueryLimits::Check() const {
  if (options_.cancelled != nullptr && options_.cancelled->load(std::memory_order_relaxed)) {
    return CodedError(ErrorCode::kQueryWasCancelled, "Query was cancelled");
  }
  // The coarse clock may run a tick ahead of absl::Now(): past its deadline, the precise
  // clock decides (so the error never says "elapsed 0.9999 seconds, maximum: 1").
  if (deadline_ns_ != 0 && CoarseNowNs() >= deadline_ns_ &&
      absl::Now() - options_.start >= absl::Seconds(options_.max_execution_time_s)) {
    return TimeoutError();
  }
  return absl::OkStatus();
}

absl::Status QueryLimits::Check(uint64_t bytes) const {
  if (absl::Status s = Check(); !s.ok()) return s;
  const uint64_t max = options_.max_memory_bytes;
  const uint64_t total = bytes + held_bytes();
  if (max == 0 || total <= max) return absl::OkStatus();
  return CodedError(ErrorCode::kMemoryLimitExceeded, absl::StrCat(
      "Memory limit (", options_.server_memory ? "total" : "for query", ") exceeded: would use ", ReadableBytes(total),
      " (", total, " bytes), maximum: ", ReadableBytes(max),
      options_.server_memory
          ? absl::StrCat(" (setting max_server_memory_usage; by default ", std::lround(kDefaultMemoryRatio * 100),
                         " % of RAM)")
          : std::string(" (setting max_memory_usage)")));
}

void QueryLimits::Hold(uint64_t bytes) const { held_->fetch_add(bytes, std::memory_order_relaxed); }

absl::Status AllocationFailedError(absl::string_view what) {
  return CodedError(ErrorCode::kMemoryLimitExceeded,
                    absl::StrCat("Memory limit exceeded: an allocation failed (", what,
                                 "); the statement was stopped. Lower max_memory_usage so that "
                                 "queries stop before the machine runs out"));
}

uint64_t AvailableRamBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  uint64_t ram = pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) : 0;
  const uint64_t cgroup = CgroupMemoryLimit();
  if (cgroup > 0 && (ram == 0 || cgroup < ram)) ram = cgroup;
  return ram;
}

uint64_t DefaultMaxMemoryBytes() {
  static const uint64_t bytes = static_cast<uint64_t>(static_cast<double>(AvailableRamBytes()) * kDefaultMemoryRatio);
  return bytes;
}

}  // namespace tally::engine::exec
