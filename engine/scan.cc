#include "engine/scan.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::TypeId;
using format::Value;

bool PartMayMatch(const Part& part, const std::vector<ColumnRange>& ranges) {
  for (const ColumnRange& r : ranges) {
    const format::ColumnMeta* cm = part.meta().FindColumn(r.column);
    if (cm == nullptr || !cm->has_min_max) continue;
    if (!r.Intersects(cm->min, cm->max)) return false;
  }
  return true;
}

namespace {

// A box of the sorting key: its first columns fixed to points (equalities, IN lists), then
// at most one column bounded by an interval. A condition such as
// `tenant IN ('a', 'b') AND metric = 'x' AND time >= t` is the union of the boxes
// ('a', 'x', [t, +inf)) and ('b', 'x', [t, +inf)).
struct KeyBox {
  std::vector<Value> prefix;
  const ColumnRange* interval = nullptr;  // on column prefix.size(); null: none
  std::optional<Value> lo, hi;            // the interval's bounds (absent: unbounded)
  bool lo_inclusive = true, hi_inclusive = true;
};

// The boxes the ranges on the leading key columns make (none: no row can match), or
// nullopt when they bound nothing (no range on the first key column). At most kMaxBoxes:
// past it, a column's points count as their interval.
std::optional<std::vector<KeyBox>> KeyBoxes(const std::vector<std::vector<const ColumnRange*>>& on_key,
                                            const format::TableSchema& schema) {
  constexpr size_t kMaxBoxes = 4096;
  std::vector<KeyBox> boxes(1);
  for (size_t k = 0; k < on_key.size(); ++k) {
    // Ranges on a function of the column (toDate(time)) bound no box; the per-column
    // pass prunes by them.
    std::vector<const ColumnRange*> raw;
    for (const ColumnRange* r : on_key[k]) {
      if (r->transform == nullptr) raw.push_back(r);
    }
    if (raw.empty()) break;
    // Nullable and float columns: NULL and NaN do not order in the index as values do.
    const format::DataType* type = schema.columns[schema.FindColumn(schema.sort_key[k])].type.get();
    if (type->id() == TypeId::kNullable || type->is_nullable_low_cardinality() || type->is_float()) break;
    // The points of column k: those of a point range (equality, IN list) inside every range.
    std::optional<std::vector<Value>> candidates;
    for (const ColumnRange* r : raw) {
      auto values = r->PointValues();
      if (values && (!candidates || values->size() < candidates->size())) candidates = std::move(values);
    }
    const bool pointed = candidates.has_value();
    std::vector<Value> points;
    if (pointed) {
      for (const Value& v : *candidates) {
        bool inside = true;
        for (const ColumnRange* r : raw) inside &= r->Contains(v);
        if (inside) points.push_back(v);
      }
      if (points.empty()) return std::vector<KeyBox>{};  // no value satisfies column k
    }
    if (pointed && boxes.size() * points.size() <= kMaxBoxes) {
      std::vector<KeyBox> next;
      for (const KeyBox& b : boxes) {
        for (const Value& v : points) {
          next.push_back(b);
          next.back().prefix.push_back(v);
        }
      }
      boxes = std::move(next);
      continue;
    }
    // An interval on column k: the tightest bound of each side; then the box ends.
    KeyBox bound;
    for (const ColumnRange* r : raw) {
      if (r->min) {
        const int c = bound.lo ? format::CompareValues(*r->min, *bound.lo) : 1;
        if (c > 0 || (c == 0 && !r->min_inclusive)) {
          bound.lo = r->min;
          bound.lo_inclusive = r->min_inclusive;
        }
      }
      if (r->max) {
        const int c = bound.hi ? format::CompareValues(*r->max, *bound.hi) : -1;
        if (c < 0 || (c == 0 && !r->max_inclusive)) {
          bound.hi = r->max;
          bound.hi_inclusive = r->max_inclusive;
        }
      }
    }
    for (KeyBox& b : boxes) {
      b.interval = raw.front();
      b.lo = bound.lo, b.hi = bound.hi;
      b.lo_inclusive = bound.lo_inclusive, b.hi_inclusive = bound.hi_inclusive;
    }
    break;
  }
  if (boxes.size() == 1 && boxes[0].prefix.empty() && boxes[0].interval == nullptr) return std::nullopt;
  return boxes;
}

// Index entry g (a key tuple) against the box's lower end: true when the entry lies
// before every key of the box.
bool BeforeBox(const format::PrimaryIndex& index, uint64_t g, const KeyBox& box) {
  for (size_t k = 0; k < box.prefix.size(); ++k) {
    const int c = format::CompareValues(index.keys[k][g], box.prefix[k]);
    if (c != 0) return c < 0;
  }
  if (box.interval == nullptr || !box.lo) return false;
  const int c = format::CompareValues(index.keys[box.prefix.size()][g], *box.lo);
  return c < 0 || (c == 0 && !box.lo_inclusive);
}

// True when index entry g lies after every key of the box.
bool AfterBox(const format::PrimaryIndex& index, uint64_t g, const KeyBox& box) {
  for (size_t k = 0; k < box.prefix.size(); ++k) {
    const int c = format::CompareValues(index.keys[k][g], box.prefix[k]);
    if (c != 0) return c > 0;
  }
  if (box.interval == nullptr || !box.hi) return false;
  const int c = format::CompareValues(index.keys[box.prefix.size()][g], *box.hi);
  return c > 0 || (c == 0 && !box.hi_inclusive);
}

}  // namespace

