// Tests for engine/exec/expression.cc: evaluation order. Every argument is evaluated over
// the whole block first; a short-circuit function (and, or, if, multiIf) gets an argument
// that failed again over the rows it reads only, so rows it never reads raise no error;
// type-only calls (toTypeName, isNull of a value that cannot be NULL) are constants.
#include "engine/exec/expression.h"

#include <gtest/gtest.h>

#include "format/status_macros.h"
#include "tests/engine/function_test_util.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using namespace testing;  // NOLINT

ExpressionPtr Col(size_t index, absl::string_view type) { return MakeInputColumn(index, T(type)); }
ExpressionPtr Lit(absl::string_view type, const Value& v) { return MakeConstant(Build(type, {v})); }

// name(args...) bound from the global registry, as the SQL binder does.
absl::StatusOr<ExpressionPtr> Fn(absl::string_view name, std::vector<ExpressionPtr> args,
                                 bool defer_fold_errors = false) {
  const FunctionFactory* factory = FunctionRegistry::Global().Find(name);
  if (factory == nullptr) return absl::NotFoundError(std::string(name));
  std::vector<Column> constants(args.size());
  std::vector<ArgInfo> infos;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i]->is_constant()) {
      TALLY_ASSIGN_OR_RETURN(constants[i], EvaluateConstant(*args[i]));
    }
    infos.push_back(ArgInfo{args[i]->type(), args[i]->is_constant() ? &constants[i] : nullptr});
  }
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<BoundFunction> bound, (*factory)(infos, FunctionContext{}));
  return MakeCall(std::move(bound), std::move(args), std::string(name), defer_fold_errors);
}

// The values of `e` over a block whose column 0 is `x` (UInt64).
absl::StatusOr<std::vector<Value>> EvaluateOver(const ExpressionPtr& e, const std::vector<Value>& x) {
  Block block;
  block.Add("x", Build("UInt64", x));
  TALLY_ASSIGN_OR_RETURN(Evaluated v, e->Evaluate(block));
  Column out = v.Materialize(block.rows());
  std::vector<Value> values;
  for (size_t r = 0; r < out.size(); ++r) values.push_back(out.GetValue(r));
  return values;
}

#define EXPECT_VALUES(e, x, want)                    \
  do {                                               \
    absl::StatusOr<std::vector<Value>> got = EvaluateOver(e, x); \
    ASSERT_TRUE(got.ok()) << got.status();           \
    EXPECT_EQ(*got, want);                           \
  } while (0)

const std::vector<Value> kZeroOneTwo = {U(0), U(1), U(2)};

// 1 / x, failing on x = 0.
absl::StatusOr<ExpressionPtr> Inverse() { return Fn("intDiv", {Lit("UInt8", U(1)), Col(0, "UInt64")}); }
absl::StatusOr<ExpressionPtr> XIs(absl::string_view op, uint64_t n) { return Fn(op, {Col(0, "UInt64"), Lit("UInt8", U(n))}); }

