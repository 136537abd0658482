#include "format/zstd_codec.h"

#include <zstd.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace tally::format {
namespace {

// A zstd block decodes to at most 128 KiB (a format constant) and costs at least a 3-byte
// header, so no valid frame expands more than 131072 / 3 < 65536 times. Checked before
// allocating for a frame's claimed content size.
constexpr uint64_t kMaxZstdExpansion = 65536;

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// Contexts are expensive to create (hundreds of KiB of tables); one per thread is reused.
ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (cctx == nullptr) throw std::bad_alloc();
  return cctx.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (dctx == nullptr) throw std::bad_alloc();
  return dctx.get();
}

}  // namespace

bool ZstdParamOk(uint8_t param) { return param >= 1 && param <= 22; }

void ZstdEncode(uint8_t level, absl::Span<const uint8_t> in, std::string* out) {
  out->resize(ZSTD_compressBound(in.size()));
  // The one-shot API writes the content size into the frame header, which the decoder
  // relies on to size its output.
  size_t n = ZSTD_compressCCtx(ThreadCCtx(), out->data(), out->size(), in.data(), in.size(),
                               level);
  // With a ZSTD_compressBound-sized destination compression cannot fail short of running
  // out of memory, which the library reports as an error code.
  if (ZSTD_isError(n)) throw std::bad_alloc();
  out->resize(n);
}

absl::Status ZstdDecode(CodecSpec spec, absl::Span<const uint8_t> in, DecodedSizeLimit limit,
                        absl::string_view what, PodVector<uint8_t>* out) {
  if (in.empty()) return CodecCorruption(what, spec, "empty zstd frame");
  unsigned long long content = ZSTD_getFrameContentSize(in.data(), in.size());
  if (content == ZSTD_CONTENTSIZE_ERROR) {
    return CodecCorruption(what, spec, "not a zstd frame");
  }
  if (content == ZSTD_CONTENTSIZE_UNKNOWN) {
    return CodecCorruption(what, spec, "zstd frame without a content size");
  }
  if (limit.exact ? content != limit.bytes : content > limit.bytes) {
    return CodecCorruption(what, spec,
                           absl::StrCat("frame content size ", content, " but expected ",
                                        limit.exact ? "" : "at most ", limit.bytes));
  }
  if (content / kMaxZstdExpansion > in.size()) {
    return CodecCorruption(what, spec,
                           absl::StrCat("frame of ", in.size(), " bytes cannot hold ", content,
                                        " bytes"));
  }
  size_t frame = ZSTD_findFrameCompressedSize(in.data(), in.size());
  if (ZSTD_isError(frame)) return CodecCorruption(what, spec, ZSTD_getErrorName(frame));
  if (frame != in.size()) {
    return CodecCorruption(what, spec,
                           absl::StrCat(in.size() - frame, " bytes after the zstd frame"));
  }
  out->resize(content);
  uint8_t empty;
  uint8_t* dst = content == 0 ? &empty : out->data();
  size_t n = ZSTD_decompressDCtx(ThreadDCtx(), dst, content, in.data(), in.size());
  if (ZSTD_isError(n)) return CodecCorruption(what, spec, ZSTD_getErrorName(n));
  if (n != content) {
    return CodecCorruption(what, spec,
                           absl::StrCat("frame decoded to ", n, " bytes, header says ", content));
  }
  return absl::OkStatus();
}

// Above ZSTD_compressBound, which is size + size / 256 + at most 64.
size_t ZstdMaxEncodedBytes(uint8_t, size_t raw_bytes) {
  return SaturatingAdd(raw_bytes, SaturatingAdd(raw_bytes / 128, 1024));
}

}  // namespace tally::format
