// Row ordering helpers (engine/sql/order.h): DISTINCT and LIMIT BY on exact values.
#include "engine/sql/order.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "format/types.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

using format::Column;
using format::Value;

Column Col(absl::string_view type, const std::vector<Value>& values) {
  absl::StatusOr<format::DataTypePtr> t = format::ParseDataType(type);
  EXPECT_TRUE(t.ok()) << type;
  Column c = Column::Make(*t);
  for (const Value& v : values) EXPECT_OK(c.AppendValue(v));
  return c;
}

TEST(DistinctRowsTest, ComparesEveryDigitAndByte) {
  Column f =
      Col("Float64", {Value::Float(1.0000001), Value::Float(1.0000002), Value::Float(1.0000001)});
  EXPECT_EQ(DistinctRows({&f}, f.size()), (std::vector<uint32_t>{0, 1}));
  const std::string prefix(70, 'a');
  Column s = Col("String", {Value::String(prefix + "x"), Value::String(prefix + "y"),
                            Value::String(prefix + "z"), Value::String(prefix + "y")});
  EXPECT_EQ(DistinctRows({&s}, s.size()), (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(LimitByRows({&s}, s.size(), 1, 0), (std::vector<uint32_t>{0, 1, 2}));
}

TEST(DistinctRowsTest, FloatsByBitsAndNullApartFromDefault) {
  // As ClickHouse: -0 and 0 differ, equal NaNs do not.
  Column f = Col("Float64", {Value::Float(-0.0), Value::Float(0.0), Value::Float(NAN),
                             Value::Float(NAN), Value::Float(0.0)});
  EXPECT_EQ(DistinctRows({&f}, f.size()), (std::vector<uint32_t>{0, 1, 2}));
  Column n = Col("Nullable(Int32)", {Value(), Value::Int(0), Value::Int(0), Value()});
  EXPECT_EQ(DistinctRows({&n}, n.size()), (std::vector<uint32_t>{0, 1}));
  Column s = Col("LowCardinality(Nullable(String))", {Value(), Value::String(""), Value()});
  EXPECT_EQ(DistinctRows({&s}, s.size()), (std::vector<uint32_t>{0, 1}));
}

}  // namespace
}  // namespace tally::engine::sql
