// WorkerPool: the threads that serve connections with a request to run. A task claims a
// thread with TryAcquire (false when threads_max tasks are running or queued: the caller
// answers at once instead of queueing) and hands its work to Run, which wakes an idle
// thread or starts one. Idle threads wait for work and exit after idle_exit, so a burst's
// threads do not stay forever, while a steady load reuses them without starting threads.
//
// Thread-safe.
#ifndef TALLY_SERVER_WORKER_POOL_H_
#define TALLY_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace tally::server {

class WorkerPool {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  explicit WorkerPool(size_t threads_max, absl::Duration idle_exit = absl::Seconds(10));
  // Runs what is queued, then joins every thread.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Claims a thread for one task; false when threads_max are claimed.
  bool TryAcquire();
  // REQUIRES: a TryAcquire() that returned true, not yet used by a Run.
  void Run(Task task);
  // Tasks claimed and not finished.
  size_t busy() const;
  // Waits until no task is claimed or `deadline` passes; whether none is.
  bool WaitIdle(absl::Time deadline);

 private:
  void Loop(std::list<std::thread>::iterator self);
  // Joins threads that have exited (outside the lock).
  void JoinFinished();

  const size_t threads_max_;
  const absl::Duration idle_exit_;
  mutable std::mutex mu_;
  std::condition_variable work_;  // a task queued, or stopping
  std::condition_variable idle_;  // busy_ reached 0
  std::deque<Task> tasks_;
  size_t busy_ = 0;
  size_t waiting_ = 0;   // threads waiting for a task
  size_t starting_ = 0;  // threads started that have not taken a task yet
  bool stopping_ = false;
  std::list<std::thread> threads_;
  std::vector<std::thread> finished_;
};

}  // namespace tally::server

#endif  // TALLY_SERVER_WORKER_POOL_H_
