// Comparisons: equals notEquals less greater lessOrEquals greaterOrEquals -> UInt8.
//
// Binding decides how the two sides meet, once per query, with ClickHouse's rules:
//   numbers            compared by value across types (-1 < 18446744073709551615 is true,
//                      Int64 against Float64 exactly); NaN is unequal and unordered
//   strings            String and LowCardinality(String); LowCardinality against a
//                      constant is evaluated once per dictionary entry and then mapped
//                      through the indexes
//   string constant    against a number, Date, DateTime(64), UUID or Bool: converted once
//                      into the other side's type by ConvertConstant (kComparison,
//                      engine/exec/constant_conversion.h; '2026-10-01 00:00:00' read best
//                      effort in the column's zone). A constant with no value there ('300'
//                      against UInt8) makes every row false, and true for notEquals; one that
//                      does not parse is an error
//   string column      against anything but a string: an error ("There is no supertype")
//   Date/DateTime(64)  against each other: converted to the finer type; DateTime against a
//                      number compares seconds, DateTime64 against a number converts the
//                      number to seconds of its type, Date against a number is an error
//   Array, Map         compared by value (slow path)
// Nullable arguments (and LowCardinality(Nullable)) give Nullable(UInt8): NULL where
// either side is NULL.
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/constant_conversion.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

enum class Cmp { kEq, kNe, kLt, kGt, kLe, kGe };

Cmp Swapped(Cmp op) {
  switch (op) {
    case Cmp::kLt:
      return Cmp::kGt;
    case Cmp::kGt:
      return Cmp::kLt;
    case Cmp::kLe:
      return Cmp::kGe;
    case Cmp::kGe:
      return Cmp::kLe;
    default:
      return op;
  }
}

// ---- exact comparison of numbers of any two types ----

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

template <typename I>
bool IntLessFloat(I i, double f) {
  if (f != f) return false;
  if constexpr (sizeof(I) <= 4) {
    return static_cast<double>(i) < f;
  } else if constexpr (std::is_signed_v<I>) {
    if (f >= kTwo63) return true;
    if (f < -kTwo63) return false;
    int64_t t = static_cast<int64_t>(f);
    return i != t ? i < t : static_cast<double>(t) < f;
  } else {
    if (f >= kTwo64) return true;
    if (f < 0) return false;
    uint64_t t = static_cast<uint64_t>(f);
    return i != t ? i < t : static_cast<double>(t) < f;
  }
}

template <typename I>
bool FloatLessInt(double f, I i) {
  if (f != f) return false;
  if constexpr (sizeof(I) <= 4) {
    return f < static_cast<double>(i);
  } else if constexpr (std::is_signed_v<I>) {
    if (f >= kTwo63) return false;
    if (f < -kTwo63) return true;
    int64_t t = static_cast<int64_t>(f);
    return t != i ? t < i : f < static_cast<double>(t);
  } else {
    if (f >= kTwo64) return false;
    if (f < 0) return true;
    uint64_t t = static_cast<uint64_t>(f);
    return t != i ? t < i : f < static_cast<double>(t);
  }
}

template <typename I>
bool FloatEqualsInt(double f, I i) {
  if constexpr (sizeof(I) <= 4) {
    return f == static_cast<double>(i);
  } else if constexpr (std::is_signed_v<I>) {
    if (!(f >= -kTwo63 && f < kTwo63)) return false;
    int64_t t = static_cast<int64_t>(f);
    return t == i && static_cast<double>(t) == f;
  } else {
    if (!(f >= 0 && f < kTwo64)) return false;
    uint64_t t = static_cast<uint64_t>(f);
    return t == i && static_cast<double>(t) == f;
  }
}

template <typename A, typename B>
inline bool Equals(A a, B b) {
  constexpr bool fa = std::is_floating_point_v<A>, fb = std::is_floating_point_v<B>;
  if constexpr (fa && fb) {
    return static_cast<double>(a) == static_cast<double>(b);
  } else if constexpr (fa) {
    return FloatEqualsInt(static_cast<double>(a), b);
  } else if constexpr (fb) {
    return FloatEqualsInt(static_cast<double>(b), a);
  } else if constexpr (std::is_signed_v<A> == std::is_signed_v<B>) {
    return a == b;
  } else if constexpr (std::is_signed_v<A>) {
    return a >= 0 && static_cast<uint64_t>(a) == static_cast<uint64_t>(b);
  } else {
    return b >= 0 && static_cast<uint64_t>(a) == static_cast<uint64_t>(b);
  }
}

