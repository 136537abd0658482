#include "engine/exec/constant_parse.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"

namespace tally::engine::exec {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
int DigitOf(char c) { return c - '0'; }

std::string Shown(absl::string_view s) {
  std::string out(s.substr(0, 200));
  if (s.size() > 200) out += "...";
  return out;
}

// ClickHouse's message when the reader stops before the end of the string.
absl::Status Leftover(absl::string_view s, absl::string_view type_name) {
  return absl::InvalidArgumentError(absl::StrCat("Cannot convert string '", Shown(s), "' to type ", type_name));
}

absl::Status Unreadable(absl::string_view what, absl::string_view s, absl::string_view type_name) {
  return absl::InvalidArgumentError(absl::StrCat(what, ": while converting '", Shown(s), "' to ", type_name));
}

// Digits from *pos, at most `max` of them; how many were read.
size_t ReadDigits(absl::string_view s, size_t* pos, size_t max, int64_t* value) {
  size_t n = 0;
  *value = 0;
  while (*pos < s.size() && n < max && IsDigit(s[*pos])) {
    *value = *value * 10 + DigitOf(s[(*pos)++]);
    ++n;
  }
  return n;
}

// Two digits at s[i], s[i + 1].
bool TwoDigits(absl::string_view s, size_t i, int64_t* value) {
  if (i + 1 >= s.size() || !IsDigit(s[i]) || !IsDigit(s[i + 1])) return false;
  *value = DigitOf(s[i]) * 10 + DigitOf(s[i + 1]);
  return true;
}

// Fraction digits after a '.', kept to `precision` digits (the rest cut off).
int64_t ReadFraction(absl::string_view s, size_t* pos, int precision) {
  int64_t frac = 0;
  int kept = 0;
  while (*pos < s.size() && IsDigit(s[*pos])) {
    if (kept < precision) {
      frac = frac * 10 + DigitOf(s[*pos]);
      ++kept;
    }
    ++*pos;
  }
  for (; kept < precision; ++kept) frac *= 10;
  return frac;
}

// ClickHouse's makeDayNum: a month or day out of range is day 0; the result is clamped to
// what a Date holds.
int64_t ClampedDay(int64_t year, int64_t month, int64_t day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return 0;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), 1) + day - 1;
  return days < 0 ? 0 : days > 65535 ? 65535 : days;
}

// The end of a DateTime reading: DateTime clamps to its range, DateTime64 has no value
// outside 1900-01-01 00:00:00 .. 2299-12-31 23:59:59.
std::optional<int64_t> Finish(int64_t seconds, int64_t frac, bool negative, int precision) {
  if (precision < 0) return seconds < 0 ? 0 : seconds > 0xffffffffLL ? 0xffffffffLL : seconds;
  constexpr int64_t kMinSeconds = -2208988800;  // 1900-01-01 00:00:00 UTC
  constexpr int64_t kMaxSeconds = 10413791999;  // 2299-12-31 23:59:59 UTC
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  const int64_t ticks = seconds * Pow10(precision) + frac;
  return negative ? -ticks : ticks;
}

absl::StatusOr<std::optional<int64_t>> ReadBasic(absl::string_view s, const absl::TimeZone& zone, int precision,
                                                 absl::string_view type_name) {
  const bool dt64 = precision >= 0;
  size_t pos = 0;
  bool negative = false;
  if (dt64 && !s.empty() && s[0] == '-') {
    negative = true;
    pos = 1;
  }
  const size_t start = pos;
  int64_t number = 0;
  size_t digits = 0;
  // Up to 19 digits: a Unix timestamp, or the year of YYYY-MM-DD.
  while (pos < s.size() && digits < 19 && IsDigit(s[pos])) {
    number = static_cast<int64_t>(static_cast<uint64_t>(number) * 10 + DigitOf(s[pos++]));
    ++digits;
  }
  int64_t seconds = 0, frac = 0;
  if (digits == 4 && pos < s.size() && !negative) {
    int64_t month, day, hour = 0, minute = 0, second = 0;
    if (s.size() - start < 10 || !TwoDigits(s, start + 5, &month) || !TwoDigits(s, start + 8, &day)) {
      return Unreadable("Cannot parse DateTime", s, type_name);
    }
    pos = start + 10;
    if (pos < s.size()) {
      ++pos;  // any one separator: ' ' or 'T'
      if (s.size() - pos < 8 || !TwoDigits(s, pos, &hour) || !TwoDigits(s, pos + 3, &minute) ||
          !TwoDigits(s, pos + 6, &second)) {
        return Unreadable(absl::StrCat("Cannot parse time component of DateTime ", Shown(s.substr(pos, 8))), s,
                          type_name);
      }
      pos += 8;
    }
    if (dt64 && pos < s.size() && s[pos] == '.') {
      ++pos;
      frac = ReadFraction(s, &pos, precision);
    }
    if (number != 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      seconds = LocalToUnixSeconds(number, month, day, hour, minute, second, zone);
    }
  } else {
    const bool has_fraction = dt64 && pos < s.size() && s[pos] == '.';
    if (digits == 0 || (digits <= 4 && !negative && !has_fraction)) {
      return Unreadable("Cannot parse DateTime", s, type_name);
    }
    seconds = number;
    if (has_fraction) {
      ++pos;
      frac = ReadFraction(s, &pos, precision);
    }
  }
  if (pos != s.size()) return Leftover(s, type_name);
  return Finish(seconds, frac, negative, precision);
}

