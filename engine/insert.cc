// Database::Insert and InsertBatch: validate each block whole, run it through the table's
// materialized views (and theirs, down a chain), split each table's block by partition,
// sort each piece by the sorting key, write one part per piece; then commit all the parts
// of the insert, in every table, with its deduplication token, in one manifest edit.
#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/merge_rules/rule_applier.h"
#include "engine/part_writer.h"
#include "engine/sort.h"
#include "engine/sorted_merge.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::TypeId;

namespace {

// A batch holding more bytes (in memory, after conforming and sorting) than this writes
// its parts as it goes, rather than leaving them to a group commit.
constexpr uint64_t kSmallInsertBytes = 1 << 20;

// Longest value a String stream can hold (lengths are u32).
constexpr uint64_t kMaxStringBytes = UINT32_MAX;

absl::Status CheckStringLengths(const Column& c, absl::string_view what) {
  switch (c.type->id()) {
    case TypeId::kString:
      for (size_t i = 0; i < c.offsets.size(); ++i) {
        uint64_t len = c.offsets[i] - (i == 0 ? 0 : c.offsets[i - 1]);
        if (len > kMaxStringBytes) {
          return absl::InvalidArgumentError(absl::StrCat(what, ": row ", i, ": a ", len, "-byte string exceeds 4 GiB"));
        }
      }
      return absl::OkStatus();
    case TypeId::kArray:
    case TypeId::kMap:
      for (size_t i = 0; i < c.offsets.size(); ++i) {
        uint64_t len = c.offsets[i] - (i == 0 ? 0 : c.offsets[i - 1]);
        if (len > kMaxStringBytes) {
          return absl::InvalidArgumentError(absl::StrCat(what, ": row ", i, ": ", len, " elements is too many"));
        }
      }
      for (const Column& child : c.children) TALLY_RETURN_IF_ERROR(CheckStringLengths(child, what));
      return absl::OkStatus();
    case TypeId::kNullable:
      return CheckStringLengths(c.children[0], what);
    default:
      return absl::OkStatus();
  }
}

// The block's columns in schema order, everything validated; a column the block leaves
// out holds its DEFAULT expression's value, else its type's default.
absl::StatusOr<Block> ConformBlock(const std::string& table, const format::TableSchema& schema,
                                   const TableDefaults& defaults, Block block) {
  if (block.names.size() != block.columns.size()) {
    return absl::InvalidArgumentError(absl::StrCat("insert into ", table, ": ", block.names.size(), " names for ",
                                                   block.columns.size(), " columns"));
  }
  const size_t rows = block.rows();
  if (rows >= UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("insert into ", table, ": ", rows,
                                                   " rows in one block; split it below 4294967295"));
  }
  std::vector<int> source(schema.columns.size(), -1);
  for (size_t i = 0; i < block.names.size(); ++i) {
    int c = schema.FindColumn(block.names[i]);
    if (c < 0) {
      return absl::InvalidArgumentError(absl::StrCat("insert into ", table, ": no column '", block.names[i], "'"));
    }
    if (source[c] >= 0) {
      return absl::InvalidArgumentError(absl::StrCat("insert into ", table, ": column '", block.names[i],
                                                     "' given twice"));
    }
    source[c] = static_cast<int>(i);
    const Column& col = block.columns[i];
    const std::string what = absl::StrCat("insert into ", table, ": column '", block.names[i], "'");
    if (col.type == nullptr || !col.type->Equals(*schema.columns[c].type)) {
      return absl::InvalidArgumentError(absl::StrCat(what, " is ", col.type ? col.type->ToString() : "untyped",
                                                     ", the table has ", schema.columns[c].type->ToString()));
    }
    if (col.size() != rows) {
      return absl::InvalidArgumentError(absl::StrCat(what, " has ", col.size(), " rows, the first column ", rows));
    }
    TALLY_RETURN_IF_ERROR(col.Validate(what));
    TALLY_RETURN_IF_ERROR(CheckStringLengths(col, what));
  }
  Block out;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    out.names.push_back(schema.columns[c].name);
    if (source[c] >= 0) {
      out.columns.push_back(std::move(block.columns[source[c]]));
    } else {
      Column filled = Column::Make(schema.columns[c].type);
      for (size_t r = 0; r < rows; ++r) filled.AppendDefault();
      out.columns.push_back(std::move(filled));
    }
  }
  std::vector<bool> given(schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) given[c] = source[c] >= 0;
  absl::Status filled = defaults.Fill(schema, given, &out);
  if (!filled.ok()) {
    return WithMessage(filled, absl::StatusCode::kInvalidArgument,
                       absl::StrCat("insert into ", table, ": ", filled.message()));
  }
  return out;
}

