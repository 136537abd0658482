// CAST for whole columns (ConvertColumn, declared in engine/exec/function_util.h).
//
// The conversion is decided once per column from the two types; the per-row work is a
// typed loop. LowCardinality sources convert their dictionary once and gather through the
// indexes; Nullable sources convert their values and keep (or refuse) their NULLs.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

struct Ctx {
  const FunctionContext& context;
  absl::string_view function;
};

absl::Status CannotConvert(const DataType& from, const DataType& to, const Ctx& ctx) {
  return absl::InvalidArgumentError(
      absl::StrCat(ctx.function, ": cannot convert ", from.ToString(), " to ", to.ToString()));
}

absl::Status CannotParse(absl::string_view s, const DataType& to, const Ctx& ctx) {
  std::string shown(s.substr(0, 100));
  if (s.size() > 100) shown += "...";
  return absl::InvalidArgumentError(
      absl::StrCat(ctx.function, ": cannot parse '", shown, "' as ", to.ToString()));
}

// ---- numbers ----

// x86's cvttsd2si: truncation toward zero, and the "integer indefinite" value (the
// smallest of the width) for NaN and anything out of range.
inline int32_t TruncateToInt32(double d) {
  return d > -2147483649.0 && d < 2147483648.0 ? static_cast<int32_t>(d) : INT32_MIN;
}
inline int64_t TruncateToInt64(double d) {
  return d >= -9223372036854775808.0 && d < 9223372036854775808.0 ? static_cast<int64_t>(d) : INT64_MIN;
}

// Float to integer as ClickHouse's static_cast compiles on x86-64 (the reference's values
// out of range are the machine's, not a rule of the language): types narrower than 32 bits
// and Int32 truncate to Int32 and keep the low bits, UInt32 and Int64 go through Int64,
// UInt64 through Int64 with 2^63 subtracted when the first conversion overflowed
// (toInt32(3e9) = -2147483648, toUInt8(300.) = 44, toUInt64(1e20) = 2^63). NaN and
// infinities never get here (NonFiniteToInteger).
template <typename T, typename F>
T FloatToInt(F v) {
  const double d = static_cast<double>(v);
  if constexpr (sizeof(T) < 4 || std::is_same_v<T, int32_t>) {
    return static_cast<T>(TruncateToInt32(d));
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    const uint64_t a = static_cast<uint64_t>(TruncateToInt64(d));
    const uint64_t b = static_cast<uint64_t>(TruncateToInt64(d - 9223372036854775808.0));
    return a | (b & (0 - (a >> 63)));
  } else {
    return static_cast<T>(TruncateToInt64(d));
  }
}

// ClickHouse refuses NaN and infinities converted to an integer (or a Date or DateTime),
// in CAST and the to* functions alike. `skip` rows (NULL) are not looked at.
template <typename F>
absl::Status NonFiniteToInteger(const F* in, size_t n, const uint8_t* skip, const Ctx& ctx) {
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in[i]) && (skip == nullptr || !skip[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(ctx.function, ": Unexpected inf or nan to integer conversion"));
    }
  }
  return absl::OkStatus();
}

template <typename F, typename T>
void CastLoop(const F* in, T* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<F> && !std::is_floating_point_v<T>) {
      out[i] = FloatToInt<T>(in[i]);
    } else {
      out[i] = static_cast<T>(in[i]);  // integers wrap (two's complement, C++20)
    }
  }
}

template <typename F>
void ToBoolLoop(const F* in, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = in[i] != 0;
}

// Float to int64 for time targets, which saturate (toDateTime(1e20) is the largest
// DateTime in ClickHouse too); NaN -> 0.
int64_t SaturateToInt64(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775808.0) return INT64_MAX;
  if (d <= -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(d);
}

