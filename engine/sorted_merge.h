// SortedMerge: the k-way merge of sorted runs of parts into one stream of rows in sorting
// key order, pulled a chunk at a time. Both merges (engine/merge.h, which writes the
// stream to a new part) and SELECT ... FINAL (engine/final_scan.h, which reads it) use it;
// what happens to rows with equal keys is the table's merge rule's business
// (engine/merge_rules/), not this class's.
//
// Each input is a run of granules [granule_begin, granule_end) of one part; the merge
// holds one granule of each input and one output chunk. Rows with equal keys keep the
// order of their inputs (pass inputs in block order, so earlier inserts come first) and,
// within an input, their own order.
//
// A LowCardinality node whose inputs all have part dictionaries gets their union as its
// dictionary (sorted like every part dictionary), and every input's indexes are remapped
// onto it, so equal strings have equal indexes in the output; otherwise (an input in plain
// mode, or a union past max_dictionary_entries) the node comes out in plain mode.
//
// One thread; the inputs are immutable parts.
#ifndef TALLY_ENGINE_SORTED_MERGE_H_
#define TALLY_ENGINE_SORTED_MERGE_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/normalized_key.h"
#include "engine/part.h"
#include "format/row_runs.h"
#include "format/table_schema.h"

namespace tally::engine {

struct MergeInput {
  PartPtr part;
  uint64_t granule_begin = 0;
  uint64_t granule_end = 0;  // exclusive
  // Rows of the part left out as if they were not there (its superseded rows:
  // engine/superseded.h); null: none.
  std::shared_ptr<const format::RowRuns> skip;
  static MergeInput Whole(PartPtr part) {
    const uint64_t granules = part->granules();
    return MergeInput{std::move(part), 0, granules};
  }
};

// Row i of `a` against row j of `b` (columns of one type), in SortPermutation's order:
// NULL first, NaN last, strings bytewise. `same_sorted_dictionary`: both LowCardinality
// columns index one sorted dictionary, so indexes compare as their values.
int CompareKeyCell(const format::Column& a, size_t i, const format::Column& b, size_t j,
                   bool same_sorted_dictionary);

// One granule of one input as the merge holds it: its rows (LowCardinality nodes remapped
// onto the merged dictionaries) and their normalized keys (when the key has them).
// Immutable once loaded; a run (NextRun) shares it, so it outlives the merge's move on.
struct MergeWindow {
  Block block;
  std::vector<NormalizedKeyValue> keys;
  // The part row of each block row when the input skips rows, else empty: block row i is
  // then part row first_row + i.
  std::vector<uint32_t> part_rows;
  uint64_t first_row = 0;
  uint64_t PartRow(size_t i) const { return part_rows.empty() ? first_row + i : part_rows[i]; }
};

// Rows [begin, end) of `window`, of input `input`, next in key order.
struct MergeRun {
  std::shared_ptr<const MergeWindow> window;
  size_t input = 0;
  size_t begin = 0;
  size_t end = 0;
};

class SortedMerge {
 public:
  // `columns`: the schema indexes to read, in the order they come out (each sorting key
  // column among them). REQUIRES: every input's part matches the schema.
  SortedMerge(const format::TableSchema& schema, std::vector<int> columns, std::vector<MergeInput> inputs,
              size_t chunk_rows = 65536);
  ~SortedMerge();

  // The dictionary of each LowCardinality node of each output column (nullptr: plain mode),
  // in the shape PartWriter takes. Call once, before the first Next.
  std::vector<std::vector<std::shared_ptr<const format::Column>>> PlanDictionaries();

  // The next chunk (at most chunk_rows rows unless a granule is larger), named by the
  // schema; false when every input is exhausted.
  absl::StatusOr<bool> Next(Block* out);
  // Or, instead of Next: the next run of rows of one input that come before every other
  // input's next row (rows with equal keys come in input order), without copying them.
  // Within a run keys ascend strictly; only its first row can equal the previous run's
  // last and only its last row the next run's first. false when every input is exhausted.
  absl::StatusOr<bool> NextRun(MergeRun* run);

  // Whether row i of `a` and row j of `b` (windows of this merge) have equal keys.
  bool SameKey(const MergeWindow& a, size_t i, const MergeWindow& b, size_t j) const;

  // Positions in the output block of the sorting key columns, and whether each compares
  // by dictionary index (the node has a merged dictionary).
  const std::vector<size_t>& key_positions() const { return key_positions_; }
  const std::vector<bool>& key_sorted_dictionary() const { return key_sorted_dictionary_; }

 private:
  struct Input;
  // Keys of row i of `a` against row j of `b`: <0, 0, >0.
  int CompareKeys(const MergeWindow& a, size_t i, const MergeWindow& b, size_t j) const;
  bool Less(const Input& a, size_t i, const Input& b, size_t j) const;
  absl::Status Start();
  // Pops the input whose rows come next and the end of its run (see NextRun); nullptr
  // when every input is exhausted.
  Input* PopRun(size_t* end);
  // Puts `m` (its pos moved to `end`) back, loading its next granule when done.
  absl::Status PushBack(Input* m, size_t end);
  Block EmptyChunk() const;
  absl::Status Load(Input* in);

  const format::TableSchema& schema_;
  const std::vector<int> columns_;
  const size_t chunk_rows_;
  std::vector<std::unique_ptr<Input>> inputs_;
  std::vector<size_t> key_positions_;
  std::vector<bool> key_sorted_dictionary_;
  struct NodePlan {
    std::shared_ptr<const format::Column> dictionary;
    std::vector<std::vector<uint32_t>> remap;  // per input
  };
  std::vector<std::vector<NodePlan>> plans_;  // per output column, per LowCardinality node
  std::optional<KeyNormalizer> normalizer_;  // when the key packs into 128 bits
  bool planned_ = false;
  bool started_ = false;
  std::vector<Input*> heap_;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SORTED_MERGE_H_
