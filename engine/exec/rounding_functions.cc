// Rounding with ClickHouse semantics: round, floor, ceil (ceiling), trunc (truncate), each
// f(x [, N]) with N a constant integer (decimal places; negative rounds to tens, hundreds).
// The result has the type of x.
//
//   floats:   x * 10^N, rounded, / 10^N (N < 0: x / 10^-N, rounded, * 10^-N), in x's own
//             precision, so the answers (and their float artefacts) are ClickHouse's:
//             round(2.675, 2) = 2.68, round(toFloat32(2.345), 2) = 2.34. round breaks ties
//             to even (round(2.5) = 2), as ClickHouse does for floats.
//   integers: unchanged for N >= 0; for N < 0 rounded to a multiple of 10^-N, round
//             breaking ties away from zero (round(15, -1) = 20); computed in 64 bits and
//             wrapped to x's type.
//
// Pure; thread-safe.
#include <cmath>
#include <string>
#include <type_traits>

#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataTypePtr;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

enum class Mode { kRound, kFloor, kCeil, kTrunc };

template <typename F>
F RoundFloat(F v, Mode mode) {
  switch (mode) {
    case Mode::kRound:
      return std::nearbyint(v);  // the default rounding mode: ties to even
    case Mode::kFloor:
      return std::floor(v);
    case Mode::kCeil:
      return std::ceil(v);
    default:
      return std::trunc(v);
  }
}

// x rounded to a multiple of `scale` (> 1), in the wider type W.
template <typename W>
W RoundInteger(W x, W scale, Mode mode) {
  const W q = x / scale, r = x % scale;  // truncating division
  W down = q * scale;                     // toward zero
  if (r == 0) return x;
  const bool negative = r < 0;
  const W away = negative ? down - scale : down + scale;
  switch (mode) {
    case Mode::kRound: {
      const W twice = negative ? -(r * 2) : r * 2;  // |r| * 2, no overflow: |r| < scale
      return twice >= scale ? away : down;
    }
    case Mode::kFloor:
      return negative ? away : down;
    case Mode::kCeil:
      return negative ? down : away;
    default:
      return down;
  }
}

template <typename T>
void RoundColumn(const Column& in, int64_t places, Mode mode, size_t rows, Column* out) {
  const T* x = in.values<T>();
  T* o = MutableValues<T>(*out);
  if constexpr (std::is_floating_point_v<T>) {
    const T scale = static_cast<T>(std::pow(10.0, static_cast<double>(places < 0 ? -places : places)));
    for (size_t i = 0; i < rows; ++i) {
      if (places > 0) {
        o[i] = RoundFloat<T>(x[i] * scale, mode) / scale;
      } else if (places < 0) {
        o[i] = RoundFloat<T>(x[i] / scale, mode) * scale;
      } else {
        o[i] = RoundFloat<T>(x[i], mode);
      }
    }
  } else {
    using W = std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>;
    if (places >= 0) {
      for (size_t i = 0; i < rows; ++i) o[i] = x[i];
      return;
    }
    if (places < -19) {  // 10^20 and beyond: every value rounds to 0
      for (size_t i = 0; i < rows; ++i) o[i] = 0;
      return;
    }
    W scale = 1;
    for (int64_t k = 0; k < -places; ++k) scale *= 10;  // 10^19 fits an unsigned 64-bit
    if constexpr (std::is_signed_v<T>) {
      if (-places > 18) {
        for (size_t i = 0; i < rows; ++i) o[i] = 0;
        return;
      }
    }
    for (size_t i = 0; i < rows; ++i) o[i] = static_cast<T>(RoundInteger<W>(static_cast<W>(x[i]), scale, mode));
  }
}

PlainBinder RoundingBinder(std::string name, Mode mode) {
  return [name, mode](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.empty() || args.size() > 2) return ArgCountError(name, "1 or 2", args.size());
    const DataTypePtr& t = args[0].type;
    if (!IsNumber(*t) || t->id() == format::TypeId::kBool) return ArgTypeError(name, 0, *t, "a number");
    int64_t places = 0;
    if (args.size() == 2 && !IntegerConstant(args[1], &places)) {
      return ArgError(name, "the number of decimal places must be a constant integer");
    }
    if (places > 1000) places = 1000;  // beyond any float's range either way
    if (places < -1000) places = -1000;
    return MakeKernel(t, [t, places, mode](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
      const size_t n = a[0].is_const ? 1 : rows;
      Column out = AllocateFixed(t, n);
      DispatchNumeric(t->id(), [&](auto tag) { RoundColumn<decltype(tag)>(*a[0].column, places, mode, n, &out); });
      if (a[0].is_const && rows != 1) return RepeatRow(out, rows);
      return out;
    });
  };
}

}  // namespace

void RegisterRoundingFunctions(FunctionRegistry& registry) {
  RegisterPlain(registry, "round", RoundingBinder("round", Mode::kRound), true);
  RegisterPlain(registry, "floor", RoundingBinder("floor", Mode::kFloor), true);
  RegisterPlain(registry, "ceil", RoundingBinder("ceil", Mode::kCeil), true);
  RegisterPlain(registry, "ceiling", RoundingBinder("ceiling", Mode::kCeil), true);
  RegisterPlain(registry, "trunc", RoundingBinder("trunc", Mode::kTrunc), true);
  RegisterPlain(registry, "truncate", RoundingBinder("truncate", Mode::kTrunc), true);
}

}  // namespace tally::engine::exec
