#include "engine/database.h"

#include <algorithm>
#include <system_error>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "engine/error_code.h"
#include "engine/mem_env.h"
#include "engine/part_writer.h"
#include "engine/skip_indexes.h"
#include "engine/sort.h"
#include "format/column_streams.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::ManifestEdit;
using format::ManifestOp;
using format::TableSchema;
using format::TypeId;

namespace {


absl::Status CheckDatabaseName(const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("a database needs a name");
  if (name.size() > 100) {
    return absl::InvalidArgumentError(absl::StrCat("database name '", name.substr(0, 64), "...' is ", name.size(),
                                                   " bytes; at most 100"));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return absl::InvalidArgumentError(absl::StrCat("database name '", name,
                                                     "': only letters, digits and '_' are allowed"));
    }
  }
  return absl::OkStatus();
}

// Names reach file names (escaped, format::ColumnFileBase), and a file name is at most
// 255 bytes: a table's directory is "<escaped name>.<hex id>", a column's files
// "<escaped name>.dict". Checked where the name is declared, not at the first insert.
constexpr size_t kMaxTableFileBaseBytes = 200;
constexpr size_t kMaxColumnFileBaseBytes = 240;

// Every LowCardinality node in dictionary mode, or all in plain mode: the chains must
// resolve for both.
std::vector<format::LowCardinalityPlan> UniformPlans(const format::DataType& type, bool dictionary) {
  return std::vector<format::LowCardinalityPlan>(format::CountLowCardinalityNodes(type),
                                                 format::LowCardinalityPlan{dictionary, 1, 1});
}

}  // namespace

absl::Status CheckTableName(const std::string& name) {
  if (name.empty() || name.size() > kMaxTableFileBaseBytes) {
    return absl::InvalidArgumentError(absl::StrCat("table name '", name.substr(0, 64),
                                                   name.size() > 64 ? "...'" : "'", " is ", name.size(),
                                                   " bytes; it must be 1 to ", kMaxTableFileBaseBytes));
  }
  if (const size_t escaped = format::ColumnFileBase(name).size(); escaped > kMaxTableFileBaseBytes) {
    return absl::InvalidArgumentError(absl::StrCat("table name '", name.substr(0, 64), "...': its directory name ",
                                                   "would be ", escaped, " bytes (each byte other than letters, ",
                                                   "digits and '_' takes 3); at most ", kMaxTableFileBaseBytes));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat("table name '", name, "' has a control character"));
    }
  }
  return absl::OkStatus();
}

std::pair<std::string, std::string> SplitTableName(const std::string& table) {
  const size_t dot = table.find('.');
  if (dot == std::string::npos) return {"default", table};
  return {table.substr(0, dot), table.substr(dot + 1)};
}

absl::Status CheckImplemented(const TableSchema& schema) {
  TALLY_RETURN_IF_ERROR(ParseEngine(schema).status());
  TALLY_RETURN_IF_ERROR(TableTtl::Make(schema).status());
  for (const format::ColumnDef& c : schema.columns) {
    if (!c.ttl.empty()) return absl::UnimplementedError(absl::StrCat("column '", c.name, "': TTL is not supported yet"));
  }
  return BindSkipIndexes(schema).status();
}

