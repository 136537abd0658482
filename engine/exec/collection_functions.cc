// Collection functions: array(...), map(...), arrayElement (arr[i], map[key]), has, indexOf,
// hasAny, hasAll, mapContains, mapKeys, mapValues, and length / empty / notEmpty for String, Array and
// Map alike (the string functions leave those three to this file, so each name has one
// registration).
//
// Looking for a value (has, indexOf, map[key], mapContains) converts nothing, as in
// ClickHouse: the needle and the elements must have a common supertype (a string never
// meets a number or a date, a date or UUID never a number), and numbers, dates and times
// meet by value. A NULL needle finds a NULL element. It reuses equals: the elements are
// compared with the needle in one vectorized pass (a constant needle is converted once, a
// LowCardinality element column is compared once per dictionary entry), and each row then
// scans its slice of the match bytes.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/arg_adapters.h"
#include "engine/exec/constant_conversion.h"
#include "engine/exec/empty_array_literal.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

inline uint64_t Begin(const Column& c, size_t row) { return row == 0 ? 0 : c.offsets[row - 1]; }

// Compares elements (or map keys) of one type with a needle of another.
struct Matcher {
  std::string name;
  DataTypePtr element_type;
  DataTypePtr needle_type;
  bool needle_null = false;
  std::shared_ptr<const BoundFunction> equals;          // equals(element, needle)
  std::shared_ptr<const BoundFunction> equals_swapped;  // equals(needle, element): constant haystacks
};

// ClickHouse looks for a value only when it has a common supertype with the elements.
absl::Status CheckSupertype(absl::string_view name, const DataTypePtr& container, const DataTypePtr& element,
                            const DataTypePtr& needle) {
  const DataTypePtr e = ComparisonValueType(element), n = ComparisonValueType(needle);
  const char* why = nullptr;
  if ((e->id() == TypeId::kString) != (n->id() == TypeId::kString)) {
    why = "String/FixedString/Enum";
  } else if (e->is_time() != n->is_time() && (IsNumber(*e) || IsNumber(*n))) {
    why = "Date/Date32/DateTime/DateTime64/Time/Time64";
  } else if ((e->id() == TypeId::kUUID) != (n->id() == TypeId::kUUID) && (IsNumber(*e) || IsNumber(*n))) {
    why = "numbers";
  }
  if (why == nullptr) return absl::OkStatus();
  if (name == "arrayElement") {
    return CodedError(ErrorCode::kIllegalTypeOfArgument,
                      absl::StrCat(name, ": Illegal types of arguments: ", container->ToString(), ", ",
                                   needle->ToString(), " for function arrayElement"));
  }
  return CodedError(ErrorCode::kNoCommonType,
                    absl::StrCat(name, ": There is no supertype for types ", e->ToString(), ", ",
                                 n->ToString(), " because some of them are ", why,
                                 " and some of them are not"));
}

absl::StatusOr<std::shared_ptr<Matcher>> BindMatcher(absl::string_view name, const DataTypePtr& container,
                                                     const DataTypePtr& element_type, const ArgInfo& needle,
                                                     const FunctionContext& context) {
  auto m = std::make_shared<Matcher>();
  m->name = std::string(name);
  m->element_type = element_type;
  m->needle_type = needle.type;
  m->needle_null = IsNullLiteral(needle);
  if (m->needle_null) return m;
  TALLY_RETURN_IF_ERROR(CheckSupertype(name, container, element_type, needle.type));
  ArgInfo pair[] = {ArgInfo{element_type, nullptr}, needle};
  ArgInfo swapped[] = {ArgInfo{needle.type, nullptr}, ArgInfo{element_type, nullptr}};
  absl::StatusOr<std::unique_ptr<BoundFunction>> eq = BindFunction("equals", pair, context);
  absl::StatusOr<std::unique_ptr<BoundFunction>> eq2 = BindFunction("equals", swapped, context);
  if (!eq.ok() || !eq2.ok()) {
    absl::Status cause = eq.ok() ? eq2.status() : eq.status();
    return absl::InvalidArgumentError(absl::StrCat(name, ": cannot look for ", needle.type->ToString(), " in ",
                                                   container->ToString(), " (", cause.message(), ")"));
  }
  m->equals = std::move(*eq);
  m->equals_swapped = std::move(*eq2);
  return m;
}

