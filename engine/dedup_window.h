// Insert deduplication (docs/rollups.md): the tokens of a table's latest inserts, and the
// hash that makes a token of an insert's blocks when the user gave none.
//
// A token is 16 bytes (XXH3-128): of the user's insert_deduplication_token, or of the
// blocks as given to the insert (column names, types and values; LowCardinality columns by
// their strings, so two encodings of the same rows hash alike). Each committed insert's
// token goes into the manifest in the insert's own edit; a table keeps the newest
// `count` of them younger than `age_s` (its settings), and an insert whose token is among
// them is a retry: acknowledged, stored nowhere.
//
// Not synchronized: the Database guards each table's window with its mutex.
#ifndef TALLY_ENGINE_DEDUP_WINDOW_H_
#define TALLY_ENGINE_DEDUP_WINDOW_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "engine/block.h"
#include "format/table_schema.h"

namespace tally::engine {

inline constexpr char kDedupWindowSetting[] = "non_replicated_deduplication_window";
inline constexpr char kDedupWindowSecondsSetting[] = "non_replicated_deduplication_window_seconds";

struct DedupSettings {
  uint64_t count = 100;            // inserts remembered; 0: deduplication off
  uint64_t age_s = 7 * 24 * 3600;  // and for at most this long
};

// The table's settings (defaults for those it leaves out); InvalidArgument for a value
// that is not a whole number (the window's age at least 1).
absl::StatusOr<DedupSettings> ParseDedupSettings(const format::TableSchema& schema);

// Hashes the blocks of one insert, in order, into its token.
class InsertTokenHasher {
 public:
  InsertTokenHasher();
  ~InsertTokenHasher();
  InsertTokenHasher(const InsertTokenHasher&) = delete;
  InsertTokenHasher& operator=(const InsertTokenHasher&) = delete;
  void Add(const Block& block);
  std::string Token() const;  // 16 bytes

 private:
  void* state_;  // XXH3_state_t
};

// The token of a user's insert_deduplication_token.
std::string UserInsertToken(const std::string& token);

class DedupWindow {
 public:
  // Whether `token` is in the window as of `now_us`.
  bool Contains(const std::string& token, uint64_t now_us, const DedupSettings& settings) const;
  // Records a committed insert's token, then forgets what falls out of the window.
  void Add(std::string token, uint64_t time_us, const DedupSettings& settings);
  // Oldest first, as a snapshot records them.
  const std::deque<std::pair<std::string, uint64_t>>& entries() const { return entries_; }
  void Clear();

 private:
  std::deque<std::pair<std::string, uint64_t>> entries_;
  absl::flat_hash_map<std::string, uint32_t> counts_;  // token -> entries holding it
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_DEDUP_WINDOW_H_
