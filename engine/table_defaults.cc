#include "engine/table_defaults.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/error_code.h"
#include "engine/sql/binder.h"
#include "engine/sql/defaults.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

absl::Status ColumnError(const format::ColumnDef& c, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("column `", c.name, "` DEFAULT ", c.default_expr, ": ", why));
}

// The same for an error of the expression, whose code it keeps.
absl::Status ColumnError(const format::ColumnDef& c, const absl::Status& why) {
  return WithMessage(why, absl::StatusCode::kInvalidArgument, ColumnError(c, why.message()).message());
}

// Whether `e` reads column `name`.
bool Reads(const sql::Expr& e, const std::string& name) {
  if (e.kind == sql::Expr::Kind::kIdentifier && e.identifier() == name) return true;
  for (const sql::ExprPtr& a : e.args) {
    if (a != nullptr && Reads(*a, name)) return true;
  }
  return false;
}

sql::Scope SchemaScope(const format::TableSchema& schema) {
  sql::Scope scope;
  for (const format::ColumnDef& c : schema.columns) scope.Add(c.name, c.type);
  return scope;
}

}  // namespace

TableDefaults TableDefaults::Make(const format::TableSchema& schema) {
  TableDefaults d;
  std::vector<Entry> pending;
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const format::ColumnDef& c = schema.columns[i];
    if (c.default_expr.empty()) continue;
    auto parsed = sql::ParseExpression(c.default_expr);
    if (!parsed.ok()) {
      d.status_ = ColumnError(c, parsed.status());
      return d;
    }
    pending.push_back(Entry{i, *std::move(parsed), nullptr});
  }
  // Dependency order: an entry goes once no pending entry computes a column it reads.
  while (!pending.empty()) {
    std::vector<Entry> next;
    for (Entry& e : pending) {
      bool waits = false;
      for (const Entry& other : pending) {
        waits |= other.column != e.column && Reads(*e.parsed, schema.columns[other.column].name);
      }
      if (waits) {
        next.push_back(std::move(e));
      } else {
        d.order_.push_back(std::move(e));
      }
    }
    if (next.size() == pending.size()) {
      std::vector<std::string> names;
      for (const Entry& e : pending) names.push_back(absl::StrCat("`", schema.columns[e.column].name, "`"));
      d.status_ = absl::InvalidArgumentError(absl::StrCat("DEFAULT expressions of columns ", absl::StrJoin(names, ", "),
                                                          " depend on each other in a cycle"));
      return d;
    }
    pending = std::move(next);
  }
  const sql::Scope scope = SchemaScope(schema);
  for (Entry& e : d.order_) {
    const format::ColumnDef& c = schema.columns[e.column];
    auto bound = sql::Bind(*e.parsed, scope, sql::QueryParams());
    if (!bound.ok()) {
      d.status_ = ColumnError(c, bound.status());
      return d;
    }
    if ((*bound)->nondeterministic_call() == nullptr) e.bound = *std::move(bound);
  }
  return d;
}

absl::Status TableDefaults::Fill(const format::TableSchema& schema, const std::vector<bool>& given,
                                 Block* block) const {
  const size_t rows = block->rows();
  if (rows == 0) return absl::OkStatus();
  if (!status_.ok()) {
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      if (!given[i] && !schema.columns[i].default_expr.empty()) return status_;
    }
  }
  sql::Scope scope;
  for (const Entry& e : order_) {
    if (given[e.column]) continue;
    const format::ColumnDef& c = schema.columns[e.column];
    exec::ExpressionPtr bound = e.bound;
    if (bound == nullptr) {
      // now() and the like: the insert's time, not the time the table was opened.
      if (scope.names.empty()) scope = SchemaScope(schema);
      sql::QueryParams params;
      params.functions.now_s = absl::ToUnixSeconds(absl::Now());
      auto rebound = sql::Bind(*e.parsed, scope, params);
      if (!rebound.ok()) return ColumnError(c, rebound.status());
      bound = *std::move(rebound);
    }
    auto value = bound->Evaluate(*block);
    if (!value.ok()) return ColumnError(c, value.status());
    auto converted = sql::ConvertColumn(value->Materialize(rows), c.type);
    if (!converted.ok()) return ColumnError(c, converted.status());
    block->columns[e.column] = *std::move(converted);
  }
  return absl::OkStatus();
}

}  // namespace tally::engine
