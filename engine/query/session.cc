#include "engine/query/session.h"

#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/ascii.h"
#include "engine/error_code.h"
#include "engine/exec/input_format.h"
#include "engine/exec/like_pattern.h"
#include "engine/exec/output_format.h"
#include "engine/parallel.h"
#include "engine/partition.h"
#include "engine/query/explain.h"
#include "engine/query/result_writer.h"
#include "engine/query/setting_catalog.h"
#include "engine/query/system_tables.h"
#include "engine/query/view_compiler.h"
#include "engine/sql/ddl.h"
#include "engine/exec/text_format.h"
#include "engine/sql/defaults.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;

namespace {

ResultSet StringColumns(const std::vector<std::string>& names, const std::vector<std::vector<std::string>>& rows) {
  ResultSet r;
  for (size_t c = 0; c < names.size(); ++c) {
    Column col = Column::Make(DataType::Make(TypeId::kString));
    for (const auto& row : rows) col.AppendString(row[c]);
    r.names.push_back(names[c]);
    r.types.push_back(col.type);
    r.block.Add(names[c], std::move(col));
  }
  return r;
}

// One UInt8 `result` row: EXISTS's answer, typed as ClickHouse types it.
ResultSet ExistsResult(bool exists) {
  ResultSet r;
  Column col = Column::Make(DataType::Make(TypeId::kUInt8));
  col.Append<uint8_t>(exists ? 1 : 0);
  r.names.push_back("result");
  r.types.push_back(col.type);
  r.block.Add("result", std::move(col));
  return r;
}

}  // namespace

absl::Status Settings::Set(const std::string& name, const Value& value) {
  TALLY_RETURN_IF_ERROR(SetField(name, value));
  const SettingInfo* info = FindSetting(name);
  changed.insert(info != nullptr && info->alias_for[0] != '\0' ? info->alias_for : name);
  return absl::OkStatus();
}

absl::Status Settings::SetField(const std::string& name, const Value& value) {
  auto as_uint = [&]() -> absl::StatusOr<uint64_t> {
    if (value.kind == Value::Kind::kUInt) return value.u;
    if (value.kind == Value::Kind::kString) {
      uint64_t v;
      if (absl::SimpleAtoi(value.s, &v)) return v;
    }
    return absl::InvalidArgumentError(absl::StrCat("setting ", name, " takes a non-negative integer, got ",
                                                   value.DebugString()));
  };
  if (name == "max_memory_usage") {
    TALLY_ASSIGN_OR_RETURN(max_memory_usage, as_uint());
  } else if (name == "max_server_memory_usage") {
    TALLY_ASSIGN_OR_RETURN(max_server_memory_usage, as_uint());
  } else if (name == "max_execution_time") {
    double seconds;
    if (value.kind == Value::Kind::kFloat && value.f >= 0) {
      max_execution_time_s = value.f;
    } else if (value.kind == Value::Kind::kString && absl::SimpleAtod(value.s, &seconds) && seconds >= 0) {
      max_execution_time_s = seconds;  // "0.5" from a URL
    } else {
      TALLY_ASSIGN_OR_RETURN(uint64_t s, as_uint());
      max_execution_time_s = static_cast<double>(s);
    }
  } else if (name == "max_read_buffer_size" || name == "min_insert_block_size_rows" ||
             name == "min_insert_block_size_bytes") {
    TALLY_ASSIGN_OR_RETURN(uint64_t v, as_uint());
    if (v == 0) return absl::InvalidArgumentError(absl::StrCat("setting ", name, " must be positive"));
    (name == "max_read_buffer_size" ? max_read_buffer_size
     : name == "min_insert_block_size_rows" ? min_insert_block_size_rows : min_insert_block_size_bytes) = v;
  } else if (name == "input_format_skip_unknown_fields" || name == "allow_drop_detached" ||
             name == "check_query_single_value_result" || name == "enable_positional_arguments") {
    TALLY_ASSIGN_OR_RETURN(uint64_t v, as_uint());
    if (v > 1) return absl::InvalidArgumentError(absl::StrCat("setting ", name, " takes 0 or 1"));
    (name == "input_format_skip_unknown_fields" ? input_format_skip_unknown_fields
     : name == "allow_drop_detached"            ? allow_drop_detached
     : name == "enable_positional_arguments"    ? enable_positional_arguments
                                                : check_query_single_value_result) = v == 1;
  } else if (name == "insert_deduplicate") {
    TALLY_ASSIGN_OR_RETURN(uint64_t v, as_uint());
    if (v > 1) return absl::InvalidArgumentError(absl::StrCat("setting ", name, " takes 0 or 1"));
    insert_deduplicate = v == 1;
  } else if (name == "insert_deduplication_token") {
    if (value.kind != Value::Kind::kString) {
      return absl::InvalidArgumentError(absl::StrCat("setting ", name, " takes a string, got ", value.DebugString()));
    }
    insert_deduplication_token = value.s;
  } else if (name == "totals_mode") {
    const bool known = value.kind == Value::Kind::kString &&
                       (value.s == "before_having" || value.s == "after_having_exclusive" ||
                        value.s == "after_having_inclusive" || value.s == "after_having_auto");
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat("Unexpected value of TotalsMode: ", value.DebugString(),
                                                     " (before_having, after_having_exclusive, ",
                                                     "after_having_inclusive, after_having_auto)"));
    }
    totals_mode = value.s;
  } else if (name == "max_threads") {
    TALLY_ASSIGN_OR_RETURN(max_threads, as_uint());
    if (max_threads > 1024) return absl::InvalidArgumentError("setting max_threads: at most 1024");
  } else if (name == "output_format" || name == "format" || name == "default_format") {
    if (value.kind != Value::Kind::kString) return absl::InvalidArgumentError("format takes a name");
    default_format = value.s;
  } else if (name == "session_timezone") {
    if (value.kind != Value::Kind::kString) return absl::InvalidArgumentError("session_timezone takes a zone name");
    timezone = value.s;
  } else {
    return SetAcceptedSetting(this, name, value);  // or InvalidArgument: Unknown setting
  }
  return absl::OkStatus();
}

