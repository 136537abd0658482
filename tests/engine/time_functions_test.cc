#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/exec/function.h"
#include "engine/exec/interval.h"
#include "engine/exec/time_zone_util.h"
#include "format/column.h"
#include "tests/engine/call_function.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using format::Value;
using testing::CallFn;
using testing::ColumnOf;
using testing::ConstOf;
using testing::FnArg;
using testing::I;
using testing::S;
using testing::StringT;
using testing::T;
using testing::U;
using testing::ValuesOf;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

// Seconds of a local civil time in `zone` (the earlier one when repeated).
int64_t At(const std::string& zone, int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), Zone(zone)));
}
int64_t Utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return At("UTC", y, m, d, hh, mm, ss);
}
uint64_t Day(int y, int m, int d) { return static_cast<uint64_t>(Utc(y, m, d) / 86400); }

FnArg Times(std::vector<int64_t> seconds, std::string zone = "") {
  std::vector<Value> v;
  for (int64_t s : seconds) v.push_back(U(static_cast<uint64_t>(s)));
  return ColumnOf(DataType::DateTime(std::move(zone)), v);
}
FnArg Dates(std::vector<uint64_t> days) {
  std::vector<Value> v;
  for (uint64_t d : days) v.push_back(U(d));
  return ColumnOf(T(TypeId::kDate), v);
}
FnArg CStr(std::string s) { return ConstOf(StringT(), S(std::move(s))); }
FnArg CInt(int64_t v) { return ConstOf(T(TypeId::kInt64), I(v)); }
FnArg CMode(uint64_t v) { return ConstOf(T(TypeId::kUInt8), U(v)); }  // week modes are UInt8

std::vector<Value> UInts(std::vector<uint64_t> v) {
  std::vector<Value> out;
  for (uint64_t x : v) out.push_back(U(x));
  return out;
}
std::vector<Value> Secs(std::vector<int64_t> v) {
  std::vector<Value> out;
  for (int64_t x : v) out.push_back(U(static_cast<uint64_t>(x)));
  return out;
}

std::vector<Value> Eval(const std::string& name, const std::vector<FnArg>& args,
                        const FunctionContext& ctx = {}) {
  auto out = CallFn(name, args, ctx);
  EXPECT_TRUE(out.ok()) << name << ": " << out.status();
  return out.ok() ? ValuesOf(*out) : std::vector<Value>{};
}

std::string TypeOfCall(const std::string& name, const std::vector<FnArg>& args) {
  auto out = CallFn(name, args);
  return out.ok() ? out->type->ToString() : out.status().ToString();
}

TEST(TimeFunctionsTest, ZoneDatabaseIsInstalled) {
  absl::TimeZone tz;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &tz)) << "tests need /usr/share/zoneinfo";
}

TEST(TimeFunctionsTest, CalendarFieldsAndTypes) {
  FnArg t = Times({Utc(2026, 3, 29, 13, 45, 30), Utc(2024, 12, 31, 23, 59, 59)});
  EXPECT_EQ(Eval("toYear", {t}), UInts({2026, 2024}));
  EXPECT_EQ(TypeOfCall("toYear", {t}), "UInt16");
  EXPECT_EQ(Eval("toMonth", {t}), UInts({3, 12}));
  EXPECT_EQ(Eval("toQuarter", {t}), UInts({1, 4}));
  EXPECT_EQ(Eval("toDayOfMonth", {t}), UInts({29, 31}));
  EXPECT_EQ(Eval("toDayOfYear", {t}), UInts({88, 366}));
  EXPECT_EQ(Eval("toDayOfWeek", {t}), UInts({7, 2}));  // Sunday, Tuesday
  EXPECT_EQ(Eval("toDayOfWeek", {t, CMode(2)}), UInts({0, 2}));
  EXPECT_EQ(Eval("toHour", {t}), UInts({13, 23}));
  EXPECT_EQ(Eval("toMinute", {t}), UInts({45, 59}));
  EXPECT_EQ(Eval("toSecond", {t}), UInts({30, 59}));
  EXPECT_EQ(TypeOfCall("toHour", {t}), "UInt8");
  EXPECT_EQ(Eval("toYYYYMM", {t}), UInts({202603, 202412}));
  EXPECT_EQ(Eval("toYYYYMMDD", {t}), UInts({20260329, 20241231}));
  EXPECT_EQ(TypeOfCall("toYYYYMMDD", {t}), "UInt32");
  EXPECT_EQ(Eval("toDate", {t}), UInts({Day(2026, 3, 29), Day(2024, 12, 31)}));
  EXPECT_EQ(TypeOfCall("toDate", {t}), "Date");
  EXPECT_EQ(Eval("YEAR", {t}), UInts({2026, 2024}));
  // Dates work for the day-based functions and are never shifted by a zone.
  FnArg d = Dates({Day(2026, 3, 29)});
  EXPECT_EQ(Eval("toMonth", {d, CStr("Asia/Tokyo")}), UInts({3}));
  EXPECT_STATUS(CallFn("toHour", {d}), absl::StatusCode::kInvalidArgument, "toHour");
}

