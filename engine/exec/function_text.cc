// Time zones and the text forms of dates, times, UUIDs and floats (declared in
// engine/exec/function_util.h).
#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/exec/constant_parse.h"
#include "engine/exec/function_util.h"
#include "engine/exec/text_format.h"

namespace tally::engine::exec {

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name) {
  if (name.empty() || name == "UTC") return absl::UTCTimeZone();
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown time zone '", name, "'"));
  }
  return zone;
}

absl::StatusOr<absl::TimeZone> ZoneOf(const format::DataType& type, const FunctionContext& context) {
  if ((type.id() == format::TypeId::kDateTime || type.id() == format::TypeId::kDateTime64) &&
      !type.timezone().empty()) {
    return LoadZone(type.timezone());
  }
  return LoadZone(context.session_timezone);
}

int64_t Pow10(int exponent) {
  static constexpr int64_t kPowers[19] = {1,
                                          10,
                                          100,
                                          1000,
                                          10000,
                                          100000,
                                          1000000,
                                          10000000,
                                          100000000,
                                          1000000000,
                                          10000000000,
                                          100000000000,
                                          1000000000000,
                                          10000000000000,
                                          100000000000000,
                                          1000000000000000,
                                          10000000000000000,
                                          100000000000000000,
                                          1000000000000000000};
  return kPowers[exponent];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

namespace {

bool IsUtc(const absl::TimeZone& zone) { return zone.name() == "UTC"; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at s[*pos].
bool Digits(absl::string_view s, size_t* pos, size_t n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// One or two digits.
bool ShortNumber(absl::string_view s, size_t* pos, int64_t* out) {
  if (!Digits(s, pos, 1, out)) return false;
  int64_t second;
  size_t p = *pos;
  if (Digits(s, &p, 1, &second)) {
    *out = *out * 10 + second;
    *pos = p;
  }
  return true;
}

// YYYY-MM-DD (or YYYYMMDD) at the start of s.
bool ParseDatePart(absl::string_view s, size_t* pos, int64_t* days) {
  int64_t y, m, d;
  if (!Digits(s, pos, 4, &y)) return false;
  if (*pos < s.size() && (s[*pos] == '-' || s[*pos] == '/')) {
    char sep = s[(*pos)++];
    if (!ShortNumber(s, pos, &m) || *pos >= s.size() || s[(*pos)++] != sep || !ShortNumber(s, pos, &d)) {
      return false;
    }
  } else if (!Digits(s, pos, 2, &m) || !Digits(s, pos, 2, &d)) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m))) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

int64_t DayStartSeconds(int64_t days, const absl::TimeZone& zone) {
  if (IsUtc(zone)) return days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(y, m, d, 0, 0, 0), zone));
}

int64_t DayOfSeconds(int64_t seconds, const absl::TimeZone& zone) {
  if (IsUtc(zone)) return FloorDiv(seconds, 86400);
  absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(seconds), zone);
  return DaysFromCivil(cs.year(), static_cast<unsigned>(cs.month()), static_cast<unsigned>(cs.day()));
}

