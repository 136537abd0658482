// ALTER TABLE ... ADD INDEX, DROP INDEX and MATERIALIZE INDEX in the Database. A schema
// change is one manifest edit (kind 9, the table's new schema); rewriting parts (a new
// version of each, engine/part_version.h) commits every new version, with the schema
// change if any, in one edit that also removes the old versions, as a merge does.
#include <algorithm>
#include <functional>
#include <chrono>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "engine/part_writer.h"
#include "engine/skip_indexes.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::ManifestEdit;
using format::ManifestOp;
using format::SkipIndexDef;
using format::TableSchema;

namespace {

bool HoldsLegacyFile(const Part& part, const std::string& file) {
  const format::SkipIndexFile* f = part.skip_index(file);
  return f != nullptr && f->kind == format::SkipIndexFile::Kind::kLegacyBloomFilter;
}

std::vector<SkipIndexDef>::const_iterator FindIndex(const TableSchema& schema, const std::string& name) {
  return std::find_if(schema.skip_indexes.begin(), schema.skip_indexes.end(),
                      [&](const SkipIndexDef& d) { return d.name == name; });
}

// The parts of a table (of `partition_id`, or all when empty) that `want` picks: what a
// RewriteParts selects.
std::function<std::vector<PartPtr>(const std::vector<PartPtr>&)> PartsWhere(
    std::string partition_id, std::function<bool(const Part&)> want) {
  return [partition_id = std::move(partition_id), want = std::move(want)](const std::vector<PartPtr>& parts) {
    std::vector<PartPtr> out;
    for (const PartPtr& p : parts) {
      if (!partition_id.empty() && p->meta().partition_id != partition_id) continue;
      if (want(*p)) out.push_back(p);
    }
    return out;
  };
}

}  // namespace

TableSchema Database::SchemaOf(const Table& table) const {
  std::lock_guard<std::mutex> lock(mu_);
  return *table.schema;
}

absl::Status Database::AddSkipIndex(const std::string& name, SkipIndexDef index, const IndexPlacement& placement,
                                    bool if_not_exists) {
  const std::string what = absl::StrCat("ALTER TABLE ", name, " ADD INDEX ", index.name);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end() || it->second != table) {
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", name, "' does not exist"));
  }
  TableSchema schema = *table->schema;
  if (FindIndex(schema, index.name) != schema.skip_indexes.end()) {
    if (if_not_exists) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("Cannot add index ", index.name,
                                                   ": index with this name already exists"));
  }
  std::vector<SkipIndexDef>::const_iterator at = schema.skip_indexes.end();
  if (placement.first) {
    at = schema.skip_indexes.begin();
  } else if (!placement.after.empty()) {
    at = FindIndex(schema, placement.after);
    if (at == schema.skip_indexes.end()) {
      return absl::InvalidArgumentError(absl::StrCat("Wrong index name. Cannot find index `", placement.after,
                                                     "` to insert after"));
    }
    ++at;
  }
  const std::string file = format::SkipIndexFileName(index.name);
  schema.skip_indexes.insert(at, std::move(index));
  TALLY_RETURN_IF_ERROR(BindSkipIndexes(schema).status());
  // A version-1 file does not say what it indexes: one left by another index of this name
  // (a part attached from elsewhere) could be taken for the new index.
  for (const PartPtr& p : table->parts) {
    if (HoldsLegacyFile(*p, file)) {
      return absl::FailedPreconditionError(absl::StrCat(
          what, ": part ", p->name(), " holds ", file, " from an index of an older tally that did not record what it ",
          "indexed; detach that part or choose another index name"));
    }
  }
  ManifestEdit edit;
  edit.ops.push_back(ManifestOp::AlterTable(name, schema));
  return Commit(order, lock, edit, [&] { table->schema = std::make_shared<const TableSchema>(std::move(schema)); });
}

