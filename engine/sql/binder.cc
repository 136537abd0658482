#include "engine/sql/binder.h"

#include <cmath>
#include <cstring>
#include <functional>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/function_util.h"
#include "engine/exec/in_set.h"
#include "engine/exec/interval.h"
#include "engine/exec/text_parse.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using exec::ArgInfo;
using exec::ColumnArg;
using exec::ExpressionPtr;
using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using format::Value;

namespace {

// String, FixedString(N), and those inside Nullable / LowCardinality: the parameter types
// whose escaped text form has backslash escapes at the top level.
bool IsStringParameterType(absl::string_view type) {
  type = absl::StripAsciiWhitespace(type);
  for (absl::string_view wrapper : {"Nullable(", "LowCardinality("}) {
    if (absl::StartsWith(type, wrapper) && absl::EndsWith(type, ")")) {
      return IsStringParameterType(type.substr(wrapper.size(), type.size() - wrapper.size() - 1));
    }
  }
  return type == "String" || absl::StartsWith(type, "FixedString(");
}

constexpr int kMaxDepth = 200;

std::string At(const Expr& e) { return absl::StrCat(" (line ", e.pos.line, ", column ", e.pos.column, ")"); }

// The state of one ExpandAliases call: the aliases whose definitions are being expanded
// (inside its own definition an alias's name is the column), and which names are columns.
struct Expansion {
  const absl::flat_hash_map<std::string, ExprPtr>& aliases;
  const std::function<bool(const std::string&)>& is_column;
  absl::flat_hash_set<std::string> expanding;
};

absl::StatusOr<ExprPtr> Expand(const ExprPtr& expr, Expansion* x, int depth);

// Expand for a node that defines no alias still being expanded.
absl::StatusOr<ExprPtr> ExpandNode(const ExprPtr& expr, Expansion* x, int depth) {
  if (expr->kind == Expr::Kind::kIdentifier && expr->parts.size() == 1) {
    const std::string& name = expr->parts[0];
    auto it = x->aliases.find(name);
    if (it == x->aliases.end() || x->expanding.contains(name)) return expr;
    x->expanding.insert(name);
    TALLY_ASSIGN_OR_RETURN(ExprPtr body, Expand(it->second, x, depth + 1));
    x->expanding.erase(name);
    // `attrs AS c0, c0 AS attrs`: attrs's alias leads back to c0, which is no column; then,
    // as in ClickHouse, attrs is the column (where `id AS q, q AS id` with both columns swaps).
    if (body->kind == Expr::Kind::kIdentifier && body->parts.size() == 1 && x->expanding.contains(body->parts[0]) &&
        x->is_column && !x->is_column(body->parts[0]) && x->is_column(name)) {
      return expr;
    }
    if (body->alias == expr->alias) return body;
    auto copy = std::make_shared<Expr>(*body);  // one node: the alias is the identifier's
    copy->alias = expr->alias;
    return copy;
  }
  if (expr->kind != Expr::Kind::kFunction) return expr;
  // Copied only where an argument changes: most subtrees name no alias, and copying all of
  // them cost a 100k-branch CASE as much as running it.
  ExprPtr copy;
  for (size_t i = 0; i < expr->args.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr a, Expand(expr->args[i], x, depth + 1));
    if (a == expr->args[i]) continue;
    if (copy == nullptr) copy = std::make_shared<Expr>(*expr);
    copy->args[i] = std::move(a);
  }
  for (size_t i = 0; i < expr->params.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr p, Expand(expr->params[i], x, depth + 1));
    if (p == expr->params[i]) continue;
    if (copy == nullptr) copy = std::make_shared<Expr>(*expr);
    copy->params[i] = std::move(p);
  }
  return copy == nullptr ? expr : copy;
}

