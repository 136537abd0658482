// A column block: one checksummed envelope holding the compressed streams of a run of
// whole granules of one column (e.g. a String column has a lengths stream and a chars
// stream). Layout in docs/format.md, "Column blocks".
//
// Pure and thread-safe; a DecodedBlock is reused across calls to keep its buffers.
#ifndef TALLY_FORMAT_BLOCK_H_
#define TALLY_FORMAT_BLOCK_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "format/codec.h"
#include "format/pod_vector.h"

namespace tally::format {

// Limits every reader enforces and every writer respects.
inline constexpr size_t kMaxBlockStreams = 64;
inline constexpr size_t kMaxBlockStreamRawBytes = size_t{1} << 30;  // 1 GiB

struct BlockStreamInput {
  absl::Span<const uint8_t> raw;
  CodecChain chain;  // already resolved (ResolveCodecChain)
};

// Appends one block holding `streams` for `rows` rows to *out. InvalidArgument for more
// than kMaxBlockStreams streams, a stream over kMaxBlockStreamRawBytes, or a bad chain.
absl::Status EncodeBlock(uint32_t rows, absl::Span<const BlockStreamInput> streams,
                         std::string* out);

struct DecodedBlock {
  uint32_t rows = 0;
  std::vector<PodVector<uint8_t>> streams;  // decoded bytes, one per stream
  std::vector<CodecChain> chains;           // the chain each stream was stored with
};

// Decodes the block starting at in[0]. `what` names the file, `file_offset` is the offset
// of in[0] in it; errors are DataLoss "<what>: offset <file_offset>: ...". Returns the
// number of bytes the block occupies.
absl::StatusOr<size_t> DecodeBlock(absl::Span<const uint8_t> in, absl::string_view what,
                                   uint64_t file_offset, DecodedBlock* out);

// Reads only the envelope's total size (for skipping); validates nothing else.
absl::StatusOr<size_t> PeekBlockSize(absl::Span<const uint8_t> in, absl::string_view what,
                                     uint64_t file_offset);

}  // namespace tally::format

#endif  // TALLY_FORMAT_BLOCK_H_
