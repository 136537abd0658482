// The SQL parser: expressions (operator precedence, rewrites into functions, literals,
// column names via Expr::ToString) and every statement kind. Hostile input is in
// sql_parser_fuzz_test.cc.
#include "engine/sql/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

using format::Value;

// The column name of an expression, or "ERROR: <message>".
std::string E(absl::string_view text) {
  absl::StatusOr<ExprPtr> e = ParseExpression(text);
  if (!e.ok()) return absl::StrCat("ERROR: ", e.status().message());
  return (*e)->ToString();
}

// The column names of a SELECT's list, "; "-separated, or "ERROR: <message>".
std::string SelectList(absl::string_view sql) {
  absl::StatusOr<Statement> st = ParseStatement(sql);
  if (!st.ok()) return absl::StrCat("ERROR: ", st.status().message());
  std::string out;
  for (const ExprPtr& e : st->select->select) {
    if (!out.empty()) out += "; ";
    out += e->ToString();
    if (!e->alias.empty()) absl::StrAppend(&out, " AS ", e->alias);
  }
  return out;
}

TEST(SqlParserTest, OperatorPrecedence) {
  const std::pair<const char*, const char*> kCases[] = {
      {"a OR b AND NOT c = d + e * f", "or(a, and(b, not(equals(c, plus(d, multiply(e, f))))))"},
      {"1 + 2 * 3 - 4 / 5 % 6", "minus(plus(1, multiply(2, 3)), modulo(divide(4, 5), 6))"},
      {"a - b - c", "minus(minus(a, b), c)"},
      {"a / b * c", "multiply(divide(a, b), c)"},
      {"(a + b) * c", "multiply(plus(a, b), c)"},
      {"a DIV b MOD c", "modulo(intDiv(a, b), c)"},
      {"a AND b AND c", "and(a, b, c)"},
      {"a OR b OR c AND d", "or(a, b, and(c, d))"},
      {"(a AND b) AND c", "and(and(a, b), c)"},
      {"a || b || c", "concat(a, b, c)"},
      {"a || b + 1", "concat(a, plus(b, 1))"},
      {"a = b || c", "equals(a, concat(b, c))"},
      {"NOT a AND b", "and(not(a), b)"},
      {"NOT NOT a", "not(not(a))"},
      {"NOT a = b", "not(equals(a, b))"},
      {"NOT x IS NULL", "not(isNull(x))"},
      {"a = b IS NULL", "isNull(equals(a, b))"},
      {"x IS NOT NULL AND y IS NULL", "and(isNotNull(x), isNull(y))"},
      {"a < b = c", "equals(less(a, b), c)"},
      {"-x", "negate(x)"},
      {"-x * 2", "multiply(negate(x), 2)"},
      {"-x[1]", "negate(arrayElement(x, 1))"},
      {"- -5", "negate(-5)"},
      {"-(5)", "negate(5)"},
      {"2 - -1", "minus(2, -1)"},
      {"a -1", "minus(a, 1)"},
      {"x[1][2]", "arrayElement(arrayElement(x, 1), 2)"},
      {"m['key']", "arrayElement(m, 'key')"},
      {"t.1", "tupleElement(t, 1)"},
      {"x.1.2", "tupleElement(tupleElement(x, 1), 2)"},
      {"f(x).name", "tupleElement(f(x), 'name')"},
      {"(1, 2).1", "tupleElement(tuple(1, 2), 1)"},
      {"a.b.c", "a.b.c"},
      {"db.t.*", "db.t.*"},
      {"'1'::UInt32 + 1", "plus(CAST('1', 'UInt32'), 1)"},
      {"-1::Int8", "CAST('-1', 'Int8')"},  // a literal's text, as ClickHouse
      {"- 1.50::String", "CAST('- 1.50', 'String')"},
      {"x::Array(Nullable(String))", "CAST(x, 'Array(Nullable(String))')"},
      {"x::a::b", "CAST(CAST(x, 'a'), 'b')"},
      {"a ? b : c", "if(a, b, c)"},
      {"a ? b : c ? d : e", "if(a, b, if(c, d, e))"},
      {"a OR b ? c : d", "if(or(a, b), c, d)"},
      {"x -> x + 1", "lambda(tuple(x), plus(x, 1))"},
      {"arrayMap(x -> x * 2, arr)", "arrayMap(lambda(tuple(x), multiply(x, 2)), arr)"},
      {"arrayMap((x, y) -> x + y, a, b)", "arrayMap(lambda(tuple(x, y), plus(x, y)), a, b)"},
      {"arrayFilter((x) -> x > 1, a)", "arrayFilter(lambda(tuple(x), greater(x, 1)), a)"},
  };
  for (const auto& [input, want] : kCases) EXPECT_EQ(E(input), want) << input;
}

TEST(SqlParserTest, ComparisonAndPredicateRewrites) {
  const std::pair<const char*, const char*> kCases[] = {
      {"a = b", "equals(a, b)"},
      {"a == b", "equals(a, b)"},
      {"a != b", "notEquals(a, b)"},
      {"a <> b", "notEquals(a, b)"},
      {"a < b", "less(a, b)"},
      {"a > b", "greater(a, b)"},
      {"a <= b", "lessOrEquals(a, b)"},
      {"a >= b", "greaterOrEquals(a, b)"},
      {"s LIKE 'a%'", "like(s, 'a%')"},
      {"s LIKE '100\\%'", "like(s, '100\\\\%')"},
      {"s NOT LIKE 'a%'", "notLike(s, 'a%')"},
      {"s ILIKE 'a%'", "ilike(s, 'a%')"},
      {"s NOT ILIKE 'a%'", "notILike(s, 'a%')"},
      {"s REGEXP 'a+'", "match(s, 'a+')"},
      {"x IN (1, 2, 3)", "in(x, tuple(1, 2, 3))"},
      {"x IN (1)", "in(x, 1)"},
      {"x NOT IN (1, 2)", "notIn(x, tuple(1, 2))"},
      {"x GLOBAL IN (1, 2)", "globalIn(x, tuple(1, 2))"},
      {"x GLOBAL NOT IN t", "globalNotIn(x, t)"},
      {"x IN [1, 2]", "in(x, [1, 2])"},
      {"x IN (SELECT y FROM t)", "in(x, _subquery)"},
      {"x BETWEEN 1 AND 10", "and(greaterOrEquals(x, 1), lessOrEquals(x, 10))"},
      {"x NOT BETWEEN 1 AND 10", "or(less(x, 1), greater(x, 10))"},
      {"x BETWEEN a + 1 AND b AND c", "and(and(greaterOrEquals(x, plus(a, 1)), "
                                      "lessOrEquals(x, b)), c)"},
      {"x IS NULL", "isNull(x)"},
      {"x IS NOT NULL", "isNotNull(x)"},
      {"x is not null", "isNotNull(x)"},
      {"status = 500 AND path LIKE '/api%'", "and(equals(status, 500), like(path, '/api%'))"},
  };
  for (const auto& [input, want] : kCases) EXPECT_EQ(E(input), want) << input;
}

