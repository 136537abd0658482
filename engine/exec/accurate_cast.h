// The left side of x IN (SELECT ...) meeting a subquery of another type, as ClickHouse's
// Set does (castColumnAccurateOrNull): x's values are converted to the subquery's type,
// and a value with no exact equal there becomes NULL, which is in no set (IN gives 0, NOT
// IN gives 1).
//
//   anything -> String       its text, as toString writes it (1.0 is '1', a DateTime in
//                            its zone)
//   String -> T              T's text reader over the whole string, NULL when it fails or
//                            the value is out of T's range (' 1', '300' as UInt8); a Date
//                            also takes a time after it, which it ignores
//   number -> number         exactly or NULL (engine/exec/accurate_numeric.h); a number
//                            into Date/DateTime as a day/second count in range
//   Date <-> DateTime(64)    midnight in the target's zone / the day in x's zone;
//                            DateTime64 into DateTime or Date only for whole seconds
//   UUID <-> numbers         an error, as in ClickHouse
//
// Thread-safe: a pure function.
#ifndef TALLY_ENGINE_EXEC_ACCURATE_CAST_H_
#define TALLY_ENGINE_EXEC_ACCURATE_CAST_H_

#include "absl/status/statusor.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {

// REQUIRES: neither type is Nullable, LowCardinality, Array or Map. Returns Nullable(to).
absl::StatusOr<format::Column> AccurateCastOrNull(const format::Column& src, const format::DataTypePtr& to,
                                                  const FunctionContext& context);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_ACCURATE_CAST_H_
