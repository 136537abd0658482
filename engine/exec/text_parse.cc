#include "engine/exec/text_parse.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::TypeId;

namespace {

absl::Status Why(absl::string_view why) { return absl::InvalidArgumentError(why); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

template <typename T>
absl::Status ParseInteger(absl::string_view s, T* out) {
  if (s.empty()) return Why("empty value");
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+' && e - b > 1 && IsDigit(b[1])) ++b;
  if constexpr (std::is_unsigned_v<T>) {
    if (*b == '-') return Why("negative value for an unsigned type");
  }
  auto [p, ec] = std::from_chars(b, e, *out);
  if (ec == std::errc::result_out_of_range) return Why("out of range");
  if (ec != std::errc() || p != e) {
    bool fractional = ec == std::errc() && (*p == '.' || *p == 'e' || *p == 'E');
    return Why(fractional ? "not an integer" : "not a number");
  }
  return absl::OkStatus();
}

template <typename F>
absl::Status ParseFloat(absl::string_view s, F* out) {
  if (s.empty()) return Why("empty value");
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+' && e - b > 1 && b[1] != '-' && b[1] != '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *out);
  if (ec == std::errc::result_out_of_range && p == e) {
    // Overflow gives inf and underflow 0, as ClickHouse's parser does.
    std::string copy(b, e);
    *out = sizeof(F) == 4 ? std::strtof(copy.c_str(), nullptr) : std::strtod(copy.c_str(), nullptr);
    return absl::OkStatus();
  }
  if (ec != std::errc() || p != e) return Why("not a number");
  return absl::OkStatus();
}

absl::Status ParseBool(absl::string_view s, uint8_t* out) {
  std::string lower = absl::AsciiStrToLower(s);
  for (const char* t : {"true", "1", "yes", "on", "t", "y", "enable"}) {
    if (lower == t) {
      *out = 1;
      return absl::OkStatus();
    }
  }
  for (const char* f : {"false", "0", "no", "off", "f", "n", "disable"}) {
    if (lower == f) {
      *out = 0;
      return absl::OkStatus();
    }
  }
  return Why("expected true or false");
}

// Reads 1..max_digits digits from the front of *s.
bool ReadNumber(absl::string_view* s, int max_digits, int64_t* v) {
  int n = 0;
  *v = 0;
  while (n < max_digits && !s->empty() && IsDigit(s->front())) {
    *v = *v * 10 + (s->front() - '0');
    s->remove_prefix(1);
    ++n;
  }
  return n > 0;
}

// YYYY-MM-DD (separators - / .) at the front of *s.
absl::Status ReadCivilDay(absl::string_view* s, absl::CivilDay* day) {
  int64_t y, m, d;
  absl::string_view start = *s;
  if (!ReadNumber(s, 4, &y) || start.size() - s->size() != 4) return Why("expected YYYY-MM-DD");
  if (s->empty() || (s->front() != '-' && s->front() != '/' && s->front() != '.')) {
    return Why("expected YYYY-MM-DD");
  }
  s->remove_prefix(1);
  if (!ReadNumber(s, 2, &m) || s->empty() || (s->front() != '-' && s->front() != '/' && s->front() != '.')) {
    return Why("expected YYYY-MM-DD");
  }
  s->remove_prefix(1);
  if (!ReadNumber(s, 2, &d)) return Why("expected YYYY-MM-DD");
  *day = absl::CivilDay(y, m, d);
  if (m < 1 || m > 12 || d < 1 || day->month() != m || day->day() != d) {
    return Why("no such date");
  }
  return absl::OkStatus();
}

absl::Status ParseDate(absl::string_view s, uint16_t* out) {
  absl::CivilDay day;
  TALLY_RETURN_IF_ERROR(ReadCivilDay(&s, &day));
  if (!s.empty()) return Why("unexpected text after the date");
  int64_t days = day - absl::CivilDay(1970, 1, 1);
  if (days < 0 || days > 65535) return Why("out of range for Date (1970-01-01 to 2149-06-06)");
  *out = static_cast<uint16_t>(days);
  return absl::OkStatus();
}

int64_t Pow10(int p) {
  int64_t v = 1;
  for (int i = 0; i < p; ++i) v *= 10;
  return v;
}

// The first `precision` digits of `digits` as ticks (padded with zeros).
int64_t FractionTicks(absl::string_view digits, int precision) {
  int64_t v = 0;
  for (int i = 0; i < precision; ++i) {
    v = v * 10 + (i < static_cast<int>(digits.size()) ? digits[i] - '0' : 0);
  }
  return v;
}

absl::string_view ReadDigits(absl::string_view* s) {
  size_t n = 0;
  while (n < s->size() && IsDigit((*s)[n])) ++n;
  absl::string_view d = s->substr(0, n);
  s->remove_prefix(n);
  return d;
}

// Parses any accepted DateTime spelling into ticks of 10^-precision seconds.
absl::Status ParseTime(absl::string_view s, const absl::TimeZone& zone, int precision,
                       int64_t* ticks) {
  const int64_t scale = Pow10(precision);
  absl::string_view rest = s;
  bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);
  absl::string_view whole = ReadDigits(&rest);
  if (!whole.empty() && (rest.empty() || rest.front() == '.') && whole.size() <= 18) {
    absl::string_view frac;
    if (!rest.empty()) {
      rest.remove_prefix(1);
      frac = ReadDigits(&rest);
      if (!rest.empty()) return Why("not a number of seconds");
    }
    int64_t secs = 0;
    for (char c : whole) secs = secs * 10 + (c - '0');
    int64_t t;
    if (__builtin_mul_overflow(secs, scale, &t)) return Why("out of range");
    t += FractionTicks(frac, precision);
    *ticks = negative ? -t : t;
    return absl::OkStatus();
  }
  rest = s;
  absl::CivilDay day;
  TALLY_RETURN_IF_ERROR(ReadCivilDay(&rest, &day));
  int64_t hh = 0, mm = 0, ss = 0;
  absl::string_view frac;
  bool have_offset = false;
  int64_t offset_s = 0;
  if (!rest.empty()) {
    if (rest.front() != ' ' && rest.front() != 'T' && rest.front() != 't') {
      return Why("expected YYYY-MM-DD hh:mm:ss");
    }
    rest.remove_prefix(1);
    if (!ReadNumber(&rest, 2, &hh) || rest.empty() || rest.front() != ':') {
      return Why("expected hh:mm:ss after the date");
    }
    rest.remove_prefix(1);
    if (!ReadNumber(&rest, 2, &mm)) return Why("expected hh:mm:ss after the date");
    if (!rest.empty() && rest.front() == ':') {
      rest.remove_prefix(1);
      if (!ReadNumber(&rest, 2, &ss)) return Why("expected hh:mm:ss after the date");
    }
    if (!rest.empty() && rest.front() == '.') {
      rest.remove_prefix(1);
      frac = ReadDigits(&rest);
      if (frac.empty()) return Why("expected digits after '.'");
    }
    if (!rest.empty() && (rest.front() == 'Z' || rest.front() == 'z')) {
      rest.remove_prefix(1);
      have_offset = true;
    } else if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
      int sign = rest.front() == '-' ? -1 : 1;
      rest.remove_prefix(1);
      int64_t oh = 0, om = 0;
      absl::string_view before = rest;
      if (!ReadNumber(&rest, 2, &oh) || before.size() - rest.size() != 2) {
        return Why("expected a time zone offset like +02:00");
      }
      if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
      if (!rest.empty() && !ReadNumber(&rest, 2, &om)) return Why("expected a time zone offset like +02:00");
      if (oh > 23 || om > 59) return Why("time zone offset out of range");
      have_offset = true;
      offset_s = sign * (oh * 3600 + om * 60);
    }
    if (!rest.empty()) return Why("unexpected text after the time");
    if (hh > 23 || mm > 59 || ss > 59) return Why("no such time of day");
  }
  absl::CivilSecond cs(day.year(), day.month(), day.day(), hh, mm, ss);
  int64_t secs;
  if (have_offset) {
    secs = (cs - absl::CivilSecond(1970, 1, 1, 0, 0, 0)) - offset_s;
  } else {
    secs = absl::ToUnixSeconds(absl::FromCivil(cs, zone));
  }
  int64_t t;
  if (__builtin_mul_overflow(secs, scale, &t)) return Why("out of range");
  *ticks = t + FractionTicks(frac, precision);
  return absl::OkStatus();
}