bool IsIdentity(const std::vector<uint32_t>& order) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (order[i] != i) return false;
  }
  return true;
}

// Whether two neighbouring rows of `sorted` have equal keys. Column by column, keeping the
// rows whose keys are still equal to the row before: fixed-width integers, times and
// UUIDs compare as bytes (equal bytes, equal values), other types as the sort compares.
bool HasEqualNeighbours(const Block& sorted, const std::vector<size_t>& keys) {
  const size_t n = sorted.rows();
  if (n < 2) return false;
  std::vector<uint32_t> candidates(n - 1);  // row i: still equal to row i - 1
  for (uint32_t i = 1; i < n; ++i) candidates[i - 1] = i;
  for (size_t k : keys) {
    const Column& c = sorted.columns[k];
    const size_t w = c.type->fixed_width();
    size_t kept = 0;
    if (w != 0 && !c.type->is_float()) {
      const uint8_t* data = c.data.data();
      for (uint32_t i : candidates) {
        candidates[kept] = i;
        kept += std::memcmp(data + i * w, data + (i - 1) * w, w) == 0;
      }
    } else {
      for (uint32_t i : candidates) {
        candidates[kept] = i;
        kept += CompareKeyCell(c, i, c, i - 1, false) == 0;
      }
    }
    candidates.resize(kept);
    if (candidates.empty()) return false;
  }
  return true;
}

// The table's merge rule applied to one sorted block (every schema column, in schema
// order), as a merge would: rows that hide older ones are kept.
absl::StatusOr<Block> CollapseEqualKeys(const MergeRule& rule, const format::TableSchema& schema, Block sorted) {
  std::vector<size_t> keys;
  for (const std::string& k : schema.sort_key) keys.push_back(static_cast<size_t>(sorted.Find(k)));
  if (!HasEqualNeighbours(sorted, keys)) return sorted;  // distinct keys: nothing to collapse
  RuleApplier applier(&rule, keys, std::vector<bool>(keys.size(), false), RuleStage::kStore);
  Block out;
  TALLY_RETURN_IF_ERROR(applier.Consume(sorted, &out));
  TALLY_RETURN_IF_ERROR(applier.Finish(&out));
  return out;
}

}  // namespace

absl::StatusOr<Block> Database::SortForPart(const Table& table, const format::TableSchema& schema, Block block) {
  std::vector<const Column*> keys;
  for (const std::string& k : schema.sort_key) keys.push_back(&block.columns[schema.FindColumn(k)]);
  std::vector<uint32_t> rows(block.rows());
  for (uint32_t r = 0; r < rows.size(); ++r) rows[r] = r;
  std::vector<uint32_t> order = SortPermutation(keys, std::move(rows));
  if (!IsIdentity(order)) {
    for (Column& c : block.columns) c = Column::Gather(c, order);
  }
  if (table.rule == nullptr) return block;
  return CollapseEqualKeys(*table.rule, schema, std::move(block));
}

absl::Status Database::Insert(const std::string& table, const Block& block, const InsertOptions& options) {
  return Insert(table, Block(block), options);
}

void Database::Publish(Table* table, const std::vector<PartPtr>& parts) {
  for (const PartPtr& p : parts) {
    const std::string dir = IsInline(*p) ? InlineDir(*table) : table->dir;
    // A failed rename leaves the part readable where it is; the next open renames it.
    if (PublishPart(p->env(), dir, p->name()).ok()) const_cast<Part*>(p.get())->MovedTo(JoinPath(dir, p->name()));
  }
}