absl::Status Database::DropSkipIndex(const std::string& name, const std::string& index, bool if_exists) {
  const std::string what = absl::StrCat("ALTER TABLE ", name, " DROP INDEX ", index);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  TableSchema schema = SchemaOf(*table);
  const std::vector<SkipIndexDef> before = schema.skip_indexes;
  auto it = FindIndex(schema, index);
  if (it == schema.skip_indexes.end()) {
    if (if_exists) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat("Wrong index name. Cannot find index `", index, "` to drop"));
  }
  schema.skip_indexes.erase(it);
  // The index's version-1 files go with it (a new version of each part holding one), so
  // that no later index of the name can take them for its own; other files say what
  // they index and stay until merges leave them behind.
  const std::string file = format::SkipIndexFileName(index);
  return RewriteParts(
             table,
             [select = PartsWhere("", [&](const Part& p) { return HoldsLegacyFile(p, file); })](
                 const Table& t) { return select(t.parts); },
             [&](const PartPtr&) { return PartVersionSpec{{}, {file}}; }, before, schema, what)
      .status();
}

absl::StatusOr<uint64_t> Database::MaterializeSkipIndex(const std::string& name, const std::string& index,
                                                        const std::string& partition_id, bool if_exists) {
  const std::string what = absl::StrCat("ALTER TABLE ", name, " MATERIALIZE INDEX ", index);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  const TableSchema schema = SchemaOf(*table);
  TALLY_ASSIGN_OR_RETURN(std::vector<BoundSkipIndex> bound, BindSkipIndexes(schema));
  auto it = std::find_if(bound.begin(), bound.end(), [&](const BoundSkipIndex& b) { return b.name == index; });
  if (it == bound.end()) {
    if (if_exists) return 0;
    return absl::InvalidArgumentError(absl::StrCat("Unknown index `", index, "` of table ", name));
  }
  const BoundSkipIndex target = *it;
  return RewriteParts(
      table,
      [select = PartsWhere(partition_id,
                           [&](const Part& p) {
                             const format::SkipIndexFile* f = p.skip_index(target.file);
                             return f == nullptr || !target.Built(*f);
                           })](const Table& t) { return select(t.parts); },
      [&](const PartPtr&) { return PartVersionSpec{{target}, {}}; }, schema.skip_indexes, std::nullopt, what);
}

absl::StatusOr<uint64_t> Database::ClearSkipIndex(const std::string& name, const std::string& index,
                                                  const std::string& partition_id, bool if_exists) {
  const std::string what = absl::StrCat("ALTER TABLE ", name, " CLEAR INDEX ", index);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  const TableSchema schema = SchemaOf(*table);
  if (FindIndex(schema, index) == schema.skip_indexes.end()) {
    if (if_exists) return 0;
    return absl::InvalidArgumentError(absl::StrCat("Unknown index `", index, "` of table ", name));
  }
  const std::string file = format::SkipIndexFileName(index);
  return RewriteParts(
      table,
      [select = PartsWhere(partition_id,
                           [&](const Part& p) { return p.skip_index(file) != nullptr || HoldsLegacyFile(p, file); })](
          const Table& t) { return select(t.parts); },
      [&](const PartPtr&) { return PartVersionSpec{{}, {file}}; }, schema.skip_indexes, std::nullopt, what);
}

