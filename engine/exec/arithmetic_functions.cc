// Arithmetic: plus minus multiply divide intDiv modulo intDivOrZero moduloOrZero negate abs,
// with ClickHouse's result types (NumberTraits.h):
//   plus, multiply   signed if either is, float -> Float64, else the next wider integer
//                    than the wider argument (UInt8 + UInt8 -> UInt16, capped at 64 bits)
//   minus            as plus but always signed (UInt8 - UInt8 -> Int16)
//   divide           Float64
//   intDiv           the dividend's width, signed if either is; by zero is an error
//   modulo           the divisor's width (one wider when the dividend is signed), signed as
//                    the dividend; floats -> Float64 (a - trunc(a / b) * b); integer modulo
//                    by zero is an error
//   intDivOrZero, moduloOrZero: as intDiv and modulo, but 0 where those raise a division error
//   negate           signed, one wider for unsigned; abs: unsigned of the same width
// Integer results wrap as in ClickHouse (255 + 1 in UInt8 would wrap; the result type is
// UInt16, so it does not). Date/DateTime/DateTime64 plus or minus an integer moves by days
// or seconds; minus of two dates gives Int32 days, of two DateTime(64)s Int64 seconds (or
// ticks) — ClickHouse would give Int32 for DateTime too, which overflows past 68 years.
// Nullable arguments give a Nullable result, NULL where any argument is.
// As ClickHouse (throwIfDivisionLeadsToFPE), the smallest value of a signed type divided by
// -1 of a signed type is an error for intDiv and modulo (the quotient does not fit; the CPU
// traps on it), even where the result type is wider; intDiv of infinite or NaN floats, or
// with a quotient outside the result type, is one too.
//
// The comparison and logical functions register from here too (comparison_functions.cc,
// logical_functions.cc).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
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

enum class Op { kPlus, kMinus, kMultiply, kDivide, kIntDiv, kModulo };

const char* Verb(Op op) {
  switch (op) {
    case Op::kPlus:
      return "add";
    case Op::kMinus:
      return "subtract";
    case Op::kMultiply:
      return "multiply";
    case Op::kModulo:
      return "take the remainder of";
    default:
      return "divide";
  }
}

struct NumberInfo {
  bool is_float;
  bool is_signed;
  size_t size;
};

NumberInfo Info(const DataType& t) { return {t.is_float(), t.is_signed(), t.fixed_width()}; }
size_t Next(size_t size) { return std::min<size_t>(size * 2, 8); }

