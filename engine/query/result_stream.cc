#include "engine/query/result_stream.h"

#include <algorithm>
#include <utility>

namespace tally::engine::sql {

ResultSetStream::ResultSetStream(ResultSet result, ScanStats stats, size_t block_rows)
    : owned_(std::move(result)), result_(&*owned_), block_rows_(std::max<size_t>(block_rows, 1)) {
  Init(std::move(stats));
}

ResultSetStream::ResultSetStream(const ResultSet* result, ScanStats stats, size_t block_rows)
    : result_(result), block_rows_(std::max<size_t>(block_rows, 1)) {
  Init(std::move(stats));
}

void ResultSetStream::Init(ScanStats stats) {
  names_ = result_->names;
  types_ = result_->types;
  totals_ = result_->totals;
  stats_ = std::move(stats);
}

absl::StatusOr<std::optional<Block>> ResultSetStream::Next() {
  const Block& all = result_->block;
  const size_t rows = all.rows();
  if (next_row_ >= rows) return std::optional<Block>();
  const size_t n = std::min(block_rows_, rows - next_row_);
  Block out;
  out.names = all.names;
  if (n == rows && owned_.has_value()) {
    // The whole result in one block, which nothing else reads: no copy.
    out.columns = std::move(owned_->block.columns);
  } else {
    for (const format::Column& c : all.columns) {
      out.columns.push_back(format::Column::Make(c.type));
      out.columns.back().AppendRange(c, next_row_, n);
    }
  }
  next_row_ += n;
  return std::optional<Block>(std::move(out));
}

}  // namespace tally::engine::sql
