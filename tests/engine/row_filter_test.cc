// Row filters (engine/query/row_filter.h) through every shape of query a session runs: a
// tenant's session sees only its rows in plain SELECTs, FROM subqueries, IN (SELECT ...),
// scalar subqueries and WITH, UNION ALL, INSERT ... SELECT, and materialized views read by
// name or by their inner table; the key still prunes; the query's aliases and WHERE cannot
// get around the filter. Also the readonly levels a server gives its users.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/query/row_filter.h"
#include "engine/query/session.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using testing_sql::Output;
using testing_sql::OutputOrError;

class RowFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    admin_ = std::make_unique<sql::Session>(db_.get());
    // 40,000 events, half each of two tenants, sorted by tenant: the key separates them
    // into different granules (8192 rows each).
    Admin("CREATE TABLE events (time DateTime, tenant LowCardinality(String), value UInt64) "
          "ENGINE = MergeTree ORDER BY (tenant, time)");
    Admin("CREATE TABLE tenants (tenant String, name String) ENGINE = MergeTree ORDER BY tenant");
    Admin("INSERT INTO tenants VALUES ('ws_42', 'Acme'), ('ws_43', 'Globex')");
    Admin("CREATE MATERIALIZED VIEW daily ENGINE = SummingMergeTree ORDER BY (tenant, day) AS "
          "SELECT tenant, toDate(time) AS day, sum(value) AS total FROM events GROUP BY tenant, day");
    Admin("INSERT INTO events SELECT toDateTime('2026-01-01 00:00:00') + number, "
          "if(number % 2 = 0, 'ws_42', 'ws_43'), number FROM numbers(40000)");
    tenant_ = std::make_unique<sql::Session>(db_.get());
    tenant_->set_user("dash_ws42");
    ASSERT_OK(tenant_->SetRowFilter("default.events", "tenant = 'ws_42'"));
  }

  void Admin(const std::string& sql) {
    absl::StatusOr<std::string> out = Output(*admin_, sql);
    ASSERT_TRUE(out.ok()) << sql << " -> " << out.status();
  }
  std::string Tenant(const std::string& sql) { return OutputOrError(*tenant_, sql); }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sql::Session> admin_, tenant_;
};

TEST_F(RowFilterTest, PlainSelectSeesOnlyTheFilteredRows) {
  EXPECT_EQ(OutputOrError(*admin_, "SELECT tenant, count() FROM events GROUP BY tenant ORDER BY tenant"),
            "ws_42\t20000\nws_43\t20000\n");
  EXPECT_EQ(Tenant("SELECT tenant, count() FROM events GROUP BY tenant ORDER BY tenant"), "ws_42\t20000\n");
  EXPECT_EQ(Tenant("SELECT count() FROM events WHERE tenant = 'ws_43'"), "0\n");
  EXPECT_EQ(Tenant("SELECT count() FROM events WHERE value < 10"), "5\n");
  EXPECT_EQ(Tenant("SELECT count() FROM default.events PREWHERE value < 10"), "5\n");
  EXPECT_EQ(Tenant("SELECT value FROM events ORDER BY value DESC LIMIT 2"), "39998\n39996\n");
}

TEST_F(RowFilterTest, SubqueriesReadThroughTheFilter) {
  EXPECT_EQ(Tenant("SELECT count() FROM (SELECT * FROM events)"), "20000\n");
  EXPECT_EQ(Tenant("SELECT count() FROM (SELECT tenant FROM (SELECT * FROM events) WHERE tenant != '')"), "20000\n");
  // IN (subquery): tenants is not filtered, the subquery over events is.
  EXPECT_EQ(Tenant("SELECT name FROM tenants WHERE tenant IN (SELECT tenant FROM events) ORDER BY name"), "Acme\n");
  EXPECT_EQ(Tenant("SELECT name FROM tenants ORDER BY name"), "Acme\nGlobex\n");
  // Scalar subqueries, and WITH naming one.
  EXPECT_EQ(Tenant("SELECT (SELECT count() FROM events)"), "20000\n");
  EXPECT_EQ(Tenant("WITH (SELECT uniqExact(tenant) FROM events) AS n SELECT n"), "1\n");
  EXPECT_EQ(Tenant("SELECT (SELECT count() FROM events WHERE tenant = 'ws_43')"), "0\n");
  // UNION ALL: each member.
  EXPECT_EQ(Tenant("SELECT count() FROM events UNION ALL SELECT count() FROM events WHERE tenant = 'ws_43'"),
            "20000\n0\n");
}

