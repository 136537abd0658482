// Tests for format/types.h (DataType, ParseDataType) and format/value.h (Value).
#include "format/types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "format/value.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

// --- ParseDataType round trips -------------------------------------------------------

class TypesRoundTripTest : public ::testing::TestWithParam<const char*> {};

TEST_P(TypesRoundTripTest, ToStringOfParseIsTheCanonicalText) {
  const std::string text = GetParam();
  ASSERT_OK_AND_ASSIGN(DataTypePtr type, ParseDataType(text));
  EXPECT_EQ(type->ToString(), text);
  ASSERT_OK_AND_ASSIGN(DataTypePtr again, ParseDataType(type->ToString()));
  EXPECT_TRUE(again->Equals(*type)) << again->ToString();
  EXPECT_TRUE(type->Equals(*again));
}

INSTANTIATE_TEST_SUITE_P(
    EveryType, TypesRoundTripTest,
    ::testing::Values("UInt8", "UInt16", "UInt32", "UInt64", "Int8", "Int16", "Int32", "Int64",
                      "Float32", "Float64", "Bool", "Date", "DateTime", "DateTime('UTC')",
                      "DateTime64(0)", "DateTime64(3)", "DateTime64(9, 'Europe/Berlin')", "UUID",
                      "String", "LowCardinality(String)", "LowCardinality(Nullable(String))",
                      "Nullable(Int32)", "Nullable(String)", "Nullable(UUID)", "Array(UInt8)",
                      "Array(Array(String))", "Array(Nullable(Float64))",
                      "Array(LowCardinality(Nullable(String)))",
                      "Map(LowCardinality(String), String)", "Map(String, Array(Nullable(Int64)))",
                      "Map(UInt64, Map(Date, DateTime64(6, 'UTC')))", "Map(UUID, Bool)"));

struct Expectation {
  const char* text;
  TypeId id;
  size_t fixed_width;
  bool is_integer;
  bool is_signed;
  bool is_float;
  bool is_time;
};

TEST(TypesTest, ScalarTypesHaveTheirIdAndProperties) {
  const Expectation cases[] = {
      {"UInt8", TypeId::kUInt8, 1, true, false, false, false},
      {"UInt16", TypeId::kUInt16, 2, true, false, false, false},
      {"UInt32", TypeId::kUInt32, 4, true, false, false, false},
      {"UInt64", TypeId::kUInt64, 8, true, false, false, false},
      {"Int8", TypeId::kInt8, 1, true, true, false, false},
      {"Int16", TypeId::kInt16, 2, true, true, false, false},
      {"Int32", TypeId::kInt32, 4, true, true, false, false},
      {"Int64", TypeId::kInt64, 8, true, true, false, false},
      {"Float32", TypeId::kFloat32, 4, false, true, true, false},
      {"Float64", TypeId::kFloat64, 8, false, true, true, false},
      {"Bool", TypeId::kBool, 1, false, false, false, false},
      {"Date", TypeId::kDate, 2, false, false, false, true},
      {"DateTime", TypeId::kDateTime, 4, false, false, false, true},
      {"DateTime64(3)", TypeId::kDateTime64, 8, false, true, false, true},
      {"UUID", TypeId::kUUID, 16, false, false, false, false},
      {"String", TypeId::kString, 0, false, false, false, false},
      {"LowCardinality(String)", TypeId::kLowCardinality, 0, false, false, false, false},
      {"Nullable(Int8)", TypeId::kNullable, 0, false, false, false, false},
      {"Array(Int8)", TypeId::kArray, 0, false, false, false, false},
      {"Map(String, String)", TypeId::kMap, 0, false, false, false, false},
  };
  for (const Expectation& e : cases) {
    SCOPED_TRACE(e.text);
    ASSERT_OK_AND_ASSIGN(DataTypePtr t, ParseDataType(e.text));
    EXPECT_EQ(t->id(), e.id);
    EXPECT_EQ(t->fixed_width(), e.fixed_width);
    EXPECT_EQ(t->is_fixed_width(), e.fixed_width != 0);
    EXPECT_EQ(t->is_integer(), e.is_integer);
    EXPECT_EQ(t->is_signed(), e.is_signed);
    EXPECT_EQ(t->is_float(), e.is_float);
    EXPECT_EQ(t->is_time(), e.is_time);
  }
}