absl::Status Database::Insert(const std::string& table, Block&& block, const InsertOptions& options) {
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<InsertBatch> batch, BeginInsert(table, options));
  TALLY_RETURN_IF_ERROR(batch->Add(std::move(block)));
  return batch->Commit();
}

absl::StatusOr<std::unique_ptr<Database::InsertBatch>> Database::BeginInsert(const std::string& table_name,
                                                                             InsertOptions options) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("INSERT INTO ", table_name)));
  std::unique_ptr<InsertBatch> batch(new InsertBatch(this, std::move(options)));
  TALLY_RETURN_IF_ERROR(PlanViews(batch.get(), table_name));
  // A commit into a table that tracks superseded rows compares its parts with the table's
  // first (InsertBatch::Commit), which the group commit does not do.
  for (const InsertBatch::Writes& w : batch->writes_) batch->small_ &= !w.table->tracks_superseded;
  if (!batch->options_.deduplicate) return batch;
  std::lock_guard<std::mutex> lock(mu_);
  const Table& table = *batch->writes_[0].table;
  if (table.dedup_settings.count == 0) {
    batch->hash_blocks_ = false;
  } else if (!batch->options_.deduplication_token.empty()) {
    // A retry of an insert already in the window: its data is read and dropped.
    batch->hash_blocks_ = false;
    batch->deduplicated_ = table.dedup.Contains(UserInsertToken(batch->options_.deduplication_token),
                                                env_->NowMicros(), table.dedup_settings);
  }
  return batch;
}

Database::InsertBatch::~InsertBatch() {
  if (!done_) Discard();
}

void Database::InsertBatch::Discard() {
  for (Writes& w : writes_) {
    for (const PartPtr& p : w.written) const_cast<Part*>(p.get())->MarkObsolete();
    w.written.clear();
    w.pending.clear();
  }
  done_ = true;
}

absl::Status Database::InsertBatch::Add(Block block) {
  if (done_) {
    return absl::FailedPreconditionError(absl::StrCat("insert into ", writes_[0].name, ": batch already ended"));
  }
  if (hash_blocks_) hasher_.Add(block);
  if (deduplicated_) {
    rows_ += block.rows();
    return absl::OkStatus();
  }
  absl::Status s = AddTo(0, std::move(block));
  if (!s.ok()) Discard();
  return s;
}

void Database::InsertBatch::CountWritten(const Block& block) const {
  if (options_.progress == nullptr) return;
  uint64_t bytes = 0;
  for (const Column& c : block.columns) bytes += c.ByteSize();
  options_.progress->AddWritten(block.rows(), bytes);
}

