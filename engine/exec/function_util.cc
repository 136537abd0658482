#include "engine/exec/function_util.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

DataTypePtr TypeOf(TypeId id) {
  static const auto* types = [] {
    auto* t = new std::array<DataTypePtr, 17>();
    for (int i = 1; i <= static_cast<int>(TypeId::kString); ++i) {
      (*t)[i] = DataType::Make(static_cast<TypeId>(i));
    }
    return t;
  }();
  int i = static_cast<int>(id);
  if (i >= 1 && i <= static_cast<int>(TypeId::kString)) return (*types)[i];
  return DataType::Make(id);
}

bool IsNumber(const DataType& t) { return t.is_integer() || t.is_float() || t.id() == TypeId::kBool; }
bool IsNumberLike(const DataType& t) { return IsNumber(t) || t.is_time(); }
bool IsStringLike(const DataType& t) {
  return t.id() == TypeId::kString || t.id() == TypeId::kLowCardinality;
}
bool IsNullableType(const DataType& t) {
  return t.id() == TypeId::kNullable || t.is_nullable_low_cardinality();
}
bool CanBeInsideNullable(const DataType& t) {
  TypeId id = t.id();
  return id != TypeId::kArray && id != TypeId::kMap && id != TypeId::kLowCardinality &&
         id != TypeId::kNullable;
}

const DataTypePtr& StripNullable(const DataTypePtr& t) {
  return t->id() == TypeId::kNullable ? t->children()[0] : t;
}

DataTypePtr StripLowCardinality(const DataTypePtr& t) {
  return t->id() == TypeId::kLowCardinality ? t->children()[0] : t;
}

DataTypePtr MakeNullable(const DataTypePtr& t) {
  if (IsNullableType(*t) || t->id() == TypeId::kArray || t->id() == TypeId::kMap) return t;
  if (t->id() == TypeId::kLowCardinality) {
    return DataType::LowCardinality(DataType::Nullable(t->children()[0]));
  }
  return DataType::Nullable(t);
}

bool IsNullLiteral(const ArgInfo& arg) {
  if (arg.constant == nullptr || arg.constant->size() == 0) return false;
  const Column& c = *arg.constant;
  if (c.type->id() == TypeId::kNullable) return c.nulls[0] != 0;
  if (c.type->is_nullable_low_cardinality()) return c.IndexAt(0) == 0;
  return false;
}

namespace {

DataTypePtr IntType(bool is_signed, size_t bytes) {
  switch (bytes) {
    case 1:
      return TypeOf(is_signed ? TypeId::kInt8 : TypeId::kUInt8);
    case 2:
      return TypeOf(is_signed ? TypeId::kInt16 : TypeId::kUInt16);
    case 4:
      return TypeOf(is_signed ? TypeId::kInt32 : TypeId::kUInt32);
    default:
      return TypeOf(is_signed ? TypeId::kInt64 : TypeId::kUInt64);
  }
}

std::string TypeList(absl::Span<const DataTypePtr> types) {
  return absl::StrJoin(types, ", ", [](std::string* out, const DataTypePtr& t) { out->append(t->ToString()); });
}

absl::Status NoSupertype(absl::Span<const DataTypePtr> types, absl::string_view function,
                         absl::string_view why = "") {
  return CodedError(ErrorCode::kNoCommonType, absl::StrCat(function, ": there is no supertype for types ",
                                                           TypeList(types), why));
}

absl::StatusOr<DataTypePtr> NumericSupertype(absl::Span<const DataTypePtr> all,
                                            absl::Span<const DataTypePtr> types,
                                            absl::string_view function) {
  size_t max_unsigned = 0, max_signed = 0, max_float = 0;
  for (const DataTypePtr& t : types) {
    size_t w = t->fixed_width();
    if (t->is_float()) {
      max_float = std::max(max_float, w);
    } else if (t->is_signed()) {
      max_signed = std::max(max_signed, w);
    } else {
      max_unsigned = std::max(max_unsigned, w);  // UInt*, Bool
    }
  }
  if (max_float > 0) {
    // Float32 holds integers of up to 24 bits exactly. ClickHouse refuses 64-bit integers
    // with floats; tally gives Float64 (exact up to 2^53).
    size_t max_int = std::max(max_signed, max_unsigned);
    return TypeOf(max_float == 4 && max_int <= 2 ? TypeId::kFloat32 : TypeId::kFloat64);
  }
  if (max_signed == 0) return IntType(false, max_unsigned);
  if (max_unsigned == 0) return IntType(true, max_signed);
  if (max_unsigned == 8) {
    return NoSupertype(all, function,
                       " because some of them are signed integers and some are unsigned integers,"
                       " but there is no signed integer type that can exactly represent all"
                       " required unsigned integer values");
  }
  return IntType(true, std::max(max_signed, max_unsigned * 2));
}

DataTypePtr TimeSupertype(absl::Span<const DataTypePtr> types) {
  int precision = -1;
  bool datetime = false;
  std::string zone;
  bool have_zone = false;
  for (const DataTypePtr& t : types) {
    if (t->id() == TypeId::kDateTime64) precision = std::max(precision, t->precision());
    if (t->id() == TypeId::kDateTime) datetime = true;
    if (t->id() != TypeId::kDate && !have_zone) {
      zone = t->timezone();
      have_zone = true;
    }
  }
  if (precision >= 0) return DataType::DateTime64(precision, zone);
  if (datetime) return DataType::DateTime(zone);
  return TypeOf(TypeId::kDate);
}

}  // namespace

