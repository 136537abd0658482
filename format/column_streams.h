// Column streams: how a column's rows become the raw byte streams of a column block, and
// back. Streams come in depth-first order of the type tree (docs/format.md, "Column
// streams"):
//
//   fixed-width T        values (width bytes each)            user chain, width-resolved
//   String               lengths (u32 each), chars            chain without transforms
//   LowCardinality       dictionary mode: indexes (1/2/4 B)   chain without transforms
//                        plain mode: [nulls], lengths, chars
//   Nullable(T)          nulls (u8 each), then T's streams
//   Array(T)             lengths (u32 each), then T's streams over the elements
//   Map(K, V)            lengths (u32 each), then K's, then V's streams
//
// Each LowCardinality node of a column has a per-part plan: dictionary mode (indexes into a
// part dictionary of sorted distinct values) or plain mode (values written out, used when
// the dictionary would grow past its limit).
//
// Pure; writers and readers are single-threaded objects.
#ifndef TALLY_FORMAT_COLUMN_STREAMS_H_
#define TALLY_FORMAT_COLUMN_STREAMS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "format/block.h"
#include "format/codec.h"
#include "format/column.h"

namespace tally::format {

struct LowCardinalityPlan {
  bool dictionary = true;   // false: plain mode
  uint8_t index_width = 1;  // dictionary mode: 1, 2 or 4
  uint64_t dictionary_size = 0;
  bool operator==(const LowCardinalityPlan&) const = default;
};

// Default limit on part-dictionary entries before a LowCardinality node falls back to
// plain mode for that part.
inline constexpr uint64_t kDefaultMaxDictionaryEntries = 1 << 18;

// Number of LowCardinality nodes in `type` (depth-first).
size_t CountLowCardinalityNodes(const DataType& type);

// Calls fn(node, k) for the k-th LowCardinality node of `column` (a Column or a const
// Column), depth-first: the order of its plans and part dictionaries.
template <typename ColumnT, typename Fn>
void ForEachLowCardinality(ColumnT& column, Fn&& fn, size_t* node_counter = nullptr) {
  size_t first = 0;
  size_t* node = node_counter != nullptr ? node_counter : &first;
  switch (column.type->id()) {
    case TypeId::kLowCardinality:
      fn(column, (*node)++);
      return;
    case TypeId::kNullable:
    case TypeId::kArray:
    case TypeId::kMap:  // keys, then values
      for (auto& child : column.children) ForEachLowCardinality(child, fn, node);
      return;
    default:
      return;
  }
}

// Rewrites every LowCardinality node of `column` against a part dictionary: the distinct
// values used, sorted (NULL, entry 0, first), with the narrowest index width. Nodes whose
// dictionary would exceed `max_entries` get a plain-mode plan and are left as they are.
// Returns one plan per node, depth-first; `dictionaries` receives the part dictionary of
// each dictionary-mode node (nullptr for plain mode).
std::vector<LowCardinalityPlan> PrepareLowCardinality(
    Column* column, uint64_t max_entries, std::vector<std::shared_ptr<const Column>>* dictionaries);

// The resolved codec chain of each stream of `type` under `plans`.
absl::StatusOr<std::vector<CodecChain>> StreamChains(const DataType& type, const CodecChain& chain,
                                                     const std::vector<LowCardinalityPlan>& plans);

// Accumulates rows of one column as raw streams and emits them as column blocks.
class ColumnStreamWriter {
 public:
  // REQUIRES: columns later appended were prepared with these plans.
  ColumnStreamWriter(DataTypePtr type, std::vector<CodecChain> chains,
                     std::vector<LowCardinalityPlan> plans);

  void AppendRows(const Column& column, size_t start, size_t count);
  uint32_t pending_rows() const { return pending_rows_; }
  size_t pending_bytes() const;
  // Appends one block holding the pending rows to *out and clears them.
  absl::Status FlushBlock(std::string* out);

 private:
  void Append(const DataType& type, const Column& column, size_t start, size_t count,
              size_t* stream, size_t* lc_node);

  DataTypePtr type_;
  std::vector<CodecChain> chains_;
  std::vector<LowCardinalityPlan> plans_;
  std::vector<PodVector<uint8_t>> streams_;
  uint32_t pending_rows_ = 0;
};

// Rebuilds a column from a decoded block. Untrusted input: every size is checked and a
// mismatch is DataLoss naming `what`.
class ColumnStreamReader {
 public:
  ColumnStreamReader(DataTypePtr type, std::vector<LowCardinalityPlan> plans,
                     std::vector<std::shared_ptr<const Column>> dictionaries);

  // Returns the block's rows as a new column. Moves buffers out of *block where it can.
  absl::StatusOr<Column> Read(DecodedBlock* block, absl::string_view what) const;

  size_t stream_count() const { return stream_count_; }

 private:
  absl::Status Read(const DataType& type, DecodedBlock* block, uint64_t rows, size_t* stream,
                    size_t* lc_node, absl::string_view what, Column* out) const;

  DataTypePtr type_;
  std::vector<LowCardinalityPlan> plans_;
  std::vector<std::shared_ptr<const Column>> dictionaries_;
  size_t stream_count_ = 0;
};

// Number of streams of `type` under `plans`.
size_t CountStreams(const DataType& type, const std::vector<LowCardinalityPlan>& plans);

}  // namespace tally::format

#endif  // TALLY_FORMAT_COLUMN_STREAMS_H_