Session::Session(Database* db) : db_(db) {
  if (!db->has_view_compiler()) db->SetViewCompiler(MakeViewCompiler(db));
}

namespace {

absl::Status CannotModifyInReadonlyMode(const std::string& name) {
  return CodedError(ErrorCode::kReadonly, absl::StrCat("Cannot modify '", name, "' setting in readonly mode"));
}

}  // namespace

absl::Status Session::SetSetting(const std::string& name, const format::Value& value) {
  // `readonly` is no setting tally knows, except that it cannot lift a readonly mode.
  if (readonly_ == 1 || (readonly_ == 2 && name == "readonly")) return CannotModifyInReadonlyMode(name);
  return settings_.Set(name, value);
}

absl::Status Session::SetRowFilter(const std::string& table, const std::string& filter_sql) {
  TableRowFilter filter;
  TALLY_ASSIGN_OR_RETURN(filter.table, RowFilterTableName(table));
  filter.text = filter_sql;
  filter.user = user_;
  auto parsed = ParseRowFilter(filter_sql);
  if (!parsed.ok()) {
    return WithMessage(parsed.status(), absl::StatusCode::kInvalidArgument,
                       absl::StrCat(filter.Describe(), ": ", parsed.status().message()));
  }
  filter.expr = *parsed;
  auto filters = row_filters_ != nullptr ? std::make_shared<RowFilters>(*row_filters_) : std::make_shared<RowFilters>();
  (*filters)[filter.table] = std::move(filter);
  row_filters_ = std::move(filters);
  return absl::OkStatus();
}

absl::Status Session::CheckRowFilter(const Database& db, const std::string& table, const std::string& filter_sql,
                                     const std::string& user) {
  TableRowFilter filter;
  TALLY_ASSIGN_OR_RETURN(filter.table, RowFilterTableName(table));
  filter.text = filter_sql;
  filter.user = user;
  auto parsed = ParseRowFilter(filter_sql);
  if (!parsed.ok()) {
    return WithMessage(parsed.status(), absl::StatusCode::kInvalidArgument,
                       absl::StrCat(filter.Describe(), ": ", parsed.status().message()));
  }
  filter.expr = *parsed;
  // A view's columns are its target's.
  std::string name = filter.table;
  if (auto view = db.GetView(name); view.ok()) name = view->target;
  auto schema = db.GetSchema(name);
  if (!schema.ok()) return absl::OkStatus();  // checked when a statement reads it
  std::vector<std::string> columns;
  for (const format::ColumnDef& c : schema->columns) columns.push_back(c.name);
  return CheckRowFilterColumns(filter, columns);
}

