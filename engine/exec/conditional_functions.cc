// Conditional functions: if, multiIf, coalesce, ifNull, nullIf, isNull, isNotNull,
// assumeNotNull, greatest, least.
//
// Branches are converted to their common supertype (engine/exec/function_util.h: numbers
// widen, String with LowCardinality(String) is String, a NULL literal makes the result
// Nullable); each row's source is then chosen and the result assembled in one gather. A
// condition is true when non-zero and not NULL. if/multiIf short-circuit: a branch is read
// only on the rows that take it (ShortCircuitMultiIf::RowsNeeding).
#include <cmath>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

constexpr uint32_t kNone = kDefaultSource;

// An argument converted to `to` (one row when constant).
absl::StatusOr<Column> ConvertBranch(const ColumnArg& arg, bool null_literal, const DataTypePtr& to,
                                     const FunctionContext& context, absl::string_view name) {
  if (null_literal) {
    Column c = Column::Make(to);
    c.AppendDefault();
    return c;
  }
  return ConvertArg(arg, to, context, name);
}

// Arguments converted to one type; those already of that type are used in place.
class Branches {
 public:
  explicit Branches(size_t n) { owned_.reserve(n); }

  absl::Status Add(const ColumnArg& arg, bool null_literal, const DataTypePtr& to, const FunctionContext& context,
                   absl::string_view name) {
    is_const_.push_back(arg.is_const || null_literal);
    if (!null_literal && arg.column->type->Equals(*to)) {
      columns_.push_back(arg.column);
      return absl::OkStatus();
    }
    TALLY_ASSIGN_OR_RETURN(Column c, ConvertBranch(arg, null_literal, to, context, name));
    owned_.push_back(std::move(c));  // reserved: pointers stay valid
    columns_.push_back(&owned_.back());
    return absl::OkStatus();
  }

  size_t size() const { return columns_.size(); }
  ColumnArg operator[](size_t k) const { return ColumnArg{columns_[k], is_const_[k]}; }

  // Rows by choice (kNone: the default value, NULL for Nullable types).
  Column Pick(const DataTypePtr& type, absl::Span<const uint32_t> choice) const {
    switch (type->fixed_width()) {  // the common case, without a row index array
      case 1:
        return PickFixed<1>(type, choice);
      case 2:
        return PickFixed<2>(type, choice);
      case 4:
        return PickFixed<4>(type, choice);
      case 8:
        return PickFixed<8>(type, choice);
      default:
        break;
    }
    std::vector<uint64_t> rows(choice.size());
    for (size_t i = 0; i < choice.size(); ++i) rows[i] = choice[i] != kNone && is_const_[choice[i]] ? 0 : i;
    return GatherRows(type, columns_, choice, rows);
  }

 private:
  template <size_t W>
  Column PickFixed(const DataTypePtr& type, absl::Span<const uint32_t> choice) const {
    Column out = AllocateFixed(type, choice.size());
    uint8_t* o = out.data.data();
    for (size_t i = 0; i < choice.size(); ++i) {
      uint32_t k = choice[i];
      if (k == kNone) {
        std::memset(o + i * W, 0, W);
      } else {
        std::memcpy(o + i * W, columns_[k]->data.data() + (is_const_[k] ? 0 : i) * W, W);
      }
    }
    return out;
  }

  std::vector<Column> owned_;
  std::vector<const Column*> columns_;
  std::vector<bool> is_const_;
};

// Condition truth per row: non-zero and not NULL.
absl::Status Truth(absl::string_view name, size_t index, const ColumnArg& arg, size_t rows, uint8_t* out) {
  NullableView v = UnwrapNullable(arg);
  const Column& c = *v.values.column;
  if (c.type->is_nullable_low_cardinality() || !DispatchNumeric(c.type->id(), [&](auto tag) {
        using T = decltype(tag);
        const T* x = c.values<T>();
        for (size_t r = 0; r < rows; ++r) out[r] = x[v.values.row(r)] != 0 && !v.is_null(r);
      })) {
    return ArgTypeError(name, index, *arg.column->type, "a number");
  }
  return absl::OkStatus();
}

absl::Status CheckCondition(absl::string_view name, size_t index, const ArgInfo& arg) {
  if (IsNullLiteral(arg) || IsNumber(*StripNullable(arg.type))) return absl::OkStatus();
  return ArgTypeError(name, index, *arg.type, "a number (the condition)");
}