absl::StatusOr<ExprPtr> Expand(const ExprPtr& expr, Expansion* x, int depth) {
  if (depth > kMaxDepth) return absl::InvalidArgumentError("expression nested too deeply");
  if (expr == nullptr) return expr;
  // Inside the definition of an alias its name means the column, as in ClickHouse: `value *
  // 2 AS value` doubles once, and `id AS value, value AS id` swaps nothing.
  const bool defines = !expr->alias.empty() && x->aliases.contains(expr->alias) && x->expanding.insert(expr->alias).second;
  absl::StatusOr<ExprPtr> out = ExpandNode(expr, x, depth);
  if (defines) x->expanding.erase(expr->alias);
  return out;
}

absl::StatusOr<ExpressionPtr> BindImpl(const Expr& e, const Scope& scope, const QueryParams& params, int depth);

absl::StatusOr<ExpressionPtr> BindCall(const std::string& name, std::vector<ExpressionPtr> args, const Expr& at,
                                       const exec::FunctionContext& context, bool defer_fold_errors = false) {
  const exec::FunctionFactory* factory = exec::FunctionRegistry::Global().Find(name);
  if (factory == nullptr) {
    if (exec::AggregateRegistry::Global().IsAggregate(name)) {
      return CodedError(ErrorCode::kIllegalAggregation,
                        absl::StrCat("aggregate function ", name, " is found where it cannot be",
                                     " (inside WHERE, inside another aggregate, or in an argument)", At(at)));
    }
    return CodedError(ErrorCode::kUnknownFunction, absl::StrCat("Unknown function ", name, At(at)));
  }
  std::vector<ArgInfo> infos;
  std::vector<Column> constants;
  constants.reserve(args.size());
  for (const ExpressionPtr& a : args) {
    if (a->is_constant()) {
      TALLY_ASSIGN_OR_RETURN(Column c, exec::EvaluateConstant(*a));
      constants.push_back(std::move(c));
    } else {
      constants.emplace_back();
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    infos.push_back(ArgInfo{args[i]->type(), args[i]->is_constant() ? &constants[i] : nullptr});
  }
  auto bound = (*factory)(infos, context);
  if (!bound.ok()) {
    return WithMessage(bound.status(), absl::StrCat(bound.status().message(), At(at)));
  }
  return exec::MakeCall(std::move(*bound), std::move(args), name, defer_fold_errors);
}

// x IN (...): the list's items as constants, each of its own type (the items of a tuple
// one by one, the elements of an array or of any constant array expression, or one
// constant expression); exec::MakeInList converts them to x's type. A subquery keeps its
// type and x is converted to it (exec::MakeInSubquery).
absl::StatusOr<ExpressionPtr> BindIn(const Expr& e, const Scope& scope, const QueryParams& params, int depth) {
  const bool negate = e.name == "notIn" || e.name == "globalNotIn";
  if (e.args.size() != 2) return absl::InvalidArgumentError(absl::StrCat(e.name, " takes 2 arguments", At(e)));
  auto is_tuple = [](const Expr& x) { return x.kind == Expr::Kind::kFunction && x.name == "tuple"; };
  if (is_tuple(*e.args[0])) {
    return absl::UnimplementedError(absl::StrCat("IN with a tuple on the left is not supported yet", At(e)));
  }
  TALLY_ASSIGN_OR_RETURN(ExpressionPtr lhs, BindImpl(*e.args[0], scope, params, depth + 1));
  const Expr& rhs = *e.args[1];
  std::vector<ExpressionPtr> args = {lhs};
  if (rhs.kind == Expr::Kind::kSubquery) {
    if (!params.run_subquery) return absl::UnimplementedError(absl::StrCat("a subquery is not allowed here", At(rhs)));
    TALLY_ASSIGN_OR_RETURN(Column column, params.run_subquery(*rhs.subquery, rhs));
    auto in = exec::MakeInSubquery(lhs->type(), column, negate, params.functions);
    if (!in.ok()) return WithMessage(in.status(), absl::StrCat(in.status().message(), At(e)));
    return exec::MakeCall(std::move(*in), std::move(args), e.name);
  }
  auto constant = [&](const Expr& item) -> absl::StatusOr<Column> {
    if (is_tuple(item)) return absl::UnimplementedError(absl::StrCat("tuples in IN are not supported yet", At(item)));
    TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, BindImpl(item, scope, params, depth + 1));
    if (!b->is_constant()) return absl::InvalidArgumentError(absl::StrCat("IN list items must be constants", At(item)));
    return exec::EvaluateConstant(*b);
  };
  std::vector<Column> items;
  if (rhs.kind == Expr::Kind::kLiteral && rhs.literal.kind == Value::Kind::kArray) {
    // x IN [502, '401']: as a set, an array literal's items keep their own types (as a value
    // it would need a supertype, which these have not).
    for (const Value& item : rhs.literal.items) {
      TALLY_ASSIGN_OR_RETURN(Column c, LiteralColumn(item));
      items.push_back(std::move(c));
    }
  } else if (is_tuple(rhs)) {
    for (const ExprPtr& item : rhs.args) {
      TALLY_ASSIGN_OR_RETURN(Column c, constant(*item));
      items.push_back(std::move(c));
    }
  } else {
    TALLY_ASSIGN_OR_RETURN(Column c, constant(rhs));
    if (c.type->id() == TypeId::kArray) {
      // x IN [1, 2]: the elements, of the array's element type.
      const Column& elements = c.children[0];
      for (size_t i = 0; i < elements.size(); ++i) {
        Column item = Column::Make(elements.type);
        item.AppendRange(elements, i, 1);
        items.push_back(std::move(item));
      }
    } else {
      items.push_back(std::move(c));
    }
  }
  size_t values = 0;
  auto in = exec::MakeInList(lhs->type(), items, negate, params.functions, &values);
  if (!in.ok()) return WithMessage(in.status(), absl::StrCat(in.status().message(), At(e)));
  if (values == 0 && !exec::IsNullableType(*lhs->type())) {
    // No item has a value of x's type: x IN (...) is 0 and NOT IN 1 whatever x is, a
    // constant as in ClickHouse (x is not evaluated; a WITH TOTALS key shows the value).
    Column c = Column::Make(DataType::Make(TypeId::kUInt8));
    c.Append<uint8_t>(negate ? 1 : 0);
    return exec::MakeConstant(std::move(c));
  }
  return exec::MakeCall(std::move(*in), std::move(args), e.name);
}

