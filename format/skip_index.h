// Skip indexes (docs/format.md, "Skip index files"): per part, one file per index of the
// table, `skp_idx_<name>.idx`, holding one filter per index granule (`granularity`
// consecutive granules of the part). A filter answers "may a row of these granules hold
// this value?" without false negatives, so a scan may skip the granules it rules out.
//
// bloom_filter: a Bloom filter per index granule, sized from that granule's own count of
// distinct values and the index's target false-positive rate (not from a fixed byte count
// the user must guess), with k = round(bits / distinct * ln 2) hash functions derived by
// double hashing from one 64-bit hash of the value (SkipIndexHash).
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_SKIP_INDEX_H_
#define TALLY_FORMAT_SKIP_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "format/column.h"

namespace tally::format {

class BloomFilter {
 public:
  BloomFilter() = default;
  // Bits for `distinct` values at false-positive rate `fpr` (in (0, 1)): at least 64, a
  // multiple of 64; no bits for no values (then nothing may be contained).
  static BloomFilter Sized(uint64_t distinct, double fpr);
  BloomFilter(uint32_t hashes, std::vector<uint64_t> words) : hashes_(hashes), words_(std::move(words)) {}

  void Add(uint64_t hash);
  bool MayContain(uint64_t hash) const;

  uint32_t hashes() const { return hashes_; }
  const std::vector<uint64_t>& words() const { return words_; }
  uint64_t bits() const { return words_.size() * 64; }

 private:
  uint32_t hashes_ = 0;
  std::vector<uint64_t> words_;
};

struct SkipIndexFile {
  enum class Kind : uint8_t { kBloomFilter = 1 };
  Kind kind = Kind::kBloomFilter;
  uint64_t granularity = 1;          // part granules per index granule
  std::vector<BloomFilter> filters;  // one per index granule
};

// The file's bytes (envelope "TLYS", format version 1).
std::string EncodeSkipIndex(const SkipIndexFile& file);
// DataLoss naming `what` and the offset on any damage.
absl::StatusOr<SkipIndexFile> DecodeSkipIndex(absl::Span<const uint8_t> bytes, absl::string_view what);

// "skp_idx_<escaped name>.idx".
std::string SkipIndexFileName(absl::string_view index_name);

// The hash a skip index keeps for row `row` of `column`: XXH3-64 (seeded) of the value's
// bytes as the column stores them (a string's bytes, a LowCardinality entry's string, a
// number's little-endian bytes, a UUID's 16 bytes). REQUIRES: the row is not NULL and
// the type is neither Nullable (use its child), Array nor Map.
uint64_t SkipIndexHash(const Column& column, size_t row);

}  // namespace tally::format

#endif  // TALLY_FORMAT_SKIP_INDEX_H_
