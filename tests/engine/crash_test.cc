// Crash tests: a FaultInjectionEnv kills the writer at every mutating step (write, fsync,
// rename, directory sync) of an insert, of table creation, of a merge (OPTIMIZE) and of
// the manifest rewrite at open; MemEnv then drops everything that was not durable. After reopening, every
// acknowledged insert must be there in full and an unacknowledged one wholly present or
// wholly absent.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/fault_injection_env.h"
#include "engine/mem_env.h"
#include "engine/part_writer.h"
#include "tests/engine/db_files.h"
#include "tests/engine/fault_steps.h"
#include "format/status_macros.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

uint64_t CountRows(Database* db, const std::string& table) {
  auto cursor = db->Scan(table, {.columns = {"value"}});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  if (!cursor.ok()) return 0;
  uint64_t rows = 0;
  Block b;
  while (true) {
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    rows += b.rows();
  }
  return rows;
}

format::TableSchema SmallSchema() {
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.index_granularity = 128;
  return schema;
}

using testing_faults::Fault;
using testing_faults::FaultAtEveryStep;

template <typename Setup, typename Action, typename Check>
void CrashAtEveryStep(Setup setup, Action action, Check check) {
  FaultAtEveryStep(Fault::kCrash, setup, action, check);
}

template <typename Setup, typename Action, typename Check>
void ErrorAtEveryStep(Setup setup, Action action, Check check) {
  FaultAtEveryStep(Fault::kError, setup, action, check);
}

// A database holding `first` in table "events" (the set-up of the insert crash tests).
auto EventsWith(const Block& first) {
  return [&first](MemEnv* mem) {
    auto db = Database::Open("db", {.env = mem});
    ASSERT_OK(db);
    ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
    ASSERT_OK((*db)->Insert("events", first));
  };
}

// After a crash during an insert of `added` rows into `before`: acknowledged means all
// there, otherwise all or nothing, and no part torn or lost.
auto AllOrNothing(uint64_t before, uint64_t added) {
  return [before, added](Database* db, const absl::Status& result) {
    uint64_t rows = CountRows(db, "events");
    if (result.ok()) {
      EXPECT_EQ(rows, before + added) << "an acknowledged insert was lost";
    } else {
      EXPECT_TRUE(rows == before || rows == before + added) << rows << " rows: a partial insert is visible";
    }
    EXPECT_EQ(db->recovery().missing, 0u);
    EXPECT_EQ(db->recovery().detached, 0u) << "a torn part was committed";
    EXPECT_OK(db->CheckTable("events"));
  };
}

TEST(CrashTest, InsertIsAllOrNothingAtEveryStep) {
  const Block first = testing_data::MeteringBlock(3000, 11);
  // Two months, so the insert writes two parts committed in one manifest edit.
  const Block second = testing_data::MeteringBlock(2000, 12, 1790812800 + 20 * 86400, 20 * 86400);
  CrashAtEveryStep(EventsWith(first), [&](Database* db) { return db->Insert("events", second); },
                   AllOrNothing(3000, 2000));
}

TEST(CrashTest, BatchInsertOfSeveralBlocksIsAllOrNothingAtEveryStep) {
  const Block first = testing_data::MeteringBlock(1000, 21);
  const Block more[] = {testing_data::MeteringBlock(700, 22), testing_data::MeteringBlock(500, 23),
                        testing_data::MeteringBlock(300, 24, 1790812800 + 25 * 86400, 20 * 86400)};
  CrashAtEveryStep(
      EventsWith(first),
      [&](Database* db) -> absl::Status {
        TALLY_ASSIGN_OR_RETURN(auto batch, db->BeginInsert("events"));
        for (const Block& b : more) TALLY_RETURN_IF_ERROR(batch->Add(b));
        return batch->Commit();
      },
      AllOrNothing(1000, 1500));
}

TEST(CrashTest, CreateTableIsAllOrNothingAtEveryStep) {
  CrashAtEveryStep([](MemEnv*) {},
                   [](Database* db) { return db->CreateTable("events", SmallSchema()); },
                   [](Database* db, const absl::Status& result) {
                     auto tables = db->ListTables();
                     if (result.ok()) {
                       EXPECT_EQ(tables, std::vector<std::string>{"events"});
                     } else {
                       EXPECT_LE(tables.size(), 1u);
                     }
                     if (!tables.empty()) {
                       EXPECT_OK(db->Insert("events", testing_data::MeteringBlock(10, 1)));
                       EXPECT_EQ(CountRows(db, "events"), 10u);
                     }
                   });
}