absl::StatusOr<Settings> Session::StatementSettings(const SettingsClause& overrides) const {
  Settings settings = settings_;
  for (const auto& [name, value] : overrides.values) {
    if (readonly_ == 1 || (readonly_ == 2 && name == "readonly")) return CannotModifyInReadonlyMode(name);
    TALLY_RETURN_IF_ERROR(settings.Set(name, value));
  }
  return settings;
}

absl::StatusOr<QueryContext> Session::NewContext(const SettingsClause& overrides) const {
  TALLY_ASSIGN_OR_RETURN(Settings settings, StatementSettings(overrides));
  QueryContext ctx;
  ctx.db = db_;
  ctx.params.values = params_;
  ctx.params.functions.session_timezone = settings.timezone;
  ctx.params.functions.now_s = absl::ToUnixSeconds(absl::Now());
  ctx.current_database = current_database_;
  ctx.params.functions.current_database = current_database_;
  ctx.params.functions.current_user = user_;
  ctx.settings = std::make_shared<const Settings>(settings);
  ctx.row_filters = row_filters_;
  ctx.progress = &progress_;
  ctx.readonly = readonly_;
  ctx.max_threads = settings.max_threads;
  ctx.positional_arguments = settings.enable_positional_arguments;
  ctx.totals_before_having = settings.totals_mode == "before_having";
  exec::QueryLimits::Options limits;
  limits.start = statement_start_ == absl::InfinitePast() ? absl::Now() : statement_start_;
  limits.max_execution_time_s = settings.max_execution_time_s;
  limits.cancelled = &cancelled_;
  limits.max_memory_bytes = settings.max_memory_usage;
  const uint64_t server = settings.max_server_memory_usage != 0 ? settings.max_server_memory_usage
                                                                : exec::DefaultMaxMemoryBytes();
  if (limits.max_memory_bytes == 0 || server < limits.max_memory_bytes) {
    limits.max_memory_bytes = server;
    limits.server_memory = true;
  }
  ctx.limits = exec::QueryLimits(limits);
  return ctx;
}

absl::Status Session::Execute(absl::string_view sql, absl::string_view input, const Sink& sink) {
  StringInputStream stream(input);
  return Execute(sql, &stream, sink);
}

absl::Status Session::Execute(absl::string_view sql, InputStream* input, const Sink& sink,
                              const RequestOverrides& overrides) {
  if (overrides.empty() || own_settings_ != nullptr) return ExecuteStatements(sql, input, sink);
  // The call runs with the overrides in settings_; what the session had comes back on
  // every way out, with what SET changed meanwhile (own_settings_).
  TALLY_ASSIGN_OR_RETURN(Settings with, SettingsWith(overrides));
  Settings own = std::exchange(settings_, std::move(with));
  const absl::flat_hash_map<std::string, std::string> own_params = params_;
  struct Restore {
    Session* session;
    Settings* own;
    const absl::flat_hash_map<std::string, std::string>* params;
    ~Restore() {
      session->settings_ = std::move(*own);
      session->params_ = *params;
      session->own_settings_ = nullptr;
    }
  } restore{this, &own, &own_params};
  own_settings_ = &own;
  for (const auto& [name, value] : overrides.params) params_[name] = value;
  return ExecuteStatements(sql, input, sink);
}

absl::StatusOr<Settings> Session::SettingsWith(const RequestOverrides& overrides) const {
  Settings with = settings_;
  if (!overrides.default_format.empty()) with.default_format = overrides.default_format;
  for (const auto& [name, value] : overrides.settings) {
    if (readonly_ == 1 || (readonly_ == 2 && name == "readonly")) return CannotModifyInReadonlyMode(name);
    TALLY_RETURN_IF_ERROR(with.Set(name, format::Value::String(value)));
  }
  return with;
}

