#include "engine/final_scan.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "engine/merge_rules/rule_applier.h"
#include "engine/scan.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Value;

namespace {

using Key = std::vector<Value>;

int CompareKeys(const Key& a, const Key& b) {
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
    if (int c = format::CompareValues(a[k], b[k]); c != 0) return c;
  }
  return 0;
}

// Entry g of a part's primary index (g == granules: its last row's key) against `key`.
int CompareIndexKey(const Part& part, uint64_t g, const Key& key) {
  const auto& keys = part.index().keys;
  for (size_t k = 0; k < keys.size() && k < key.size(); ++k) {
    if (int c = format::CompareValues(keys[k][g], key[k]); c != 0) return c;
  }
  return 0;
}

Key IndexKey(const Part& part, uint64_t g) {
  Key key;
  for (const auto& column : part.index().keys) key.push_back(column[g]);
  return key;
}

// The first g in [begin, end) for which pred(g) holds, pred being false then true.
template <typename Pred>
uint64_t FirstWhere(uint64_t begin, uint64_t end, Pred pred) {
  while (begin < end) {
    const uint64_t mid = begin + (end - begin) / 2;
    if (pred(mid)) {
      end = mid;
    } else {
      begin = mid + 1;
    }
  }
  return begin;
}

// Granules [begin, end) of `run` that may hold keys in [lo, hi): granule g holds keys
// between its first key and the next granule's (or the part's last key), both included.
std::pair<uint64_t, uint64_t> Overlap(const Part& part, std::pair<uint64_t, uint64_t> run, const Key& lo,
                                      const Key& hi) {
  uint64_t begin = run.first, end = run.second;
  if (!lo.empty()) begin = FirstWhere(begin, end, [&](uint64_t g) { return CompareIndexKey(part, g + 1, lo) >= 0; });
  if (!hi.empty()) end = FirstWhere(begin, end, [&](uint64_t g) { return CompareIndexKey(part, g, hi) >= 0; });
  return {begin, end};
}

}  // namespace

namespace {

// A selected granule of a part: its rows hold keys in [lo, hi), or [lo, hi] for a part's
// last granule (keys are distinct within a part, so the next granule's first key is its own).
struct GranuleSpan {
  size_t part;
  uint64_t granule;
  Key lo, hi;
  bool hi_closed;
  uint64_t rows;
};

// The runs of consecutive granules of each part among `granules`, as merge inputs.
std::vector<MergeInput> InputsOf(std::vector<const GranuleSpan*> granules, const std::vector<PartPtr>& parts) {
  std::sort(granules.begin(), granules.end(), [](const GranuleSpan* a, const GranuleSpan* b) {
    return a->part != b->part ? a->part < b->part : a->granule < b->granule;
  });
  std::vector<MergeInput> out;
  for (const GranuleSpan* g : granules) {
    if (!out.empty() && out.back().part == parts[g->part] && out.back().granule_end == g->granule) {
      ++out.back().granule_end;
    } else {
      out.push_back(MergeInput{parts[g->part], g->granule, g->granule + 1});
    }
  }
  return out;
}

// Tasks for a set of granules of several parts whose key ranges overlap: one task, or
// key intervals of about task_rows rows each, the inputs cut to the granules reaching them.
void AddMergeTasks(const std::vector<const GranuleSpan*>& component, const std::vector<PartPtr>& parts,
                   uint64_t task_rows, std::vector<FinalTask>* tasks) {
  const std::vector<MergeInput> inputs = InputsOf(component, parts);
  std::vector<Key> splits;
  uint64_t since = 0;
  for (const GranuleSpan* g : component) {  // in key order
    if (since >= task_rows && (splits.empty() || CompareKeys(splits.back(), g->lo) < 0) &&
        CompareKeys(component.front()->lo, g->lo) < 0) {
      splits.push_back(g->lo);
      since = 0;
    }
    since += g->rows;
  }
  for (size_t t = 0; t <= splits.size(); ++t) {
    FinalTask task;
    if (t > 0) task.lo = splits[t - 1];
    if (t < splits.size()) task.hi = splits[t];
    for (const MergeInput& in : inputs) {
      auto [b, e] = Overlap(*in.part, {in.granule_begin, in.granule_end}, task.lo, task.hi);
      if (b >= e) continue;
      task.inputs.push_back(MergeInput{in.part, b, e});
      const auto& starts = in.part->index().granule_starts;
      task.rows += starts[e] - starts[b];
    }
    if (!task.inputs.empty()) tasks->push_back(std::move(task));
  }
}

}  // namespace

