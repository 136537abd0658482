// Aggregator: hash aggregation for one GROUP BY (or none). Blocks go in with Add; Finish
// returns one row per group: the key columns (with their own types, LowCardinality kept)
// then one column per aggregate. Without keys there is exactly one group, even over no
// rows (SELECT count() FROM empty returns 0).
//
// Each group's aggregate states sit side by side in one block of an Arena; the key decides
// how a row finds its block (the method is chosen once from the key types):
//
//   kNoKeys          one state block, fed with AddBatchSinglePlace
//   kDirect          one key of 1 or 2 bytes (UInt8, Int16, Date, Bool...): an array indexed
//                    by the value
//   kFixed           one key of 4 or 8 bytes, or several non-nullable fixed-width keys that
//                    add up to 8 bytes, packed: hash map uint64 -> group
//   kLowCardinality  one LowCardinality key: dictionary index -> group, one mapping per
//                    dictionary (blocks of one part share theirs), resolved through the
//                    dictionary strings so different dictionaries agree
//   kString          one String key: hash map of the key bytes (copied into the arena)
//   kPacked          several keys, some LowCardinality, the rest non-nullable fixed-width,
//                    whose codes fit 128 bits together: each LowCardinality key becomes a
//                    32-bit code (a per-query number for each distinct string, found once
//                    per dictionary entry), packed with the others: hash map uint128 ->
//                    group (GROUP BY tenant, metric, region, toStartOfMonth(time))
//   kSerialized      anything else: the keys' prefix-free encoding (SerializeRow), hashed
//
// A single Nullable key gives NULL its own group. Rows with equal consecutive keys reuse
// the previous group without a look-up (sorted input is common).
//
// Not thread-safe: one Aggregator per thread, combined at the end with MergeFrom. The
// aggregate functions are shared and immutable.
#ifndef TALLY_ENGINE_EXEC_AGGREGATOR_H_
#define TALLY_ENGINE_EXEC_AGGREGATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/arena.h"
#include "engine/exec/function.h"
#include "engine/exec/query_limits.h"
#include "format/column.h"

namespace tally::engine::exec {

class Aggregator {
 public:
  enum class Method { kNoKeys, kDirect, kFixed, kLowCardinality, kString, kPacked, kSerialized };

  Aggregator(std::vector<format::DataTypePtr> key_types,
             std::vector<std::shared_ptr<const AggregateFunction>> aggregates);
  ~Aggregator();
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  // Adds rows [0, rows): keys[k] is key column k (of key_types[k]); agg_args[a] are the
  // arguments of aggregate a. InvalidArgument when counts, types or row counts disagree.
  absl::Status Add(absl::Span<const ColumnArg> keys,
                   absl::Span<const std::vector<ColumnArg>> agg_args, size_t rows);

  // Called every kRowsPerCheck groups of a long Finish or MergeFrom; its error stops them
  // (a query's time and memory limits).
  using Check = std::function<absl::Status()>;

  // The key columns then one column per aggregate (its result_type()), one row per group
  // in order of first appearance. Frees the states (unless `keep_states`: then Totals may
  // still read them; the destructor frees them); the aggregator is spent afterwards, also
  // when `check` stopped it.
  absl::StatusOr<std::vector<format::Column>> Finish(const Check& check = nullptr, bool keep_states = false);

  // WITH TOTALS: each aggregate's states of `groups` (row numbers of Finish's result)
  // merged, in that order, into one state and finalized: one column per aggregate, one row.
  // No groups give the aggregates of no rows. REQUIRES: Finish(..., keep_states = true).
  absl::StatusOr<std::vector<format::Column>> Totals(absl::Span<const uint32_t> groups, const Check& check = nullptr);

  // Folds `other`'s groups into this one (states merged with AggregateFunction::Merge), for
  // aggregating on several threads and combining at the end. `other` keeps its states and
  // is destroyed as usual. When `check` fails, this holds part of other's groups: discard
  // it. REQUIRES: the same key types and aggregates; neither finished.
  absl::Status MergeFrom(const Aggregator& other, const Check& check = nullptr);

  size_t groups() const { return groups_.size(); }
  Method method() const { return method_; }

  // Bytes held: arena, hash tables, key columns and what the states hold on the heap
  // (uniqExact sets, quantile buffers...). Cheap enough to call after every block: the heap
  // part costs a pass over all states, so it is refreshed only once at least as many rows
  // were added as there are groups (at most one HeapBytes call per row and aggregate);
  // in between it lags by what those rows added.
  size_t MemoryBytes() const;
  // Bytes that adding `rows` more rows (or groups) may allocate at once on top of
  // MemoryBytes(): hash tables and vectors about to double, whose old and new storage
  // briefly coexist. A memory check that adds this stops before the step that would not fit.
  size_t GrowthBytes(size_t rows) const;

