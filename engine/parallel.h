// Running one piece of work on several threads: the caller's thread takes part 0 and
// n - 1 threads started for the call take the others. The first error wins and is
// returned once every thread has finished; `stop()` tells the others to give up early.
// A part that throws std::bad_alloc (or std::length_error) fails with ResourceExhausted
// instead of ending the process; when the system refuses to start a thread, the parts
// left without one run on the caller's thread in turn. Parts must never wait for each
// other.
//
// Thread-safe by construction: each part gets its own index; shared state is the
// caller's to synchronize.
#ifndef TALLY_ENGINE_PARALLEL_H_
#define TALLY_ENGINE_PARALLEL_H_

#include <atomic>
#include <cstddef>
#include <functional>

#include "absl/status/status.h"

namespace tally::engine {

class ParallelRun {
 public:
  // Runs work(i) for i in [0, n). REQUIRES: n >= 1.
  static absl::Status Run(size_t n, const std::function<absl::Status(size_t index, const ParallelRun& run)>& work);

  // True once some part failed: the others should return soon (their result is ignored).
  bool stopped() const { return stopped_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stopped_{false};
};

// The number of threads a query uses by default: the machine's cores.
size_t DefaultThreads();

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PARALLEL_H_