// multiIf reads a condition on the rows no condition before it took, a value on the rows
// its condition takes, and the else value on the rows no condition took.
class ShortCircuitMultiIf : public LambdaFunction {
 public:
  ShortCircuitMultiIf(DataTypePtr result, Kernel kernel, std::string name, std::vector<bool> condition_null)
      : LambdaFunction(std::move(result), std::move(kernel)),
        name_(std::move(name)),
        condition_null_(std::move(condition_null)) {}

  bool RowsNeeding(size_t k, absl::Span<const ColumnArg> before, size_t rows,
                   std::vector<uint8_t>* needed) const override {
    needed->assign(rows, 1);
    PodVector<uint8_t> truth(rows);
    const size_t conditions = k / 2;  // conditions at 0, 2, ... before argument k
    for (size_t j = 0; j <= conditions && j < condition_null_.size() && 2 * j < before.size(); ++j) {
      const bool own = j == conditions;  // value k's own condition (k odd) must be true
      if (own && k % 2 == 0) break;
      if (condition_null_[j]) {
        if (own) std::fill(needed->begin(), needed->end(), 0);
        continue;
      }
      if (!Truth(name_, 2 * j, before[2 * j], rows, truth.data()).ok()) return false;
      for (size_t r = 0; r < rows; ++r) (*needed)[r] &= own ? truth[r] : truth[r] ^ 1;
    }
    return true;
  }

 private:
  std::string name_;
  std::vector<bool> condition_null_;
};

// multiIf(c1, v1, ..., else); if(c, a, b) is multiIf with one condition.
FunctionFactory MultiIfFactory(std::string name) {
  return [name](absl::Span<const ArgInfo> args,
                const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (name == "if" && args.size() != 3) return ArgCountError(name, "3", args.size());
    if (args.size() < 3 || args.size() % 2 == 0) return ArgCountError(name, "an odd number (at least 3) of", args.size());
    std::vector<ArgInfo> values;
    std::vector<bool> null_literal;
    for (size_t k = 0; k < args.size(); ++k) {
      bool is_value = k % 2 == 1 || k + 1 == args.size();
      if (!is_value) {
        TALLY_RETURN_IF_ERROR(CheckCondition(name, k, args[k]));
        continue;
      }
      values.push_back(args[k]);
      null_literal.push_back(IsNullLiteral(args[k]));
    }
    std::vector<bool> condition_null;
    for (size_t k = 0; k + 1 < args.size(); k += 2) condition_null.push_back(IsNullLiteral(args[k]));
    TALLY_ASSIGN_OR_RETURN(DataTypePtr result, CommonSupertypeOfArgs(values, name));
    return std::make_unique<ShortCircuitMultiIf>(
        result, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          const size_t branches = null_literal.size();
          std::vector<uint32_t> choice(rows, kNone);
          PodVector<uint8_t> truth(rows);
          for (size_t k = 0; k + 1 < branches; ++k) {
            if (condition_null[k]) continue;
            TALLY_RETURN_IF_ERROR(Truth(name, 2 * k, a[2 * k], rows, truth.data()));
            for (size_t r = 0; r < rows; ++r) {
              if (choice[r] == kNone && truth[r]) choice[r] = static_cast<uint32_t>(k);
            }
          }
          for (uint32_t& c : choice) {
            if (c == kNone) c = static_cast<uint32_t>(branches - 1);
          }
          Branches values(branches);
          for (size_t k = 0; k < branches; ++k) {
            const ColumnArg& v = a[k + 1 < branches ? 2 * k + 1 : a.size() - 1];
            TALLY_RETURN_IF_ERROR(values.Add(v, null_literal[k], result, context, name));
          }
          return values.Pick(result, choice);
        },
        name, condition_null);
  };
}

// NULL rows of an argument (Nullable or LowCardinality(Nullable)); false when none can be.
bool NullRows(const ColumnArg& arg, size_t rows, std::vector<uint8_t>* out) {
  const Column& c = *arg.column;
  out->assign(rows, 0);
  if (c.type->id() == TypeId::kNullable) {
    for (size_t r = 0; r < rows; ++r) (*out)[r] = c.nulls[arg.row(r)];
    return true;
  }
  if (c.type->is_nullable_low_cardinality()) {
    for (size_t r = 0; r < rows; ++r) (*out)[r] = c.IndexAt(arg.row(r)) == 0;
    return true;
  }
  return false;
}

