// Converting a constant to the type of what it is compared with: the one rule behind
// every comparison form, ClickHouse's convertFieldToType.
//
//   x = c, x != c, x < c, ... (BETWEEN, nullIf, CASE x WHEN c with a non-constant branch):
//       a String constant c against a non-string x is converted (ConstantUse::kComparison);
//       numbers, dates and times meet by value without conversion
//   x IN (c1, c2, ...): every item is converted (ConstantUse::kInList); an item without a
//       value in x's type is left out, a conversion error is an error
//   x IN (SELECT ...): x is converted to the subquery's type instead (accurate_cast.h)
//   CASE x WHEN c1 THEN ... with constant branches: c1 is CAST to x's type and kept when
//       it keeps its value (case_with_expression.cc, ClickHouse's transform)
//   has, indexOf, mapContains, map[k]: no conversion; the types must have a supertype
//
// What a constant becomes in x's type T (Nullable and LowCardinality taken off T):
//   String       parsed by T's text reader over the whole string (constant_parse.h);
//                DateTime and DateTime64 with the basic reader in IN lists and best effort
//                in comparisons, read in T's zone
//   number       into an integer or float T only when exact (300 has no UInt8 value, 1.5 no
//                integer one, 0.1 no Float32 one); into Date/DateTime as a day/second count
//                when an unsigned integer in range (a negative integer has no Date value);
//                into DateTime64 as seconds; a float into a date or time is an error
//   Date <-> DateTime(64)   midnight in T's zone / the day in the constant's zone;
//                DateTime64 into Date or DateTime is an error
//   DateTime64   into DateTime64 of another precision: ticks rescaled (cut)
//   UUID         only into UUID (or String)
//   into String  its text as ClickHouse writes a value without its type: integers in
//                decimal, floats like literals (1. 0.5 1e21), Date/DateTime as their day or
//                second count, Bool as true/false, UUID quoted ('...'), DateTime64 never
//                matches
//   errors       "Type mismatch in IN or VALUES section. Expected: DateTime. Got: Float64"
//                and the readers' messages, as ClickHouse words them
//
// Thread-safe: a pure function.
#ifndef TALLY_ENGINE_EXEC_CONSTANT_CONVERSION_H_
#define TALLY_ENGINE_EXEC_CONSTANT_CONVERSION_H_

#include <optional>

#include "absl/status/statusor.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {

enum class ConstantUse {
  kComparison,  // =, !=, <, <=, >, >=: DateTime strings read best effort
  kInList,      // IN (...): DateTime strings read with the basic reader
};

// T with Nullable and LowCardinality taken off (LowCardinality(Nullable(String)) -> String).
format::DataTypePtr ComparisonValueType(const format::DataTypePtr& type);

// `constant`: one row of any type. Returns a one-row column of ComparisonValueType(target)
// holding the constant's value in that type, or nullopt when there is none (NULL, out of
// range, not exact): then nothing equals it.
absl::StatusOr<std::optional<format::Column>> ConvertConstant(const format::Column& constant,
                                                              const format::DataTypePtr& target, ConstantUse use,
                                                              const FunctionContext& context);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_CONSTANT_CONVERSION_H_
