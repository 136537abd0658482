// Event deduplication (engine/event_dedup.h): repeats of a key within the window are
// dropped before the table or any view sees them, within one insert and across inserts,
// restarts and partition drops; events older than the window are kept; bad settings are
// refused. Through SQL, as users set it up.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

class EventDedupTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    session_.reset();
    db_.reset();
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<Session>(db_.get());
  }
  std::string Run(const std::string& sql) { return testing_sql::OutputOrError(*session_, sql); }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
};

constexpr char kEvents[] =
    "CREATE TABLE events (time DateTime, source LowCardinality(String), id String, value UInt64) "
    "ENGINE = MergeTree PARTITION BY toDate(time) ORDER BY (source, time) "
    "SETTINGS deduplicate_by = 'source, id', deduplicate_time = 'time', deduplicate_window_s = 3600;"
    "CREATE MATERIALIZED VIEW totals ENGINE = SummingMergeTree ORDER BY source AS "
    "SELECT source, sum(value) AS value, count() AS events FROM events GROUP BY source";

TEST_F(EventDedupTest, RepeatsWithinTheWindowReachNeitherTheTableNorItsViews) {
  ASSERT_EQ(Run(kEvents), "");
  // A repeat inside one insert, and the same id from another source (a different key).
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 10:00:00', 'api', 'e1', 5), "
                "('2026-10-01 10:00:09', 'api', 'e1', 5), ('2026-10-01 10:01:00', 'api', 'e2', 7), "
                "('2026-10-01 10:02:00', 'sdk', 'e1', 1)"),
            "");
  // A later insert repeating e2 (and a retry would be dropped whole by its token anyway:
  // these rows differ, so it is not a retry).
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 10:30:00', 'api', 'e2', 7), ('2026-10-01 10:31:00', 'api', 'e3', 2)"),
            "");
  EXPECT_EQ(Run("SELECT source, id, value FROM events ORDER BY source, id"),
            "api\te1\t5\napi\te2\t7\napi\te3\t2\nsdk\te1\t1\n");
  EXPECT_EQ(Run("SELECT source, sum(value), sum(events) FROM totals GROUP BY source ORDER BY source"),
            "api\t14\t3\nsdk\t1\t1\n");
  // After a restart the keys come back from the parts.
  Reopen();
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 10:40:00', 'api', 'e1', 5), ('2026-10-01 10:41:00', 'sdk', 'e9', 4)"),
            "");
  EXPECT_EQ(Run("SELECT count(), sum(value) FROM events"), "5\t19\n");
  EXPECT_EQ(Run("SELECT sum(value), sum(events) FROM totals"), "19\t5\n");
  // Past the window (the newest event is now 12:00, the window an hour): an old repeat is
  // stored, since the table no longer knows it; a recent one is not.
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 12:00:00', 'api', 'e4', 1)"), "");
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 10:00:00', 'api', 'e1', 5), ('2026-10-01 11:59:00', 'api', 'e4', 1)"),
            "");
  EXPECT_EQ(Run("SELECT count(), sum(value) FROM events"), "7\t25\n");
  EXPECT_EQ(Run("SELECT sum(value), sum(events) FROM totals"), "25\t7\n");
}

TEST_F(EventDedupTest, DroppedRowsMayBeInsertedAgain) {
  ASSERT_EQ(Run(kEvents), "");
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 10:00:00', 'api', 'e1', 5), ('2026-10-02 10:00:00', 'api', 'e2', 7)"),
            "");
  ASSERT_EQ(Run("ALTER TABLE events DROP PARTITION '2026-10-02'"), "");
  // e2's partition is gone (reprocessing a day): its events are new again; e1's is not.
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-02 10:00:00', 'api', 'e2', 8), ('2026-10-01 10:00:01', 'api', 'e1', 5)"),
            "");
  EXPECT_EQ(Run("SELECT id, value FROM events ORDER BY id"), "e1\t5\ne2\t8\n");
  ASSERT_EQ(Run("TRUNCATE TABLE events"), "");
  ASSERT_EQ(Run("INSERT INTO events VALUES ('2026-10-01 10:00:00', 'api', 'e1', 5)"), "");
  EXPECT_EQ(Run("SELECT count() FROM events"), "1\n");
}

TEST_F(EventDedupTest, BadSettingsAreRefused) {
  const std::string create = "CREATE TABLE t (time DateTime, id String) ENGINE = MergeTree ORDER BY time SETTINGS ";
  EXPECT_NE(Run(create + "deduplicate_by = 'nope', deduplicate_time = 'time'").find("no column 'nope'"),
            std::string::npos);
  EXPECT_NE(Run(create + "deduplicate_by = 'id'").find("needs deduplicate_time"), std::string::npos);
  EXPECT_NE(Run(create + "deduplicate_by = 'id', deduplicate_time = 'id'").find("not a Date, DateTime or DateTime64"),
            std::string::npos);
  EXPECT_NE(Run(create + "deduplicate_by = 'id', deduplicate_time = 'time', deduplicate_window_s = 0")
                .find("at least 1"),
            std::string::npos);
  EXPECT_NE(Run(create + "deduplicate_window_s = 60").find("need deduplicate_by"), std::string::npos);
  EXPECT_EQ(Run("SHOW TABLES"), "");
}

}  // namespace
}  // namespace tally::engine::sql