absl::Status Session::ExecuteStatements(absl::string_view sql, InputStream* input, const Sink& sink) {
  cancelled_.store(false);
  output_format_.clear();
  statement_start_ = absl::Now();
  if (!backfills_resumed_) {
    // A POPULATE a crash or an error interrupted runs again, once per session; if it
    // fails again, this first run says why, and the view stays pending.
    backfills_resumed_ = true;
    if (!db_->read_only() && db_->has_pending_backfills()) TALLY_RETURN_IF_ERROR(db_->ResumeBackfills());
  }
  TALLY_ASSIGN_OR_RETURN(std::vector<Statement> statements, ParseStatements(sql));
  // Only a lone INSERT may commit after the run returns: a statement after it would see
  // the table without its rows.
  if (statements.size() != 1) async_done_ = nullptr;
  for (const Statement& st : statements) {
    progress_.Reset(statement_start_);
    absl::Status s = RunCatchingAllocationFailures(st, input, sink);
    if (s.ok() && st.kind == Statement::Kind::kInsert) {
      const ProgressValues done = progress_.Get();  // an INSERT's result is what it wrote
      progress_.AddResult(done.written_rows, done.written_bytes);
    }
    statement_start_ = absl::Now();
    TALLY_RETURN_IF_ERROR(s);
  }
  statement_start_ = absl::InfinitePast();
  return absl::OkStatus();
}

absl::Status Session::ExecuteInsertAsync(absl::string_view sql, InputStream* input, InsertDone* done, bool* pending,
                                         const RequestOverrides& overrides) {
  *pending = false;
  async_done_ = done;
  async_pending_ = pending;
  absl::Status s = Execute(sql, input, [](absl::string_view) {}, overrides);
  async_done_ = nullptr;
  async_pending_ = nullptr;
  return s;
}

absl::Status Session::RunCatchingAllocationFailures(const Statement& st, InputStream* input, const Sink& sink) {
  // The statement boundary: an allocation the system refuses (a hash table doubling past
  // what the machine has) ends the statement, not the process. What the statement built is
  // freed as the stack unwinds; the Database is left as any failed statement leaves it.
  // Threads a statement starts catch their own (ParallelRun).
  try {
    return Run(st, input, sink);
  } catch (const std::bad_alloc&) {
    return exec::AllocationFailedError("std::bad_alloc");
  } catch (const std::length_error& e) {
    return exec::AllocationFailedError(e.what());
  }
}

absl::Status Session::Output(const ResultSet& result, const std::string& format, const Sink& sink,
                             const ScanStats& stats, const std::string& timezone) {
  ResultSetStream stream(&result, stats);
  return Output(stream, format, sink, exec::QueryLimits::None(), timezone);
}

absl::Status Session::Output(ResultStream& result, const std::string& format, const Sink& sink,
                             const exec::QueryLimits& limits, const std::string& timezone) {
  output_format_ = format.empty() ? settings_.default_format : format;
  return WriteResult(result,
                     ResultWriterOptions{.format = output_format_,
                                         .time_zone = timezone.empty() ? settings_.timezone : timezone,
                                         .limits = &limits,
                                         .progress = &progress_},
                     sink);
}

std::optional<size_t> InsertDataStart(absl::string_view text) {
  absl::StatusOr<std::vector<Statement>> statements = ParseStatements(text);
  if (!statements.ok() || statements->size() != 1) return std::nullopt;
  const Statement& st = statements->front();
  if (st.kind != Statement::Kind::kInsert || st.insert->select != nullptr || st.insert->format.empty() ||
      st.insert->format == "Values") {
    return std::nullopt;
  }
  return st.insert->data_offset;
}

absl::Status Session::UseDatabase(const std::string& name) {
  std::vector<std::string> databases = db_->ListDatabases();
  if (std::find(databases.begin(), databases.end(), name) == databases.end()) {
    return CodedError(ErrorCode::kUnknownDatabase, absl::StrCat("Database ", name, " does not exist"));
  }
  current_database_ = name;
  return absl::OkStatus();
}

namespace {

bool OnlyReads(Statement::Kind kind) {
  using K = Statement::Kind;
  return kind == K::kSelect || kind == K::kShowTables || kind == K::kShowDatabases || kind == K::kShowCreateTable ||
         kind == K::kDescribeTable || kind == K::kExplain || kind == K::kExists || kind == K::kCheckTable ||
         kind == K::kUse;
}

}  // namespace

