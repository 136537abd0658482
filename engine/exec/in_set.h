// x IN (...) and x NOT IN (...): a hash set of values of one type, built once per query and
// looked up per row (per dictionary entry for LowCardinality).
//
//   a list     every item is converted to x's type by ConvertConstant (kInList,
//              engine/exec/constant_conversion.h): an item without a value there is left
//              out ('300' or 300 against UInt8, 1.5 against an integer), a failed parse is
//              an error ('abc' against UInt16), NULL items are left out
//   a subquery the set keeps the subquery's type; x is converted to it per block with
//              AccurateCastOrNull (engine/exec/accurate_cast.h), and a row that does not
//              convert is in no set
//
// A NULL x gives NULL (the result is Nullable(UInt8) when x can be NULL), as ClickHouse
// without transform_null_in. Keys are the values' bytes, as in ClickHouse's set: 0 and -0
// are different values, and so are NaNs of different signs.
//
// Thread-safe once built: the set is immutable.
#ifndef TALLY_ENGINE_EXEC_IN_SET_H_
#define TALLY_ENGINE_EXEC_IN_SET_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {

// `items`: one-row columns, each of its own type. `values` (may be null) gets how many
// distinct values the set holds after conversion.
absl::StatusOr<std::unique_ptr<BoundFunction>> MakeInList(const format::DataTypePtr& lhs,
                                                          absl::Span<const format::Column> items, bool negate,
                                                          const FunctionContext& context, size_t* values = nullptr);

// `values`: the subquery's only column.
absl::StatusOr<std::unique_ptr<BoundFunction>> MakeInSubquery(const format::DataTypePtr& lhs,
                                                              const format::Column& values, bool negate,
                                                              const FunctionContext& context);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_IN_SET_H_
