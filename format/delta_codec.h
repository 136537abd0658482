// Delta(w): the first element, then differences mod 2^(8w), so that sorted or slowly
// changing integers become runs of small numbers for ZSTD.
// Layout in docs/format.md, "Codecs". Registered in the table in format/codec_table.cc.
//
// Pure and thread-safe.
#ifndef TALLY_FORMAT_DELTA_CODEC_H_
#define TALLY_FORMAT_DELTA_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec_table.h"
#include "format/pod_vector.h"

namespace tally::format {

bool DeltaParamOk(uint8_t param);
void DeltaEncode(uint8_t param, absl::Span<const uint8_t> in, std::string* out);
absl::Status DeltaDecode(CodecSpec spec, absl::Span<const uint8_t> in,
                         DecodedSizeLimit limit, absl::string_view what,
                         PodVector<uint8_t>* out);
size_t DeltaMaxEncodedBytes(uint8_t param, size_t raw_bytes);

}  // namespace tally::format

#endif  // TALLY_FORMAT_DELTA_CODEC_H_