absl::Status ValidateSchema(const TableSchema& schema) {
  if (schema.columns.empty()) return absl::InvalidArgumentError("a table needs at least one column");
  TALLY_RETURN_IF_ERROR(CheckImplemented(schema));
  absl::flat_hash_set<std::string> names;
  for (const format::ColumnDef& c : schema.columns) {
    if (c.name.empty()) return absl::InvalidArgumentError("column with an empty name");
    if (const size_t escaped = format::ColumnFileBase(c.name).size(); escaped > kMaxColumnFileBaseBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column name '", c.name.substr(0, 64), "...' is too long: ", c.name.size(), " bytes, its file names would be ",
          escaped + 5, " bytes (each byte other than letters, digits and '_' takes 3); at most ",
          kMaxColumnFileBaseBytes, " before the extension"));
    }
    if (!names.insert(c.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("column '", c.name, "' is declared twice"));
    }
    if (c.type == nullptr) return absl::InvalidArgumentError(absl::StrCat("column '", c.name, "' has no type"));
    format::CodecChain codecs = format::EffectiveCodecs(c);
    for (bool dictionary : {true, false}) {
      auto chains = format::StreamChains(*c.type, codecs, UniformPlans(*c.type, dictionary));
      if (!chains.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("column '", c.name, "' ", c.type->ToString(), " CODEC(",
                                                       format::CodecChainToString(codecs), "): ",
                                                       chains.status().message()));
      }
    }
  }
  absl::flat_hash_set<std::string> key_names;
  for (const std::string& k : schema.sort_key) {
    int c = schema.FindColumn(k);
    if (c < 0) return absl::InvalidArgumentError(absl::StrCat("ORDER BY: unknown column '", k, "'"));
    if (!key_names.insert(k).second) {
      return absl::InvalidArgumentError(absl::StrCat("ORDER BY: column '", k, "' appears twice"));
    }
    if (schema.columns[c].type->is_aggregate_state()) {
      return absl::InvalidArgumentError(absl::StrCat("Column `", k, "` with type ", schema.columns[c].type->ToString(),
                                                     " is not allowed in key expression, it's not comparable"));
    }
    TypeId id = schema.columns[c].type->id();
    if (id == TypeId::kArray || id == TypeId::kMap) {
      return absl::InvalidArgumentError(absl::StrCat("ORDER BY: column '", k, "' of type ",
                                                     schema.columns[c].type->ToString(), " cannot be a sorting key"));
    }
  }
  if (schema.index_granularity == 0 || schema.index_granularity > (1u << 20)) {
    return absl::InvalidArgumentError(absl::StrCat("index_granularity ", schema.index_granularity,
                                                   " must be 1 to 1048576"));
  }
  if (schema.index_granularity_bytes == 0 || schema.min_block_bytes == 0 || schema.max_dictionary_entries == 0) {
    return absl::InvalidArgumentError("index_granularity_bytes, min_block_bytes and max_dictionary_entries must be positive");
  }
  return PartitionKey::Parse(schema.partition_by, schema).status();
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& dir, Options options) {
  Env* env = options.env != nullptr ? options.env : Env::Default();
  if (options.read_only && options.repair) {
    return absl::InvalidArgumentError(absl::StrCat(dir, ": a read-only open cannot repair"));
  }
  std::unique_ptr<Database> db(new Database(env, dir, options));
  TALLY_RETURN_IF_ERROR(db->Recover(options.repair));
  if (!options.read_only && (options.inline_parts || db->stats().inline_parts > 0)) {
    // Inline parts left by an earlier run are flushed even when this open adds none.
    try {
      db->flusher_ = std::thread([d = db.get()] { d->FlushLoop(); });
    } catch (const std::system_error& e) {
      return absl::ResourceExhaustedError(absl::StrCat(dir, ": cannot start the inline parts' flush thread (",
                                                       e.what(), ")"));
    }
  }
  if (options.background_merges && !options.read_only) {
    try {
      db->merger_ = std::thread([d = db.get()] { d->MergeLoop(); });
      db->ttl_thread_ = std::thread([d = db.get()] { d->TtlLoop(); });
    } catch (const std::system_error& e) {
      return absl::ResourceExhaustedError(
          absl::StrCat(dir, ": cannot start the background merge and TTL threads (", e.what(), ")"));
    }
    db->WakeMerger();  // parts left by an earlier run may be waiting
  }
  return db;
}

Database::Database(Env* env, std::string dir, const Options& options)
    : env_(env), dir_(std::move(dir)), read_only_(options.read_only),
      manifest_rewrite_bytes_(options.manifest_rewrite_bytes),
      inline_flush_(options.inline_flush), inline_parts_(options.inline_parts && !options.read_only),
      inline_env_(std::make_unique<MemEnv>()) {}

Database::~Database() {
  if (group_committer_.joinable()) {
    // It leads what is queued first: every CommitAsync caller hears.
    {
      std::lock_guard<std::mutex> queue(group_mu_);
      group_stop_ = true;
    }
    group_cv_.notify_one();
    group_committer_.join();
  }
  if (merger_.joinable() || ttl_thread_.joinable() || flusher_.joinable()) {
    cancel_merges_.store(true);
    {
      std::lock_guard<std::mutex> lock(merge_mu_);
      merge_stop_ = true;
    }
    merge_cv_.notify_one();
    ttl_cv_.notify_one();
    flush_cv_.notify_one();
    if (flusher_.joinable()) flusher_.join();
    if (merger_.joinable()) merger_.join();
    if (ttl_thread_.joinable()) ttl_thread_.join();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (manifest_ != nullptr) (void)manifest_->Close();
}

std::string Database::TablesDir() const { return JoinPath(dir_, kTablesDir); }

absl::Status Database::CheckWritable(absl::string_view what) const {
  if (!read_only_) return absl::OkStatus();
  return CodedError(ErrorCode::kTableIsReadOnly, absl::StrCat(what, ": database ", dir_, " is open read-only"));
}

absl::StatusOr<std::shared_ptr<Database::Table>> Database::FindTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", name, "' does not exist"));
  }
  return it->second;
}

