// Tests for engine/exec/arithmetic_functions.cc, logical_functions.cc and
// rounding_functions.cc: values and
// result types as ClickHouse gives them.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

TEST(ArithmeticTest, PlusWidensUnsigned) {
  TALLY_EXPECT_CALL(Call("plus", {Vec("UInt8", {U(255), U(1)}), Vec("UInt8", {U(1), U(2)})}), "UInt16",
                    (std::vector<Value>{U(256), U(3)}));
  EXPECT_EQ(*TypeOfCall("plus", {Vec("UInt16", {}), Vec("UInt8", {})}), "UInt32");
  EXPECT_EQ(*TypeOfCall("plus", {Vec("UInt32", {}), Vec("UInt8", {})}), "UInt64");
  EXPECT_EQ(*TypeOfCall("plus", {Vec("UInt64", {}), Vec("UInt64", {})}), "UInt64");
  EXPECT_EQ(*TypeOfCall("plus", {Vec("UInt8", {}), Vec("Int8", {})}), "Int16");
  EXPECT_EQ(*TypeOfCall("plus", {Vec("Int32", {}), Vec("UInt32", {})}), "Int64");
  EXPECT_EQ(*TypeOfCall("plus", {Vec("Float32", {}), Vec("UInt8", {})}), "Float64");
  EXPECT_EQ(*TypeOfCall("multiply", {Vec("UInt8", {}), Vec("UInt8", {})}), "UInt16");
  EXPECT_EQ(*TypeOfCall("minus", {Vec("UInt8", {}), Vec("UInt8", {})}), "Int16");
  EXPECT_EQ(*TypeOfCall("divide", {Vec("UInt8", {}), Vec("UInt8", {})}), "Float64");
}

TEST(ArithmeticTest, SixtyFourBitsWrap) {
  TALLY_EXPECT_CALL(Call("plus", {Vec("UInt64", {U(UINT64_MAX)}), Const("UInt8", U(1))}), "UInt64",
                    (std::vector<Value>{U(0)}));
  TALLY_EXPECT_CALL(Call("multiply", {Vec("Int64", {I(INT64_MAX)}), Const("Int8", I(2))}), "Int64",
                    (std::vector<Value>{I(-2)}));
  TALLY_EXPECT_CALL(Call("minus", {Vec("UInt8", {U(1)}), Vec("UInt8", {U(2)})}), "Int16", (std::vector<Value>{I(-1)}));
}

TEST(ArithmeticTest, ConstantsOnEitherSide) {
  TALLY_EXPECT_CALL(Call("minus", {Const("UInt8", U(10)), Vec("UInt8", {U(1), U(2), U(3)})}), "Int16",
                    (std::vector<Value>{I(9), I(8), I(7)}));
  TALLY_EXPECT_CALL(Call("minus", {Vec("Int32", {I(1), I(2)}), Const("UInt8", U(10))}), "Int64",
                    (std::vector<Value>{I(-9), I(-8)}));
  TALLY_EXPECT_CALL(Call("plus", {Const("UInt8", U(1)), Const("UInt8", U(2))}, 3), "UInt16",
                    (std::vector<Value>{U(3), U(3), U(3)}));
}

TEST(ArithmeticTest, FloatsAndDivide) {
  TALLY_EXPECT_CALL(Call("plus", {Vec("Float64", {F(0.5)}), Vec("Int8", {I(-2)})}), "Float64",
                    (std::vector<Value>{F(-1.5)}));
  TALLY_EXPECT_CALL(Call("divide", {Vec("Int32", {I(7), I(1), I(-1), I(0)}), Const("UInt8", U(0))}), "Float64",
                    (std::vector<Value>{F(INFINITY), F(INFINITY), F(-INFINITY), F(NAN)}));
  TALLY_EXPECT_CALL(Call("divide", {Vec("UInt64", {U(7)}), Vec("Float32", {F(2)})}), "Float64",
                    (std::vector<Value>{F(3.5)}));
}

