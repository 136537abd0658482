// Commits release the database's mutex around the manifest's append and sync: scans and
// lookups go on while an insert's fsync is in progress, and commits still apply one at a
// time, in log order.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "format/status_macros.h"
#include "tests/engine/gated_sync_env.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

uint64_t CountRows(Database* db, const std::string& table) {
  auto cursor = db->Scan(table, ScanOptions{.columns = {"value"}});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  uint64_t rows = 0;
  while (true) {
    Block block;
    auto more = (*cursor)->Next(&block);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    rows += block.rows();
  }
  return rows;
}

TEST(CommitOrderTest, ScansRunWhileACommitSyncsAndCommitsApplyInOrder) {
  GatedSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(100, 1)));

  env.Close();
  auto first = std::async(std::launch::async, [&] { return db->Insert("events", testing_data::MeteringBlock(10, 2)); });
  ASSERT_TRUE(env.WaitForArrivals(1)) << "the insert never reached its manifest sync";

  // The insert holds its sync: reads and part listings go on beside it, and see the
  // state before it.
  auto reads = std::async(std::launch::async, [&] {
    uint64_t rows = CountRows(db.get(), "events");
    auto parts = db->ListParts("events");
    return std::make_pair(rows, parts.ok() ? parts->size() : size_t{999});
  });
  ASSERT_EQ(reads.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a scan waited behind a commit's fsync";
  EXPECT_EQ(reads.get(), std::make_pair(uint64_t{100}, size_t{1}));

  // A second commit waits for the first (log order), without reaching the manifest.
  auto second = std::async(std::launch::async, [&] { return db->Insert("events", testing_data::MeteringBlock(5, 3)); });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  EXPECT_EQ(env.arrivals(), 1) << "a second commit reached the manifest while the first was syncing";
  EXPECT_EQ(CountRows(db.get(), "events"), 100u);

  env.Release();
  ASSERT_OK(first.get());
  ASSERT_OK(second.get());
  EXPECT_EQ(CountRows(db.get(), "events"), 115u);

  // The log holds both, in order: a reopen sees the same.
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(CountRows(db.get(), "events"), 115u);
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  EXPECT_EQ(parts.size(), 3u);
}

// Every kind of commit (DDL, inserts, merges) from several threads at once: the state
// after a reopen equals the state before, so the log recorded them in the order applied.
TEST(CommitOrderTest, ConcurrentCommitsOfEveryKindReplayToTheSameState) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(50, 1000 * t + i)));
        std::string name = "side_" + std::to_string(t) + "_" + std::to_string(i);
        ASSERT_OK(db->CreateTable(name, testing_data::MeteringSchema()));
        if (i % 2 == 0) ASSERT_OK(db->DropTable(name));
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 5; ++i) {
      absl::Status s = db->Optimize("events").status();
      EXPECT_TRUE(s.ok() || absl::IsAborted(s)) << s;
    }
  });
  for (std::thread& t : threads) t.join();
  const uint64_t rows = CountRows(db.get(), "events");
  EXPECT_EQ(rows, 4u * 15 * 50);
  std::vector<std::string> tables = db->ListTables();
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(CountRows(db.get(), "events"), rows);
  EXPECT_EQ(db->ListTables(), tables);
  ASSERT_OK_AND_ASSIGN(auto reopened, db->ListParts("events"));
  EXPECT_EQ(reopened.size(), parts.size());
}

}  // namespace
}  // namespace tally::engine
