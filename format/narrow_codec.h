// Narrow(w): frame of reference for integers. Each encoded run stores the smallest value
// (the base) and every element minus the base in the narrowest width (1, 2, 4 or 8
// bytes) that holds the run's range, so a UInt64 column of small counters becomes one or
// two bytes per row before ZSTD, and decodes with a widening add that vectorizes.
// tally puts it in front of ZSTD by itself for integer columns whose chain has no other
// transform (docs/format.md, "Codecs"); it can also be declared: CODEC(Narrow, ZSTD(1)).
//
// Pure and thread-safe.
#ifndef TALLY_FORMAT_NARROW_CODEC_H_
#define TALLY_FORMAT_NARROW_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec_table.h"
#include "format/pod_vector.h"

namespace tally::format {

bool NarrowParamOk(uint8_t param);
void NarrowEncode(uint8_t param, absl::Span<const uint8_t> in, std::string* out);
absl::Status NarrowDecode(CodecSpec spec, absl::Span<const uint8_t> in, DecodedSizeLimit limit,
                          absl::string_view what, PodVector<uint8_t>* out);
size_t NarrowMaxEncodedBytes(uint8_t param, size_t raw_bytes);

}  // namespace tally::format

#endif  // TALLY_FORMAT_NARROW_CODEC_H_
