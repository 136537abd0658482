#include "format/row_runs.h"

#include <algorithm>

namespace tally::format {

bool RowRunsValid(const RowRuns& runs) {
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].begin >= runs[i].end) return false;
    if (i > 0 && runs[i].begin <= runs[i - 1].end) return false;
  }
  return true;
}

RowRuns RowRunsOf(const std::vector<uint32_t>& rows) {
  RowRuns runs;
  for (uint32_t r : rows) {
    if (!runs.empty() && r < runs.back().end) continue;  // a duplicate
    if (!runs.empty() && runs.back().end == r) {
      ++runs.back().end;
    } else {
      runs.push_back(RowRun{r, uint64_t{r} + 1});
    }
  }
  return runs;
}

RowRuns UnionRowRuns(const RowRuns& a, const RowRuns& b) {
  RowRuns out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const RowRun next = j == b.size() || (i < a.size() && a[i].begin <= b[j].begin) ? a[i++] : b[j++];
    if (!out.empty() && next.begin <= out.back().end) {
      out.back().end = std::max(out.back().end, next.end);
    } else {
      out.push_back(next);
    }
  }
  return out;
}

uint64_t CountRows(const RowRuns& runs) {
  uint64_t n = 0;
  for (const RowRun& r : runs) n += r.end - r.begin;
  return n;
}

}  // namespace tally::format
