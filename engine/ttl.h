// TableTtl: a table's TTL, the rule by which its rows expire and go.
//
//   TTL expr [DELETE] [WHERE cond] [, expr [DELETE] [WHERE cond] ...]
//
// A row is expired at time `now` when for some element, expr (a Date, DateTime or
// DateTime64 of the row) taken as a DateTime is at or before now and cond, when given,
// holds (NULL is false). As in ClickHouse, a TTL value of exactly 0 (1970-01-01 00:00:00,
// a DateTime's default) never expires.
//
// Expired rows are gone for queries at once: scans skip parts wholly past the TTL and
// filter the rows of parts partly past it, whether or not the TTL job has run. The TTL job
// (Database::ApplyTtl) and every merge then remove them from disk.
//
// Part bounds: when an element's expr is a non-decreasing function of one Date or time
// column (time + INTERVAL 30 DAY, toDate(time), toStartOfDay(time) + INTERVAL 1 WEEK),
// the part's min/max statistics of that column bound the element's values over the part,
// so a part is known wholly expired or wholly live without reading a row. Otherwise the
// part's TTL columns are read.
//
// Immutable after Make; thread-safe.
#ifndef TALLY_ENGINE_TTL_H_
#define TALLY_ENGINE_TTL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/exec/expression.h"
#include "engine/part.h"
#include "format/table_schema.h"

namespace tally::engine {

// Table settings of the TTL job (ClickHouse's names).
inline constexpr char kTtlOnlyDropPartsSetting[] = "ttl_only_drop_parts";
inline constexpr char kMergeWithTtlTimeoutSetting[] = "merge_with_ttl_timeout";

struct TtlSettings {
  // Remove expired rows from disk only by dropping parts whose every row is expired, never
  // by rewriting a part (queries skip expired rows either way).
  bool only_drop_parts = false;
  // How often the TTL job looks at the table, in seconds (ClickHouse's default: 4 hours).
  int64_t check_interval_s = 4 * 3600;
};

// The schema's TTL settings; InvalidArgument for a value out of range.
absl::StatusOr<TtlSettings> ParseTtlSettings(const format::TableSchema& schema);

class TableTtl {
 public:
  // The schema's TTL bound to its columns; null when it has none. InvalidArgument naming
  // the element for an expression that is no Date or time, reads no column, is not
  // deterministic, or a WHERE that does not bind.
  static absl::StatusOr<std::shared_ptr<const TableTtl>> Make(const format::TableSchema& schema);

  enum class Expiry {
    kNone,  // no row is expired
    kSome,  // some rows may be: read them
    kAll,   // every row is
  };
  // What the part's statistics say at `now_s` (seconds since the epoch).
  Expiry PartExpiry(const Part& part, int64_t now_s) const;

  const TtlSettings& settings() const { return settings_; }

  // The schema indexes of the columns the TTL reads, ascending.
  const std::vector<int>& columns() const { return columns_; }

  // REQUIRES: block holds columns() in that order, `rows` rows. Clears mask[r] for each
  // expired row r; *expired (may be null) gets how many of the rows still set were.
  absl::Status ClearExpired(const Block& block, int64_t now_s, uint8_t* mask, uint64_t* expired = nullptr) const;

  // The part's expired rows, counted by reading its TTL columns.
  absl::StatusOr<uint64_t> CountExpired(const format::TableSchema& schema, const PartPtr& part,
                                        int64_t now_s) const;

 private:
  struct Element {
    exec::ExpressionPtr time;   // toDateTime(expr) over columns_
    exec::ExpressionPtr where;  // if(cond, 1, 0) over columns_; null: none
    // When expr is non-decreasing in one column: that column's schema index, and expr
    // bound over a block of that column alone. -1 otherwise.
    int bound_column = -1;
    std::string bound_name;
    format::DataTypePtr bound_type;
    exec::ExpressionPtr time_of_column;
  };
  TableTtl() = default;

  TtlSettings settings_;
  std::vector<int> columns_;
  std::vector<Element> elements_;
};

using TableTtlPtr = std::shared_ptr<const TableTtl>;

// A TTL and the time it is applied at, as a scan or a merge takes it.
struct TtlAt {
  TableTtlPtr ttl;  // null: none
  int64_t now_s = 0;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_TTL_H_