// An open with something to repair: a torn manifest tail (so the manifest is rewritten),
// a committed part whose rename a crash interrupted, and an unfinished write. Recovery
// itself dies at every step; the next open must still find both inserts.
TEST(CrashTest, RecoveryIsSafeToInterruptAtEveryStep) {
  const Block data = testing_data::MeteringBlock(1500, 13);
  CrashAtEveryStep(
      [&](MemEnv* mem) {
        std::string second;
        {
          auto db = Database::Open("db", {.env = mem});
          ASSERT_OK(db);
          ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
          ASSERT_OK((*db)->Insert("events", data));
          ASSERT_OK((*db)->Insert("events", data, {.deduplicate = false}));  // the same rows, stored twice
          auto parts = (*db)->ListParts("events");
          ASSERT_OK(parts);
          second = parts->back().name;
        }
        auto table_dir = testing_db::OnlyTableDir(mem, "db");
        ASSERT_OK(table_dir);
        ASSERT_OK(mem->Rename(JoinPath(*table_dir, second), TmpPartDir(*table_dir, second)));
        ASSERT_OK(mem->CreateDirs(TmpPartDir(*table_dir, "202610_9_9_0")));
        auto manifest = mem->ReadFileToString("db/MANIFEST");
        ASSERT_OK(manifest);
        ASSERT_OK(WriteFileSynced(mem, "db/MANIFEST", *manifest + "\x05\x00"));
        ASSERT_OK(mem->SyncDir(*table_dir));
      },
      [](Database* db) {
        EXPECT_TRUE(db->recovery().wrote);
        return absl::OkStatus();
      },
      [](Database* db, const absl::Status&) {
        EXPECT_EQ(CountRows(db, "events"), 3000u);
        EXPECT_EQ(db->recovery().detached + db->recovery().missing, 0u);
        EXPECT_OK(db->CheckTable("events"));
      });
}

// Three inserts of 900, 700 and 400 rows into one partition: what OPTIMIZE merges.
void ThreeInserts(MemEnv* mem) {
  auto db = Database::Open("db", {.env = mem});
  ASSERT_OK(db);
  ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
  const size_t rows[] = {900, 700, 400};
  for (uint64_t i = 0; i < 3; ++i) ASSERT_OK((*db)->Insert("events", testing_data::MeteringBlock(rows[i], 31 + i)));
}

// After a fault during OPTIMIZE of ThreeInserts: either the three inputs or the merged
// part, every row once, nothing torn or missing; an acknowledged merge is there.
void MergedOrNot(Database* db, const absl::Status& result) {
  EXPECT_EQ(CountRows(db, "events"), 2000u);
  auto parts = db->ListParts("events");
  ASSERT_OK(parts);
  if (result.ok()) {
    EXPECT_EQ(parts->size(), 1u) << "an acknowledged merge was lost";
  } else {
    EXPECT_TRUE(parts->size() == 1 || parts->size() == 3) << parts->size() << " parts";
  }
  EXPECT_EQ(db->recovery().missing, 0u) << "a committed part was deleted";
  EXPECT_EQ(db->recovery().detached, 0u) << "a torn part was committed";
  EXPECT_OK(db->CheckTable("events"));
}

absl::Status OptimizeEvents(Database* db) { return db->Optimize("events").status(); }

TEST(CrashTest, OptimizeIsAllOrNothingAtEveryStep) {
  CrashAtEveryStep(ThreeInserts, OptimizeEvents, MergedOrNot);
}

TEST(CrashTest, InsertErrorAtEveryStepLosesNothing) {
  const Block first = testing_data::MeteringBlock(1000, 41);
  const Block second = testing_data::MeteringBlock(600, 42, 1790812800 + 20 * 86400, 20 * 86400);
  ErrorAtEveryStep(EventsWith(first), [&](Database* db) { return db->Insert("events", second); },
                   AllOrNothing(1000, 600));
}

TEST(CrashTest, OptimizeErrorAtEveryStepLosesNothing) {
  ErrorAtEveryStep(ThreeInserts, OptimizeEvents, MergedOrNot);
}

