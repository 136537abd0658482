// Small inserts: group commit (several inserts, one manifest sync) and inline parts (a
// small insert's part held in the manifest record that acknowledges it, flushed to a
// part directory later).
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "tests/engine/fault_steps.h"
#include "tests/engine/gated_sync_env.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

// One October day: every row in partition 202610.
Block Rows(size_t n, uint64_t seed) { return testing_data::MeteringBlock(n, seed, 1790812800, 3600); }

uint64_t Sum(Database* db, const std::string& table, uint64_t* rows = nullptr) {
  auto cursor = db->Scan(table, ScanOptions{.columns = {"value"}});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  uint64_t sum = 0;
  uint64_t n = 0;
  while (cursor.ok()) {
    Block block;
    auto more = (*cursor)->Next(&block);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    for (size_t r = 0; r < block.rows(); ++r) sum += block.columns[0].values<uint64_t>()[r];
    n += block.rows();
  }
  if (rows != nullptr) *rows = n;
  return sum;
}

uint64_t SumOf(const Block& block) {
  const int c = block.Find("value");
  uint64_t sum = 0;
  for (size_t r = 0; r < block.rows(); ++r) sum += block.columns[c].values<uint64_t>()[r];
  return sum;
}

// Part directories on disk, in every table (temporary ones and detached/ left out).
size_t PartDirs(Env* env, Database* db) {
  const std::string tables = JoinPath(db->dir(), "tables");
  auto dirs = env->ListDir(tables);
  EXPECT_TRUE(dirs.ok()) << dirs.status();
  size_t n = 0;
  for (const std::string& dir : dirs.ok() ? *dirs : std::vector<std::string>{}) {
    auto entries = env->ListDir(JoinPath(tables, dir));
    EXPECT_TRUE(entries.ok()) << entries.status();
    if (!entries.ok()) continue;
    for (const std::string& e : *entries) n += e != "detached" && e.rfind("tmp_", 0) != 0;
  }
  return n;
}

DatabaseOptions InlineOn(Env* env) {
  DatabaseOptions o{.env = env, .inline_parts = true};
  o.inline_flush.age_ms = 3600 * 1000;  // tests flush by hand unless they say otherwise
  o.inline_flush.parts = 1 << 20;
  return o;
}

TEST(InlinePartsTest, SmallInsertsLiveInTheManifestUntilFlushed) {
  MemEnv env;
  uint64_t want = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    for (int i = 0; i < 20; ++i) {
      Block b = Rows(1 + i % 3, i);
      want += SumOf(b);
      ASSERT_OK(db->Insert("events", std::move(b)));
    }
    EXPECT_EQ(Sum(db.get(), "events"), want);
    const DatabaseStats stats = db->stats();
    EXPECT_EQ(stats.inline_parts, 20u);
    EXPECT_GT(stats.inline_bytes, 0u);
    EXPECT_EQ(PartDirs(&env, db.get()), 0u) << "an inline part got a directory";
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
    EXPECT_EQ(parts.size(), 20u);
    ASSERT_OK(db->CheckTable("events"));
  }
  // Replayed from the manifest alone.
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    EXPECT_EQ(Sum(db.get(), "events"), want);
    EXPECT_EQ(db->stats().inline_parts, 20u);
    ASSERT_OK(db->FlushInlineParts());
    EXPECT_EQ(db->stats().inline_parts, 0u);
    EXPECT_EQ(db->stats().inline_flushes, 1u);
    EXPECT_EQ(PartDirs(&env, db.get()), 1u);
    EXPECT_EQ(Sum(db.get(), "events"), want);
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(Sum(db.get(), "events"), want);
  EXPECT_EQ(db->stats().inline_parts, 0u);
}