TEST_F(RowFilterTest, InsertSelectCopiesOnlyTheFilteredRows) {
  Admin("CREATE TABLE copy (tenant String, value UInt64) ENGINE = MergeTree ORDER BY tenant");
  EXPECT_EQ(Tenant("INSERT INTO copy SELECT tenant, value FROM events"), "");
  EXPECT_EQ(OutputOrError(*admin_, "SELECT tenant, count() FROM copy GROUP BY tenant"), "ws_42\t20000\n");
  EXPECT_EQ(tenant_->rows_inserted(), 20000u);
}

TEST_F(RowFilterTest, MaterializedViewsTakeTheirOwnFilter) {
  // A filter on the source does not follow its rows into the view's target (the view sees
  // every inserted row): the view has its own.
  EXPECT_EQ(Tenant("SELECT tenant, sum(total) FROM daily GROUP BY tenant ORDER BY tenant"),
            "ws_42\t399980000\nws_43\t400000000\n");
  ASSERT_OK(tenant_->SetRowFilter("daily", "tenant = 'ws_42'"));
  EXPECT_EQ(Tenant("SELECT tenant, sum(total) FROM daily GROUP BY tenant"), "ws_42\t399980000\n");
  EXPECT_EQ(Tenant("SELECT tenant, sum(total) FROM daily FINAL GROUP BY tenant"), "ws_42\t399980000\n");
  // Its inner table read by name is the view's rows, filtered alike.
  EXPECT_EQ(Tenant("SELECT tenant, sum(total) FROM _inner_daily GROUP BY tenant"), "ws_42\t399980000\n");
  EXPECT_EQ(Tenant("SELECT count() FROM events WHERE tenant IN (SELECT tenant FROM daily)"), "20000\n");
  // A filter on a TO target applies to reads of the view and of the target.
  Admin("CREATE TABLE hourly (tenant String, n UInt64) ENGINE = SummingMergeTree ORDER BY tenant");
  Admin("CREATE MATERIALIZED VIEW hourly_mv TO hourly AS SELECT tenant, count() AS n FROM events GROUP BY tenant");
  Admin("INSERT INTO events VALUES ('2026-02-01 00:00:00', 'ws_42', 1), ('2026-02-01 00:00:00', 'ws_43', 1)");
  ASSERT_OK(tenant_->SetRowFilter("hourly", "tenant = 'ws_42'"));
  EXPECT_EQ(Tenant("SELECT tenant, sum(n) FROM hourly_mv GROUP BY tenant"), "ws_42\t1\n");
  EXPECT_EQ(Tenant("SELECT tenant, sum(n) FROM hourly GROUP BY tenant"), "ws_42\t1\n");
}

TEST_F(RowFilterTest, QueryAliasesCannotReplaceTheFiltersColumns) {
  // `tenant` in the filter is always the column, whatever the query calls `tenant`.
  EXPECT_EQ(Tenant("SELECT count() FROM (SELECT 'ws_43' AS tenant, value FROM events)"), "20000\n");
  EXPECT_EQ(Tenant("SELECT uniqExact(t) FROM (SELECT tenant AS t, 'ws_42' AS tenant FROM events)"), "1\n");
  EXPECT_EQ(Tenant("WITH 'ws_43' AS tenant SELECT count() FROM events"), "20000\n");
  EXPECT_EQ(Tenant("SELECT toString(value) AS tenant FROM events WHERE value = 3"), "");
  EXPECT_EQ(Tenant("SELECT toString(value) AS tenant FROM events WHERE value = 4"), "4\n");
}

TEST_F(RowFilterTest, TheQuerysWhereNeverSeesHiddenRows) {
  // A WHERE that fails on a hidden row would tell that such a row exists: it runs on the
  // rows the filter kept only. intDiv(10, (value + 1) % 2) fails on odd values, ws_43's...
  EXPECT_EQ(OutputOrError(*admin_, "SELECT count() FROM events WHERE intDiv(10, (value + 1) % 2) >= 0"),
            "error: intDiv: Division by zero");
  EXPECT_EQ(Tenant("SELECT count() FROM events WHERE intDiv(10, (value + 1) % 2) >= 0"), "20000\n");
  EXPECT_EQ(Tenant("SELECT count() FROM events PREWHERE intDiv(10, (value + 1) % 2) >= 0 WHERE value > 0"),
            "19999\n");
  // ... and intDiv(10, value % 2) on even ones, the tenant's own.
  EXPECT_EQ(Tenant("SELECT count() FROM events WHERE intDiv(10, value % 2) >= 0"), "error: intDiv: Division by zero");
}