template <typename A, typename B>
inline bool Less(A a, B b) {
  constexpr bool fa = std::is_floating_point_v<A>, fb = std::is_floating_point_v<B>;
  if constexpr (fa && fb) {
    return static_cast<double>(a) < static_cast<double>(b);
  } else if constexpr (fa) {
    return FloatLessInt(static_cast<double>(a), b);
  } else if constexpr (fb) {
    return IntLessFloat(a, static_cast<double>(b));
  } else if constexpr (std::is_signed_v<A> == std::is_signed_v<B>) {
    return a < b;
  } else if constexpr (std::is_signed_v<A>) {
    return a < 0 || static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
  } else {
    return b >= 0 && static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
  }
}

template <Cmp op, typename A, typename B>
inline bool Test(A a, B b) {
  if constexpr (op == Cmp::kEq) return Equals(a, b);
  if constexpr (op == Cmp::kNe) return !Equals(a, b);
  if constexpr (op == Cmp::kLt) return Less(a, b);
  if constexpr (op == Cmp::kGt) return Less(b, a);
  if constexpr (op == Cmp::kLe) return Less(a, b) || Equals(a, b);
  if constexpr (op == Cmp::kGe) return Less(b, a) || Equals(a, b);
}

template <typename F>
void DispatchCmp(Cmp op, F&& f) {
  switch (op) {
    case Cmp::kEq:
      return f(std::integral_constant<Cmp, Cmp::kEq>{});
    case Cmp::kNe:
      return f(std::integral_constant<Cmp, Cmp::kNe>{});
    case Cmp::kLt:
      return f(std::integral_constant<Cmp, Cmp::kLt>{});
    case Cmp::kGt:
      return f(std::integral_constant<Cmp, Cmp::kGt>{});
    case Cmp::kLe:
      return f(std::integral_constant<Cmp, Cmp::kLe>{});
    case Cmp::kGe:
      return f(std::integral_constant<Cmp, Cmp::kGe>{});
  }
}

// Three-way results (strings, UUIDs, values) to the operator.
inline bool FromOrder(Cmp op, int c) {
  switch (op) {
    case Cmp::kEq:
      return c == 0;
    case Cmp::kNe:
      return c != 0;
    case Cmp::kLt:
      return c < 0;
    case Cmp::kGt:
      return c > 0;
    case Cmp::kLe:
      return c <= 0;
    default:
      return c >= 0;
  }
}

// ---- kernels: out has `n` rows; b may be constant, a never is (callers swap) ----

template <Cmp op, typename A, typename B>
void NumberLoop(const A* a, const B* b, bool b_const, uint8_t* out, size_t n) {
  if (b_const) {
    const B y = b[0];
    for (size_t i = 0; i < n; ++i) out[i] = Test<op>(a[i], y);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = Test<op>(a[i], b[i]);
  }
}

void CompareNumbers(Cmp op, const Column& a, const Column& b, bool b_const, uint8_t* out, size_t n) {
  DispatchNumeric(a.type->id(), [&](auto ta) {
    using A = decltype(ta);
    DispatchNumeric(b.type->id(), [&](auto tb) {
      using B = decltype(tb);
      DispatchCmp(op, [&](auto o) { NumberLoop<decltype(o)::value>(a.values<A>(), b.values<B>(), b_const, out, n); });
    });
  });
}

inline absl::string_view StringOf(const Column& c, size_t i) {
  return c.type->id() == TypeId::kString ? c.StringAt(i) : c.dictionary->StringAt(c.IndexAt(i));
}

inline int Order(absl::string_view x, absl::string_view y) {
  int c = x.compare(y);
  return c < 0 ? -1 : c > 0;
}

template <typename Index>
void MapIndexes(const Column& c, const uint8_t* table, uint8_t* out, size_t n) {
  const Index* idx = reinterpret_cast<const Index*>(c.data.data());
  for (size_t i = 0; i < n; ++i) out[i] = table[idx[i]];
}

