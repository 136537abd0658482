#include "engine/database.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "engine/part_writer.h"
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

constexpr char kTablesDir[] = "tables";
constexpr char kDetachedDir[] = "detached";

absl::Status CheckDatabaseName(const std::string& name) {
  if (name.empty()) return absl::InvalidArgumentError("a database needs a name");
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return absl::InvalidArgumentError(absl::StrCat("database name '", name,
                                                     "': only letters, digits and '_' are allowed"));
    }
  }
  return absl::OkStatus();
}

// An operation that names only a table or database (drop table, create/drop database).
ManifestOp NamedOp(ManifestOp::Kind kind, const std::string& name) {
  ManifestOp op;
  op.kind = kind;
  op.table = name;
  return op;
}

absl::Status CheckTableName(const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return absl::InvalidArgumentError(absl::StrCat("table name '", name, "' must be 1 to 200 bytes"));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat("table name '", name, "' has a control character"));
    }
  }
  return absl::OkStatus();
}

// Every LowCardinality node in dictionary mode, or all in plain mode: the chains must
// resolve for both.
std::vector<format::LowCardinalityPlan> UniformPlans(const format::DataType& type, bool dictionary) {
  return std::vector<format::LowCardinalityPlan>(format::CountLowCardinalityNodes(type),
                                                 format::LowCardinalityPlan{dictionary, 1, 1});
}

}  // namespace

std::pair<std::string, std::string> SplitTableName(const std::string& table) {
  const size_t dot = table.find('.');
  if (dot == std::string::npos) return {"default", table};
  return {table.substr(0, dot), table.substr(dot + 1)};
}

absl::Status ValidateSchema(const TableSchema& schema) {
  if (schema.columns.empty()) return absl::InvalidArgumentError("a table needs at least one column");
  if (schema.engine != "MergeTree") {
    return absl::UnimplementedError(absl::StrCat("engine ", schema.engine, " is not supported yet (MergeTree is)"));
  }
  absl::flat_hash_set<std::string> names;
  for (const format::ColumnDef& c : schema.columns) {
    if (c.name.empty()) return absl::InvalidArgumentError("column with an empty name");
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
  std::unique_ptr<Database> db(new Database(env, dir));
  TALLY_RETURN_IF_ERROR(db->Recover());
  if (options.background_merges) {
    db->merger_ = std::thread([d = db.get()] { d->MergeLoop(); });
    db->WakeMerger();  // parts left by an earlier run may be waiting
  }
  return db;
}

Database::~Database() {
  if (merger_.joinable()) {
    cancel_merges_.store(true);
    {
      std::lock_guard<std::mutex> lock(merge_mu_);
      merge_stop_ = true;
    }
    merge_cv_.notify_one();
    merger_.join();
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (manifest_ != nullptr) (void)manifest_->Close();
}

std::string Database::TablesDir() const { return JoinPath(dir_, kTablesDir); }

absl::Status Database::Recover() {
  TALLY_RETURN_IF_ERROR(env_->CreateDirs(TablesDir()));
  // The directories themselves must be durable, or a crash could take the whole
  // database with them, acknowledged inserts included.
  size_t slash = dir_.find_last_of('/');
  const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dir_.substr(0, slash);
  TALLY_RETURN_IF_ERROR(env_->SyncDir(parent));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(dir_));
  const std::string manifest_path = JoinPath(dir_, kManifestFile);
  absl::flat_hash_map<std::string, std::vector<std::string>> committed;  // table -> parts
  std::lock_guard<std::mutex> lock(mu_);
  if (env_->FileExists(manifest_path)) {
    TALLY_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFileToString(manifest_path));
    TALLY_ASSIGN_OR_RETURN(format::ManifestContents contents,
                           format::DecodeManifest(format::AsBytes(bytes), manifest_path));
    if (contents.torn_tail) {
      recovery_.manifest_torn_tail = true;
      recovery_.events.push_back(absl::StrCat("manifest: dropped a torn last record at offset ", contents.valid_bytes,
                                              " (", bytes.size() - contents.valid_bytes,
                                              " bytes, never acknowledged)"));
    }
    for (const ManifestEdit& edit : contents.edits) {
      for (const ManifestOp& op : edit.ops) {
        if (op.kind == ManifestOp::Kind::kCreateDatabase) {
          if (!databases_.insert(op.table).second) {
            return absl::DataLossError(absl::StrCat(manifest_path, ": database '", op.table, "' created twice"));
          }
          continue;
        }
        if (op.kind == ManifestOp::Kind::kDropDatabase) {
          if (databases_.erase(op.table) == 0) {
            return absl::DataLossError(absl::StrCat(manifest_path, ": edit drops database '", op.table,
                                                    "' that does not exist"));
          }
          continue;
        }
        auto it = tables_.find(op.table);
        if (op.kind != ManifestOp::Kind::kCreateTable && it == tables_.end()) {
          return absl::DataLossError(absl::StrCat(manifest_path, ": edit names table '", op.table,
                                                  "' that does not exist"));
        }
        switch (op.kind) {
          case ManifestOp::Kind::kCreateTable: {
            if (it != tables_.end()) {
              return absl::DataLossError(absl::StrCat(manifest_path, ": table '", op.table, "' created twice"));
            }
            auto table = std::make_shared<Table>();
            table->name = op.table;
            table->schema = op.schema;
            table->dir_name = op.directory;
            table->dir = JoinPath(TablesDir(), op.directory);
            auto partition = PartitionKey::Parse(op.schema.partition_by, op.schema);
            if (!partition.ok()) {
              return absl::DataLossError(absl::StrCat(manifest_path, ": table '", op.table, "': ",
                                                      partition.status().message()));
            }
            table->partition = *partition;
            tables_[op.table] = table;
            committed[op.table].clear();
            break;
          }
          case ManifestOp::Kind::kDropTable:
            tables_.erase(it);
            committed.erase(op.table);
            break;
          case ManifestOp::Kind::kAddPart:
            committed[op.table].push_back(op.part);
            break;
          case ManifestOp::Kind::kRemovePart: {
            auto& parts = committed[op.table];
            parts.erase(std::remove(parts.begin(), parts.end(), op.part), parts.end());
            break;
          }
          case ManifestOp::Kind::kNextBlock:
            it->second->next_block = std::max(it->second->next_block, op.next_block);
            break;
          case ManifestOp::Kind::kCreateDatabase:
          case ManifestOp::Kind::kDropDatabase:
            break;  // handled above
        }
      }
    }
  } else {
    TALLY_ASSIGN_OR_RETURN(auto entries, env_->ListDir(TablesDir()));
    if (!entries.empty()) {
      return absl::DataLossError(absl::StrCat(dir_, ": ", entries.size(),
                                              " table directories but no MANIFEST; refusing to open"));
    }
  }
  absl::flat_hash_set<std::string> live_dirs;
  for (auto& [name, table] : tables_) {
    live_dirs.insert(table->dir_name);
    TALLY_RETURN_IF_ERROR(env_->CreateDirs(table->dir));
    TALLY_RETURN_IF_ERROR(RecoverTable(table.get(), committed[name]));
  }
  TALLY_ASSIGN_OR_RETURN(auto entries, env_->ListDir(TablesDir()));
  for (const std::string& entry : entries) {
    if (live_dirs.contains(entry)) continue;
    TALLY_RETURN_IF_ERROR(env_->RemoveAll(JoinPath(TablesDir(), entry)));
    recovery_.events.push_back(absl::StrCat("removed directory tables/", entry, " of a dropped table"));
  }
  return WriteSnapshot();
}

