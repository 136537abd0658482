// The rule is ClickHouse's convertFieldToType (src/Interpreters/convertFieldToType.cpp),
// followed branch by branch: a constant there is a Field of one of a few kinds (UInt64 for
// unsigned integers, Date and DateTime; Int64; Float64; Decimal64 for DateTime64; String;
// UUID; Bool), and what happens depends on that kind and on the target type.
#include "engine/exec/constant_conversion.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/accurate_numeric.h"
#include "engine/exec/constant_parse.h"
#include "engine/exec/function_util.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using format::Value;

namespace {

enum class Kind { kUInt64, kInt64, kFloat64, kDecimal64, kBool, kString, kUuid, kArray, kMap };

Kind KindOf(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return Kind::kInt64;
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return Kind::kFloat64;
    case TypeId::kBool:
      return Kind::kBool;
    case TypeId::kDateTime64:
      return Kind::kDecimal64;
    case TypeId::kString:
    case TypeId::kLowCardinality:
      return Kind::kString;
    case TypeId::kUUID:
      return Kind::kUuid;
    case TypeId::kArray:
      return Kind::kArray;
    case TypeId::kMap:
      return Kind::kMap;
    default:
      return Kind::kUInt64;  // UInt*, Date, DateTime
  }
}

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kUInt64:
      return "UInt64";
    case Kind::kInt64:
      return "Int64";
    case Kind::kFloat64:
      return "Float64";
    case Kind::kDecimal64:
      return "Decimal64";
    case Kind::kBool:
      return "Bool";
    case Kind::kString:
      return "String";
    case Kind::kUuid:
      return "UUID";
    case Kind::kArray:
      return "Array";
    case Kind::kMap:
      return "Map";
  }
  return "?";
}

absl::Status TypeMismatch(const DataType& target, Kind got) {
  return CodedError(ErrorCode::kTypeMismatch,
                    absl::StrCat("Type mismatch in IN or VALUES section. Expected: ", target.ToString(),
                                 ". Got: ", KindName(got)));
}

// A one-row column of `type` holding the bytes of `v`.
template <typename T>
Column Fixed(const DataTypePtr& type, T v) {
  Column c = AllocateFixed(type, 1);
  std::memcpy(c.data.data(), &v, sizeof(T));
  return c;
}

Column StringColumn(const DataTypePtr& type, absl::string_view s) {
  Column c = Column::Make(type);
  c.AppendString(s);
  return c;
}

using Result = std::optional<Column>;

// A number into an integer or float type, exactly or not at all.
template <typename From>
Result ExactNumber(From v, const DataTypePtr& to) {
  Result out;
  DispatchNumeric(to->id(), [&](auto tag) {
    using To = decltype(tag);
    To converted;
    if (!AccurateConvert(v, &converted)) return;
    if (to->id() == TypeId::kBool && converted > 1) return;  // only 0 and 1 are Bool values
    out = Fixed(to, converted);
  });
  return out;
}

// The number the constant is, by kind (Bool as 0/1).
struct Number {
  Kind kind;
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;
};

Number NumberOf(Kind kind, const Value& v) {
  Number n{kind};
  if (kind == Kind::kBool) n.kind = Kind::kUInt64;
  n.u = v.u;
  n.i = v.i;
  n.f = v.f;
  return n;
}

Result NumberInto(const Number& n, const DataTypePtr& to) {
  switch (n.kind) {
    case Kind::kUInt64:
      return ExactNumber(n.u, to);
    case Kind::kInt64:
      return ExactNumber(n.i, to);
    default:
      return ExactNumber(n.f, to);
  }
}

