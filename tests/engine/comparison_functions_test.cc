// Tests for engine/exec/comparison_functions.cc: numbers across types, strings and
// LowCardinality (checked against a row-by-row evaluation), dates against string
// constants, UUIDs, NULLs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

std::vector<Value> Bools(std::vector<int> v) {
  std::vector<Value> out;
  for (int x : v) out.push_back(x < 0 ? N() : U(x));
  return out;
}

TEST(ComparisonTest, MixedSignednessComparesByValue) {
  TALLY_EXPECT_CALL(Call("less", {Const("Int8", I(-1)), Vec("UInt64", {U(UINT64_MAX), U(0)})}), "UInt8", Bools({1, 1}));
  TALLY_EXPECT_CALL(Call("greater", {Vec("Int64", {I(-1), I(5)}), Vec("UInt64", {U(UINT64_MAX), U(4)})}), "UInt8",
                    Bools({0, 1}));
  TALLY_EXPECT_CALL(Call("equals", {Vec("Int64", {I(-1), I(7)}), Vec("UInt64", {U(UINT64_MAX), U(7)})}), "UInt8",
                    Bools({0, 1}));
  TALLY_EXPECT_CALL(Call("lessOrEquals", {Vec("UInt8", {U(255), U(3)}), Const("Int8", I(-128))}), "UInt8", Bools({0, 0}));
}

TEST(ComparisonTest, IntegersAgainstFloatsAreExact) {
  // 2^53 + 1 is not representable as a double: it is greater than 2^53 as a float.
  const int64_t big = (int64_t{1} << 53) + 1;
  TALLY_EXPECT_CALL(Call("greater", {Vec("Int64", {I(big)}), Const("Float64", F(9007199254740992.0))}), "UInt8",
                    Bools({1}));
  TALLY_EXPECT_CALL(Call("equals", {Vec("Int64", {I(big)}), Const("Float64", F(9007199254740992.0))}), "UInt8",
                    Bools({0}));
  TALLY_EXPECT_CALL(Call("less", {Vec("Int32", {I(-2), I(-1), I(0)}), Const("Float64", F(-1.5))}), "UInt8",
                    Bools({1, 0, 0}));
  TALLY_EXPECT_CALL(Call("less", {Vec("UInt64", {U(UINT64_MAX)}), Const("Float64", F(1e30))}), "UInt8", Bools({1}));
  TALLY_EXPECT_CALL(Call("equals", {Vec("Float32", {F(0.5)}), Const("Float64", F(0.5))}), "UInt8", Bools({1}));
  // NaN: unequal to everything, unordered.
  Arg nan = Vec("Float64", {F(NAN)});
  TALLY_EXPECT_CALL(Call("equals", {nan, nan}), "UInt8", Bools({0}));
  TALLY_EXPECT_CALL(Call("notEquals", {nan, Const("UInt8", U(1))}), "UInt8", Bools({1}));
  TALLY_EXPECT_CALL(Call("lessOrEquals", {nan, Const("UInt8", U(1))}), "UInt8", Bools({0}));
  TALLY_EXPECT_CALL(Call("greaterOrEquals", {nan, Const("Int64", I(1))}), "UInt8", Bools({0}));
}

TEST(ComparisonTest, AllOperators) {
  Arg a = Vec("UInt16", {U(1), U(2), U(3)});
  Arg b = Const("Int32", I(2));
  TALLY_EXPECT_CALL(Call("equals", {a, b}), "UInt8", Bools({0, 1, 0}));
  TALLY_EXPECT_CALL(Call("notEquals", {a, b}), "UInt8", Bools({1, 0, 1}));
  TALLY_EXPECT_CALL(Call("less", {a, b}), "UInt8", Bools({1, 0, 0}));
  TALLY_EXPECT_CALL(Call("greater", {a, b}), "UInt8", Bools({0, 0, 1}));
  TALLY_EXPECT_CALL(Call("lessOrEquals", {a, b}), "UInt8", Bools({1, 1, 0}));
  TALLY_EXPECT_CALL(Call("greaterOrEquals", {a, b}), "UInt8", Bools({0, 1, 1}));
  // Constant on the left.
  TALLY_EXPECT_CALL(Call("less", {b, a}), "UInt8", Bools({0, 0, 1}));
  TALLY_EXPECT_CALL(Call("greaterOrEquals", {b, a}), "UInt8", Bools({1, 1, 0}));
  TALLY_EXPECT_CALL(Call("equals", {b, Const("UInt8", U(2))}, 2), "UInt8", Bools({1, 1}));
}

