// PartitionKey: a table's PARTITION BY expression, parsed and bound once, evaluated over
// each inserted block to split it into one group of rows per partition.
//
// The key is any deterministic expression of the table's columns, or a tuple of them
// (`tuple(tenant, toYYYYMM(time))`, `(a, b)`), bound with the SQL front end and evaluated
// with engine/exec. No expression or tuple() is one partition, "all". CREATE TABLE rejects,
// in ClickHouse's words, aggregates, arrayJoin, non-deterministic functions (now()), a
// constant, a Nullable or floating-point result, and unknown columns.
//
// Partition ids (directory names of parts, system.parts.partition_id):
//   one value (tally's ids, which parts on disk already carry):
//     Date                     YYYYMMDD
//     integer, Bool, DateTime, DateTime64   the number; a negative one is m<magnitude>
//     String, LowCardinality   16 hex digits of XXH3 (format::Checksum) of the bytes
//     UUID                     as for a tuple below (ClickHouse's id)
//   two values or more (ClickHouse's rule):
//     all integers, Bool, Date or DateTime   the numbers joined by '-', a Date as YYYYMMDD
//     otherwise                32 hex digits of ClickHouse's sipHash128 over each value as
//                              its FieldVisitorHash feeds it (a type byte, then the value)
//
// Immutable after Parse; Split is thread-safe.
#ifndef TALLY_ENGINE_PARTITION_H_
#define TALLY_ENGINE_PARTITION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/exec/expression.h"
#include "engine/sql/ast.h"
#include "format/table_schema.h"
#include "format/value.h"

namespace tally::engine {

struct PartitionGroup {
  std::string id;                          // directory-safe: "202610", "all", hex hash
  std::vector<format::Value> value;        // the expression's value (one per tuple element)
  std::vector<uint32_t> rows;              // rows of the block, in block order
};

class PartitionKey {
 public:
  // InvalidArgument naming `expr` when the schema cannot be partitioned by it.
  static absl::StatusOr<PartitionKey> Parse(absl::string_view expr, const format::TableSchema& schema);

  // Groups the rows of `block` (its columns in schema order) by partition. Fails only when
  // evaluating the key fails on a row (intDiv by zero).
  absl::StatusOr<std::vector<PartitionGroup>> Split(const Block& block) const;

  // The id of the partition that `value` names (ALTER TABLE ... PARTITION value): one
  // constant per element of the key (a tuple for several; tuple() for none), each
  // converted exactly to its element's type, as 202610 names toYYYYMM(time)'s partition
  // and '2026-10-05' toDate(time)'s. InvalidArgument saying what does not fit.
  absl::StatusOr<std::string> IdOfValue(const sql::Expr& value) const;

  // The partition's value as system.parts.partition shows it, as ClickHouse does: one
  // value as plain text ("202610", "2026-10-01", "acme"), several as a tuple of quoted
  // values ("('acme',202610)"), no key "tuple()". `value` comes from a part's metadata;
  // a value that does not fit the key's type prints as "?" (a part of another layout).
  std::string ValueText(const std::vector<format::Value>& value) const;

 private:
  std::string text_;                             // as written, for errors
  std::vector<exec::ExpressionPtr> elements_;    // empty: unpartitioned
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PARTITION_H_