// Hex digit values by byte, -1 for anything else: one load per digit (UUIDs by the
// million on ingest).
constexpr std::array<int8_t, 256> kHexValues = [] {
  std::array<int8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
  return t;
}();

int HexValue(char c) { return kHexValues[static_cast<uint8_t>(c)]; }

absl::Status ParseUuid(absl::string_view s, uint8_t out[16]) {
  // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, or the 32 digits alone: decoded in place.
  const bool dashed = s.size() == 36;
  if (!dashed && s.size() != 32) return Why("expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  if (dashed && (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')) {
    return Why("expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  }
  // Byte i's two digits start at kStart[i] (dashed) or 2 * i.
  static constexpr uint8_t kStart[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  int bad = 0;
  for (int i = 0; i < 16; ++i) {
    const size_t pos = dashed ? kStart[i] : 2 * i;
    const int hi = HexValue(s[pos]), lo = HexValue(s[pos + 1]);
    bad |= hi | lo;  // negative when either is not a digit
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  if (bad < 0) return Why("not a hexadecimal digit");
  return absl::OkStatus();
}

template <typename T>
absl::Status AppendInteger(Column* c, absl::string_view text) {
  T v{};
  TALLY_RETURN_IF_ERROR(ParseInteger(text, &v));
  c->Append<T>(v);
  return absl::OkStatus();
}

template <typename F>
absl::Status AppendFloating(Column* c, absl::string_view text) {
  F v{};
  TALLY_RETURN_IF_ERROR(ParseFloat(text, &v));
  c->Append<F>(v);
  return absl::OkStatus();
}

absl::Status AppendTime(Column* c, absl::string_view text) {
  const DataType& t = *c->type;
  int precision = t.id() == TypeId::kDateTime64 ? t.precision() : 0;
  int64_t ticks = 0;
  TALLY_RETURN_IF_ERROR(ParseTime(text, ZoneOf(t), precision, &ticks));
  if (t.id() == TypeId::kDateTime64) {
    c->Append<int64_t>(ticks);
    return absl::OkStatus();
  }
  if (ticks < 0 || ticks > std::numeric_limits<uint32_t>::max()) {
    return Why("out of range for DateTime (1970-01-01 00:00:00 to 2106-02-07 06:28:15 UTC)");
  }
  c->Append<uint32_t>(static_cast<uint32_t>(ticks));
  return absl::OkStatus();
}

void SkipSpace(absl::string_view* in) {
  while (!in->empty() && absl::ascii_isspace(static_cast<unsigned char>(in->front()))) {
    in->remove_prefix(1);
  }
}

// Consumes `word` (any case) when it stands alone at the front of *in.
bool ConsumeWord(absl::string_view* in, absl::string_view word) {
  if (in->size() < word.size() || !absl::EqualsIgnoreCase(in->substr(0, word.size()), word)) {
    return false;
  }
  if (in->size() > word.size()) {
    char next = (*in)[word.size()];
    if (absl::ascii_isalnum(static_cast<unsigned char>(next)) || next == '_') return false;
  }
  in->remove_prefix(word.size());
  return true;
}

// A quoted string at the front of *in ('...' with backslash escapes or '' doubling).
absl::Status ReadQuotedString(absl::string_view* in, std::string* out) {
  out->clear();
  size_t i = 1;  // past the opening quote
  std::string raw;
  while (true) {
    if (i >= in->size()) return Why("unterminated quoted string");
    char c = (*in)[i];
    if (c == '\\') {
      if (i + 1 >= in->size()) return Why("unterminated quoted string");
      raw.append(in->data() + i, 2);
      i += 2;
      continue;
    }
    if (c == '\'') {
      if (i + 1 < in->size() && (*in)[i + 1] == '\'') {  // '' is a quote
        raw.append("\\'");
        i += 2;
        continue;
      }
      break;
    }
    raw.push_back(c);
    ++i;
  }
  in->remove_prefix(i + 1);
  UnescapeTsv(raw, out);
  return absl::OkStatus();
}

// A number literal's text at the front of *in: sign, digits, point, exponent, or the
// words inf, infinity, nan.
absl::string_view ReadNumberToken(absl::string_view* in) {
  size_t n = 0;
  if (n < in->size() && ((*in)[n] == '-' || (*in)[n] == '+')) ++n;
  absl::string_view after_sign = in->substr(n);
  for (absl::string_view word : {"infinity", "inf", "nan"}) {
    absl::string_view probe = after_sign;
    if (ConsumeWord(&probe, word)) {
      n += word.size();
      absl::string_view token = in->substr(0, n);
      in->remove_prefix(n);
      return token;
    }
  }
  while (n < in->size()) {
    char c = (*in)[n];
    if (IsDigit(c) || c == '.') {
      ++n;
    } else if ((c == 'e' || c == 'E') && n + 1 < in->size()) {
      ++n;
      if ((*in)[n] == '+' || (*in)[n] == '-') ++n;
    } else {
      break;
    }
  }
  absl::string_view token = in->substr(0, n);
  in->remove_prefix(n);
  return token;
}

std::string Found(absl::string_view in) {
  if (in.empty()) return "the end of the input";
  size_t n = 0;
  while (n < in.size() && n < 20 && in[n] != ',' && in[n] != ')' && in[n] != ']' && in[n] != '}') {
    ++n;
  }
  return absl::StrCat("'", TextForError(in.substr(0, n == 0 ? 1 : n)), "'");
}

absl::Status ParseQuotedNested(Column* col, absl::string_view* in, const TextParseOptions& options) {
  const bool map = col->type->id() == TypeId::kMap;
  const char open = map ? '{' : '[', close = map ? '}' : ']';
  if (in->empty() || in->front() != open) {
    return Why(absl::StrCat("expected ", col->type->ToString(), " starting with '",
                            std::string(1, open), "', got ", Found(*in)));
  }
  in->remove_prefix(1);
  SkipSpace(in);
  if (!in->empty() && in->front() == close) {
    in->remove_prefix(1);
  } else {
    while (true) {
      TALLY_RETURN_IF_ERROR(ParseQuotedValue(&col->children[0], in, options));
      if (map) {
        SkipSpace(in);
        if (in->empty() || in->front() != ':') {
          return Why(absl::StrCat("expected ':' after a map key, got ", Found(*in)));
        }
        in->remove_prefix(1);
        TALLY_RETURN_IF_ERROR(ParseQuotedValue(&col->children[1], in, options));
      }
      SkipSpace(in);
      if (!in->empty() && in->front() == ',') {
        in->remove_prefix(1);
        continue;
      }
      if (!in->empty() && in->front() == close) {
        in->remove_prefix(1);
        break;
      }
      return Why(absl::StrCat("expected ',' or '", std::string(1, close), "' in ",
                              col->type->ToString(), ", got ", Found(*in)));
    }
  }
  col->offsets.push_back(col->children[0].size());
  return absl::OkStatus();
}

absl::Status Expected(const Column& col, absl::string_view token, const absl::Status& why) {
  return Why(absl::StrCat("expected ", col.type->ToString(), ", got '", TextForError(token), "' (",
                          why.message(), ")"));
}

}  // namespace

bool IsNullText(const DataType& type, absl::string_view text) {
  if (text == "\\N") return true;
  if (!absl::EqualsIgnoreCase(text, "NULL")) return false;
  const DataType* inner = &type;
  while (inner->id() == TypeId::kNullable || inner->id() == TypeId::kLowCardinality) {
    inner = &inner->child(0);
  }
  return inner->id() != TypeId::kString;
}

absl::Status AppendNull(Column* col, bool null_as_default) {
  if (col->type->id() == TypeId::kNullable) {
    col->nulls.push_back(1);
    col->children[0].AppendDefault();
    return absl::OkStatus();
  }
  if (col->type->is_nullable_low_cardinality()) {
    col->AppendIndex(0);
    return absl::OkStatus();
  }
  if (null_as_default) {
    col->AppendDefault();
    return absl::OkStatus();
  }
  return Why(absl::StrCat("NULL is not allowed in ", col->type->ToString(),
                          " (the column is not Nullable)"));
}

absl::Status ParseTextField(Column* col, absl::string_view text, const TextParseOptions& options) {
  const DataType& type = *col->type;
  switch (type.id()) {
    case TypeId::kNullable: {
      if (options.detect_null && IsNullText(type, text)) return AppendNull(col, false);
      TextParseOptions inner = options;
      inner.detect_null = false;
      TALLY_RETURN_IF_ERROR(ParseTextField(&col->children[0], text, inner));
      col->nulls.push_back(0);
      return absl::OkStatus();
    }
    case TypeId::kLowCardinality:
      if (options.detect_null && type.is_nullable_low_cardinality() && IsNullText(type, text)) {
        return AppendNull(col, false);
      }
      return col->AppendValue(format::Value::String(std::string(text)));
    case TypeId::kString:
      col->AppendString(text);
      return absl::OkStatus();
    default:
      break;
  }
  if (options.detect_null && text == "\\N") return AppendNull(col, options.null_as_default);
  switch (type.id()) {
    case TypeId::kUInt8:
      return AppendInteger<uint8_t>(col, text);
    case TypeId::kUInt16:
      return AppendInteger<uint16_t>(col, text);
    case TypeId::kUInt32:
      return AppendInteger<uint32_t>(col, text);
    case TypeId::kUInt64:
      return AppendInteger<uint64_t>(col, text);
    case TypeId::kInt8:
      return AppendInteger<int8_t>(col, text);
    case TypeId::kInt16:
      return AppendInteger<int16_t>(col, text);
    case TypeId::kInt32:
      return AppendInteger<int32_t>(col, text);
    case TypeId::kInt64:
      return AppendInteger<int64_t>(col, text);
    case TypeId::kFloat32:
      return AppendFloating<float>(col, text);
    case TypeId::kFloat64:
      return AppendFloating<double>(col, text);
    case TypeId::kBool: {
      uint8_t v = 0;
      TALLY_RETURN_IF_ERROR(ParseBool(text, &v));
      col->Append<uint8_t>(v);
      return absl::OkStatus();
    }
    case TypeId::kDate: {
      uint16_t v = 0;
      TALLY_RETURN_IF_ERROR(ParseDate(text, &v));
      col->Append<uint16_t>(v);
      return absl::OkStatus();
    }
    case TypeId::kDateTime:
    case TypeId::kDateTime64:
      return AppendTime(col, text);
    case TypeId::kUUID: {
      uint8_t bytes[16] = {};
      TALLY_RETURN_IF_ERROR(ParseUuid(text, bytes));
      col->data.append(bytes, 16);
      return absl::OkStatus();
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      absl::string_view in = text;
      SkipSpace(&in);
      TALLY_RETURN_IF_ERROR(ParseQuotedNested(col, &in, options));
      SkipSpace(&in);
      if (!in.empty()) return Why(absl::StrCat("unexpected text after the value: ", Found(in)));
      return absl::OkStatus();
    }
    default:
      return absl::InternalError(absl::StrCat("no text parser for ", type.ToString()));
  }
}

absl::Status ParseTextInto(Column* col, absl::string_view text, const TextParseOptions& options) {
  size_t rows = col->size();
  absl::Status s = ParseTextField(col, text, options);
  if (!s.ok()) {
    TruncateColumn(col, rows);
    return Why(absl::StrCat("cannot parse '", TextForError(text), "' as ", col->type->ToString(),
                            ": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status ParseNumberInto(Column* col, absl::string_view token) {
  switch (col->type->id()) {
    case TypeId::kNullable:
      TALLY_RETURN_IF_ERROR(ParseNumberInto(&col->children[0], token));
      col->nulls.push_back(0);
      return absl::OkStatus();
    case TypeId::kDate: {
      uint16_t days = 0;
      TALLY_RETURN_IF_ERROR(ParseInteger(token, &days));
      col->Append<uint16_t>(days);
      return absl::OkStatus();
    }
    default:
      return ParseTextField(col, token, TextParseOptions{.detect_null = false});
  }
}

absl::Status ParseQuotedValue(Column* col, absl::string_view* in, const TextParseOptions& options) {
  SkipSpace(in);
  if (in->empty()) {
    return Why(absl::StrCat("expected ", col->type->ToString(), ", got the end of the input"));
  }
  if (ConsumeWord(in, "NULL")) return AppendNull(col, options.null_as_default);
  TypeId id = col->type->id();
  if (id == TypeId::kNullable) {
    TALLY_RETURN_IF_ERROR(ParseQuotedValue(&col->children[0], in, options));
    col->nulls.push_back(0);
    return absl::OkStatus();
  }
  if (id == TypeId::kArray || id == TypeId::kMap) return ParseQuotedNested(col, in, options);
  char c = in->front();
  if (c == '\'') {
    std::string value;
    TALLY_RETURN_IF_ERROR(ReadQuotedString(in, &value));
    absl::Status s = ParseTextField(col, value, TextParseOptions{.detect_null = false});
    if (!s.ok()) return Expected(*col, absl::StrCat("'", value, "'"), s);
    return absl::OkStatus();
  }
  absl::string_view probe = *in;
  if (ConsumeWord(&probe, "true") || ConsumeWord(&probe, "false")) {
    absl::string_view word = in->substr(0, in->size() - probe.size());
    *in = probe;
    bool is_true = word.size() == 4;
    absl::Status s = col->type->is_integer() || id == TypeId::kBool
                         ? ParseNumberInto(col, is_true ? "1" : "0")
                         : ParseTextField(col, word, TextParseOptions{.detect_null = false});
    if (!s.ok()) return Expected(*col, word, s);
    return absl::OkStatus();
  }
  absl::string_view number = ReadNumberToken(&probe);
  if (!number.empty() && number != "-" && number != "+") {
    *in = probe;
    absl::Status s = ParseNumberInto(col, number);
    if (!s.ok()) return Expected(*col, number, s);
    return absl::OkStatus();
  }
  if (absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '(') {
    return Why(absl::StrCat("expressions in VALUES are not supported yet (found ", Found(*in),
                            "); write literals only"));
  }
  return Why(absl::StrCat("expected ", col->type->ToString(), ", got ", Found(*in)));
}

void UnescapeTsv(absl::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    size_t slash = text.find('\\', i);
    if (slash == absl::string_view::npos || slash + 1 == text.size()) {
      out->append(text.data() + i, text.size() - i);
      return;
    }
    out->append(text.data() + i, slash - i);
    i = slash;
    char e = text[++i];
    switch (e) {
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case '0':
        out->push_back('\0');
        break;
      case 'a':
        out->push_back('\a');
        break;
      case 'v':
        out->push_back('\v');
        break;
      case 'e':
        out->push_back('\x1b');
        break;
      case 'x':
        if (i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
          out->push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
          i += 2;
        } else {
          out->push_back('x');
        }
        break;
      default:
        out->push_back(e);  // \\ \' \" \/ and unknown escapes: the character itself
    }
  }
}

void TruncateColumn(Column* col, size_t rows) {
  switch (col->type->id()) {
    case TypeId::kString:
      col->offsets.resize(rows);
      col->chars.resize(rows == 0 ? 0 : col->offsets[rows - 1]);
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      col->offsets.resize(rows);
      size_t nested = rows == 0 ? 0 : col->offsets[rows - 1];
      for (Column& child : col->children) TruncateColumn(&child, nested);
      return;
    }
    case TypeId::kNullable:
      col->nulls.resize(rows);
      TruncateColumn(&col->children[0], rows);
      return;
    case TypeId::kLowCardinality:
      col->data.resize(rows * col->index_width);
      return;
    default:
      col->data.resize(rows * col->type->fixed_width());
      return;
  }
}

std::string TextForError(absl::string_view text) {
  constexpr size_t kMax = 64;
  bool cut = text.size() > kMax;
  if (cut) {
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // whole UTF-8
    text = text.substr(0, n);
  }
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\t') {
      out.append("\\t");
    } else if (u < 0x20 || u == 0x7F) {
      absl::StrAppend(&out, "\\x", absl::Hex(u, absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  if (cut) out.append("...");
  return out;
}

}  // namespace tally::engine
