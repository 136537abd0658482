// Table TTL (engine/ttl.h, engine/ttl_job.cc): queries never see an expired row whether or
// not the TTL job has run; the job drops wholly expired parts and rewrites partly expired
// ones; merges leave expired rows out; nothing else is ever lost. Time is a fake clock on
// the MemEnv.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "engine/database.h"
#include "engine/mem_env.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using testing_db::Col;
using testing_db::ScanAll;

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1768003200;  // 2026-01-10 00:00:00 UTC

struct Row {
  uint32_t time;
  std::string tenant;
  uint64_t value;
  uint32_t keep_s;  // for TTLs that read it
};

format::TableSchema Schema(const std::string& ttl, std::vector<format::TableSetting> settings = {}) {
  format::TableSchema s;
  s.columns = {Col("time", "DateTime"), Col("tenant", "String"), Col("value", "UInt64"), Col("keep_s", "UInt32")};
  s.sort_key = {"tenant", "time"};
  s.partition_by = "toDate(time)";
  s.index_granularity = 16;
  s.ttl = ttl;
  s.settings = std::move(settings);
  return s;
}

Block BlockOf(const std::vector<Row>& rows) {
  Block b;
  b.Add("time", format::Column::Make(*format::ParseDataType("DateTime")));
  b.Add("tenant", format::Column::Make(*format::ParseDataType("String")));
  b.Add("value", format::Column::Make(*format::ParseDataType("UInt64")));
  b.Add("keep_s", format::Column::Make(*format::ParseDataType("UInt32")));
  for (const Row& r : rows) {
    b.columns[0].Append<uint32_t>(r.time);
    b.columns[1].AppendString(r.tenant);
    b.columns[2].Append<uint64_t>(r.value);
    b.columns[3].Append<uint32_t>(r.keep_s);
  }
  return b;
}

// The rows a scan returns, as "time|tenant|value" sorted.
std::multiset<std::string> Visible(Database* db) {
  auto blocks = ScanAll(*db, "t", {.columns = {"time", "tenant", "value"}});
  EXPECT_TRUE(blocks.ok()) << blocks.status();
  return blocks.ok() ? testing_db::Rows(*blocks) : std::multiset<std::string>{};
}

std::multiset<std::string> Expected(const std::vector<Row>& rows, const std::function<bool(const Row&)>& expired) {
  std::vector<Row> kept;
  for (const Row& r : rows) {
    if (!expired(r)) kept.push_back(r);
  }
  Block b = BlockOf(kept);
  b.names.pop_back();
  b.columns.pop_back();
  return testing_db::Rows({b});
}

// Rows at `day` (days before kT0, may be fractional through `offset_s`) for a few tenants.
std::vector<Row> Day(double days_before, int n, uint64_t value_base = 0) {
  std::vector<Row> out;
  for (int i = 0; i < n; ++i) {
    const int64_t t = kT0 - static_cast<int64_t>(days_before * kDay) + i * 60;
    out.push_back(Row{static_cast<uint32_t>(t), absl::StrCat("t", i % 3), value_base + i, 0});
  }
  return out;
}

TEST(TtlTest, QueriesNeverSeeExpiredRowsBeforeTheJobRuns) {
  MemEnv env;
  env.SetNowMicros(kT0 * 1000000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("t", Schema("time + INTERVAL 2 DAY")));
  std::vector<Row> all;
  for (double d : {4.0, 2.5, 1.5, 0.5}) {
    std::vector<Row> rows = Day(d, 40, all.size());
    ASSERT_OK(db->Insert("t", BlockOf(rows)));
    all.insert(all.end(), rows.begin(), rows.end());
  }
  for (int64_t now = kT0 - kDay; now <= kT0 + 4 * kDay; now += kDay / 4) {
    SCOPED_TRACE(now - kT0);
    env.SetNowMicros(now * 1000000);
    EXPECT_EQ(Visible(db.get()),
              Expected(all, [&](const Row& r) { return int64_t{r.time} + 2 * kDay <= now; }));
  }
  // Parts wholly past the TTL are skipped by their statistics, unread.
  env.SetNowMicros(kT0 * 1000000);
  ScanStats stats;
  ASSERT_OK(ScanAll(*db, "t", {.columns = {"value"}}, &stats).status());
  EXPECT_EQ(stats.parts_expired, 2u);  // the parts 4 and 2.5 days old
  EXPECT_EQ(stats.rows_read, 80u);
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
  EXPECT_EQ(parts.size(), 4u) << "the query itself removes nothing";
}