absl::StatusOr<DataTypePtr> CommonSupertype(absl::Span<const DataTypePtr> types, absl::string_view function) {
  if (types.empty()) return absl::InvalidArgumentError(absl::StrCat(function, ": no arguments"));
  bool all_same = true;
  for (const DataTypePtr& t : types) all_same = all_same && t->Equals(*types[0]);
  if (all_same) return types[0];

  bool nullable = false, all_low_cardinality = true;
  std::vector<DataTypePtr> base;
  for (DataTypePtr t : types) {
    if (t->id() != TypeId::kLowCardinality) all_low_cardinality = false;
    t = StripLowCardinality(t);
    if (t->id() == TypeId::kNullable) {
      nullable = true;
      t = t->children()[0];
    }
    base.push_back(t);
  }
  auto all_of = [&](auto pred) { return std::all_of(base.begin(), base.end(), [&](const DataTypePtr& t) { return pred(*t); }); };
  DataTypePtr result;
  if (all_of([&](const DataType& t) { return t.Equals(*base[0]); })) {
    result = base[0];
  } else if (all_of([](const DataType& t) { return t.id() == TypeId::kUInt8 || t.id() == TypeId::kBool; })) {
    // Bool is UInt8 underneath, and ClickHouse takes a mix of the two as the first one's
    // type: if(c, b, 2) is Bool (2 prints as true), if(c, 2, b) UInt8.
    result = base[0];
  } else if (all_of([](const DataType& t) { return t.id() == TypeId::kArray; })) {
    std::vector<DataTypePtr> elements;
    for (const DataTypePtr& t : base) elements.push_back(t->children()[0]);
    TALLY_ASSIGN_OR_RETURN(DataTypePtr element, CommonSupertype(elements, function));
    result = DataType::Array(element);
  } else if (all_of([](const DataType& t) { return t.id() == TypeId::kMap; })) {
    std::vector<DataTypePtr> keys, values;
    for (const DataTypePtr& t : base) {
      keys.push_back(t->children()[0]);
      values.push_back(t->children()[1]);
    }
    TALLY_ASSIGN_OR_RETURN(DataTypePtr key, CommonSupertype(keys, function));
    TALLY_ASSIGN_OR_RETURN(DataTypePtr value, CommonSupertype(values, function));
    result = DataType::Map(key, value);
  } else if (all_of([](const DataType& t) { return t.is_time(); })) {
    result = TimeSupertype(base);
  } else if (all_of([](const DataType& t) { return IsNumber(t); })) {
    TALLY_ASSIGN_OR_RETURN(result, NumericSupertype(types, base, function));
  } else {
    return NoSupertype(types, function);
  }
  if (all_low_cardinality && result->id() == TypeId::kString) {
    return DataType::LowCardinality(nullable ? DataType::Nullable(result) : result);
  }
  if (!nullable) return result;
  if (!CanBeInsideNullable(*result)) {
    return NoSupertype(types, function, absl::StrCat(": ", result->ToString(), " cannot be inside Nullable"));
  }
  return DataType::Nullable(result);
}