// (SELECT x ...) as a value: its one row as a constant of type Nullable(x's type), NULL
// when it returns no rows (ClickHouse's rule; LowCardinality stays as it is).
absl::StatusOr<ExpressionPtr> BindScalarSubquery(const Expr& e, const QueryParams& params) {
  if (!params.run_subquery) return absl::UnimplementedError(absl::StrCat("a subquery is not allowed here", At(e)));
  TALLY_ASSIGN_OR_RETURN(Column column, params.run_subquery(*e.subquery, e));
  if (column.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat("Scalar subquery returned more than one row", At(e)));
  }
  const DataType& t = *column.type;
  const bool can_be_null = t.id() != TypeId::kNullable && t.id() != TypeId::kLowCardinality &&
                           t.id() != TypeId::kArray && t.id() != TypeId::kMap;
  if (!can_be_null && column.size() == 1) return exec::MakeConstant(std::move(column));
  if (!can_be_null && t.id() != TypeId::kNullable) {
    return absl::InvalidArgumentError(absl::StrCat("Scalar subquery returned empty result of type ", t.ToString(),
                                                   " which cannot be Nullable", At(e)));
  }
  Column out = Column::Make(t.id() == TypeId::kNullable ? column.type : DataType::Nullable(column.type));
  TALLY_RETURN_IF_ERROR(out.AppendValue(column.size() == 1 ? column.GetValue(0) : Value()));
  return exec::MakeConstant(std::move(out));
}

