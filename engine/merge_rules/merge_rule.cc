#include "engine/merge_rules/merge_rule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"
#include "engine/merge_rules/aggregating_rule.h"
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

size_t DropRows(const MergeRule& rule, RuleStage stage, Block* rows) {
  format::PodVector<uint8_t> keep;
  keep.resize(rows->rows());
  for (size_t i = 0; i < keep.size(); ++i) keep[i] = 1;
  rule.Drop(*rows, stage, &keep);
  std::vector<uint32_t> kept;
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i]) kept.push_back(static_cast<uint32_t>(i));
  }
  const size_t dropped = keep.size() - kept.size();
  if (dropped > 0) {
    for (format::Column& c : rows->columns) c = format::Column::Gather(c, kept);
  }
  return dropped;
}

std::vector<std::string> RuleColumns(const EngineSpec& spec) {
  std::vector<std::string> out;
  if (!spec.version_column.empty()) out.push_back(spec.version_column);
  if (!spec.is_deleted_column.empty()) out.push_back(spec.is_deleted_column);
  // Whether a row is dropped depends on every sum.
  if (spec.drop_zero_rows) out.insert(out.end(), spec.summed_columns.begin(), spec.summed_columns.end());
  return out;
}

absl::StatusOr<std::unique_ptr<MergeRule>> MakeTableRule(const EngineSpec& spec, const format::TableSchema& schema) {
  std::vector<std::string> layout;
  for (const format::ColumnDef& c : schema.columns) layout.push_back(c.name);
  return MakeMergeRule(spec, schema, layout);
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
    case EngineKind::kSumming:
    case EngineKind::kAggregating: {
      std::vector<ColumnCombiner> combiners;
      for (const std::string& name : layout) {
        const bool sum = std::find(spec.summed_columns.begin(), spec.summed_columns.end(), name) !=
                         spec.summed_columns.end();
        TALLY_ASSIGN_OR_RETURN(ColumnCombiner c,
                               ColumnCombiner::Make(schema.columns[schema.FindColumn(name)].type, sum));
        combiners.push_back(std::move(c));
      }
      if (spec.kind == EngineKind::kAggregating) return std::make_unique<AggregatingRule>(std::move(combiners));
      return std::make_unique<SummingRule>(std::move(combiners), spec.drop_zero_rows);
    }
  }
  return absl::InternalError(absl::StrCat("engine ", schema.engine, " has no merge rule"));
}

}  // namespace tally::engine
