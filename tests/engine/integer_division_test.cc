// intDiv, modulo, intDivOrZero and moduloOrZero where integer division has no answer:
// by zero, and the smallest value of a signed type by -1. ClickHouse (checked with chDB
// 4.4) raises ILLEGAL_DIVISION for both in intDiv and modulo, whatever the result type,
// and the OrZero functions answer 0.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
constexpr const char* kMinimal = "Division of minimal signed number by minus one";

TEST(IntegerDivisionTest, MinimalSignedByMinusOneIsAnError) {
  EXPECT_STATUS(Call("intDiv", {Vec("Int64", {I(INT64_MIN)}), Const("Int8", I(-1))}), kInvalid,
                "intDiv: Division of minimal signed number by minus one");
  EXPECT_STATUS(Call("intDiv", {Const("Int64", I(INT64_MIN)), Vec("Int64", {I(1), I(-1)})}), kInvalid, kMinimal);
  EXPECT_STATUS(Call("modulo", {Vec("Int64", {I(INT64_MIN)}), Const("Int8", I(-1))}), kInvalid,
                "modulo: Division of minimal signed number by minus one");
  // Narrow types too, though the quotient would fit the calculation (as ClickHouse).
  EXPECT_STATUS(Call("intDiv", {Vec("Int8", {I(-128)}), Vec("Int8", {I(-1)})}), kInvalid, kMinimal);
  EXPECT_STATUS(Call("intDiv", {Vec("Int8", {I(-128)}), Vec("Int64", {I(-1)})}), kInvalid, kMinimal);
  EXPECT_STATUS(Call("intDiv", {Vec("Int32", {I(INT32_MIN)}), Const("Int8", I(-1))}), kInvalid, kMinimal);
  EXPECT_STATUS(Call("modulo", {Vec("Int8", {I(-128)}), Vec("Int8", {I(-1)})}), kInvalid, kMinimal);
}

TEST(IntegerDivisionTest, OnlyTheDividendTypesMinimumAndOnlySignedDivisors) {
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Int16", {I(-128)}), Const("Int8", I(-1))}), "Int16",
                    (std::vector<Value>{I(128)}));
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Int64", {I(INT64_MIN + 1)}), Const("Int8", I(-1))}), "Int64",
                    (std::vector<Value>{I(INT64_MAX)}));
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Int64", {I(INT64_MIN)}), Const("UInt64", U(1))}), "Int64",
                    (std::vector<Value>{I(INT64_MIN)}));
  TALLY_EXPECT_CALL(Call("modulo", {Vec("Int16", {I(-128)}), Const("Int8", I(-1))}), "Int16",
                    (std::vector<Value>{I(0)}));
  // NULL rows are not divided.
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Nullable(Int64)", {N(), I(4)}), Vec("Int64", {I(-1), I(-1)})}),
                    "Nullable(Int64)", (std::vector<Value>{N(), I(-4)}));
}

TEST(IntegerDivisionTest, OrZeroAnswersZero) {
  TALLY_EXPECT_CALL(Call("intDivOrZero", {Vec("Int64", {I(INT64_MIN), I(7), I(-7)}), Vec("Int8", {I(-1), I(0), I(2)})}),
                    "Int64", (std::vector<Value>{I(0), I(0), I(-3)}));
  TALLY_EXPECT_CALL(Call("intDivOrZero", {Vec("Int8", {I(-128)}), Vec("Int8", {I(-1)})}), "Int8",
                    (std::vector<Value>{I(0)}));
  TALLY_EXPECT_CALL(Call("moduloOrZero", {Vec("Int8", {I(-128), I(-7), I(5)}), Vec("Int8", {I(-1), I(2), I(0)})}),
                    "Int16", (std::vector<Value>{I(0), I(-1), I(0)}));
  TALLY_EXPECT_CALL(Call("intDivOrZero", {Vec("UInt64", {U(7)}), Const("UInt8", U(0))}), "UInt64",
                    (std::vector<Value>{U(0)}));
  TALLY_EXPECT_CALL(Call("intDivOrZero", {Vec("Float64", {F(1.5)}), Const("UInt8", U(0))}), "Int64",
                    (std::vector<Value>{I(0)}));
}

TEST(IntegerDivisionTest, ByZeroIsAnErrorForIntDivAndIntegerModulo) {
  EXPECT_STATUS(Call("intDiv", {Vec("Int64", {I(1)}), Const("UInt8", U(0))}), kInvalid, "intDiv: Division by zero");
  EXPECT_STATUS(Call("intDiv", {Vec("Float64", {F(1)}), Const("Float64", F(0))}), kInvalid, "Division by zero");
  EXPECT_STATUS(Call("modulo", {Vec("Int64", {I(1)}), Const("UInt8", U(0))}), kInvalid, "modulo: Division by zero");
  // Float modulo by zero is NaN, not an error.
  auto r = Call("modulo", {Vec("Float64", {F(1.5)}), Const("UInt8", U(0))});
  ASSERT_OK(r.status());
  EXPECT_TRUE(std::isnan(r->values[0].f));
}

TEST(IntegerDivisionTest, FloatsMustBeFiniteAndTheQuotientMustFit) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_STATUS(Call("intDiv", {Vec("Float64", {F(inf)}), Const("UInt8", U(1))}), kInvalid,
                "Cannot perform integer division on infinite or too large floating point numbers");
  EXPECT_STATUS(Call("intDiv", {Vec("Float64", {F(std::nan(""))}), Const("UInt8", U(1))}), kInvalid,
                "infinite or too large floating point numbers");
  EXPECT_STATUS(Call("intDiv", {Vec("Float64", {F(1e300)}), Const("UInt8", U(1))}), kInvalid,
                "Cannot perform integer division, because it will produce infinite or too large number");
  EXPECT_STATUS(Call("intDiv", {Vec("Float32", {F(3e9)}), Const("UInt8", U(1))}), kInvalid,
                "infinite or too large number");  // the result is Int32
  EXPECT_STATUS(Call("intDivOrZero", {Vec("Float64", {F(inf)}), Const("UInt8", U(1))}), kInvalid,
                "infinite or too large floating point numbers");
  TALLY_EXPECT_CALL(Call("intDiv", {Vec("Float64", {F(1e18)}), Const("Float64", F(0.5))}), "Int64",
                    (std::vector<Value>{I(2000000000000000000)}));
}

}  // namespace
}  // namespace tally::engine::exec
