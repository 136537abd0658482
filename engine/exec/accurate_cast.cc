#include "engine/exec/accurate_cast.h"

#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/exec/accurate_numeric.h"
#include "engine/exec/constant_parse.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

// Output under construction: values of `to` and a NULL flag per row.
struct Out {
  Column values;
  PodVector<uint8_t> nulls;

  Out(const DataTypePtr& to, size_t rows) : values(AllocateFixed(to, rows)) {
    std::memset(values.data.data(), 0, values.data.size());
    nulls.resize(rows, 0);
  }
  template <typename T>
  void Set(size_t i, std::optional<T> v) {
    if (v) {
      std::memcpy(values.data.data() + i * sizeof(T), &*v, sizeof(T));
    } else {
      nulls[i] = 1;
    }
  }
  Column Finish() { return WrapNullable(std::move(values), std::move(nulls)); }
};

// One string into `to` (fixed-width), or nothing.
template <typename T>
std::optional<T> ParseInto(absl::string_view s, const DataType& to, const absl::TimeZone& zone) {
  std::optional<T> none;
  T out{};
  if (to.is_integer()) {
    if (to.is_signed()) {
      auto v = ReadSignedText(s, "");
      if (!v.ok() || !AccurateConvert(*v, &out)) return none;
    } else {
      auto v = ReadUnsignedText(s, "");
      if (!v.ok() || !AccurateConvert(*v, &out)) return none;
    }
    return out;
  }
  switch (to.id()) {
    case TypeId::kFloat32:
      if constexpr (std::is_same_v<T, float>) {
        auto v = ReadFloat32Text(s);
        if (v.ok()) return *v;
      }
      return none;
    case TypeId::kFloat64:
      if constexpr (std::is_same_v<T, double>) {
        auto v = ReadFloat64Text(s, "");
        if (v.ok()) return *v;
      }
      return none;
    case TypeId::kBool: {
      auto v = ReadBoolText(s);
      if (!v.ok()) return none;
      return static_cast<T>(*v);
    }
    case TypeId::kDate: {
      auto v = ReadDateText(s);
      if (v.ok()) return static_cast<T>(*v);
      // A time after the date is read and ignored ('2026-10-05 12:00:00').
      if (s.size() <= 10 || !ReadDateText(s.substr(0, 10)).ok() ||
          !ReadDateTimeText(s, absl::UTCTimeZone(), -1, DateTimeSyntax::kBasic).ok()) {
        return none;
      }
      return static_cast<T>(*ReadDateText(s.substr(0, 10)));
    }
    case TypeId::kDateTime:
    case TypeId::kDateTime64: {
      auto v = ReadDateTimeText(s, zone, to.id() == TypeId::kDateTime64 ? to.precision() : -1, DateTimeSyntax::kBasic);
      if (!v.ok() || !*v) return none;
      return static_cast<T>(**v);
    }
    default:
      return none;
  }
}

absl::StatusOr<Column> FromStrings(const Column& src, const DataTypePtr& to, const FunctionContext& context) {
  const size_t n = src.size();
  Out out(to, n);
  if (to->id() == TypeId::kUUID) {
    for (size_t i = 0; i < n; ++i) {
      auto bytes = ReadUuidText(src.StringAt(i));
      if (bytes.ok()) {
        std::memcpy(out.values.data.data() + i * 16, bytes->data(), 16);
      } else {
        out.nulls[i] = 1;
      }
    }
    return out.Finish();
  }
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone zone, ZoneOf(*to, context));
  DispatchNumeric(to->id(), [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < n; ++i) out.Set<T>(i, ParseInto<T>(src.StringAt(i), *to, zone));
  });
  return out.Finish();
}

