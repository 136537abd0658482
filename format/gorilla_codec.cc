#include "format/gorilla_codec.h"

#include <algorithm>
#include <bit>

#include "absl/strings/str_cat.h"
#include "format/bit_stream.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

// Per value after the first, with B = 8 * width bits per value and L = 5 (B = 32) or
// 6 (B = 64) bits for a length:
//   '0'                              same value as the previous one
//   '10' <window bits>               XOR fits the previous window: its bits within it
//   '11' <leading:5> <length-1:L> <length bits>   a new window
// Leading zeros are capped at 31 so they fit in 5 bits, as in the Gorilla paper.
template <typename T>
struct GorillaTraits {
  static constexpr int kBits = 8 * sizeof(T);
  static constexpr int kLengthBits = sizeof(T) == 8 ? 6 : 5;
};

template <typename T>
void GorillaEncodeValues(const uint8_t* in, size_t n, BitWriter* w) {
  using Traits = GorillaTraits<T>;
  if (n == 0) return;
  T prev = LoadElement<T>(in);
  w->Write(prev, Traits::kBits);
  int window_lead = -1;  // no window yet
  int window_trail = 0;
  int window_len = 0;
  for (size_t i = 1; i < n; ++i) {
    T v = LoadElement<T>(in + i * sizeof(T));
    T x = v ^ prev;
    prev = v;
    if (x == 0) {
      w->Write(0, 1);
      continue;
    }
    int lead = std::min(std::countl_zero(x), 31);
    int trail = std::countr_zero(x);
    if (window_lead >= 0 && lead >= window_lead && trail >= window_trail) {
      w->Write(0b10, 2);
      w->Write(x >> window_trail, window_len);
      continue;
    }
    int len = Traits::kBits - lead - trail;
    w->Write(0b11, 2);
    w->Write(static_cast<uint64_t>(lead), 5);
    w->Write(static_cast<uint64_t>(len - 1), Traits::kLengthBits);
    w->Write(x >> trail, len);
    window_lead = lead;
    window_trail = trail;
    window_len = len;
  }
}

template <typename T>
absl::Status GorillaDecodeValues(BitReader* r, size_t n, uint8_t* out, absl::string_view what,
                                 CodecSpec spec) {
  using Traits = GorillaTraits<T>;
  if (n == 0) return absl::OkStatus();
  T prev = static_cast<T>(r->ReadLong(Traits::kBits));
  StoreElement<T>(out, prev);
  int window_trail = -1;  // no window yet
  int window_len = 0;
  for (size_t i = 1; i < n; ++i) {
    if (r->Read(1) != 0) {
      if (r->Read(1) != 0) {
        int lead = static_cast<int>(r->Read(5));
        int len = static_cast<int>(r->Read(Traits::kLengthBits)) + 1;
        if (lead + len > Traits::kBits) {
          return CodecCorruption(what, spec,
                                 absl::StrCat("value ", i, ": window of ", lead, " + ", len,
                                              " bits exceeds ", Traits::kBits));
        }
        window_trail = Traits::kBits - lead - len;
        window_len = len;
      } else if (window_trail < 0) {
        return CodecCorruption(what, spec,
                               absl::StrCat("value ", i, ": reuses a window before any"));
      }
      prev ^= static_cast<T>(r->ReadLong(window_len) << window_trail);
    }
    StoreElement<T>(out + i * sizeof(T), prev);
  }
  return absl::OkStatus();
}

}  // namespace

bool GorillaParamOk(uint8_t param) { return param == 4 || param == 8; }

// Layout: varint decoded size | bit stream, zero-padded to a byte | trailing bytes.
void GorillaEncode(uint8_t width, absl::Span<const uint8_t> in, std::string* out) {
  out->clear();
  out->reserve(in.size() + in.size() / 8 + 16);
  PutDecodedSize(out, in.size());
  size_t n = in.size() / width;
  BitWriter w(out);
  if (width == 4) {
    GorillaEncodeValues<uint32_t>(in.data(), n, &w);
  } else {
    GorillaEncodeValues<uint64_t>(in.data(), n, &w);
  }
  w.Finish();
  out->append(reinterpret_cast<const char*>(in.data()) + n * width, in.size() - n * width);
}

absl::Status GorillaDecode(CodecSpec spec, absl::Span<const uint8_t> in, DecodedSizeLimit limit,
                           absl::string_view what, PodVector<uint8_t>* out) {
  if (!GorillaParamOk(spec.param)) return CodecCorruption(what, spec, "bad width");
  size_t pos = 0;
  TALLY_ASSIGN_OR_RETURN(size_t size, ReadDecodedSize(in, &pos, limit, what, spec));
  const size_t width = spec.param;
  const size_t n = size / width;
  const size_t tail = size - n * width;
  if (in.size() - pos < tail) {
    return CodecCorruption(what, spec, absl::StrCat("truncated: ", tail, " trailing bytes"));
  }
  const size_t stream_bytes = in.size() - pos - tail;
  // Every value costs at least one bit and the first 8 * width, so a claimed size the bit
  // stream cannot hold is refused before allocating for it.
  if (n > 0 && stream_bytes < width + (n - 1 + 7) / 8) {
    return CodecCorruption(what, spec,
                           absl::StrCat(stream_bytes, " bytes of bit stream cannot hold ", n,
                                        " values"));
  }
  out->resize(size);
  BitReader r(in.data() + pos, stream_bytes);
  if (width == 4) {
    TALLY_RETURN_IF_ERROR(GorillaDecodeValues<uint32_t>(&r, n, out->data(), what, spec));
  } else {
    TALLY_RETURN_IF_ERROR(GorillaDecodeValues<uint64_t>(&r, n, out->data(), what, spec));
  }
  if (r.overran()) return CodecCorruption(what, spec, "truncated bit stream");
  if (!r.AtCanonicalEnd()) {
    return CodecCorruption(what, spec, "bit stream does not end where its values do");
  }
  if (tail > 0) std::memcpy(out->data() + n * width, in.data() + in.size() - tail, tail);
  return absl::OkStatus();
}

// A value costs at most 2 + 5 + 6 + 64 bits (B = 64) or 2 + 5 + 5 + 32 (B = 32): under
// 1.5 times its width.
size_t GorillaMaxEncodedBytes(uint8_t, size_t raw_bytes) {
  return SaturatingAdd(SaturatingAdd(raw_bytes, raw_bytes / 2), 32);
}

}  // namespace tally::format
