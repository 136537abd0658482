#include "format/codec_table.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/delta_codec.h"
#include "format/double_delta_codec.h"
#include "format/gorilla_codec.h"
#include "format/narrow_codec.h"
#include "format/zstd_codec.h"

namespace tally::format {
namespace {

// None: the bytes as they are. Its stored size is the raw size, so it needs no header.
bool NoneParamOk(uint8_t param) { return param == 0; }

void NoneEncode(uint8_t, absl::Span<const uint8_t> in, std::string* out) {
  out->assign(reinterpret_cast<const char*>(in.data()), in.size());
}

absl::Status NoneDecode(CodecSpec spec, absl::Span<const uint8_t> in, DecodedSizeLimit limit,
                        absl::string_view what, PodVector<uint8_t>* out) {
  if (limit.exact ? in.size() != limit.bytes : in.size() > limit.bytes) {
    return CodecCorruption(what, spec,
                           absl::StrCat("stored size ", in.size(), " but raw size ",
                                        limit.exact ? "" : "at most ", limit.bytes));
  }
  out->assign(in.data(), in.size());
  return absl::OkStatus();
}

size_t NoneMaxEncodedBytes(uint8_t, size_t raw_bytes) { return raw_bytes; }

// The on-disk ids are positions in this table; ids are only ever added.
constexpr CodecInfo kCodecs[] = {
    {CodecId::kNone, "None", false, NoneParamOk, "takes no parameter", NoneEncode, NoneDecode,
     NoneMaxEncodedBytes},
    {CodecId::kDelta, "Delta", true, DeltaParamOk, "width must be 1, 2, 4 or 8", DeltaEncode,
     DeltaDecode, DeltaMaxEncodedBytes},
    {CodecId::kDoubleDelta, "DoubleDelta", true, DoubleDeltaParamOk, "width must be 1, 2, 4 or 8",
     DoubleDeltaEncode, DoubleDeltaDecode, DoubleDeltaMaxEncodedBytes},
    {CodecId::kGorilla, "Gorilla", true, GorillaParamOk,
     "width must be 4 (Float32) or 8 (Float64)", GorillaEncode, GorillaDecode,
     GorillaMaxEncodedBytes},
    {CodecId::kZstd, "ZSTD", false, ZstdParamOk, "level must be 1..22", ZstdEncode, ZstdDecode,
     ZstdMaxEncodedBytes},
    {CodecId::kNarrow, "Narrow", true, NarrowParamOk, "width must be 2, 4 or 8", NarrowEncode,
     NarrowDecode, NarrowMaxEncodedBytes},
};

constexpr bool IdsMatchPositions() {
  for (size_t i = 0; i < std::size(kCodecs); ++i) {
    if (static_cast<size_t>(kCodecs[i].id) != i) return false;
  }
  return true;
}
static_assert(IdsMatchPositions(), "kCodecs must list every codec id in order");

}  // namespace

absl::Span<const CodecInfo> AllCodecs() { return kCodecs; }

const CodecInfo* FindCodec(CodecId id) {
  size_t i = static_cast<size_t>(id);
  return i < std::size(kCodecs) ? &kCodecs[i] : nullptr;
}

absl::Status CodecCorruption(absl::string_view what, CodecSpec spec, absl::string_view why) {
  return absl::DataLossError(absl::StrCat(what, ": ", CodecSpecToString(spec), ": ", why));
}

void PutDecodedSize(std::string* out, size_t decoded_bytes) { PutVarint64(out, decoded_bytes); }

bool ReadVarint(absl::Span<const uint8_t> in, size_t* pos, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (*pos >= in.size()) return false;
    uint8_t byte = in[(*pos)++];
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

absl::StatusOr<size_t> ReadDecodedSize(absl::Span<const uint8_t> in, size_t* pos,
                                       DecodedSizeLimit limit, absl::string_view what,
                                       CodecSpec spec) {
  uint64_t v = 0;
  if (!ReadVarint(in, pos, &v)) return CodecCorruption(what, spec, "bad decoded-size varint");
  if (limit.exact && v != limit.bytes) {
    return CodecCorruption(what, spec,
                           absl::StrCat("decoded size ", v, " but expected ", limit.bytes));
  }
  if (!limit.exact && v > limit.bytes) {
    return CodecCorruption(what, spec,
                           absl::StrCat("decoded size ", v, " exceeds the bound ", limit.bytes));
  }
  return static_cast<size_t>(v);
}

}  // namespace tally::format
