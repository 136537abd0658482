#include "engine/query/reorder_window.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace tally::engine::sql {

ReorderWindow::ReorderWindow(const Options& options)
    : options_(options),
      position_(options.producers, 0),
      done_(options.producers, false),
      running_(options.producers) {}

bool ReorderWindow::NoneBefore(uint64_t sequence, size_t p) const {
  for (size_t q = 0; q < position_.size(); ++q) {
    if (q == p || done_[q]) continue;
    if (std::make_pair(position_[q], q) < std::make_pair(sequence, p)) return false;
  }
  return true;
}

bool ReorderWindow::FrontReady() const {
  if (waiting_.empty()) return false;
  const Key& front = waiting_.begin()->first;
  return NoneBefore(std::get<0>(front), std::get<1>(front));
}

bool ReorderWindow::HasRoom(uint64_t bytes) const {
  return waiting_.empty() || (waiting_.size() < options_.max_blocks && bytes_ + bytes <= options_.max_bytes);
}

bool ReorderWindow::Advance(size_t p, uint64_t sequence) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return false;
    if (sequence <= position_[p]) return true;
    position_[p] = sequence;
  }
  // The front block may go now, and a waiting producer may have become the lowest.
  consumer_cv_.notify_one();
  producers_cv_.notify_all();
  return true;
}

bool ReorderWindow::Push(size_t p, uint64_t sequence, Block block, uint64_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  if (sequence > position_[p]) {
    position_[p] = sequence;
    producers_cv_.notify_all();
  }
  producers_cv_.wait(lock, [&] {
    return stopped_ || HasRoom(bytes) || (NoneBefore(position_[p], p) && !FrontReady());
  });
  if (stopped_) return false;
  waiting_.emplace(Key{sequence, p, handed_++}, Waiting{std::move(block), bytes});
  bytes_ += bytes;
  lock.unlock();
  consumer_cv_.notify_one();
  return true;
}

void ReorderWindow::Finish(size_t p, const absl::Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_[p]) return;
    done_[p] = true;
    --running_;
    if (!status.ok() && error_.ok() && !stopped_) {
      error_ = status;
      stopped_ = true;
    }
  }
  consumer_cv_.notify_one();
  producers_cv_.notify_all();
}

absl::StatusOr<std::optional<Block>> ReorderWindow::Pop(const std::function<absl::Status()>& check,
                                                        absl::Duration poll) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!error_.ok()) return error_;
    if (stopped_) return absl::CancelledError("the result stream was stopped");
    if (FrontReady()) {
      auto front = waiting_.begin();
      Block block = std::move(front->second.block);
      bytes_ -= front->second.bytes;
      waiting_.erase(front);
      lock.unlock();
      producers_cv_.notify_all();
      return std::optional<Block>(std::move(block));
    }
    if (running_ == 0 && waiting_.empty()) return std::optional<Block>();
    consumer_cv_.wait_for(lock, absl::ToChronoMilliseconds(poll));
    absl::Status s = check ? check() : absl::OkStatus();
    if (!s.ok()) {
      error_ = s;
      stopped_ = true;
      lock.unlock();
      producers_cv_.notify_all();
      return s;
    }
  }
}

void ReorderWindow::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    waiting_.clear();
    bytes_ = 0;
  }
  producers_cv_.notify_all();
}

uint64_t ReorderWindow::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace tally::engine::sql
