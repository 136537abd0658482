// Database::Insert and InsertBatch: validate each block whole, split it by partition, sort
// each piece by the sorting key, write one part per piece; then commit all the parts of
// the insert in one manifest edit.
#include <cstring>
#include "absl/strings/str_cat.h"
#include "engine/database.h"
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
  if (!filled.ok()) return absl::InvalidArgumentError(absl::StrCat("insert into ", table, ": ", filled.message()));
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

absl::Status Database::Insert(const std::string& table, const Block& block) { return Insert(table, Block(block)); }

void Database::Publish(Table* table, const std::vector<PartPtr>& parts) {
  for (const PartPtr& p : parts) {
    // A failed rename leaves the part readable where it is; the next open renames it.
    if (PublishPart(env_, table->dir, p->name()).ok()) const_cast<Part*>(p.get())->MovedTo(JoinPath(table->dir, p->name()));
  }
}

absl::Status Database::Insert(const std::string& table, Block&& block) {
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<InsertBatch> batch, BeginInsert(table));
  TALLY_RETURN_IF_ERROR(batch->Add(std::move(block)));
  return batch->Commit();
}

absl::StatusOr<std::unique_ptr<Database::InsertBatch>> Database::BeginInsert(const std::string& table_name) {
  TALLY_RETURN_IF_ERROR(CheckWritable(absl::StrCat("INSERT INTO ", table_name)));
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, FindTable(table_name));
  std::unique_ptr<InsertBatch> batch(new InsertBatch(this, table_name));
  batch->table_ = table;
  return batch;
}

Database::InsertBatch::~InsertBatch() {
  if (!done_) Discard();
}

void Database::InsertBatch::Discard() {
  for (const PartPtr& p : written_) const_cast<Part*>(p.get())->MarkObsolete();
  written_.clear();
  done_ = true;
}

absl::Status Database::InsertBatch::Add(Block block) {
  if (done_) return absl::FailedPreconditionError(absl::StrCat("insert into ", table_name_, ": batch already ended"));
  Table* table = table_.get();
  const format::TableSchema schema = db_->SchemaOf(*table);  // its skip indexes may change meanwhile
  auto fail = [this](absl::Status s) {
    Discard();
    return s;
  };
  auto conformed = ConformBlock(table_name_, schema, table->defaults, std::move(block));
  if (!conformed.ok()) return fail(conformed.status());
  Block full = std::move(*conformed);
  if (full.rows() == 0) return absl::OkStatus();
  if (table->engine.kind == EngineKind::kNull) {  // checked, counted, and not stored
    rows_ += full.rows();
    return absl::OkStatus();
  }

  auto split = table->partition.Split(full);
  if (!split.ok()) return fail(absl::InvalidArgumentError(absl::StrCat("insert into ", table_name_, ": ",
                                                                      split.status().message())));
  std::vector<PartitionGroup> groups = *std::move(split);
  uint64_t first_block;
  {
    std::lock_guard<std::mutex> lock(db_->mu_);
    if (!db_->poisoned_.ok()) return fail(db_->poisoned_);
    first_block = table->next_block;
    table->next_block += groups.size();
  }
  std::vector<const Column*> keys;
  for (const std::string& k : schema.sort_key) keys.push_back(&full.columns[schema.FindColumn(k)]);
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<uint32_t> order = SortPermutation(keys, std::move(groups[g].rows));
    Block sorted;
    sorted.names = full.names;
    if (groups.size() == 1 && IsIdentity(order)) {
      sorted.columns = std::move(full.columns);  // already in key order: no copy
    } else {
      for (const Column& c : full.columns) sorted.columns.push_back(Column::Gather(c, order));
    }
    const uint64_t input_rows = sorted.rows();
    if (table->rule != nullptr) {
      // As a merge would (ClickHouse's optimize_on_insert): a part never holds two rows of
      // one key, so FINAL reads a key range only one part covers as it is.
      auto collapsed = CollapseEqualKeys(*table->rule, schema, std::move(sorted));
      if (!collapsed.ok()) return fail(collapsed.status());
      sorted = std::move(*collapsed);
    }
    rows_ += input_rows;
    PartIdentity id{groups[g].id, groups[g].value, first_block + g, first_block + g, 0};
    auto meta = WriteUnpublishedPart(db_->env_, table->dir, schema, id, std::move(sorted));
    if (!meta.ok()) return fail(meta.status());
    // Read back what was written: the part must open and validate before it is committed.
    auto part = Part::Open(db_->env_, TmpPartDir(table->dir, meta->name), meta->name);
    if (!part.ok()) {
      return fail(absl::InternalError(absl::StrCat("insert into ", table_name_, ": part ", meta->name,
                                                   " failed validation right after writing: ",
                                                   part.status().message())));
    }
    written_.push_back(*part);
  }
  return absl::OkStatus();
}

