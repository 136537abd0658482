// Database::Open's recovery: read the manifest, compare what it commits with what is on
// disk, and act only on what it can account for (docs/architecture.md, "Recovery").
//
//   on disk                           manifest says               a read-write open
//   tmp_insert_<p>/, attaching_<p>/   <p> committed               renames it to <p>/
//   tmp_insert_<p>/                   nothing                     deletes it (unfinished write)
//   attaching_<p>/                    nothing                     returns it to detached/
//   detaching_<p>/                    <p> committed               moves it back to <p>/
//   detaching_<p>/                    nothing                     moves it on to detached/<p>
//   <p>/                              committed                   opens it; if broken, sets it aside
//   <p>/                              removed by an edit          deletes it (merged away, truncated)
//   <p>/                              nothing                     refuses (repair: sets it aside)
//   no <p>/                           committed                   refuses (repair: records it missing)
//   tables/<d>/ of no table           dropped by an edit, or empty  deletes it
//   tables/<d>/ of no table           nothing, and holds parts    refuses (repair: sets it aside)
//
// Everything is planned before anything is done, so a refusal changes nothing. A
// read-only open does none of it: it opens committed parts wherever they are and refuses
// what it would have to repair.
#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "engine/detached.h"
#include "engine/error_code.h"
#include "engine/manifest_replay.h"
#include "engine/part_writer.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

// One step of the plan.
struct Action {
  enum class Kind {
    kPublish,        // rename `path` to `target` (a committed part's interrupted rename)
    kRemove,         // delete `path` (garbage a committed edit or an unfinished write left)
    kSetAside,       // move `path` into `target` (a detached directory) with `reason`
    kRecordMissing,  // write a reason file into `target` for a committed part with no directory
    kMakeDir,        // create the directory `path`
  };
  Kind kind;
  std::string path;
  std::string target;
  format::DetachedReason reason;
  std::string event;  // what the recovery report says
  uint64_t RecoveryReport::*counter = nullptr;  // what it counts as, if anything
};

struct Plan {
  std::vector<Action> actions;
  std::vector<std::string> refusals;  // what a plain open cannot account for
  // Table name -> part -> where it is now (the final or the temporary directory).
  std::map<std::string, std::map<std::string, std::string>> locations;
  // Committed parts dropped from the catalog (set aside earlier, or missing under repair).
  std::map<std::string, std::set<std::string>> dropped;
};

// Whether `dir` (a directory under tables/ that no table owns) holds nothing worth
// keeping: no part, no detached entry; only temporary directories of unfinished writes.
absl::StatusOr<bool> HoldsNothing(Env* env, const std::string& dir) {
  TALLY_ASSIGN_OR_RETURN(std::vector<std::string> entries, env->ListDir(dir));
  for (const std::string& e : entries) {
    if (absl::StartsWith(e, kTmpPartPrefix)) continue;
    if (e == kDetachedDir) {
      TALLY_ASSIGN_OR_RETURN(std::vector<std::string> detached, env->ListDir(JoinPath(dir, e)));
      if (detached.empty()) continue;
    }
    return false;
  }
  return true;
}

std::string Hint(const std::string& dir) {
  return absl::StrCat("nothing was changed. `tally repair --data ", dir,
                      "` sets aside what cannot be accounted for, deleting nothing (docs/architecture.md, Recovery)");
}

// Whether directories `a` and `b` hold the same part: both have a part.meta, byte for
// byte equal (it holds the size and checksum of every other file of the part), and the
// same file names.
bool SameDirectoryTwice(Env* env, const std::string& a, const std::string& b) {
  auto list_a = env->ListDir(a);
  auto list_b = env->ListDir(b);
  if (!list_a.ok() || !list_b.ok()) return false;
  std::sort(list_a->begin(), list_a->end());
  std::sort(list_b->begin(), list_b->end());
  if (*list_a != *list_b) return false;
  auto meta_a = env->ReadFileToString(JoinPath(a, format::kPartMetaFile));
  auto meta_b = env->ReadFileToString(JoinPath(b, format::kPartMetaFile));
  if (!meta_a.ok() || !meta_b.ok() || *meta_a != *meta_b) return false;
  for (const std::string& file : *list_a) {
    auto size_a = env->GetFileSize(JoinPath(a, file));
    auto size_b = env->GetFileSize(JoinPath(b, file));
    if (!size_a.ok() || !size_b.ok() || *size_a != *size_b) return false;
  }
  return true;
}

}  // namespace

