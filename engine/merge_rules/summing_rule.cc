#include "engine/merge_rules/summing_rule.h"

#include "engine/exec/function_util.h"

namespace tally::engine {

namespace {

bool IsZero(const format::Column& c, size_t i) {
  if (c.type->id() == format::TypeId::kNullable) return c.nulls[i] != 0 || IsZero(c.children[0], i);
  bool zero = false;
  exec::DispatchNumeric(c.type->id(), [&](auto t) {
    using T = decltype(t);
    zero = c.values<T>()[i] == T{};
  });
  return zero;
}

}  // namespace

absl::Status SummingRule::Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const {
  return ReduceColumns(combiners_, rows.columns, starts, &out->columns);
}

void SummingRule::Drop(const Block& reduced, RuleStage stage, format::PodVector<uint8_t>* keep) const {
  (void)stage;  // a zero sum is dropped wherever it appears, as in ClickHouse
  if (!drop_zero_rows_) return;
  for (size_t i = 0; i < reduced.rows(); ++i) {
    bool all_zero = true;
    for (size_t c = 0; c < reduced.columns.size() && all_zero; ++c) {
      if (combiners_[c].kind() == ColumnCombiner::Kind::kSum) all_zero = IsZero(reduced.columns[c], i);
    }
    if (all_zero) (*keep)[i] = 0;
  }
}

}  // namespace tally::engine
