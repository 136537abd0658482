#include "engine/exec/text_format.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace tally::engine {

using format::Column;
using format::TypeId;

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Writes v (>= 0) zero-padded to `width` digits ending at `end`; returns the start.
char* FormatDigits(uint64_t v, int width, char* end) {
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
    --width;
  } while (v != 0);
  while (width-- > 0) *--p = '0';
  return p;
}

void AppendDigits(int64_t v, int width, std::string* out) {
  char buf[24];
  char* end = buf + sizeof(buf);
  char* begin = FormatDigits(v < 0 ? 0 : static_cast<uint64_t>(v), width, end);
  out->append(begin, end - begin);
}

void AppendCivil(int64_t y, int m, int d, std::string* out) {
  if (y < 0 || y > 9999) {  // outside what DateTime can hold; no fast path needed
    if (y < 0) out->push_back('-');
    AppendDigits(y < 0 ? -y : y, 4, out);
    out->push_back('-');
    AppendDigits(m, 2, out);
    out->push_back('-');
    AppendDigits(d, 2, out);
    return;
  }
  char buf[10] = {0, 0, 0, 0, '-', 0, 0, '-', 0, 0};
  FormatDigits(y, 4, buf + 4);
  FormatDigits(m, 2, buf + 7);
  FormatDigits(d, 2, buf + 10);
  out->append(buf, sizeof(buf));
}

void AppendClock(int h, int m, int s, std::string* out) {
  char buf[9] = {' ', 0, 0, ':', 0, 0, ':', 0, 0};
  FormatDigits(h, 2, buf + 3);
  FormatDigits(m, 2, buf + 6);
  FormatDigits(s, 2, buf + 9);
  out->append(buf, sizeof(buf));
}

// Howard Hinnant's days_from_civil inverse: exact for the whole int64 day range we use.
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

void AppendDate(int64_t days, std::string* out) {
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendCivil(y, m, d, out);
}

void AppendUtcDateTime(int64_t seconds, std::string* out) {
  int64_t days = FloorDiv(seconds, 86400);
  int64_t in_day = seconds - days * 86400;
  AppendDate(days, out);
  AppendClock(static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60),
              static_cast<int>(in_day % 60), out);
}

// Shortest round-trip digits re-laid out the way ClickHouse prints them.
template <typename F>
void AppendShortest(F v, std::string* out) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  absl::string_view sci(buf, res.ptr - buf);  // [-]d[.ddd]e(+|-)xx
  if (!sci.empty() && sci[0] == '-') {
    out->push_back('-');
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  char digits[32];
  int n = 0;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits[n++] = c;
  }
  int exp = 0;
  std::from_chars(sci.data() + e_pos + (sci[e_pos + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
  if (exp < -6 || exp > 20) {
    out->push_back(digits[0]);
    if (n > 1) {
      out->push_back('.');
      out->append(digits + 1, n - 1);
    }
    out->push_back('e');
    if (exp < 0) out->push_back('-');
    AppendDigits(exp < 0 ? -exp : exp, 1, out);
    return;
  }
  int point = exp + 1;  // digits before the decimal point
  if (point <= 0) {
    out->append("0.");
    out->append(-point, '0');
    out->append(digits, n);
  } else if (point >= n) {
    out->append(digits, n);
    out->append(point - n, '0');
  } else {
    out->append(digits, point);
    out->push_back('.');
    out->append(digits + point, n - point);
  }
}

// ClickHouse prints integral floats below 2^53 (2^24 for Float32), where every integer is
// exact, as integers; -0.0 keeps its sign (`-0`). Larger integral values take the shortest
// digits.
template <typename F>
void AppendFloat(F v, double integer_limit, std::string* out) {
  if (std::isnan(v)) {
    out->append("nan");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "inf" : "-inf");
    return;
  }
  if (v == std::trunc(v) && std::fabs(static_cast<double>(v)) < integer_limit) {
    if (v == 0 && std::signbit(v)) out->push_back('-');
    absl::StrAppend(out, static_cast<int64_t>(v));
    return;
  }
  AppendShortest(v, out);
}

void AppendUuid(const uint8_t* b, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    out->push_back(kHex[b[i] >> 4]);
    out->push_back(kHex[b[i] & 15]);
  }
}

void AppendDateTimeOf(const format::DataType& type, int64_t seconds, std::string* out) {
  if (type.timezone().empty()) {
    AppendUtcDateTime(seconds, out);
  } else {
    AppendDateTimeText(seconds, ZoneOf(type), out);
  }
}

// Which rendering an element or value gets; the three quoting styles differ only in how
// strings and the "looks like a string" scalars (dates, UUIDs) are wrapped.
enum class Style { kPlain, kTsv, kQuoted, kCsv };