// ClickHouse writes a Field without its type: what a String column is compared with.
std::optional<std::string> FieldText(Kind kind, const Value& v) {
  switch (kind) {
    case Kind::kUInt64:
      return absl::StrCat(v.u);
    case Kind::kInt64:
      return absl::StrCat(v.i);
    case Kind::kBool:
      return std::string(v.u ? "true" : "false");
    case Kind::kFloat64: {
      std::string s;
      AppendFloat64Text(v.f, &s);
      if (s.find_first_not_of("-0123456789") == std::string::npos) s += '.';  // 1. as a literal
      return s;
    }
    case Kind::kUuid: {
      std::string s = "'";
      AppendUuidText(reinterpret_cast<const uint8_t*>(v.s.data()), &s);
      return s + "'";
    }
    default:
      return std::nullopt;  // DateTime64: a text no column value has
  }
}

absl::StatusOr<Result> FromString(absl::string_view s, const DataTypePtr& to, ConstantUse use,
                                  const FunctionContext& context) {
  const DataType& t = *to;
  const std::string name = t.ToString();
  if (t.is_integer()) {
    if (t.is_signed()) {
      TALLY_ASSIGN_OR_RETURN(int64_t v, ReadSignedText(s, name));
      return ExactNumber(v, to);
    }
    TALLY_ASSIGN_OR_RETURN(uint64_t v, ReadUnsignedText(s, name));
    return ExactNumber(v, to);
  }
  switch (t.id()) {
    case TypeId::kFloat32: {
      TALLY_ASSIGN_OR_RETURN(float v, ReadFloat32Text(s));
      return Result(Fixed(to, v));
    }
    case TypeId::kFloat64: {
      TALLY_ASSIGN_OR_RETURN(double v, ReadFloat64Text(s, name));
      return Result(Fixed(to, v));
    }
    case TypeId::kBool: {
      TALLY_ASSIGN_OR_RETURN(bool v, ReadBoolText(s));
      return Result(Fixed(to, static_cast<uint8_t>(v)));
    }
    case TypeId::kDate: {
      TALLY_ASSIGN_OR_RETURN(int64_t days, ReadDateText(s));
      return Result(Fixed(to, static_cast<uint16_t>(days)));
    }
    case TypeId::kDateTime:
    case TypeId::kDateTime64: {
      TALLY_ASSIGN_OR_RETURN(absl::TimeZone zone, ZoneOf(t, context));
      const bool dt64 = t.id() == TypeId::kDateTime64;
      const DateTimeSyntax syntax = use == ConstantUse::kInList ? DateTimeSyntax::kBasic : DateTimeSyntax::kBestEffort;
      TALLY_ASSIGN_OR_RETURN(std::optional<int64_t> v, ReadDateTimeText(s, zone, dt64 ? t.precision() : -1, syntax));
      if (!v) return Result();
      return dt64 ? Result(Fixed(to, *v)) : Result(Fixed(to, static_cast<uint32_t>(*v)));
    }
    case TypeId::kUUID: {
      TALLY_ASSIGN_OR_RETURN(auto bytes, ReadUuidText(s));
      Column c = AllocateFixed(to, 1);
      std::memcpy(c.data.data(), bytes.data(), 16);
      return Result(std::move(c));
    }
    default:
      return TypeMismatch(t, Kind::kString);
  }
}

