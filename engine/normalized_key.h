// NormalizedKey: a sorting key packed into one 128-bit unsigned integer whose order is the
// key's order (engine/sorted_merge.h, CompareKeyCell), for the comparisons merges and FINAL
// make by the million. Each column becomes big-endian-ordered bits: unsigned as is, signed
// with the sign bit flipped, floats by the usual bit trick (every NaN as one NaN after
// +inf), dates and times as their unsigned counts, and a LowCardinality column whose
// values index one sorted dictionary by its index. A key whose columns do not all pack
// (String, Nullable, UUID, unsorted dictionaries, over 16 bytes in all) packs its longest
// prefix that does: equal packed prefixes then compare on the remaining columns.
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_NORMALIZED_KEY_H_
#define TALLY_ENGINE_NORMALIZED_KEY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/block.h"

namespace tally::engine {

using NormalizedKeyValue = unsigned __int128;

class KeyNormalizer {
 public:
  // For key columns `positions` of blocks like `sample`; `sorted_dictionary[k]`: key k is
  // LowCardinality over one sorted dictionary. nullopt when not even the first column packs.
  static std::optional<KeyNormalizer> Make(const Block& sample, const std::vector<size_t>& positions,
                                           const std::vector<bool>& sorted_dictionary);

  // Appends the normalized key (prefix) of every row of `block` to *out.
  void Normalize(const Block& block, std::vector<NormalizedKeyValue>* out) const;

  // How many key columns the packed value holds; all of them when complete().
  size_t columns() const { return parts_.size(); }
  bool complete() const { return complete_; }

 private:
  struct Part {
    size_t position;
    int kind;      // see Normalize
    int width;     // bytes
    int shift;     // bits above it in the packed value
  };
  std::vector<Part> parts_;
  bool complete_ = true;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_NORMALIZED_KEY_H_
