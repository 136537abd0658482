// Rows of blocks by number: the rows a filter's result keeps, a block's rows picked or
// sliced. Shared by SELECT execution (select.cc) and the streamed plain SELECT
// (plain_select_stream.cc).
//
// Free functions of values; thread-safe.
#ifndef TALLY_ENGINE_QUERY_BLOCK_ROWS_H_
#define TALLY_ENGINE_QUERY_BLOCK_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/exec/expression.h"

namespace tally::engine::sql {

// Rows of `rows` where a WHERE / HAVING result `mask` is true (NULL is false); *all says
// whether that is every row (then the list may be left empty). InvalidArgument for a mask
// that is not an integer (UInt8 or Nullable(UInt8)).
absl::StatusOr<std::vector<uint32_t>> Selected(const exec::Evaluated& mask, size_t rows, bool* all);

// The rows `rows` of `block`, in that order.
Block Filter(const Block& block, const std::vector<uint32_t>& rows);

// Rows [begin, begin + n) of `block`.
Block SliceOf(const Block& block, size_t begin, size_t n);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_BLOCK_ROWS_H_