absl::Status Database::Recover(bool repair) {
  if (!read_only_) return RecoverOnce(repair);
  if (!env_->FileExists(dir_)) return absl::NotFoundError(absl::StrCat("database ", dir_, " does not exist"));
  // A read-only open may race the writer: a merge can remove a part between our reading
  // the manifest and opening the part, and a record being appended can be half there.
  // Read everything again a few times before calling it damage.
  absl::Status s;
  for (int attempt = 0; attempt < 20; ++attempt) {
    s = RecoverOnce(false);
    if (s.ok() || (!absl::IsDataLoss(s) && !absl::IsNotFound(s))) return s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      tables_.clear();
      databases_.clear();
    }
    recovery_ = RecoveryReport();
    std::this_thread::sleep_for(std::chrono::milliseconds(10 * std::min(attempt + 1, 10)));
  }
  return s;
}

absl::Status Database::RecoverOnce(bool repair) {
  const std::string manifest_path = JoinPath(dir_, kManifestFile);
  std::lock_guard<std::mutex> lock(mu_);
  if (!read_only_) {
    if (!env_->FileExists(dir_)) TALLY_RETURN_IF_ERROR(env_->CreateDirs(dir_));
    auto locked = env_->LockFile(JoinPath(dir_, kLockFile));
    if (!locked.ok()) {
      if (absl::IsFailedPrecondition(locked.status())) {
        return absl::FailedPreconditionError(absl::StrCat(
            "database ", dir_, " is open for writing elsewhere: ", locked.status().message(),
            ". One process writes a directory at a time; open it read-only to read beside it"));
      }
      return WithMessage(locked.status(),
                         absl::StrCat("database ", dir_, ": cannot take the write lock: ", locked.status().message()));
    }
    lock_ = std::move(*locked);
  }

  if (!env_->FileExists(manifest_path)) {
    if (env_->FileExists(TablesDir())) {
      TALLY_ASSIGN_OR_RETURN(auto entries, env_->ListDir(TablesDir()));
      if (!entries.empty()) {
        return absl::DataLossError(absl::StrCat(dir_, ": ", entries.size(),
                                                " table directories but no MANIFEST; refusing to open"));
      }
    }
    if (read_only_) return absl::OkStatus();  // an empty database
    // A new database. Its directories must be durable, or a crash could take the whole
    // database with them, acknowledged inserts included.
    TALLY_RETURN_IF_ERROR(env_->CreateDirs(TablesDir()));
    const size_t slash = dir_.find_last_of('/');
    const std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dir_.substr(0, slash);
    TALLY_RETURN_IF_ERROR(env_->SyncDir(parent));
    TALLY_RETURN_IF_ERROR(env_->SyncDir(dir_));
    TALLY_RETURN_IF_ERROR(WriteSnapshot());
    recovery_.wrote = true;
    return absl::OkStatus();
  }

  TALLY_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFileToString(manifest_path));
  auto contents = format::DecodeManifest(format::AsBytes(bytes), manifest_path,
                                         repair ? format::ManifestReadMode::kSalvage : format::ManifestReadMode::kStrict);
  if (!contents.ok()) {
    if (!absl::IsDataLoss(contents.status())) return contents.status();
    return absl::DataLossError(absl::StrCat(contents.status().message(), ": the manifest is damaged; ",
                                            read_only_ ? "nothing was changed" : Hint(dir_)));
  }
  auto catalog = ReplayManifest(*contents, manifest_path, repair ? ReplayMode::kSalvage : ReplayMode::kStrict);
  if (!catalog.ok()) {
    return absl::DataLossError(absl::StrCat(catalog.status().message(), ": the manifest is damaged; ",
                                            read_only_ ? "nothing was changed" : Hint(dir_)));
  }
  bool catalog_changed = false;  // the catalog differs from the manifest: rewrite it
  if (contents->torn_tail) {
    recovery_.manifest_torn_tail = true;
    catalog_changed = true;
    recovery_.events.push_back(absl::StrCat("manifest: dropped a torn last record at offset ", contents->valid_bytes,
                                            " (", bytes.size() - contents->valid_bytes,
                                            " bytes, cut short by a crash before its sync: never acknowledged)"));
  }
  const bool damaged = !contents->damage.empty() || !catalog->skipped.empty();
  for (const std::string& d : contents->damage) recovery_.events.push_back(absl::StrCat("repair: manifest: ", d));
  for (const std::string& d : catalog->skipped) recovery_.events.push_back(absl::StrCat("repair: manifest: ", d));
  recovery_.manifest_damage = contents->damage.size() + catalog->skipped.size();

  for (const std::string& d : catalog->databases) databases_.insert(d);
  for (auto& [name, replayed] : catalog->tables) {
    if (absl::Status s = CheckImplemented(replayed.schema); !s.ok()) {
      return absl::UnimplementedError(absl::StrCat("database ", dir_, ": table '", name, "': ", s.message(),
                                                   " in this build (created by a newer tally?); nothing was changed"));
    }
  }
  for (auto& [name, replayed] : catalog->tables) {
    auto table = std::make_shared<Table>();
    table->name = name;
    table->schema = std::make_shared<const format::TableSchema>(replayed.schema);
    TALLY_ASSIGN_OR_RETURN(table->ttl, TableTtl::Make(replayed.schema));
    table->dir_name = replayed.dir_name;
    table->dir = JoinPath(TablesDir(), replayed.dir_name);
    table->next_block = replayed.next_block;
    TALLY_ASSIGN_OR_RETURN(table->partition, PartitionKey::Parse(replayed.schema.partition_by, replayed.schema));
    table->defaults = TableDefaults::Make(replayed.schema);
    TALLY_ASSIGN_OR_RETURN(table->engine, ParseEngine(replayed.schema));
    TALLY_ASSIGN_OR_RETURN(table->rule, MakeTableRule(table->engine, replayed.schema));
    table->tracks_superseded = TracksSuperseded(table->engine);
    TALLY_ASSIGN_OR_RETURN(table->dedup_settings, ParseDedupSettings(replayed.schema));
    TALLY_ASSIGN_OR_RETURN(table->event_dedup, ParseEventDedup(replayed.schema));
    for (auto& [token, time_us] : replayed.tokens) table->dedup.Add(std::move(token), time_us, table->dedup_settings);
    tables_[name] = std::move(table);
  }
  for (auto& [name, def] : catalog->views) views_[name] = ViewEntry{std::move(def), nullptr};

  // ---- Plan ----
  Plan plan;
  const int64_t now_s = absl::ToUnixSeconds(absl::Now());
  auto reason = [&](std::string kind, const std::string& table, std::string part, std::string message) {
    return format::DetachedReason{std::move(kind), table, std::move(part), now_s, std::move(message)};
  };
  absl::flat_hash_set<std::string> owned_dirs;
  for (auto& [name, replayed] : catalog->tables) {
    Table& table = *tables_[name];
    owned_dirs.insert(table.dir_name);
    const std::string detached_dir = JoinPath(table.dir, kDetachedDir);
    // Committed parts with a directory (inline parts are in the manifest itself).
    std::set<std::string> committed;
    for (const std::string& part : replayed.parts) {
      if (!replayed.inline_parts.contains(part)) committed.insert(part);
    }
    const std::set<std::string>& removed = catalog->removed_parts[table.dir_name];
    std::vector<std::string> entries;
    if (env_->FileExists(table.dir)) {
      TALLY_ASSIGN_OR_RETURN(entries, env_->ListDir(table.dir));
    } else {
      plan.actions.push_back({Action::Kind::kMakeDir, table.dir, "", {},
                              absl::StrCat("table ", name, ": recreated its missing directory tables/", table.dir_name)});
    }
    const std::set<std::string> present(entries.begin(), entries.end());
    auto& where = plan.locations[name];
    for (const std::string& entry : entries) {
      const std::string path = JoinPath(table.dir, entry);
      if (entry == kDetachedDir) continue;
      absl::string_view rest = entry;
      const bool tmp = absl::ConsumePrefix(&rest, kTmpPartPrefix);
      const bool attaching = !tmp && absl::ConsumePrefix(&rest, kAttachingPrefix);
      const bool detaching = !tmp && !attaching && absl::ConsumePrefix(&rest, kDetachingPrefix);
      const std::string part(rest);
      if (tmp || attaching || detaching) {
        if (detaching && replayed.inline_parts.contains(part)) {
          // A DETACH PARTITION copied this inline part out and did not commit: the part is
          // still live in the manifest, and this is a copy of it.
          plan.actions.push_back({Action::Kind::kRemove, path, "", {},
                                  absl::StrCat("table ", name, ": removed ", entry, ", a copy of inline part ", part,
                                               " made by a DETACH PARTITION that did not commit (the part is live)"),
                                  &RecoveryReport::temporary_removed});
          continue;
        }
        if (committed.contains(part) && !present.contains(part)) {
          where[part] = path;
          plan.actions.push_back({Action::Kind::kPublish, path, JoinPath(table.dir, part), {},
                                  detaching ? absl::StrCat("table ", name, ": part ", part,
                                                           " is still committed: its DETACH PARTITION did not commit; "
                                                           "moved it back")
                                            : absl::StrCat("table ", name, ": part ", part,
                                                           " was committed before a crash interrupted its rename; "
                                                           "renamed it"),
                                  &RecoveryReport::published});
        } else if (detaching && SameDirectoryTwice(env_, path, JoinPath(detached_dir, part))) {
          // The move to detached/ reached detached/ and not the table's directory (they
          // are synced one after the other): the same part, byte for byte, twice.
          plan.actions.push_back({Action::Kind::kRemove, path, "", {},
                                  absl::StrCat("table ", name, ": removed ", entry, ", the leftover of moving part ",
                                               part, " to detached/, where it is whole (its part.meta equal)"),
                                  &RecoveryReport::temporary_removed});
        } else if (detaching) {
          plan.actions.push_back({Action::Kind::kSetAside, path, detached_dir,
                                  reason(kUserDetachedKind, name, part, "ALTER TABLE ... DETACH PARTITION"),
                                  absl::StrCat("table ", name, ": moved part ", part,
                                               " to detached/: its DETACH PARTITION committed before a crash"),
                                  &RecoveryReport::detached});
        } else if (attaching) {
          plan.actions.push_back({Action::Kind::kSetAside, path, detached_dir,
                                  reason("attach-interrupted", name, part, "ATTACH PART was interrupted before its commit"),
                                  absl::StrCat("table ", name, ": returned part ", part,
                                               " to detached/: its ATTACH PART did not commit"),
                                  &RecoveryReport::detached});
        } else if (repair && damaged && env_->FileExists(JoinPath(path, format::kPartMetaFile))) {
          // The manifest lost records: this complete part may have been committed.
          plan.actions.push_back({Action::Kind::kSetAside, path, detached_dir,
                                  reason("unreferenced", name, part,
                                         "a complete part awaiting its commit when the manifest was damaged; it may "
                                         "have been acknowledged"),
                                  absl::StrCat("repair: table ", name, ": set aside part ", part,
                                               " (complete, its commit may be in the damaged manifest)"),
                                  &RecoveryReport::detached});
        } else {
          plan.actions.push_back({Action::Kind::kRemove, path, "", {},
                                  absl::StrCat("table ", name, ": removed temporary part ", entry,
                                               " of a write that never committed (never acknowledged)"),
                                  &RecoveryReport::temporary_removed});
        }
        continue;
      }
      if (committed.contains(entry)) {
        where[entry] = path;
        continue;
      }
      TALLY_ASSIGN_OR_RETURN(bool is_dir, env_->IsDirectory(path));
      if (!is_dir) continue;  // not ours: left alone
      if (removed.contains(entry)) {
        plan.actions.push_back({Action::Kind::kRemove, path, "", {},
                                absl::StrCat("table ", name, ": removed part ", entry,
                                             " that a committed merge or truncate had replaced"),
                                &RecoveryReport::obsolete_removed});
        continue;
      }
      if (repair) {
        plan.actions.push_back({Action::Kind::kSetAside, path, detached_dir,
                                reason("unreferenced", name, entry, "no committed edit of the manifest names this part"),
                                absl::StrCat("repair: table ", name, ": set aside part ", entry,
                                             ", which no committed edit names"),
                                &RecoveryReport::detached});
        continue;
      }
      plan.refusals.push_back(absl::StrCat("table ", name, ": part directory ", entry,
                                           " is named by no committed edit (the manifest may have lost records)"));
    }
    std::vector<std::string> detached_entries;
    if (env_->FileExists(detached_dir)) {
      TALLY_ASSIGN_OR_RETURN(detached_entries, env_->ListDir(detached_dir));
    }
    for (const std::string& part : replayed.parts) {
      if (where.contains(part) || replayed.inline_parts.contains(part)) continue;
      if (SetAsideEarlier(detached_entries, part)) {
        // A recovery that was interrupted had set it aside already.
        plan.dropped[name].insert(part);
        catalog_changed = true;
        recovery_.events.push_back(absl::StrCat("table ", name, ": part ", part,
                                                " was set aside in detached/ by an earlier open; dropped it from the "
                                                "catalog"));
        continue;
      }
      if (repair) {
        plan.dropped[name].insert(part);
        catalog_changed = true;
        plan.actions.push_back({Action::Kind::kRecordMissing, "", detached_dir,
                                reason("missing", name, part, "committed, but its directory was not on disk"),
                                absl::StrCat("repair: table ", name, ": DATA LOSS: committed part ", part,
                                             " is missing from disk; recorded in detached/"),
                                &RecoveryReport::missing});
        continue;
      }
      plan.refusals.push_back(absl::StrCat("table ", name, ": committed part ", part, " is missing from disk"));
    }
  }
  std::vector<std::string> table_dirs;
  if (env_->FileExists(TablesDir())) {
    TALLY_ASSIGN_OR_RETURN(table_dirs, env_->ListDir(TablesDir()));
  }
  for (const std::string& entry : table_dirs) {
    if (owned_dirs.contains(entry)) continue;
    const std::string path = JoinPath(TablesDir(), entry);
    TALLY_ASSIGN_OR_RETURN(bool is_dir, env_->IsDirectory(path));
    if (!is_dir) continue;
    if (catalog->dropped_dirs.contains(entry)) {
      plan.actions.push_back({Action::Kind::kRemove, path, "", {},
                              absl::StrCat("removed directory tables/", entry, " of a dropped table")});
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(bool empty, HoldsNothing(env_, path));
    if (empty) {
      plan.actions.push_back({Action::Kind::kRemove, path, "", {},
                              absl::StrCat("removed directory tables/", entry, ", which holds no part")});
      continue;
    }
    if (repair) {
      plan.actions.push_back({Action::Kind::kSetAside, path, JoinPath(dir_, kDetachedDir),
                              reason("unowned-table", "", entry, "a table directory with parts that no table owns"),
                              absl::StrCat("repair: set aside directory tables/", entry,
                                           ", which holds parts but belongs to no table, in detached/"),
                              &RecoveryReport::detached});
      continue;
    }
    plan.refusals.push_back(absl::StrCat("directory tables/", entry, " holds parts but belongs to no table"));
  }
  if (!plan.refusals.empty()) {
    return absl::DataLossError(absl::StrCat("database ", dir_, ": ", absl::StrJoin(plan.refusals, "; "), "; ",
                                            read_only_ ? "nothing was changed" : Hint(dir_)));
  }

  // ---- Act ----
  if (!read_only_) {
    for (const Action& a : plan.actions) {
      switch (a.kind) {
        case Action::Kind::kPublish:
          TALLY_RETURN_IF_ERROR(env_->Rename(a.path, a.target));
          break;
        case Action::Kind::kRemove:
          TALLY_RETURN_IF_ERROR(env_->RemoveAll(a.path));
          break;
        case Action::Kind::kSetAside:
          TALLY_RETURN_IF_ERROR(SetAside(env_, a.path, a.target, a.reason).status());
          break;
        case Action::Kind::kRecordMissing:
          TALLY_RETURN_IF_ERROR(RecordMissing(env_, a.target, a.reason).status());
          break;
        case Action::Kind::kMakeDir:
          TALLY_RETURN_IF_ERROR(env_->CreateDirs(a.path));
          break;
      }
      recovery_.events.push_back(a.event);
      if (a.counter != nullptr) ++(recovery_.*a.counter);
      recovery_.wrote = true;
    }
    // Renames inside a table directory become durable with it.
    for (const Action& a : plan.actions) {
      if (a.kind == Action::Kind::kPublish || a.kind == Action::Kind::kRemove) {
        const size_t slash = a.path.find_last_of('/');
        TALLY_RETURN_IF_ERROR(env_->SyncDir(a.path.substr(0, slash)));
      }
    }
  }

  // ---- Open the committed parts ----
  for (auto& [name, replayed] : catalog->tables) {
    Table& table = *tables_[name];
    const auto& where = plan.locations[name];
    for (const std::string& part : replayed.parts) {
      if (plan.dropped[name].contains(part)) continue;
      if (auto in = replayed.inline_parts.find(part); in != replayed.inline_parts.end()) {
        // Its bytes passed the manifest's checksum: a part that does not open is our bug,
        // or damage in memory, and it has no directory to set aside.
        TALLY_ASSIGN_OR_RETURN(PartPtr opened, OpenInlinePart(table, part, in->second));
        table.parts.push_back(std::move(opened));
        table.inline_since_us[part] = env_->NowMicros();
        continue;
      }
      auto at = where.find(part);
      if (at == where.end()) continue;  // recorded missing (repair)
      // Published parts are in place now; a read-only open reads them where they are.
      const std::string path = read_only_ ? at->second : JoinPath(table.dir, part);
      auto opened = Part::Open(env_, path, part);
      if (opened.ok()) {
        table.parts.push_back(*opened);
        continue;
      }
      // I/O errors and newer versions stop the open rather than set a good part aside.
      if (!absl::IsDataLoss(opened.status())) return opened.status();
      if (read_only_) {
        return absl::DataLossError(absl::StrCat("table ", name, ": committed part ", part, " is damaged (",
                                                opened.status().message(),
                                                "); a read-write open sets it aside in detached/"));
      }
      TALLY_ASSIGN_OR_RETURN(std::string aside,
                             SetAside(env_, path, JoinPath(table.dir, kDetachedDir),
                                      reason("broken", name, part, std::string(opened.status().message()))));
      ++recovery_.detached;
      recovery_.wrote = true;
      catalog_changed = true;
      recovery_.events.push_back(absl::StrCat("table ", name, ": set aside broken part ", part, " in ", kDetachedDir,
                                              "/", aside, ": ", opened.status().message()));
    }
    std::sort(table.parts.begin(), table.parts.end(),
              [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
    // Rows the table lost (parts set aside or missing) may be inserted again: an insert
    // token must not turn that away.
    if (table.parts.size() != replayed.parts.size() && !table.dedup.entries().empty()) {
      recovery_.insert_tokens_forgotten += table.dedup.entries().size();
      table.dedup.Clear();
    }
    for (const PartPtr& p : table.parts) table.next_block = std::max(table.next_block, p->meta().max_block + 1);
    RebuildEventKeys(&table);
    // Superseded rows hold only while every part of their partition is live: a part set
    // aside (or missing) may hold the rows that others lose to, so its partition's records
    // go, and FINAL merges it (engine/superseded.h). Records past a part's rows are
    // damage of the same kind: dropping records never loses a row.
    if (table.tracks_superseded) {
      absl::flat_hash_map<std::string, const PartPtr*> opened_parts;
      for (const PartPtr& p : table.parts) opened_parts[p->name()] = &p;
      absl::flat_hash_set<std::string> incomplete;
      bool all_incomplete = false;
      for (const std::string& part : replayed.parts) {
        if (opened_parts.contains(part)) continue;
        format::PartNameFields fields;
        if (format::ParsePartName(part, &fields)) {
          incomplete.insert(fields.partition_id);
        } else {
          all_incomplete = true;
        }
      }
      for (const auto& [part, runs] : replayed.superseded) {
        auto at = opened_parts.find(part);
        if (at == opened_parts.end()) continue;
        const Part& p = **at->second;
        if (incomplete.contains(p.meta().partition_id)) continue;
        if (!runs.empty() && runs.back().end > p.rows()) {
          recovery_.events.push_back(absl::StrCat("table ", name, ": part ", part, ": superseded rows recorded up to row ",
                                                  runs.back().end, " of ", p.rows(), "; ignored (FINAL merges its partition)"));
          incomplete.insert(p.meta().partition_id);
          continue;
        }
        table.superseded[part] = std::make_shared<const format::RowRuns>(runs);
      }
      absl::erase_if(table.superseded, [&](const auto& entry) {
        auto at = opened_parts.find(entry.first);
        return all_incomplete || at == opened_parts.end() ||
               incomplete.contains((*at->second)->meta().partition_id);
      });
    }
  }
  if (read_only_) return absl::OkStatus();

  // ---- The manifest ----
  if (repair && damaged) {
    // Keep the damaged log for whoever investigates; the snapshot replaces it.
    const std::string copy = JoinPath(dir_, absl::StrCat(kManifestFile, ".damaged-", now_s));
    TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, copy, bytes));
    recovery_.events.push_back(absl::StrCat("repair: kept the damaged manifest as ", copy));
  }
  if (catalog_changed || (repair && damaged)) {
    TALLY_RETURN_IF_ERROR(WriteSnapshot());
    recovery_.wrote = true;
    return absl::OkStatus();
  }
  // Appends keep the file's version: only a rewrite moves it to the current one.
  manifest_version_ = contents->version;
  TALLY_ASSIGN_OR_RETURN(manifest_, env_->NewAppendableFile(manifest_path));
  manifest_bytes_ = bytes.size();
  snapshot_bytes_ = contents->edit_offsets.size() > 1 ? contents->edit_offsets[1] : bytes.size();
  return absl::OkStatus();
}

}  // namespace tally::engine
