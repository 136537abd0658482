#include "engine/exec/expression.h"

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;

Column Evaluated::Materialize(size_t rows) const {
  if (!is_const) return *column;
  Column out = Column::Make(column->type);
  std::vector<uint32_t> zeros(rows, 0);
  return Column::Gather(*column, zeros);
}

namespace {

class InputColumn : public Expression {
 public:
  InputColumn(size_t index, format::DataTypePtr type) : index_(index) { type_ = std::move(type); }
  absl::StatusOr<Evaluated> Evaluate(const Block& input, const QueryLimits&) const override {
    if (index_ >= input.columns.size()) {
      return absl::InternalError(absl::StrCat("expression reads input column ", index_, " of ", input.columns.size()));
    }
    // Aliasing constructor: no copy, the block outlives the evaluation.
    return Evaluated{std::shared_ptr<const Column>(std::shared_ptr<const Column>(), &input.columns[index_]), false};
  }

 private:
  size_t index_;
};

class Constant : public Expression {
 public:
  explicit Constant(Column value) : value_(std::make_shared<const Column>(std::move(value))) { type_ = value_->type; }
  absl::StatusOr<Evaluated> Evaluate(const Block&, const QueryLimits&) const override {
    return Evaluated{value_, true};
  }
  bool is_constant() const override { return true; }

 private:
  std::shared_ptr<const Column> value_;
};

class Call : public Expression {
 public:
  Call(std::unique_ptr<BoundFunction> fn, std::vector<ExpressionPtr> args, std::string name)
      : fn_(std::move(fn)), args_(std::move(args)), name_(std::move(name)) {
    type_ = fn_->result_type();
    for (const ExpressionPtr& a : args_) nodes_ += a->nodes();
  }
  absl::StatusOr<Evaluated> Evaluate(const Block& input, const QueryLimits& limits) const override {
    std::vector<Evaluated> values;
    values.reserve(args_.size());
    bool all_const = true;  // a call without arguments (now()) is one value for all rows
    for (const ExpressionPtr& a : args_) {
      TALLY_ASSIGN_OR_RETURN(Evaluated v, a->Evaluate(input, limits));
      all_const &= v.is_const;
      values.push_back(std::move(v));
    }
    std::vector<ColumnArg> args;
    for (const Evaluated& v : values) args.push_back(v.arg());
    const size_t rows = all_const ? 1 : input.rows();
    // One check per call: the kernels themselves run over a block (or the slice of it
    // callers cut for big expressions) without checking.
    TALLY_RETURN_IF_ERROR(limits.Check());
    TALLY_ASSIGN_OR_RETURN(Column out, fn_->Execute(args, rows));
    if (out.size() != rows || !out.type->Equals(*type_)) {
      return absl::InternalError(absl::StrCat(name_, " returned ", out.size(), " rows of ", out.type->ToString(),
                                              ", expected ", rows, " of ", type_->ToString()));
    }
    return Evaluated{std::make_shared<const Column>(std::move(out)), all_const};
  }

 private:
  std::unique_ptr<BoundFunction> fn_;
  std::vector<ExpressionPtr> args_;
  std::string name_;
};

}  // namespace

ExpressionPtr MakeInputColumn(size_t index, format::DataTypePtr type) {
  return std::make_shared<InputColumn>(index, std::move(type));
}

ExpressionPtr MakeConstant(Column value) { return std::make_shared<Constant>(std::move(value)); }

absl::StatusOr<ExpressionPtr> MakeCall(std::unique_ptr<BoundFunction> fn, std::vector<ExpressionPtr> args,
                                       std::string name) {
  bool foldable = fn->deterministic();
  for (const ExpressionPtr& a : args) foldable &= a->is_constant();
  auto call = std::make_shared<Call>(std::move(fn), std::move(args), std::move(name));
  if (!foldable) return call;
  Block empty;
  TALLY_ASSIGN_OR_RETURN(Evaluated v, call->Evaluate(empty, QueryLimits::None()));
  return MakeConstant(*v.column);
}

absl::StatusOr<Column> EvaluateConstant(const Expression& e) {
  if (!e.is_constant()) return absl::InvalidArgumentError("expression is not constant");
  Block empty;
  TALLY_ASSIGN_OR_RETURN(Evaluated v, e.Evaluate(empty));
  return *v.column;
}

}  // namespace tally::engine::exec
