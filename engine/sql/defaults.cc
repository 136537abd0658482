#include "engine/sql/defaults.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "engine/exec/expression.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using format::Column;
using format::DataType;
using format::TypeId;

namespace {

absl::Status ColumnError(const format::ColumnDef& c, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("column `", c.name, "` DEFAULT ", c.default_expr, ": ", why));
}

// The same for an error of the expression, whose code it keeps.
absl::Status ColumnError(const format::ColumnDef& c, const absl::Status& why) {
  return WithMessage(why, absl::StatusCode::kInvalidArgument, ColumnError(c, why.message()).message());
}

// A column whose DEFAULT is still to be computed.
struct Pending {
  size_t schema_index;
  int block_index;  // -1: the column is absent from the block
};

absl::StatusOr<Column> Evaluate(const format::ColumnDef& def, const QueryParams& params, const Block& block,
                                size_t rows) {
  TALLY_ASSIGN_OR_RETURN(ExprPtr expr, ParseExpression(def.default_expr));
  Scope scope;
  for (size_t i = 0; i < block.columns.size(); ++i) scope.Add(block.names[i], block.columns[i].type);
  TALLY_ASSIGN_OR_RETURN(exec::ExpressionPtr bound, Bind(*expr, scope, params));
  TALLY_ASSIGN_OR_RETURN(exec::Evaluated v, bound->Evaluate(block));
  return ConvertColumn(v.Materialize(rows), def.type);
}

// Whether `e` reads column `name`.
bool Reads(const Expr& e, const std::string& name) {
  if (e.kind == Expr::Kind::kIdentifier && e.identifier() == name) return true;
  for (const ExprPtr& a : e.args) {
    if (a != nullptr && Reads(*a, name)) return true;
  }
  return false;
}

// `base` with the rows in `rows` (ascending) taken from `computed`.
Column Overlay(const Column& base, const Column& computed, const std::vector<uint32_t>& rows) {
  Column out = Column::Make(base.type);
  size_t next = 0;
  for (size_t r = 0; r < base.size();) {
    if (next < rows.size() && rows[next] == r) {
      out.AppendRange(computed, r, 1);
      ++next;
      ++r;
      continue;
    }
    size_t end = next < rows.size() ? rows[next] : base.size();
    out.AppendRange(base, r, end - r);
    r = end;
  }
  return out;
}

}  // namespace

absl::StatusOr<Column> ConvertColumn(Column c, const format::DataTypePtr& type) {
  if (c.type->Equals(*type)) return c;
  const exec::FunctionFactory* cast = exec::FunctionRegistry::Global().Find("CAST");
  if (cast == nullptr) return absl::InternalError("CAST is not registered");
  Column type_name = Column::Make(DataType::Make(TypeId::kString));
  type_name.AppendString(type->ToString());
  std::vector<exec::ArgInfo> infos = {{c.type, nullptr}, {type_name.type, &type_name}};
  TALLY_ASSIGN_OR_RETURN(auto bound, (*cast)(infos, exec::FunctionContext()));
  std::vector<exec::ColumnArg> args = {{&c, false}, {&type_name, true}};
  return bound->Execute(args, c.size());
}

absl::Status ValidateDefaults(const format::TableSchema& schema) {
  // One row of type defaults for the columns without a DEFAULT stands for any insert:
  // computing the others from it checks names, types, conversions and cycles.
  Block row;
  for (const format::ColumnDef& c : schema.columns) {
    if (!c.default_expr.empty()) {
      auto parsed = ParseExpression(c.default_expr);
      if (!parsed.ok()) return ColumnError(c, parsed.status());
      if (CollectAggregates(*parsed, nullptr, nullptr)) return ColumnError(c, "aggregate functions are not allowed");
      continue;
    }
    Column col = Column::Make(c.type);
    col.AppendDefault();
    row.Add(c.name, std::move(col));
  }
  if (row.columns.empty()) {
    // Only defaulted columns: a dummy column gives the row count.
    Column dummy = Column::Make(DataType::Make(TypeId::kUInt8));
    dummy.AppendDefault();
    row.Add("_dummy", std::move(dummy));
  }
  return FillDefaults(schema, QueryParams(), &row, nullptr);
}

absl::Status FillDefaults(const format::TableSchema& schema, const QueryParams& params, Block* block,
                          const std::vector<std::vector<uint32_t>>* omitted) {
  std::vector<Pending> pending;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const format::ColumnDef& c = schema.columns[i];
    if (c.default_expr.empty()) continue;
    int b = block->Find(c.name);
    if (b >= 0 && (omitted == nullptr || (*omitted)[b].empty())) continue;
    pending.push_back(Pending{i, b});
  }
  // Columns being computed are not visible to the others until computed, so a default
  // that reads a later one waits for the next pass.
  Block visible;
  for (size_t i = 0; i < block->columns.size(); ++i) {
    bool is_pending = false;
    for (const Pending& p : pending) is_pending |= p.block_index == static_cast<int>(i);
    if (!is_pending) visible.Add(block->names[i], block->columns[i]);
  }
  while (!pending.empty()) {
    absl::Status last_error;
    std::vector<Pending> next;
    for (const Pending& p : pending) {
      const format::ColumnDef& def = schema.columns[p.schema_index];
      auto value = Evaluate(def, params, visible, block->rows());
      if (!value.ok()) {
        last_error = ColumnError(def, value.status());
        next.push_back(p);
        continue;
      }
      Column column = std::move(*value);
      if (p.block_index >= 0) {
        column = Overlay(block->columns[p.block_index], column, (*omitted)[p.block_index]);
        block->columns[p.block_index] = column;
      } else {
        block->Add(def.name, column);
      }
      visible.Add(def.name, std::move(column));
    }
    if (next.size() == pending.size()) {
      // Nothing computed in a pass: a missing column, a bad expression, or a cycle (each
      // pending expression reads another pending column).
      std::vector<std::string> names;
      bool cycle = true;
      for (const Pending& p : pending) {
        const format::ColumnDef& def = schema.columns[p.schema_index];
        names.push_back(absl::StrCat("`", def.name, "`"));
        auto parsed = ParseExpression(def.default_expr);
        bool reads_pending = false;
        for (const Pending& q : pending) reads_pending |= parsed.ok() && Reads(**parsed, schema.columns[q.schema_index].name);
        cycle &= reads_pending;
      }
      if (cycle) {
        return absl::InvalidArgumentError(absl::StrCat("DEFAULT expressions of columns ", absl::StrJoin(names, ", "),
                                                       " depend on each other in a cycle"));
      }
      return last_error;
    }
    pending = std::move(next);
  }
  return absl::OkStatus();
}

}  // namespace tally::engine::sql
