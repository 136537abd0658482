// The Database's side of the manifest: appending an edit (Commit) and rewriting the log as
// one snapshot record (at an open that repaired something, and when the log has grown).
// Appends keep the file's version; a rewrite writes the current one, and so does an edit
// that the file's older version cannot hold (UpgradeManifest, which keeps every record).
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/part_writer.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::ManifestEdit;
using format::ManifestOp;

absl::Status Database::WriteSnapshot() {
  ManifestEdit snapshot;
  std::vector<std::string> databases(databases_.begin(), databases_.end());
  std::sort(databases.begin(), databases.end());
  for (const std::string& d : databases) snapshot.ops.push_back(ManifestOp::Named(ManifestOp::Kind::kCreateDatabase, d));
  std::vector<std::string> names;
  for (const auto& [name, table] : tables_) names.push_back(name);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const Table& t = *tables_[name];
    snapshot.ops.push_back(ManifestOp::CreateTable(name, *t.schema, t.dir_name));
    snapshot.ops.push_back(ManifestOp::NextBlock(name, t.next_block));
    for (const PartPtr& p : t.parts) {
      if (IsInline(*p)) {
        TALLY_ASSIGN_OR_RETURN(ManifestOp op, InlinePartOp(t, *p));
        snapshot.ops.push_back(std::move(op));
      } else {
        snapshot.ops.push_back(ManifestOp::AddPart(name, p->name(), p->rows()));
      }
      if (auto it = t.superseded.find(p->name()); it != t.superseded.end()) {
        snapshot.ops.push_back(ManifestOp::Supersede(name, p->name(), *it->second));
      }
    }
    for (const auto& [token, time_us] : t.dedup.entries()) {
      snapshot.ops.push_back(ManifestOp::InsertToken(name, token, time_us));
    }
  }
  // Views after every table: each names its source and target.
  std::vector<std::string> views;
  for (const auto& [name, view] : views_) views.push_back(name);
  std::sort(views.begin(), views.end());
  for (const std::string& v : views) snapshot.ops.push_back(ManifestOp::CreateView(v, views_.at(v).def));
  std::string bytes = format::ManifestHeader();
  TALLY_RETURN_IF_ERROR(format::EncodeManifestRecord(&bytes, snapshot));
  TALLY_RETURN_IF_ERROR(ReplaceManifest(bytes));
  snapshot_bytes_ = bytes.size();
  return absl::OkStatus();
}

absl::Status Database::UpgradeManifest() {
  const std::string path = JoinPath(dir_, kManifestFile);
  TALLY_ASSIGN_OR_RETURN(std::string old_bytes, env_->ReadFileToString(path));
  TALLY_ASSIGN_OR_RETURN(format::ManifestContents contents, format::DecodeManifest(format::AsBytes(old_bytes), path));
  if (contents.torn_tail || contents.valid_bytes != old_bytes.size()) {
    // Opening rewrites a torn tail and every append is whole, so this is our bug.
    return absl::InternalError(absl::StrCat(path, ": ", old_bytes.size() - contents.valid_bytes,
                                            " bytes past the last whole record while upgrading it"));
  }
  std::string bytes = format::ManifestHeader();
  uint64_t first_record_end = 0;
  for (const ManifestEdit& edit : contents.edits) {
    TALLY_RETURN_IF_ERROR(format::EncodeManifestRecord(&bytes, edit));
    if (first_record_end == 0) first_record_end = bytes.size();
  }
  TALLY_RETURN_IF_ERROR(ReplaceManifest(bytes));
  snapshot_bytes_ = first_record_end != 0 ? first_record_end : bytes.size();
  return absl::OkStatus();
}

absl::Status Database::ReplaceManifest(const std::string& bytes) {
  const std::string tmp = JoinPath(dir_, std::string(kManifestFile) + ".tmp");
  TALLY_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(tmp));
  TALLY_RETURN_IF_ERROR(file->Append(bytes));
  TALLY_RETURN_IF_ERROR(file->Sync());
  TALLY_RETURN_IF_ERROR(env_->Rename(tmp, JoinPath(dir_, kManifestFile)));
  // Past the rename, later edits go to the new file; if the rename is not durable, a
  // crash would bring the old file back without them. So a failed sync here poisons.
  absl::Status synced = env_->SyncDir(dir_);
  if (!synced.ok()) {
    poisoned_ = absl::FailedPreconditionError(absl::StrCat("database ", dir_, ": rewriting the manifest failed (",
                                                           synced.message(), "); reopen the database to continue"));
    return synced;
  }
  if (manifest_ != nullptr) (void)manifest_->Close();
  manifest_ = std::move(file);  // later edits append to the renamed file
  manifest_bytes_ = bytes.size();
  manifest_version_ = format::kManifestVersion;
  return absl::OkStatus();
}

absl::Status Database::Commit(std::unique_lock<std::mutex>& order, std::unique_lock<std::mutex>& lock,
                              const ManifestEdit& edit, const std::function<void()>& apply) {
  if (!order.owns_lock() || order.mutex() != &log_mu_ || !lock.owns_lock() || lock.mutex() != &mu_) {
    return absl::InternalError("Database::Commit without log_mu_ and mu_ held");
  }
  if (!poisoned_.ok()) return poisoned_;
  // An edit the file's version cannot hold moves the file to the current version first.
  if (format::MinManifestVersion(edit) > manifest_version_) TALLY_RETURN_IF_ERROR(UpgradeManifest());
  std::string record;
  TALLY_RETURN_IF_ERROR(format::EncodeManifestRecord(&record, edit, manifest_version_));
  lock.unlock();
  absl::Status s = manifest_->Append(record);
  if (s.ok()) s = manifest_->Sync();
  lock.lock();
  if (!s.ok()) {
    poisoned_ = absl::FailedPreconditionError(absl::StrCat(
        "database ", dir_, ": a manifest write failed (", s.message(), "); reopen the database to continue"));
    return s;
  }
  manifest_bytes_ += record.size();
  commits_.fetch_add(1, std::memory_order_relaxed);
  manifest_syncs_.fetch_add(1, std::memory_order_relaxed);
  manifest_appended_.fetch_add(record.size(), std::memory_order_relaxed);
  apply();
  if (manifest_bytes_ >= manifest_rewrite_bytes_ && manifest_bytes_ >= 4 * snapshot_bytes_) MaybeCompactManifest();
  return absl::OkStatus();
}

void Database::MaybeCompactManifest() {
  // A snapshot keeps no history, so it must not be written while anything on disk is
  // garbage only by the log's account: parts a committed edit removed that a scan still
  // holds, and directories of dropped tables.
  std::erase_if(dropped_dirs_, [this](const std::string& dir) { return env_->RemoveAll(dir).ok(); });
  if (!dropped_dirs_.empty()) return;
  for (const auto& [name, table] : tables_) {
    auto entries = env_->ListDir(table->dir);
    if (!entries.ok()) return;
    absl::flat_hash_set<std::string> live;
    for (const PartPtr& p : table->parts) live.insert(p->name());
    for (const std::string& e : *entries) {
      if (e == kDetachedDir || absl::StartsWith(e, kTmpPartPrefix) || absl::StartsWith(e, kAttachingPrefix)) continue;
      if (!live.contains(e)) return;  // an obsolete part still read by a scan
    }
  }
  // A failure leaves the old log in use (or, past its rename, poisons): the edit that
  // triggered this is durable either way.
  (void)WriteSnapshot();
}

}  // namespace tally::engine
