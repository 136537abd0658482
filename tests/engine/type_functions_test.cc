// Tests for engine/exec/type_functions.cc and the conversions under it
// (engine/exec/column_convert.cc).
#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

TEST(CastTest, IntegersWrap) {
  TALLY_EXPECT_CALL(Call("CAST", {Vec("UInt16", {U(300), U(255)}), Const("String", S("UInt8"))}), "UInt8",
                    (std::vector<Value>{U(44), U(255)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("Int8", {I(-1)}), Const("String", S("UInt64"))}), "UInt64",
                    (std::vector<Value>{U(UINT64_MAX)}));
  TALLY_EXPECT_CALL(Call("toInt8", {Vec("UInt8", {U(128), U(200)})}), "Int8", (std::vector<Value>{I(-128), I(-56)}));
  TALLY_EXPECT_CALL(Call("cast", {Vec("UInt64", {U(UINT64_MAX)}), Const("String", S("Int64"))}), "Int64",
                    (std::vector<Value>{I(-1)}));
}

TEST(CastTest, FloatsTruncate) {
  // Out of range as ClickHouse's x86 build: the "integer indefinite" INT32_MIN / INT64_MIN.
  TALLY_EXPECT_CALL(Call("toInt32", {Vec("Float64", {F(3.9), F(-3.9), F(1e300), F(3e9)})}), "Int32",
                    (std::vector<Value>{I(3), I(-3), I(INT32_MIN), I(INT32_MIN)}));
  TALLY_EXPECT_CALL(Call("toUInt8", {Vec("Float32", {F(255.5), F(256.5), F(300), F(1e10)})}), "UInt8",
                    (std::vector<Value>{U(255), U(0), U(44), U(0)}));
  TALLY_EXPECT_CALL(Call("toUInt64", {Vec("Float64", {F(1e19), F(1e20), F(-5), F(-1e20)})}), "UInt64",
                    (std::vector<Value>{U(10000000000000000000ull), U(uint64_t{1} << 63), U(UINT64_MAX - 4),
                                        U(uint64_t{1} << 63)}));
  TALLY_EXPECT_CALL(Call("toUInt32", {Vec("Float64", {F(5e9), F(-1)})}), "UInt32",
                    (std::vector<Value>{U(705032704), U(UINT32_MAX)}));
  TALLY_EXPECT_CALL(Call("toFloat32", {Vec("Float64", {F(0.5)})}), "Float32", (std::vector<Value>{F(0.5)}));
  TALLY_EXPECT_CALL(Call("toFloat64", {Vec("Int64", {I(-7)})}), "Float64", (std::vector<Value>{F(-7)}));
}

TEST(CastTest, NanAndInfinitiesIntoIntegersAreErrors) {
  for (double v : {NAN, INFINITY, -INFINITY}) {
    EXPECT_STATUS(Call("toInt32", {Vec("Float64", {F(1), F(v)})}), absl::StatusCode::kInvalidArgument,
                  "toInt32: Unexpected inf or nan to integer conversion");
    EXPECT_STATUS(Call("CAST", {Vec("Float32", {F(v)}), Const("String", S("UInt8"))}),
                  absl::StatusCode::kInvalidArgument, "CAST: Unexpected inf or nan to integer conversion");
  }
  // A NULL row's stored value is not looked at.
  TALLY_EXPECT_CALL(Call("toInt64", {Vec("Nullable(Float64)", {N(), F(2.5)})}), "Nullable(Int64)",
                    (std::vector<Value>{N(), I(2)}));
  TALLY_EXPECT_CALL(Call("toBool", {Vec("Float64", {F(NAN), F(-0.0)})}), "Bool", (std::vector<Value>{U(1), U(0)}));
}

