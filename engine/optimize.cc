// Merges in the Database: OPTIMIZE TABLE and the background merger. Both choose parts
// under the lock, merge them (engine/merge.h) outside it, and swap the merged part for
// its inputs in one manifest edit (MergeAndCommit).
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "engine/merge.h"
#include "engine/merge_selector.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

// The parts of each partition, in block order, cut where a pending POPULATE backfill
// needs them apart (engine/backfill.cc): key (partition id, parts wholly below how many
// of the boundaries).
std::map<std::pair<std::string, size_t>, std::vector<PartPtr>> ByPartition(const std::vector<PartPtr>& parts,
                                                                           const std::vector<uint64_t>& boundaries) {
  std::map<std::pair<std::string, size_t>, std::vector<PartPtr>> out;
  for (const PartPtr& p : parts) {
    size_t below = 0;
    for (uint64_t b : boundaries) below += p->meta().max_block < b;
    out[{p->meta().partition_id, below}].push_back(p);
  }
  for (auto& [id, list] : out) {
    std::sort(list.begin(), list.end(),
              [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
  }
  return out;
}

}  // namespace

absl::StatusOr<OptimizeResult> Database::Optimize(const std::string& name, OptimizeOptions options) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("OPTIMIZE TABLE ", name)));
  TALLY_ASSIGN_OR_RETURN(auto table, FindTable(name));
  // Expired parts go first, unread; the merges below drop the other expired rows.
  TALLY_RETURN_IF_ERROR(ApplyTtl(name, options.partition_id).status());
  std::vector<std::vector<PartPtr>> selections;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!poisoned_.ok()) return poisoned_;
      bool busy = false;
      for (auto& [id, parts] : ByPartition(table->parts, MergeBoundaries(*table))) {
        if (!options.partition_id.empty() && id.first != options.partition_id) continue;
        for (const PartPtr& p : parts) busy |= table->merging.contains(p.get());
        // FINAL on an engine with a merge rule rewrites even a single part, so its equal
        // keys collapse (and Replacing's deleted rows go).
        const bool rewrite_single = options.final && table->engine.has_rule();
        if (parts.size() >= 2 || (rewrite_single && !parts.empty())) selections.push_back(std::move(parts));
      }
      if (!busy) {
        for (const auto& parts : selections) {
          for (const PartPtr& p : parts) table->merging.insert(p.get());
        }
        break;
      }
      selections.clear();
    }
    // A merge (background or another OPTIMIZE) holds parts of these partitions: let it
    // finish, then merge what it left, so that each partition ends as one part.
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  OptimizeResult result;
  absl::Status status;
  for (const auto& parts : selections) {
    auto rows = MergeAndCommit(table, parts, absl::StrCat("OPTIMIZE TABLE ", name));
    if (!rows.ok()) {
      status = rows.status();
      break;
    }
    result.merges += 1;
    result.parts_merged += parts.size();
    result.rows += *rows;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& parts : selections) {
      for (const PartPtr& p : parts) table->merging.erase(p.get());
    }
  }
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<uint64_t> Database::MergeAndCommit(const std::shared_ptr<Table>& table,
                                                  const std::vector<PartPtr>& inputs,
                                                  const std::string& op, bool inline_output) {
  const std::string what = absl::StrCat(op, ": merging ", inputs.size(), " parts of partition '",
                                        inputs[0]->meta().partition_id, "'");
  // Superseded rows of the inputs are left out: each loses to a live row, which this
  // merge or the part holding it keeps (engine/superseded.h).
  std::vector<SupersededPtr> skips;
  std::vector<PartPtr> before;  // the table's parts as the merge starts
  std::shared_ptr<const format::TableSchema> schema;  // with the skip indexes the merged part gets
  TtlAt ttl;  // every merge removes the rows expired by its start
  {
    std::lock_guard<std::mutex> lock(mu_);
    schema = table->schema;
    ttl.ttl = table->ttl;
    if (table->tracks_superseded) {
      skips = SupersededOf(*table, inputs);
      before = table->parts;
    }
  }
  ttl.now_s = env_->NowMicros() / 1000000;
  Env* const env = inline_output ? inline_env_.get() : env_;
  const std::string dir = inline_output ? InlineDir(*table) : table->dir;
  auto outcome = MergeParts(env, dir, *schema, table->engine, inputs, &cancel_merges_, skips, ttl);
  if (!outcome.ok()) return WithMessage(outcome.status(), absl::StrCat(what, ": ", outcome.status().message()));
  uint64_t input_rows = 0;
  for (const PartPtr& p : inputs) input_rows += p->rows();
  for (const SupersededPtr& skip : skips) input_rows -= skip != nullptr ? format::CountRows(*skip) : 0;
  if (outcome->rows_in != input_rows) {
    return absl::InternalError(absl::StrCat(what, ": the merge read ", outcome->rows_in, " rows of ", input_rows));
  }
  PartPtr merged;  // none when the rule dropped every row
  if (outcome->meta.has_value()) {
    const std::string& merged_name = outcome->meta->name;
    auto opened = Part::Open(env, TmpPartDir(dir, merged_name), merged_name);
    if (!opened.ok()) {
      (void)env->RemoveAll(TmpPartDir(dir, merged_name));
      return absl::InternalError(absl::StrCat(what, ": part ", merged_name,
                                              " failed validation right after writing: ", opened.status().message()));
    }
    merged = std::move(*opened);
    if (merged->rows() != outcome->rows_out) {
      const_cast<Part*>(merged.get())->MarkObsolete();
      return absl::InternalError(
          absl::StrCat(what, ": merged part has ", merged->rows(), " rows, the merge wrote ", outcome->rows_out));
    }
  }
  auto discard_merged = [&] {
    if (merged != nullptr) const_cast<Part*>(merged.get())->MarkObsolete();
  };

  // The merged part is tracked when its inputs were (or were the whole partition), once
  // compared with the parts committed while it was written: their comparisons marked rows
  // of the inputs, which the merge did not see.
  std::unique_lock<std::mutex> commit_lock(table->commit_mu, std::defer_lock);
  bool track = false;
  std::vector<PartPtr> compared, newer;
  std::vector<SupersededPtr> newer_skips;
  Losers losers;
  // Held for any commit of such a table, even one that removes its inputs without a
  // merged part (every row superseded): an insert comparing with them must not see them go.
  if (table->tracks_superseded) commit_lock.lock();
  if (table->tracks_superseded && merged != nullptr) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      compared = table->parts;
    }
    const std::string& partition = inputs[0]->meta().partition_id;
    size_t partition_parts = 0;
    for (const PartPtr& p : before) partition_parts += p->meta().partition_id == partition;
    track = std::all_of(skips.begin(), skips.end(), [](const SupersededPtr& s) { return s != nullptr; }) ||
            partition_parts == inputs.size();
    for (const PartPtr& p : compared) {
      if (p->meta().partition_id != partition || std::find(before.begin(), before.end(), p) != before.end()) continue;
      newer.push_back(p);
    }
    if (track && !newer.empty()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        newer_skips = SupersededOf(*table, newer);
      }
      auto found = FindSuperseded(*schema, table->engine, merged, newer, newer_skips);
      if (!found.ok()) {
        discard_merged();
        return WithMessage(found.status(), absl::StrCat(what, ": ", found.status().message()));
      }
      for (size_t i = 0; i < newer.size(); ++i) {
        if (!(*found)[i].empty()) losers[newer[i].get()] = std::move((*found)[i]);
      }
      losers[merged.get()] = std::move(found->back());
    }
  }

  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
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
    discard_merged();
    return absl::AbortedError(absl::StrCat(what, ": the table was truncated or dropped during the merge"));
  }
  // A part attached meanwhile was not compared with: the merged part goes in untracked.
  track = track && table->parts == compared;
  format::ManifestEdit edit;
  if (merged != nullptr && IsInline(*merged)) {
    auto added = InlinePartOp(*table, *merged);
    if (!added.ok()) {
      discard_merged();
      return WithMessage(added.status(), absl::StrCat(what, ": ", added.status().message()));
    }
    edit.ops.push_back(*std::move(added));
  } else if (merged != nullptr) {
    edit.ops.push_back(format::ManifestOp::AddPart(table->name, merged->name(), merged->rows()));
  }
  if (track) {
    edit.ops.push_back(format::ManifestOp::Supersede(table->name, merged->name(), losers[merged.get()]));
    AddSupersedeOps(*table, newer, losers, &edit);
  }
  for (const PartPtr& p : inputs) edit.ops.push_back(format::ManifestOp::RemovePart(table->name, p->name()));
  absl::Status s = Commit(order, lock, edit, [&] {
    for (const PartPtr& p : inputs) table->superseded.erase(p->name());
    if (track) {
      ApplySuperseded(table.get(), newer, losers);
      table->superseded[merged->name()] = std::make_shared<const format::RowRuns>(std::move(losers[merged.get()]));
    }
    // The merged part takes its first input's place, so the part list stays in block order.
    const size_t first = *std::min_element(positions.begin(), positions.end());
    if (merged != nullptr) {
      Publish(table.get(), {merged});
      table->parts[first] = merged;
      if (IsInline(*merged)) {
        // Its rows are as old as its oldest input's: the age that flushes it to disk.
        uint64_t since_us = env_->NowMicros();
        for (const PartPtr& p : inputs) {
          if (auto at = table->inline_since_us.find(p->name()); at != table->inline_since_us.end()) {
            since_us = std::min(since_us, at->second);
          }
        }
        table->inline_since_us[merged->name()] = since_us;
      }
    }
    std::sort(positions.begin(), positions.end(), std::greater<size_t>());
    for (size_t pos : positions) {
      if (pos != first || merged == nullptr) table->parts.erase(table->parts.begin() + pos);
    }
    for (const PartPtr& p : inputs) const_cast<Part*>(p.get())->MarkObsolete();
  });
  // A failed edit may still have reached the manifest: then the merged part is committed
  // and the inputs are not, and deleting it would lose their rows. It stays (in its
  // temporary directory); the database is poisoned, and the next open keeps whichever
  // side the manifest names and removes the other.
  if (!s.ok()) return s;
  return outcome->rows_out;
}

