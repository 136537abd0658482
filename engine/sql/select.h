// SELECT execution: source (a table scan with pruning, a subquery, or one dummy row),
// WHERE, GROUP BY with aggregates, HAVING, ORDER BY (top-N when limited), WITH FILL,
// DISTINCT, LIMIT BY, LIMIT/OFFSET, projections.
//
// A table or numbers() source is read by max_threads threads (the caller's and threads
// started for the query), each filtering and aggregating its share of blocks; partial
// aggregates merge at the end, and rows of a plain SELECT are put back in scan order.
// Not synchronized; one query at a time per QueryContext.
#ifndef TALLY_ENGINE_SQL_SELECT_H_
#define TALLY_ENGINE_SQL_SELECT_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/scan.h"
#include "engine/sql/ast.h"
#include "engine/sql/binder.h"

namespace tally::engine::sql {

struct QueryContext {
  Database* db = nullptr;
  QueryParams params;
  std::string current_database = "default";
  uint64_t max_memory_usage = 0;     // bytes; 0 = unlimited
  double max_execution_time_s = 0;   // 0 = unlimited
  size_t max_threads = 0;            // threads a scan uses; 0 = one per core
  const std::atomic<bool>* cancelled = nullptr;
  absl::Time start = absl::Now();
  // Filled in as the query runs.
  ScanStats stats;
  uint64_t memory_bytes = 0;

  // Errors when a limit is exceeded or the query was cancelled.
  absl::Status CheckLimits(uint64_t extra_bytes = 0) const;
};

struct ResultSet {
  std::vector<std::string> names;
  std::vector<format::DataTypePtr> types;
  Block block;  // all rows
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

#endif  // TALLY_ENGINE_SQL_SELECT_H_