// equals() output as match bytes: 1 where equal and not NULL.
std::vector<uint8_t> MatchBytes(const Column& eq) {
  NullableView v = UnwrapNullable(ColumnArg{&eq, false});
  const uint8_t* x = v.values.column->data.data();
  std::vector<uint8_t> out(eq.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = x[i] && !v.is_null(i);
  return out;
}

std::vector<uint8_t> NullElements(const Column& elements) {
  std::vector<uint8_t> out(elements.size(), 0);
  if (elements.type->id() == TypeId::kNullable) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = elements.nulls[i];
  } else if (elements.type->is_nullable_low_cardinality()) {
    for (size_t i = 0; i < out.size(); ++i) out[i] = elements.IndexAt(i) == 0;
  }
  return out;
}

// Per element of `container` (Array or Map, not constant): does it (its key) equal the
// needle of its row?
absl::StatusOr<std::vector<uint8_t>> ElementMatches(const Matcher& m, const Column& container, const Column& elements,
                                                    const ColumnArg& needle) {
  if (m.needle_null) return NullElements(elements);
  const size_t n = elements.size();
  if (needle.is_const) {
    ColumnArg args[] = {ColumnArg{&elements, false}, needle};
    TALLY_ASSIGN_OR_RETURN(Column eq, m.equals->Execute(args, n));
    return MatchBytes(eq);
  }
  std::vector<uint64_t> row_of(n);
  for (size_t r = 0; r < container.size(); ++r) {
    for (uint64_t e = Begin(container, r); e < container.offsets[r]; ++e) row_of[e] = r;
  }
  Column expanded = GatherRows(needle.column->type, absl::MakeConstSpan(&needle.column, 1), {}, row_of);
  ColumnArg args[] = {ColumnArg{&elements, false}, ColumnArg{&expanded, false}};
  TALLY_ASSIGN_OR_RETURN(Column eq, m.equals->Execute(args, n));
  std::vector<uint8_t> hit = MatchBytes(eq);
  const std::vector<uint8_t> null_needle = NullElements(expanded);
  const std::vector<uint8_t> null_element = NullElements(elements);
  for (size_t e = 0; e < n; ++e) {
    if (null_needle[e]) hit[e] = null_element[e];  // a NULL needle finds a NULL element
  }
  return hit;
}

// Per row: the 0-based position inside the row of the first match, or -1.
absl::StatusOr<std::vector<int64_t>> FirstMatch(const Matcher& m, const ColumnArg& container_arg, size_t child,
                                                const ColumnArg& needle, size_t rows) {
  const Column& container = *container_arg.column;
  const Column& elements = container.children[child];
  std::vector<int64_t> first(rows, -1);
  if (container_arg.is_const && !needle.is_const && !m.needle_null) {
    // A constant haystack: one vectorized comparison per element of it.
    const uint64_t begin = Begin(container, 0), end = container.offsets[0];
    for (uint64_t e = begin; e < end; ++e) {
      std::vector<uint64_t> at = {e};
      const Column* src = &elements;
      Column element = GatherRows(elements.type, absl::MakeConstSpan(&src, 1), {}, at);
      ColumnArg args[] = {needle, ColumnArg{&element, true}};
      TALLY_ASSIGN_OR_RETURN(Column eq, m.equals_swapped->Execute(args, rows));
      std::vector<uint8_t> hit = MatchBytes(eq);
      if (NullElements(element)[0]) {  // a NULL element is found by the NULL needles
        Column needles = Materialize(needle, rows);
        hit = NullElements(needles);
      }
      for (size_t r = 0; r < rows; ++r) {
        if (first[r] < 0 && hit[r]) first[r] = static_cast<int64_t>(e - begin);
      }
    }
    return first;
  }
  Column materialized;
  const Column* c = &container;
  if (container_arg.is_const) {
    materialized = Materialize(container_arg, rows);
    c = &materialized;
  }
  TALLY_ASSIGN_OR_RETURN(std::vector<uint8_t> hit, ElementMatches(m, *c, c->children[child], needle));
  for (size_t r = 0; r < rows; ++r) {
    uint64_t begin = Begin(*c, r);
    for (uint64_t e = begin; e < c->offsets[r]; ++e) {
      if (hit[e]) {
        first[r] = static_cast<int64_t>(e - begin);
        break;
      }
    }
  }
  return first;
}

// has(arr, x), indexOf(arr, x), mapContains(map, key).
enum class Search { kHas, kIndexOf, kMapContains };

