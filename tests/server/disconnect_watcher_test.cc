#include "server/disconnect_watcher.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "absl/time/clock.h"

namespace tally::server {
namespace {

struct SocketPair {
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  void ClosePeer() {
    ::close(fds[1]);
    fds[1] = -1;
  }
  int fds[2] = {-1, -1};
};

bool WaitFor(const std::atomic<int>& calls, absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (calls.load() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  return calls.load() > 0;
}

TEST(DisconnectWatcherTest, APeerThatClosesIsReportedOnce) {
  DisconnectWatcher watcher;
  SocketPair gone, stays;
  std::atomic<int> gone_calls{0}, stays_calls{0};
  ScopedDisconnectWatch a(&watcher, gone.fds[0], [&] { ++gone_calls; });
  ScopedDisconnectWatch b(&watcher, stays.fds[0], [&] { ++stays_calls; });
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_EQ(gone_calls.load(), 0);
  gone.ClosePeer();
  EXPECT_TRUE(WaitFor(gone_calls, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_EQ(gone_calls.load(), 1);
  EXPECT_EQ(stays_calls.load(), 0);
}

TEST(DisconnectWatcherTest, NothingIsCalledAfterUnwatch) {
  DisconnectWatcher watcher;
  SocketPair pair;
  std::atomic<int> calls{0};
  { ScopedDisconnectWatch watch(&watcher, pair.fds[0], [&] { ++calls; }); }
  pair.ClosePeer();
  EXPECT_FALSE(WaitFor(calls, absl::Milliseconds(400)));
  // The watcher sleeps while nothing is watched and wakes for the next watch.
  SocketPair next;
  ScopedDisconnectWatch watch(&watcher, next.fds[0], [&] { ++calls; });
  next.ClosePeer();
  EXPECT_TRUE(WaitFor(calls, absl::Seconds(5)));
}

}  // namespace
}  // namespace tally::server
