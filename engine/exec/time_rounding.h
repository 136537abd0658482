// Rounding times down to the start of an interval (toStartOfHour, toStartOfInterval,
// dateTrunc), with ClickHouse's rules:
//   seconds, minutes   multiples since the epoch when the zone's offsets are whole minutes
//                      (every modern zone), else since local midnight;
//   hours              one hour: multiples since the epoch when the offsets are whole
//                      hours, else since local midnight; n hours: local hour of the day
//                      rounded down, so the day splits 00-11, 11-22, 22-24 for n = 11;
//   days               the local day number rounded down to a multiple of n;
//   weeks              Monday of the week; n weeks counted from Monday 1970-01-05;
//   months, quarters   n months counted from January 1900;
//   years              the year rounded down to a multiple of n (1900 at least).
//
// Pure functions (a LocalClock is per call); thread-safe.
#ifndef TALLY_ENGINE_EXEC_TIME_ROUNDING_H_
#define TALLY_ENGINE_EXEC_TIME_ROUNDING_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "engine/exec/function.h"
#include "engine/exec/interval.h"
#include "engine/exec/time_zone_util.h"
#include "format/column.h"

namespace tally::engine::exec {

// REQUIRES: kSecond <= unit <= kDay, n >= 1. Seconds in, seconds out.
int64_t RoundDownSeconds(int64_t t, IntervalUnit unit, int64_t n, LocalClock& clock);
// REQUIRES: unit >= kDay, n >= 1. Local day number in, day number out.
int64_t RoundDownDays(int64_t day, IntervalUnit unit, int64_t n);

// The result type of rounding a `time_type` value to `unit`: DateTime with `zone_name` as
// its zone for units from a second up to a day (DateTime64 input included, as ClickHouse),
// DateTime64 of the input's precision for sub-second units, Date for weeks and longer and
// for Date input. InvalidArgument for units finer
// than a day on Date, and for sub-second units on anything but DateTime64.
absl::StatusOr<format::DataTypePtr> RoundedType(const format::DataTypePtr& time_type,
                                                IntervalUnit unit, const std::string& zone_name,
                                                absl::string_view function);

// Rounds every row of `time` (Date, DateTime or DateTime64) down. REQUIRES: result_type
// from RoundedType, n >= 1.
format::Column RoundColumn(const ColumnArg& time, const format::DataTypePtr& result_type,
                           IntervalUnit unit, int64_t n, const ZoneTable& zone, size_t rows);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_TIME_ROUNDING_H_