void CompareStrings(Cmp op, const Column& a, const Column& b, bool b_const, uint8_t* out, size_t n) {
  const bool a_lc = a.type->id() == TypeId::kLowCardinality;
  if (b_const) {
    absl::string_view y = StringOf(b, 0);
    if (a_lc && a.dictionary->size() <= n) {
      // Once per dictionary entry, then through the indexes.
      const Column& dict = *a.dictionary;
      std::vector<uint8_t> table(dict.size());
      for (size_t k = 0; k < dict.size(); ++k) table[k] = FromOrder(op, Order(dict.StringAt(k), y));
      switch (a.index_width) {
        case 1:
          MapIndexes<uint8_t>(a, table.data(), out, n);
          break;
        case 2:
          MapIndexes<uint16_t>(a, table.data(), out, n);
          break;
        default:
          MapIndexes<uint32_t>(a, table.data(), out, n);
          break;
      }
      return;
    }
    if (!a_lc && (op == Cmp::kEq || op == Cmp::kNe)) {
      const uint8_t want = op == Cmp::kEq;
      const uint64_t* offsets = a.offsets.data();
      const char* chars = reinterpret_cast<const char*>(a.chars.data());
      uint64_t begin = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t end = offsets[i];
        bool eq = end - begin == y.size() && (y.empty() || std::memcmp(chars + begin, y.data(), y.size()) == 0);
        out[i] = eq == want;
        begin = end;
      }
      return;
    }
    for (size_t i = 0; i < n; ++i) out[i] = FromOrder(op, Order(StringOf(a, i), y));
    return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = FromOrder(op, Order(StringOf(a, i), StringOf(b, i)));
}

void CompareUuids(Cmp op, const Column& a, const Column& b, bool b_const, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    int c = std::memcmp(a.data.data() + i * 16, b.data.data() + (b_const ? 0 : i) * 16, 16);
    out[i] = FromOrder(op, c < 0 ? -1 : c > 0);
  }
}

void CompareValues(Cmp op, const Column& a, const Column& b, bool b_const, uint8_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = FromOrder(op, format::CompareValues(a.GetValue(i), b.GetValue(b_const ? 0 : i)));
  }
}

enum class Kind { kNumber, kString, kUuid, kValue };

// Compares non-Nullable values (LowCardinality(Nullable) rows compare as '').
Column Compare(Kind kind, Cmp op, ColumnArg a, ColumnArg b, size_t rows) {
  if (a.is_const && !b.is_const) {
    std::swap(a, b);
    op = Swapped(op);
  }
  const bool both_const = a.is_const;
  const size_t n = both_const ? 1 : rows;
  Column out = AllocateFixed(TypeOf(TypeId::kUInt8), n);
  uint8_t* o = out.data.data();
  switch (kind) {
    case Kind::kNumber:
      CompareNumbers(op, *a.column, *b.column, b.is_const, o, n);
      break;
    case Kind::kString:
      CompareStrings(op, *a.column, *b.column, b.is_const, o, n);
      break;
    case Kind::kUuid:
      CompareUuids(op, *a.column, *b.column, b.is_const, o, n);
      break;
    case Kind::kValue:
      CompareValues(op, *a.column, *b.column, b.is_const, o, n);
      break;
  }
  if (both_const) return Materialize(ColumnArg{&out, true}, rows);
  return out;
}

// The NULL rows of a (converted) side; false when it cannot be NULL.
bool SideNulls(const ColumnArg& arg, size_t rows, PodVector<uint8_t>* out) {
  const Column& c = *arg.column;
  if (c.type->id() == TypeId::kNullable) {
    NullableView view = UnwrapNullable(arg);
    return UnionNulls(absl::MakeConstSpan(&view, 1), rows, out);
  }
  if (!c.type->is_nullable_low_cardinality()) return false;
  out->resize(rows);
  for (size_t i = 0; i < rows; ++i) (*out)[i] = c.IndexAt(arg.row(i)) == 0;
  return true;
}

// One side of the comparison as bound.
struct Side {
  DataTypePtr type;                        // without Nullable
  std::shared_ptr<const Column> constant;  // converted at bind time
  DataTypePtr convert_to;                  // convert each block to this (nullptr: as is)
  int seconds_of_ticks = -1;  // >= 0: DateTime64 ticks of this precision, compared as Float64 seconds
};

// DateTime64 ticks as Float64 seconds (against a float, as ClickHouse compares a Decimal).
Column TicksAsSeconds(const ColumnArg& ticks, int precision) {
  const size_t n = ticks.column->size();
  Column out = AllocateFixed(TypeOf(TypeId::kFloat64), n);
  const double scale = static_cast<double>(Pow10(precision));
  const int64_t* in = ticks.column->values<int64_t>();
  double* seconds = MutableValues<double>(out);
  for (size_t i = 0; i < n; ++i) seconds[i] = static_cast<double>(in[i]) / scale;
  return out;
}

struct Plan {
  std::string name;
  Cmp op;
  Kind kind;
  Side side[2];
  FunctionContext context;
};

