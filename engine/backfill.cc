// CREATE MATERIALIZED VIEW ... POPULATE: the view over the rows its source held when it
// was created, counted exactly once (docs/rollups.md). The view's commit recorded the
// source's next block number B; inserts since then went through the view. The backfill
// reads the source's parts of blocks below B (merges never join parts across B while it
// is pending, so none holds rows of both sides), runs the view over them, and inserts the
// result into the target (and down its views) in one batch whose commit also ends the
// backfill. A crash or a failure before that commit leaves the backfill pending, to run
// again from the start: its parts were never committed.
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "format/status_macros.h"

namespace tally::engine {

std::vector<uint64_t> Database::MergeBoundaries(const Table& table) const {
  std::vector<uint64_t> out;
  for (const auto& [name, view] : views_) {
    if (view.def.backfill_below_block != 0 && view.def.source == table.name) out.push_back(view.def.backfill_below_block);
  }
  return out;
}

bool Database::has_pending_backfills() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, view] : views_) {
    if (view.def.backfill_below_block != 0) return true;
  }
  return false;
}

absl::Status Database::ResumeBackfills() {
  TALLY_RETURN_IF_ERROR(CheckWritable("POPULATE"));
  std::vector<std::string> pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, view] : views_) {
      if (view.def.backfill_below_block != 0) pending.push_back(name);
    }
  }
  std::sort(pending.begin(), pending.end());
  for (const std::string& v : pending) TALLY_RETURN_IF_ERROR(RunBackfill(v));
  return absl::OkStatus();
}

absl::Status Database::RunBackfill(const std::string& name) {
  const std::string what = absl::StrCat("POPULATE of materialized view ", name);
  for (int attempt = 0;; ++attempt) {
    format::ViewDef def;
    std::shared_ptr<Table> source;
    std::shared_ptr<const format::TableSchema> schema;
    std::vector<PartPtr> parts;
    std::shared_ptr<const ViewQuery> query;
    std::shared_ptr<const ViewCompiler> compiler;
    TtlAt ttl;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto v = views_.find(name);
      if (v == views_.end() || v->second.def.backfill_below_block == 0) return absl::OkStatus();
      def = v->second.def;
      query = v->second.query;
      compiler = view_compiler_;
      source = tables_.at(def.source);
      schema = source->schema;
      for (const PartPtr& p : source->parts) {
        if (p->meta().max_block < def.backfill_below_block) parts.push_back(p);
      }
      ttl.ttl = source->ttl;
    }
    ttl.now_s = env_->NowMicros() / 1000000;
    if (query == nullptr) {
      if (compiler == nullptr) return absl::FailedPreconditionError(absl::StrCat(what, ": no view compiler is installed"));
      TALLY_ASSIGN_OR_RETURN(query, CompileView(name, def, compiler));
    }
    TALLY_ASSIGN_OR_RETURN(std::unique_ptr<InsertBatch> batch, BeginInsert(def.target, {.deduplicate = false}));
    batch->backfill_view_ = name;
    batch->small_ = false;  // a backfill commits alone, with the end of its backfill
    batch->backfill_def_ = def;
    TALLY_ASSIGN_OR_RETURN(auto cursor, ScanCursor::Make(*schema, std::move(parts), {}, &source->engine, {}, ttl));
    while (true) {
      Block block;
      TALLY_ASSIGN_OR_RETURN(bool more, cursor->Next(&block));
      if (!more) break;
      auto rows = query->Run(block);
      if (!rows.ok()) {
        return WithMessage(rows.status(), absl::StrCat(what, ": materialized view ", name, " (", def.source,
                                                       " -> ", def.target, "): ", rows.status().message()));
      }
      TALLY_RETURN_IF_ERROR(batch->Add(*std::move(rows)));
    }
    absl::Status s = batch->Commit();
    // Another view created or dropped meanwhile: the batch's plan is stale; run it again.
    if (absl::IsAborted(s) && attempt < 3) continue;
    if (!s.ok()) return WithMessage(s, absl::StrCat(what, ": ", s.message()));
    return absl::OkStatus();
  }
}

}  // namespace tally::engine