TEST(TypesTest, NestedTypesExposeChildrenPrecisionAndTimezone) {
  ASSERT_OK_AND_ASSIGN(DataTypePtr t, ParseDataType("DateTime64(9, 'Europe/Berlin')"));
  EXPECT_EQ(t->precision(), 9);
  EXPECT_EQ(t->timezone(), "Europe/Berlin");

  ASSERT_OK_AND_ASSIGN(t, ParseDataType("DateTime('UTC')"));
  EXPECT_EQ(t->timezone(), "UTC");
  EXPECT_FALSE(t->Equals(*DataType::DateTime()));
  EXPECT_TRUE(t->Equals(*DataType::DateTime("UTC")));

  ASSERT_OK_AND_ASSIGN(t, ParseDataType("Map(LowCardinality(String), Array(Nullable(Int32)))"));
  ASSERT_EQ(t->children().size(), 2u);
  EXPECT_EQ(t->child(0).id(), TypeId::kLowCardinality);
  EXPECT_FALSE(t->child(0).is_nullable_low_cardinality());
  EXPECT_EQ(t->child(1).id(), TypeId::kArray);
  EXPECT_EQ(t->child(1).child(0).id(), TypeId::kNullable);
  EXPECT_EQ(t->child(1).child(0).child(0).id(), TypeId::kInt32);

  ASSERT_OK_AND_ASSIGN(t, ParseDataType("LowCardinality(Nullable(String))"));
  EXPECT_TRUE(t->is_nullable_low_cardinality());
}

TEST(TypesTest, EqualsComparesTheWholeTree) {
  EXPECT_FALSE(DataType::DateTime64(3)->Equals(*DataType::DateTime64(6)));
  EXPECT_FALSE(DataType::DateTime64(3, "UTC")->Equals(*DataType::DateTime64(3)));
  EXPECT_FALSE(DataType::Make(TypeId::kInt32)->Equals(*DataType::Make(TypeId::kUInt32)));
  auto a = DataType::Array(DataType::Array(DataType::Make(TypeId::kString)));
  auto b = DataType::Array(DataType::Array(DataType::Make(TypeId::kString)));
  auto c = DataType::Array(DataType::Array(DataType::Make(TypeId::kUUID)));
  EXPECT_TRUE(a->Equals(*b));
  EXPECT_FALSE(a->Equals(*c));
  auto m1 = DataType::Map(DataType::Make(TypeId::kString), DataType::Make(TypeId::kInt8));
  auto m2 = DataType::Map(DataType::Make(TypeId::kString), DataType::Make(TypeId::kInt16));
  EXPECT_FALSE(m1->Equals(*m2));
}

TEST(TypesTest, AcceptsWhitespaceAndPrintsCanonically) {
  ASSERT_OK_AND_ASSIGN(
      DataTypePtr t,
      ParseDataType("  Map( LowCardinality ( String ) ,\tArray(Nullable( Int32 )) ) "));
  EXPECT_EQ(t->ToString(), "Map(LowCardinality(String), Array(Nullable(Int32)))");
  ASSERT_OK_AND_ASSIGN(t, ParseDataType("DateTime64( 3 ,'UTC' )"));
  EXPECT_EQ(t->ToString(), "DateTime64(3, 'UTC')");
  ASSERT_OK_AND_ASSIGN(t, ParseDataType("DateTime ( 'Asia/Tokyo' )"));
  EXPECT_EQ(t->ToString(), "DateTime('Asia/Tokyo')");
}

TEST(TypesTest, TimezoneQuotesAreEscapedAndRoundTrip) {
  DataTypePtr t = DataType::DateTime64(3, "it's a \\ zone");
  EXPECT_EQ(t->ToString(), "DateTime64(3, 'it\\'s a \\\\ zone')");
  ASSERT_OK_AND_ASSIGN(DataTypePtr back, ParseDataType(t->ToString()));
  EXPECT_EQ(back->timezone(), "it's a \\ zone");
  EXPECT_TRUE(back->Equals(*t));
}

