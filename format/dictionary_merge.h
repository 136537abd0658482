// Dictionary merge: the part dictionary of a merged part's LowCardinality node is the
// union of its inputs' dictionaries, sorted bytewise like every part dictionary (entry 0
// NULL for LowCardinality(Nullable(String))), so merged rows keep comparing by index.
//
// Pure functions; thread-safe.
#ifndef TALLY_FORMAT_DICTIONARY_MERGE_H_
#define TALLY_FORMAT_DICTIONARY_MERGE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "format/column.h"

namespace tally::format {

struct MergedDictionary {
  std::shared_ptr<const Column> dictionary;  // String column of the union's entries
  std::vector<std::vector<uint32_t>> remap;  // remap[i][k]: union entry of input i's entry k
};

// The union of `inputs` (String columns of distinct values; for a nullable node, entry 0 of
// each is NULL and maps to the union's entry 0).
MergedDictionary MergeDictionaries(absl::Span<const Column* const> inputs, bool nullable);

// Rewrites the LowCardinality `column`'s indexes through `remap` so that they index
// `dictionary` at IndexWidthFor(dictionary->size()) bytes each.
// REQUIRES: every index of `column` is below remap.size().
void RemapIndexes(Column* column, absl::Span<const uint32_t> remap, std::shared_ptr<const Column> dictionary);

}  // namespace tally::format

#endif  // TALLY_FORMAT_DICTIONARY_MERGE_H_