TEST(ArithmeticTest, IntDivAndModulo) {
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Int32", {I(7), I(-7)}), Const("UInt8", U(2))}), "Int32",
                    (std::vector<Value>{I(3), I(-3)}));
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("UInt64", {U(UINT64_MAX)}), Const("Int8", I(-1))}), "Int64",
                    (std::vector<Value>{I(1)}));  // 2^64 - 1 read as Int64 is -1
  // Unsigned by signed: the dividend is read as the signed type of its width.
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("UInt8", {U(200), U(7)}), Const("Int8", I(-2))}), "Int8",
                    (std::vector<Value>{I(28), I(-3)}));
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("UInt16", {U(40000)}), Vec("Int16", {I(-2)})}), "Int16",
                    (std::vector<Value>{I(12768)}));
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Int8", {I(-100)}), Const("UInt8", U(200))}), "Int8",
                    (std::vector<Value>{I(1)}));  // 200 read as Int8 -56
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Int8", {I(-100)}), Const("UInt64", U(200))}), "Int8",
                    (std::vector<Value>{I(0)}));
  EXPECT_STATUS(Call("intDiv", {Vec("UInt8", {U(128)}), Const("Int8", I(-1))}), absl::StatusCode::kInvalidArgument,
                "intDiv: Division of minimal signed number by minus one");
  TALLY_EXPECT_CALL(Call("intDivOrZero", {Vec("UInt8", {U(128)}), Const("Int8", I(-1))}), "Int8",
                    (std::vector<Value>{I(0)}));
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Float64", {F(7.9)}), Const("UInt8", U(2))}), "Int64",
                    (std::vector<Value>{I(3)}));
  TALLY_EXPECT_CALL(Call("modulo", {Vec("Int32", {I(-199), I(7)}), Const("UInt8", U(200))}), "Int16",
                    (std::vector<Value>{I(-199), I(7)}));
  TALLY_EXPECT_CALL(Call("modulo", {Vec("UInt32", {U(10)}), Vec("UInt8", {U(3)})}), "UInt8", (std::vector<Value>{U(1)}));
  TALLY_EXPECT_CALL(Call("modulo", {Vec("Int64", {I(INT64_MIN + 1)}), Const("Int8", I(-1))}), "Int16",
                    (std::vector<Value>{I(0)}));  // INT64_MIN by -1 is an error (integer_division_test.cc)
  TALLY_EXPECT_CALL(Call("modulo", {Vec("Float64", {F(7.5)}), Const("UInt8", U(2))}), "Float64",
                    (std::vector<Value>{F(1.5)}));
  // a - trunc(a / b) * b, not fmod: no -0, and 1e20 % 3 is 0.
  TALLY_EXPECT_CALL(Call("modulo", {Vec("Float64", {F(-5), F(5.3), F(1e20)}), Vec("Float64", {F(2.5), F(0.1), F(3)})}),
                    "Float64", (std::vector<Value>{F(0), F(0.09999999999999964), F(0)}));
}

TEST(ArithmeticTest, IntegerDivisionByZeroIsAnError) {
  EXPECT_STATUS(Call("intDiv", {Vec("Int32", {I(1), I(2)}), Vec("Int32", {I(1), I(0)})}),
                absl::StatusCode::kInvalidArgument, "intDiv: Division by zero");
  EXPECT_STATUS(Call("modulo", {Vec("UInt8", {U(1)}), Const("UInt8", U(0))}), absl::StatusCode::kInvalidArgument,
                "modulo: Division by zero");
  EXPECT_STATUS(Call("intDiv", {Vec("Float64", {F(1)}), Const("Float64", F(0))}), absl::StatusCode::kInvalidArgument,
                "Division by zero");
  // A zero divisor in a NULL row is no error.
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("UInt8", {U(4), U(4)}), Vec("Nullable(UInt8)", {U(2), N()})}),
                    "Nullable(UInt8)", (std::vector<Value>{U(2), N()}));
}

TEST(ArithmeticTest, NullsPropagate) {
  TALLY_EXPECT_CALL(Call("plus", {Vec("Nullable(UInt8)", {U(1), N(), U(3)}), Const("UInt8", U(1))}),
                    "Nullable(UInt16)", (std::vector<Value>{U(2), N(), U(4)}));
  TALLY_EXPECT_CALL(Call("multiply", {Vec("Nullable(Int32)", {I(2), N()}), Vec("Nullable(Int8)", {N(), I(3)})}),
                    "Nullable(Int64)", (std::vector<Value>{N(), N()}));
  TALLY_EXPECT_CALL(Call("plus", {Vec("UInt8", {U(1), U(2)}), Const("Nullable(UInt8)", N())}), "Nullable(UInt16)",
                    (std::vector<Value>{N(), N()}));
  TALLY_EXPECT_CALL(Call("negate", {Vec("Nullable(Int8)", {I(5), N()})}), "Nullable(Int8)",
                    (std::vector<Value>{I(-5), N()}));
}