// if(c, a, b) / multiIf(c1, v1, ..., else): the arguments a constant condition never
// reaches (the branch of a false or NULL condition, everything after a true one) are bound
// with defer_fold_errors, so that if(0, intDiv(1, 0), 1) is 1 as in ClickHouse; their
// types still make the result's.
absl::StatusOr<ExpressionPtr> BindMultiIf(const Expr& e, const Scope& scope, const QueryParams& params, int depth) {
  std::vector<ExpressionPtr> args;
  std::optional<QueryParams> deferring;
  bool decided = false;       // a constant true condition came before
  bool skip_value = false;    // the condition just bound is a constant false or NULL
  for (size_t k = 0; k < e.args.size(); ++k) {
    const bool is_condition = k % 2 == 0 && k + 1 < e.args.size();
    const bool untaken = decided || (!is_condition && skip_value);
    if (untaken && !deferring) {
      deferring.emplace(params);
      deferring->defer_fold_errors = true;
    }
    TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, BindImpl(*e.args[k], scope, untaken ? *deferring : params, depth + 1));
    skip_value = false;
    if (is_condition && !untaken && b->is_constant()) {
      TALLY_ASSIGN_OR_RETURN(Column c, exec::EvaluateConstant(*b));
      const Value v = c.size() == 1 ? c.GetValue(0) : Value();
      // Non-zero and not NULL is true (NaN too, as the kernel's x != 0).
      const bool known = v.kind == Value::Kind::kNull || v.kind == Value::Kind::kUInt ||
                         v.kind == Value::Kind::kInt || v.kind == Value::Kind::kFloat;
      const bool truth = (v.kind == Value::Kind::kUInt && v.u != 0) || (v.kind == Value::Kind::kInt && v.i != 0) ||
                         (v.kind == Value::Kind::kFloat && v.f != 0);
      if (known && c.size() == 1) {
        decided = truth;
        skip_value = !truth;
      }
    }
    args.push_back(std::move(b));
  }
  return BindCall(e.name, std::move(args), e, params.functions, params.defer_fold_errors);
}

