// ReorderWindow: blocks from several producer threads come out in scan order, across the
// gaps that chunks without rows leave, within the window's bounds; errors surface once and
// release every waiting thread.
#include "engine/query/reorder_window.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>
#include <vector>

#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;

Block OneValue(uint64_t v) {
  Column c = Column::Make(DataType::Make(TypeId::kUInt64));
  c.Append<uint64_t>(v);
  Block b;
  b.Add("v", std::move(c));
  return b;
}

uint64_t ValueOf(const Block& b) { return b.columns[0].values<uint64_t>()[0]; }

absl::Status NoCheck() { return absl::OkStatus(); }

// The next block's value; -1 at the end, -2 for an error.
int64_t PopValue(ReorderWindow& window) {
  absl::StatusOr<std::optional<Block>> block = window.Pop(NoCheck);
  if (!block.ok()) return -2;
  if (!block->has_value()) return -1;
  return static_cast<int64_t>(ValueOf(block->value()));
}

// Producers claim chunks 0..chunks-1 from one counter, as split scan cursors do. A chunk
// whose number is a multiple of 3 has no rows (a gap: the producer only announces it); a
// multiple of 5 gives two blocks (slices of one chunk). Random pauses shuffle the threads.
void RunProducers(size_t producers, size_t max_blocks, uint64_t chunks) {
  SCOPED_TRACE(testing::Message() << producers << " producers, " << max_blocks << " blocks");
  ReorderWindow window({.producers = producers, .max_blocks = max_blocks, .max_bytes = 1 << 20});
  std::atomic<uint64_t> next{0};
  std::vector<std::thread> threads;
  for (size_t p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      std::mt19937 rng(static_cast<uint32_t>(p) + 1);
      while (true) {
        const uint64_t chunk = next.fetch_add(1);
        if (chunk >= chunks) break;
        if (!window.Advance(p, chunk)) break;
        if (rng() % 4 == 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300));
        if (chunk % 3 == 0) continue;
        for (uint64_t slice = 0; slice < (chunk % 5 == 0 ? 2 : 1); ++slice) {
          if (!window.Push(p, chunk, OneValue(chunk * 10 + slice), 1)) return;
        }
      }
      window.Finish(p, absl::OkStatus());
    });
  }
  std::vector<uint64_t> got;
  uint64_t max_waiting = 0;
  while (true) {
    max_waiting = std::max(max_waiting, window.bytes());
    const int64_t value = PopValue(window);
    ASSERT_NE(value, -2);
    if (value == -1) break;
    got.push_back(static_cast<uint64_t>(value));
  }
  for (std::thread& t : threads) t.join();
  std::vector<uint64_t> want;
  for (uint64_t chunk = 0; chunk < chunks; ++chunk) {
    if (chunk % 3 == 0) continue;
    want.push_back(chunk * 10);
    if (chunk % 5 == 0) want.push_back(chunk * 10 + 1);
  }
  EXPECT_EQ(got, want);
  EXPECT_LE(max_waiting, max_blocks + 1);  // its bound, and the one block let in over it
}

TEST(ReorderWindowTest, BlocksComeOutInScanOrderAcrossThreadsAndGaps) {
  for (size_t producers : {1, 2, 4, 7}) {
    for (size_t max_blocks : {1, 2, 16}) RunProducers(producers, max_blocks, 600);
  }
}

TEST(ReorderWindowTest, TheLowestProducerGetsInWhenLaterBlocksFillTheWindow) {
  ReorderWindow window({.producers = 2, .max_blocks = 1, .max_bytes = 1 << 20});
  ASSERT_TRUE(window.Push(1, 5, OneValue(5), 1));  // fills the window; producer 0 is before it
  ASSERT_TRUE(window.Push(0, 0, OneValue(0), 1));  // would wait forever if it waited
  EXPECT_EQ(PopValue(window), 0);
  window.Finish(0, absl::OkStatus());
  EXPECT_EQ(PopValue(window), 5);
  window.Finish(1, absl::OkStatus());
  EXPECT_EQ(PopValue(window), -1);
}