bool SkipBlanks(absl::string_view s, size_t* pos) {
  size_t start = *pos;
  while (*pos < s.size() && (s[*pos] == ' ' || s[*pos] == '\t')) ++*pos;
  return *pos > start;
}

bool ConsumeWord(absl::string_view s, size_t* pos, absl::string_view word) {
  if (s.size() - *pos < word.size() || !absl::EqualsIgnoreCase(s.substr(*pos, word.size()), word)) return false;
  *pos += word.size();
  return true;
}

absl::StatusOr<std::optional<int64_t>> ReadBestEffort(absl::string_view s, const absl::TimeZone& zone, int precision,
                                                      absl::string_view type_name) {
  auto cannot = [&](absl::string_view why) {
    return Unreadable(absl::StrCat("Cannot read DateTime: ", why), s, type_name);
  };
  size_t pos = 0;
  SkipBlanks(s, &pos);
  const size_t start = pos;
  int64_t number = 0;
  const size_t digits = ReadDigits(s, &pos, 32, &number);
  int64_t year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, frac = 0;
  size_t end = pos;
  SkipBlanks(s, &end);
  const bool digits_only = digits > 0 && end == s.size() && !(precision >= 0 && pos < s.size() && s[pos] == '.');
  if ((digits == 9 || digits == 10) && (digits_only || (pos < s.size() && s[pos] == '.' && precision >= 0))) {
    // A Unix timestamp (DateTime64: with a fraction).
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      frac = ReadFraction(s, &pos, precision);
    }
    SkipBlanks(s, &pos);
    if (pos != s.size()) return Leftover(s, type_name);
    return Finish(number, frac, false, precision);
  }
  if (digits_only && digits == 14) {
    year = number / 10000000000;
    month = number / 100000000 % 100;
    day = number / 1000000 % 100;
    hour = number / 10000 % 100;
    minute = number / 100 % 100;
    second = number % 100;
  } else if (digits == 8) {
    year = number / 10000;
    month = number / 100 % 100;
    day = number % 100;
    if (!digits_only && SkipBlanks(s, &pos)) {  // YYYYMMDD hhmmss
      int64_t hms;
      if (ReadDigits(s, &pos, 6, &hms) != 6) return cannot("unexpected time");
      hour = hms / 10000;
      minute = hms / 100 % 100;
      second = hms % 100;
    }
  } else if (digits == 4 && pos < s.size() && (s[pos] == '-' || s[pos] == '/' || s[pos] == '.')) {
    year = number;
    ++pos;
    size_t n = ReadDigits(s, &pos, 2, &month);
    if (n == 0 || pos >= s.size() || (s[pos] != '-' && s[pos] != '/' && s[pos] != '.')) {
      return cannot("unexpected date");
    }
    ++pos;
    if (ReadDigits(s, &pos, 2, &day) == 0) return cannot("unexpected date");
    // The time: [T| ]h[h][:mm[:ss]][.fraction].
    size_t t = pos;
    bool separated = t < s.size() && (s[t] == 'T' || s[t] == 't');
    if (separated) {
      ++t;
    } else {
      separated = SkipBlanks(s, &t);
    }
    if (separated && t < s.size() && IsDigit(s[t])) {
      pos = t;
      ReadDigits(s, &pos, 2, &hour);
      if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (ReadDigits(s, &pos, 2, &minute) == 0) return cannot("unexpected time");
        if (pos < s.size() && s[pos] == ':') {
          ++pos;
          if (ReadDigits(s, &pos, 2, &second) == 0) return cannot("unexpected time");
        }
      }
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        frac = ReadFraction(s, &pos, precision < 0 ? 0 : precision);
      }
    } else if (separated && t == s.size()) {
      pos = t;
    } else if (t < s.size() && (s[t] == 'T' || s[t] == 't')) {
      pos = t + 1;
    }
  } else if (start == s.size()) {
    return cannot("empty string");
  } else {
    return cannot("this form is not supported by tally");
  }
  // [am|pm] [Z|UTC|GMT|+hh[:mm]|+hhmm]
  SkipBlanks(s, &pos);
  if (ConsumeWord(s, &pos, "pm")) {
    if (hour < 12) hour += 12;
    SkipBlanks(s, &pos);
  } else if (ConsumeWord(s, &pos, "am")) {
    if (hour == 12) hour = 0;
    SkipBlanks(s, &pos);
  }
  bool has_offset = false;
  int64_t offset_s = 0;
  if (ConsumeWord(s, &pos, "UTC") || ConsumeWord(s, &pos, "GMT") || ConsumeWord(s, &pos, "Z")) {
    has_offset = true;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int64_t sign = s[pos++] == '-' ? -1 : 1;
    int64_t oh = 0, om = 0;
    size_t n = ReadDigits(s, &pos, 4, &oh);
    if (n == 4) {
      om = oh % 100;
      oh /= 100;
    } else if (n == 0 || n == 3) {
      return cannot("unexpected time zone offset");
    } else if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (ReadDigits(s, &pos, 2, &om) != 2) return cannot("unexpected time zone offset");
    }
    has_offset = true;
    offset_s = sign * (oh * 3600 + om * 60);
  }
  SkipBlanks(s, &pos);
  if (pos != s.size()) return cannot("unexpected text after the date and time");
  if (month < 1 || month > 12 || day < 1 || day > 31) return cannot("the date is out of range");
  const absl::TimeZone local_zone = has_offset ? absl::UTCTimeZone() : zone;
  const int64_t seconds = LocalToUnixSeconds(year, month, day, hour, minute, second, local_zone) - offset_s;
  return Finish(seconds, frac, false, precision);
}

}  // namespace