TEST(CrashTest, DropTableIsAllOrNothingAtEveryStep) {
  CrashAtEveryStep(
      [](MemEnv* mem) {
        auto db = Database::Open("db", {.env = mem});
        ASSERT_OK(db);
        ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
        ASSERT_OK((*db)->Insert("events", testing_data::MeteringBlock(500, 14)));
      },
      [](Database* db) { return db->DropTable("events"); },
      [](Database* db, const absl::Status& result) {
        auto tables = db->ListTables();
        if (result.ok()) {
          EXPECT_TRUE(tables.empty());
        }
        if (!tables.empty()) {
          EXPECT_EQ(CountRows(db, "events"), 500u);
        }
      });
}

// ---- merges of the engines with a rule: FINAL answers the same whatever a crash leaves ----

format::TableSchema RuleSchema(const std::string& engine) {
  format::TableSchema schema;
  auto col = [](const std::string& name, const std::string& type) {
    return format::ColumnDef{name, *format::ParseDataType(type), {}, ""};
  };
  schema.columns = {col("k", "UInt32"), col("ver", "UInt32"), col("del", "UInt8"), col("n", "Int64")};
  schema.sort_key = {"k"};
  schema.engine = engine;
  if (engine == "ReplacingMergeTree") schema.engine_args = {"ver", "del"};
  if (engine == "SummingMergeTree") schema.engine_args = {"n"}, schema.sort_key = {"k", "ver", "del"};
  if (engine == "AggregatingMergeTree") {
    schema.columns[3] = col("n", "SimpleAggregateFunction(max, Int64)");
    schema.sort_key = {"k", "ver", "del"};
  }
  schema.index_granularity = 64;
  return schema;
}

// Three overlapping inserts into table "t" of `engine`.
auto ThreeRuleInserts(const std::string& engine) {
  return [engine](MemEnv* mem) {
    auto db = Database::Open("db", {.env = mem});
    ASSERT_OK(db);
    format::TableSchema schema = RuleSchema(engine);
    ASSERT_OK((*db)->CreateTable("t", schema));
    for (uint32_t batch = 0; batch < 3; ++batch) {
      Block block;
      for (const auto& c : schema.columns) block.Add(c.name, format::Column::Make(c.type));
      for (uint32_t i = 0; i < 500; ++i) {
        block.columns[0].Append<uint32_t>((i * 7 + batch * 13) % 400);
        block.columns[1].Append<uint32_t>((i + batch) % 4);
        block.columns[2].Append<uint8_t>(i % 11 == 0);
        block.columns[3].Append<int64_t>(static_cast<int64_t>(i) - 250);
      }
      ASSERT_OK((*db)->Insert("t", block));
    }
  };
}

// FINAL's rows as text, in key order.
std::string FinalRows(Database* db) {
  std::string out;
  auto cursor = db->Scan("t", {.columns = {"k", "ver", "del", "n"}, .final = true});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  std::vector<std::string> rows;
  while (cursor.ok()) {
    Block b;
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    for (size_t r = 0; r < b.rows(); ++r) {
      std::string row;
      for (const auto& c : b.columns) row += c.GetValue(r).DebugString() + " ";
      rows.push_back(row);
    }
  }
  std::sort(rows.begin(), rows.end());
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

// FINAL's rows after ThreeRuleInserts(engine), with no fault.
std::string FinalAfterThreeInserts(const std::string& engine) {
  MemEnv clean;
  ThreeRuleInserts(engine)(&clean);
  auto db = Database::Open("db", {.env = &clean});
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? FinalRows(db->get()) : "";
}

void RuleMergeAllOrNothing(const std::string& engine) {
  MemEnv clean;
  ThreeRuleInserts(engine)(&clean);
  std::string want;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &clean}));
    want = FinalRows(db.get());
    ASSERT_FALSE(want.empty());
  }
  for (Fault kind : {Fault::kCrash, Fault::kError}) {
    FaultAtEveryStep(
        kind, ThreeRuleInserts(engine), [](Database* db) { return db->Optimize("t", {.final = true}).status(); },
        [&](Database* db, const absl::Status& result) {
          EXPECT_EQ(FinalRows(db), want) << "FINAL changed";
          if (engine == "ReplacingMergeTree") {  // the merged part is tracked like its inputs
            auto cursor = db->Scan("t", {.columns = {"k"}, .final = true});
            ASSERT_OK(cursor);
            EXPECT_TRUE((*cursor)->stats().final_skips_superseded);
          }
          auto parts = db->ListParts("t");
          ASSERT_OK(parts);
          if (result.ok()) {
            EXPECT_EQ(parts->size(), 1u) << "an acknowledged merge was lost";
          }
          EXPECT_TRUE(parts->size() == 1 || parts->size() == 3) << parts->size() << " parts";
          EXPECT_EQ(db->recovery().missing, 0u);
          EXPECT_EQ(db->recovery().detached, 0u);
          EXPECT_OK(db->CheckTable("t"));
        });
  }
}