TEST(ComparisonTest, Strings) {
  Arg s = Vec("String", {S("a"), S("b"), S(""), S("ab")});
  TALLY_EXPECT_CALL(Call("equals", {s, Const("String", S("ab"))}), "UInt8", Bools({0, 0, 0, 1}));
  TALLY_EXPECT_CALL(Call("notEquals", {s, Const("String", S(""))}), "UInt8", Bools({1, 1, 0, 1}));
  TALLY_EXPECT_CALL(Call("less", {s, Const("String", S("ab"))}), "UInt8", Bools({1, 0, 1, 0}));
  TALLY_EXPECT_CALL(Call("greater", {Const("String", S("ab")), s}), "UInt8", Bools({1, 0, 1, 0}));
  TALLY_EXPECT_CALL(Call("lessOrEquals", {s, Vec("String", {S("a"), S("a"), S("a"), S("a")})}), "UInt8",
                    Bools({1, 0, 1, 0}));
}

// Every operator on LowCardinality against a constant equals the row-by-row answer, for
// each index width and for dictionaries larger than the block.
TEST(ComparisonTest, LowCardinalityMatchesRowByRow) {
  std::vector<Value> values;
  for (int i = 0; i < 300; ++i) values.push_back(S(absl::StrCat("v", i % 37 == 0 ? 7 : i)));
  Column lc = Build("LowCardinality(String)", values);
  ASSERT_EQ(lc.index_width, 2);
  Column narrow = Column::Gather(lc, std::vector<uint32_t>{0, 5, 7, 299, 36});  // dictionary > rows
  Column small = Build("LowCardinality(String)", {S("v7"), S("x"), S("v7"), S("a"), S("v70")});
  Column wide = small;
  wide.SetIndexWidth(4);
  const char* ops[] = {"equals", "notEquals", "less", "greater", "lessOrEquals", "greaterOrEquals"};
  for (const Column* c : {&lc, &narrow, &small, &wide}) {
    for (const char* op : ops) {
      for (const char* needle : {"v7", "v70", "zzz", ""}) {
        auto got = Call(op, {Arg{*c, false}, Const("String", S(needle))});
        ASSERT_OK(got);
        ASSERT_EQ(got->type, "UInt8");
        auto swapped = Call(op, {Const("LowCardinality(String)", S(needle)), Arg{*c, false}});
        ASSERT_OK(swapped);
        for (size_t r = 0; r < c->size(); ++r) {
          std::string v = c->GetValue(r).s;
          int order = v.compare(needle);
          order = order < 0 ? -1 : order > 0;
          bool want = std::string(op) == "equals"         ? order == 0
                      : std::string(op) == "notEquals"    ? order != 0
                      : std::string(op) == "less"         ? order < 0
                      : std::string(op) == "greater"      ? order > 0
                      : std::string(op) == "lessOrEquals" ? order <= 0
                                                          : order >= 0;
          EXPECT_EQ(got->values[r], U(want)) << op << " row " << r << " '" << v << "' vs '" << needle << "'";
          int rev = -order;
          bool want_swapped = std::string(op) == "equals"         ? rev == 0
                              : std::string(op) == "notEquals"    ? rev != 0
                              : std::string(op) == "less"         ? rev < 0
                              : std::string(op) == "greater"      ? rev > 0
                              : std::string(op) == "lessOrEquals" ? rev <= 0
                                                                  : rev >= 0;
          EXPECT_EQ(swapped->values[r], U(want_swapped)) << op << " (swapped) row " << r;
        }
      }
    }
  }
  // LowCardinality against String and LowCardinality columns.
  Arg strings = Vec("String", {S("v7"), S("y"), S("a"), S("a"), S("v70")});
  TALLY_EXPECT_CALL(Call("equals", {Arg{small, false}, strings}), "UInt8", Bools({1, 0, 0, 1, 1}));
  TALLY_EXPECT_CALL(Call("less", {Arg{small, false}, Arg{wide, false}}), "UInt8", Bools({0, 0, 0, 0, 0}));
}

TEST(ComparisonTest, NullableLowCardinalityGivesNullableResult) {
  Arg lc = Vec("LowCardinality(Nullable(String))", {S("a"), N(), S("b")});
  TALLY_EXPECT_CALL(Call("equals", {lc, Const("String", S("a"))}), "Nullable(UInt8)", Bools({1, -1, 0}));
}

