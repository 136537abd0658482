// Detached directories (engine/detached.h) and the Database's ATTACH PART, DROP DETACHED
// PART and listing of what is set aside.
#include "engine/detached.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/error_code.h"
#include "engine/part.h"
#include "engine/part_version.h"
#include "engine/part_writer.h"
#include "format/part_format.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

constexpr const char* kKinds[] = {"broken", "unreferenced", "missing", "attach-interrupted", "unowned-table"};

std::string ReasonPath(const std::string& detached_dir, const std::string& name) {
  return JoinPath(detached_dir, name + format::kDetachedReasonSuffix);
}

// "<kind>_<part>" ("<part>" for a part the user detached), made unique among the entries
// of `detached_dir`.
absl::StatusOr<std::string> FreeName(Env* env, const std::string& detached_dir, const format::DetachedReason& r) {
  // A part the user detached keeps its own name, as in ClickHouse.
  const std::string base = r.kind == kUserDetachedKind ? r.part : absl::StrCat(r.kind, "_", r.part);
  for (int n = 1; n < 1000; ++n) {
    std::string name = n == 1 ? base : absl::StrCat(base, "_", n);
    if (env->FileExists(JoinPath(detached_dir, name))) continue;
    if (!env->FileExists(ReasonPath(detached_dir, name))) return name;
    // A reason file of this kind without its directory: a move here that a crash cut
    // between writing the reason and the directory's rename reaching the disk. The name
    // is this part's again ("missing" records have no directory by design: never reused).
    if (r.kind == "missing") continue;
    auto bytes = env->ReadFileToString(ReasonPath(detached_dir, name));
    if (!bytes.ok()) continue;
    auto earlier = format::DecodeDetachedReason(*bytes, ReasonPath(detached_dir, name));
    if (earlier.ok() && earlier->kind == r.kind && earlier->part == r.part) return name;
  }
  return absl::ResourceExhaustedError(absl::StrCat(detached_dir, ": too many entries named ", base));
}

absl::Status WriteReason(Env* env, const std::string& detached_dir, const std::string& name,
                         format::DetachedReason reason) {
  if (reason.time_s == 0) reason.time_s = absl::ToUnixSeconds(absl::Now());
  return WriteFileSynced(env, ReasonPath(detached_dir, name), format::EncodeDetachedReason(reason));
}

