// The files of a part (docs/format.md, "Parts"): the envelope every small file shares, and
// the encodings of part metadata, marks, the sparse primary index and LowCardinality
// dictionaries. Column data files (.bin) are a header followed by column blocks
// (format/block.h).
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_PART_FORMAT_H_
#define TALLY_FORMAT_PART_FORMAT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec.h"
#include "format/coding.h"
#include "format/column.h"
#include "format/column_streams.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::format {

// The format version this build writes; it reads every version up to this one.
inline constexpr uint16_t kFormatVersion = 1;

// Magic numbers, one per file kind ("TLY" and a letter, little-endian u32).
enum class FileKind : uint32_t {
  kPartMeta = 0x4d594c54,      // "TLYM"
  kMarks = 0x4b594c54,         // "TLYK"
  kPrimaryIndex = 0x58594c54,  // "TLYX"
  kDictionary = 0x44594c54,    // "TLYD"
  kColumnData = 0x42594c54,    // "TLYB"
  kManifest = 0x4c594c54,      // "TLYL"
  kSkipIndex = 0x53594c54,     // "TLYS"
};

inline constexpr size_t kEnvelopeOverhead = 4 + 2 + 2 + 8 + 8;
inline constexpr size_t kDataFileHeaderBytes = 8;

// magic u32 | version u16 | reserved u16 (0) | payload size u64 | payload | XXH3 u64 of
// everything before it. `version`: the file's own (skip index files have moved on alone).
std::string WrapEnvelope(FileKind kind, absl::string_view payload, uint16_t version = kFormatVersion);
// Returns the payload. DataLoss on any mismatch; Unimplemented for a version above `newest`.
absl::StatusOr<absl::Span<const uint8_t>> UnwrapEnvelope(FileKind kind, absl::Span<const uint8_t> file,
                                                         absl::string_view what,
                                                         uint16_t* version = nullptr,
                                                         uint16_t newest = kFormatVersion);

// magic u32 "TLYB" | version u16 | reserved u16.
std::string DataFileHeader();
absl::Status CheckDataFileHeader(absl::Span<const uint8_t> file, absl::string_view what);

// Values in metadata and the primary index.
void EncodeValue(std::string* out, const Value& v);
absl::StatusOr<Value> DecodeValue(ByteReader* in, int depth = 0);

struct FileChecksum {
  std::string name;
  uint64_t size = 0;
  uint64_t xxh3 = 0;
};

struct ColumnMeta {
  std::string name;
  DataTypePtr type;
  CodecChain codecs;  // as declared (resolved per stream on use)
  std::vector<LowCardinalityPlan> lc_plans;
  bool has_min_max = false;  // fixed-width scalar columns only
  Value min;
  Value max;
};

struct PartMeta {
  uint16_t format_version = kFormatVersion;
  std::string name;  // "<partition>_<min_block>_<max_block>_<level>"
  std::string partition_id;
  std::vector<Value> partition_value;
  uint64_t min_block = 0;
  uint64_t max_block = 0;
  uint32_t level = 0;
  uint64_t rows = 0;
  uint64_t granules = 0;
  std::vector<std::string> sort_key;
  std::vector<ColumnMeta> columns;
  std::vector<FileChecksum> files;  // every other file of the part

  const ColumnMeta* FindColumn(absl::string_view name) const;
};

std::string EncodePartMeta(const PartMeta& meta);
// Decodes and checks the invariants (unique names, plan counts, widths, sizes).
absl::StatusOr<PartMeta> DecodePartMeta(absl::Span<const uint8_t> file, absl::string_view what);

// Where granule g of a column starts: the column block at `block_offset` in its .bin file,
// `row_in_block` rows into it.
struct Mark {
  uint64_t block_offset = 0;
  uint32_t row_in_block = 0;
  bool operator==(const Mark&) const = default;
};
std::string EncodeMarks(absl::Span<const Mark> marks);
absl::StatusOr<std::vector<Mark>> DecodeMarks(absl::Span<const uint8_t> file, absl::string_view what);

// Sparse primary index: the first row of every granule and the sorting-key values there,
// plus the key of the part's last row (entry `granules`).
struct PrimaryIndex {
  std::vector<uint64_t> granule_starts;  // granules + 1 entries; the last is the row count
  std::vector<std::vector<Value>> keys;  // [key column][granules + 1]
  size_t granules() const { return granule_starts.empty() ? 0 : granule_starts.size() - 1; }
};
std::string EncodePrimaryIndex(const PrimaryIndex& index);
absl::StatusOr<PrimaryIndex> DecodePrimaryIndex(absl::Span<const uint8_t> file, absl::string_view what);

// The part dictionaries of a column's dictionary-mode LowCardinality nodes, in order.
absl::StatusOr<std::string> EncodeDictionaries(absl::Span<const std::shared_ptr<const Column>> dicts);
absl::StatusOr<std::vector<std::shared_ptr<const Column>>> DecodeDictionaries(
    absl::Span<const uint8_t> file, absl::string_view what);

// File names inside a part directory.
inline constexpr char kPartMetaFile[] = "part.meta";
inline constexpr char kPrimaryIndexFile[] = "primary.idx";
// A column's files are "<escaped name>.bin", ".mrk", ".dict": letters, digits and '_' stay,
// every other byte becomes %XX.
std::string ColumnFileBase(absl::string_view column_name);

// "202610_3_7_1".
std::string PartName(absl::string_view partition_id, uint64_t min_block, uint64_t max_block,
                     uint32_t level);

struct PartNameFields {
  std::string partition_id;
  uint64_t min_block = 0;
  uint64_t max_block = 0;
  uint32_t level = 0;
};
// The inverse of PartName; false when `name` is not one (min_block > max_block included).
bool ParsePartName(absl::string_view name, PartNameFields* out);

}  // namespace tally::format

#endif  // TALLY_FORMAT_PART_FORMAT_H_
