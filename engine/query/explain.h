// EXPLAIN of a SELECT: the plan, with how many parts and granules each pruning step keeps.
// It sits above select.h and select_source.h (it resolves the source as ExecuteSelect
// does, then asks the scan what it would read). Not synchronized.
#ifndef TALLY_ENGINE_QUERY_EXPLAIN_H_
#define TALLY_ENGINE_QUERY_EXPLAIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/query/query_context.h"
#include "engine/sql/ast.h"

namespace tally::engine::sql {

struct ExplainOptions {
  // EXPLAIN indexes = 1: the scan's Indexes section in ClickHouse's layout (Min-Max,
  // PrimaryKey, then each skip index: keys, condition, parts and granules before and
  // after), instead of tally's one line per step.
  bool indexes = false;
};

// InvalidArgument for an option EXPLAIN does not know or a value it does not take.
absl::StatusOr<ExplainOptions> ParseExplainOptions(const SettingsClause& settings);

absl::StatusOr<std::string> ExplainSelect(const SelectQuery& query, QueryContext& ctx,
                                          const ExplainOptions& options = {});

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_EXPLAIN_H_