TEST(ArithmeticTest, NegateAndAbs) {
  TALLY_EXPECT_CALL(Call("negate", {Vec("UInt8", {U(200)})}), "Int16", (std::vector<Value>{I(-200)}));
  TALLY_EXPECT_CALL(Call("negate", {Vec("Int64", {I(INT64_MIN), I(3)})}), "Int64",
                    (std::vector<Value>{I(INT64_MIN), I(-3)}));
  TALLY_EXPECT_CALL(Call("negate", {Vec("Float32", {F(1.5)})}), "Float32", (std::vector<Value>{F(-1.5)}));
  TALLY_EXPECT_CALL(Call("abs", {Vec("Int8", {I(-128), I(5), I(-5)})}), "UInt8",
                    (std::vector<Value>{U(128), U(5), U(5)}));
  TALLY_EXPECT_CALL(Call("abs", {Const("Float64", F(-2.5))}, 2), "Float64", (std::vector<Value>{F(2.5), F(2.5)}));
}

TEST(ArithmeticTest, DatesMoveByDaysAndSeconds) {
  // 2026-10-01 is day 20727; 00:00:00 that day is 1790812800.
  TALLY_EXPECT_CALL(Call("plus", {Vec("Date", {U(20727)}), Const("UInt8", U(1))}), "Date", (std::vector<Value>{U(20728)}));
  TALLY_EXPECT_CALL(Call("plus", {Const("Int8", I(-1)), Vec("Date", {U(20727)})}), "Date", (std::vector<Value>{U(20726)}));
  TALLY_EXPECT_CALL(Call("minus", {Vec("DateTime('UTC')", {U(1790812800)}), Const("UInt16", U(3600))}),
                    "DateTime('UTC')", (std::vector<Value>{U(1790809200)}));
  TALLY_EXPECT_CALL(Call("plus", {Vec("DateTime64(3)", {I(1000)}), Const("UInt8", U(2))}), "DateTime64(3)",
                    (std::vector<Value>{I(3000)}));
  TALLY_EXPECT_CALL(Call("minus", {Vec("Date", {U(20727)}), Vec("Date", {U(20720)})}), "Int32", (std::vector<Value>{I(7)}));
  TALLY_EXPECT_CALL(Call("minus", {Vec("DateTime", {U(100)}), Vec("DateTime", {U(160)})}), "Int64",
                    (std::vector<Value>{I(-60)}));
  // Date against DateTime: the Date becomes its midnight.
  TALLY_EXPECT_CALL(Call("minus", {Vec("DateTime", {U(86400 + 30)}), Const("Date", U(1))}), "Int64",
                    (std::vector<Value>{I(30)}));
  EXPECT_STATUS(Call("multiply", {Vec("Date", {U(1)}), Const("UInt8", U(2))}), absl::StatusCode::kInvalidArgument,
                "multiply: cannot multiply Date and UInt8");
}

