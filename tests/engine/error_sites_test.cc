// Every place that attaches an error code (engine/error_code.h) does, and the code survives
// the way up to what Session::Execute returns: the statements and inputs a client sends,
// each with the code it must fail with. The server and `tally local` print these codes.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/input_format.h"
#include "engine/exec/query_limits.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "engine/sql/parser.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::DataType;
using format::TypeId;

struct Case {
  std::string sql;
  ErrorCode code;
  std::string input = "";  // the data of an INSERT ... FORMAT
};

class ErrorSitesTest : public testing_sql::SessionTest {
 protected:
  void SetUp() override {
    testing_sql::SessionTest::SetUp();
    Run("CREATE TABLE t (k String, v UInt64) ENGINE = MergeTree ORDER BY k");
    Run("INSERT INTO t VALUES ('a', 1), ('b', 2)");
    Run("CREATE MATERIALIZED VIEW mv ENGINE = MergeTree ORDER BY k AS SELECT k FROM t");
  }

  void Run(const std::string& sql) { ASSERT_OK(Execute(sql)); }
  absl::Status Execute(const std::string& sql, const std::string& input = "") {
    return session_->Execute(sql, input, [](absl::string_view) {});
  }
  // Runs every case in a fresh session; each must fail with its code.
  void ExpectCodes(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      session_ = std::make_unique<sql::Session>(db_.get());
      absl::Status s = Execute(c.sql, c.input);
      EXPECT_EQ(ErrorCodeOf(s), c.code) << c.sql << " -> " << s;
    }
  }
};

TEST_F(ErrorSitesTest, TheParserSaysSyntaxErrorOrNotImplemented) {
  ExpectCodes({
      {"SELEC 1", ErrorCode::kSyntaxError},
      {"SELECT 'unterminated", ErrorCode::kSyntaxError},
      {"SELECT (1", ErrorCode::kSyntaxError},
      {"SELECT 1 UNION DISTINCT SELECT 2", ErrorCode::kNotImplemented},
  });
  EXPECT_EQ(ErrorCodeOf(sql::ParseExpression("1 +").status()), ErrorCode::kSyntaxError);
}

TEST_F(ErrorSitesTest, UnknownNamesSayWhatIsUnknown) {
  ExpectCodes({
      {"SELECT * FROM nope", ErrorCode::kUnknownTable},
      {"SELECT * FROM system.nope", ErrorCode::kUnknownTable},
      {"SELECT * FROM nodb.t", ErrorCode::kUnknownDatabase},
      {"DESCRIBE TABLE nope", ErrorCode::kUnknownTable},
      {"SHOW CREATE TABLE nope", ErrorCode::kUnknownTable},
      {"INSERT INTO nope VALUES (1)", ErrorCode::kUnknownTable},
      {"ALTER TABLE nope DROP PARTITION 1", ErrorCode::kUnknownTable},
      {"DROP TABLE nope", ErrorCode::kUnknownTable},
      {"DROP VIEW nope", ErrorCode::kUnknownTable},
      {"TRUNCATE TABLE nope", ErrorCode::kUnknownTable},
      {"OPTIMIZE TABLE nope", ErrorCode::kUnknownTable},
      {"CREATE MATERIALIZED VIEW v2 TO t AS SELECT * FROM nope", ErrorCode::kUnknownTable},
      {"CREATE MATERIALIZED VIEW v2 TO nope AS SELECT * FROM t", ErrorCode::kUnknownTable},
      {"USE nodb", ErrorCode::kUnknownDatabase},
      {"SHOW TABLES FROM nodb", ErrorCode::kUnknownDatabase},
      {"DROP DATABASE nodb", ErrorCode::kUnknownDatabase},
      {"CREATE TABLE nodb.x (a UInt8) ENGINE = MergeTree ORDER BY a", ErrorCode::kUnknownDatabase},
      {"CREATE MATERIALIZED VIEW nodb.v2 ENGINE = MergeTree ORDER BY k AS SELECT k FROM t",
       ErrorCode::kUnknownDatabase},
      {"SELECT nofn(1)", ErrorCode::kUnknownFunction},
      {"SELECT nocol FROM t", ErrorCode::kUnknownIdentifier},
      {"SELECT {p:UInt8}", ErrorCode::kUnknownQueryParameter},
      {"SET no_such_setting = 1", ErrorCode::kUnknownSetting},
      {"SELECT 1 SETTINGS no_such_setting = 1", ErrorCode::kUnknownSetting},
      {"EXPLAIN PLAN no_such_setting = 1 SELECT 1", ErrorCode::kUnknownSetting},
      {"SELECT 1 FORMAT NoSuchFormat", ErrorCode::kUnknownFormat},
      {"INSERT INTO t FORMAT NoSuchFormat", ErrorCode::kUnknownFormat, "a\t1\n"},
  });
  EXPECT_EQ(ErrorCodeOf(db_->CheckTable("nope")), ErrorCode::kUnknownTable);
  EXPECT_EQ(ErrorCodeOf(db_->GetView("nope").status()), ErrorCode::kUnknownTable);
  EXPECT_EQ(ErrorCodeOf(exec::AggregateRegistry::Global().Bind("noSuchAggregate", false, {}, {}).status()),
            ErrorCode::kUnknownAggregateFunction);
}

