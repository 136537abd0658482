#include "engine/merge_rules/aggregating_rule.h"


namespace tally::engine {

absl::Status AggregatingRule::Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const {
  return ReduceColumns(combiners_, rows.columns, starts, &out->columns);
}

}  // namespace tally::engine
