// Skip index files (docs/format.md, "Skip index files"): per part, one file per index of
// the table, `skp_idx_<name>.idx`, holding one entry per index granule (`granularity`
// consecutive granules of the part). An entry answers "may a row of these granules
// satisfy this condition?" without false negatives, so a scan may skip the granules it
// rules out. What each kind keeps per index granule:
//
//   bloom_filter  a Bloom filter of the distinct values (format/bloom_filter.h)
//   minmax        the smallest and largest value, and whether a NaN was seen
//   set(N)        the distinct values, or "no information" when there were more than N
//   tokenbf_v1    a Bloom filter of the distinct tokens (format/text_tokens.h)
//   ngrambf_v1    a Bloom filter of the distinct n-grams
//
// NULLs are never indexed; an array's elements are indexed one by one. Every Bloom filter
// is sized from its own granule's distinct count (BloomFilter::Sized).
//
// Files of version 2 name the expression they index, so a file left by a dropped index
// is never taken for a new index of the same name. Version 1 files (kind 1, bloom_filter
// on a column, no expression) are still read.
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_SKIP_INDEX_H_
#define TALLY_FORMAT_SKIP_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "format/bloom_filter.h"
#include "format/column.h"
#include "format/value.h"

namespace tally::format {

// The envelope version this build writes skip index files in; it reads 1 and 2.
inline constexpr uint16_t kSkipIndexVersion = 2;

// minmax: the bounds of an index granule's non-NULL, non-NaN values.
struct MinMaxEntry {
  bool any = false;  // some value other than NaN: min and max hold
  bool nan = false;  // some value was NaN (which no bound holds)
  Value min, max;
};

// set(N): an index granule's distinct non-NULL values, ascending by CompareValues.
struct SetEntry {
  bool overflow = false;  // more than N distinct values: no information, values empty
  std::vector<Value> values;
};

struct SkipIndexFile {
  // Values persisted: only ever added.
  enum class Kind : uint8_t {
    kLegacyBloomFilter = 1,  // version 1 only: bloom_filter, no expression
    kBloomFilter = 2,
    kMinMax = 3,
    kSet = 4,
    kTokenBloomFilter = 5,  // tokenbf_v1
    kNgramBloomFilter = 6,  // ngrambf_v1
  };
  Kind kind = Kind::kBloomFilter;
  uint64_t granularity = 1;  // part granules per index granule
  std::string expression;    // the indexed expression's text (SkipIndexDef::expression); not kind 1
  uint64_t max_values = 0;   // kSet: N (0: no limit)
  uint64_t seed = 0;         // token and n-gram kinds: format::TextHash's seed
  uint64_t ngram = 0;        // kNgramBloomFilter: n >= 1

  // One entry per index granule, in the vector of the kind.
  std::vector<BloomFilter> filters;  // the Bloom-filter kinds
  std::vector<MinMaxEntry> minmax;
  std::vector<SetEntry> sets;

  bool is_bloom() const {
    return kind == Kind::kLegacyBloomFilter || kind == Kind::kBloomFilter || kind == Kind::kTokenBloomFilter ||
           kind == Kind::kNgramBloomFilter;
  }
  // Index granules held.
  size_t entries() const;
};

// The file's bytes (envelope "TLYS", version kSkipIndexVersion; a kind-1 file, version 1).
std::string EncodeSkipIndex(const SkipIndexFile& file);
// DataLoss naming `what` and the offset on any damage; Unimplemented for a newer version
// or a kind this build does not know.
absl::StatusOr<SkipIndexFile> DecodeSkipIndex(absl::Span<const uint8_t> bytes, absl::string_view what);

// "skp_idx_<escaped name>.idx".
std::string SkipIndexFileName(absl::string_view index_name);

// The hash a bloom_filter index keeps for row `row` of `column`: XXH3-64 (seeded) of the
// value's bytes as the column stores them (a string's bytes, a LowCardinality entry's
// string, a number's little-endian bytes, a UUID's 16 bytes). REQUIRES: the row is not
// NULL and the type is neither Nullable (use its child), Array nor Map.
uint64_t SkipIndexHash(const Column& column, size_t row);

}  // namespace tally::format

#endif  // TALLY_FORMAT_SKIP_INDEX_H_