TEST(TimeFunctionsTest, ZoneComesFromArgumentThenTypeThenSession) {
  const int64_t t = Utc(2026, 7, 1, 22, 30);  // 00:30 on July 2 in Berlin
  EXPECT_EQ(Eval("toHour", {Times({t})}), UInts({22}));
  EXPECT_EQ(Eval("toHour", {Times({t}, "Europe/Berlin")}), UInts({0}));
  EXPECT_EQ(Eval("toHour", {Times({t}, "Europe/Berlin"), CStr("Asia/Tokyo")}), UInts({7}));
  FunctionContext berlin;
  berlin.session_timezone = "Europe/Berlin";
  EXPECT_EQ(Eval("toDayOfMonth", {Times({t})}, berlin), UInts({2}));
  EXPECT_EQ(Eval("toDayOfMonth", {Times({t}, "UTC")}, berlin), UInts({1}));
  EXPECT_EQ(TypeOfCall("toStartOfHour", {Times({t}), CStr("Asia/Tokyo")}),
            "DateTime('Asia/Tokyo')");
  EXPECT_EQ(TypeOfCall("toStartOfHour", {Times({t}, "Europe/Berlin")}),
            "DateTime('Europe/Berlin')");
  EXPECT_STATUS(CallFn("toHour", {Times({t}), CStr("Mars/Olympus")}),
                absl::StatusCode::kInvalidArgument, "Mars/Olympus");
}

// Europe/Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC), a 23-hour day.
TEST(TimeFunctionsTest, BerlinSpringForwardDay) {
  const std::string kBerlin = "Europe/Berlin";
  FnArg t = Times({Utc(2026, 3, 28, 23, 0), Utc(2026, 3, 29, 0, 30), Utc(2026, 3, 29, 1, 0),
                   Utc(2026, 3, 29, 1, 30), Utc(2026, 3, 29, 21, 59, 59), Utc(2026, 3, 29, 22, 0)},
                  kBerlin);
  EXPECT_EQ(Eval("toHour", {t}), UInts({0, 1, 3, 3, 23, 0}));
  EXPECT_EQ(Eval("toDate", {t}), UInts({Day(2026, 3, 29), Day(2026, 3, 29), Day(2026, 3, 29),
                                        Day(2026, 3, 29), Day(2026, 3, 29), Day(2026, 3, 30)}));
  const int64_t day_start = Utc(2026, 3, 28, 23, 0);
  EXPECT_EQ(Eval("toStartOfDay", {t}),
            Secs({day_start, day_start, day_start, day_start, day_start, Utc(2026, 3, 29, 22, 0)}));
  EXPECT_EQ(Eval("toStartOfHour", {t}),
            Secs({Utc(2026, 3, 28, 23, 0), Utc(2026, 3, 29, 0, 0), Utc(2026, 3, 29, 1, 0),
                  Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 29, 21, 0), Utc(2026, 3, 29, 22, 0)}));
  // Two-hour buckets count local hours from midnight: 00-02, then 03:00 (the skipped 02:00).
  EXPECT_EQ(Eval("toStartOfInterval", {t, CInt(2), CStr("hour")}),
            Secs({day_start, day_start, Utc(2026, 3, 29, 1, 0), Utc(2026, 3, 29, 1, 0),
                  Utc(2026, 3, 29, 20, 0), Utc(2026, 3, 29, 22, 0)}));
  EXPECT_EQ(Eval("formatDateTime", {t, CStr("%F %T %z")}),
            (std::vector<Value>{S("2026-03-29 00:00:00 +0100"), S("2026-03-29 01:30:00 +0100"),
                                S("2026-03-29 03:00:00 +0200"), S("2026-03-29 03:30:00 +0200"),
                                S("2026-03-29 23:59:59 +0200"), S("2026-03-30 00:00:00 +0200")}));
}