absl::StatusOr<std::shared_ptr<Database::Table>> Database::NewTable(const std::string& name, TableSchema schema) {
  TALLY_RETURN_IF_ERROR(CheckTableName(name));
  TALLY_RETURN_IF_ERROR(ValidateSchema(schema));
  auto table = std::make_shared<Table>();
  TALLY_ASSIGN_OR_RETURN(table->partition, PartitionKey::Parse(schema.partition_by, schema));
  TALLY_ASSIGN_OR_RETURN(table->engine, ParseEngine(schema));
  TALLY_ASSIGN_OR_RETURN(table->rule, MakeTableRule(table->engine, schema));
  table->defaults = TableDefaults::Make(schema);
  TALLY_RETURN_IF_ERROR(table->defaults.status());
  TALLY_ASSIGN_OR_RETURN(table->ttl, TableTtl::Make(schema));
  TALLY_ASSIGN_OR_RETURN(table->dedup_settings, ParseDedupSettings(schema));
  TALLY_ASSIGN_OR_RETURN(table->event_dedup, ParseEventDedup(schema));
  table->name = name;
  table->schema = std::make_shared<const TableSchema>(std::move(schema));
  table->tracks_superseded = TracksSuperseded(table->engine);
  return table;
}

absl::Status Database::MakeTableDir(Table* table) {
  table->dir_name = absl::StrFormat("%s.%x%x", format::ColumnFileBase(table->name), absl::ToUnixNanos(absl::Now()),
                                    ++dir_counter_);
  table->dir = JoinPath(TablesDir(), table->dir_name);
  TALLY_RETURN_IF_ERROR(env_->CreateDirs(table->dir));
  return env_->SyncDir(TablesDir());
}

absl::Status Database::CreateTable(const std::string& name, TableSchema schema, bool if_not_exists) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("CREATE TABLE ", name)));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, NewTable(name, std::move(schema)));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (tables_.contains(name) || views_.contains(name)) {
    if (if_not_exists) return absl::OkStatus();
    return CodedError(ErrorCode::kTableAlreadyExists,
                      absl::StrCat(views_.contains(name) ? "a view named '" : "table '", name, "' already exists"));
  }
  if (const std::string db = SplitTableName(name).first; db != "default" && !databases_.contains(db)) {
    return CodedError(ErrorCode::kUnknownDatabase,
                      absl::StrCat("database '", db, "' does not exist (table '", name, "')"));
  }
  TALLY_RETURN_IF_ERROR(MakeTableDir(table.get()));
  ManifestEdit edit;
  edit.ops.push_back(ManifestOp::CreateTable(name, *table->schema, table->dir_name));
  return Commit(order, lock, edit, [&] { tables_[name] = std::move(table); });
}

absl::Status Database::DropTable(const std::string& name, bool if_exists) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("DROP TABLE ", name)));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (views_.contains(name)) return DropViewLocked(order, lock, name);  // DROP TABLE drops a view, as in ClickHouse
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    if (if_exists) return absl::OkStatus();
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", name, "' does not exist"));
  }
  TALLY_RETURN_IF_ERROR(CheckNoViewUses(name, {}));
  ManifestEdit edit;
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropTable, name));
  return Commit(order, lock, edit, [&] {
    std::shared_ptr<Table> table = it->second;
    tables_.erase(it);
    Discard(table);
  });
}

void Database::Discard(const std::shared_ptr<Table>& table) {
  bool in_use = false;
  for (const PartPtr& p : table->parts) {
    const_cast<Part*>(p.get())->MarkObsolete();
    in_use |= p.use_count() > 1;
  }
  table->parts.clear();
  // Parts still read by a scan go when it ends, and the directory once they are gone
  // (MaybeCompactManifest, or the next open: the drop record accounts for it).
  if (in_use || !env_->RemoveAll(table->dir).ok()) dropped_dirs_.push_back(table->dir);
}