TEST(CrashTest, ReplacingMergeIsAllOrNothingAtEveryStep) { RuleMergeAllOrNothing("ReplacingMergeTree"); }

// DROP PARTITION is one manifest edit: whatever a crash leaves, the partition's parts are
// all there or all gone, and once acknowledged they are gone.
TEST(CrashTest, DropPartitionIsAllOrNothingAtEveryStep) {
  const std::string before = FinalAfterThreeInserts("ReplacingMergeTree");
  for (Fault kind : {Fault::kCrash, Fault::kError}) {
    FaultAtEveryStep(
        kind, ThreeRuleInserts("ReplacingMergeTree"), [](Database* db) { return db->DropPartition("t", "all"); },
        [&](Database* db, const absl::Status& result) {
          auto parts = db->ListParts("t");
          ASSERT_OK(parts);
          if (result.ok()) {
            EXPECT_EQ(parts->size(), 0u) << "an acknowledged DROP PARTITION was undone";
          }
          EXPECT_TRUE(parts->empty() || parts->size() == 3) << parts->size() << " parts";
          EXPECT_EQ(FinalRows(db), parts->empty() ? "" : before);
          EXPECT_EQ(db->recovery().detached, 0u);
          EXPECT_OK(db->CheckTable("t"));
        });
  }
}

// DETACH PARTITION moves parts out of the table: whatever a crash leaves, they are all in
// the table or all in detached/ (never deleted, never both), and ATTACH PARTITION then
// serves the same rows again.
TEST(CrashTest, DetachPartitionMovesEveryPartOrNoneAtEveryStep) {
  const std::string before = FinalAfterThreeInserts("ReplacingMergeTree");
  for (Fault kind : {Fault::kCrash, Fault::kError}) {
    FaultAtEveryStep(
        kind, ThreeRuleInserts("ReplacingMergeTree"), [](Database* db) { return db->DetachPartition("t", "all"); },
        [&](Database* db, const absl::Status& result) {
          auto parts = db->ListParts("t");
          ASSERT_OK(parts);
          auto detached = db->ListDetached("t");
          ASSERT_OK(detached);
          if (result.ok()) {
            EXPECT_EQ(parts->size(), 0u) << "an acknowledged DETACH PARTITION was undone";
          }
          // (A reason file left without its directory by a crash is reused, never listed.)
          std::string names;
          for (const DetachedPartInfo& d : *detached) names += d.name + " ";
          EXPECT_EQ(parts->size() + detached->size(), 3u) << parts->size() << " parts, detached: " << names;
          EXPECT_TRUE(parts->empty() || detached->empty()) << "a partition split between table and detached/";
          for (const DetachedPartInfo& d : *detached) {  // no reason file when its write failed
            EXPECT_TRUE(d.kind == kUserDetachedKind || d.kind.empty()) << d.name << ": " << d.kind;
          }
          EXPECT_OK(db->CheckTable("t"));  // detached on purpose: no rows missing
          ASSERT_OK(db->AttachPartition("t", "all"));
          EXPECT_EQ(FinalRows(db), before);
          ASSERT_OK_AND_ASSIGN(auto left, db->ListDetached("t"));
          EXPECT_TRUE(left.empty());
        });
  }
}