// Europe/Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC), a 25-hour day.
TEST(TimeFunctionsTest, BerlinFallBackDay) {
  FnArg t = Times({Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30), Utc(2026, 10, 25, 22, 59)},
                  "Europe/Berlin");
  EXPECT_EQ(Eval("toHour", {t}), UInts({2, 2, 23}));
  EXPECT_EQ(Eval("toStartOfHour", {t}),
            Secs({Utc(2026, 10, 25, 0, 0), Utc(2026, 10, 25, 1, 0), Utc(2026, 10, 25, 22, 0)}));
  const int64_t day_start = Utc(2026, 10, 24, 22, 0);
  EXPECT_EQ(Eval("toStartOfDay", {t}), Secs({day_start, day_start, day_start}));
  EXPECT_EQ(Eval("toDate", {t}), UInts({Day(2026, 10, 25), Day(2026, 10, 25), Day(2026, 10, 25)}));
  EXPECT_EQ(Eval("toStartOfFifteenMinutes", {t}),
            Secs({Utc(2026, 10, 25, 0, 30), Utc(2026, 10, 25, 1, 30), Utc(2026, 10, 25, 22, 45)}));
}

TEST(TimeFunctionsTest, LosAngelesDatesAroundDaylightSaving) {
  const std::string kLa = "America/Los_Angeles";
  // 2026-03-08 02:00 PST -> 03:00 PDT; 2026-11-01 02:00 PDT -> 01:00 PST.
  FnArg t = Times({Utc(2026, 3, 8, 7, 59, 59), Utc(2026, 3, 8, 8, 0), Utc(2026, 3, 9, 6, 59, 59),
                   Utc(2026, 3, 9, 7, 0), Utc(2026, 11, 2, 7, 59, 59), Utc(2026, 11, 2, 8, 0)});
  EXPECT_EQ(Eval("toDate", {t, CStr(kLa)}),
            UInts({Day(2026, 3, 7), Day(2026, 3, 8), Day(2026, 3, 8), Day(2026, 3, 9),
                   Day(2026, 11, 1), Day(2026, 11, 2)}));
  EXPECT_EQ(Eval("toStartOfDay", {t, CStr(kLa)}),
            Secs({At(kLa, 2026, 3, 7), At(kLa, 2026, 3, 8), At(kLa, 2026, 3, 8),
                  At(kLa, 2026, 3, 9), At(kLa, 2026, 11, 1), At(kLa, 2026, 11, 2)}));
  // The 23-hour and 25-hour days.
  EXPECT_EQ(At(kLa, 2026, 3, 9) - At(kLa, 2026, 3, 8), 23 * 3600);
  EXPECT_EQ(At(kLa, 2026, 11, 2) - At(kLa, 2026, 11, 1), 25 * 3600);
  EXPECT_EQ(Eval("toUnixTimestamp", {Dates({Day(2026, 3, 8)}), CStr(kLa)}),
            Secs({At(kLa, 2026, 3, 8)}));
}

