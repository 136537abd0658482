#include "engine/sql/binder.h"

#include <cmath>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/interval.h"
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

constexpr int kMaxDepth = 200;

std::string At(const Expr& e) { return absl::StrCat(" (line ", e.pos.line, ", column ", e.pos.column, ")"); }

// x IN (a, b, c): the right side converted to x's type once, then a hash look-up per row
// (per dictionary entry for LowCardinality). A NULL x gives NULL (Nullable(UInt8) result),
// as ClickHouse does without transform_null_in.
class InSet : public exec::BoundFunction {
 public:
  InSet(const DataType& lhs, Column set, bool negate) : set_col_(std::move(set)), negate_(negate) {
    nullable_ = lhs.id() == TypeId::kNullable || lhs.is_nullable_low_cardinality();
    result_type_ = nullable_ ? DataType::Nullable(DataType::Make(TypeId::kUInt8)) : DataType::Make(TypeId::kUInt8);
    for (size_t i = 0; i < set_col_.size(); ++i) keys_.insert(Key(set_col_, i));
  }

  absl::StatusOr<Column> Execute(absl::Span<const ColumnArg> args, size_t rows) const override {
    const Column& c = *args[0].column;
    Column out = Column::Make(result_type_);
    Column& values_out = nullable_ ? out.children[0] : out;
    values_out.data.resize(rows);
    if (nullable_) out.nulls.resize(rows, 0);
    if (c.type->id() == TypeId::kLowCardinality) {
      std::vector<uint8_t> entry(c.dictionary->size());
      for (size_t k = 0; k < entry.size(); ++k) {
        bool is_null = k == 0 && c.type->is_nullable_low_cardinality();
        entry[k] = !is_null && (keys_.contains(std::string(c.dictionary->StringAt(k))) != negate_);
      }
      for (size_t r = 0; r < rows; ++r) {
        const uint32_t index = c.IndexAt(args[0].row(r));
        values_out.data[r] = entry[index];
        if (nullable_) out.nulls[r] = index == 0;
      }
      return out;
    }
    const bool nullable_column = c.type->id() == TypeId::kNullable;
    const Column& values = nullable_column ? c.children[0] : c;
    for (size_t r = 0; r < rows; ++r) {
      size_t i = args[0].row(r);
      if (nullable_column && c.nulls[i]) {
        values_out.data[r] = 0;
        out.nulls[r] = 1;
        continue;
      }
      values_out.data[r] = keys_.contains(Key(values, i)) != negate_;
    }
    return out;
  }

 private:
  static std::string Key(const Column& c, size_t i) {
    if (c.type->id() == TypeId::kString) return std::string(c.StringAt(i));
    if (c.type->id() == TypeId::kLowCardinality) return std::string(c.dictionary->StringAt(c.IndexAt(i)));
    size_t w = c.type->fixed_width();
    return std::string(reinterpret_cast<const char*>(c.data.data()) + i * w, w);
  }

  Column set_col_;
  absl::flat_hash_set<std::string> keys_;
  bool negate_;
  bool nullable_ = false;
};

absl::StatusOr<ExprPtr> Expand(const ExprPtr& expr, const absl::flat_hash_map<std::string, ExprPtr>& aliases,
                               absl::flat_hash_set<std::string>* expanding, int depth) {
  if (depth > kMaxDepth) return absl::InvalidArgumentError("expression nested too deeply");
  if (expr == nullptr) return expr;
  if (expr->kind == Expr::Kind::kIdentifier && expr->parts.size() == 1) {
    auto it = aliases.find(expr->parts[0]);
    if (it != aliases.end() && !expanding->contains(expr->parts[0])) {
      expanding->insert(expr->parts[0]);
      TALLY_ASSIGN_OR_RETURN(ExprPtr body, Expand(it->second, aliases, expanding, depth + 1));
      expanding->erase(expr->parts[0]);
      auto copy = std::make_shared<Expr>(*body);
      copy->alias = expr->alias;
      return copy;
    }
    return expr;
  }
  if (expr->kind != Expr::Kind::kFunction) return expr;
  auto copy = std::make_shared<Expr>(*expr);
  for (ExprPtr& a : copy->args) {
    TALLY_ASSIGN_OR_RETURN(a, Expand(a, aliases, expanding, depth + 1));
  }
  return copy;
}

