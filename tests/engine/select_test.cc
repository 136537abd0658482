// SELECT execution through a Session on an in-memory database: parallel scans agree with
// one thread, subqueries, INTERVAL rewrites, DEFAULT expressions, per-statement settings
// and cancellation.
#include "engine/query/select.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/engine/trickle_stream.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

class SelectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<Session>(db_.get());
  }

  // The statement's TabSeparated output, or "error: <message>".
  std::string Run(const std::string& sql, absl::string_view input = "") {
    std::string out;
    absl::Status s = session_->Execute(sql, input, [&](absl::string_view chunk) { absl::StrAppend(&out, chunk); });
    return s.ok() ? out : absl::StrCat("error: ", s.message());
  }

  // A metering table of several parts, in small granules so scans have many chunks.
  void MakeEvents() {
    format::TableSchema schema = testing_data::MeteringSchema();
    schema.index_granularity = 512;
    ASSERT_OK(db_->CreateTable("events", schema));
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      ASSERT_OK(db_->Insert("events", testing_data::MeteringBlock(30000, seed, 1790812800, 45 * 86400)));
    }
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
};

TEST_F(SelectTest, ThreadsGiveTheSameAnswersAsOneThread) {
  MakeEvents();
  const char* queries[] = {
      "SELECT count(), sum(value), min(time), max(time), uniqExact(user_id) FROM events",
      "SELECT tenant, count(), sum(value), avg(value) FROM events GROUP BY tenant ORDER BY tenant",
      "SELECT status, metric, count() AS c FROM events WHERE value > 100 GROUP BY status, metric ORDER BY status, metric",
      "SELECT path, uniqExact(user_id), uniq(user_id), max(time) FROM events GROUP BY path ORDER BY path",
      "SELECT toStartOfDay(time) AS d, max(value), any(tenant) = any(tenant) FROM events GROUP BY d ORDER BY d",
      "SELECT region, countIf(status >= 500) FROM events GROUP BY region ORDER BY region",
      // A plain SELECT keeps the scan order without ORDER BY.
      "SELECT time, tenant, value FROM events WHERE status = 404",
      "SELECT id FROM events WHERE tenant = 'tenant_3' AND value < 50",
      "SELECT number * 3 FROM numbers(300000) WHERE number % 7 = 0",
      "SELECT sum(number), count() FROM numbers(1000000)",
  };
  for (const char* q : queries) {
    SCOPED_TRACE(q);
    std::string one = Run(absl::StrCat(q, " SETTINGS max_threads = 1"));
    ASSERT_FALSE(absl::StartsWith(one, "error:")) << one;
    EXPECT_GT(one.size(), 0u);
    for (int threads : {2, 3, 8}) {
      EXPECT_EQ(Run(absl::StrCat(q, " SETTINGS max_threads = ", threads)), one) << threads << " threads";
    }
  }
}

TEST_F(SelectTest, PrewhereIsAFilterLikeWhere) {
  MakeEvents();
  const std::string want = Run("SELECT count(), sum(value) FROM events WHERE status = 500 AND tenant = 'tenant_2'");
  EXPECT_EQ(Run("SELECT count(), sum(value) FROM events PREWHERE status = 500 WHERE tenant = 'tenant_2'"), want);
  EXPECT_EQ(Run("SELECT count(), sum(value) FROM events PREWHERE status = 500 AND tenant = 'tenant_2'"), want);
  EXPECT_TRUE(absl::StrContains(Run("EXPLAIN SELECT count() FROM events PREWHERE tenant = 'tenant_2'"),
                                "Conditions: [\\'tenant_2\\', \\'tenant_2\\'] on tenant"))
      << Run("EXPLAIN SELECT count() FROM events PREWHERE tenant = 'tenant_2'");
}

TEST_F(SelectTest, MemoryLimitCountsEveryThread) {
  MakeEvents();
  std::string out = Run("SELECT id, count() FROM events GROUP BY id SETTINGS max_threads = 2, max_memory_usage = 1000000");
  EXPECT_TRUE(absl::StrContains(out, "Memory limit (for query) exceeded")) << out;
}

