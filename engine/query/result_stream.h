// ResultStream: a SELECT's result handed out block by block, as DuckDB's StreamQueryResult
// does: the names and types up front, then Next() until it says the rows are done, then
// the totals row (WITH TOTALS) and the scan statistics. The caller pulls; between two
// pulls it may stop (destroy the stream) or cancel through the query's limits
// (QueryContext::limits, Session::Cancel), which Next() checks.
//
// A plain SELECT streams for real (engine/query/plain_select_stream.h): its rows are
// produced while the caller writes the earlier ones, and only a bounded window of blocks
// is held. Every other shape (aggregation, ORDER BY, DISTINCT, LIMIT BY, UNION ALL, the
// statements that answer with a few rows) is computed whole first and handed out in
// slices (ResultSetStream), so that the caller still formats and flushes it a block at a
// time.
//
// Not thread-safe: one caller pulls. A stream holds no lock between calls; destroying it
// stops whatever it runs (threads are joined before the destructor returns). A stream
// from ExecuteSelectStream may refer to the QueryContext it ran with and to its query,
// which must outlive it.
#ifndef TALLY_ENGINE_QUERY_RESULT_STREAM_H_
#define TALLY_ENGINE_QUERY_RESULT_STREAM_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/query/query_context.h"
#include "engine/scan.h"
#include "format/types.h"

namespace tally::engine::sql {

class ResultStream {
 public:
  virtual ~ResultStream() = default;

  const std::vector<std::string>& names() const { return names_; }
  const std::vector<format::DataTypePtr>& types() const { return types_; }

  // The next block of rows (never an empty one; its columns are names() in order), or
  // std::nullopt once every row was handed out. An error ends the stream: later calls
  // return it again and hand out nothing more.
  virtual absl::StatusOr<std::optional<Block>> Next() = 0;

  // GROUP BY ... WITH TOTALS's row (or a subquery's passed on), when there is one. Valid
  // from the start, written after the rows.
  const std::optional<Block>& totals() const { return totals_; }
  // What the scan read. Complete once Next() returned std::nullopt.
  virtual ScanStats stats() const { return stats_; }

 protected:
  std::vector<std::string> names_;
  std::vector<format::DataTypePtr> types_;
  std::optional<Block> totals_;
  ScanStats stats_;
};

// Rows a block handed out by a stream holds at most (a scan's own blocks hold up to this
// many; a materialized result is cut into slices of it).
inline constexpr size_t kStreamBlockRows = 65536;

// A result computed whole, handed out in slices of at most `block_rows` rows (the whole
// block at once when it is no larger). The slices are copies, made one at a time, so the
// caller formats and flushes a slice before the next exists.
class ResultSetStream final : public ResultStream {
 public:
  // Takes the result.
  ResultSetStream(ResultSet result, ScanStats stats, size_t block_rows = kStreamBlockRows);
  // Lends it: `result` must outlive the stream.
  ResultSetStream(const ResultSet* result, ScanStats stats, size_t block_rows = kStreamBlockRows);

  absl::StatusOr<std::optional<Block>> Next() override;

 private:
  void Init(ScanStats stats);

  std::optional<ResultSet> owned_;
  const ResultSet* result_;
  size_t block_rows_;
  size_t next_row_ = 0;
};

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_RESULT_STREAM_H_
