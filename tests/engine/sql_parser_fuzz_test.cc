// The SQL parser on hostile input: random bytes, token soup, mutated and truncated
// queries, deep nesting, huge literals. Every outcome must be a tree or an
// InvalidArgument "Syntax error at line L, column C: ..." -- never a crash, a hang or a
// stack overflow -- and quickly (this file runs in well under 10 s, also under ASan).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/sql/parser.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

std::string Repeat(absl::string_view s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// k brackets, each around a chain of n additions: height k * n, recursion depth k.
std::string LeftNestedChains(int k, int n) {
  std::string sql = "1";
  for (int i = 0; i < k; ++i) sql = "(" + sql + Repeat(" + 1", n) + ")";
  return "SELECT " + sql;
}

// Walks everything a consumer would: column names of all expressions in the statements.
void Touch(const std::vector<Statement>& statements) {
  for (const Statement& st : statements) {
    if (st.select == nullptr) continue;
    for (const ExprPtr& e : st.select->select) (void)e->ToString();
    if (st.select->where != nullptr) (void)st.select->where->ToString();
  }
}

// The parse either succeeds or fails with a positioned syntax error, or with a positioned
// "not supported yet" for a ClickHouse clause tally lacks (a mutation can make one).
void ExpectParsesOrPositionedError(absl::string_view sql) {
  absl::StatusOr<std::vector<Statement>> r = ParseStatements(sql);
  if (r.ok()) {
    Touch(*r);
  } else if (r.status().code() == absl::StatusCode::kUnimplemented) {
    const std::string message(r.status().message());
    ASSERT_NE(message.find(" at line "), std::string::npos) << r.status();
    ASSERT_NE(message.find("is not supported yet"), std::string::npos) << r.status();
  } else {
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
    ASSERT_EQ(std::string(r.status().message()).rfind("Syntax error at line ", 0), 0u)
        << r.status();
  }
  absl::StatusOr<ExprPtr> e = ParseExpression(sql);
  if (e.ok()) {
    (void)(*e)->ToString();
  } else {
    ASSERT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument) << e.status();
    ASSERT_EQ(std::string(e.status().message()).rfind("Syntax error at line ", 0), 0u)
        << e.status();
  }
}

const char* const kValidQueries[] = {
    "SELECT a OR b AND NOT c = d + e * f FROM t",
    "WITH 5 AS x SELECT DISTINCT toStartOfHour(time) AS h, count() c, quantile(0.5)(v) "
    "FROM db.t AS r FINAL PREWHERE s >= 500 WHERE p LIKE '/a%' AND x IN (1, 2) "
    "GROUP BY h WITH TOTALS HAVING c > 1 ORDER BY h DESC NULLS FIRST WITH FILL STEP 1 "
    "LIMIT 2 BY h LIMIT 10 OFFSET 5 SETTINGS a = 1 FORMAT JSON",
    "SELECT CASE x WHEN 1 THEN 'a' ELSE 'b' END, CAST(y AS Nullable(String)), z::UInt8, "
    "INTERVAL 5 MINUTE, INTERVAL '1 day', [1, 2], (a, b), {p:UInt32}, arrayMap(x -> x + 1, a), "
    "x BETWEEN 1 AND 2, y IS NOT NULL, a ? b : c, t.1, m['k'], -5, 1e999, count(DISTINCT u)",
    "SELECT * FROM (SELECT 1 UNION ALL SELECT 2) s WHERE x NOT IN (SELECT y FROM u)",
    "INSERT INTO t (a, b) VALUES (1, 'x;y'), (2, 'z'); SELECT 1",
    "INSERT INTO t FORMAT CSV\n1,2\n",
    "INSERT INTO t SELECT number FROM numbers(10)",
    "CREATE TABLE IF NOT EXISTS db.t (time DateTime64(3, 'UTC') CODEC(Delta, ZSTD), "
    "host LowCardinality(String) DEFAULT 'x' COMMENT 'c', n String NULL, "
    "INDEX i host TYPE bloom_filter(0.01) GRANULARITY 4) ENGINE = MergeTree() "
    "PARTITION BY toYYYYMM(time) ORDER BY (host, time) TTL time + INTERVAL 1 DAY "
    "SETTINGS index_granularity = 8192 COMMENT 'x'",
    "CREATE DATABASE IF NOT EXISTS d; DROP TABLE IF EXISTS d.t; DROP DATABASE d; TRUNCATE t; "
    "SHOW TABLES FROM d LIKE 'x%'; SHOW DATABASES; SHOW CREATE TABLE t; DESCRIBE t; "
    "EXPLAIN indexes = 1 SELECT 1; USE d; SET a = 1; OPTIMIZE TABLE t FINAL; EXISTS t",
};

