// Helpers shared by the scalar function kernels: dispatch from a TypeId to the C++ type a
// column stores, ClickHouse's common-supertype rule, Nullable unwrapping, result column
// allocation and row assembly, CAST-style conversion of whole columns, and the text forms
// of dates, times and UUIDs.
//
// Conventions the kernels follow:
//   - A NULL literal is any constant argument whose one row is NULL (IsNullLiteral); its
//     type is whatever the planner gave it and only contributes nullability.
//   - DateTime values without their own zone are read in FunctionContext::session_timezone.
//   - Errors name the function: "plus: cannot add String and UInt8".
//
// Everything here is a pure function of its arguments; thread-safe.
#ifndef TALLY_ENGINE_EXEC_FUNCTION_UTIL_H_
#define TALLY_ENGINE_EXEC_FUNCTION_UTIL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::engine::exec {

// ---------------------------------------------------------------------------------------
// Type dispatch

// Calls f(T{}) with T the C++ type that fixed-width number-like columns of `id` store:
// integers, floats, Bool (uint8_t), Date (uint16_t days), DateTime (uint32_t seconds),
// DateTime64 (int64_t ticks). Returns false without calling f for any other type.
template <typename F>
bool DispatchNumeric(format::TypeId id, F&& f) {
  using format::TypeId;
  switch (id) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      f(uint8_t{});
      return true;
    case TypeId::kUInt16:
    case TypeId::kDate:
      f(uint16_t{});
      return true;
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      f(uint32_t{});
      return true;
    case TypeId::kUInt64:
      f(uint64_t{});
      return true;
    case TypeId::kInt8:
      f(int8_t{});
      return true;
    case TypeId::kInt16:
      f(int16_t{});
      return true;
    case TypeId::kInt32:
      f(int32_t{});
      return true;
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      f(int64_t{});
      return true;
    case TypeId::kFloat32:
      f(float{});
      return true;
    case TypeId::kFloat64:
      f(double{});
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------
// Types

format::DataTypePtr TypeOf(format::TypeId id);  // shared instances of the simple types

bool IsNumber(const format::DataType& t);         // integers, floats, Bool
bool IsNumberLike(const format::DataType& t);     // IsNumber, Date, DateTime, DateTime64
bool IsStringLike(const format::DataType& t);     // String, LowCardinality(...)
bool IsNullableType(const format::DataType& t);   // Nullable(T), LowCardinality(Nullable(String))
bool CanBeInsideNullable(const format::DataType& t);  // not Array, Map, LowCardinality, Nullable

// Nullable(T) -> T; anything else unchanged.
const format::DataTypePtr& StripNullable(const format::DataTypePtr& t);
// LowCardinality(String) -> String, LowCardinality(Nullable(String)) -> Nullable(String).
format::DataTypePtr StripLowCardinality(const format::DataTypePtr& t);
// T -> Nullable(T); LowCardinality(String) -> LowCardinality(Nullable(String)); types
// that are already nullable, and Array/Map (which cannot be NULL), unchanged.
format::DataTypePtr MakeNullable(const format::DataTypePtr& t);

// The constant argument's value is NULL.
bool IsNullLiteral(const ArgInfo& arg);

// ClickHouse's least common supertype (getLeastSupertype): identical types stay; integers
// widen (UInt8, Int8 -> Int16; UInt64 with any signed integer has none); a float with
// integers of up to 16 bits stays Float32 and otherwise becomes Float64 (also with 64-bit
// integers, which ClickHouse refuses); Bool joins the integers as UInt8; Date, DateTime
// and DateTime64 join as the finest of them (the first zone wins); String with
// LowCardinality(String) is String (all LowCardinality stays LowCardinality); Nullable(T)
// makes the result Nullable; Array and Map combine their children. No supertype is
// InvalidArgument naming `function` and the types.
absl::StatusOr<format::DataTypePtr> CommonSupertype(absl::Span<const format::DataTypePtr> types,
                                                    absl::string_view function);
// The same over arguments, with NULL literals contributing only nullability. All NULL
// literals gives the type of the first.
absl::StatusOr<format::DataTypePtr> CommonSupertypeOfArgs(absl::Span<const ArgInfo> args,
                                                          absl::string_view function);

// The type ClickHouse gives a literal: the smallest integer that holds it (1 -> UInt8,
// -1 -> Int8, 300 -> UInt16), Float64, String, Array(supertype of the items),
// Map(...); NULL -> Nullable(UInt8) (ClickHouse says Nullable(Nothing); tally has no
// Nothing type).
absl::StatusOr<format::DataTypePtr> LiteralType(const format::Value& v);

// ---------------------------------------------------------------------------------------
// Columns

// A fixed-width column of `rows` uninitialised values. REQUIRES: type->is_fixed_width().
format::Column AllocateFixed(format::DataTypePtr type, size_t rows);
template <typename T>
T* MutableValues(format::Column& c) {
  return reinterpret_cast<T*>(c.data.data());
}

// A possibly-Nullable argument split into its values and null map. For a non-Nullable
// argument nulls is null. For LowCardinality(Nullable(String)) values is the argument
// itself and nulls is null: callers check dictionary entry 0.
struct NullableView {
  ColumnArg values;
  const uint8_t* nulls = nullptr;  // one byte per row of the column (1 row when constant)
  bool is_null(size_t r) const { return nulls != nullptr && nulls[values.row(r)]; }
};
NullableView UnwrapNullable(const ColumnArg& arg);

// OR of the arguments' null maps, `rows` bytes. Returns false, leaving `out` empty, when no
// argument is Nullable.
bool UnionNulls(absl::Span<const NullableView> args, size_t rows, format::PodVector<uint8_t>* out);
// Nullable(values.type) with the given null map; values in NULL rows are kept as they are.
// REQUIRES: nulls.size() == values.size(), CanBeInsideNullable(*values.type).
format::Column WrapNullable(format::Column values, format::PodVector<uint8_t> nulls);

// Row assembly: row i of the result is row rows[i] of sources[source[i]], or the type's
// default value (NULL for Nullable) when source[i] == kDefaultSource. An empty `source`
// takes every row from sources[0]. Every source has type `type` (LowCardinality sources
// may have different dictionaries). Fixed-width, String and Nullable types are gathered in
// tight loops; the others row by row.
inline constexpr uint32_t kDefaultSource = 0xffffffffu;
format::Column GatherRows(const format::DataTypePtr& type,
                          absl::Span<const format::Column* const> sources,
                          absl::Span<const uint32_t> source, absl::Span<const uint64_t> rows);

// The argument as a full column of `rows` rows (a constant repeated).
format::Column Materialize(const ColumnArg& arg, size_t rows);
// A one-row column holding `v` of type `type`.
absl::StatusOr<format::Column> ConstantColumn(const format::DataTypePtr& type, const format::Value& v);

// ---------------------------------------------------------------------------------------
// Conversions

// CAST(src AS to), ClickHouse semantics: integers wrap (CAST(300 AS UInt8) = 44), floats
// truncate toward zero (NaN -> 0, saturating at the Int64/UInt64 range first); numbers
// become Date as days when below 65536 and as a Unix timestamp otherwise; strings are
// parsed (errors name `function` and the value: "CAST: cannot parse 'abc' as UInt64");
// anything becomes String in its text form; Nullable sources keep their NULLs only when
// `to` is nullable, otherwise a NULL row is an error; Array and Map convert element-wise;
// LowCardinality targets are built with a fresh dictionary.
absl::StatusOr<format::Column> ConvertColumn(const format::Column& src, const format::DataTypePtr& to,
                                             const FunctionContext& context, absl::string_view function);
// Converts an argument, keeping a constant constant (the result has one row).
absl::StatusOr<format::Column> ConvertArg(const ColumnArg& arg, const format::DataTypePtr& to,
                                          const FunctionContext& context, absl::string_view function);

// ---------------------------------------------------------------------------------------
// Time zones and text forms

// A zone by name ("" is UTC; Abseil caches loaded zones). InvalidArgument for unknown
// names: "unknown time zone 'Mars/Olympus'".
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name);
// The zone of a DateTime/DateTime64 type, or the session's when it has none.
absl::StatusOr<absl::TimeZone> ZoneOf(const format::DataType& type, const FunctionContext& context);