TEST(ExpressionTest, AndOrReadTheNextArgumentOnlyOnUndecidedRows) {
  ASSERT_OK_AND_ASSIGN(ExpressionPtr inverse, Inverse());
  ASSERT_OK_AND_ASSIGN(ExpressionPtr positive, Fn("greater", {inverse, Lit("UInt8", U(0))}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr nonzero, XIs("notEquals", 0));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr zero, XIs("equals", 0));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr and_, Fn("and", {nonzero, positive}));
  EXPECT_VALUES(and_, kZeroOneTwo, (std::vector<Value>{U(0), U(1), U(0)}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr or_, Fn("or", {zero, positive}));
  EXPECT_VALUES(or_, kZeroOneTwo, (std::vector<Value>{U(1), U(1), U(0)}));
  // Variadic: the third argument is read where neither of the first two decided.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr and3, Fn("and", {Lit("UInt8", U(1)), nonzero, positive}));
  EXPECT_VALUES(and3, kZeroOneTwo, (std::vector<Value>{U(0), U(1), U(0)}));
  // The first argument is always read; NULL decides nothing; xor does not short-circuit.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr first, Fn("and", {positive, nonzero}));
  EXPECT_STATUS(EvaluateOver(first, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
  ASSERT_OK_AND_ASSIGN(ExpressionPtr after_null, Fn("and", {Lit("Nullable(UInt8)", N()), positive}));
  EXPECT_STATUS(EvaluateOver(after_null, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
  ASSERT_OK_AND_ASSIGN(ExpressionPtr xor_, Fn("xor", {nonzero, positive}));
  EXPECT_STATUS(EvaluateOver(xor_, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
}

TEST(ExpressionTest, AConstantThatDecidesAndOrMakesAConstant) {
  ASSERT_OK_AND_ASSIGN(ExpressionPtr inverse, Inverse());
  ASSERT_OK_AND_ASSIGN(ExpressionPtr and0, Fn("and", {inverse, Lit("UInt8", U(0))}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr or1, Fn("or", {inverse, Lit("Float64", F(0.5))}));
  EXPECT_TRUE(and0->is_constant());
  EXPECT_TRUE(or1->is_constant());
  EXPECT_VALUES(and0, kZeroOneTwo, (std::vector<Value>{U(0), U(0), U(0)}));
  EXPECT_VALUES(or1, kZeroOneTwo, (std::vector<Value>{U(1), U(1), U(1)}));
  // NULL and a constant that does not decide leave the call as it is.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr and1, Fn("and", {inverse, Lit("UInt8", U(1)), Lit("Nullable(UInt8)", N())}));
  EXPECT_FALSE(and1->is_constant());
}

TEST(ExpressionTest, IfReadsEachBranchOnTheRowsThatTakeIt) {
  ASSERT_OK_AND_ASSIGN(ExpressionPtr inverse, Inverse());
  ASSERT_OK_AND_ASSIGN(ExpressionPtr zero, XIs("equals", 0));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr if_, Fn("if", {zero, Lit("UInt8", U(7)), inverse}));
  EXPECT_VALUES(if_, kZeroOneTwo, (std::vector<Value>{U(7), U(1), U(0)}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr text, Fn("toString", {inverse}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr if_text, Fn("if", {zero, Lit("String", S("none")), text}));
  EXPECT_VALUES(if_text, kZeroOneTwo, (std::vector<Value>{S("none"), S("1"), S("0")}));
  // No row takes the branch: it is not evaluated at all.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr never, Fn("if", {Lit("UInt8", U(0)), inverse, Col(0, "UInt64")}));
  EXPECT_VALUES(never, kZeroOneTwo, (std::vector<Value>{U(0), U(1), U(2)}));
  // A row that takes it raises the error.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr taken, Fn("if", {XIs("less", 2).value(), inverse, Lit("UInt8", U(0))}));
  EXPECT_STATUS(EvaluateOver(taken, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
}

TEST(ExpressionTest, MultiIfReadsConditionsAndValuesLazily) {
  ASSERT_OK_AND_ASSIGN(ExpressionPtr inverse, Inverse());
  ASSERT_OK_AND_ASSIGN(ExpressionPtr zero, XIs("equals", 0));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr one, XIs("equals", 1));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr positive, Fn("greater", {inverse, Lit("UInt8", U(0))}));
  // A later condition is read only where the earlier ones were false.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr m, Fn("multiIf", {zero, Lit("UInt8", U(0)), positive, Lit("UInt8", U(1)),
                                                       Lit("UInt8", U(2))}));
  EXPECT_VALUES(m, kZeroOneTwo, (std::vector<Value>{U(0), U(1), U(2)}));
  // The else value only where no condition held; a NULL condition takes no row.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr e, Fn("multiIf", {zero, Lit("UInt8", U(9)), Lit("Nullable(UInt8)", N()), inverse,
                                                       inverse}));
  EXPECT_VALUES(e, kZeroOneTwo, (std::vector<Value>{U(9), U(1), U(0)}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr taken, Fn("multiIf", {one, inverse, Lit("UInt8", U(1)), inverse, Lit("UInt8", U(0))}));
  EXPECT_STATUS(EvaluateOver(taken, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
}

TEST(ExpressionTest, NestedShortCircuitsNarrowTheRowsStepByStep) {
  // if(x != 0, if(x > 1, intDiv(10, x - 1), intDiv(5, x)), 0): each division fails on a
  // row that the conditions around it never let it read.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr nonzero, XIs("notEquals", 0));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr above_one, XIs("greater", 1));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr minus_one, XIs("minus", 1));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr ten_by, Fn("intDiv", {Lit("UInt8", U(10)), minus_one}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr five_by, Fn("intDiv", {Lit("UInt8", U(5)), Col(0, "UInt64")}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr inner, Fn("if", {above_one, ten_by, five_by}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr outer, Fn("if", {nonzero, inner, Lit("UInt8", U(0))}));
  const std::vector<Value> x = {U(0), U(1), U(2), U(3), U(0)};
  EXPECT_VALUES(outer, x, (std::vector<Value>{I(0), I(5), I(10), I(5), I(0)}));  // x - 1 is Int64
}

TEST(ExpressionTest, TypeOnlyCallsAreConstantsWithoutEvaluatingTheArgument) {
  ASSERT_OK_AND_ASSIGN(ExpressionPtr inverse, Inverse());
  ASSERT_OK_AND_ASSIGN(ExpressionPtr is_null, Fn("isNull", {inverse}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr not_null, Fn("isNotNull", {inverse}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr type, Fn("toTypeName", {inverse}));
  EXPECT_TRUE(is_null->is_constant());
  EXPECT_TRUE(type->is_constant());
  EXPECT_VALUES(is_null, kZeroOneTwo, (std::vector<Value>{U(0), U(0), U(0)}));
  EXPECT_VALUES(not_null, kZeroOneTwo, (std::vector<Value>{U(1), U(1), U(1)}));
  EXPECT_VALUES(type, std::vector<Value>(1, U(0)), (std::vector<Value>{S("UInt8")}));
  // A value that can be NULL is evaluated.
  ASSERT_OK_AND_ASSIGN(ExpressionPtr nullable, Fn("CAST", {inverse, Lit("String", S("Nullable(UInt8)"))}));
  ASSERT_OK_AND_ASSIGN(ExpressionPtr is_null_nullable, Fn("isNull", {nullable}));
  EXPECT_FALSE(is_null_nullable->is_constant());
  EXPECT_STATUS(EvaluateOver(is_null_nullable, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
}

TEST(ExpressionTest, DeferredFoldErrorStaysACallThatFailsOnlyWhenRead) {
  EXPECT_STATUS(Fn("intDiv", {Lit("UInt8", U(1)), Lit("UInt8", U(0))}), absl::StatusCode::kInvalidArgument,
                "Division by zero");
  ASSERT_OK_AND_ASSIGN(ExpressionPtr deferred,
                       Fn("intDiv", {Lit("UInt8", U(1)), Lit("UInt8", U(0))}, /*defer_fold_errors=*/true));
  EXPECT_FALSE(deferred->is_constant());
  ASSERT_OK_AND_ASSIGN(ExpressionPtr if_, Fn("if", {Lit("UInt8", U(0)), deferred, Lit("UInt16", U(300))}));
  EXPECT_EQ(if_->type()->ToString(), "UInt16");
  EXPECT_VALUES(if_, kZeroOneTwo, (std::vector<Value>{U(300), U(300), U(300)}));
  EXPECT_STATUS(EvaluateOver(deferred, kZeroOneTwo), absl::StatusCode::kInvalidArgument, "Division by zero");
}

}  // namespace
}  // namespace tally::engine::exec