// Source values as int64 (floats truncated, saturating; UInt64 above INT64_MAX saturating).
template <typename F>
void ReadInt64(const F* in, size_t n, int64_t* out) {
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<F>) {
      out[i] = SaturateToInt64(in[i]);
    } else if constexpr (std::is_same_v<F, uint64_t>) {
      out[i] = in[i] > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(in[i]);
    } else {
      out[i] = in[i];
    }
  }
}

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

// a * b, saturating at the int64 range (huge numbers made into DateTime64 ticks).
int64_t MulSat(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return (a < 0) != (b < 0) ? INT64_MIN : INT64_MAX;
  return r;
}

void StoreTime(const std::vector<int64_t>& v, Column* out) {
  size_t n = v.size();
  switch (out->type->id()) {
    case TypeId::kDate: {
      auto* o = MutableValues<uint16_t>(*out);
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<uint16_t>(Clamp(v[i], 0, 0xffff));
      return;
    }
    case TypeId::kDateTime: {
      auto* o = MutableValues<uint32_t>(*out);
      for (size_t i = 0; i < n; ++i) o[i] = static_cast<uint32_t>(Clamp(v[i], 0, 0xffffffffLL));
      return;
    }
    default:
      std::memcpy(out->data.data(), v.data(), n * 8);
      return;
  }
}

// Conversions with a Date, DateTime or DateTime64 target.
absl::StatusOr<Column> ToTime(const Column& src, const DataTypePtr& to, const Ctx& ctx) {
  const DataType& from = *src.type;
  const size_t n = src.size();
  Column out = AllocateFixed(to, n);
  std::vector<int64_t> v(n);
  const int p = to->id() == TypeId::kDateTime64 ? to->precision() : 0;
  const int64_t scale = Pow10(p);
  if (to->id() == TypeId::kDateTime64 && from.is_float()) {
    DispatchNumeric(from.id(), [&](auto tag) {
      using F = decltype(tag);
      if constexpr (std::is_floating_point_v<F>) {
        const F* in = src.values<F>();
        for (size_t i = 0; i < n; ++i) {
          double d = std::round(static_cast<double>(in[i]) * scale);
          v[i] = SaturateToInt64(d);
        }
      }
    });
    StoreTime(v, &out);
    return out;
  }
  DispatchNumeric(from.id(), [&](auto tag) {
    using F = decltype(tag);
    ReadInt64(src.values<F>(), n, v.data());
  });
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone to_zone, ZoneOf(*to, ctx.context));
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone from_zone, ZoneOf(from, ctx.context));
  const TypeId t = to->id();
  switch (from.id()) {
    case TypeId::kDate:
      for (auto& x : v) x = t == TypeId::kDate ? x : MulSat(DayStartSeconds(x, to_zone), scale);
      break;
    case TypeId::kDateTime:
      for (auto& x : v) x = t == TypeId::kDate ? DayOfSeconds(x, from_zone) : MulSat(x, scale);
      break;
    case TypeId::kDateTime64: {
      const int q = from.precision();
      for (auto& x : v) {
        if (t == TypeId::kDate) {
          x = DayOfSeconds(FloorDiv(x, Pow10(q)), from_zone);
        } else {
          int target = t == TypeId::kDateTime ? 0 : p;
          x = target >= q ? MulSat(x, Pow10(target - q)) : FloorDiv(x, Pow10(q - target));
        }
      }
      break;
    }
    default:  // numbers: days below 65536 and Unix timestamps above (toDate), else seconds
      for (auto& x : v) {
        if (t == TypeId::kDate) {
          x = x < 65536 ? x : DayOfSeconds(x, to_zone);
        } else {
          x = MulSat(x, scale);
        }
      }
      break;
  }
  StoreTime(v, &out);
  return out;
}