TEST(CastTest, ParsesStringsAndNamesBadValues) {
  TALLY_EXPECT_CALL(Call("toUInt64", {Vec("String", {S("42"), S("18446744073709551615")})}), "UInt64",
                    (std::vector<Value>{U(42), U(UINT64_MAX)}));
  TALLY_EXPECT_CALL(Call("toUInt8", {Vec("String", {S("300"), S("+1")})}), "UInt8", (std::vector<Value>{U(44), U(1)}));
  TALLY_EXPECT_CALL(Call("toInt8", {Vec("String", {S("200"), S("-1")})}), "Int8", (std::vector<Value>{I(-56), I(-1)}));
  EXPECT_STATUS(Call("toUInt8", {Vec("String", {S("1"), S("-0")})}), absl::StatusCode::kInvalidArgument,
                "toUInt8: Unsigned type must not contain '-' symbol: Cannot parse UInt8 from String");
  TALLY_EXPECT_CALL(Call("toFloat64", {Vec("String", {S("1.5"), S("-inf"), S("1e3")})}), "Float64",
                    (std::vector<Value>{F(1.5), F(-INFINITY), F(1000)}));
  TALLY_EXPECT_CALL(Call("toBool", {Vec("String", {S("true"), S("FALSE"), S("1")})}), "Bool",
                    (std::vector<Value>{U(1), U(0), U(1)}));
  EXPECT_STATUS(Call("toUInt64", {Vec("String", {S("12"), S("abc")})}), absl::StatusCode::kInvalidArgument,
                "toUInt64: cannot parse 'abc' as UInt64");
  EXPECT_STATUS(Call("CAST", {Vec("String", {S("")}), Const("String", S("Int32"))}), absl::StatusCode::kInvalidArgument,
                "CAST: cannot parse '' as Int32");
  EXPECT_STATUS(Call("toInt64", {Vec("String", {S("99999999999999999999")})}), absl::StatusCode::kInvalidArgument,
                "cannot parse '99999999999999999999' as Int64");
}

TEST(CastTest, LowCardinalityConvertsItsDictionary) {
  TALLY_EXPECT_CALL(Call("toUInt16", {Vec("LowCardinality(String)", {S("7"), S("8"), S("7")})}), "UInt16",
                    (std::vector<Value>{U(7), U(8), U(7)}));
  TALLY_EXPECT_CALL(Call("toInt32", {Vec("LowCardinality(Nullable(String))", {S("7"), N()})}), "Nullable(Int32)",
                    (std::vector<Value>{I(7), N()}));
  // A dictionary entry no row uses cannot fail the conversion.
  Column lc = Build("LowCardinality(String)", {S("bad"), S("1"), S("2")});
  Column rows = Column::Gather(lc, std::vector<uint32_t>{1, 2, 1});
  TALLY_EXPECT_CALL(Call("toUInt8", {Arg{rows, false}}), "UInt8", (std::vector<Value>{U(1), U(2), U(1)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("String", {S("a"), S("b"), S("a")}), Const("String", S("LowCardinality(String)"))}),
                    "LowCardinality(String)", (std::vector<Value>{S("a"), S("b"), S("a")}));
}

TEST(CastTest, NullableAndNull) {
  TALLY_EXPECT_CALL(Call("toUInt8", {Vec("Nullable(String)", {S("1"), N()})}), "Nullable(UInt8)",
                    (std::vector<Value>{U(1), N()}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("Nullable(String)", {S("1"), N()}), Const("String", S("Nullable(Int64)"))}),
                    "Nullable(Int64)", (std::vector<Value>{I(1), N()}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("UInt8", {U(1)}), Const("String", S("Nullable(String)"))}), "Nullable(String)",
                    (std::vector<Value>{S("1")}));
  EXPECT_STATUS(Call("CAST", {Vec("Nullable(UInt8)", {U(1), N()}), Const("String", S("UInt8"))}),
                absl::StatusCode::kInvalidArgument, "CAST: cannot convert NULL to non-Nullable type UInt8");
  TALLY_EXPECT_CALL(Call("toString", {Const("Nullable(UInt8)", N())}, 2), "Nullable(String)", (std::vector<Value>{N(), N()}));
  // The text \N parses as NULL into Nullable types other than Nullable(String).
  TALLY_EXPECT_CALL(Call("CAST", {Vec("String", {S("\\N"), S("7")}), Const("String", S("Nullable(Int64)"))}),
                    "Nullable(Int64)", (std::vector<Value>{N(), I(7)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("String", {S("\\N")}), Const("String", S("Nullable(String)"))}),
                    "Nullable(String)", (std::vector<Value>{S("\\N")}));
}

TEST(ToStringTest, FloatsAsTheOutputFormatsPrintThem) {
  TALLY_EXPECT_CALL(Call("toString", {Vec("Float64", {F(1e21), F(1e-7), F(-0.0), F(1.5e300)})}), "String",
                    (std::vector<Value>{S("1e21"), S("1e-7"), S("-0"), S("1.5e300")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("Float32", {F(3e38), F(0.1)})}), "String",
                    (std::vector<Value>{S("3e38"), S("0.1")}));
}

TEST(CastTest, BadTypesAndArguments) {
  EXPECT_STATUS(Call("CAST", {Vec("UInt8", {U(1)}), Const("String", S("Strin"))}), absl::StatusCode::kInvalidArgument,
                "CAST: type 'Strin'");
  EXPECT_STATUS(Call("CAST", {Vec("UInt8", {U(1)}), Vec("String", {S("UInt8")})}), absl::StatusCode::kInvalidArgument,
                "CAST: argument 2 has type String, expected a constant String");
  EXPECT_STATUS(Call("toUInt8", {}), absl::StatusCode::kInvalidArgument, "toUInt8: expected 1 argument, got 0");
  EXPECT_STATUS(Call("toUUID", {Vec("UInt8", {U(1)})}), absl::StatusCode::kInvalidArgument,
                "toUUID: cannot convert UInt8 to UUID");
}