TEST(SqlParserFuzzTest, ValidCorpusParses) {
  for (const char* sql : kValidQueries) {
    absl::StatusOr<std::vector<Statement>> r = ParseStatements(sql);
    EXPECT_OK(r);
  }
}

TEST(SqlParserFuzzTest, EveryPrefixOfValidQueries) {
  for (const char* sql : kValidQueries) {
    const std::string text = sql;
    for (size_t n = 0; n <= text.size(); ++n) {
      ExpectParsesOrPositionedError(absl::string_view(text).substr(0, n));
    }
  }
}

TEST(SqlParserFuzzTest, MutatedValidQueries) {
  std::mt19937 rng(7);
  const std::string specials = "()[]{}'\"`;,.:-+*/\\#\n \x00\xff";
  for (int iter = 0; iter < 4000; ++iter) {
    std::string text = kValidQueries[rng() % std::size(kValidQueries)];
    const int edits = 1 + rng() % 4;
    for (int k = 0; k < edits && !text.empty(); ++k) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0: text.erase(at, 1 + rng() % 8); break;
        case 1: text.insert(at, 1, specials[rng() % specials.size()]); break;
        case 2: text[at] = static_cast<char>(rng()); break;
        case 3: text.insert(at, text.substr(rng() % text.size(), rng() % 16)); break;
      }
    }
    ExpectParsesOrPositionedError(text);
  }
}

TEST(SqlParserFuzzTest, RandomBytes) {
  std::mt19937 rng(20261121);
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text(rng() % 200, '\0');
    for (char& c : text) c = static_cast<char>(rng());
    if (iter % 2 == 0 && !text.empty()) text.replace(0, 0, "SELECT ");
    ExpectParsesOrPositionedError(text);
  }
}

TEST(SqlParserFuzzTest, TokenSoup) {
  const std::vector<std::string> words = {
      "SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "LIMIT", "BY", "UNION ALL", "WITH",
      "AS", "DISTINCT", "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "LIKE", "CASE",
      "WHEN", "THEN", "ELSE", "END", "CAST", "INTERVAL", "DAY", "INSERT INTO t", "VALUES",
      "FORMAT", "CSV", "CREATE TABLE", "ENGINE", "=", "INDEX", "TYPE", "SETTINGS", "FINAL",
      "(", ")", "[", "]", "{", "}", ",", ";", ":", "::", "?", "->", "+", "-", "*", "/", "%",
      "||", "<", ">=", "!=", ".", "x", "t.1", "f", "count(*)", "1", "1.5", "1e999", "0x1F",
      "'s'", "'", "`", "\"", "-- c\n", "/*", "*/", "\n", "#", "\x01", "\xff", "`q`", "-1",
  };
  std::mt19937 rng(42);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text;
    const int n = 1 + rng() % 40;
    for (int k = 0; k < n; ++k) {
      absl::StrAppend(&text, words[rng() % words.size()], rng() % 3 == 0 ? "" : " ");
    }
    ExpectParsesOrPositionedError(text);
  }
}