TEST_F(SelectTest, InSubqueryAndScalarSubquery) {
  MakeEvents();
  // IN (SELECT ...) agrees with the same set written out.
  std::string tenants = Run("SELECT tenant FROM events WHERE status = 503 GROUP BY tenant ORDER BY count() DESC LIMIT 2");
  std::vector<std::string> names = absl::StrSplit(tenants, '\n', absl::SkipEmpty());
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(Run("SELECT count() FROM events WHERE tenant IN (SELECT tenant FROM events WHERE status = 503 "
                "GROUP BY tenant ORDER BY count() DESC LIMIT 2)"),
            Run(absl::StrCat("SELECT count() FROM events WHERE tenant IN ('", names[0], "', '", names[1], "')")));
  EXPECT_EQ(Run("SELECT 3 IN (SELECT number FROM numbers(5)), 7 NOT IN (SELECT number FROM numbers(5))"), "1\t1\n");
  // A scalar subquery is a Nullable constant, NULL when it has no rows.
  EXPECT_EQ(Run("SELECT (SELECT max(number) FROM numbers(10)) AS m, toTypeName(m)"), "9\tNullable(UInt64)\n");
  EXPECT_EQ(Run("SELECT (SELECT 1 WHERE 0) AS x, toTypeName(x)"), "\\N\tNullable(UInt8)\n");
  EXPECT_EQ(Run("SELECT (SELECT number FROM numbers(3))"),
            "error: Scalar subquery returned more than one row (line 1, column 8)");
  EXPECT_TRUE(absl::StrContains(Run("SELECT 1 IN (SELECT 1, 2)"), "returns 2 columns; one is expected"));
  // The last hour of data: the scalar bound also prunes.
  std::string last_hour = Run("SELECT count() FROM events WHERE time > (SELECT max(time) FROM events) - INTERVAL 1 HOUR");
  std::string max_time = Run("SELECT toUnixTimestamp(max(time)) FROM events");
  EXPECT_EQ(last_hour, Run(absl::StrCat("SELECT countIf(toUnixTimestamp(time) > ", std::stoll(max_time) - 3600,
                                        ") FROM events")));
  std::string plan = Run("EXPLAIN SELECT count() FROM events WHERE time > (SELECT max(time) FROM events) - INTERVAL 1 HOUR");
  EXPECT_TRUE(absl::StrContains(plan, absl::StrCat("Conditions: (", std::stoll(max_time) - 3600, ", +inf) on time")))
      << plan;
}

TEST_F(SelectTest, ToStartOfIntervalTakesAnInterval) {
  EXPECT_EQ(Run("SELECT toStartOfInterval(toDateTime('2026-10-01 10:17:31'), INTERVAL 5 minute), "
                "toStartOfInterval(toDateTime('2026-10-01 10:17:31'), toIntervalHour(2)), "
                "toStartOfInterval(toDateTime64('2026-10-01 10:17:31.123456', 6), INTERVAL 100 millisecond)"),
            "2026-10-01 10:15:00\t2026-10-01 10:00:00\t2026-10-01 10:17:31.100000\n");
  EXPECT_EQ(Run("SELECT toStartOfInterval(toDateTime('2026-10-01 20:17:31', 'UTC'), INTERVAL 1 day, 'Asia/Tokyo')"),
            "2026-10-02 00:00:00\n");
  EXPECT_EQ(Run("SELECT toDateTime('2026-10-01 10:17:31') - INTERVAL 3 hour, INTERVAL 1 week + toDate('2026-10-01')"),
            "2026-10-01 07:17:31\t2026-10-08\n");
}

