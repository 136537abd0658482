// Compiled expressions: a tree of input columns, constants and bound functions that
// evaluates over a Block, vectorized. Built from the SQL syntax tree by the planner
// (engine/sql/planner.h), which resolves names and types first.
//
// Evaluation order: every argument of a call is evaluated over the whole block, which is
// the fast path. When an argument of and/or/if/multiIf fails, it is evaluated again over
// the rows the function reads only (BoundFunction::RowsNeeding), so, as with ClickHouse's
// short-circuit evaluation, rows a condition does not take raise no error.
//
// An Expression is immutable once built and may be evaluated concurrently. Evaluation
// checks the query's limits before every function call, so even one huge expression (a
// CASE of 100,000 branches) stops soon after the deadline or a cancel.
#ifndef TALLY_ENGINE_EXEC_EXPRESSION_H_
#define TALLY_ENGINE_EXEC_EXPRESSION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/exec/function.h"
#include "engine/exec/query_limits.h"
#include "format/column.h"

namespace tally::engine::exec {

// The value of an expression over a block: a column of the block's row count, or a
// constant (one row standing for every row). Shared, so passing input columns through
// costs nothing.
struct Evaluated {
  std::shared_ptr<const format::Column> column;
  bool is_const = false;
  ColumnArg arg() const { return ColumnArg{column.get(), is_const}; }
  // A full column of `rows` rows (copies a constant out).
  format::Column Materialize(size_t rows) const;
};

class Expression {
 public:
  virtual ~Expression() = default;
  const format::DataTypePtr& type() const { return type_; }
  // The result over `input` (REQUIRES: input has the columns the expression was bound to);
  // fails as `limits` does once they are exceeded.
  virtual absl::StatusOr<Evaluated> Evaluate(const Block& input, const QueryLimits& limits) const = 0;
  absl::StatusOr<Evaluated> Evaluate(const Block& input) const { return Evaluate(input, QueryLimits::None()); }
  // Whether this is a constant (no input columns, deterministic).
  virtual bool is_constant() const { return false; }
  // The error of a deferred-error call (exec::MakeDeferredError) this tree still evaluates,
  // or nullptr: one that folding dropped (0 AND x = 'bad', toTypeName(...)) is gone.
  virtual const absl::Status* deferred_error() const { return nullptr; }
  // The name of a call in the tree whose result is not a function of its arguments alone
  // (now(), today()), or nullptr: what may not define a stored value (a partition key) or
  // be bound once and reused (a DEFAULT).
  virtual const std::string* nondeterministic_call() const { return nullptr; }
  // Nodes of the tree (calls, columns, constants): a row's evaluation costs about this many
  // steps, which is how callers size the slices of a block they evaluate at a time.
  size_t nodes() const { return nodes_; }

 protected:
  format::DataTypePtr type_;
  size_t nodes_ = 1;
};

using ExpressionPtr = std::shared_ptr<const Expression>;

// Column `index` of the input block.
ExpressionPtr MakeInputColumn(size_t index, format::DataTypePtr type);
// A one-row constant.
ExpressionPtr MakeConstant(format::Column value);
// fn(args...); folds to a constant when every argument is constant and fn is
// deterministic, or when fn is type_only (its arguments are then never evaluated). With
// `defer_fold_errors` (for the branch of an if its constant condition never takes) a
// constant that fails to fold stays a call, which fails only if a row reads it.
absl::StatusOr<ExpressionPtr> MakeCall(std::unique_ptr<BoundFunction> fn, std::vector<ExpressionPtr> args,
                                       std::string name, bool defer_fold_errors = false);

// The single value of a constant expression.
absl::StatusOr<format::Column> EvaluateConstant(const Expression& e);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_EXPRESSION_H_
