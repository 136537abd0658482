// Rendering values as text exactly as ClickHouse's text serializations do. Each family
// below mirrors one ClickHouse serialization:
//
//   AppendPlainValue   serializeText         Pretty, Vertical, TabSeparatedRaw
//   AppendTsvValue     serializeTextEscaped  TabSeparated
//   AppendQuotedValue  serializeTextQuoted   Values, and every element inside [..] / {..}
//   AppendCsvValue     serializeTextCSV      CSV
//   (JSON lives in engine/exec/json.h)
//
// Shared rules: floats in shortest round-trip form, fixed notation for decimal exponents
// -6..20 and d.ddde<exp> outside (1e21, 1e-7: no '+', no padding), integral values
// below 2^53 (2^24 for Float32) as integers, -0 as 0, inf/-inf/nan (never -nan).
// DateTime as 2026-10-01 00:00:00 in the column's time zone (UTC when it names none),
// DateTime64 with exactly `precision` fraction digits, Date as 2026-10-01, UUID in
// 8-4-4-4-12 lowercase, Bool as true/false. Arrays print as [1,2] and maps as {'k':1} with
// quoted elements in every text format (CSV wraps the whole thing in double quotes).
//
// Pure functions; thread-safe (the time zone cache is synchronized).
#ifndef TALLY_ENGINE_EXEC_TEXT_FORMAT_H_
#define TALLY_ENGINE_EXEC_TEXT_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "format/column.h"

namespace tally::engine {

// --- Values ---
// Appends row `row` of `column`.
void AppendTsvValue(const format::Column& column, size_t row, std::string* out);
void AppendQuotedValue(const format::Column& column, size_t row, std::string* out);
void AppendCsvValue(const format::Column& column, size_t row, std::string* out);
// Strings unescaped; NULL as `null_text` (ClickHouse: "ᴺᵁᴸᴸ" in Pretty and Vertical,
// "\N" in TabSeparatedRaw).
void AppendPlainValue(const format::Column& column, size_t row, absl::string_view null_text,
                      std::string* out);

// --- Scalars ---
void AppendFloat64Text(double v, std::string* out);
void AppendFloat32Text(float v, std::string* out);
// Numbers, Bool, Date, DateTime(64) and UUID without any quoting; other types append
// nothing. REQUIRES: column is of one of those types.
void AppendScalarText(const format::Column& column, size_t row, std::string* out);

std::string FormatDateTime(int64_t seconds);  // "2026-10-01 00:00:00", UTC
std::string FormatDate(int64_t days);         // "2026-10-01"
void AppendDateTimeText(int64_t seconds, const absl::TimeZone& zone, std::string* out);

// --- Time zones ---
// Loads a zone from the system tz database, once per name. NotFound for unknown names.
absl::StatusOr<absl::TimeZone> LoadZone(absl::string_view name);
// The zone DateTime/DateTime64 values of `type` are shown and parsed in: the type's own
// zone, else UTC (the server's zone). An unloadable name also falls back to UTC.
absl::TimeZone ZoneOf(const format::DataType& type);
// `type` with every DateTime/DateTime64 that names no zone given `zone` (a session's
// time zone): the values are instants, the zone decides how they print and parse.
format::DataTypePtr WithDefaultZone(const format::DataTypePtr& type, const std::string& zone);
// Gives `c` and its nested columns `type`. REQUIRES: `type` differs from c's type only in
// time zones (WithDefaultZone), so the data stays valid.
void RetypeZones(format::Column* c, const format::DataTypePtr& type);

// --- Strings ---
// Appends code point `cp` (<= 0x10FFFF) encoded as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);
void AppendTsvEscaped(absl::string_view s, std::string* out);    // \t \n \\ \' ... escaped
void AppendQuotedString(absl::string_view s, std::string* out);  // 'it\'s'
void AppendCsvString(absl::string_view s, std::string* out);     // "say ""hi"""

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_TEXT_FORMAT_H_
