// DoubleDelta(w): the first element, the first difference, then differences of
// differences, zigzagged and bit-packed in groups of 64 with one width per group, so that
// timestamps with a constant stride cost 7 bits per 64 values.
// Layout in docs/format.md, "Codecs". Registered in the table in format/codec_table.cc.
//
// Pure and thread-safe.
#ifndef TALLY_FORMAT_DOUBLE_DELTA_CODEC_H_
#define TALLY_FORMAT_DOUBLE_DELTA_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec_table.h"
#include "format/pod_vector.h"

namespace tally::format {

bool DoubleDeltaParamOk(uint8_t param);
void DoubleDeltaEncode(uint8_t param, absl::Span<const uint8_t> in, std::string* out);
absl::Status DoubleDeltaDecode(CodecSpec spec, absl::Span<const uint8_t> in,
                               DecodedSizeLimit limit, absl::string_view what,
                               PodVector<uint8_t>* out);
size_t DoubleDeltaMaxEncodedBytes(uint8_t param, size_t raw_bytes);

}  // namespace tally::format

#endif  // TALLY_FORMAT_DOUBLE_DELTA_CODEC_H_