absl::Status Database::InsertBatch::AddTo(size_t w, Block block) {
  Writes& writes = writes_[w];
  Table* table = writes.table.get();
  const std::string& name = writes.name;
  // As it stands now (its skip indexes may change meanwhile); the schema itself never changes.
  const std::shared_ptr<const format::TableSchema> schema_now = db_->DefinitionOf(*table).first;
  const format::TableSchema& schema = *schema_now;
  TALLY_ASSIGN_OR_RETURN(Block full, ConformBlock(name, schema, table->defaults, std::move(block)));
  if (full.rows() == 0) return absl::OkStatus();
  if (w == 0) rows_ += full.rows();
  if (table->event_dedup.enabled()) {
    // Repeats of events the table holds, or this batch holds already, go before the
    // table and its views see them.
    const EventDedupSpec& spec = table->event_dedup;
    std::vector<std::pair<EventKey, int64_t>> keys = EventKeysOf(full, schema, spec);
    std::vector<uint32_t> kept;
    {
      std::lock_guard<std::mutex> lock(db_->mu_);
      for (uint32_t r = 0; r < keys.size(); ++r) {
        const auto& [key, time_s] = keys[r];
        if (table->event_keys.Seen(key, time_s, spec.window_s)) continue;
        auto [it, inserted] = writes.event_keys.try_emplace(key, time_s);
        if (!inserted) {
          // A repeat within this insert, by the same window.
          if (time_s >= it->second - spec.window_s && time_s <= it->second + spec.window_s) continue;
          it->second = std::max(it->second, time_s);
        }
        kept.push_back(r);
      }
    }
    if (kept.empty()) return absl::OkStatus();
    if (kept.size() < keys.size()) {
      for (Column& c : full.columns) c = Column::Gather(c, kept);
    }
  }
  CountWritten(full);  // what the table stores (after event deduplication)
  // Views see the rows as inserted, before sorting and before the table's merge rule.
  for (const Writes::View& view : writes.views) {
    auto rows = view.query->Run(full);
    absl::Status s = rows.status();
    if (s.ok()) s = AddTo(view.target, *std::move(rows));
    if (!s.ok()) {
      return WithMessage(s, absl::StrCat("materialized view ", view.name, " (", name, " -> ",
                                         writes_[view.target].name, "): ", s.message()));
    }
  }
  if (table->engine.kind == EngineKind::kNull) return absl::OkStatus();  // checked, counted, and not stored

  auto split = table->partition.Split(full);
  if (!split.ok()) {
    return WithMessage(split.status(), absl::StatusCode::kInvalidArgument,
                       absl::StrCat("insert into ", name, ": ", split.status().message()));
  }
  std::vector<PartitionGroup> groups = *std::move(split);
  std::vector<const Column*> keys;
  for (const std::string& k : schema.sort_key) keys.push_back(&full.columns[schema.FindColumn(k)]);
  std::vector<Writes::Piece> pieces;
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<uint32_t> order = SortPermutation(keys, std::move(groups[g].rows));
    Block sorted;
    sorted.names = full.names;
    if (groups.size() == 1 && IsIdentity(order)) {
      sorted.columns = std::move(full.columns);  // already in key order: no copy
    } else {
      for (const Column& c : full.columns) sorted.columns.push_back(Column::Gather(c, order));
    }
    if (table->rule != nullptr) {
      // As a merge would (ClickHouse's optimize_on_insert): a part never holds two rows of
      // one key, so FINAL reads a key range only one part covers as it is.
      TALLY_ASSIGN_OR_RETURN(sorted, CollapseEqualKeys(*table->rule, schema, std::move(sorted)));
    }
    pieces.push_back(Writes::Piece{std::move(groups[g].id), std::move(groups[g].value), std::move(sorted)});
  }
  if (small_) {
    for (const Writes::Piece& p : pieces) {
      for (const Column& c : p.rows.columns) pending_bytes_ += c.ByteSize();
    }
    if (pending_bytes_ <= kSmallInsertBytes) {
      for (Writes::Piece& p : pieces) writes.pending.push_back(std::move(p));
      return absl::OkStatus();
    }
    TALLY_RETURN_IF_ERROR(WritePending());
  }
  uint64_t first_block;
  {
    std::lock_guard<std::mutex> lock(db_->mu_);
    if (!db_->poisoned_.ok()) return db_->poisoned_;
    first_block = table->next_block;
    table->next_block += pieces.size();
  }
  for (size_t g = 0; g < pieces.size(); ++g) TALLY_RETURN_IF_ERROR(WritePart(w, std::move(pieces[g]), first_block + g));
  return absl::OkStatus();
}

absl::Status Database::InsertBatch::WritePart(size_t w, Writes::Piece piece, uint64_t block) {
  Writes& writes = writes_[w];
  Table* table = writes.table.get();
  const std::shared_ptr<const format::TableSchema> schema = db_->DefinitionOf(*table).first;
  PartIdentity id{std::move(piece.partition_id), std::move(piece.partition_value), block, block, 0};
  auto part = WriteAndOpenUnpublishedPart(db_->env_, table->dir, *schema, id, std::move(piece.rows));
  if (!part.ok()) {
    return WithMessage(part.status(), absl::StrCat("insert into ", writes.name, ": ", part.status().message()));
  }
  writes.written.push_back(*std::move(part));
  return absl::OkStatus();
}