absl::StatusOr<Column> NumberToNumber(const Column& src, const DataTypePtr& to, const Ctx& ctx,
                                      const uint8_t* skip) {
  const size_t n = src.size();
  if (src.type->is_float() && to->id() != TypeId::kBool && to->id() != TypeId::kDateTime64 && !to->is_float()) {
    absl::Status finite = src.type->id() == TypeId::kFloat32 ? NonFiniteToInteger(src.values<float>(), n, skip, ctx)
                                                             : NonFiniteToInteger(src.values<double>(), n, skip, ctx);
    TALLY_RETURN_IF_ERROR(finite);
  }
  if (to->is_time()) return ToTime(src, to, ctx);
  Column out = AllocateFixed(to, n);
  DispatchNumeric(src.type->id(), [&](auto from_tag) {
    using F = decltype(from_tag);
    const F* in = src.values<F>();
    if (to->id() == TypeId::kBool) {
      ToBoolLoop(in, out.data.data(), n);
      return;
    }
    DispatchNumeric(to->id(), [&](auto to_tag) {
      using T = decltype(to_tag);
      CastLoop(in, MutableValues<T>(out), n);
    });
  });
  return out;
}

// ---- text ----

absl::StatusOr<Column> FormatColumn(const Column& src, const Ctx& ctx) {
  const DataType& from = *src.type;
  const size_t n = src.size();
  Column out = Column::Make(TypeOf(TypeId::kString));
  out.offsets.reserve(n);
  std::string buf;
  auto emit = [&](auto&& append_row) {
    for (size_t i = 0; i < n; ++i) {
      buf.clear();
      append_row(i);
      out.AppendString(buf);
    }
  };
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone zone, ZoneOf(from, ctx.context));
  switch (from.id()) {
    case TypeId::kBool:
      emit([&](size_t i) { buf.append(src.data[i] ? "true" : "false"); });
      break;
    case TypeId::kFloat32:
      emit([&](size_t i) { AppendFloat32Text(src.values<float>()[i], &buf); });
      break;
    case TypeId::kFloat64:
      emit([&](size_t i) { AppendFloatText(src.values<double>()[i], &buf); });
      break;
    case TypeId::kDate:
      emit([&](size_t i) { AppendDateText(src.values<uint16_t>()[i], &buf); });
      break;
    case TypeId::kDateTime:
      emit([&](size_t i) { AppendDateTimeText(src.values<uint32_t>()[i], zone, &buf); });
      break;
    case TypeId::kDateTime64:
      emit([&](size_t i) { AppendDateTime64Text(src.values<int64_t>()[i], from.precision(), zone, &buf); });
      break;
    case TypeId::kUUID:
      emit([&](size_t i) { AppendUuidText(src.data.data() + i * 16, &buf); });
      break;
    case TypeId::kArray:
    case TypeId::kMap:
      emit([&](size_t i) { AppendQuotedValue(src, i, &buf); });
      break;
    default: {
      bool ok = DispatchNumeric(from.id(), [&](auto tag) {
        using F = decltype(tag);
        const F* in = src.values<F>();
        char digits[24];
        for (size_t i = 0; i < n; ++i) {
          auto res = std::to_chars(digits, digits + sizeof(digits), in[i]);
          out.AppendString(absl::string_view(digits, res.ptr - digits));
        }
      });
      if (!ok) return CannotConvert(from, *TypeOf(TypeId::kString), ctx);
    }
  }
  return out;
}

// An integer in decimal with an optional sign, as the bits of a uint64 (negative values in
// two's complement) so that the caller's cast wraps like ClickHouse's parser.
std::optional<uint64_t> ParseIntegerBits(absl::string_view s) {
  bool negative = false;
  size_t pos = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    pos = 1;
  }
  if (pos == s.size()) return std::nullopt;
  uint64_t v = 0;
  for (; pos < s.size(); ++pos) {
    char c = s[pos];
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (UINT64_MAX - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (negative) {
    if (v > (uint64_t{1} << 63)) return std::nullopt;
    v = ~v + 1;
  }
  return v;
}

std::optional<double> ParseFloat(absl::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    // from_chars refuses out-of-range values; ClickHouse gives inf.
    if (res.ec == std::errc::result_out_of_range && res.ptr == s.data() + s.size()) {
      return s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    }
    return std::nullopt;
  }
  return v;
}