DataTypePtr Construct(bool is_signed, bool is_float, size_t size) {
  if (is_float) return TypeOf(size <= 4 ? TypeId::kFloat32 : TypeId::kFloat64);
  switch (size) {
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

// The same rules at compile time, for the kernels of plus, minus and multiply, which
// convert each value to the result type inside the loop.
template <bool kSigned, size_t kSize>
struct IntOf;
template <> struct IntOf<false, 1> { using Type = uint8_t; };
template <> struct IntOf<false, 2> { using Type = uint16_t; };
template <> struct IntOf<false, 4> { using Type = uint32_t; };
template <> struct IntOf<false, 8> { using Type = uint64_t; };
template <> struct IntOf<true, 1> { using Type = int8_t; };
template <> struct IntOf<true, 2> { using Type = int16_t; };
template <> struct IntOf<true, 4> { using Type = int32_t; };
template <> struct IntOf<true, 8> { using Type = int64_t; };

constexpr size_t NextSize(size_t a, size_t b) { return std::min<size_t>(std::max(a, b) * 2, 8); }

// plus and multiply (kAlwaysSigned = false), minus (true). Floats widen to Float64.
template <typename A, typename B, bool kAlwaysSigned>
using AdditiveResult =
    std::conditional_t<std::is_floating_point_v<A> || std::is_floating_point_v<B>, double,
                       typename IntOf<kAlwaysSigned || std::is_signed_v<A> || std::is_signed_v<B>,
                                      NextSize(sizeof(A), sizeof(B))>::Type>;

template <typename T>
TypeId IdOf() {
  if constexpr (std::is_same_v<T, double>) return TypeId::kFloat64;
  if constexpr (std::is_same_v<T, float>) return TypeId::kFloat32;
  if constexpr (std::is_same_v<T, uint8_t>) return TypeId::kUInt8;
  if constexpr (std::is_same_v<T, uint16_t>) return TypeId::kUInt16;
  if constexpr (std::is_same_v<T, uint32_t>) return TypeId::kUInt32;
  if constexpr (std::is_same_v<T, uint64_t>) return TypeId::kUInt64;
  if constexpr (std::is_same_v<T, int8_t>) return TypeId::kInt8;
  if constexpr (std::is_same_v<T, int16_t>) return TypeId::kInt16;
  if constexpr (std::is_same_v<T, int32_t>) return TypeId::kInt32;
  return TypeId::kInt64;
}

DataTypePtr ResultType(Op op, const DataType& left, const DataType& right) {
  NumberInfo a = Info(left), b = Info(right);
  switch (op) {
    case Op::kPlus:
    case Op::kMultiply:
    case Op::kMinus: {
      TypeId id = TypeId::kUInt8;
      DispatchNumeric(left.id(), [&](auto ta) {
        DispatchNumeric(right.id(), [&](auto tb) {
          using A = decltype(ta);
          using B = decltype(tb);
          id = op == Op::kMinus ? IdOf<AdditiveResult<A, B, true>>() : IdOf<AdditiveResult<A, B, false>>();
        });
      });
      return TypeOf(id);
    }
    case Op::kDivide:
      return TypeOf(TypeId::kFloat64);
    case Op::kIntDiv:
      return Construct(a.is_signed || b.is_signed, false, a.size);
    case Op::kModulo:
      if (a.is_float || b.is_float) return TypeOf(TypeId::kFloat64);
      return Construct(a.is_signed, false, a.is_signed ? Next(b.size) : b.size);
  }
  return nullptr;
}

// The argument's values as C (a converted copy unless the column already stores C).
template <typename C>
const C* ValuesAs(const ColumnArg& arg, size_t rows, PodVector<C>* scratch) {
  const Column& c = *arg.column;
  const size_t n = arg.is_const ? 1 : rows;
  const C* direct = nullptr;
  DispatchNumeric(c.type->id(), [&](auto tag) {
    using F = decltype(tag);
    if constexpr (std::is_same_v<F, C>) {
      direct = c.values<F>();
    } else {
      scratch->resize(n);
      const F* in = c.values<F>();
      for (size_t i = 0; i < n; ++i) (*scratch)[i] = static_cast<C>(in[i]);
    }
  });
  return direct != nullptr ? direct : scratch->data();
}

template <typename C, typename R, typename F>
void Loop(const C* a, bool ac, const C* b, bool bc, R* out, size_t n, F f) {
  if (!ac && !bc) {
    for (size_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (ac && !bc) {
    const C x = a[0];
    for (size_t i = 0; i < n; ++i) out[i] = f(x, b[i]);
  } else if (!ac && bc) {
    const C y = b[0];
    for (size_t i = 0; i < n; ++i) out[i] = f(a[i], y);
  } else {
    const R v = f(a[0], b[0]);
    for (size_t i = 0; i < n; ++i) out[i] = v;
  }
}

// Integer arithmetic wraps: do it in an unsigned type at least as wide as int.
template <typename R, bool = std::is_floating_point_v<R>>
struct Wrapping {
  using Type = std::conditional_t<(sizeof(R) < 4), uint32_t, std::make_unsigned_t<R>>;
};
template <typename R>
struct Wrapping<R, true> {
  using Type = R;
};
template <typename R>
using WrapType = typename Wrapping<R>::Type;

// out[i] = f(a[i], b[i]) with both values converted to R first; either side may be constant.
template <typename A, typename B, typename R, typename F>
void MixedLoop(const A* a, bool ac, const B* b, bool bc, R* out, size_t n, F f) {
  if (!ac && !bc) {
    for (size_t i = 0; i < n; ++i) out[i] = f(static_cast<R>(a[i]), static_cast<R>(b[i]));
  } else if (ac && !bc) {
    const R x = static_cast<R>(a[0]);
    for (size_t i = 0; i < n; ++i) out[i] = f(x, static_cast<R>(b[i]));
  } else if (!ac && bc) {
    const R y = static_cast<R>(b[0]);
    for (size_t i = 0; i < n; ++i) out[i] = f(static_cast<R>(a[i]), y);
  } else {
    const R v = f(static_cast<R>(a[0]), static_cast<R>(b[0]));
    for (size_t i = 0; i < n; ++i) out[i] = v;
  }
}

// plus, minus, multiply, divide: one loop per pair of argument types.
absl::StatusOr<Column> AddSubMulDiv(Op op, const ColumnArg& a, const ColumnArg& b, const DataTypePtr& type,
                                    size_t rows) {
  Column out = AllocateFixed(type, rows);
  DispatchNumeric(a.column->type->id(), [&](auto ta) {
    DispatchNumeric(b.column->type->id(), [&](auto tb) {
      using A = decltype(ta);
      using B = decltype(tb);
      const A* x = a.column->values<A>();
      const B* y = b.column->values<B>();
      if (op == Op::kDivide) {
        MixedLoop(x, a.is_const, y, b.is_const, MutableValues<double>(out), rows, [](double p, double q) { return p / q; });
      } else if (op == Op::kMinus) {
        using R = AdditiveResult<A, B, true>;
        using W = WrapType<R>;
        MixedLoop(x, a.is_const, y, b.is_const, MutableValues<R>(out), rows,
                  [](R p, R q) { return static_cast<R>(static_cast<W>(p) - static_cast<W>(q)); });
      } else {
        using R = AdditiveResult<A, B, false>;
        using W = WrapType<R>;
        if (op == Op::kPlus && std::is_floating_point_v<R>) {
          // Addition commutes, so the compiler may add q + p, and of two NaNs x86 keeps
          // the first operand's: the sign of NaN + -NaN would depend on code generation.
          // The left one's, as ClickHouse gives (count(DISTINCT x + -x) tells them apart).
          MixedLoop(x, a.is_const, y, b.is_const, MutableValues<R>(out), rows,
                    [](R p, R q) { return std::isnan(p) ? p : p + q; });
        } else if (op == Op::kPlus) {
          MixedLoop(x, a.is_const, y, b.is_const, MutableValues<R>(out), rows,
                    [](R p, R q) { return static_cast<R>(static_cast<W>(p) + static_cast<W>(q)); });
        } else {
          MixedLoop(x, a.is_const, y, b.is_const, MutableValues<R>(out), rows,
                    [](R p, R q) { return static_cast<R>(static_cast<W>(p) * static_cast<W>(q)); });
        }
      }
    });
  });
  return out;
}

absl::Status DivisionByZero(absl::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat(name, ": Division by zero"));
}

absl::Status MinimalByMinusOne(absl::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat(name, ": Division of minimal signed number by minus one"));
}

// A row (not NULL) dividing `min` by -1.
template <typename C>
bool HasMinimalByMinusOne(const C* x, bool x_const, const C* y, bool y_const, C min, const uint8_t* nulls,
                          size_t rows) {
  for (size_t i = 0; i < rows; ++i) {
    if (x[x_const ? 0 : i] == min && y[y_const ? 0 : i] == C(-1) && (nulls == nullptr || !nulls[i])) return true;
  }
  return false;
}

// intDiv over floats: the arguments must be finite, and the quotient must fit the result.
absl::Status CheckFloatIntDiv(absl::string_view name, const double* x, bool x_const, const double* y, bool y_const,
                              const double* quotient, const uint8_t* nulls, size_t rows, const DataType& result) {
  double lowest = 0, max = 0;
  DispatchNumeric(result.id(), [&](auto tag) {
    using R = decltype(tag);
    lowest = static_cast<double>(std::numeric_limits<R>::lowest());
    max = static_cast<double>(std::numeric_limits<R>::max());
  });
  for (size_t i = 0; i < rows; ++i) {
    if (nulls != nullptr && nulls[i]) continue;
    if (!std::isfinite(x[x_const ? 0 : i]) || !std::isfinite(y[y_const ? 0 : i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": Cannot perform integer division on infinite or too large floating point numbers"));
    }
    const double q = quotient[i];
    if (std::isnan(q) || q >= max || q <= lowest) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": Cannot perform integer division, because it will produce infinite or too large number"));
    }
  }
  return absl::OkStatus();
}

