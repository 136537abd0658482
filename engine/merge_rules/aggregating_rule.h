// AggregatingRule (AggregatingMergeTree): rows with one sorting key become one row whose
// AggregateFunction(f, ...) columns hold the merge of the group's states and whose
// SimpleAggregateFunction(f, T) columns hold f over the group's values; the sorting key
// and partition-key columns keep the group's first row's values. Every other column is
// refused at CREATE TABLE (engine_spec.h), so no column takes an arbitrary row's value.
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_MERGE_RULES_AGGREGATING_RULE_H_
#define TALLY_ENGINE_MERGE_RULES_AGGREGATING_RULE_H_

#include <vector>

#include "engine/merge_rules/column_combiner.h"
#include "engine/merge_rules/merge_rule.h"

namespace tally::engine {

class AggregatingRule : public MergeRule {
 public:
  explicit AggregatingRule(std::vector<ColumnCombiner> combiners) : combiners_(std::move(combiners)) {}

  absl::Status Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const override;

 private:
  const std::vector<ColumnCombiner> combiners_;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_AGGREGATING_RULE_H_