TEST(ArithmeticTest, ErrorsNameTheFunction) {
  EXPECT_STATUS(Call("plus", {Vec("String", {S("a")}), Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "plus: cannot add String and UInt8");
  EXPECT_STATUS(Call("plus", {Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "plus: expected 2 arguments, got 1");
  EXPECT_STATUS(Call("abs", {Vec("String", {S("a")})}), absl::StatusCode::kInvalidArgument,
                "abs: argument 1 has type String");
}

TEST(LogicalTest, AndOrXorNot) {
  Arg a = Vec("UInt8", {U(0), U(0), U(1), U(1)});
  Arg b = Vec("Int32", {I(0), I(-5), I(0), I(7)});
  TALLY_EXPECT_CALL(Call("and", {a, b}), "UInt8", (std::vector<Value>{U(0), U(0), U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("or", {a, b}), "UInt8", (std::vector<Value>{U(0), U(1), U(1), U(1)}));
  TALLY_EXPECT_CALL(Call("xor", {a, b}), "UInt8", (std::vector<Value>{U(0), U(1), U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("not", {b}), "UInt8", (std::vector<Value>{U(1), U(0), U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("and", {a, b, Const("Float64", F(0.5))}), "UInt8", (std::vector<Value>{U(0), U(0), U(0), U(1)}));
  EXPECT_STATUS(Call("and", {a}), absl::StatusCode::kInvalidArgument, "and: expected at least 2 arguments, got 1");
  EXPECT_STATUS(Call("or", {a, Vec("String", {S(""), S(""), S(""), S("")})}), absl::StatusCode::kInvalidArgument,
                "or: argument 2 has type String");
}

TEST(LogicalTest, ThreeValuedNulls) {
  Arg x = Vec("Nullable(UInt8)", {N(), N(), N(), U(1)});
  Arg y = Vec("UInt8", {U(0), U(1), U(1), U(0)});
  TALLY_EXPECT_CALL(Call("and", {x, y}), "Nullable(UInt8)", (std::vector<Value>{U(0), N(), N(), U(0)}));
  TALLY_EXPECT_CALL(Call("or", {x, y}), "Nullable(UInt8)", (std::vector<Value>{N(), U(1), U(1), U(1)}));
  TALLY_EXPECT_CALL(Call("xor", {x, y}), "Nullable(UInt8)", (std::vector<Value>{N(), N(), N(), U(1)}));
  TALLY_EXPECT_CALL(Call("not", {x}), "Nullable(UInt8)", (std::vector<Value>{N(), N(), N(), U(0)}));
  TALLY_EXPECT_CALL(Call("or", {y, Const("Nullable(UInt8)", N())}), "Nullable(UInt8)",
                    (std::vector<Value>{N(), U(1), U(1), N()}));
}

TEST(RoundingTest, FloatsTiesToEvenInTheirOwnPrecision) {
  Arg x = Vec("Float64", {F(2.5), F(3.5), F(-2.5), F(2.675), F(-0.4)});
  TALLY_EXPECT_CALL(Call("round", {x}), "Float64", (std::vector<Value>{F(2), F(4), F(-2), F(3), F(-0.0)}));
  TALLY_EXPECT_CALL(Call("round", {x, Const("UInt8", U(2))}), "Float64",
                    (std::vector<Value>{F(2.5), F(3.5), F(-2.5), F(2.68), F(-0.4)}));
  TALLY_EXPECT_CALL(Call("floor", {Vec("Float64", {F(-1.5), F(1234.5)}), Const("Int8", I(-2))}), "Float64",
                    (std::vector<Value>{F(-100), F(1200)}));
  TALLY_EXPECT_CALL(Call("ceil", {Vec("Float64", {F(1.21)}), Const("UInt8", U(1))}), "Float64",
                    (std::vector<Value>{F(1.3)}));
  TALLY_EXPECT_CALL(Call("trunc", {Vec("Float64", {F(-1.7)})}), "Float64", (std::vector<Value>{F(-1)}));
  TALLY_EXPECT_CALL(Call("round", {Vec("Float32", {F(2.345)}), Const("UInt8", U(2))}), "Float32",
                    (std::vector<Value>{F(static_cast<double>(2.34f))}));
}

TEST(RoundingTest, IntegersRoundToTensAwayFromZero) {
  Arg x = Vec("Int64", {I(15), I(25), I(-15), I(-25), I(7)});
  TALLY_EXPECT_CALL(Call("round", {x, Const("Int8", I(-1))}), "Int64",
                    (std::vector<Value>{I(20), I(30), I(-20), I(-30), I(10)}));
  TALLY_EXPECT_CALL(Call("floor", {x, Const("Int8", I(-1))}), "Int64",
                    (std::vector<Value>{I(10), I(20), I(-20), I(-30), I(0)}));
  TALLY_EXPECT_CALL(Call("ceil", {x, Const("Int8", I(-1))}), "Int64",
                    (std::vector<Value>{I(20), I(30), I(-10), I(-20), I(10)}));
  TALLY_EXPECT_CALL(Call("trunc", {x, Const("Int8", I(-1))}), "Int64",
                    (std::vector<Value>{I(10), I(20), I(-10), I(-20), I(0)}));
  TALLY_EXPECT_CALL(Call("round", {Vec("UInt8", {U(255), U(7)})}), "UInt8", (std::vector<Value>{U(255), U(7)}));
  TALLY_EXPECT_CALL(Call("round", {Vec("UInt8", {U(255)}), Const("Int8", I(-1))}), "UInt8",
                    (std::vector<Value>{U(4)}));  // 260 wraps, as ClickHouse
  TALLY_EXPECT_CALL(Call("round", {Vec("UInt64", {U(1234)}), Const("Int8", I(-25))}), "UInt64",
                    (std::vector<Value>{U(0)}));
  EXPECT_STATUS(Call("round", {x, Vec("Int8", {I(1), I(1), I(1), I(1), I(1)})}), absl::StatusCode::kInvalidArgument,
                "constant integer");
  EXPECT_STATUS(Call("round", {Vec("String", {S("1")})}), absl::StatusCode::kInvalidArgument, "a number");
}

}  // namespace
}  // namespace tally::engine::exec
