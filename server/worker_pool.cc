#include "server/worker_pool.h"

#include <utility>

#include "absl/time/clock.h"

namespace tally::server {

WorkerPool::WorkerPool(size_t threads_max, absl::Duration idle_exit)
    : threads_max_(threads_max), idle_exit_(idle_exit) {}

WorkerPool::~WorkerPool() {
  std::unique_lock<std::mutex> lock(mu_);
  stopping_ = true;
  work_.notify_all();
  // Each thread runs what is queued, then leaves itself on finished_.
  idle_.wait(lock, [&] { return threads_.empty(); });
  std::vector<std::thread> finished = std::move(finished_);
  lock.unlock();
  for (std::thread& t : finished) t.join();
}

bool WorkerPool::TryAcquire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (busy_ >= threads_max_) return false;
  ++busy_;
  return true;
}

void WorkerPool::Run(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    // Every waiting or starting thread takes one task: start another when they are too
    // few.
    if (tasks_.size() <= waiting_ + starting_) {
      work_.notify_one();
    } else {
      ++starting_;
      auto self = threads_.emplace(threads_.end());
      *self = std::thread([this, self] { Loop(self); });
    }
  }
  JoinFinished();
}

size_t WorkerPool::busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_;
}

bool WorkerPool::WaitIdle(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  while (busy_ > 0) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return false;
    idle_.wait_for(lock, absl::ToChronoMilliseconds(std::min(left, absl::Seconds(1))));
  }
  return true;
}

void WorkerPool::Loop(std::list<std::thread>::iterator self) {
  std::unique_lock<std::mutex> lock(mu_);
  --starting_;
  while (true) {
    if (tasks_.empty() && !stopping_) {
      ++waiting_;
      work_.wait_for(lock, absl::ToChronoMilliseconds(idle_exit_), [&] { return !tasks_.empty() || stopping_; });
      --waiting_;
    }
    if (tasks_.empty()) break;  // idle for idle_exit, or stopping
    Task task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    std::move(task)();
    task = nullptr;  // what it holds is released before the task counts as done
    lock.lock();
    if (--busy_ == 0) idle_.notify_all();
  }
  finished_.push_back(std::move(*self));
  threads_.erase(self);
  if (threads_.empty()) idle_.notify_all();
}

void WorkerPool::JoinFinished() {
  std::vector<std::thread> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished.swap(finished_);
  }
  for (std::thread& t : finished) t.join();
}

}  // namespace tally::server