absl::Status Database::InsertBatch::Commit() {
  if (done_) return absl::FailedPreconditionError(absl::StrCat("insert into ", table_name_, ": batch already ended"));
  if (written_.empty()) {
    done_ = true;
    return absl::OkStatus();
  }
  Table* table = table_.get();
  // A table that tracks superseded rows: the new parts' keys are compared with the parts
  // of their partitions (and with each other) before the edit, which records the rows
  // found to lose (engine/superseded.h). commit_mu keeps other such commits out between.
  std::unique_lock<std::mutex> commit_lock(table->commit_mu, std::defer_lock);
  std::vector<PartPtr> compared;  // the table's parts the new ones were compared with
  std::vector<SupersededPtr> compared_skips;
  format::TableSchema schema;
  Losers losers;
  if (table->tracks_superseded) {
    commit_lock.lock();
    {
      std::lock_guard<std::mutex> lock(db_->mu_);
      schema = *table->schema;
      compared = table->parts;
      compared_skips = SupersededOf(*table, compared);
    }
    for (size_t w = 0; w < written_.size(); ++w) {
      std::vector<PartPtr> others;
      std::vector<SupersededPtr> skips;
      for (size_t i = 0; i < compared.size(); ++i) {
        if (compared[i]->meta().partition_id != written_[w]->meta().partition_id) continue;
        others.push_back(compared[i]);
        skips.push_back(compared_skips[i]);
      }
      for (size_t v = 0; v < w; ++v) {
        if (written_[v]->meta().partition_id == written_[w]->meta().partition_id) others.push_back(written_[v]);
      }
      auto found = FindSuperseded(schema, table->engine, written_[w], others, skips);
      if (!found.ok()) {
        Discard();
        return absl::Status(found.status().code(), absl::StrCat("insert into ", table_name_, ": ",
                                                                found.status().message()));
      }
      for (size_t i = 0; i < others.size(); ++i) {
        if (!(*found)[i].empty()) losers[others[i].get()] = format::UnionRowRuns(losers[others[i].get()], (*found)[i]);
      }
      losers[written_[w].get()] = format::UnionRowRuns(losers[written_[w].get()], found->back());
    }
  }
  std::unique_lock<std::mutex> lock(db_->mu_);
  auto it = db_->tables_.find(table_name_);
  if (it == db_->tables_.end() || it->second.get() != table) {
    Discard();
    return absl::AbortedError(absl::StrCat("insert into ", table_name_, ": the table was dropped during the insert"));
  }
  // Parts changed since the comparison (TRUNCATE, ATTACH PART, DROP or DETACH PARTITION):
  // the new parts go in untracked, and FINAL merges their partitions until a merge of all
  // their parts.
  const bool track = table->tracks_superseded && table->parts == compared;
  format::ManifestEdit edit;
  for (const PartPtr& p : written_) {
    edit.ops.push_back(format::ManifestOp::AddPart(table_name_, p->name(), p->rows()));
    if (track) edit.ops.push_back(format::ManifestOp::Supersede(table_name_, p->name(), losers[p.get()]));
  }
  if (track) AddSupersedeOps(*table, compared, losers, &edit);
  edit.ops.push_back(format::ManifestOp::NextBlock(table_name_, table->next_block));
  absl::Status s = db_->Commit(edit, [&] {
    db_->Publish(table, written_);
    table->parts.insert(table->parts.end(), written_.begin(), written_.end());
    if (!track) return;
    ApplySuperseded(table, compared, losers);
    for (const PartPtr& p : written_) {
      table->superseded[p->name()] = std::make_shared<const format::RowRuns>(std::move(losers[p.get()]));
    }
  });
  // On failure the edit may still have reached the manifest, so the parts stay on disk
  // (in their temporary directories): the database is poisoned, and the next open
  // publishes them if the manifest names them and removes them if not. Deleting them now
  // could leave the manifest naming parts that are gone.
  written_.clear();
  done_ = true;
  if (!s.ok()) return s;
  lock.unlock();
  db_->WakeMerger();
  return absl::OkStatus();
}

}  // namespace tally::engine
