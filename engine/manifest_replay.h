// ReplayManifest: the catalog a manifest describes (databases, tables and their committed
// parts), and what its edits prove to be garbage (parts merged away or truncated, the
// directories of dropped tables), so that recovery deletes only what a committed edit
// removed.
//
// Strict replay refuses any edit that does not apply (a part added twice, a part removed
// that is not there, a table created twice, an op on a table that does not exist): such
// a manifest is damaged, and guessing could double-count or drop acknowledged rows.
// Salvage replay (for repair) skips such an edit whole and says why; an edit applies all
// or nothing, so a merge's output is never live beside one of its inputs.
//
// Pure (no I/O); thread-compatible.
#ifndef TALLY_ENGINE_MANIFEST_REPLAY_H_
#define TALLY_ENGINE_MANIFEST_REPLAY_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "format/manifest_format.h"
#include "format/row_runs.h"
#include "format/table_schema.h"

namespace tally::engine {

struct ReplayedTable {
  format::TableSchema schema;
  std::string dir_name;            // under tables/
  std::vector<std::string> parts;  // committed, in commit order
  // Those of `parts` held in the manifest (inline parts), with their files.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> inline_parts;
  uint64_t next_block = 1;
  // Tracked parts (ReplacingMergeTree, engine/superseded.h) and their superseded rows.
  std::map<std::string, format::RowRuns> superseded;
  // Insert deduplication tokens and their times, oldest first (the window trims them).
  std::vector<std::pair<std::string, uint64_t>> tokens;
};

struct ReplayedCatalog {
  std::set<std::string> databases;  // besides "default"
  std::map<std::string, ReplayedTable> tables;
  std::map<std::string, format::ViewDef> views;  // materialized views by name
  // Table directory -> parts that committed edits removed (merge inputs, truncated parts).
  std::map<std::string, std::set<std::string>> removed_parts;
  // Directories of tables a committed edit dropped.
  std::set<std::string> dropped_dirs;
  // Salvage only: each edit skipped, with its offset and why.
  std::vector<std::string> skipped;
};

enum class ReplayMode { kStrict, kSalvage };

// `what` names the manifest in errors. Strict: DataLoss naming the edit's offset when an
// edit does not apply.
absl::StatusOr<ReplayedCatalog> ReplayManifest(const format::ManifestContents& contents, const std::string& what,
                                               ReplayMode mode);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MANIFEST_REPLAY_H_
