// Tests for the conversion of constants in comparisons (engine/exec/constant_parse.h,
// constant_conversion.h, accurate_cast.h, in_set.h, case_with_expression.cc). Expected
// values are ClickHouse 26.9's (chDB 4.4.0): 2026-10-05 is day 20731, 2026-10-08 01:30:00
// UTC is 1791423000, the same wall time in Asia/Tokyo is 1791390600.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/exec/accurate_cast.h"
#include "engine/exec/constant_conversion.h"
#include "engine/exec/constant_parse.h"
#include "engine/exec/function_util.h"
#include "engine/exec/in_set.h"
#include "format/status_macros.h"
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

// ConvertConstant's value, "none" when it has none, or the error message.
std::string Convert(const Column& constant, absl::string_view target, ConstantUse use = ConstantUse::kInList,
                    const FunctionContext& context = FunctionContext()) {
  auto r = ConvertConstant(constant, T(target), use, context);
  if (!r.ok()) return std::string(r.status().message());
  if (!r->has_value()) return "none";
  return (*r)->GetValue(0).DebugString();
}

TEST(ConstantParseTest, IntegersReadTheWholeStringAndWrapIn64Bits) {
  EXPECT_EQ(*ReadUnsignedText("200", "UInt16"), 200u);
  EXPECT_EQ(*ReadUnsignedText("+0200", "UInt16"), 200u);
  EXPECT_EQ(*ReadUnsignedText("18446744073709551616", "UInt16"), 0u);  // wraps, as ClickHouse's reader
  for (const char* bad : {"", "+", "-1", "-0", " 200", "200 ", "200.0", "2e2", "0x10"}) {
    EXPECT_STATUS(ReadUnsignedText(bad, "UInt16"), absl::StatusCode::kInvalidArgument,
                  absl::StrCat("Cannot convert string '", bad, "' to type UInt16"));
  }
  EXPECT_EQ(*ReadSignedText("-128", "Int8"), -128);
  EXPECT_EQ(*ReadSignedText("-0", "Int8"), 0);
  EXPECT_FALSE(ReadSignedText("--1", "Int8").ok());
  EXPECT_FALSE(ReadSignedText("1-", "Int8").ok());
}

TEST(ConstantParseTest, FloatsBoolsAndUuids) {
  EXPECT_EQ(*ReadFloat64Text("1.", "Float64"), 1.0);
  EXPECT_EQ(*ReadFloat64Text("-.5", "Float64"), -0.5);
  EXPECT_EQ(*ReadFloat64Text("1e+2", "Float64"), 100.0);
  EXPECT_TRUE(std::isinf(*ReadFloat64Text("Infinity", "Float64")));
  EXPECT_TRUE(std::isinf(*ReadFloat64Text("1e400", "Float64")));
  EXPECT_EQ(*ReadFloat64Text("1e-400", "Float64"), 0.0);
  EXPECT_TRUE(std::isnan(*ReadFloat64Text("NaN", "Float64")));
  EXPECT_EQ(*ReadFloat32Text("16777217"), 16777216.0f);
  EXPECT_STATUS(ReadFloat64Text(" 1", "Float64"), absl::StatusCode::kInvalidArgument,
                "Cannot read floating point value here");
  EXPECT_STATUS(ReadFloat64Text("1e", "Float64"), absl::StatusCode::kInvalidArgument,
                "Cannot convert string '1e' to type Float64");
  for (const char* yes : {"true", "T", "y", "Yes", "on", "enable", "Enabled", "1"}) {
    EXPECT_TRUE(*ReadBoolText(yes)) << yes;
  }
  for (const char* no : {"FALSE", "f", "n", "no", "off", "disable", "disabled", "0"}) {
    EXPECT_FALSE(*ReadBoolText(no)) << no;
  }
  EXPECT_FALSE(ReadBoolText("2").ok());
  EXPECT_FALSE(ReadBoolText(" true").ok());
  EXPECT_TRUE(ReadUuidText("00000000000000000000000000000001").ok());
  EXPECT_STATUS(ReadUuidText("{00000000-0000-0000-0000-000000000001}"), absl::StatusCode::kInvalidArgument,
                "Cannot parse UUID");
}

