#include "engine/merge.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/merge_rules/merge_rule.h"
#include "engine/merge_rules/rule_applier.h"
#include "engine/sorted_merge.h"
#include "format/status_macros.h"

namespace tally::engine {

PartIdentity MergedIdentity(absl::Span<const PartPtr> inputs) {
  PartIdentity id;
  id.partition_id = inputs[0]->meta().partition_id;
  id.partition_value = inputs[0]->meta().partition_value;
  id.min_block = UINT64_MAX;
  for (const PartPtr& p : inputs) {
    id.min_block = std::min(id.min_block, p->meta().min_block);
    id.max_block = std::max(id.max_block, p->meta().max_block);
    id.level = std::max(id.level, p->meta().level + 1);
  }
  return id;
}

namespace {

// The rows of `rows` (columns of the table by name) not expired under `ttl` into *out;
// false (and *out untouched) when none is expired.
absl::StatusOr<bool> DropExpired(const format::TableSchema& schema, const TableTtl& ttl, int64_t now_s,
                                 const Block& rows, Block* out, uint64_t* expired_total) {
  Block ttl_block;
  for (int c : ttl.columns()) {
    const int at = rows.Find(schema.columns[c].name);
    if (at < 0) return absl::InternalError(absl::StrCat("merge: no column ", schema.columns[c].name, " for the TTL"));
    ttl_block.Add(rows.names[at], rows.columns[at]);
  }
  std::vector<uint8_t> mask(rows.rows(), 1);
  uint64_t expired = 0;
  TALLY_RETURN_IF_ERROR(ttl.ClearExpired(ttl_block, now_s, mask.data(), &expired));
  if (expired == 0) return false;
  *expired_total += expired;
  std::vector<uint32_t> kept;
  for (uint32_t r = 0; r < mask.size(); ++r) {
    if (mask[r]) kept.push_back(r);
  }
  out->names = rows.names;
  out->columns.clear();
  for (const format::Column& c : rows.columns) out->columns.push_back(format::Column::Gather(c, kept));
  return true;
}

}  // namespace

absl::StatusOr<MergeOutcome> MergeParts(Env* env, const std::string& table_dir, const format::TableSchema& schema,
                                        const EngineSpec& spec, absl::Span<const PartPtr> inputs,
                                        const std::atomic<bool>* cancel, absl::Span<const SupersededPtr> skips,
                                        const TtlAt& ttl) {
  // One part is rewritten too: by a rule (FINAL), by TTL, or out of memory into a
  // directory (the flush of an inline part).
  if (inputs.empty()) return absl::InternalError("MergeParts: no parts");
  std::vector<MergeInput> sources;
  for (const PartPtr& p : inputs) {
    if (p->meta().partition_id != inputs[0]->meta().partition_id) {
      return absl::InternalError(absl::StrCat("MergeParts: part ", p->name(), " is not in partition ",
                                              inputs[0]->meta().partition_id));
    }
    if (p->meta().columns.size() != schema.columns.size()) {
      return absl::InternalError(absl::StrCat("MergeParts: part ", p->name(), " does not match the schema"));
    }
    sources.push_back(MergeInput::Whole(p));
  }
  if (!skips.empty()) {
    if (skips.size() != inputs.size()) return absl::InternalError("MergeParts: skips do not match the inputs");
    for (size_t i = 0; i < sources.size(); ++i) sources[i].skip = skips[i];
  }
  std::vector<int> columns(schema.columns.size());
  for (size_t c = 0; c < columns.size(); ++c) columns[c] = static_cast<int>(c);
  SortedMerge merge(schema, columns, std::move(sources));
  PartWriter::Dictionaries dictionaries = merge.PlanDictionaries();
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<MergeRule> rule, MakeTableRule(spec, schema));
  std::optional<RuleApplier> applier;
  if (rule != nullptr) {
    applier.emplace(rule.get(), merge.key_positions(), merge.key_sorted_dictionary(), RuleStage::kStore);
  }

  MergeOutcome outcome;
  std::unique_ptr<PartWriter> writer;
  auto write = [&](const Block& all_rows) -> absl::Status {
    Block unexpired;
    const Block* rows = &all_rows;
    if (ttl.ttl != nullptr && all_rows.rows() > 0) {
      TALLY_ASSIGN_OR_RETURN(bool any_expired, DropExpired(schema, *ttl.ttl, ttl.now_s, all_rows, &unexpired,
                                                           &outcome.rows_expired));
      if (any_expired) rows = &unexpired;
    }
    if (rows->rows() == 0) return absl::OkStatus();
    if (writer == nullptr) {
      TALLY_ASSIGN_OR_RETURN(writer, PartWriter::Create(env, table_dir, schema, MergedIdentity(inputs), dictionaries));
    }
    outcome.rows_out += rows->rows();
    return writer->Append(*rows);
  };
  Block chunk;
  while (true) {
    TALLY_ASSIGN_OR_RETURN(bool more, merge.Next(&chunk));
    if (!more) break;
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return absl::CancelledError(absl::StrCat("merge of ", inputs.size(), " parts of partition ",
                                               inputs[0]->meta().partition_id, " cancelled"));
    }
    outcome.rows_in += chunk.rows();
    if (!applier.has_value()) {
      TALLY_RETURN_IF_ERROR(write(chunk));
      continue;
    }
    Block reduced;
    TALLY_RETURN_IF_ERROR(applier->Consume(chunk, &reduced));
    TALLY_RETURN_IF_ERROR(write(reduced));
  }
  if (applier.has_value()) {
    Block reduced;
    TALLY_RETURN_IF_ERROR(applier->Finish(&reduced));
    TALLY_RETURN_IF_ERROR(write(reduced));
    // The rule's invariant: every row read belongs to one group, and every group gave one
    // row, written or dropped.
    if (applier->rows_in() != outcome.rows_in ||
        applier->groups() != outcome.rows_out + applier->rows_dropped() + outcome.rows_expired) {
      return absl::InternalError(absl::StrCat("merge rule of ", schema.engine, ": ", outcome.rows_in, " rows in, ",
                                              applier->groups(), " groups, ", outcome.rows_out, " rows written, ",
                                              applier->rows_dropped(), " dropped, ", outcome.rows_expired,
                                              " expired"));
    }
  } else if (outcome.rows_out + outcome.rows_expired != outcome.rows_in) {
    return absl::InternalError(absl::StrCat("merge wrote ", outcome.rows_out, " of ", outcome.rows_in, " rows (",
                                            outcome.rows_expired, " expired)"));
  }
  if (writer != nullptr) {
    TALLY_ASSIGN_OR_RETURN(format::PartMeta meta, writer->Finish());
    outcome.meta = std::move(meta);
  }
  return outcome;
}

}  // namespace tally::engine
