// Crash tests: a FaultInjectionEnv kills the writer at every mutating step (write, fsync,
// rename, directory sync) of an insert, of table creation, of a merge (OPTIMIZE) and of
// the manifest rewrite at open; MemEnv then drops everything that was not durable. After reopening, every
// acknowledged insert must be there in full and an unacknowledged one wholly present or
// wholly absent.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/fault_injection_env.h"
#include "engine/mem_env.h"
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

// A crash at step n of `action` (run against a database opened through the faulty env),
// for every n until the action completes without reaching the fault.
template <typename Setup, typename Action, typename Check>
void CrashAtEveryStep(Setup setup, Action action, Check check) {
  for (int64_t n = 0;; ++n) {
    SCOPED_TRACE(::testing::Message() << "crash at step " << n);
    MemEnv mem;
    setup(&mem);
    FaultInjectionEnv fault(&mem);
    fault.FailAtStep(n);
    absl::Status result;
    {
      auto db = Database::Open("db", {.env = &fault});
      result = db.ok() ? action(db->get()) : db.status();
    }
    const bool injected = fault.injected_faults() > 0;
    mem.Crash();
    auto reopened = Database::Open("db", {.env = &mem});
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    check(reopened->get(), result);
    if (!injected) {
      EXPECT_OK(result);
      EXPECT_GT(n, 5) << "the action should take several steps";
      return;
    }
    ASSERT_LT(n, 2000) << "runaway loop";
  }
}

// An error (not a crash) at step n of `action`, for every n until the action completes:
// the database is then closed and reopened without losing anything unsynced, so a manifest
// record whose sync failed may still be read back. Whatever the action did or left must
// reopen consistently.
template <typename Setup, typename Action, typename Check>
void ErrorAtEveryStep(Setup setup, Action action, Check check) {
  for (int64_t n = 0;; ++n) {
    SCOPED_TRACE(::testing::Message() << "error at step " << n);
    MemEnv mem;
    setup(&mem);
    FaultInjectionEnv fault(&mem);
    fault.FailOnceAtStep(n);
    absl::Status result;
    {
      auto db = Database::Open("db", {.env = &fault});
      result = db.ok() ? action(db->get()) : db.status();
    }
    const bool injected = fault.injected_faults() > 0;
    auto reopened = Database::Open("db", {.env = &mem});
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    check(reopened->get(), result);
    if (!injected) {
      EXPECT_OK(result);
      return;
    }
    ASSERT_LT(n, 2000) << "runaway loop";
  }
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

TEST(CrashTest, ReopenRewritesTheManifestSafelyAtEveryStep) {
  const Block data = testing_data::MeteringBlock(1500, 13);
  CrashAtEveryStep(
      [&](MemEnv* mem) {
        auto db = Database::Open("db", {.env = mem});
        ASSERT_OK(db);
        ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
        ASSERT_OK((*db)->Insert("events", data));
        ASSERT_OK((*db)->Insert("events", data));
      },
      [](Database*) { return absl::OkStatus(); },  // the faults hit Open's manifest rewrite
      [](Database* db, const absl::Status&) { EXPECT_EQ(CountRows(db, "events"), 3000u); });
}

// A merge swaps parts for one: after a crash at any step the table holds either the inputs
// or the merged part, with every row once, and nothing torn.
TEST(CrashTest, OptimizeIsAllOrNothingAtEveryStep) {
  const Block blocks[] = {testing_data::MeteringBlock(900, 31), testing_data::MeteringBlock(700, 32),
                          testing_data::MeteringBlock(400, 33)};
  CrashAtEveryStep(
      [&](MemEnv* mem) {
        auto db = Database::Open("db", {.env = mem});
        ASSERT_OK(db);
        ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
        for (const Block& b : blocks) ASSERT_OK((*db)->Insert("events", b));
      },
      [](Database* db) { return db->Optimize("events").status(); },
      [](Database* db, const absl::Status& result) {
        EXPECT_EQ(CountRows(db, "events"), 2000u);
        auto parts = db->ListParts("events");
        ASSERT_OK(parts);
        if (result.ok()) {
          EXPECT_EQ(parts->size(), 1u) << "an acknowledged merge was lost";
        } else {
          EXPECT_TRUE(parts->size() == 1 || parts->size() == 3) << parts->size() << " parts";
        }
        EXPECT_EQ(db->recovery().missing, 0u);
        EXPECT_EQ(db->recovery().detached, 0u) << "a torn part was committed";
        EXPECT_OK(db->CheckTable("events"));
      });
}

TEST(CrashTest, InsertErrorAtEveryStepLosesNothing) {
  const Block first = testing_data::MeteringBlock(1000, 41);
  const Block second = testing_data::MeteringBlock(600, 42, 1790812800 + 20 * 86400, 20 * 86400);
  ErrorAtEveryStep(EventsWith(first), [&](Database* db) { return db->Insert("events", second); },
                   AllOrNothing(1000, 600));
}

TEST(CrashTest, OptimizeErrorAtEveryStepLosesNothing) {
  const Block blocks[] = {testing_data::MeteringBlock(500, 43), testing_data::MeteringBlock(300, 44),
                          testing_data::MeteringBlock(200, 45)};
  ErrorAtEveryStep(
      [&](MemEnv* mem) {
        auto db = Database::Open("db", {.env = mem});
        ASSERT_OK(db);
        ASSERT_OK((*db)->CreateTable("events", SmallSchema()));
        for (const Block& b : blocks) ASSERT_OK((*db)->Insert("events", b));
      },
      [](Database* db) { return db->Optimize("events").status(); },
      [](Database* db, const absl::Status&) {
        EXPECT_EQ(CountRows(db, "events"), 1000u);
        EXPECT_EQ(db->recovery().missing, 0u) << "a committed part was deleted";
        EXPECT_EQ(db->recovery().detached, 0u);
        EXPECT_OK(db->CheckTable("events"));
      });
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

}  // namespace
}  // namespace tally::engine