TEST_F(SelectTest, DefaultExpressionsFillLeftOutColumnsAndOmittedFields) {
  ASSERT_EQ(Run("CREATE TABLE d (time DateTime, tenant LowCardinality(String) DEFAULT 'anon', "
                "day Date DEFAULT toDate(time), v UInt64 DEFAULT 7 * 6, "
                "label String DEFAULT concat(tenant, '-', toString(v))) ENGINE = MergeTree ORDER BY time"),
            "");
  EXPECT_EQ(Run("INSERT INTO d (time) VALUES ('2026-10-01 10:20:30')"), "");
  EXPECT_EQ(Run("INSERT INTO d FORMAT JSONEachRow",
                "{\"time\":\"2026-10-02 01:02:03\",\"v\":5}\n{\"time\":\"2026-10-03 01:02:03\",\"tenant\":\"acme\"}\n"),
            "");
  EXPECT_EQ(Run("INSERT INTO d (time, tenant) SELECT toDateTime('2026-10-04 00:00:00'), 'x'"), "");
  EXPECT_EQ(Run("SELECT * FROM d ORDER BY time"),
            "2026-10-01 10:20:30\tanon\t2026-10-01\t42\tanon-42\n"
            "2026-10-02 01:02:03\tanon\t2026-10-02\t5\tanon-5\n"
            "2026-10-03 01:02:03\tacme\t2026-10-03\t42\tacme-42\n"
            "2026-10-04 00:00:00\tx\t2026-10-04\t42\tx-42\n");
  EXPECT_TRUE(absl::StrContains(Run("SHOW CREATE TABLE d"), "`day` Date DEFAULT toDate(time)"));
  EXPECT_TRUE(absl::StrContains(Run("DESCRIBE TABLE d"), "day\tDate\tDEFAULT\ttoDate(time)"));
}

using testing_sql::TrickleStream;

TEST_F(SelectTest, InsertFromAStreamReadsInPiecesAndCommitsOnce) {
  ASSERT_EQ(Run("CREATE TABLE s (id UInt32, note String, v UInt64 DEFAULT id * 10) ENGINE = MergeTree ORDER BY id"), "");
  // Tiny buffers and blocks: rows straddle reads, a JSON object spans lines, a CSV field
  // holds a line break and quotes, and every few rows a block is added to the insert.
  ASSERT_EQ(Run("SET max_read_buffer_size = 7; SET min_insert_block_size_rows = 3"), "");
  std::string json;
  for (int i = 1; i <= 40; ++i) {
    json += i == 17 ? "{\"id\": 17,\n \"note\": \"} { \\\" [\"\n}\n"
                    : absl::StrCat("{\"id\":", i, ",\"note\":\"n", i, "\"", i % 5 == 0 ? ",\"v\":1" : "", "}\n");
  }
  auto stream_run = [&](const std::string& sql, std::string data, size_t piece) {
    TrickleStream in(std::move(data), piece);
    std::string out;
    absl::Status s = session_->Execute(sql, &in, [&](absl::string_view chunk) { absl::StrAppend(&out, chunk); });
    return s.ok() ? out : absl::StrCat("error: ", s.message());
  };
  EXPECT_EQ(stream_run("INSERT INTO s FORMAT JSONEachRow", json, 5), "");
  EXPECT_EQ(Run("SELECT count(), sum(v), countIf(v = 1) FROM s"), "40\t6408\t8\n");
  EXPECT_EQ(Run("SELECT note FROM s WHERE id = 17"), "} { \" [\n");
  ASSERT_OK_AND_ASSIGN(auto parts, db_->ListParts("s"));
  // A small insert's blocks wait for its commit, which writes one part per partition
  // (engine/group_commit.cc); a large one writes parts as its blocks come.
  EXPECT_EQ(parts.size(), 1u) << "the blocks of a small insert commit as one part";
  std::string csv = "100,\"two\nlines, \"\"quoted\"\"\",5\n101,plain,6\n102,x,7\n";
  EXPECT_EQ(stream_run("INSERT INTO s FORMAT CSV", csv, 3), "");
  EXPECT_EQ(Run("SELECT note, v FROM s WHERE id = 100"), "two\\nlines, \"quoted\"\t5\n");
  EXPECT_EQ(stream_run("INSERT INTO s FORMAT TabSeparated", "200\ta\t1\n201\tb\\tc\t2\n", 4), "");
  EXPECT_EQ(Run("SELECT count() FROM s"), "45\n");

  // A bad row far into the input: its number counts from the start, nothing is stored.
  std::string bad = json;
  bad += "{\"id\": 41}\n{\"id\": \"forty-two\"}\n";
  std::string error = stream_run("INSERT INTO s FORMAT JSONEachRow", bad, 5);
  EXPECT_TRUE(absl::StrContains(error, "row 42, column 'id'")) << error;
  EXPECT_EQ(Run("SELECT count() FROM s"), "45\n");

  // Blocks go to the table on their own thread while the next is parsed: a view that fails
  // on a later block fails the insert, and nothing of the earlier blocks is stored.
  ASSERT_EQ(Run("CREATE TABLE notes (n UInt32) ENGINE = MergeTree ORDER BY n"), "");
  ASSERT_EQ(Run("CREATE MATERIALIZED VIEW notes_mv TO notes AS SELECT CAST(note AS UInt32) AS n FROM s"), "");
  ASSERT_OK_AND_ASSIGN(auto parts_before, db_->ListParts("s"));
  std::string numbered;
  for (int i = 300; i < 340; ++i) {
    absl::StrAppend(&numbered, "{\"id\":", i, ",\"note\":\"", i == 331 ? "x" : absl::StrCat(i), "\"}\n");
  }
  error = stream_run("INSERT INTO s FORMAT JSONEachRow", numbered, 5);
  EXPECT_TRUE(absl::StrContains(error, "materialized view notes_mv (s -> notes)")) << error;
  EXPECT_EQ(Run("SELECT count() FROM s"), "45\n");
  EXPECT_EQ(Run("SELECT count() FROM notes"), "0\n");
  ASSERT_OK_AND_ASSIGN(auto parts_after, db_->ListParts("s"));
  EXPECT_EQ(parts_after.size(), parts_before.size());
  numbered.replace(numbered.find("\"x\""), 3, "\"331\"");
  EXPECT_EQ(stream_run("INSERT INTO s FORMAT JSONEachRow", numbered, 5), "");
  EXPECT_EQ(Run("SELECT count(), sum(n) FROM notes"), "40\t12780\n");
}

