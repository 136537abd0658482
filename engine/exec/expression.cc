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

// The errors of the query's limits (cancel, timeout, memory): never retried.
bool IsLimitError(const absl::Status& s) {
  return absl::IsCancelled(s) || absl::IsDeadlineExceeded(s) || absl::IsResourceExhausted(s);
}

// `e` over the rows of `input` marked in `needed` only: the other rows hold the type's
// default value (never read by the caller). Nothing is evaluated when no row is needed.
absl::StatusOr<Evaluated> EvaluateOnRows(const Expression& e, const Block& input, const std::vector<uint8_t>& needed,
                                         const QueryLimits& limits) {
  std::vector<uint32_t> picked;
  for (size_t r = 0; r < needed.size(); ++r) {
    if (needed[r]) picked.push_back(static_cast<uint32_t>(r));
  }
  if (picked.empty()) {
    Column value = Column::Make(e.type());
    value.AppendDefault();
    return Evaluated{std::make_shared<const Column>(std::move(value)), true};
  }
  Block subset;
  subset.columns.reserve(input.columns.size());
  for (const Column& c : input.columns) subset.columns.push_back(Column::Gather(c, picked));
  TALLY_ASSIGN_OR_RETURN(Evaluated part, e.Evaluate(subset, limits));
  if (part.is_const) return part;
  Column with_default = *part.column;
  with_default.AppendDefault();
  std::vector<uint32_t> index(needed.size(), static_cast<uint32_t>(picked.size()));
  for (size_t i = 0; i < picked.size(); ++i) index[picked[i]] = static_cast<uint32_t>(i);
  return Evaluated{std::make_shared<const Column>(Column::Gather(with_default, index)), false};
}

class Call : public Expression {
 public:
  Call(std::unique_ptr<BoundFunction> fn, std::vector<ExpressionPtr> args, std::string name)
      : fn_(std::move(fn)), args_(std::move(args)), name_(std::move(name)) {
    type_ = fn_->result_type();
    for (const ExpressionPtr& a : args_) nodes_ += a->nodes();
    deferred_ = fn_->deferred_error();
    for (size_t k = 0; k < args_.size() && deferred_ == nullptr; ++k) deferred_ = args_[k]->deferred_error();
    if (!fn_->deterministic()) nondeterministic_ = &name_;
    for (size_t k = 0; k < args_.size() && nondeterministic_ == nullptr; ++k) {
      nondeterministic_ = args_[k]->nondeterministic_call();
    }
  }
  const absl::Status* deferred_error() const override { return deferred_; }
  const std::string* nondeterministic_call() const override { return nondeterministic_; }
  absl::StatusOr<Evaluated> Evaluate(const Block& input, const QueryLimits& limits) const override {
    std::vector<Evaluated> values;
    values.reserve(args_.size());
    bool all_const = true;  // a call without arguments (now()) is one value for all rows
    for (size_t k = 0; k < args_.size(); ++k) {
      absl::StatusOr<Evaluated> v = args_[k]->Evaluate(input, limits);
      if (!v.ok() && k > 0 && !IsLimitError(v.status())) v = Retry(k, v.status(), values, input, limits);
      if (!v.ok()) return v.status();
      all_const &= v->is_const;
      values.push_back(*std::move(v));
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
  const absl::Status* deferred_ = nullptr;  // fn_'s or an argument's
  const std::string* nondeterministic_ = nullptr;  // name_ or an argument's
  // Argument k failed with `error` over the whole block. Every argument is first evaluated
  // on every row (the fast path: no mask, no gather, and the same values, since a row's
  // value does not depend on the other rows); only when that fails does a short-circuit
  // function (and, or, if, multiIf) get argument k again over the rows it reads, so the
  // error stands only when one of them raises it, as in ClickHouse.
  absl::StatusOr<Evaluated> Retry(size_t k, const absl::Status& error, const std::vector<Evaluated>& before,
                                  const Block& input, const QueryLimits& limits) const {
    std::vector<ColumnArg> args;
    for (const Evaluated& v : before) args.push_back(v.arg());
    std::vector<uint8_t> needed;
    if (!fn_->RowsNeeding(k, args, input.rows(), &needed)) return error;
    size_t count = 0;
    for (uint8_t n : needed) count += n;
    if (count == input.rows()) return error;  // every row reads it: the same error again
    return EvaluateOnRows(*args_[k], input, needed, limits);
  }

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
                                       std::string name, bool defer_fold_errors) {
  if (fn->type_only()) {
    // The arguments are never evaluated: defaults of their types stand in for them.
    std::vector<Column> defaults;
    defaults.reserve(args.size());
    std::vector<ColumnArg> stand_ins;
    for (const ExpressionPtr& a : args) {
      defaults.push_back(Column::Make(a->type()));
      defaults.back().AppendDefault();
      stand_ins.push_back(ColumnArg{&defaults.back(), true});
    }
    TALLY_ASSIGN_OR_RETURN(Column value, fn->Execute(stand_ins, 1));
    return MakeConstant(std::move(value));
  }
  bool foldable = fn->deterministic();
  for (const ExpressionPtr& a : args) foldable &= a->is_constant();
  auto call = std::make_shared<Call>(std::move(fn), std::move(args), std::move(name));
  if (!foldable) return call;
  Block empty;
  absl::StatusOr<Evaluated> v = call->Evaluate(empty, QueryLimits::None());
  if (!v.ok() && defer_fold_errors) return call;
  if (!v.ok()) return v.status();
  return MakeConstant(*v->column);
}

absl::StatusOr<Column> EvaluateConstant(const Expression& e) {
  if (!e.is_constant()) return absl::InvalidArgumentError("expression is not constant");
  Block empty;
  TALLY_ASSIGN_OR_RETURN(Evaluated v, e.Evaluate(empty));
  return *v.column;
}

}  // namespace tally::engine::exec