TEST(ComparisonTest, NullsPropagate) {
  Arg x = Vec("Nullable(Int32)", {I(1), N(), I(3)});
  TALLY_EXPECT_CALL(Call("equals", {x, Const("UInt8", U(3))}), "Nullable(UInt8)", Bools({0, -1, 1}));
  TALLY_EXPECT_CALL(Call("less", {x, Vec("Nullable(Float64)", {N(), F(0), F(4)})}), "Nullable(UInt8)",
                    Bools({-1, -1, 1}));
  TALLY_EXPECT_CALL(Call("equals", {x, Const("Nullable(UInt8)", N())}), "Nullable(UInt8)", Bools({-1, -1, -1}));
  TALLY_EXPECT_CALL(Call("equals", {Vec("Nullable(UInt16)", {U(1), N()}), Const("String", S("1"))}), "Nullable(UInt8)",
                    Bools({1, -1}));
  // A string constant with no value in the other side's type: false (true for !=), NULL
  // stays NULL.
  TALLY_EXPECT_CALL(Call("equals", {Vec("Nullable(UInt8)", {U(44), N()}), Const("String", S("300"))}),
                    "Nullable(UInt8)", Bools({0, -1}));
  TALLY_EXPECT_CALL(Call("notEquals", {Vec("Nullable(UInt8)", {U(44), N()}), Const("String", S("300"))}),
                    "Nullable(UInt8)", Bools({1, -1}));
}

TEST(ComparisonTest, DatesAgainstStringConstants) {
  // 2026-10-01 is day 20727; 2026-10-01 00:00:00 UTC is 1790812800.
  Arg d = Vec("Date", {U(20726), U(20727), U(20728)});
  TALLY_EXPECT_CALL(Call("greaterOrEquals", {d, Const("String", S("2026-10-01"))}), "UInt8", Bools({0, 1, 1}));
  TALLY_EXPECT_CALL(Call("equals", {Const("String", S("2026-10-01")), d}), "UInt8", Bools({0, 1, 0}));
  Arg t = Vec("DateTime", {U(1790812799), U(1790812800), U(1790812801)});
  TALLY_EXPECT_CALL(Call("greaterOrEquals", {t, Const("String", S("2026-10-01 00:00:00"))}), "UInt8", Bools({0, 1, 1}));
  TALLY_EXPECT_CALL(Call("less", {t, Const("String", S("2026-10-01"))}), "UInt8", Bools({1, 0, 0}));
  // A zone on the column: the constant is read in it (Berlin is UTC+2 in October).
  Arg berlin = Vec("DateTime('Europe/Berlin')", {U(1790812800 - 7200), U(1790812800)});
  TALLY_EXPECT_CALL(Call("equals", {berlin, Const("String", S("2026-10-01 00:00:00"))}), "UInt8", Bools({1, 0}));
  // The session zone for columns without one.
  FunctionContext tokyo;
  tokyo.session_timezone = "Asia/Tokyo";
  TALLY_EXPECT_CALL(Call("equals", {t, Const("String", S("2026-10-01 09:00:00"))}, -1, tokyo), "UInt8",
                    Bools({0, 1, 0}));
  Arg t64 = Vec("DateTime64(3, 'UTC')", {I(1790812800000), I(1790812800001)});
  TALLY_EXPECT_CALL(Call("greater", {t64, Const("String", S("2026-10-01 00:00:00.000"))}), "UInt8", Bools({0, 1}));
  EXPECT_STATUS(Call("equals", {d, Const("String", S("yesterday"))}), absl::StatusCode::kInvalidArgument,
                "equals: Cannot parse date: expected a date in the YYYY-MM-DD or YYYYMMDD format: while converting "
                "'yesterday' to Date");
  // Date and a number do not meet; DateTime compares seconds, DateTime64 takes seconds.
  EXPECT_STATUS(Call("equals", {d, Const("UInt16", U(20727))}), absl::StatusCode::kInvalidArgument,
                "equals: Illegal types of arguments (`Date`, `UInt16`) of function `equals`");
  TALLY_EXPECT_CALL(Call("less", {t, Const("UInt32", U(1790812800))}), "UInt8", Bools({1, 0, 0}));
  TALLY_EXPECT_CALL(Call("equals", {t64, Const("UInt32", U(1790812800))}), "UInt8", Bools({1, 0}));
  TALLY_EXPECT_CALL(Call("greater", {t64, Const("Float64", F(1790812800.0005))}), "UInt8", Bools({0, 1}));
}