FunctionFactory SearchFactory(Search kind, std::string name) {
  return [kind, name](absl::Span<const ArgInfo> args,
                      const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    TypeId want = kind == Search::kMapContains ? TypeId::kMap : TypeId::kArray;
    if (args[0].type->id() != want) return ArgTypeError(name, 0, *args[0].type, want == TypeId::kMap ? "a Map" : "an Array");
    DataTypePtr result = TypeOf(kind == Search::kIndexOf ? TypeId::kUInt64 : TypeId::kUInt8);
    if (IsEmptyArrayLiteral(args[0])) {  // ClickHouse's Array(Nothing) holds nothing of any type
      return std::make_unique<LambdaFunction>(result, [result](absl::Span<const ColumnArg>, size_t rows) {
        Column out = AllocateFixed(result, rows);
        if (!out.data.empty()) std::memset(out.data.data(), 0, out.data.size());
        return absl::StatusOr<Column>(std::move(out));
      });
    }
    TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Matcher> m,
                           BindMatcher(name, args[0].type, args[0].type->children()[0], args[1], context));
    return std::make_unique<LambdaFunction>(result, [m, kind, result](absl::Span<const ColumnArg> a,
                                                                      size_t rows) -> absl::StatusOr<Column> {
      TALLY_ASSIGN_OR_RETURN(std::vector<int64_t> first, FirstMatch(*m, a[0], 0, a[1], rows));
      Column out = AllocateFixed(result, rows);
      if (kind == Search::kIndexOf) {
        uint64_t* o = MutableValues<uint64_t>(out);
        for (size_t r = 0; r < rows; ++r) o[r] = static_cast<uint64_t>(first[r] + 1);
      } else {
        for (size_t r = 0; r < rows; ++r) out.data[r] = first[r] >= 0;
      }
      return out;
    });
  };
}

// hasAny(a, b) / hasAll(a, b): whether `a` holds some / every element of `b`, each looked
// for as has(a, x) looks (no conversion; a NULL finds a NULL). hasAll(a, []) is 1.
FunctionFactory SubsetFactory(bool all, std::string name) {
  return [all, name](absl::Span<const ArgInfo> args,
                     const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    for (size_t i = 0; i < 2; ++i) {
      if (args[i].type->id() != TypeId::kArray) return ArgTypeError(name, i, *args[i].type, "an Array");
    }
    DataTypePtr result = TypeOf(TypeId::kUInt8);
    const bool empty_a = IsEmptyArrayLiteral(args[0]), empty_b = IsEmptyArrayLiteral(args[1]);
    std::shared_ptr<Matcher> m;
    if (!empty_a && !empty_b) {
      TALLY_ASSIGN_OR_RETURN(m, BindMatcher(name, args[0].type, args[0].type->children()[0],
                                            ArgInfo{args[1].type->children()[0], nullptr}, context));
    }
    return std::make_unique<LambdaFunction>(result, [m, all, result](absl::Span<const ColumnArg> a,
                                                                     size_t rows) -> absl::StatusOr<Column> {
      Column out = AllocateFixed(result, rows);
      const Column b = Materialize(a[1], rows);
      if (m == nullptr) {  // [] on a side: nothing is found, and all of nothing is
        for (size_t r = 0; r < rows; ++r) out.data[r] = all && b.offsets[r] == Begin(b, r);
        return out;
      }
      const Column haystacks = Materialize(a[0], rows);
      const Column& needles = b.children[0];
      std::vector<uint32_t> row_of(needles.size());
      for (size_t r = 0; r < rows; ++r) {
        for (uint64_t e = Begin(b, r); e < b.offsets[r]; ++e) row_of[e] = static_cast<uint32_t>(r);
      }
      const Column each = Column::Gather(haystacks, row_of);  // the haystack of every needle
      TALLY_ASSIGN_OR_RETURN(std::vector<int64_t> first, FirstMatch(*m, ColumnArg{&each, false}, 0,
                                                                   ColumnArg{&needles, false}, needles.size()));
      for (size_t r = 0; r < rows; ++r) {
        bool found_all = true, found_any = false;
        for (uint64_t e = Begin(b, r); e < b.offsets[r]; ++e) {
          found_all &= first[e] >= 0;
          found_any |= first[e] >= 0;
        }
        out.data[r] = all ? found_all : found_any;
      }
      return out;
    });
  };
}

