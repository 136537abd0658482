// FINAL at read time: SELECT ... FROM t FINAL gives the rows a merge of every part would
// leave, without merging. The table's merge rule (engine/merge_rules/) runs on the rows
// read, and only where it has something to do.
//
// Plan: each partition's selected granules are sorted by first key and gathered into
// components whose key ranges overlap (transitively). A component of one part is read as
// it is: every part of these engines has one row per key (inserts and merges collapse
// them), so there is nothing to combine; rows the rule drops once every part is seen
// (Replacing's deleted rows) are still dropped. Such runs are gathered into tasks of about
// task_rows rows. A component of several parts is merged (SortedMerge) through the rule,
// cut at granule keys into tasks of about task_rows rows, each a key interval [lo, hi)
// reading the granules that reach it; its rows are cut to [lo, hi), since a granule at an
// edge is read by both neighbours. Threads take tasks in turn.
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
  // The next block of a one-input task, read straight from the part; false at its end.
  absl::StatusOr<bool> NextPlain(Block* out);

  const FinalTask* task_ = nullptr;
  // A one-input task: cursors over its part and the next granule to read.
  std::vector<ColumnCursor> plain_cursors_;
  uint64_t plain_next_ = 0;
  std::unique_ptr<SortedMerge> merge_;
  std::optional<RuleApplier> applier_;
  bool finished_ = false;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_FINAL_SCAN_H_
