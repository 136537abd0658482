// Sorting an insert block by the table's sorting key.
//
// Each key column is first turned into order-preserving unsigned ranks (value minus the
// minimum for integers and times, dictionary order for LowCardinality, dense ranks for
// strings and floats, NULL first). When the ranks of all key columns fit in 64 bits
// together they are packed into one integer and sorted with the row number as tie-break,
// which keeps equal keys in insertion order; otherwise rows are compared column by column.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_SORT_H_
#define TALLY_ENGINE_SORT_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "format/column.h"

namespace tally::engine {

// The permutation that sorts `rows` (a subset of row numbers) by `keys`, stable.
std::vector<uint32_t> SortPermutation(absl::Span<const format::Column* const> keys,
                                      std::vector<uint32_t> rows);

// Order-preserving ranks of `column` over all its rows.
std::vector<uint64_t> RankColumn(const format::Column& column);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SORT_H_