int64_t LocalToUnixSeconds(int64_t year, int64_t month, int64_t day, int64_t hour, int64_t minute, int64_t second,
                           const absl::TimeZone& zone) {
  const absl::CivilSecond local(year, static_cast<int>(month), static_cast<int>(day), static_cast<int>(hour),
                                static_cast<int>(minute), static_cast<int>(second));
  // A time the zone skips is read with the offset after the jump (ClickHouse's reading:
  // '2026-03-29 02:30:00' in Europe/Berlin is 01:30 CET); a repeated one is the earlier.
  const absl::TimeZone::TimeInfo info = zone.At(local);
  return absl::ToUnixSeconds(info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.post : info.pre);
}

absl::StatusOr<uint64_t> ReadUnsignedText(absl::string_view s, absl::string_view type_name) {
  size_t pos = !s.empty() && s[0] == '+' ? 1 : 0;
  uint64_t v = 0;
  const size_t first = pos;
  while (pos < s.size() && IsDigit(s[pos])) v = v * 10 + static_cast<uint64_t>(DigitOf(s[pos++]));  // wraps
  if (pos == first || pos != s.size()) return Leftover(s, type_name);
  return v;
}

absl::StatusOr<int64_t> ReadSignedText(absl::string_view s, absl::string_view type_name) {
  const bool negative = !s.empty() && s[0] == '-';
  size_t pos = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  uint64_t v = 0;
  const size_t first = pos;
  while (pos < s.size() && IsDigit(s[pos])) v = v * 10 + static_cast<uint64_t>(DigitOf(s[pos++]));  // wraps
  if (pos == first || pos != s.size()) return Leftover(s, type_name);
  return static_cast<int64_t>(negative ? ~v + 1 : v);
}

namespace {

// The extent of a float's text from *pos: [+|-] and then inf, infinity, nan or a decimal
// number; false when nothing there reads as a number.
bool ScanFloat(absl::string_view s, size_t* pos) {
  if (*pos < s.size() && (s[*pos] == '+' || s[*pos] == '-')) ++*pos;
  for (absl::string_view word : {"infinity", "inf", "nan"}) {
    if (ConsumeWord(s, pos, word)) return true;
  }
  const size_t start = *pos;
  while (*pos < s.size() && IsDigit(s[*pos])) ++*pos;
  size_t digits = *pos - start;
  if (*pos < s.size() && s[*pos] == '.') {
    const size_t fraction = ++*pos;
    while (*pos < s.size() && IsDigit(s[*pos])) ++*pos;
    digits += *pos - fraction;
  }
  if (digits == 0) return false;
  if (*pos < s.size() && (s[*pos] == 'e' || s[*pos] == 'E')) {
    size_t p = *pos + 1;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    const size_t exponent = p;
    while (p < s.size() && IsDigit(s[p])) ++p;
    if (p > exponent) *pos = p;
  }
  return true;
}

template <typename F>
absl::StatusOr<F> ReadFloat(absl::string_view s, absl::string_view type_name) {
  size_t pos = 0;
  if (!ScanFloat(s, &pos)) return Unreadable("Cannot read floating point value here", s, type_name);
  if (pos != s.size()) return Leftover(s, type_name);
  std::string text(s);  // NUL-terminated for strtod; the syntax was checked above
  if constexpr (sizeof(F) == 4) {
    return std::strtof(text.c_str(), nullptr);
  } else {
    return std::strtod(text.c_str(), nullptr);
  }
}

}  // namespace