TEST(ConstantParseTest, DatesTakeAnySeparatorsRollOverAndClamp) {
  for (const char* s : {"2026-10-05", "20261005", "2026-10-5", "2026/10/05", "2026.10.05", "2026x10x05"}) {
    EXPECT_EQ(*ReadDateText(s), 20731) << s;
  }
  EXPECT_EQ(*ReadDateText("2026-1-5"), *ReadDateText("2026-01-05"));
  EXPECT_EQ(*ReadDateText("2026-02-30"), *ReadDateText("2026-03-02"));  // rolls over
  EXPECT_EQ(*ReadDateText("2026-13-01"), 0);                            // no such month: 1970-01-01
  EXPECT_EQ(*ReadDateText("2026-10-00"), 0);
  EXPECT_EQ(*ReadDateText("1969-12-31"), 0);        // clamped
  EXPECT_EQ(*ReadDateText("2200-01-01"), 65535);    // 2149-06-06
  EXPECT_STATUS(ReadDateText("2026-10-05 00:00:00"), absl::StatusCode::kInvalidArgument,
                "Cannot convert string '2026-10-05 00:00:00' to type Date");
  for (const char* bad : {"26-10-05", "202610", "20731", "abc"}) {
    EXPECT_STATUS(ReadDateText(bad), absl::StatusCode::kInvalidArgument, "Cannot parse date");
  }
}

TEST(ConstantParseTest, DateTimeBasicReaderForInLists) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  auto basic = [&](absl::string_view s, int precision = -1) {
    return ReadDateTimeText(s, utc, precision, DateTimeSyntax::kBasic);
  };
  EXPECT_EQ(**basic("2026-10-08 01:30:00"), 1791423000);
  EXPECT_EQ(**basic("2026-10-08T01:30:00"), 1791423000);
  EXPECT_EQ(**basic("2026/10/08 01:30:00"), 1791423000);
  EXPECT_EQ(**basic("1791423000"), 1791423000);
  EXPECT_EQ(**basic("12345"), 12345);
  EXPECT_EQ(**basic("2026-10-08 24:00:00"), 1791504000);  // rolls over
  EXPECT_EQ(**basic("2026-13-08 01:30:00"), 0);
  EXPECT_EQ(**basic("1969-12-31 23:59:59"), 0);
  EXPECT_EQ(**basic("2200-01-01 00:00:00"), 4294967295);
  EXPECT_STATUS(basic("2026-10-08 01:30:00.5"), absl::StatusCode::kInvalidArgument,
                "Cannot convert string '2026-10-08 01:30:00.5' to type DateTime");
  EXPECT_STATUS(basic("2026-10-08T01:30:00Z"), absl::StatusCode::kInvalidArgument, "Cannot convert string");
  EXPECT_STATUS(basic("2026-10-08 01:30"), absl::StatusCode::kInvalidArgument, "Cannot parse time component");
  EXPECT_STATUS(basic("1234"), absl::StatusCode::kInvalidArgument, "Cannot parse DateTime");
  // DateTime64: fractions cut to the precision, short or negative timestamps with a fraction.
  EXPECT_EQ(**basic("2026-10-08 01:30:00.1239", 3), 1791423000123);
  EXPECT_EQ(**basic("2026-10-08 01:30:00.", 3), 1791423000000);
  EXPECT_EQ(**basic("1.5", 3), 1500);
  EXPECT_EQ(**basic("-1.5", 3), -1500);
  EXPECT_FALSE(basic("12", 3).ok());
  EXPECT_FALSE(basic("2300-01-01 00:00:00", 3)->has_value());
  // Local times in the column's zone.
  auto tokyo = LoadZone("Asia/Tokyo");
  ASSERT_OK(tokyo);
  EXPECT_EQ(**ReadDateTimeText("2026-10-08 01:30:00", *tokyo, -1, DateTimeSyntax::kBasic), 1791390600);
}

