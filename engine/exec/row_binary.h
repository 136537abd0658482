// ClickHouse's RowBinary family: values row after row in their binary form.
//
//   RowBinary                    rows only
//   RowBinaryWithNames           VarUInt column count, the names (VarUInt length + bytes), rows
//   RowBinaryWithNamesAndTypes   as WithNames, then the type names, then rows
//
// A value: integers, floats, Date (UInt16 days), DateTime (UInt32 s), DateTime64 (Int64
// ticks) little-endian; Bool one byte; UUID as two little-endian UInt64, the high half
// first; String a VarUInt length and the bytes; Nullable a byte (1 = NULL, then nothing; 0,
// then the value); LowCardinality(T) as T; Array a VarUInt count and the elements; Map a
// VarUInt count and key, value pairs. docs/formats.md has the details.
//
// Thread-safe: pure functions.
#ifndef TALLY_ENGINE_EXEC_ROW_BINARY_H_
#define TALLY_ENGINE_EXEC_ROW_BINARY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/exec/binary_io.h"
#include "engine/exec/input_format.h"
#include "engine/exec/output_format.h"
#include "format/column.h"

namespace tally::engine {

// Appends row `row` of `c` in RowBinary.
void AppendRowBinaryValue(const format::Column& c, size_t row, std::string* out);
// Reads one value and appends it to *c. OutOfRange when the bytes end inside the value,
// InvalidArgument for malformed bytes; *c may then hold part of the value.
absl::Status ReadRowBinaryValue(ByteReader* in, format::Column* c);
// Skips one value of `type`; errors as ReadRowBinaryValue.
absl::Status SkipRowBinaryValue(ByteReader* in, const format::DataType& type);

enum class RowBinaryHeader { kNone, kNames, kNamesAndTypes };

// An OutputFormat for RowBinary[WithNames[AndTypes]]. Unimplemented for an
// AggregateFunction column: tally's states are not ClickHouse's bytes.
absl::StatusOr<std::unique_ptr<OutputFormat>> MakeRowBinaryOutput(RowBinaryHeader header,
                                                                  const std::vector<std::string>& names,
                                                                  const std::vector<format::DataTypePtr>& types,
                                                                  std::string* out);

// Parses RowBinary input (see ParseInputWithPresence). Errors are InvalidArgument
// "Cannot parse input: row N, column 'c': at byte B: why" (B counts from
// options.first_byte), or name the header.
absl::StatusOr<ParsedInput> ParseRowBinary(RowBinaryHeader header, absl::string_view data,
                                           const std::vector<std::string>& names,
                                           const std::vector<format::DataTypePtr>& types,
                                           const InputOptions& options);

// The header's length, nullopt when `data` ends inside it. InvalidArgument for a header
// that can never be valid.
absl::StatusOr<std::optional<size_t>> RowBinaryHeaderSize(RowBinaryHeader header, absl::string_view data);

// The length of the longest prefix of `data` (rows, after the header) made of whole rows
// whose fields have `types` (RowBinaryFieldTypes); *rows gets their number. Malformed
// bytes end the prefix at the end of `data`, so that parsing it reports the error.
size_t RowBinaryCompleteRows(absl::string_view data, const std::vector<format::DataTypePtr>& types,
                             uint64_t* rows);

// The types a RowBinary input's fields are read as: the columns' for RowBinary and for
// the fields the header maps to columns, the header's for skipped fields. Errors as
// ParseRowBinary's for the header.
absl::StatusOr<std::vector<format::DataTypePtr>> RowBinaryFieldTypes(RowBinaryHeader header,
                                                                     absl::string_view header_bytes,
                                                                     const std::vector<std::string>& names,
                                                                     const std::vector<format::DataTypePtr>& types,
                                                                     bool skip_unknown);

// The same type up to DateTime and DateTime64 time zones (which change no stored value).
bool SameTypeIgnoringZones(const format::DataType& a, const format::DataType& b);

// Error for an AggregateFunction column in a binary format (Native, RowBinary).
absl::Status CheckBinaryFormatTypes(absl::string_view format, const std::vector<std::string>& names,
                                    const std::vector<format::DataTypePtr>& types);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_ROW_BINARY_H_
