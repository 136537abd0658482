// Row ordering helpers (engine/sql/order.h): ORDER BY's comparison of arrays, maps, NaN and
// NULL (orders as ClickHouse 26.9 gives them), DISTINCT and LIMIT BY on exact values, and
// WITH FILL's ranges, interval steps and groups.
#include "engine/query/order.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/exec/time_zone_util.h"
#include "engine/sql/parser.h"
#include "format/types.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

using exec::IntervalUnit;
using format::Column;
using format::Value;

Column Col(absl::string_view type, const std::vector<Value>& values) {
  absl::StatusOr<format::DataTypePtr> t = format::ParseDataType(type);
  EXPECT_TRUE(t.ok()) << type;
  Column c = Column::Make(*t);
  for (const Value& v : values) EXPECT_OK(c.AppendValue(v));
  return c;
}

std::vector<Value> Values(const Column& c) {
  std::vector<Value> out;
  for (size_t r = 0; r < c.size(); ++r) out.push_back(c.GetValue(r));
  return out;
}

std::vector<Value> UInts(std::initializer_list<uint64_t> v) {
  std::vector<Value> out;
  for (uint64_t x : v) out.push_back(Value::UInt(x));
  return out;
}

Value Day(int64_t y, int m, int d) {
  return Value::UInt(static_cast<uint64_t>(exec::FromCivil(y, m, d)));
}
Value Time(int64_t y, int m, int d, int hour, int minute = 0) {
  return Value::UInt(
      static_cast<uint64_t>(exec::FromCivil(y, m, d) * 86400 + hour * 3600 + minute * 60));
}

// The key column after WITH FILL on it alone.
std::vector<Value> FillKey(const Column& key, FillSpec spec) {
  spec.key_column = 0;
  absl::StatusOr<std::vector<Column>> out = FillRows({key}, spec);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? Values((*out)[0]) : std::vector<Value>{};
}

// The rows of `c` in the order of OrderRows on it alone, whole and as a top-2.
std::vector<Value> Ordered(const Column& c, bool descending, bool nulls_first) {
  const std::vector<SortKey> keys = {SortKey{&c, descending, nulls_first}};
  absl::StatusOr<std::vector<uint32_t>> order = OrderRows(keys, c.size(), std::nullopt);
  EXPECT_TRUE(order.ok()) << order.status();
  absl::StatusOr<std::vector<uint32_t>> top = OrderRows(keys, c.size(), 2);
  EXPECT_TRUE(top.ok()) << top.status();
  std::vector<Value> out;
  for (uint32_t r : order.value_or(std::vector<uint32_t>{})) out.push_back(c.GetValue(r));
  if (order.ok() && top.ok()) {
    EXPECT_EQ(*top, std::vector<uint32_t>(order->begin(), order->begin() + 2));
  }
  return out;
}

std::vector<std::string> Texts(const std::vector<Value>& values) {
  std::vector<std::string> out;
  for (const Value& v : values) out.push_back(v.DebugString());
  return out;
}

Value Ints(std::initializer_list<int64_t> v) {
  std::vector<Value> out;
  for (int64_t x : v) out.push_back(Value::Int(x));
  return Value::Array(out);
}

TEST(OrderRowsTest, ArraysElementByElementShorterPrefixFirst) {
  Column c = Col("Array(Int64)", {Ints({3}), Ints({1, 2}), Ints({1}), Ints({}), Ints({1, 2, 3}),
                                  Ints({2}), Ints({1, 1})});
  const std::vector<Value> asc = {Ints({}),  Ints({1}), Ints({1, 1}), Ints({1, 2}),
                                  Ints({1, 2, 3}), Ints({2}), Ints({3})};
  EXPECT_EQ(Texts(Ordered(c, false, false)), Texts(asc));
  EXPECT_EQ(Texts(Ordered(c, true, false)), Texts({asc.rbegin(), asc.rend()}));
  Column s = Col("Array(String)", {Value::Array({Value::String("b")}),
                                   Value::Array({Value::String("a"), Value::String("c")}),
                                   Value::Array({Value::String("a")}), Value::Array({})});
  EXPECT_EQ(Texts(Ordered(s, false, false)),
            Texts({Value::Array({}), Value::Array({Value::String("a")}),
                   Value::Array({Value::String("a"), Value::String("c")}),
                   Value::Array({Value::String("b")})}));
  Column nested = Col("Array(Array(Int64))", {Value::Array({Ints({1}), Ints({2})}),
                                              Value::Array({Ints({1})}), Value::Array({Ints({0, 5})}),
                                              Value::Array({Ints({})}), Value::Array({})});
  EXPECT_EQ(Texts(Ordered(nested, false, false)),
            Texts({Value::Array({}), Value::Array({Ints({})}), Value::Array({Ints({0, 5})}),
                   Value::Array({Ints({1})}), Value::Array({Ints({1}), Ints({2})})}));
}

