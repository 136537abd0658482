// Part: an open, validated, immutable part on disk, and ColumnCursor, which reads granule
// ranges of one of its columns.
//
// Opening a part checks part.meta (checksum, version, invariants), that every listed file
// exists with its recorded size, and fully verifies and decodes the small files (marks,
// primary index, dictionaries) against the XXH3 in part.meta. Column data blocks carry
// their own checksums and are verified as they are read; VerifyChecksums reads
// everything.
//
// A Part is immutable and thread-safe. It is shared by the table's part list and by every
// scan snapshot holding it; MarkObsolete arranges for its directory to be removed when the
// last reference goes, so a running scan finishes first. A ColumnCursor is used by one
// thread.
#ifndef TALLY_ENGINE_PART_H_
#define TALLY_ENGINE_PART_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/env.h"
#include "format/block.h"
#include "format/column.h"
#include "format/column_streams.h"
#include "format/part_format.h"
#include "format/skip_index.h"

namespace tally::engine {

class Part {
 public:
  // `dir` is the part directory; part.meta must name the part `name`, by default the last
  // component of `dir` (a part waiting for its commit lives in a temporary directory).
  static absl::StatusOr<std::shared_ptr<Part>> Open(Env* env, const std::string& dir, absl::string_view name = {});
  ~Part();

  Part(const Part&) = delete;
  Part& operator=(const Part&) = delete;

  const format::PartMeta& meta() const { return meta_; }
  const format::PrimaryIndex& index() const { return index_; }
  const std::string& name() const { return meta_.name; }
  const std::string& dir() const { return dir_; }
  Env* env() const { return env_; }  // where its files are
  uint64_t rows() const { return meta_.rows; }
  uint64_t granules() const { return meta_.granules; }
  uint64_t bytes_on_disk() const { return bytes_on_disk_; }

  // Reads every file and checks its size and XXH3 against part.meta, and decodes every
  // column block. DataLoss names the file and offset.
  absl::Status VerifyChecksums() const;

  void MarkObsolete() { obsolete_.store(true); }
  // The part directory was renamed (published after its commit). Its open files stay
  // valid. REQUIRES: the part is not yet shared with other threads.
  void MovedTo(std::string dir) { dir_ = std::move(dir); }

  // A run of whole granules stored together in one column block.
  struct BlockExtent {
    uint64_t offset = 0;     // in the .bin file
    uint64_t size = 0;       // bytes
    uint64_t first_row = 0;  // part row of the block's first row
    uint64_t rows = 0;
  };
  struct ColumnData {
    std::string file;  // "time.bin"
    std::vector<format::Mark> marks;
    std::vector<uint64_t> granule_block;  // granule -> index into blocks
    std::vector<BlockExtent> blocks;
    std::unique_ptr<RandomAccessFile> data;
    std::unique_ptr<format::ColumnStreamReader> reader;
    // Per LowCardinality node (depth-first): the part dictionary, nullptr in plain mode.
    std::vector<std::shared_ptr<const format::Column>> dictionaries;
  };
  const ColumnData& column_data(size_t column) const { return columns_[column]; }
  // The skip index stored in file `file` (format::SkipIndexFileName), or null when the
  // part has none (written before the index was added).
  const format::SkipIndexFile* skip_index(const std::string& file) const;

 private:
  Part(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  absl::Status Load(absl::string_view name);
  absl::Status LoadColumn(size_t c);
  absl::StatusOr<std::string> ReadVerified(const format::FileChecksum& file) const;
  std::string What(absl::string_view file) const;

  Env* env_;
  std::string dir_;
  format::PartMeta meta_;
  format::PrimaryIndex index_;
  std::vector<ColumnData> columns_;
  std::map<std::string, format::SkipIndexFile> skip_indexes_;  // by file name
  uint64_t bytes_on_disk_ = 0;
  std::atomic<bool> obsolete_{false};
};

using PartPtr = std::shared_ptr<const Part>;

// Reads granule ranges of one column of a part in ascending order, decoding each column
// block once even when several ranges fall inside it.
class ColumnCursor {
 public:
  ColumnCursor(PartPtr part, size_t column) : part_(std::move(part)), column_(column) {}

  // The rows of granules [granule_begin, granule_end).
  absl::StatusOr<format::Column> Read(uint64_t granule_begin, uint64_t granule_end);
  // The rows `selection` (ascending, counted from the first row of granule_begin) of
  // granules [granule_begin, granule_end). Column blocks holding none of them are not
  // read: a selective filter decodes only the blocks its rows fall in.
  absl::StatusOr<format::Column> ReadSelected(uint64_t granule_begin, uint64_t granule_end,
                                              absl::Span<const uint32_t> selection);

 private:
  absl::Status CheckRange(uint64_t granule_begin, uint64_t granule_end) const;
  absl::Status LoadBlock(uint64_t block);

  PartPtr part_;
  size_t column_;
  format::DecodedBlock decoded_;
  std::string io_;
  format::Column current_;
  uint64_t current_block_ = UINT64_MAX;
  std::vector<uint32_t> rebased_;  // ReadSelected's rows, counted from a block's first row
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PART_H_
