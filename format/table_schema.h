// TableSchema: what CREATE TABLE says about a table, as persisted in the manifest.
// Expressions (partition key, defaults) are kept as text; the engine parses them.
//
// A plain value type.
#ifndef TALLY_FORMAT_TABLE_SCHEMA_H_
#define TALLY_FORMAT_TABLE_SCHEMA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "format/codec.h"
#include "format/coding.h"
#include "format/column_streams.h"
#include "format/types.h"

namespace tally::format {

struct ColumnDef {
  std::string name;
  DataTypePtr type;
  CodecChain codecs;  // empty: the type's default (see DefaultCodecs)
  std::string default_expr;
};

struct TableSchema {
  std::vector<ColumnDef> columns;
  std::vector<std::string> sort_key;  // ORDER BY columns
  std::string partition_by;           // "" = one partition, "all"
  std::string engine = "MergeTree";
  uint64_t index_granularity = 8192;                    // rows per granule at most
  uint64_t index_granularity_bytes = 10 << 20;          // bytes per granule at most
  uint64_t min_block_bytes = 64 << 10;                  // a column block closes past this
  uint64_t max_dictionary_entries = kDefaultMaxDictionaryEntries;

  int FindColumn(absl::string_view name) const;  // -1 when absent
};

// The codecs a column gets when none are declared: Delta + ZSTD(1) for time columns and
// ZSTD(1) for everything else.
CodecChain DefaultCodecs(const DataType& type);
// The declared codecs, or the default.
CodecChain EffectiveCodecs(const ColumnDef& column);

void EncodeTableSchema(std::string* out, const TableSchema& schema);
absl::StatusOr<TableSchema> DecodeTableSchema(ByteReader* in);

}  // namespace tally::format

#endif  // TALLY_FORMAT_TABLE_SCHEMA_H_