// ---- background merges ----

void Database::WakeMerger() {
  if (!merger_.joinable()) return;
  std::lock_guard<std::mutex> lock(merge_mu_);
  merge_wake_ = true;
  merge_cv_.notify_one();
}

void Database::MergeLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(merge_mu_);
      merge_cv_.wait(lock, [this] { return merge_wake_ || merge_stop_; });
      if (merge_stop_) return;
      merge_wake_ = false;
    }
    while (BackgroundMergeOnce()) {
    }
    absl::Status failed = background_merge_status();
    if (!failed.ok()) {
      // Back off after a failure (a full disk, a damaged input) instead of spinning.
      std::unique_lock<std::mutex> lock(merge_mu_);
      merge_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return merge_stop_; });
      if (merge_stop_) return;
    }
  }
}

bool Database::BackgroundMergeOnce() {
  std::shared_ptr<Table> table;
  std::vector<PartPtr> inputs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!poisoned_.ok()) return false;
    std::vector<std::string> names;
    for (const auto& [name, t] : tables_) names.push_back(name);
    std::sort(names.begin(), names.end());  // a stable order across wake-ups
    for (const std::string& name : names) {
      const std::shared_ptr<Table>& t = tables_[name];
      for (auto& [id, parts] : ByPartition(t->parts, MergeBoundaries(*t))) {
        std::vector<MergeCandidate> candidates;
        // Inline parts are left to their flush (FlushInline), which writes them out sooner.
        for (const PartPtr& p : parts) {
          candidates.push_back({p->bytes_on_disk(), t->merging.contains(p.get()) || IsInline(*p)});
        }
        auto window = SelectMerge(candidates);
        if (!window) continue;
        inputs.assign(parts.begin() + window->first, parts.begin() + window->second);
        table = t;
        break;
      }
      if (table != nullptr) break;
    }
    if (table == nullptr) return false;
    for (const PartPtr& p : inputs) table->merging.insert(p.get());
  }
  auto rows = MergeAndCommit(table, inputs, absl::StrCat("background merge of ", table->name));
  std::lock_guard<std::mutex> lock(mu_);
  for (const PartPtr& p : inputs) table->merging.erase(p.get());
  if (rows.ok()) {
    background_merges_done_.fetch_add(1);
    return true;
  }
  // Aborted: the table went away meanwhile, nothing is wrong. Cancelled: shutting down.
  if (!absl::IsAborted(rows.status()) && !absl::IsCancelled(rows.status())) background_merge_status_ = rows.status();
  return absl::IsAborted(rows.status());
}

