// Row filters: row-level security for a Session. A filter is a condition on one table's
// columns ("tenant = 'ws_42'"). Every read of that table in the session's statements sees
// only the rows where it is true: a SELECT, its FROM subqueries and UNION ALL members,
// IN (SELECT ...) and scalar subqueries, INSERT ... SELECT, and a materialized view read by
// its name (which reads its target table: the filters on the view and on the target both
// apply). The HTTP server's users file gives each user its filters (docs/server.md).
//
// The scan applies a filter as the first conjunct of its WHERE: the primary key, the
// partition min/max and the skip indexes prune by it as by any condition, and the query's
// own WHERE is evaluated only on the rows the filter keeps, so a failing function there
// (a division by zero, a bad cast) cannot tell anything about the rows it hides. The query's aliases
// never reach a filter: its names are always the table's columns.
//
// Not filtered: the system tables (system.parts counts every row), DESCRIBE and SHOW
// CREATE, EXPLAIN's part and granule counts, and what a materialized view computes when
// rows are inserted (a view sees every inserted row, whoever inserts it).
//
// Plain values, immutable once built: a Session shares them with its queries' contexts.
#ifndef TALLY_ENGINE_QUERY_ROW_FILTER_H_
#define TALLY_ENGINE_QUERY_ROW_FILTER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/sql/ast.h"

namespace tally::engine::sql {

struct TableRowFilter {
  std::string table;  // the Database's name: "events" in the default database, else "db.t"
  std::string text;   // the condition as given
  ExprPtr expr;       // parsed (ParseRowFilter)
  std::string user;   // whose filter, for error messages ("" when the caller names none)

  // "row filter of user 'u' on table default.events" (or without the user).
  std::string Describe() const;
};

// Filters by table (TableRowFilter::table).
using RowFilters = absl::flat_hash_map<std::string, TableRowFilter>;

// The Database's name of the table a filter names: "default.events" and "events" ->
// "events", "db.t" -> "db.t". InvalidArgument for an empty part, more than one dot, or
// the system database (its tables are never filtered).
absl::StatusOr<std::string> RowFilterTableName(absl::string_view table);

// Parses a filter: one expression on the table's columns by their bare names. Subqueries,
// query parameters, aggregate functions and aliases are InvalidArgument, as are
// qualified names (`t.x`): a filter means the same wherever the table is read.
absl::StatusOr<ExprPtr> ParseRowFilter(absl::string_view text);

// The columns `filter` names (lambda parameters left out), each once, in order.
std::vector<std::string> RowFilterColumns(const Expr& filter);

// InvalidArgument naming the filter (its user and table) and the column, when the filter
// names a column that is not in `columns` (the table's).
absl::Status CheckRowFilterColumns(const TableRowFilter& filter, const std::vector<std::string>& columns);

// The filter a read of `table` applies (the Database's name; `view`, when not empty, is the
// materialized view the query named, whose target `table` is): the conjunction of the
// filters on both, each checked against `columns` first. Null when neither has one.
// *describe gets who they belong to, for errors.
absl::StatusOr<ExprPtr> RowFilterFor(const RowFilters& filters, const std::string& view, const std::string& table,
                                     const std::vector<std::string>& columns, std::string* describe);

// a AND b; either may be null (then the other comes back).
ExprPtr Conjunction(ExprPtr a, ExprPtr b);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_ROW_FILTER_H_