std::string Parent(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// The name and kind a detached entry had before any reason file is read: "broken_X" is a
// broken X.
void ParseDetachedName(const std::string& name, DetachedPartInfo* info) {
  absl::string_view part = name;
  for (const char* kind : kKinds) {
    if (absl::ConsumePrefix(&part, absl::StrCat(kind, "_"))) {
      info->kind = kind;
      break;
    }
  }
  format::PartNameFields fields;
  // A name made unique by SetAside ends in "_<n>": try without it as well.
  if (!format::ParsePartName(part, &fields)) {
    const size_t sep = part.rfind('_');
    if (sep == absl::string_view::npos || !format::ParsePartName(part.substr(0, sep), &fields)) return;
  }
  info->partition_id = fields.partition_id;
  info->min_block = fields.min_block;
  info->max_block = fields.max_block;
  info->level = fields.level;
}

uint64_t DirBytes(Env* env, const std::string& dir) {
  uint64_t total = 0;
  auto entries = env->ListDir(dir);
  if (!entries.ok()) return 0;
  for (const std::string& e : *entries) {
    auto size = env->GetFileSize(JoinPath(dir, e));
    if (size.ok()) total += *size;
  }
  return total;
}

absl::Status CheckDetachedName(const std::string& table, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      absl::EndsWith(name, format::kDetachedReasonSuffix)) {
    return absl::InvalidArgumentError(absl::StrCat("table ", table, ": '", name, "' is not a detached part name"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> SetAside(Env* env, const std::string& from, const std::string& detached_dir,
                                     format::DetachedReason reason) {
  TALLY_RETURN_IF_ERROR(env->CreateDirs(detached_dir));
  TALLY_ASSIGN_OR_RETURN(std::string name, FreeName(env, detached_dir, reason));
  TALLY_RETURN_IF_ERROR(env->Rename(from, JoinPath(detached_dir, name)));
  TALLY_RETURN_IF_ERROR(WriteReason(env, detached_dir, name, std::move(reason)));
  TALLY_RETURN_IF_ERROR(env->SyncDir(detached_dir));
  TALLY_RETURN_IF_ERROR(env->SyncDir(Parent(from)));
  TALLY_RETURN_IF_ERROR(env->SyncDir(Parent(detached_dir)));
  return name;
}

absl::StatusOr<std::string> RecordMissing(Env* env, const std::string& detached_dir, format::DetachedReason reason) {
  TALLY_RETURN_IF_ERROR(env->CreateDirs(detached_dir));
  TALLY_ASSIGN_OR_RETURN(std::string name, FreeName(env, detached_dir, reason));
  TALLY_RETURN_IF_ERROR(WriteReason(env, detached_dir, name, std::move(reason)));
  TALLY_RETURN_IF_ERROR(env->SyncDir(detached_dir));
  TALLY_RETURN_IF_ERROR(env->SyncDir(Parent(detached_dir)));
  return name;
}

bool SetAsideEarlier(const std::vector<std::string>& detached_entries, const std::string& part) {
  for (const std::string& e : detached_entries) {
    for (const char* kind : {"broken_", "missing_"}) {
      const std::string prefix = absl::StrCat(kind, part);
      if (e == prefix || absl::StartsWith(e, prefix + "_") || absl::StartsWith(e, prefix + ".")) return true;
    }
  }
  return false;
}

absl::StatusOr<std::vector<DetachedPartInfo>> ReadDetachedDir(Env* env, const std::string& detached_dir,
                                                              const std::string& table) {
  std::vector<DetachedPartInfo> out;
  if (!env->FileExists(detached_dir)) return out;
  TALLY_ASSIGN_OR_RETURN(std::vector<std::string> entries, env->ListDir(detached_dir));
  std::map<std::string, DetachedPartInfo> by_name;
  for (const std::string& e : entries) {
    absl::string_view name = e;
    const bool is_reason = absl::ConsumeSuffix(&name, format::kDetachedReasonSuffix);
    if (!is_reason) {
      TALLY_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(JoinPath(detached_dir, e)));
      if (!is_dir) continue;  // a stray file: not ours
    }
    DetachedPartInfo& info = by_name[std::string(name)];
    info.table = table;
    info.name = std::string(name);
    if (!is_reason) {
      info.has_data = true;
      info.path = JoinPath(detached_dir, e);
      info.bytes_on_disk = DirBytes(env, info.path);
    }
  }
  for (auto& [name, info] : by_name) {
    ParseDetachedName(name, &info);
    const std::string reason_path = ReasonPath(detached_dir, name);
    if (!env->FileExists(reason_path)) continue;
    auto bytes = env->ReadFileToString(reason_path);
    auto reason = bytes.ok() ? format::DecodeDetachedReason(*bytes, reason_path)
                             : absl::StatusOr<format::DetachedReason>(bytes.status());
    if (!reason.ok()) {
      info.message = absl::StrCat("(reason file unreadable: ", reason.status().message(), ")");
      continue;
    }
    info.kind = reason->kind;
    info.message = reason->message;
    info.time_s = reason->time_s;
    if (info.path.empty()) info.path = reason_path;
  }
  for (auto& [name, info] : by_name) out.push_back(std::move(info));
  return out;
}

absl::StatusOr<std::vector<DetachedPartInfo>> Database::ListDetached(const std::string& name) const {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  return ReadDetachedDir(env_, JoinPath(table->dir, kDetachedDir), name);
}

std::vector<DetachedPartInfo> Database::ListAllDetached() const {
  std::vector<DetachedPartInfo> out;
  auto top = ReadDetachedDir(env_, JoinPath(dir_, kDetachedDir), "");
  if (top.ok()) out = std::move(*top);
  for (const std::string& t : ListTables()) {
    auto list = ListDetached(t);
    if (!list.ok()) continue;  // dropped meanwhile
    for (DetachedPartInfo& d : *list) out.push_back(std::move(d));
  }
  return out;
}

absl::Status Database::DropDetachedPart(const std::string& name, const std::string& detached_name) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("DROP DETACHED PART of ", name)));
  TALLY_RETURN_IF_ERROR(CheckDetachedName(name, detached_name));
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  const std::string detached = JoinPath(table->dir, kDetachedDir);
  const std::string path = JoinPath(detached, detached_name);
  const std::string reason = ReasonPath(detached, detached_name);
  if (!env_->FileExists(path) && !env_->FileExists(reason)) {
    return absl::NotFoundError(absl::StrCat("table ", name, ": no detached part '", detached_name,
                                            "' (see system.detached_parts)"));
  }
  TALLY_RETURN_IF_ERROR(env_->RemoveAll(path));
  TALLY_RETURN_IF_ERROR(env_->RemoveAll(reason));
  return env_->SyncDir(detached);
}