// A non-string constant of type `from` into a date or time type.
absl::StatusOr<Result> IntoTime(const DataType& from, Kind kind, const Value& v, const DataTypePtr& to,
                                const FunctionContext& context) {
  const DataType& t = *to;
  if (from.id() == TypeId::kDate || from.id() == TypeId::kDateTime) {
    TALLY_ASSIGN_OR_RETURN(absl::TimeZone from_zone, ZoneOf(from, context));
    TALLY_ASSIGN_OR_RETURN(absl::TimeZone to_zone, ZoneOf(t, context));
    if (t.id() == TypeId::kDate && from.id() == TypeId::kDateTime) {
      return Result(Fixed(to, static_cast<uint16_t>(DayOfSeconds(static_cast<int64_t>(v.u), from_zone))));
    }
    if (from.id() == TypeId::kDate && t.id() != TypeId::kDate) {
      const int64_t seconds = DayStartSeconds(static_cast<int64_t>(v.u), to_zone);
      if (t.id() == TypeId::kDateTime) {
        if (seconds < 0 || seconds > 0xffffffffLL) return Result();
        return Result(Fixed(to, static_cast<uint32_t>(seconds)));
      }
      return Result(Fixed(to, seconds * Pow10(t.precision())));
    }
  }
  const Number n = NumberOf(kind, v);
  switch (t.id()) {
    case TypeId::kDate:
    case TypeId::kDateTime: {
      // An unsigned count as it is (a Date also takes a non-negative signed one), when the
      // type holds it.
      uint64_t count;
      if (n.kind == Kind::kUInt64) {
        count = n.u;
      } else if (n.kind == Kind::kInt64 && t.id() == TypeId::kDate) {
        if (n.i < 0) return Result();
        count = static_cast<uint64_t>(n.i);
      } else {
        return TypeMismatch(t, kind);
      }
      if (t.id() == TypeId::kDate) return count > 0xffff ? Result() : Result(Fixed(to, static_cast<uint16_t>(count)));
      return count > 0xffffffffULL ? Result() : Result(Fixed(to, static_cast<uint32_t>(count)));
    }
    case TypeId::kDateTime64: {
      const int p = t.precision();
      if (n.kind == Kind::kDecimal64) {  // another DateTime64: ticks rescaled, cut toward zero
        const int q = from.precision();
        return Result(Fixed(to, q >= p ? v.i / Pow10(q - p) : v.i * Pow10(p - q)));
      }
      if (n.kind != Kind::kUInt64 && n.kind != Kind::kInt64) return TypeMismatch(t, kind);
      const int64_t seconds = n.kind == Kind::kUInt64 ? static_cast<int64_t>(n.u) : n.i;
      int64_t ticks;
      if (__builtin_mul_overflow(seconds, Pow10(p), &ticks)) return Result();
      return Result(Fixed(to, ticks));
    }
    default:
      return TypeMismatch(t, kind);
  }
}

}  // namespace

DataTypePtr ComparisonValueType(const DataTypePtr& type) {
  DataTypePtr t = StripNullable(type);
  if (t->id() == TypeId::kLowCardinality) return TypeOf(TypeId::kString);
  return t;
}

absl::StatusOr<std::optional<Column>> ConvertConstant(const Column& constant, const DataTypePtr& target,
                                                      ConstantUse use, const FunctionContext& context) {
  const DataTypePtr to = ComparisonValueType(target);
  const Value v = constant.GetValue(0);
  if (v.is_null()) return Result();
  const DataTypePtr from = ComparisonValueType(constant.type);
  if (from->Equals(*to)) {
    TALLY_ASSIGN_OR_RETURN(Column same, ConstantColumn(to, v));
    return Result(std::move(same));
  }
  const Kind kind = KindOf(*from);
  const DataType& t = *to;
  if (kind == Kind::kString) {
    if (t.id() == TypeId::kString) return Result(StringColumn(to, v.s));
    return FromString(v.s, to, use, context);
  }
  if (kind == Kind::kArray || kind == Kind::kMap || t.id() == TypeId::kArray || t.id() == TypeId::kMap) {
    return TypeMismatch(t, kind);
  }
  if (t.id() == TypeId::kString) {
    std::optional<std::string> text = FieldText(kind, v);
    if (!text) return Result();
    return Result(StringColumn(to, *text));
  }
  if (t.id() == TypeId::kUUID || kind == Kind::kUuid) return TypeMismatch(t, kind);
  if (t.is_time()) return IntoTime(*from, kind, v, to, context);
  if (kind == Kind::kDecimal64) return TypeMismatch(t, kind);
  return NumberInto(NumberOf(kind, v), to);
}

}  // namespace tally::engine::exec