absl::Status Database::RecoverTable(Table* table, const std::vector<std::string>& committed) {
  absl::flat_hash_set<std::string> wanted(committed.begin(), committed.end());
  TALLY_ASSIGN_OR_RETURN(auto entries, env_->ListDir(table->dir));
  absl::flat_hash_set<std::string> present;
  for (const std::string& entry : entries) {
    const std::string path = JoinPath(table->dir, entry);
    if (entry == kDetachedDir) continue;
    if (absl::StartsWith(entry, kTmpPartPrefix)) {
      TALLY_RETURN_IF_ERROR(env_->RemoveAll(path));
      ++recovery_.temporary_removed;
      recovery_.events.push_back(absl::StrCat("table ", table->name, ": removed temporary part ", entry));
      continue;
    }
    if (!wanted.contains(entry)) {
      TALLY_RETURN_IF_ERROR(env_->RemoveAll(path));
      ++recovery_.uncommitted_removed;
      recovery_.events.push_back(absl::StrCat("table ", table->name, ": removed part ", entry,
                                              " written but never committed (its insert was not acknowledged)"));
      continue;
    }
    present.insert(entry);
  }
  for (const std::string& name : committed) {
    if (!present.contains(name)) {
      ++recovery_.missing;
      recovery_.events.push_back(absl::StrCat("table ", table->name, ": DATA LOSS: committed part ", name,
                                              " is missing from disk"));
      continue;
    }
    const std::string path = JoinPath(table->dir, name);
    auto part = Part::Open(env_, path);
    if (part.ok()) {
      table->parts.push_back(*part);
      continue;
    }
    if (!absl::IsDataLoss(part.status())) return part.status();  // I/O errors, newer versions: stop
    const std::string detached = JoinPath(table->dir, kDetachedDir);
    TALLY_RETURN_IF_ERROR(env_->CreateDirs(detached));
    const std::string target = JoinPath(detached, absl::StrCat("broken_", name));
    TALLY_RETURN_IF_ERROR(env_->RemoveAll(target));
    TALLY_RETURN_IF_ERROR(env_->Rename(path, target));
    TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, target + ".reason", std::string(part.status().message()) + "\n"));
    TALLY_RETURN_IF_ERROR(env_->SyncDir(detached));
    TALLY_RETURN_IF_ERROR(env_->SyncDir(table->dir));
    ++recovery_.detached;
    recovery_.events.push_back(absl::StrCat("table ", table->name, ": detached broken part ", name, " to ",
                                            kDetachedDir, "/broken_", name, ": ", part.status().message()));
  }
  std::sort(table->parts.begin(), table->parts.end(),
            [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
  for (const PartPtr& p : table->parts) table->next_block = std::max(table->next_block, p->meta().max_block + 1);
  return absl::OkStatus();
}

absl::Status Database::WriteSnapshot() {
  ManifestEdit snapshot;
  std::vector<std::string> databases(databases_.begin(), databases_.end());
  std::sort(databases.begin(), databases.end());
  for (const std::string& d : databases) {
    snapshot.ops.push_back(NamedOp(ManifestOp::Kind::kCreateDatabase, d));
  }
  std::vector<std::string> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const Table& t = *tables_[name];
    ManifestOp create;
    create.kind = ManifestOp::Kind::kCreateTable;
    create.table = name;
    create.schema = t.schema;
    create.directory = t.dir_name;
    snapshot.ops.push_back(std::move(create));
    ManifestOp next;
    next.kind = ManifestOp::Kind::kNextBlock;
    next.table = name;
    next.next_block = t.next_block;
    snapshot.ops.push_back(std::move(next));
    for (const PartPtr& p : t.parts) {
      ManifestOp add;
      add.kind = ManifestOp::Kind::kAddPart;
      add.table = name;
      add.part = p->name();
      add.rows = p->rows();
      snapshot.ops.push_back(std::move(add));
    }
  }
  std::string bytes = format::ManifestHeader();
  format::EncodeManifestRecord(&bytes, snapshot);
  const std::string tmp = JoinPath(dir_, std::string(kManifestFile) + ".tmp");
  TALLY_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(tmp));
  TALLY_RETURN_IF_ERROR(file->Append(bytes));
  TALLY_RETURN_IF_ERROR(file->Sync());
  TALLY_RETURN_IF_ERROR(env_->Rename(tmp, JoinPath(dir_, kManifestFile)));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(dir_));
  manifest_ = std::move(file);  // later edits append to the renamed file
  return absl::OkStatus();
}