TEST(TtlTest, JobDropsWhollyExpiredPartsAndRewritesPartlyExpiredOnes) {
  for (bool only_drop : {false, true}) {
    SCOPED_TRACE(only_drop ? "ttl_only_drop_parts" : "rewrite");
    MemEnv env;
    env.SetNowMicros(kT0 * 1000000);
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    std::vector<format::TableSetting> settings;
    if (only_drop) settings.push_back({"ttl_only_drop_parts", "1"});
    format::TableSchema schema = Schema("time + INTERVAL 1 DAY", settings);
    schema.partition_by = "toYYYYMM(time)";  // one partition: each insert is one part
    ASSERT_OK(db->CreateTable("t", schema));
    std::vector<Row> old = Day(3, 30), straddling = Day(1.01, 30, 100), fresh = Day(0.2, 30, 200);
    for (const auto* rows : {&old, &straddling, &fresh}) ASSERT_OK(db->Insert("t", BlockOf(*rows)));
    std::vector<Row> all = old;
    all.insert(all.end(), straddling.begin(), straddling.end());
    all.insert(all.end(), fresh.begin(), fresh.end());
    auto expired = [](const Row& r) { return int64_t{r.time} + kDay <= kT0; };
    const auto want = Expected(all, expired);
    size_t straddling_expired = 0;
    for (const Row& r : straddling) straddling_expired += expired(r);
    ASSERT_GT(straddling_expired, 0u);
    ASSERT_LT(straddling_expired, straddling.size());

    ASSERT_OK_AND_ASSIGN(TtlResult result, db->ApplyTtl("t"));
    EXPECT_EQ(result.parts_dropped, 1u);
    EXPECT_EQ(result.parts_rewritten, only_drop ? 0u : 1u);
    EXPECT_EQ(result.rows_removed, old.size() + (only_drop ? 0 : straddling_expired));
    EXPECT_EQ(Visible(db.get()), want);
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
    uint64_t stored = 0;
    for (const PartInfo& p : parts) stored += p.rows;
    EXPECT_EQ(parts.size(), 2u);
    EXPECT_EQ(stored, straddling.size() + fresh.size() - (only_drop ? 0 : straddling_expired));
    // Nothing is left to do; the clock rewound shows what is on disk.
    ASSERT_OK_AND_ASSIGN(result, db->ApplyTtl("t"));
    EXPECT_EQ(result.parts_dropped + result.parts_rewritten, 0u);
    env.SetNowMicros((kT0 - 10 * kDay) * 1000000);
    const auto on_disk = Visible(db.get());
    EXPECT_EQ(on_disk.size(), stored);
    for (const std::string& r : want) EXPECT_TRUE(on_disk.contains(r)) << "lost " << r;
  }
}

// A TTL read from a second column (no statistics bound it) and a WHERE: the rows are read.
TEST(TtlTest, ElementsWithWhereAndWithoutBoundsAreExact) {
  MemEnv env;
  env.SetNowMicros(kT0 * 1000000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("t", Schema("time + toIntervalSecond(keep_s), time + INTERVAL 1 DAY WHERE tenant = 't1'")));
  std::mt19937 rng(7);
  std::vector<Row> all;
  for (int p = 0; p < 4; ++p) {
    std::vector<Row> rows;
    for (int i = 0; i < 50; ++i) {
      rows.push_back(Row{static_cast<uint32_t>(kT0 - rng() % (3 * kDay)), absl::StrCat("t", rng() % 3),
                         all.size() + rows.size(), static_cast<uint32_t>(rng() % (4 * kDay))});
    }
    ASSERT_OK(db->Insert("t", BlockOf(rows)));
    all.insert(all.end(), rows.begin(), rows.end());
  }
  auto expired = [](const Row& r) {
    return int64_t{r.time} + r.keep_s <= kT0 || (r.tenant == "t1" && int64_t{r.time} + kDay <= kT0);
  };
  const auto want = Expected(all, expired);
  EXPECT_LT(want.size(), all.size());
  EXPECT_EQ(Visible(db.get()), want);
  ASSERT_OK_AND_ASSIGN(TtlResult result, db->ApplyTtl("t"));
  EXPECT_EQ(result.rows_removed, all.size() - want.size());
  EXPECT_EQ(Visible(db.get()), want);
  ASSERT_OK(db->Optimize("t", {.final = true}).status());
  EXPECT_EQ(Visible(db.get()), want);
}

