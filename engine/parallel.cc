#include "engine/parallel.h"

#include <algorithm>
#include <mutex>
#include <new>
#include <stdexcept>
#include <system_error>
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
  // A thread the system will not start (std::system_error: EAGAIN at the process's thread
  // limit) is no reason to fail the query: its part, and the ones after it, run here.
  // Parts never wait for each other, so running some of them in turn is correct.
  size_t started = std::min<size_t>(n, 1);
  for (size_t i = 1; i < n; ++i) {
    try {
      threads.emplace_back(part, i);
    } catch (const std::system_error&) {
      break;
    }
    started = i + 1;
  }
  if (n > 0) part(0);
  for (size_t i = started; i < n; ++i) part(i);
  for (std::thread& t : threads) t.join();
  return first;
}

size_t DefaultThreads() {
  // Read once: glibc reads a file under /sys for it, which every small insert would pay.
  static const size_t threads = [] {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? size_t{1} : size_t{n};
  }();
  return threads;
}

}  // namespace tally::engine