absl::Status Database::CreateDatabase(const std::string& name, bool if_not_exists) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("CREATE DATABASE ", name)));
  TALLY_RETURN_IF_ERROR(CheckDatabaseName(name));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (name == "default" || databases_.contains(name)) {
    if (if_not_exists) return absl::OkStatus();
    return CodedError(ErrorCode::kDatabaseAlreadyExists, absl::StrCat("database '", name, "' already exists"));
  }
  ManifestEdit edit;
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kCreateDatabase, name));
  return Commit(order, lock, edit, [&] { databases_.insert(name); });
}

absl::Status Database::DropDatabase(const std::string& name, bool if_exists) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("DROP DATABASE ", name)));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (name == "default") return absl::InvalidArgumentError("the default database cannot be dropped");
  if (!databases_.contains(name)) {
    if (if_exists) return absl::OkStatus();
    return CodedError(ErrorCode::kUnknownDatabase, absl::StrCat("database '", name, "' does not exist"));
  }
  ManifestEdit edit;
  // Its views go first (a view's inner table is in the view's database), then its tables,
  // none of which a view of another database may use.
  absl::flat_hash_set<std::string> views;
  for (const auto& [view_name, view] : views_) {
    if (SplitTableName(view_name).first == name) views.insert(view_name);
  }
  for (const auto& [table_name, table] : tables_) {
    if (SplitTableName(table_name).first == name) TALLY_RETURN_IF_ERROR(CheckNoViewUses(table_name, views));
  }
  std::vector<std::string> view_names(views.begin(), views.end());
  std::sort(view_names.begin(), view_names.end());
  for (const std::string& v : view_names) edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropView, v));
  std::vector<std::string> dropped;
  for (const auto& [table_name, table] : tables_) {
    if (SplitTableName(table_name).first != name) continue;
    edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropTable, table_name));
    dropped.push_back(table_name);
  }
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kDropDatabase, name));
  return Commit(order, lock, edit, [&] {
    databases_.erase(name);
    for (const std::string& v : view_names) views_.erase(v);
    if (!view_names.empty()) ++views_epoch_;
    for (const std::string& t : dropped) {
      std::shared_ptr<Table> table = tables_[t];
      tables_.erase(t);
      Discard(table);
    }
  });
}

std::vector<std::string> Database::ListDatabases() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names(databases_.begin(), databases_.end());
  names.push_back("default");
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status Database::TruncateTable(const std::string& name) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("TRUNCATE TABLE ", name)));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", name, "' does not exist"));
  }
  Table& table = *it->second;
  if (table.parts.empty()) return absl::OkStatus();
  ManifestEdit edit;
  for (const PartPtr& p : table.parts) edit.ops.push_back(ManifestOp::RemovePart(name, p->name()));
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kForgetInsertTokens, name));
  return Commit(order, lock, edit, [&] {
    for (const PartPtr& p : table.parts) const_cast<Part*>(p.get())->MarkObsolete();
    table.parts.clear();
    table.superseded.clear();
    table.dedup.Clear();
    table.event_keys.Clear();
  });
}

absl::Status Database::AlterSchema(const std::string& name, const std::string& what,
                                   const std::function<absl::Status(TableSchema*)>& change) {
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  auto fail = [&](const absl::Status& s) { return WithMessage(s, absl::StrCat(what, ": ", s.message())); };
  // The schema is changed outside mu_ (binding the TTL reads no files but is not free), and
  // committed only if no other ALTER (ADD INDEX, ...) replaced it meanwhile; else again.
  while (true) {
    const std::shared_ptr<const TableSchema> was = DefinitionOf(*table).first;
    TableSchema schema = *was;
    if (absl::Status s = change(&schema); !s.ok()) return fail(s);
    if (absl::Status s = ValidateSchema(schema); !s.ok()) return fail(s);
    auto ttl = TableTtl::Make(schema);
    if (!ttl.ok()) return fail(ttl.status());
    auto dedup = ParseDedupSettings(schema);
    if (!dedup.ok()) return fail(dedup.status());
    std::unique_lock<std::mutex> order(log_mu_);
    std::unique_lock<std::mutex> lock(mu_);
    auto it = tables_.find(name);
    if (it == tables_.end() || it->second != table) {
      return absl::AbortedError(absl::StrCat(what, ": the table was dropped meanwhile"));
    }
    if (table->schema != was) continue;
    ManifestEdit edit;
    edit.ops.push_back(ManifestOp::AlterTable(name, schema));
    return Commit(order, lock, edit, [&] {
      table->schema = std::make_shared<const TableSchema>(std::move(schema));
      table->ttl = *std::move(ttl);
      table->dedup_settings = *dedup;
    });
  }
}