absl::Status Database::Commit(const ManifestEdit& edit) {
  if (!poisoned_.ok()) return poisoned_;
  std::string record;
  format::EncodeManifestRecord(&record, edit);
  absl::Status s = manifest_->Append(record);
  if (s.ok()) s = manifest_->Sync();
  if (!s.ok()) {
    poisoned_ = absl::FailedPreconditionError(absl::StrCat(
        "database ", dir_, ": a manifest write failed (", s.message(), "); reopen the database to continue"));
    return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<Database::Table>> Database::FindTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return absl::NotFoundError(absl::StrCat("table '", name, "' does not exist"));
  return it->second;
}

absl::Status Database::CreateTable(const std::string& name, TableSchema schema, bool if_not_exists) {
  TALLY_RETURN_IF_ERROR(CheckTableName(name));
  TALLY_RETURN_IF_ERROR(ValidateSchema(schema));
  TALLY_ASSIGN_OR_RETURN(PartitionKey partition, PartitionKey::Parse(schema.partition_by, schema));
  std::lock_guard<std::mutex> lock(mu_);
  if (tables_.contains(name)) {
    if (if_not_exists) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("table '", name, "' already exists"));
  }
  if (const std::string db = SplitTableName(name).first; db != "default" && !databases_.contains(db)) {
    return absl::NotFoundError(absl::StrCat("database '", db, "' does not exist (table '", name, "')"));
  }
  auto table = std::make_shared<Table>();
  table->name = name;
  table->schema = std::move(schema);
  table->partition = partition;
  table->dir_name = absl::StrFormat("%s.%x%x", format::ColumnFileBase(name), absl::ToUnixNanos(absl::Now()),
                                    ++dir_counter_);
  table->dir = JoinPath(TablesDir(), table->dir_name);
  TALLY_RETURN_IF_ERROR(env_->CreateDirs(table->dir));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(TablesDir()));
  ManifestEdit edit;
  ManifestOp op;
  op.kind = ManifestOp::Kind::kCreateTable;
  op.table = name;
  op.schema = table->schema;
  op.directory = table->dir_name;
  edit.ops.push_back(std::move(op));
  TALLY_RETURN_IF_ERROR(Commit(edit));
  tables_[name] = std::move(table);
  return absl::OkStatus();
}

