// InsertBatch::CommitAsync: a commit the caller does not wait for. The group commit
// thread commits the batch (in a group, or alone when it joins none) and then runs the
// callback, exactly once, only after the commit is durable.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/database.h"
#include "engine/mem_env.h"
#include "tests/engine/gated_sync_env.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

Block Rows(size_t n, uint64_t seed) { return testing_data::MeteringBlock(n, seed, 1790812800, 3600); }

uint64_t SumOf(const Block& block) {
  const int c = block.Find("value");
  uint64_t sum = 0;
  for (size_t r = 0; r < block.rows(); ++r) sum += block.columns[c].values<uint64_t>()[r];
  return sum;
}

uint64_t Sum(Database* db, const std::string& table) {
  auto cursor = db->Scan(table, ScanOptions{.columns = {"value"}});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  uint64_t sum = 0;
  while (cursor.ok()) {
    Block block;
    auto more = (*cursor)->Next(&block);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    sum += SumOf(block);
  }
  return sum;
}

// Callbacks' outcomes, in the order they ran.
struct Answers {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<int, absl::Status>> got;  // (insert, status)
  std::vector<std::thread::id> threads;

  Database::InsertBatch::CommitCallback For(int insert) {
    return [this, insert](absl::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      got.emplace_back(insert, std::move(s));
      threads.push_back(std::this_thread::get_id());
      cv.notify_all();
    };
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return got.size();
  }
  bool WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return got.size() >= n; });
  }
};

void CommitAsync(Database* db, const std::string& table, Block rows, Database::InsertBatch::CommitCallback done,
                 InsertOptions options = {}) {
  auto batch = db->BeginInsert(table, std::move(options));
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_OK((*batch)->Add(std::move(rows)));
  Database::InsertBatch::CommitAsync(*std::move(batch), std::move(done));
}

TEST(CommitAsyncTest, AnswersEachInsertOnceAfterItsGroupIsDurable) {
  GatedSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .inline_parts = true}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Answers answers;
  uint64_t want = 0;
  env.Close();
  // The first insert's group reaches its sync and waits there; the next seven queue
  // behind it and must not hear anything before their own group is durable.
  Block first = Rows(3, 1);
  want += SumOf(first);
  CommitAsync(db.get(), "events", std::move(first), answers.For(0));
  ASSERT_TRUE(env.WaitForArrivals(1));
  for (int i = 1; i < 8; ++i) {
    Block b = Rows(2, 100 + i);
    want += SumOf(b);
    CommitAsync(db.get(), "events", std::move(b), answers.For(i));
  }
  EXPECT_EQ(answers.count(), 0u) << "an insert was answered before its sync";
  const uint64_t syncs_before = db->stats().manifest_syncs;
  env.Release();
  ASSERT_TRUE(answers.WaitFor(8));
  std::vector<int> seen;
  for (const auto& [insert, status] : answers.got) {
    EXPECT_OK(status);
    seen.push_back(insert);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
  // The seven queued inserts shared one sync.
  EXPECT_EQ(db->stats().manifest_syncs - syncs_before, 2u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
  for (std::thread::id t : answers.threads) EXPECT_NE(t, std::this_thread::get_id());
  // Each answered only once, also after more time.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(answers.count(), 8u);
}

TEST(CommitAsyncTest, WaitingAndAnsweredLaterWritersShareTheQueue) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .inline_parts = true}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Answers answers;
  constexpr int kThreads = 6, kInserts = 40;
  std::atomic<uint64_t> want{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kInserts; ++i) {
        Block b = Rows(1 + i % 3, t * 1000 + i);
        want += SumOf(b);
        if (t % 2 == 0) {
          EXPECT_OK(db->Insert("events", std::move(b)));  // waits for its commit
        } else {
          CommitAsync(db.get(), "events", std::move(b), answers.For(t * 1000 + i));
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(answers.WaitFor(kThreads / 2 * kInserts));
  for (const auto& [insert, status] : answers.got) EXPECT_TRUE(status.ok()) << insert << ": " << status;
  EXPECT_EQ(Sum(db.get(), "events"), want.load());
  EXPECT_EQ(db->stats().grouped_inserts, uint64_t{kThreads * kInserts});
}

TEST(CommitAsyncTest, ABatchThatJoinsNoGroupIsCommittedByTheGroupCommitThread) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .inline_parts = true}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Answers answers;
  // Over the small-insert bound: its parts are written as it is added, and its commit
  // (an fsync) must still not run on the caller's thread.
  Block big = Rows(30000, 7);
  const uint64_t want = SumOf(big);
  CommitAsync(db.get(), "events", std::move(big), answers.For(0));
  ASSERT_TRUE(answers.WaitFor(1));
  EXPECT_OK(answers.got[0].second);
  EXPECT_NE(answers.threads[0], std::this_thread::get_id());
  EXPECT_EQ(Sum(db.get(), "events"), want);
  EXPECT_EQ(db->stats().grouped_inserts, 0u);
}

TEST(CommitAsyncTest, ARepeatedTokenIsStoredOnceAndEveryInsertHearsOk) {
  GatedSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .inline_parts = true}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Answers answers;
  env.Close();
  CommitAsync(db.get(), "events", Rows(1, 1), answers.For(0));
  ASSERT_TRUE(env.WaitForArrivals(1));
  // Three retries of one insert, queued into one group.
  Block rows = Rows(2, 9);
  const uint64_t want = SumOf(Rows(1, 1)) + SumOf(rows);
  for (int i = 1; i <= 3; ++i) {
    Block copy = rows;
    CommitAsync(db.get(), "events", std::move(copy), answers.For(i), {.deduplication_token = "retry-9"});
  }
  env.Release();
  ASSERT_TRUE(answers.WaitFor(4));
  for (const auto& [insert, status] : answers.got) EXPECT_TRUE(status.ok()) << insert << ": " << status;
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

TEST(CommitAsyncTest, ClosingTheDatabaseAnswersWhatIsQueued) {
  GatedSyncEnv env;
  Answers answers;
  uint64_t want = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .inline_parts = true}));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    env.Close();
    for (int i = 0; i < 5; ++i) {
      Block b = Rows(1, i);
      want += SumOf(b);
      CommitAsync(db.get(), "events", std::move(b), answers.For(i));
    }
    ASSERT_TRUE(env.WaitForArrivals(1));
    std::thread release([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      env.Release();
    });
    db.reset();  // waits for the group commit thread, which commits and answers all five
    release.join();
    EXPECT_EQ(answers.count(), 5u);
  }
  for (const auto& [insert, status] : answers.got) EXPECT_TRUE(status.ok()) << insert << ": " << status;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

TEST(CommitAsyncTest, AnInsertIntoATableDroppedMeanwhileHearsWhy) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .inline_parts = true}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Answers answers;
  ASSERT_OK_AND_ASSIGN(auto batch, db->BeginInsert("events"));
  ASSERT_OK(batch->Add(Rows(2, 3)));
  ASSERT_OK(db->DropTable("events"));
  Database::InsertBatch::CommitAsync(std::move(batch), answers.For(0));
  ASSERT_TRUE(answers.WaitFor(1));
  EXPECT_FALSE(answers.got[0].second.ok());
  EXPECT_NE(answers.got[0].second.message().find("events"), std::string::npos) << answers.got[0].second;
}

}  // namespace
}  // namespace tally::engine