absl::Status Database::ModifyTtl(const std::string& name, const std::string& ttl_text) {
  return AlterSchema(name, absl::StrCat("ALTER TABLE ", name, ttl_text.empty() ? " REMOVE TTL" : " MODIFY TTL"),
                     [&](TableSchema* schema) {
                       if (ttl_text.empty() && schema->ttl.empty()) {
                         return absl::InvalidArgumentError(
                             "the table has no TTL to remove (Table doesn't have any table TTL expression, "
                             "cannot remove)");
                       }
                       schema->ttl = ttl_text;
                       return absl::OkStatus();
                     });
}

absl::Status Database::ModifySettings(const std::string& name, const std::vector<format::TableSetting>& settings) {
  return AlterSchema(name, absl::StrCat("ALTER TABLE ", name, " MODIFY SETTING"), [&](TableSchema* schema) {
    for (const format::TableSetting& s : settings) {
      if (s.name != kTtlOnlyDropPartsSetting && s.name != kMergeWithTtlTimeoutSetting &&
          s.name != kDedupWindowSetting && s.name != kDedupWindowSecondsSetting) {
        return absl::UnimplementedError(absl::StrCat("changing setting ", s.name, " is not supported yet (",
                                                     kTtlOnlyDropPartsSetting, ", ", kMergeWithTtlTimeoutSetting, ", ",
                                                     kDedupWindowSetting, " and ", kDedupWindowSecondsSetting,
                                                     " are)"));
      }
      auto at = std::find_if(schema->settings.begin(), schema->settings.end(),
                             [&](const format::TableSetting& t) { return t.name == s.name; });
      if (at == schema->settings.end()) {
        schema->settings.push_back(s);
      } else {
        at->value = s.value;
      }
    }
    return absl::OkStatus();
  });
}

absl::Status Database::DropPartition(const std::string& name, const std::string& partition_id,
                                     uint64_t* parts_dropped) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("ALTER TABLE ", name, " DROP PARTITION")));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", name, "' does not exist"));
  }
  Table& table = *it->second;
  const std::vector<PartPtr> dropped = PartsOf(table, partition_id);
  if (parts_dropped != nullptr) *parts_dropped = dropped.size();
  if (dropped.empty()) return absl::OkStatus();
  ManifestEdit edit;
  for (const PartPtr& p : dropped) edit.ops.push_back(ManifestOp::RemovePart(name, p->name()));
  // Rows inserted again after the drop are new rows, whatever the tokens said.
  edit.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kForgetInsertTokens, name));
  // The partition's superseded-row records go with its parts: they name only rows of it.
  return Commit(order, lock, edit, [&] {
    table.dedup.Clear();
    for (const PartPtr& p : dropped) {
      const_cast<Part*>(p.get())->MarkObsolete();
      table.superseded.erase(p->name());
    }
    std::erase_if(table.parts, [&](const PartPtr& p) { return p->meta().partition_id == partition_id; });
    RebuildEventKeys(&table);
  });
}

std::vector<std::string> Database::ListTables() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::pair<std::shared_ptr<const TableSchema>, TableTtlPtr> Database::DefinitionOf(const Table& table) const {
  std::lock_guard<std::mutex> lock(mu_);
  return {table.schema, table.ttl};
}

absl::StatusOr<TableSchema> Database::GetSchema(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  return SchemaOf(*table);
}

absl::StatusOr<std::shared_ptr<const TableSchema>> Database::SharedSchema(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  return DefinitionOf(*table).first;
}

absl::StatusOr<std::vector<PartInfo>> Database::ListParts(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PartInfo> out;
  for (const PartPtr& p : table->parts) {
    out.push_back(PartInfo{p->name(), p->meta().partition_id, table->partition.ValueText(p->meta().partition_value),
                           p->rows(), p->granules(), p->bytes_on_disk(), p->meta().level, p->meta().min_block,
                           p->meta().max_block, IsInline(*p)});
  }
  return out;
}