absl::StatusOr<Column> Execute(const Plan& plan, absl::Span<const ColumnArg> args, bool nullable, size_t rows) {
  Column converted[2];
  ColumnArg arg[2];
  for (int s = 0; s < 2; ++s) {
    const Side& side = plan.side[s];
    arg[s] = side.constant ? ColumnArg{side.constant.get(), true} : args[s];
    if (side.convert_to) {
      DataTypePtr to = IsNullableType(*arg[s].column->type) ? MakeNullable(side.convert_to) : side.convert_to;
      TALLY_ASSIGN_OR_RETURN(converted[s], ConvertArg(arg[s], to, plan.context, plan.name));
      arg[s].column = &converted[s];
    }
  }
  ColumnArg values[2] = {UnwrapNullable(arg[0]).values, UnwrapNullable(arg[1]).values};
  Column seconds[2];
  for (int s = 0; s < 2; ++s) {
    if (plan.side[s].seconds_of_ticks < 0) continue;
    seconds[s] = TicksAsSeconds(values[s], plan.side[s].seconds_of_ticks);
    values[s].column = &seconds[s];
  }
  Column result = Compare(plan.kind, plan.op, values[0], values[1], rows);
  if (!nullable) return result;
  PodVector<uint8_t> nulls, other;
  if (!SideNulls(arg[0], rows, &nulls)) nulls.resize(rows, 0);
  if (SideNulls(arg[1], rows, &other)) {
    for (size_t i = 0; i < rows; ++i) nulls[i] |= other[i];
  }
  return WrapNullable(std::move(result), std::move(nulls));
}

// Makes side `s` of type `to`: a constant now, a column block by block.
absl::Status Retype(const Plan& plan, const ArgInfo& info, Side* side, const DataTypePtr& to) {
  if (side->type->Equals(*to)) return absl::OkStatus();
  const Column* constant = side->constant ? side->constant.get() : info.constant;
  if (constant != nullptr) {
    DataTypePtr target = IsNullableType(*constant->type) ? MakeNullable(to) : to;
    TALLY_ASSIGN_OR_RETURN(Column c, ConvertColumn(*constant, target, plan.context, plan.name));
    side->constant = std::make_shared<const Column>(std::move(c));
  } else {
    side->convert_to = to;
  }
  side->type = to;
  return absl::OkStatus();
}

// Every row `answer` (a string constant with no value in the other side's type: '300'
// against UInt8), NULL where the other side (`other`) is NULL.
std::unique_ptr<BoundFunction> ConstantAnswer(bool answer, absl::Span<const ArgInfo> args, int other) {
  const bool nullable = IsNullableType(*args[other].type);
  DataTypePtr type = nullable ? DataType::Nullable(TypeOf(TypeId::kUInt8)) : TypeOf(TypeId::kUInt8);
  return std::make_unique<LambdaFunction>(type, [answer, nullable, other](absl::Span<const ColumnArg> a,
                                                                          size_t rows) -> absl::StatusOr<Column> {
    Column out = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
    std::memset(out.data.data(), answer ? 1 : 0, rows);
    if (!nullable) return out;
    PodVector<uint8_t> nulls;
    if (!SideNulls(a[other], rows, &nulls)) nulls.resize(rows, 0);
    return WrapNullable(std::move(out), std::move(nulls));
  });
}

