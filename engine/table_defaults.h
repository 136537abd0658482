// TableDefaults: a table's DEFAULT expressions, parsed and bound once against the table's
// columns, which Database::Insert and InsertBatch::Add compute for every column a block
// leaves out (as ClickHouse does for any insert), so an embedder's insert stores what a SQL
// INSERT stores.
//
// Expressions run in dependency order: a DEFAULT may read another defaulted column, which
// is computed first; a column left out without a DEFAULT reads as its type's default. A
// non-deterministic expression (now()) is bound again at each insert, with the insert's
// time; the others are bound once. The result converts to the column's type; a value that
// does not convert fails the insert (nothing is written).
//
// The SQL session computes defaults itself before the core sees the block (with the
// session's time zone and query parameters, and per row for JSONEachRow rows that omit a
// field; engine/sql/defaults.h); the core then finds those columns present.
//
// Immutable after Make; Fill is thread-safe.
#ifndef TALLY_ENGINE_TABLE_DEFAULTS_H_
#define TALLY_ENGINE_TABLE_DEFAULTS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/block.h"
#include "engine/exec/expression.h"
#include "engine/sql/ast.h"
#include "format/table_schema.h"

namespace tally::engine {

class TableDefaults {
 public:
  // Never fails, so a table whose DEFAULTs an older build accepted still opens: status()
  // says what is wrong (CreateTable refuses such a schema), and Fill returns it when an
  // insert needs a default.
  static TableDefaults Make(const format::TableSchema& schema);

  const absl::Status& status() const { return status_; }
  bool empty() const { return order_.empty(); }

  // REQUIRES: `block` holds the schema's columns in schema order; given[i] says whether the
  // insert supplied column i (the others hold their type's default). Replaces each left-out
  // column that has a DEFAULT by its computed value.
  absl::Status Fill(const format::TableSchema& schema, const std::vector<bool>& given, Block* block) const;

 private:
  struct Entry {
    size_t column;               // index in the schema
    sql::ExprPtr parsed;
    exec::ExpressionPtr bound;   // null: non-deterministic, bound per insert
  };
  absl::Status status_;
  std::vector<Entry> order_;  // dependency order
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_TABLE_DEFAULTS_H_