// Random inserts, merges, TTL runs, reopens and clock moves: the rows are always the ones
// inserted less those expired by now, none lost and none twice.
TEST(TtlTest, RandomHistoryLosesNothingTheTtlDoesNotExplain) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937 rng(seed);
    MemEnv env;
    int64_t now = kT0;
    env.SetNowMicros(now * 1000000);
    const bool only_drop = seed % 2 == 0;
    std::vector<format::TableSetting> settings;
    if (only_drop) settings.push_back({"ttl_only_drop_parts", "1"});
    auto db = Database::Open("db", {.env = &env});
    ASSERT_OK(db);
    ASSERT_OK((*db)->CreateTable("t", Schema("toStartOfHour(time) + INTERVAL 2 DAY", settings)));
    std::vector<Row> all;
    auto expired = [&](const Row& r) { return (int64_t{r.time} / 3600 * 3600) + 2 * kDay <= now; };
    for (int step = 0; step < 40; ++step) {
      switch (rng() % 6) {
        case 0:
        case 1: {
          std::vector<Row> rows;
          const int n = 1 + rng() % 60;
          for (int i = 0; i < n; ++i) {
            rows.push_back(Row{static_cast<uint32_t>(now - static_cast<int64_t>(rng() % (3 * kDay))),
                               absl::StrCat("t", rng() % 4), all.size() + rows.size(), 0});
          }
          ASSERT_OK((*db)->Insert("t", BlockOf(rows)));
          all.insert(all.end(), rows.begin(), rows.end());
          break;
        }
        case 2:
          now += rng() % (kDay / 2);
          env.SetNowMicros(now * 1000000);
          break;
        case 3:
          ASSERT_OK((*db)->Optimize("t", {.final = rng() % 2 == 0}).status());
          break;
        case 4:
          ASSERT_OK((*db)->ApplyTtl("t").status());
          break;
        case 5:
          db->reset();
          db = Database::Open("db", {.env = &env});
          ASSERT_OK(db);
          break;
      }
      ASSERT_EQ(Visible(db->get()), Expected(all, expired)) << "step " << step;
    }
    // What is on disk: the unexpired rows, and (dropping only whole parts, or before a job
    // reached them) some expired ones; never a row twice.
    ASSERT_OK((*db)->ApplyTtl("t").status());
    const auto want = Expected(all, expired);
    env.SetNowMicros(0);
    const auto on_disk = Visible(db->get());
    const auto everything = Expected(all, [](const Row&) { return false; });
    for (const std::string& r : want) EXPECT_TRUE(on_disk.contains(r)) << "lost " << r;
    for (const std::string& r : on_disk) EXPECT_EQ(on_disk.count(r), everything.count(r)) << r;
    if (!only_drop) {
      EXPECT_EQ(on_disk, want) << "the job left expired rows behind";
    }
  }
}

