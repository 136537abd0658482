// Database::Optimize: choose each partition's parts, merge them (engine/merge.h) outside
// the lock, and swap the merged part for its inputs in one manifest edit.
#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/merge.h"
#include "format/status_macros.h"

namespace tally::engine {

absl::StatusOr<OptimizeResult> Database::Optimize(const std::string& name, OptimizeOptions options) {
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  std::vector<std::vector<PartPtr>> selections;
  {
    absl::MutexLock lock(&mu_);
    if (!poisoned_.ok()) return poisoned_;
    std::map<std::string, std::vector<PartPtr>> by_partition;
    for (const PartPtr& p : table->parts) {
      if (table->merging.contains(p.get())) continue;
      if (!options.partition_id.empty() && p->meta().partition_id != options.partition_id) continue;
      by_partition[p->meta().partition_id].push_back(p);
    }
    for (auto& [id, parts] : by_partition) {
      if (parts.size() < 2) continue;
      std::sort(parts.begin(), parts.end(),
                [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
      for (const PartPtr& p : parts) table->merging.insert(p.get());
      selections.push_back(std::move(parts));
    }
  }
  OptimizeResult result;
  absl::Status status;
  size_t done = 0;
  for (; done < selections.size() && status.ok(); ++done) {
    auto rows = MergeAndCommit(table, selections[done]);
    if (!rows.ok()) {
      status = rows.status();
      break;
    }
    result.merges += 1;
    result.parts_merged += selections[done].size();
    result.rows += *rows;
  }
  {
    absl::MutexLock lock(&mu_);
    for (const auto& parts : selections) {
      for (const PartPtr& p : parts) table->merging.erase(p.get());
    }
  }
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<uint64_t> Database::MergeAndCommit(const std::shared_ptr<Table>& table,
                                                  const std::vector<PartPtr>& inputs) {
  const std::string what = absl::StrCat("OPTIMIZE TABLE ", table->name, ": merging ", inputs.size(),
                                        " parts of partition '", inputs[0]->meta().partition_id, "'");
  auto meta = MergeParts(env_, table->dir, table->schema, inputs);
  if (!meta.ok()) return absl::Status(meta.status().code(), absl::StrCat(what, ": ", meta.status().message()));
  auto opened = Part::Open(env_, JoinPath(table->dir, meta->name));
  if (!opened.ok()) {
    (void)env_->RemoveAll(JoinPath(table->dir, meta->name));
    return absl::InternalError(absl::StrCat(what, ": part ", meta->name, " failed validation right after writing: ",
                                            opened.status().message()));
  }
  PartPtr merged = std::move(*opened);
  uint64_t input_rows = 0;
  for (const PartPtr& p : inputs) input_rows += p->rows();
  if (merged->rows() != input_rows) {
    const_cast<Part*>(merged.get())->MarkObsolete();
    return absl::InternalError(absl::StrCat(what, ": merged part has ", merged->rows(), " rows, its inputs ", input_rows));
  }

  absl::MutexLock lock(&mu_);
  auto it = tables_.find(table->name);
  std::vector<size_t> positions;
  if (it != tables_.end() && it->second == table) {
    for (const PartPtr& p : inputs) {
      auto at = std::find(table->parts.begin(), table->parts.end(), p);
      if (at == table->parts.end()) break;
      positions.push_back(at - table->parts.begin());
    }
  }
  if (positions.size() != inputs.size()) {
    const_cast<Part*>(merged.get())->MarkObsolete();
    return absl::AbortedError(absl::StrCat(what, ": the table was truncated or dropped during the merge"));
  }
  format::ManifestEdit edit;
  format::ManifestOp add;
  add.kind = format::ManifestOp::Kind::kAddPart;
  add.table = table->name;
  add.part = merged->name();
  add.rows = merged->rows();
  edit.ops.push_back(std::move(add));
  for (const PartPtr& p : inputs) {
    format::ManifestOp remove;
    remove.kind = format::ManifestOp::Kind::kRemovePart;
    remove.table = table->name;
    remove.part = p->name();
    edit.ops.push_back(std::move(remove));
  }
  absl::Status s = Commit(edit);
  if (!s.ok()) {
    const_cast<Part*>(merged.get())->MarkObsolete();
    return s;
  }
  // The merged part takes its first input's place, so the part list stays in block order.
  const size_t first = *std::min_element(positions.begin(), positions.end());
  table->parts[first] = merged;
  std::sort(positions.begin(), positions.end(), std::greater<size_t>());
  for (size_t pos : positions) {
    if (pos != first) table->parts.erase(table->parts.begin() + pos);
  }
  for (const PartPtr& p : inputs) const_cast<Part*>(p.get())->MarkObsolete();
  return merged->rows();
}

}  // namespace tally::engine
