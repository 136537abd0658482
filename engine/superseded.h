// Superseded rows: how a ReplacingMergeTree table answers FINAL without merging.
//
// A row of a Replacing table is superseded when another live row of its partition has
// the same sorting key and wins under the table's rule (higher version, or the same
// version inserted later). Every commit that adds a part to such a table compares the
// new part's keys with the other parts of its partition (only granules whose key ranges
// overlap are read) and records, in the same manifest edit, the rows on either side that
// lose: per part, a set of row numbers (format::RowRuns; manifest op kind 8). A part that
// has gone through this comparison is *tracked*.
//
// Two facts follow, and everything else rests on them:
//  - Soundness: a recorded row loses to a row that is still live. The winner of a key can
//    only lose to a newer winner, and merges carry every row that is not superseded into
//    their output. So a merge may drop recorded rows, and FINAL may skip them.
//  - Completeness: when every part of a partition is tracked, every pair of its parts
//    has been compared (the later one at its commit against the earlier; a merged part at
//    its commit against parts committed while it was written), so the rows not recorded
//    are exactly the winners, one per key. FINAL then reads the partition as a plain scan
//    that skips recorded rows (and, with is_deleted, winners marked deleted): no key
//    columns, no merge.
// Whatever makes a live row disappear other than a merge (a part set aside by recovery)
// clears the records of its partition; a part added without the comparison (ATTACH PART)
// is untracked, and FINAL merges its partition as before until a merge of all its parts
// produces a tracked part again.
//
// Stateless; thread-safe.
#ifndef TALLY_ENGINE_SUPERSEDED_H_
#define TALLY_ENGINE_SUPERSEDED_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/merge_rules/engine_spec.h"
#include "engine/part.h"
#include "format/row_runs.h"
#include "format/table_schema.h"

namespace tally::engine {

// A tracked part's superseded rows; null for an untracked part.
using SupersededPtr = std::shared_ptr<const format::RowRuns>;

// Whether the table's engine records superseded rows (ReplacingMergeTree).
bool TracksSuperseded(const EngineSpec& spec);

// Compares the keys of `fresh` with those of `others` (parts of its partition) under the
// table's Replacing rule, and returns, for each of others (same order) and then for
// fresh, the rows found to lose to a row of another of these parts. Parts are ordered by
// their first block for "the last inserted wins" ties. `other_skips` (empty, or one per
// part of others, null for none) holds rows already recorded as superseded: they take no
// part. A merged part spans the blocks of its inputs, so between it and a part inserted
// meanwhile the block order of two rows can differ from what it was when the recorded
// row lost; leaving recorded rows out keeps two rows from each being recorded as losing
// to the other.
absl::StatusOr<std::vector<format::RowRuns>> FindSuperseded(const format::TableSchema& schema, const EngineSpec& spec,
                                                            const PartPtr& fresh, const std::vector<PartPtr>& others,
                                                            const std::vector<SupersededPtr>& other_skips = {});

// The rows of [begin_row, end_row) that `skip` leaves: true (and *kept left empty) when
// it skips none of them; else false with *kept holding the rows left, counted from
// begin_row (empty when it skips them all).
bool KeptRows(const format::RowRuns& skip, uint64_t begin_row, uint64_t end_row, std::vector<uint32_t>* kept);

// Whether `skip` holds none of the rows [begin_row, end_row).
bool SkipsNone(const format::RowRuns& skip, uint64_t begin_row, uint64_t end_row);

// Clears mask[i] for the rows i of [begin_row, begin_row + mask size) that `skip` holds.
void ClearSkipped(const format::RowRuns& skip, uint64_t begin_row, uint8_t* mask, size_t rows);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SUPERSEDED_H_
