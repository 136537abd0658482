// Logical functions: and, or (variadic), xor, not -> UInt8, or Bool when any argument is a
// Bool (ClickHouse's rule: b AND 1 is Bool, NOT 1 UInt8). Any number is true when non-zero.
// NULL follows ClickHouse's three-valued logic: and() is 0 when any argument is
// 0, else NULL when any is NULL; or() is 1 when any argument is 1, else NULL when any is
// NULL; xor() and not() are NULL when an argument is. A Nullable (or NULL literal)
// argument makes the result Nullable(UInt8). and/or short-circuit: an argument is read
// only on the rows the ones before it leave undecided (RowsNeeding).
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

enum class Logic { kAnd, kOr, kXor, kNot };

template <Logic op>
inline void Step(uint8_t t, uint8_t is_null, uint8_t* acc) {
  if constexpr (op == Logic::kAnd) {
    *acc &= is_null | t;  // acc: no 0 seen yet
  } else if constexpr (op == Logic::kOr) {
    *acc |= (is_null ^ 1) & t;  // acc: a 1 seen
  } else {
    *acc ^= t;  // parity (xor), or the value (not)
  }
}

// Folds one argument into the accumulators (Run's final loop says what they mean).
template <Logic op, typename T>
void Fold(const T* v, bool is_const, const uint8_t* nulls, uint8_t* acc, uint8_t* nul, size_t n) {
  if (is_const) {
    const uint8_t t = v[0] != 0, is_null = nulls != nullptr && nulls[0];
    for (size_t r = 0; r < n; ++r) Step<op>(t, is_null, &acc[r]);
    if (is_null) std::memset(nul, 1, n);
  } else if (nulls == nullptr) {
    for (size_t r = 0; r < n; ++r) Step<op>(v[r] != 0, 0, &acc[r]);
  } else {
    for (size_t r = 0; r < n; ++r) {
      Step<op>(v[r] != 0, nulls[r], &acc[r]);
      nul[r] |= nulls[r];
    }
  }
}

absl::StatusOr<Column> Run(Logic op, absl::Span<const ColumnArg> args, const std::vector<bool>& null_literal,
                           const DataTypePtr& value_type, bool nullable, size_t rows) {
  PodVector<uint8_t> acc(rows), nul(rows);
  std::memset(acc.data(), op == Logic::kAnd ? 1 : 0, rows);
  std::memset(nul.data(), 0, rows);
  for (size_t k = 0; k < args.size(); ++k) {
    if (null_literal[k]) {
      std::memset(nul.data(), 1, rows);
      continue;
    }
    NullableView view = UnwrapNullable(args[k]);
    DispatchNumeric(view.values.column->type->id(), [&](auto tag) {
      using T = decltype(tag);
      const T* v = view.values.column->values<T>();
      bool c = view.values.is_const;
      switch (op) {
        case Logic::kAnd:
          Fold<Logic::kAnd>(v, c, view.nulls, acc.data(), nul.data(), rows);
          break;
        case Logic::kOr:
          Fold<Logic::kOr>(v, c, view.nulls, acc.data(), nul.data(), rows);
          break;
        default:
          Fold<Logic::kXor>(v, c, view.nulls, acc.data(), nul.data(), rows);
          break;
      }
    });
  }
  Column out = AllocateFixed(value_type, rows);
  uint8_t* o = out.data.data();
  for (size_t r = 0; r < rows; ++r) {
    switch (op) {
      case Logic::kAnd:
        nul[r] &= acc[r];  // a 0 wins over NULL
        o[r] = acc[r] & (nul[r] ^ 1);
        break;
      case Logic::kOr:
        nul[r] &= acc[r] ^ 1;  // a 1 wins over NULL
        o[r] = acc[r];
        break;
      case Logic::kXor:
        o[r] = acc[r] & (nul[r] ^ 1);
        break;
      case Logic::kNot:
        o[r] = (acc[r] ^ 1) & (nul[r] ^ 1);
        break;
    }
  }
  if (!nullable) return out;
  return WrapNullable(std::move(out), std::move(nul));
}

// and/or read an argument only on the rows the arguments before it leave undecided: and
// stops at a 0, or at a 1; NULL decides nothing (a later 0 or 1 still wins over it).
class ShortCircuitLogic : public LambdaFunction {
 public:
  ShortCircuitLogic(DataTypePtr result, Kernel kernel, Logic op, std::vector<bool> null_literal)
      : LambdaFunction(std::move(result), std::move(kernel)), op_(op), null_literal_(std::move(null_literal)) {}

