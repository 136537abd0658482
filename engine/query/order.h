// Row ordering and limiting for query results: ORDER BY (with DESC, NULLS FIRST/LAST,
// top-N when a LIMIT bounds it), WITH FILL, DISTINCT and LIMIT BY.
//
// ORDER BY compares as ClickHouse: strings and UUIDs by their bytes, arrays element by
// element (a proper prefix first), maps by their (key, value) entries in order; NaN and
// NULL go where NULLS FIRST/LAST says (LAST unless told, for ASC and DESC alike), NULL
// beyond NaN, and the same holds for the elements inside arrays and maps.
//
// Pure functions over columns; thread-safe. Each takes the query's limits, checked about
// every exec::kRowsPerCheck rows (a sort of 100 million rows stops on time too), with
// `held_bytes` (what the query holds besides, e.g. the columns being ordered) and what the
// function allocates counted against the memory budget.
#ifndef TALLY_ENGINE_QUERY_ORDER_H_
#define TALLY_ENGINE_QUERY_ORDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/exec/interval.h"
#include "engine/exec/query_limits.h"
#include "engine/sql/ast.h"
#include "format/column.h"
#include "format/value.h"

namespace tally::engine::sql {

struct SortKey {
  const format::Column* column;
  bool descending = false;
  bool nulls_first = false;
};

// The row order; when `limit` is set only the first `limit` rows are sorted (top-N).
absl::StatusOr<std::vector<uint32_t>> OrderRows(const std::vector<SortKey>& keys, size_t rows,
                                                std::optional<size_t> limit,
                                                const exec::QueryLimits& limits = exec::QueryLimits::None(),
                                                uint64_t held_bytes = 0);

// Row numbers keeping the first occurrence of each distinct tuple of `columns`.
absl::StatusOr<std::vector<uint32_t>> DistinctRows(const std::vector<const format::Column*>& columns, size_t rows,
                                                   const exec::QueryLimits& limits = exec::QueryLimits::None(),
                                                   uint64_t held_bytes = 0);

// Row numbers keeping at most `limit` rows (after skipping `offset`) per distinct tuple of
// `columns`, in order.
absl::StatusOr<std::vector<uint32_t>> LimitByRows(const std::vector<const format::Column*>& columns, size_t rows,
                                                  uint64_t limit, uint64_t offset,
                                                  const exec::QueryLimits& limits = exec::QueryLimits::None(),
                                                  uint64_t held_bytes = 0);

struct FillSpec {
  size_t key_column = 0;  // index into the columns being filled
  std::optional<format::Value> from, to, step;
  // STEP INTERVAL n UNIT: `step` holds n and this the unit; nullopt for a plain number.
  std::optional<exec::IntervalUnit> step_unit;
  // The zone of day and longer steps on DateTime keys whose type names none.
  std::string time_zone = "UTC";
  // Columns holding the sort keys before the filled one (ORDER BY k, t WITH FILL): each run
  // of rows equal in them is filled on its own, and its filled rows copy their values.
  std::vector<size_t> group_columns;
  bool descending = false;
};

// WITH FILL on sorted columns, as ClickHouse: within each group, inserts rows for the
// missing values of the key column from `from` (default: the group's first key) by `step`
// (default 1, 1 day for Date, 1 second for DateTime64; a number of seconds for DateTime64
// keys) while before `to` (exclusive; default: the group's last key), the other columns
// taking defaults. Each value is the previous one plus the step, so Jan 31 + 1 month is
// Feb 28, then Mar 28. The step's sign must follow the direction. A NaN key compares
// neither way: nothing is filled before it and it does not move the next value, and as
// the group's first key without FROM it leaves the group unfilled (as ClickHouse).
absl::StatusOr<std::vector<format::Column>> FillRows(std::vector<format::Column> columns, const FillSpec& spec,
                                                     const exec::QueryLimits& limits = exec::QueryLimits::None(),
                                                     uint64_t held_bytes = 0);

// WITH FILL STEP's expression split into its amount and unit: the parser makes STEP
// INTERVAL 1 HOUR the call toIntervalHour(1), whose value (Int64 1) no longer says "hour"
// (engine/exec/interval.h). A plain step comes back as is, without a unit.
struct FillStepExpr {
  ExprPtr amount;  // null when `step` is
  std::optional<exec::IntervalUnit> unit;
};
FillStepExpr SplitFillStep(const ExprPtr& step);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_ORDER_H_
