// Group commit of small inserts, after LevelDB's DBImpl::Write, for whole inserts: each
// small batch queues a writer; the writer at the front leads a group of every writer
// queued behind it, validates their batches one after the other as separate commits
// would be validated, writes one part per table and partition from the rows of all the
// accepted ones, and commits the parts, the inserts' deduplication tokens and their
// block numbers in one manifest edit: one append and one fsync for the whole group, with
// the state mutex released around them (Database::Commit). Then it hands each writer its
// own status and the next writer in the queue leads the next group.
//
// A writer's validation sees the writers before it in the group as committed: a token
// or an event key repeated within the group is a repeat, as it would be one commit
// later. Nothing else a batch depends on can change inside the group, since every other
// commit waits for log_mu_, which the leader holds from validation to apply.
//
// With inline parts on (DatabaseOptions::inline_parts), a group's part is written to
// memory and committed inside the manifest record (engine/inline_parts.cc); otherwise it
// is written to its directory, as every part is.
#include <algorithm>
#include <condition_variable>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "engine/part_writer.h"
#include "format/status_macros.h"

namespace tally::engine {

struct Database::GroupWriter {
  explicit GroupWriter(InsertBatch* b) : batch(b) {}
  InsertBatch* const batch;
  absl::Status status;
  bool done = false;  // guarded by group_mu_
  std::condition_variable cv;
  // A writer that does not wait (CommitAsync): owns its batch, is told by `callback`, and
  // is deleted once it has run.
  std::unique_ptr<InsertBatch> owned;
  InsertBatch::CommitCallback callback;
  bool solo = false;  // an asynchronous writer whose batch joins no group: Commit() alone
  bool waits() const { return owned == nullptr; }
};

namespace {

// At most this many bytes of pending rows join one group (its leader's always does):
// bounds the group's parts and the time its last writer waits.
constexpr uint64_t kGroupBytesMax = 32 << 20;

}  // namespace

bool Database::InsertBatch::JoinsGroup() const {
  if (done_ || deduplicated_ || !backfill_view_.empty()) return false;
  for (const Writes& w : writes_) {
    if (!w.pending.empty()) return true;
  }
  return false;
}

void Database::InsertBatch::CommitAsync(std::unique_ptr<InsertBatch> batch, CommitCallback done) {
  if (batch->done_ || batch->deduplicated_) {  // Commit writes nothing
    absl::Status s = batch->Commit();
    batch.reset();
    std::move(done)(std::move(s));
    return;
  }
  Database* db = batch->db_;
  db->CommitQueued(std::move(batch), std::move(done));
}

absl::Status Database::CommitSmall(InsertBatch* batch) {
  GroupWriter self(batch);
  std::unique_lock<std::mutex> queue(group_mu_);
  group_writers_.push_back(&self);
  self.cv.wait(queue, [&] { return self.done || (!group_leading_ && group_writers_.front() == &self); });
  if (!self.done) LeadGroup(queue);
  return self.status;
}

void Database::CommitQueued(std::unique_ptr<InsertBatch> batch, InsertBatch::CommitCallback done) {
  auto writer = std::make_unique<GroupWriter>(batch.get());
  writer->solo = !batch->JoinsGroup();
  writer->owned = std::move(batch);
  writer->callback = std::move(done);
  std::unique_lock<std::mutex> queue(group_mu_);
  if (!group_committer_.joinable()) {
    try {
      group_committer_ = std::thread([this] { GroupCommitLoop(); });
    } catch (const std::system_error& e) {
      // No thread to lead for it: this one waits, as Commit does.
      queue.unlock();
      absl::Status s = writer->batch->Commit();
      writer->owned.reset();
      std::move(writer->callback)(std::move(s));
      return;
    }
  }
  GroupWriter* w = writer.release();  // deleted after its callback (LeadGroup)
  group_writers_.push_back(w);
  // Led by whoever leads now or is told to lead next (LeadGroup hands the lead on).
  if (!group_leading_ && group_writers_.front() == w) group_cv_.notify_one();
}

void Database::GroupCommitLoop() {
  std::unique_lock<std::mutex> queue(group_mu_);
  while (true) {
    group_cv_.wait(queue, [this] {
      return group_stop_ || (!group_leading_ && !group_writers_.empty() && !group_writers_.front()->waits());
    });
    if (!group_leading_ && !group_writers_.empty() && !group_writers_.front()->waits()) {
      LeadGroup(queue);
    } else if (group_stop_) {
      return;  // nothing of ours is queued (the destructor stops us only then)
    }
  }
}

void Database::LeadGroup(std::unique_lock<std::mutex>& queue) {
  group_leading_ = true;
  std::vector<GroupWriter*> group;
  uint64_t bytes = 0;
  for (GroupWriter* w : group_writers_) {
    if (w->solo) {
      if (group.empty()) group.push_back(w);
      break;
    }
    if (!group.empty() && bytes + w->batch->pending_bytes_ > kGroupBytesMax) break;
    bytes += w->batch->pending_bytes_;
    group.push_back(w);
  }
  queue.unlock();
  if (group[0]->solo) {
    group[0]->status = group[0]->batch->Commit();
  } else {
    RunGroup(group);
  }
  queue.lock();
  // Notified under group_mu_: a waiting writer cannot return (and destroy its cv) before
  // it sees `done`, which it reads under the same mutex.
  std::vector<GroupWriter*> told_later;
  for (GroupWriter* w : group) {
    group_writers_.pop_front();
    w->done = true;
    if (w->waits()) {
      w->cv.notify_one();
    } else {
      told_later.push_back(w);
    }
  }
  group_leading_ = false;
  if (!group_writers_.empty()) {
    GroupWriter* next = group_writers_.front();
    if (next->waits()) {
      next->cv.notify_one();
    } else {
      group_cv_.notify_one();
    }
  }
  if (told_later.empty()) return;
  // The next group may start meanwhile: callbacks are the callers' (answering a client).
  queue.unlock();
  for (GroupWriter* w : told_later) {
    std::unique_ptr<GroupWriter> owned(w);
    owned->owned.reset();  // the batch's rows are freed before its caller hears
    std::move(owned->callback)(std::move(owned->status));
  }
  queue.lock();
}

void Database::RunGroup(const std::vector<GroupWriter*>& group) {
  // The rows of one table and partition, from every accepted batch, in group order.
  struct Output {
    std::shared_ptr<Table> table;
    std::string name;
    std::shared_ptr<const format::TableSchema> schema;
    std::string partition_id;
    std::vector<format::Value> partition_value;
    std::vector<Block*> pieces;
    uint64_t block = 0;
    PartPtr part;
  };
  std::vector<Output> outputs;
  std::map<std::pair<const Table*, std::string>, size_t> output_of;
  std::vector<GroupWriter*> accepted;
  auto fail = [&](GroupWriter* w, absl::Status s) {
    w->status = std::move(s);
    w->batch->Discard();
  };
  auto fail_all = [&](const absl::Status& s) {
    for (const Output& o : outputs) {
      if (o.part != nullptr) const_cast<Part*>(o.part.get())->MarkObsolete();
    }
    for (GroupWriter* w : accepted) fail(w, s);
  };

  std::unique_lock<std::mutex> order(log_mu_);
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t now_us = env_->NowMicros();
  // What the accepted writers commit, seen by the writers after them.
  absl::flat_hash_map<const Table*, absl::flat_hash_set<std::string>> tokens;
  absl::flat_hash_map<const Table*, EventKeys> event_keys;
  std::vector<std::string> writer_tokens(group.size());
  for (size_t g = 0; g < group.size(); ++g) {
    GroupWriter* w = group[g];
    InsertBatch& batch = *w->batch;
    if (!poisoned_.ok()) {
      fail(w, poisoned_);
      continue;
    }
    if (absl::Status s = batch.CheckStillValid(&event_keys); !s.ok()) {
      fail(w, std::move(s));
      continue;
    }
    Table& first = *batch.writes_[0].table;
    std::string token = first.dedup_settings.count == 0 ? "" : batch.Token();
    if (!token.empty() && (first.dedup.Contains(token, now_us, first.dedup_settings) || tokens[&first].contains(token))) {
      batch.Discard();
      batch.deduplicated_ = true;
      continue;  // OK: stored once already
    }
    if (!token.empty()) tokens[&first].insert(token);
    writer_tokens[g] = std::move(token);
    for (InsertBatch::Writes& wr : batch.writes_) {
      for (const auto& [key, time_s] : wr.event_keys) event_keys[wr.table.get()].Add(key, time_s, wr.table->event_dedup.window_s);
      for (InsertBatch::Writes::Piece& piece : wr.pending) {
        auto [at, added] = output_of.try_emplace({wr.table.get(), piece.partition_id}, outputs.size());
        if (added) {
          outputs.push_back(Output{wr.table, wr.name, wr.table->schema, piece.partition_id, piece.partition_value});
        }
        outputs[at->second].pieces.push_back(&piece.rows);
      }
    }
    accepted.push_back(w);
  }
  if (outputs.empty()) return;  // every batch was refused or a repeat (an accepted one has rows)
  for (Output& o : outputs) o.block = o.table->next_block++;

  // The parts, written with mu_ released: every commit that could change what was
  // validated waits for log_mu_.
  lock.unlock();
  for (Output& o : outputs) {
    Block rows = std::move(*o.pieces[0]);
    for (size_t p = 1; p < o.pieces.size(); ++p) {
      for (size_t c = 0; c < rows.columns.size(); ++c) {
        rows.columns[c].AppendRange(o.pieces[p]->columns[c], 0, o.pieces[p]->columns[c].size());
      }
    }
    absl::StatusOr<Block> sorted = o.pieces.size() == 1 ? std::move(rows) : SortForPart(*o.table, *o.schema, std::move(rows));
    if (!sorted.ok()) {
      lock.lock();
      return fail_all(sorted.status());
    }
    uint64_t raw_bytes = 0;
    for (const format::Column& c : sorted->columns) raw_bytes += c.ByteSize();
    const bool inline_part = inline_parts_ && raw_bytes <= inline_flush_.part_bytes_max;
    Env* env = inline_part ? inline_env_.get() : env_;
    const std::string dir = inline_part ? InlineDir(*o.table) : o.table->dir;
    PartIdentity id{o.partition_id, o.partition_value, o.block, o.block, 0};
    auto part = WriteAndOpenUnpublishedPart(env, dir, *o.schema, id, *std::move(sorted));
    if (!part.ok()) {
      lock.lock();
      return fail_all(WithMessage(part.status(), absl::StrCat("insert into ", o.name, ": ",
                                                              part.status().message())));
    }
    o.part = *std::move(part);
  }
  lock.lock();

  format::ManifestEdit edit;
  std::vector<const Table*> tables;  // each once, in order of first output
  for (const Output& o : outputs) {
    if (IsInline(*o.part)) {
      auto op = InlinePartOp(*o.table, *o.part);
      if (!op.ok()) return fail_all(op.status());
      edit.ops.push_back(*std::move(op));
    } else {
      edit.ops.push_back(format::ManifestOp::AddPart(o.name, o.part->name(), o.part->rows()));
    }
    if (std::find(tables.begin(), tables.end(), o.table.get()) == tables.end()) tables.push_back(o.table.get());
  }
  for (const Table* t : tables) edit.ops.push_back(format::ManifestOp::NextBlock(t->name, t->next_block));
  for (size_t g = 0; g < group.size(); ++g) {
    if (!writer_tokens[g].empty()) {
      edit.ops.push_back(format::ManifestOp::InsertToken(group[g]->batch->writes_[0].name, writer_tokens[g], now_us));
    }
  }
  absl::Status s = Commit(order, lock, edit, [&] {
    for (Output& o : outputs) {
      Publish(o.table.get(), {o.part});
      o.table->parts.push_back(o.part);
      if (IsInline(*o.part)) o.table->inline_since_us[o.part->name()] = now_us;
    }
    for (size_t g = 0; g < group.size(); ++g) {
      if (writer_tokens[g].empty()) continue;
      Table& first = *group[g]->batch->writes_[0].table;
      first.dedup.Add(writer_tokens[g], now_us, first.dedup_settings);
    }
    for (GroupWriter* w : accepted) {
      for (const InsertBatch::Writes& wr : w->batch->writes_) {
        for (const auto& [key, time_s] : wr.event_keys) {
          wr.table->event_keys.Add(key, time_s, wr.table->event_dedup.window_s);
        }
      }
    }
  });
  // On failure the edit may have reached the manifest: the parts are left as they are
  // (the database is poisoned; the next open keeps what the manifest names).
  // The pieces are freed by their batches' owners, off the group's critical path.
  for (GroupWriter* w : accepted) {
    w->batch->done_ = true;
    w->status = s;
  }
  if (!s.ok()) return;
  group_commits_.fetch_add(1, std::memory_order_relaxed);
  grouped_inserts_.fetch_add(accepted.size(), std::memory_order_relaxed);
  lock.unlock();
  WakeMerger();
}

}  // namespace tally::engine
