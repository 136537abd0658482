// Row ordering helpers (engine/sql/order.h): DISTINCT and LIMIT BY on exact values, and
// WITH FILL's ranges, interval steps and groups.
#include "engine/sql/order.h"

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
  spec.step = Value::Int(-2);
  EXPECT_EQ(FillKey(Col("UInt64", UInts({6, 3, 0})), spec), UInts({6, 4, 3, 2, 0}));
  spec.step = Value::Int(2);
  EXPECT_STATUS(FillRows({Col("UInt64", UInts({6, 3, 0}))}, spec),
                absl::StatusCode::kInvalidArgument, "must be negative");
  spec.step = Value::Int(0);
  EXPECT_STATUS(FillRows({Col("UInt64", UInts({6, 3, 0}))}, spec),
                absl::StatusCode::kInvalidArgument, "must not be zero");
  spec = FillSpec{};
  spec.step = Value::Float(0.5);
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