absl::StatusOr<DataTypePtr> CommonSupertypeOfArgs(absl::Span<const ArgInfo> args, absl::string_view function) {
  if (args.empty()) return absl::InvalidArgumentError(absl::StrCat(function, ": no arguments"));
  std::vector<DataTypePtr> types;
  bool null_literal = false, any_signed_integer = false;
  for (const ArgInfo& a : args) {
    if (IsNullLiteral(a)) {
      null_literal = true;
    } else {
      types.push_back(a.type);
      const DataTypePtr base = StripNullable(StripLowCardinality(a.type));
      any_signed_integer = any_signed_integer || (base->is_integer() && base->is_signed());
    }
  }
  if (types.empty()) return args[0].type;
  if (any_signed_integer) {
    // ClickHouse types a literal such as 9223372036854775807 UInt64 that "can be signed":
    // with signed integers it counts as Int64 (if(c, delta, 9223372036854775807) is Int64),
    // where a UInt64 column has no supertype with them. Here any UInt64 constant that fits
    // Int64 counts so (ClickHouse makes a Variant of a folded expression's value).
    size_t k = 0;
    for (const ArgInfo& a : args) {
      if (IsNullLiteral(a)) continue;
      if (a.constant != nullptr && a.constant->size() == 1 && a.type->id() == TypeId::kUInt64 &&
          a.constant->type->id() == TypeId::kUInt64 && a.constant->values<uint64_t>()[0] <= uint64_t{INT64_MAX}) {
        types[k] = TypeOf(TypeId::kInt64);
      }
      ++k;
    }
  }
  TALLY_ASSIGN_OR_RETURN(DataTypePtr result, CommonSupertype(types, function));
  if (!null_literal) return result;
  if (result->id() == TypeId::kArray || result->id() == TypeId::kMap) {
    return absl::InvalidArgumentError(
        absl::StrCat(function, ": NULL does not combine with ", result->ToString(), ", which cannot be NULL"));
  }
  return MakeNullable(result);
}

absl::StatusOr<DataTypePtr> LiteralType(const format::Value& v) {
  using K = format::Value::Kind;
  auto unsigned_type = [](uint64_t u) {
    return u <= 0xff ? TypeOf(TypeId::kUInt8)
                     : u <= 0xffff ? TypeOf(TypeId::kUInt16)
                                   : u <= 0xffffffffu ? TypeOf(TypeId::kUInt32) : TypeOf(TypeId::kUInt64);
  };
  switch (v.kind) {
    case K::kNull:
      return DataType::Nullable(TypeOf(TypeId::kUInt8));
    case K::kUInt:
      return unsigned_type(v.u);
    case K::kInt:
      if (v.i >= 0) return unsigned_type(static_cast<uint64_t>(v.i));
      return v.i >= -128 ? TypeOf(TypeId::kInt8)
                         : v.i >= -32768 ? TypeOf(TypeId::kInt16)
                                         : v.i >= INT32_MIN ? TypeOf(TypeId::kInt32) : TypeOf(TypeId::kInt64);
    case K::kFloat:
      return TypeOf(TypeId::kFloat64);
    case K::kString:
      return TypeOf(TypeId::kString);
    case K::kArray:
    case K::kMap: {
      bool map = v.kind == K::kMap;
      std::vector<ArgInfo> parts[2];
      std::vector<Column> constants;
      constants.reserve(v.items.size());
      for (size_t i = 0; i < v.items.size(); ++i) {
        TALLY_ASSIGN_OR_RETURN(DataTypePtr t, LiteralType(v.items[i]));
        ArgInfo info{t, nullptr};
        if (v.items[i].kind != K::kArray && v.items[i].kind != K::kMap) {
          // The value counts, not only the type: NULL, and a UInt64 that fits Int64 beside
          // signed items ([-1, 9223372036854775807] is Array(Int64)).
          TALLY_ASSIGN_OR_RETURN(Column c, ConstantColumn(t, v.items[i]));
          constants.push_back(std::move(c));
          info.constant = &constants.back();
        }
        parts[map ? i % 2 : 0].push_back(info);
      }
      DataTypePtr element[2];
      for (int k = 0; k < (map ? 2 : 1); ++k) {
        if (parts[k].empty()) {
          element[k] = TypeOf(TypeId::kUInt8);  // ClickHouse: Nothing
        } else {
          TALLY_ASSIGN_OR_RETURN(element[k], CommonSupertypeOfArgs(parts[k], "literal"));
        }
      }
      return map ? DataType::Map(element[0], element[1]) : DataType::Array(element[0]);
    }
  }
  return absl::InternalError("literal of unknown kind");
}

