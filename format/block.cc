#include "format/block.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

// Envelope layout (docs/format.md, "Column blocks"):
//   u64 checksum | u32 total size | u32 rows | u8 stream count | stream descriptors | payloads
// A descriptor is u8 codec count, (u8 id, u8 param) per codec, u32 stored size, u32 raw size.
constexpr size_t kChecksumBytes = 8;
constexpr size_t kTotalSizeOffset = 8;
constexpr size_t kRowsOffset = 12;
constexpr size_t kStreamCountOffset = 16;
constexpr size_t kFixedHeaderBytes = 17;

size_t DescriptorBytes(size_t codec_count) { return 1 + 2 * codec_count + 4 + 4; }

absl::Status Corrupt(absl::string_view what, uint64_t offset, absl::string_view why) {
  return absl::DataLossError(absl::StrCat(what, ": offset ", offset, ": block: ", why));
}

struct StreamSizes {
  uint32_t stored;
  uint32_t raw;
};

// Parses and checks the stream descriptors of a block whose checksum has been verified.
// Fills out->chains and sizes[]; returns the offset of the first payload.
absl::StatusOr<size_t> ParseDescriptors(absl::Span<const uint8_t> block, size_t count,
                                        absl::string_view what, uint64_t file_offset,
                                        DecodedBlock* out, StreamSizes* sizes) {
  size_t pos = kFixedHeaderBytes;
  uint64_t payload_bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t start = pos;
    if (pos >= block.size()) return Corrupt(what, file_offset + pos, "truncated descriptors");
    size_t codec_count = block[pos];
    if (codec_count == 0 || codec_count > kMaxCodecChainLength) {
      return Corrupt(what, file_offset + pos,
                     absl::StrCat("stream ", i, ": ", codec_count, " codecs (1..",
                                  kMaxCodecChainLength, " allowed)"));
    }
    if (block.size() - pos < DescriptorBytes(codec_count)) {
      return Corrupt(what, file_offset + pos, absl::StrCat("stream ", i, ": truncated descriptor"));
    }
    ++pos;
    CodecChain& chain = out->chains[i];
    chain.resize(codec_count);  // resize, unlike clear, keeps any heap storage for reuse
    for (CodecSpec& spec : chain) {
      spec = CodecSpec{static_cast<CodecId>(block[pos]), block[pos + 1]};
      pos += 2;
    }
    absl::Status valid = ValidateStoredChain(chain);
    if (!valid.ok()) {
      return absl::Status(valid.code(), absl::StrCat(what, ": offset ", file_offset + start,
                                                     ": block: stream ", i, ": ",
                                                     valid.message()));
    }
    sizes[i].stored = LoadFixed32(block.data() + pos);
    sizes[i].raw = LoadFixed32(block.data() + pos + 4);
    if (sizes[i].raw > kMaxBlockStreamRawBytes) {
      return Corrupt(what, file_offset + pos + 4,
                     absl::StrCat("stream ", i, ": raw size ", sizes[i].raw, " over the limit ",
                                  kMaxBlockStreamRawBytes));
    }
    pos += 8;
    payload_bytes += sizes[i].stored;
  }
  if (payload_bytes != block.size() - pos) {
    return Corrupt(what, file_offset + pos,
                   absl::StrCat("payloads declared ", payload_bytes, " bytes but the block has ",
                                block.size() - pos, " left"));
  }
  return pos;
}

}  // namespace

