// RuleApplier: runs a table's merge rule over a stream of rows in sorting key order,
// handed over in chunks. It finds where the key changes (within a chunk, and between a
// chunk and the group left open by the one before), hands each group to the rule, and
// carries the last group of a chunk, reduced to one row, into the next, so equal keys
// meet in one place however the stream is cut. Memory: one chunk and one carried row.
//
// Checks the rule's invariant: one row out per group, before Drop.
//
// One thread.
#ifndef TALLY_ENGINE_MERGE_RULES_RULE_APPLIER_H_
#define TALLY_ENGINE_MERGE_RULES_RULE_APPLIER_H_

#include <optional>
#include <vector>

#include "engine/block.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/normalized_key.h"

namespace tally::engine {

class RuleApplier {
 public:
  // `key_positions`: the sorting key's columns in the stream's blocks;
  // `sorted_dictionary[k]`: key k is LowCardinality with one sorted dictionary for the
  // whole stream (compare indexes). `stage`: where the rows go (MergeRule::Drop).
  RuleApplier(const MergeRule* rule, std::vector<size_t> key_positions, std::vector<bool> sorted_dictionary,
              RuleStage stage)
      : rule_(rule), keys_(std::move(key_positions)), sorted_(std::move(sorted_dictionary)), stage_(stage) {}

  // Consumes the next chunk; appends every group it completes to *out (a block of the
  // same layout, possibly empty of columns: it is then shaped like `chunk`).
  absl::Status Consume(const Block& chunk, Block* out);
  // The stream ended: appends the open group.
  absl::Status Finish(Block* out);

  uint64_t rows_in() const { return rows_in_; }
  uint64_t groups() const { return groups_; }
  uint64_t rows_dropped() const { return rows_dropped_; }

 private:
  // Whether row i of `a` and row j of `b` have equal keys on key columns [first, end).
  bool SameKey(const Block& a, size_t i, const Block& b, size_t j, size_t first = 0) const;
  // Reduces groups [starts] of `rows` and appends the kept rows to *out.
  absl::Status Emit(const Block& rows, absl::Span<const uint32_t> starts, Block* out);
  absl::Status EmitReduced(Block reduced, Block* out);

  const MergeRule* const rule_;
  const std::vector<size_t> keys_;
  const std::vector<bool> sorted_;
  const RuleStage stage_;
  std::optional<Block> carry_;  // the open group, reduced to one row
  std::optional<std::optional<KeyNormalizer>> normalizer_;  // decided on the first chunk
  std::vector<NormalizedKeyValue> chunk_keys_;
  uint64_t rows_in_ = 0, groups_ = 0, rows_dropped_ = 0;
};

// An empty block with `like`'s names and column types.
Block EmptyLike(const Block& like);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_RULE_APPLIER_H_
