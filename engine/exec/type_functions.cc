// Type functions: CAST(x, 'Type'), toUInt8..toUInt64, toInt8..toInt64, toFloat32,
// toFloat64, toBool, toUUID, toString, toDateTime, toDateTime64, toTypeName. (toDate is
// registered with the time functions, engine/exec/time_functions.cc; CAST(x AS Date) is
// here.)
//
// The conversion itself is ConvertColumn (engine/exec/column_convert.cc). CAST gives
// exactly the named type, so a NULL is an error unless it is Nullable; the to* functions
// keep their argument's nullability (toUInt8(Nullable(String)) is Nullable(UInt8)).
#include "absl/strings/str_cat.h"
#include "engine/exec/empty_array_literal.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

// The constant String argument `index` (a type name or a time zone).
absl::StatusOr<std::string> ConstantString(absl::string_view name, absl::Span<const ArgInfo> args, size_t index,
                                           absl::string_view what) {
  const ArgInfo& a = args[index];
  if (a.constant == nullptr || !IsStringLike(*a.type) || a.constant->size() != 1 || IsNullLiteral(a)) {
    return ArgTypeError(name, index, *a.type, absl::StrCat("a constant String (", what, ")"));
  }
  format::Value v = a.constant->GetValue(0);
  return v.s;
}

absl::StatusOr<int64_t> ConstantInteger(absl::string_view name, absl::Span<const ArgInfo> args, size_t index,
                                        absl::string_view what) {
  const ArgInfo& a = args[index];
  if (a.constant == nullptr || !a.type->is_integer() || a.constant->size() != 1) {
    return ArgTypeError(name, index, *a.type, absl::StrCat("a constant integer (", what, ")"));
  }
  format::Value v = a.constant->GetValue(0);
  return v.kind == format::Value::Kind::kUInt ? static_cast<int64_t>(v.u) : v.i;
}

// A bound conversion of argument 0 to `to`; `source_zone` (when set) re-reads a
// DateTime/DateTime64 argument in that zone first (toString(t, 'Asia/Tokyo')).
std::unique_ptr<BoundFunction> Converter(std::string name, DataTypePtr to, FunctionContext context,
                                         std::optional<std::string> source_zone = std::nullopt) {
  return std::make_unique<LambdaFunction>(to, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
    const Column* src = a[0].column;
    Column rezoned;
    if (source_zone.has_value()) {
      const DataTypePtr& t = StripNullable(src->type);
      if (t->id() == TypeId::kDateTime || t->id() == TypeId::kDateTime64) {
        DataTypePtr zoned = t->id() == TypeId::kDateTime ? DataType::DateTime(*source_zone)
                                                         : DataType::DateTime64(t->precision(), *source_zone);
        rezoned = *src;
        if (rezoned.type->id() == TypeId::kNullable) {
          rezoned.children[0].type = zoned;
          rezoned.type = DataType::Nullable(zoned);
        } else {
          rezoned.type = zoned;
        }
        src = &rezoned;
      }
    }
    TALLY_ASSIGN_OR_RETURN(Column out, ConvertColumn(*src, to, context, name));
    if (a[0].is_const) return Materialize(ColumnArg{&out, true}, rows);
    return out;
  });
}

// The to* result: `target`, Nullable when the argument can be NULL.
DataTypePtr KeepNullability(const ArgInfo& arg, const DataTypePtr& target) {
  return IsNullableType(*arg.type) || IsNullLiteral(arg) ? MakeNullable(target) : target;
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindCast(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.size() != 2) return ArgCountError("CAST", "2", args.size());
  TALLY_ASSIGN_OR_RETURN(std::string type_name, ConstantString("CAST", args, 1, "the type"));
  absl::StatusOr<DataTypePtr> to = format::ParseDataType(type_name);
  if (!to.ok()) return absl::InvalidArgumentError(absl::StrCat("CAST: ", to.status().message()));
  if (IsNullLiteral(args[0]) && !IsNullableType(**to)) {
    return absl::InvalidArgumentError(
        absl::StrCat("CAST: cannot convert NULL to non-Nullable type ", (*to)->ToString()));
  }
  return Converter("CAST", *to, context);
}

// toUInt8, toFloat64, toBool, toUUID, ...: one argument, a fixed target.
FunctionFactory SimpleFactory(std::string name, TypeId target) {
  return [name, target](absl::Span<const ArgInfo> args,
                        const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    return Converter(name, KeepNullability(args[0], TypeOf(target)), context);
  };
}