TEST_F(ErrorSitesTest, WhatExistsAlreadySaysSo) {
  ExpectCodes({
      {"CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a", ErrorCode::kTableAlreadyExists},
      {"CREATE TABLE mv (a UInt8) ENGINE = MergeTree ORDER BY a", ErrorCode::kTableAlreadyExists},
      {"CREATE MATERIALIZED VIEW mv ENGINE = MergeTree ORDER BY k AS SELECT k FROM t",
       ErrorCode::kTableAlreadyExists},
      {"CREATE MATERIALIZED VIEW t ENGINE = MergeTree ORDER BY k AS SELECT k FROM t",
       ErrorCode::kTableAlreadyExists},
      {"CREATE DATABASE default", ErrorCode::kDatabaseAlreadyExists},
  });
}

TEST_F(ErrorSitesTest, ArgumentsAndTypesThatDoNotFit) {
  ExpectCodes({
      {"SELECT toYear(now(), 'UTC', 1, 2)", ErrorCode::kNumberOfArgumentsDoesntMatch},
      {"SELECT match('a')", ErrorCode::kNumberOfArgumentsDoesntMatch},
      {"SELECT sum(k) FROM t", ErrorCode::kIllegalTypeOfArgument},
      {"SELECT quantile(0.5)(k) FROM t", ErrorCode::kIllegalTypeOfArgument},
      {"SELECT groupBitAnd(k) FROM t", ErrorCode::kIllegalTypeOfArgument},
      {"SELECT sumMerge(v) FROM t", ErrorCode::kIllegalTypeOfArgument},
      {"SELECT match(1, 'a')", ErrorCode::kIllegalTypeOfArgument},
      {"SELECT arrayElement([1], 'a')", ErrorCode::kIllegalTypeOfArgument},
      {"SELECT if(1, 'a', 1)", ErrorCode::kNoCommonType},
      {"SELECT 1 IN ([1, 2], 3)", ErrorCode::kTypeMismatch},
      {"SELECT k, count() FROM t", ErrorCode::kNotAnAggregate},
      {"SELECT k FROM t GROUP BY v", ErrorCode::kNotAnAggregate},
      {"SELECT 1 FROM t WHERE sum(v) > 0", ErrorCode::kIllegalAggregation},
      {"SELECT sum(sum(v)) FROM t", ErrorCode::kIllegalAggregation},
  });
}