TEST_F(SelectTest, ReadonlySessionsRunOnlyStatementsThatRead) {
  ASSERT_EQ(Run("CREATE TABLE r (a UInt8) ENGINE = MergeTree ORDER BY a"), "");
  session_->set_readonly(2, "GET is read-only");
  EXPECT_EQ(Run("SELECT count() FROM r"), "0\n");
  EXPECT_EQ(Run("SHOW TABLES"), "r\n");
  EXPECT_EQ(Run("SET max_threads = 2"), "") << "level 2 allows SET";
  for (const char* sql : {"INSERT INTO r VALUES (1)", "CREATE TABLE r2 (a UInt8) ENGINE = MergeTree ORDER BY a",
                          "DROP TABLE r", "TRUNCATE TABLE r", "OPTIMIZE TABLE r", "CREATE DATABASE d2"}) {
    EXPECT_EQ(Run(sql), "error: Cannot execute query in readonly mode. GET is read-only") << sql;
  }
  session_->set_readonly(1);
  EXPECT_EQ(Run("SET max_threads = 2"), "error: Cannot execute query in readonly mode");
  session_->set_readonly(0);
  EXPECT_EQ(Run("INSERT INTO r VALUES (1)"), "");
  EXPECT_EQ(Run("SELECT count() FROM r"), "1\n");
}

