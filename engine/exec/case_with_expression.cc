// caseWithExpression(x, w1, t1, ..., wn, tn, else): CASE x WHEN w1 THEN t1 ... ELSE else
// END, with ClickHouse's two ways of matching x (its caseWithExpression and transform):
//
//   every w and t constant, and the w's with a common supertype: each w is CAST to x's
//   type (a failing CAST is an error) and kept only when the CAST kept its value, by
//   ClickHouse's FieldVisitorAccurateEquals (a number by value; a string read as a number
//   from its start: '300' against UInt8 casts to 44 and is dropped, '2026-10-05' against a
//   Date casts to a day number its text does not read as, so it never matches; a string
//   against a DateTime64 or UUID is an error "Cannot compare"). A row matches a kept w
//   with the same bytes; a NULL w matches a NULL x.
//
//   otherwise (a non-constant branch, or w's of unrelated types): multiIf(x = w1, t1, ...)
//   with equals' rules, where NULL = NULL is true.
//
// The first match wins; the result is the supertype of the t's and else, chosen by multiIf.
#include <cstring>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/constant_conversion.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;
using format::Value;

namespace {

constexpr absl::string_view kName = "caseWithExpression";

// A constant as ClickHouse's Field: its kind and value.
struct Field {
  enum class Kind { kNull, kUInt, kInt, kFloat, kDecimal, kString, kUuid } kind;
  Value v;
  int scale = 0;  // kDecimal
};

Field FieldOf(const Column& c) {
  const Value v = c.GetValue(0);
  const DataType& t = *ComparisonValueType(c.type);
  Field f{Field::Kind::kNull, v};
  if (v.is_null()) return f;
  if (t.id() == TypeId::kString) {
    f.kind = Field::Kind::kString;
  } else if (t.id() == TypeId::kUUID) {
    f.kind = Field::Kind::kUuid;
  } else if (t.id() == TypeId::kDateTime64) {
    f.kind = Field::Kind::kDecimal;
    f.scale = t.precision();
  } else if (t.is_float()) {
    f.kind = Field::Kind::kFloat;
  } else if (t.is_signed()) {
    f.kind = Field::Kind::kInt;
  } else {
    f.kind = Field::Kind::kUInt;  // unsigned integers, Bool, Date, DateTime
  }
  return f;
}

bool IsNumeric(Field::Kind k) { return k == Field::Kind::kUInt || k == Field::Kind::kInt || k == Field::Kind::kFloat; }

long double NumberOf(const Field& f) {
  switch (f.kind) {
    case Field::Kind::kUInt:
      return static_cast<long double>(f.v.u);
    case Field::Kind::kInt:
      return static_cast<long double>(f.v.i);
    default:
      return static_cast<long double>(f.v.f);
  }
}

// A string read as a number of `kind` from its start (ClickHouse's readText); nothing
// when it does not start with one.
std::optional<Field> ReadPrefix(const std::string& s, Field::Kind kind) {
  Field f{kind, Value()};
  char* end = nullptr;
  if (kind == Field::Kind::kFloat) {
    f.v.f = std::strtod(s.c_str(), &end);
  } else if (kind == Field::Kind::kInt) {
    f.v.i = std::strtoll(s.c_str(), &end, 10);
  } else {
    if (!s.empty() && s[0] == '-') return std::nullopt;
    f.v.u = std::strtoull(s.c_str(), &end, 10);
  }
  if (end == s.c_str()) return std::nullopt;
  return f;
}

const char* KindName(Field::Kind k) {
  switch (k) {
    case Field::Kind::kNull:
      return "Null";
    case Field::Kind::kUInt:
      return "UInt64";
    case Field::Kind::kInt:
      return "Int64";
    case Field::Kind::kFloat:
      return "Float64";
    case Field::Kind::kDecimal:
      return "Decimal64";
    case Field::Kind::kString:
      return "String";
    case Field::Kind::kUuid:
      return "UUID";
  }
  return "?";
}

// ClickHouse's FieldVisitorAccurateEquals.
absl::StatusOr<bool> AccurateEquals(const Field& a, const Field& b) {
  using K = Field::Kind;
  if (a.kind == K::kNull || b.kind == K::kNull) return a.kind == b.kind;
  if (a.kind == K::kDecimal && b.kind == K::kDecimal) {
    const int s = std::max(a.scale, b.scale);
    return static_cast<__int128>(a.v.i) * Pow10(s - a.scale) == static_cast<__int128>(b.v.i) * Pow10(s - b.scale);
  }
  if (a.kind == b.kind) {
    switch (a.kind) {
      case K::kUInt:
        return a.v.u == b.v.u;
      case K::kInt:
        return a.v.i == b.v.i;
      case K::kFloat:
        return a.v.f == b.v.f;
      default:
        return a.v.s == b.v.s;  // String, UUID
    }
  }
  if (IsNumeric(a.kind) && IsNumeric(b.kind)) return NumberOf(a) == NumberOf(b);
  if (a.kind == K::kDecimal && IsNumeric(b.kind)) {
    if (b.kind == K::kFloat) return static_cast<long double>(a.v.i) / Pow10(a.scale) == NumberOf(b);
    return static_cast<long double>(a.v.i) == NumberOf(b) * Pow10(a.scale);
  }
  if (b.kind == K::kDecimal && IsNumeric(a.kind)) return AccurateEquals(b, a);
  if (a.kind == K::kString && IsNumeric(b.kind)) {
    std::optional<Field> parsed = ReadPrefix(a.v.s, b.kind);
    return parsed.has_value() && NumberOf(*parsed) == NumberOf(b);
  }
  if (b.kind == K::kString && IsNumeric(a.kind)) return AccurateEquals(b, a);
  return absl::InvalidArgumentError(
      absl::StrCat(kName, ": Cannot compare ", KindName(a.kind), " with ", KindName(b.kind)));
}

// The bytes of row i of a value column (String, or fixed width).
absl::string_view BytesOf(const Column& c, size_t i) {
  if (c.type->id() == TypeId::kString) return c.StringAt(i);
  const size_t w = c.type->fixed_width();
  return absl::string_view(reinterpret_cast<const char*>(c.data.data()) + i * w, w);
}

// The constant branches: which w (by index) each value of x matches first.
struct Keys {
  absl::flat_hash_map<std::string, uint32_t> first;
  std::optional<uint32_t> null_when;  // the first NULL w, when x can be NULL
};

absl::StatusOr<Keys> BuildKeys(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  Keys keys;
  const DataTypePtr x = ComparisonValueType(args[0].type);
  const bool x_nullable = IsNullableType(*args[0].type);
  for (size_t k = 1, i = 0; k + 1 < args.size(); k += 2, ++i) {
    const Column& when = *args[k].constant;
    const Field original = FieldOf(when);
    if (original.kind == Field::Kind::kNull) {
      if (x_nullable && !keys.null_when) keys.null_when = static_cast<uint32_t>(i);
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(Column cast, ConvertColumn(when, x, context, kName));
    if (cast.type->id() == TypeId::kNullable) cast = Column(cast.children[0]);
    TALLY_ASSIGN_OR_RETURN(bool kept, AccurateEquals(FieldOf(cast), original));
    if (kept) keys.first.try_emplace(std::string(BytesOf(cast, 0)), static_cast<uint32_t>(i));
  }
  return keys;
}

// Per row, the index of the first w it matches (kNone for none).
constexpr uint32_t kNone = 0xffffffffu;

std::vector<uint32_t> MatchKeys(const Keys& keys, const ColumnArg& x, size_t rows) {
  std::vector<uint32_t> match(rows, kNone);
  const Column& c = *x.column;
  auto find = [&](absl::string_view bytes) {
    auto it = keys.first.find(bytes);
    return it == keys.first.end() ? kNone : it->second;
  };
  const uint32_t on_null = keys.null_when.value_or(kNone);
  if (c.type->id() == TypeId::kLowCardinality) {
    const bool nullable = c.type->is_nullable_low_cardinality();
    std::vector<uint32_t> entry(c.dictionary->size());
    for (size_t k = 0; k < entry.size(); ++k) entry[k] = nullable && k == 0 ? on_null : find(c.dictionary->StringAt(k));
    for (size_t r = 0; r < rows; ++r) match[r] = entry[c.IndexAt(x.row(r))];
    return match;
  }
  const bool nullable = c.type->id() == TypeId::kNullable;
  const Column& values = nullable ? c.children[0] : c;
  for (size_t r = 0; r < rows; ++r) {
    const size_t i = x.row(r);
    match[r] = nullable && c.nulls[i] ? on_null : find(BytesOf(values, i));
  }
  return match;
}

// The NULL rows of an argument; false when it cannot be NULL.
bool RowNulls(const ColumnArg& a, size_t rows, PodVector<uint8_t>* out) {
  const Column& c = *a.column;
  const bool nullable = c.type->id() == TypeId::kNullable;
  if (!nullable && !c.type->is_nullable_low_cardinality()) return false;
  out->resize(rows);
  for (size_t r = 0; r < rows; ++r) (*out)[r] = nullable ? c.nulls[a.row(r)] : c.IndexAt(a.row(r)) == 0;
  return true;
}

// The other way: x = w with NULL = NULL.
absl::StatusOr<std::vector<uint32_t>> MatchEquals(const std::vector<std::shared_ptr<const BoundFunction>>& equals,
                                                  absl::Span<const ColumnArg> a, size_t rows) {
  std::vector<uint32_t> match(rows, kNone);
  PodVector<uint8_t> x_null;
  const bool x_nullable = RowNulls(a[0], rows, &x_null);
  for (size_t i = 0; i < equals.size(); ++i) {
    const ColumnArg& w = a[1 + 2 * i];
    PodVector<uint8_t> w_null;
    const bool w_nullable = RowNulls(w, rows, &w_null);
    std::vector<uint8_t> eq(rows, 0);
    if (equals[i] != nullptr) {
      ColumnArg pair[] = {a[0], w};
      TALLY_ASSIGN_OR_RETURN(Column result, equals[i]->Execute(pair, rows));
      NullableView v = UnwrapNullable(ColumnArg{&result, false});
      for (size_t r = 0; r < rows; ++r) eq[r] = v.values.column->data[r] && !v.is_null(r);
    }
    for (size_t r = 0; r < rows; ++r) {
      if (match[r] != kNone) continue;
      const bool xn = x_nullable && x_null[r], wn = w_nullable && w_null[r];
      if (xn ? wn : !wn && eq[r]) match[r] = static_cast<uint32_t>(i);
    }
  }
  return match;
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindCaseWithExpression(absl::Span<const ArgInfo> args,
                                                                     const FunctionContext& context) {
  if (args.size() < 4 || args.size() % 2 != 0) {
    return ArgCountError(kName, "an even number (at least 4) of", args.size());
  }
  const size_t branches = (args.size() - 2) / 2;
  // The result: multiIf over one condition per branch.
  std::vector<ArgInfo> multi_if;
  std::vector<ArgInfo> whens;
  bool all_constant = true;
  for (size_t i = 0; i < branches; ++i) {
    multi_if.push_back(ArgInfo{TypeOf(TypeId::kUInt8), nullptr});
    multi_if.push_back(args[2 + 2 * i]);
    whens.push_back(args[1 + 2 * i]);
    all_constant = all_constant && args[1 + 2 * i].constant != nullptr && args[2 + 2 * i].constant != nullptr;
  }
  multi_if.push_back(args.back());
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<BoundFunction> bound_multi_if, BindFunction("multiIf", multi_if, context));
  std::shared_ptr<const BoundFunction> choose = std::move(bound_multi_if);
  const DataTypePtr result = choose->result_type();

  std::shared_ptr<const Keys> keys;
  std::vector<std::shared_ptr<const BoundFunction>> equals(branches);
  if (all_constant && CommonSupertypeOfArgs(whens, kName).ok()) {
    TALLY_ASSIGN_OR_RETURN(Keys built, BuildKeys(args, context));
    keys = std::make_shared<const Keys>(std::move(built));
  } else {
    for (size_t i = 0; i < branches; ++i) {
      if (IsNullLiteral(whens[i])) continue;
      ArgInfo pair[] = {args[0], whens[i]};
      TALLY_ASSIGN_OR_RETURN(std::unique_ptr<BoundFunction> eq, BindFunction("equals", pair, context));
      equals[i] = std::move(eq);
    }
  }
  return std::make_unique<LambdaFunction>(
      result, [keys, equals, choose, branches](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        std::vector<uint32_t> match;
        if (keys != nullptr) {
          match = MatchKeys(*keys, a[0], rows);
        } else {
          TALLY_ASSIGN_OR_RETURN(match, MatchEquals(equals, a, rows));
        }
        std::vector<Column> conditions(branches);
        std::vector<ColumnArg> choose_args;
        choose_args.reserve(2 * branches + 1);
        for (size_t i = 0; i < branches; ++i) {
          conditions[i] = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
          for (size_t r = 0; r < rows; ++r) conditions[i].data[r] = match[r] == i;
          choose_args.push_back(ColumnArg{&conditions[i], false});
          choose_args.push_back(a[2 + 2 * i]);
        }
        choose_args.push_back(a[a.size() - 1]);
        return choose->Execute(choose_args, rows);
      });
}

}  // namespace

void RegisterCaseWithExpression(FunctionRegistry& registry) {
  registry.RegisterTakingNullLiterals(std::string(kName), BindCaseWithExpression);
}

}  // namespace tally::engine::exec
