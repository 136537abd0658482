// The streamed plain SELECT: a select list over a source with WHERE and LIMIT/OFFSET, no
// aggregation, ORDER BY, DISTINCT or LIMIT BY. Its rows go out in scan order as the scan
// threads make them, holding only a bounded window of blocks: a result of any size costs
// the memory of a few blocks.
//
// With one source (max_threads = 1, a LIMIT, a source that does not split: a subquery's
// rows, a system table) the caller's thread reads it in Next(), a block at a time. With
// several, one thread per source reads, filters and evaluates its blocks and hands them to
// a ReorderWindow (engine/query/reorder_window.h), from which Next() takes them back in
// scan order, exactly the order the materialized path gives (tests compare them).
//
// LIMIT and OFFSET are counted in Next(): once the LIMIT's rows are out the sources are
// stopped (a table scan between chunks), the threads joined, and nothing more is read.
//
// Memory: what counts against the query's budget (QueryLimits::Check) is the window and
// the block a thread is about to hand over, not the result: the window holds at most
// a quarter of the budget (and 64 MiB).
//
// Not thread-safe: one caller pulls (see result_stream.h); the stream's threads are its
// own and end before the destructor returns.
#ifndef TALLY_ENGINE_QUERY_PLAIN_SELECT_STREAM_H_
#define TALLY_ENGINE_QUERY_PLAIN_SELECT_STREAM_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/block.h"
#include "engine/exec/expression.h"
#include "engine/exec/query_limits.h"
#include "engine/query/query_context.h"
#include "engine/query/result_stream.h"
#include "engine/query/select_source.h"

namespace tally::engine::sql {

struct PlainSelect {
  std::vector<std::string> names;  // of the select list's items
  std::vector<exec::ExpressionPtr> outputs;  // bound over the source's columns
  std::unique_ptr<Source> source;
  size_t threads = 1;  // sources to split into (at least 1)
  // The WHERE the source did not apply (null when it filters itself, as a table scan does).
  exec::ExpressionPtr where;
  size_t slice_rows = kStreamBlockRows;  // rows evaluated at once (select.cc's SliceRows)
  uint64_t limit = UINT64_MAX;
  uint64_t offset = 0;
  std::optional<Block> totals;  // a subquery's totals row, passed on
  // Time, cancel and memory; `ctx` gets the scan's statistics when the rows are done, and
  // must outlive the stream.
  exec::QueryLimits limits;
  QueryContext* ctx = nullptr;
};

std::unique_ptr<ResultStream> StreamPlainSelect(PlainSelect select);

// A source's rows through WHERE and the select list, a block at a time: the pull form of
// the loop every SELECT runs on its source's blocks (select.cc's ForEachBlock). Checks the
// limits for every source block, before the filter, so a filter that drops everything
// still stops. Not thread-safe; one per source.
class PlainRowReader {
 public:
  // `source` must outlive the reader.
  PlainRowReader(Source* source, const PlainSelect& select);
  // The next block of output rows (never empty) and the sequence of the source block it
  // came from; false at the source's end.
  absl::StatusOr<bool> Next(Block* out, uint64_t* sequence);

 private:
  Source* source_;
  const std::vector<std::string> names_;
  const std::vector<exec::ExpressionPtr> outputs_;
  const exec::ExpressionPtr where_;
  const size_t slice_rows_;
  const exec::QueryLimits limits_;
  Block input_;                 // the source block being cut into slices
  const Block* lent_ = nullptr;  // or the block the source lends
  size_t input_rows_ = 0, next_row_ = 0;
  uint64_t sequence_ = 0;
};

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_PLAIN_SELECT_STREAM_H_