TEST(TimeFunctionsTest, WeekMonthQuarterYearStarts) {
  FnArg t =
      Times({Utc(2026, 3, 25, 12), Utc(2026, 3, 29, 12), Utc(2026, 3, 23, 0)});  // Wed, Sun, Mon
  EXPECT_EQ(Eval("toStartOfWeek", {t}),
            UInts({Day(2026, 3, 22), Day(2026, 3, 29), Day(2026, 3, 22)}));
  EXPECT_EQ(Eval("toStartOfWeek", {t, CMode(1)}),
            UInts({Day(2026, 3, 23), Day(2026, 3, 23), Day(2026, 3, 23)}));
  EXPECT_EQ(Eval("toMonday", {t}), UInts({Day(2026, 3, 23), Day(2026, 3, 23), Day(2026, 3, 23)}));
  EXPECT_EQ(Eval("toStartOfMonth", {t}),
            UInts({Day(2026, 3, 1), Day(2026, 3, 1), Day(2026, 3, 1)}));
  EXPECT_EQ(Eval("toStartOfQuarter", {t}),
            UInts({Day(2026, 1, 1), Day(2026, 1, 1), Day(2026, 1, 1)}));
  EXPECT_EQ(Eval("toStartOfYear", {t}), UInts({Day(2026, 1, 1), Day(2026, 1, 1), Day(2026, 1, 1)}));
  EXPECT_EQ(Eval("toLastDayOfMonth", {Dates({Day(2024, 2, 10)})}), UInts({Day(2024, 2, 29)}));
  EXPECT_EQ(TypeOfCall("toStartOfMonth", {t}), "Date");
}

TEST(TimeFunctionsTest, StartOfMinuteFamilies) {
  FnArg t = Times({Utc(2026, 5, 1, 10, 7, 59), Utc(2026, 5, 1, 10, 59, 0)});
  EXPECT_EQ(Eval("toStartOfMinute", {t}), Secs({Utc(2026, 5, 1, 10, 7), Utc(2026, 5, 1, 10, 59)}));
  EXPECT_EQ(Eval("toStartOfFiveMinutes", {t}),
            Secs({Utc(2026, 5, 1, 10, 5), Utc(2026, 5, 1, 10, 55)}));
  EXPECT_EQ(Eval("toStartOfFiveMinute", {t}),
            Secs({Utc(2026, 5, 1, 10, 5), Utc(2026, 5, 1, 10, 55)}));
  EXPECT_EQ(Eval("toStartOfTenMinutes", {t}),
            Secs({Utc(2026, 5, 1, 10, 0), Utc(2026, 5, 1, 10, 50)}));
  EXPECT_EQ(Eval("toStartOfFifteenMinutes", {t}),
            Secs({Utc(2026, 5, 1, 10, 0), Utc(2026, 5, 1, 10, 45)}));
  // Half-hour zone: hours start at :30 UTC.
  EXPECT_EQ(Eval("toStartOfHour", {t, CStr("Asia/Kolkata")}),
            Secs({Utc(2026, 5, 1, 9, 30), Utc(2026, 5, 1, 10, 30)}));
}

TEST(TimeFunctionsTest, DateTime64RoundsToDateTimeExceptBelowAMinute) {
  FnArg t = ColumnOf(DataType::DateTime64(3, "UTC"), {I(Utc(2026, 5, 1, 10, 7, 59) * 1000 + 123)});
  EXPECT_EQ(TypeOfCall("toStartOfMinute", {t}), "DateTime('UTC')");
  EXPECT_EQ(Eval("toStartOfMinute", {t}), Secs({Utc(2026, 5, 1, 10, 7)}));
  EXPECT_EQ(TypeOfCall("toStartOfInterval", {t, CInt(1), CStr("hour")}), "DateTime('UTC')");
  EXPECT_EQ(TypeOfCall("toStartOfSecond", {t}), "DateTime64(3, 'UTC')");
  EXPECT_EQ(Eval("toStartOfSecond", {t}),
            (std::vector<Value>{I(Utc(2026, 5, 1, 10, 7, 59) * 1000)}));
  EXPECT_EQ(Eval("toSecond", {t}), UInts({59}));
  EXPECT_EQ(Eval("toUnixTimestamp", {t}), Secs({Utc(2026, 5, 1, 10, 7, 59)}));
  EXPECT_EQ(Eval("formatDateTime", {t, CStr("%H:%i:%S.%f")}),
            (std::vector<Value>{S("10:07:59.123000")}));  // %f: always microseconds
  EXPECT_EQ(Eval("toStartOfInterval", {t, CInt(100), CStr("millisecond")}),
            (std::vector<Value>{I(Utc(2026, 5, 1, 10, 7, 59) * 1000 + 100)}));
  EXPECT_EQ(Eval("addMilliseconds", {t, CInt(900)}),
            (std::vector<Value>{I(Utc(2026, 5, 1, 10, 8, 0) * 1000 + 23)}));
}