std::vector<std::pair<uint64_t, uint64_t>> SelectGranules(const Part& part, const format::TableSchema& schema,
                                                          const std::vector<ColumnRange>& ranges) {
  const format::PrimaryIndex& index = part.index();
  const size_t granules = index.granules();
  // For each key column, the ranges on it.
  std::vector<std::vector<const ColumnRange*>> on_key(schema.sort_key.size());
  bool any = false;
  for (const ColumnRange& r : ranges) {
    for (size_t k = 0; k < schema.sort_key.size(); ++k) {
      if (schema.sort_key[k] == r.column) {
        on_key[k].push_back(&r);
        any = true;
      }
    }
  }
  // Granules some key box reaches: granule g holds keys from index entry g to entry g + 1
  // (both sorted), so those of a box are the run between the first whose entry g + 1 is
  // not before it and the last whose entry g is not after it.
  std::vector<uint8_t> in_box;
  if (any && granules > 0) {
    const std::optional<std::vector<KeyBox>> boxes = KeyBoxes(on_key, schema);
    if (boxes.has_value()) {
      in_box.assign(granules, 0);
      for (const KeyBox& box : *boxes) {
        uint64_t lo = 0, hi = granules;  // first g with entry g + 1 not before the box
        while (lo < hi) {
          const uint64_t mid = lo + (hi - lo) / 2;
          if (BeforeBox(index, mid + 1, box)) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        const uint64_t begin = lo;
        hi = granules;  // first g at or past begin with entry g after the box
        while (lo < hi) {
          const uint64_t mid = lo + (hi - lo) / 2;
          if (AfterBox(index, mid, box)) {
            hi = mid;
          } else {
            lo = mid + 1;
          }
        }
        for (uint64_t g = begin; g < lo; ++g) in_box[g] = 1;
      }
    }
  }
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  auto add = [&runs](uint64_t g) {
    if (!runs.empty() && runs.back().second == g) {
      runs.back().second = g + 1;
    } else {
      runs.emplace_back(g, g + 1);
    }
  };
  for (size_t g = 0; g < granules; ++g) {
    bool keep = true;
    if (any) {
      // Rows of granule g lie between its first key and the next granule's first key (or
      // the part's last key). Column k is bounded by them while columns before it agree.
      for (size_t k = 0; k < on_key.size() && keep; ++k) {
        const Value& lo = index.keys[k][g];
        const Value& hi = index.keys[k][g + 1];
        for (const ColumnRange* r : on_key[k]) {
          if (!r->Intersects(lo, hi)) {
            keep = false;
            break;
          }
        }
        if (!(lo == hi)) break;
      }
    }
    if (keep && (in_box.empty() || in_box[g])) add(g);
  }
  return runs;
}

absl::StatusOr<std::unique_ptr<ScanCursor>> ScanCursor::Make(const format::TableSchema& schema,
                                                             std::vector<PartPtr> parts, ScanOptions options,
                                                             const EngineSpec* engine,
                                                             std::vector<SupersededPtr> superseded, TtlAt ttl) {
  std::unique_ptr<ScanCursor> cursor(new ScanCursor());
  cursor->schema_ = schema;
  cursor->ttl_ = std::move(ttl);
  if (auto indexes = BindSkipIndexes(schema); indexes.ok()) cursor->skip_indexes_ = *std::move(indexes);
  cursor->parts_ = std::move(parts);
  cursor->options_ = std::move(options);
  if (cursor->options_.max_block_rows == 0) cursor->options_.max_block_rows = 1;
  if (cursor->options_.columns.empty()) {
    for (const auto& c : schema.columns) cursor->options_.columns.push_back(c.name);
  }
  for (const std::string& name : cursor->options_.columns) {
    int c = schema.FindColumn(name);
    if (c < 0) return absl::NotFoundError(absl::StrCat("scan: no column '", name, "'"));
    cursor->output_columns_.push_back(c);
  }
  for (const std::string& name : cursor->options_.filter_columns) {
    int c = schema.FindColumn(name);
    if (c < 0) return absl::NotFoundError(absl::StrCat("scan: no filter column '", name, "'"));
    if (std::find(cursor->filter_columns_.begin(), cursor->filter_columns_.end(), c) != cursor->filter_columns_.end()) {
      return absl::InvalidArgumentError(absl::StrCat("scan: filter column '", name, "' named twice"));
    }
    cursor->filter_columns_.push_back(c);
  }
  for (const ColumnRange& r : cursor->options_.ranges) {
    int c = schema.FindColumn(r.column);
    if (c < 0) return absl::NotFoundError(absl::StrCat("scan: range on unknown column '", r.column, "'"));
    cursor->range_columns_.push_back(c);
  }
  if (cursor->options_.final) {
    if (engine == nullptr || !engine->has_rule()) {
      return absl::InvalidArgumentError(absl::StrCat("Storage ", schema.engine, " doesn't support FINAL"));
    }
    cursor->engine_ = *engine;
    const bool tracked = TracksSuperseded(*engine) && superseded.size() == cursor->parts_.size() &&
                         std::all_of(superseded.begin(), superseded.end(), [](const SupersededPtr& s) { return s != nullptr; });
    if (tracked) {
      // The rows not superseded are the winners, one per key: a plain scan that skips
      // the others answers FINAL, and every condition may prune (engine/superseded.h).
      cursor->superseded_ = std::move(superseded);
      if (!engine->is_deleted_column.empty()) cursor->is_deleted_column_ = schema.FindColumn(engine->is_deleted_column);
      cursor->Plan();
      cursor->stats_.final_skips_superseded = true;
      return cursor;
    }
    // Read: the output, the filters' columns, the sorting key and what the rule needs.
    auto add = [&](int c) {
      if (c >= 0 && std::find(cursor->read_columns_.begin(), cursor->read_columns_.end(), c) ==
                        cursor->read_columns_.end()) {
        cursor->read_columns_.push_back(c);
      }
    };
    for (int c : cursor->output_columns_) add(c);
    for (int c : cursor->filter_columns_) add(c);
    if (cursor->options_.filter_rows) {
      for (int c : cursor->range_columns_) add(c);
    }
    for (const std::string& k : schema.sort_key) add(schema.FindColumn(k));
    for (const std::string& r : RuleColumns(*engine)) add(schema.FindColumn(r));
    if (cursor->ttl_.ttl != nullptr) {
      for (int c : cursor->ttl_.ttl->columns()) add(c);
    }
    TALLY_ASSIGN_OR_RETURN(cursor->final_reader_, FinalReader::Make(cursor->schema_, cursor->engine_,
                                                                     cursor->read_columns_));
    cursor->PlanFinal();
    return cursor;
  }
  cursor->Plan();
  return cursor;
}

void ScanCursor::PlanFinal() {
  plan_ = std::make_shared<SharedPlan>();
  stats_.parts_total = parts_.size();
  std::vector<ColumnRange> key_ranges;
  for (const ColumnRange& r : options_.ranges) {
    if (std::find(schema_.sort_key.begin(), schema_.sort_key.end(), r.column) != schema_.sort_key.end()) {
      key_ranges.push_back(r);
    }
  }
  for (const PartPtr& p : parts_) {
    stats_.granules_total += p->granules();
    if (!PartMayMatch(*p, key_ranges)) continue;
    ++stats_.parts_selected;
    stats_.granules_in_selected_parts += p->granules();
    stats_.parts_after_key += !SelectGranules(*p, schema_, key_ranges).empty();  // for EXPLAIN
  }
  // Tasks of about a sixteenth of the rows, so that threads share them, within task_rows.
  uint64_t total_rows = 0;
  for (const PartPtr& p : parts_) total_rows += p->rows();
  const uint64_t task_rows =
      std::max<uint64_t>(1, std::min(options_.task_rows, std::max<uint64_t>(65536, total_rows / 16)));
  plan_->final_tasks = engine::PlanFinal(schema_, parts_, key_ranges, task_rows, &stats_.granules_selected);
  plan_->task_starts = {0, plan_->final_tasks.size()};  // unused; keeps Split's invariant
  if (options_.progress != nullptr) {
    uint64_t planned = 0;
    for (const FinalTask& t : plan_->final_tasks) planned += t.rows;
    options_.progress->AddTotalRowsToRead(planned);
  }
}

void ScanCursor::Plan() {
  plan_ = std::make_shared<SharedPlan>();
  std::vector<Chunk>& chunks = plan_->chunks;
  uint64_t total_rows = 0;  // in all chunks
  stats_.parts_total = parts_.size();
  cursors_.resize(parts_.size());
  const SkipIndexProbe probe(skip_indexes_, options_.ranges, options_.skip_conditions);
  stats_.skip_indexes = probe.EmptyStats();
  ttl_filtered_.assign(parts_.size(), 0);
  for (size_t p = 0; p < parts_.size(); ++p) {
    const Part& part = *parts_[p];
    stats_.granules_total += part.granules();
    cursors_[p].resize(schema_.columns.size());
    if (!PartMayMatch(part, options_.ranges)) continue;
    if (ttl_.ttl != nullptr) {
      const TableTtl::Expiry expiry = ttl_.ttl->PartExpiry(part, ttl_.now_s);
      if (expiry == TableTtl::Expiry::kAll) {
        ++stats_.parts_expired;
        stats_.granules_expired += part.granules();
        continue;
      }
      ttl_filtered_[p] = expiry == TableTtl::Expiry::kSome;
    }
    ++stats_.parts_selected;
    stats_.granules_in_selected_parts += part.granules();
    const auto& starts = part.index().granule_starts;
    std::vector<std::pair<uint64_t, uint64_t>> selected = SelectGranules(part, schema_, options_.ranges);
    for (auto [begin, end] : selected) stats_.granules_selected += end - begin;
    stats_.parts_after_key += !selected.empty();
    if (!probe.empty()) probe.Select(part, &selected, &stats_.skip_indexes);
    for (auto [begin, end] : selected) {
      uint64_t g = begin;
      while (g < end) {
        uint64_t e = g + 1;
        while (e < end && starts[e + 1] - starts[g] <= options_.max_block_rows) ++e;
        chunks.push_back(Chunk{p, g, e});
        total_rows += starts[e] - starts[g];
        g = e;
      }
    }
  }
  // At most task_rows per task, and at least kMinTasks tasks when there are chunks enough:
  // with few large parts, 1M-row tasks would leave one thread idle while another finishes.
  constexpr uint64_t kMinTasks = 16;
  const uint64_t max_task_rows = std::max<uint64_t>(1, std::min(options_.task_rows, total_rows / kMinTasks));
  uint64_t task_rows = max_task_rows;
  for (size_t c = 0; c < chunks.size(); ++c) {
    const Chunk& chunk = chunks[c];
    const auto& starts = parts_[chunk.part]->index().granule_starts;
    const uint64_t rows = starts[chunk.granule_end] - starts[chunk.granule_begin];
    const bool new_part = c > 0 && chunks[c - 1].part != chunk.part;
    if (task_rows + rows > max_task_rows || new_part) {
      plan_->task_starts.push_back(c);
      task_rows = 0;
    }
    task_rows += rows;
  }
  plan_->task_starts.push_back(chunks.size());
  if (options_.progress != nullptr) options_.progress->AddTotalRowsToRead(total_rows);
}

std::vector<std::unique_ptr<ScanCursor>> ScanCursor::Split(size_t n) {
  std::vector<std::unique_ptr<ScanCursor>> out;
  for (size_t i = 1; i < n; ++i) {
    std::unique_ptr<ScanCursor> sibling(new ScanCursor());
    sibling->schema_ = schema_;
    sibling->parts_ = parts_;
    sibling->options_ = options_;
    sibling->output_columns_ = output_columns_;
    sibling->range_columns_ = range_columns_;
    sibling->filter_columns_ = filter_columns_;
    sibling->superseded_ = superseded_;
    sibling->is_deleted_column_ = is_deleted_column_;
    sibling->ttl_ = ttl_;
    sibling->ttl_filtered_ = ttl_filtered_;
    sibling->plan_ = plan_;
    sibling->engine_ = engine_;
    sibling->read_columns_ = read_columns_;
    if (final_reader_ != nullptr) sibling->final_reader_ = final_reader_->Clone(sibling->schema_);
    sibling->cursors_.resize(parts_.size());
    for (auto& per_part : sibling->cursors_) per_part.resize(schema_.columns.size());
    out.push_back(std::move(sibling));
  }
  return out;
}

bool ScanCursor::NextChunk(size_t* chunk) {
  if (task_next_ == task_end_) {
    const size_t tasks = plan_->task_starts.size() - 1;
    const size_t t = plan_->next_task.fetch_add(1, std::memory_order_relaxed);
    if (t >= tasks) return false;
    task_next_ = plan_->task_starts[t];
    task_end_ = plan_->task_starts[t + 1];
  }
  *chunk = task_next_++;
  return claim_listener_ == nullptr || claim_listener_(*chunk);
}

absl::StatusOr<ColumnCursor*> ScanCursor::Cursor(size_t part, size_t column) {
  auto& cursor = cursors_[part][column];
  if (cursor == nullptr) {
    const format::ColumnMeta* cm = parts_[part]->meta().FindColumn(schema_.columns[column].name);
    if (cm == nullptr || !cm->type->Equals(*schema_.columns[column].type)) {
      return absl::DataLossError(absl::StrCat("part ", parts_[part]->name(), ": column '",
                                              schema_.columns[column].name, "' missing or of another type"));
    }
    size_t part_column = cm - parts_[part]->meta().columns.data();
    cursor = std::make_unique<ColumnCursor>(parts_[part], part_column);
  }
  return cursor.get();
}

absl::Status ScanCursor::ReadColumn(size_t part, size_t column, uint64_t g0, uint64_t g1, Column* out) {
  TALLY_ASSIGN_OR_RETURN(ColumnCursor * cursor, Cursor(part, column));
  TALLY_ASSIGN_OR_RETURN(*out, cursor->Read(g0, g1));
  if (options_.progress != nullptr) bytes_decoded_ += out->ByteSize();
  return absl::OkStatus();
}

absl::Status ScanCursor::ReadColumnSelected(size_t part, size_t column, uint64_t g0, uint64_t g1,
                                            absl::Span<const uint32_t> selection, Column* out) {
  TALLY_ASSIGN_OR_RETURN(ColumnCursor * cursor, Cursor(part, column));
  TALLY_ASSIGN_OR_RETURN(*out, cursor->ReadSelected(g0, g1, selection));
  if (options_.progress != nullptr) bytes_decoded_ += out->ByteSize();
  return absl::OkStatus();
}

void ScanCursor::ReportRead(uint64_t rows) {
  if (options_.progress == nullptr) return;
  options_.progress->AddRead(rows, bytes_decoded_);
  bytes_decoded_ = 0;
}

absl::StatusOr<bool> ScanCursor::NextFinal(Block* out) {
  while (true) {
    if (!final_active_) {
      const size_t t = plan_->next_task.fetch_add(1, std::memory_order_relaxed);
      if (t >= plan_->final_tasks.size()) return false;
      if (claim_listener_ != nullptr && !claim_listener_(uint64_t{t} << 32)) return false;
      final_task_ = t;
      final_block_ = 0;
      final_active_ = true;
      stats_.rows_read += plan_->final_tasks[t].rows;
      ReportRead(plan_->final_tasks[t].rows);
      final_reader_->Start(&plan_->final_tasks[t]);
    }
    Block rows;
    TALLY_ASSIGN_OR_RETURN(bool more, final_reader_->Next(&rows));
    if (!more) {
      final_active_ = false;
      continue;
    }
    if (options_.progress != nullptr) {
      for (const Column& c : rows.columns) bytes_decoded_ += c.ByteSize();
      ReportRead(0);
    }
    // Blocks in scan order: tasks in order, blocks within a task in order.
    last_chunk_ = (uint64_t{final_task_} << 32) | final_block_++;
    TALLY_ASSIGN_OR_RETURN(bool any, FilterAndProject(std::move(rows), out));
    if (any) return true;
  }
}

absl::StatusOr<bool> ScanCursor::FilterAndProject(Block rows, Block* out) {
  auto position = [&](int c) {
    return static_cast<size_t>(std::find(read_columns_.begin(), read_columns_.end(), c) - read_columns_.begin());
  };
  const size_t n = rows.rows();
  format::PodVector<uint8_t> mask;
  mask.resize(n);
  for (size_t i = 0; i < n; ++i) mask[i] = 1;
  if (ttl_.ttl != nullptr) {
    Block ttl_block;
    for (int c : ttl_.ttl->columns()) ttl_block.Add(schema_.columns[c].name, rows.columns[position(c)]);
    TALLY_RETURN_IF_ERROR(ttl_.ttl->ClearExpired(ttl_block, ttl_.now_s, mask.data()));
  }
  if (options_.filter_rows) {
    for (size_t r = 0; r < options_.ranges.size(); ++r) {
      FilterColumn(rows.columns[position(range_columns_[r])], options_.ranges[r], &mask);
    }
  }
  if (options_.row_filter != nullptr) {
    Block filter_block;
    for (int c : filter_columns_) {
      filter_block.names.push_back(schema_.columns[c].name);
      filter_block.columns.push_back(rows.columns[position(c)]);
    }
    TALLY_RETURN_IF_ERROR(options_.row_filter(filter_block, &mask));
  }
  std::vector<uint32_t> selection;
  for (uint32_t i = 0; i < n; ++i) {
    if (mask[i]) selection.push_back(i);
  }
  if (selection.empty()) return false;
  out->names.clear();
  out->columns.clear();
  for (int c : output_columns_) {
    out->names.push_back(schema_.columns[c].name);
    const Column& column = rows.columns[position(c)];
    out->columns.push_back(selection.size() == n ? column : Column::Gather(column, selection));
  }
  stats_.rows_returned += selection.size();
  return true;
}

absl::StatusOr<bool> ScanCursor::Next(Block* out) {
  if (final_reader_ != nullptr) return NextFinal(out);
  size_t chunk_index = 0;
  while (NextChunk(&chunk_index)) {
    const Chunk chunk = plan_->chunks[chunk_index];
    const auto& starts = parts_[chunk.part]->index().granule_starts;
    const uint64_t rows = starts[chunk.granule_end] - starts[chunk.granule_begin];
    stats_.rows_read += rows;
    std::vector<Column> columns(schema_.columns.size());
    std::vector<bool> have(schema_.columns.size(), false);
    format::PodVector<uint8_t> mask;
    const bool by_ranges = !options_.ranges.empty() && options_.filter_rows;
    // FINAL over tracked parts: superseded rows, and winners marked deleted, are skipped.
    const bool skips = !superseded_.empty() &&
                       (is_deleted_column_ >= 0 || !SkipsNone(*superseded_[chunk.part], starts[chunk.granule_begin],
                                                                 starts[chunk.granule_end]));
    const bool expiring = !ttl_filtered_.empty() && ttl_filtered_[chunk.part];
    const bool filtered = by_ranges || options_.row_filter != nullptr || skips || expiring;
    uint64_t matching = rows;
    if (filtered) mask.resize(rows, 1);
    if (expiring) {
      // The TTL's columns are lent to it in a block and taken back.
      Block ttl_block;
      for (int c : ttl_.ttl->columns()) {
        if (!have[c]) {
          TALLY_RETURN_IF_ERROR(ReadColumn(chunk.part, c, chunk.granule_begin, chunk.granule_end, &columns[c]));
          have[c] = true;
        }
        ttl_block.Add(schema_.columns[c].name, std::move(columns[c]));
      }
      absl::Status s = ttl_.ttl->ClearExpired(ttl_block, ttl_.now_s, mask.data());
      for (size_t i = 0; i < ttl_.ttl->columns().size(); ++i) {
        columns[ttl_.ttl->columns()[i]] = std::move(ttl_block.columns[i]);
      }
      TALLY_RETURN_IF_ERROR(s);
    }
    if (skips) {
      ClearSkipped(*superseded_[chunk.part], starts[chunk.granule_begin], mask.data(), rows);
      if (is_deleted_column_ >= 0) {
        const int c = is_deleted_column_;
        TALLY_RETURN_IF_ERROR(ReadColumn(chunk.part, c, chunk.granule_begin, chunk.granule_end, &columns[c]));
        have[c] = true;
        const uint8_t* deleted = columns[c].values<uint8_t>();
        for (size_t i = 0; i < rows; ++i) mask[i] &= deleted[i] == 0;
      }
    }
    if (by_ranges) {
      for (size_t r = 0; r < options_.ranges.size(); ++r) {
        int c = range_columns_[r];
        if (!have[c]) {
          TALLY_RETURN_IF_ERROR(ReadColumn(chunk.part, c, chunk.granule_begin, chunk.granule_end, &columns[c]));
          have[c] = true;
        }
        FilterColumn(columns[c], options_.ranges[r], &mask);
      }
    }
    if (options_.row_filter != nullptr) {
      // The filter's columns are lent to it in a block and taken back.
      Block filter_block;
      for (int c : filter_columns_) {
        if (!have[c]) {
          TALLY_RETURN_IF_ERROR(ReadColumn(chunk.part, c, chunk.granule_begin, chunk.granule_end, &columns[c]));
          have[c] = true;
        }
        filter_block.names.push_back(schema_.columns[c].name);
        filter_block.columns.push_back(std::move(columns[c]));
      }
      absl::Status s = options_.row_filter(filter_block, &mask);
      for (size_t i = 0; i < filter_columns_.size(); ++i) columns[filter_columns_[i]] = std::move(filter_block.columns[i]);
      TALLY_RETURN_IF_ERROR(s);
    }
    std::vector<uint32_t> selection;
    if (filtered) {
      // Row numbers of the mask's set bytes, without a branch per row.
      selection.resize(rows);
      size_t n = 0;
      for (uint32_t i = 0; i < rows; ++i) {
        selection[n] = i;
        n += mask[i] != 0;
      }
      matching = n;
      if (matching == 0) {  // the other columns are never read
        ReportRead(rows);
        continue;
      }
      selection.resize(matching);
      if (matching == rows) selection.clear();
    }
    out->names.clear();
    out->columns.clear();
    std::vector<int> uses(schema_.columns.size(), 0);
    for (int c : output_columns_) ++uses[c];
    // Columns read after the filter hold only the selected rows: their blocks without a
    // selected row are never decoded.
    std::vector<bool> selected(schema_.columns.size(), false);
    for (int c : output_columns_) {
      if (!have[c]) {
        if (selection.empty()) {
          TALLY_RETURN_IF_ERROR(ReadColumn(chunk.part, c, chunk.granule_begin, chunk.granule_end, &columns[c]));
        } else {
          TALLY_RETURN_IF_ERROR(
              ReadColumnSelected(chunk.part, c, chunk.granule_begin, chunk.granule_end, selection, &columns[c]));
          selected[c] = true;
        }
        have[c] = true;
      }
      out->names.push_back(schema_.columns[c].name);
      if (selection.empty() || selected[c]) {
        // A column asked for twice is copied for all but its last use.
        out->columns.push_back(--uses[c] == 0 ? std::move(columns[c]) : columns[c]);
      } else {
        out->columns.push_back(Column::Gather(columns[c], selection));
      }
    }
    stats_.rows_returned += matching;
    ReportRead(rows);
    last_chunk_ = chunk_index;
    return true;
  }
  return false;
}

}  // namespace tally::engine
