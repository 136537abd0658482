// Detached directories (engine/detached.h) and the Database's ATTACH PART, DROP DETACHED
// PART and listing of what is set aside.
#include "engine/detached.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "format/part_format.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

constexpr const char* kKinds[] = {"broken", "unreferenced", "missing", "attach-interrupted", "unowned-table"};

std::string ReasonPath(const std::string& detached_dir, const std::string& name) {
  return JoinPath(detached_dir, name + format::kDetachedReasonSuffix);
}

// "<kind>_<part>", made unique among the entries of `detached_dir`.
absl::StatusOr<std::string> FreeName(Env* env, const std::string& detached_dir, const format::DetachedReason& r) {
  const std::string base = absl::StrCat(r.kind, "_", r.part);
  for (int n = 1; n < 1000; ++n) {
    std::string name = n == 1 ? base : absl::StrCat(base, "_", n);
    if (!env->FileExists(JoinPath(detached_dir, name)) && !env->FileExists(ReasonPath(detached_dir, name))) {
      return name;
    }
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
  const std::string what = absl::StrCat("ATTACH PART '", detached_name, "' to ", name);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_RETURN_IF_ERROR(CheckDetachedName(name, detached_name));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  const std::string detached = JoinPath(table->dir, kDetachedDir);
  const std::string source = JoinPath(detached, detached_name);
  if (!env_->FileExists(source)) {
    return absl::NotFoundError(absl::StrCat(what, ": no such part in ", detached, " (see system.detached_parts)"));
  }
  // Validate it whole, where it lies: part.meta, every file's checksum, the table's
  // columns and sorting key, and that every row belongs to the part's partition.
  const std::string meta_path = JoinPath(source, format::kPartMetaFile);
  auto meta_bytes = env_->ReadFileToString(meta_path);
  if (!meta_bytes.ok()) return absl::DataLossError(absl::StrCat(what, ": ", meta_bytes.status().message()));
  auto meta = format::DecodePartMeta(format::AsBytes(*meta_bytes), meta_path);
  if (!meta.ok()) return absl::DataLossError(absl::StrCat(what, ": ", meta.status().message()));
  auto invalid = [&](absl::string_view why) { return absl::InvalidArgumentError(absl::StrCat(what, ": ", why)); };
  if (meta->columns.size() != table->schema.columns.size()) {
    return invalid(absl::StrCat("the part has ", meta->columns.size(), " columns, the table ",
                                table->schema.columns.size()));
  }
  for (size_t c = 0; c < meta->columns.size(); ++c) {
    const format::ColumnDef& want = table->schema.columns[c];
    const format::ColumnMeta& got = meta->columns[c];
    if (got.name != want.name || !got.type->Equals(*want.type)) {
      return invalid(absl::StrCat("column ", c + 1, " is ", got.name, " ", got.type->ToString(), ", the table's is ",
                                  want.name, " ", want.type->ToString()));
    }
  }
  if (meta->sort_key != table->schema.sort_key) return invalid("the part is sorted by another key than the table");
  auto opened = Part::Open(env_, source, meta->name);
  if (!opened.ok()) return absl::DataLossError(absl::StrCat(what, ": ", opened.status().message()));
  TALLY_RETURN_IF_ERROR((*opened)->VerifyChecksums());
  {
    TALLY_ASSIGN_OR_RETURN(auto cursor, ScanCursor::Make(table->schema, {*opened}, {}));
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
  opened->reset();

  // A new block number, so it cannot clash with what merges made since it was set aside
  // (ClickHouse does the same). part.meta is rewritten under the new name in place, then
  // the part moves into the table as attaching_<name>: a crash before the commit leaves
  // that for recovery to return to detached/, and never deletes it.
  uint64_t block;
  {
    std::lock_guard<std::mutex> lock(mu_);
    block = table->next_block++;
  }
  format::PartMeta renamed = *meta;
  renamed.name = format::PartName(meta->partition_id, block, block, meta->level);
  renamed.min_block = block;
  renamed.max_block = block;
  const std::string meta_tmp = meta_path + ".tmp";
  TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, meta_tmp, format::EncodePartMeta(renamed)));
  TALLY_RETURN_IF_ERROR(env_->Rename(meta_tmp, meta_path));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(source));
  const std::string attaching = JoinPath(table->dir, absl::StrCat(kAttachingPrefix, renamed.name));
  TALLY_RETURN_IF_ERROR(env_->Rename(source, attaching));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(detached));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(table->dir));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Part> part, Part::Open(env_, attaching, renamed.name));

  // The part goes in untracked: its keys were not compared with the table's, so FINAL
  // merges its partition (engine/superseded.h).
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if (it == tables_.end() || it->second != table) {
    return absl::AbortedError(absl::StrCat(what, ": the table was dropped meanwhile (the part stays in ", attaching,
                                           " until the next open sets it aside again)"));
  }
  format::ManifestEdit edit;
  edit.ops.push_back(format::ManifestOp::AddPart(name, renamed.name, part->rows()));
  edit.ops.push_back(format::ManifestOp::NextBlock(name, table->next_block));
  return Commit(edit, [&] {
    const std::string final_dir = JoinPath(table->dir, renamed.name);
    if (env_->Rename(attaching, final_dir).ok()) part->MovedTo(final_dir);
    table->parts.push_back(part);
    (void)env_->RemoveAll(ReasonPath(detached, detached_name));
  });
}

}  // namespace tally::engine