TEST_F(RowFilterTest, TheKeyPrunesByTheFilter) {
  const std::string all = OutputOrError(*admin_, "EXPLAIN SELECT count() FROM events FORMAT TSVRaw");
  const std::string mine = Tenant("EXPLAIN SELECT count() FROM events FORMAT TSVRaw");
  EXPECT_TRUE(absl::StrContains(all, "granules 5/5")) << all;
  EXPECT_TRUE(absl::StrContains(mine, "granules 3/5")) << mine;
  EXPECT_TRUE(absl::StrContains(mine, "Filter (row filter of user 'dash_ws42' on table default.events: "
                                      "equals(tenant, 'ws_42'))"))
      << mine;
}

TEST_F(RowFilterTest, AFilterWithoutColumnsOrOnAnotherDatabase) {
  ASSERT_OK(tenant_->SetRowFilter("events", "0"));  // replaces the first
  EXPECT_EQ(Tenant("SELECT count() FROM events"), "0\n");
  ASSERT_OK(tenant_->SetRowFilter("events", "1"));
  EXPECT_EQ(Tenant("SELECT count() FROM events"), "40000\n");
  Admin("CREATE DATABASE other");
  Admin("CREATE TABLE other.t (k UInt32) ENGINE = MergeTree ORDER BY k");
  Admin("INSERT INTO other.t SELECT number FROM numbers(10)");
  ASSERT_OK(tenant_->SetRowFilter("other.t", "k % 2 = 1"));
  EXPECT_EQ(Tenant("SELECT sum(k) FROM other.t"), "25\n");
  EXPECT_EQ(Tenant("USE other; SELECT count() FROM t"), "5\n");
  EXPECT_EQ(Tenant("SELECT count() FROM default.events"), "40000\n");
}

TEST_F(RowFilterTest, AMissingColumnFailsAtFirstUseNamingUserTableAndColumn) {
  ASSERT_OK(tenant_->SetRowFilter("tenants", "tenant_id = 'ws_42'"));
  const std::string error = Tenant("SELECT name FROM tenants");
  EXPECT_TRUE(absl::StrContains(error, "row filter of user 'dash_ws42' on table default.tenants: there is no "
                                       "column 'tenant_id' in the table (its columns: tenant, name)"))
      << error;
  // Other tables read as before.
  EXPECT_EQ(Tenant("SELECT count() FROM events"), "20000\n");
  // A filter that is no condition.
  ASSERT_OK(tenant_->SetRowFilter("tenants", "name"));
  EXPECT_TRUE(absl::StrContains(Tenant("SELECT name FROM tenants"),
                                "row filter of user 'dash_ws42' on table default.tenants: the filter is of type "
                                "String; it must be a condition"));
}

TEST_F(RowFilterTest, FiltersThatCannotBeOneAreRefused) {
  auto error = [&](const std::string& table, const std::string& filter) {
    absl::Status s = tenant_->SetRowFilter(table, filter);
    return s.ok() ? std::string("ok") : std::string(s.message());
  };
  EXPECT_TRUE(absl::StrContains(error("events", "tenant = "), "Syntax error")) << error("events", "tenant = ");
  EXPECT_TRUE(absl::StrContains(error("events", "tenant IN (SELECT tenant FROM tenants)"), "subquery"));
  EXPECT_TRUE(absl::StrContains(error("events", "tenant = {t:String}"), "query parameter ({t:String})"));
  EXPECT_TRUE(absl::StrContains(error("events", "count() > 0"), "aggregate"));
  EXPECT_TRUE(absl::StrContains(error("events", "events.tenant = 'x'"), "without their table: 'events.tenant'"));
  EXPECT_TRUE(absl::StrContains(error("events", "(tenant AS t) = 'x'"), "alias ('t')"));
  EXPECT_TRUE(absl::StrContains(error("a.b.c", "1"), "database.table or table"));
  EXPECT_TRUE(absl::StrContains(error("system.parts", "1"), "not to the system tables"));
  EXPECT_EQ(Tenant("SELECT count() FROM events"), "20000\n");  // the first filter stays
  // Lambdas name their parameters, not columns.
  ASSERT_OK_AND_ASSIGN(sql::ExprPtr lambda, sql::ParseRowFilter("arrayExists(x -> x = tenant, ['ws_42'])"));
  EXPECT_EQ(sql::RowFilterColumns(*lambda), std::vector<std::string>{"tenant"});
}