std::optional<uint8_t> ParseBool(absl::string_view s) {
  static constexpr const char* kTrue[] = {"true", "1", "yes", "on", "t", "y", "enable"};
  static constexpr const char* kFalse[] = {"false", "0", "no", "off", "f", "n", "disable"};
  for (const char* w : kTrue) {
    if (absl::EqualsIgnoreCase(s, w)) return 1;
  }
  for (const char* w : kFalse) {
    if (absl::EqualsIgnoreCase(s, w)) return 0;
  }
  return std::nullopt;
}

// String -> fixed-width `to`. Rows flagged in `skip` (NULL rows) get the default.
absl::StatusOr<Column> ParseColumn(const Column& src, const DataTypePtr& to, const Ctx& ctx, const uint8_t* skip) {
  const size_t n = src.size();
  if (!to->is_fixed_width()) return CannotConvert(*src.type, *to, ctx);
  Column out = AllocateFixed(to, n);
  std::memset(out.data.data(), 0, out.data.size());
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone zone, ZoneOf(*to, ctx.context));
  const TypeId id = to->id();
  const size_t width = to->fixed_width();
  for (size_t i = 0; i < n; ++i) {
    if (skip != nullptr && skip[i]) continue;
    absl::string_view s = src.StringAt(i);
    uint8_t* dst = out.data.data() + i * width;
    bool ok = true;
    if (to->is_integer()) {
      if (!to->is_signed() && absl::StartsWith(s, "-")) {
        return absl::InvalidArgumentError(absl::StrCat(ctx.function, ": Unsigned type must not contain '-' symbol: Cannot parse ",
                                                       to->ToString(), " from String"));
      }
      std::optional<uint64_t> bits = ParseIntegerBits(s);
      ok = bits.has_value();
      if (ok) std::memcpy(dst, &*bits, width);  // little-endian: the low bytes wrap
    } else if (to->is_float()) {
      std::optional<double> d = ParseFloat(s);
      ok = d.has_value();
      if (ok && id == TypeId::kFloat32) {
        float f = static_cast<float>(*d);
        std::memcpy(dst, &f, 4);
      } else if (ok) {
        std::memcpy(dst, &*d, 8);
      }
    } else if (id == TypeId::kBool) {
      std::optional<uint8_t> b = ParseBool(s);
      ok = b.has_value();
      if (ok) *dst = *b;
    } else if (id == TypeId::kDate) {
      std::optional<int64_t> days = ParseDateText(s);
      ok = days.has_value();
      if (ok) {
        uint16_t v = static_cast<uint16_t>(Clamp(*days, 0, 0xffff));
        std::memcpy(dst, &v, 2);
      }
    } else if (id == TypeId::kDateTime || id == TypeId::kDateTime64) {
      std::optional<int64_t> t = ParseDateTimeText(s, zone, id == TypeId::kDateTime64 ? to->precision() : 0);
      ok = t.has_value();
      if (ok && id == TypeId::kDateTime) {
        uint32_t v = static_cast<uint32_t>(Clamp(*t, 0, 0xffffffffLL));
        std::memcpy(dst, &v, 4);
      } else if (ok) {
        std::memcpy(dst, &*t, 8);
      }
    } else if (id == TypeId::kUUID) {
      ok = ParseUuidText(s, dst);
    } else {
      return CannotConvert(*src.type, *to, ctx);
    }
    if (!ok) return CannotParse(s, *to, ctx);
  }
  return out;
}

absl::StatusOr<Column> Convert(const Column& src, const DataTypePtr& to, const Ctx& ctx, const uint8_t* skip);

