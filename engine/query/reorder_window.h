// ReorderWindow: where the scan threads of a streamed plain SELECT hand their blocks to the
// one thread that writes the result, which takes them back in scan order.
//
// Each producer (a thread reading its own split of the scan) hands over blocks with a
// sequence: the position of the block's chunk in the scan (ScanCursor::last_sequence).
// Threads claim chunks from a shared counter, so one producer's sequences never decrease,
// but they leave gaps: another thread's chunks, and chunks whose rows the filter all drops,
// which give no block at all. The consumer takes blocks in (sequence, producer) order,
// which is the order of one thread reading the whole scan, and of the stable sort by
// sequence of every producer's list in producer order that tally used before streaming.
//
// A block may go once no producer can hand over an earlier one. For that each producer's
// position is a lower bound of what it will still hand over: raised by each block it hands
// over and, between blocks, by Advance as it claims each chunk (ScanCursor's claim
// listener), so a producer crossing a long run of chunks its filter empties does not hold
// back the blocks other producers made after them. A finished producer holds nothing back.
//
// Bounded: a producer waits while max_blocks blocks or max_bytes bytes wait, unless its
// block is the one the consumer needs: when no waiting block can go and this producer is
// the lowest (position, index) among those still running, it is let in, so the window
// never deadlocks and holds at most one block over its bounds. (Every producer that waits
// is above the lowest one, which is either running or let in; the consumer takes what the
// lowest hands over.) Producers never wait for the consumer in any other way.
//
// Errors: the first error a producer reports (Finish), or that `check` gives the consumer,
// stops the window; the consumer's Pop returns it, and so does every later Pop. Waiting
// producers are released; Push and Advance then return false and producers should end.
//
// Thread-safe: any number of producers, each with its own index, and one consumer.
#ifndef TALLY_ENGINE_QUERY_REORDER_WINDOW_H_
#define TALLY_ENGINE_QUERY_REORDER_WINDOW_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/block.h"

namespace tally::engine::sql {

class ReorderWindow {
 public:
  struct Options {
    size_t producers = 1;
    size_t max_blocks = 8;
    uint64_t max_bytes = uint64_t{64} << 20;
  };
  explicit ReorderWindow(const Options& options);
  ReorderWindow(const ReorderWindow&) = delete;
  ReorderWindow& operator=(const ReorderWindow&) = delete;

  // Producer `p` will hand over nothing before `sequence` from now on (it claimed that
  // chunk). False once the window has stopped.
  bool Advance(size_t p, uint64_t sequence);
  // Producer `p` hands over `block`, which holds `bytes` of memory, at `sequence` (not below
  // its earlier ones). Waits while the window is full (see above). False once the window
  // has stopped: the block is dropped and the producer should end.
  bool Push(size_t p, uint64_t sequence, Block block, uint64_t bytes);
  // Producer `p` hands over nothing more. A failure stops the window (the first one wins).
  void Finish(size_t p, const absl::Status& status);

  // The consumer: the next block in order, or std::nullopt once every producer finished and
  // every block was taken. While it waits it calls `check` every `poll` (the query's limits:
  // a cancel flag no producer would see while all of them wait); its error stops the
  // window and is returned.
  absl::StatusOr<std::optional<Block>> Pop(const std::function<absl::Status()>& check,
                                           absl::Duration poll = absl::Milliseconds(50));
  // The consumer is done early (LIMIT reached, or it goes away): waiting producers return
  // false, and so do later calls. Blocks waiting are dropped.
  void Stop();

  // Bytes of the blocks waiting now.
  uint64_t bytes() const;

 private:
  // Position order: by sequence, then by producer, then in the order handed over.
  using Key = std::tuple<uint64_t, size_t, uint64_t>;
  struct Waiting {
    Block block;
    uint64_t bytes;
  };

  // REQUIRES: mu_ held (for all below).
  // Whether no running producer other than `p` can still hand over a block before
  // (sequence, p).
  bool NoneBefore(uint64_t sequence, size_t p) const;
  // Whether the first waiting block may go now.
  bool FrontReady() const;
  bool HasRoom(uint64_t bytes) const;

  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable producers_cv_;  // room, or a change of who is lowest
  std::condition_variable consumer_cv_;   // a block, a position or a finish
  std::vector<uint64_t> position_;        // per producer: a lower bound of its next block
  std::vector<bool> done_;
  size_t running_;
  std::map<Key, Waiting> waiting_;
  uint64_t bytes_ = 0;
  uint64_t handed_ = 0;  // blocks handed over so far: the tie-breaker of Key
  bool stopped_ = false;
  absl::Status error_;
};

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_REORDER_WINDOW_H_