std::vector<FinalTask> PlanFinal(const format::TableSchema& schema, const std::vector<PartPtr>& parts,
                                 const std::vector<ColumnRange>& key_ranges, uint64_t task_rows,
                                 uint64_t* granules_selected) {
  std::map<std::string, std::vector<PartPtr>> partitions;
  for (const PartPtr& p : parts) partitions[p->meta().partition_id].push_back(p);
  std::vector<FinalTask> tasks;
  for (auto& [id, list] : partitions) {
    std::sort(list.begin(), list.end(),
              [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
    std::vector<GranuleSpan> granules;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!PartMayMatch(*list[i], key_ranges)) continue;
      const auto& starts = list[i]->index().granule_starts;
      for (auto [b, e] : SelectGranules(*list[i], schema, key_ranges)) {
        *granules_selected += e - b;
        for (uint64_t g = b; g < e; ++g) {
          granules.push_back(GranuleSpan{i, g, IndexKey(*list[i], g), IndexKey(*list[i], g + 1),
                                         g + 1 == list[i]->granules(), starts[g + 1] - starts[g]});
        }
      }
    }
    std::sort(granules.begin(), granules.end(), [](const GranuleSpan& a, const GranuleSpan& b) {
      const int c = CompareKeys(a.lo, b.lo);
      return c != 0 ? c < 0 : (a.part != b.part ? a.part < b.part : a.granule < b.granule);
    });
    // Components: granules whose key ranges overlap, transitively. One part's component is
    // read as it is (consecutive ones gathered into tasks of about task_rows rows); one of
    // several parts is merged. An empty key is one group: everything overlaps.
    std::vector<const GranuleSpan*> plain;  // consecutive granules of one part
    uint64_t plain_rows = 0;
    auto flush_plain = [&] {
      if (plain.empty()) return;
      FinalTask task;
      task.inputs = InputsOf(plain, list);
      task.rows = plain_rows;
      tasks.push_back(std::move(task));
      plain.clear();
      plain_rows = 0;
    };
    size_t i = 0;
    while (i < granules.size()) {
      std::vector<const GranuleSpan*> component = {&granules[i]};
      Key hi = granules[i].hi;
      bool hi_closed = granules[i].hi_closed;
      bool several = false;
      for (++i; i < granules.size(); ++i) {
        const GranuleSpan& g = granules[i];
        const int c = CompareKeys(g.lo, hi);
        if (!schema.sort_key.empty() && (c > 0 || (c == 0 && !hi_closed))) break;
        several |= g.part != component.front()->part;
        component.push_back(&g);
        const int h = CompareKeys(g.hi, hi);
        if (h > 0) {
          hi = g.hi;
          hi_closed = g.hi_closed;
        } else if (h == 0) {
          hi_closed |= g.hi_closed;
        }
      }
      if (several) {
        flush_plain();
        AddMergeTasks(component, list, task_rows, &tasks);
        continue;
      }
      if (!plain.empty() && (plain.front()->part != component.front()->part || plain_rows >= task_rows)) flush_plain();
      for (const GranuleSpan* g : component) {
        plain.push_back(g);
        plain_rows += g->rows;
      }
    }
    flush_plain();
  }
  return tasks;
}

absl::StatusOr<std::unique_ptr<FinalReader>> FinalReader::Make(const format::TableSchema& schema,
                                                                const EngineSpec& spec, std::vector<int> columns) {
  std::unique_ptr<FinalReader> reader(new FinalReader(schema, std::move(columns)));
  std::vector<std::string> layout;
  for (int c : reader->columns_) layout.push_back(schema.columns[c].name);
  for (const std::string& key : schema.sort_key) {
    reader->key_positions_.push_back(std::find(layout.begin(), layout.end(), key) - layout.begin());
  }
  TALLY_ASSIGN_OR_RETURN(reader->rule_, MakeMergeRule(spec, schema, layout));
  if (reader->rule_ == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("FINAL: engine ", schema.engine, " has no rule for equal keys (ReplacingMergeTree, ",
                     "SummingMergeTree and AggregatingMergeTree have one)"));
  }
  return reader;
}