TEST(SqlParserTest, LiteralsAndTheirNames) {
  const std::pair<const char*, const char*> kCases[] = {
      {"1", "1"},
      {"0", "0"},
      {"-5", "-5"},
      {"+5", "5"},
      {"18446744073709551615", "18446744073709551615"},
      {"18446744073709551616", "18446744073709552000."},  // past UInt64: Float64
      {"-9223372036854775808", "-9223372036854775808"},
      {"-9223372036854775809", "-9223372036854776000."},
      {"0x1F", "31"},
      {"0xFFFFFFFFFFFFFFFF", "18446744073709551615"},
      {"0b101", "5"},
      {"1.5", "1.5"},
      {"1.0", "1."},
      {"1.", "1."},
      {".5", "0.5"},
      {"-1.5", "-1.5"},
      {"1e3", "1000."},
      {"1e20", "100000000000000000000."},
      {"1e21", "1e21"},
      {"1.5e-7", "1.5e-7"},
      {"0.000001", "0.000001"},
      {"0.1", "0.1"},
      {"1e999", "inf"},
      {"-1e999", "-inf"},
      {"1e-999", "0."},
      {"inf", "inf"},
      {"-inf", "-inf"},  // a literal, as in ClickHouse (-inf::String is '-inf')
      {"-nan", "nan"},
      {"nan", "nan"},
      {"0x1p4", "16."},
      {"'abc'", "'abc'"},
      {"'it''s'", "'it\\'s'"},
      {"'a\\nb\\\\c'", "'a\\nb\\\\c'"},
      {"'\\x01'", "'\\x01'"},
      {"NULL", "NULL"},
      {"null", "NULL"},
      {"true", "true"},
      {"FALSE", "false"},
      {"[1, 2, 3]", "[1, 2, 3]"},
      {"[]", "[]"},
      {"[[1, 2], [3]]", "[[1, 2], [3]]"},
      {"['a', NULL, -1]", "['a', NULL, -1]"},
      {"[x, 1]", "array(x, 1)"},
      {"(1, 'a')", "tuple(1, 'a')"},
      {"(1,)", "tuple(1)"},
      {"()", "tuple()"},
      {"((1))", "1"},
      {"{id:UInt32}", "{id:UInt32}"},
      {"{ids:Array(String)}", "{ids:Array(String)}"},
      {"DATE '2024-01-02'", "toDate('2024-01-02')"},
      {"TIMESTAMP '2024-01-02 03:04:05'", "toDateTime('2024-01-02 03:04:05')"},
  };
  for (const auto& [input, want] : kCases) EXPECT_EQ(E(input), want) << input;
}

TEST(SqlParserTest, LiteralValues) {
  struct Case {
    const char* text;
    Value want;
  };
  const Case kCases[] = {
      {"42", Value::UInt(42)},
      {"-42", Value::Int(-42)},
      {"18446744073709551615", Value::UInt(18446744073709551615ull)},
      {"18446744073709551616", Value::Float(18446744073709551616.0)},
      {"-9223372036854775808", Value::Int(std::numeric_limits<int64_t>::min())},
      {"2.5", Value::Float(2.5)},
      {"'x'", Value::String("x")},
      {"NULL", Value::Null()},
      {"true", Value::UInt(1)},
      {"false", Value::UInt(0)},
      {"[1, -2]", Value::Array({Value::UInt(1), Value::Int(-2)})},
  };
  for (const Case& c : kCases) {
    ASSERT_OK_AND_ASSIGN(ExprPtr e, ParseExpression(c.text));
    EXPECT_EQ(e->kind, Expr::Kind::kLiteral) << c.text;
    EXPECT_EQ(e->literal, c.want) << c.text;
  }
  ASSERT_OK_AND_ASSIGN(ExprPtr inf, ParseExpression("1e999"));
  EXPECT_TRUE(std::isinf(inf->literal.f));
  ASSERT_OK_AND_ASSIGN(ExprPtr nan, ParseExpression("nan"));
  EXPECT_TRUE(std::isnan(nan->literal.f));
  ASSERT_OK_AND_ASSIGN(ExprPtr huge, ParseExpression(std::string(5000, '9')));
  EXPECT_EQ(huge->literal.kind, Value::Kind::kFloat);
  EXPECT_TRUE(std::isinf(huge->literal.f));
}

TEST(SqlParserTest, FunctionCalls) {
  const std::pair<const char*, const char*> kCases[] = {
      {"count()", "count()"},
      {"count(*)", "count()"},
      {"COUNT(*)", "COUNT()"},
      {"countState(*)", "countState()"},
      {"sum(value)", "sum(value)"},
      {"plus(a, 1)", "plus(a, 1)"},
      {"count(DISTINCT x)", "countDistinct(x)"},
      {"uniq(DISTINCT a, b)", "uniqDistinct(a, b)"},
      {"quantile(0.5)(x)", "quantile(0.5)(x)"},
      {"quantiles(0.5, 0.9)(x)", "quantiles(0.5, 0.9)(x)"},
      {"topK(10)(name)", "topK(10)(name)"},
      {"countIf(status = 500)", "countIf(equals(status, 500))"},
      {"toYYYYMM(time)", "toYYYYMM(time)"},
      {"tuple(*)", "tuple(*)"},
      {"f(x AS y, y)", "f(x, y)"},
      {"`weird name`(1)", "weird name(1)"},
      {"if(a > 1, 'x', 'y')", "if(greater(a, 1), 'x', 'y')"},
      {"not(x)", "not(x)"},
      {"CAST(x AS UInt32)", "CAST(x, 'UInt32')"},
      {"CAST(x AS DateTime64(3, 'UTC'))", "CAST(x, 'DateTime64(3, \\'UTC\\')')"},
      {"cast(x, 'UInt8')", "cast(x, 'UInt8')"},
      {"CAST(x + 1 AS Nullable(String))", "CAST(plus(x, 1), 'Nullable(String)')"},
      {"INTERVAL 5 MINUTE", "toIntervalMinute(5)"},
      {"INTERVAL 1 day", "toIntervalDay(1)"},
      {"INTERVAL 2 HOURS", "toIntervalHour(2)"},
      {"INTERVAL '5 minute'", "toIntervalMinute(5)"},
      {"INTERVAL '3 Seconds'", "toIntervalSecond(3)"},
      {"INTERVAL '1' WEEK", "toIntervalWeek('1')"},
      {"INTERVAL x + 1 MONTH", "toIntervalMonth(plus(x, 1))"},
      {"now() - INTERVAL 1 QUARTER", "minus(now(), toIntervalQuarter(1))"},
      {"t + INTERVAL 1 YEAR > now()", "greater(plus(t, toIntervalYear(1)), now())"},
      {"INTERVAL 10 MILLISECOND", "toIntervalMillisecond(10)"},
      {"CASE WHEN a THEN 1 ELSE 2 END", "multiIf(a, 1, 2)"},
      {"CASE WHEN a > 1 THEN 'x' WHEN b THEN 'y' END", "multiIf(greater(a, 1), 'x', b, 'y', NULL)"},
      {"CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END",
       "caseWithExpression(x, 1, 'a', 2, 'b', 'c')"},
      {"case when x then y end", "multiIf(x, y, NULL)"},
      {"(SELECT 1)", "_subquery"},
      {"(SELECT max(x) FROM t) + 1", "plus(_subquery, 1)"},
  };
  for (const auto& [input, want] : kCases) EXPECT_EQ(E(input), want) << input;
}

