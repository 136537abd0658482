// The syntax tree of tally's SQL, ClickHouse's dialect. Produced by the parser
// (engine/sql/parser.h), consumed by the planner. Operators are already rewritten into
// the function calls ClickHouse names them by (a + b is plus(a, b), a = b is
// equals(a, b), x[k] is arrayElement(x, k), CASE is multiIf, BETWEEN is and(...),
// INTERVAL 5 MINUTE is toIntervalMinute(5)), so the planner sees only a few node kinds.
//
// Every node records where it starts in the query text (1-based line and column) for
// error messages. Plain values; not synchronized.
#ifndef TALLY_ENGINE_SQL_AST_H_
#define TALLY_ENGINE_SQL_AST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "format/value.h"

namespace tally::engine::sql {

struct Position {
  int line = 1;
  int column = 1;
};

struct SelectQuery;

struct Expr;
using ExprPtr = std::shared_ptr<Expr>;

struct Expr {
  enum class Kind {
    kLiteral,     // value (NULL, UInt64, Int64, Float64, String, Array of literals, tuple as kArray)
    kIdentifier,  // name (possibly "db.table.column" split in parts)
    kFunction,    // name(args), name(params)(args) for parametric aggregates
    kAsterisk,    // * (or t.*: parts = {"t"})
    kParameter,   // {name:Type}
    kSubquery,    // (SELECT ...) as an expression: IN (SELECT ...), scalar subquery
    kLambda,      // x -> expr (for arrayMap etc.; parts = parameter names, args = {body})
  };
  Kind kind = Kind::kLiteral;
  Position pos;

  format::Value literal;            // kLiteral
  bool bool_literal = false;        // kLiteral: TRUE / FALSE, a Bool (literal is UInt 1 / 0)
  std::vector<std::string> parts;   // kIdentifier: name parts; kAsterisk: qualifier; kLambda: params
  std::string name;                 // kFunction: function name as written; kParameter: parameter name
  std::string parameter_type;       // kParameter: the type text
  std::vector<ExprPtr> args;        // kFunction, kLambda (body)
  std::vector<ExprPtr> params;      // kFunction: quantile(0.9)(x) has params {0.9}
  bool has_params = false;          // name()(x): empty params list still counts
  bool distinct = false;            // count(DISTINCT x)
  std::shared_ptr<SelectQuery> subquery;  // kSubquery
  std::string alias;                // expr AS alias ("" when none)

