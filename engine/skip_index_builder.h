// SkipIndexBuilder: builds one skip index of a part as the part is written (at insert,
// merge and MATERIALIZE INDEX), index granule by index granule, from the rows the
// PartWriter appends. It evaluates the index's expression over each chunk once, and keeps
// only the open index granule's distinct values (or hashes) in memory.
//
// Used by one thread.
#ifndef TALLY_ENGINE_SKIP_INDEX_BUILDER_H_
#define TALLY_ENGINE_SKIP_INDEX_BUILDER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "engine/block.h"
#include "engine/skip_indexes.h"
#include "format/skip_index.h"

namespace tally::engine {

class SkipIndexBuilder {
 public:
  explicit SkipIndexBuilder(BoundSkipIndex index);

  // Adds a chunk of the part's rows (every schema column, in schema order). `starts`: the
  // chunk rows where a part granule starts; `granules_before`: part granules started
  // before the chunk (rows before the first start belong to the one left open). Fails
  // only when the expression fails on a row (intDiv by zero).
  absl::Status Add(const Block& rows, const std::vector<size_t>& starts, uint64_t granules_before);
  // Closes the last index granule and returns the file. REQUIRES: rows were added.
  format::SkipIndexFile Finish();

  const BoundSkipIndex& index() const { return index_; }

 private:
  // Adds value i of `values` (of the index's value type) to the open index granule.
  void AddValue(const format::Column& values, size_t i);
  // Adds rows [begin, end) of the expression's values to the open index granule.
  void AddRows(const format::Column& values, size_t begin, size_t end);
  // Turns the open index granule into its entry.
  void Close();

  const BoundSkipIndex index_;
  format::SkipIndexFile file_;
  uint64_t open_ = 0;  // the open index granule
  bool any_rows_ = false;
  // The open index granule: distinct hashes (Bloom kinds), bounds (minmax), or the
  // distinct values by their encoding (set; cleared once past N).
  absl::flat_hash_set<uint64_t> hashes_;
  format::MinMaxEntry minmax_;
  absl::flat_hash_set<std::string> set_keys_;
  std::vector<format::Value> set_values_;
  bool overflow_ = false;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SKIP_INDEX_BUILDER_H_