// toString(x [, time_zone]).
absl::StatusOr<std::unique_ptr<BoundFunction>> BindToString(absl::Span<const ArgInfo> args,
                                                            const FunctionContext& context) {
  if (args.empty() || args.size() > 2) return ArgCountError("toString", "1 or 2", args.size());
  std::optional<std::string> zone;
  if (args.size() == 2) {
    TALLY_ASSIGN_OR_RETURN(zone, ConstantString("toString", args, 1, "the time zone"));
    TALLY_RETURN_IF_ERROR(LoadZone(*zone).status());
  }
  return Converter("toString", KeepNullability(args[0], TypeOf(TypeId::kString)), context, zone);
}

// The zone of a DateTime(64) result: the argument's, unless one is given.
absl::StatusOr<std::string> ResultZone(absl::string_view name, absl::Span<const ArgInfo> args, size_t zone_index) {
  if (args.size() > zone_index) {
    TALLY_ASSIGN_OR_RETURN(std::string zone, ConstantString(name, args, zone_index, "the time zone"));
    TALLY_RETURN_IF_ERROR(LoadZone(zone).status());
    return zone;
  }
  const DataType& t = *StripNullable(args[0].type);
  return t.id() == TypeId::kDateTime || t.id() == TypeId::kDateTime64 ? t.timezone() : "";
}

// toDateTime(x [, time_zone]).
absl::StatusOr<std::unique_ptr<BoundFunction>> BindToDateTime(absl::Span<const ArgInfo> args,
                                                              const FunctionContext& context) {
  if (args.empty() || args.size() > 2) return ArgCountError("toDateTime", "1 or 2", args.size());
  TALLY_ASSIGN_OR_RETURN(std::string zone, ResultZone("toDateTime", args, 1));
  return Converter("toDateTime", KeepNullability(args[0], DataType::DateTime(zone)), context);
}

// toDateTime64(x, precision [, time_zone]).
absl::StatusOr<std::unique_ptr<BoundFunction>> BindToDateTime64(absl::Span<const ArgInfo> args,
                                                                const FunctionContext& context) {
  if (args.size() < 2 || args.size() > 3) return ArgCountError("toDateTime64", "2 or 3", args.size());
  TALLY_ASSIGN_OR_RETURN(int64_t precision, ConstantInteger("toDateTime64", args, 1, "the precision"));
  if (precision < 0 || precision > 9) {
    return absl::InvalidArgumentError(absl::StrCat("toDateTime64: precision ", precision, " is not in 0..9"));
  }
  TALLY_ASSIGN_OR_RETURN(std::string zone, ResultZone("toDateTime64", args, 2));
  return Converter("toDateTime64",
                   KeepNullability(args[0], DataType::DateTime64(static_cast<int>(precision), zone)), context);
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindToTypeName(absl::Span<const ArgInfo> args, const FunctionContext&) {
  if (args.size() != 1) return ArgCountError("toTypeName", "1", args.size());
  std::string name = IsEmptyArrayLiteral(args[0]) ? "Array(Nothing)" : args[0].type->ToString();
  return std::make_unique<TypeOnlyFunction>(TypeOf(TypeId::kString), [name](absl::Span<const ColumnArg>, size_t rows) {
    Column out = Column::Make(TypeOf(TypeId::kString));
    out.offsets.resize(rows);
    for (size_t r = 0; r < rows; ++r) {
      out.chars.append(reinterpret_cast<const uint8_t*>(name.data()), name.size());
      out.offsets[r] = out.chars.size();
    }
    return absl::StatusOr<Column>(std::move(out));
  });
}

}  // namespace

void RegisterTypeFunctions(FunctionRegistry& registry) {
  registry.Register("CAST", BindCast, /*case_insensitive=*/true);
  struct Simple {
    const char* name;
    TypeId target;
  };
  static constexpr Simple kSimple[] = {
      {"toUInt8", TypeId::kUInt8},     {"toUInt16", TypeId::kUInt16},   {"toUInt32", TypeId::kUInt32},
      {"toUInt64", TypeId::kUInt64},   {"toInt8", TypeId::kInt8},       {"toInt16", TypeId::kInt16},
      {"toInt32", TypeId::kInt32},     {"toInt64", TypeId::kInt64},     {"toFloat32", TypeId::kFloat32},
      {"toFloat64", TypeId::kFloat64}, {"toBool", TypeId::kBool},       {"toUUID", TypeId::kUUID},
  };
  for (const Simple& s : kSimple) registry.Register(s.name, SimpleFactory(s.name, s.target));
  registry.Register("toString", BindToString);
  registry.Register("toDateTime", BindToDateTime);
  registry.Register("toDateTime64", BindToDateTime64);
  registry.Register("toTypeName", BindToTypeName);
}

}  // namespace tally::engine::exec