// A zero divisor in a row that is not NULL.
template <typename C>
bool HasZeroDivisor(const C* y, bool is_const, const uint8_t* nulls, size_t rows) {
  if (is_const) {
    if (rows == 0 || y[0] != 0) return false;
    if (nulls == nullptr) return true;
    return !std::all_of(nulls, nulls + rows, [](uint8_t v) { return v != 0; });
  }
  for (size_t i = 0; i < rows; ++i) {
    if (y[i] == 0 && (nulls == nullptr || !nulls[i])) return true;
  }
  return false;
}

// intDiv and modulo in calculation type C; `nulls` rows are exempt from the checks.
// `minimal`: the smallest value of the dividend's type when both arguments are of signed
// integer types (the division by -1 that overflows). `or_zero`: 0 instead of the errors.
template <typename C>
absl::StatusOr<Column> DivMod(Op op, absl::string_view name, const ColumnArg& a, const ColumnArg& b,
                              const uint8_t* nulls, size_t rows, TypeId calc_type, std::optional<C> minimal,
                              bool or_zero) {
  PodVector<C> sa, sb;
  const C* x = ValuesAs<C>(a, rows, &sa);
  const C* y = ValuesAs<C>(b, rows, &sb);
  if (!or_zero && (!std::is_floating_point_v<C> || op == Op::kIntDiv) && HasZeroDivisor(y, b.is_const, nulls, rows)) {
    return DivisionByZero(name);
  }
  if (!or_zero && minimal && HasMinimalByMinusOne(x, a.is_const, y, b.is_const, *minimal, nulls, rows)) {
    return MinimalByMinusOne(name);
  }
  const C min = minimal.value_or(C(0));
  PodVector<C> calc(rows);
  if constexpr (std::is_floating_point_v<C>) {
    if (op == Op::kIntDiv) {
      Loop(x, a.is_const, y, b.is_const, calc.data(), rows, [](C p, C q) { return q == 0 ? C(0) : std::trunc(p / q); });
    } else {
      // ClickHouse's a - trunc(a / b) * b, not fmod: -5. % 2.5 is 0 (fmod -0), 1e20 % 3. 0.
      Loop(x, a.is_const, y, b.is_const, calc.data(), rows, [](C p, C q) { return p - std::trunc(p / q) * q; });
    }
  } else {
    // q == -1 is special-cased: the smallest C by -1 overflows. Only the OrZero functions
    // get here with the minimal dividend (the others failed above): they answer 0.
    if (op == Op::kIntDiv) {
      Loop(x, a.is_const, y, b.is_const, calc.data(), rows, [minimal, min](C p, C q) {
        if (q == 0) return C(0);
        if constexpr (std::is_signed_v<C>) {
          if (q == -1) return minimal && p == min ? C(0) : static_cast<C>(C(0) - p);
        }
        return static_cast<C>(p / q);
      });
    } else {
      Loop(x, a.is_const, y, b.is_const, calc.data(), rows, [](C p, C q) {
        if (q == 0) return C(0);
        if constexpr (std::is_signed_v<C>) {
          if (q == -1) return C(0);
        }
        return static_cast<C>(p % q);
      });
    }
  }
  Column out = AllocateFixed(TypeOf(calc_type), rows);
  if constexpr (sizeof(C) == 16) {
    int64_t* o = MutableValues<int64_t>(out);
    for (size_t i = 0; i < rows; ++i) o[i] = static_cast<int64_t>(calc[i]);  // low 64 bits
  } else {
    std::memcpy(out.data.data(), calc.data(), rows * sizeof(C));
  }
  return out;
}

