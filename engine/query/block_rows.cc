#include "engine/query/block_rows.h"

#include "absl/strings/str_cat.h"

namespace tally::engine::sql {

using exec::Evaluated;
using format::Column;
using format::TypeId;

absl::StatusOr<std::vector<uint32_t>> Selected(const Evaluated& mask, size_t rows, bool* all) {
  const Column& c = *mask.column;
  const bool nullable = c.type->id() == TypeId::kNullable;
  const Column& v = nullable ? c.children[0] : c;
  if (v.type->fixed_width() == 0 || v.type->is_float()) {
    return absl::InvalidArgumentError(absl::StrCat("Illegal type ", c.type->ToString(),
                                                   " of column for filter. Must be UInt8 or Nullable(UInt8)"));
  }
  const size_t w = v.type->fixed_width();
  std::vector<uint32_t> out;
  auto truthy = [&](size_t i) {
    if (nullable && c.nulls[i]) return false;
    for (size_t b = 0; b < w; ++b) {
      if (v.data[i * w + b] != 0) return true;
    }
    return false;
  };
  if (mask.is_const) {
    *all = truthy(0);
    return out;
  }
  out.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    if (truthy(r)) out.push_back(static_cast<uint32_t>(r));
  }
  *all = out.size() == rows;
  return out;
}

Block Filter(const Block& block, const std::vector<uint32_t>& rows) {
  Block out;
  out.names = block.names;
  for (const Column& c : block.columns) out.columns.push_back(Column::Gather(c, rows));
  return out;
}

Block SliceOf(const Block& block, size_t begin, size_t n) {
  Block out;
  out.names = block.names;
  for (const Column& c : block.columns) {
    out.columns.push_back(Column::Make(c.type));
    out.columns.back().AppendRange(c, begin, n);
  }
  return out;
}

}  // namespace tally::engine::sql
