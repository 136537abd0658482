// Merge: the k-way merge of sorted parts of one partition into one new part, the step
// that keeps a table at few parts however it is inserted into.
//
// Streaming: the merge holds one granule of each input and one output chunk, never the
// partition, and writes column blocks as they fill (PartWriter). Rows come out in sorting
// key order; rows with equal keys keep the order of their inputs (inputs are passed in
// block order, so earlier inserts come first) and, within an input, their own order.
//
// A LowCardinality node whose inputs all have part dictionaries gets their union as its
// dictionary (sorted like every part dictionary); if an input stored the node in plain
// mode, or the union would pass max_dictionary_entries, the merged part stores it in plain
// mode too.
//
// The merged part is written and renamed into place, but, like an inserted part, becomes
// visible only when the caller commits it in the manifest in place of the inputs.
//
// Stateless; thread-safe (the inputs are immutable).
#ifndef TALLY_ENGINE_MERGE_H_
#define TALLY_ENGINE_MERGE_H_

#include <atomic>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/env.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "format/part_format.h"
#include "format/table_schema.h"

namespace tally::engine {

// The identity of the part replacing `inputs` (one partition): their block range, one
// level above the highest.
PartIdentity MergedIdentity(absl::Span<const PartPtr> inputs);

// Merges `inputs` (two or more parts of one partition of a table with `schema`, in block
// order) into a new part in `table_dir`. Returns its metadata. When `cancel` becomes true
// the merge stops within a chunk, removes what it wrote and returns Cancelled.
absl::StatusOr<format::PartMeta> MergeParts(Env* env, const std::string& table_dir,
                                            const format::TableSchema& schema,
                                            absl::Span<const PartPtr> inputs,
                                            const std::atomic<bool>* cancel = nullptr);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MERGE_H_
