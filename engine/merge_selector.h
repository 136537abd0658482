// Merge selection: which parts of one partition a background merge takes.
//
// Size-tiered, like ClickHouse's simple merge selector: a window of 3 to 10 adjacent
// parts (in block order, so a merge never reorders inserts) whose largest part is at most
// twice the rest together, so a big part is not rewritten for a crumb; among those, the
// window that removes the most parts per byte rewritten. Tiny windows (under 1 MiB in all)
// are always balanced enough: single-row inserts must be folded up quickly. Write
// amplification is about log3 of the partition's size in inserts.
//
// Pure; thread-safe.
#ifndef TALLY_ENGINE_MERGE_SELECTOR_H_
#define TALLY_ENGINE_MERGE_SELECTOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/types/span.h"

namespace tally::engine {

struct MergeCandidate {
  uint64_t bytes = 0;
  bool merging = false;  // already taken by another merge: no window crosses it
};

struct MergeSelectorOptions {
  size_t min_parts = 3;
  size_t max_parts = 10;
  double max_ratio = 2.0;               // largest part <= max_ratio * the others' sum
  uint64_t small_bytes = uint64_t{1} << 20;  // a window this small is always balanced
};

// The chosen window [begin, end) of `parts` (one partition, in block order), if any.
std::optional<std::pair<size_t, size_t>> SelectMerge(absl::Span<const MergeCandidate> parts,
                                                     const MergeSelectorOptions& options = {});

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_SELECTOR_H_
