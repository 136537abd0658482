// DDL: CREATE TABLE statements to table schemas and back.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_SQL_DDL_H_
#define TALLY_ENGINE_SQL_DDL_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/sql/ast.h"
#include "format/table_schema.h"

namespace tally::engine::sql {

// What CREATE TABLE says, as a schema. Parts that tally parses but does not implement yet
// (other engines, TTL, skip indexes, MATERIALIZED/ALIAS columns, expression sorting keys) are
// Unimplemented errors naming the clause, never silently ignored.
absl::StatusOr<format::TableSchema> SchemaFromCreate(const CreateTableQuery& create);

// The CREATE TABLE statement that recreates `schema`, as ClickHouse's SHOW CREATE TABLE
// prints it; tally runs it back to the same schema.
std::string CreateTableStatement(const std::string& name, const format::TableSchema& schema);
// The ENGINE clause as ClickHouse prints it: "ReplacingMergeTree(ver)", "`Null`".
std::string EngineClause(const format::TableSchema& schema);

// Expression text (a DEFAULT, a column TTL) as ClickHouse prints it: 'x', d + toIntervalDay(1).
std::string ExpressionAsClickHouse(const std::string& text);

// A column's declared codecs as ClickHouse prints them (SHOW CREATE TABLE, DESCRIBE's
// codec_expression): widths filled in from the type ("Delta(4), ZSTD(1)"), DoubleDelta
// without one, None as NONE.
std::string CodecsAsClickHouse(const format::CodecChain& codecs, const format::DataType& type);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_DDL_H_