// arrayElement(arr, i): 1-based, negative from the end, else the default value.
absl::StatusOr<Column> ArrayElement(const ColumnArg& arr, const ColumnArg& index, size_t rows) {
  const Column& c = *arr.column;
  std::vector<uint32_t> source(rows, 0);
  std::vector<uint64_t> at(rows, 0);
  PodVector<int64_t> idx(index.is_const ? 1 : rows);
  DispatchNumeric(index.column->type->id(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = index.column->values<T>();
    for (size_t i = 0; i < idx.size(); ++i) {
      idx[i] = std::is_same_v<T, uint64_t> && static_cast<uint64_t>(v[i]) > INT64_MAX ? INT64_MAX : static_cast<int64_t>(v[i]);
    }
  });
  for (size_t r = 0; r < rows; ++r) {
    size_t row = arr.row(r);
    uint64_t begin = Begin(c, row), end = c.offsets[row];
    int64_t i = idx[index.row(r)];
    uint64_t len = end - begin;
    if (i > 0 && static_cast<uint64_t>(i) <= len) {
      at[r] = begin + i - 1;
    } else if (i < 0 && static_cast<uint64_t>(-(i + 1)) < len) {
      at[r] = end - static_cast<uint64_t>(-(i + 1)) - 1;
    } else {
      source[r] = kDefaultSource;
    }
  }
  const Column* elements = &c.children[0];
  return GatherRows(c.type->children()[0], absl::MakeConstSpan(&elements, 1), source, at);
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindArrayElement(absl::Span<const ArgInfo> args,
                                                                const FunctionContext& context) {
  if (args.size() != 2) return ArgCountError("arrayElement", "2", args.size());
  const DataTypePtr& container = args[0].type;
  if (container->id() == TypeId::kArray) {
    const DataType& it = *args[1].type;
    if (!it.is_integer()) return ArgTypeError("arrayElement", 1, it, "an integer index");
    if (IsEmptyArrayLiteral(args[0])) {  // [][i]: ClickHouse's element type is Nothing
      return absl::InvalidArgumentError("Invalid projection column with type Nothing");
    }
    // ClickHouse rejects a constant unsigned 0 on an array column (its Field compares equal to
    // 0u only when unsigned: tags[toInt8(0)] is the default value), even over no rows.
    int64_t index = 0;
    if (args[0].constant == nullptr && !it.is_signed() && IntegerConstant(args[1], &index) && index == 0) {
      return absl::InvalidArgumentError("Array indices are 1-based");
    }
    return std::make_unique<LambdaFunction>(container->children()[0], [](absl::Span<const ColumnArg> a, size_t rows) {
      return ArrayElement(a[0], a[1], rows);
    });
  }
  if (container->id() != TypeId::kMap) return ArgTypeError("arrayElement", 0, *container, "an Array or a Map");
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Matcher> m,
                         BindMatcher("arrayElement", container, container->children()[0], args[1], context));
  DataTypePtr value_type = container->children()[1];
  return std::make_unique<LambdaFunction>(value_type, [m, value_type](absl::Span<const ColumnArg> a,
                                                                      size_t rows) -> absl::StatusOr<Column> {
    TALLY_ASSIGN_OR_RETURN(std::vector<int64_t> first, FirstMatch(*m, a[0], 0, a[1], rows));
    const Column& map = *a[0].column;
    std::vector<uint32_t> source(rows, 0);
    std::vector<uint64_t> at(rows, 0);
    for (size_t r = 0; r < rows; ++r) {
      if (first[r] < 0) {
        source[r] = kDefaultSource;
      } else {
        at[r] = Begin(map, a[0].row(r)) + static_cast<uint64_t>(first[r]);
      }
    }
    const Column* values = &map.children[1];
    return GatherRows(value_type, absl::MakeConstSpan(&values, 1), source, at);
  });
}

