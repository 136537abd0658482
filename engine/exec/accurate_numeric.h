// Exact conversion between number types, ClickHouse's accurate::convertNumeric: a value
// converts only when the target holds it exactly (300 is no UInt8, -1 no unsigned type,
// 1.5 no integer, 0.1 no Float32, 2^53 + 1 no Float64). NaN and the infinities convert
// between float types. Used wherever a comparison must not change a value: IN lists, and
// the left side of IN (SELECT ...).
//
// Header-only; pure functions.
#ifndef TALLY_ENGINE_EXEC_ACCURATE_NUMERIC_H_
#define TALLY_ENGINE_EXEC_ACCURATE_NUMERIC_H_

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tally::engine::exec {

template <typename To, typename From>
bool AccurateConvert(From v, To* out) {
  static_assert(std::is_arithmetic_v<From> && std::is_arithmetic_v<To>);
  if constexpr (std::is_same_v<From, To>) {
    *out = v;
    return true;
  } else if constexpr (std::is_floating_point_v<From> && std::is_floating_point_v<To>) {
    if (std::isnan(v) || std::isinf(v)) {
      *out = static_cast<To>(v);
      return true;
    }
    if (v > static_cast<From>(std::numeric_limits<To>::max()) ||
        v < static_cast<From>(std::numeric_limits<To>::lowest())) {
      return false;
    }
    *out = static_cast<To>(v);
    return static_cast<From>(*out) == v;
  } else if constexpr (std::is_floating_point_v<From>) {
    // [lowest, 2^digits) as doubles are exact: the bounds are powers of two.
    const double d = static_cast<double>(v);
    const double lowest = static_cast<double>(std::numeric_limits<To>::lowest());
    const double end = std::ldexp(1.0, std::numeric_limits<To>::digits);
    if (!(d >= lowest && d < end)) return false;  // NaN fails here too
    *out = static_cast<To>(d);
    return static_cast<double>(*out) == d;
  } else if constexpr (std::is_floating_point_v<To>) {
    // long double holds every 64-bit integer exactly (x86-64 extended, aarch64 quad).
    const To r = static_cast<To>(v);
    if (static_cast<long double>(r) != static_cast<long double>(v)) return false;
    *out = r;
    return true;
  } else if constexpr (std::is_signed_v<From>) {
    const int64_t x = v;
    if constexpr (std::is_signed_v<To>) {
      if (x < std::numeric_limits<To>::lowest() || x > std::numeric_limits<To>::max()) return false;
    } else {
      if (x < 0 || static_cast<uint64_t>(x) > std::numeric_limits<To>::max()) return false;
    }
    *out = static_cast<To>(x);
    return true;
  } else {
    const uint64_t x = v;
    if (x > static_cast<uint64_t>(std::numeric_limits<To>::max())) return false;
    *out = static_cast<To>(x);
    return true;
  }
}

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_ACCURATE_NUMERIC_H_
