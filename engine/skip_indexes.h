// The skip indexes of a table (INDEX name expr TYPE bloom_filter([fpr]) GRANULARITY g),
// bound to its columns: which column each reads, its target false-positive rate, and how
// many granules each of its filters covers. format/skip_index.h holds the bytes.
//
// Supported: bloom_filter on a column (any type but Array and Map; NULLs are not
// indexed). Other types and expressions are refused at CREATE as not supported yet.
//
// Immutable; thread-safe.
#ifndef TALLY_ENGINE_SKIP_INDEXES_H_
#define TALLY_ENGINE_SKIP_INDEXES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "format/column.h"
#include "format/table_schema.h"
#include "format/value.h"

namespace tally::engine {

struct BoundSkipIndex {
  std::string name;
  std::string file;     // format::SkipIndexFileName(name)
  size_t column = 0;    // schema index of the column it reads
  double fpr = 0.025;   // bloom_filter's target false-positive rate (ClickHouse's default)
  uint64_t granularity = 1;
};

// InvalidArgument for a malformed index, Unimplemented for what is not supported yet.
absl::StatusOr<std::vector<BoundSkipIndex>> BindSkipIndexes(const format::TableSchema& schema);

// The hash a bloom filter of a column of `type` keeps for `value` (in the column's value
// domain), or nullopt when no row can hold it (NULL, or a value the type cannot hold).
std::optional<uint64_t> HashOfValue(const format::DataTypePtr& type, const format::Value& value);

// The column a skip index hashes: the column itself, or the values inside a Nullable.
const format::Column& IndexedValues(const format::Column& column);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SKIP_INDEXES_H_