TEST(SqlParserTest, ExpressionStructure) {
  ASSERT_OK_AND_ASSIGN(ExprPtr q, ParseExpression("quantile(0.9)(x)"));
  EXPECT_EQ(q->kind, Expr::Kind::kFunction);
  EXPECT_EQ(q->name, "quantile");
  EXPECT_TRUE(q->has_params);
  ASSERT_EQ(q->params.size(), 1u);
  EXPECT_EQ(q->params[0]->literal, Value::Float(0.9));
  ASSERT_EQ(q->args.size(), 1u);
  EXPECT_EQ(q->args[0]->identifier(), "x");

  ASSERT_OK_AND_ASSIGN(ExprPtr empty_params, ParseExpression("f()(x)"));
  EXPECT_TRUE(empty_params->has_params);
  EXPECT_TRUE(empty_params->params.empty());

  ASSERT_OK_AND_ASSIGN(ExprPtr d, ParseExpression("count(DISTINCT user_id)"));
  EXPECT_EQ(d->name, "count");
  EXPECT_TRUE(d->distinct);

  ASSERT_OK_AND_ASSIGN(ExprPtr c, ParseExpression("COUNT(*)"));
  EXPECT_EQ(c->name, "COUNT");
  EXPECT_TRUE(c->args.empty());

  ASSERT_OK_AND_ASSIGN(ExprPtr id, ParseExpression("db.`my table`.col"));
  EXPECT_EQ(id->kind, Expr::Kind::kIdentifier);
  EXPECT_EQ(id->parts, (std::vector<std::string>{"db", "my table", "col"}));
  EXPECT_EQ(id->identifier(), "col");

  ASSERT_OK_AND_ASSIGN(ExprPtr star, ParseExpression("t.*"));
  EXPECT_EQ(star->kind, Expr::Kind::kAsterisk);
  EXPECT_EQ(star->parts, std::vector<std::string>{"t"});

  ASSERT_OK_AND_ASSIGN(ExprPtr p, ParseExpression("{limit : UInt64}"));
  EXPECT_EQ(p->kind, Expr::Kind::kParameter);
  EXPECT_EQ(p->name, "limit");
  EXPECT_EQ(p->parameter_type, "UInt64");

  ASSERT_OK_AND_ASSIGN(ExprPtr lambda, ParseExpression("(a, b) -> a * b"));
  EXPECT_EQ(lambda->kind, Expr::Kind::kLambda);
  EXPECT_EQ(lambda->parts, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(lambda->args.size(), 1u);
  EXPECT_EQ(lambda->args[0]->ToString(), "multiply(a, b)");

  ASSERT_OK_AND_ASSIGN(ExprPtr sub, ParseExpression("(SELECT 1 UNION ALL SELECT 2)"));
  EXPECT_EQ(sub->kind, Expr::Kind::kSubquery);
  ASSERT_NE(sub->subquery, nullptr);
  EXPECT_EQ(sub->subquery->union_all.size(), 1u);

  ASSERT_OK_AND_ASSIGN(ExprPtr alias, ParseExpression("x + 1 AS y"));
  EXPECT_EQ(alias->alias, "y");
  EXPECT_EQ(alias->ToString(), "plus(x, 1)");

  // Positions: where each node starts.
  ASSERT_OK_AND_ASSIGN(ExprPtr pos, ParseExpression("a +\n  f(b)"));
  EXPECT_EQ(pos->pos.line, 1);
  EXPECT_EQ(pos->pos.column, 1);
  EXPECT_EQ(pos->args[1]->pos.line, 2);
  EXPECT_EQ(pos->args[1]->pos.column, 3);
  EXPECT_EQ(pos->args[1]->args[0]->pos.column, 5);
}

TEST(SqlParserTest, SelectListAliases) {
  const std::pair<const char*, const char*> kCases[] = {
      {"SELECT 1+2", "plus(1, 2)"},
      {"SELECT count() c FROM t", "count() AS c"},
      {"SELECT count() AS c, sum(x) s, y FROM t", "count() AS c; sum(x) AS s; y"},
      {"SELECT a `my alias`, b \"other\"", "a AS my alias; b AS other"},
      {"SELECT x AS from", "x AS from"},
      {"SELECT *, t.* FROM t", "*; t.*"},
      {"SELECT number FROM numbers(10)", "number"},
      {"SELECT DISTINCT a FROM t", "a"},
      {"SELECT (x AS y) + 1", "plus(x, 1)"},
      {"SELECT a b c", "ERROR: Syntax error at line 1, column 12: expected end of query (one "
                       "statement only), got 'c'"},
      {"SELECT FROM t", "ERROR: Syntax error at line 1, column 8: expected expression, got "
                        "'FROM'"},
      {"SELECT end, limit, format, values, interval, `from` FROM t",
       "end; limit; format; values; interval; from"},
  };
  for (const auto& [input, want] : kCases) EXPECT_EQ(SelectList(input), want) << input;
}

TEST(SqlParserTest, SelectClauses) {
  ASSERT_OK_AND_ASSIGN(
      Statement st,
      ParseStatement("WITH 5 AS five, (SELECT 1) AS one\n"
                     "SELECT DISTINCT toStartOfHour(time) AS hour, count() c\n"
                     "FROM logs.requests AS r FINAL\n"
                     "PREWHERE status >= 500 WHERE path LIKE '/api%'\n"
                     "GROUP BY hour WITH TOTALS HAVING c > five\n"
                     "ORDER BY hour DESC NULLS FIRST, c ASC NULLS LAST,\n"
                     "  hour WITH FILL FROM 1 TO 10 STEP 2\n"
                     "LIMIT 2 BY hour LIMIT 10 OFFSET 20\n"
                     "SETTINGS max_threads = 2, mode = 'fast', flag = true\n"
                     "FORMAT JSONEachRow;"));
  EXPECT_EQ(st.kind, Statement::Kind::kSelect);
  EXPECT_EQ(st.pos.line, 1);
  const SelectQuery& q = *st.select;
  ASSERT_EQ(q.with.size(), 2u);
  EXPECT_EQ(q.with[0]->ToString(), "5");
  EXPECT_EQ(q.with[0]->alias, "five");
  EXPECT_EQ(q.with[1]->kind, Expr::Kind::kSubquery);
  EXPECT_EQ(q.with[1]->alias, "one");
  EXPECT_TRUE(q.distinct);
  ASSERT_EQ(q.select.size(), 2u);
  EXPECT_EQ(q.select[0]->ToString(), "toStartOfHour(time)");
  EXPECT_EQ(q.select[0]->alias, "hour");
  EXPECT_EQ(q.select[1]->alias, "c");
  ASSERT_TRUE(q.from.has_value());
  EXPECT_EQ(q.from->database, "logs");
  EXPECT_EQ(q.from->table, "requests");
  EXPECT_EQ(q.from->alias, "r");
  EXPECT_TRUE(q.from->final);
  EXPECT_EQ(q.from->pos.line, 3);
  EXPECT_EQ(q.from->pos.column, 6);
  EXPECT_EQ(q.prewhere->ToString(), "greaterOrEquals(status, 500)");
  EXPECT_EQ(q.where->ToString(), "like(path, '/api%')");
  ASSERT_EQ(q.group_by.size(), 1u);
  EXPECT_EQ(q.group_by[0]->ToString(), "hour");
  EXPECT_TRUE(q.group_by_with_totals);
  EXPECT_EQ(q.having->ToString(), "greater(c, five)");
  ASSERT_EQ(q.order_by.size(), 3u);
  EXPECT_TRUE(q.order_by[0].descending);
  EXPECT_EQ(q.order_by[0].nulls_first, std::optional<bool>(true));
  EXPECT_FALSE(q.order_by[1].descending);
  EXPECT_EQ(q.order_by[1].nulls_first, std::optional<bool>(false));
  EXPECT_FALSE(q.order_by[2].nulls_first.has_value());
  EXPECT_TRUE(q.order_by[2].with_fill);
  EXPECT_EQ(q.order_by[2].fill_from->ToString(), "1");
  EXPECT_EQ(q.order_by[2].fill_to->ToString(), "10");
  EXPECT_EQ(q.order_by[2].fill_step->ToString(), "2");
  EXPECT_EQ(q.limit_by_limit->ToString(), "2");
  EXPECT_EQ(q.limit_by_offset, nullptr);
  ASSERT_EQ(q.limit_by.size(), 1u);
  EXPECT_EQ(q.limit->ToString(), "10");
  EXPECT_EQ(q.offset->ToString(), "20");
  ASSERT_EQ(q.settings.values.size(), 3u);
  EXPECT_EQ(q.settings.values[0].first, "max_threads");
  EXPECT_EQ(q.settings.values[0].second, Value::UInt(2));
  EXPECT_EQ(q.settings.values[1].second, Value::String("fast"));
  EXPECT_EQ(q.settings.values[2].second, Value::UInt(1));
  EXPECT_EQ(q.format, "JSONEachRow");
}

TEST(SqlParserTest, SelectVariants) {
  // LIMIT m, n is OFFSET m LIMIT n.
  ASSERT_OK_AND_ASSIGN(Statement a, ParseStatement("SELECT x FROM t LIMIT 5, 10"));
  EXPECT_EQ(a.select->offset->ToString(), "5");
  EXPECT_EQ(a.select->limit->ToString(), "10");
  // LIMIT m, n BY e and LIMIT n OFFSET m BY e.
  ASSERT_OK_AND_ASSIGN(Statement b, ParseStatement("SELECT x FROM t LIMIT 1, 2 BY x, y"));
  EXPECT_EQ(b.select->limit_by_offset->ToString(), "1");
  EXPECT_EQ(b.select->limit_by_limit->ToString(), "2");
  EXPECT_EQ(b.select->limit_by.size(), 2u);
  EXPECT_EQ(b.select->limit, nullptr);
  // No FROM; a parameter as LIMIT.
  ASSERT_OK_AND_ASSIGN(Statement c, ParseStatement("SELECT 1 LIMIT {n:UInt8}"));
  EXPECT_FALSE(c.select->from.has_value());
  EXPECT_EQ(c.select->limit->kind, Expr::Kind::kParameter);
  // FROM a subquery with and without AS; a table function.
  ASSERT_OK_AND_ASSIGN(Statement d, ParseStatement("SELECT * FROM (SELECT 1 AS x) AS s"));
  ASSERT_NE(d.select->from->subquery, nullptr);
  EXPECT_EQ(d.select->from->alias, "s");
  EXPECT_EQ(d.select->from->subquery->select[0]->alias, "x");
  ASSERT_OK_AND_ASSIGN(Statement e, ParseStatement("SELECT * FROM (SELECT 1) s WHERE 1"));
  EXPECT_EQ(e.select->from->alias, "s");
  ASSERT_OK_AND_ASSIGN(Statement f, ParseStatement("SELECT * FROM numbers(10) AS n"));
  ASSERT_NE(f.select->from->table_function, nullptr);
  EXPECT_EQ(f.select->from->table_function->ToString(), "numbers(10)");
  EXPECT_EQ(f.select->from->table, "");
  EXPECT_EQ(f.select->from->alias, "n");
  ASSERT_OK_AND_ASSIGN(Statement g, ParseStatement("SELECT * FROM t x FINAL"));
  EXPECT_EQ(g.select->from->alias, "x");
  EXPECT_TRUE(g.select->from->final);
  // UNION ALL: members in union_all; SETTINGS / FORMAT on the first.
  ASSERT_OK_AND_ASSIGN(
      Statement u, ParseStatement("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 FORMAT CSV"));
  ASSERT_EQ(u.select->union_all.size(), 2u);
  EXPECT_EQ(u.select->union_all[1]->select[0]->ToString(), "3");
  EXPECT_EQ(u.select->format, "CSV");
  // FORMAT before SETTINGS is accepted too.
  ASSERT_OK_AND_ASSIGN(Statement v, ParseStatement("SELECT 1 FORMAT TSV SETTINGS a = -1"));
  EXPECT_EQ(v.select->format, "TSV");
  EXPECT_EQ(v.select->settings.values[0].second, Value::Int(-1));
  // Keywords are case-insensitive.
  ASSERT_OK_AND_ASSIGN(Statement w, ParseStatement("select a from t where b order by a desc"));
  EXPECT_TRUE(w.select->order_by[0].descending);
  // Quoted names are never keywords.
  ASSERT_OK_AND_ASSIGN(Statement x, ParseStatement("SELECT `from` FROM `select`"));
  EXPECT_EQ(x.select->select[0]->identifier(), "from");
  EXPECT_EQ(x.select->from->table, "select");
}

TEST(SqlParserTest, InsertCapturesValuesData) {
  const std::string sql = "INSERT INTO db.t (a, b) VALUES (1, 'x;y'), (2, ')');  SELECT 1";
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> sts, ParseStatements(sql));
  ASSERT_EQ(sts.size(), 2u);
  ASSERT_EQ(sts[0].kind, Statement::Kind::kInsert);
  const InsertQuery& ins = *sts[0].insert;
  EXPECT_EQ(ins.database, "db");
  EXPECT_EQ(ins.table, "t");
  EXPECT_EQ(ins.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ins.format, "Values");
  EXPECT_EQ(ins.data, "(1, 'x;y'), (2, ')')");
  EXPECT_EQ(sql.substr(ins.data_offset, ins.data.size()), ins.data);
  EXPECT_EQ(sts[0].table, "t");
  EXPECT_EQ(sts[1].kind, Statement::Kind::kSelect);
  EXPECT_EQ(sts[1].pos.column, 55);

  // Escaped quotes, doubled quotes and semicolons inside brackets stay in the data.
  ASSERT_OK_AND_ASSIGN(Statement a,
                       ParseStatement("insert into t values ('a\\';', 'b'';'), ([';'], (1;2))"));
  EXPECT_EQ(a.insert->data, "('a\\';', 'b'';'), ([';'], (1;2))");
  // Data that is not SQL at all is never lexed.
  ASSERT_OK_AND_ASSIGN(Statement b, ParseStatement("INSERT INTO t VALUES (#@!\x01\xff)"));
  EXPECT_EQ(b.insert->data, "(#@!\x01\xff)");
  // No data: the caller supplies it.
  ASSERT_OK_AND_ASSIGN(Statement c, ParseStatement("INSERT INTO TABLE t VALUES"));
  EXPECT_EQ(c.insert->data, "");
  EXPECT_EQ(c.insert->format, "Values");
  // An unterminated quote takes the rest.
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> d,
                       ParseStatements("INSERT INTO t VALUES ('a;); SELECT 1"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].insert->data, "('a;); SELECT 1");
  // SETTINGS before VALUES; Nested column names.
  ASSERT_OK_AND_ASSIGN(Statement e,
                       ParseStatement("INSERT INTO t (n.a, `b c`) SETTINGS x = 1 VALUES (1)"));
  EXPECT_EQ(e.insert->columns, (std::vector<std::string>{"n.a", "b c"}));
  EXPECT_EQ(e.insert->settings.values.size(), 1u);
  EXPECT_EQ(e.insert->data, "(1)");
  // Multi-statement, with empty statements in between.
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> f,
                       ParseStatements(";;INSERT INTO t VALUES (1);;\nINSERT INTO t VALUES (2);"));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].insert->data, "(2)");
  EXPECT_EQ(f[1].pos.line, 2);
}