absl::Status Session::Run(const Statement& st, InputStream* input, const Sink& sink) {
  if (readonly_ > 0 && !OnlyReads(st.kind) && !(readonly_ == 2 && st.kind == Statement::Kind::kSet)) {
    return CodedError(ErrorCode::kReadonly, absl::StrCat("Cannot execute query in readonly mode",
                                                         readonly_reason_.empty() ? "" : ". ", readonly_reason_));
  }
  switch (st.kind) {
    case Statement::Kind::kSelect: {
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext(st.select->settings));
      // The rows go out as the scan makes them (engine/query/result_stream.h); the stream
      // refers to ctx, which outlives it here.
      TALLY_ASSIGN_OR_RETURN(std::unique_ptr<ResultStream> r, ExecuteSelectStream(*st.select, ctx));
      return Output(*r, st.select->format, sink, ctx.limits, ctx.params.functions.session_timezone);
    }
    case Statement::Kind::kExplain: {
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext(st.select->settings));
      TALLY_ASSIGN_OR_RETURN(ExplainOptions options, ParseExplainOptions(st.settings));
      TALLY_ASSIGN_OR_RETURN(std::string plan, ExplainSelect(*st.select, ctx, options));
      std::vector<std::vector<std::string>> rows;
      for (absl::string_view line : absl::StrSplit(plan, '\n', absl::SkipEmpty())) rows.push_back({std::string(line)});
      return Output(StringColumns({"explain"}, rows), st.format, sink, {});
    }
    case Statement::Kind::kInsert:
      return RunInsert(*st.insert, input);
    case Statement::Kind::kCreateTable: {
      const CreateTableQuery& c = *st.create;
      TALLY_ASSIGN_OR_RETURN(format::TableSchema schema, SchemaFromCreate(c));
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
      return db_->CreateTable(QualifiedTableName(c.database, c.table, ctx), std::move(schema), c.if_not_exists);
    }
    case Statement::Kind::kDropTable: {  // a view too, as in ClickHouse (the core drops it)
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
      return db_->DropTable(QualifiedTableName(st.database, st.table, ctx), st.if_exists);
    }
    case Statement::Kind::kCreateView:
      return RunCreateView(*st.view);
    case Statement::Kind::kDropView:
      return RunDropView(st);
    case Statement::Kind::kTruncate: {
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
      std::string name = QualifiedTableName(st.database, st.table, ctx);
      if (auto view = db_->GetView(name); view.ok()) {
        if (!view->inner_target) {
          return absl::InvalidArgumentError(absl::StrCat(name, " is a materialized view writing to ", view->target,
                                                         ": truncate that table"));
        }
        name = view->target;
      }
      if (st.if_exists && !db_->GetSchema(name).ok()) return absl::OkStatus();
      return db_->TruncateTable(name);
    }
    case Statement::Kind::kCreateDatabase:
      return db_->CreateDatabase(st.database, st.if_not_exists);
    case Statement::Kind::kDropDatabase:
      TALLY_RETURN_IF_ERROR(db_->DropDatabase(st.database, st.if_exists));
      if (current_database_ == st.database) current_database_ = "default";
      return absl::OkStatus();
    case Statement::Kind::kUse:
      return UseDatabase(st.database);
    case Statement::Kind::kSet:
      for (const auto& [name, value] : st.settings.values) {
        TALLY_RETURN_IF_ERROR(SetSetting(name, value));
        if (own_settings_ != nullptr) TALLY_RETURN_IF_ERROR(own_settings_->Set(name, value));
      }
      return absl::OkStatus();
    case Statement::Kind::kExistsDatabase: {
      const std::vector<std::string> databases = db_->ListDatabases();
      const bool exists = std::find(databases.begin(), databases.end(), st.database) != databases.end() ||
                          st.database == kSystemDatabase;
      return Output(ExistsResult(exists), st.format, sink, {});
    }
    case Statement::Kind::kShowDatabases: {
      std::vector<std::vector<std::string>> rows;
      for (const std::string& d : db_->ListDatabases()) rows.push_back({d});
      return Output(StringColumns({"name"}, rows), st.format, sink, {});
    }
    case Statement::Kind::kShowTables: {
      std::vector<std::vector<std::string>> rows;
      const std::string database = st.database.empty() ? current_database_ : st.database;
      std::vector<std::string> databases = db_->ListDatabases();
      if (std::find(databases.begin(), databases.end(), database) == databases.end()) {
        return CodedError(ErrorCode::kUnknownDatabase, absl::StrCat("Database ", database, " does not exist"));
      }
      std::optional<exec::LikePattern> like;  // the rules of the LIKE operator
      if (!st.like.empty()) {
        TALLY_ASSIGN_OR_RETURN(like, exec::LikePattern::Compile(st.like, false));
      }
      std::vector<std::string> names = db_->ListTables();
      for (const ViewInfo& v : db_->ListViews()) names.push_back(v.name);
      std::sort(names.begin(), names.end());
      for (const std::string& name : names) {
        auto [table_db, t] = SplitTableName(name);
        if (table_db != database) continue;
        if (like && !like->Matches(t, nullptr)) continue;
        rows.push_back({t});
      }
      return Output(StringColumns({"name"}, rows), st.format, sink, {});
    }
    case Statement::Kind::kShowCreateTable:
    case Statement::Kind::kDescribeTable:
    case Statement::Kind::kExists: {
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
      std::string name = QualifiedTableName(st.database, st.table, ctx);
      const bool view = db_->GetView(name).ok();
      auto schema = db_->GetSchema(TargetOf(name));  // DESCRIBE of a view: its target's columns
      if (st.kind == Statement::Kind::kExists) {
        return Output(ExistsResult(schema.ok() || view), st.format, sink, {});
      }
      if (!schema.ok()) {
        return CodedError(ErrorCode::kUnknownTable,
                          absl::StrCat("Table ", ctx.current_database, ".", st.table, " does not exist"));
      }
      if (st.kind == Statement::Kind::kShowCreateTable) {
        std::string full = absl::StrCat(st.database.empty() ? ctx.current_database : st.database, ".", st.table);
        std::string statement = CreateTableStatement(full, *schema);
        if (view) {
          TALLY_ASSIGN_OR_RETURN(statement, CreateViewStatement(name, full));
        }
        return Output(StringColumns({"statement"}, {{statement}}), st.format, sink, {});
      }
      std::vector<std::vector<std::string>> rows;
      for (const format::ColumnDef& c : schema->columns) {
        rows.push_back({c.name, c.type->ToString(), c.default_expr.empty() ? "" : "DEFAULT",
                        c.default_expr.empty() ? "" : ExpressionAsClickHouse(c.default_expr), c.comment,
                        c.codecs.empty() ? "" : CodecsAsClickHouse(c.codecs, *c.type),
                        c.ttl.empty() ? "" : ExpressionAsClickHouse(c.ttl)});
      }
      return Output(StringColumns({"name", "type", "default_type", "default_expression", "comment",
                                   "codec_expression", "ttl_expression"}, rows),
                    st.format, sink, {});
    }
    case Statement::Kind::kCheckTable:
    case Statement::Kind::kAlterTable:
      return RunPartStatement(st, sink);
    case Statement::Kind::kOptimize: {
      TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext());
      const std::string table = TargetOf(QualifiedTableName(st.database, st.table, ctx));
      OptimizeOptions options;
      TALLY_ASSIGN_OR_RETURN(options.partition_id, PartitionIdOf(table, st));
      options.final = st.final;
      return db_->Optimize(table, options).status();
    }
  }
  return absl::UnimplementedError("statement not supported yet");
}