Column AllocateFixed(DataTypePtr type, size_t rows) {
  Column c;
  c.data.resize(rows * type->fixed_width());
  c.type = std::move(type);
  return c;
}

NullableView UnwrapNullable(const ColumnArg& arg) {
  NullableView v;
  if (arg.column->type->id() == TypeId::kNullable) {
    v.values = ColumnArg{&arg.column->children[0], arg.is_const};
    v.nulls = arg.column->nulls.data();
  } else {
    v.values = arg;
  }
  return v;
}

bool UnionNulls(absl::Span<const NullableView> args, size_t rows, PodVector<uint8_t>* out) {
  out->clear();
  bool any = false;
  for (const NullableView& a : args) {
    if (a.nulls == nullptr) continue;
    if (!any) out->resize(rows, 0);
    any = true;
    uint8_t* o = out->data();
    if (a.values.is_const) {
      if (a.nulls[0]) std::memset(o, 1, rows);
    } else {
      for (size_t r = 0; r < rows; ++r) o[r] |= a.nulls[r];
    }
  }
  return any;
}

Column WrapNullable(Column values, PodVector<uint8_t> nulls) {
  Column out;
  out.type = DataType::Nullable(values.type);
  out.nulls = std::move(nulls);
  out.children.push_back(std::move(values));
  return out;
}