TEST_F(SelectTest, ParameterValuesAreEscapedTextAsInClickHouse) {
  session_->SetParameter("s", "it\\'s\\ta \\\\ b");  // it\'s\ta \\ b, as clients escape it
  session_->SetParameter("n", "\\N");
  session_->SetParameter("k", "7");
  EXPECT_EQ(Run("SELECT {s:String} AS s, length(s), {s:LowCardinality(String)} = s FORMAT JSONEachRow"),
            "{\"s\":\"it's\\ta \\\\ b\",\"length(s)\":\"10\",\"equals({s:LowCardinality(String)}, s)\":1}\n");
  EXPECT_EQ(Run("SELECT {n:Nullable(String)} IS NULL, {n:Nullable(UInt8)} IS NULL, {k:Nullable(UInt8)} + 1"), "1\t1\t8\n");
  EXPECT_EQ(Run("SELECT {n:String}"), "N\n") << "\\N is NULL only for a Nullable type";
}

TEST_F(SelectTest, InsertDataStartFindsWhereAnInsertsDataBegins) {
  using sql::InsertDataStart;
  EXPECT_EQ(InsertDataStart("INSERT INTO t FORMAT CSV\n1,2\n"), 25u);
  EXPECT_EQ(InsertDataStart("INSERT INTO t FORMAT CSV"), 24u);
  EXPECT_EQ(InsertDataStart("insert into db.t (a, b) format JSONEachRow {\"a\":1}"), 43u);
  EXPECT_EQ(InsertDataStart("INSERT INTO t FORMAT TSV\r\n\x01\xff;;"), 26u) << "the data is never lexed";
  EXPECT_EQ(InsertDataStart("INSERT INTO t VALUES (1)"), std::nullopt);
  EXPECT_EQ(InsertDataStart("INSERT INTO t SELECT 1"), std::nullopt);
  EXPECT_EQ(InsertDataStart("SELECT 1"), std::nullopt);
  EXPECT_EQ(InsertDataStart("SELECT 1; INSERT INTO t FORMAT CSV\n1"), std::nullopt);
  EXPECT_EQ(InsertDataStart("INSERT INTO t FORMA"), std::nullopt);
}

TEST_F(SelectTest, BadDefaultExpressionsAreRejectedAtCreate) {
  EXPECT_EQ(Run("CREATE TABLE e (a UInt8 DEFAULT b, b UInt8 DEFAULT a) ENGINE = MergeTree ORDER BY tuple()"),
            "error: DEFAULT expressions of columns `a`, `b` depend on each other in a cycle");
  EXPECT_TRUE(absl::StrContains(Run("CREATE TABLE e (a UInt8 DEFAULT 'x') ENGINE = MergeTree ORDER BY tuple()"),
                                "column `a` DEFAULT 'x': CAST: cannot parse 'x' as UInt8"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE TABLE e (a UInt8 DEFAULT zz + 1) ENGINE = MergeTree ORDER BY tuple()"),
                                "Unknown identifier `zz`"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE TABLE e (a UInt8 DEFAULT sum(1)) ENGINE = MergeTree ORDER BY tuple()"),
                                "aggregate functions are not allowed"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE TABLE e (a UInt8 MATERIALIZED 1) ENGINE = MergeTree ORDER BY tuple()"),
                                "MATERIALIZED columns are not supported yet"));
  EXPECT_EQ(Run("SHOW TABLES"), "");
}

TEST_F(SelectTest, SettingsClauseAppliesToItsStatementOnly) {
  EXPECT_EQ(Run("SELECT count() FROM numbers(100000) SETTINGS max_memory_usage = 100000, max_threads = 1"),
            "100000\n") << "count() keeps one state";
  EXPECT_TRUE(absl::StrContains(Run("SELECT number FROM numbers(100000) SETTINGS max_memory_usage = 1000"),
                                "Memory limit (for query) exceeded"));
  EXPECT_EQ(Run("SELECT count() FROM numbers(100000)"), "100000\n");
  EXPECT_TRUE(absl::StrContains(Run("SELECT 1 SETTINGS no_such_setting = 1"), "Unknown setting 'no_such_setting'"));
  EXPECT_TRUE(absl::StrContains(Run("SET max_threads = 'many'"), "max_threads takes a non-negative integer"));
}