TEST(TypesTest, SqlAliasesAreCaseInsensitive) {
  const std::pair<const char*, const char*> cases[] = {
      {"BOOLEAN", "Bool"},      {"boolean", "Bool"},      {"bool", "Bool"},
      {"TINYINT", "Int8"},      {"SMALLINT", "Int16"},    {"INT", "Int32"},
      {"int", "Int32"},         {"Integer", "Int32"},     {"BIGINT", "Int64"},
      {"FLOAT", "Float32"},     {"REAL", "Float32"},      {"DOUBLE", "Float64"},
      {"TEXT", "String"},       {"VarChar", "String"},    {"CHAR", "String"},
      {"BLOB", "String"},       {"TIMESTAMP", "DateTime"}, {"Array(INT)", "Array(Int32)"},
      {"Nullable(text)", "Nullable(String)"},
      {"LowCardinality(VARCHAR)", "LowCardinality(String)"},
      {"Map(TEXT, BIGINT)", "Map(String, Int64)"},
  };
  for (const auto& [text, canonical] : cases) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(DataTypePtr t, ParseDataType(text));
    EXPECT_EQ(t->ToString(), canonical);
  }
}

// --- ParseDataType errors ------------------------------------------------------------

struct ErrorCase {
  std::string text;
  std::string message;   // substring of the error
  std::string position;  // "position N"
};

TEST(TypesTest, ParseErrorsAreInvalidArgumentWithPosition) {
  const ErrorCase cases[] = {
      {"", "expected a type name", "position 1"},
      {"   ", "expected a type name", "position 4"},
      {"@#!", "expected a type name", "position 1"},
      {"(", "expected a type name", "position 1"},
      {"Int32 garbage", "unexpected text after the type", "position 7"},
      {"Int32)", "unexpected text after the type", "position 6"},
      {"Foo", "unknown type 'Foo'", "position 1"},
      {"Array(Foo)", "unknown type 'Foo'", "position 7"},
      {"UINT8", "unknown type 'UINT8'", "position 1"},
      {"Nullable(Array(String))", "Nullable(Array(String)) is not allowed", "position 1"},
      {"Nullable(Nullable(Int8))", "is not allowed", "position 1"},
      {"Nullable(LowCardinality(String))", "is not allowed", "position 1"},
      {"Nullable(Map(String, String))", "is not allowed", "position 1"},
      {"Array(Nullable(Array(Int8)))", "is not allowed", "position 7"},
      {"LowCardinality(UInt8)", "LowCardinality supports String and Nullable(String), not UInt8",
       "position 1"},
      {"LowCardinality(Nullable(Int32))", "not Nullable(Int32)", "position 1"},
      {"LowCardinality(LowCardinality(String))", "LowCardinality supports", "position 1"},
      {"Array(String", "expected ')'", "position 13"},
      {"Array(", "expected a type name", "position 7"},
      {"Array", "expected '('", "position 6"},
      {"Map(String)", "expected ','", "position 11"},
      {"Map(String, String", "expected ')'", "position 19"},
      {"Map(Float64, String)", "Map key type Float64 is not supported", "position 1"},
      {"Map(Nullable(String), String)", "is not supported", "position 1"},
      {"Map(LowCardinality(Nullable(String)), String)", "is not supported", "position 1"},
      {"Map(Array(String), String)", "is not supported", "position 1"},
      {"DateTime64", "expected '('", "position 11"},
      {"DateTime64()", "expected a number", "position 12"},
      {"DateTime64(3", "expected ')'", "position 13"},
      {"DateTime64(10)", "precision must be 0..9", "position 14"},
      {"DateTime64(1234567890)", "number too large", "position 21"},
      {"DateTime64(3, UTC)", "expected a quoted string", "position 15"},
      {"DateTime('UTC", "unterminated string", "position 14"},
      {"DateTime(UTC)", "expected a quoted string", "position 10"},
      {"DateTime('UTC'", "expected ')'", "position 15"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.text);
    auto result = ParseDataType(c.text);
    EXPECT_STATUS(result, absl::StatusCode::kInvalidArgument, c.message);
    EXPECT_STATUS(result, absl::StatusCode::kInvalidArgument, c.position);
    // The message quotes the text it was given.
    EXPECT_STATUS(result, absl::StatusCode::kInvalidArgument, "type '" + c.text + "'");
  }
}