TEST(OrderRowsTest, NullElementsGoWhereNullsFirstOrLastSays) {
  const Value n = Value::Null(), one = Value::Int(1), two = Value::Int(2);
  Column c = Col("Array(Nullable(Int64))",
                 {Value::Array({one, n}), Value::Array({n}), Value::Array({one}), Value::Array({n, one}),
                  Value::Array({}), Value::Array({one, two}), Value::Array({two, n})});
  // ClickHouse: SELECT x FROM (SELECT arrayJoin([[1,NULL],[NULL],[1],[NULL,1],[],[1,2],[2,NULL]]) AS x)
  // ORDER BY x [DESC] [NULLS FIRST].
  EXPECT_EQ(Texts(Ordered(c, false, false)),
            Texts({Value::Array({}), Value::Array({one}), Value::Array({one, two}),
                   Value::Array({one, n}), Value::Array({two, n}), Value::Array({n}),
                   Value::Array({n, one})}));
  EXPECT_EQ(Texts(Ordered(c, true, false)),
            Texts({Value::Array({two, n}), Value::Array({one, two}), Value::Array({one, n}),
                   Value::Array({one}), Value::Array({n, one}), Value::Array({n}), Value::Array({})}));
  EXPECT_EQ(Texts(Ordered(c, false, true)),
            Texts({Value::Array({}), Value::Array({n}), Value::Array({n, one}), Value::Array({one}),
                   Value::Array({one, n}), Value::Array({one, two}), Value::Array({two, n})}));
}

TEST(OrderRowsTest, MapsByTheirEntriesInOrder) {
  auto map = [](std::initializer_list<int64_t> kv) {
    std::vector<Value> pairs;
    for (int64_t x : kv) pairs.push_back(Value::Int(x));
    return Value::Map(pairs);
  };
  Column c = Col("Map(Int64, Int64)", {map({1, 2}), map({0, 5}), map({1, 1, 0, 0}), map({})});
  EXPECT_EQ(Texts(Ordered(c, false, false)),
            Texts({map({}), map({0, 5}), map({1, 1, 0, 0}), map({1, 2})}));
}

TEST(OrderRowsTest, NanAndNullFollowNullsFirstOrLastInBothDirections) {
  const Value nan = Value::Float(NAN), null = Value::Null();
  const Value inf = Value::Float(INFINITY), minf = Value::Float(-INFINITY);
  const std::vector<Value> values = {Value::Float(1), nan, minf, Value::Float(0), inf, nan,
                                     Value::Float(-1), Value::Float(2)};
  for (const char* type : {"Float64", "Float32"}) {
    SCOPED_TRACE(type);
    Column c = Col(type, values);
    EXPECT_EQ(Texts(Ordered(c, false, false)),
              Texts({minf, Value::Float(-1), Value::Float(0), Value::Float(1), Value::Float(2), inf,
                     nan, nan}));
    EXPECT_EQ(Texts(Ordered(c, true, false)),
              Texts({inf, Value::Float(2), Value::Float(1), Value::Float(0), Value::Float(-1), minf,
                     nan, nan}));
    EXPECT_EQ(Texts(Ordered(c, false, true)),
              Texts({nan, nan, minf, Value::Float(-1), Value::Float(0), Value::Float(1),
                     Value::Float(2), inf}));
    EXPECT_EQ(Texts(Ordered(c, true, true)),
              Texts({nan, nan, inf, Value::Float(2), Value::Float(1), Value::Float(0),
                     Value::Float(-1), minf}));
  }
  // NULL is beyond NaN: numbers, NaN, NULL or NULL, NaN, numbers.
  Column n = Col("Nullable(Float64)", {Value::Float(1), nan, null, Value::Float(-1), nan, null});
  EXPECT_EQ(Texts(Ordered(n, false, false)),
            Texts({Value::Float(-1), Value::Float(1), nan, nan, null, null}));
  EXPECT_EQ(Texts(Ordered(n, true, false)),
            Texts({Value::Float(1), Value::Float(-1), nan, nan, null, null}));
  EXPECT_EQ(Texts(Ordered(n, false, true)),
            Texts({null, null, nan, nan, Value::Float(-1), Value::Float(1)}));
  EXPECT_EQ(Texts(Ordered(n, true, true)),
            Texts({null, null, nan, nan, Value::Float(1), Value::Float(-1)}));
  Column a = Col("Array(Float64)", {Value::Array({nan, Value::Float(1)}), Value::Array({Value::Float(1), nan}),
                                    Value::Array({Value::Float(1), Value::Float(2)}), Value::Array({nan}),
                                    Value::Array({inf})});
  EXPECT_EQ(Texts(Ordered(a, true, false)),
            Texts({Value::Array({inf}), Value::Array({Value::Float(1), Value::Float(2)}),
                   Value::Array({Value::Float(1), nan}), Value::Array({nan, Value::Float(1)}),
                   Value::Array({nan})}));
}

