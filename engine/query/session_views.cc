// Session: the statements of materialized views (CREATE MATERIALIZED VIEW, DROP VIEW, SHOW
// CREATE of a view) and how other statements see a view (as its target table).
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/query/session.h"
#include "engine/query/view_compiler.h"
#include "engine/sql/ddl.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

namespace {

// "v" -> "default.v": names as SHOW CREATE prints them.
std::string WithDatabase(const std::string& name) {
  auto [database, table] = SplitTableName(name);
  return absl::StrCat(database, ".", table);
}

}  // namespace

InsertOptions Session::InsertOptionsOf(const Settings& settings) const {
  InsertOptions options;
  options.deduplicate = settings.insert_deduplicate;
  options.deduplication_token = settings.insert_deduplication_token;
  options.progress = &progress_;
  return options;
}

std::string Session::TargetOf(const std::string& name) const {
  auto view = db_->GetView(name);
  return view.ok() ? view->target : name;
}

absl::Status Session::RunCreateView(const CreateViewQuery& c) {
  TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
  const std::string name = QualifiedTableName(c.database, c.view, ctx);
  TALLY_ASSIGN_OR_RETURN(ViewSelect parsed, CheckViewSelect(c.select, ctx.current_database));
  if (db_->GetView(parsed.source).ok()) {
    return absl::InvalidArgumentError(absl::StrCat("materialized view ", name, ": its source ", parsed.source,
                                                   " is a view; a view reads the inserts into a table"));
  }
  format::ViewDef def;
  def.source = parsed.source;
  def.select = c.select_text;
  if (!c.to_table.empty()) {
    if (!c.storage.columns.empty()) {
      return absl::UnimplementedError(
          "a column list in a materialized view with TO is not supported yet (its columns are its SELECT's)");
    }
    def.target = QualifiedTableName(c.to_database, c.to_table, ctx);
    return db_->CreateView(name, std::move(def), std::nullopt, c.if_not_exists, c.populate);
  }
  // ENGINE = ...: the view's own target table, with the SELECT's columns unless the
  // statement lists them, and the storage clauses as CREATE TABLE takes them.
  if (c.if_not_exists && db_->GetView(name).ok()) return absl::OkStatus();
  auto source = db_->GetSchema(parsed.source);
  if (!source.ok()) {
    auto [database, table] = SplitTableName(parsed.source);
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("Table ", database, ".", table, " does not exist"));
  }
  CreateTableQuery inner = c.storage;
  if (inner.columns.empty()) {
    auto columns = ViewOutputColumns(db_, *parsed.select, parsed.source, *source);
    if (!columns.ok()) {
      return WithMessage(columns.status(),
                         absl::StrCat("materialized view ", name, ": ", columns.status().message()));
    }
    for (const auto& [column, type] : *columns) {
      ColumnDeclaration d;
      d.name = column;
      d.type = type->ToString();
      inner.columns.push_back(std::move(d));
    }
  }
  TALLY_ASSIGN_OR_RETURN(format::TableSchema schema, SchemaFromCreate(inner));
  def.inner_target = true;
  def.target = Database::InnerTableName(name);
  return db_->CreateView(name, std::move(def), std::move(schema), c.if_not_exists, c.populate);
}

absl::Status Session::RunDropView(const Statement& st) {
  TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
  const std::string name = QualifiedTableName(st.database, st.table, ctx);
  if (!db_->GetView(name).ok() && db_->GetSchema(name).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(WithDatabase(name), " is a table, not a view: use DROP TABLE"));
  }
  return db_->DropView(name, st.if_exists);
}

absl::StatusOr<std::string> Session::CreateViewStatement(const std::string& name, const std::string& full) const {
  TALLY_ASSIGN_OR_RETURN(format::ViewDef def, db_->GetView(name));
  TALLY_ASSIGN_OR_RETURN(format::TableSchema target, db_->GetSchema(def.target));
  std::string out;
  if (def.inner_target) {
    // The inner table's statement, named as the view: its columns and storage clauses.
    const std::string table = CreateTableStatement(full, target);
    out = absl::StrCat("CREATE MATERIALIZED VIEW ", table.substr(std::string("CREATE TABLE ").size()));
  } else {
    // The view's columns are its SELECT's, as ClickHouse lists them.
    TALLY_ASSIGN_OR_RETURN(format::TableSchema source, db_->GetSchema(def.source));
    TALLY_ASSIGN_OR_RETURN(ViewSelect parsed, ParseViewSelect(def.select, SplitTableName(def.source).first));
    TALLY_ASSIGN_OR_RETURN(auto columns, ViewOutputColumns(db_, *parsed.select, def.source, source));
    out = absl::StrCat("CREATE MATERIALIZED VIEW ", full, " TO ", WithDatabase(def.target), "\n(\n");
    for (size_t i = 0; i < columns.size(); ++i) {
      absl::StrAppend(&out, "    `", columns[i].first, "` ", columns[i].second->ToString(),
                      i + 1 < columns.size() ? ",\n" : "\n");
    }
    absl::StrAppend(&out, ")");
  }
  absl::StrAppend(&out, "\nAS ", def.select);
  return out;
}

}  // namespace tally::engine::sql