// Aggregate-function types (format/types.h): a state converts only to its own type (its
// bytes mean nothing to another function); SimpleAggregateFunction(f, T) converts as T.
absl::StatusOr<Column> ConvertAggregate(const Column& src, const DataTypePtr& to, const Ctx& ctx,
                                        const uint8_t* skip) {
  const DataType& from = *src.type;
  if (from.is_aggregate_state() || to->is_aggregate_state()) {
    return absl::InvalidArgumentError(absl::StrCat(ctx.function.empty() ? "" : absl::StrCat(ctx.function, ": "),
                                                   "Conversion from ", from.ToString(), " to ", to->ToString(),
                                                   " is not supported"));
  }
  Column plain = src;
  plain.type = from.WithoutAggregate();
  TALLY_ASSIGN_OR_RETURN(Column out, Convert(plain, to->WithoutAggregate(), ctx, skip));
  out.type = to;
  return out;
}

// Strings (String or Nullable(String)) -> LowCardinality with a fresh dictionary.
Column BuildLowCardinality(const Column& strings, const DataTypePtr& to) {
  Column out = Column::Make(to);
  auto dict = std::make_shared<Column>(*out.dictionary);  // "" first when nullable
  const bool nullable = strings.type->id() == TypeId::kNullable;
  const Column& values = nullable ? strings.children[0] : strings;
  absl::flat_hash_map<absl::string_view, uint32_t> index;
  const size_t n = strings.size();
  for (size_t i = 0; i < n; ++i) {
    if (nullable && strings.nulls[i]) {
      out.AppendIndex(0);
      continue;
    }
    absl::string_view s = values.StringAt(i);
    auto [it, inserted] = index.try_emplace(s, static_cast<uint32_t>(dict->size()));
    if (inserted) dict->AppendString(s);
    out.AppendIndex(it->second);
  }
  out.dictionary = std::move(dict);
  return out;
}

absl::StatusOr<Column> FromLowCardinality(const Column& src, const DataTypePtr& to, const Ctx& ctx) {
  const bool nullable_source = src.type->is_nullable_low_cardinality();
  const DataTypePtr& target = StripNullable(to);
  const Column& dict = *src.dictionary;
  const size_t n = src.size();
  PodVector<uint8_t> dict_skip;
  if (nullable_source) {
    dict_skip.resize(dict.size(), 0);
    if (dict.size() > 0) dict_skip[0] = 1;
  }
  PodVector<uint8_t> nulls;
  if (nullable_source) {
    nulls.resize(n);
    for (size_t i = 0; i < n; ++i) nulls[i] = src.IndexAt(i) == 0;
  }
  absl::StatusOr<Column> converted = Convert(dict, target, ctx, nullable_source ? dict_skip.data() : nullptr);
  Column values;
  if (converted.ok()) {
    std::vector<uint64_t> rows(n);
    for (size_t i = 0; i < n; ++i) rows[i] = src.IndexAt(i);
    const Column* source = &*converted;
    values = GatherRows(target, absl::MakeConstSpan(&source, 1), {}, rows);
  } else {
    // The dictionary may hold values no row uses (it is shared by a whole part): convert
    // the rows themselves so only their values can fail.
    Column strings = Column::Make(TypeOf(TypeId::kString));
    for (size_t i = 0; i < n; ++i) strings.AppendString(dict.StringAt(src.IndexAt(i)));
    TALLY_ASSIGN_OR_RETURN(values, Convert(strings, target, ctx, nullable_source ? nulls.data() : nullptr));
  }
  if (to->id() == TypeId::kNullable) {
    if (!nullable_source) nulls.resize(n, 0);
    return WrapNullable(std::move(values), std::move(nulls));
  }
  for (size_t i = 0; i < nulls.size(); ++i) {
    if (nulls[i]) {
      return absl::InvalidArgumentError(absl::StrCat(ctx.function, ": cannot convert NULL to non-Nullable type ",
                                                     to->ToString()));
    }
  }
  return values;
}