TEST(ComparisonTest, DateTypesAgainstEachOther) {
  TALLY_EXPECT_CALL(Call("equals", {Vec("Date", {U(1), U(2)}), Const("DateTime", U(86400))}), "UInt8", Bools({1, 0}));
  TALLY_EXPECT_CALL(Call("less", {Vec("DateTime", {U(1), U(2)}), Vec("DateTime64(3)", {I(1500), I(1500)})}), "UInt8",
                    Bools({1, 0}));
  TALLY_EXPECT_CALL(Call("equals", {Vec("DateTime('Asia/Tokyo')", {U(5)}), Vec("DateTime('UTC')", {U(5)})}), "UInt8",
                    Bools({1}));
}

TEST(ComparisonTest, UuidAgainstStringConstant) {
  Column u = Column::Make(T("UUID"));
  std::string a(16, '\0'), b(16, '\0');
  a[15] = 1;
  b[0] = '\x12';
  ASSERT_OK(u.AppendValue(S(a)));
  ASSERT_OK(u.AppendValue(S(b)));
  TALLY_EXPECT_CALL(Call("equals", {Arg{u, false}, Const("String", S("00000000-0000-0000-0000-000000000001"))}), "UInt8",
                    Bools({1, 0}));
  TALLY_EXPECT_CALL(Call("greater", {Arg{u, false}, Const("String", S("00000000-0000-0000-0000-000000000001"))}),
                    "UInt8", Bools({0, 1}));
  EXPECT_STATUS(Call("equals", {Arg{u, false}, Const("String", S("not-a-uuid"))}), absl::StatusCode::kInvalidArgument,
                "equals: Cannot parse UUID from String: while converting 'not-a-uuid' to UUID");
}

TEST(ComparisonTest, StringConstantsAgainstNumbers) {
  TALLY_EXPECT_CALL(Call("equals", {Vec("UInt32", {U(5), U(6)}), Const("String", S("5"))}), "UInt8", Bools({1, 0}));
  // Out of the type's range: every row is false for =, <, >, and true for !=.
  TALLY_EXPECT_CALL(Call("less", {Vec("UInt8", {U(5), U(200)}), Const("String", S("300"))}), "UInt8", Bools({0, 0}));
  TALLY_EXPECT_CALL(Call("equals", {Const("String", S("-1")), Vec("Int8", {I(-1)})}), "UInt8", Bools({1}));
  TALLY_EXPECT_CALL(Call("notEquals", {Const("String", S("255")), Vec("Int8", {I(5)})}), "UInt8", Bools({1}));
  EXPECT_STATUS(Call("equals", {Vec("UInt8", {U(1)}), Const("String", S("1.0"))}), absl::StatusCode::kInvalidArgument,
                "equals: Cannot convert string '1.0' to type UInt8");
  // A string column never meets a number.
  EXPECT_STATUS(Call("less", {Vec("String", {S("5"), S("60")}), Const("UInt8", U(10))}),
                absl::StatusCode::kInvalidArgument,
                "less: There is no supertype for types String, UInt8 because some of them are String/FixedString/Enum "
                "and some of them are not");
}

TEST(ComparisonTest, ArraysCompareByValue) {
  Arg x = Vec("Array(UInt8)", {A({U(1), U(2)}), A({})});
  TALLY_EXPECT_CALL(Call("equals", {x, Vec("Array(UInt8)", {A({U(1), U(2)}), A({U(1)})})}), "UInt8", Bools({1, 0}));
}

TEST(ComparisonTest, ErrorsNameTheFunction) {
  EXPECT_STATUS(Call("equals", {Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "equals: expected 2 arguments, got 1");
  EXPECT_STATUS(Call("less", {Vec("Array(UInt8)", {A({})}), Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "less: Illegal types of arguments (`Array(UInt8)`, `UInt8`) of function `less`");
  EXPECT_STATUS(Call("equals", {Vec("String", {S("a")}), Vec("Array(String)", {A({})})}),
                absl::StatusCode::kInvalidArgument, "equals: There is no supertype for types String, Array(String)");
}

}  // namespace
}  // namespace tally::engine::exec
