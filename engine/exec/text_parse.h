// Parsing values from text into columns, accepting what ClickHouse's text input accepts:
//
//   integers      [+-]digits, range-checked for the column type
//   floats        1.5, -2e10, .5, inf, -inf, nan, infinity (any case)
//   Bool          true/false, 1/0, yes/no, on/off, t/f, y/n (any case)
//   Date          2026-10-01 (separators - / .)
//   DateTime      2026-10-01 00:00:00, 2026-10-01T00:00:00[.frac][Z|+02:00|-0130],
//                 2026-10-01 (midnight), or Unix seconds; local forms are read in the
//                 column's time zone, an explicit Z or offset wins
//   DateTime64    the same with up to `precision` fraction digits kept (more are cut)
//   UUID          8-4-4-4-12 hex or 32 hex digits
//   String        as is
//   Nullable(T)   \N (and NULL unless T is String) is NULL
//   Array / Map   ClickHouse literals: [1,2], ['a','b'], {'k':'v'}, [[1],[]], [NULL]
//
// Quoted-literal syntax (the text after VALUES, and elements inside [..] and {..}):
// 'strings' with backslash escapes or '' doubling, numbers, NULL, true/false, [..], {..}.
// Anything else (identifiers, function calls, arithmetic) is "expressions in VALUES are
// not supported yet".
//
// Thread-safe: pure functions over caller-owned columns.
#ifndef TALLY_ENGINE_EXEC_TEXT_PARSE_H_
#define TALLY_ENGINE_EXEC_TEXT_PARSE_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "format/column.h"

namespace tally::engine {

struct TextParseOptions {
  // Whether the text "\N" (and "NULL" for non-String types) means NULL. Input formats turn
  // this off: they decide about NULL on the undecoded field, where "\\N" is a string.
  bool detect_null = true;
  // input_format_null_as_default: NULL for a non-Nullable column becomes its default.
  bool null_as_default = false;
};

// Parses `text`, one complete value, and appends it to `column`. On error the column is
// unchanged and the status is InvalidArgument "cannot parse '<text>' as <Type>: <why>".
absl::Status ParseTextInto(format::Column* column, absl::string_view text,
                           const TextParseOptions& options = {});

// As ParseTextInto, but the message is only <why>, for callers that add their own context.
// On error the column may hold a partial row.
absl::Status ParseTextField(format::Column* column, absl::string_view text,
                            const TextParseOptions& options = {});

// Reads one literal in quoted syntax from the front of *in (leading whitespace skipped)
// and appends it; *in is advanced past it. The message on error says what was expected
// and what was found. On error the column may hold a partial row.
absl::Status ParseQuotedValue(format::Column* column, absl::string_view* in,
                              const TextParseOptions& options = {});

// A number literal (JSON or VALUES) into a column: as text, except that Date takes a day
// number. `token` is the literal's text.
absl::Status ParseNumberInto(format::Column* column, absl::string_view token);

// Appends NULL when the column allows it (Nullable, LowCardinality(Nullable)), else the
// default when `null_as_default`, else fails with "NULL is not allowed in <Type>".
absl::Status AppendNull(format::Column* column, bool null_as_default);

// Whether `text` spells NULL for `type` in unquoted text: \N, or NULL (any case) when the
// type holds no strings.
bool IsNullText(const format::DataType& type, absl::string_view text);

// Decodes TSV backslash escapes (\t \n \\ \' \0 \xHH ...; an unknown escape drops the
// backslash) into *out.
void UnescapeTsv(absl::string_view text, std::string* out);

// Shrinks `column` back to its first `rows` rows (undoing a failed append). Dictionary
// entries added meanwhile stay; they are unreferenced, which is harmless.
void TruncateColumn(format::Column* column, size_t rows);

// `text` for an error message: at most 64 bytes (then "..."), control characters escaped.
std::string TextForError(absl::string_view text);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_TEXT_PARSE_H_