absl::StatusOr<std::string> Session::PartitionIdOf(const std::string& table, const Statement& st) const {
  if (st.partition_value == nullptr) return st.partition_id;
  TALLY_ASSIGN_OR_RETURN(format::TableSchema schema, db_->GetSchema(table));
  TALLY_ASSIGN_OR_RETURN(PartitionKey key, PartitionKey::Parse(schema.partition_by, schema));
  return key.IdOfValue(*st.partition_value);
}

absl::Status Session::RunPartStatement(const Statement& st, const Sink& sink) {
  TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext(st.settings));
  TALLY_ASSIGN_OR_RETURN(Settings settings, StatementSettings(st.settings));
  const std::string table = QualifiedTableName(st.database, st.table, ctx);
  if (!db_->GetSchema(table).ok()) {
    const std::string& database = st.database.empty() ? ctx.current_database : st.database;
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("Table ", database, ".", st.table, " does not exist"));
  }
  if (st.kind == Statement::Kind::kAlterTable) {
    if (st.alter_command == "ADD INDEX") {
      format::SkipIndexDef def;
      def.name = st.index->name;
      def.expression = st.index->expr->ToString();
      def.type = st.index->type->ToString();
      def.granularity = st.index->granularity;
      return db_->AddSkipIndex(table, std::move(def), IndexPlacement{st.index_first, st.index_after}, st.if_not_exists);
    }
    if (st.alter_command == "DROP INDEX") return db_->DropSkipIndex(table, st.index_name, st.if_exists);
    if (st.alter_command == "MATERIALIZE INDEX" || st.alter_command == "CLEAR INDEX") {
      std::string id;
      if (st.partition_value != nullptr || !st.partition_id.empty()) {
        TALLY_ASSIGN_OR_RETURN(id, PartitionIdOf(table, st));
      }
      if (st.alter_command == "CLEAR INDEX") return db_->ClearSkipIndex(table, st.index_name, id, st.if_exists).status();
      return db_->MaterializeSkipIndex(table, st.index_name, id, st.if_exists).status();
    }
    if (absl::EndsWith(st.alter_command, " PARTITION")) {
      TALLY_ASSIGN_OR_RETURN(std::string id, PartitionIdOf(table, st));
      if (st.alter_command == "DROP PARTITION") return db_->DropPartition(table, id);
      if (st.alter_command == "DETACH PARTITION") return db_->DetachPartition(table, id);
      return db_->AttachPartition(table, id);
    }
    if (st.alter_command == "ATTACH PART") return db_->AttachPart(table, st.part_name);
    if (st.alter_command == "MODIFY SETTING") {
      std::vector<format::TableSetting> changes;
      for (const auto& [name, value] : st.table_settings.values) changes.push_back({name, value.DebugString()});
      return db_->ModifySettings(table, changes);
    }
    if (st.alter_command == "MODIFY TTL" || st.alter_command == "REMOVE TTL") {
      std::string text;
      for (const sql::TtlElement& e : st.ttl) absl::StrAppend(&text, text.empty() ? "" : ", ", e.ToString());
      return db_->ModifyTtl(table, text);
    }
    if (!settings.allow_drop_detached) {
      return absl::FailedPreconditionError(
          "Cannot execute query: DROP DETACHED PART is disabled (see allow_drop_detached setting)");
    }
    return db_->DropDetachedPart(table, st.part_name);
  }
  TALLY_ASSIGN_OR_RETURN(std::vector<PartCheck> checks, db_->CheckParts(table));
  ResultSet r;
  Block& out = r.block;
  if (settings.check_query_single_value_result) {
    format::Column result = format::Column::Make(format::DataType::Make(format::TypeId::kUInt8));
    bool passed = true;
    for (const PartCheck& c : checks) passed &= c.status.ok();
    result.Append<uint8_t>(passed ? 1 : 0);
    out.Add("result", std::move(result));
  } else {
    format::Column path = format::Column::Make(format::DataType::Make(format::TypeId::kString));
    format::Column is_passed = format::Column::Make(format::DataType::Make(format::TypeId::kUInt8));
    format::Column message = format::Column::Make(format::DataType::Make(format::TypeId::kString));
    for (const PartCheck& c : checks) {
      path.AppendString(c.part);
      is_passed.Append<uint8_t>(c.status.ok() ? 1 : 0);
      message.AppendString(c.status.ok() ? "" : std::string(c.status.message()));
    }
    out.Add("part_path", std::move(path));
    out.Add("is_passed", std::move(is_passed));
    out.Add("message", std::move(message));
  }
  for (size_t c = 0; c < out.columns.size(); ++c) {
    r.names.push_back(out.names[c]);
    r.types.push_back(out.columns[c].type);
  }
  return Output(r, st.format, sink, {});
}

