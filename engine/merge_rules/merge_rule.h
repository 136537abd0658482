// MergeRule: what a table engine does with rows whose sorting keys are equal. The same
// rule runs in background merges, OPTIMIZE, on each inserted block (ClickHouse's
// optimize_on_insert), and at read time for SELECT ... FINAL; RuleApplier
// (engine/merge_rules/rule_applier.h) finds the groups of equal keys in a sorted stream
// and feeds them to the rule, so a rule never sees a key boundary it has to find itself.
//
// A rule is bound to one block layout: the columns a stream carries, by name. It must work
// for any layout that holds the sorting key and the columns the rule names in
// RequiredColumns() (FINAL reads only the columns a query needs); other columns follow
// the rule's default for them.
//
// Reduce is associative over a group: reducing a group's first rows to one row and then
// that row with the rest gives the same row as reducing them all at once. RuleApplier
// relies on it for groups that span chunks.
//
// Immutable after creation; thread-safe.
#ifndef TALLY_ENGINE_MERGE_RULES_MERGE_RULE_H_
#define TALLY_ENGINE_MERGE_RULES_MERGE_RULE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/block.h"
#include "engine/merge_rules/engine_spec.h"
#include "format/pod_vector.h"
#include "format/table_schema.h"

namespace tally::engine {

// Where reduced rows go, which decides what a rule may drop: a row that hides older ones
// (Replacing's deleted rows) must be stored, since an older one may still arrive.
enum class RuleStage {
  kStore,  // an inserted block or a merge: the rows are written to a part
  kRead,   // FINAL: rows returned, never stored
};

class MergeRule {
 public:
  virtual ~MergeRule() = default;

  // Appends to `out` (a block of the bound layout) exactly one row per group of `rows`:
  // group g is rows [starts[g], starts[g + 1]), in the stream's order (earlier inserts
  // first). REQUIRES: starts ascending, at least two entries.
  virtual absl::Status Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const = 0;

  // Whether Reduce always returns one of the group's rows as it is (Replacing). FINAL then
  // asks Pick which one and reads the rows where they are, instead of copying every row
  // through Reduce.
  virtual bool Picks() const { return false; }
  // For a rule that Picks: the position in `group` of the row Reduce would return. Row g
  // of the group is row group[g].second of *group[g].first (blocks of the bound layout),
  // in the stream's order. REQUIRES: Picks(), group not empty.
  virtual size_t Pick(absl::Span<const std::pair<const Block*, size_t>> group) const {
    (void)group;
    return 0;
  }

  // Clears keep[i] for reduced rows that must not be written or returned at `stage`: rows
  // marked deleted (Replacing), zero sums (Summing with summing_drop_zero_rows).
  virtual void Drop(const Block& reduced, RuleStage stage, format::PodVector<uint8_t>* keep) const {
    (void)reduced, (void)stage, (void)keep;
  }
};

// Removes from *rows the rows `rule` drops at `stage` (MergeRule::Drop); returns how many.
size_t DropRows(const MergeRule& rule, RuleStage stage, Block* rows);

// The columns, beyond the sorting key, that the table's rule must read to reduce rows
// correctly (ver and is_deleted).
std::vector<std::string> RuleColumns(const EngineSpec& spec);

// The rule of `spec` bound to a block whose columns are `layout` (names of the schema's
// columns). nullptr for engines without one (MergeTree, Null).
absl::StatusOr<std::unique_ptr<MergeRule>> MakeMergeRule(const EngineSpec& spec, const format::TableSchema& schema,
                                                         const std::vector<std::string>& layout);
// The rule bound to blocks of every schema column in schema order (inserts and merges).
absl::StatusOr<std::unique_ptr<MergeRule>> MakeTableRule(const EngineSpec& spec, const format::TableSchema& schema);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_MERGE_RULE_H_