absl::StatusOr<ExpressionPtr> BindImpl(const Expr& e, const Scope& scope, const QueryParams& params, int depth) {
  if (depth > kMaxDepth) return absl::InvalidArgumentError(absl::StrCat("expression nested too deeply", At(e)));
  if (!scope.by_text.empty()) {
    auto it = scope.by_text.find(e.ToString());
    if (it != scope.by_text.end()) return exec::MakeInputColumn(it->second, scope.types[it->second]);
  }
  switch (e.kind) {
    case Expr::Kind::kLiteral: {
      TALLY_ASSIGN_OR_RETURN(Column c, LiteralColumn(e.literal));
      if (e.bool_literal) c.type = DataType::Make(TypeId::kBool);  // stored as UInt8 1 / 0
      return exec::MakeConstant(std::move(c));
    }
    case Expr::Kind::kIdentifier: {
      if (scope.columns_visible) {
        int i = scope.Find(absl::StrJoin(e.parts, "."));
        if (i < 0) i = scope.Find(e.identifier());
        if (i >= 0) return exec::MakeInputColumn(i, scope.types[i]);
      }
      return UnknownIdentifier(e, scope);
    }
    case Expr::Kind::kParameter: {
      auto it = params.values.find(e.name);
      if (it == params.values.end()) {
        return CodedError(ErrorCode::kUnknownQueryParameter,
                          absl::StrCat("Substitution `", e.name, "` is not set", At(e)));
      }
      std::vector<ExpressionPtr> args;
      // As in ClickHouse, a value is the type's escaped text (TabSeparated's): for a string
      // type that means backslash escapes, which clients use for quotes and tabs.
      std::string value = it->second;
      const bool null = value == "\\N" && absl::StartsWith(absl::StripAsciiWhitespace(e.parameter_type), "Nullable(");
      if (!null && IsStringParameterType(e.parameter_type)) {
        value.clear();
        UnescapeTsv(it->second, &value);
      }
      TALLY_ASSIGN_OR_RETURN(Column text, LiteralColumn(null ? Value::Null() : Value::String(std::move(value))));
      TALLY_ASSIGN_OR_RETURN(Column type, LiteralColumn(Value::String(e.parameter_type)));
      args.push_back(exec::MakeConstant(std::move(text)));
      args.push_back(exec::MakeConstant(std::move(type)));
      return BindCall("CAST", std::move(args), e, params.functions);
    }
    case Expr::Kind::kFunction:
      break;
    case Expr::Kind::kAsterisk:
      return absl::InvalidArgumentError(absl::StrCat("* is not allowed here", At(e)));
    case Expr::Kind::kSubquery:
      return BindScalarSubquery(e, params);
    case Expr::Kind::kLambda:
      return absl::UnimplementedError(absl::StrCat("lambda functions are not supported yet", At(e)));
  }
  if (e.name == "in" || e.name == "notIn" || e.name == "globalIn" || e.name == "globalNotIn") {
    return BindIn(e, scope, params, depth);
  }
  if (exec::AggregateRegistry::Global().IsAggregate(e.name) && exec::FunctionRegistry::Global().Find(e.name) == nullptr) {
    return CodedError(ErrorCode::kIllegalAggregation,
                      absl::StrCat("aggregate function ", e.ToString(),
                                   " is found where it cannot be (in WHERE, or inside another aggregate)", At(e)));
  }
  // Intervals carry their unit in the call that made them (engine/exec/interval.h):
  // t + INTERVAL n UNIT -> addUnits(t, n); t - INTERVAL ... -> subtractUnits(t, n).
  auto interval_unit = [](const Expr& arg) -> std::optional<exec::IntervalUnit> {
    if (arg.kind != Expr::Kind::kFunction || arg.args.size() != 1) return std::nullopt;
    return exec::IntervalUnitOfFunction(arg.name);
  };
  if ((e.name == "plus" || e.name == "minus") && e.args.size() == 2) {
    for (int side = 1; side >= 0; --side) {
      std::optional<exec::IntervalUnit> unit = interval_unit(*e.args[side]);
      if (!unit || (e.name == "minus" && side == 0)) continue;
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr t, BindImpl(*e.args[1 - side], scope, params, depth + 1));
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr n, BindImpl(*e.args[side]->args[0], scope, params, depth + 1));
      return BindCall(exec::IntervalArithmeticFunction(*unit, e.name == "minus"), {t, n}, e, params.functions);
    }
  }
  // toStartOfInterval(t, INTERVAL n UNIT [, tz]) -> toStartOfInterval(t, n, 'Unit' [, tz]).
  if (absl::EqualsIgnoreCase(e.name, "toStartOfInterval") && e.args.size() >= 2) {
    if (std::optional<exec::IntervalUnit> unit = interval_unit(*e.args[1])) {
      std::vector<ExpressionPtr> args;
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr t, BindImpl(*e.args[0], scope, params, depth + 1));
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr n, BindImpl(*e.args[1]->args[0], scope, params, depth + 1));
      TALLY_ASSIGN_OR_RETURN(Column unit_name, LiteralColumn(Value::String(std::string(exec::IntervalUnitName(*unit)))));
      args = {t, n, exec::MakeConstant(std::move(unit_name))};
      for (size_t i = 2; i < e.args.size(); ++i) {
        TALLY_ASSIGN_OR_RETURN(ExpressionPtr extra, BindImpl(*e.args[i], scope, params, depth + 1));
        args.push_back(std::move(extra));
      }
      return BindCall("toStartOfInterval", std::move(args), e, params.functions);
    }
  }
  if (absl::EqualsIgnoreCase(e.name, "if") || e.name == "multiIf") return BindMultiIf(e, scope, params, depth);
  std::vector<ExpressionPtr> args;
  for (const ExprPtr& a : e.args) {
    TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, BindImpl(*a, scope, params, depth + 1));
    args.push_back(std::move(b));
  }
  return BindCall(e.name, std::move(args), e, params.functions, params.defer_fold_errors);
}

}  // namespace

