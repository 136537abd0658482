// Reading a string constant as a value of another type, as ClickHouse does when a string
// meets a number, date, time, Bool or UUID in a comparison (convertFieldToType): the
// type's text reader runs over the whole string, and a byte left over is an error.
//
//   integers   [+|-]digits (no '-' for unsigned types), read into 64 bits and wrapping
//              there, as ClickHouse's reader does; the caller range-checks
//   floats     [+|-] digits [. digits] [e [+|-] digits], .5, 1., inf, infinity, nan
//              (any case); too large is inf, too small 0; Float32 is read as a float
//   Bool       true/false, t/f, y/n, yes/no, on/off, enable(d)/disable(d), 1/0, any case
//   Date       YYYY?MM?DD, YYYY?M?D (any non-digit separators), YYYYMMDD; a month or day
//              out of 1..12/1..31 gives 1970-01-01, a day past the month's end rolls over
//              (2026-02-30 is 2026-03-02), and dates are clamped to 1970-01-01..2149-06-06
//   DateTime   kBasic (IN lists): YYYY?MM?DD[?hh?mm?ss] with two-digit fields, or a Unix
//              timestamp of five digits or more; DateTime64 adds [.fraction] and short or
//              negative timestamps with a fraction or sign
//              kBestEffort (=, <, ...): ClickHouse's parseDateTimeBestEffort for the forms
//              tally knows: YYYY-M-D (- / . separators) or YYYYMMDD, then [T| ]h[h][:mm[:ss]]
//              [.fraction], [am|pm], [Z|UTC|GMT|+hh[:mm]|+hhmm], blanks around; all-digit
//              YYYYMMDD, YYYYMMDDhhmmss and Unix timestamps of 9 or 10 digits. Other forms
//              (month names, day-first dates, named zones) are errors.
//              Local times are read in the column's zone; DateTime is clamped to its range,
//              DateTime64 outside 1900-01-01..2299-12-31 has no value (nullopt).
//   UUID       8-4-4-4-12 or 32 hex digits, any case
//
// Errors are InvalidArgument in ClickHouse's words, naming the string and the type
// ("Cannot convert string '200.0' to type UInt16").
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_EXEC_CONSTANT_PARSE_H_
#define TALLY_ENGINE_EXEC_CONSTANT_PARSE_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tally::engine::exec {

enum class DateTimeSyntax { kBasic, kBestEffort };

// `type_name` is only used in messages.
absl::StatusOr<uint64_t> ReadUnsignedText(absl::string_view s, absl::string_view type_name);
absl::StatusOr<int64_t> ReadSignedText(absl::string_view s, absl::string_view type_name);
absl::StatusOr<double> ReadFloat64Text(absl::string_view s, absl::string_view type_name);
absl::StatusOr<float> ReadFloat32Text(absl::string_view s);
absl::StatusOr<bool> ReadBoolText(absl::string_view s);
// Days since 1970-01-01, 0..65535.
absl::StatusOr<int64_t> ReadDateText(absl::string_view s);
// Seconds (precision < 0: DateTime, clamped to 0..4294967295) or ticks of 10^-precision
// seconds (DateTime64; nullopt outside its range).
absl::StatusOr<std::optional<int64_t>> ReadDateTimeText(absl::string_view s, const absl::TimeZone& zone,
                                                        int precision, DateTimeSyntax syntax);
absl::StatusOr<std::array<uint8_t, 16>> ReadUuidText(absl::string_view s);

// Seconds since the epoch of a local time in `zone`; fields out of range roll over
// (24:00:00 is the next day, 2026-02-30 is 2026-03-02), as ClickHouse's date tables do.
int64_t LocalToUnixSeconds(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute, int64_t second,
                           const absl::TimeZone& zone);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_CONSTANT_PARSE_H_
