// Merge: the k-way merge of sorted parts of one partition into one new part, the step
// that keeps a table at few parts however it is inserted into. The rows come from a
// SortedMerge (engine/sorted_merge.h: streaming, one granule per input and one chunk in
// memory) and go through the table's merge rule (engine/merge_rules/), if it has one,
// before PartWriter writes them; a plain MergeTree keeps every row.
//
// The merged part is written and renamed into place, but, like an inserted part, becomes
// visible only when the caller commits it in the manifest in place of the inputs.
//
// Stateless; thread-safe (the inputs are immutable).
#ifndef TALLY_ENGINE_MERGE_H_
#define TALLY_ENGINE_MERGE_H_

#include <atomic>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/env.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "format/part_format.h"
#include "engine/merge_rules/engine_spec.h"
#include "engine/superseded.h"
#include "engine/ttl.h"
#include "format/table_schema.h"

namespace tally::engine {

// The identity of the part replacing `inputs` (one partition): their block range, one
// level above the highest.
PartIdentity MergedIdentity(absl::Span<const PartPtr> inputs);

struct MergeOutcome {
  // The merged part; none when the rule dropped every row (the inputs then go without a
  // replacement).
  std::optional<format::PartMeta> meta;
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;  // rows written: rows_in for MergeTree; one per key, less drops, for rules
  uint64_t rows_expired = 0;  // rows the TTL removed (of those the rule left), not written
};

// Merges `inputs` (parts of one partition of a table with `schema`, in block order; at
// least two, or one when `spec` has a rule to apply or `ttl` a TTL) into a new part in
// `table_dir`. When `cancel` becomes true the merge stops within a chunk, removes what it
// wrote and returns Cancelled. `skips`, when given, holds for each input the rows to leave
// out (its superseded rows, engine/superseded.h; null: none); rows_in counts the rows
// read. Rows the rule leaves that are expired under `ttl` are not written.
absl::StatusOr<MergeOutcome> MergeParts(Env* env, const std::string& table_dir, const format::TableSchema& schema,
                                        const EngineSpec& spec, absl::Span<const PartPtr> inputs,
                                        const std::atomic<bool>* cancel = nullptr,
                                        absl::Span<const SupersededPtr> skips = {}, const TtlAt& ttl = {});

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_H_