TEST(SqlParserTest, InsertFormatTakesTheRestOfTheInput) {
  const std::string sql = "INSERT INTO t FORMAT CSV\n1,'a;b'\n2,\"unclosed\n; SELECT 1";
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> sts, ParseStatements(sql));
  ASSERT_EQ(sts.size(), 1u);
  const InsertQuery& ins = *sts[0].insert;
  EXPECT_EQ(ins.format, "CSV");
  EXPECT_EQ(ins.data, "1,'a;b'\n2,\"unclosed\n; SELECT 1");
  EXPECT_EQ(ins.data_offset, sql.find('1'));
  EXPECT_EQ(ins.select, nullptr);

  ASSERT_OK_AND_ASSIGN(Statement a, ParseStatement("INSERT INTO t FORMAT JSONEachRow {\"a\":1}"));
  EXPECT_EQ(a.insert->data, "{\"a\":1}");
  ASSERT_OK_AND_ASSIGN(Statement b, ParseStatement("INSERT INTO t FORMAT TSV  \r\n\n1\t2\n"));
  EXPECT_EQ(b.insert->data, "\n1\t2\n");  // blanks and one line break skipped
  ASSERT_OK_AND_ASSIGN(Statement c, ParseStatement("INSERT INTO t FORMAT Values (1), (2)"));
  EXPECT_EQ(c.insert->format, "Values");
  EXPECT_EQ(c.insert->data, "(1), (2)");
  ASSERT_OK_AND_ASSIGN(Statement d, ParseStatement("INSERT INTO t FORMAT Native"));
  EXPECT_EQ(d.insert->data, "");
  // After a VALUES statement, an INSERT ... FORMAT is the last statement.
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> e,
                       ParseStatements("INSERT INTO t VALUES (1); INSERT INTO t FORMAT CSV\n3"));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].insert->data, "3");
}

