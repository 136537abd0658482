// Scans: reading a table's rows through a snapshot of its parts, pruning before reading.
//
// Pruning order: part min/max statistics, then the sparse primary index (a range on a
// sorting-key column, narrowed column by column while the granule's first and next keys
// agree on the columns before it), then the skip indexes (engine/skip_index_probe.h). Then,
// per chunk of surviving granules, the range columns are read first and the other columns
// only when some row matches.
//
// A ScanCursor holds its parts alive (snapshot isolation against inserts and drops) and
// is used by one thread. Split() makes sibling cursors, one per further thread, that take
// work from the same plan: runs of neighbouring chunks (so a compressed column block is
// rarely decoded by two threads) handed out through an atomic counter.
#ifndef TALLY_ENGINE_SCAN_H_
#define TALLY_ENGINE_SCAN_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "format/pod_vector.h"
#include "engine/final_scan.h"
#include "engine/merge_rules/engine_spec.h"
#include "engine/part.h"
#include "engine/progress.h"
#include "engine/range_filter.h"
#include "engine/skip_index_probe.h"
#include "engine/skip_indexes.h"
#include "engine/superseded.h"
#include "engine/ttl.h"
#include "format/table_schema.h"

namespace tally::engine {

struct ScanOptions {
  std::vector<std::string> columns;  // empty: every column
  std::vector<ColumnRange> ranges;   // all must hold (AND)
  uint64_t max_block_rows = 65536;   // output blocks hold whole granules, at most this many rows
                                     // unless one granule is larger
  // false: the ranges only prune parts and granules, and every row of a surviving granule
  // is returned (the caller filters, e.g. with the query's full WHERE).
  bool filter_rows = true;
  // A row filter run before the other columns are read (PREWHERE): it gets a block of
  // `filter_columns` (in that order) for the chunk's rows and clears mask[i] for rows that
  // fail. The other columns are read only for chunks with a surviving row. May be called
  // from several threads at once (one per split cursor).
  std::vector<std::string> filter_columns;
  std::function<absl::Status(const Block& block, format::PodVector<uint8_t>* mask)> row_filter;
  // Rows a thread takes at a time after Split, at most: long enough that a thread decodes
  // whole column blocks, short enough that threads finish close together. A scan is cut
  // into at least 16 tasks when it has that many chunks, whatever this says.
  uint64_t task_rows = uint64_t{1} << 20;
  // Conditions on indexed expressions (engine/skip_index_probe.h): they only skip granules
  // by the table's skip indexes, as `ranges` on indexed columns do; rows are not filtered
  // by them. Not used by FINAL.
  std::vector<SkipIndexCondition> skip_conditions;
  // SELECT ... FINAL: the rows a merge of every part would leave (engine/final_scan.h).
  // Only ranges on sorting key columns prune; the others, and row_filter, apply to the
  // collapsed rows.
  bool final = false;
  // The statement's counters (engine/progress.h), or null: the rows the scan plans to read
  // are added to total_rows_to_read when it is made, and each chunk's rows and decoded
  // bytes to read_rows/read_bytes as it is read. Shared by Split cursors.
  QueryProgress* progress = nullptr;
};

struct ScanStats {
  uint64_t parts_total = 0;
  uint64_t parts_selected = 0;  // after min/max pruning
  uint64_t parts_expired = 0;   // skipped whole: every row past the table's TTL
  uint64_t granules_expired = 0;  // theirs
  uint64_t granules_total = 0;  // in all parts
  uint64_t granules_in_selected_parts = 0;  // in the parts min/max pruning left
  uint64_t granules_selected = 0;  // after primary-index pruning
  uint64_t parts_after_key = 0;    // with a granule left by the primary index
  uint64_t rows_read = 0;
  uint64_t rows_returned = 0;
  // FINAL answered as a plain scan that skips superseded rows (engine/superseded.h)
  // rather than by merging parts.
  bool final_skips_superseded = false;
  // Each skip index a condition reached, in the order they ran (from granules_selected).
  std::vector<SkipIndexStats> skip_indexes;
};

class ScanCursor {
 public:
  // Validates the options against the schema (unknown columns are NotFound).
  // `engine`: the table's engine, which FINAL needs (MergeTree when null). `superseded`:
  // each part's superseded rows (engine/superseded.h), or empty. FINAL on a table whose
  // parts are all tracked is a plain scan that skips them; otherwise it merges. `ttl`: the
  // table's TTL and the time of the scan; no expired row is returned (FINAL: no expired
  // row of those the merge leaves).
  static absl::StatusOr<std::unique_ptr<ScanCursor>> Make(const format::TableSchema& schema,
                                                          std::vector<PartPtr> parts, ScanOptions options,
                                                          const EngineSpec* engine = nullptr,
                                                          std::vector<SupersededPtr> superseded = {},
                                                          TtlAt ttl = {});