absl::Status Database::InsertBatch::WritePending() {
  small_ = false;
  for (size_t w = 0; w < writes_.size(); ++w) {
    std::vector<Writes::Piece> pending = std::move(writes_[w].pending);
    writes_[w].pending.clear();
    if (pending.empty()) continue;
    uint64_t first_block;
    {
      std::lock_guard<std::mutex> lock(db_->mu_);
      if (!db_->poisoned_.ok()) return db_->poisoned_;
      first_block = writes_[w].table->next_block;
      writes_[w].table->next_block += pending.size();
    }
    for (size_t p = 0; p < pending.size(); ++p) TALLY_RETURN_IF_ERROR(WritePart(w, std::move(pending[p]), first_block + p));
  }
  return absl::OkStatus();
}

absl::Status Database::InsertBatch::CheckStillValid(
    const absl::flat_hash_map<const Table*, EventKeys>* earlier) const {
  const std::string& name = writes_[0].name;
  for (const Writes& w : writes_) {
    auto it = db_->tables_.find(w.name);
    if (it == db_->tables_.end() || it->second != w.table) {
      return absl::AbortedError(absl::StrCat("insert into ", name, ": table ", w.name,
                                             " was dropped during the insert; nothing was stored"));
    }
  }
  for (const Writes& w : writes_) {
    const EventDedupSpec& spec = w.table->event_dedup;
    const EventKeys* before = nullptr;
    if (earlier != nullptr) {
      auto at = earlier->find(w.table.get());
      if (at != earlier->end()) before = &at->second;
    }
    for (const auto& [key, time_s] : w.event_keys) {
      if (!w.table->event_keys.Seen(key, time_s, spec.window_s) &&
          (before == nullptr || !before->Seen(key, time_s, spec.window_s))) {
        continue;
      }
      return absl::AbortedError(absl::StrCat("insert into ", name, ": a concurrent insert committed events with the "
                                             "same deduplication keys into ", w.name, "; nothing was stored, retry ",
                                             "the insert (its repeats will be dropped)"));
    }
  }
  if (db_->views_epoch_ != views_epoch_) {
    return absl::AbortedError(absl::StrCat("insert into ", name, ": a materialized view was created or dropped ",
                                           "during the insert; nothing was stored, retry it"));
  }
  return absl::OkStatus();
}

std::string Database::InsertBatch::Token() const {
  if (options_.deduplicate && !options_.deduplication_token.empty()) return UserInsertToken(options_.deduplication_token);
  if (hash_blocks_) return hasher_.Token();
  return "";
}

