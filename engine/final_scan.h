// FINAL at read time: SELECT ... FROM t FINAL gives the rows a merge of every part would
// leave, without merging. The table's merge rule (engine/merge_rules/) runs on the rows
// read, and only where it has something to do.
//
// Plan: each partition's key space is cut into tasks at keys of its primary index (about
// task_rows rows each, so threads share the work). A task is a key interval [lo, hi) and,
// for each part, the run of granules that may hold keys inside it. A task that only one
// part reaches is read as it is: every part of these engines has one row per key (inserts
// and merges collapse them), so there is nothing to combine; rows the rule drops once
// every part is seen (Replacing's deleted rows) are still dropped. A task several parts
// reach merges their runs in key order (SortedMerge) through the rule. Either way the rows
// are cut to [lo, hi), since a granule at a task's edge is read by both neighbours.
//
// Pruning keeps only conditions on the sorting key: all rows of a key are kept or dropped
// together, whereas dropping by another column could drop the newest version of a key and
// resurrect an older one. Other conditions are applied to the collapsed rows.
//
// A FinalReader is used by one thread; the plan is immutable and shared.
#ifndef TALLY_ENGINE_FINAL_SCAN_H_
#define TALLY_ENGINE_FINAL_SCAN_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/merge_rules/engine_spec.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/merge_rules/rule_applier.h"
#include "engine/part.h"
#include "engine/range_filter.h"
#include "engine/sorted_merge.h"
#include "format/table_schema.h"
#include "format/value.h"

namespace tally::engine {

struct FinalTask {
  std::vector<MergeInput> inputs;  // in block order
  std::vector<format::Value> lo;   // rows with lo <= key; empty: unbounded
  std::vector<format::Value> hi;   // rows with key < hi; empty: unbounded
  uint64_t rows = 0;               // in the granules read
};

// The tasks of a FINAL scan of `parts` (any partitions) whose granules may hold rows inside
// `key_ranges` (ranges on sorting key columns only). `granules_selected` gets the number
// of granules read, each counted once however many tasks read it.
std::vector<FinalTask> PlanFinal(const format::TableSchema& schema, const std::vector<PartPtr>& parts,
                                 const std::vector<ColumnRange>& key_ranges, uint64_t task_rows,
                                 uint64_t* granules_selected);

class FinalReader {
 public:
  // Reads the schema columns `columns` (which must hold the sorting key and the rule's
  // columns: RuleColumns) through the rule of `spec`.
  static absl::StatusOr<std::unique_ptr<FinalReader>> Make(const format::TableSchema& schema, const EngineSpec& spec,
                                                           std::vector<int> columns);

  // Starts reading `task` (which must outlive the reading).
  void Start(const FinalTask* task);
  // The task's next block of collapsed rows (columns as given to Make); false at its end.
  absl::StatusOr<bool> Next(Block* out);

 private:
  FinalReader(const format::TableSchema& schema, std::vector<int> columns) : schema_(schema), columns_(std::move(columns)) {}
  // Keeps the rows of `block` (sorted) with lo <= key < hi.
  void CutToBounds(Block* block) const;

  const format::TableSchema& schema_;
  const std::vector<int> columns_;
  std::vector<size_t> key_positions_;
  std::unique_ptr<MergeRule> rule_;
  const FinalTask* task_ = nullptr;
  std::unique_ptr<SortedMerge> merge_;
  std::optional<RuleApplier> applier_;
  bool finished_ = false;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_FINAL_SCAN_H_
