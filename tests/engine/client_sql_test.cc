// What ClickHouse's clients send on connect, before an insert and for their helpers, run
// through a Session: every statement must succeed and answer in the shape the client
// parses. Also tally's own answers that a comparison with ClickHouse cannot pin
// (tests/sql/client_catalog.sql has those that can): version(), the server's zone, the
// settings' defaults where tally's differ, SET and SETTINGS in system.settings, and the
// setting catalog against Settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/database.h"
#include "engine/exec/function.h"
#include "engine/exec/server_info.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "engine/query/setting_catalog.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using sql::SettingInfo;
using testing_sql::Output;
using testing_sql::OutputOrError;

class ClientSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<sql::Session>(db_.get());
    ASSERT_OK(Output(*session_,
                     "CREATE TABLE t (a UInt32 COMMENT 'the a', b String DEFAULT 'x', c DateTime, d Date) "
                     "ENGINE = MergeTree PARTITION BY toYYYYMM(d) ORDER BY (a, c) COMMENT 'events'")
                  .status());
  }

  // The statement's output, which must succeed.
  std::string Run(const std::string& sql) {
    absl::StatusOr<std::string> out = Output(*session_, sql);
    EXPECT_TRUE(out.ok()) << sql << "\n" << out.status();
    return out.ok() ? *out : "";
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sql::Session> session_;
};

// The statements as the clients' source has them (with a table `t` in `default`). Settings
// a client passes as URL parameters appear here as a SETTINGS clause, which the HTTP
// server turns them into.
TEST_F(ClientSqlTest, EveryStatementClientsSendSucceeds) {
  const std::vector<std::string> statements = {
      // clickhouse-connect, clickhouse_connect/driver/_backend/orchestration.py
      // (init_sequence: on connect; insert_context_sequence: before an insert).
      "SELECT version(), timezone()",
      "SELECT name, value, readonly FROM system.settings LIMIT 10000",
      "SELECT 1 AS check",
      "DESCRIBE TABLE `t`",
      "DESCRIBE TABLE `default`.`t`",
      // clickhouse-connect, driver/_backend/httpcommon.py (apply_http_server_settings) and
      // orchestration.py: the settings it sends with every query once system.settings
      // lists them writable; `INSERT INTO {table}{cols} FORMAT {fmt}` (build_insert).
      "SELECT 1 SETTINGS date_time_input_format = 'best_effort', "
      "cancel_http_readonly_queries_on_client_close = '1', send_progress_in_http_headers = '1', "
      "http_headers_progress_interval_ms = '110000', enable_http_compression = '1'",
      "INSERT INTO `default`.`t` (`a`, `b`, `c`, `d`) FORMAT TabSeparated\n1\tx\t2026-10-05 10:00:00\t2026-10-05\n",
      // clickhouse-connect's SQLAlchemy dialect, cc_sqlalchemy/dialect.py and inspector.py.
      "SELECT currentDatabase()",
      "SHOW DATABASES",
      "EXISTS DATABASE `default`",
      "SHOW TABLES",
      "SHOW TABLES FROM `default`",
      "EXISTS TABLE `default`.`t`",
      "EXISTS TABLE `t`",
      "SELECT engine, engine_full, comment FROM system.tables WHERE database = 'default' AND name = 't'",
      "SHOW CREATE TABLE `default`.`t`",
      // clickhouse-js, packages/client-node/src/connection/node_base_connection.ts (ping
      // as a query), client-common/src/client.ts (formatQuery appends FORMAT;
      // getInsertQuery), client-common/src/utils/connection.ts (enable_http_compression).
      "SELECT 'ping'",
      "SELECT * FROM t \nFORMAT JSON",
      "SELECT * FROM t \nFORMAT JSONEachRow SETTINGS enable_http_compression = 1",
      "INSERT INTO t (a, b) FORMAT JSONEachRow\n{\"a\": 2, \"b\": \"y\"}\n",
      "INSERT INTO t (* EXCEPT (c, d)) FORMAT JSONEachRow\n{\"a\": 3, \"b\": \"z\"}\n",
      "INSERT INTO t FORMAT JSONCompactEachRow\n[4, \"w\", \"2026-10-05 11:00:00\", \"2026-10-05\"]\n",
      // Grafana's ClickHouse plugin: pkg/plugin/driver.go (CheckMinServerVersion),
      // src/data/CHDatasource.ts (databases, tables, columns, functions, ad-hoc filters),
      // src/data/CHVariableSupport.tsx (variables).
      "SELECT version()",
      "SHOW TABLES FROM \"default\"",
      "DESC TABLE \"default\".\"t\"",
      "SELECT name, is_aggregate, case_insensitive, alias_to, origin, description, syntax, arguments, "
      "returned_value, examples, categories FROM system.functions LIMIT 10000",
      "SELECT name, type, table FROM system.columns",
      "SELECT name, type, table FROM system.columns WHERE database = 'default' AND table = 't'",
      "SELECT name, type, table FROM system.columns WHERE database IN ('default') AND table = 't'",
      "SELECT name FROM system.databases ORDER BY name",
      "SELECT name FROM system.tables WHERE database = 'default' ORDER BY name",
      "SELECT name FROM system.tables ORDER BY name",
      "SELECT name FROM system.columns WHERE database = 'default' AND table = 't' ORDER BY name",
  };
  for (const std::string& sql : statements) Run(sql);
  EXPECT_EQ(Run("SELECT a, b, c FROM t ORDER BY a"),
            "1\tx\t2026-10-05 10:00:00\n2\ty\t1970-01-01 00:00:00\n3\tz\t1970-01-01 00:00:00\n"
            "4\tw\t2026-10-05 11:00:00\n");
}