std::unique_ptr<FinalReader> FinalReader::Clone(const format::TableSchema& schema) const {
  std::unique_ptr<FinalReader> reader(new FinalReader(schema, columns_));
  reader->key_positions_ = key_positions_;
  reader->rule_ = rule_;
  return reader;
}

void FinalReader::Start(const FinalTask* task) {
  task_ = task;
  finished_ = false;
  plain_cursors_.clear();
  merge_.reset();
  held_.clear();
  open_.clear();
  ready_.clear();
  group_rows_ = Block();
  group_starts_.clear();
  if (task->inputs.size() == 1) {
    // One part's run: its keys are distinct already, and it is read as it is.
    for (int c : columns_) plain_cursors_.emplace_back(task->inputs[0].part, c);
    plain_next_ = task->inputs[0].granule_begin;
    return;
  }
  merge_ = std::make_unique<SortedMerge>(schema_, columns_, task->inputs);
  merge_->PlanDictionaries();
  current_.assign(task->inputs.size(), nullptr);
}

absl::StatusOr<bool> FinalReader::NextPlain(Block* out) {
  const MergeInput& input = task_->inputs[0];
  const auto& starts = input.part->index().granule_starts;
  while (plain_next_ < input.granule_end) {
    uint64_t end = plain_next_ + 1;
    while (end < input.granule_end && starts[end + 1] - starts[plain_next_] <= 65536) ++end;
    Block rows;
    for (size_t i = 0; i < columns_.size(); ++i) {
      TALLY_ASSIGN_OR_RETURN(format::Column c, plain_cursors_[i].Read(plain_next_, end));
      rows.Add(schema_.columns[columns_[i]].name, std::move(c));
    }
    plain_next_ = end;
    DropRows(*rule_, RuleStage::kRead, &rows);
    CutToBounds(&rows);
    if (rows.rows() == 0) continue;
    *out = std::move(rows);
    return true;
  }
  return false;
}