// Numbers, dates and times into numbers, dates and times.
absl::StatusOr<Column> BetweenNumbers(const Column& src, const DataTypePtr& to, const FunctionContext& context) {
  const DataType& from = *src.type;
  const size_t n = src.size();
  Out out(to, n);
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone from_zone, ZoneOf(from, context));
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone to_zone, ZoneOf(*to, context));
  const int q = from.id() == TypeId::kDateTime64 ? from.precision() : 0;
  const int p = to->id() == TypeId::kDateTime64 ? to->precision() : 0;
  DispatchNumeric(from.id(), [&](auto from_tag) {
    using F = decltype(from_tag);
    const F* in = src.values<F>();
    DispatchNumeric(to->id(), [&](auto to_tag) {
      using T = decltype(to_tag);
      for (size_t i = 0; i < n; ++i) {
        std::optional<T> r;
        T x;
        const F v = in[i];
        if constexpr (std::is_integral_v<F>) {
          const int64_t count = static_cast<int64_t>(v);
          if (from.id() == TypeId::kDate && to->id() != TypeId::kDate && to->is_time()) {
            const int64_t seconds = DayStartSeconds(count, to_zone);
            if (AccurateConvert(to->id() == TypeId::kDateTime ? seconds : seconds * Pow10(p), &x)) r = x;
          } else if (from.id() == TypeId::kDateTime && to->id() == TypeId::kDate) {
            r = static_cast<T>(DayOfSeconds(count, from_zone));
          } else if (from.id() == TypeId::kDateTime64) {
            // Only whole target ticks: 01:30:00.123 is no DateTime (as ClickHouse's Set checks).
            if (to->id() == TypeId::kDateTime64) {
              int64_t ticks = count;
              if (p >= q ? !__builtin_mul_overflow(count, Pow10(p - q), &ticks) : count % Pow10(q - p) == 0) {
                r = static_cast<T>(p >= q ? ticks : count / Pow10(q - p));
              }
            } else if (count % Pow10(q) == 0) {
              const int64_t seconds = count / Pow10(q);
              if (to->id() == TypeId::kDate) {
                r = static_cast<T>(DayOfSeconds(seconds, from_zone));
              } else if (AccurateConvert(seconds, &x)) {
                r = x;
              }
            }
          } else if (to->id() == TypeId::kDateTime64) {
            const int64_t seconds_scale = Pow10(p);
            int64_t ticks;
            if (AccurateConvert(v, &ticks) && !__builtin_mul_overflow(ticks, seconds_scale, &ticks)) {
              r = static_cast<T>(ticks);
            }
          } else if (AccurateConvert(v, &x) && (to->id() != TypeId::kBool || x <= 1)) {
            r = x;
          }
        } else {
          if (to->id() == TypeId::kDateTime64) {
            int64_t ticks;
            const double scaled = static_cast<double>(v) * static_cast<double>(Pow10(p));
            if (AccurateConvert(scaled, &ticks)) r = static_cast<T>(ticks);
          } else if (AccurateConvert(v, &x) && (to->id() != TypeId::kBool || x <= 1)) {
            r = x;
          }
        }
        out.Set<T>(i, r);
      }
    });
  });
  return out.Finish();
}

}  // namespace

absl::StatusOr<Column> AccurateCastOrNull(const Column& src, const DataTypePtr& to, const FunctionContext& context) {
  const DataType& from = *src.type;
  if (from.Equals(*to)) {
    PodVector<uint8_t> nulls;
    nulls.resize(src.size(), 0);
    return WrapNullable(src, std::move(nulls));
  }
  if (to->id() == TypeId::kString) {
    TALLY_ASSIGN_OR_RETURN(Column text, ConvertColumn(src, to, context, "in"));
    PodVector<uint8_t> nulls;
    nulls.resize(src.size(), 0);
    return WrapNullable(std::move(text), std::move(nulls));
  }
  if (from.id() == TypeId::kString) return FromStrings(src, to, context);
  if (from.id() == TypeId::kUUID || to->id() == TypeId::kUUID) {
    if (IsNumber(from) || IsNumber(*to)) {
      return absl::InvalidArgumentError(
          "Conversion between numeric types and UUID is not supported. Probably the passed UUID is unquoted");
    }
    return absl::InvalidArgumentError(absl::StrCat("in: cannot convert ", from.ToString(), " to ", to->ToString()));
  }
  if (IsNumberLike(from) && IsNumberLike(*to)) return BetweenNumbers(src, to, context);
  return absl::UnimplementedError(
      absl::StrCat("IN: comparing ", from.ToString(), " with a subquery of ", to->ToString(), " is not supported yet"));
}

}  // namespace tally::engine::exec