TEST_F(RowFilterTest, CheckRowFilterChecksColumnsOfTablesThatExist) {
  EXPECT_OK(sql::Session::CheckRowFilter(*db_, "default.events", "tenant = 'x'", "u"));
  EXPECT_OK(sql::Session::CheckRowFilter(*db_, "daily", "tenant = 'x'", "u"));  // the target's columns
  EXPECT_OK(sql::Session::CheckRowFilter(*db_, "not_yet", "anything = 1", "u"));
  absl::Status s = sql::Session::CheckRowFilter(*db_, "events", "tennant = 'x'", "u");
  EXPECT_TRUE(absl::StrContains(s.message(), "row filter of user 'u' on table default.events: there is no column "
                                             "'tennant'"))
      << s;
  s = sql::Session::CheckRowFilter(*db_, "events", "tenant =", "u");
  EXPECT_TRUE(absl::StrContains(s.message(), "row filter of user 'u' on table default.events: Syntax error")) << s;
}

TEST_F(RowFilterTest, SystemTablesAndMetadataAreNotFiltered) {
  EXPECT_EQ(Tenant("SELECT sum(rows) FROM system.parts WHERE table = 'events' AND active"), "40000\n");
  EXPECT_EQ(Tenant("DESCRIBE TABLE events FORMAT TSV").substr(0, 13), "time\tDateTime");
}

// The readonly levels a server gives its users (ClickHouse's readonly setting).
TEST(SessionReadonlyTest, LevelOneAllowsReadsAndNoSettingChanges) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  sql::Session admin(db.get());
  ASSERT_OK(Output(admin, "CREATE TABLE t (k UInt32) ENGINE = MergeTree ORDER BY k").status());
  sql::Session s(db.get());
  s.set_readonly(1, "user u is readonly");
  EXPECT_EQ(OutputOrError(s, "SELECT count() FROM t"), "0\n");
  EXPECT_EQ(OutputOrError(s, "INSERT INTO t VALUES (1)"),
            "error: Cannot execute query in readonly mode. user u is readonly");
  EXPECT_EQ(OutputOrError(s, "CREATE TABLE u (k UInt32) ENGINE = MergeTree ORDER BY k"),
            "error: Cannot execute query in readonly mode. user u is readonly");
  EXPECT_EQ(OutputOrError(s, "SET max_threads = 1"),
            "error: Cannot execute query in readonly mode. user u is readonly");
  EXPECT_EQ(OutputOrError(s, "SELECT 1 SETTINGS max_threads = 1"),
            "error: Cannot modify 'max_threads' setting in readonly mode");
  EXPECT_EQ(s.SetSetting("max_threads", format::Value::UInt(1)).message(),
            "Cannot modify 'max_threads' setting in readonly mode");
  EXPECT_EQ(OutputOrError(s, "SELECT countIf(readonly = 0) FROM system.settings"), "0\n");
  EXPECT_EQ(OutputOrError(admin, "SELECT countIf(readonly = 0) > 0 FROM system.settings"), "1\n");
}

TEST(SessionReadonlyTest, LevelTwoAllowsSettingsButNotReadonly) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  sql::Session s(db.get());
  s.set_readonly(2);
  EXPECT_EQ(OutputOrError(s, "SET max_threads = 1; SELECT 1 SETTINGS max_threads = 2"), "1\n");
  EXPECT_EQ(OutputOrError(s, "SET readonly = 0"), "error: Cannot modify 'readonly' setting in readonly mode");
  EXPECT_EQ(OutputOrError(s, "SELECT 1 SETTINGS readonly = 0"),
            "error: Cannot modify 'readonly' setting in readonly mode");
  EXPECT_EQ(OutputOrError(s, "CREATE TABLE u (k UInt32) ENGINE = MergeTree ORDER BY k"),
            "error: Cannot execute query in readonly mode");
}

}  // namespace
}  // namespace tally::engine