// Deep nesting of every recursive construct: a positioned error, not a stack overflow.
TEST(SqlParserFuzzTest, DeepNestingIsAnErrorNotACrash) {
  const size_t n = 100000;
  const std::vector<std::string> inputs = {
      Repeat("(", n) + "1" + Repeat(")", n),
      "SELECT " + Repeat("(", n) + "1" + Repeat(")", n),
      "SELECT " + Repeat("[", n),
      "SELECT " + Repeat("f(", n) + "1" + Repeat(")", n),
      "SELECT " + Repeat("f(1)(", n),
      "SELECT " + Repeat("NOT ", n) + "1",
      "SELECT " + Repeat("- ", n) + "1",
      "SELECT " + Repeat("(SELECT ", n) + "1" + Repeat(")", n),
      "SELECT * FROM " + Repeat("(SELECT * FROM ", n) + "t" + Repeat(")", n),
      "SELECT " + Repeat("CASE WHEN ", n),
      "SELECT " + Repeat("CAST(", n),
      "SELECT " + Repeat("INTERVAL ", n) + "1 DAY",
      "SELECT " + Repeat("x -> ", n) + "1",
      "SELECT " + Repeat("a ? ", n),
      "SELECT " + Repeat("{", n),
      "SELECT " + Repeat("-(", n),
      "SELECT x IN " + Repeat("(1, ", n),
      "SELECT 1" + Repeat(" + 1", n),
      "SELECT 1" + Repeat(" - 1", n),
      "SELECT x" + Repeat("[1]", n),
      "SELECT x" + Repeat(".1", n),
      "SELECT x" + Repeat("::T", n),
      "SELECT a" + Repeat(" = a", n),
      "SELECT " + Repeat("[[", n / 2) + Repeat("]]", n / 2),
      "SELECT " + Repeat("(1 + ", n) + "1" + Repeat(")", n),
      LeftNestedChains(10, 200),  // ((1 + 1 ...) + 1 ...): tall with little recursion
      "CREATE TABLE t (x " + Repeat("Array(", n),
      "CREATE TABLE t (x UInt8 DEFAULT " + Repeat("(", n),
  };
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& sql : inputs) {
    absl::StatusOr<std::vector<Statement>> r = ParseStatements(sql);
    ASSERT_FALSE(r.ok()) << sql.substr(0, 60);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(r.status().message()).rfind("Syntax error at line 1, column ", 0), 0u)
        << r.status();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_STATUS(ParseExpression(Repeat("(", n) + "1" + Repeat(")", n)),
                absl::StatusCode::kInvalidArgument,
                "Syntax error at line 1, column 257: query is nested too deeply (more than 256 "
                "levels)");
  EXPECT_STATUS(ParseExpression("1" + Repeat("+1", 2000)), absl::StatusCode::kInvalidArgument,
                "Syntax error at line 1, column 1: expression is nested too deeply (more than "
                "1000 levels)");
}

TEST(SqlParserFuzzTest, NestingWithinTheLimitsParses) {
  ASSERT_OK(ParseStatement("SELECT " + Repeat("(", 250) + "1" + Repeat(")", 250)));
  ASSERT_OK(ParseStatement("SELECT " + Repeat("f(", 250) + "1" + Repeat(")", 250)));
  ASSERT_OK(ParseStatement("SELECT " + Repeat("[", 250) + Repeat("]", 250)));
  ASSERT_OK(ParseStatement("SELECT " + Repeat("(SELECT ", 100) + "1" + Repeat(")", 100)));
  ASSERT_OK(ParseStatement("SELECT 1" + Repeat(" + 1", 990)));
  ASSERT_OK_AND_ASSIGN(ExprPtr deep, ParseExpression("x" + Repeat("[1]", 999)));
  EXPECT_EQ(deep->ToString().size(), 1 + 999 * std::string("arrayElement(, 1)").size());
}

TEST(SqlParserFuzzTest, WideInputsAreLinear) {
  const size_t n = 100000;
  const size_t m = 20000;  // nodes are costly under ASan; these are linear just the same
  const auto start = std::chrono::steady_clock::now();
  // and / or / || chains are flat, however long.
  ASSERT_OK_AND_ASSIGN(ExprPtr a, ParseExpression("a" + Repeat(" AND a", n)));
  EXPECT_EQ(a->args.size(), n + 1);
  ASSERT_OK_AND_ASSIGN(ExprPtr o, ParseExpression("a = 1" + Repeat(" OR a = 1", m)));
  EXPECT_EQ(o->args.size(), m + 1);
  ASSERT_OK_AND_ASSIGN(ExprPtr c, ParseExpression("'x'" + Repeat(" || 'x'", m)));
  EXPECT_EQ(c->args.size(), m + 1);
  ASSERT_OK_AND_ASSIGN(ExprPtr in, ParseExpression("x IN (0" + Repeat(", 1", m) + ")"));
  EXPECT_EQ(in->args[1]->args.size(), m + 1);
  ASSERT_OK_AND_ASSIGN(ExprPtr arr, ParseExpression("[0" + Repeat(", 1", m) + "]"));
  EXPECT_EQ(arr->literal.items.size(), m + 1);
  ASSERT_OK_AND_ASSIGN(Statement u, ParseStatement("SELECT 1" + Repeat(" UNION ALL SELECT 1",
                                                                         m / 4)));
  EXPECT_EQ(u.select->union_all.size(), m / 4);
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> many, ParseStatements(Repeat("SELECT 1;", m)));
  EXPECT_EQ(many.size(), m);
  ASSERT_OK_AND_ASSIGN(Statement cols, ParseStatement("SELECT a" + Repeat(", a", m)));
  EXPECT_EQ(cols.select->select.size(), m + 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SqlParserFuzzTest, RepeatedSelectKeyword) {
  EXPECT_STATUS(ParseStatements(Repeat("SELECT ", 100000)), absl::StatusCode::kInvalidArgument,
                "Syntax error at line 1, column 8: expected expression, got 'SELECT'");
}

