#include "engine/parallel.h"

#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/exec/query_limits.h"

namespace tally::engine {

absl::Status ParallelRun::Run(size_t n, const std::function<absl::Status(size_t, const ParallelRun&)>& work) {
  ParallelRun run;
  // std::mutex rather than absl::Mutex: ThreadSanitizer sees through it (the system's
  // Abseil is not built with TSan annotations).
  std::mutex mu;
  absl::Status first;
  auto part = [&](size_t i) {
    absl::Status s;
    // An exception leaving a std::thread ends the process: an allocation the system refuses
    // becomes this part's error instead (Session catches the same on the caller's thread).
    try {
      s = work(i, run);
    } catch (const std::bad_alloc&) {
      s = exec::AllocationFailedError("std::bad_alloc");
    } catch (const std::length_error& e) {
      s = exec::AllocationFailedError(e.what());
    }
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      if (first.ok()) first = std::move(s);
      run.stopped_.store(true, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(n > 0 ? n - 1 : 0);
  for (size_t i = 1; i < n; ++i) threads.emplace_back(part, i);
  if (n > 0) part(0);
  for (std::thread& t : threads) t.join();
  return first;
}

size_t DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

}  // namespace tally::engine
