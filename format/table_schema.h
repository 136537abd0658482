// TableSchema: what CREATE TABLE says about a table, as persisted in the manifest
// (format/schema_encoding.h has its bytes). Expressions (partition key, defaults, TTL,
// engine arguments, index expressions) and setting values are kept as text; the engine
// parses them. Some fields are carried for what comes next (engine arguments, TTL, skip
// indexes, settings) and not acted on yet: the engine refuses a table that uses them.
//
// A plain value type.
#ifndef TALLY_FORMAT_TABLE_SCHEMA_H_
#define TALLY_FORMAT_TABLE_SCHEMA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "format/codec.h"
#include "format/coding.h"
#include "format/column_streams.h"
#include "format/types.h"

namespace tally::format {

// A field of a version-2 schema record whose tag this build does not know and may ignore
// (an odd tag, docs/format.md "Tagged fields"). It is kept so that rewriting the manifest
// does not lose what a newer tally wrote.
struct UnknownField {
  uint64_t tag = 0;
  std::string bytes;
  bool operator==(const UnknownField&) const = default;
};

struct ColumnDef {
  std::string name;
  DataTypePtr type;
  CodecChain codecs;  // empty: the type's default (see DefaultCodecs)
  std::string default_expr;
  std::string ttl;      // column TTL expression text; "" = none
  std::string comment;  // COMMENT '...'
  std::vector<UnknownField> unknown_fields;
};

// INDEX name expression TYPE type GRANULARITY granularity.
struct SkipIndexDef {
  std::string name;
  std::string expression;
  std::string type;  // with its arguments, as written: "bloom_filter(0.01)", "minmax"
  uint64_t granularity = 1;
  std::vector<UnknownField> unknown_fields;
  bool operator==(const SkipIndexDef&) const = default;
};

// SETTINGS name = value; the value is the literal's text.
struct TableSetting {
  std::string name;
  std::string value;
  std::vector<UnknownField> unknown_fields;
  bool operator==(const TableSetting&) const = default;
};

struct TableSchema {
  std::vector<ColumnDef> columns;
  std::vector<std::string> sort_key;  // ORDER BY columns
  std::string partition_by;           // "" = one partition, "all"
  std::string engine = "MergeTree";
  std::vector<std::string> engine_args;  // ENGINE = name(arg, ...): each argument's text
  uint64_t index_granularity = 8192;                    // rows per granule at most
  uint64_t index_granularity_bytes = 10 << 20;          // bytes per granule at most
  uint64_t min_block_bytes = 64 << 10;                  // a column block closes past this
  uint64_t max_dictionary_entries = kDefaultMaxDictionaryEntries;
  std::string ttl;  // table TTL text; "" = none
  std::vector<SkipIndexDef> skip_indexes;
  std::vector<TableSetting> settings;
  std::string comment;
  std::vector<UnknownField> unknown_fields;

  int FindColumn(absl::string_view name) const;  // -1 when absent
};

// The codecs a column gets when none are declared: Delta + ZSTD(1) for time columns and
// ZSTD(1) for everything else.
CodecChain DefaultCodecs(const DataType& type);
// The declared codecs, or the default.
CodecChain EffectiveCodecs(const ColumnDef& column);

// What every stored schema satisfies, whatever the engine allows on top: at least one
// column; column names non-empty and distinct, each with a type; sort-key columns exist,
// each once; an engine name; the four sizes positive; engine arguments non-empty; skip
// indexes with distinct non-empty names, an expression, a type and a positive
// granularity; settings with distinct non-empty names; unknown fields with odd tags.
// InvalidArgument naming what is wrong. Encoders and decoders both check it.
absl::Status CheckSchemaInvariants(const TableSchema& schema);

}  // namespace tally::format

#endif  // TALLY_FORMAT_TABLE_SCHEMA_H_
