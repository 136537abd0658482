// Parsing INSERT data in ClickHouse's input formats into a Block.
//
//   JSONEachRow (JSONLines, NDJSON)  objects, separated by whitespace or commas, optionally
//                                    inside one [...]; keys in any order; missing keys take
//                                    the column default; unknown keys are an error unless
//                                    skip_unknown_fields; a key twice is an error
//   JSONCompactEachRow               [v1, v2, ...] per row, in column order
//   CSV, CSVWithNames[AndTypes]      RFC 4180 quoting ("" inside quotes), \n or \r\n; unquoted
//                                    fields trimmed; unquoted \N (and NULL for non-String
//                                    types) is NULL; an unquoted empty field is the default
//   TabSeparated (TSV), TSVWithNames[AndTypes], TabSeparatedRaw (TSVRaw)
//                                    backslash escapes (none in Raw); \N is NULL
//   Values                           (1, 'a', NULL, [1,2], {'k':'v'}), (...) literals only
//   JSONCompactEachRowWithNames[AndTypes]  a names row (and a types row), then rows
//   Native                           ClickHouse's columnar blocks (engine/exec/native_format.h)
//   RowBinary, RowBinaryWithNames[AndTypes]  binary rows (engine/exec/row_binary.h)
//
// *WithNames formats map header names to columns (unknown names: error, or skipped with
// skip_unknown_fields; columns not in the header take defaults). The result always holds
// every given column, in the given order.
//
// All or nothing: any error returns a status and no Block. Errors are InvalidArgument and
// name the 1-based data row and the column: "Cannot parse input: row 3, column 'status':
// expected UInt16, got 'abc' (not a number)".
//
// Thread-safe: pure functions.
#ifndef TALLY_ENGINE_EXEC_INPUT_FORMAT_H_
#define TALLY_ENGINE_EXEC_INPUT_FORMAT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/block.h"
#include "format/types.h"

namespace tally::engine {

struct InputOptions {
  bool skip_unknown_fields = false;  // input_format_skip_unknown_fields
  bool null_as_default = true;       // input_format_null_as_default
  bool csv_empty_as_default = true;  // input_format_csv_empty_as_default
  // Rows before this piece of a longer input: error messages count from it.
  uint64_t first_row = 0;
  // Binary formats: the offset in the whole input that offset 0 of this piece stands for,
  // and the Native blocks before it, for error messages.
  uint64_t first_byte = 0;
  uint64_t first_block = 0;
};

struct ParsedInput {
  Block block;
  // present[i]: column i had a value in the input (a JSON key in some row, a header name,
  // or any positional format). Columns not present hold only defaults; callers with DEFAULT
  // expressions recompute them.
  std::vector<bool> present;
  // omitted[i]: the rows (ascending) where a row-wise format (JSONEachRow, a header
  // format) left column i out, which hold the type's default: callers with DEFAULT
  // expressions compute those rows (input_format_defaults_for_omitted_fields).
  std::vector<std::vector<uint32_t>> omitted;
};

absl::StatusOr<Block> ParseInput(absl::string_view format, absl::string_view data,
                                 const std::vector<std::string>& names,
                                 const std::vector<format::DataTypePtr>& types,
                                 const InputOptions& options = {});

absl::StatusOr<ParsedInput> ParseInputWithPresence(absl::string_view format,
                                                   absl::string_view data,
                                                   const std::vector<std::string>& names,
                                                   const std::vector<format::DataTypePtr>& types,
                                                   const InputOptions& options = {});

// Whether `format` is an input format ParseInput knows.
bool IsInputFormat(absl::string_view format);

// An error from parsing a piece that started after `first_row` rows of the whole input,
// with its row number counted from the start ("Cannot parse input: row N ...").
absl::Status OffsetRowNumbers(const absl::Status& status, uint64_t first_row);

// For reading a long input in pieces: the length of the longest prefix of `data` made of
// whole rows of `format`, so that parsing it and then the rest (with more data appended)
// reads the same rows as parsing everything at once. nullopt when the format cannot be
// read in pieces (a header, Values, a JSON array): the caller parses the input whole.
std::optional<size_t> CompleteRowsPrefix(absl::string_view format, absl::string_view data);

// Splits a long input into pieces that each parse on their own: the input's header (names
// and types lines, RowBinaryWithNames' header), if any, followed by whole rows (Native:
// whole blocks). Binary formats have no line to split at; their splitter walks the values
// without building them. One per input; not thread-safe.
class InputSplitter {
 public:
  virtual ~InputSplitter();
  // The length of the header at the start of the input; nullopt while `data` ends inside it.
  virtual absl::StatusOr<std::optional<size_t>> HeaderSize(absl::string_view data) = 0;
  // REQUIRES: HeaderSize gave a length. The length of the longest prefix of `rows` (input
  // after the header, starting at a row boundary) made of whole rows or blocks; 0 when more
  // input is needed. *blocks gets the number of Native blocks in it (0 for other formats).
  virtual size_t CompleteRows(absl::string_view rows, uint64_t* blocks) = 0;
};

// nullptr when `format` cannot be split (Values; a JSONEachRow array is found to be one
// while splitting and then read whole). `names` and `types` are the INSERT's columns.
std::unique_ptr<InputSplitter> MakeInputSplitter(absl::string_view format, const std::vector<std::string>& names,
                                                 const std::vector<format::DataTypePtr>& types,
                                                 const InputOptions& options);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_INPUT_FORMAT_H_