 private:
  // A LowCardinality key's dictionary and the group of each of its entries (null = not
  // yet looked up). Holding the dictionary keeps its address from being reused.
  struct DictionaryGroups {
    std::shared_ptr<const format::Column> dictionary;
    std::vector<uint8_t*> places;
  };

  uint8_t* NewGroup(absl::Span<const ColumnArg> keys, size_t row);
  // Fills places_[0, rows) with each row's group, creating groups as needed.
  void FindPlaces(absl::Span<const ColumnArg> keys, size_t rows);
  void PlacesDirect(absl::Span<const ColumnArg> keys, size_t rows);
  template <typename T>
  void PlacesFixedSingle(absl::Span<const ColumnArg> keys, size_t rows);
  void PlacesFixedPacked(absl::Span<const ColumnArg> keys, size_t rows);
  void PlacesLowCardinality(absl::Span<const ColumnArg> keys, size_t rows);
  void PlacesString(absl::Span<const ColumnArg> keys, size_t rows);
  void PlacesSerialized(absl::Span<const ColumnArg> keys, size_t rows);
  void PlacesPacked(absl::Span<const ColumnArg> keys, size_t rows);
  template <typename Key, typename Map>
  void PlacesPackedAs(absl::Span<const ColumnArg> keys, size_t rows, std::vector<Key>* packed_keys, Map* groups);
  // kPacked: the code of each entry of `c`'s dictionary for LowCardinality key k.
  const std::vector<uint32_t>& CodesFor(size_t k, const format::Column& c);
  uint8_t* FindOrAddFixed(uint64_t key, absl::Span<const ColumnArg> keys, size_t row);
  uint8_t* FindOrAddBytes(absl::string_view key, absl::Span<const ColumnArg> keys, size_t row);
  uint8_t* NullGroup(absl::Span<const ColumnArg> keys, size_t row);
  DictionaryGroups& GroupsFor(const std::shared_ptr<const format::Column>& dictionary);
  absl::Status Validate(absl::Span<const ColumnArg> keys,
                        absl::Span<const std::vector<ColumnArg>> agg_args, size_t rows) const;
  void DestroyStates();

  std::vector<format::DataTypePtr> key_types_;
  std::vector<std::shared_ptr<const AggregateFunction>> aggregates_;
  std::vector<size_t> offsets_;  // of each aggregate's state in a group's block
  size_t block_bytes_ = 0;
  size_t block_align_ = 8;
  Method method_ = Method::kNoKeys;
  bool finished_ = false;
  bool states_freed_ = false;

  Arena arena_;
  std::vector<uint8_t*> groups_;             // each group's state block, in creation order
  std::vector<format::Column> key_columns_;  // one row per group
  std::vector<uint8_t*> places_;             // per row of the current block

  uint8_t* null_group_ = nullptr;  // a single Nullable key's NULL
  std::vector<uint8_t*> direct_;   // kDirect: by key value
  absl::flat_hash_map<uint64_t, uint8_t*> fixed_;
  // XXH3, inlined: the library hash of absl is a call into a shared object per row.
  struct BytesHash {
    size_t operator()(absl::string_view key) const;
  };
  absl::flat_hash_map<absl::string_view, uint8_t*, BytesHash> bytes_;  // kString, kSerialized, kLowCardinality
  // kString: a direct-mapped cache in front of bytes_. Low-distinct string keys (paths,
  // hosts) then cost a cheap hash of their ends and one compare instead of XXH3 over the
  // whole key and a table probe. Keys point into the arena, so they stay valid.
  struct StringSlot {
    absl::string_view key;
    uint8_t* place = nullptr;
  };
  static constexpr size_t kStringCacheSlots = 1024;
  std::vector<StringSlot> string_cache_;
  std::vector<DictionaryGroups> dictionaries_;              // kLowCardinality, most recent last
  std::string key_buffer_;                                  // kSerialized
  // kPacked, per key: the codes given to strings so far (LowCardinality keys), and the
  // codes of recent dictionaries' entries (0 = not looked up yet).
  struct KeyCodes {
    absl::flat_hash_map<std::string, uint32_t> by_string;
    std::vector<std::pair<std::shared_ptr<const format::Column>, std::vector<uint32_t>>> dictionaries;
  };
  std::vector<KeyCodes> key_codes_;
  // kPacked: each row's packed key, in 64 bits when the keys fit (hashing a 64-bit key is
  // cheaper), else 128; groups by packed key (64-bit ones in fixed_).
  size_t packed_bytes_ = 0;
  std::vector<uint64_t> packed64_;
  std::vector<absl::uint128> packed128_;
  absl::flat_hash_map<absl::uint128, uint8_t*> packed_groups_;

  mutable size_t heap_bytes_ = 0;  // of all states, at the last refresh
  mutable size_t rows_since_heap_scan_ = 0;
};

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_AGGREGATOR_H_