TEST(ToStringTest, ClickHouseTextForms) {
  TALLY_EXPECT_CALL(Call("toString", {Vec("Int16", {I(-5), I(300)})}), "String", (std::vector<Value>{S("-5"), S("300")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("Float64", {F(0.1), F(1), F(INFINITY), F(NAN)})}), "String",
                    (std::vector<Value>{S("0.1"), S("1"), S("inf"), S("nan")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("Bool", {U(1), U(0)})}), "String", (std::vector<Value>{S("true"), S("false")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("Date", {U(20727)})}), "String", (std::vector<Value>{S("2026-10-01")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("DateTime", {U(1790812800 + 3661)})}), "String",
                    (std::vector<Value>{S("2026-10-01 01:01:01")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("DateTime('Asia/Tokyo')", {U(1790812800)})}), "String",
                    (std::vector<Value>{S("2026-10-01 09:00:00")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("DateTime", {U(1790812800)}), Const("String", S("Asia/Tokyo"))}), "String",
                    (std::vector<Value>{S("2026-10-01 09:00:00")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("DateTime64(3)", {I(1790812800123), I(-1)})}), "String",
                    (std::vector<Value>{S("2026-10-01 00:00:00.123"), S("1969-12-31 23:59:59.999")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("Array(String)", {A({S("a"), S("b'c")})})}), "String",
                    (std::vector<Value>{S("['a','b\\'c']")}));
  TALLY_EXPECT_CALL(Call("toString", {Vec("LowCardinality(String)", {S("x")})}), "String", (std::vector<Value>{S("x")}));
}

// toDate itself is registered by the time functions; CAST(x AS Date) converts here.
TEST(CastToDateTest, FromStringsNumbersAndDateTimes) {
  Arg date = Const("String", S("Date"));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("String", {S("2026-10-01"), S("2026-10-01 23:59:59"), S("1970-01-01")}), date}),
                    "Date", (std::vector<Value>{U(20727), U(20727), U(0)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("UInt32", {U(20727), U(1790812800 + 86399)}), date}), "Date",
                    (std::vector<Value>{U(20727), U(20727)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("DateTime", {U(1790812800 - 1)}), date}), "Date", (std::vector<Value>{U(20726)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("DateTime('Asia/Tokyo')", {U(1790812800 - 1)}), date}), "Date",
                    (std::vector<Value>{U(20727)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("DateTime64(3, 'UTC')", {I(1790812800999)}), date}), "Date",
                    (std::vector<Value>{U(20727)}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("String", {S("1969-12-31"), S("2200-01-01")}), date}), "Date",
                    (std::vector<Value>{U(0), U(65535)}));  // clamped to Date's range
  EXPECT_STATUS(Call("CAST", {Vec("String", {S("2026-13-01")}), date}), absl::StatusCode::kInvalidArgument,
                "CAST: cannot parse '2026-13-01' as Date");
  EXPECT_STATUS(Call("toDateTime", {Vec("String", {S("x")}), Const("String", S("Mars/Olympus"))}),
                absl::StatusCode::kInvalidArgument, "unknown time zone 'Mars/Olympus'");
}

TEST(ToDateTimeTest, FromStringsNumbersAndDates) {
  TALLY_EXPECT_CALL(Call("toDateTime", {Vec("String", {S("2026-10-01 00:00:00"), S("2026-10-01"), S("2026-10-01T00:00:01Z"),
                                                       S("2026-10-01 02:00:00+02:00"), S("1790812800")})}),
                    "DateTime", (std::vector<Value>{U(1790812800), U(1790812800), U(1790812801), U(1790812800), U(1790812800)}));
  TALLY_EXPECT_CALL(Call("toDateTime", {Vec("String", {S("2026-10-01 09:00:00")}), Const("String", S("Asia/Tokyo"))}),
                    "DateTime('Asia/Tokyo')", (std::vector<Value>{U(1790812800)}));
  TALLY_EXPECT_CALL(Call("toDateTime", {Vec("Date", {U(20727)}), Const("String", S("Asia/Tokyo"))}),
                    "DateTime('Asia/Tokyo')", (std::vector<Value>{U(1790812800 - 9 * 3600)}));
  TALLY_EXPECT_CALL(Call("toDateTime", {Vec("Int64", {I(-5), I(7)})}), "DateTime", (std::vector<Value>{U(0), U(7)}));
  TALLY_EXPECT_CALL(Call("toDateTime", {Vec("DateTime64(3, 'Europe/Berlin')", {I(1500)})}), "DateTime('Europe/Berlin')",
                    (std::vector<Value>{U(1)}));
  EXPECT_STATUS(Call("toDateTime", {Vec("String", {S("2026-10-01 25:00:00")})}), absl::StatusCode::kInvalidArgument,
                "toDateTime: cannot parse '2026-10-01 25:00:00' as DateTime");
}