TEST(TimeFunctionsTest, ToStartOfIntervalUnits) {
  FnArg t = Times({Utc(2026, 8, 19, 17, 47, 13)});  // a Wednesday
  auto round = [&](int64_t n, const std::string& unit) {
    return Eval("toStartOfInterval", {t, CInt(n), CStr(unit)});
  };
  EXPECT_EQ(round(1, "second"), Secs({Utc(2026, 8, 19, 17, 47, 13)}));
  EXPECT_EQ(round(10, "second"), Secs({Utc(2026, 8, 19, 17, 47, 10)}));
  EXPECT_EQ(round(15, "minute"), Secs({Utc(2026, 8, 19, 17, 45)}));
  EXPECT_EQ(round(7, "minute"),
            Secs({Utc(2026, 8, 19, 17, 47) - (Utc(2026, 8, 19, 17, 47) / 60 % 7) * 60}));
  EXPECT_EQ(round(6, "hour"), Secs({Utc(2026, 8, 19, 12)}));
  EXPECT_EQ(round(1, "day"), Secs({Utc(2026, 8, 19)}));
  EXPECT_EQ(round(1, "week"), UInts({Day(2026, 8, 17)}));
  EXPECT_EQ(round(2, "week"), UInts({Day(2026, 8, 17) - (Day(2026, 8, 17) - 4) % 14}));
  EXPECT_EQ(round(1, "month"), UInts({Day(2026, 8, 1)}));
  EXPECT_EQ(round(2, "month"), UInts({Day(2026, 7, 1)}));
  EXPECT_EQ(round(1, "quarter"), UInts({Day(2026, 7, 1)}));
  EXPECT_EQ(round(1, "year"), UInts({Day(2026, 1, 1)}));
  EXPECT_EQ(round(5, "year"), UInts({Day(2025, 1, 1)}));
  EXPECT_EQ(TypeOfCall("toStartOfInterval", {t, CInt(1), CStr("day")}), "DateTime");
  EXPECT_EQ(TypeOfCall("toStartOfInterval", {t, CInt(1), CStr("month")}), "Date");
  EXPECT_EQ(Eval("dateTrunc", {CStr("hour"), t}), Secs({Utc(2026, 8, 19, 17)}));
  // Without the binder's rewrite the unit is unknown: the error says what to do.
  EXPECT_STATUS(CallFn("toStartOfInterval", {t, CInt(15)}), absl::StatusCode::kInvalidArgument,
                "interval.h");
  EXPECT_STATUS(CallFn("toStartOfInterval", {t, CInt(0), CStr("minute")}),
                absl::StatusCode::kInvalidArgument, "positive");
  EXPECT_STATUS(CallFn("toStartOfInterval", {Dates({1}), CInt(1), CStr("hour")}),
                absl::StatusCode::kInvalidArgument, "Date");
}