// coalesce(x, ...): the first non-NULL argument; ifNull(x, alt) is coalesce(x, alt). The
// result type is the supertype of the arguments up to the first non-Nullable one.
FunctionFactory CoalesceFactory(std::string name) {
  return [name](absl::Span<const ArgInfo> args,
                const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (name == "ifNull" && args.size() != 2) return ArgCountError(name, "2", args.size());
    if (args.empty()) return ArgCountError(name, "at least 1", 0);
    std::vector<bool> null_literal;
    std::vector<DataTypePtr> types;
    std::vector<ArgInfo> reached;  // the value types, with constants (UInt64 literals count as Int64)
    bool any_not_nullable = false;
    for (const ArgInfo& arg : args) {
      // As ClickHouse, arguments after the first that cannot be NULL are never reached and
      // take no part in the result type (coalesce(1, 'a') is UInt8): treat them as NULL.
      null_literal.push_back(any_not_nullable || IsNullLiteral(arg));
      if (null_literal.back()) continue;
      types.push_back(StripLowCardinality(StripNullable(arg.type)));
      if (!IsNullableType(*arg.type)) any_not_nullable = true;
      types.back() = StripNullable(types.back());
      reached.push_back(ArgInfo{types.back(), arg.constant});
    }
    if (types.empty()) {
      DataTypePtr t = args[0].type;
      return std::make_unique<LambdaFunction>(t, [t](absl::Span<const ColumnArg>, size_t rows) {
        Column c = Column::Make(t);
        for (size_t r = 0; r < rows; ++r) c.AppendDefault();
        return absl::StatusOr<Column>(std::move(c));
      });
    }
    TALLY_ASSIGN_OR_RETURN(DataTypePtr base, CommonSupertypeOfArgs(reached, name));
    if (!CanBeInsideNullable(*base)) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", base->ToString(), " values cannot be NULL"));
    }
    DataTypePtr pick_type = DataType::Nullable(base);
    DataTypePtr result = any_not_nullable ? base : pick_type;
    return std::make_unique<LambdaFunction>(
        result, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          std::vector<uint32_t> choice(rows, kNone);
          std::vector<uint8_t> nulls;
          for (size_t k = 0; k < a.size(); ++k) {
            if (null_literal[k]) continue;
            bool can_be_null = NullRows(a[k], rows, &nulls);
            for (size_t r = 0; r < rows; ++r) {
              if (choice[r] == kNone && (!can_be_null || !nulls[r])) choice[r] = static_cast<uint32_t>(k);
            }
          }
          Branches values(a.size());
          for (size_t k = 0; k < a.size(); ++k) {
            TALLY_RETURN_IF_ERROR(values.Add(a[k], null_literal[k], pick_type, context, name));
          }
          Column picked = values.Pick(pick_type, choice);
          if (!any_not_nullable) return picked;
          return std::move(picked.children[0]);  // every row found a non-NULL value
        });
  };
}

// nullIf(x, y): NULL when x = y, else x.
absl::StatusOr<std::unique_ptr<BoundFunction>> BindNullIf(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.size() != 2) return ArgCountError("nullIf", "2", args.size());
  if (!CanBeInsideNullable(*StripNullable(StripLowCardinality(args[0].type)))) {
    return ArgTypeError("nullIf", 0, *args[0].type, "a type that can be NULL");
  }
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<BoundFunction> bound_equals, BindFunction("equals", args, context));
  std::shared_ptr<const BoundFunction> equals = std::move(bound_equals);
  DataTypePtr result = MakeNullable(StripLowCardinality(args[0].type));
  bool null_literal = IsNullLiteral(args[0]);
  return std::make_unique<LambdaFunction>(
      result, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        TALLY_ASSIGN_OR_RETURN(Column eq, equals->Execute(a, rows));
        TALLY_ASSIGN_OR_RETURN(Column x, ConvertBranch(a[0], null_literal, result, context, "nullIf"));
        if (a[0].is_const) x = Materialize(ColumnArg{&x, true}, rows);
        NullableView e = UnwrapNullable(ColumnArg{&eq, false});
        const uint8_t* hit = e.values.column->data.data();
        for (size_t r = 0; r < rows; ++r) {
          if (hit[r] && !e.is_null(r)) x.nulls[r] = 1;
        }
        return x;
      });
}

