// SELECT execution: source (a table scan with pruning, a subquery, or one dummy row),
// WHERE, GROUP BY with aggregates, HAVING, ORDER BY (top-N when limited), WITH FILL,
// DISTINCT, LIMIT BY, LIMIT/OFFSET, projections.
//
// A table or numbers() source is read by max_threads threads (the caller's and threads
// started for the query), each filtering and aggregating its share of blocks; partial
// aggregates merge at the end, and rows of a plain SELECT are put back in scan order
// (ExecuteSelectStream hands them out as they come, engine/query/plain_select_stream.h).
// Every loop checks ctx.limits (time, cancel, memory) at least once per block; blocks are
// cut into slices for expressions of many nodes, so no kernel runs long unchecked.
// Not synchronized; one query at a time per QueryContext.
//
// Dependencies go one way: select.cc builds its source with select_source.h and runs UNION
// ALL with select_union.h, handing each ExecuteSelect as the runner of a FROM subquery or
// a member (query_context.h's SelectRunner); neither calls back into select.cc by name.
#ifndef TALLY_ENGINE_QUERY_SELECT_H_
#define TALLY_ENGINE_QUERY_SELECT_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/query/query_context.h"
#include "engine/query/result_stream.h"
#include "engine/sql/ast.h"

namespace tally::engine::sql {

absl::StatusOr<ResultSet> ExecuteSelect(const SelectQuery& query, QueryContext& ctx);

// The same result as a stream (engine/query/result_stream.h): a plain SELECT (no
// aggregation, ORDER BY, DISTINCT or LIMIT BY) is handed out block by block as its scan
// goes, holding a bounded window of rows; any other is run whole by ExecuteSelect first.
// ctx and `query` must outlive the stream.
absl::StatusOr<std::unique_ptr<ResultStream>> ExecuteSelectStream(const SelectQuery& query, QueryContext& ctx);

// Lets the binder run uncorrelated subqueries (IN (SELECT ...), scalar (SELECT ...)) with
// ctx's settings, each once per query. ExecuteSelect and ExplainSelect call it; ctx must
// outlive the binding.
void InstallSubqueryRunner(QueryContext& ctx);


}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SELECT_H_