TEST(ConstantParseTest, DateTimeBestEffortForComparisons) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  for (const char* s : {"2026-10-08T01:30:00Z", "2026-10-08 01:30", "2026-10-8 1:30:00", "20261008013000",
                        "2026-10-08 02:30:00+01:00", "2026-10-08T02:30:00+0100", "2026-10-08 02:30:00+01",
                        "2026-10-08 01:30:00 UTC", " 2026-10-08 01:30:00 ", "2026-10-08 01:30:00.5",
                        "20261008 013000", "1791423000", "2026-10-08 01:30:00 am"}) {
    auto t = ReadDateTimeText(s, utc, -1, DateTimeSyntax::kBestEffort);
    ASSERT_OK(t);
    EXPECT_EQ(**t, 1791423000) << s;
  }
  EXPECT_EQ(**ReadDateTimeText("2026-10-08 01:30:00 PM", utc, -1, DateTimeSyntax::kBestEffort), 1791423000 + 12 * 3600);
  EXPECT_EQ(**ReadDateTimeText("20261008", utc, -1, DateTimeSyntax::kBestEffort), 1791417600);
  EXPECT_EQ(**ReadDateTimeText("2026-10-08T", utc, -1, DateTimeSyntax::kBestEffort), 1791417600);
  EXPECT_EQ(**ReadDateTimeText("1791423000.123", utc, 3, DateTimeSyntax::kBestEffort), 1791423000123);
  for (const char* bad : {"abc", "12345", "2026-13-08 01:30:00", "1791423000.5"}) {
    EXPECT_FALSE(ReadDateTimeText(bad, utc, -1, DateTimeSyntax::kBestEffort).ok()) << bad;
  }
}

TEST(ConstantConversionTest, NumbersConvertOnlyWhenExact) {
  EXPECT_EQ(Convert(Build("UInt16", {U(300)}), "UInt8"), "none");
  EXPECT_EQ(Convert(Build("Int8", {I(-1)}), "UInt8"), "none");
  EXPECT_EQ(Convert(Build("Float64", {F(200.0)}), "UInt8"), "200");
  EXPECT_EQ(Convert(Build("Float64", {F(44.5)}), "UInt8"), "none");
  EXPECT_EQ(Convert(Build("Float64", {F(0.1)}), "Float32"), "none");
  EXPECT_EQ(Convert(Build("Float64", {F(1.5)}), "Float32"), "1.5");
  EXPECT_EQ(Convert(Build("UInt64", {U(9007199254740993)}), "Float64"), "none");
  EXPECT_EQ(Convert(Build("UInt8", {U(5)}), "Bool"), "none");
  EXPECT_EQ(Convert(Build("Float64", {F(1.0)}), "Bool"), "1");
  EXPECT_EQ(Convert(Build("Nullable(UInt8)", {N()}), "UInt8"), "none");
  EXPECT_EQ(Convert(Build("Float64", {F(1.0)}), "Nullable(Float64)"), "1");
}

TEST(ConstantConversionTest, StringsAreParsedAndRangeChecked) {
  EXPECT_EQ(Convert(Build("String", {S("200")}), "UInt16"), "200");
  EXPECT_EQ(Convert(Build("String", {S("300")}), "UInt8"), "none");
  EXPECT_EQ(Convert(Build("String", {S("255")}), "Int8"), "none");
  EXPECT_EQ(Convert(Build("String", {S("abc")}), "UInt16"), "Cannot convert string 'abc' to type UInt16");
  EXPECT_EQ(Convert(Build("String", {S("true")}), "Bool"), "1");
  EXPECT_EQ(Convert(Build("String", {S("2026-10-5")}), "Date"), "20731");
  EXPECT_EQ(Convert(Build("String", {S("2026-10-08 01:30:00")}), "DateTime('Asia/Tokyo')"), "1791390600");
  EXPECT_EQ(Convert(Build("String", {S("acme")}), "LowCardinality(String)"), "'acme'");
  // DateTime: the basic reader in IN lists, best effort in comparisons.
  EXPECT_EQ(Convert(Build("String", {S("2026-10-08T01:30:00Z")}), "DateTime"),
            "Cannot convert string '2026-10-08T01:30:00Z' to type DateTime");
  EXPECT_EQ(Convert(Build("String", {S("2026-10-08T01:30:00Z")}), "DateTime", ConstantUse::kComparison), "1791423000");
  EXPECT_EQ(Convert(Build("String", {S("2026-10-08 01:30:00.1234")}), "DateTime64(3)"), "1791423000123");
}