// isNull / isNotNull.
FunctionFactory IsNullFactory(bool want_null, std::string name) {
  return [want_null, name](absl::Span<const ArgInfo> args,
                           const FunctionContext&) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    bool literal = IsNullLiteral(args[0]);
    // A value that cannot be NULL is a constant answer, its argument never evaluated (as
    // ClickHouse: isNull(intDiv(1, x)) fails on no row).
    const bool type_only = !literal && !IsNullableType(*args[0].type);
    auto kernel = [want_null, literal](absl::Span<const ColumnArg> a, size_t rows) {
      Column out = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
      std::vector<uint8_t> nulls;
      bool can_be_null = NullRows(a[0], rows, &nulls);
      for (size_t r = 0; r < rows; ++r) {
        bool is_null = literal || (can_be_null && nulls[r]);
        out.data[r] = is_null == want_null;
      }
      return absl::StatusOr<Column>(std::move(out));
    };
    if (type_only) return std::make_unique<TypeOnlyFunction>(TypeOf(TypeId::kUInt8), kernel);
    return std::make_unique<LambdaFunction>(TypeOf(TypeId::kUInt8), kernel);
  };
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindAssumeNotNull(absl::Span<const ArgInfo> args, const FunctionContext&) {
  if (args.size() != 1) return ArgCountError("assumeNotNull", "1", args.size());
  const DataTypePtr& t = args[0].type;
  // LowCardinality(Nullable(String)) gives String (ClickHouse: LowCardinality(String)).
  DataTypePtr result = t->is_nullable_low_cardinality() ? TypeOf(TypeId::kString) : StripNullable(t);
  return std::make_unique<LambdaFunction>(result, [result](absl::Span<const ColumnArg> a, size_t rows) {
    const Column& c = *a[0].column;
    Column values;
    if (c.type->id() == TypeId::kNullable) {
      values = c.children[0];
    } else if (c.type->is_nullable_low_cardinality()) {
      std::vector<uint64_t> index(c.size());
      for (size_t i = 0; i < index.size(); ++i) index[i] = c.IndexAt(i);  // entry 0 (NULL) is ''
      const Column* dict = c.dictionary.get();
      values = GatherRows(result, absl::MakeConstSpan(&dict, 1), {}, index);
    } else {
      values = c;
    }
    return absl::StatusOr<Column>(a[0].is_const ? Materialize(ColumnArg{&values, true}, rows) : std::move(values));
  });
}

// Chooses, per row, the argument with the greatest (or least) non-NULL value.
template <typename Better>
void ChooseBest(const Branches& values, size_t rows, std::vector<uint32_t>* choice, Better better) {
  for (size_t k = 0; k < values.size(); ++k) {
    NullableView v = UnwrapNullable(values[k]);
    for (size_t r = 0; r < rows; ++r) {
      if (v.is_null(r)) continue;
      uint32_t best = (*choice)[r];
      if (best == kNone || better(*v.values.column, v.values.row(r), best, r)) (*choice)[r] = static_cast<uint32_t>(k);
    }
  }
}

// greatest/least of two non-Nullable integers, one UInt64 and one signed: ClickHouse's
// binary form compares them exactly and answers in UInt64 (greatest with Int64), Int64
// (least with Int64) or Int128 (narrower signed types; tally has no Int128).
absl::StatusOr<std::unique_ptr<BoundFunction>> BindExtremeOfMixedSign(bool greatest, const std::string& name,
                                                                      absl::Span<const ArgInfo> args) {
  const DataType& a = *args[0].type;
  const DataType& b = *args[1].type;
  const DataType& signed_type = a.is_signed() ? a : b;
  if (signed_type.id() != TypeId::kInt64) {
    return absl::UnimplementedError(absl::StrCat(name, ": the common type of ", a.ToString(), " and ", b.ToString(),
                                                 " is Int128, which is not supported yet"));
  }
  DataTypePtr result = TypeOf(greatest ? TypeId::kUInt64 : TypeId::kInt64);
  return std::make_unique<LambdaFunction>(result, [greatest, result](absl::Span<const ColumnArg> a,
                                                                     size_t rows) -> absl::StatusOr<Column> {
    auto value = [&](size_t k, size_t r) -> __int128 {
      const Column& c = *a[k].column;
      const size_t row = a[k].row(r);
      return c.type->id() == TypeId::kUInt64 ? __int128{c.values<uint64_t>()[row]}
                                              : __int128{c.values<int64_t>()[row]};
    };
    Column out = AllocateFixed(result, rows);
    int64_t* o = MutableValues<int64_t>(out);  // UInt64 or Int64: the same bits
    for (size_t r = 0; r < rows; ++r) {
      const __int128 x = value(0, r), y = value(1, r);
      o[r] = static_cast<int64_t>(greatest ? (x > y ? x : y) : (x < y ? x : y));
    }
    return out;
  });
}

