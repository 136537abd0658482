// RowRuns: a set of row numbers of one part as ascending runs [begin, end) of consecutive
// rows, disjoint and never touching (a run ending at r and one beginning at r are one
// run). The manifest stores a part's superseded rows this way (docs/format.md, kind 8);
// a whole part superseded by a later insert of the same keys is one run.
//
// Pure values; thread-compatible.
#ifndef TALLY_FORMAT_ROW_RUNS_H_
#define TALLY_FORMAT_ROW_RUNS_H_

#include <cstdint>
#include <vector>

namespace tally::format {

struct RowRun {
  uint64_t begin = 0;
  uint64_t end = 0;  // exclusive
  bool operator==(const RowRun& o) const { return begin == o.begin && end == o.end; }
};
using RowRuns = std::vector<RowRun>;

// Whether `runs` is ascending, disjoint, not touching, with no empty run.
bool RowRunsValid(const RowRuns& runs);
// The runs of `rows` (ascending; duplicates are allowed and count once).
RowRuns RowRunsOf(const std::vector<uint32_t>& rows);
// The union of two valid sets.
RowRuns UnionRowRuns(const RowRuns& a, const RowRuns& b);
// How many rows the set holds.
uint64_t CountRows(const RowRuns& runs);

}  // namespace tally::format

#endif  // TALLY_FORMAT_ROW_RUNS_H_