std::optional<int64_t> ParseDateText(absl::string_view s) {
  size_t pos = 0;
  int64_t days;
  if (!ParseDatePart(s, &pos, &days)) return std::nullopt;
  if (pos != s.size() && s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
  return days;
}

std::optional<int64_t> ParseDateTimeText(absl::string_view s, const absl::TimeZone& zone, int precision) {
  const int64_t scale = Pow10(precision);
  // A Unix timestamp, possibly with a fraction.
  size_t dot = s.find('.');
  absl::string_view whole = s.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? absl::string_view() : s.substr(dot + 1);
  if (AllDigits(whole) && whole.size() != 8 && (dot == absl::string_view::npos || AllDigits(fraction))) {
    if (whole.size() > 12) return std::nullopt;
    int64_t secs = 0;
    for (char c : whole) secs = secs * 10 + (c - '0');
    int64_t frac = 0;
    for (int i = 0; i < precision; ++i) {
      frac = frac * 10 + (static_cast<size_t>(i) < fraction.size() ? fraction[i] - '0' : 0);
    }
    int64_t ticks;
    if (__builtin_mul_overflow(secs, scale, &ticks) || __builtin_add_overflow(ticks, frac, &ticks)) return std::nullopt;
    return ticks;
  }
  size_t pos = 0;
  int64_t days;
  if (!ParseDatePart(s, &pos, &days)) return std::nullopt;
  int64_t h = 0, mi = 0, sec = 0, frac = 0;
  bool has_offset = false;
  int64_t offset_s = 0;
  if (pos < s.size()) {
    if (s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
    ++pos;
    if (!ShortNumber(s, &pos, &h) || pos >= s.size() || s[pos++] != ':' || !Digits(s, &pos, 2, &mi)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, &pos, 2, &sec)) return std::nullopt;
    }
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < precision) frac = frac * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (int i = digits; i < precision; ++i) frac *= 10;
    }
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      has_offset = true;
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int sign = s[pos++] == '-' ? -1 : 1;
      int64_t oh, om = 0;
      if (!Digits(s, &pos, 2, &oh)) return std::nullopt;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !Digits(s, &pos, 2, &om)) return std::nullopt;
      has_offset = true;
      offset_s = sign * (oh * 3600 + om * 60);
    }
    if (pos != s.size() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  }
  int64_t local = days * 86400 + h * 3600 + mi * 60 + sec;
  int64_t secs;
  if (has_offset) {
    secs = local - offset_s;
  } else if (IsUtc(zone)) {
    secs = local;
  } else {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    secs = LocalToUnixSeconds(y, m, d, h, mi, sec, zone);  // a skipped time as ClickHouse reads it
  }
  int64_t ticks;
  if (__builtin_mul_overflow(secs, scale, &ticks) || __builtin_add_overflow(ticks, frac, &ticks)) return std::nullopt;
  return ticks;
}

bool ParseUuidText(absl::string_view s, uint8_t out[16]) {
  if (s.size() != 36 && s.size() != 32) return false;
  bool dashes = s.size() == 36;
  size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (dashes && (i == 4 || i == 6 || i == 8 || i == 10)) {
      if (s[pos++] != '-') return false;
    }
    int v = 0;
    for (int k = 0; k < 2; ++k) {
      char c = absl::ascii_tolower(s[pos++]);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) return false;
      v = v * 16 + digit;
    }
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

namespace {

void Append2(int64_t v, std::string* out) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

void AppendCivilDate(int64_t days, std::string* out) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y >= 0 && y <= 9999) {
    Append2(y / 100, out);
    Append2(y % 100, out);
  } else {
    absl::StrAppend(out, y);
  }
  out->push_back('-');
  Append2(m, out);
  out->push_back('-');
  Append2(d, out);
}

}  // namespace

void AppendDateText(int64_t days, std::string* out) { AppendCivilDate(days, out); }

void AppendDateTimeText(int64_t seconds, const absl::TimeZone& zone, std::string* out) {
  int64_t local = seconds;
  if (!IsUtc(zone)) {
    absl::CivilSecond cs = absl::ToCivilSecond(absl::FromUnixSeconds(seconds), zone);
    local = DaysFromCivil(cs.year(), static_cast<unsigned>(cs.month()), static_cast<unsigned>(cs.day())) * 86400 +
            cs.hour() * 3600 + cs.minute() * 60 + cs.second();
  }
  int64_t days = FloorDiv(local, 86400);
  int64_t in_day = local - days * 86400;
  AppendCivilDate(days, out);
  out->push_back(' ');
  Append2(in_day / 3600, out);
  out->push_back(':');
  Append2(in_day / 60 % 60, out);
  out->push_back(':');
  Append2(in_day % 60, out);
}

void AppendDateTime64Text(int64_t ticks, int precision, const absl::TimeZone& zone, std::string* out) {
  int64_t scale = Pow10(precision);
  int64_t secs = FloorDiv(ticks, scale);
  AppendDateTimeText(secs, zone, out);
  if (precision == 0) return;
  out->push_back('.');
  int64_t frac = ticks - secs * scale;
  for (int64_t div = scale / 10; div > 0; div /= 10) out->push_back(static_cast<char>('0' + frac / div % 10));
}

void AppendUuidText(const uint8_t* bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    out->push_back(kHex[bytes[i] >> 4]);
    out->push_back(kHex[bytes[i] & 15]);
  }
}

// toString and CAST print floats as every output format does.
void AppendFloatText(double v, std::string* out) { engine::AppendFloat64Text(v, out); }

void AppendFloat32Text(float v, std::string* out) { engine::AppendFloat32Text(v, out); }

}  // namespace tally::engine::exec
