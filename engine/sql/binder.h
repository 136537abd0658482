// Binding: turning syntax-tree expressions into compiled expressions over a known set of
// input columns. Resolves names (source columns, aliases, and, after aggregation, the
// GROUP BY keys and aggregate results by their text), types literals as ClickHouse
// does (1 is UInt8, 300 UInt16, -1 Int8), substitutes query parameters, and rewrites a
// few forms (t + INTERVAL n UNIT into addUnits(t, n), toStartOfInterval(t, INTERVAL n UNIT)
// into toStartOfInterval(t, n, 'Unit'), x IN (...) and x IN (SELECT ...) into a set
// look-up, a scalar (SELECT ...) into its value as a constant).
//
// A Scope is built per query stage and only read while binding. Not synchronized.
#ifndef TALLY_ENGINE_SQL_BINDER_H_
#define TALLY_ENGINE_SQL_BINDER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "engine/exec/expression.h"
#include "engine/sql/ast.h"

namespace tally::engine::sql {

struct QueryParams {
  absl::flat_hash_map<std::string, std::string> values;  // {name:Type} -> value text
  exec::FunctionContext functions;
  // Runs an uncorrelated subquery (x IN (SELECT ...), a scalar (SELECT ...)) and returns
  // its only column. Set by ExecuteSelect, which caches each subquery's result for the
  // query; without it, subqueries are an error.
  std::function<absl::StatusOr<format::Column>(const SelectQuery& query, const Expr& at)> run_subquery;
  // Set while binding a branch of if/multiIf that a constant condition never takes: a
  // constant there that fails to fold (intDiv(1, 0)) stays a call that no row evaluates,
  // as in ClickHouse, where if(0, intDiv(1, 0), 1) is 1.
  bool defer_fold_errors = false;
};

struct Scope {
  std::vector<std::string> names;  // the input block's columns
  std::vector<format::DataTypePtr> types;
  // Subtrees already computed, by their text (keys and aggregates after GROUP BY).
  absl::flat_hash_map<std::string, size_t> by_text;
  // Whether bare column names may be used (false after aggregation: only keys).
  bool columns_visible = true;

  int Find(absl::string_view name) const;
  void Add(std::string name, format::DataTypePtr type) {
    names.push_back(std::move(name));
    types.push_back(std::move(type));
  }
};

// Replaces identifiers that name an alias (WITH x AS ..., SELECT expr AS x, (expr AS x)
// anywhere in the query) by the aliased expression, recursively. Inside an alias's own
// definition its name means the column, as in ClickHouse (`value * 2 AS value` doubles
// once), so a cycle ends at a column or in an unknown identifier. Only the nodes above a
// replaced identifier are copied; `expr` itself comes back when nothing changes.
// `is_column` (may be empty) says which names are the source's columns: an alias whose
// expansion ends in a cycle through a name that is no column is then the column it names.
absl::StatusOr<ExprPtr> ExpandAliases(const ExprPtr& expr, const absl::flat_hash_map<std::string, ExprPtr>& aliases,
                                      const std::function<bool(const std::string&)>& is_column = {});

absl::StatusOr<exec::ExpressionPtr> Bind(const Expr& expr, const Scope& scope, const QueryParams& params);

// The type ClickHouse gives a literal, and a one-row column holding it.
absl::StatusOr<format::Column> LiteralColumn(const format::Value& v);

// Whether the tree contains an aggregate call; collects them (by text) when `out` is set.
bool CollectAggregates(const ExprPtr& expr, std::vector<ExprPtr>* out, absl::flat_hash_set<std::string>* seen);

// A clear error in ClickHouse's words for a name that resolves to nothing.
absl::Status UnknownIdentifier(const Expr& expr, const Scope& scope);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_BINDER_H_