using Kernel = LambdaFunction::Kernel;

// Wraps a kernel over non-Nullable values into one over possibly-Nullable arguments.
std::unique_ptr<BoundFunction> WithNulls(DataTypePtr value_type, bool nullable,
                                         std::function<absl::StatusOr<Column>(absl::Span<const ColumnArg>, const uint8_t*, size_t)> kernel) {
  if (!nullable) {
    return std::make_unique<LambdaFunction>(
        value_type, [kernel](absl::Span<const ColumnArg> args, size_t rows) { return kernel(args, nullptr, rows); });
  }
  return std::make_unique<LambdaFunction>(
      MakeNullable(value_type), [kernel](absl::Span<const ColumnArg> args, size_t rows) -> absl::StatusOr<Column> {
        std::vector<NullableView> views;
        std::vector<ColumnArg> values;
        for (const ColumnArg& a : args) {
          views.push_back(UnwrapNullable(a));
          values.push_back(views.back().values);
        }
        PodVector<uint8_t> nulls;
        if (!UnionNulls(views, rows, &nulls)) nulls.resize(rows, 0);
        TALLY_ASSIGN_OR_RETURN(Column v, kernel(values, nulls.data(), rows));
        return WrapNullable(std::move(v), std::move(nulls));
      });
}

// The integer argument's values read as the signed integer of `width` bytes (wrapping),
// widened to Int64.
Column AsSignedOfWidth(const ColumnArg& arg, size_t width, size_t rows) {
  const size_t n = arg.is_const ? 1 : rows;
  Column out = AllocateFixed(TypeOf(TypeId::kInt64), n);
  int64_t* o = MutableValues<int64_t>(out);
  DispatchNumeric(arg.column->type->id(), [&](auto tag) {
    using F = decltype(tag);
    if constexpr (std::is_integral_v<F>) {
      const F* in = arg.column->values<F>();
      for (size_t i = 0; i < n; ++i) {
        switch (width) {
          case 1: o[i] = static_cast<int8_t>(in[i]); break;
          case 2: o[i] = static_cast<int16_t>(in[i]); break;
          case 4: o[i] = static_cast<int32_t>(in[i]); break;
          default: o[i] = static_cast<int64_t>(in[i]); break;
        }
      }
    }
  });
  return out;
}