std::pair<size_t, size_t> FinalReader::RowsInBounds(const Block& block) const {
  const size_t n = block.rows();
  if (task_->lo.empty() && task_->hi.empty()) return {0, n};
  auto row_key = [&](size_t i) {
    Key key;
    for (size_t pos : key_positions_) key.push_back(block.columns[pos].GetValue(i));
    return key;
  };
  // The first row whose key is at least `bound`.
  auto lower = [&](const Key& bound) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (CompareKeys(row_key(mid), bound) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
  const size_t begin = task_->lo.empty() ? 0 : lower(task_->lo);
  const size_t end = task_->hi.empty() ? n : lower(task_->hi);
  return {begin, std::max(begin, end)};
}

void FinalReader::CutToBounds(Block* block) const {
  const auto [begin, end] = RowsInBounds(*block);
  if (begin == 0 && end == block->rows()) return;
  Block cut;
  cut.names = block->names;
  for (const format::Column& c : block->columns) {
    format::Column part = format::Column::Make(c.type);
    if (end > begin) part.AppendRange(c, begin, end - begin);
    cut.columns.push_back(std::move(part));
  }
  *block = std::move(cut);
}

void FinalReader::Resolve() {
  if (open_.size() >= 2) {
    if (rule_->Picks()) {
      std::vector<std::pair<const Block*, size_t>> group;
      for (const Member& m : open_) group.emplace_back(&m.held->window->block, m.row);
      const size_t winner = rule_->Pick(group);
      for (size_t g = 0; g < open_.size(); ++g) {
        if (g != winner) open_[g].held->keep[open_[g].row] = 0;
      }
    } else {
      if (group_rows_.columns.empty()) group_rows_ = EmptyLike(open_[0].held->window->block);
      group_starts_.push_back(static_cast<uint32_t>(group_rows_.rows()));
      for (const Member& m : open_) {
        const Block& from = m.held->window->block;
        for (size_t c = 0; c < from.columns.size(); ++c) group_rows_.columns[c].AppendRange(from.columns[c], m.row, 1);
        m.held->keep[m.row] = 0;
      }
    }
  }
  open_.clear();
}

void FinalReader::ReleaseHeld(bool all) {
  size_t kept = 0;
  for (size_t i = 0; i < held_.size(); ++i) {
    Held* h = held_[i].get();
    const bool in_open = std::any_of(open_.begin(), open_.end(), [&](const Member& m) { return m.held == h; });
    if (!all && (!h->done || in_open)) {
      held_[kept++] = std::move(held_[i]);
      continue;
    }
    std::replace(current_.begin(), current_.end(), h, static_cast<Held*>(nullptr));  // it goes now
    const Block& block = h->window->block;
    const auto [begin, end] = RowsInBounds(block);
    std::vector<uint32_t> rows;
    rows.reserve(end - begin);
    for (size_t r = begin; r < end; ++r) {
      if (h->keep[r] != 0) rows.push_back(static_cast<uint32_t>(r));
    }
    if (rows.empty()) continue;
    Block out;
    out.names = block.names;
    for (const format::Column& c : block.columns) out.columns.push_back(format::Column::Gather(c, rows));
    DropRows(*rule_, RuleStage::kRead, &out);
    if (out.rows() > 0) ready_.push_back(std::move(out));
  }
  held_.resize(kept);
}

absl::Status FinalReader::ReduceGroups() {
  if (group_starts_.empty()) return absl::OkStatus();
  group_starts_.push_back(static_cast<uint32_t>(group_rows_.rows()));
  Block reduced = EmptyLike(group_rows_);
  TALLY_RETURN_IF_ERROR(rule_->Reduce(group_rows_, group_starts_, &reduced));
  if (reduced.rows() != group_starts_.size() - 1) {
    return absl::InternalError(absl::StrCat("merge rule gave ", reduced.rows(), " rows for ", group_starts_.size() - 1,
                                            " groups of equal keys"));
  }
  group_rows_ = Block();
  group_starts_.clear();
  CutToBounds(&reduced);  // groups are taken out in key order
  DropRows(*rule_, RuleStage::kRead, &reduced);
  if (reduced.rows() > 0) ready_.push_back(std::move(reduced));
  return absl::OkStatus();
}

absl::StatusOr<bool> FinalReader::ConsumeRun() {
  MergeRun run;
  TALLY_ASSIGN_OR_RETURN(bool more, merge_->NextRun(&run));
  if (!more) return false;
  Held*& h = current_[run.input];
  if (h == nullptr || h->window != run.window) {
    held_.push_back(std::make_unique<Held>());
    h = held_.back().get();
    h->window = run.window;
    h->keep.resize(run.window->block.rows(), 1);
  }
  const size_t b = run.begin, e = run.end;
  // Only a run's first row can share its key with rows before it, and only its last row
  // with rows after it (SortedMerge::NextRun).
  const bool joins = !open_.empty() && merge_->SameKey(*open_.front().held->window, open_.front().row, *run.window, b);
  if (joins) {
    open_.push_back(Member{h, b});
    if (e - b > 1) {
      Resolve();
      open_.push_back(Member{h, e - 1});
    }
  } else {
    Resolve();
    open_.push_back(Member{h, e - 1});
  }
  if (e == run.window->block.rows()) h->done = true;
  return true;
}

absl::StatusOr<bool> FinalReader::Next(Block* out) {
  if (merge_ == nullptr) return NextPlain(out);
  while (ready_.empty() && !finished_) {
    // About a chunk's worth of runs between looks at what can be returned.
    for (int k = 0; k < 64; ++k) {
      TALLY_ASSIGN_OR_RETURN(bool more, ConsumeRun());
      if (!more) {
        Resolve();
        finished_ = true;
        break;
      }
    }
    ReleaseHeld(finished_);
    if (finished_ || group_rows_.rows() >= 65536) TALLY_RETURN_IF_ERROR(ReduceGroups());
  }
  if (ready_.empty()) return false;
  *out = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace tally::engine
