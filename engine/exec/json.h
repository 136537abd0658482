// JSON for the data formats: writing a column value as ClickHouse's serializeTextJSON does,
// and a small strict reader that parses JSON text straight into columns (no DOM).
//
// Writing (ClickHouse defaults): UInt64/Int64 as strings ("quote_64bit_integers"),
// nan/inf as null, Bool as true/false, dates and UUIDs as strings, arrays as [1,2] and
// maps as {"k":1} (keys always strings), NULL as null. Strings escape ", \, control
// characters (\b \f \n \r \t, others \u00XX uppercase), '/' as \/ and U+2028/U+2029;
// other bytes, valid UTF-8 or not, pass through.
//
// Reading: RFC 8259 grammar (numbers, literals, escapes, \u surrogate pairs; a lone
// surrogate decodes to U+FFFD), nesting limited to JsonReader::kMaxDepth with an error
// beyond. Raw control characters inside strings are accepted, as ClickHouse does.
//
// Thread-compatible: a JsonReader is used by one thread; the functions are pure.
#ifndef TALLY_ENGINE_EXEC_JSON_H_
#define TALLY_ENGINE_EXEC_JSON_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "format/column.h"

namespace tally::engine {

struct JsonWriteOptions {
  bool quote_64bit_integers = true;    // output_format_json_quote_64bit_integers
  bool quote_denormals = false;        // output_format_json_quote_denormals: "nan" not null
  bool escape_forward_slashes = true;  // output_format_json_escape_forward_slashes
};

void AppendJsonString(absl::string_view s, const JsonWriteOptions& options, std::string* out);
// Appends row `row` of `column` as a JSON value.
void AppendJsonValue(const format::Column& column, size_t row, const JsonWriteOptions& options,
                     std::string* out);

class JsonReader {
 public:
  static constexpr int kMaxDepth = 1000;

  explicit JsonReader(absl::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  // The next character, '\0' at the end (callers check AtEnd when it matters).
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  size_t pos() const { return pos_; }
  absl::string_view text() const { return text_; }
  // Skips whitespace, then consumes `c` if it is next.
  bool Consume(char c);
  absl::Status Expect(char c);

  // REQUIRES: Peek() == '"'. *value views the text when the string has no escapes, else
  // the decoded bytes in *scratch.
  absl::Status ReadString(std::string* scratch, absl::string_view* value);
  // A number per the JSON grammar; *token views its text.
  absl::Status ReadNumber(absl::string_view* token);
  // Exactly `word` (true, false, null).
  absl::Status ReadLiteral(absl::string_view word);
  // Skips one value of any kind; *raw (may be null) views its text.
  absl::Status SkipValue(absl::string_view* raw);

  // InvalidArgument "JSON syntax error at byte <pos>: <why>".
  absl::Status Error(absl::string_view why) const;

 private:
  absl::Status ReadHex4(uint32_t* code);

  absl::string_view text_;
  size_t pos_ = 0;
};

struct JsonReadOptions {
  bool null_as_default = true;  // input_format_null_as_default: null in a non-Nullable column
};

// Reads one JSON value into `column`, converting as ClickHouse's JSON input formats do:
// strings parse as text into any type ("123" into UInt64, "2026-10-01 00:00:00" into
// DateTime); numbers must be exact for integer columns; numbers into Date are days and into
// DateTime(64) Unix seconds; true/false also fit integer columns; numbers, literals, objects
// and arrays into String keep their JSON text. On failure the column may hold a partial
// row (callers discard the whole block); the message is "expected <Type>, got '<json>'
// (<why>)" or a syntax error.
absl::Status ReadJsonInto(format::Column* column, JsonReader* in, const JsonReadOptions& options);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_JSON_H_
