// UNION ALL: the members of a SELECT ... UNION ALL SELECT ... run one after another, each
// a query of its own (its WITH, ORDER BY, LIMIT and WITH TOTALS apply to it alone, as in
// ClickHouse), and their rows are put together in member order, each column converted to
// the members' least common supertype (UInt8 and Int64 give Int64, String and
// LowCardinality(String) String, T and Nullable(T) Nullable(T)). The names are the first
// member's. Internal to engine/query; not synchronized.
#ifndef TALLY_ENGINE_QUERY_SELECT_UNION_H_
#define TALLY_ENGINE_QUERY_SELECT_UNION_H_

#include "absl/status/statusor.h"
#include "engine/sql/ast.h"
#include "engine/query/query_context.h"

namespace tally::engine::sql {

// `query` and its union_all members, each run with `run_member` (ExecuteSelect: this file
// sits below select.cc, which calls it). REQUIRES: !query.union_all.empty().
absl::StatusOr<ResultSet> ExecuteUnionAll(const SelectQuery& query, QueryContext& ctx, const SelectRunner& run_member);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SELECT_UNION_H_