absl::Status Database::InsertBatch::Commit() {
  const std::string& name = writes_[0].name;
  if (done_) return absl::FailedPreconditionError(absl::StrCat("insert into ", name, ": batch already ended"));
  if (deduplicated_) {
    Discard();
    return absl::OkStatus();
  }
  if (JoinsGroup()) return db_->CommitSmall(this);
  bool any = false;
  bool pending = false;
  for (const Writes& w : writes_) {
    any |= !w.written.empty();
    pending |= !w.pending.empty();
  }
  if (pending) {
    if (absl::Status s = WritePending(); !s.ok()) {
      Discard();
      return s;
    }
    any = true;
  }
  if (!any && backfill_view_.empty()) {
    done_ = true;
    return absl::OkStatus();
  }
  std::string token = Token();
  // A table that tracks superseded rows: the new parts' keys are compared with the parts
  // of their partitions (and with each other) before the edit, which records the rows
  // found to lose (engine/superseded.h). commit_mu keeps other such commits out between;
  // a batch takes the locks of its tables in name order.
  struct Tracking {
    std::vector<PartPtr> compared;  // the table's parts the new ones were compared with
    Losers losers;
  };
  std::vector<std::optional<Tracking>> tracking(writes_.size());
  std::vector<size_t> tracked;
  for (size_t i = 0; i < writes_.size(); ++i) {
    if (writes_[i].table->tracks_superseded && !writes_[i].written.empty()) tracked.push_back(i);
  }
  std::sort(tracked.begin(), tracked.end(), [&](size_t a, size_t b) { return writes_[a].name < writes_[b].name; });
  std::vector<std::unique_lock<std::mutex>> commit_locks;
  for (size_t i : tracked) commit_locks.emplace_back(writes_[i].table->commit_mu);
  for (size_t i : tracked) {
    const Writes& writes = writes_[i];
    Table* table = writes.table.get();
    Tracking& t = tracking[i].emplace();
    std::vector<SupersededPtr> compared_skips;
    format::TableSchema schema;
    {
      std::lock_guard<std::mutex> lock(db_->mu_);
      schema = *table->schema;
      t.compared = table->parts;
      compared_skips = SupersededOf(*table, t.compared);
    }
    const std::vector<PartPtr>& written = writes.written;
    for (size_t w = 0; w < written.size(); ++w) {
      std::vector<PartPtr> others;
      std::vector<SupersededPtr> skips;
      for (size_t c = 0; c < t.compared.size(); ++c) {
        if (t.compared[c]->meta().partition_id != written[w]->meta().partition_id) continue;
        others.push_back(t.compared[c]);
        skips.push_back(compared_skips[c]);
      }
      for (size_t v = 0; v < w; ++v) {
        if (written[v]->meta().partition_id == written[w]->meta().partition_id) others.push_back(written[v]);
      }
      auto found = FindSuperseded(schema, table->engine, written[w], others, skips);
      if (!found.ok()) {
        Discard();
        return WithMessage(found.status(), absl::StrCat("insert into ", writes.name, ": ",
                                                        found.status().message()));
      }
      for (size_t o = 0; o < others.size(); ++o) {
        if (!(*found)[o].empty()) {
          t.losers[others[o].get()] = format::UnionRowRuns(t.losers[others[o].get()], (*found)[o]);
        }
      }
      t.losers[written[w].get()] = format::UnionRowRuns(t.losers[written[w].get()], found->back());
    }
  }
  std::unique_lock<std::mutex> order(db_->log_mu_);
  std::unique_lock<std::mutex> lock(db_->mu_);
  if (absl::Status s = CheckStillValid(nullptr); !s.ok()) {
    Discard();
    return s;
  }
  if (!backfill_view_.empty()) {
    auto v = db_->views_.find(backfill_view_);
    if (v == db_->views_.end() || !(v->second.def == backfill_def_)) {
      Discard();
      return absl::AbortedError(absl::StrCat("materialized view ", backfill_view_,
                                             " was dropped or changed during its POPULATE; nothing was stored"));
    }
  }
  Table& first = *writes_[0].table;
  const uint64_t now_us = db_->env_->NowMicros();
  if (first.dedup_settings.count == 0) token.clear();  // the table keeps no window
  if (!token.empty() && first.dedup.Contains(token, now_us, first.dedup_settings)) {
    Discard();
    deduplicated_ = true;
    return absl::OkStatus();
  }
  // Parts changed since the comparison (TRUNCATE, ATTACH PART, DROP or DETACH PARTITION):
  // the new parts go in untracked, and FINAL merges their partitions until a merge of all
  // their parts.
  std::vector<bool> track(writes_.size());
  format::ManifestEdit edit;
  for (size_t i = 0; i < writes_.size(); ++i) {
    const Writes& w = writes_[i];
    if (w.written.empty()) continue;
    track[i] = tracking[i].has_value() && w.table->parts == tracking[i]->compared;
    for (const PartPtr& p : w.written) {
      edit.ops.push_back(format::ManifestOp::AddPart(w.name, p->name(), p->rows()));
      if (track[i]) edit.ops.push_back(format::ManifestOp::Supersede(w.name, p->name(), tracking[i]->losers[p.get()]));
    }
    if (track[i]) AddSupersedeOps(*w.table, tracking[i]->compared, tracking[i]->losers, &edit);
    edit.ops.push_back(format::ManifestOp::NextBlock(w.name, w.table->next_block));
  }
  if (!token.empty()) edit.ops.push_back(format::ManifestOp::InsertToken(name, token, now_us));
  if (!backfill_view_.empty()) {
    edit.ops.push_back(format::ManifestOp::Named(format::ManifestOp::Kind::kBackfillDone, backfill_view_));
  }
  absl::Status s = db_->Commit(order, lock, edit, [&] {
    for (size_t i = 0; i < writes_.size(); ++i) {
      Writes& w = writes_[i];
      Table* table = w.table.get();
      for (const auto& [key, time_s] : w.event_keys) table->event_keys.Add(key, time_s, table->event_dedup.window_s);
      db_->Publish(table, w.written);
      table->parts.insert(table->parts.end(), w.written.begin(), w.written.end());
      if (!track[i]) continue;
      ApplySuperseded(table, tracking[i]->compared, tracking[i]->losers);
      for (const PartPtr& p : w.written) {
        table->superseded[p->name()] = std::make_shared<const format::RowRuns>(std::move(tracking[i]->losers[p.get()]));
      }
    }
    if (!token.empty()) first.dedup.Add(token, now_us, first.dedup_settings);
    if (!backfill_view_.empty()) db_->views_.at(backfill_view_).def.backfill_below_block = 0;
  });
  // On failure the edit may still have reached the manifest, so the parts stay on disk
  // (in their temporary directories): the database is poisoned, and the next open
  // publishes them if the manifest names them and removes them if not. Deleting them now
  // could leave the manifest naming parts that are gone.
  for (Writes& w : writes_) w.written.clear();
  done_ = true;
  if (!s.ok()) return s;
  lock.unlock();
  db_->WakeMerger();
  return absl::OkStatus();
}

