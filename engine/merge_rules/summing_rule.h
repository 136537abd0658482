// SummingRule (SummingMergeTree([columns])): rows with one sorting key become one row whose
// summed columns (engine/merge_rules/engine_spec.h says which) hold the sums of the group,
// wrapping as the column type does, NULLs left out (all NULL: NULL); whose
// SimpleAggregateFunction and AggregateFunction columns combine by their function; and
// whose other columns (the sorting key, partition-key columns) hold the group's first
// row's values. Rows whose sums are all zero are kept unless the table sets
// summing_drop_zero_rows = 1 (ClickHouse always drops them; on a bill a zero line is still
// a line).
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_MERGE_RULES_SUMMING_RULE_H_
#define TALLY_ENGINE_MERGE_RULES_SUMMING_RULE_H_

#include <vector>

#include "engine/merge_rules/column_combiner.h"
#include "engine/merge_rules/merge_rule.h"

namespace tally::engine {

class SummingRule : public MergeRule {
 public:
  // One combiner per column of the layout.
  SummingRule(std::vector<ColumnCombiner> combiners, bool drop_zero_rows)
      : combiners_(std::move(combiners)), drop_zero_rows_(drop_zero_rows) {}

  absl::Status Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const override;
  void Drop(const Block& reduced, RuleStage stage, format::PodVector<uint8_t>* keep) const override;

 private:
  const std::vector<ColumnCombiner> combiners_;
  const bool drop_zero_rows_;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_SUMMING_RULE_H_