std::string Nested(int depth, const std::string& leaf) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += "Array(";
  text += leaf;
  text.append(depth, ')');
  return text;
}

TEST(TypesTest, DeepNestingIsRefusedNotACrash) {
  EXPECT_STATUS(ParseDataType(Nested(100, "UInt8")), absl::StatusCode::kInvalidArgument,
                "nested too deeply");
  EXPECT_STATUS(ParseDataType(Nested(100000, "UInt8")), absl::StatusCode::kInvalidArgument,
                "nested too deeply");
  EXPECT_STATUS(ParseDataType(std::string(100000, '(')), absl::StatusCode::kInvalidArgument,
                "expected a type name");
  // Moderate nesting is fine.
  ASSERT_OK_AND_ASSIGN(DataTypePtr t, ParseDataType(Nested(20, "UInt8")));
  EXPECT_EQ(t->ToString(), Nested(20, "UInt8"));
}

TEST(TypesTest, UnknownIdPrintsAsUnknown) {
  EXPECT_EQ(DataType::Make(static_cast<TypeId>(99))->ToString(), "Unknown(99)");
}

// --- Value ---------------------------------------------------------------------------

TEST(ValueTest, EqualityIsKindAwareAndNanAware) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Value::Float(nan), Value::Float(-nan));
  EXPECT_NE(Value::Float(0.0), Value::Float(-0.0));
  EXPECT_EQ(Value::Float(-0.0), Value::Float(-0.0));
  EXPECT_NE(Value::UInt(1), Value::Int(1));
  EXPECT_NE(Value::Int(1), Value::Float(1));
  EXPECT_EQ(Value::Null(), Value());
  EXPECT_NE(Value::Null(), Value::String(""));
  EXPECT_NE(Value::Array({}), Value::Map({}));
  EXPECT_EQ(Value::Array({Value::Int(1), Value::Null()}),
            Value::Array({Value::Int(1), Value::Null()}));
  EXPECT_NE(Value::Array({Value::Int(1)}), Value::Array({Value::Int(1), Value::Int(1)}));
}

TEST(ValueTest, CompareValuesIsATotalOrderAcrossKinds) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  // Ascending.
  const Value ordered[] = {
      Value::Null(),
      Value::Float(-inf),
      Value::Int(std::numeric_limits<int64_t>::min()),
      Value::Int(-1),
      Value::Float(-0.5),
      Value::UInt(0),
      Value::Float(0.5),
      Value::Int(1),
      Value::UInt(2),
      Value::Int(std::numeric_limits<int64_t>::max()),
      Value::UInt(uint64_t{1} << 63),
      Value::UInt(std::numeric_limits<uint64_t>::max()),
      Value::Float(inf),
      Value::Float(nan),
      Value::String(""),
      Value::String(std::string("\0", 1)),
      Value::String("a"),
      Value::String("ab"),
      Value::String("\xff"),
      Value::Array({}),
      Value::Array({Value::Int(1)}),
      Value::Array({Value::Int(1), Value::Null()}),
      Value::Array({Value::Int(2)}),
      Value::Map({}),
      Value::Map({Value::String("k"), Value::Int(1)}),
  };
  const size_t n = std::size(ordered);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      int want = a < b ? -1 : (a > b ? 1 : 0);
      EXPECT_EQ(CompareValues(ordered[a], ordered[b]), want)
          << ordered[a].DebugString() << " vs " << ordered[b].DebugString();
    }
  }
  // Equal numbers of different kinds compare equal.
  EXPECT_EQ(CompareValues(Value::UInt(7), Value::Int(7)), 0);
  EXPECT_EQ(CompareValues(Value::Int(7), Value::Float(7.0)), 0);
  EXPECT_EQ(CompareValues(Value::Float(nan), Value::Float(nan)), 0);
}