void AppendStringIn(Style style, absl::string_view s, std::string* out) {
  switch (style) {
    case Style::kPlain:
      out->append(s.data(), s.size());
      return;
    case Style::kTsv:
      AppendTsvEscaped(s, out);
      return;
    case Style::kQuoted:
      AppendQuotedString(s, out);
      return;
    case Style::kCsv:
      AppendCsvString(s, out);
      return;
  }
}

void AppendValueIn(Style style, const Column& c, size_t row, absl::string_view null_text,
                   std::string* out);

void AppendNested(const Column& c, size_t row, std::string* out) {
  uint64_t begin = row == 0 ? 0 : c.offsets[row - 1];
  uint64_t end = c.offsets[row];
  const bool map = c.type->id() == TypeId::kMap;
  out->push_back(map ? '{' : '[');
  for (uint64_t k = begin; k < end; ++k) {
    if (k > begin) out->push_back(',');
    AppendValueIn(Style::kQuoted, c.children[0], k, "NULL", out);
    if (map) {
      out->push_back(':');
      AppendValueIn(Style::kQuoted, c.children[1], k, "NULL", out);
    }
  }
  out->push_back(map ? '}' : ']');
}

void AppendValueIn(Style style, const Column& c, size_t row, absl::string_view null_text,
                   std::string* out) {
  switch (c.type->id()) {
    case TypeId::kString:
      AppendStringIn(style, c.StringAt(row), out);
      return;
    case TypeId::kLowCardinality: {
      uint32_t index = c.IndexAt(row);
      if (index == 0 && c.type->is_nullable_low_cardinality()) {
        out->append(null_text.data(), null_text.size());
      } else {
        AppendStringIn(style, c.dictionary->StringAt(index), out);
      }
      return;
    }
    case TypeId::kNullable:
      if (c.nulls[row]) {
        out->append(null_text.data(), null_text.size());
      } else {
        AppendValueIn(style, c.children[0], row, null_text, out);
      }
      return;
    case TypeId::kArray:
    case TypeId::kMap:
      if (style == Style::kCsv) {
        std::string nested;
        AppendNested(c, row, &nested);
        AppendCsvString(nested, out);
      } else {
        AppendNested(c, row, out);  // the quoted elements are escaped already, even in TSV
      }
      return;
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kDateTime64:
    case TypeId::kUUID:
      if (style == Style::kQuoted || style == Style::kCsv) {
        char q = style == Style::kQuoted ? '\'' : '"';
        out->push_back(q);
        AppendScalarText(c, row, out);
        out->push_back(q);
        return;
      }
      AppendScalarText(c, row, out);
      return;
    default:
      AppendScalarText(c, row, out);
  }
}

struct ZoneCache {
  std::mutex mu;
  absl::flat_hash_map<std::string, absl::TimeZone> zones ABSL_GUARDED_BY(mu);
};

ZoneCache& Zones() {
  static ZoneCache* cache = new ZoneCache();
  return *cache;
}

}  // namespace

void AppendFloat64Text(double v, std::string* out) { AppendFloat(v, 9007199254740992.0, out); }
void AppendFloat32Text(float v, std::string* out) { AppendFloat(v, 16777216.0, out); }

std::string FormatDate(int64_t days) {
  std::string out;
  AppendDate(days, &out);
  return out;
}

std::string FormatDateTime(int64_t seconds) {
  std::string out;
  AppendUtcDateTime(seconds, &out);
  return out;
}

void AppendDateTimeText(int64_t seconds, const absl::TimeZone& zone, std::string* out) {
  absl::CivilSecond t = zone.At(absl::FromUnixSeconds(seconds)).cs;
  AppendCivil(t.year(), t.month(), t.day(), out);
  AppendClock(t.hour(), t.minute(), t.second(), out);
}

absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name) {
  ZoneCache& cache = Zones();
  std::lock_guard<std::mutex> lock(cache.mu);
  auto it = cache.zones.find(name);
  if (it != cache.zones.end()) return it->second;
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(std::string(name), &zone)) {
    return absl::NotFoundError(absl::StrCat("unknown time zone '", name, "'"));
  }
  cache.zones.emplace(std::string(name), zone);
  return zone;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

format::DataTypePtr WithDefaultZone(const format::DataTypePtr& type, const std::string& zone) {
  using format::DataType;
  using format::TypeId;
  if (zone.empty()) return type;
  switch (type->id()) {
    case TypeId::kDateTime:
      return type->timezone().empty() ? DataType::DateTime(zone) : type;
    case TypeId::kDateTime64:
      return type->timezone().empty() ? DataType::DateTime64(type->precision(), zone) : type;
    case TypeId::kNullable:
      return DataType::Nullable(WithDefaultZone(type->children()[0], zone));
    case TypeId::kArray:
      return DataType::Array(WithDefaultZone(type->children()[0], zone));
    default:
      return type;
  }
}

