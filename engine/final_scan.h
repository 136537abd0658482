// FINAL at read time: SELECT ... FROM t FINAL gives the rows a merge of every part would
// leave, without merging. The table's merge rule (engine/merge_rules/) runs on the rows
// read, and only where it has something to do.
//
// Plan: each partition's selected granules are sorted by first key and gathered into
// components whose key ranges overlap (transitively). A component of one part is read as
// it is: every part of these engines has one row per key (inserts and merges collapse
// them), so there is nothing to combine; rows the rule drops once every part is seen
// (Replacing's deleted rows) are still dropped. Such runs are gathered into tasks of about
// task_rows rows. A component of several parts is merged (SortedMerge), cut at granule
// keys into tasks of about task_rows rows, each a key interval [lo, hi) reading the
// granules that reach it; its rows are cut to [lo, hi), since a granule at an edge is read
// by both neighbours. Threads take tasks in turn.
//
// A merged task does not copy rows into key order: the merge hands out runs of one
// input's rows, and equal keys can meet only where runs join (a part has one row per
// key). So a row is returned where it was read, in its own granule, unless its key meets
// another input's: then the rule decides. A rule that picks one of the rows (Replacing)
// keeps the winner in place and drops the others; a rule that combines (Summing,
// Aggregating) takes the group's rows out and returns its reduced row in a block of
// its own. A granule is returned (its kept rows, within [lo, hi), then the rule's Drop)
// once the merge is past it and no open group holds one of its rows. The rows of a task
// therefore come out in no particular order, which FINAL does not promise.
//
// Pruning keeps only conditions on the sorting key: all rows of a key are kept or dropped
// together, whereas dropping by another column could drop the newest version of a key and
// resurrect an older one. Other conditions are applied to the collapsed rows.
//
// A FinalReader is used by one thread; the plan is immutable and shared.
#ifndef TALLY_ENGINE_FINAL_SCAN_H_
#define TALLY_ENGINE_FINAL_SCAN_H_

#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/merge_rules/engine_spec.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/part.h"
#include "engine/range_filter.h"
#include "engine/sorted_merge.h"
#include "format/pod_vector.h"
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

  // Another reader of the same columns and rule, for another thread, over `schema` (a copy
  // of this reader's that outlives the clone).
  std::unique_ptr<FinalReader> Clone(const format::TableSchema& schema) const;

  // Starts reading `task` (which must outlive the reading).
  void Start(const FinalTask* task);
  // The task's next block of collapsed rows (columns as given to Make); false at its end.
  absl::StatusOr<bool> Next(Block* out);

 private:
  FinalReader(const format::TableSchema& schema, std::vector<int> columns) : schema_(schema), columns_(std::move(columns)) {}
  // Keeps the rows of `block` (sorted) with lo <= key < hi.
  void CutToBounds(Block* block) const;
  // The rows [begin, end) of `block` (sorted) with lo <= key < hi.
  std::pair<size_t, size_t> RowsInBounds(const Block& block) const;

  // A merged task's granule not yet returned, and a row of one.
  struct Held {
    std::shared_ptr<const MergeWindow> window;
    format::PodVector<uint8_t> keep;  // 1: returned (unless outside [lo, hi) or dropped)
    bool done = false;                // the merge is past its last row
  };
  struct Member {
    Held* held;
    size_t row;
  };
  // Takes the merge's next run; false when it is exhausted.
  absl::StatusOr<bool> ConsumeRun();
  // The open group of equal keys is complete: the rule decides it.
  void Resolve();
  // Moves the granules that can no longer change into ready_ (all of them at the end).
  void ReleaseHeld(bool all);
  // Reduces the combined groups taken out so far into ready_.
  absl::Status ReduceGroups();

  const format::TableSchema& schema_;
  const std::vector<int> columns_;
  std::vector<size_t> key_positions_;
  std::shared_ptr<const MergeRule> rule_;  // immutable: shared by the readers of one scan
  // The next block of a one-input task, read straight from the part; false at its end.
  absl::StatusOr<bool> NextPlain(Block* out);

  const FinalTask* task_ = nullptr;
  // A one-input task: cursors over its part and the next granule to read.
  std::vector<ColumnCursor> plain_cursors_;
  uint64_t plain_next_ = 0;
  std::unique_ptr<SortedMerge> merge_;
  std::vector<std::unique_ptr<Held>> held_;
  std::vector<Held*> current_;  // per input: its window being merged
  std::vector<Member> open_;    // rows with the last key seen, in stream order
  Block group_rows_;            // rows of combined groups, for Reduce
  std::vector<uint32_t> group_starts_;
  std::deque<Block> ready_;
  bool finished_ = false;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_FINAL_SCAN_H_
