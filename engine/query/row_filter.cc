#include "engine/query/row_filter.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/database.h"
#include "engine/query/system_tables.h"
#include "engine/sql/binder.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

namespace {

// What a filter may not hold, found anywhere in its tree: the first offender's error.
absl::Status CheckFilterNodes(const Expr& e) {
  auto at = [&](const Expr& node) { return absl::StrCat(" (line ", node.pos.line, ", column ", node.pos.column, ")"); };
  if (!e.alias.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("a row filter may not name an alias ('", e.alias, "')", at(e)));
  }
  switch (e.kind) {
    case Expr::Kind::kSubquery:
      return absl::InvalidArgumentError(absl::StrCat("a row filter may not hold a subquery", at(e)));
    case Expr::Kind::kParameter:
      return absl::InvalidArgumentError(
          absl::StrCat("a row filter may not hold a query parameter ({", e.name, ":", e.parameter_type, "})", at(e)));
    case Expr::Kind::kAsterisk:
      return absl::InvalidArgumentError(absl::StrCat("a row filter may not hold *", at(e)));
    case Expr::Kind::kIdentifier:
      if (e.parts.size() > 1) {
        return absl::InvalidArgumentError(absl::StrCat("a row filter names columns without their table: '",
                                                       absl::StrJoin(e.parts, "."), "'", at(e)));
      }
      break;
    default:
      break;
  }
  for (const ExprPtr& a : e.args) TALLY_RETURN_IF_ERROR(CheckFilterNodes(*a));
  for (const ExprPtr& p : e.params) TALLY_RETURN_IF_ERROR(CheckFilterNodes(*p));
  return absl::OkStatus();
}

void CollectColumns(const Expr& e, std::vector<std::string>* lambda_params, std::vector<std::string>* out) {
  if (e.kind == Expr::Kind::kIdentifier) {
    const std::string& name = e.identifier();
    const bool bound = std::find(lambda_params->begin(), lambda_params->end(), name) != lambda_params->end();
    if (!bound && std::find(out->begin(), out->end(), name) == out->end()) out->push_back(name);
    return;
  }
  if (e.kind == Expr::Kind::kLambda) {
    const size_t before = lambda_params->size();
    lambda_params->insert(lambda_params->end(), e.parts.begin(), e.parts.end());
    for (const ExprPtr& a : e.args) CollectColumns(*a, lambda_params, out);
    lambda_params->resize(before);
    return;
  }
  for (const ExprPtr& a : e.args) CollectColumns(*a, lambda_params, out);
}

}  // namespace

std::string TableRowFilter::Describe() const {
  auto [database, name] = SplitTableName(table);
  return absl::StrCat("row filter", user.empty() ? "" : absl::StrCat(" of user '", user, "'"), " on table ",
                      database, ".", name);
}

absl::StatusOr<std::string> RowFilterTableName(absl::string_view table) {
  std::vector<absl::string_view> parts = absl::StrSplit(table, '.');
  const bool empty_part = std::any_of(parts.begin(), parts.end(), [](absl::string_view p) { return p.empty(); });
  if (parts.size() > 2 || empty_part) {
    return absl::InvalidArgumentError(
        absl::StrCat("a row filter names its table as database.table or table, not '", table, "'"));
  }
  if (parts.size() == 1) return std::string(parts[0]);
  if (parts[0] == kSystemDatabase) {
    return absl::InvalidArgumentError(
        absl::StrCat("row filters apply to tables and materialized views, not to the system tables ('", table, "')"));
  }
  if (parts[0] == "default") return std::string(parts[1]);
  return std::string(table);
}

absl::StatusOr<ExprPtr> ParseRowFilter(absl::string_view text) {
  TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExpression(text));
  TALLY_RETURN_IF_ERROR(CheckFilterNodes(*e));
  if (CollectAggregates(e, nullptr, nullptr)) {
    return absl::InvalidArgumentError("a row filter may not call an aggregate function: it is a condition on each row");
  }
  return e;
}

std::vector<std::string> RowFilterColumns(const Expr& filter) {
  std::vector<std::string> lambda_params, out;
  CollectColumns(filter, &lambda_params, &out);
  return out;
}

absl::Status CheckRowFilterColumns(const TableRowFilter& filter, const std::vector<std::string>& columns) {
  for (const std::string& name : RowFilterColumns(*filter.expr)) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      return absl::InvalidArgumentError(absl::StrCat(filter.Describe(), ": there is no column '", name,
                                                     "' in the table (its columns: ", absl::StrJoin(columns, ", "),
                                                     "); the filter is: ", filter.text));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ExprPtr> RowFilterFor(const RowFilters& filters, const std::string& view, const std::string& table,
                                     const std::vector<std::string>& columns, std::string* describe) {
  ExprPtr out;
  describe->clear();
  for (const std::string* name : {&view, &table}) {
    if (name->empty()) continue;
    auto it = filters.find(*name);
    if (it == filters.end()) continue;
    TALLY_RETURN_IF_ERROR(CheckRowFilterColumns(it->second, columns));
    out = Conjunction(out, it->second.expr);
    absl::StrAppend(describe, describe->empty() ? "" : " and ", it->second.Describe());
  }
  return out;
}

ExprPtr Conjunction(ExprPtr a, ExprPtr b) {
  if (a == nullptr) return b;
  if (b == nullptr) return a;
  auto both = std::make_shared<Expr>();
  both->kind = Expr::Kind::kFunction;
  both->name = "and";
  both->pos = a->pos;
  both->args = {std::move(a), std::move(b)};
  return both;
}

}  // namespace tally::engine::sql