// intDiv of integers of mixed signedness, as ClickHouse (DivideIntegralImpl): the
// dividend is read as the signed type of its width, the divisor as the signed type of its
// own width when that is at least the dividend's, else of the dividend's; the quotient of
// those wraps to the result type. intDiv(200, -2) reads 200 as Int8 -56 and is 28. The
// smallest value of the dividend's signed type divided by -1 is an error (0 for
// intDivOrZero).
absl::StatusOr<Column> MixedSignIntDiv(absl::string_view name, const ColumnArg& a, const ColumnArg& b,
                                       const uint8_t* nulls, size_t rows, bool or_zero) {
  const size_t wa = a.column->type->fixed_width(), wb = b.column->type->fixed_width();
  Column x = AsSignedOfWidth(a, wa, rows);
  Column y = AsSignedOfWidth(b, wa <= wb ? wb : wa, rows);
  const int64_t minimal = wa >= 8 ? INT64_MIN : -(int64_t{1} << (wa * 8 - 1));
  return DivMod<int64_t>(Op::kIntDiv, name, ColumnArg{&x, a.is_const}, ColumnArg{&y, b.is_const}, nulls, rows,
                         TypeId::kInt64, minimal, or_zero);
}

absl::StatusOr<Column> NumericBinary(Op op, absl::string_view name, const DataTypePtr& result, const ColumnArg& a,
                                     const ColumnArg& b, const uint8_t* nulls, size_t rows, bool or_zero) {
  const DataType& ta = *a.column->type;
  const DataType& tb = *b.column->type;
  if (op == Op::kIntDiv || op == Op::kModulo) {
    absl::StatusOr<Column> calc;
    bool any_float = ta.is_float() || tb.is_float();
    bool any_signed = ta.is_signed() || tb.is_signed();
    bool any_uint64 = ta.id() == TypeId::kUInt64 || tb.id() == TypeId::kUInt64;
    if (any_float) {
      calc = DivMod<double>(op, name, a, b, nulls, rows, TypeId::kFloat64, std::nullopt, or_zero);
      if (calc.ok() && op == Op::kIntDiv) {
        PodVector<double> sx, sy;
        TALLY_RETURN_IF_ERROR(CheckFloatIntDiv(name, ValuesAs<double>(a, rows, &sx), a.is_const,
                                               ValuesAs<double>(b, rows, &sy), b.is_const, calc->values<double>(),
                                               nulls, rows, *StripNullable(result)));
      }
    } else if (op == Op::kIntDiv && ta.is_signed() != tb.is_signed()) {
      calc = MixedSignIntDiv(name, a, b, nulls, rows, or_zero);
    } else if (!any_signed) {
      calc = DivMod<uint64_t>(op, name, a, b, nulls, rows, TypeId::kUInt64, std::nullopt, or_zero);
    } else if (!any_uint64) {
      std::optional<int64_t> minimal;
      if (ta.is_signed() && tb.is_signed()) {
        DispatchNumeric(ta.id(), [&](auto tag) {
          using A = decltype(tag);
          if constexpr (std::is_integral_v<A>) minimal = static_cast<int64_t>(std::numeric_limits<A>::min());
        });
      }
      calc = DivMod<int64_t>(op, name, a, b, nulls, rows, TypeId::kInt64, minimal, or_zero);
    } else {
      // One side is UInt64, so not both are signed: no division overflows in 128 bits.
      calc = DivMod<__int128>(op, name, a, b, nulls, rows, TypeId::kInt64, std::nullopt, or_zero);
    }
    if (!calc.ok()) return calc.status();
    return ConvertColumn(*calc, result, FunctionContext(), name);
  }
  return AddSubMulDiv(op, a, b, result, rows);
}

