// SELECT execution: source (a table scan with pruning, a subquery, or one dummy row),
// WHERE, GROUP BY with aggregates, HAVING, ORDER BY (top-N when limited), WITH FILL,
// DISTINCT, LIMIT BY, LIMIT/OFFSET, projections.
//
// A table or numbers() source is read by max_threads threads (the caller's and threads
// started for the query), each filtering and aggregating its share of blocks; partial
// aggregates merge at the end, and rows of a plain SELECT are put back in scan order.
// Every loop checks ctx.limits (time, cancel, memory) at least once per block; blocks are
// cut into slices for expressions of many nodes, so no kernel runs long unchecked.
// Not synchronized; one query at a time per QueryContext.
#ifndef TALLY_ENGINE_QUERY_SELECT_H_
#define TALLY_ENGINE_QUERY_SELECT_H_

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/exec/query_limits.h"
#include "engine/scan.h"
#include "engine/sql/ast.h"
#include "engine/sql/binder.h"

namespace tally::engine::sql {

struct QueryContext {
  Database* db = nullptr;
  QueryParams params;
  std::string current_database = "default";
  size_t max_threads = 0;  // threads a scan uses; 0 = one per core
  bool positional_arguments = true;   // enable_positional_arguments: GROUP BY 1 names item 1
  bool totals_before_having = false;  // totals_mode = 'before_having': totals of every group
  // Time, cancel and memory limits, checked in every long loop of the query; copies (a
  // subquery's context) share the bytes held for the whole query.
  exec::QueryLimits limits;
  // Filled in as the query runs.
  ScanStats stats;
  uint64_t memory_bytes = 0;

  // Errors when a limit is exceeded (memory_bytes + extra_bytes + what the query holds for
  // good against the memory budget) or the query was cancelled.
  absl::Status CheckLimits(uint64_t extra_bytes = 0) const { return limits.Check(memory_bytes + extra_bytes); }
};

struct ResultSet {
  std::vector<std::string> names;
  std::vector<format::DataTypePtr> types;
  Block block;  // all rows
  // GROUP BY ... WITH TOTALS: one row, the aggregates over every group HAVING keeps, keys
  // at their default values. A query over a subquery with totals passes them on through
  // its select list, as ClickHouse does.
  std::optional<Block> totals;
};

absl::StatusOr<ResultSet> ExecuteSelect(const SelectQuery& query, QueryContext& ctx);

// Lets the binder run uncorrelated subqueries (IN (SELECT ...), scalar (SELECT ...)) with
// ctx's settings, each once per query. ExecuteSelect and ExplainSelect call it; ctx must
// outlive the binding.
void InstallSubqueryRunner(QueryContext& ctx);

// EXPLAIN: the plan, with how many parts and granules each pruning step keeps.
absl::StatusOr<std::string> ExplainSelect(const SelectQuery& query, QueryContext& ctx);

// "db.t" / "t" -> the table name the Database knows ("t" for the default database).
std::string QualifiedTableName(const std::string& database, const std::string& table, const QueryContext& ctx);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SELECT_H_