absl::StatusOr<ExpressionPtr> BindImpl(const Expr& e, const Scope& scope, const QueryParams& params, int depth);

absl::StatusOr<ExpressionPtr> BindCall(const std::string& name, std::vector<ExpressionPtr> args, const Expr& at,
                                       const exec::FunctionContext& context) {
  const exec::FunctionFactory* factory = exec::FunctionRegistry::Global().Find(name);
  if (factory == nullptr) {
    if (exec::AggregateRegistry::Global().IsAggregate(name)) {
      return absl::InvalidArgumentError(absl::StrCat("aggregate function ", name, " is found where it cannot be",
                                                     " (inside WHERE, inside another aggregate, or in an argument)",
                                                     At(at)));
    }
    return absl::InvalidArgumentError(absl::StrCat("Unknown function ", name, At(at)));
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
    return absl::Status(bound.status().code(), absl::StrCat(bound.status().message(), At(at)));
  }
  return exec::MakeCall(std::move(*bound), std::move(args), name);
}

absl::StatusOr<ExpressionPtr> BindIn(const Expr& e, const Scope& scope, const QueryParams& params, int depth) {
  const bool negate = e.name == "notIn" || e.name == "globalNotIn";
  if (e.args.size() != 2) return absl::InvalidArgumentError(absl::StrCat(e.name, " takes 2 arguments", At(e)));
  TALLY_ASSIGN_OR_RETURN(ExpressionPtr lhs, BindImpl(*e.args[0], scope, params, depth + 1));
  const Expr& rhs = *e.args[1];
  std::vector<Value> values;
  if (rhs.kind == Expr::Kind::kLiteral) {
    if (rhs.literal.kind == Value::Kind::kArray) {
      values = rhs.literal.items;
    } else {
      values.push_back(rhs.literal);
    }
  } else if (rhs.kind == Expr::Kind::kFunction && (rhs.name == "tuple" || rhs.name == "array")) {
    for (const ExprPtr& item : rhs.args) {
      TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, BindImpl(*item, scope, params, depth + 1));
      if (!b->is_constant()) return absl::InvalidArgumentError(absl::StrCat("IN list items must be constants", At(*item)));
      TALLY_ASSIGN_OR_RETURN(Column c, exec::EvaluateConstant(*b));
      values.push_back(c.GetValue(0));
    }
  } else if (rhs.kind == Expr::Kind::kSubquery) {
    if (!params.run_subquery) return absl::UnimplementedError(absl::StrCat("a subquery is not allowed here", At(rhs)));
    TALLY_ASSIGN_OR_RETURN(Column column, params.run_subquery(*rhs.subquery, rhs));
    values.reserve(column.size());
    for (size_t i = 0; i < column.size(); ++i) values.push_back(column.GetValue(i));
  } else {
    return absl::UnimplementedError(absl::StrCat("IN with this right side is not supported yet (a list of ",
                                                 "constants or a subquery is)", At(e)));
  }
  const DataType& lt = *lhs->type();
  DataTypePtr set_type = lhs->type();
  if (lt.id() == TypeId::kNullable) set_type = lt.children()[0];
  if (lt.id() == TypeId::kLowCardinality) set_type = DataType::Make(TypeId::kString);
  Column set = Column::Make(set_type);
  for (const Value& v : values) {
    if (v.is_null()) continue;
    // Values that cannot be of x's type can never match; skip them like ClickHouse does.
    Column probe = Column::Make(set_type);
    if (probe.AppendValue(v).ok()) set.AppendRange(probe, 0, 1);
  }
  std::vector<ExpressionPtr> args = {lhs};
  return exec::MakeCall(std::make_unique<InSet>(lt, std::move(set), negate), std::move(args), e.name);
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

