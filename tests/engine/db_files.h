// Test helpers for reaching under a Database: the files of its directory (listing,
// snapshotting, restoring, damaging them), scanning a table, and column definitions.
// Shared by the engine tests.
//
// Not synchronized; for single-threaded tests.
#ifndef TALLY_TESTS_ENGINE_DB_FILES_H_
#define TALLY_TESTS_ENGINE_DB_FILES_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/env.h"
#include "format/status_macros.h"

namespace tally::testing_db {

// Relative path (from the root given to SnapshotFiles) -> contents.
using FileMap = std::map<std::string, std::string>;

inline absl::Status CollectFiles(engine::Env* env, const std::string& root, const std::string& rel,
                                 FileMap* out) {
  const std::string dir = rel.empty() ? root : engine::JoinPath(root, rel);
  TALLY_ASSIGN_OR_RETURN(std::vector<std::string> entries, env->ListDir(dir));
  for (const std::string& entry : entries) {
    const std::string child = rel.empty() ? entry : engine::JoinPath(rel, entry);
    TALLY_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(engine::JoinPath(root, child)));
    if (is_dir) {
      TALLY_RETURN_IF_ERROR(CollectFiles(env, root, child, out));
    } else {
      TALLY_ASSIGN_OR_RETURN((*out)[child], env->ReadFileToString(engine::JoinPath(root, child)));
    }
  }
  return absl::OkStatus();
}

// Every file under `root`, recursively. Empty directories are not kept.
inline absl::StatusOr<FileMap> SnapshotFiles(engine::Env* env, const std::string& root) {
  FileMap files;
  TALLY_RETURN_IF_ERROR(CollectFiles(env, root, "", &files));
  return files;
}

// Writes every file of `files` under `root`, creating directories. Nothing is synced (the
// tests that restore never crash), which keeps restores onto real disks fast.
inline absl::Status RestoreFiles(engine::Env* env, const std::string& root, const FileMap& files) {
  for (const auto& [rel, bytes] : files) {
    const std::string path = engine::JoinPath(root, rel);
    TALLY_RETURN_IF_ERROR(env->CreateDirs(path.substr(0, path.rfind('/'))));
    TALLY_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(path));
    TALLY_RETURN_IF_ERROR(file->Append(bytes));
    TALLY_RETURN_IF_ERROR(file->Close());
  }
  return absl::OkStatus();
}

// The one table directory under <db>/tables.
inline absl::StatusOr<std::string> OnlyTableDir(engine::Env* env, const std::string& db_dir) {
  const std::string tables = engine::JoinPath(db_dir, "tables");
  TALLY_ASSIGN_OR_RETURN(std::vector<std::string> entries, env->ListDir(tables));
  if (entries.size() != 1) {
    return absl::FailedPreconditionError(absl::StrCat(tables, " holds ", entries.size(), " entries"));
  }
  return engine::JoinPath(tables, entries[0]);
}

// Every block a scan of `table` gives (by default every row of every column); the first
// error if any block fails. *stats (may be null) gets the scan's statistics.
inline absl::StatusOr<std::vector<engine::Block>> ScanAll(const engine::Database& db, const std::string& table,
                                                          engine::ScanOptions options = {},
                                                          engine::ScanStats* stats = nullptr) {
  TALLY_ASSIGN_OR_RETURN(auto cursor, db.Scan(table, std::move(options)));
  std::vector<engine::Block> out;
  while (true) {
    engine::Block b;
    TALLY_ASSIGN_OR_RETURN(bool more, cursor->Next(&b));
    if (!more) break;
    out.push_back(std::move(b));
  }
  if (stats != nullptr) *stats = cursor->stats();
  return out;
}

// A column definition from a type's text ("LowCardinality(String)").
inline format::ColumnDef Col(const std::string& name, const std::string& type) {
  return format::ColumnDef{name, *format::ParseDataType(type), {}, ""};
}

// Multiset of rendered rows, for order-insensitive comparison.
inline std::multiset<std::string> Rows(const std::vector<engine::Block>& blocks) {
  std::multiset<std::string> out;
  for (const engine::Block& b : blocks) {
    for (size_t r = 0; r < b.rows(); ++r) {
      std::string row;
      for (const auto& c : b.columns) absl::StrAppend(&row, c.GetValue(r).DebugString(), "|");
      out.insert(std::move(row));
    }
  }
  return out;
}

}  // namespace tally::testing_db

#endif  // TALLY_TESTS_ENGINE_DB_FILES_H_
