#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "absl/time/clock.h"

namespace tally::server {
namespace {

// A gate tasks wait at until the test opens it.
struct Gate {
  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return open; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
};

TEST(WorkerPoolTest, RefusesBeyondItsMaximumAndRunsWhatItAccepted) {
  WorkerPool pool(2);
  Gate gate;
  std::atomic<int> done{0};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(pool.TryAcquire());
    pool.Run([&] {
      gate.Wait();
      ++done;
    });
  }
  EXPECT_FALSE(pool.TryAcquire());
  EXPECT_EQ(pool.busy(), 2u);
  EXPECT_FALSE(pool.WaitIdle(absl::Now() + absl::Milliseconds(50)));
  gate.Open();
  EXPECT_TRUE(pool.WaitIdle(absl::Now() + absl::Seconds(10)));
  EXPECT_EQ(done.load(), 2);
  EXPECT_TRUE(pool.TryAcquire());  // the threads are free again
  pool.Run([] {});
}

TEST(WorkerPoolTest, SequentialTasksReuseAThreadAndIdleThreadsExit) {
  WorkerPool pool(8, absl::Milliseconds(100));
  std::mutex mu;
  std::set<std::thread::id> ids;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(pool.TryAcquire());
    pool.Run([&] {
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
    });
    ASSERT_TRUE(pool.WaitIdle(absl::Now() + absl::Seconds(10)));
  }
  EXPECT_LE(ids.size(), 2u);  // not a thread per task
  absl::SleepFor(absl::Milliseconds(400));  // the idle thread exits
  ASSERT_TRUE(pool.TryAcquire());
  std::thread::id later;
  pool.Run([&] { later = std::this_thread::get_id(); });
  ASSERT_TRUE(pool.WaitIdle(absl::Now() + absl::Seconds(10)));
  EXPECT_NE(later, std::thread::id());
}

TEST(WorkerPoolTest, TheDestructorRunsWhatWasQueued) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(64);
    for (int i = 0; i < 64; ++i) {
      ASSERT_TRUE(pool.TryAcquire());
      pool.Run([&] {
        absl::SleepFor(absl::Milliseconds(5));
        ++done;
      });
    }
  }
  EXPECT_EQ(done.load(), 64);
}

}  // namespace
}  // namespace tally::server