TEST(SqlParserTest, InsertSelect) {
  ASSERT_OK_AND_ASSIGN(Statement st,
                       ParseStatement("INSERT INTO t (a) SELECT number FROM numbers(3)"));
  ASSERT_NE(st.insert->select, nullptr);
  EXPECT_EQ(st.insert->format, "");
  EXPECT_EQ(st.insert->select->select[0]->ToString(), "number");
  ASSERT_OK_AND_ASSIGN(Statement w, ParseStatement("INSERT INTO t WITH 1 AS x SELECT x"));
  EXPECT_EQ(w.insert->select->with.size(), 1u);
}

TEST(SqlParserTest, CreateTable) {
  ASSERT_OK_AND_ASSIGN(
      Statement st,
      ParseStatement(
          "CREATE TABLE IF NOT EXISTS logs.requests (\n"
          "  time DateTime64(3, 'UTC') CODEC(Delta, ZSTD(3)),\n"
          "  host LowCardinality(String) COMMENT 'the host',\n"
          "  attrs Map(LowCardinality(String), String),\n"
          "  note String NULL,\n"
          "  code UInt16 NOT NULL DEFAULT 200,\n"
          "  day Date MATERIALIZED toDate(time),\n"
          "  hour ALIAS toStartOfHour(time),\n"
          "  tmp String EPHEMERAL,\n"
          "  ttl_col String TTL time + INTERVAL 1 DAY,\n"
          "  `index` UInt32,\n"
          "  index UInt8,\n"
          "  INDEX idx_host host TYPE bloom_filter(0.01) GRANULARITY 4,\n"
          "  INDEX idx_code (code, host) TYPE minmax\n"
          ") ENGINE = ReplacingMergeTree(time)\n"
          "PARTITION BY toYYYYMM(time)\n"
          "ORDER BY (host, time)\n"
          "PRIMARY KEY host\n"
          "TTL time + INTERVAL 30 DAY DELETE, time + INTERVAL 1 YEAR WHERE host = 'x'\n"
          "SETTINGS index_granularity = 8192\n"
          "COMMENT 'requests'"));
  ASSERT_EQ(st.kind, Statement::Kind::kCreateTable);
  const CreateTableQuery& c = *st.create;
  EXPECT_TRUE(c.if_not_exists);
  EXPECT_EQ(c.database, "logs");
  EXPECT_EQ(c.table, "requests");
  EXPECT_EQ(st.table, "requests");
  ASSERT_EQ(c.columns.size(), 11u);
  EXPECT_EQ(c.columns[0].name, "time");
  EXPECT_EQ(c.columns[0].type, "DateTime64(3, 'UTC')");
  EXPECT_EQ(c.columns[0].codec, "Delta, ZSTD(3)");
  EXPECT_EQ(c.columns[0].pos.line, 2);
  EXPECT_EQ(c.columns[0].pos.column, 3);
  EXPECT_EQ(c.columns[1].type, "LowCardinality(String)");
  EXPECT_EQ(c.columns[1].comment, "the host");
  EXPECT_EQ(c.columns[2].type, "Map(LowCardinality(String), String)");
  EXPECT_EQ(c.columns[3].type, "Nullable(String)");
  EXPECT_EQ(c.columns[4].type, "UInt16");
  EXPECT_EQ(c.columns[4].default_kind, "DEFAULT");
  EXPECT_EQ(c.columns[4].default_expr->ToString(), "200");
  EXPECT_EQ(c.columns[5].default_kind, "MATERIALIZED");
  EXPECT_EQ(c.columns[5].default_expr->ToString(), "toDate(time)");
  EXPECT_EQ(c.columns[6].type, "");
  EXPECT_EQ(c.columns[6].default_kind, "ALIAS");
  EXPECT_EQ(c.columns[7].default_kind, "EPHEMERAL");
  EXPECT_EQ(c.columns[7].default_expr, nullptr);
  EXPECT_EQ(c.columns[8].ttl->ToString(), "plus(time, toIntervalDay(1))");
  EXPECT_EQ(c.columns[9].name, "index");
  EXPECT_EQ(c.columns[10].name, "index");
  EXPECT_EQ(c.columns[10].type, "UInt8");
  ASSERT_EQ(c.indexes.size(), 2u);
  EXPECT_EQ(c.indexes[0].name, "idx_host");
  EXPECT_EQ(c.indexes[0].expr->ToString(), "host");
  EXPECT_EQ(c.indexes[0].type->ToString(), "bloom_filter(0.01)");
  EXPECT_EQ(c.indexes[0].granularity, 4u);
  EXPECT_EQ(c.indexes[1].expr->ToString(), "tuple(code, host)");
  EXPECT_EQ(c.indexes[1].type->kind, Expr::Kind::kIdentifier);
  EXPECT_EQ(c.indexes[1].granularity, 1u);
  EXPECT_EQ(c.engine->ToString(), "ReplacingMergeTree(time)");
  EXPECT_EQ(c.partition_by->ToString(), "toYYYYMM(time)");
  ASSERT_EQ(c.order_by.size(), 2u);
  EXPECT_EQ(c.order_by[0]->ToString(), "host");
  EXPECT_EQ(c.order_by[1]->ToString(), "time");
  ASSERT_EQ(c.primary_key.size(), 1u);
  ASSERT_EQ(c.ttl.size(), 2u);
  EXPECT_EQ(c.ttl[0].expr->ToString(), "plus(time, toIntervalDay(30))");
  EXPECT_EQ(c.ttl[0].where, nullptr);
  EXPECT_EQ(c.ttl[1].where->ToString(), "equals(host, 'x')");
  EXPECT_EQ(c.ttl[1].ToString(), "time + INTERVAL 1 YEAR WHERE host = 'x'");
  EXPECT_EQ(c.settings.values[0].first, "index_granularity");
  EXPECT_EQ(c.comment, "requests");
}

TEST(SqlParserTest, CreateTableVariants) {
  ASSERT_OK_AND_ASSIGN(Statement a, ParseStatement("CREATE TABLE t (x UInt8) ENGINE = MergeTree "
                                                   "ORDER BY tuple()"));
  EXPECT_EQ(a.create->engine->kind, Expr::Kind::kIdentifier);
  EXPECT_EQ(a.create->engine->ToString(), "MergeTree");
  EXPECT_TRUE(a.create->order_by.empty());
  EXPECT_EQ(a.create->database, "");
  ASSERT_OK_AND_ASSIGN(Statement b, ParseStatement("CREATE TABLE t (x UInt8, y String, "
                                                   "PRIMARY KEY (x, y)) ENGINE MergeTree() "
                                                   "ORDER BY x"));
  EXPECT_EQ(b.create->primary_key.size(), 2u);
  EXPECT_EQ(b.create->engine->ToString(), "MergeTree()");
  ASSERT_EQ(b.create->order_by.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Statement c, ParseStatement("CREATE TABLE t (id UInt64 PRIMARY KEY) "
                                                   "ENGINE = MergeTree"));
  ASSERT_EQ(c.create->primary_key.size(), 1u);
  EXPECT_EQ(c.create->primary_key[0]->ToString(), "id");
  ASSERT_OK_AND_ASSIGN(Statement d, ParseStatement("CREATE TABLE t ENGINE = MergeTree ORDER BY x "
                                                   "AS SELECT 1 AS x"));
  EXPECT_TRUE(d.create->columns.empty());
  ASSERT_NE(d.create->as_select, nullptr);
  ASSERT_OK_AND_ASSIGN(Statement e, ParseStatement("create table t (x UInt8) engine = MergeTree "
                                                   "order by (x)"));
  ASSERT_EQ(e.create->order_by.size(), 1u);
  EXPECT_EQ(e.create->order_by[0]->ToString(), "x");
  // The storage clauses come in any order.
  ASSERT_OK_AND_ASSIGN(Statement f, ParseStatement("CREATE TABLE t (x UInt8) ORDER BY x "
                                                   "ENGINE = MergeTree PARTITION BY x"));
  EXPECT_NE(f.create->partition_by, nullptr);
  EXPECT_STATUS(ParseStatement("CREATE TABLE t (x UInt8) ENGINE = A ENGINE = B"),
                absl::StatusCode::kInvalidArgument, "line 1, column 37: duplicate ENGINE clause");
  EXPECT_STATUS(ParseStatement("CREATE TABLE t (x UInt8 DEFAULT 1 DEFAULT 2)"),
                absl::StatusCode::kInvalidArgument, "duplicate DEFAULT for column 'x'");
  EXPECT_STATUS(ParseStatement("CREATE TABLE t (x)"), absl::StatusCode::kInvalidArgument,
                "line 1, column 18: expected type of column 'x', got ')'");
  EXPECT_STATUS(ParseStatement("CREATE TABLE t (x Nullable(String)"),
                absl::StatusCode::kInvalidArgument, "expected ',' or ')', got end of query");
  EXPECT_STATUS(ParseStatement("CREATE TABLE t (x UInt8, INDEX i x TYPE a.b)"),
                absl::StatusCode::kInvalidArgument, "expected index type");
  EXPECT_STATUS(ParseStatement("CREATE TABLE t (x UInt8, INDEX i x TYPE minmax GRANULARITY 0)"),
                absl::StatusCode::kInvalidArgument, "positive integer GRANULARITY");
}

