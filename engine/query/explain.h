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

absl::StatusOr<std::string> ExplainSelect(const SelectQuery& query, QueryContext& ctx);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_EXPLAIN_H_
