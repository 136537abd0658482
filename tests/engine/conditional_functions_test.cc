// Tests for engine/exec/conditional_functions.cc.
#include <gtest/gtest.h>

#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

TEST(IfTest, PicksPerRowWithCommonSupertype) {
  Arg cond = Vec("UInt8", {U(1), U(0), U(2)});
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("UInt8", {U(1), U(2), U(3)}), Vec("Int8", {I(-1), I(-2), I(-3)})}), "Int16",
                    (std::vector<Value>{I(1), I(-2), I(3)}));
  TALLY_EXPECT_CALL(Call("if", {cond, Const("UInt32", U(7)), Const("Float32", F(0.5))}), "Float64",
                    (std::vector<Value>{F(7), F(0.5), F(7)}));
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("LowCardinality(String)", {S("a"), S("b"), S("c")}), Const("String", S("z"))}),
                    "String", (std::vector<Value>{S("a"), S("z"), S("c")}));
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("LowCardinality(String)", {S("a"), S("b"), S("c")}),
                                Const("LowCardinality(String)", S("z"))}),
                    "LowCardinality(String)", (std::vector<Value>{S("a"), S("z"), S("c")}));
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("Date", {U(1), U(2), U(3)}), Vec("DateTime", {U(10), U(20), U(30)})}),
                    "DateTime", (std::vector<Value>{U(86400), U(20), U(3 * 86400)}));
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("Array(UInt8)", {A({U(1)}), A({}), A({U(3), U(3)})}),
                                Const("Array(UInt16)", A({U(300)}))}),
                    "Array(UInt16)", (std::vector<Value>{A({U(1)}), A({U(300)}), A({U(3), U(3)})}));
}

TEST(IfTest, NullConditionIsFalseAndNullBranchMakesNullable) {
  Arg cond = Vec("Nullable(UInt8)", {U(1), N(), U(0)});
  TALLY_EXPECT_CALL(Call("if", {cond, Const("UInt8", U(1)), Const("UInt8", U(2))}), "UInt8",
                    (std::vector<Value>{U(1), U(2), U(2)}));
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("String", {S("a"), S("b"), S("c")}), Const("Nullable(UInt8)", N())}),
                    "Nullable(String)", (std::vector<Value>{S("a"), N(), N()}));
  TALLY_EXPECT_CALL(Call("if", {Const("Nullable(UInt8)", N()), Const("UInt8", U(1)), Const("UInt8", U(2))}, 2), "UInt8",
                    (std::vector<Value>{U(2), U(2)}));
  TALLY_EXPECT_CALL(Call("if", {cond, Vec("Nullable(Int64)", {N(), I(2), I(3)}), Const("UInt8", U(9))}),
                    "Nullable(Int64)", (std::vector<Value>{N(), I(9), I(9)}));
}

