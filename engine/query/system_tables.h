// System tables: the database's own state as read-only tables under the `system`
// database, as ClickHouse has them, built as a block when a query reads them.
//
//   system.parts      one row per active part: database, table, partition_id, name,
//                     active, rows, marks, bytes_on_disk, level, min_block_number,
//                     max_block_number
//   system.tables     database, name, engine, is_temporary, create_table_query,
//                     engine_full, partition_key, sorting_key, primary_key, sampling_key,
//                     total_rows, total_bytes, parts, comment
//   system.databases  name, engine, comment
//   system.columns    one row per column of every table, view and system table: database, table, name,
//                     type, position, default_kind, default_expression, comment,
//                     is_in_{partition,sorting,primary,sampling}_key, compression_codec
//   system.settings   one row per setting the session knows, with the statement's values
//                     (engine/query/setting_catalog.h): name, value, changed, description,
//                     min, max, readonly, type, default, alias_for, is_obsolete
//   system.functions  the scalar and aggregate functions: name, is_aggregate,
//                     case_insensitive, alias_to, create_query, origin, description, ...
//   system.formats    name, is_input, is_output
//   system.detached_parts  what is set aside in detached/ directories: database, table,
//                     partition_id, name, bytes_on_disk, modification_time (when it was
//                     set aside), disk, path, reason (broken, unreferenced, missing, ...),
//                     min_block_number, max_block_number, level, message (why)
//
// Thread-safe (each call takes a snapshot through the Database API).
#ifndef TALLY_ENGINE_QUERY_SYSTEM_TABLES_H_
#define TALLY_ENGINE_QUERY_SYSTEM_TABLES_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/query/query_context.h"

namespace tally::engine::sql {

inline constexpr char kSystemDatabase[] = "system";

// The rows of system.<table> for a statement running with `ctx` (its database and
// settings); NotFound naming the tables there are for any other name.
absl::StatusOr<Block> SystemTable(const QueryContext& ctx, const std::string& table);

// The tables clients read to learn what the server has (system_catalog_tables.cc).
// `settings` null: the defaults. At `readonly` 1 every setting shows readonly (none may
// change), as ClickHouse shows them to a readonly user; clients read that column.
Block SystemSettings(const Settings* settings, int readonly = 0);
Block SystemColumns(const QueryContext& ctx);
Block SystemFunctions();
Block SystemFormats();

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SYSTEM_TABLES_H_