TEST_F(ErrorSitesTest, LimitsAndReadonly) {
  ExpectCodes({
      {"SELECT count() FROM numbers(100000000000) SETTINGS max_execution_time = 0.01, max_threads = 1",
       ErrorCode::kTimeoutExceeded},
      {"SELECT groupArray(number) FROM numbers(10000000) SETTINGS max_memory_usage = 100000",
       ErrorCode::kMemoryLimitExceeded},
  });
  std::atomic<bool> cancelled{true};
  exec::QueryLimits limits({.cancelled = &cancelled});
  EXPECT_EQ(ErrorCodeOf(limits.Check()), ErrorCode::kQueryWasCancelled);
  EXPECT_EQ(ErrorCodeOf(exec::AllocationFailedError("a hash table")), ErrorCode::kMemoryLimitExceeded);

  for (int level : {1, 2}) {
    session_ = std::make_unique<sql::Session>(db_.get());
    session_->set_readonly(level, "for this test");
    EXPECT_EQ(ErrorCodeOf(Execute("CREATE TABLE ro (a UInt8) ENGINE = MergeTree ORDER BY a")), ErrorCode::kReadonly);
    EXPECT_EQ(ErrorCodeOf(Execute("SET readonly = 0")), ErrorCode::kReadonly);
  }
  session_->set_readonly(1);
  EXPECT_EQ(ErrorCodeOf(session_->SetSetting("max_threads", format::Value::UInt(1))), ErrorCode::kReadonly);
}

TEST_F(ErrorSitesTest, BadInputRowsSayWhatIsWrongWithThem) {
  const std::string skip_off = "INSERT INTO t SETTINGS input_format_skip_unknown_fields = 0 FORMAT ";
  ExpectCodes({
      // Text that is not where the format expects it.
      {"INSERT INTO t FORMAT JSONEachRow", ErrorCode::kCannotParseInputAssertionFailed,
       "{\"k\":\"a\",\"v\":1}\n{\"k\":\"b\" \"v\":2}\n"},
      {"INSERT INTO t FORMAT JSONEachRow", ErrorCode::kCannotParseInputAssertionFailed, "[{\"k\":\"a\"}"},
      {"INSERT INTO t FORMAT JSONEachRow", ErrorCode::kCannotParseInputAssertionFailed, "{\"k\":\"a\",\"v\":\"x\"}\n"},
      {"INSERT INTO t FORMAT JSONCompactEachRow", ErrorCode::kCannotParseInputAssertionFailed, "[\"a\"]\n"},
      {"INSERT INTO t FORMAT JSONCompactEachRowWithNames", ErrorCode::kCannotParseInputAssertionFailed, "[1\n"},
      {"INSERT INTO t FORMAT CSV", ErrorCode::kCannotParseInputAssertionFailed, "a,1\nb,seven\n"},
      {"INSERT INTO t FORMAT CSV", ErrorCode::kCannotParseInputAssertionFailed, "\"a,1\n"},
      {"INSERT INTO t FORMAT TSV", ErrorCode::kCannotParseInputAssertionFailed, "42,foobar,\"[1,2]\"\n"},
      {"INSERT INTO t FORMAT Values", ErrorCode::kCannotParseInputAssertionFailed, "('a', 1) x"},
      // Input that parses but that the table cannot take.
      {skip_off + "JSONEachRow", ErrorCode::kIncorrectData, "{\"k\":\"a\",\"zz\":1}\n"},
      {"INSERT INTO t FORMAT JSONEachRow", ErrorCode::kIncorrectData, "{\"k\":\"a\",\"k\":\"b\"}\n"},
      {skip_off + "CSVWithNames", ErrorCode::kIncorrectData, "k,zz\na,1\n"},
      {"INSERT INTO t FORMAT CSVWithNames", ErrorCode::kIncorrectData, "k,k\na,b\n"},
      {"INSERT INTO t FORMAT TSVWithNamesAndTypes", ErrorCode::kIncorrectData, "k\tv\nString\tString\na\t1\n"},
      {"INSERT INTO t FORMAT TSVWithNamesAndTypes", ErrorCode::kIncorrectData, "k\tv\nString\na\t1\n"},
      // What tally does not read yet.
      {"INSERT INTO t VALUES ('a', 1 + 1)", ErrorCode::kNotImplemented},
      // Binary input that ends early, or that the table cannot take.
      {"INSERT INTO t FORMAT RowBinary", ErrorCode::kCannotReadAllData, std::string("\x01", 1)},
      {"INSERT INTO t FORMAT RowBinaryWithNames", ErrorCode::kCannotReadAllData, std::string("\x02\x01k", 3)},
      {skip_off + "RowBinaryWithNames", ErrorCode::kIncorrectData, std::string("\x01\x02zz\x00", 5)},
      {"INSERT INTO t FORMAT Native", ErrorCode::kCannotReadAllData, std::string("\x01\x05", 2)},
  });
}