absl::Status EncodeBlock(uint32_t rows, absl::Span<const BlockStreamInput> streams,
                         std::string* out) {
  if (streams.size() > kMaxBlockStreams) {
    return absl::InvalidArgumentError(absl::StrCat("block of ", streams.size(),
                                                   " streams; at most ", kMaxBlockStreams));
  }
  std::vector<std::string> payloads(streams.size());
  absl::InlinedVector<CodecChain, 4> chains(streams.size());
  uint64_t total = kFixedHeaderBytes;
  for (size_t i = 0; i < streams.size(); ++i) {
    if (streams[i].raw.size() > kMaxBlockStreamRawBytes) {
      return absl::InvalidArgumentError(absl::StrCat("block stream ", i, ": ",
                                                     streams[i].raw.size(), " bytes; at most ",
                                                     kMaxBlockStreamRawBytes));
    }
    absl::StatusOr<CodecChain> chain =
        EncodeWithChain(streams[i].chain, streams[i].raw, &payloads[i]);
    if (!chain.ok()) {
      return absl::Status(chain.status().code(),
                          absl::StrCat("block stream ", i, ": ", chain.status().message()));
    }
    chains[i] = *std::move(chain);
    total += DescriptorBytes(chains[i].size()) + payloads[i].size();
  }
  if (total > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("block of ", total, " bytes over 4 GiB"));
  }
  const size_t start = out->size();
  out->reserve(start + total);
  PutFixed64(out, 0);  // the checksum, patched below
  PutFixed32(out, static_cast<uint32_t>(total));
  PutFixed32(out, rows);
  PutFixed8(out, static_cast<uint8_t>(streams.size()));
  for (size_t i = 0; i < streams.size(); ++i) {
    PutFixed8(out, static_cast<uint8_t>(chains[i].size()));
    for (const CodecSpec& spec : chains[i]) {
      PutFixed8(out, static_cast<uint8_t>(spec.id));
      PutFixed8(out, spec.param);
    }
    PutFixed32(out, static_cast<uint32_t>(payloads[i].size()));
    PutFixed32(out, static_cast<uint32_t>(streams[i].raw.size()));
  }
  for (const std::string& payload : payloads) out->append(payload);
  if (out->size() - start != total) {
    return absl::InternalError(absl::StrCat("block encoder wrote ", out->size() - start,
                                            " bytes, planned ", total));
  }
  uint8_t* block = reinterpret_cast<uint8_t*>(out->data()) + start;
  StoreFixed64(block, Checksum(absl::Span<const uint8_t>(block + kChecksumBytes,
                                                         total - kChecksumBytes)));
  return absl::OkStatus();
}

absl::StatusOr<size_t> DecodeBlock(absl::Span<const uint8_t> in, absl::string_view what,
                                   uint64_t file_offset, DecodedBlock* out) {
  TALLY_ASSIGN_OR_RETURN(size_t total, PeekBlockSize(in, what, file_offset));
  if (in.size() < kFixedHeaderBytes || total > in.size()) {
    return Corrupt(what, file_offset,
                   absl::StrCat("truncated: block of ", total, " bytes, ", in.size(),
                                " available"));
  }
  absl::Span<const uint8_t> block = in.first(total);
  uint64_t stored_checksum = LoadFixed64(block.data());
  uint64_t checksum = Checksum(block.subspan(kChecksumBytes));
  if (stored_checksum != checksum) {
    return Corrupt(what, file_offset,
                   absl::StrFormat("checksum mismatch: stored %016x, computed %016x",
                                   stored_checksum, checksum));
  }
  size_t count = block[kStreamCountOffset];
  if (count > kMaxBlockStreams) {
    return Corrupt(what, file_offset + kStreamCountOffset,
                   absl::StrCat(count, " streams (at most ", kMaxBlockStreams, ")"));
  }
  out->rows = LoadFixed32(block.data() + kRowsOffset);
  out->streams.resize(count);
  out->chains.resize(count);
  StreamSizes sizes[kMaxBlockStreams];
  TALLY_ASSIGN_OR_RETURN(size_t pos,
                         ParseDescriptors(block, count, what, file_offset, out, sizes));
  // Built in a per-thread string so that steady-state decoding does not allocate.
  thread_local std::string stream_what;
  for (size_t i = 0; i < count; ++i) {
    stream_what.clear();
    absl::StrAppend(&stream_what, what, ": offset ", file_offset + pos, ": block stream ", i);
    TALLY_RETURN_IF_ERROR(DecodeWithChain(out->chains[i], block.subspan(pos, sizes[i].stored),
                                          sizes[i].raw, stream_what, &out->streams[i]));
    pos += sizes[i].stored;
  }
  return total;
}

absl::StatusOr<size_t> PeekBlockSize(absl::Span<const uint8_t> in, absl::string_view what,
                                     uint64_t file_offset) {
  if (in.size() < kTotalSizeOffset + 4) {
    return Corrupt(what, file_offset,
                   absl::StrCat("truncated: ", in.size(), " bytes, shorter than a block header"));
  }
  uint32_t total = LoadFixed32(in.data() + kTotalSizeOffset);
  if (total < kFixedHeaderBytes) {
    return Corrupt(what, file_offset + kTotalSizeOffset,
                   absl::StrCat("block size ", total, " smaller than its header"));
  }
  return static_cast<size_t>(total);
}

}  // namespace tally::format
