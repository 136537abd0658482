// Row ordering and limiting for query results: ORDER BY (with DESC, NULLS FIRST/LAST,
// top-N when a LIMIT bounds it), WITH FILL, DISTINCT and LIMIT BY.
//
// Pure functions over columns; thread-safe.
#ifndef TALLY_ENGINE_SQL_ORDER_H_
#define TALLY_ENGINE_SQL_ORDER_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "format/column.h"
#include "format/value.h"

namespace tally::engine::sql {

struct SortKey {
  const format::Column* column;
  bool descending = false;
  bool nulls_first = false;
};

// The row order; when `limit` is set only the first `limit` rows are sorted (top-N).
std::vector<uint32_t> OrderRows(const std::vector<SortKey>& keys, size_t rows, std::optional<size_t> limit);

// Row numbers keeping the first occurrence of each distinct tuple of `columns`.
std::vector<uint32_t> DistinctRows(const std::vector<const format::Column*>& columns, size_t rows);

// Row numbers keeping at most `limit` rows (after skipping `offset`) per distinct tuple of
// `columns`, in order.
std::vector<uint32_t> LimitByRows(const std::vector<const format::Column*>& columns, size_t rows, uint64_t limit,
                                  uint64_t offset);

struct FillSpec {
  size_t key_column;  // index into the columns being filled
  std::optional<format::Value> from, to, step;
  bool descending = false;
};

// WITH FILL on sorted columns: inserts rows for the missing values of the key column from
// `from` (default: the first row's key) to `to` (exclusive; default: past the last row's
// key) by `step` (default 1, or 1 day for Date), the other columns taking defaults.
absl::StatusOr<std::vector<format::Column>> FillRows(std::vector<format::Column> columns, const FillSpec& spec);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_ORDER_H_
