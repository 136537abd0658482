// Codecs: byte transforms chained per column, as in `CODEC(Delta(4), ZSTD(1))`.
//
// On disk a codec is an id byte plus one parameter byte (see docs/format.md, "Codecs").
// Ids are only ever added, never reused. A chain is applied left to right when encoding
// and right to left when decoding. Transform codecs (Delta, DoubleDelta, Gorilla) work on
// little-endian elements of `param` bytes; a trailing partial element is copied as is.
//
// All functions are pure and thread-safe.
#ifndef TALLY_FORMAT_CODEC_H_
#define TALLY_FORMAT_CODEC_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "format/pod_vector.h"

namespace tally::format {

enum class CodecId : uint8_t {
  kNone = 0,         // param 0
  kDelta = 1,        // param: element width 1, 2, 4 or 8
  kDoubleDelta = 2,  // param: element width 1, 2, 4 or 8
  kGorilla = 3,      // param: element width 4 (Float32) or 8 (Float64)
  kZstd = 4,         // param: compression level 1..22 (not needed to decode)
  kNarrow = 5,       // param: element width 2, 4 or 8 (frame of reference, format/narrow_codec.h)
};

struct CodecSpec {
  CodecId id = CodecId::kNone;
  uint8_t param = 0;
  bool operator==(const CodecSpec&) const = default;
};

using CodecChain = absl::InlinedVector<CodecSpec, 3>;

// The most codecs a chain may hold, in CODEC(...) and on disk.
inline constexpr size_t kMaxCodecChainLength = 8;

// "Delta(4)", "ZSTD(1)", "None", ... Widths left out ("Delta") are 0 here and filled in
// from the column type by ResolveCodecChain.
std::string CodecSpecToString(const CodecSpec& spec);
std::string CodecChainToString(const CodecChain& chain);  // "Delta(4), ZSTD(1)"

// Parses the inside of CODEC(...): "Delta, ZSTD(1)". Case-insensitive names:
// None, Delta[(w)], DoubleDelta[(w)], Gorilla[(w)], ZSTD[(level)] (default level 1).
absl::StatusOr<CodecChain> ParseCodecChain(absl::string_view text);

// Fills in widths of transform codecs from the column's fixed value width
// (`value_width` 0 = variable-width data, where transforms are refused), and checks
// every parameter. Errors are InvalidArgument naming the codec; an empty chain, `None`
// combined with other codecs and chains over kMaxCodecChainLength are refused too.
absl::StatusOr<CodecChain> ResolveCodecChain(const CodecChain& chain, size_t value_width);

// Checks that a chain read from disk is well formed (known ids, valid params).
// Unknown ids are Unimplemented (written by a newer tally).
absl::Status ValidateStoredChain(const CodecChain& chain);

// Encodes `raw` through `chain`, replacing *out. Returns the chain actually stored: the
// input chain, or {None} when compression would save less than 10 % (then *out == raw).
// An empty chain means {None}.
absl::StatusOr<CodecChain> EncodeWithChain(const CodecChain& chain, absl::Span<const uint8_t> raw,
                                           std::string* out);

// Decodes `stored` (written by EncodeWithChain with `chain` as its result) into `out`,
// which is resized to exactly `raw_size` bytes. Any inconsistency (size mismatch, corrupt
// ZSTD frame, truncated input) is DataLoss mentioning `what`.
absl::Status DecodeWithChain(const CodecChain& chain, absl::Span<const uint8_t> stored,
                             size_t raw_size, absl::string_view what, PodVector<uint8_t>* out);

}  // namespace tally::format

#endif  // TALLY_FORMAT_CODEC_H_