TEST(TtlTest, BackgroundJobDropsExpiredPartitionsWithinTwoCheckIntervals) {
  MemEnv env;
  int64_t now = kT0 - 300;
  env.SetNowMicros(now * 1000000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
  ASSERT_OK(db->CreateTable("t", Schema("toDate(time) + INTERVAL 2 DAY", {{"merge_with_ttl_timeout", "600"},
                                                                          {"ttl_only_drop_parts", "1"}})));
  for (double d : {1.5, 1.4, 0.5}) ASSERT_OK(db->Insert("t", BlockOf(Day(d, 20))));
  auto partitions = [&] {
    auto parts = db->ListParts("t");
    EXPECT_TRUE(parts.ok());
    std::set<std::string> out;
    for (const PartInfo& p : *parts) out.insert(p.partition);
    return out;
  };
  ASSERT_EQ(partitions(), (std::set<std::string>{"2026-01-08", "2026-01-09"}));
  // 2026-01-08 expires at 2026-01-10 00:00, 300 s from now: gone within two intervals.
  bool gone = false;
  for (int interval = 0; interval < 2 && !gone; ++interval) {
    now += 600;
    env.SetNowMicros(now * 1000000);
    // The thread looks at the clock every second.
    for (int wait = 0; wait < 40 && !gone; ++wait) {
      gone = partitions() == std::set<std::string>{"2026-01-09"};
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_TRUE(gone) << "the expired partition is still there after two check intervals";
  EXPECT_OK(db->background_merge_status());
  EXPECT_GE(db->background_ttl_runs_done(), 1u);
}

TEST(TtlTest, ModifyAndRemoveTtlAreDurable) {
  MemEnv env;
  env.SetNowMicros(kT0 * 1000000);
  std::vector<Row> rows = Day(3, 10);
  std::vector<Row> fresh = Day(0.5, 10, 100);
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK(db->CreateTable("t", Schema("")));
    ASSERT_OK(db->Insert("t", BlockOf(rows)));
    ASSERT_OK(db->Insert("t", BlockOf(fresh)));
    EXPECT_EQ(Visible(db.get()).size(), 20u);
    ASSERT_OK(db->ModifyTtl("t", "time + INTERVAL 1 DAY"));
    EXPECT_EQ(Visible(db.get()).size(), 10u);
    EXPECT_STATUS(db->ModifyTtl("t", "tenant"), absl::StatusCode::kInvalidArgument, "should have Date");
  }
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK_AND_ASSIGN(format::TableSchema schema, db->GetSchema("t"));
    EXPECT_EQ(schema.ttl, "time + INTERVAL 1 DAY");
    EXPECT_EQ(Visible(db.get()).size(), 10u);
    // Until the job has run, removing the TTL brings the rows back, as ClickHouse's do until
    // a merge removes them.
    ASSERT_OK(db->ModifyTtl("t", ""));
    EXPECT_EQ(Visible(db.get()).size(), 20u);
    EXPECT_STATUS(db->ModifyTtl("t", ""), absl::StatusCode::kInvalidArgument, "no TTL to remove");
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK_AND_ASSIGN(format::TableSchema schema, db->GetSchema("t"));
  EXPECT_EQ(schema.ttl, "");
}

TEST(TtlTest, BadTtlsAreRefusedAtCreate) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_STATUS(db->CreateTable("a", Schema("value")), absl::StatusCode::kInvalidArgument, "should have Date");
  EXPECT_STATUS(db->CreateTable("b", Schema("now()")), absl::StatusCode::kInvalidArgument, "deterministic");
  EXPECT_STATUS(db->CreateTable("c", Schema("toDateTime(0) + 1")), absl::StatusCode::kInvalidArgument,
                "reads no column");
  EXPECT_STATUS(db->CreateTable("d", Schema("time WHERE nope = 1")), absl::StatusCode::kInvalidArgument, "nope");
  EXPECT_STATUS(db->CreateTable("e", Schema("time", {{"ttl_only_drop_parts", "2"}})),
                absl::StatusCode::kInvalidArgument, "0 or 1");
  EXPECT_STATUS(db->CreateTable("f", Schema("time", {{"merge_with_ttl_timeout", "0"}})),
                absl::StatusCode::kInvalidArgument, "at least 1");
  EXPECT_STATUS(db->CreateTable("g", Schema("time TO DISK 'cold'")), absl::StatusCode::kInvalidArgument,
                "not supported yet");
}

// ReplacingMergeTree: a key's latest version decides, then the TTL. When that version is
// expired the key is gone, before and after the job drops its part, and merges agree.
TEST(TtlTest, ReplacingFinalAppliesTheTtlToTheWinners) {
  MemEnv env;
  env.SetNowMicros(kT0 * 1000000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema s = Schema("time + INTERVAL 1 DAY");
  s.engine = "ReplacingMergeTree";
  s.engine_args = {"value"};
  s.partition_by = "";
  s.sort_key = {"tenant"};
  ASSERT_OK(db->CreateTable("t", s));
  // t0: version 2 is old (expired), version 1 recent. t1: version 2 recent.
  ASSERT_OK(db->Insert("t", BlockOf({{uint32_t(kT0 - 3600), "t0", 1, 0}, {uint32_t(kT0 - 3 * kDay), "t1", 1, 0}})));
  ASSERT_OK(db->Insert("t", BlockOf({{uint32_t(kT0 - 3 * kDay), "t0", 2, 0}, {uint32_t(kT0 - 3600), "t1", 2, 0}})));
  auto final_rows = [&] {
    auto blocks = ScanAll(*db, "t", {.columns = {"tenant", "value"}, .final = true});
    EXPECT_TRUE(blocks.ok()) << blocks.status();
    return blocks.ok() ? testing_db::Rows(*blocks) : std::multiset<std::string>{};
  };
  const std::multiset<std::string> want = {"'t1'|2|"};
  EXPECT_EQ(final_rows(), want);
  ASSERT_OK(db->ApplyTtl("t").status());
  EXPECT_EQ(final_rows(), want);
  ASSERT_OK(db->Optimize("t", {.final = true}).status());
  EXPECT_EQ(final_rows(), want);
}

// An ALTER record may change the TTL, never the columns, keys or engine: a manifest whose
// record does is damaged.
TEST(TtlTest, AlterRecordThatChangesTheLayoutIsDataLoss) {
  MemEnv env;
  format::TableSchema schema = Schema("");
  format::TableSchema altered = schema;
  altered.columns.push_back(Col("extra", "UInt8"));
  altered.ttl = "time + INTERVAL 1 DAY";
  format::ManifestEdit edit;
  edit.ops.push_back(format::ManifestOp::CreateTable("t", schema, "t.1"));
  edit.ops.push_back(format::ManifestOp::AlterTable("t", altered));
  std::string bytes = format::ManifestHeader();
  ASSERT_OK(format::EncodeManifestRecord(&bytes, edit));
  ASSERT_OK(env.CreateDirs("db/tables/t.1"));
  ASSERT_OK(WriteFileSynced(&env, "db/MANIFEST", bytes));
  EXPECT_STATUS(Database::Open("db", {.env = &env}), absl::StatusCode::kDataLoss, "changes its columns");
}

TEST(TtlTest, ModifySettingChangesWhatTheJobDoes) {
  MemEnv env;
  env.SetNowMicros(kT0 * 1000000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema schema = Schema("time + INTERVAL 1 DAY", {{"ttl_only_drop_parts", "1"}});
  schema.partition_by = "";
  ASSERT_OK(db->CreateTable("t", schema));
  ASSERT_OK(db->Insert("t", BlockOf(Day(1.01, 30))));  // straddles the TTL
  ASSERT_OK_AND_ASSIGN(TtlResult result, db->ApplyTtl("t"));
  EXPECT_EQ(result.parts_rewritten, 0u);
  ASSERT_OK(db->ModifySettings("t", {{"ttl_only_drop_parts", "0"}, {"merge_with_ttl_timeout", "60"}}));
  ASSERT_OK_AND_ASSIGN(result, db->ApplyTtl("t"));
  EXPECT_EQ(result.parts_rewritten, 1u);
  EXPECT_STATUS(db->ModifySettings("t", {{"index_granularity", "3"}}), absl::StatusCode::kUnimplemented,
                "not supported yet");
  EXPECT_STATUS(db->ModifySettings("t", {{"merge_with_ttl_timeout", "0"}}), absl::StatusCode::kInvalidArgument,
                "at least 1");
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  ASSERT_OK_AND_ASSIGN(format::TableSchema now, db->GetSchema("t"));
  EXPECT_EQ(now.settings, (std::vector<format::TableSetting>{{"ttl_only_drop_parts", "0"},
                                                             {"merge_with_ttl_timeout", "60"}}));
}

// The TTL job, background merges, OPTIMIZE and inserts at once, with the clock moving: the
// answer at the end is the inserted rows less those expired by then, none lost, none twice.
TEST(TtlTest, JobRacesInsertsMergesAndOptimize) {
  MemEnv env;
  std::atomic<int64_t> now{kT0};
  env.SetNowMicros(kT0 * 1000000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
  format::TableSchema schema = Schema("time + INTERVAL 1 DAY", {{"merge_with_ttl_timeout", "1"}});
  schema.partition_by = "toStartOfHour(time)";
  ASSERT_OK(db->CreateTable("t", schema));
  std::vector<Row> all;
  std::atomic<bool> done{false};
  std::thread inserter([&] {
    std::mt19937 rng(3);
    for (int b = 0; b < 60; ++b) {
      std::vector<Row> rows;
      for (int i = 0; i < 40; ++i) {
        rows.push_back(Row{static_cast<uint32_t>(now.load() - static_cast<int64_t>(rng() % (2 * kDay))),
                           absl::StrCat("t", rng() % 3), all.size() + rows.size(), 0});
      }
      ASSERT_OK(db->Insert("t", BlockOf(rows)));
      all.insert(all.end(), rows.begin(), rows.end());
    }
    done = true;
  });
  std::thread clock([&] {
    while (!done) {
      now += 900;
      env.SetNowMicros(now.load() * 1000000);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::thread optimizer([&] {
    while (!done) {
      ASSERT_OK(db->Optimize("t").status());
      ASSERT_OK(db->ApplyTtl("t").status());
    }
  });
  inserter.join();
  clock.join();
  optimizer.join();
  const int64_t end = now.load();
  EXPECT_EQ(Visible(db.get()), Expected(all, [&](const Row& r) { return int64_t{r.time} + kDay <= end; }));
  EXPECT_OK(db->background_merge_status());
  env.SetNowMicros(0);
  const auto on_disk = Visible(db.get());
  const auto everything = Expected(all, [](const Row&) { return false; });
  for (const std::string& r : on_disk) EXPECT_EQ(on_disk.count(r), everything.count(r)) << r;
}

}  // namespace
}  // namespace tally::engine
