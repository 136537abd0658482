#include "server/ticker.h"

#include <gtest/gtest.h>

#include <atomic>

#include "absl/time/clock.h"

namespace tally::server {
namespace {

TEST(TickerTest, EachFunctionTicksAtItsOwnInterval) {
  Ticker ticker;
  std::atomic<int> fast{0}, slow{0};
  {
    ScopedTick a(&ticker, absl::Milliseconds(10), [&] { ++fast; });
    ScopedTick b(&ticker, absl::Milliseconds(200), [&] { ++slow; });
    absl::SleepFor(absl::Milliseconds(500));
  }
  EXPECT_GE(fast.load(), 10);  // about 50; a loaded machine ticks late, never early
  EXPECT_GE(slow.load(), 1);
  EXPECT_LE(slow.load(), 2);
}

TEST(TickerTest, NothingTicksBeforeItsFirstIntervalOrAfterRemove) {
  Ticker ticker;
  std::atomic<int> calls{0};
  const uint64_t ticket = ticker.Add(absl::Seconds(10), [&] { ++calls; });
  absl::SleepFor(absl::Milliseconds(50));
  ticker.Remove(ticket);
  EXPECT_EQ(calls.load(), 0);

  const uint64_t busy = ticker.Add(absl::Milliseconds(1), [&] { ++calls; });
  absl::SleepFor(absl::Milliseconds(50));
  ticker.Remove(busy);
  const int after_remove = calls.load();
  EXPECT_GT(after_remove, 0);
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(calls.load(), after_remove);  // Remove waited for a running tick, and none ran since
}

TEST(TickerTest, ANearerDeadlineAddedLaterIsNotHeldUpByAFarOne) {
  Ticker ticker;
  std::atomic<int> far{0}, near{0};
  ScopedTick a(&ticker, absl::Seconds(30), [&] { ++far; });
  absl::SleepFor(absl::Milliseconds(20));  // the thread now sleeps toward the far deadline
  ScopedTick b(&ticker, absl::Milliseconds(10), [&] { ++near; });
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (near.load() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_GT(near.load(), 0);
  EXPECT_EQ(far.load(), 0);
}

}  // namespace
}  // namespace tally::server