int Scope::Find(absl::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::Status UnknownIdentifier(const Expr& e, const Scope& scope) {
  std::string name = absl::StrJoin(e.parts, ".");
  if (!scope.columns_visible && scope.Find(e.identifier()) >= 0) {
    return CodedError(ErrorCode::kNotAnAggregate,
                      absl::StrCat("Column `", name, "` is not under aggregate function and not in GROUP BY keys",
                                   At(e)));
  }
  std::vector<std::string> visible;
  if (scope.columns_visible) visible = scope.names;
  return CodedError(ErrorCode::kUnknownIdentifier,
                    absl::StrCat("Unknown identifier `", name, "`", At(e),
                                 visible.empty() ? "" : absl::StrCat("; columns: ", absl::StrJoin(visible, ", "))));
}

absl::StatusOr<ExprPtr> ExpandAliases(const ExprPtr& expr, const absl::flat_hash_map<std::string, ExprPtr>& aliases,
                                      const std::function<bool(const std::string&)>& is_column) {
  Expansion x{aliases, is_column, {}};
  return Expand(expr, &x, 0);
}

absl::StatusOr<ExpressionPtr> Bind(const Expr& expr, const Scope& scope, const QueryParams& params) {
  TALLY_ASSIGN_OR_RETURN(ExpressionPtr bound, BindImpl(expr, scope, params, 0));
  // A call that fails whatever its rows (d = 'not a date') and that folding did not drop
  // fails the query, as in ClickHouse, even when no row would reach it.
  if (const absl::Status* error = bound->deferred_error()) {
    return WithMessage(*error, absl::StrCat(error->message(), At(expr)));
  }
  return bound;
}

absl::StatusOr<Column> LiteralColumn(const Value& v) {
  DataTypePtr type;
  switch (v.kind) {
    case Value::Kind::kNull:
      type = DataType::Nullable(DataType::Make(TypeId::kUInt8));
      break;
    case Value::Kind::kUInt:
      type = DataType::Make(v.u <= 0xff ? TypeId::kUInt8 : v.u <= 0xffff ? TypeId::kUInt16
                                      : v.u <= 0xffffffffull ? TypeId::kUInt32 : TypeId::kUInt64);
      break;
    case Value::Kind::kInt:
      type = DataType::Make(v.i >= -128 && v.i <= 127 ? TypeId::kInt8
                            : v.i >= -32768 && v.i <= 32767 ? TypeId::kInt16
                            : v.i >= INT32_MIN && v.i <= INT32_MAX ? TypeId::kInt32 : TypeId::kInt64);
      break;
    case Value::Kind::kFloat:
      type = DataType::Make(TypeId::kFloat64);
      break;
    case Value::Kind::kString:
      type = DataType::Make(TypeId::kString);
      break;
    case Value::Kind::kArray: {
      // Array literal: the supertype of its items' types, as ClickHouse types it ([-1, 0]
      // is Array(Int16), [1, NULL] Array(Nullable(UInt8)), [[1], [-1]] Array(Array(Int16))).
      TALLY_ASSIGN_OR_RETURN(type, exec::LiteralType(v));
      break;
    }
    case Value::Kind::kMap:
      return absl::UnimplementedError("map literals are not supported yet");
  }
  Column c = Column::Make(type);
  TALLY_RETURN_IF_ERROR(c.AppendValue(v));
  return c;
}

bool CollectAggregates(const ExprPtr& expr, std::vector<ExprPtr>* out, absl::flat_hash_set<std::string>* seen) {
  if (expr == nullptr || expr->kind != Expr::Kind::kFunction) return false;
  if (exec::AggregateRegistry::Global().IsAggregate(expr->name) && exec::FunctionRegistry::Global().Find(expr->name) == nullptr) {
    if (out != nullptr && seen->insert(expr->ToString()).second) out->push_back(expr);
    return true;
  }
  bool any = false;
  for (const ExprPtr& a : expr->args) any |= CollectAggregates(a, out, seen);
  return any;
}

}  // namespace tally::engine::sql