TEST(TimeFunctionsTest, IntervalsAndArithmetic) {
  ASSERT_OK_AND_ASSIGN(Column interval, CallFn("toIntervalMinute", {CInt(15)}));
  EXPECT_EQ(interval.type->ToString(), "Int64");
  EXPECT_EQ(ValuesOf(interval), (std::vector<Value>{I(15)}));
  EXPECT_EQ(IntervalUnitOfFunction("toIntervalQuarter"), IntervalUnit::kQuarter);
  EXPECT_EQ(IntervalUnitOfFunction("toStartOfHour"), std::nullopt);
  EXPECT_EQ(ParseIntervalUnit("MINUTES"), IntervalUnit::kMinute);
  EXPECT_EQ(ParseIntervalUnit("mi"), IntervalUnit::kMinute);
  EXPECT_EQ(ParseIntervalUnit("mm"), IntervalUnit::kMonth);
  EXPECT_EQ(IntervalArithmeticFunction(IntervalUnit::kDay, true), "subtractDays");

  FnArg t = Times({Utc(2026, 1, 31, 10, 0)});
  EXPECT_EQ(Eval("addMonths", {t, CInt(1)}), Secs({Utc(2026, 2, 28, 10, 0)}));
  EXPECT_EQ(Eval("addYears", {Times({Utc(2024, 2, 29)}), CInt(1)}), Secs({Utc(2025, 2, 28)}));
  EXPECT_EQ(Eval("subtractMinutes", {t, CInt(90)}), Secs({Utc(2026, 1, 31, 8, 30)}));
  EXPECT_EQ(Eval("addWeeks", {t, ColumnOf(T(TypeId::kInt8), {I(-1)})}),
            Secs({Utc(2026, 1, 24, 10, 0)}));
  EXPECT_EQ(Eval("addDays", {Dates({Day(2026, 2, 28)}), CInt(1)}), UInts({Day(2026, 3, 1)}));
  EXPECT_EQ(TypeOfCall("addHours", {Dates({Day(2026, 2, 28)}), CInt(1)}), "DateTime");
  EXPECT_EQ(Eval("addHours", {Dates({Day(2026, 2, 28)}), CInt(1)}), Secs({Utc(2026, 2, 28, 1)}));
  EXPECT_EQ(Eval("addQuarters", {Dates({Day(2026, 11, 30)}), CInt(1)}), UInts({Day(2027, 2, 28)}));
  // Across a change: days keep the local time, hours are exact.
  FnArg berlin = Times({Utc(2026, 3, 28, 11, 0)}, "Europe/Berlin");                // 12:00 CET
  EXPECT_EQ(Eval("addDays", {berlin, CInt(1)}), Secs({Utc(2026, 3, 29, 10, 0)}));  // 12:00 CEST
  EXPECT_EQ(Eval("addHours", {berlin, CInt(24)}), Secs({Utc(2026, 3, 29, 11, 0)}));
}

TEST(TimeFunctionsTest, ExtremeAmountsDoNotOverflow) {
  FnArg t = Times({Utc(2026, 1, 31, 10, 0)}, "Europe/Berlin");
  FnArg t64 = ColumnOf(DataType::DateTime64(9), {I(INT64_MAX), I(INT64_MIN)});
  for (const char* fn :
       {"addSeconds", "addHours", "addDays", "addWeeks", "addMonths", "addYears", "subtractDays",
        "subtractYears", "addMilliseconds", "subtractNanoseconds"}) {
    for (int64_t n : {INT64_MAX, INT64_MIN, int64_t{0}}) {
      EXPECT_OK(CallFn(fn, {t, CInt(n)}));
      EXPECT_OK(CallFn(fn, {t64, CInt(n)}));
      EXPECT_OK(CallFn(fn, {Dates({0, 65535}), CInt(n)}));
    }
  }
  EXPECT_OK(CallFn("toStartOfInterval", {t64, CInt(1000000), CStr("year")}));
  EXPECT_OK(CallFn("toStartOfInterval", {t64, CInt(7), CStr("hour"), CStr("Asia/Kolkata")}));
  EXPECT_OK(CallFn("formatDateTime", {t64, CStr("%F %T.%f %G-%V")}));
  EXPECT_OK(CallFn("dateDiff", {CStr("ns"), t64, t64}));
  EXPECT_STATUS(CallFn("toStartOfInterval", {t, CInt(INT64_MAX), CStr("second")}),
                absl::StatusCode::kInvalidArgument, "too large");
}