// clickhouse-connect keeps the numeric parts and compares them with versions it knows
// (19.17: system.settings has readonly; 23.2.1.2537: it probes client_protocol_version);
// Grafana's plugin reads three numbers.
TEST_F(ClientSqlTest, VersionIsFourNumbersAboveWhatClientsCheck) {
  EXPECT_EQ(Run("SELECT version()"), absl::StrCat(exec::kServerVersion, "\n"));
  std::vector<int> parts;
  for (absl::string_view p : absl::StrSplit(exec::kServerVersion, '.')) {
    int n = 0;
    ASSERT_TRUE(absl::SimpleAtoi(p, &n)) << p;
    parts.push_back(n);
  }
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_GE(std::vector<int>(parts.begin(), parts.end()), (std::vector<int>{23, 2, 1, 2537}));
}

TEST_F(ClientSqlTest, TimezoneIsTheSessionsAndServerTimezoneIsUtc) {
  EXPECT_EQ(Run("SELECT timezone(), serverTimezone(), serverTimeZone()"), "UTC\tUTC\tUTC\n");
  Run("SET session_timezone = 'Asia/Tokyo'");
  EXPECT_EQ(Run("SELECT timezone(), timeZone(), serverTimezone()"), "Asia/Tokyo\tAsia/Tokyo\tUTC\n");
}

TEST_F(ClientSqlTest, CurrentUserIsTheOneTheCallerSet) {
  EXPECT_EQ(Run("SELECT currentUser(), user(), current_user()"), "default\tdefault\tdefault\n");
  session_->set_user("alice");
  EXPECT_EQ(Run("SELECT currentUser()"), "alice\n");
}

TEST_F(ClientSqlTest, UptimeCountsSecondsSinceTheProcessStarted) {
  EXPECT_EQ(Run("SELECT toTypeName(uptime())"), "UInt32\n");
  const uint32_t before = exec::UptimeSeconds();
  uint32_t seen = 0;
  ASSERT_TRUE(absl::SimpleAtoi(absl::StripSuffix(Run("SELECT uptime()"), "\n"), &seen));
  EXPECT_GE(seen, before);
  EXPECT_LE(seen, exec::UptimeSeconds());
  EXPECT_EQ(Run("SELECT hostName() = hostname()"), "1\n");
}

TEST_F(ClientSqlTest, SetChangesValueAndChanged) {
  const std::string query = "SELECT value, changed, default FROM system.settings WHERE name = ";
  EXPECT_EQ(Run(query + "'max_read_buffer_size'"), "16777216\t0\t16777216\n");
  Run("SET max_read_buffer_size = 1048576");
  EXPECT_EQ(Run(query + "'max_read_buffer_size'"), "1048576\t1\t16777216\n");
  // Set to the default value, it is still changed, as in ClickHouse.
  Run("SET insert_deduplicate = 1");
  EXPECT_EQ(Run(query + "'insert_deduplicate'"), "1\t1\t1\n");
  // max_threads 0 shows as auto(N), the threads a query uses.
  const std::string threads = Run(query + "'max_threads'");
  EXPECT_TRUE(absl::StartsWith(threads, "auto(")) << threads;
  Run("SET max_threads = 3");
  EXPECT_EQ(Run("SELECT value, changed FROM system.settings WHERE name = 'max_threads'"), "3\t1\n");
  // An alias changes the setting it names.
  Run("SET output_format = 'CSV'");
  EXPECT_EQ(Run("SELECT name, value, changed, alias_for FROM system.settings WHERE name IN ('default_format', "
                "'output_format') ORDER BY name FORMAT TSV"),
            "default_format\tCSV\t1\t\noutput_format\tCSV\t1\tdefault_format\n");
}

TEST_F(ClientSqlTest, StatementSettingsShowOnlyInThatStatement) {
  const std::string query = "SELECT value, changed FROM system.settings WHERE name = 'totals_mode'";
  EXPECT_EQ(Run(query + " SETTINGS totals_mode = 'before_having'"), "before_having\t1\n");
  EXPECT_EQ(Run(query), "after_having_exclusive\t0\n");
  EXPECT_EQ(session_->settings().totals_mode, "after_having_exclusive");
}