  bool RowsNeeding(size_t k, absl::Span<const ColumnArg> before, size_t rows,
                   std::vector<uint8_t>* needed) const override {
    needed->assign(rows, 1);
    const bool deciding = op_ == Logic::kOr;  // the value that decides the result
    for (size_t j = 0; j < k && j < before.size(); ++j) {
      if (null_literal_[j]) continue;
      NullableView view = UnwrapNullable(before[j]);
      bool numeric = DispatchNumeric(view.values.column->type->id(), [&](auto tag) {
        using T = decltype(tag);
        const T* v = view.values.column->values<T>();
        for (size_t r = 0; r < rows; ++r) {
          if (!view.is_null(r) && (v[view.values.row(r)] != 0) == deciding) (*needed)[r] = 0;
        }
      });
      if (!numeric) return false;
    }
    return true;
  }

 private:
  Logic op_;
  std::vector<bool> null_literal_;
};

// The result of and/or when a constant argument decides it (a non-NULL 0 for and, a
// non-NULL non-zero for or); none for xor and not.
std::optional<uint8_t> DecidedByConstant(Logic op, absl::Span<const ArgInfo> args) {
  if (op != Logic::kAnd && op != Logic::kOr) return std::nullopt;
  for (const ArgInfo& arg : args) {
    if (arg.constant == nullptr || IsNullLiteral(arg)) continue;
    NullableView view = UnwrapNullable(ColumnArg{arg.constant, true});
    if (view.is_null(0)) continue;
    bool truth = false;
    if (!DispatchNumeric(view.values.column->type->id(), [&](auto tag) {
          using T = decltype(tag);
          truth = view.values.column->values<T>()[0] != 0;
        })) {
      continue;
    }
    if (truth == (op == Logic::kOr)) return op == Logic::kOr ? 1 : 0;
  }
  return std::nullopt;
}

FunctionFactory LogicFactory(Logic op, std::string name) {
  return [op, name](absl::Span<const ArgInfo> args, const FunctionContext&) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (op == Logic::kNot && args.size() != 1) return ArgCountError(name, "1", args.size());
    if (op != Logic::kNot && args.size() < 2) return ArgCountError(name, "at least 2", args.size());
    bool nullable = false, any_bool = false;
    std::vector<bool> null_literal;
    for (size_t k = 0; k < args.size(); ++k) {
      null_literal.push_back(IsNullLiteral(args[k]));
      const DataTypePtr& t = StripNullable(args[k].type);
      nullable = nullable || args[k].type->id() == TypeId::kNullable;
      // ClickHouse's and/or are Bool when an argument is Bool itself: a Nullable(Bool) does
      // not count (toNullable(true) AND 1 is Nullable(UInt8)); xor and not count it.
      const bool strict = op == Logic::kAnd || op == Logic::kOr;
      any_bool = any_bool || (t->id() == TypeId::kBool && (!strict || t == args[k].type));
      if (!null_literal.back() && !IsNumber(*t)) return ArgTypeError(name, k, *args[k].type, "a number or Bool");
    }
    DataTypePtr value_type = TypeOf(any_bool ? TypeId::kBool : TypeId::kUInt8);
    DataTypePtr result = nullable ? DataType::Nullable(value_type) : value_type;
    if (std::optional<uint8_t> decided = DecidedByConstant(op, args)) {
      // and(x, 0) is 0 and or(x, 1) is 1 whatever x is: a constant, x never evaluated (as
      // ClickHouse's getConstantResultForNonConstArguments).
      const uint8_t value = *decided;
      return std::make_unique<TypeOnlyFunction>(result, [value, value_type, nullable](absl::Span<const ColumnArg>,
                                                                                      size_t rows) {
        Column out = AllocateFixed(value_type, rows);
        std::memset(out.data.data(), value, rows);
        if (!nullable) return absl::StatusOr<Column>(std::move(out));
        PodVector<uint8_t> nulls(rows);
        std::memset(nulls.data(), 0, rows);
        return absl::StatusOr<Column>(WrapNullable(std::move(out), std::move(nulls)));
      });
    }
    auto kernel = [op, null_literal, value_type, nullable](absl::Span<const ColumnArg> a, size_t rows) {
      return Run(op, a, null_literal, value_type, nullable, rows);
    };
    if (op == Logic::kAnd || op == Logic::kOr) {
      return std::make_unique<ShortCircuitLogic>(result, kernel, op, null_literal);
    }
    return std::make_unique<LambdaFunction>(result, kernel);
  };
}

}  // namespace

void RegisterLogicalFunctions(FunctionRegistry& registry) {
  registry.Register("and", LogicFactory(Logic::kAnd, "and"), /*case_insensitive=*/true);
  registry.Register("or", LogicFactory(Logic::kOr, "or"), /*case_insensitive=*/true);
  registry.Register("xor", LogicFactory(Logic::kXor, "xor"), /*case_insensitive=*/true);
  registry.Register("not", LogicFactory(Logic::kNot, "not"), /*case_insensitive=*/true);
}

}  // namespace tally::engine::exec
