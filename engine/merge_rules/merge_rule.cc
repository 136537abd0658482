#include "engine/merge_rules/merge_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/merge_rules/replacing_rule.h"
#include "engine/merge_rules/summing_rule.h"

namespace tally::engine {

namespace {

int Position(const std::vector<std::string>& layout, const std::string& name) {
  if (name.empty()) return -1;
  auto it = std::find(layout.begin(), layout.end(), name);
  return it == layout.end() ? -1 : static_cast<int>(it - layout.begin());
}

}  // namespace

std::vector<std::string> RuleColumns(const EngineSpec& spec) {
  std::vector<std::string> out;
  if (!spec.version_column.empty()) out.push_back(spec.version_column);
  if (!spec.is_deleted_column.empty()) out.push_back(spec.is_deleted_column);
  // Whether a row is dropped depends on every sum.
  if (spec.drop_zero_rows) out.insert(out.end(), spec.summed_columns.begin(), spec.summed_columns.end());
  return out;
}

absl::StatusOr<std::unique_ptr<MergeRule>> MakeMergeRule(const EngineSpec& spec, const format::TableSchema& schema,
                                                         const std::vector<std::string>& layout) {
  for (const std::string& key : schema.sort_key) {
    if (Position(layout, key) < 0) return absl::InternalError(absl::StrCat("merge rule: sorting key column ", key, " not read"));
  }
  for (const std::string& c : RuleColumns(spec)) {
    if (Position(layout, c) < 0) return absl::InternalError(absl::StrCat("merge rule: column ", c, " not read"));
  }
  switch (spec.kind) {
    case EngineKind::kMergeTree:
    case EngineKind::kNull:
      return nullptr;
    case EngineKind::kReplacing:
      return std::make_unique<ReplacingRule>(Position(layout, spec.version_column),
                                             Position(layout, spec.is_deleted_column));
    case EngineKind::kSumming: {
      std::vector<bool> summed(layout.size());
      for (size_t i = 0; i < layout.size(); ++i) {
        summed[i] = std::find(spec.summed_columns.begin(), spec.summed_columns.end(), layout[i]) !=
                    spec.summed_columns.end();
      }
      return std::make_unique<SummingRule>(std::move(summed), spec.drop_zero_rows);
    }
    case EngineKind::kAggregating:
      break;
  }
  return absl::UnimplementedError(absl::StrCat("engine ", schema.engine, " has no merge rule yet"));
}

}  // namespace tally::engine