absl::StatusOr<uint64_t> Database::RewriteParts(const std::shared_ptr<Table>& table,
                                                const std::function<std::vector<PartPtr>(const Table&)>& select,
                                                const std::function<PartVersionSpec(const PartPtr&)>& spec,
                                                const std::vector<SkipIndexDef>& indexes,
                                                const std::optional<TableSchema>& alter, const std::string& what) {
  auto registered = [&] {
    auto it = tables_.find(table->name);
    return it != tables_.end() && it->second == table;
  };
  auto changed = [&]() -> absl::Status {
    if (!registered()) return absl::AbortedError(absl::StrCat(what, ": the table was dropped meanwhile"));
    if (table->schema->skip_indexes != indexes) {
      return absl::AbortedError(absl::StrCat(what, ": the table's indexes changed meanwhile; nothing was done"));
    }
    return absl::OkStatus();
  };
  std::vector<PartPtr> inputs;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!poisoned_.ok()) return poisoned_;
      TALLY_RETURN_IF_ERROR(changed());
      inputs = select(*table);
      const bool busy = std::any_of(inputs.begin(), inputs.end(),
                                    [&](const PartPtr& p) { return table->merging.contains(p.get()); });
      if (!busy) {
        for (const PartPtr& p : inputs) table->merging.insert(p.get());
        break;
      }
    }
    // A merge holds some of them: its output is written with the schema it read, so wait
    // for it and look again.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  absl::Cleanup release = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    for (const PartPtr& p : inputs) table->merging.erase(p.get());
  };
  if (inputs.empty() && !alter.has_value()) return 0;
  const TableSchema schema = SchemaOf(*table);
  std::vector<PartPtr> written;
  auto discard = [&] {
    for (const PartPtr& p : written) const_cast<Part*>(p.get())->MarkObsolete();
  };
  for (const PartPtr& p : inputs) {
    auto meta = WritePartVersion(env_, table->dir, schema, p, spec(p));
    if (!meta.ok()) {
      discard();
      return WithMessage(meta.status(), absl::StrCat(what, ": part ", p->name(), ": ", meta.status().message()));
    }
    auto opened = Part::Open(env_, TmpPartDir(table->dir, meta->name), meta->name);
    if (!opened.ok() || (*opened)->rows() != p->rows()) {
      (void)env_->RemoveAll(TmpPartDir(table->dir, meta->name));
      discard();
      return absl::InternalError(absl::StrCat(what, ": part ", meta->name, " failed validation right after writing: ",
                                              opened.ok() ? "rows differ" : opened.status().message()));
    }
    written.push_back(*std::move(opened));
  }
  // As a merge: no commit that compares keys with the table's parts runs in between.
  std::unique_lock<std::mutex> commit_lock(table->commit_mu, std::defer_lock);
  if (table->tracks_superseded) commit_lock.lock();
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (absl::Status s = changed(); !s.ok()) {
    discard();
    return s;
  }
  std::vector<size_t> positions;
  for (const PartPtr& p : inputs) {
    auto at = std::find(table->parts.begin(), table->parts.end(), p);
    if (at == table->parts.end()) {
      discard();
      return absl::AbortedError(absl::StrCat(what, ": part ", p->name(), " was dropped or detached meanwhile; ",
                                             "nothing was done"));
    }
    positions.push_back(at - table->parts.begin());
  }
  // The schema as it is now with `alter`'s indexes (which changed() found the ones
  // `alter` was made from): an ALTER of the TTL or settings meanwhile stays.
  std::shared_ptr<const TableSchema> next;
  if (alter.has_value()) {
    TableSchema now = *table->schema;
    now.skip_indexes = alter->skip_indexes;
    next = std::make_shared<const TableSchema>(std::move(now));
  }
  ManifestEdit edit;
  if (next != nullptr) edit.ops.push_back(ManifestOp::AlterTable(table->name, *next));
  for (size_t i = 0; i < inputs.size(); ++i) {
    edit.ops.push_back(ManifestOp::AddPart(table->name, written[i]->name(), written[i]->rows()));
    // The same rows in the same order: a tracked part's superseded rows carry over.
    if (auto runs = table->superseded.find(inputs[i]->name()); runs != table->superseded.end()) {
      edit.ops.push_back(ManifestOp::Supersede(table->name, written[i]->name(), *runs->second));
    }
    edit.ops.push_back(ManifestOp::RemovePart(table->name, inputs[i]->name()));
  }
  absl::Status s = Commit(order, lock, edit, [&] {
    if (next != nullptr) table->schema = next;
    Publish(table.get(), written);
    for (size_t i = 0; i < inputs.size(); ++i) {
      table->parts[positions[i]] = written[i];
      if (auto runs = table->superseded.find(inputs[i]->name()); runs != table->superseded.end()) {
        SupersededPtr kept = runs->second;
        table->superseded.erase(runs);
        table->superseded[written[i]->name()] = std::move(kept);
      }
      const_cast<Part*>(inputs[i].get())->MarkObsolete();
    }
  });
  // A failed edit may still have reached the manifest: the new versions stay in their
  // temporary directories, the database is poisoned, and the next open keeps whichever
  // side the manifest names.
  if (!s.ok()) return s;
  std::move(release).Cancel();
  for (const PartPtr& p : inputs) table->merging.erase(p.get());  // mu_ is held
  return inputs.size();
}

}  // namespace tally::engine
