#include "engine/manifest_replay.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/partition.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::ManifestEdit;
using format::ManifestOp;

namespace {

// What an edit may change, saved before a salvage replay applies it so that an edit that
// fails halfway can be undone.
struct Saved {
  std::set<std::string> databases;
  std::map<std::string, format::ViewDef> views;
  std::map<std::string, std::optional<ReplayedTable>> tables;
  std::map<std::string, std::optional<std::set<std::string>>> removed_parts;
  std::set<std::string> dropped_dirs;
};

Saved Save(const ReplayedCatalog& catalog, const ManifestEdit& edit) {
  Saved saved;
  saved.databases = catalog.databases;
  saved.views = catalog.views;
  saved.dropped_dirs = catalog.dropped_dirs;
  for (const ManifestOp& op : edit.ops) {
    auto it = catalog.tables.find(op.table);
    if (saved.tables.contains(op.table)) continue;
    saved.tables[op.table] = it == catalog.tables.end() ? std::nullopt : std::optional<ReplayedTable>(it->second);
    if (it != catalog.tables.end()) {
      auto removed = catalog.removed_parts.find(it->second.dir_name);
      saved.removed_parts[it->second.dir_name] =
          removed == catalog.removed_parts.end() ? std::nullopt : std::optional(removed->second);
    }
  }
  return saved;
}

void Restore(Saved saved, ReplayedCatalog* catalog) {
  catalog->databases = std::move(saved.databases);
  catalog->views = std::move(saved.views);
  catalog->dropped_dirs = std::move(saved.dropped_dirs);
  for (auto& [name, table] : saved.tables) {
    if (table.has_value()) {
      catalog->tables[name] = std::move(*table);
    } else {
      catalog->tables.erase(name);
    }
  }
  for (auto& [dir, parts] : saved.removed_parts) {
    if (parts.has_value()) {
      catalog->removed_parts[dir] = std::move(*parts);
    } else {
      catalog->removed_parts.erase(dir);
    }
  }
}

absl::Status Apply(const ManifestOp& op, ReplayedCatalog* catalog) {
  switch (op.kind) {
    case ManifestOp::Kind::kCreateDatabase:
      if (!catalog->databases.insert(op.table).second) {
        return absl::DataLossError(absl::StrCat("database '", op.table, "' created twice"));
      }
      return absl::OkStatus();
    case ManifestOp::Kind::kDropDatabase:
      if (catalog->databases.erase(op.table) == 0) {
        return absl::DataLossError(absl::StrCat("drops database '", op.table, "' that does not exist"));
      }
      return absl::OkStatus();
    case ManifestOp::Kind::kCreateView: {
      if (catalog->views.contains(op.table) || catalog->tables.contains(op.table)) {
        return absl::DataLossError(absl::StrCat("view '", op.table, "' created twice, or over a table"));
      }
      for (const std::string& t : {op.view.source, op.view.target}) {
        if (!catalog->tables.contains(t)) {
          return absl::DataLossError(absl::StrCat("view '", op.table, "' names table '", t, "' that does not exist"));
        }
      }
      catalog->views[op.table] = op.view;
      return absl::OkStatus();
    }
    case ManifestOp::Kind::kBackfillDone: {
      auto it = catalog->views.find(op.table);
      if (it == catalog->views.end() || it->second.backfill_below_block == 0) {
        return absl::DataLossError(absl::StrCat("ends a backfill of view '", op.table, "' that has none pending"));
      }
      it->second.backfill_below_block = 0;
      return absl::OkStatus();
    }
    case ManifestOp::Kind::kDropView:
      if (catalog->views.erase(op.table) == 0) {
        return absl::DataLossError(absl::StrCat("drops view '", op.table, "' that does not exist"));
      }
      return absl::OkStatus();
    case ManifestOp::Kind::kCreateTable: {
      if (catalog->tables.contains(op.table) || catalog->views.contains(op.table)) {
        return absl::DataLossError(absl::StrCat("table '", op.table, "' created twice"));
      }
      for (const auto& [name, t] : catalog->tables) {
        if (t.dir_name == op.directory) {
          return absl::DataLossError(absl::StrCat("table '", op.table, "' takes directory ", op.directory,
                                                  " of table '", name, "'"));
        }
      }
      auto partition = PartitionKey::Parse(op.schema.partition_by, op.schema);
      if (!partition.ok()) {
        return absl::DataLossError(absl::StrCat("table '", op.table, "': ", partition.status().message()));
      }
      ReplayedTable& table = catalog->tables[op.table];
      table.schema = op.schema;
      table.dir_name = op.directory;
      catalog->dropped_dirs.erase(op.directory);
      return absl::OkStatus();
    }
    default:
      break;
  }
  auto it = catalog->tables.find(op.table);
  if (it == catalog->tables.end()) {
    return absl::DataLossError(absl::StrCat("names table '", op.table, "' that does not exist"));
  }
  ReplayedTable& table = it->second;
  switch (op.kind) {
    case ManifestOp::Kind::kDropTable:
      for (const auto& [name, view] : catalog->views) {
        if (view.source == op.table || view.target == op.table) {
          return absl::DataLossError(absl::StrCat("drops table '", op.table, "' that view '", name, "' uses"));
        }
      }
      catalog->dropped_dirs.insert(table.dir_name);
      catalog->removed_parts.erase(table.dir_name);
      catalog->tables.erase(it);
      return absl::OkStatus();
    case ManifestOp::Kind::kAddPart:
    case ManifestOp::Kind::kAddInlinePart:
      if (std::find(table.parts.begin(), table.parts.end(), op.part) != table.parts.end()) {
        return absl::DataLossError(absl::StrCat("table '", op.table, "': part ", op.part, " added twice"));
      }
      table.parts.push_back(op.part);
      if (op.kind == ManifestOp::Kind::kAddInlinePart) {
        table.inline_parts[op.part] = op.files;
        return absl::OkStatus();  // nothing of it is on disk
      }
      if (auto removed = catalog->removed_parts.find(table.dir_name); removed != catalog->removed_parts.end()) {
        removed->second.erase(op.part);
      }
      return absl::OkStatus();
    case ManifestOp::Kind::kRemovePart: {
      auto at = std::find(table.parts.begin(), table.parts.end(), op.part);
      if (at == table.parts.end()) {
        return absl::DataLossError(absl::StrCat("table '", op.table, "': removes part ", op.part,
                                                " that is not committed"));
      }
      table.parts.erase(at);
      table.superseded.erase(op.part);
      // An inline part leaves nothing on disk to account for.
      if (table.inline_parts.erase(op.part) == 0) catalog->removed_parts[table.dir_name].insert(op.part);
      return absl::OkStatus();
    }
    case ManifestOp::Kind::kSupersede: {
      if (std::find(table.parts.begin(), table.parts.end(), op.part) == table.parts.end()) {
        return absl::DataLossError(absl::StrCat("table '", op.table, "': supersedes rows of part ", op.part,
                                                " that is not committed"));
      }
      format::RowRuns& runs = table.superseded[op.part];
      runs = format::UnionRowRuns(runs, op.superseded);
      return absl::OkStatus();
    }
    case ManifestOp::Kind::kInsertToken:
      table.tokens.emplace_back(op.token, op.time_us);
      return absl::OkStatus();
    case ManifestOp::Kind::kForgetInsertTokens:
      table.tokens.clear();
      return absl::OkStatus();
    case ManifestOp::Kind::kNextBlock:
      table.next_block = std::max(table.next_block, op.next_block);
      return absl::OkStatus();
    case ManifestOp::Kind::kAlterTable: {
      // What parts are read with must not change under them.
      const format::TableSchema& was = table.schema;
      if (op.schema.columns.size() != was.columns.size() || op.schema.sort_key != was.sort_key ||
          op.schema.partition_by != was.partition_by || op.schema.engine != was.engine) {
        return absl::DataLossError(absl::StrCat("table '", op.table, "': an ALTER changes its columns or keys"));
      }
      for (size_t c = 0; c < was.columns.size(); ++c) {
        if (op.schema.columns[c].name != was.columns[c].name || !op.schema.columns[c].type->Equals(*was.columns[c].type)) {
          return absl::DataLossError(absl::StrCat("table '", op.table, "': an ALTER changes column '",
                                                  was.columns[c].name, "'"));
        }
      }
      table.schema = op.schema;
      return absl::OkStatus();
    }
    default:
      return absl::InternalError("unreachable manifest op");
  }
}

}  // namespace

absl::StatusOr<ReplayedCatalog> ReplayManifest(const format::ManifestContents& contents, const std::string& what,
                                               ReplayMode mode) {
  ReplayedCatalog catalog;
  for (size_t e = 0; e < contents.edits.size(); ++e) {
    const ManifestEdit& edit = contents.edits[e];
    const uint64_t offset = e < contents.edit_offsets.size() ? contents.edit_offsets[e] : 0;
    std::optional<Saved> saved;
    if (mode == ReplayMode::kSalvage) saved = Save(catalog, edit);
    for (const ManifestOp& op : edit.ops) {
      absl::Status s = Apply(op, &catalog);
      if (s.ok()) continue;
      const std::string why = absl::StrCat(what, ": offset ", offset, ": edit ", s.message());
      if (mode == ReplayMode::kStrict) return absl::DataLossError(why);
      Restore(std::move(*saved), &catalog);
      catalog.skipped.push_back(absl::StrCat(why, "; skipped the whole edit (", edit.ops.size(), " ops)"));
      break;
    }
  }
  return catalog;
}

}  // namespace tally::engine