// Date/DateTime/DateTime64 plus or minus an integer count of days or seconds.
absl::StatusOr<Column> TimeShift(bool subtract, const ColumnArg& time, const ColumnArg& amount, size_t rows) {
  const DataTypePtr& type = time.column->type;
  const int64_t scale = type->id() == TypeId::kDateTime64 ? Pow10(type->precision()) : 1;
  PodVector<int64_t> st, sa;
  const int64_t* t = ValuesAs<int64_t>(time, rows, &st);
  const int64_t* d = ValuesAs<int64_t>(amount, rows, &sa);
  PodVector<int64_t> v(rows);
  Loop(t, time.is_const, d, amount.is_const, v.data(), rows, [subtract, scale](int64_t p, int64_t q) {
    uint64_t delta = static_cast<uint64_t>(q) * static_cast<uint64_t>(scale);
    return static_cast<int64_t>(subtract ? static_cast<uint64_t>(p) - delta : static_cast<uint64_t>(p) + delta);
  });
  Column out = AllocateFixed(type, rows);
  DispatchNumeric(type->id(), [&](auto tag) {
    using T = decltype(tag);
    T* o = MutableValues<T>(out);
    for (size_t i = 0; i < rows; ++i) o[i] = static_cast<T>(v[i]);  // wraps, as ClickHouse
  });
  return out;
}

absl::StatusOr<std::unique_ptr<BoundFunction>> BindTimeArithmetic(Op op, absl::string_view name, const DataTypePtr& ta,
                                                                   const DataTypePtr& tb, bool nullable,
                                                                   const FunctionContext& context) {
  std::string fn(name);
  auto cannot = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": cannot ", Verb(op), " ", ta->ToString(), " and ", tb->ToString()));
  };
  bool int_a = ta->is_integer() || ta->id() == TypeId::kBool;
  bool int_b = tb->is_integer() || tb->id() == TypeId::kBool;
  if (op == Op::kPlus && (ta->is_time() ? int_b : int_a && tb->is_time())) {
    int time_index = ta->is_time() ? 0 : 1;
    return WithNulls(time_index == 0 ? ta : tb, nullable,
                     [time_index](absl::Span<const ColumnArg> args, const uint8_t*, size_t rows) {
                       return TimeShift(false, args[time_index], args[1 - time_index], rows);
                     });
  }
  if (op == Op::kMinus && ta->is_time() && int_b) {
    return WithNulls(ta, nullable, [](absl::Span<const ColumnArg> args, const uint8_t*, size_t rows) {
      return TimeShift(true, args[0], args[1], rows);
    });
  }
  if (op == Op::kMinus && ta->is_time() && tb->is_time()) {
    DataTypePtr pair[] = {ta, tb};
    TALLY_ASSIGN_OR_RETURN(DataTypePtr common, CommonSupertype(pair, name));
    DataTypePtr result = TypeOf(common->id() == TypeId::kDate ? TypeId::kInt32 : TypeId::kInt64);
    return WithNulls(result, nullable,
                     [common, result, context, fn](absl::Span<const ColumnArg> args, const uint8_t*,
                                                   size_t rows) -> absl::StatusOr<Column> {
                       TALLY_ASSIGN_OR_RETURN(Column x, ConvertArg(args[0], common, context, fn));
                       TALLY_ASSIGN_OR_RETURN(Column y, ConvertArg(args[1], common, context, fn));
                       ColumnArg cx{&x, args[0].is_const}, cy{&y, args[1].is_const};
                       PodVector<int64_t> sx, sy;
                       const int64_t* p = ValuesAs<int64_t>(cx, rows, &sx);
                       const int64_t* q = ValuesAs<int64_t>(cy, rows, &sy);
                       PodVector<int64_t> diff(rows);
                       Loop(p, cx.is_const, q, cy.is_const, diff.data(), rows, [](int64_t u, int64_t v) { return u - v; });
                       Column out = AllocateFixed(result, rows);
                       if (result->id() == TypeId::kInt32) {
                         int32_t* o = MutableValues<int32_t>(out);
                         for (size_t i = 0; i < rows; ++i) o[i] = static_cast<int32_t>(diff[i]);
                       } else {
                         std::memcpy(out.data.data(), diff.data(), rows * 8);
                       }
                       return out;
                     });
  }
  return cannot();
}