// Interleaves the arguments a[first], a[first + stride], ... converted to `element`: row r
// of the result holds their row-r values in order (the elements of array() and of map()'s
// keys or values).
absl::StatusOr<Column> InterleaveArgs(absl::Span<const ColumnArg> a, size_t first, size_t stride,
                                      const DataTypePtr& element, const std::vector<bool>& null_literal,
                                      size_t rows, const FunctionContext& context, absl::string_view name) {
  std::vector<Column> converted;
  std::vector<size_t> arg_of;
  for (size_t j = first; j < a.size(); j += stride) arg_of.push_back(j);
  const size_t k = arg_of.size();
  converted.resize(k);
  std::vector<const Column*> sources(k);
  for (size_t i = 0; i < k; ++i) {
    if (null_literal[arg_of[i]]) {
      converted[i] = Column::Make(element);
      converted[i].AppendDefault();
    } else {
      TALLY_ASSIGN_OR_RETURN(converted[i], ConvertArg(a[arg_of[i]], element, context, name));
    }
    sources[i] = &converted[i];
  }
  std::vector<uint32_t> source(rows * k);
  std::vector<uint64_t> at(rows * k);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t i = 0; i < k; ++i) {
      source[r * k + i] = static_cast<uint32_t>(i);
      at[r * k + i] = a[arg_of[i]].is_const ? 0 : r;
    }
  }
  if (k == 0) return Column::Make(element);
  return GatherRows(element, sources, source, at);
}

// array(x, ...): one Array row per row, of the arguments' common supertype.
absl::StatusOr<std::unique_ptr<BoundFunction>> BindArray(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  DataTypePtr element = TypeOf(TypeId::kUInt8);  // array(): ClickHouse's Array(Nothing)
  if (!args.empty()) {
    TALLY_ASSIGN_OR_RETURN(element, CommonSupertypeOfArgs(args, "array"));
  }
  std::vector<bool> null_literal;
  for (const ArgInfo& a : args) null_literal.push_back(IsNullLiteral(a));
  DataTypePtr result = DataType::Array(element);
  return std::make_unique<LambdaFunction>(result, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
    Column out = Column::Make(result);
    TALLY_ASSIGN_OR_RETURN(out.children[0], InterleaveArgs(a, 0, 1, element, null_literal, rows, context, "array"));
    out.offsets.resize(rows);
    for (size_t r = 0; r < rows; ++r) out.offsets[r] = (r + 1) * a.size();
    return out;
  });
}

// map(k1, v1, k2, v2, ...): one Map row per row; keys and values each take their common
// supertype. Like ClickHouse, repeated keys are kept (m[k] finds the first).
absl::StatusOr<std::unique_ptr<BoundFunction>> BindMap(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.size() % 2 != 0) {
    return absl::InvalidArgumentError(absl::StrCat("map: needs key-value pairs, got ", args.size(), " arguments"));
  }
  DataTypePtr key = TypeOf(TypeId::kUInt8), value = TypeOf(TypeId::kUInt8);  // map(): Map(Nothing, Nothing)
  if (!args.empty()) {
    std::vector<ArgInfo> keys, values;
    for (size_t j = 0; j < args.size(); ++j) (j % 2 == 0 ? keys : values).push_back(args[j]);
    TALLY_ASSIGN_OR_RETURN(key, CommonSupertypeOfArgs(keys, "map"));
    TALLY_ASSIGN_OR_RETURN(value, CommonSupertypeOfArgs(values, "map"));
  }
  std::vector<bool> null_literal;
  for (const ArgInfo& a : args) null_literal.push_back(IsNullLiteral(a));
  DataTypePtr result = DataType::Map(key, value);
  return std::make_unique<LambdaFunction>(result, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
    Column out = Column::Make(result);
    TALLY_ASSIGN_OR_RETURN(out.children[0], InterleaveArgs(a, 0, 2, key, null_literal, rows, context, "map"));
    TALLY_ASSIGN_OR_RETURN(out.children[1], InterleaveArgs(a, 1, 2, value, null_literal, rows, context, "map"));
    out.offsets.resize(rows);
    for (size_t r = 0; r < rows; ++r) out.offsets[r] = (r + 1) * (a.size() / 2);
    return out;
  });
}

// mapKeys / mapValues: the map's offsets over one of its children.
FunctionFactory MapPartFactory(size_t child, std::string name) {
  return [child, name](absl::Span<const ArgInfo> args, const FunctionContext&) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    if (args[0].type->id() != TypeId::kMap) return ArgTypeError(name, 0, *args[0].type, "a Map");
    DataTypePtr result = DataType::Array(args[0].type->children()[child]);
    return std::make_unique<LambdaFunction>(result, [child, result](absl::Span<const ColumnArg> a, size_t rows) {
      Column map = Materialize(a[0], rows);
      Column out = Column::Make(result);
      out.offsets = std::move(map.offsets);
      out.children[0] = std::move(map.children[child]);
      return absl::StatusOr<Column>(std::move(out));
    });
  };
}