  // Fills *out with the next non-empty block; false when the scan is done.
  absl::StatusOr<bool> Next(Block* out);
  // The position of the block last returned in the scan's order (parts in order, granules
  // in order): blocks from sibling cursors sorted by it come out as one cursor gives them.
  uint64_t last_sequence() const { return last_chunk_; }

  // `n` - 1 sibling cursors sharing this cursor's plan. Call before the first Next; each
  // cursor, this one included, then goes to its own thread. Sibling stats count only the
  // rows they read (parts and granules are counted by this cursor).
  std::vector<std::unique_ptr<ScanCursor>> Split(size_t n);

  // Called with the sequence of each chunk (FINAL: each task) this cursor takes, before it
  // reads it: every block it returns from then on has a sequence at least that, even when
  // the filter leaves no row of the chunk and nothing is returned for it. A streamed result
  // puts blocks back in order by it (engine/query/reorder_window.h). Returning false ends
  // the scan (Next returns false), so a consumer that stops stops the scan between chunks.
  // Set before the first Next; not copied by Split.
  using ClaimListener = std::function<bool(uint64_t sequence)>;
  void set_claim_listener(ClaimListener listener) { claim_listener_ = std::move(listener); }

  const ScanStats& stats() const { return stats_; }

 private:
  struct Chunk {
    size_t part;
    uint64_t granule_begin, granule_end;
  };
  // The chunks, and runs of them (tasks) that one cursor takes at a time.
  struct SharedPlan {
    std::vector<FinalTask> final_tasks;  // FINAL: one task per entry, no chunks
    std::vector<Chunk> chunks;
    std::vector<size_t> task_starts;  // first chunk of each task; ends with chunks.size()
    std::atomic<size_t> next_task{0};
  };
  ScanCursor() = default;
  void Plan();
  void PlanFinal();
  absl::StatusOr<bool> NextFinal(Block* out);
  // Applies the ranges (when filter_rows) and row_filter to `rows` (columns read_columns_)
  // and moves the output columns into *out; false when no row is left.
  absl::StatusOr<bool> FilterAndProject(Block rows, Block* out);
  // The next chunk this cursor reads; false when no work is left.
  bool NextChunk(size_t* chunk);
  absl::StatusOr<ColumnCursor*> Cursor(size_t part, size_t column);
  absl::Status ReadColumn(size_t part, size_t column, uint64_t g0, uint64_t g1, format::Column* out);
  absl::Status ReadColumnSelected(size_t part, size_t column, uint64_t g0, uint64_t g1,
                                  absl::Span<const uint32_t> selection, format::Column* out);
  // Adds `rows` and the bytes decoded since the last call to options_.progress.
  void ReportRead(uint64_t rows);

  format::TableSchema schema_;
  std::vector<PartPtr> parts_;
  ScanOptions options_;
  std::vector<int> output_columns_;  // schema indexes
  std::vector<int> range_columns_;   // schema index of each range
  std::vector<int> filter_columns_;  // schema indexes of options_.filter_columns
  // FINAL over tracked parts: each part's superseded rows, skipped, and the is_deleted
  // column (-1: none), whose winners marked 1 are skipped too.
  std::vector<SupersededPtr> superseded_;
  int is_deleted_column_ = -1;
  std::vector<BoundSkipIndex> skip_indexes_;  // the table's (engine/skip_indexes.h)
  // The table's TTL; per part, whether its rows are filtered by it (some may be expired).
  TtlAt ttl_;
  std::vector<uint8_t> ttl_filtered_;
  // FINAL: the engine, the columns read (schema indexes), the reader of this cursor's task.
  EngineSpec engine_;
  std::vector<int> read_columns_;
  std::unique_ptr<FinalReader> final_reader_;
  size_t final_task_ = 0;
  uint64_t final_block_ = 0;
  bool final_active_ = false;
  std::shared_ptr<SharedPlan> plan_;
  size_t task_next_ = 0, task_end_ = 0;  // chunks of the task in hand
  uint64_t last_chunk_ = 0;
  ClaimListener claim_listener_;
  // cursors_[part][column], created on first use.
  std::vector<std::vector<std::unique_ptr<ColumnCursor>>> cursors_;
  ScanStats stats_;
  uint64_t bytes_decoded_ = 0;  // by ReadColumn*, not yet reported
};

// Granules of `part` that can hold rows inside every range (by the primary index), as
// half-open [begin, end) runs.
std::vector<std::pair<uint64_t, uint64_t>> SelectGranules(const Part& part, const format::TableSchema& schema,
                                                          const std::vector<ColumnRange>& ranges);
// Whether the part's min/max statistics allow rows inside every range.
bool PartMayMatch(const Part& part, const std::vector<ColumnRange>& ranges);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SCAN_H_