// An insert into a Replacing table records the rows it supersedes in its own manifest
// edit: whatever a crash leaves, FINAL answers as before the insert or as after it (and
// after it once acknowledged), and the table's parts stay tracked.
TEST(CrashTest, ReplacingInsertIsAllOrNothingAtEveryStep) {
  const format::TableSchema schema = RuleSchema("ReplacingMergeTree");
  Block fourth;
  for (const auto& c : schema.columns) fourth.Add(c.name, format::Column::Make(c.type));
  for (uint32_t i = 0; i < 300; ++i) {
    fourth.columns[0].Append<uint32_t>(i * 3 % 450);
    fourth.columns[1].Append<uint32_t>(3);
    fourth.columns[2].Append<uint8_t>(0);
    fourth.columns[3].Append<int64_t>(1000 + i);
  }
  std::string before, after;
  {
    MemEnv clean;
    ThreeRuleInserts("ReplacingMergeTree")(&clean);
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &clean}));
    before = FinalRows(db.get());
    ASSERT_OK(db->Insert("t", fourth));
    after = FinalRows(db.get());
    ASSERT_NE(before, after);
  }
  for (Fault kind : {Fault::kCrash, Fault::kError}) {
    FaultAtEveryStep(
        kind, ThreeRuleInserts("ReplacingMergeTree"), [&](Database* db) { return db->Insert("t", fourth); },
        [&](Database* db, const absl::Status& result) {
          const std::string got = FinalRows(db);
          if (result.ok()) {
            EXPECT_EQ(got, after) << "an acknowledged insert changed FINAL otherwise";
          } else {
            EXPECT_TRUE(got == before || got == after) << "FINAL is neither before nor after the insert";
          }
          auto cursor = db->Scan("t", {.columns = {"k"}, .final = true});
          ASSERT_OK(cursor);
          EXPECT_TRUE((*cursor)->stats().final_skips_superseded) << "a part of the table is not tracked";
          EXPECT_OK(db->CheckTable("t"));
        });
  }
}
TEST(CrashTest, SummingMergeIsAllOrNothingAtEveryStep) { RuleMergeAllOrNothing("SummingMergeTree"); }
TEST(CrashTest, AggregatingMergeIsAllOrNothingAtEveryStep) { RuleMergeAllOrNothing("AggregatingMergeTree"); }

// The TTL job: a drop of wholly expired parts (one edit) and a rewrite of a partly expired
// one (a merge of one part). Whatever a crash leaves, queries see exactly the unexpired
// rows, and what is on disk is a state the job passes through: nothing unexpired is lost,
// nothing is there twice.
TEST(CrashTest, TtlDropAndRewriteAreAllOrNothingAtEveryStep) {
  constexpr int64_t kMonth = 1790812800;  // 2026-10-01
  constexpr int64_t kDay = 86400;
  const int64_t now_us = (kMonth + 10 * kDay) * 1000000;
  const Block expired = testing_data::MeteringBlock(300, 1, kMonth, kDay);
  const Block straddling = testing_data::MeteringBlock(300, 2, kMonth + 8 * kDay + kDay / 2, kDay);
  const Block fresh = testing_data::MeteringBlock(300, 3, kMonth + 9 * kDay + kDay / 2, kDay / 3);
  MemEnv* clock = nullptr;
  auto setup = [&](MemEnv* mem) {
    clock = mem;
    mem->SetNowMicros(now_us);
    auto db = Database::Open("db", {.env = mem});
    ASSERT_OK(db);
    format::TableSchema schema = SmallSchema();
    schema.ttl = "time + INTERVAL 1 DAY";
    ASSERT_OK((*db)->CreateTable("events", schema));
    for (const Block* b : {&expired, &straddling, &fresh}) ASSERT_OK((*db)->Insert("events", *b));
  };
  uint64_t unexpired = 300;  // fresh, and straddling's rows after day 9
  for (size_t r = 0; r < straddling.rows(); ++r) {
    unexpired += straddling.columns[0].values<uint32_t>()[r] + kDay > now_us / 1000000;
  }
  ASSERT_GT(unexpired, 300u + 10);
  ASSERT_LT(unexpired, 600u - 10);
  for (Fault kind : {Fault::kCrash, Fault::kError}) {
    FaultAtEveryStep(
        kind, setup, [](Database* db) { return db->ApplyTtl("events").status(); },
        [&](Database* db, const absl::Status& result) {
          EXPECT_EQ(CountRows(db, "events"), unexpired);
          clock->SetNowMicros(0);  // every row on disk, expired or not
          const uint64_t stored = CountRows(db, "events");
          clock->SetNowMicros(now_us);
          if (result.ok()) {
            EXPECT_EQ(stored, unexpired) << "an acknowledged TTL run was undone";
          }
          EXPECT_TRUE(stored == 900 || stored == 600 || stored == unexpired) << stored << " rows on disk";
          if (stored < 600) {
            auto parts = db->ListParts("events");
            ASSERT_OK(parts);
            EXPECT_EQ(parts->size(), 2u) << "the rewrite left its input behind";
          }
          EXPECT_EQ(db->recovery().detached, 0u);
          EXPECT_OK(db->CheckTable("events"));
        });
  }
}

}  // namespace
}  // namespace tally::engine