// length / empty / notEmpty over String, LowCardinality(String), Array, Map (and UUID for
// empty/notEmpty: all zero bytes). Nullable(String) and LowCardinality(Nullable(String)) give
// a Nullable result.
enum class Size { kLength, kEmpty, kNotEmpty };

template <typename T>
void SizesOf(Size kind, const Column& c, T* out) {
  const size_t n = c.size();
  auto emit = [&](size_t i, uint64_t len) {
    out[i] = kind == Size::kLength ? static_cast<T>(len) : static_cast<T>((len == 0) == (kind == Size::kEmpty));
  };
  switch (c.type->id()) {
    case TypeId::kLowCardinality: {
      const Column& dict = *c.dictionary;
      std::vector<uint64_t> lengths(dict.size());
      for (size_t k = 0; k < dict.size(); ++k) lengths[k] = dict.offsets[k] - Begin(dict, k);
      for (size_t i = 0; i < n; ++i) emit(i, lengths[c.IndexAt(i)]);
      return;
    }
    case TypeId::kUUID:
      for (size_t i = 0; i < n; ++i) {
        static constexpr uint8_t kZero[16] = {};
        emit(i, std::memcmp(c.data.data() + i * 16, kZero, 16) == 0 ? 0 : 16);
      }
      return;
    default: {  // String, Array, Map
      uint64_t begin = 0;
      for (size_t i = 0; i < n; ++i) {
        emit(i, c.offsets[i] - begin);
        begin = c.offsets[i];
      }
      return;
    }
  }
}

FunctionFactory SizeFactory(Size kind, std::string name) {
  return [kind, name](absl::Span<const ArgInfo> args, const FunctionContext&) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    const DataType& t = *StripNullable(args[0].type);
    TypeId id = t.id();
    bool ok = id == TypeId::kString || id == TypeId::kLowCardinality || id == TypeId::kArray || id == TypeId::kMap ||
              (kind != Size::kLength && id == TypeId::kUUID);
    if (!ok) return ArgTypeError(name, 0, *args[0].type, "a String, Array or Map");
    DataTypePtr value = TypeOf(kind == Size::kLength ? TypeId::kUInt64 : TypeId::kUInt8);
    // LowCardinality(Nullable(String)) too: NULL (dictionary entry 0) gives NULL.
    bool nullable = args[0].type->id() == TypeId::kNullable || args[0].type->is_nullable_low_cardinality();
    DataTypePtr result = nullable ? DataType::Nullable(value) : value;
    return std::make_unique<LambdaFunction>(result, [kind, value, nullable](absl::Span<const ColumnArg> a, size_t rows) {
      NullableView v = UnwrapNullable(a[0]);
      const Column& c = *v.values.column;
      Column out = AllocateFixed(value, c.size());
      if (kind == Size::kLength) {
        SizesOf(kind, c, MutableValues<uint64_t>(out));
      } else {
        SizesOf(kind, c, out.data.data());
      }
      if (nullable && c.type->id() == TypeId::kLowCardinality) {
        format::PodVector<uint8_t> nulls(c.size());
        for (size_t i = 0; i < nulls.size(); ++i) nulls[i] = c.IndexAt(i) == 0;
        out = WrapNullable(std::move(out), std::move(nulls));
      } else if (nullable) {
        out = WrapNullable(std::move(out), a[0].column->nulls);
      }
      return absl::StatusOr<Column>(a[0].is_const ? Materialize(ColumnArg{&out, true}, rows) : std::move(out));
    });
  };
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry& registry) {
  registry.Register("array", BindArray);
  registry.Register("map", BindMap);
  registry.Register("arrayElement", BindArrayElement);
  registry.Register("has", SearchFactory(Search::kHas, "has"));
  registry.Register("indexOf", SearchFactory(Search::kIndexOf, "indexOf"));
  registry.Register("hasAny", SubsetFactory(false, "hasAny"));
  registry.Register("hasAll", SubsetFactory(true, "hasAll"));
  registry.Register("mapContains", SearchFactory(Search::kMapContains, "mapContains"));
  registry.Register("mapKeys", MapPartFactory(0, "mapKeys"));
  registry.Register("mapValues", MapPartFactory(1, "mapValues"));
  registry.Register("length", SizeFactory(Size::kLength, "length"), /*case_insensitive=*/true);
  registry.Register("empty", SizeFactory(Size::kEmpty, "empty"));
  registry.Register("notEmpty", SizeFactory(Size::kNotEmpty, "notEmpty"));
}

}  // namespace tally::engine::exec