TEST(ConstantConversionTest, DatesAndTimesAndTheirErrors) {
  FunctionContext tokyo;
  tokyo.session_timezone = "Asia/Tokyo";
  // A DateTime into Date: the day in the constant's zone.
  // 2026-10-06 07:00 in Tokyo is 2026-10-05 22:00 UTC.
  EXPECT_EQ(Convert(Build("DateTime('Asia/Tokyo')", {U(1791237600)}), "Date"), "20732");
  // A Date into DateTime: midnight in the target's zone.
  EXPECT_EQ(Convert(Build("Date", {U(20731)}), "DateTime('Asia/Tokyo')"), "1791126000");
  EXPECT_EQ(Convert(Build("Date", {U(20731)}), "DateTime64(3)"), "1791158400000");
  EXPECT_EQ(Convert(Build("DateTime64(4)", {I(17915040000009)}), "DateTime64(3)"), "1791504000000");
  EXPECT_EQ(Convert(Build("UInt32", {U(1791423000)}), "DateTime"), "1791423000");
  EXPECT_EQ(Convert(Build("UInt32", {U(86267)}), "Date"), "none");
  EXPECT_EQ(Convert(Build("Int8", {I(-1)}), "Date"), "none");
  EXPECT_EQ(Convert(Build("UInt32", {U(1791504000)}), "DateTime64(3)"), "1791504000000");
  EXPECT_EQ(Convert(Build("Int8", {I(-1)}), "DateTime"),
            "Type mismatch in IN or VALUES section. Expected: DateTime. Got: Int64");
  EXPECT_EQ(Convert(Build("Float64", {F(20731.0)}), "Date"),
            "Type mismatch in IN or VALUES section. Expected: Date. Got: Float64");
  EXPECT_EQ(Convert(Build("DateTime64(3)", {I(0)}), "DateTime"),
            "Type mismatch in IN or VALUES section. Expected: DateTime. Got: Decimal64");
  EXPECT_EQ(Convert(Build("UInt8", {U(1)}), "UUID"),
            "Type mismatch in IN or VALUES section. Expected: UUID. Got: UInt64");
}

TEST(ConstantConversionTest, IntoStringAsClickHouseWritesAField) {
  EXPECT_EQ(Convert(Build("UInt8", {U(200)}), "String"), "'200'");
  EXPECT_EQ(Convert(Build("Float64", {F(1.0)}), "String"), "'1.'");
  EXPECT_EQ(Convert(Build("Float64", {F(1e16)}), "String"), "'10000000000000000.'");
  EXPECT_EQ(Convert(Build("Float64", {F(1e-7)}), "String"), "'1e-7'");
  EXPECT_EQ(Convert(Build("Date", {U(20731)}), "String"), "'20731'");
  EXPECT_EQ(Convert(Build("Bool", {U(1)}), "String"), "'true'");
  EXPECT_EQ(Convert(Build("DateTime64(3)", {I(1)}), "String"), "none");
}

absl::StatusOr<Column> Accurate(absl::string_view from, const std::vector<Value>& values, absl::string_view to) {
  return AccurateCastOrNull(Build(from, values), T(to), FunctionContext());
}

std::vector<Value> ValuesOf(const Column& c) {
  std::vector<Value> out;
  for (size_t i = 0; i < c.size(); ++i) out.push_back(c.GetValue(i));
  return out;
}

