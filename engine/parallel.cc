#include "engine/parallel.h"

#include <thread>
#include <vector>

#include <mutex>

namespace tally::engine {

absl::Status ParallelRun::Run(size_t n, const std::function<absl::Status(size_t, const ParallelRun&)>& work) {
  ParallelRun run;
  // std::mutex rather than absl::Mutex: ThreadSanitizer sees through it (the system's
  // Abseil is not built with TSan annotations).
  std::mutex mu;
  absl::Status first;
  auto part = [&](size_t i) {
    absl::Status s = work(i, run);
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
