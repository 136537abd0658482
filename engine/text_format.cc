#include "engine/text_format.h"

#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace tally::engine {

using format::Column;
using format::TypeId;

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void AppendFloat(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("nan");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "inf" : "-inf");
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr - buf);
}

void AppendFloat32(float v, std::string* out) {
  if (std::isnan(v) || std::isinf(v)) {
    AppendFloat(v, out);
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, res.ptr - buf);
}

void AppendTsvEscaped(absl::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\0':
        out->append("\\0");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        out->push_back(c);
    }
  }
}

void AppendSingleQuoted(absl::string_view s, std::string* out) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

// Scalars (everything but String/LowCardinality, which the callers quote or escape).
void AppendScalar(const Column& c, size_t row, std::string* out) {
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
      AppendFloat32(c.values<float>()[row], out);
      return;
    case TypeId::kFloat64:
      AppendFloat(c.values<double>()[row], out);
      return;
    case TypeId::kDate:
      out->append(FormatDate(c.values<uint16_t>()[row]));
      return;
    case TypeId::kDateTime:
      out->append(FormatDateTime(c.values<uint32_t>()[row]));
      return;
    case TypeId::kDateTime64: {
      int p = c.type->precision();
      int64_t scale = 1;
      for (int i = 0; i < p; ++i) scale *= 10;
      int64_t ticks = c.values<int64_t>()[row];
      int64_t secs = FloorDiv(ticks, scale);
      out->append(FormatDateTime(secs));
      if (p > 0) absl::StrAppendFormat(out, ".%0*d", p, ticks - secs * scale);
      return;
    }
    case TypeId::kUUID: {
      const uint8_t* b = c.data.data() + row * 16;
      for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
        absl::StrAppendFormat(out, "%02x", b[i]);
      }
      return;
    }
    default:
      return;
  }
}

void AppendNested(const Column& c, size_t row, std::string* out) {
  uint64_t begin = row == 0 ? 0 : c.offsets[row - 1];
  uint64_t end = c.offsets[row];
  const bool map = c.type->id() == TypeId::kMap;
  out->push_back(map ? '{' : '[');
  for (uint64_t k = begin; k < end; ++k) {
    if (k > begin) out->push_back(',');
    AppendQuotedValue(c.children[0], k, out);
    if (map) {
      out->push_back(':');
      AppendQuotedValue(c.children[1], k, out);
    }
  }
  out->push_back(map ? '}' : ']');
}

}  // namespace

std::string FormatDate(int64_t days) {
  absl::CivilDay d = absl::CivilDay(1970, 1, 1) + days;
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string FormatDateTime(int64_t seconds) {
  absl::CivilSecond t = absl::CivilSecond(1970, 1, 1, 0, 0, 0) + seconds;
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d", t.year(), t.month(), t.day(), t.hour(), t.minute(),
                         t.second());
}

void AppendTsvValue(const Column& c, size_t row, std::string* out) {
  switch (c.type->id()) {
    case TypeId::kString:
      AppendTsvEscaped(c.StringAt(row), out);
      return;
    case TypeId::kLowCardinality: {
      uint32_t index = c.IndexAt(row);
      if (index == 0 && c.type->is_nullable_low_cardinality()) {
        out->append("\\N");
      } else {
        AppendTsvEscaped(c.dictionary->StringAt(index), out);
      }
      return;
    }
    case TypeId::kNullable:
      if (c.nulls[row]) {
        out->append("\\N");
      } else {
        AppendTsvValue(c.children[0], row, out);
      }
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      std::string nested;
      AppendNested(c, row, &nested);
      AppendTsvEscaped(nested, out);
      return;
    }
    default:
      AppendScalar(c, row, out);
  }
}

void AppendQuotedValue(const Column& c, size_t row, std::string* out) {
  switch (c.type->id()) {
    case TypeId::kString:
      AppendSingleQuoted(c.StringAt(row), out);
      return;
    case TypeId::kLowCardinality: {
      uint32_t index = c.IndexAt(row);
      if (index == 0 && c.type->is_nullable_low_cardinality()) {
        out->append("NULL");
      } else {
        AppendSingleQuoted(c.dictionary->StringAt(index), out);
      }
      return;
    }
    case TypeId::kNullable:
      if (c.nulls[row]) {
        out->append("NULL");
      } else {
        AppendQuotedValue(c.children[0], row, out);
      }
      return;
    case TypeId::kArray:
    case TypeId::kMap:
      AppendNested(c, row, out);
      return;
    case TypeId::kDate:
    case TypeId::kDateTime:
    case TypeId::kDateTime64:
    case TypeId::kUUID: {
      std::string s;
      AppendScalar(c, row, &s);
      AppendSingleQuoted(s, out);
      return;
    }
    default:
      AppendScalar(c, row, out);
  }
}

}  // namespace tally::engine