TEST(IfTest, Errors) {
  EXPECT_STATUS(Call("if", {Vec("UInt8", {U(1)}), Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "if: expected 3 arguments, got 2");
  EXPECT_STATUS(Call("if", {Vec("String", {S("x")}), Const("UInt8", U(1)), Const("UInt8", U(2))}),
                absl::StatusCode::kInvalidArgument, "if: argument 1 has type String");
  EXPECT_STATUS(Call("if", {Vec("UInt8", {U(1)}), Const("String", S("a")), Const("UInt8", U(2))}),
                absl::StatusCode::kInvalidArgument, "if: there is no supertype for types String, UInt8");
  EXPECT_STATUS(Call("if", {Vec("UInt8", {U(1)}), Vec("UInt64", {U(1)}), Const("Int8", I(-1))}),
                absl::StatusCode::kInvalidArgument, "there is no supertype for types UInt64, Int8");
  EXPECT_STATUS(Call("if", {Vec("UInt8", {U(1)}), Const("UInt64", U(uint64_t{1} << 63)), Const("Int8", I(-1))}),
                absl::StatusCode::kInvalidArgument, "there is no supertype for types UInt64, Int8");
}

TEST(IfTest, UInt64ConstantThatFitsInt64CountsAsInt64) {
  TALLY_EXPECT_CALL(Call("if", {Vec("UInt8", {U(1), U(0)}), Const("UInt64", U(INT64_MAX)), Vec("Int8", {I(-1), I(-2)})}),
                    "Int64", (std::vector<Value>{I(INT64_MAX), I(-2)}));
}

TEST(MultiIfTest, FirstTrueConditionWins) {
  Arg x = Vec("Int32", {I(-5), I(0), I(5)});
  auto neg = Call("less", {x, Const("UInt8", U(0))});
  auto zero = Call("equals", {x, Const("UInt8", U(0))});
  ASSERT_OK(neg);
  ASSERT_OK(zero);
  Arg c1 = Vec("UInt8", neg->values), c2 = Vec("UInt8", zero->values);
  TALLY_EXPECT_CALL(Call("multiIf", {c1, Const("String", S("neg")), c2, Const("String", S("zero")), Const("String", S("pos"))}),
                    "String", (std::vector<Value>{S("neg"), S("zero"), S("pos")}));
  TALLY_EXPECT_CALL(Call("multiIf", {Const("UInt8", U(1)), Const("UInt8", U(1)), c2, x, Const("Nullable(UInt8)", N())}),
                    "Nullable(Int32)", (std::vector<Value>{I(1), I(1), I(1)}));
  TALLY_EXPECT_CALL(Call("multiIf", {c1, x, c2, Const("UInt8", U(100)), Const("Nullable(UInt8)", N())}), "Nullable(Int32)",
                    (std::vector<Value>{I(-5), I(100), N()}));
  EXPECT_STATUS(Call("multiIf", {c1, x}), absl::StatusCode::kInvalidArgument, "multiIf: expected an odd number");
}

TEST(CoalesceTest, FirstNonNull) {
  Arg a = Vec("Nullable(UInt8)", {U(1), N(), N()});
  Arg b = Vec("Nullable(Int16)", {I(-1), I(-2), N()});
  TALLY_EXPECT_CALL(Call("coalesce", {a, b}), "Nullable(Int16)", (std::vector<Value>{I(1), I(-2), N()}));
  TALLY_EXPECT_CALL(Call("coalesce", {a, b, Const("UInt8", U(0))}), "Int16", (std::vector<Value>{I(1), I(-2), I(0)}));
  TALLY_EXPECT_CALL(Call("coalesce", {Const("Nullable(UInt8)", N()), a}), "Nullable(UInt8)",
                    (std::vector<Value>{U(1), N(), N()}));
  TALLY_EXPECT_CALL(Call("ifNull", {Vec("LowCardinality(Nullable(String))", {S("x"), N(), S("")}), Const("String", S("-"))}),
                    "String", (std::vector<Value>{S("x"), S("-"), S("")}));
  TALLY_EXPECT_CALL(Call("ifNull", {Vec("UInt8", {U(3)}), Const("UInt8", U(0))}), "UInt8", (std::vector<Value>{U(3)}));
  EXPECT_STATUS(Call("ifNull", {a}), absl::StatusCode::kInvalidArgument, "ifNull: expected 2 arguments, got 1");
}

TEST(CoalesceTest, ArgumentsAfterTheFirstThatCannotBeNullAreIgnored) {
  Arg a = Vec("Nullable(UInt8)", {U(1), N()});
  TALLY_EXPECT_CALL(Call("coalesce", {a, Const("UInt8", U(0)), Const("String", S("never"))}), "UInt8",
                    (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("coalesce", {Const("Nullable(UInt8)", N()), Const("UInt8", U(1)), Const("Float64", F(2.5))}, 1),
                    "UInt8", (std::vector<Value>{U(1)}));
}

// Any function that rejects a NULL literal's stand-in type answers NULL, as ClickHouse
// does for Nothing (registry behaviour, checked through a few groups).
TEST(NullLiteralTest, RejectedNullLiteralGivesNull) {
  Arg null = Const("Nullable(UInt8)", N());
  TALLY_EXPECT_CALL(Call("upper", {null}, 2), "Nullable(UInt8)", (std::vector<Value>{N(), N()}));
  TALLY_EXPECT_CALL(Call("toYYYYMM", {null}, 1), "Nullable(UInt8)", (std::vector<Value>{N()}));
  TALLY_EXPECT_CALL(Call("JSONExtractString", {null, Const("String", S("a"))}, 1), "Nullable(UInt8)",
                    (std::vector<Value>{N()}));
  EXPECT_STATUS(Call("upper", {Const("UInt8", U(1))}), absl::StatusCode::kInvalidArgument, "upper");
}

TEST(NullIfTest, NullWhenEqual) {
  TALLY_EXPECT_CALL(Call("nullIf", {Vec("UInt8", {U(0), U(1), U(2)}), Const("UInt8", U(0))}), "Nullable(UInt8)",
                    (std::vector<Value>{N(), U(1), U(2)}));
  TALLY_EXPECT_CALL(Call("nullIf", {Vec("LowCardinality(String)", {S(""), S("a")}), Const("String", S(""))}),
                    "Nullable(String)", (std::vector<Value>{N(), S("a")}));
  TALLY_EXPECT_CALL(Call("nullIf", {Vec("Nullable(Int32)", {N(), I(5)}), Const("Int32", I(4))}), "Nullable(Int32)",
                    (std::vector<Value>{N(), I(5)}));
}

TEST(IsNullTest, AllNullableKinds) {
  TALLY_EXPECT_CALL(Call("isNull", {Vec("Nullable(String)", {S("a"), N()})}), "UInt8", (std::vector<Value>{U(0), U(1)}));
  TALLY_EXPECT_CALL(Call("isNotNull", {Vec("Nullable(String)", {S("a"), N()})}), "UInt8", (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("isNull", {Vec("LowCardinality(Nullable(String))", {N(), S("x")})}), "UInt8",
                    (std::vector<Value>{U(1), U(0)}));
  TALLY_EXPECT_CALL(Call("isNull", {Vec("UInt64", {U(1)})}), "UInt8", (std::vector<Value>{U(0)}));
  TALLY_EXPECT_CALL(Call("isNull", {Const("Nullable(UInt8)", N())}, 2), "UInt8", (std::vector<Value>{U(1), U(1)}));
}

TEST(AssumeNotNullTest, StripsNullable) {
  TALLY_EXPECT_CALL(Call("assumeNotNull", {Vec("Nullable(Int8)", {I(4), N()})}), "Int8", (std::vector<Value>{I(4), I(0)}));
  TALLY_EXPECT_CALL(Call("assumeNotNull", {Vec("LowCardinality(Nullable(String))", {S("a"), N()})}), "String",
                    (std::vector<Value>{S("a"), S("")}));
  TALLY_EXPECT_CALL(Call("assumeNotNull", {Const("UInt8", U(4))}, 2), "UInt8", (std::vector<Value>{U(4), U(4)}));
}

TEST(GreatestLeastTest, NumbersStringsAndNulls) {
  Arg a = Vec("UInt8", {U(1), U(200), U(3)});
  Arg b = Vec("Int16", {I(-1), I(5), I(300)});
  TALLY_EXPECT_CALL(Call("greatest", {a, b}), "Int16", (std::vector<Value>{I(1), I(200), I(300)}));
  TALLY_EXPECT_CALL(Call("least", {a, b, Const("Int8", I(2))}), "Int16", (std::vector<Value>{I(-1), I(2), I(2)}));
  TALLY_EXPECT_CALL(Call("greatest", {Vec("String", {S("a"), S("z")}), Vec("LowCardinality(String)", {S("b"), S("c")})}),
                    "String", (std::vector<Value>{S("b"), S("z")}));
  TALLY_EXPECT_CALL(Call("least", {Vec("Nullable(Float64)", {N(), F(2), N()}), Vec("Nullable(Float64)", {F(1), F(3), N()})}),
                    "Nullable(Float64)", (std::vector<Value>{F(1), F(2), N()}));
  TALLY_EXPECT_CALL(Call("greatest", {Vec("Date", {U(10)}), Vec("DateTime", {U(5)})}), "DateTime",
                    (std::vector<Value>{U(864000)}));
  EXPECT_STATUS(Call("greatest", {a}), absl::StatusCode::kInvalidArgument, "greatest: expected at least 2 arguments");
}

TEST(GreatestLeastTest, NanAsClickHouse) {
  // Two non-Nullable arguments: a > b ? a : b (a < b ? a : b).
  Arg x = Vec("Float64", {F(2), F(NAN), F(0.0)});
  Arg y = Vec("Float64", {F(NAN), F(2), F(-0.0)});
  TALLY_EXPECT_CALL(Call("greatest", {x, y}), "Float64", (std::vector<Value>{F(NAN), F(2), F(-0.0)}));
  TALLY_EXPECT_CALL(Call("least", {x, y}), "Float64", (std::vector<Value>{F(NAN), F(2), F(-0.0)}));
  // More arguments: NaN loses to any number.
  TALLY_EXPECT_CALL(Call("greatest", {x, y, Const("Float64", F(1))}), "Float64", (std::vector<Value>{F(2), F(2), F(1)}));
  TALLY_EXPECT_CALL(Call("least", {x, y, Const("Float64", F(NAN))}), "Float64", (std::vector<Value>{F(2), F(2), F(0.0)}));
}

TEST(GreatestLeastTest, Int64AndUInt64CompareExactly) {
  Arg s = Vec("Int64", {I(-1), I(INT64_MAX)});
  Arg u = Vec("UInt64", {U(5), U(UINT64_MAX)});
  TALLY_EXPECT_CALL(Call("greatest", {s, u}), "UInt64", (std::vector<Value>{U(5), U(UINT64_MAX)}));
  TALLY_EXPECT_CALL(Call("least", {u, s}), "Int64", (std::vector<Value>{I(-1), I(INT64_MAX)}));
  EXPECT_STATUS(Call("greatest", {Vec("Int32", {I(1)}), u}), absl::StatusCode::kUnimplemented, "Int128");
}

}  // namespace
}  // namespace tally::engine::exec
