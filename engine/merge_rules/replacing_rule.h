// ReplacingRule (ReplacingMergeTree([ver [, is_deleted]])): of the rows with one sorting
// key, the row with the highest `ver` survives, and among equal versions (or without
// `ver`) the last inserted. With `is_deleted` (which needs `ver`), a surviving row whose
// is_deleted is 1 is never returned by FINAL, but inserts and merges store it: a row of a
// lower version may still be inserted, and the deleted row must be there to hide it
// (docs/engines.md).
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_MERGE_RULES_REPLACING_RULE_H_
#define TALLY_ENGINE_MERGE_RULES_REPLACING_RULE_H_

#include "engine/merge_rules/merge_rule.h"

namespace tally::engine {

class ReplacingRule : public MergeRule {
 public:
  // Positions in the layout of the version and is_deleted columns (-1: none / not read).
  ReplacingRule(int version, int is_deleted) : version_(version), is_deleted_(is_deleted) {}

  absl::Status Reduce(const Block& rows, absl::Span<const uint32_t> starts, Block* out) const override;
  bool Picks() const override { return true; }
  size_t Pick(absl::Span<const std::pair<const Block*, size_t>> group) const override;
  void Drop(const Block& reduced, RuleStage stage, format::PodVector<uint8_t>* keep) const override;

 private:
  const int version_;
  const int is_deleted_;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_RULES_REPLACING_RULE_H_