FunctionFactory ComparisonFactory(Cmp op, std::string name) {
  return [op, name](absl::Span<const ArgInfo> args,
                    const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    const DataTypePtr nullable_result = DataType::Nullable(TypeOf(TypeId::kUInt8));
    if (IsNullLiteral(args[0]) || IsNullLiteral(args[1])) {
      return std::make_unique<LambdaFunction>(nullable_result, [nullable_result](absl::Span<const ColumnArg>, size_t rows) {
        Column out = Column::Make(nullable_result);
        for (size_t i = 0; i < rows; ++i) out.AppendDefault();
        return absl::StatusOr<Column>(std::move(out));
      });
    }
    auto plan = std::make_shared<Plan>();
    plan->name = name;
    plan->op = op;
    plan->context = context;
    for (int s = 0; s < 2; ++s) plan->side[s].type = StripNullable(args[s].type);
    auto cannot = [&] {
      return CodedError(ErrorCode::kIllegalTypeOfArgument,
                        absl::StrCat(name, ": Illegal types of arguments (`", args[0].type->ToString(),
                                     "`, `", args[1].type->ToString(), "`) of function `", name, "`"));
    };
    auto comparable_with_string = [](const DataType& t) { return IsNumberLike(t) || t.id() == TypeId::kUUID; };
    bool str0 = IsStringLike(*plan->side[0].type), str1 = IsStringLike(*plan->side[1].type);
    if (str0 != str1) {
      int s = str0 ? 0 : 1;
      const DataTypePtr other = plan->side[1 - s].type;
      if (args[s].constant == nullptr) {
        return CodedError(ErrorCode::kNoCommonType, absl::StrCat(
            name, ": There is no supertype for types ", StripLowCardinality(args[0].type)->ToString(), ", ",
            StripLowCardinality(args[1].type)->ToString(),
            " because some of them are String/FixedString/Enum and some of them are not"));
      }
      if (!comparable_with_string(*other)) return cannot();
      auto converted = ConvertConstant(*args[s].constant, other, ConstantUse::kComparison, context);
      if (!converted.ok()) {
        // Raised by binding unless folding drops the comparison, as in ClickHouse: `0 AND
        // d = '2026-10-10 10:00:00'` and toTypeName(d = 'x') raise nothing.
        const bool nullable = IsNullableType(*args[0].type) || IsNullableType(*args[1].type);
        return MakeDeferredError(
            nullable ? DataType::Nullable(TypeOf(TypeId::kUInt8)) : TypeOf(TypeId::kUInt8),
            WithMessage(converted.status(), absl::StrCat(name, ": ", converted.status().message())));
      }
      if (!converted->has_value()) return ConstantAnswer(op == Cmp::kNe, args, 1 - s);
      plan->side[s].constant = std::make_shared<const Column>(std::move(**converted));
      plan->side[s].type = other;
    }
    // A time against a plain number: DateTime compares seconds, DateTime64 takes the number
    // as seconds of its type, and Date refuses, as ClickHouse does.
    for (int s = 0; s < 2; ++s) {
      const DataTypePtr time = plan->side[s].type;
      if (!time->is_time() || !IsNumber(*plan->side[1 - s].type)) continue;
      if (time->id() == TypeId::kDate) return cannot();
      if (time->id() == TypeId::kDateTime64 && plan->side[1 - s].type->is_float()) {
        plan->side[s].seconds_of_ticks = time->precision();
        plan->side[s].type = TypeOf(TypeId::kFloat64);
      } else if (time->id() == TypeId::kDateTime64) {
        TALLY_RETURN_IF_ERROR(Retype(*plan, args[1 - s], &plan->side[1 - s], time));
      }
    }
    const DataType& t0 = *plan->side[0].type;
    const DataType& t1 = *plan->side[1].type;
    if (str0 && str1) {
      plan->kind = Kind::kString;
    } else if (t0.is_time() && t1.is_time()) {
      DataTypePtr pair[] = {plan->side[0].type, plan->side[1].type};
      TALLY_ASSIGN_OR_RETURN(DataTypePtr common, CommonSupertype(pair, name));
      // Zones do not change the stored instant; only the kind and precision matter.
      for (int s = 0; s < 2; ++s) {
        const DataType& t = *plan->side[s].type;
        if (t.id() != common->id() || t.precision() != common->precision()) {
          TALLY_RETURN_IF_ERROR(Retype(*plan, args[s], &plan->side[s], common));
        }
      }
      plan->kind = Kind::kNumber;
    } else if (IsNumberLike(t0) && IsNumberLike(t1)) {
      plan->kind = Kind::kNumber;
    } else if (t0.id() == TypeId::kUUID && t1.id() == TypeId::kUUID) {
      plan->kind = Kind::kUuid;
    } else if (t0.id() == t1.id() && (t0.id() == TypeId::kArray || t0.id() == TypeId::kMap)) {
      DataTypePtr pair[] = {plan->side[0].type, plan->side[1].type};
      if (!CommonSupertype(pair, name).ok()) return cannot();
      plan->kind = Kind::kValue;
    } else {
      return cannot();
    }
    bool nullable = IsNullableType(*args[0].type) || IsNullableType(*args[1].type);
    return std::make_unique<LambdaFunction>(nullable ? nullable_result : TypeOf(TypeId::kUInt8),
                                            [plan, nullable](absl::Span<const ColumnArg> a, size_t rows) {
                                              return Execute(*plan, a, nullable, rows);
                                            });
  };
}

}  // namespace

void RegisterComparisonFunctions(FunctionRegistry& registry) {
  registry.Register("equals", ComparisonFactory(Cmp::kEq, "equals"));
  registry.Register("notEquals", ComparisonFactory(Cmp::kNe, "notEquals"));
  registry.Register("less", ComparisonFactory(Cmp::kLt, "less"));
  registry.Register("greater", ComparisonFactory(Cmp::kGt, "greater"));
  registry.Register("lessOrEquals", ComparisonFactory(Cmp::kLe, "lessOrEquals"));
  registry.Register("greaterOrEquals", ComparisonFactory(Cmp::kGe, "greaterOrEquals"));
}

}  // namespace tally::engine::exec