absl::StatusOr<double> ReadFloat64Text(absl::string_view s, absl::string_view type_name) {
  return ReadFloat<double>(s, type_name);
}

absl::StatusOr<float> ReadFloat32Text(absl::string_view s) { return ReadFloat<float>(s, "Float32"); }

absl::StatusOr<bool> ReadBoolText(absl::string_view s) {
  static constexpr absl::string_view kTrue[] = {"true", "t", "y", "yes", "on", "enable", "enabled", "1"};
  static constexpr absl::string_view kFalse[] = {"false", "f", "n", "no", "off", "disable", "disabled", "0"};
  for (absl::string_view w : kTrue) {
    if (absl::EqualsIgnoreCase(s, w)) return true;
  }
  for (absl::string_view w : kFalse) {
    if (absl::EqualsIgnoreCase(s, w)) return false;
  }
  return Unreadable(absl::StrCat("Cannot parse boolean value here: '", Shown(s), "'"), s, "Bool");
}

absl::StatusOr<int64_t> ReadDateText(absl::string_view s) {
  auto cannot = [&] {
    return Unreadable("Cannot parse date: expected a date in the YYYY-MM-DD or YYYYMMDD format", s, "Date");
  };
  int64_t year, month, day;
  size_t pos = 0;
  if (ReadDigits(s, &pos, 4, &year) != 4) return cannot();
  if (s.size() >= 10) {
    // ClickHouse's fast path: fields at fixed places, any non-digit separators.
    if (IsDigit(s[4])) {  // YYYYMMDD
      if (!TwoDigits(s, 4, &month) || !TwoDigits(s, 6, &day)) return cannot();
      pos = 8;
    } else {
      if (!IsDigit(s[5])) return cannot();
      month = DigitOf(s[5]);
      pos = 7;
      if (IsDigit(s[6])) {
        month = month * 10 + DigitOf(s[6]);
        pos = 8;
      }
      if (IsDigit(s[pos - 1]) || !IsDigit(s[pos])) return cannot();
      day = DigitOf(s[pos]);
      if (IsDigit(s[pos + 1])) {
        day = day * 10 + DigitOf(s[pos + 1]);
        pos += 2;
      } else {
        pos += 1;
      }
    }
  } else if (pos < s.size() && !IsDigit(s[pos])) {
    ++pos;
    if (ReadDigits(s, &pos, 2, &month) == 0 || pos >= s.size() || IsDigit(s[pos])) return cannot();
    ++pos;
    if (ReadDigits(s, &pos, 2, &day) == 0) return cannot();
  } else {
    if (ReadDigits(s, &pos, 2, &month) != 2 || ReadDigits(s, &pos, 2, &day) != 2) return cannot();
  }
  if (pos != s.size()) return Leftover(s, "Date");
  return ClampedDay(year, month, day);
}

absl::StatusOr<std::optional<int64_t>> ReadDateTimeText(absl::string_view s, const absl::TimeZone& zone,
                                                        int precision, DateTimeSyntax syntax) {
  const std::string type_name = precision < 0 ? "DateTime" : absl::StrCat("DateTime64(", precision, ")");
  if (syntax == DateTimeSyntax::kBasic) return ReadBasic(s, zone, precision, type_name);
  return ReadBestEffort(s, zone, precision, type_name);
}

absl::StatusOr<std::array<uint8_t, 16>> ReadUuidText(absl::string_view s) {
  // The 36-character form when there is room for it, then nothing may follow.
  std::array<uint8_t, 16> out;
  if (!ParseUuidText(s.size() > 36 ? s.substr(0, 36) : s, out.data())) {
    return Unreadable("Cannot parse UUID from String", s, "UUID");
  }
  if (s.size() > 36) return Leftover(s, "UUID");
  return out;
}

}  // namespace tally::engine::exec
