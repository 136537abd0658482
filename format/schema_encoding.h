// The bytes of a TableSchema inside the manifest's create-table operation (docs/format.md,
// "Table schema"). Manifest version 1 wrote it by position; version 2 writes tagged fields
// (format/tagged_fields.h) so that fields are added without breaking readers. The tag
// numbers below mirror the tables in docs/format.md one to one: only ever added, never
// reused. Odd tags may be ignored by a reader that does not know them; even ones must be
// understood.
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_SCHEMA_ENCODING_H_
#define TALLY_FORMAT_SCHEMA_ENCODING_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "format/coding.h"
#include "format/table_schema.h"

namespace tally::format {

// Fields of the table record.
namespace table_tag {
inline constexpr uint64_t kComment = 1;                // text, at most once
inline constexpr uint64_t kColumn = 2;                 // column record, repeated, in order; >= 1
inline constexpr uint64_t kSortKeyColumn = 4;          // text, repeated, in order
inline constexpr uint64_t kPartitionBy = 6;            // text, at most once (absent: one partition)
inline constexpr uint64_t kEngine = 8;                 // text, exactly once
inline constexpr uint64_t kEngineArg = 10;             // text, repeated, in order
inline constexpr uint64_t kIndexGranularity = 12;      // varint, exactly once
inline constexpr uint64_t kIndexGranularityBytes = 14; // varint, exactly once
inline constexpr uint64_t kMinBlockBytes = 16;         // varint, exactly once
inline constexpr uint64_t kMaxDictionaryEntries = 18;  // varint, exactly once
inline constexpr uint64_t kTtl = 20;                   // text, at most once
inline constexpr uint64_t kSkipIndex = 22;             // skip-index record, repeated, in order
inline constexpr uint64_t kSetting = 24;               // setting record, repeated, in order
}  // namespace table_tag

// Fields of a column record.
namespace column_tag {
inline constexpr uint64_t kComment = 1;  // text, at most once
inline constexpr uint64_t kName = 2;     // text, exactly once
inline constexpr uint64_t kType = 4;     // type text, exactly once
inline constexpr uint64_t kCodecs = 6;   // codec chain text, at most once (absent: default)
inline constexpr uint64_t kDefault = 8;  // expression text, at most once
inline constexpr uint64_t kTtl = 10;     // expression text, at most once
// The whole type text when it is an aggregate-function type (AggregateFunction(sum,
// UInt64), SimpleAggregateFunction(max, UInt64)); kType then holds its physical type
// (String, UInt64), and a reader that does not know this tag refuses the table.
inline constexpr uint64_t kAggregateType = 12;  // type text, at most once
}  // namespace column_tag

// Fields of a skip-index record: all exactly once.
namespace skip_index_tag {
inline constexpr uint64_t kName = 2;         // text
inline constexpr uint64_t kExpression = 4;   // text
inline constexpr uint64_t kType = 6;         // text with arguments
inline constexpr uint64_t kGranularity = 8;  // varint
}  // namespace skip_index_tag

// Fields of a setting record: both exactly once.
namespace setting_tag {
inline constexpr uint64_t kName = 2;   // text
inline constexpr uint64_t kValue = 4;  // text
}  // namespace setting_tag

// The oldest manifest version whose schema encoding can hold everything in `schema`:
// 1 unless it uses a field version 1 lacks (engine arguments, TTLs, skip indexes,
// settings, comments, kept unknown fields, aggregate-function column types).
uint16_t MinSchemaVersion(const TableSchema& schema);

// Appends `schema` as manifest `version` writes it. InvalidArgument when the schema breaks
// CheckSchemaInvariants or `version` cannot hold it (see MinSchemaVersion); nothing is
// appended then.
absl::Status EncodeTableSchema(std::string* out, const TableSchema& schema, uint16_t version);

// Reads a schema written by manifest `version` (1 or 2); `table` names it in errors.
// DataLoss for damaged bytes (naming the table and the field), Unimplemented for a field
// that must be understood and is not known to this build.
absl::StatusOr<TableSchema> DecodeTableSchema(ByteReader* in, uint16_t version, absl::string_view table);

}  // namespace tally::format

#endif  // TALLY_FORMAT_SCHEMA_ENCODING_H_