int64_t Pow10(int exponent);  // REQUIRES: 0 <= exponent <= 18
int64_t FloorDiv(int64_t a, int64_t b);
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);
// Seconds from the epoch to local midnight starting `days` in `zone`.
int64_t DayStartSeconds(int64_t days, const absl::TimeZone& zone);
// Days since the epoch of the local date of `seconds` in `zone`.
int64_t DayOfSeconds(int64_t seconds, const absl::TimeZone& zone);

// 'YYYY-MM-DD', optionally followed by a time part (which is ignored). Days since epoch.
std::optional<int64_t> ParseDateText(absl::string_view s);
// 'YYYY-MM-DD[ T]hh:mm:ss[.fraction][Z|+hh:mm]', 'YYYY-MM-DD' (midnight), or a Unix
// timestamp in digits (except 8 digits, read as YYYYMMDD); local times in `zone`. Ticks of
// 10^-precision seconds (extra fraction digits are dropped).
std::optional<int64_t> ParseDateTimeText(absl::string_view s, const absl::TimeZone& zone, int precision);
// 8-4-4-4-12 hex digits (or 32 without dashes) -> 16 big-endian bytes.
bool ParseUuidText(absl::string_view s, uint8_t out[16]);

void AppendDateText(int64_t days, std::string* out);
void AppendDateTimeText(int64_t seconds, const absl::TimeZone& zone, std::string* out);
void AppendDateTime64Text(int64_t ticks, int precision, const absl::TimeZone& zone, std::string* out);
void AppendUuidText(const uint8_t* bytes, std::string* out);
void AppendFloatText(double v, std::string* out);  // shortest round trip; inf, -inf, nan
void AppendFloat32Text(float v, std::string* out);

// ---------------------------------------------------------------------------------------
// Errors and binding

// "plus: expected 2 arguments, got 3".
absl::Status ArgCountError(absl::string_view function, absl::string_view expected, size_t got);
// "abs: argument 1 has type String, expected a number" (index is 0-based, printed 1-based).
absl::Status ArgTypeError(absl::string_view function, size_t index, const format::DataType& type,
                          absl::string_view expected);
// Binds a function from the global registry (for functions built from others).
absl::StatusOr<std::unique_ptr<BoundFunction>> BindFunction(absl::string_view name,
                                                            absl::Span<const ArgInfo> args,
                                                            const FunctionContext& context);

// Sub-groups registered by RegisterArithmeticFunctions.
void RegisterComparisonFunctions(FunctionRegistry& registry);
void RegisterLogicalFunctions(FunctionRegistry& registry);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_FUNCTION_UTIL_H_
