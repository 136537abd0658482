#include "format/bloom_filter.h"

#include <algorithm>
#include <cmath>

namespace tally::format {

namespace {

// The i-th bit position of `hash` among `bits` (Kirsch-Mitzenmacher double hashing; the
// second hash is odd, so the probes cycle through every word).
inline uint64_t Probe(uint64_t hash, uint32_t i, uint64_t bits) {
  const uint64_t h1 = hash;
  const uint64_t h2 = ((hash >> 32) | (hash << 32)) * 0x9e3779b97f4a7c15ULL | 1;
  return (h1 + i * h2) % bits;
}

}  // namespace

BloomFilter BloomFilter::Sized(uint64_t distinct, double fpr, uint64_t max_words) {
  if (distinct == 0) return BloomFilter();
  fpr = std::clamp(fpr, 1e-9, 0.5);
  max_words = std::clamp<uint64_t>(max_words, 1, kMaxWords);
  const double ln2 = std::log(2.0);
  const double bits = std::ceil(-static_cast<double>(distinct) * std::log(fpr) / (ln2 * ln2));
  const uint64_t words = std::min<uint64_t>(max_words, std::max<uint64_t>(1, static_cast<uint64_t>((bits + 63) / 64)));
  const double k = std::round(static_cast<double>(words * 64) / static_cast<double>(distinct) * ln2);
  const uint32_t hashes = static_cast<uint32_t>(std::clamp(k, 1.0, static_cast<double>(kMaxHashes)));
  return BloomFilter(hashes, std::vector<uint64_t>(words, 0));
}

void BloomFilter::Add(uint64_t hash) {
  const uint64_t n = bits();
  if (n == 0) return;
  for (uint32_t i = 0; i < hashes_; ++i) {
    const uint64_t b = Probe(hash, i, n);
    words_[b / 64] |= uint64_t{1} << (b % 64);
  }
}

bool BloomFilter::MayContain(uint64_t hash) const {
  const uint64_t n = bits();
  if (n == 0) return false;
  for (uint32_t i = 0; i < hashes_; ++i) {
    const uint64_t b = Probe(hash, i, n);
    if ((words_[b / 64] & (uint64_t{1} << (b % 64))) == 0) return false;
  }
  return true;
}

}  // namespace tally::format
