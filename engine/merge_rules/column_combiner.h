// ColumnCombiner: how one column of a group of equal keys becomes one value, for the rules
// that combine rows (Summing, Aggregating):
//
//   kFirst   the group's first row's value (sorting key, partition-key columns)
//   kSum     the sum, wrapping as the column type does; NULLs left out, all NULL: NULL
//   kState   AggregateFunction(f, ...): the merge of the states (exec::StateMerger)
//   kSimple  SimpleAggregateFunction(f, T): f over the values (exec::SimpleCombiner)
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_MERGE_RULES_COLUMN_COMBINER_H_
#define TALLY_ENGINE_MERGE_RULES_COLUMN_COMBINER_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/exec/aggregate_state.h"
#include "format/column.h"

namespace tally::engine {

class ColumnCombiner {
 public:
  enum class Kind { kFirst, kSum, kState, kSimple };

  // The combiner for a column of `type`: kState and kSimple for the aggregate types,
  // otherwise kSum when `sum`, else kFirst.
  static absl::StatusOr<ColumnCombiner> Make(const format::DataTypePtr& type, bool sum);

  Kind kind() const { return kind_; }

  // Appends one value per group of `in` (group g: rows [starts[g], starts[g + 1])) to *out.
  absl::Status ReduceGroups(const format::Column& in, absl::Span<const uint32_t> starts, format::Column* out) const;

 private:
  Kind kind_ = Kind::kFirst;
  std::shared_ptr<const exec::StateMerger> state_;
  std::shared_ptr<const exec::SimpleCombiner> simple_;
};

// Reduces every column of `rows` (group g: rows [starts[g], starts[g + 1])) with its
// combiner, appending to the columns of *out.
absl::Status ReduceColumns(const std::vector<ColumnCombiner>& combiners, const std::vector<format::Column>& rows,
                           absl::Span<const uint32_t> starts, std::vector<format::Column>* out);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_COLUMN_COMBINER_H_
