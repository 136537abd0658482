// PartitionKey: evaluates a table's PARTITION BY expression to split an insert into one
// group of rows per partition.
//
// Supported until the SQL expression engine arrives: no expression or tuple() (one
// partition, "all"), a column, and toYYYYMM / toYYYYMMDD / toDate of a Date, DateTime or
// DateTime64 column (UTC). Anything else is InvalidArgument at CREATE TABLE.
//
// Immutable after Parse; thread-safe.
#ifndef TALLY_ENGINE_PARTITION_H_
#define TALLY_ENGINE_PARTITION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "format/table_schema.h"
#include "format/value.h"

namespace tally::engine {

struct PartitionGroup {
  std::string id;                          // directory-safe: "202610", "all", hex hash
  std::vector<format::Value> value;        // the expression's value
  std::vector<uint32_t> rows;              // rows of the block, in block order
};

class PartitionKey {
 public:
  static absl::StatusOr<PartitionKey> Parse(absl::string_view expr, const format::TableSchema& schema);

  // Groups the rows of `block` (its columns in schema order) by partition.
  std::vector<PartitionGroup> Split(const Block& block) const;

  // The source column, or -1 when unpartitioned.
  int column() const { return column_; }

 private:
  enum class Fn { kNone, kIdentity, kToYYYYMM, kToYYYYMMDD, kToDate };
  Fn fn_ = Fn::kNone;
  int column_ = -1;
  format::DataTypePtr type_;
};

// Days since 1970-01-01 of the UTC day holding a Date/DateTime/DateTime64 value.
int64_t DayNumber(const format::DataType& type, const format::Column& column, size_t row);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PARTITION_H_
