// ZSTD(level): one zstd frame (with its content size) made by libzstd's one-shot API; a
// thread_local compression and decompression context is reused across calls.
// Layout in docs/format.md, "Codecs". Registered in the table in format/codec_table.cc.
//
// Pure and thread-safe.
#ifndef TALLY_FORMAT_ZSTD_CODEC_H_
#define TALLY_FORMAT_ZSTD_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec_table.h"
#include "format/pod_vector.h"

namespace tally::format {

bool ZstdParamOk(uint8_t param);
void ZstdEncode(uint8_t param, absl::Span<const uint8_t> in, std::string* out);
absl::Status ZstdDecode(CodecSpec spec, absl::Span<const uint8_t> in,
                        DecodedSizeLimit limit, absl::string_view what,
                        PodVector<uint8_t>* out);
size_t ZstdMaxEncodedBytes(uint8_t param, size_t raw_bytes);

}  // namespace tally::format

#endif  // TALLY_FORMAT_ZSTD_CODEC_H_
