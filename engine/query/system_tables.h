// System tables: the database's own state as read-only tables under the `system`
// database, as ClickHouse has them, built as a block when a query reads them.
//
//   system.parts      one row per active part: database, table, partition_id, name,
//                     active, rows, marks, bytes_on_disk, level, min_block_number,
//                     max_block_number
//   system.tables     database, name, engine, total_rows, total_bytes, parts
//   system.databases  name
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

namespace tally::engine::sql {

inline constexpr char kSystemDatabase[] = "system";

// The rows of system.<table>; NotFound naming the tables there are for any other name.
absl::StatusOr<Block> SystemTable(Database* db, const std::string& table);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SYSTEM_TABLES_H_