TEST(TimeFunctionsTest, DateDiffCountsBoundaries) {
  FnArg a = Times({Utc(2026, 1, 31, 23, 59)}), b = Times({Utc(2026, 2, 1, 0, 1)});
  EXPECT_EQ(Eval("dateDiff", {CStr("minute"), a, b}), (std::vector<Value>{I(2)}));
  EXPECT_EQ(Eval("dateDiff", {CStr("hour"), a, b}), (std::vector<Value>{I(1)}));
  EXPECT_EQ(Eval("dateDiff", {CStr("day"), a, b}), (std::vector<Value>{I(1)}));
  EXPECT_EQ(Eval("dateDiff", {CStr("month"), a, b}), (std::vector<Value>{I(1)}));
  EXPECT_EQ(Eval("dateDiff", {CStr("year"), a, b}), (std::vector<Value>{I(0)}));
  EXPECT_EQ(Eval("date_diff", {CStr("second"), b, a}), (std::vector<Value>{I(-120)}));
  EXPECT_EQ(Eval("dateDiff", {CStr("week"), Dates({Day(2026, 3, 22)}), Dates({Day(2026, 3, 23)})}),
            (std::vector<Value>{I(1)}));  // Sunday to Monday crosses a week
  EXPECT_EQ(Eval("dateDiff", {CStr("day"), a, b, CStr("Asia/Tokyo")}), (std::vector<Value>{I(0)}));
  EXPECT_STATUS(CallFn("dateDiff", {CStr("fortnight"), a, b}), absl::StatusCode::kInvalidArgument,
                "fortnight");
}

TEST(TimeFunctionsTest, FormatDateTimeSpecifiers) {
  FnArg t = Times({Utc(2026, 1, 1, 9, 5, 7)});  // a Thursday; ISO week 1 of 2026
  auto fmt = [&](const std::string& f) { return Eval("formatDateTime", {t, CStr(f)})[0].s; };
  EXPECT_EQ(fmt("%Y-%m-%d %H:%i:%S"), "2026-01-01 09:05:07");
  EXPECT_EQ(fmt("%F %T"), "2026-01-01 09:05:07");
  EXPECT_EQ(fmt("%D"), "01/01/26");
  EXPECT_EQ(fmt("%e|%j|%a|%b|%W|%M"), "1|001|Thu|Jan|Thursday|January");
  EXPECT_EQ(fmt("%I %p %y %w %u %G-%V %Q %%"), "09 AM 26 4 4 2026-01 1 %");
  EXPECT_EQ(Eval("formatDateTime", {Times({Utc(2027, 1, 1, 15)}), CStr("%G-W%V-%u %h%p")})[0].s,
            "2026-W53-5 03PM");
  EXPECT_EQ(Eval("formatDateTime", {t, CStr("%H:%i"), CStr("Asia/Kolkata")})[0].s, "14:35");
  EXPECT_EQ(Eval("formatDateTime", {Dates({Day(2026, 3, 1)}), CStr("%F %T")})[0].s,
            "2026-03-01 00:00:00");
  EXPECT_STATUS(CallFn("formatDateTime", {t, CStr("%Ö")}), absl::StatusCode::kInvalidArgument,
                "unsupported");
}

TEST(TimeFunctionsTest, NowTodayAndStringInputs) {
  FunctionContext ctx;
  ctx.now_s = Utc(2026, 6, 30, 23, 30);
  ctx.session_timezone = "Europe/Berlin";
  ASSERT_OK_AND_ASSIGN(auto now, testing::BindFn("now", {}, ctx));
  EXPECT_FALSE(now->deterministic());
  EXPECT_EQ(Eval("now", {}, ctx), Secs({ctx.now_s}));
  EXPECT_EQ(Eval("today", {}, ctx), UInts({Day(2026, 7, 1)}));  // already July 1 in Berlin
  EXPECT_EQ(Eval("yesterday", {}, ctx), UInts({Day(2026, 6, 30)}));
  EXPECT_EQ(TypeOfCall("now", {CStr("Asia/Tokyo")}), "DateTime('Asia/Tokyo')");
  EXPECT_EQ(Eval("now64", {}, ctx), (std::vector<Value>{I(ctx.now_s * 1000)}));
  EXPECT_EQ(Eval("toDate", {testing::ColumnOf(StringT(),
                                              {S("2026-03-29"), S("2026-03-30 12:00:00"), S("")})}),
            UInts({Day(2026, 3, 29), Day(2026, 3, 30), 0}));
  EXPECT_EQ(Eval("toDate", {ColumnOf(T(TypeId::kUInt32),
                                     {U(20000), U(static_cast<uint64_t>(Utc(2026, 3, 29, 5)))})}),
            UInts({20000, Day(2026, 3, 29)}));
  EXPECT_STATUS(CallFn("toDate", {CStr("yesterday-ish")}), absl::StatusCode::kInvalidArgument,
                "cannot parse");
  EXPECT_EQ(Eval("toUnixTimestamp", {CStr("2026-03-29 03:00:00"), CStr("Europe/Berlin")}),
            Secs({Utc(2026, 3, 29, 1)}));
}

