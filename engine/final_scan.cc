#include "engine/final_scan.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
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

std::vector<FinalTask> PlanFinal(const format::TableSchema& schema, const std::vector<PartPtr>& parts,
                                 const std::vector<ColumnRange>& key_ranges, uint64_t task_rows,
                                 uint64_t* granules_selected) {
  std::map<std::string, std::vector<PartPtr>> partitions;
  for (const PartPtr& p : parts) partitions[p->meta().partition_id].push_back(p);
  std::vector<FinalTask> tasks;
  for (auto& [id, list] : partitions) {
    std::sort(list.begin(), list.end(),
              [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
    std::vector<std::vector<std::pair<uint64_t, uint64_t>>> runs(list.size());
    size_t biggest = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      if (PartMayMatch(*list[i], key_ranges)) runs[i] = SelectGranules(*list[i], schema, key_ranges);
      for (auto [b, e] : runs[i]) *granules_selected += e - b;
      if (list[i]->rows() > list[biggest]->rows()) biggest = i;
    }
    // Split keys: every task_rows rows of the biggest part (none for an empty key, where
    // the whole partition is one group).
    std::vector<Key> splits;
    if (!schema.sort_key.empty()) {
      const Part& big = *list[biggest];
      const auto& starts = big.index().granule_starts;
      uint64_t since = 0;
      for (uint64_t g = 1; g < big.granules(); ++g) {
        since += starts[g] - starts[g - 1];
        if (since < task_rows) continue;
        Key key = IndexKey(big, g);
        if (!splits.empty() && CompareKeys(splits.back(), key) >= 0) continue;
        splits.push_back(std::move(key));
        since = 0;
      }
    }
    for (size_t t = 0; t <= splits.size(); ++t) {
      FinalTask task;
      if (t > 0) task.lo = splits[t - 1];
      if (t < splits.size()) task.hi = splits[t];
      for (size_t i = 0; i < list.size(); ++i) {
        const auto& starts = list[i]->index().granule_starts;
        for (auto run : runs[i]) {
          auto [b, e] = Overlap(*list[i], run, task.lo, task.hi);
          if (b >= e) continue;
          task.inputs.push_back(MergeInput{list[i], b, e});
          task.rows += starts[e] - starts[b];
        }
      }
      if (!task.inputs.empty()) tasks.push_back(std::move(task));
    }
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

void FinalReader::Start(const FinalTask* task) {
  task_ = task;
  merge_ = std::make_unique<SortedMerge>(schema_, columns_, task->inputs);
  merge_->PlanDictionaries();
  applier_.reset();
  // One input is one part's run: its keys are distinct already.
  if (task->inputs.size() > 1) {
    applier_.emplace(rule_.get(), merge_->key_positions(), merge_->key_sorted_dictionary(), RuleStage::kRead);
  }
  finished_ = false;
}

void FinalReader::CutToBounds(Block* block) const {
  const size_t n = block->rows();
  auto row_key = [&](size_t i) {
    Key key;
    for (size_t pos : key_positions_) key.push_back(block->columns[pos].GetValue(i));
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
  if (begin == 0 && end == n) return;
  Block cut;
  cut.names = block->names;
  for (const format::Column& c : block->columns) {
    format::Column part = format::Column::Make(c.type);
    if (end > begin) part.AppendRange(c, begin, end - begin);
    cut.columns.push_back(std::move(part));
  }
  *block = std::move(cut);
}

absl::StatusOr<bool> FinalReader::Next(Block* out) {
  while (!finished_) {
    Block chunk;
    TALLY_ASSIGN_OR_RETURN(bool more, merge_->Next(&chunk));
    Block rows;
    if (!more) {
      finished_ = true;
      if (!applier_.has_value()) return false;
      TALLY_RETURN_IF_ERROR(applier_->Finish(&rows));
    } else if (applier_.has_value()) {
      TALLY_RETURN_IF_ERROR(applier_->Consume(chunk, &rows));
    } else {
      format::PodVector<uint8_t> keep;
      keep.resize(chunk.rows());
      for (size_t i = 0; i < keep.size(); ++i) keep[i] = 1;
      rule_->Drop(chunk, RuleStage::kRead, &keep);
      std::vector<uint32_t> kept;
      for (size_t i = 0; i < keep.size(); ++i) {
        if (keep[i]) kept.push_back(static_cast<uint32_t>(i));
      }
      if (kept.size() == chunk.rows()) {
        rows = std::move(chunk);
      } else {
        rows.names = chunk.names;
        for (const format::Column& c : chunk.columns) rows.columns.push_back(format::Column::Gather(c, kept));
      }
    }
    if (rows.rows() == 0) continue;
    CutToBounds(&rows);
    if (rows.rows() == 0) continue;
    *out = std::move(rows);
    return true;
  }
  return false;
}

}  // namespace tally::engine