FunctionFactory ExtremeFactory(bool greatest, std::string name) {
  return [greatest, name](absl::Span<const ArgInfo> args,
                          const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() < 2) return ArgCountError(name, "at least 2", args.size());
    if (args.size() == 2 && args[0].type->is_integer() && args[1].type->is_integer() &&
        args[0].type->is_signed() != args[1].type->is_signed() &&
        (args[0].type->id() == TypeId::kUInt64 || args[1].type->id() == TypeId::kUInt64)) {
      return BindExtremeOfMixedSign(greatest, name, args);
    }
    TALLY_ASSIGN_OR_RETURN(DataTypePtr result, CommonSupertypeOfArgs(args, name));
    if (result->id() == TypeId::kBool || (result->id() == TypeId::kNullable && result->child(0).id() == TypeId::kBool &&
                                          std::none_of(args.begin(), args.end(), IsNullLiteral))) {
      // ClickHouse compares Bools as numbers here: greatest(b, b) is UInt8 (but a NULL
      // argument keeps Nullable(Bool)).
      result = result->id() == TypeId::kBool ? TypeOf(TypeId::kUInt8) : DataType::Nullable(TypeOf(TypeId::kUInt8));
    }
    const DataType& base = *StripLowCardinality(StripNullable(result));
    const DataType& value_type = base.id() == TypeId::kNullable ? base.child(0) : base;
    if (!IsNumberLike(value_type) && value_type.id() != TypeId::kString && value_type.id() != TypeId::kUUID) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": cannot order values of type ", result->ToString()));
    }
    std::vector<bool> null_literal;
    bool any_nullable = false;
    for (const ArgInfo& a : args) {
      null_literal.push_back(IsNullLiteral(a));
      any_nullable = any_nullable || IsNullLiteral(a) || IsNullableType(*a.type);
    }
    // As ClickHouse: two arguments that cannot be NULL take a > b ? a : b (a < b ? a : b),
    // so greatest(2., nan) is nan, greatest(nan, 2.) 2 and greatest(0., -0.) -0; otherwise
    // the first of the best values wins and NaN loses to any number.
    const bool binary = args.size() == 2 && !any_nullable;
    return std::make_unique<LambdaFunction>(
        result, [=](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          Branches values(a.size());
          for (size_t k = 0; k < a.size(); ++k) {
            TALLY_RETURN_IF_ERROR(values.Add(a[k], null_literal[k], result, context, name));
          }
          std::vector<uint32_t> choice(rows, kNone);
          auto value_of = [&](uint32_t k) { return UnwrapNullable(values[k]).values; };
          const DataType& vt = *value_of(0).column->type;
          if (IsNumberLike(vt)) {
            DispatchNumeric(vt.id(), [&](auto tag) {
              using T = decltype(tag);
              ChooseBest(values, rows, &choice, [&](const Column& c, size_t row, uint32_t best, size_t r) {
                ColumnArg b = value_of(best);
                T x = c.values<T>()[row], y = b.column->values<T>()[b.row(r)];
                if (binary) return greatest ? !(y > x) : !(y < x);
                if constexpr (std::is_floating_point_v<T>) {
                  if (std::isnan(x) || std::isnan(y)) return std::isnan(y) && !std::isnan(x);
                }
                return greatest ? y < x : x < y;
              });
            });
          } else {
            ChooseBest(values, rows, &choice, [&](const Column& c, size_t row, uint32_t best, size_t r) {
              ColumnArg b = value_of(best);
              int order;
              if (vt.id() == TypeId::kUUID) {
                order = std::memcmp(c.data.data() + row * 16, b.column->data.data() + b.row(r) * 16, 16);
              } else {
                auto str = [](const Column& s, size_t i) {
                  return s.type->id() == TypeId::kString ? s.StringAt(i) : s.dictionary->StringAt(s.IndexAt(i));
                };
                order = str(c, row).compare(str(*b.column, b.row(r)));
              }
              return greatest ? order > 0 : order < 0;
            });
          }
          return values.Pick(result, choice);
        });
  };
}

}  // namespace

void RegisterConditionalFunctions(FunctionRegistry& registry) {
  registry.Register("if", MultiIfFactory("if"), /*case_insensitive=*/true);
  registry.Register("multiIf", MultiIfFactory("multiIf"));
  registry.Register("coalesce", CoalesceFactory("coalesce"), /*case_insensitive=*/true);
  registry.Register("ifNull", CoalesceFactory("ifNull"), /*case_insensitive=*/true);
  registry.Register("nullIf", BindNullIf, /*case_insensitive=*/true);
  registry.Register("isNull", IsNullFactory(true, "isNull"), /*case_insensitive=*/true);
  registry.Register("isNotNull", IsNullFactory(false, "isNotNull"), /*case_insensitive=*/true);
  registry.Register("assumeNotNull", BindAssumeNotNull);
  registry.Register("greatest", ExtremeFactory(true, "greatest"), /*case_insensitive=*/true);
  registry.Register("least", ExtremeFactory(false, "least"), /*case_insensitive=*/true);
  RegisterCaseWithExpression(registry);
}

}  // namespace tally::engine::exec