absl::Status Session::RunInsert(const InsertQuery& insert, InputStream* input) {
  TALLY_ASSIGN_OR_RETURN(QueryContext ctx, NewContext(insert.settings));
  // INSERT INTO a view inserts into its target, as in ClickHouse.
  const std::string table = TargetOf(QualifiedTableName(insert.database, insert.table, ctx));
  TALLY_ASSIGN_OR_RETURN(Settings settings, StatementSettings(insert.settings));
  const InsertOptions insert_options = InsertOptionsOf(settings);
  auto found = db_->SharedSchema(table);  // not copied: a single-row insert runs this per row
  if (!found.ok()) {
    return CodedError(ErrorCode::kUnknownTable,
                      absl::StrCat("Table ", ctx.current_database, ".", insert.table, " does not exist"));
  }
  const std::shared_ptr<const format::TableSchema> schema = *std::move(found);
  std::vector<std::string> names = insert.columns;
  if (names.empty()) {
    const std::vector<std::string>& except = insert.except_columns;
    for (const auto& c : schema->columns) {
      if (std::find(except.begin(), except.end(), c.name) == except.end()) names.push_back(c.name);
    }
  }
  std::vector<format::DataTypePtr> types;
  for (const std::string& n : names) {
    int i = schema->FindColumn(n);
    if (i < 0) return absl::InvalidArgumentError(absl::StrCat("No such column ", n, " in table ", table));
    types.push_back(schema->columns[i].type);
  }
  Block block;
  if (insert.select) {
    TALLY_ASSIGN_OR_RETURN(ResultSet r, ExecuteSelect(*insert.select, ctx));
    if (r.names.size() != names.size()) {
      return absl::InvalidArgumentError(absl::StrCat("INSERT ... SELECT: the SELECT returns ", r.names.size(),
                                                     " columns, the insert names ", names.size()));
    }
    for (size_t c = 0; c < names.size(); ++c) {
      auto converted = ConvertColumn(std::move(r.block.columns[c]), types[c]);
      if (!converted.ok()) {
        return WithMessage(converted.status(), absl::StatusCode::kInvalidArgument,
                           absl::StrCat("INSERT ... SELECT: column ", names[c], ": ", converted.status().message()));
      }
      block.Add(names[c], std::move(*converted));
    }
    TALLY_RETURN_IF_ERROR(FillDefaults(*schema, ctx.params, &block, nullptr));
  } else {
    InputOptions input_options;
    input_options.skip_unknown_fields = settings.input_format_skip_unknown_fields;
    // Times without a zone are read in the session's zone.
    std::vector<format::DataTypePtr> parse_types;
    for (const format::DataTypePtr& t : types) {
      parse_types.push_back(WithDefaultZone(t, ctx.params.functions.session_timezone));
    }
    if (absl::StripAsciiWhitespace(insert.data).empty()) {
      TALLY_ASSIGN_OR_RETURN(auto batch, db_->BeginInsert(table, insert_options));
      StreamInsertOptions options{.format = insert.format,
                                  .names = names,
                                  .types = parse_types,
                                  .stored_types = types,
                                  .read_bytes = settings.max_read_buffer_size,
                                  .block_rows = settings.min_insert_block_size_rows,
                                  .block_bytes = settings.min_insert_block_size_bytes,
                                  .threads = settings.max_threads == 0 ? DefaultThreads() : settings.max_threads,
                                  .input = input_options};
      TALLY_RETURN_IF_ERROR(StreamInsert(input, options, *schema, ctx, batch.get()));
      if (async_done_ != nullptr) {
        *async_pending_ = true;
        const uint64_t rows = batch->rows();
        ProgressValues progress = progress_.Get();  // an INSERT's result is what it wrote
        progress.result_rows = progress.written_rows;
        progress.result_bytes = progress.written_bytes;
        Database::InsertBatch::CommitAsync(std::move(batch),
                                           [done = std::move(*async_done_), rows, progress](absl::Status s) mutable {
                                             std::move(done)(s, rows, progress);
                                           });
        return absl::OkStatus();
      }
      TALLY_RETURN_IF_ERROR(batch->Commit());
      rows_inserted_ += batch->rows();
      return absl::OkStatus();
    }
    TALLY_ASSIGN_OR_RETURN(ParsedInput parsed,
                           ParseInputWithPresence(insert.format, insert.data, names, parse_types, input_options));
    block = std::move(parsed.block);
    for (size_t c = 0; c < types.size(); ++c) RetypeZones(&block.columns[c], types[c]);
    TALLY_RETURN_IF_ERROR(FillDefaults(*schema, ctx.params, &block, &parsed.omitted));
  }
  const uint64_t rows = block.rows();
  TALLY_RETURN_IF_ERROR(db_->Insert(table, std::move(block), insert_options));
  rows_inserted_ += rows;
  return absl::OkStatus();
}

}  // namespace tally::engine::sql
