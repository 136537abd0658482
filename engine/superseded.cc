#include "engine/superseded.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "engine/final_scan.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/range_filter.h"
#include "engine/sorted_merge.h"
#include "format/status_macros.h"

namespace tally::engine {

bool TracksSuperseded(const EngineSpec& spec) { return spec.kind == EngineKind::kReplacing && spec.track_superseded; }

namespace {

// A row of a group of equal keys: its input in the task and where it is.
struct Member {
  size_t input;
  std::shared_ptr<const MergeWindow> window;
  size_t row;
};

}  // namespace

absl::StatusOr<std::vector<format::RowRuns>> FindSuperseded(const format::TableSchema& schema, const EngineSpec& spec,
                                                            const PartPtr& fresh, const std::vector<PartPtr>& others,
                                                            const std::vector<SupersededPtr>& other_skips) {
  std::vector<PartPtr> parts = others;
  parts.push_back(fresh);
  std::vector<std::vector<uint32_t>> losers(parts.size());
  std::vector<format::RowRuns> out(parts.size());
  if (others.empty()) return out;
  // The merge reads the sorting key and the rule's columns.
  std::vector<int> columns;
  auto add = [&](const std::string& name) {
    const int c = schema.FindColumn(name);
    if (c >= 0 && std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
  };
  for (const std::string& k : schema.sort_key) add(k);
  for (const std::string& r : RuleColumns(spec)) add(r);
  std::vector<std::string> layout;
  for (int c : columns) layout.push_back(schema.columns[c].name);
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<MergeRule> rule, MakeMergeRule(spec, schema, layout));
  if (rule == nullptr || !rule->Picks()) {
    return absl::InternalError(absl::StrCat("superseded rows of engine ", schema.engine, ": its rule does not pick"));
  }

  // Block order, so that the merge's stream order is the insert order.
  std::vector<PartPtr> ordered = parts;
  std::sort(ordered.begin(), ordered.end(),
            [](const PartPtr& a, const PartPtr& b) { return a->meta().min_block < b->meta().min_block; });
  auto index_of = [&](const Part* p) {
    return static_cast<size_t>(std::find_if(parts.begin(), parts.end(), [&](const PartPtr& q) { return q.get() == p; }) -
                               parts.begin());
  };
  // Only granules whose key ranges overlap another part's are read: FINAL's plan says
  // which. Its pruning drops first the parts, then the granules, outside the new part's
  // range of each key column (a key in both parts lies inside both ranges). Nullable and
  // float columns are left out: NULL lies in no range, and NaN in no min/max.
  std::vector<ColumnRange> ranges;
  for (const std::string& k : schema.sort_key) {
    const format::ColumnMeta* cm = fresh->meta().FindColumn(k);
    if (cm == nullptr || !cm->has_min_max) continue;
    const format::DataType* t = cm->type.get();
    if (t->id() == format::TypeId::kLowCardinality) t = &t->child(0);
    if (t->id() == format::TypeId::kNullable || t->id() == format::TypeId::kFloat32 ||
        t->id() == format::TypeId::kFloat64) {
      continue;
    }
    ColumnRange r;
    r.column = k;
    r.min = cm->min;
    r.max = cm->max;
    ranges.push_back(std::move(r));
  }
  uint64_t granules = 0;
  const std::vector<FinalTask> tasks = PlanFinal(schema, ordered, ranges, uint64_t{1} << 20, &granules);
  for (const FinalTask& task : tasks) {
    if (task.inputs.size() < 2) continue;
    std::vector<size_t> part_of(task.inputs.size());
    bool has_fresh = false;
    for (size_t i = 0; i < task.inputs.size(); ++i) {
      part_of[i] = index_of(task.inputs[i].part.get());
      has_fresh |= task.inputs[i].part == fresh;
    }
    if (!has_fresh) continue;  // compared when the later of them was committed
    std::vector<MergeInput> inputs = task.inputs;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (part_of[i] < other_skips.size()) inputs[i].skip = other_skips[part_of[i]];
    }
    SortedMerge merge(schema, columns, std::move(inputs));
    merge.PlanDictionaries();
    std::vector<Member> open;
    std::vector<std::pair<const Block*, size_t>> group;
    // A group of equal keys is complete: every row but the winner loses. A task may see
    // only some rows of a key at its edges (FINAL's tasks cut a key range; the granules at
    // an edge are read by both neighbours): the loser of any two live rows is superseded
    // all the same, and the task whose range holds the key sees all its rows.
    auto resolve = [&] {
      if (open.size() >= 2 &&
          std::any_of(open.begin(), open.end(), [&](const Member& m) { return parts[part_of[m.input]] == fresh; })) {
        group.clear();
        for (const Member& m : open) group.emplace_back(&m.window->block, m.row);
        const size_t winner = rule->Pick(group);
        for (size_t g = 0; g < open.size(); ++g) {
          if (g != winner) losers[part_of[open[g].input]].push_back(static_cast<uint32_t>(open[g].window->PartRow(open[g].row)));
        }
      }
      open.clear();
    };
    MergeRun run;
    while (true) {
      TALLY_ASSIGN_OR_RETURN(bool more, merge.NextRun(&run));
      if (!more) break;
      const size_t b = run.begin, e = run.end;
      // Only a run's first row can share its key with rows before it, and only its last
      // row with rows after it (SortedMerge::NextRun).
      const bool joins = !open.empty() && merge.SameKey(*open.front().window, open.front().row, *run.window, b);
      if (!joins || e - b > 1) {
        if (joins) open.push_back(Member{run.input, run.window, b});
        resolve();
      }
      open.push_back(Member{run.input, run.window, e - 1});
    }
    resolve();
  }
  for (size_t p = 0; p < parts.size(); ++p) {
    std::sort(losers[p].begin(), losers[p].end());
    out[p] = format::RowRunsOf(losers[p]);
  }
  return out;
}

bool KeptRows(const format::RowRuns& skip, uint64_t begin_row, uint64_t end_row, std::vector<uint32_t>* kept) {
  kept->clear();
  if (SkipsNone(skip, begin_row, end_row)) return true;
  auto it = std::upper_bound(skip.begin(), skip.end(), begin_row,
                             [](uint64_t row, const format::RowRun& r) { return row < r.end; });
  uint64_t row = begin_row;
  for (; it != skip.end() && it->begin < end_row; ++it) {
    for (; row < it->begin; ++row) kept->push_back(static_cast<uint32_t>(row - begin_row));
    row = std::max(row, it->end);
  }
  for (; row < end_row; ++row) kept->push_back(static_cast<uint32_t>(row - begin_row));
  return false;
}

bool SkipsNone(const format::RowRuns& skip, uint64_t begin_row, uint64_t end_row) {
  auto it = std::upper_bound(skip.begin(), skip.end(), begin_row,
                             [](uint64_t row, const format::RowRun& r) { return row < r.end; });
  return it == skip.end() || it->begin >= end_row;
}

void ClearSkipped(const format::RowRuns& skip, uint64_t begin_row, uint8_t* mask, size_t rows) {
  const uint64_t end_row = begin_row + rows;
  auto it = std::upper_bound(skip.begin(), skip.end(), begin_row,
                             [](uint64_t row, const format::RowRun& r) { return row < r.end; });
  for (; it != skip.end() && it->begin < end_row; ++it) {
    const uint64_t b = std::max(it->begin, begin_row), e = std::min(it->end, end_row);
    std::fill(mask + (b - begin_row), mask + (e - begin_row), uint8_t{0});
  }
}

}  // namespace tally::engine