absl::StatusOr<ExpressionPtr> BindImpl(const Expr& e, const Scope& scope, const QueryParams& params, int depth) {
  if (depth > kMaxDepth) return absl::InvalidArgumentError(absl::StrCat("expression nested too deeply", At(e)));
  if (!scope.by_text.empty()) {
    auto it = scope.by_text.find(e.ToString());
    if (it != scope.by_text.end()) return exec::MakeInputColumn(it->second, scope.types[it->second]);
  }
  switch (e.kind) {
    case Expr::Kind::kLiteral: {
      TALLY_ASSIGN_OR_RETURN(Column c, LiteralColumn(e.literal));
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
        return absl::InvalidArgumentError(absl::StrCat("Substitution `", e.name, "` is not set", At(e)));
      }
      std::vector<ExpressionPtr> args;
      TALLY_ASSIGN_OR_RETURN(Column text, LiteralColumn(Value::String(it->second)));
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
    return absl::InvalidArgumentError(absl::StrCat("aggregate function ", e.ToString(),
                                                   " is found where it cannot be (in WHERE, or inside another aggregate)",
                                                   At(e)));
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
  std::vector<ExpressionPtr> args;
  for (const ExprPtr& a : e.args) {
    TALLY_ASSIGN_OR_RETURN(ExpressionPtr b, BindImpl(*a, scope, params, depth + 1));
    args.push_back(std::move(b));
  }
  return BindCall(e.name, std::move(args), e, params.functions);
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
    return absl::InvalidArgumentError(absl::StrCat("Column `", name,
                                                   "` is not under aggregate function and not in GROUP BY keys",
                                                   At(e)));
  }
  std::vector<std::string> visible;
  if (scope.columns_visible) visible = scope.names;
  return absl::InvalidArgumentError(absl::StrCat("Unknown identifier `", name, "`", At(e),
                                                 visible.empty() ? "" : absl::StrCat("; columns: ", absl::StrJoin(visible, ", "))));
}

absl::StatusOr<ExprPtr> ExpandAliases(const ExprPtr& expr, const absl::flat_hash_map<std::string, ExprPtr>& aliases) {
  absl::flat_hash_set<std::string> expanding;
  return Expand(expr, aliases, &expanding, 0);
}

absl::StatusOr<ExpressionPtr> Bind(const Expr& expr, const Scope& scope, const QueryParams& params) {
  return BindImpl(expr, scope, params, 0);
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
      // Array literal: the element type of the first non-NULL item (numbers widen to
      // the widest kind present).
      DataTypePtr element = DataType::Make(TypeId::kUInt8);
      bool any_int = false, any_float = false, any_string = false, any_null = false;
      uint64_t max_u = 0;
      for (const Value& item : v.items) {
        any_null |= item.is_null();
        any_int |= item.kind == Value::Kind::kInt;
        any_float |= item.kind == Value::Kind::kFloat;
        any_string |= item.kind == Value::Kind::kString;
        if (item.kind == Value::Kind::kUInt) max_u = std::max(max_u, item.u);
        if (item.kind == Value::Kind::kArray || item.kind == Value::Kind::kMap) {
          return absl::UnimplementedError("nested array literals are not supported yet");
        }
      }
      if (any_string) {
        element = DataType::Make(TypeId::kString);
      } else if (any_float) {
        element = DataType::Make(TypeId::kFloat64);
      } else if (any_int) {
        element = DataType::Make(TypeId::kInt64);
      } else {
        TALLY_ASSIGN_OR_RETURN(Column probe, LiteralColumn(Value::UInt(max_u)));
        element = probe.type;
      }
      if (any_null) element = DataType::Nullable(element);
      type = DataType::Array(element);
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