TEST(SqlParserFuzzTest, UnterminatedEverything) {
  const char* const kInputs[] = {
      "SELECT '", "SELECT 'abc\\'", "SELECT `", "SELECT \"", "SELECT /*", "SELECT /* *",
      "SELECT (", "SELECT [", "SELECT {", "SELECT {x:", "SELECT {x:Array(", "SELECT f(",
      "SELECT f(1)(", "SELECT CASE", "SELECT CASE WHEN 1", "SELECT CAST(", "SELECT CAST(x AS",
      "SELECT CAST(x AS Map(", "SELECT x::Map(", "SELECT INTERVAL 1",
      "SELECT x BETWEEN", "SELECT x IS", "SELECT x IS NOT", "SELECT a ?", "SELECT a ? b :",
      "SELECT x ->", "SELECT (x, y) ->", "SELECT * FROM (", "SELECT * FROM (SELECT",
      "SELECT 1 UNION", "SELECT 1 UNION ALL", "SELECT 1 SETTINGS", "SELECT 1 FORMAT",
      "SELECT x ORDER", "SELECT x ORDER BY", "SELECT x GROUP BY", "SELECT x LIMIT",
      "SELECT x LIMIT 1,", "SELECT x LIMIT 1 BY", "WITH", "WITH 1 AS x", "INSERT",
      "INSERT INTO", "INSERT INTO t (", "INSERT INTO t (a,", "INSERT INTO t SETTINGS",
      "CREATE", "CREATE TABLE", "CREATE TABLE t (", "CREATE TABLE t (x",
      "CREATE TABLE t (x Map(", "CREATE TABLE t (x UInt8 CODEC(", "CREATE TABLE t (x UInt8",
      "CREATE TABLE t (x UInt8) ENGINE", "CREATE TABLE t (x UInt8) ENGINE = M(",
      "CREATE TABLE t (x UInt8) ORDER BY", "CREATE TABLE t (INDEX i x TYPE",
      "CREATE DATABASE", "DROP", "DROP TABLE", "DROP TABLE IF EXISTS", "SHOW", "SHOW CREATE",
      "DESCRIBE", "EXPLAIN", "EXPLAIN indexes =", "USE", "SET", "SET a =", "OPTIMIZE TABLE",
      "EXISTS", "TRUNCATE TABLE IF EXISTS",
  };
  for (const char* sql : kInputs) {
    absl::StatusOr<std::vector<Statement>> r = ParseStatements(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_EQ(std::string(r.status().message()).rfind("Syntax error at line 1, column ", 0), 0u)
        << sql << ": " << r.status();
  }
}

TEST(SqlParserFuzzTest, HugeLiterals) {
  const auto start = std::chrono::steady_clock::now();
  const std::string big(10 << 20, 'a');
  ASSERT_OK_AND_ASSIGN(Statement s, ParseStatement("SELECT '" + big + "' AS s"));
  EXPECT_EQ(s.select->select[0]->literal.s.size(), big.size());
  ASSERT_OK_AND_ASSIGN(ExprPtr digits, ParseExpression(std::string(1 << 20, '9')));
  EXPECT_TRUE(std::isinf(digits->literal.f));
  ASSERT_OK_AND_ASSIGN(ExprPtr frac, ParseExpression("0." + std::string(1 << 20, '0') + "1"));
  EXPECT_EQ(frac->literal.f, 0.0);
  ASSERT_OK_AND_ASSIGN(ExprPtr exp, ParseExpression("1e" + std::string(1 << 20, '9')));
  EXPECT_TRUE(std::isinf(exp->literal.f));
  ASSERT_OK_AND_ASSIGN(ExprPtr hex, ParseExpression("0x" + std::string(1 << 20, 'f')));
  EXPECT_TRUE(std::isinf(hex->literal.f));
  ASSERT_OK_AND_ASSIGN(ExprPtr name, ParseExpression(std::string(1 << 20, 'n')));
  EXPECT_EQ(name->identifier().size(), 1u << 20);
  ASSERT_OK(ParseStatements("SELECT 1 /*" + big + "*/; -- " + big));
  ASSERT_OK_AND_ASSIGN(Statement ins, ParseStatement("INSERT INTO t VALUES ('" + big + "')"));
  EXPECT_EQ(ins.insert->data.size(), big.size() + 4);
  EXPECT_STATUS(ParseStatement("SELECT '" + big), absl::StatusCode::kInvalidArgument,
                "line 1, column 8: unterminated string literal");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace tally::engine::sql
