#include "format/skip_index.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/part_format.h"
#include "format/status_macros.h"

namespace tally::format {

namespace {

constexpr uint64_t kHashSeed = 0x74616c6c79736b69;  // "tallyski"
constexpr uint32_t kMaxHashes = 16;
// 2^32 bits (512 MiB) per filter: far beyond any granule, and what decoding accepts.
constexpr uint64_t kMaxWords = uint64_t{1} << 26;

// The i-th bit position of `hash` among `bits` (Kirsch-Mitzenmacher double hashing; the
// second hash is odd, so the probes cycle through every word).
inline uint64_t Probe(uint64_t hash, uint32_t i, uint64_t bits) {
  const uint64_t h1 = hash;
  const uint64_t h2 = ((hash >> 32) | (hash << 32)) * 0x9e3779b97f4a7c15ULL | 1;
  return (h1 + i * h2) % bits;
}

}  // namespace

BloomFilter BloomFilter::Sized(uint64_t distinct, double fpr) {
  if (distinct == 0) return BloomFilter();
  fpr = std::clamp(fpr, 1e-9, 0.5);
  const double ln2 = std::log(2.0);
  const double bits = std::ceil(-static_cast<double>(distinct) * std::log(fpr) / (ln2 * ln2));
  const uint64_t words = std::min<uint64_t>(kMaxWords, std::max<uint64_t>(1, static_cast<uint64_t>((bits + 63) / 64)));
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

std::string EncodeSkipIndex(const SkipIndexFile& file) {
  std::string p;
  PutFixed8(&p, static_cast<uint8_t>(file.kind));
  PutVarint64(&p, file.granularity);
  PutVarint64(&p, file.filters.size());
  for (const BloomFilter& f : file.filters) {
    PutVarint64(&p, f.hashes());
    PutVarint64(&p, f.words().size());
    for (uint64_t w : f.words()) PutFixed64(&p, w);
  }
  return WrapEnvelope(FileKind::kSkipIndex, p);
}

absl::StatusOr<SkipIndexFile> DecodeSkipIndex(absl::Span<const uint8_t> bytes, absl::string_view what) {
  TALLY_ASSIGN_OR_RETURN(absl::Span<const uint8_t> payload, UnwrapEnvelope(FileKind::kSkipIndex, bytes, what));
  ByteReader in(payload, std::string(what), kEnvelopeOverhead - 8);
  SkipIndexFile file;
  TALLY_ASSIGN_OR_RETURN(uint8_t kind, in.ReadFixed8("index kind"));
  if (kind != static_cast<uint8_t>(SkipIndexFile::Kind::kBloomFilter)) {
    return in.Corrupt("index kind", absl::StrCat("unknown kind ", kind));
  }
  TALLY_ASSIGN_OR_RETURN(file.granularity, in.ReadVarint64("granularity"));
  if (file.granularity == 0) return in.Corrupt("granularity", "zero");
  TALLY_ASSIGN_OR_RETURN(uint64_t count, in.ReadVarint64("filter count"));
  if (count > in.remaining()) return in.Corrupt("filter count", "too large");
  for (uint64_t i = 0; i < count; ++i) {
    TALLY_ASSIGN_OR_RETURN(uint64_t hashes, in.ReadVarint64("hash count"));
    TALLY_ASSIGN_OR_RETURN(uint64_t words, in.ReadVarint64("word count"));
    if (words > kMaxWords || words * 8 > in.remaining()) return in.Corrupt("word count", "too large");
    if ((words == 0) != (hashes == 0) || hashes > kMaxHashes) return in.Corrupt("hash count", "out of range");
    std::vector<uint64_t> w(words);
    for (uint64_t& x : w) {
      TALLY_ASSIGN_OR_RETURN(x, in.ReadFixed64("filter word"));
    }
    file.filters.emplace_back(static_cast<uint32_t>(hashes), std::move(w));
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("skip index"));
  return file;
}

std::string SkipIndexFileName(absl::string_view index_name) {
  return absl::StrCat("skp_idx_", ColumnFileBase(index_name), ".idx");
}

uint64_t SkipIndexHash(const Column& column, size_t row) {
  switch (column.type->id()) {
    case TypeId::kString: {
      const absl::string_view s = column.StringAt(row);
      return XXH3_64bits_withSeed(s.data(), s.size(), kHashSeed);
    }
    case TypeId::kLowCardinality: {
      const absl::string_view s = column.dictionary->StringAt(column.IndexAt(row));
      return XXH3_64bits_withSeed(s.data(), s.size(), kHashSeed);
    }
    case TypeId::kFloat32: {  // -0 is 0: equal values hash equal
      float v = column.values<float>()[row];
      if (v == 0) v = 0;
      return XXH3_64bits_withSeed(&v, sizeof(v), kHashSeed);
    }
    case TypeId::kFloat64: {
      double v = column.values<double>()[row];
      if (v == 0) v = 0;
      return XXH3_64bits_withSeed(&v, sizeof(v), kHashSeed);
    }
    default: {
      const size_t w = column.type->fixed_width();
      return XXH3_64bits_withSeed(column.data.data() + row * w, w, kHashSeed);
    }
  }
}

}  // namespace tally::format