absl::StatusOr<Column> Convert(const Column& src, const DataTypePtr& to, const Ctx& ctx, const uint8_t* skip) {
  const DataType& from = *src.type;
  if (from.Equals(*to)) return src;
  if (from.aggregate() != nullptr || to->aggregate() != nullptr) return ConvertAggregate(src, to, ctx, skip);
  if (to->id() == TypeId::kLowCardinality) {
    if (to->child(0).id() != TypeId::kString && to->child(0).id() != TypeId::kNullable) {
      return CannotConvert(from, *to, ctx);
    }
    TALLY_ASSIGN_OR_RETURN(Column strings, Convert(src, to->children()[0], ctx, skip));
    return BuildLowCardinality(strings, to);
  }
  if (from.id() == TypeId::kLowCardinality) return FromLowCardinality(src, to, ctx);
  if (from.id() == TypeId::kNullable) {
    const PodVector<uint8_t>& nulls = src.nulls;
    if (to->id() == TypeId::kNullable) {
      TALLY_ASSIGN_OR_RETURN(Column values, Convert(src.children[0], to->children()[0], ctx, nulls.data()));
      return WrapNullable(std::move(values), nulls);
    }
    for (size_t i = 0; i < nulls.size(); ++i) {
      if (nulls[i]) {
        return absl::InvalidArgumentError(absl::StrCat(ctx.function, ": cannot convert NULL to non-Nullable type ",
                                                       to->ToString()));
      }
    }
    return Convert(src.children[0], to, ctx, nullptr);
  }
  if (to->id() == TypeId::kNullable) {
    PodVector<uint8_t> nulls(src.size());
    if (src.size() > 0) std::memset(nulls.data(), 0, src.size());
    if (from.id() == TypeId::kString && to->child(0).id() != TypeId::kString) {
      // As ClickHouse, the text \N is NULL when parsing into a Nullable type (query
      // parameters --param_x='\N' rely on it); such rows are not parsed.
      bool any = false;
      for (size_t i = 0; i < src.size(); ++i) {
        nulls[i] = src.StringAt(i) == "\\N" || (skip != nullptr && skip[i]);
        any = any || nulls[i];
      }
      if (any) skip = nulls.data();
    }
    TALLY_ASSIGN_OR_RETURN(Column values, Convert(src, to->children()[0], ctx, skip));
    if (skip != nulls.data()) std::memset(nulls.data(), 0, src.size());
    return WrapNullable(std::move(values), std::move(nulls));
  }
  if (to->id() == TypeId::kArray || to->id() == TypeId::kMap) {
    if (from.id() != to->id()) return CannotConvert(from, *to, ctx);
    Column out = Column::Make(to);
    out.offsets = src.offsets;
    for (size_t c = 0; c < src.children.size(); ++c) {
      TALLY_ASSIGN_OR_RETURN(out.children[c], Convert(src.children[c], to->children()[c], ctx, nullptr));
    }
    return out;
  }
  if (to->id() == TypeId::kString) return FormatColumn(src, ctx);
  if (from.id() == TypeId::kString) return ParseColumn(src, to, ctx, skip);
  if (IsNumberLike(from) && IsNumberLike(*to)) return NumberToNumber(src, to, ctx, skip);
  return CannotConvert(from, *to, ctx);
}

}  // namespace

absl::StatusOr<Column> ConvertColumn(const Column& src, const DataTypePtr& to, const FunctionContext& context,
                                     absl::string_view function) {
  return Convert(src, to, Ctx{context, function}, nullptr);
}

absl::StatusOr<Column> ConvertArg(const ColumnArg& arg, const DataTypePtr& to, const FunctionContext& context,
                                  absl::string_view function) {
  return Convert(*arg.column, to, Ctx{context, function}, nullptr);
}

}  // namespace tally::engine::exec
