// Where a SELECT's rows come from: a table (scanned with pruning from the WHERE clause),
// a subquery, the numbers(N) table function, or one dummy row for SELECT without FROM.
//
// Single-threaded objects; Split() gives one source per thread.
//
// Below select.h: a FROM subquery runs through the SelectRunner its caller passes
// (ExecuteSelect), so this file never depends on SELECT execution by name.
#ifndef TALLY_ENGINE_QUERY_SELECT_SOURCE_H_
#define TALLY_ENGINE_QUERY_SELECT_SOURCE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/exec/constant_conversion.h"
#include "engine/range_filter.h"
#include "engine/scan.h"
#include "engine/sql/ast.h"
#include "engine/query/query_context.h"

namespace tally::engine::sql {

struct SourceCatalog {
  enum class Kind { kTable, kBlock, kNumbers };
  Kind kind = Kind::kBlock;
  std::string table;  // kTable: the Database's table name
  std::vector<std::string> names;
  std::vector<format::DataTypePtr> types;
  std::string cheapest_column;  // read when a query needs no column (count())
  Block block;                  // kBlock: the rows
  bool block_is_read = false;   // kBlock: a system table's rows or the dummy row, which count
                                // as read (QueryProgress); a subquery's were counted inside it
  const Block* lent = nullptr;  // kBlock: the rows, read in place (QueryContext::lent_block)
  std::optional<Block> totals;  // kBlock from a subquery WITH TOTALS: its totals row
  uint64_t numbers = 0;         // kNumbers: numbers(N)
  format::TableSchema schema;   // kTable
  bool final = false;           // kTable: FROM t FINAL
  // kTable: the session's row filter on the table (and on the view the query named), null
  // when none; whose it is, for errors (engine/query/row_filter.h).
  ExprPtr row_filter;
  std::string row_filter_owner;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual absl::StatusOr<bool> Next(Block* out) = 0;
  // A source over rows it does not own (a view's inserted block) lends them instead of
  // copying: after Next returned true, the rows are here (all of the block's columns,
  // whatever the source was opened to read) and *out is left empty. nullptr otherwise.
  virtual const Block* lent_block() const { return nullptr; }
  virtual ScanStats stats() const { return {}; }
  // Up to `n` - 1 further sources sharing this one's rows, one per extra thread; empty
  // when the source cannot be shared. Call before the first Next.
  virtual std::vector<std::unique_ptr<Source>> Split(size_t n) {
    (void)n;
    return {};
  }
  // Where the block last returned stands in the source's order: blocks of all the
  // sources of a Split, sorted by it, come in the order one source would give them.
  virtual uint64_t last_sequence() const { return 0; }
  // A source whose Split shares work as it goes (a table scan, numbers()) calls `listener`
  // with the sequence of each piece of work it takes, before reading it; false stops the
  // source (ScanCursor::set_claim_listener). Others never call it. Set before the first Next.
  virtual void set_claim_listener(ScanCursor::ClaimListener listener) { (void)listener; }
};

// A row filter a table scan applies before reading the other columns (see ScanOptions).
struct PushedFilter {
  std::vector<std::string> columns;
  std::function<absl::Status(const Block& block, format::PodVector<uint8_t>* mask)> row_filter;
};

// The query's row filter: WHERE, PREWHERE, or both joined by AND (the scan runs every
// filter before reading the other columns, so PREWHERE only names what it always does).
ExprPtr RowFilter(const SelectQuery& query);

// Resolves FROM; a subquery there runs with `run_select`.
absl::StatusOr<SourceCatalog> ResolveSource(const SelectQuery& query, QueryContext& ctx, const SelectRunner& run_select);

// Opens the source reading `columns`; a table source prunes with the ranges found in
// `where` and runs `pushed` (when set) on its rows; otherwise the caller applies `where`.
absl::StatusOr<std::unique_ptr<Source>> OpenSource(const SourceCatalog& catalog, const std::vector<std::string>& columns,
                                                   const ExprPtr& where, const PushedFilter& pushed, QueryContext& ctx);

// The one-row `constant` as a value of `type`'s domain (T for Nullable(T), a String for
// LowCardinality(String)), converted exactly as a comparison (`use`) converts it; nullopt
// when the conversion is not one pruning may rely on (then nothing is pruned by it).
std::optional<format::Value> ToColumnDomain(const format::Column& constant, const format::DataTypePtr& type,
                                            exec::ConstantUse use, const exec::FunctionContext& context);

// The conjuncts of `where` (its arguments of `and`, recursively), or `where` itself.
void Conjuncts(const ExprPtr& where, std::vector<ExprPtr>* out);

// Conjuncts of `where` of the form column <op> constant (and IN lists) on table columns.
std::vector<ColumnRange> ExtractRanges(const ExprPtr& where, const SourceCatalog& catalog, const QueryParams& params);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SELECT_SOURCE_H_