// ---- flushes of inline parts ----

absl::StatusOr<uint64_t> Database::FlushInline(
    const Table* only, const std::function<bool(size_t parts, uint64_t bytes, uint64_t oldest_us)>& due,
    bool compact) {
  // A compaction's run is of groups' parts only: a part compacted before is left for the
  // flush to disk, so no row is rewritten in memory more than once.
  auto in_run = [&](const Table& t, const PartPtr& p) {
    return IsInline(*p) && !t.merging.contains(p.get()) && (!compact || p->meta().level == 0);
  };
  uint64_t flushes = 0;
  while (true) {
    std::shared_ptr<Table> table;
    std::vector<PartPtr> run;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!poisoned_.ok()) return poisoned_;
      for (const auto& [name, t] : tables_) {
        if (only != nullptr && t.get() != only) continue;
        // Forget the commit times of inline parts that went (flushed, dropped).
        if (t->inline_since_us.size() > 0) {
          absl::flat_hash_set<std::string> live;
          for (const PartPtr& p : t->parts) {
            if (IsInline(*p)) live.insert(p->name());
          }
          for (auto it = t->inline_since_us.begin(); it != t->inline_since_us.end();) {
            if (live.contains(it->first)) {
              ++it;
            } else {
              t->inline_since_us.erase(it++);
            }
          }
        }
        if (t->inline_since_us.empty()) continue;
        // Runs of inline parts next to each other in block order: a flush never joins
        // parts across one it leaves alone.
        for (auto& [id, parts] : ByPartition(t->parts, MergeBoundaries(*t))) {
          for (size_t begin = 0; begin < parts.size() && table == nullptr;) {
            size_t end = begin;
            uint64_t bytes = 0;
            uint64_t oldest_us = UINT64_MAX;
            while (end < parts.size() && in_run(*t, parts[end])) {
              bytes += parts[end]->bytes_on_disk();
              if (auto at = t->inline_since_us.find(parts[end]->name()); at != t->inline_since_us.end()) {
                oldest_us = std::min(oldest_us, at->second);
              }
              ++end;
            }
            if (end > begin && due(end - begin, bytes, oldest_us)) {
              run.assign(parts.begin() + begin, parts.begin() + end);
              table = t;
            }
            begin = end + 1;
          }
          if (table != nullptr) break;
        }
        if (table != nullptr) break;
      }
      if (table == nullptr) return flushes;
      for (const PartPtr& p : run) table->merging.insert(p.get());
    }
    auto rows = MergeAndCommit(table, run,
                               absl::StrCat(compact ? "compaction" : "flush", " of inline parts of ", table->name),
                               compact);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const PartPtr& p : run) table->merging.erase(p.get());
    }
    if (!rows.ok()) {
      if (absl::IsAborted(rows.status())) continue;  // the table or partition went meanwhile
      return rows.status();
    }
    ++flushes;
    (compact ? inline_compactions_ : inline_flushes_).fetch_add(1, std::memory_order_relaxed);
  }
}

