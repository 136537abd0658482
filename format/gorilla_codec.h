// Gorilla(w): Facebook Gorilla XOR compression of Float32 (w = 4) or Float64 (w = 8)
// values: each value is XORed with its predecessor and only the meaningful bits are kept.
// Layout in docs/format.md, "Codecs". Registered in the table in format/codec_table.cc.
//
// Pure and thread-safe.
#ifndef TALLY_FORMAT_GORILLA_CODEC_H_
#define TALLY_FORMAT_GORILLA_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec_table.h"
#include "format/pod_vector.h"

namespace tally::format {

bool GorillaParamOk(uint8_t param);
void GorillaEncode(uint8_t param, absl::Span<const uint8_t> in, std::string* out);
absl::Status GorillaDecode(CodecSpec spec, absl::Span<const uint8_t> in,
                           DecodedSizeLimit limit, absl::string_view what,
                           PodVector<uint8_t>* out);
size_t GorillaMaxEncodedBytes(uint8_t param, size_t raw_bytes);

}  // namespace tally::format

#endif  // TALLY_FORMAT_GORILLA_CODEC_H_
