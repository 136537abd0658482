// Rendering values as text the way ClickHouse prints them in TabSeparated output:
// DateTime as 2026-10-01 00:00:00 (UTC until time zones arrive), Date as 2026-10-01,
// DateTime64 with its fraction, UUIDs in 8-4-4-4-12 form, floats in shortest round-trip
// form (inf, -inf, nan), strings escaped for TSV, arrays and maps in ClickHouse's literal
// syntax with quoted strings, NULL as \N.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_TEXT_FORMAT_H_
#define TALLY_ENGINE_TEXT_FORMAT_H_

#include <string>

#include "format/column.h"

namespace tally::engine {

// Appends row `row` of `column` in TabSeparated form.
void AppendTsvValue(const format::Column& column, size_t row, std::string* out);

// Inside arrays and maps (and for CSV-like quoting): strings in single quotes.
void AppendQuotedValue(const format::Column& column, size_t row, std::string* out);

std::string FormatDateTime(int64_t seconds);  // "2026-10-01 00:00:00", UTC
std::string FormatDate(int64_t days);          // "2026-10-01"

}  // namespace tally::engine

#endif  // TALLY_ENGINE_TEXT_FORMAT_H_
