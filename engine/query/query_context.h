// QueryContext: what one SELECT runs with (database, parameters, settings, limits) and
// collects (scan statistics, memory); ResultSet: what it returns; SelectRunner: how a
// lower piece of the query layer (the source of a FROM subquery) runs a SELECT without
// depending on select.cc, which passes ExecuteSelect down.
//
// Not synchronized; one query at a time per QueryContext.
#ifndef TALLY_ENGINE_QUERY_QUERY_CONTEXT_H_
#define TALLY_ENGINE_QUERY_QUERY_CONTEXT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/exec/query_limits.h"
#include "engine/query/row_filter.h"
#include "engine/scan.h"
#include "engine/sql/ast.h"
#include "engine/sql/binder.h"

namespace tally::engine::sql {

struct Settings;  // engine/query/session.h

struct QueryContext {
  Database* db = nullptr;
  QueryParams params;
  std::string current_database = "default";
  size_t max_threads = 0;  // threads a scan uses; 0 = one per core
  bool positional_arguments = true;   // enable_positional_arguments: GROUP BY 1 names item 1
  bool totals_before_having = false;  // totals_mode = 'before_having': totals of every group
  // The statement's settings (the session's, then its SETTINGS clause), as system.settings
  // shows them; null in a context no session made.
  std::shared_ptr<const Settings> settings;
  // The session's row filters (engine/query/row_filter.h): a read of a table with one sees
  // only the rows it allows. Null: none. Subqueries' contexts are copies, so share them.
  std::shared_ptr<const RowFilters> row_filters;
  // The session's readonly level (Session::set_readonly): system.settings shows every
  // setting readonly at 1, where none may be changed.
  int readonly = 0;
  // Time, cancel and memory limits, checked in every long loop of the query; copies (a
  // subquery's context) share the bytes held for the whole query.
  exec::QueryLimits limits;
  // A table this query reads from a block instead (a materialized view's SELECT reads the
  // inserted rows in place of its source table, engine/query/view_compiler.h): FROM
  // `lent_table` (qualified as QualifiedTableName does), anywhere in the query, subqueries
  // included, reads *lent_block, which must outlive the query.
  std::string lent_table;
  const Block* lent_block = nullptr;
  // The statement's counters (engine/progress.h), which scans, numbers() and system tables
  // add their rows to; null: not counted. Subqueries' contexts are copies, so share them.
  QueryProgress* progress = nullptr;
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

using SelectRunner = std::function<absl::StatusOr<ResultSet>(const SelectQuery& query, QueryContext& ctx)>;

// "db.t" / "t" -> the table name the Database knows ("t" for the default database).
std::string QualifiedTableName(const std::string& database, const std::string& table, const QueryContext& ctx);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_QUERY_CONTEXT_H_