TEST_F(SelectTest, SessionClockAndTimeZoneReachFunctionsAndFormats) {
  EXPECT_EQ(Run("SELECT now() > toDateTime('2026-01-01 00:00:00'), today() = toDate(now())"), "1\t1\n");
  ASSERT_EQ(Run("SET session_timezone = 'Asia/Tokyo'"), "");
  EXPECT_EQ(Run("SELECT timeZone(), toHour(toDateTime(0)), toDateTime(0), [toDateTime(0)], toDateTime(0, 'UTC')"),
            "Asia/Tokyo\t9\t1970-01-01 09:00:00\t['1970-01-01 09:00:00']\t1970-01-01 00:00:00\n");
  EXPECT_EQ(Run("SELECT toDateTime64('2026-10-01 00:00:00.5', 3) + INTERVAL 250 millisecond"),
            "2026-10-01 00:00:00.750\n");
  // Inserted text is read in the session's zone; the stored instant is zone-free.
  ASSERT_EQ(Run("CREATE TABLE z (t DateTime) ENGINE = MergeTree ORDER BY t"), "");
  ASSERT_EQ(Run("INSERT INTO z VALUES ('2026-10-01 09:00:00')"), "");
  ASSERT_EQ(Run("INSERT INTO z FORMAT JSONEachRow", "{\"t\": \"2026-10-01 10:00:00\"}\n"), "");
  EXPECT_EQ(Run("SELECT toUnixTimestamp(t) FROM z ORDER BY t"), "1790812800\n1790816400\n");
  EXPECT_EQ(Run("SELECT t FROM z ORDER BY t SETTINGS session_timezone = 'UTC'"),
            "2026-10-01 00:00:00\n2026-10-01 01:00:00\n");
}

TEST_F(SelectTest, InOfNullIsNull) {
  EXPECT_EQ(Run("SELECT toTypeName(x IN (1, 2)), x IN (1, 2), x NOT IN (1), y IN (1) FROM "
                "(SELECT CAST(NULL AS Nullable(Int32)) AS x, CAST(1 AS Nullable(Int32)) AS y)"),
            "Nullable(UInt8)\t\\N\t\\N\t1\n");
  EXPECT_EQ(Run("SELECT NULL IN (1, 2), 1 IN (1, NULL), 2 IN (1, NULL)"), "\\N\t1\t0\n");
  EXPECT_EQ(Run("SELECT x IN ('a') FROM (SELECT CAST(NULL AS LowCardinality(Nullable(String))) AS x)"), "\\N\n");
}

TEST_F(SelectTest, UnknownInputFieldsAreSkippedUnlessAsked) {
  ASSERT_EQ(Run("CREATE TABLE u (a UInt8, s String) ENGINE = MergeTree ORDER BY a"), "");
  EXPECT_EQ(Run("INSERT INTO u FORMAT JSONEachRow", "{\"a\": 1, \"extra\": [1, {}], \"s\": \"x\"}\n"), "");
  EXPECT_EQ(Run("SELECT * FROM u"), "1\tx\n");
  EXPECT_TRUE(absl::StrContains(Run("INSERT INTO u SETTINGS input_format_skip_unknown_fields = 0 FORMAT JSONEachRow",
                                    "{\"a\": 2, \"extra\": 1}\n"),
                                "unknown field 'extra'"));
  EXPECT_EQ(Run("SELECT count() FROM u"), "1\n");
}

TEST_F(SelectTest, CancelStopsARunningQuery) {
  std::atomic<bool> done{false};
  std::thread canceller([&] {
    // Cancel repeatedly until the query has seen it (it may not have started yet).
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      session_->Cancel();
    }
  });
  // Far more rows than can be summed before the backstop limit.
  std::string out = Run("SELECT sum(number) FROM numbers(1000000000000) SETTINGS max_execution_time = 120");
  done = true;
  canceller.join();
  EXPECT_EQ(out, "error: Query was cancelled");
}

}  // namespace
}  // namespace tally::engine::sql