TEST(OrderRowsTest, LowCardinalityNullsFirstOrLast) {
  Column c = Col("LowCardinality(Nullable(String))",
                 {Value::String("b"), Value::Null(), Value::String("a")});
  EXPECT_EQ(Texts(Ordered(c, false, false)),
            Texts({Value::String("a"), Value::String("b"), Value::Null()}));
  EXPECT_EQ(Texts(Ordered(c, true, false)),
            Texts({Value::String("b"), Value::String("a"), Value::Null()}));
  EXPECT_EQ(Texts(Ordered(c, false, true)),
            Texts({Value::Null(), Value::String("a"), Value::String("b")}));
  EXPECT_EQ(Texts(Ordered(c, true, true)),
            Texts({Value::Null(), Value::String("b"), Value::String("a")}));
}

TEST(DistinctRowsTest, ComparesEveryDigitAndByte) {
  Column f =
      Col("Float64", {Value::Float(1.0000001), Value::Float(1.0000002), Value::Float(1.0000001)});
  EXPECT_EQ(*DistinctRows({&f}, f.size()), (std::vector<uint32_t>{0, 1}));
  const std::string prefix(70, 'a');
  Column s = Col("String", {Value::String(prefix + "x"), Value::String(prefix + "y"),
                            Value::String(prefix + "z"), Value::String(prefix + "y")});
  EXPECT_EQ(*DistinctRows({&s}, s.size()), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(*LimitByRows({&s}, s.size(), 1, 0), (std::vector<uint32_t>{0, 1, 2}));
}

TEST(DistinctRowsTest, FloatsByBitsAndNullApartFromDefault) {
  // As ClickHouse: -0 and 0 differ, equal NaNs do not.
  Column f = Col("Float64", {Value::Float(-0.0), Value::Float(0.0), Value::Float(NAN),
                             Value::Float(NAN), Value::Float(0.0)});
  EXPECT_EQ(*DistinctRows({&f}, f.size()), (std::vector<uint32_t>{0, 1, 2}));
  Column n = Col("Nullable(Int32)", {Value(), Value::Int(0), Value::Int(0), Value()});
  EXPECT_EQ(*DistinctRows({&n}, n.size()), (std::vector<uint32_t>{0, 1}));
  Column s = Col("LowCardinality(Nullable(String))", {Value(), Value::String(""), Value()});
  EXPECT_EQ(*DistinctRows({&s}, s.size()), (std::vector<uint32_t>{0, 1}));
}

TEST(FillRowsTest, WithoutToStopsAtTheLastKey) {
  FillSpec spec;
  spec.step = Value::UInt(2);
  EXPECT_EQ(FillKey(Col("UInt64", UInts({0, 3, 6, 9})), spec), UInts({0, 2, 3, 4, 6, 8, 9}));
  spec.to = Value::UInt(12);
  EXPECT_EQ(FillKey(Col("UInt64", UInts({0, 3, 6, 9})), spec), UInts({0, 2, 3, 4, 6, 8, 9, 10}));
}

TEST(FillRowsTest, StepSignFollowsTheOrder) {
  FillSpec spec;
  spec.descending = true;
  spec.step.emplace(Value::Int(-2));  // emplace: GCC 12 warns on assigning (maybe-uninitialized)
  EXPECT_EQ(FillKey(Col("UInt64", UInts({6, 3, 0})), spec), UInts({6, 4, 3, 2, 0}));
  spec.step.emplace(Value::Int(2));
  EXPECT_STATUS(FillRows({Col("UInt64", UInts({6, 3, 0}))}, spec),
                absl::StatusCode::kInvalidArgument, "must be negative");
  spec.step.emplace(Value::Int(0));
  EXPECT_STATUS(FillRows({Col("UInt64", UInts({6, 3, 0}))}, spec),
                absl::StatusCode::kInvalidArgument, "must not be zero");
  spec = FillSpec{};
  spec.step.emplace(Value::Float(0.5));
  EXPECT_STATUS(FillRows({Col("UInt64", UInts({6}))}, spec), absl::StatusCode::kInvalidArgument,
                "does not fit the key's type UInt64");
}

TEST(FillRowsTest, SplitFillStepKeepsTheIntervalUnit) {
  ASSERT_OK_AND_ASSIGN(ExprPtr step, ParseExpression("INTERVAL 1 HOUR"));
  FillStepExpr split = SplitFillStep(step);
  EXPECT_EQ(split.unit, IntervalUnit::kHour);
  ASSERT_NE(split.amount, nullptr);
  EXPECT_EQ(split.amount->ToString(), "1");
  ASSERT_OK_AND_ASSIGN(ExprPtr plain, ParseExpression("3600"));
  split = SplitFillStep(plain);
  EXPECT_EQ(split.unit, std::nullopt);
  EXPECT_EQ(split.amount, plain);
  EXPECT_EQ(SplitFillStep(nullptr).amount, nullptr);
}

TEST(FillRowsTest, HourStepOnDateTime) {
  FillSpec spec;
  spec.step = Value::Int(1);
  spec.step_unit = IntervalUnit::kHour;
  Column t = Col("DateTime('UTC')", {Time(2026, 10, 1, 0), Time(2026, 10, 1, 2)});
  EXPECT_EQ(FillKey(t, spec),
            (std::vector<Value>{Time(2026, 10, 1, 0), Time(2026, 10, 1, 1), Time(2026, 10, 1, 2)}));
  spec.step = Value::Int(30);
  spec.step_unit = IntervalUnit::kMinute;
  EXPECT_EQ(FillKey(t, spec).size(), 5u);
  // DateTime64(3): an interval of milliseconds is one tick.
  spec.step = Value::Int(1);
  spec.step_unit = IntervalUnit::kMillisecond;
  Column t64 = Col("DateTime64(3, 'UTC')", {Value::Int(1000), Value::Int(1003)});
  EXPECT_EQ(FillKey(t64, spec), (std::vector<Value>{Value::Int(1000), Value::Int(1001),
                                                    Value::Int(1002), Value::Int(1003)}));
  // A plain number is seconds on DateTime64.
  spec.step_unit.reset();
  Column t64s = Col("DateTime64(3, 'UTC')", {Value::Int(0), Value::Int(2003)});
  EXPECT_EQ(FillKey(t64s, spec), (std::vector<Value>{Value::Int(0), Value::Int(1000),
                                                     Value::Int(2000), Value::Int(2003)}));
}

TEST(FillRowsTest, MonthStepsAddToThePreviousValue) {
  FillSpec spec;
  spec.step = Value::Int(1);
  spec.step_unit = IntervalUnit::kMonth;
  // Jan 31 + 1 month = Feb 28, + 1 month = Mar 28.
  Column d = Col("Date", {Day(2026, 1, 31), Day(2026, 5, 11)});
  EXPECT_EQ(FillKey(d, spec),
            (std::vector<Value>{Day(2026, 1, 31), Day(2026, 2, 28), Day(2026, 3, 28),
                                Day(2026, 4, 28), Day(2026, 5, 11)}));
  spec.step_unit = IntervalUnit::kQuarter;
  Column q = Col("Date", {Day(2026, 1, 31), Day(2026, 8, 19)});
  EXPECT_EQ(FillKey(q, spec), (std::vector<Value>{Day(2026, 1, 31), Day(2026, 4, 30),
                                                  Day(2026, 7, 30), Day(2026, 8, 19)}));
  spec.step_unit = IntervalUnit::kYear;
  Column y = Col("DateTime('UTC')", {Time(2026, 1, 31, 10), Time(2027, 6, 1, 0)});
  EXPECT_EQ(FillKey(y, spec), (std::vector<Value>{Time(2026, 1, 31, 10), Time(2027, 1, 31, 10),
                                                  Time(2027, 6, 1, 0)}));
}

TEST(FillRowsTest, DayStepKeepsTheLocalTimeAcrossAnOffsetChange) {
  FillSpec spec;
  spec.step = Value::Int(1);
  spec.step_unit = IntervalUnit::kDay;
  // Europe/Berlin leaves summer time on 2026-10-25: 12:00 CEST is 10:00 UTC, 12:00 CET 11:00.
  Column t = Col("DateTime('Europe/Berlin')", {Time(2026, 10, 24, 10), Time(2026, 10, 27, 10)});
  EXPECT_EQ(FillKey(t, spec), (std::vector<Value>{Time(2026, 10, 24, 10), Time(2026, 10, 25, 11),
                                                  Time(2026, 10, 26, 11), Time(2026, 10, 27, 10)}));
  // Without a zone in the type, the session's.
  spec.time_zone = "Europe/Berlin";
  Column plain = Col("DateTime", {Time(2026, 10, 24, 10), Time(2026, 10, 26, 12)});
  EXPECT_EQ(FillKey(plain, spec),
            (std::vector<Value>{Time(2026, 10, 24, 10), Time(2026, 10, 25, 11),
                                Time(2026, 10, 26, 11), Time(2026, 10, 26, 12)}));
}

TEST(FillRowsTest, IntervalStepNeedsATimeKeyAndADayForDates) {
  FillSpec spec;
  spec.step = Value::Int(1);
  spec.step_unit = IntervalUnit::kHour;
  EXPECT_STATUS(FillRows({Col("UInt64", UInts({0, 2}))}, spec), absl::StatusCode::kInvalidArgument,
                "needs a Date or DateTime key");
  EXPECT_STATUS(FillRows({Col("Date", {Day(2026, 1, 1)})}, spec),
                absl::StatusCode::kInvalidArgument, "shorter than a day");
}

TEST(FillRowsTest, FillsWithinGroupsOfTheEarlierSortKeys) {
  // ORDER BY k, n WITH FILL: k = 0 holds n = 0, 2, 4; k = 1 holds 1, 3, 6; k = 2 holds 5.
  Column k = Col("UInt64", UInts({0, 0, 0, 1, 1, 1, 2}));
  Column n = Col("UInt64", UInts({0, 2, 4, 1, 3, 6, 5}));
  Column s = Col("String", std::vector<Value>(7, Value::String("x")));
  FillSpec spec;
  spec.key_column = 1;
  spec.group_columns = {0};
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, FillRows({k, n, s}, spec));
  EXPECT_EQ(Values(out[0]), UInts({0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2}));
  EXPECT_EQ(Values(out[1]), UInts({0, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 5}));
  EXPECT_EQ(out[2].GetValue(1), Value::String(""));
  EXPECT_EQ(out[2].GetValue(2), Value::String("x"));
  // FROM and TO apply to every group.
  spec.from = Value::UInt(0);
  spec.to = Value::UInt(8);
  spec.step = Value::UInt(3);
  ASSERT_OK_AND_ASSIGN(out, FillRows({k, n, s}, spec));
  EXPECT_EQ(Values(out[0]), UInts({0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}));
  EXPECT_EQ(Values(out[1]), UInts({0, 2, 3, 4, 6, 0, 1, 3, 6, 0, 3, 5, 6}));
}

TEST(FillRowsTest, EachRowItsOwnGroup) {
  Column n = Col("UInt64", UInts({0, 5, 10}));
  Column k = Col("UInt64", UInts({0, 1, 2}));
  FillSpec spec;
  spec.key_column = 0;
  spec.group_columns = {1};
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, FillRows({n, k}, spec));
  EXPECT_EQ(Values(out[0]), UInts({0, 5, 10}));
}

}  // namespace
}  // namespace tally::engine::sql