namespace {

template <size_t W>
void GatherFixed(absl::Span<const Column* const> sources, absl::Span<const uint32_t> source,
                 absl::Span<const uint64_t> rows, uint8_t* out) {
  const size_t n = rows.size();
  if (source.empty()) {
    const uint8_t* src = sources[0]->data.data();
    for (size_t i = 0; i < n; ++i) std::memcpy(out + i * W, src + rows[i] * W, W);
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    if (source[i] == kDefaultSource) {
      std::memset(out + i * W, 0, W);
    } else {
      std::memcpy(out + i * W, sources[source[i]]->data.data() + rows[i] * W, W);
    }
  }
}

void GatherStrings(absl::Span<const Column* const> sources, absl::Span<const uint32_t> source,
                   absl::Span<const uint64_t> rows, Column* out) {
  const size_t n = rows.size();
  out->offsets.resize(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t s = source.empty() ? 0 : source[i];
    if (s != kDefaultSource) {
      const Column& c = *sources[s];
      uint64_t r = rows[i];
      uint64_t begin = r == 0 ? 0 : c.offsets[r - 1];
      out->chars.append(c.chars.data() + begin, c.offsets[r] - begin);
    }
    out->offsets[i] = out->chars.size();
  }
}

// LowCardinality sources that share one dictionary keep it and gather indexes.
bool GatherSharedDictionary(absl::Span<const Column* const> sources, absl::Span<const uint32_t> source,
                            absl::Span<const uint64_t> rows, Column* out) {
  const auto& dict = sources[0]->dictionary;
  for (const Column* s : sources) {
    if (s->dictionary != dict) return false;
  }
  int64_t default_index = -1;
  if (out->type->is_nullable_low_cardinality()) {
    default_index = 0;
  } else {
    for (size_t k = 0; k < dict->size() && default_index < 0; ++k) {
      if (dict->StringAt(k).empty()) default_index = static_cast<int64_t>(k);
    }
  }
  bool has_default = false;
  for (uint32_t s : source) has_default = has_default || s == kDefaultSource;
  if (has_default && default_index < 0) return false;
  out->dictionary = dict;
  out->index_width = static_cast<uint8_t>(format::IndexWidthFor(dict->size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    uint32_t s = source.empty() ? 0 : source[i];
    out->AppendIndex(s == kDefaultSource ? static_cast<uint32_t>(default_index) : sources[s]->IndexAt(rows[i]));
  }
  return true;
}

}  // namespace

Column GatherRows(const DataTypePtr& type, absl::Span<const Column* const> sources,
                  absl::Span<const uint32_t> source, absl::Span<const uint64_t> rows) {
  const size_t n = rows.size();
  if (n == 0) return Column::Make(type);
  switch (type->id()) {
    case TypeId::kString: {
      Column out = Column::Make(type);
      GatherStrings(sources, source, rows, &out);
      return out;
    }
    case TypeId::kNullable: {
      Column out = Column::Make(type);
      out.nulls.resize(n);
      std::vector<const Column*> children;
      for (const Column* s : sources) children.push_back(&s->children[0]);
      for (size_t i = 0; i < n; ++i) {
        uint32_t s = source.empty() ? 0 : source[i];
        out.nulls[i] = s == kDefaultSource ? 1 : sources[s]->nulls[rows[i]];
      }
      out.children[0] = GatherRows(type->children()[0], children, source, rows);
      return out;
    }
    case TypeId::kLowCardinality: {
      Column out = Column::Make(type);
      if (sources.empty() || !GatherSharedDictionary(sources, source, rows, &out)) {
        out = Column::Make(type);
        for (size_t i = 0; i < n; ++i) {
          uint32_t s = source.empty() ? 0 : source[i];
          if (s == kDefaultSource) {
            out.AppendDefault();
          } else {
            out.AppendRange(*sources[s], rows[i], 1);
          }
        }
      }
      return out;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      Column out = Column::Make(type);
      for (size_t i = 0; i < n; ++i) {
        uint32_t s = source.empty() ? 0 : source[i];
        if (s == kDefaultSource) {
          out.AppendDefault();
        } else {
          out.AppendRange(*sources[s], rows[i], 1);
        }
      }
      return out;
    }
    default: {
      Column out = AllocateFixed(type, n);
      switch (type->fixed_width()) {
        case 1:
          GatherFixed<1>(sources, source, rows, out.data.data());
          break;
        case 2:
          GatherFixed<2>(sources, source, rows, out.data.data());
          break;
        case 4:
          GatherFixed<4>(sources, source, rows, out.data.data());
          break;
        case 8:
          GatherFixed<8>(sources, source, rows, out.data.data());
          break;
        default:
          GatherFixed<16>(sources, source, rows, out.data.data());
          break;
      }
      return out;
    }
  }
}

Column Materialize(const ColumnArg& arg, size_t rows) {
  if (!arg.is_const) return *arg.column;
  std::vector<uint64_t> zeros(rows, 0);
  const Column* src = arg.column;
  return GatherRows(arg.column->type, absl::MakeConstSpan(&src, 1), {}, zeros);
}

absl::StatusOr<Column> ConstantColumn(const DataTypePtr& type, const format::Value& v) {
  Column c = Column::Make(type);
  TALLY_RETURN_IF_ERROR(c.AppendValue(v));
  return c;
}

absl::Status ArgCountError(absl::string_view function, absl::string_view expected, size_t got) {
  return CodedError(ErrorCode::kNumberOfArgumentsDoesntMatch,
      absl::StrCat(function, ": expected ", expected, " argument", expected == "1" ? "" : "s", ", got ", got));
}

absl::Status ArgTypeError(absl::string_view function, size_t index, const DataType& type,
                          absl::string_view expected) {
  return CodedError(ErrorCode::kIllegalTypeOfArgument, absl::StrCat(function, ": argument ", index + 1, " has type ",
                                                                    type.ToString(), ", expected ", expected));
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindFunction(absl::string_view name, absl::Span<const ArgInfo> args,
                                                            const FunctionContext& context) {
  const FunctionFactory* factory = FunctionRegistry::Global().Find(name);
  if (factory == nullptr) return absl::NotFoundError(absl::StrCat("unknown function ", name));
  return (*factory)(args, context);
}

}  // namespace tally::engine::exec
