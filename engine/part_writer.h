// PartWriter: writes one part from rows already sorted by the sorting key and belonging
// to one partition, durably and atomically, streaming: rows arrive in any number of
// Append calls (an insert block, or a merge's output chunk by chunk) and each column block
// goes to disk as soon as it is full, so memory holds one chunk, not the part.
//
//   1. every file into <table>/tmp_insert_<part>/, each synced;
//   2. part.meta last (it lists every other file's size and XXH3), synced;
//   3. the temporary directory synced, then the table directory (so its entry is durable).
//
// The part stays under its temporary name until the caller has recorded it in the
// manifest; only then does PublishPart rename it to <table>/<part>. So a part directory
// under its final name is always a committed one, and a temporary directory the manifest
// does not name is an unfinished write that recovery may delete; one it names is a
// committed part whose rename a crash interrupted, which recovery completes. A writer
// destroyed before Finish removes its temporary directory.
//
// A PartWriter is used by one thread; WritePart is stateless and thread-safe.
#ifndef TALLY_ENGINE_PART_WRITER_H_
#define TALLY_ENGINE_PART_WRITER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "engine/env.h"
#include "engine/part.h"
#include "engine/skip_index_builder.h"
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

class PartWriter {
 public:
  // dictionaries[c][k]: the part dictionary of LowCardinality node k (depth-first, as in
  // format::PrepareLowCardinality) of column c, or nullptr for a plain-mode node. An
  // appended column's dictionary-mode node must index that very dictionary with
  // IndexWidthFor(its size) bytes.
  using Dictionaries = std::vector<std::vector<std::shared_ptr<const format::Column>>>;

  static absl::StatusOr<std::unique_ptr<PartWriter>> Create(Env* env, const std::string& table_dir,
                                                            const format::TableSchema& schema,
                                                            const PartIdentity& id, Dictionaries dictionaries);
  ~PartWriter();
  PartWriter(const PartWriter&) = delete;
  PartWriter& operator=(const PartWriter&) = delete;

  // Appends rows: every schema column, in schema order, sorted after the rows before.
  absl::Status Append(const Block& rows);
  // Closes the last granule, writes marks, dictionaries, primary index and part.meta, and
  // makes the part durable under TmpPartDir(table_dir, name()). Returns the metadata
  // written. REQUIRES: rows() > 0.
  absl::StatusOr<format::PartMeta> Finish();

  uint64_t rows() const { return rows_; }
  const std::string& name() const { return meta_.name; }

 private:
  struct ColumnState;
  PartWriter(Env* env, const format::TableSchema& schema);
  absl::Status CheckChunk(const Block& rows) const;
  // The chunk rows where a granule starts: a granule closes at index_granularity rows or
  // once it holds index_granularity_bytes bytes, and may span chunks.
  std::vector<size_t> GranuleStartsIn(const Block& rows);
  absl::Status WriteColumn(size_t c, const format::Column& column, const std::vector<size_t>& starts);
  absl::Status FlushBlock(ColumnState* state);
  std::vector<SkipIndexBuilder> skip_indexes_;

  Env* const env_;
  const format::TableSchema schema_;
  std::string table_dir_;
  std::string tmp_dir_;
  format::PartMeta meta_;
  format::PrimaryIndex index_;
  std::vector<std::unique_ptr<ColumnState>> columns_;
  std::vector<size_t> key_columns_;
  std::vector<format::Value> last_key_;
  bool all_fixed_ = true;
  uint64_t rows_ = 0;
  uint64_t granule_rows_ = 0;  // of the open granule; 0 when none is open
  uint64_t granule_bytes_ = 0;
  bool finished_ = false;
};

// Writes `block` (every schema column, in schema order, sorted) as a part under its
// temporary name in `table_dir`, building each LowCardinality column's part dictionary
// from the values it uses.
absl::StatusOr<format::PartMeta> WriteUnpublishedPart(Env* env, const std::string& table_dir,
                                                      const format::TableSchema& schema, const PartIdentity& id,
                                                      Block block);

// WriteUnpublishedPart, then the part opened from where it waits: it must open and
// validate before it is committed (Internal naming it if not).
absl::StatusOr<std::shared_ptr<Part>> WriteAndOpenUnpublishedPart(Env* env, const std::string& table_dir,
                                                                  const format::TableSchema& schema,
                                                                  const PartIdentity& id, Block block);

// WriteUnpublishedPart, then PublishPart and a sync of `table_dir`: a part in place, for
// tools and tests that keep no manifest.
absl::StatusOr<format::PartMeta> WritePart(Env* env, const std::string& table_dir,
                                           const format::TableSchema& schema, const PartIdentity& id,
                                           Block block);

// Where a written part waits for its commit.
inline constexpr char kTmpPartPrefix[] = "tmp_insert_";
std::string TmpPartDir(const std::string& table_dir, const std::string& part_name);

// Renames a committed part from TmpPartDir to <table_dir>/<part_name>. Not synced: if a
// crash undoes it, recovery renames again (the manifest names the part).
absl::Status PublishPart(Env* env, const std::string& table_dir, const std::string& part_name);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PART_WRITER_H_