TEST(SqlParserTest, OtherStatements) {
  struct Case {
    const char* sql;
    Statement::Kind kind;
    const char* database;
    const char* table;
  };
  using K = Statement::Kind;
  const Case kCases[] = {
      {"CREATE DATABASE logs", K::kCreateDatabase, "logs", ""},
      {"CREATE DATABASE IF NOT EXISTS logs ENGINE = Atomic", K::kCreateDatabase, "logs", ""},
      {"DROP TABLE t", K::kDropTable, "", "t"},
      {"DROP TABLE IF EXISTS db.t SYNC", K::kDropTable, "db", "t"},
      {"DROP DATABASE IF EXISTS d", K::kDropDatabase, "d", ""},
      {"TRUNCATE t", K::kTruncate, "", "t"},
      {"TRUNCATE TABLE IF EXISTS db.t", K::kTruncate, "db", "t"},
      {"SHOW TABLES", K::kShowTables, "", ""},
      {"SHOW TABLES FROM logs LIKE 'req%' FORMAT JSON", K::kShowTables, "logs", ""},
      {"SHOW DATABASES", K::kShowDatabases, "", ""},
      {"SHOW CREATE TABLE db.t", K::kShowCreateTable, "db", "t"},
      {"SHOW CREATE t", K::kShowCreateTable, "", "t"},
      {"DESCRIBE TABLE db.t", K::kDescribeTable, "db", "t"},
      {"DESC t FORMAT TSV", K::kDescribeTable, "", "t"},
      {"EXPLAIN SELECT 1", K::kExplain, "", ""},
      {"USE logs", K::kUse, "logs", ""},
      {"SET max_threads = 1, x = 'y'", K::kSet, "", ""},
      {"OPTIMIZE TABLE db.t FINAL", K::kOptimize, "db", "t"},
      {"EXISTS TABLE db.t", K::kExists, "db", "t"},
      {"EXISTS t", K::kExists, "", "t"},
      {"EXISTS VIEW db.v", K::kExists, "db", "v"},
      {"EXISTS view", K::kExists, "", "view"},
      {"DROP VIEW v", K::kDropView, "", "v"},
      {"DROP VIEW IF EXISTS db.v", K::kDropView, "db", "v"},
      {"SHOW CREATE VIEW db.v", K::kShowCreateTable, "db", "v"},
      {"SHOW CREATE view", K::kShowCreateTable, "", "view"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<Statement> st = ParseStatement(c.sql);
    ASSERT_OK(st);
    EXPECT_EQ(st->kind, c.kind) << c.sql;
    EXPECT_EQ(st->database, c.database) << c.sql;
    EXPECT_EQ(st->table, c.table) << c.sql;
  }
  ASSERT_OK_AND_ASSIGN(Statement create_db, ParseStatement("CREATE DATABASE IF NOT EXISTS d"));
  EXPECT_TRUE(create_db.if_not_exists);
  ASSERT_OK_AND_ASSIGN(Statement drop, ParseStatement("DROP TABLE IF EXISTS t"));
  EXPECT_TRUE(drop.if_exists);
  ASSERT_OK_AND_ASSIGN(Statement show,
                       ParseStatement("SHOW TABLES FROM logs LIKE 'r%' FORMAT JSON"));
  EXPECT_EQ(show.like, "r%");
  EXPECT_EQ(show.format, "JSON");
  ASSERT_OK_AND_ASSIGN(Statement set, ParseStatement("SET max_threads = 1, x = 'y'"));
  ASSERT_EQ(set.settings.values.size(), 2u);
  EXPECT_EQ(set.settings.values[1].second, Value::String("y"));
  ASSERT_OK_AND_ASSIGN(Statement opt, ParseStatement("OPTIMIZE TABLE t FINAL"));
  EXPECT_TRUE(opt.final);
  ASSERT_OK_AND_ASSIGN(Statement opt2, ParseStatement("OPTIMIZE TABLE t"));
  EXPECT_FALSE(opt2.final);
  EXPECT_EQ(opt2.partition_id, "");
  ASSERT_OK_AND_ASSIGN(Statement opt3, ParseStatement("OPTIMIZE TABLE db.t PARTITION ID '202610' FINAL"));
  EXPECT_EQ(opt3.partition_id, "202610");
  EXPECT_TRUE(opt3.final);
  // A partition named by its key's value, for OPTIMIZE and ALTER TABLE.
  ASSERT_OK_AND_ASSIGN(Statement opt4, ParseStatement("OPTIMIZE TABLE t PARTITION ('acme', 202610) FINAL"));
  ASSERT_NE(opt4.partition_value, nullptr);
  EXPECT_EQ(opt4.partition_value->ToString(), "tuple('acme', 202610)");
  EXPECT_TRUE(opt4.final);
  for (const char* verb : {"DROP", "DETACH", "ATTACH"}) {
    ASSERT_OK_AND_ASSIGN(Statement alter, ParseStatement(absl::StrCat("ALTER TABLE db.t ", verb, " PARTITION ID '202610'")));
    EXPECT_EQ(alter.alter_command, absl::StrCat(verb, " PARTITION"));
    EXPECT_EQ(alter.partition_id, "202610");
    EXPECT_EQ(alter.table, "t");
  }
  EXPECT_FALSE(ParseStatement("ALTER TABLE t DROP PARTITION ID 202610").ok());  // the ID is a string
  // Not supported yet, and said so with the position.
  EXPECT_EQ(ParseStatement("OPTIMIZE TABLE t FINAL DEDUPLICATE").status().code(), absl::StatusCode::kUnimplemented);
  // A collation would change the order; sorting by bytes instead would be a silent difference.
  absl::Status collate = ParseStatement("SELECT s FROM t ORDER BY s COLLATE 'en'").status();
  EXPECT_EQ(collate.code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(absl::StrContains(collate.message(), "COLLATE is not supported yet (line 1, column 28)")) << collate;
  // ClickHouse's clauses that tally lacks are "not supported yet", not syntax errors.
  for (const auto& [sql, said] : std::vector<std::pair<std::string, std::string>>{
           {"SELECT x FROM t ORDER BY x LIMIT 2 WITH TIES", "WITH TIES at line 1, column 36"},
           {"SELECT x FROM t SAMPLE 0.1", "SAMPLE at line 1, column 17"},
           {"SELECT x FROM t GROUP BY x WITH CUBE", "WITH CUBE"},
           {"SELECT x FROM a LEFT JOIN b USING x", "JOIN at line 1, column 17"},
           {"SELECT x FROM t ARRAY JOIN a", "ARRAY JOIN"},
           {"SELECT sum(x) OVER (PARTITION BY y) FROM t", "window functions (OVER)"},
           {"SELECT x FROM t QUALIFY x > 1", "QUALIFY"}}) {
    absl::Status st = ParseStatement(sql).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kUnimplemented) << sql;
    EXPECT_TRUE(absl::StrContains(st.message(), said + "")) << st;
    EXPECT_TRUE(absl::StrContains(st.message(), "is not supported yet")) << st;
  }
  EXPECT_EQ(ParseStatement("SELECT 1 garbage more").status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(Statement explain,
                       ParseStatement("EXPLAIN indexes = 1 SELECT x FROM t FORMAT TSV"));
  EXPECT_EQ(explain.explain_kind, "PLAN");
  ASSERT_EQ(explain.settings.values.size(), 1u);
  EXPECT_EQ(explain.settings.values[0].first, "indexes");
  EXPECT_EQ(explain.format, "TSV");
  EXPECT_EQ(explain.select->format, "");
  ASSERT_OK_AND_ASSIGN(Statement ast, ParseStatement("explain ast select 1"));
  EXPECT_EQ(ast.explain_kind, "AST");
  ASSERT_OK_AND_ASSIGN(Statement pipeline, ParseStatement("EXPLAIN PIPELINE SELECT 1"));
  EXPECT_EQ(pipeline.explain_kind, "PIPELINE");
  ASSERT_OK_AND_ASSIGN(Statement syntax, ParseStatement("EXPLAIN SYNTAX SELECT 1"));
  EXPECT_EQ(syntax.explain_kind, "SYNTAX");
}

TEST(SqlParserTest, CreateMaterializedView) {
  // TO a table; the SELECT's text is kept exactly as written, up to the end of the statement.
  const std::string select = "SELECT tenant, toStartOfHour(time) AS hour,\n  sum(value) AS total\nFROM db.raw  GROUP BY tenant, hour";
  ASSERT_OK_AND_ASSIGN(Statement to, ParseStatement(absl::StrCat("CREATE MATERIALIZED VIEW IF NOT EXISTS db.hourly_mv TO db.hourly AS ",
                                                                 select, " ;")));
  EXPECT_EQ(to.kind, Statement::Kind::kCreateView);
  ASSERT_NE(to.view, nullptr);
  EXPECT_TRUE(to.view->if_not_exists);
  EXPECT_EQ(to.view->database, "db");
  EXPECT_EQ(to.view->view, "hourly_mv");
  EXPECT_EQ(to.view->to_database, "db");
  EXPECT_EQ(to.view->to_table, "hourly");
  EXPECT_EQ(to.view->storage.engine, nullptr);
  EXPECT_FALSE(to.view->populate);
  EXPECT_EQ(to.view->select_text, select);
  ASSERT_NE(to.view->select, nullptr);
  EXPECT_EQ(to.view->select->from->table, "raw");
  // An inner table: ENGINE and storage clauses, POPULATE.
  ASSERT_OK_AND_ASSIGN(Statement inner, ParseStatement("create materialized view v ENGINE = AggregatingMergeTree "
                                                       "PARTITION BY toYYYYMM(d) ORDER BY (k, d) SETTINGS index_granularity = 128 "
                                                       "POPULATE AS SELECT k, d, uniqState(u) AS u FROM s GROUP BY k, d"));
  ASSERT_NE(inner.view, nullptr);
  EXPECT_TRUE(inner.view->to_table.empty());
  ASSERT_NE(inner.view->storage.engine, nullptr);
  EXPECT_EQ(inner.view->storage.engine->ToString(), "AggregatingMergeTree");
  EXPECT_EQ(inner.view->storage.order_by.size(), 2u);
  ASSERT_NE(inner.view->storage.partition_by, nullptr);
  EXPECT_EQ(inner.view->storage.settings.values.size(), 1u);
  EXPECT_TRUE(inner.view->populate);
  EXPECT_EQ(inner.view->select_text, "SELECT k, d, uniqState(u) AS u FROM s GROUP BY k, d");
  // Columns declared for the inner table; a SELECT under WITH and UNION ALL.
  ASSERT_OK_AND_ASSIGN(Statement columns, ParseStatement("CREATE MATERIALIZED VIEW v (k UInt32, n UInt64) ENGINE = "
                                                         "SummingMergeTree ORDER BY k AS WITH 2 AS two SELECT k, "
                                                         "count() * two AS n FROM s GROUP BY k UNION ALL SELECT 1, 2"));
  EXPECT_EQ(columns.view->storage.columns.size(), 2u);
  EXPECT_EQ(columns.view->select_text, "WITH 2 AS two SELECT k, count() * two AS n FROM s GROUP BY k UNION ALL SELECT 1, 2");
  // Errors.
  for (const char* bad : {"CREATE MATERIALIZED VIEW v AS SELECT 1",                              // no target
                          "CREATE MATERIALIZED VIEW v TO t ENGINE = MergeTree ORDER BY a AS SELECT a FROM s",
                          "CREATE MATERIALIZED VIEW v TO t SELECT a FROM s",                     // no AS
                          "CREATE MATERIALIZED VIEW v TO t AS INSERT INTO t VALUES (1)",
                          "CREATE MATERIALIZED v TO t AS SELECT a FROM s"}) {
    EXPECT_EQ(ParseStatement(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseStatement("CREATE VIEW v AS SELECT 1").status().code(), absl::StatusCode::kUnimplemented);
}

TEST(SqlParserTest, AlterIndexCommands) {
  ASSERT_OK_AND_ASSIGN(Statement add, ParseStatement("ALTER TABLE db.t ADD INDEX IF NOT EXISTS i lower(s) TYPE "
                                                     "ngrambf_v1(3, 512, 2, 0) GRANULARITY 4 AFTER j"));
  EXPECT_EQ(add.alter_command, "ADD INDEX");
  EXPECT_TRUE(add.if_not_exists);
  ASSERT_NE(add.index, nullptr);
  EXPECT_EQ(add.index->name, "i");
  EXPECT_EQ(add.index->expr->ToString(), "lower(s)");
  EXPECT_EQ(add.index->type->ToString(), "ngrambf_v1(3, 512, 2, 0)");
  EXPECT_EQ(add.index->granularity, 4u);
  EXPECT_EQ(add.index_after, "j");
  EXPECT_FALSE(add.index_first);
  ASSERT_OK_AND_ASSIGN(Statement first, ParseStatement("ALTER TABLE t ADD INDEX i s TYPE minmax FIRST"));
  EXPECT_TRUE(first.index_first);
  EXPECT_EQ(first.index->granularity, 1u);
  ASSERT_OK_AND_ASSIGN(Statement drop, ParseStatement("ALTER TABLE t DROP INDEX IF EXISTS i"));
  EXPECT_EQ(drop.alter_command, "DROP INDEX");
  EXPECT_TRUE(drop.if_exists);
  EXPECT_EQ(drop.index_name, "i");
  ASSERT_OK_AND_ASSIGN(Statement mat, ParseStatement("ALTER TABLE t MATERIALIZE INDEX i IN PARTITION ID '202610'"));
  EXPECT_EQ(mat.alter_command, "MATERIALIZE INDEX");
  EXPECT_EQ(mat.partition_id, "202610");
  ASSERT_OK_AND_ASSIGN(Statement mat2, ParseStatement("ALTER TABLE t MATERIALIZE INDEX i IN PARTITION 202610"));
  ASSERT_NE(mat2.partition_value, nullptr);
  // DROP PARTITION still parses as before.
  ASSERT_OK_AND_ASSIGN(Statement part, ParseStatement("ALTER TABLE t DROP PARTITION 202610"));
  EXPECT_EQ(part.alter_command, "DROP PARTITION");
  ASSERT_OK_AND_ASSIGN(Statement clear, ParseStatement("ALTER TABLE t CLEAR INDEX IF EXISTS i IN PARTITION ID '1'"));
  EXPECT_EQ(clear.alter_command, "CLEAR INDEX");
  EXPECT_EQ(clear.index_name, "i");
  EXPECT_TRUE(clear.if_exists);
  EXPECT_EQ(clear.partition_id, "1");
  EXPECT_FALSE(ParseStatement("ALTER TABLE t ADD INDEX i s").ok());  // TYPE is required
  EXPECT_FALSE(ParseStatement("ALTER TABLE t ADD INDEX i s TYPE minmax GRANULARITY 0").ok());
  EXPECT_FALSE(ParseStatement("ALTER TABLE t MATERIALIZE INDEX i IN 2026").ok());
}

TEST(SqlParserTest, StatementLists) {
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> none, ParseStatements(" ;; -- nothing\n"));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(std::vector<Statement> three,
                       ParseStatements("USE a; SELECT 1;\nSHOW TABLES;"));
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(three[2].pos.line, 2);
  ASSERT_OK(ParseStatement("SELECT 1;"));
  ASSERT_OK(ParseStatement("SELECT 1;;"));
  EXPECT_STATUS(ParseStatement("SELECT 1; SELECT 2"), absl::StatusCode::kInvalidArgument,
                "line 1, column 11: expected end of query (one statement only), got 'SELECT'");
  EXPECT_STATUS(ParseStatement(""), absl::StatusCode::kInvalidArgument,
                "line 1, column 1: expected a statement");
  EXPECT_STATUS(ParseExpression("a b"), absl::StatusCode::kInvalidArgument,
                "line 1, column 3: expected end of expression, got 'b'");
}

TEST(SqlParserTest, SyntaxErrorsNameTheTokenAndPosition) {
  const std::pair<const char*, const char*> kCases[] = {
      {"SELECT", "line 1, column 7: expected expression, got end of query"},
      {"SELECT 1 +", "line 1, column 11: expected expression, got end of query"},
      {"SELECT FROM t", "line 1, column 8: expected expression, got 'FROM'"},
      {"SELEC 1", "line 1, column 1: expected a statement (SELECT, INSERT, CREATE, DROP, SHOW, "
                  "...), got 'SELEC'"},
      {"SELECT (1, 2", "line 1, column 13: expected ',' or ')', got end of query"},
      {"SELECT f(1 2)", "line 1, column 12: expected ',' or ')', got '2'"},
      {"SELECT [1, 2", "line 1, column 13: expected ',' or ']', got end of query"},
      {"SELECT x\nFROM t\nWHERE a = = 1", "line 3, column 11: expected expression, got '='"},
      {"SELECT 'abc", "line 1, column 8: unterminated string literal"},
      {"SELECT `abc", "line 1, column 8: unterminated backquoted identifier"},
      {"SELECT \"abc", "line 1, column 8: unterminated quoted identifier"},
      {"SELECT 1 /* comment", "line 1, column 10: unterminated comment"},
      {"SELECT # comment", "line 1, column 8: unexpected character"},
      {"SELECT 12abc", "line 1, column 8: invalid number"},
      {"SELECT CASE END", "line 1, column 13: expected WHEN, got 'END'"},
      {"SELECT CASE WHEN 1 THEN 2", "line 1, column 26: expected END, got end of query"},
      {"SELECT x BETWEEN 1", "line 1, column 19: expected AND, got end of query"},
      {"SELECT x IS 1", "line 1, column 13: expected NULL, got '1'"},
      {"SELECT CAST(x AS)", "line 1, column 17: expected type name, got ')'"},
      {"SELECT x::", "line 1, column 11: expected type name, got end of query"},
      {"SELECT CAST(x AS Array(String)", "line 1, column 31: expected ')', got end of query"},
      {"SELECT INTERVAL 1 FORTNIGHT", "line 1, column 19: expected interval unit"},
      {"SELECT INTERVAL 'five minutes'", "line 1, column 17: expected an interval such as"},
      {"SELECT {x}", "line 1, column 10: expected ':' and the parameter's type, got '}'"},
      {"SELECT {x:}", "line 1, column 11: expected the parameter's type, got '}'"},
      {"SELECT a ? b", "line 1, column 13: expected ':' of the ?: operator, got end of query"},
      {"SELECT x.", "line 1, column 10: expected tuple element number or name after '.'"},
      {"SELECT 1 UNION SELECT 2", "line 1, column 16: expected ALL (only UNION ALL"},
      {"SELECT * FROM", "line 1, column 14: expected table name, got end of query"},
      {"SELECT * FROM (SELECT 1", "line 1, column 24: expected ')' after the subquery"},
      {"SELECT x AS", "line 1, column 12: expected alias, got end of query"},
      {"SELECT 1 SETTINGS a", "line 1, column 20: expected '=' after the setting name"},
      {"SELECT 1 SETTINGS a = b", "line 1, column 23: expected literal value, got 'b'"},
      {"SELECT x ORDER BY x NULLS", "line 1, column 26: expected FIRST or LAST"},
      {"INSERT t VALUES", "line 1, column 8: expected INTO, got 't'"},
      {"INSERT INTO t", "line 1, column 14: expected VALUES, FORMAT or SELECT, got end of query"},
      {"INSERT INTO t (a VALUES (1)", "line 1, column 18: expected ',' or ')', got 'VALUES'"},
      {"INSERT INTO t FORMAT", "line 1, column 21: expected format name, got end of query"},
      {"CREATE INDEX i", "line 1, column 8: expected TABLE, DATABASE or MATERIALIZED VIEW, got 'INDEX'"},
      {"CREATE MATERIALIZED TABLE t", "line 1, column 21: expected VIEW after MATERIALIZED, got 'TABLE'"},
      {"CREATE MATERIALIZED VIEW v TO t ENGINE = Null AS SELECT 1",
       "line 1, column 33: a materialized view with TO writes to that table and takes no ENGINE"},
      {"DROP t", "line 1, column 6: expected TABLE, VIEW or DATABASE, got 't'"},
      {"SHOW x", "line 1, column 6: expected TABLES, DATABASES or CREATE, got 'x'"},
      {"OPTIMIZE t", "line 1, column 10: expected TABLE, got 't'"},
      {"OPTIMIZE TABLE t PARTITION ID 5", "line 1, column 31: expected partition ID string, got '5'"},
      {"OPTIMIZE TABLE t PARTITION ID ''", "line 1, column 31: empty partition ID"},
      {"EXPLAIN INSERT INTO t VALUES", "line 1, column 9: expected SELECT, got 'INSERT'"},
      {"USE", "line 1, column 4: expected database name, got end of query"},
      {"SELECT 1 2", "line 1, column 10: expected ';' or end of query, got '2'"},
      {"SELECT 1 '\x01\xff'", "line 1, column 10: expected ';' or end of query, got "
                            "''\\x01\\xFF''"},
      {"SELECT \x01", "line 1, column 8: unexpected character"},
      {"SELECT a, NOT", "line 1, column 14: expected expression, got end of query"},
  };
  for (const auto& [sql, want] : kCases) {
    absl::StatusOr<std::vector<Statement>> r = ParseStatements(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << sql;
    EXPECT_EQ(std::string(r.status().message()).rfind("Syntax error at ", 0), 0u)
        << r.status().message();
    EXPECT_NE(std::string(r.status().message()).find(want), std::string::npos)
        << sql << "\n  got: " << r.status().message() << "\n  want: " << want;
  }
}

TEST(SqlParserTest, LongTokensAreShortenedInMessages) {
  std::string sql = absl::StrCat("SELECT f(1 ", std::string(1000, 'x'), ")");
  absl::StatusOr<Statement> st = ParseStatement(sql);
  ASSERT_FALSE(st.ok());
  EXPECT_LT(st.status().message().size(), 200u);
  EXPECT_NE(std::string(st.status().message()).find("xxx...'"), std::string::npos);
}

}  // namespace
}  // namespace tally::engine::sql