TEST(ReorderWindowTest, EqualSequencesGoInProducerOrder) {
  ReorderWindow window({.producers = 2, .max_blocks = 8, .max_bytes = 1 << 20});
  ASSERT_TRUE(window.Push(1, 7, OneValue(71), 1));
  ASSERT_TRUE(window.Advance(0, 7));
  ASSERT_TRUE(window.Push(0, 7, OneValue(70), 1));
  EXPECT_EQ(PopValue(window), 70);
  window.Finish(0, absl::OkStatus());  // until then producer 0 could hand over more at 7
  EXPECT_EQ(PopValue(window), 71);
}

TEST(ReorderWindowTest, AProducerErrorSurfacesOnceAndReleasesWaitingProducers) {
  ReorderWindow window({.producers = 3, .max_blocks = 1, .max_bytes = 1 << 20});
  std::atomic<int> refused{0};
  // Producers 1 and 2 hand over blocks after producer 0's position: the second waits.
  std::vector<std::thread> waiting;
  for (size_t p : {1, 2}) {
    waiting.emplace_back([&, p] {
      for (uint64_t s = 10; s < 20; ++s) {
        if (!window.Push(p, s * 3 + p, OneValue(s), 1)) {
          ++refused;
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  window.Finish(0, absl::InvalidArgumentError("boom"));
  window.Finish(1, absl::InternalError("a second error, after the first"));
  EXPECT_STATUS(window.Pop(NoCheck), absl::StatusCode::kInvalidArgument, "boom");
  EXPECT_STATUS(window.Pop(NoCheck), absl::StatusCode::kInvalidArgument, "boom");  // the same, again
  for (std::thread& t : waiting) t.join();
  EXPECT_EQ(refused.load(), 2);
  EXPECT_FALSE(window.Advance(2, 100));
}

TEST(ReorderWindowTest, TheConsumersCheckStopsItsWaitAndTheProducers) {
  ReorderWindow window({.producers = 1, .max_blocks = 4, .max_bytes = 1 << 20});
  std::atomic<bool> cancelled{false};
  std::thread producer([&] {
    // Crosses chunks without rows (only announcing them) until the window stops.
    for (uint64_t chunk = 0; window.Advance(0, chunk); ++chunk) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    window.Finish(0, absl::OkStatus());
  });
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancelled = true;
  });
  const auto start = std::chrono::steady_clock::now();
  auto check = [&] { return cancelled ? absl::CancelledError("Query was cancelled") : absl::OkStatus(); };
  EXPECT_STATUS(window.Pop(check, absl::Milliseconds(10)), absl::StatusCode::kCancelled, "Query was cancelled");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  canceller.join();
  producer.join();  // released by the stop
}

TEST(ReorderWindowTest, StopReleasesAProducerWaitingForRoom) {
  ReorderWindow window({.producers = 2, .max_blocks = 1, .max_bytes = 1 << 20});
  ASSERT_TRUE(window.Push(1, 5, OneValue(5), 1));
  std::atomic<bool> pushed{true};
  std::thread producer([&] { pushed = window.Push(1, 6, OneValue(6), 1); });  // full, and not the lowest
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  window.Stop();
  producer.join();
  EXPECT_FALSE(pushed.load());
  EXPECT_EQ(window.bytes(), 0u);
}

TEST(ReorderWindowTest, BytesBoundTheWindowLikeBlocks) {
  ReorderWindow window({.producers = 2, .max_blocks = 100, .max_bytes = 1000});
  ASSERT_TRUE(window.Push(1, 1, OneValue(1), 600));
  std::atomic<bool> in{false};
  std::thread producer([&] {
    window.Push(1, 2, OneValue(2), 600);  // 1200 bytes would wait
    in = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(in.load());
  window.Finish(0, absl::OkStatus());  // now block 1 can go
  EXPECT_EQ(PopValue(window), 1);
  producer.join();
  EXPECT_TRUE(in.load());
  EXPECT_EQ(window.bytes(), 600u);
}

}  // namespace
}  // namespace tally::engine::sql
