// Column DEFAULT expressions: `time DateTime DEFAULT now()`, `day Date DEFAULT toDate(time)`.
//
// The schema keeps each expression as written; an insert evaluates it, converted to the
// column's type, for the column when the insert leaves it out and for the rows where a
// row-wise input omitted the field. Expressions may read other columns of the row,
// defaulted ones included (evaluated in dependency order; a cycle is an error).
//
// The SQL session applies them to every INSERT, with its time zone and query parameters
// and per row for row-wise inputs; the storage core computes the DEFAULT of any column a
// block still leaves out (engine/table_defaults.h), so embedders need not call FillDefaults.
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_SQL_DEFAULTS_H_
#define TALLY_ENGINE_SQL_DEFAULTS_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "engine/block.h"
#include "engine/sql/binder.h"
#include "format/table_schema.h"

namespace tally::engine::sql {

// Checks every DEFAULT expression of `schema`: it parses, names only known columns, and
// converts to its column's type. Errors name the column.
absl::Status ValidateDefaults(const format::TableSchema& schema);

// Adds the schema's columns with a DEFAULT expression that `block` lacks, computed from
// the other columns, and recomputes the rows listed in omitted[i] of block column i (may
// be null). Columns without a DEFAULT are left to Database::Insert.
absl::Status FillDefaults(const format::TableSchema& schema, const QueryParams& params, Block* block,
                          const std::vector<std::vector<uint32_t>>* omitted);

// Converts `c` to `type` with CAST when they differ (INSERT ... SELECT, defaults).
absl::StatusOr<format::Column> ConvertColumn(format::Column c, const format::DataTypePtr& type);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_DEFAULTS_H_