void RetypeZones(format::Column* c, const format::DataTypePtr& type) {
  c->type = type;
  const format::TypeId id = type->id();
  if ((id == format::TypeId::kNullable || id == format::TypeId::kArray) && !c->children.empty()) {
    RetypeZones(&c->children[0], type->children()[0]);
  }
}

absl::TimeZone ZoneOf(const format::DataType& type) {
  const std::string& name = type.timezone();
  if (name.empty()) return absl::UTCTimeZone();
  // One entry per thread spares the mutex when a column is printed row by row.
  thread_local std::string last_name;
  thread_local absl::TimeZone last_zone;
  if (name != last_name) {
    absl::StatusOr<absl::TimeZone> zone = LoadZone(name);
    last_zone = zone.ok() ? *zone : absl::UTCTimeZone();
    last_name = name;
  }
  return last_zone;
}

void AppendScalarText(const Column& c, size_t row, std::string* out) {
  switch (c.type->id()) {
    case TypeId::kUInt8:
      absl::StrAppend(out, c.data[row]);
      return;
    case TypeId::kBool:
      out->append(c.data[row] ? "true" : "false");
      return;
    case TypeId::kUInt16:
      absl::StrAppend(out, c.values<uint16_t>()[row]);
      return;
    case TypeId::kUInt32:
      absl::StrAppend(out, c.values<uint32_t>()[row]);
      return;
    case TypeId::kUInt64:
      absl::StrAppend(out, c.values<uint64_t>()[row]);
      return;
    case TypeId::kInt8:
      absl::StrAppend(out, c.values<int8_t>()[row]);
      return;
    case TypeId::kInt16:
      absl::StrAppend(out, c.values<int16_t>()[row]);
      return;
    case TypeId::kInt32:
      absl::StrAppend(out, c.values<int32_t>()[row]);
      return;
    case TypeId::kInt64:
      absl::StrAppend(out, c.values<int64_t>()[row]);
      return;
    case TypeId::kFloat32:
      AppendFloat32Text(c.values<float>()[row], out);
      return;
    case TypeId::kFloat64:
      AppendFloat64Text(c.values<double>()[row], out);
      return;
    case TypeId::kDate:
      AppendDate(c.values<uint16_t>()[row], out);
      return;
    case TypeId::kDateTime:
      AppendDateTimeOf(*c.type, c.values<uint32_t>()[row], out);
      return;
    case TypeId::kDateTime64: {
      int p = c.type->precision();
      int64_t scale = 1;
      for (int i = 0; i < p; ++i) scale *= 10;
      int64_t ticks = c.values<int64_t>()[row];
      int64_t secs = FloorDiv(ticks, scale);
      AppendDateTimeOf(*c.type, secs, out);
      if (p > 0) {
        out->push_back('.');
        AppendDigits(ticks - secs * scale, p, out);
      }
      return;
    }
    case TypeId::kUUID:
      AppendUuid(c.data.data() + row * 16, out);
      return;
    default:
      return;
  }
}

void AppendTsvValue(const Column& c, size_t row, std::string* out) {
  AppendValueIn(Style::kTsv, c, row, "\\N", out);
}

void AppendQuotedValue(const Column& c, size_t row, std::string* out) {
  AppendValueIn(Style::kQuoted, c, row, "NULL", out);
}

void AppendCsvValue(const Column& c, size_t row, std::string* out) {
  AppendValueIn(Style::kCsv, c, row, "\\N", out);
}

void AppendPlainValue(const Column& c, size_t row, absl::string_view null_text, std::string* out) {
  AppendValueIn(Style::kPlain, c, row, null_text, out);
}

// ClickHouse's writeAnyEscapedString: \b \f \n \r \t \0 \\ and the quote character.
// Runs of ordinary bytes are appended whole.
static void AppendEscaped(absl::string_view s, char quote, std::string* out) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    const char* esc;
    switch (c) {
      case '\b':
        esc = "\\b";
        break;
      case '\f':
        esc = "\\f";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\0':
        esc = "\\0";
        break;
      case '\\':
        esc = "\\\\";
        break;
      default:
        if (c != quote) continue;
        esc = nullptr;
    }
    out->append(s.data() + run, i - run);
    if (esc != nullptr) {
      out->append(esc, 2);
    } else {
      out->push_back('\\');
      out->push_back(c);
    }
    run = i + 1;
  }
  out->append(s.data() + run, s.size() - run);
}

void AppendTsvEscaped(absl::string_view s, std::string* out) { AppendEscaped(s, '\'', out); }

void AppendQuotedString(absl::string_view s, std::string* out) {
  out->push_back('\'');
  AppendEscaped(s, '\'', out);
  out->push_back('\'');
}

void AppendCsvString(absl::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t q = s.find('"'); q != absl::string_view::npos; q = s.find('"', q + 1)) {
    out->append(s.data() + run, q + 1 - run);
    out->push_back('"');
    run = q + 1;
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

}  // namespace tally::engine