absl::Status Database::AttachPart(const std::string& name, const std::string& detached_name) {
  return AttachParts(name, {detached_name}, absl::StrCat("ATTACH PART '", detached_name, "' to ", name));
}

absl::Status Database::AttachPartition(const std::string& name, const std::string& partition_id,
                                       uint64_t* parts_attached) {
  const std::string what = absl::StrCat("ATTACH PARTITION ID '", partition_id, "' to ", name);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::vector<DetachedPartInfo> detached, ListDetached(name));
  // The parts DETACH PARTITION put there, or a user did (no reason file): not those
  // recovery set aside.
  std::vector<std::string> names;
  for (const DetachedPartInfo& d : detached) {
    if (d.on_purpose() && d.has_data && d.partition_id == partition_id) {
      names.push_back(d.name);
    }
  }
  if (parts_attached != nullptr) *parts_attached = names.size();
  if (names.empty()) return absl::OkStatus();
  return AttachParts(name, names, what);
}

absl::Status Database::AttachParts(const std::string& name, const std::vector<std::string>& detached_names,
                                   const std::string& what) {
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  for (const std::string& n : detached_names) TALLY_RETURN_IF_ERROR(CheckDetachedName(name, n));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  const std::shared_ptr<const format::TableSchema> schema_now = DefinitionOf(*table).first;
  const format::TableSchema& schema = *schema_now;
  const std::string detached = JoinPath(table->dir, kDetachedDir);
  // Validate every part whole, where it lies, before any moves: part.meta, every file's
  // checksum, the table's columns and sorting key, and that every row belongs to the
  // part's partition.
  std::vector<format::PartMeta> metas;
  for (const std::string& detached_name : detached_names) {
    const std::string source = JoinPath(detached, detached_name);
    const std::string part_what = absl::StrCat(what, ": part '", detached_name, "'");
    if (!env_->FileExists(source)) {
      return absl::NotFoundError(absl::StrCat(part_what, ": no such part in ", detached,
                                              " (see system.detached_parts)"));
    }
    const std::string meta_path = JoinPath(source, format::kPartMetaFile);
    auto meta_bytes = env_->ReadFileToString(meta_path);
    if (!meta_bytes.ok()) return absl::DataLossError(absl::StrCat(part_what, ": ", meta_bytes.status().message()));
    auto meta = format::DecodePartMeta(format::AsBytes(*meta_bytes), meta_path);
    if (!meta.ok()) return absl::DataLossError(absl::StrCat(part_what, ": ", meta.status().message()));
    auto invalid = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(part_what, ": ", why));
    };
    if (meta->columns.size() != schema.columns.size()) {
      return invalid(absl::StrCat("the part has ", meta->columns.size(), " columns, the table ",
                                  schema.columns.size()));
    }
    for (size_t c = 0; c < meta->columns.size(); ++c) {
      const format::ColumnDef& want = schema.columns[c];
      const format::ColumnMeta& got = meta->columns[c];
      if (got.name != want.name || !got.type->Equals(*want.type)) {
        return invalid(absl::StrCat("column ", c + 1, " is ", got.name, " ", got.type->ToString(),
                                    ", the table's is ", want.name, " ", want.type->ToString()));
      }
    }
    if (meta->sort_key != schema.sort_key) return invalid("the part is sorted by another key than the table");
    auto opened = Part::Open(env_, source, meta->name);
    if (!opened.ok()) return absl::DataLossError(absl::StrCat(part_what, ": ", opened.status().message()));
    TALLY_RETURN_IF_ERROR((*opened)->VerifyChecksums());
    {
      TALLY_ASSIGN_OR_RETURN(auto cursor, ScanCursor::Make(schema, {*opened}, {}));
      Block block;
      while (true) {
        TALLY_ASSIGN_OR_RETURN(bool more, cursor->Next(&block));
        if (!more) break;
        auto groups = table->partition.Split(block);
        if (!groups.ok()) return invalid(std::string(groups.status().message()));
        for (const PartitionGroup& g : *groups) {
          if (g.id != meta->partition_id) {
            return invalid(absl::StrCat("rows of partition ", g.id, " in a part of partition ", meta->partition_id));
          }
        }
      }
    }
    metas.push_back(*std::move(meta));
  }

  // A new block number each, so they cannot clash with what merges made since they were
  // set aside (ClickHouse does the same). part.meta is rewritten under the new name in
  // place, then the part moves into the table as attaching_<name>: a crash before the
  // commit leaves that for recovery to return to detached/, and never deletes it.
  uint64_t first_block;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first_block = table->next_block;
    table->next_block += detached_names.size();
  }
  std::vector<std::shared_ptr<Part>> parts;
  std::vector<std::string> attaching;
  for (size_t i = 0; i < detached_names.size(); ++i) {
    const std::string source = JoinPath(detached, detached_names[i]);
    const std::string meta_path = JoinPath(source, format::kPartMetaFile);
    const uint64_t block = first_block + i;
    format::PartMeta renamed = metas[i];
    renamed.name = format::PartName(metas[i].partition_id, block, block, metas[i].level);
    renamed.min_block = block;
    renamed.max_block = block;
    const std::string meta_tmp = meta_path + ".tmp";
    TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, meta_tmp, format::EncodePartMeta(renamed)));
    TALLY_RETURN_IF_ERROR(env_->Rename(meta_tmp, meta_path));
    TALLY_RETURN_IF_ERROR(env_->SyncDir(source));
    attaching.push_back(JoinPath(table->dir, absl::StrCat(kAttachingPrefix, renamed.name)));
    TALLY_RETURN_IF_ERROR(env_->Rename(source, attaching.back()));
    TALLY_RETURN_IF_ERROR(env_->SyncDir(detached));
    TALLY_RETURN_IF_ERROR(env_->SyncDir(table->dir));
    TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Part> part, Part::Open(env_, attaching.back(), renamed.name));
    parts.push_back(std::move(part));
  }

  // The parts go in untracked: their keys were not compared with the table's, so FINAL
  // merges their partitions (engine/superseded.h).
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end() || it->second != table) {
    return absl::AbortedError(absl::StrCat(what, ": the table was dropped meanwhile (the parts stay in ", table->dir,
                                           "/attaching_* until the next open sets them aside again)"));
  }
  format::ManifestEdit edit;
  for (const auto& part : parts) edit.ops.push_back(format::ManifestOp::AddPart(name, part->name(), part->rows()));
  edit.ops.push_back(format::ManifestOp::NextBlock(name, table->next_block));
  return Commit(order, lock, edit, [&] {
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string final_dir = JoinPath(table->dir, parts[i]->name());
      if (env_->Rename(attaching[i], final_dir).ok()) parts[i]->MovedTo(final_dir);
      table->parts.push_back(parts[i]);
      (void)env_->RemoveAll(ReasonPath(detached, detached_names[i]));
    }
    std::sort(table->parts.begin(), table->parts.end(),
              [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
  });
}

