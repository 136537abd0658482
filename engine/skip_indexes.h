// The skip indexes of a table (INDEX name expr TYPE type GRANULARITY g), bound to its
// schema: the expression compiled over the table's columns, the kind and its arguments,
// and how many granules each index granule covers. format/skip_index.h holds the bytes;
// engine/skip_index_builder.h builds them, engine/skip_index_probe.h reads them.
//
// Types (ClickHouse's names and arguments):
//   bloom_filter([rate])                  values (rate 0.025 by default)
//   minmax                                smallest and largest value
//   set(N)                                distinct values, up to N (0: no limit)
//   tokenbf_v1(bytes, hashes, seed)       tokens of strings (format/text_tokens.h)
//   ngrambf_v1(n, bytes, hashes, seed)    n-grams of strings
// tally sizes every Bloom filter from its index granule's own distinct count and a target
// false-positive rate. For tokenbf_v1 and ngrambf_v1 the rate is TextIndexRate: that of
// ClickHouse's filter of `bytes` bytes and `hashes` hash functions on the same tokens, at
// most kTextIndexFpr; `bytes` caps the size, and the number of hash functions follows from
// the size. So a filter is never larger, and never less selective, than ClickHouse's.
//
// The expression is any deterministic expression of the row (a column, lower(s),
// mapKeys(m)); an Array value indexes each element. NULLs are not indexed.
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_SKIP_INDEXES_H_
#define TALLY_ENGINE_SKIP_INDEXES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/exec/expression.h"
#include "format/column.h"
#include "format/skip_index.h"
#include "format/table_schema.h"
#include "format/value.h"

namespace tally::engine {

// The highest false-positive rate tokenbf_v1 and ngrambf_v1 filters are sized for.
inline constexpr double kTextIndexFpr = 0.025;

struct BoundSkipIndex {
  using Kind = format::SkipIndexFile::Kind;  // never kLegacyBloomFilter here
  std::string name;
  std::string file;        // format::SkipIndexFileName(name)
  std::string expression;  // as SkipIndexDef::expression holds it (the syntax tree's text)
  std::string type_name;   // "bloom_filter", "minmax", "set", "tokenbf_v1", "ngrambf_v1"
  Kind kind = Kind::kBloomFilter;
  double fpr = 0.025;           // bloom_filter's target false-positive rate (ClickHouse's default)
  uint64_t max_values = 0;      // set(N)
  uint64_t max_bytes = 0;       // tokenbf_v1 / ngrambf_v1: a filter's size cap
  uint64_t hashes = 0;          // tokenbf_v1 / ngrambf_v1: ClickHouse's hash functions
  uint64_t seed = 0;            // tokenbf_v1 / ngrambf_v1
  uint64_t ngram = 0;           // ngrambf_v1: n
  uint64_t granularity = 1;
  int column = -1;              // the schema column when the expression is one, else -1
  exec::ExpressionPtr expr;     // over the schema's columns, in schema order
  format::DataTypePtr type;     // the expression's type
  bool array = false;           // the expression is an Array: its elements are indexed
  format::DataTypePtr values;   // the indexed values' type: the element type, or `type`

  // "minmax GRANULARITY 1", as ClickHouse's EXPLAIN describes an index.
  std::string Description() const;
  // A file with these entries: kind, granularity, expression and arguments.
  format::SkipIndexFile EmptyFile() const;
  // Whether a part's file was built by this index (or by the bloom_filter on a column a
  // version-1 file stands for), so that it may prune for it.
  bool Built(const format::SkipIndexFile& file) const;
};

// InvalidArgument (in ClickHouse's words where it has some) for a malformed index,
// Unimplemented for what is not supported yet.
absl::StatusOr<std::vector<BoundSkipIndex>> BindSkipIndexes(const format::TableSchema& schema);

// The false-positive rate a tokenbf_v1 or ngrambf_v1 filter of an index granule holding
// `distinct` tokens (n-grams) is sized for: (1 - e^(-k d / m))^k, ClickHouse's filter's
// rate with m = 8 * bytes bits and k = hashes, and at most kTextIndexFpr.
double TextIndexRate(const BoundSkipIndex& index, uint64_t distinct);

// The hash a bloom filter of values of `type` keeps for `value` (in that type's value
// domain), or nullopt when no row can hold it (NULL, or a value the type cannot hold).
std::optional<uint64_t> HashOfValue(const format::DataTypePtr& type, const format::Value& value);

// The column a skip index reads values from: the column itself, or the values inside a
// Nullable.
const format::Column& IndexedValues(const format::Column& column);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SKIP_INDEXES_H_