absl::Status Database::DropTable(const std::string& name, bool if_exists) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    if (if_exists) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat("table '", name, "' does not exist"));
  }
  ManifestEdit edit;
  edit.ops.push_back(NamedOp(ManifestOp::Kind::kDropTable, name));
  TALLY_RETURN_IF_ERROR(Commit(edit));
  std::shared_ptr<Table> table = it->second;
  tables_.erase(it);
  Discard(table);
  return absl::OkStatus();
}

void Database::Discard(const std::shared_ptr<Table>& table) {
  bool in_use = false;
  for (const PartPtr& p : table->parts) {
    const_cast<Part*>(p.get())->MarkObsolete();
    in_use |= p.use_count() > 1;
  }
  table->parts.clear();
  // Parts still read by a scan go when it ends; the directory then on the next Open.
  if (!in_use) (void)env_->RemoveAll(table->dir);
}

absl::Status Database::CreateDatabase(const std::string& name, bool if_not_exists) {
  TALLY_RETURN_IF_ERROR(CheckDatabaseName(name));
  std::lock_guard<std::mutex> lock(mu_);
  if (name == "default" || databases_.contains(name)) {
    if (if_not_exists) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("database '", name, "' already exists"));
  }
  ManifestEdit edit;
  edit.ops.push_back(NamedOp(ManifestOp::Kind::kCreateDatabase, name));
  TALLY_RETURN_IF_ERROR(Commit(edit));
  databases_.insert(name);
  return absl::OkStatus();
}

absl::Status Database::DropDatabase(const std::string& name, bool if_exists) {
  std::lock_guard<std::mutex> lock(mu_);
  if (name == "default") return absl::InvalidArgumentError("the default database cannot be dropped");
  if (!databases_.contains(name)) {
    if (if_exists) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat("database '", name, "' does not exist"));
  }
  ManifestEdit edit;
  std::vector<std::string> dropped;
  for (const auto& [table_name, table] : tables_) {
    if (SplitTableName(table_name).first != name) continue;
    edit.ops.push_back(NamedOp(ManifestOp::Kind::kDropTable, table_name));
    dropped.push_back(table_name);
  }
  edit.ops.push_back(NamedOp(ManifestOp::Kind::kDropDatabase, name));
  TALLY_RETURN_IF_ERROR(Commit(edit));
  databases_.erase(name);
  for (const std::string& t : dropped) {
    std::shared_ptr<Table> table = tables_[t];
    tables_.erase(t);
    Discard(table);
  }
  return absl::OkStatus();
}

std::vector<std::string> Database::ListDatabases() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names(databases_.begin(), databases_.end());
  names.push_back("default");
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status Database::TruncateTable(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end()) return absl::NotFoundError(absl::StrCat("table '", name, "' does not exist"));
  Table& table = *it->second;
  if (table.parts.empty()) return absl::OkStatus();
  ManifestEdit edit;
  for (const PartPtr& p : table.parts) {
    ManifestOp op;
    op.kind = ManifestOp::Kind::kRemovePart;
    op.table = name;
    op.part = p->name();
    edit.ops.push_back(std::move(op));
  }
  TALLY_RETURN_IF_ERROR(Commit(edit));
  for (const PartPtr& p : table.parts) const_cast<Part*>(p.get())->MarkObsolete();
  table.parts.clear();
  return absl::OkStatus();
}

std::vector<std::string> Database::ListTables() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<TableSchema> Database::GetSchema(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  return table->schema;
}

absl::StatusOr<std::vector<PartInfo>> Database::ListParts(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PartInfo> out;
  for (const PartPtr& p : table->parts) {
    out.push_back(PartInfo{p->name(), p->meta().partition_id, p->rows(), p->granules(), p->bytes_on_disk(),
                           p->meta().level, p->meta().min_block, p->meta().max_block});
  }
  return out;
}

absl::Status Database::CheckTable(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::vector<PartPtr> parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parts = table->parts;
  }
  for (const PartPtr& p : parts) TALLY_RETURN_IF_ERROR(p->VerifyChecksums());
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ScanCursor>> Database::Scan(const std::string& name, ScanOptions options) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::vector<PartPtr> parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parts = table->parts;
  }
  return ScanCursor::Make(table->schema, std::move(parts), std::move(options));
}

}  // namespace tally::engine