  // The identifier's last part (the column name).
  const std::string& identifier() const { return parts.back(); }
  // SQL text of the expression (aliases left out), for column names of results, as
  // ClickHouse names them: "count()", "sum(value)", "plus(a, 1)".
  std::string ToString() const;
  // The expression as ClickHouse's SHOW CREATE TABLE prints it: operators infix, an
  // operator inside another in brackets, INTERVAL 1 DAY as toIntervalDay(1), tuples as
  // (a, b): "(x + 1) * 2", "toDate(t) + 1", "(s LIKE '%x%') AND (x IN (1, 2))".
  std::string ToClickHouseText() const;
};

// Whether `e` calls `function` anywhere in its tree (not inside subqueries).
bool CallsFunction(const Expr& e, absl::string_view function);
// The text (ToString) of the first call of `function` in `e`, or "" when none: for errors
// that quote the offending call.
std::string FirstCallText(const Expr& e, absl::string_view function);
// The comparison with its operands swapped: less <-> greater, lessOrEquals <->
// greaterOrEquals; any other name as it is (equals, notEquals).
absl::string_view FlippedComparison(absl::string_view name);

struct OrderByElement {
  ExprPtr expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // default: NULLs last (ClickHouse)
  bool with_fill = false;
  ExprPtr fill_from, fill_to, fill_step;  // may be null
};

struct TableRef {
  // Exactly one of table / subquery.
  std::string database;  // "" = current
  std::string table;
  std::shared_ptr<SelectQuery> subquery;
  ExprPtr table_function;  // numbers(10), etc.: kFunction
  std::string alias;
  bool final = false;
  Position pos;
};

struct SettingsClause {
  std::vector<std::pair<std::string, format::Value>> values;
};

struct SelectQuery {
  Position pos;
  std::vector<ExprPtr> with;  // WITH expr AS name, ...
  bool distinct = false;
  std::vector<ExprPtr> select;  // with aliases
  std::optional<TableRef> from;
  ExprPtr prewhere;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  bool group_by_with_totals = false;
  ExprPtr having;
  std::vector<OrderByElement> order_by;
  ExprPtr limit_by_limit;  // LIMIT n BY exprs
  ExprPtr limit_by_offset;
  std::vector<ExprPtr> limit_by;
  ExprPtr limit;
  ExprPtr offset;
  std::vector<std::shared_ptr<SelectQuery>> union_all;  // SELECT ... UNION ALL SELECT ...
  SettingsClause settings;
  std::string format;  // FORMAT name ("" = default)
};

struct ColumnDeclaration {
  Position pos;
  std::string name;
  std::string type;  // as written, parsed by format::ParseDataType
  ExprPtr default_expr;
  std::string default_text;  // the expression as written
  std::string default_kind;  // "DEFAULT", "MATERIALIZED", "ALIAS", "EPHEMERAL" or ""
  std::string codec;  // the inside of CODEC(...), as written
  ExprPtr ttl;
  std::string comment;
};

struct IndexDeclaration {
  Position pos;
  std::string name;
  ExprPtr expr;
  ExprPtr type;  // bloom_filter(0.01), minmax, set(100), tokenbf_v1(...): kFunction or kIdentifier
  uint64_t granularity = 1;
};

// One rule of a table's TTL: `expr [DELETE] [WHERE where]`.
struct TtlElement {
  ExprPtr expr;
  ExprPtr where;  // null: every row
  std::string expr_text, where_text;  // as written
  // As written, DELETE left out: "time + INTERVAL 30 DAY WHERE x = 'a'".
  std::string ToString() const;
};

struct CreateTableQuery {
  bool if_not_exists = false;
  std::string database;
  std::string table;
  std::vector<ColumnDeclaration> columns;
  std::vector<IndexDeclaration> indexes;
  ExprPtr engine;  // MergeTree(), ReplacingMergeTree(version): kFunction or kIdentifier
  ExprPtr partition_by;
  std::vector<ExprPtr> order_by;  // ORDER BY (a, b) / ORDER BY a / ORDER BY tuple()
  std::vector<ExprPtr> primary_key;
  std::vector<TtlElement> ttl;    // TTL expr [DELETE] [WHERE cond], ...
  SettingsClause settings;
  std::shared_ptr<SelectQuery> as_select;  // CREATE TABLE t ENGINE = ... AS SELECT
  std::string comment;
};

// CREATE MATERIALIZED VIEW [IF NOT EXISTS] [db.]name [(columns)] [TO [db.]target]
// [ENGINE = ... [PARTITION BY ...] [ORDER BY ...] [SETTINGS ...]] [POPULATE] AS SELECT ...
struct CreateViewQuery {
  bool if_not_exists = false;
  std::string database;
  std::string view;
  std::string to_database;  // TO [db.]target: to_table non-empty
  std::string to_table;
  // The inner table's columns (the view's own, when declared) and storage clauses: ENGINE,
  // PARTITION BY, ORDER BY, ... as CREATE TABLE has them. `storage.engine` is null unless
  // the statement has an ENGINE.
  CreateTableQuery storage;
  bool populate = false;
  std::shared_ptr<SelectQuery> select;
  std::string select_text;  // the SELECT exactly as written after AS
};

struct InsertQuery {
  std::string database;
  std::string table;
  std::vector<std::string> columns;  // empty = all, in table order
  // (* EXCEPT (a, b)): all columns but these; a name the table lacks is skipped, as in
  // ClickHouse (only with `columns` empty).
  std::vector<std::string> except_columns;
  // One of:
  std::string format;                 // "Values" for VALUES, else the FORMAT name
  std::string data;                   // the text after VALUES / FORMAT name (may be empty:
                                      // the caller supplies the data, e.g. from stdin)
  size_t data_offset = 0;             // byte offset of `data` in the query text
  std::shared_ptr<SelectQuery> select;  // INSERT ... SELECT
  SettingsClause settings;
};

struct Statement {
  enum class Kind {
    kSelect,
    kInsert,
    kCreateTable,
    kCreateDatabase,
    kDropTable,
    kDropDatabase,
    kTruncate,
    kShowTables,
    kShowDatabases,
    kShowCreateTable,
    kDescribeTable,
    kExplain,
    kUse,
    kSet,
    kOptimize,
    kExists,
    kExistsDatabase,  // EXISTS DATABASE d
    kCheckTable,  // CHECK TABLE t
    kAlterTable,  // ALTER TABLE t ATTACH PART 'p' | DROP DETACHED PART 'p'
    kCreateView,  // CREATE MATERIALIZED VIEW
    kDropView,    // DROP VIEW [IF EXISTS] v
  };
  Kind kind = Kind::kSelect;
  Position pos;
  std::shared_ptr<SelectQuery> select;      // kSelect, kExplain (the explained query)
  std::shared_ptr<InsertQuery> insert;      // kInsert
  std::shared_ptr<CreateTableQuery> create; // kCreateTable
  std::shared_ptr<CreateViewQuery> view;    // kCreateView
  std::string database;                     // kCreateDatabase, kDropDatabase, kUse, kShowTables FROM db, table statements
  std::string table;                        // kDropTable, kDropView, kTruncate, kShowCreateTable, kDescribeTable, kOptimize, kExists
  bool if_exists = false;                   // DROP ... IF EXISTS
  bool if_not_exists = false;               // CREATE DATABASE IF NOT EXISTS
  std::string explain_kind;                 // PLAN (default), AST, SYNTAX, PIPELINE, ESTIMATE
  std::string like;                         // SHOW TABLES LIKE '...'
  SettingsClause settings;                  // kSet; kExplain: its options (indexes = 1); kCheckTable, kAlterTable
  std::string format;                       // trailing FORMAT of SHOW/DESCRIBE/EXPLAIN
  bool final = false;                       // OPTIMIZE TABLE ... FINAL
  std::string partition_id;                 // OPTIMIZE / ALTER TABLE ... PARTITION ID '...'
  ExprPtr partition_value;                  // ... PARTITION <value of the partition key>
  // kAlterTable: the command ("ATTACH PART", "DROP DETACHED PART", "DROP PARTITION",
  // "DETACH PARTITION", "ATTACH PARTITION") and the part it names (or the partition, above).
  std::string alter_command;
  std::string part_name;
  std::vector<TtlElement> ttl;  // kAlterTable "MODIFY TTL"
  SettingsClause table_settings;  // kAlterTable "MODIFY SETTING"
  // kAlterTable "ADD INDEX": the index, placed FIRST or AFTER index_after (neither: last);
  // "DROP INDEX" and "MATERIALIZE INDEX": index_name (MATERIALIZE: IN PARTITION above).
  // IF [NOT] EXISTS in if_exists / if_not_exists.
  std::shared_ptr<IndexDeclaration> index;
  bool index_first = false;
  std::string index_after;
  std::string index_name;
};

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_AST_H_
