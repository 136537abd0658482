// PartWriter: writes one part from rows already sorted by the sorting key and belonging
// to one partition, durably and atomically:
//
//   1. every file into <table>/tmp_insert_<part>/, each synced;
//   2. part.meta last (it lists every other file's size and XXH3), synced;
//   3. the temporary directory synced, renamed to <table>/<part>, the table dir synced.
//
// The part is not visible to readers until the caller records it in the manifest; a
// crash before that leaves a directory that recovery removes.
//
// Stateless; thread-safe (one call writes one part).
#ifndef TALLY_ENGINE_PART_WRITER_H_
#define TALLY_ENGINE_PART_WRITER_H_

#include <string>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/env.h"
#include "format/part_format.h"
#include "format/table_schema.h"

namespace tally::engine {

struct PartIdentity {
  std::string partition_id;
  std::vector<format::Value> partition_value;
  uint64_t min_block = 0;
  uint64_t max_block = 0;
  uint32_t level = 0;
};

// Writes `block` (every schema column, in schema order, sorted) as a part in `table_dir`.
// Returns the metadata written. On error the temporary directory may remain; recovery
// removes it.
absl::StatusOr<format::PartMeta> WritePart(Env* env, const std::string& table_dir,
                                           const format::TableSchema& schema, const PartIdentity& id,
                                           Block block);

// Granule boundaries for `block`: a granule closes at `index_granularity` rows or once it
// holds `index_granularity_bytes` bytes. Returns granules + 1 row numbers.
std::vector<uint64_t> GranuleStarts(const Block& block, uint64_t index_granularity,
                                    uint64_t index_granularity_bytes);

inline constexpr char kTmpPartPrefix[] = "tmp_insert_";

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PART_WRITER_H_
