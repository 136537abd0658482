// The TTL job (Database::ApplyTtl and the background TTL thread): removes expired rows
// from disk. A part whose every row is expired is dropped without being read again (one
// manifest edit for all such parts of the table); a part with some expired rows is
// rewritten without them, as a merge of that one part, unless the table says
// ttl_only_drop_parts. Queries never see expired rows either way (engine/ttl.h), so the
// job changes what is on disk, never an answer.
#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "format/status_macros.h"

namespace tally::engine {

absl::StatusOr<TtlResult> Database::ApplyTtl(const std::string& name, const std::string& partition_id) {
  const std::string what = absl::StrCat("TTL of ", name);
  TALLY_RETURN_IF_ERROR(CheckWritable(what));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(name));
  std::shared_ptr<const format::TableSchema> schema;
  TableTtlPtr ttl;
  std::vector<PartPtr> candidates;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!poisoned_.ok()) return poisoned_;
    schema = table->schema;
    ttl = table->ttl;
    if (ttl == nullptr) return TtlResult{};
    for (const PartPtr& p : table->parts) {
      if (partition_id.empty() || p->meta().partition_id == partition_id) candidates.push_back(p);
    }
  }
  // Which parts to drop and which to rewrite, without holding any: merges go on meanwhile.
  const int64_t now_s = env_->NowMicros() / 1000000;
  std::vector<PartPtr> drop, rewrite;
  for (const PartPtr& p : candidates) {
    const TableTtl::Expiry expiry = ttl->PartExpiry(*p, now_s);
    if (expiry == TableTtl::Expiry::kNone) continue;
    if (expiry == TableTtl::Expiry::kAll) {
      drop.push_back(p);
      continue;
    }
    auto expired = ttl->CountExpired(*schema, p, now_s);
    if (!expired.ok()) return WithMessage(expired.status(), absl::StrCat(what, ": ", expired.status().message()));
    if (*expired == p->rows()) {
      drop.push_back(p);
    } else if (*expired > 0 && !ttl->settings().only_drop_parts) {
      rewrite.push_back(p);
    }
  }
  // Claim them as a merge does; a part a merge took meanwhile is left to the next run (the
  // merge leaves out its expired rows anyway).
  std::vector<PartPtr> claimed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto claim = [&](std::vector<PartPtr>* parts) {
      std::erase_if(*parts, [&](const PartPtr& p) {
        const bool live = std::find(table->parts.begin(), table->parts.end(), p) != table->parts.end();
        if (!live || table->merging.contains(p.get())) return true;
        table->merging.insert(p.get());
        claimed.push_back(p);
        return false;
      });
    };
    claim(&drop);
    claim(&rewrite);
  }
  auto release = [&](const std::vector<PartPtr>& parts) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const PartPtr& p : parts) table->merging.erase(p.get());
  };
  absl::Status status;
  TtlResult result;
  if (!drop.empty()) {
    // Held as by any commit that removes parts of a table that tracks superseded rows: an
    // insert comparing with these parts must not see them go (engine/superseded.h).
    std::unique_lock<std::mutex> commit_lock(table->commit_mu, std::defer_lock);
    if (table->tracks_superseded) commit_lock.lock();
    std::unique_lock<std::mutex> order(log_mu_);
    std::unique_lock<std::mutex> lock(mu_);
    auto it = tables_.find(name);
    if (it == tables_.end() || it->second != table) {
      status = absl::AbortedError(absl::StrCat(what, ": the table was dropped meanwhile"));
    } else {
      // TRUNCATE or DROP PARTITION may have removed some meanwhile.
      std::erase_if(drop, [&](const PartPtr& p) {
        return std::find(table->parts.begin(), table->parts.end(), p) == table->parts.end();
      });
      format::ManifestEdit edit;
      for (const PartPtr& p : drop) edit.ops.push_back(format::ManifestOp::RemovePart(name, p->name()));
      auto apply = [&] {
        for (const PartPtr& p : drop) {
          table->superseded.erase(p->name());
          const_cast<Part*>(p.get())->MarkObsolete();
          result.rows_removed += p->rows();
        }
        std::erase_if(table->parts,
                      [&](const PartPtr& p) { return std::find(drop.begin(), drop.end(), p) != drop.end(); });
      };
      if (!edit.ops.empty()) status = Commit(order, lock, edit, apply);
      if (status.ok()) result.parts_dropped = drop.size();
    }
  }
  for (const PartPtr& p : rewrite) {
    if (!status.ok()) break;
    const uint64_t before = p->rows();
    auto rows = MergeAndCommit(table, {p}, what);
    if (!rows.ok()) {
      status = rows.status();
      break;
    }
    result.parts_rewritten += 1;
    result.rows_removed += before - *rows;
  }
  release(claimed);
  if (!status.ok()) return status;
  return result;
}

void Database::TtlLoop() {
  // When each table was last looked at, by the Env's clock (seconds).
  absl::flat_hash_map<std::string, int64_t> checked_s;
  while (true) {
    std::vector<std::pair<std::string, int64_t>> tables;  // name, check interval
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [name, t] : tables_) {
        if (t->ttl != nullptr) tables.emplace_back(name, t->ttl->settings().check_interval_s);
      }
    }
    std::sort(tables.begin(), tables.end());
    for (const auto& [name, interval_s] : tables) {
      const int64_t now_s = env_->NowMicros() / 1000000;
      auto at = checked_s.find(name);
      if (at != checked_s.end() && now_s - at->second < interval_s) continue;
      checked_s[name] = now_s;
      auto done = ApplyTtl(name);
      if (!done.ok() && !absl::IsAborted(done.status()) && !absl::IsNotFound(done.status()) &&
          !absl::IsCancelled(done.status())) {
        std::lock_guard<std::mutex> lock(mu_);
        background_merge_status_ = done.status();
      }
      if (done.ok() && (done->parts_dropped > 0 || done->parts_rewritten > 0)) ttl_runs_done_.fetch_add(1);
    }
    // Wake at least once a second: the Env's clock may be a test's, moved by hand.
    std::unique_lock<std::mutex> lock(merge_mu_);
    ttl_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return merge_stop_; });
    if (merge_stop_) return;
  }
}

}  // namespace tally::engine
