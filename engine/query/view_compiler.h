// The SQL layer's ViewCompiler (engine/view.h): a materialized view's SELECT, parsed once
// and run by the SELECT executor over each block inserted into its source. FROM the source
// table, anywhere in the query (subqueries included, as in ClickHouse), reads the inserted
// rows in place (QueryContext::lent_block); other tables are read as they stand. -State
// aggregates give the states an AggregateFunction column of the target holds, and each
// output column is converted to its target column's type as INSERT ... SELECT converts.
//
// Unqualified table names in a view's SELECT name tables of its source's database (the
// database the statement ran in when the FROM was unqualified; ClickHouse qualifies names
// at CREATE instead, and tally keeps the text as written).
//
// Thread-safe: Compile and the ViewQuery objects' Run may be called from any number of
// threads at once (each Run has its own query context). REQUIRES: the Database outlives
// the compiler, and Compile and Run are called without the Database's mutex held (a
// subquery in a view reads tables).
#ifndef TALLY_ENGINE_QUERY_VIEW_COMPILER_H_
#define TALLY_ENGINE_QUERY_VIEW_COMPILER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/database.h"
#include "engine/sql/ast.h"
#include "engine/view.h"

namespace tally::engine::sql {

std::shared_ptr<const ViewCompiler> MakeViewCompiler(Database* db);

// A view's SELECT as a view needs it: one SELECT (no FORMAT or SETTINGS of its own) whose
// FROM is a table, and that table's name qualified in `current_database` (as
// QualifiedTableName does). InvalidArgument for a subquery, a table function or a system
// table as FROM, or no FROM.
struct ViewSelect {
  std::shared_ptr<SelectQuery> select;
  std::string source;
};
absl::StatusOr<ViewSelect> CheckViewSelect(std::shared_ptr<SelectQuery> select, const std::string& current_database);
absl::StatusOr<ViewSelect> ParseViewSelect(absl::string_view text, const std::string& current_database);

// The columns `select` returns (names, types) over rows of `source` (qualified, with
// schema `source_schema`): the SELECT run over no rows.
absl::StatusOr<std::vector<std::pair<std::string, format::DataTypePtr>>> ViewOutputColumns(
    Database* db, const SelectQuery& select, const std::string& source, const format::TableSchema& source_schema);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_VIEW_COMPILER_H_