absl::StatusOr<std::vector<PartCheck>> Database::CheckParts(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::vector<PartPtr> parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parts = table->parts;
  }
  std::vector<PartCheck> out;
  for (const PartPtr& p : parts) out.push_back({p->name(), p->VerifyChecksums()});
  TALLY_ASSIGN_OR_RETURN(std::vector<DetachedPartInfo> detached, ListDetached(name));
  for (const DetachedPartInfo& d : detached) {
    if (d.on_purpose()) continue;  // no rows are missing
    out.push_back({absl::StrCat(kDetachedDir, "/", d.name),
                   absl::DataLossError(absl::StrCat(
                       "set aside", d.kind.empty() ? "" : absl::StrCat(" (", d.kind, ")"),
                       d.message.empty() ? "" : absl::StrCat(": ", d.message),
                       "; the table may be missing its rows until it is attached (ALTER TABLE ", name,
                       " ATTACH PART '", d.name, "') or dropped (ALTER TABLE ", name, " DROP DETACHED PART '", d.name,
                       "')"))});
  }
  return out;
}

absl::Status Database::CheckTable(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(std::vector<PartCheck> checks, CheckParts(name));
  std::vector<std::string> set_aside;
  for (const PartCheck& c : checks) {
    if (c.status.ok()) continue;
    if (!absl::StartsWith(c.part, kDetachedDir)) return c.status;
    set_aside.push_back(c.part.substr(sizeof(kDetachedDir)));
  }
  if (set_aside.empty()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "table ", name, ": its parts verify, but ", set_aside.size(), set_aside.size() == 1 ? " part is" : " parts are",
      " set aside in detached/ (", absl::StrJoin(set_aside, ", "), "): the table may be missing rows until each is ",
      "attached (ALTER TABLE ", name, " ATTACH PART 'name') or dropped (ALTER TABLE ", name,
      " DROP DETACHED PART 'name'); SELECT * FROM system.detached_parts says why"));
}

absl::StatusOr<std::unique_ptr<ScanCursor>> Database::Scan(const std::string& name, ScanOptions options) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::vector<PartPtr> parts;
  std::vector<SupersededPtr> superseded;
  std::shared_ptr<const TableSchema> schema;
  TtlAt ttl;
  {
    std::lock_guard<std::mutex> lock(mu_);
    schema = table->schema;  // its skip indexes, as of the parts
    parts = table->parts;
    if (table->tracks_superseded) superseded = SupersededOf(*table, parts);
    ttl.ttl = table->ttl;
  }
  ttl.now_s = env_->NowMicros() / 1000000;
  return ScanCursor::Make(*schema, std::move(parts), std::move(options), &table->engine, std::move(superseded),
                          std::move(ttl));
}

void Database::AddSupersedeOps(const Table& table, const std::vector<PartPtr>& parts, const Losers& losers,
                               ManifestEdit* edit) {
  for (const PartPtr& p : parts) {
    auto found = losers.find(p.get());
    if (found != losers.end() && !found->second.empty() && table.superseded.contains(p->name())) {
      edit->ops.push_back(ManifestOp::Supersede(table.name, p->name(), found->second));
    }
  }
}

void Database::ApplySuperseded(Table* table, const std::vector<PartPtr>& parts, const Losers& losers) {
  for (const PartPtr& p : parts) {
    auto found = losers.find(p.get());
    auto have = table->superseded.find(p->name());
    if (found == losers.end() || found->second.empty() || have == table->superseded.end()) continue;
    have->second = std::make_shared<const format::RowRuns>(format::UnionRowRuns(*have->second, found->second));
  }
}

std::vector<PartPtr> Database::PartsOf(const Table& table, const std::string& partition_id) {
  std::vector<PartPtr> out;
  for (const PartPtr& p : table.parts) {
    if (p->meta().partition_id == partition_id) out.push_back(p);
  }
  return out;
}

std::vector<SupersededPtr> Database::SupersededOf(const Table& table, const std::vector<PartPtr>& parts) {
  std::vector<SupersededPtr> out;
  for (const PartPtr& p : parts) {
    auto it = table.superseded.find(p->name());
    out.push_back(it == table.superseded.end() ? nullptr : it->second);
  }
  return out;
}

}  // namespace tally::engine
