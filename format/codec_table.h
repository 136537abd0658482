// The table of codecs, one row per on-disk codec id (in the manner of DuckDB's list of
// compression methods), and the framing helpers the codecs share. Internal to format/:
// engine code uses format/codec.h.
//
// Framing: every codec's encoded form carries its own decoded size (transforms start with
// a varint, ZSTD frames carry a content size), so a chain can check each stage before
// allocating for it. See docs/format.md, "Codecs".
//
// Thread-safe: the table is immutable and every codec function is pure.
#ifndef TALLY_FORMAT_CODEC_TABLE_H_
#define TALLY_FORMAT_CODEC_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/codec.h"
#include "format/pod_vector.h"

namespace tally::format {

// What a decoder knows about the size of its output: exactly the column's raw size for
// the first codec of a chain, only an upper bound for the others.
struct DecodedSizeLimit {
  size_t bytes = 0;
  bool exact = true;
};

// Replaces *out with the encoding of `in`. REQUIRES: param_ok(param).
using CodecEncodeFn = void (*)(uint8_t param, absl::Span<const uint8_t> in, std::string* out);
// Replaces *out with the decoding of untrusted `in`; errors are DataLoss naming `what`.
using CodecDecodeFn = absl::Status (*)(CodecSpec spec, absl::Span<const uint8_t> in,
                                       DecodedSizeLimit limit, absl::string_view what,
                                       PodVector<uint8_t>* out);
// An upper bound on the encoded size of any `raw_bytes` input (saturating).
using CodecMaxEncodedFn = size_t (*)(uint8_t param, size_t raw_bytes);

struct CodecInfo {
  CodecId id;
  absl::string_view name;        // as written in CODEC(...), e.g. "DoubleDelta"
  bool is_transform;            // param is an element width, taken from the column type
  bool (*param_ok)(uint8_t param);
  absl::string_view param_rule;  // for error messages, e.g. "width must be 1, 2, 4 or 8"
  CodecEncodeFn encode;
  CodecDecodeFn decode;
  CodecMaxEncodedFn max_encoded_bytes;
};

// All codecs, in id order.
absl::Span<const CodecInfo> AllCodecs();
// nullptr for an id this build does not know.
const CodecInfo* FindCodec(CodecId id);

// --- Helpers shared by the codec implementations. ---

// DataLoss "<what>: <spec>: <why>".
absl::Status CodecCorruption(absl::string_view what, CodecSpec spec, absl::string_view why);

// Saturating a + b, for size bounds.
inline size_t SaturatingAdd(size_t a, size_t b) { return a + b < a ? SIZE_MAX : a + b; }

// Reads a varint at in[*pos], advancing *pos; false if truncated or over 64 bits.
bool ReadVarint(absl::Span<const uint8_t> in, size_t* pos, uint64_t* v);

// Appends the varint decoded-size header every transform encoding starts with.
void PutDecodedSize(std::string* out, size_t decoded_bytes);

// Reads that header at in[*pos] and checks it against `limit`, advancing *pos.
absl::StatusOr<size_t> ReadDecodedSize(absl::Span<const uint8_t> in, size_t* pos,
                                       DecodedSizeLimit limit, absl::string_view what,
                                       CodecSpec spec);

// Little-endian element access for the transform codecs.
template <typename T>
inline T LoadElement(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
inline void StoreElement(uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

// Zigzag mapping of a two's complement value to unsigned (0, -1, 1, -2 -> 0, 1, 2, 3).
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

}  // namespace tally::format

#endif  // TALLY_FORMAT_CODEC_TABLE_H_
