// EngineSpec: a table's ENGINE clause, checked against its columns. Which merge rule its
// rows follow (engine/merge_rules/merge_rule.h) and the columns each rule reads.
//
//   MergeTree                   rows are kept as inserted
//   ReplacingMergeTree([ver [, is_deleted]])
//   SummingMergeTree([col | (col, ...)])
//   AggregatingMergeTree
//   Null                        stores nothing
//
// The rules themselves, and where tally differs from ClickHouse, are in docs/engines.md.
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_MERGE_RULES_ENGINE_SPEC_H_
#define TALLY_ENGINE_MERGE_RULES_ENGINE_SPEC_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "format/table_schema.h"

namespace tally::engine {

enum class EngineKind { kMergeTree, kReplacing, kSumming, kAggregating, kNull };

// The table setting that makes SummingMergeTree drop rows whose sums are all zero, as
// ClickHouse always does (tally keeps them unless it is 1: docs/engines.md).
inline constexpr char kSummingDropZeroRowsSetting[] = "summing_drop_zero_rows";

// The table setting that turns off recording superseded rows in a ReplacingMergeTree
// (engine/superseded.h; on by default): inserts then skip comparing keys with the table's
// parts, and FINAL merges, as ClickHouse's does.
inline constexpr char kTrackSupersededRowsSetting[] = "track_superseded_rows";

struct EngineSpec {
  EngineKind kind = EngineKind::kMergeTree;
  std::string version_column;     // Replacing: "" = the last inserted row wins
  std::string is_deleted_column;  // Replacing: "" = none
  // Summing: the columns summed (given, or every numeric column outside the sorting and
  // partition keys).
  std::vector<std::string> summed_columns;
  bool drop_zero_rows = false;  // Summing
  bool track_superseded = true;  // Replacing: kTrackSupersededRowsSetting
  // Columns outside the sorting key that the partition expression reads.
  std::vector<std::string> partition_columns;

  // Whether rows with equal sorting keys combine (every engine but MergeTree and Null).
  bool has_rule() const { return kind != EngineKind::kMergeTree && kind != EngineKind::kNull; }
};

// Parses and checks schema.engine / engine_args / settings against the columns: unknown
// engines are Unimplemented; wrong arguments, column types, and (Summing) a column that
// would take an arbitrary value are InvalidArgument, naming the column and what to do.
absl::StatusOr<EngineSpec> ParseEngine(const format::TableSchema& schema);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_ENGINE_SPEC_H_