TEST(ToDateTime64Test, PrecisionAndZone) {
  TALLY_EXPECT_CALL(Call("toDateTime64", {Vec("String", {S("2026-10-01 00:00:00.1234"), S("2026-10-01 00:00:00")}),
                                          Const("UInt8", U(3))}),
                    "DateTime64(3)", (std::vector<Value>{I(1790812800123), I(1790812800000)}));
  TALLY_EXPECT_CALL(Call("toDateTime64", {Vec("DateTime", {U(2)}), Const("UInt8", U(6)), Const("String", S("UTC"))}),
                    "DateTime64(6, 'UTC')", (std::vector<Value>{I(2000000)}));
  TALLY_EXPECT_CALL(Call("toDateTime64", {Vec("Float64", {F(1.5)}), Const("UInt8", U(3))}), "DateTime64(3)",
                    (std::vector<Value>{I(1500)}));
  TALLY_EXPECT_CALL(Call("toDateTime64", {Vec("DateTime64(6)", {I(1999999)}), Const("UInt8", U(3))}), "DateTime64(3)",
                    (std::vector<Value>{I(1999)}));
  EXPECT_STATUS(Call("toDateTime64", {Vec("UInt8", {U(1)}), Const("UInt8", U(12))}), absl::StatusCode::kInvalidArgument,
                "toDateTime64: precision 12 is not in 0..9");
  EXPECT_STATUS(Call("toDateTime64", {Vec("UInt8", {U(1)}), Vec("UInt8", {U(3)})}), absl::StatusCode::kInvalidArgument,
                "toDateTime64: argument 2 has type UInt8, expected a constant integer");
}

TEST(ToUuidTest, ParsesAndPrints) {
  auto u = Call("toUUID", {Vec("String", {S("61f0c404-5cb3-11e7-907b-a6006ad3dba0")})});
  ASSERT_OK(u);
  EXPECT_EQ(u->type, "UUID");
  ASSERT_EQ(u->values[0].s.size(), 16u);
  EXPECT_EQ(static_cast<uint8_t>(u->values[0].s[0]), 0x61);
  EXPECT_EQ(static_cast<uint8_t>(u->values[0].s[15]), 0xa0);
  Column uuid = Build("UUID", {u->values[0]});
  TALLY_EXPECT_CALL(Call("toString", {Arg{uuid, false}}), "String",
                    (std::vector<Value>{S("61f0c404-5cb3-11e7-907b-a6006ad3dba0")}));
  EXPECT_STATUS(Call("toUUID", {Vec("String", {S("61f0c404")})}), absl::StatusCode::kInvalidArgument,
                "toUUID: cannot parse '61f0c404' as UUID");
}

TEST(ToTypeNameTest, PrintsClickHouseNames) {
  TALLY_EXPECT_CALL(Call("toTypeName", {Vec("LowCardinality(Nullable(String))", {S("a"), N()})}), "String",
                    (std::vector<Value>{S("LowCardinality(Nullable(String))"), S("LowCardinality(Nullable(String))")}));
  TALLY_EXPECT_CALL(Call("toTypeName", {Const("DateTime64(3, 'UTC')", I(0))}), "String",
                    (std::vector<Value>{S("DateTime64(3, 'UTC')")}));
  TALLY_EXPECT_CALL(Call("toTypeName", {Vec("Map(String, Array(UInt8))", {M({})})}), "String",
                    (std::vector<Value>{S("Map(String, Array(UInt8))")}));
}

TEST(CastTest, ArraysConvertElementWise) {
  TALLY_EXPECT_CALL(Call("CAST", {Vec("Array(String)", {A({S("1"), S("2")}), A({})}), Const("String", S("Array(UInt8)"))}),
                    "Array(UInt8)", (std::vector<Value>{A({U(1), U(2)}), A({})}));
  TALLY_EXPECT_CALL(Call("CAST", {Vec("Map(String, UInt8)", {M({S("a"), U(1)})}), Const("String", S("Map(String, String)"))}),
                    "Map(String, String)", (std::vector<Value>{M({S("a"), S("1")})}));
}

}  // namespace
}  // namespace tally::engine::exec
