#include "engine/query/view_compiler.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/error_code.h"
#include "engine/exec/query_limits.h"
#include "engine/query/query_context.h"
#include "engine/query/select.h"
#include "engine/query/system_tables.h"
#include "engine/sql/defaults.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

namespace {

// Runs `select` with FROM `source` reading `rows`, in the source's database, on one thread
// (a view runs inside the insert that feeds it), within the server's memory budget.
absl::StatusOr<ResultSet> RunOver(Database* db, const SelectQuery& select, const std::string& source,
                                  const Block& rows) {
  QueryContext ctx;
  ctx.db = db;
  ctx.current_database = SplitTableName(source).first;
  ctx.params.functions.current_database = ctx.current_database;
  ctx.params.functions.now_s = absl::ToUnixSeconds(absl::Now());
  ctx.max_threads = 1;
  exec::QueryLimits::Options limits;
  limits.max_memory_bytes = exec::DefaultMaxMemoryBytes();
  limits.server_memory = true;
  ctx.limits = exec::QueryLimits(limits);
  ctx.lent_table = source;
  ctx.lent_block = &rows;
  return ExecuteSelect(select, ctx);
}

// No rows, with the columns of `schema`, in schema order (as the core hands a view its rows).
Block EmptyRows(const format::TableSchema& schema) {
  Block block;
  for (const format::ColumnDef& c : schema.columns) block.Add(c.name, format::Column::Make(c.type));
  return block;
}

class SqlViewQuery : public ViewQuery {
 public:
  SqlViewQuery(Database* db, std::string source, std::shared_ptr<const SelectQuery> select,
               std::vector<std::string> names, std::vector<format::DataTypePtr> types)
      : db_(db), source_(std::move(source)), select_(std::move(select)), names_(std::move(names)),
        types_(std::move(types)) {}

  absl::StatusOr<Block> Run(const Block& rows) const override {
    Block out;
    if (rows.rows() == 0) {  // an empty insert feeds no view (no count() = 0 row)
      for (size_t c = 0; c < names_.size(); ++c) out.Add(names_[c], format::Column::Make(types_[c]));
      return out;
    }
    TALLY_ASSIGN_OR_RETURN(ResultSet r, RunOver(db_, *select_, source_, rows));
    if (r.block.columns.size() != names_.size()) {
      return absl::InternalError(absl::StrCat("the SELECT returned ", r.block.columns.size(), " columns, compiled with ",
                                              names_.size()));
    }
    for (size_t c = 0; c < names_.size(); ++c) {
      auto converted = ConvertColumn(std::move(r.block.columns[c]), types_[c]);
      if (!converted.ok()) {
        return WithMessage(converted.status(),
                           absl::StrCat("column ", names_[c], ": ", converted.status().message()));
      }
      out.Add(names_[c], *std::move(converted));
    }
    return out;
  }

 private:
  Database* const db_;
  const std::string source_;
  const std::shared_ptr<const SelectQuery> select_;
  const std::vector<std::string> names_;         // the SELECT's columns, each a target column
  const std::vector<format::DataTypePtr> types_;  // their types in the target
};

class SqlViewCompiler : public ViewCompiler {
 public:
  explicit SqlViewCompiler(Database* db) : db_(db) {}

  // Errors leave the view's name to the caller (Database::CompileView names it).
  absl::StatusOr<std::shared_ptr<const ViewQuery>> Compile(const std::string& name, const format::ViewDef& view,
                                                           const format::TableSchema& source,
                                                           const format::TableSchema& target) const override {
    (void)name;
    return CompileChecked(view, source, target);
  }

 private:
  absl::StatusOr<std::shared_ptr<const ViewQuery>> CompileChecked(const format::ViewDef& view,
                                                                  const format::TableSchema& source,
                                                                  const format::TableSchema& target) const {
    TALLY_ASSIGN_OR_RETURN(ViewSelect parsed, ParseViewSelect(view.select, SplitTableName(view.source).first));
    if (parsed.source != view.source) {
      return absl::InvalidArgumentError(
          absl::StrCat("its SELECT reads ", parsed.source, ", not its source table ", view.source));
    }
    TALLY_ASSIGN_OR_RETURN(auto columns, ViewOutputColumns(db_, *parsed.select, view.source, source));
    std::vector<std::string> names;
    std::vector<format::DataTypePtr> types;
    absl::flat_hash_set<std::string> seen;
    for (const auto& [column, type] : columns) {
      if (!seen.insert(column).second) {
        return absl::InvalidArgumentError(absl::StrCat("SELECT query outputs column with name '", column,
                                                       "' more than once"));
      }
      const int i = target.FindColumn(column);
      if (i < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("SELECT query outputs column with name '", column,
                         "', which is not found in the target table. Use 'AS' to assign alias that matches a "
                         "column name."));
      }
      const format::DataTypePtr& to = target.columns[i].type;
      if (auto converted = ConvertColumn(format::Column::Make(type), to); !converted.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("column ", column, " of type ", type->ToString(),
                                                       " does not convert to the target's ", to->ToString(), ": ",
                                                       converted.status().message()));
      }
      names.push_back(column);
      types.push_back(to);
    }
    return std::shared_ptr<const ViewQuery>(
        std::make_shared<SqlViewQuery>(db_, view.source, std::move(parsed.select), std::move(names), std::move(types)));
  }

  Database* const db_;
};

}  // namespace

std::shared_ptr<const ViewCompiler> MakeViewCompiler(Database* db) { return std::make_shared<SqlViewCompiler>(db); }

absl::StatusOr<ViewSelect> CheckViewSelect(std::shared_ptr<SelectQuery> select, const std::string& current_database) {
  if (!select->format.empty()) return absl::InvalidArgumentError("a materialized view's SELECT takes no FORMAT");
  if (!select->settings.values.empty()) {
    return absl::UnimplementedError("SETTINGS in a materialized view's SELECT are not supported yet");
  }
  if (!select->from) return absl::InvalidArgumentError("a materialized view's SELECT needs FROM its source table");
  const TableRef& from = *select->from;
  if (from.subquery != nullptr || from.table_function != nullptr || from.database == kSystemDatabase) {
    return absl::InvalidArgumentError(
        "the FROM of a materialized view's SELECT must name a table, the view's source (not a subquery, a table "
        "function or a system table)");
  }
  QueryContext names;
  names.current_database = current_database;
  ViewSelect out;
  out.source = QualifiedTableName(from.database, from.table, names);
  out.select = std::move(select);
  return out;
}

absl::StatusOr<ViewSelect> ParseViewSelect(absl::string_view text, const std::string& current_database) {
  TALLY_ASSIGN_OR_RETURN(Statement st, ParseStatement(text));
  if (st.kind != Statement::Kind::kSelect) return absl::InvalidArgumentError("a materialized view needs a SELECT");
  return CheckViewSelect(std::move(st.select), current_database);
}

absl::StatusOr<std::vector<std::pair<std::string, format::DataTypePtr>>> ViewOutputColumns(
    Database* db, const SelectQuery& select, const std::string& source, const format::TableSchema& source_schema) {
  const Block none = EmptyRows(source_schema);
  TALLY_ASSIGN_OR_RETURN(ResultSet r, RunOver(db, select, source, none));
  std::vector<std::pair<std::string, format::DataTypePtr>> out;
  for (size_t c = 0; c < r.names.size(); ++c) out.emplace_back(r.names[c], r.types[c]);
  return out;
}

}  // namespace tally::engine::sql