TEST(AccurateCastTest, ValuesWithoutAnExactEqualBecomeNull) {
  ASSERT_OK_AND_ASSIGN(Column a, Accurate("UInt8", {U(200), U(44)}, "Int8"));
  EXPECT_EQ(ValuesOf(a), (std::vector<Value>{N(), I(44)}));
  ASSERT_OK_AND_ASSIGN(Column b, Accurate("Float64", {F(0.1), F(1.5)}, "Float32"));
  EXPECT_EQ(ValuesOf(b), (std::vector<Value>{N(), F(1.5)}));
  ASSERT_OK_AND_ASSIGN(
      Column c, Accurate("String", {S("200"), S("+200"), S(" 200"), S("200.0"), S("0200"), S("300")}, "UInt8"));
  EXPECT_EQ(ValuesOf(c), (std::vector<Value>{U(200), U(200), N(), N(), U(200), N()}));
  ASSERT_OK_AND_ASSIGN(Column d, Accurate("String", {S("2026-10-05 12:00:00"), S("20261005"), S("x")}, "Date"));
  EXPECT_EQ(ValuesOf(d), (std::vector<Value>{U(20731), U(20731), N()}));
  ASSERT_OK_AND_ASSIGN(Column e, Accurate("DateTime64(3)", {I(1791423000123), I(1791504000000)}, "DateTime"));
  EXPECT_EQ(ValuesOf(e), (std::vector<Value>{N(), U(1791504000)}));
  ASSERT_OK_AND_ASSIGN(Column f, Accurate("DateTime", {U(1791423000)}, "Date"));
  EXPECT_EQ(ValuesOf(f), (std::vector<Value>{U(20734)}));
  ASSERT_OK_AND_ASSIGN(Column g, Accurate("Float64", {F(1.0), F(0.1)}, "String"));
  EXPECT_EQ(ValuesOf(g), (std::vector<Value>{S("1"), S("0.1")}));
  EXPECT_STATUS(Accurate("UUID", {S(std::string(16, '\0'))}, "UInt8"), absl::StatusCode::kInvalidArgument,
                "Conversion between numeric types and UUID is not supported");
}

// Runs x IN (items) over `x`.
absl::StatusOr<std::vector<Value>> InList(const Arg& x, const std::vector<Column>& items, bool negate = false) {
  TALLY_ASSIGN_OR_RETURN(auto in, MakeInList(x.column.type, items, negate, FunctionContext()));
  ColumnArg arg{&x.column, x.is_const};
  TALLY_ASSIGN_OR_RETURN(Column out, in->Execute(absl::MakeConstSpan(&arg, 1), x.column.size()));
  return ValuesOf(out);
}

TEST(InSetTest, ListItemsAreConvertedToTheLeftType) {
  Arg status = Vec("UInt16", {U(200), U(500)});
  EXPECT_EQ(*InList(status, {Build("String", {S("200")})}), Bools({1, 0}));
  EXPECT_EQ(*InList(status, {Build("String", {S("200")})}, true), Bools({0, 1}));
  EXPECT_EQ(*InList(status, {Build("UInt32", {U(70000)}), Build("Float64", {F(500.0)})}), Bools({0, 1}));
  EXPECT_STATUS(InList(status, {Build("UInt8", {U(1)}), Build("String", {S("abc")})}),
                absl::StatusCode::kInvalidArgument, "Cannot convert string 'abc' to type UInt16");
  // NULL items are left out; a NULL x gives NULL.
  Arg ns = Vec("Nullable(UInt16)", {U(200), N()});
  EXPECT_EQ(*InList(ns, {Build("UInt8", {U(200)}), Build("Nullable(UInt8)", {N()})}), Bools({1, -1}));
  EXPECT_EQ(*InList(ns, {Build("UInt8", {U(200)})}, true), Bools({0, -1}));
  // LowCardinality, nullable or not.
  Arg lc = Vec("LowCardinality(Nullable(String))", {S("acme"), N(), S("200")});
  EXPECT_EQ(*InList(lc, {Build("String", {S("acme")}), Build("UInt8", {U(200)})}), Bools({1, -1, 1}));
  // The bits decide: -0 is not 0, and NaN finds a NaN of the same sign.
  Arg f = Vec("Float64", {F(0.0), F(-0.0), F(std::nan(""))});
  EXPECT_EQ(*InList(f, {Build("Float64", {F(0.0)})}), Bools({1, 0, 0}));
  EXPECT_EQ(*InList(f, {Build("String", {S("nan")})}), Bools({0, 0, 1}));
  EXPECT_STATUS(InList(Vec("Array(UInt8)", {A({})}), {}), absl::StatusCode::kUnimplemented, "not supported yet");
}