// An ignored setting takes any value of its type and shows it; the HTTP server reads it
// from Settings::accepted.
TEST_F(ClientSqlTest, IgnoredSettingsKeepTheirValue) {
  Run("SET send_progress_in_http_headers = 1, http_headers_progress_interval_ms = '110000', log_comment = 'x'");
  EXPECT_EQ(session_->settings().accepted.at("send_progress_in_http_headers"), "1");
  EXPECT_EQ(session_->settings().accepted.at("http_headers_progress_interval_ms"), "110000");
  EXPECT_EQ(Run("SELECT value, changed, readonly FROM system.settings WHERE name = 'log_comment'"), "x\t1\t0\n");
  EXPECT_EQ(OutputOrError(*session_, "SET async_insert = 2"),
            "error: setting async_insert takes 0 or 1, got 2");
  EXPECT_EQ(OutputOrError(*session_, "SET http_headers_progress_interval_ms = 'soon'"),
            "error: setting http_headers_progress_interval_ms takes a non-negative integer, got 'soon'");
}

// A fixed setting is readonly in system.settings (clickhouse-connect then neither sends
// it nor lets a user send another value); SET to tally's value is taken, any other fails.
TEST_F(ClientSqlTest, FixedSettingsTakeOnlyTallysValue) {
  EXPECT_EQ(Run("SELECT value, readonly FROM system.settings WHERE name = 'output_format_json_quote_64bit_integers'"),
            "1\t1\n");
  Run("SET output_format_json_quote_64bit_integers = 1, date_time_output_format = 'simple'");
  EXPECT_EQ(OutputOrError(*session_, "SET output_format_json_quote_64bit_integers = 0"),
            "error: Setting output_format_json_quote_64bit_integers is 1 in tally and cannot be changed (got '0')");
  EXPECT_EQ(OutputOrError(*session_, "SELECT 1 SETTINGS date_time_output_format = 'iso'"),
            "error: Setting date_time_output_format is simple in tally and cannot be changed (got 'iso')");
}

TEST_F(ClientSqlTest, UnknownSettingsStayErrors) {
  EXPECT_EQ(OutputOrError(*session_, "SET readonly = 1"), "error: Unknown setting 'readonly'");
  EXPECT_EQ(OutputOrError(*session_, "SELECT 1 SETTINGS allow_experimental_json_type = 1"),
            "error: Unknown setting 'allow_experimental_json_type'");
}

// Every catalog entry is a setting Settings::Set takes (its default given back), and every
// honoured one shows a value; no name twice.
TEST(SettingCatalogTest, EveryEntryRoundTripsThroughSettings) {
  const sql::Settings defaults;
  std::vector<std::string> names;
  for (const SettingInfo& info : sql::SettingCatalog()) {
    SCOPED_TRACE(info.name);
    EXPECT_EQ(std::count(names.begin(), names.end(), info.name), 0);
    names.push_back(info.name);
    EXPECT_EQ(sql::FindSetting(info.name), &info);
    const std::string shown = sql::SettingValue(defaults, info);
    const std::string name = info.name;
    const absl::string_view type = info.type;
    if (type != "String" && type != "Timezone") {
      EXPECT_NE(shown, "");
    }
    if (info.alias_for[0] != '\0') {
      EXPECT_NE(sql::FindSetting(info.alias_for), nullptr);
    }
    // What SET takes for the shown default: max_threads auto(N) is 0, session_timezone ''
    // is the server's zone.
    const std::string set_to = name == "max_threads" ? "0" : name == "session_timezone" ? "UTC" : shown;
    sql::Settings s;
    EXPECT_OK(s.Set(name, format::Value::String(set_to)));
    if (name != "session_timezone") {
      EXPECT_EQ(sql::SettingValue(s, info), shown) << "after SET to the default";
    }
  }
}

TEST_F(ClientSqlTest, SystemFunctionsListsEveryRegisteredFunction) {
  const size_t scalar = exec::FunctionRegistry::Global().Names().size();
  const std::string listed = Run("SELECT count() FROM system.functions WHERE NOT is_aggregate");
  EXPECT_EQ(listed, absl::StrCat(scalar, "\n"));
  EXPECT_EQ(Run("SELECT is_aggregate FROM system.functions WHERE name = 'quantile'"), "1\n");
}

TEST_F(ClientSqlTest, DescribeIsSevenStringColumns) {
  EXPECT_EQ(Run("DESCRIBE TABLE t FORMAT TSVWithNamesAndTypes"),
            "name\ttype\tdefault_type\tdefault_expression\tcomment\tcodec_expression\tttl_expression\n"
            "String\tString\tString\tString\tString\tString\tString\n"
            "a\tUInt32\t\t\tthe a\t\t\n"
            "b\tString\tDEFAULT\t\\'x\\'\t\t\t\n"
            "c\tDateTime\t\t\t\t\t\n"
            "d\tDate\t\t\t\t\t\n");
}

}  // namespace
}  // namespace tally::engine