// or_zero: intDivOrZero and moduloOrZero (0 where intDiv and modulo raise a division error).
FunctionFactory BinaryFactory(Op op, std::string name, bool or_zero = false) {
  return [op, name, or_zero](absl::Span<const ArgInfo> args,
                    const FunctionContext& context) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    bool nullable = args[0].type->id() == TypeId::kNullable || args[1].type->id() == TypeId::kNullable;
    const DataTypePtr& ta = StripNullable(args[0].type);
    const DataTypePtr& tb = StripNullable(args[1].type);
    if (ta->is_time() || tb->is_time()) return BindTimeArithmetic(op, name, ta, tb, nullable, context);
    if (!IsNumber(*ta) || !IsNumber(*tb)) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": cannot ", Verb(op), " ", args[0].type->ToString(), " and ", args[1].type->ToString()));
    }
    DataTypePtr result = ResultType(op, *ta, *tb);
    return WithNulls(result, nullable,
                     [op, name, result, or_zero](absl::Span<const ColumnArg> a, const uint8_t* nulls, size_t rows) {
                       return NumericBinary(op, name, result, a[0], a[1], nulls, rows, or_zero);
                     });
  };
}

template <typename A, typename R>
void UnaryLoop(const A* in, R* out, size_t n, bool abs) {
  using W = WrapType<R>;
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<A>) {
      out[i] = static_cast<R>(abs ? std::fabs(in[i]) : -in[i]);
    } else if (abs) {
      // |INT_MIN| fits the unsigned result.
      out[i] = in[i] < 0 ? static_cast<R>(W(0) - static_cast<W>(in[i])) : static_cast<R>(in[i]);
    } else {
      out[i] = static_cast<R>(W(0) - static_cast<W>(static_cast<R>(in[i])));
    }
  }
}

FunctionFactory UnaryFactory(bool abs, std::string name) {
  return [abs, name](absl::Span<const ArgInfo> args, const FunctionContext&) -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    bool nullable = args[0].type->id() == TypeId::kNullable;
    const DataTypePtr& t = StripNullable(args[0].type);
    if (!IsNumber(*t)) return ArgTypeError(name, 0, *args[0].type, "a number");
    NumberInfo info = Info(*t);
    DataTypePtr result = info.is_float ? t
                         : abs         ? Construct(false, false, info.size)
                                       : Construct(true, false, info.is_signed ? info.size : Next(info.size));
    return WithNulls(result, nullable, [abs, result](absl::Span<const ColumnArg> a, const uint8_t*, size_t rows) {
      size_t n = a[0].is_const ? 1 : rows;
      Column out = AllocateFixed(result, n);
      DispatchNumeric(a[0].column->type->id(), [&](auto in_tag) {
        using A = decltype(in_tag);
        DispatchNumeric(result->id(), [&](auto out_tag) {
          using R = decltype(out_tag);
          if constexpr (std::is_floating_point_v<A> == std::is_floating_point_v<R>) {
            UnaryLoop(a[0].column->values<A>(), MutableValues<R>(out), n, abs);
          }
        });
      });
      if (a[0].is_const) return Materialize(ColumnArg{&out, true}, rows);
      return out;
    });
  };
}

}  // namespace

void RegisterArithmeticFunctions(FunctionRegistry& registry) {
  registry.Register("plus", BinaryFactory(Op::kPlus, "plus"));
  registry.Register("minus", BinaryFactory(Op::kMinus, "minus"));
  registry.Register("multiply", BinaryFactory(Op::kMultiply, "multiply"));
  registry.Register("divide", BinaryFactory(Op::kDivide, "divide"));
  registry.Register("intDiv", BinaryFactory(Op::kIntDiv, "intDiv"));
  registry.Register("modulo", BinaryFactory(Op::kModulo, "modulo"));
  registry.Register("intDivOrZero", BinaryFactory(Op::kIntDiv, "intDivOrZero", /*or_zero=*/true));
  registry.Register("moduloOrZero", BinaryFactory(Op::kModulo, "moduloOrZero", /*or_zero=*/true));
  registry.Register("negate", UnaryFactory(false, "negate"));
  registry.Register("abs", UnaryFactory(true, "abs"), /*case_insensitive=*/true);
  RegisterComparisonFunctions(registry);
  RegisterLogicalFunctions(registry);
  RegisterRoundingFunctions(registry);
}

}  // namespace tally::engine::exec
