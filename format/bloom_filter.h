// BloomFilter: the bits of one index granule of a Bloom-filter skip index (bloom_filter,
// tokenbf_v1, ngrambf_v1; docs/format.md, "Skip index files"). It answers "may this hash
// have been added?" with no false negatives.
//
// Sized from the count of distinct hashes it will hold and a target false-positive rate
// (not from a byte count the user must guess), with k = round(bits / distinct * ln 2) bit
// positions per hash, derived by double hashing from one 64-bit hash.
//
// Not synchronized: build it in one thread, then read it from any number.
#ifndef TALLY_FORMAT_BLOOM_FILTER_H_
#define TALLY_FORMAT_BLOOM_FILTER_H_

#include <cstdint>
#include <vector>

namespace tally::format {

class BloomFilter {
 public:
  // At most this many hash functions, and this many 64-bit words (2^32 bits, 512 MiB):
  // far beyond any granule, and what decoding accepts.
  static constexpr uint32_t kMaxHashes = 16;
  static constexpr uint64_t kMaxWords = uint64_t{1} << 26;

  BloomFilter() = default;
  BloomFilter(uint32_t hashes, std::vector<uint64_t> words) : hashes_(hashes), words_(std::move(words)) {}

  // Bits for `distinct` values at false-positive rate `fpr` (clamped to [1e-9, 0.5]): at
  // least 64, a multiple of 64, and at most `max_words` words (a cap lowers the bits and so
  // raises the rate; k is then chosen for the bits there are). No bits for no values: then
  // nothing may be contained.
  static BloomFilter Sized(uint64_t distinct, double fpr, uint64_t max_words = kMaxWords);

  void Add(uint64_t hash);
  bool MayContain(uint64_t hash) const;

  uint32_t hashes() const { return hashes_; }
  const std::vector<uint64_t>& words() const { return words_; }
  uint64_t bits() const { return words_.size() * 64; }

 private:
  uint32_t hashes_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace tally::format

#endif  // TALLY_FORMAT_BLOOM_FILTER_H_