void Database::FlushLoop() {
  const InlineFlushPolicy policy = inline_flush_;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(merge_mu_);
      flush_cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return merge_stop_; });
      if (merge_stop_) return;
    }
    const uint64_t now_us = env_->NowMicros();
    auto aged = [&](uint64_t oldest_us) {
      return oldest_us != UINT64_MAX && now_us >= oldest_us + policy.age_ms * 1000;
    };
    // Groups' parts first become one inline part per `parts` of them (a merge in memory,
    // no files: cheap enough to run often); then runs go to disk by bytes and age, so a
    // high insert rate makes bigger parts on disk, not more of them. A run of twice
    // `parts` goes too, which bounds a partition's inline parts however compactions fare.
    auto flushed = FlushInline(
        nullptr,
        [&](size_t parts, uint64_t bytes, uint64_t oldest_us) {
          return parts >= policy.parts && bytes < policy.bytes && !aged(oldest_us);
        },
        /*compact=*/true);
    if (flushed.ok()) {
      flushed = FlushInline(nullptr, [&](size_t parts, uint64_t bytes, uint64_t oldest_us) {
        return parts >= 2 * policy.parts || bytes >= policy.bytes || aged(oldest_us);
      });
    }
    if (!flushed.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        background_merge_status_ = flushed.status();
      }
      // Back off after a failure (a full disk) instead of spinning.
      std::unique_lock<std::mutex> lock(merge_mu_);
      flush_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return merge_stop_; });
      if (merge_stop_) return;
    } else if (*flushed > 0) {
      WakeMerger();
    }
  }
}

absl::Status Database::background_merge_status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return background_merge_status_;
}

}  // namespace tally::engine
