#include "engine/merge_rules/replacing_rule.h"

#include <vector>

#include "engine/sorted_merge.h"

namespace tally::engine {

size_t ReplacingRule::Pick(absl::Span<const std::pair<const Block*, size_t>> group) const {
  if (version_ < 0) return group.size() - 1;  // the last inserted
  size_t winner = 0;
  for (size_t g = 1; g < group.size(); ++g) {
    const format::Column& ver = group[g].first->columns[version_];
    const format::Column& best = group[winner].first->columns[version_];
    if (CompareKeyCell(ver, group[g].second, best, group[winner].second, false) >= 0) winner = g;
  }
  return winner;
}

absl::Status ReplacingRule::Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const {
  std::vector<uint32_t> winners;
  winners.reserve(starts.size() - 1);
  for (size_t g = 0; g + 1 < starts.size(); ++g) {
    uint32_t winner = starts[g + 1] - 1;  // the last inserted
    if (version_ >= 0) {
      const format::Column& ver = rows.columns[version_];
      winner = starts[g];
      for (uint32_t r = starts[g] + 1; r < starts[g + 1]; ++r) {
        if (CompareKeyCell(ver, r, ver, winner, false) >= 0) winner = r;
      }
    }
    winners.push_back(winner);
  }
  for (size_t c = 0; c < rows.columns.size(); ++c) out->columns[c].AppendGather(rows.columns[c], winners);
  return absl::OkStatus();
}

void ReplacingRule::Drop(const Block& reduced, RuleStage stage, format::PodVector<uint8_t>* keep) const {
  if (is_deleted_ < 0 || stage != RuleStage::kRead) return;
  const uint8_t* deleted = reduced.columns[is_deleted_].values<uint8_t>();
  for (size_t i = 0; i < reduced.rows(); ++i) {
    if (deleted[i] != 0) (*keep)[i] = 0;
  }
}

}  // namespace tally::engine