TEST_F(ErrorSitesTest, ARowNumberCountedFromTheStartKeepsTheCode) {
  const std::vector<std::string> names = {"v"};
  const std::vector<format::DataTypePtr> types = {DataType::Make(TypeId::kUInt64)};
  auto parsed = ParseInputWithPresence("CSV", "1\nx\n", names, types, {.first_row = 1000});
  EXPECT_EQ(ErrorCodeOf(parsed.status()), ErrorCode::kCannotParseInputAssertionFailed);
  EXPECT_NE(parsed.status().message().find("row 1002"), std::string::npos) << parsed.status();
}

TEST_F(ErrorSitesTest, ContextAddedOnTheWayUpKeepsTheCode) {
  // Errors of a statement's parts, named by the statement and the part.
  ExpectCodes({
      {"ALTER TABLE t MODIFY TTL nofn(v)", ErrorCode::kUnknownFunction},
      {"CREATE MATERIALIZED VIEW v3 ENGINE = MergeTree ORDER BY k AS SELECT k, nofn(v) FROM t",
       ErrorCode::kUnknownFunction},
  });
  // A row filter that does not bind: the error names the filter's owner.
  session_ = std::make_unique<sql::Session>(db_.get());
  session_->set_user("tenant");
  ASSERT_OK(session_->SetRowFilter("default.t", "nofn(k) = 1"));
  absl::Status s = Execute("SELECT count() FROM t");
  EXPECT_EQ(ErrorCodeOf(s), ErrorCode::kUnknownFunction) << s;
  EXPECT_NE(s.message().find("tenant"), absl::string_view::npos) << s;
  // A row filter that does not parse keeps the parser's code.
  EXPECT_EQ(ErrorCodeOf(session_->SetRowFilter("default.t", "k = ")), ErrorCode::kSyntaxError);
  // A DEFAULT, PARTITION BY or TTL expression naming an unknown function.
  ExpectCodes({
      {"CREATE TABLE d (a UInt8, b UInt8 DEFAULT nofn(a)) ENGINE = MergeTree ORDER BY a", ErrorCode::kUnknownFunction},
      {"CREATE TABLE p (a UInt8) ENGINE = MergeTree PARTITION BY nofn(a) ORDER BY a", ErrorCode::kUnknownFunction},
      {"CREATE TABLE l (a DateTime) ENGINE = MergeTree ORDER BY a TTL nofn(a)", ErrorCode::kUnknownFunction},
  });
}

TEST_F(ErrorSitesTest, AReadOnlyDatabaseSaysSo) {
  db_.reset();
  auto db = Database::Open("db", {.env = &env_, .read_only = true});
  ASSERT_OK(db);
  db_ = std::move(*db);
  ExpectCodes({{"CREATE DATABASE x", ErrorCode::kTableIsReadOnly},
               {"INSERT INTO t VALUES ('c', 3)", ErrorCode::kTableIsReadOnly}});
}

}  // namespace
}  // namespace tally::engine