TEST(InSetTest, SubqueryKeepsItsTypeAndTheLeftSideConverts) {
  auto in_subquery = [](const Arg& x, const Column& values, bool negate) -> absl::StatusOr<std::vector<Value>> {
    TALLY_ASSIGN_OR_RETURN(auto in, MakeInSubquery(x.column.type, values, negate, FunctionContext()));
    ColumnArg arg{&x.column, false};
    TALLY_ASSIGN_OR_RETURN(Column out, in->Execute(absl::MakeConstSpan(&arg, 1), x.column.size()));
    return ValuesOf(out);
  };
  // value IN (SELECT '1.0'): 1 is '1' as a string, so no match.
  EXPECT_EQ(*in_subquery(Vec("Float64", {F(1.0)}), Build("String", {S("1.0")}), false), Bools({0}));
  EXPECT_EQ(*in_subquery(Vec("Float64", {F(1.0)}), Build("String", {S("1")}), false), Bools({1}));
  // i8 NOT IN (SELECT u8): -1 has no UInt8 value, so it is in no set.
  EXPECT_EQ(*in_subquery(Vec("Int8", {I(-1), I(44)}), Build("UInt8", {U(200), U(44)}), true), Bools({1, 0}));
  // NULLs of the subquery are left out.
  EXPECT_EQ(*in_subquery(Vec("UInt16", {U(200), U(500)}), Build("Nullable(UInt16)", {U(200), N()}), true),
            Bools({0, 1}));
}

TEST(CaseWithExpressionTest, ConstantBranchesKeepOnlyValuesTheCastKeeps) {
  Arg u8 = Vec("UInt8", {U(200), U(44)});
  auto pick = [&](const Arg& x, std::vector<Arg> rest) {
    rest.insert(rest.begin(), x);
    return Call("caseWithExpression", rest);
  };
  // 300 and '300' cast to 44 and are dropped.
  TALLY_EXPECT_CALL(pick(u8, {Const("UInt16", U(300)), Const("String", S("a")), Const("String", S("no"))}), "String",
                    (std::vector<Value>{S("no"), S("no")}));
  TALLY_EXPECT_CALL(pick(u8, {Const("String", S("300")), Const("String", S("a")), Const("String", S("no"))}), "String",
                    (std::vector<Value>{S("no"), S("no")}));
  TALLY_EXPECT_CALL(pick(u8, {Const("String", S("44")), Const("String", S("a")), Const("String", S("no"))}), "String",
                    (std::vector<Value>{S("no"), S("a")}));
  // A date string never matches a Date here (ClickHouse's transform), though d = '...' does.
  Arg d = Vec("Date", {U(20731)});
  TALLY_EXPECT_CALL(pick(d, {Const("String", S("2026-10-05")), Const("UInt8", U(1)), Const("UInt8", U(0))}), "UInt8",
                    (std::vector<Value>{U(0)}));
  // A NULL branch matches a NULL x; the first match wins.
  Arg ns = Vec("Nullable(UInt16)", {U(200), N()});
  TALLY_EXPECT_CALL(pick(ns, {Const("UInt8", U(200)), Const("UInt8", U(1)), Const("Nullable(UInt8)", N()),
                              Const("UInt8", U(2)), Const("UInt8", U(200)), Const("UInt8", U(3)),
                              Const("UInt8", U(0))}),
                    "UInt8", (std::vector<Value>{U(1), U(2)}));
  // A string against a UUID cannot be compared there.
  Arg uuid = Vec("UUID", {S(std::string(16, '\0'))});
  EXPECT_STATUS(pick(uuid, {Const("String", S("00000000-0000-0000-0000-000000000000")), Const("UInt8", U(1)),
                            Const("UInt8", U(0))}),
                absl::StatusCode::kInvalidArgument, "Cannot compare");
}

TEST(CaseWithExpressionTest, OtherBranchesCompareWithEqualsAndNullEqualsNull) {
  // A non-constant THEN: x = w, so the date string matches.
  Arg d = Vec("Date", {U(20731), U(20732)});
  Arg then = Vec("String", {S("a"), S("b")});
  TALLY_EXPECT_CALL(Call("caseWithExpression", {d, Const("String", S("2026-10-05")), then, Const("String", S("no"))}),
                    "String", (std::vector<Value>{S("a"), S("no")}));
  Arg ns = Vec("Nullable(UInt16)", {U(200), N()});
  TALLY_EXPECT_CALL(Call("caseWithExpression", {ns, ns, Const("UInt8", U(1)), Const("UInt8", U(0))}), "UInt8",
                    (std::vector<Value>{U(1), U(1)}));
}

}  // namespace
}  // namespace tally::engine::exec
