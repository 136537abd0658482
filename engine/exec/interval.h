// Intervals (INTERVAL 15 MINUTE): how they are represented, and the convention between the
// SQL binder and the time functions.
//
// tally has no Interval data type (format/types.h is the on-disk type list). The parser
// turns INTERVAL n UNIT into toIntervalUnit(n), which returns n as Int64 (what ClickHouse
// prints for SELECT INTERVAL 5 MINUTE, minus the type name): the unit lives in the name of
// the function that made the value, so it must be taken from the call, not the value:
//
//   plus(t, toIntervalUnit(n)), plus(toIntervalUnit(n), t)  ->  addUnits(t, n)
//   minus(t, toIntervalUnit(n))                             ->  subtractUnits(t, n)
//   toStartOfInterval(t, toIntervalUnit(n) [, tz])  ->  toStartOfInterval(t, n, 'Unit' [, tz])
//
// (addUnits is IntervalArithmeticFunction below: addMinutes, subtractDays, ...). The time
// functions register toStartOfInterval with the rewritten signature only, and say so in
// the error when they get the original one. dateDiff and dateTrunc take the unit as a
// string already (dateDiff('minute', a, b)), in any spelling ParseIntervalUnit accepts.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_EXEC_INTERVAL_H_
#define TALLY_ENGINE_EXEC_INTERVAL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace tally::engine::exec {

enum class IntervalUnit : uint8_t {
  kNanosecond,
  kMicrosecond,
  kMillisecond,
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear,
};

// "Minute": the suffix of toIntervalMinute and the unit string of the rewritten
// toStartOfInterval.
absl::string_view IntervalUnitName(IntervalUnit unit);

// toIntervalMinute -> kMinute; nullopt for any other function name.
std::optional<IntervalUnit> IntervalUnitOfFunction(absl::string_view function_name);

// A unit as written in SQL or in dateDiff's first argument, case-insensitively: 'minute',
// 'MINUTES', and the SQL Server abbreviations dateDiff accepts ('mi', 'n', 'ss', 's', 'hh',
// 'h', 'dd', 'd', 'wk', 'ww', 'mm', 'm', 'qq', 'q', 'yyyy', 'yy', 'ms', 'mcs', 'us', 'ns').
std::optional<IntervalUnit> ParseIntervalUnit(absl::string_view text);

// addMinutes / subtractMinutes: the function a binder calls for t +/- INTERVAL n UNIT.
std::string IntervalArithmeticFunction(IntervalUnit unit, bool subtract);

// Seconds in one unit for the fixed-length units up to a week; 0 for month, quarter and
// year; 0 for the sub-second units (see IntervalFractionPerSecond).
int64_t IntervalSeconds(IntervalUnit unit);
// 10^3, 10^6, 10^9 for the sub-second units, else 1.
int64_t IntervalFractionPerSecond(IntervalUnit unit);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_INTERVAL_H_
