#include "engine/merge_selector.h"

#include <algorithm>

namespace tally::engine {

std::optional<std::pair<size_t, size_t>> SelectMerge(absl::Span<const MergeCandidate> parts,
                                                     const MergeSelectorOptions& options) {
  std::optional<std::pair<size_t, size_t>> best;
  double best_score = 0;
  for (size_t begin = 0; begin < parts.size(); ++begin) {
    uint64_t sum = 0, largest = 0;
    for (size_t end = begin; end < parts.size() && end - begin < options.max_parts; ++end) {
      if (parts[end].merging) break;
      sum += parts[end].bytes;
      largest = std::max(largest, parts[end].bytes);
      const size_t count = end - begin + 1;
      if (count < options.min_parts) continue;
      const bool balanced = sum <= options.small_bytes ||
                            static_cast<double>(largest) <= options.max_ratio * static_cast<double>(sum - largest);
      if (!balanced) continue;
      // Bytes rewritten per part removed: lower is better.
      const double score = static_cast<double>(sum) / static_cast<double>(count - 1);
      if (!best || score < best_score) {
        best = std::make_pair(begin, end + 1);
        best_score = score;
      }
    }
  }
  return best;
}

}  // namespace tally::engine