TEST(TimeFunctionsTest, UnusedBadDictionaryEntriesDoNotFailABlock) {
  FnArg part = ColumnOf(DataType::LowCardinality(StringT()), {S("2026-01-02"), S("garbage")});
  FnArg block{Column::Gather(part.column, std::vector<uint32_t>{0, 0}), false};
  EXPECT_EQ(Eval("toDate", {block}), UInts({Day(2026, 1, 2), Day(2026, 1, 2)}));
  EXPECT_STATUS(CallFn("toDate", {part}), absl::StatusCode::kInvalidArgument, "garbage");
}

TEST(TimeFunctionsTest, NullableTimesGiveNullableResults) {
  FnArg t = ColumnOf(DataType::Nullable(DataType::DateTime()),
                     {U(static_cast<uint64_t>(Utc(2026, 3, 29, 5))), Value::Null()});
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("toStartOfDay", {t}));
  EXPECT_EQ(out.type->ToString(), "Nullable(DateTime)");
  EXPECT_EQ(ValuesOf(out),
            (std::vector<Value>{U(static_cast<uint64_t>(Utc(2026, 3, 29))), Value::Null()}));
}

TEST(TimeFunctionsTest, ZoneTableMatchesAbslAroundEveryTransition) {
  for (const std::string name :
       {"Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kolkata"}) {
    ASSERT_OK_AND_ASSIGN(auto table, ZoneTable::Load(name));
    absl::TimeZone tz = Zone(name);
    LocalClock clock(*table);
    for (int64_t t = Utc(2020, 1, 1); t < Utc(2030, 1, 1); t += 3 * 3600 + 17) {
      absl::TimeZone::CivilInfo ci = tz.At(absl::FromUnixSeconds(t));
      ASSERT_EQ(clock.Local(t) - t, ci.offset) << name << " " << t;
      int64_t day = DivFloor(clock.Local(t), 86400);
      absl::TimeZone::TimeInfo ti = tz.At(absl::CivilSecond(absl::CivilDay(ci.cs)));
      int64_t want =
          absl::ToUnixSeconds(ti.kind == absl::TimeZone::TimeInfo::SKIPPED ? ti.trans : ti.pre);
      ASSERT_EQ(table->StartOfDay(day), want) << name << " day " << day;
    }
  }
}

TEST(TimeFunctionsTest, ToStartOfHourIsFastOnSortedUtc) {
  constexpr size_t kRows = 10'000'000;
  FnArg t{Column::Make(DataType::DateTime("UTC")), false};
  t.column.data.resize(kRows * 4);
  auto* p = reinterpret_cast<uint32_t*>(t.column.data.data());
  for (size_t i = 0; i < kRows; ++i) p[i] = static_cast<uint32_t>(1767225600 + i * 3);
  ASSERT_OK_AND_ASSIGN(auto fn, testing::BindFn("toStartOfHour", {t}));
  std::vector<ColumnArg> args = {{&t.column, false}};
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(Column out, fn->Execute(args, kRows));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double rate = kRows / seconds;
  std::printf("toStartOfHour: %.0f M rows/s (UTC)\n", rate / 1e6);
  EXPECT_EQ(out.values<uint32_t>()[kRows - 1], p[kRows - 1] - p[kRows - 1] % 3600);
  EXPECT_GT(rate, 20e6);  // ~1000M rows/s on a laptop; loose for sanitizer builds

  // A zone with daylight saving: the clock cursor keeps it arithmetic too.
  FunctionContext berlin;
  berlin.session_timezone = "Europe/Berlin";
  ASSERT_OK_AND_ASSIGN(auto to_date, testing::BindFn("toDate", {t}, berlin));
  start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(out, to_date->Execute(args, kRows));
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("toDate: %.0f M rows/s (Europe/Berlin)\n", kRows / seconds / 1e6);
  EXPECT_GT(kRows / seconds, 10e6);
}

}  // namespace
}  // namespace tally::engine::exec