TEST(ValueTest, DebugStringShowsEveryKind) {
  EXPECT_EQ(Value::Null().DebugString(), "NULL");
  EXPECT_EQ(Value::UInt(42).DebugString(), "42");
  EXPECT_EQ(Value::Int(-42).DebugString(), "-42");
  EXPECT_EQ(Value::Float(1.5).DebugString(), "1.5");
  EXPECT_EQ(Value::String("a'\n").DebugString(), "'a\\'\\n'");
  EXPECT_EQ(Value::Array({Value::Int(1), Value::Null()}).DebugString(), "[1,NULL]");
  EXPECT_EQ(Value::Map({Value::String("k"), Value::UInt(1), Value::String("j"), Value::UInt(2)})
                .DebugString(),
            "{'k':1,'j':2}");
  std::string long_string(1000, 'x');
  EXPECT_LT(Value::String(long_string).DebugString().size(), 100u);
}

}  // namespace
}  // namespace tally::format

namespace tally::format {
namespace {

// --- Aggregate-function types ------------------------------------------------------

INSTANTIATE_TEST_SUITE_P(
    AggregateTypes, TypesRoundTripTest,
    ::testing::Values("AggregateFunction(sum, UInt64)", "AggregateFunction(count)",
                      "AggregateFunction(argMax, Float64, DateTime)", "AggregateFunction(uniq, String)",
                      "AggregateFunction(quantiles(0.5, 0.9), Float64)", "AggregateFunction(quantile(0.25), UInt64)",
                      "AggregateFunction(groupArray(5), String)", "AggregateFunction(sumIf, UInt64, UInt8)",
                      "AggregateFunction(sum, Nullable(UInt64))", "SimpleAggregateFunction(max, UInt64)",
                      "SimpleAggregateFunction(anyLast, Nullable(String))",
                      "SimpleAggregateFunction(min, LowCardinality(String))"));

TEST(TypesTest, AggregateTypesAreAnnotationsOnTheirPhysicalType) {
  ASSERT_OK_AND_ASSIGN(DataTypePtr state, ParseDataType("AggregateFunction( quantiles(0.5,1), Float64 )"));
  EXPECT_EQ(state->ToString(), "AggregateFunction(quantiles(0.5, 1), Float64)");
  EXPECT_EQ(state->id(), TypeId::kString);
  EXPECT_TRUE(state->is_aggregate_state());
  EXPECT_EQ(state->aggregate()->function, "quantiles");
  EXPECT_EQ(state->WithoutAggregate()->ToString(), "String");
  EXPECT_FALSE(state->Equals(*DataType::Make(TypeId::kString)));
  ASSERT_OK_AND_ASSIGN(DataTypePtr other, ParseDataType("AggregateFunction(quantiles(0.5, 0.9), Float64)"));
  EXPECT_FALSE(state->Equals(*other));

  ASSERT_OK_AND_ASSIGN(DataTypePtr simple, ParseDataType("SimpleAggregateFunction(sum, Nullable(UInt32))"));
  EXPECT_EQ(simple->id(), TypeId::kNullable);
  EXPECT_EQ(simple->child(0).id(), TypeId::kUInt32);
  EXPECT_FALSE(simple->is_aggregate_state());
  EXPECT_TRUE(simple->aggregate()->simple);
  EXPECT_EQ(simple->WithoutAggregate()->ToString(), "Nullable(UInt32)");
}

TEST(TypesTest, BadAggregateTypesAreRefused) {
  EXPECT_STATUS(ParseDataType("SimpleAggregateFunction(uniq, UInt64)"), absl::StatusCode::kInvalidArgument,
                "Unsupported aggregate function uniq");
  EXPECT_STATUS(ParseDataType("Nullable(AggregateFunction(sum, UInt64))"), absl::StatusCode::kInvalidArgument,
                "inside Nullable is not supported");
  EXPECT_STATUS(ParseDataType("Array(SimpleAggregateFunction(max, UInt8))"), absl::StatusCode::kInvalidArgument,
                "inside Array is not supported");
  EXPECT_STATUS(ParseDataType("AggregateFunction(sum, UInt64"), absl::StatusCode::kInvalidArgument, "expected ')'");
  EXPECT_STATUS(ParseDataType("AggregateFunction(quantiles(0.5x), Float64)"), absl::StatusCode::kInvalidArgument,
                "bad parameter");
  EXPECT_STATUS(ParseDataType("AggregateFunction()"), absl::StatusCode::kInvalidArgument, "aggregate function name");
}

}  // namespace
}  // namespace tally::format