absl::Status Database::DetachPartition(const std::string& name, const std::string& partition_id,
                                       uint64_t* parts_detached) {
  const std::string what = absl::StrCat("DETACH PARTITION ID '", partition_id, "' of ", name);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  if (!poisoned_.ok()) return poisoned_;
  auto it = tables_.find(name);
  if (it == tables_.end()) {
    return CodedError(ErrorCode::kUnknownTable, absl::StrCat("table '", name, "' does not exist"));
  }
  Table& table = *it->second;
  const std::vector<PartPtr> detaching = PartsOf(table, partition_id);
  if (parts_detached != nullptr) *parts_detached = detaching.size();
  if (detaching.empty()) return absl::OkStatus();
  // Each part moves to detaching_<p> before the edit that removes it from the table: a
  // crash before the edit leaves committed parts there, which recovery moves back; after
  // it, parts the table no longer holds, which recovery moves on to detached/. A removed
  // part is never left where recovery would take it for merged-away garbage.
  auto detaching_dir = [&](const std::string& part) {
    return JoinPath(table.dir, absl::StrCat(kDetachingPrefix, part));
  };
  // An inline part is copied there from memory instead; recovery removes such a copy
  // while the manifest still holds the part.
  std::vector<std::string> moved;
  std::vector<std::string> copied;
  auto undo = [&](absl::Status s) {
    for (const std::string& p : moved) (void)env_->Rename(detaching_dir(p), JoinPath(table.dir, p));
    for (const std::string& p : copied) (void)env_->RemoveAll(detaching_dir(p));
    (void)env_->SyncDir(table.dir);
    return WithMessage(s, absl::StrCat(what, ": ", s.message()));
  };
  for (const PartPtr& p : detaching) {
    if (IsInline(*p)) {
      copied.push_back(p->name());
      if (absl::Status s = CopyPart(*p, env_, detaching_dir(p->name())); !s.ok()) return undo(s);
      continue;
    }
    absl::Status s = env_->Rename(JoinPath(table.dir, p->name()), detaching_dir(p->name()));
    if (!s.ok()) return undo(s);
    moved.push_back(p->name());
  }
  if (absl::Status s = env_->SyncDir(table.dir); !s.ok()) return undo(s);
  format::ManifestEdit edit;
  for (const PartPtr& p : detaching) edit.ops.push_back(format::ManifestOp::RemovePart(name, p->name()));
  edit.ops.push_back(format::ManifestOp::Named(format::ManifestOp::Kind::kForgetInsertTokens, name));
  const std::string detached = JoinPath(table.dir, kDetachedDir);
  absl::Status committed = Commit(order, lock, edit, [&] {
    table.dedup.Clear();
    std::erase_if(table.parts, [&](const PartPtr& p) { return p->meta().partition_id == partition_id; });
    for (const PartPtr& p : detaching) table.superseded.erase(p->name());
    RebuildEventKeys(&table);
  });
  // On failure the edit may still have reached the manifest (the database is poisoned);
  // the next open moves each part back or on, by what the manifest says.
  if (!committed.ok()) return committed;
  // Scans may still hold these parts: their directory names go stale (messages only), and
  // the parts are never marked obsolete, so nothing deletes the directories.
  absl::Status status;
  for (const PartPtr& p : detaching) {
    auto aside = SetAside(env_, detaching_dir(p->name()), detached,
                          format::DetachedReason{kUserDetachedKind, name, p->name(), 0,
                                                 "ALTER TABLE ... DETACH PARTITION"});
    if (!aside.ok() && status.ok()) status = aside.status();  // safe where it is; the next open moves it on
  }
  return status;
}

}  // namespace tally::engine