TEST(InlinePartsTest, AnAcknowledgedInsertSurvivesACrash) {
  MemEnv env;
  uint64_t want = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    for (int i = 0; i < 10; ++i) {
      Block b = Rows(2, i);
      want += SumOf(b);
      ASSERT_OK(db->Insert("events", std::move(b)));
    }
    env.Crash();  // the process dies with the database open
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

TEST(InlinePartsTest, LargeInsertsWriteTheirOwnParts) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Block big = Rows(100000, 1);
  const uint64_t want = SumOf(big);
  ASSERT_OK(db->Insert("events", std::move(big)));
  EXPECT_EQ(db->stats().inline_parts, 0u);
  EXPECT_EQ(db->stats().group_commits, 0u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

// Inserts that arrive while a commit syncs the manifest commit together: one sync, one
// part, every insert acknowledged.
TEST(GroupCommitTest, InsertsWaitingBehindASyncShareTheNextOne) {
  GatedSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  const DatabaseStats before = db->stats();
  env.Close();
  uint64_t want = 0;
  Block first = Rows(1, 100);
  want += SumOf(first);
  auto leader = std::async(std::launch::async, [&] { return db->Insert("events", std::move(first)); });
  ASSERT_TRUE(env.WaitForArrivals(1));
  std::vector<std::future<absl::Status>> followers;
  for (int i = 0; i < 8; ++i) {
    Block b = Rows(1, 200 + i);
    want += SumOf(b);
    followers.push_back(std::async(std::launch::async, [&db, b = std::move(b)]() mutable {
      return db->Insert("events", std::move(b));
    }));
  }
  // Let them all queue behind the held sync.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(env.arrivals(), 1);
  env.Release();
  ASSERT_OK(leader.get());
  for (auto& f : followers) ASSERT_OK(f.get());
  const DatabaseStats after = db->stats();
  EXPECT_EQ(after.manifest_syncs - before.manifest_syncs, 2u) << "the eight followers should share one sync";
  EXPECT_EQ(after.grouped_inserts - before.grouped_inserts, 9u);
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  EXPECT_EQ(parts.size(), 2u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

// Two inserts with one deduplication token in one group: the second is a repeat, as it
// would be one commit later.
TEST(GroupCommitTest, ARepeatedTokenInsideAGroupIsStoredOnce) {
  GatedSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  env.Close();
  auto leader = std::async(std::launch::async, [&] { return db->Insert("events", Rows(1, 1)); });
  ASSERT_TRUE(env.WaitForArrivals(1));
  Block once = Rows(3, 2);
  const uint64_t want = SumOf(once) + SumOf(Rows(1, 1));
  std::vector<std::unique_ptr<Database::InsertBatch>> batches;
  std::vector<std::future<absl::Status>> commits;
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(auto batch, db->BeginInsert("events", {.deduplication_token = "retry-me"}));
    ASSERT_OK(batch->Add(once));
    batches.push_back(std::move(batch));
  }
  for (auto& b : batches) commits.push_back(std::async(std::launch::async, [&b] { return b->Commit(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  env.Release();
  ASSERT_OK(leader.get());
  for (auto& c : commits) ASSERT_OK(c.get());
  EXPECT_NE(batches[0]->deduplicated(), batches[1]->deduplicated());
  EXPECT_EQ(Sum(db.get(), "events"), want);
  // And across a reopen the token still turns a retry away.
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", InlineOn(&env)));
  ASSERT_OK_AND_ASSIGN(auto retry, db->BeginInsert("events", {.deduplication_token = "retry-me"}));
  ASSERT_OK(retry->Add(once));
  ASSERT_OK(retry->Commit());
  EXPECT_TRUE(retry->deduplicated());
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

TEST(GroupCommitTest, ConcurrentSmallInsertsAreEachStoredOnce) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  constexpr int kThreads = 8;
  constexpr int kInserts = 60;
  std::vector<uint64_t> sums(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kInserts; ++i) {
        Block b = Rows(1 + i % 4, 1000 * t + i);
        sums[t] += SumOf(b);
        // Each insert names itself: identical rows from two threads are both kept.
        ASSERT_OK(db->Insert("events", std::move(b), {.deduplication_token = absl::StrCat(t, "-", i)}));
      }
    });
  }
  // A flush and a merge run beside the inserts.
  std::thread flusher([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_OK(db->FlushInlineParts());
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  for (std::thread& t : threads) t.join();
  flusher.join();
  uint64_t want = 0;
  for (uint64_t s : sums) want += s;
  uint64_t rows = 0;
  EXPECT_EQ(Sum(db.get(), "events", &rows), want);
  const DatabaseStats stats = db->stats();
  EXPECT_EQ(stats.grouped_inserts, uint64_t{kThreads} * kInserts);
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  uint64_t rows_after = 0;
  EXPECT_EQ(Sum(db.get(), "events", &rows_after), want);
  EXPECT_EQ(rows_after, rows);
}

TEST(InlinePartsTest, TheFlushThreadBoundsInlinePartsPerPartition) {
  MemEnv env;
  DatabaseOptions options = InlineOn(&env);
  options.inline_flush.parts = 8;
  options.inline_flush.age_ms = 2000;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  uint64_t want = 0;
  for (int i = 0; i < 200; ++i) {
    Block b = Rows(1, i);
    want += SumOf(b);
    ASSERT_OK(db->Insert("events", std::move(b)));
  }
  // Runs of 8 or more groups' parts become one inline part at once...
  for (int wait = 0; wait < 200 && db->stats().inline_parts >= 8; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(db->stats().inline_parts, 8u);
  EXPECT_GE(db->stats().inline_compactions, 1u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
  // ... and go to disk when their oldest rows are age_ms old.
  for (int wait = 0; wait < 400 && db->stats().inline_parts > 0; ++wait) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(db->stats().inline_parts, 0u);
  EXPECT_GE(db->stats().inline_flushes, 1u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

TEST(InlinePartsTest, GroupsPartsAreCompactedInMemoryThenFlushedToDisk) {
  MemEnv env;
  DatabaseOptions options = InlineOn(&env);
  options.inline_flush.parts = 4;
  uint64_t want = 0;
  auto insert = [&](Database* db, int i) {
    Block b = Rows(1 + i % 2, i);
    want += SumOf(b);
    ASSERT_OK(db->Insert("events", std::move(b)));
  };
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    for (int i = 0; i < 10; ++i) insert(db.get(), i);
    ASSERT_OK(db->CompactInlineParts());
    // The run of 10 groups' parts became one inline part: no directory.
    EXPECT_EQ(db->stats().inline_compactions, 1u);
    EXPECT_EQ(db->stats().inline_parts, 1u);
    EXPECT_EQ(PartDirs(&env, db.get()), 0u);
    for (int i = 10; i < 13; ++i) insert(db.get(), i);
    ASSERT_OK(db->CompactInlineParts());  // a run of 3: too short
    EXPECT_EQ(db->stats().inline_compactions, 1u);
    insert(db.get(), 13);
    // A run of 4: compacted, and the part compacted before is left alone (its rows are
    // rewritten in memory once).
    ASSERT_OK(db->CompactInlineParts());
    EXPECT_EQ(db->stats().inline_compactions, 2u);
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_GT(parts[0].level, 0u);
    EXPECT_GT(parts[1].level, 0u);
    EXPECT_TRUE(parts[0].in_memory && parts[1].in_memory);
    EXPECT_EQ(PartDirs(&env, db.get()), 0u);
    EXPECT_EQ(Sum(db.get(), "events"), want);
    ASSERT_OK(db->CheckTable("events"));
  }
  // Replayed from the manifest: the compacted parts, not their inputs.
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
  EXPECT_EQ(Sum(db.get(), "events"), want);
  EXPECT_EQ(db->stats().inline_parts, 2u);
  ASSERT_OK(db->FlushInlineParts());
  EXPECT_EQ(db->stats().inline_parts, 0u);
  EXPECT_EQ(PartDirs(&env, db.get()), 1u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

TEST(InlinePartsTest, TheManifestSnapshotKeepsInlineParts) {
  MemEnv env;
  DatabaseOptions options = InlineOn(&env);
  options.manifest_rewrite_bytes = 16 << 10;  // rewritten many times over
  uint64_t want = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    for (int i = 0; i < 200; ++i) {
      Block b = Rows(2, i);
      want += SumOf(b);
      ASSERT_OK(db->Insert("events", std::move(b)));
      if (i % 50 == 49) ASSERT_OK(db->FlushInlineParts());
    }
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(Sum(db.get(), "events"), want);
  ASSERT_OK(db->CheckTable("events"));
}

TEST(InlinePartsTest, DetachAndAttachPartitionWithInlineParts) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", InlineOn(&env)));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  uint64_t want = 0;
  for (int i = 0; i < 5; ++i) {
    Block b = Rows(3, i);
    want += SumOf(b);
    ASSERT_OK(db->Insert("events", std::move(b)));
  }
  uint64_t detached = 0;
  ASSERT_OK(db->DetachPartition("events", "202610", &detached));
  EXPECT_EQ(detached, 5u);
  EXPECT_EQ(Sum(db.get(), "events"), 0u);
  EXPECT_EQ(db->stats().inline_parts, 0u);
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", InlineOn(&env)));
  uint64_t attached = 0;
  ASSERT_OK(db->AttachPartition("events", "202610", &attached));
  EXPECT_EQ(attached, 5u);
  EXPECT_EQ(Sum(db.get(), "events"), want);
}

// A table with four small inserts' inline parts in `mem` (an open that compacts and
// flushes nothing by itself); *want is the sum of their values.
void FourSmallInserts(MemEnv* mem, uint64_t* want) {
  *want = 0;
  auto db = Database::Open("db", InlineOn(mem));
  ASSERT_OK(db.status());
  ASSERT_OK((*db)->CreateTable("events", testing_data::MeteringSchema()));
  for (int i = 0; i < 4; ++i) {
    Block b = Rows(2, i);
    *want += SumOf(b);
    ASSERT_OK((*db)->Insert("events", std::move(b)));
  }
}

// A crash at every step of a flush: the rows are there exactly once, inline or flushed.
TEST(InlinePartsTest, FlushIsAllOrNothingAtEveryStep) {
  uint64_t want = 0;
  testing_faults::FaultAtEveryStep(
      testing_faults::Fault::kCrash,
      [&](MemEnv* mem) { FourSmallInserts(mem, &want); },
      [](Database* db) { return db->FlushInlineParts(); },
      [&](Database* reopened, const absl::Status&) {
        EXPECT_EQ(Sum(reopened, "events"), want);
        EXPECT_OK(reopened->CheckTable("events"));
      },
      /*min_steps=*/6, InlineOn(nullptr));
}

// A crash at every step of a compaction: the rows are there exactly once, in the groups'
// parts or in the compacted one.
TEST(InlinePartsTest, CompactionIsAllOrNothingAtEveryStep) {
  uint64_t want = 0;
  DatabaseOptions options = InlineOn(nullptr);
  options.inline_flush.parts = 3;
  testing_faults::FaultAtEveryStep(
      testing_faults::Fault::kCrash,
      [&](MemEnv* mem) { FourSmallInserts(mem, &want); },
      [](Database* db) { return db->CompactInlineParts(); },
      [&](Database* reopened, const absl::Status&) {
        EXPECT_EQ(Sum(reopened, "events"), want);
        EXPECT_OK(reopened->CheckTable("events"));
      },
      /*min_steps=*/2, options);
}

// A crash at every step of a group's commit: the insert is wholly there or wholly absent,
// and there when acknowledged.
TEST(InlinePartsTest, SmallInsertIsAllOrNothingAtEveryStep) {
  Block b = Rows(3, 7);
  const uint64_t rows_sum = SumOf(b);
  testing_faults::FaultAtEveryStep(
      testing_faults::Fault::kCrash,
      [&](MemEnv* mem) {
        auto db = Database::Open("db", InlineOn(mem));
        ASSERT_OK(db.status());
        ASSERT_OK((*db)->CreateTable("events", testing_data::MeteringSchema()));
      },
      [&](Database* db) { return db->Insert("events", b); },
      [&](Database* reopened, const absl::Status& status) {
        const uint64_t sum = Sum(reopened, "events");
        if (status.ok()) {
          EXPECT_EQ(sum, rows_sum);
        }
        EXPECT_TRUE(sum == 0 || sum == rows_sum) << sum;
      },
      /*min_steps=*/1, InlineOn(nullptr));
}

}  // namespace
}  // namespace tally::engine