namespace {

// A part's newest event time, in seconds, from its column statistics; nullopt when it has
// none (then the part is read).
std::optional<int64_t> NewestEvent(const Part& part, const std::string& column) {
  const format::ColumnMeta* c = part.meta().FindColumn(column);
  if (c == nullptr || !c->has_min_max) return std::nullopt;
  switch (c->type->id()) {
    case TypeId::kDate:
      return static_cast<int64_t>(c->max.u) * 86400;
    case TypeId::kDateTime:
      return static_cast<int64_t>(c->max.u);
    case TypeId::kDateTime64: {
      int64_t ticks = c->max.i;
      for (int p = 0; p < c->type->precision(); ++p) ticks = ticks >= 0 ? ticks / 10 : (ticks - 9) / 10;
      return ticks;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

void Database::RebuildEventKeys(Table* table) const {
  table->event_keys.Clear();
  const EventDedupSpec& spec = table->event_dedup;
  if (!spec.enabled() || table->parts.empty()) return;
  int64_t newest = INT64_MIN;
  for (const PartPtr& p : table->parts) {
    newest = std::max(newest, NewestEvent(*p, spec.time_column).value_or(INT64_MAX));
  }
  std::vector<PartPtr> parts;
  for (const PartPtr& p : table->parts) {
    const std::optional<int64_t> n = NewestEvent(*p, spec.time_column);
    if (!n.has_value() || newest == INT64_MAX || *n >= newest - spec.window_s) parts.push_back(p);
  }
  ScanOptions options;
  options.columns = spec.key_columns;
  if (std::find(options.columns.begin(), options.columns.end(), spec.time_column) == options.columns.end()) {
    options.columns.push_back(spec.time_column);
  }
  format::TableSchema columns;  // the scanned columns, in scan order, to find them by name
  for (const std::string& c : options.columns) columns.columns.push_back(table->schema->columns[table->schema->FindColumn(c)]);
  auto cursor = ScanCursor::Make(*table->schema, std::move(parts), std::move(options));
  absl::Status status = cursor.status();
  while (status.ok()) {
    Block block;
    auto more = (*cursor)->Next(&block);
    status = more.status();
    if (!status.ok() || !*more) break;
    for (const auto& [key, time_s] : EventKeysOf(block, columns, spec)) table->event_keys.Add(key, time_s, spec.window_s);
  }
  if (!status.ok()) table->event_keys.Clear();
}

}  // namespace tally::engine
