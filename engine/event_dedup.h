// Event deduplication (docs/rollups.md): a table whose settings name key columns drops
// every inserted row whose key it has seen within a window of event time, before the
// table or any of its views sees the row. OpenMeter deduplicates on (source, id) this way,
// in Redis beside ClickHouse; here it is part of the insert's commit.
//
//   SETTINGS deduplicate_by = 'source, id', deduplicate_time = 'time',
//            deduplicate_window_s = 86400
//
// A key is a 128-bit hash (XXH3) of the row's key values; the table keeps, in memory, the
// keys of rows whose event time is within `window_s` of the newest event time it has
// seen, each with its time: 46 to 69 bytes per key as the hash table fills
// (benchmarks/event_dedup_bench.cc; docs/rollups.md). An event older than that window is stored, whatever its key: the table no
// longer knows. Opening rebuilds the keys from the parts whose newest event is inside the
// window. Two different keys with the same hash (odds about n^2 / 2^129 for n keys) would
// drop an event; at a billion keys in the window that is about 10^-21.
//
// Not synchronized: the Database guards each table's keys with its mutex.
#ifndef TALLY_ENGINE_EVENT_DEDUP_H_
#define TALLY_ENGINE_EVENT_DEDUP_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "engine/block.h"
#include "format/table_schema.h"

namespace tally::engine {

inline constexpr char kDeduplicateBySetting[] = "deduplicate_by";
inline constexpr char kDeduplicateTimeSetting[] = "deduplicate_time";
inline constexpr char kDeduplicateWindowSetting[] = "deduplicate_window_s";

struct EventDedupSpec {
  std::vector<std::string> key_columns;  // empty: no event deduplication
  std::string time_column;
  int64_t window_s = 86400;
  bool enabled() const { return !key_columns.empty(); }
};

// The table's settings. InvalidArgument when a named column is missing, the time column is
// not a Date, DateTime or DateTime64, the window is not a positive whole number of
// seconds, or deduplicate_time / deduplicate_window_s come without deduplicate_by.
absl::StatusOr<EventDedupSpec> ParseEventDedup(const format::TableSchema& schema);

using EventKey = absl::uint128;

// Each row's key and event time (seconds) in `block` (every schema column, schema order).
std::vector<std::pair<EventKey, int64_t>> EventKeysOf(const Block& block, const format::TableSchema& schema,
                                                      const EventDedupSpec& spec);

class EventKeys {
 public:
  // Whether an event with `key` at `time_s` repeats one seen within the window.
  bool Seen(EventKey key, int64_t time_s, int64_t window_s) const;
  // Records an event; forgets keys fallen out of the window now and then (amortized).
  void Add(EventKey key, int64_t time_s, int64_t window_s);
  void Clear();
  size_t size() const { return keys_.size(); }
  // Bytes the keys take: the hash table's slots and control bytes.
  size_t memory_bytes() const { return keys_.capacity() * (sizeof(std::pair<EventKey, int64_t>) + 1); }
  int64_t newest_s() const { return newest_s_; }

 private:
  absl::flat_hash_map<EventKey, int64_t> keys_;  // key -> its newest event time
  int64_t newest_s_ = INT64_MIN;
  size_t pruned_at_size_ = 1024;  // prune again once the map doubles past this
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EVENT_DEDUP_H_
