#include "format/double_delta_codec.h"

#include <algorithm>
#include <bit>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "format/bit_stream.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

// Differences of differences are bit-packed in groups of this many values, each group
// led by a 7-bit width (0..8w) of its zigzagged values.
constexpr size_t kGroupSize = 64;
constexpr int kGroupWidthBits = 7;

// x mod 2^B as a signed B-bit number, zigzagged: < 2^B.
template <typename T>
uint64_t ZigZagWrapped(T x) {
  return ZigZagEncode(static_cast<int64_t>(static_cast<std::make_signed_t<T>>(x)));
}

template <typename T>
void PackDeltaOfDeltas(const uint8_t* in, size_t n, BitWriter* w) {
  T prev = LoadElement<T>(in + sizeof(T));
  T prev_delta = static_cast<T>(prev - LoadElement<T>(in));
  uint64_t group[kGroupSize];
  for (size_t start = 2; start < n; start += kGroupSize) {
    size_t count = std::min(kGroupSize, n - start);
    uint64_t all_bits = 0;
    for (size_t j = 0; j < count; ++j) {
      T v = LoadElement<T>(in + (start + j) * sizeof(T));
      T delta = static_cast<T>(v - prev);
      group[j] = ZigZagWrapped<T>(static_cast<T>(delta - prev_delta));
      all_bits |= group[j];
      prev = v;
      prev_delta = delta;
    }
    int width = 64 - std::countl_zero(all_bits);
    w->Write(static_cast<uint64_t>(width), kGroupWidthBits);
    for (size_t j = 0; j < count; ++j) w->Write(group[j], width);
  }
}

template <typename T>
void EncodeValues(absl::Span<const uint8_t> in, size_t n, std::string* out) {
  if (n == 0) return;
  out->append(reinterpret_cast<const char*>(in.data()), sizeof(T));
  if (n == 1) return;
  T first = LoadElement<T>(in.data());
  T first_delta = static_cast<T>(LoadElement<T>(in.data() + sizeof(T)) - first);
  PutVarint64(out, ZigZagWrapped<T>(first_delta));
  BitWriter w(out);
  PackDeltaOfDeltas<T>(in.data(), n, &w);
  w.Finish();
}

// Reads groups of n - 2 differences of differences and writes values 2..n-1.
template <typename T>
absl::Status UnpackDeltaOfDeltas(BitReader* r, size_t n, T value, T delta, uint8_t* out,
                                 absl::string_view what, CodecSpec spec) {
  constexpr int kBits = 8 * sizeof(T);
  for (size_t start = 2; start < n; start += kGroupSize) {
    size_t count = std::min(kGroupSize, n - start);
    uint8_t* dst = out + start * sizeof(T);
    int width = static_cast<int>(r->Read(kGroupWidthBits));
    if (width > kBits) {
      return CodecCorruption(what, spec,
                             absl::StrCat("group at value ", start, ": width ", width,
                                          " exceeds ", kBits, " bits"));
    }
    if (width == 0) {  // constant stride: the common case for timestamps
      for (size_t j = 0; j < count; ++j) {
        value = static_cast<T>(value + delta);
        StoreElement<T>(dst + j * sizeof(T), value);
      }
    } else if (width <= 56) {
      for (size_t j = 0; j < count; ++j) {
        delta = static_cast<T>(delta + static_cast<T>(ZigZagDecode(r->Read(width))));
        value = static_cast<T>(value + delta);
        StoreElement<T>(dst + j * sizeof(T), value);
      }
    } else {
      for (size_t j = 0; j < count; ++j) {
        delta = static_cast<T>(delta + static_cast<T>(ZigZagDecode(r->ReadLong(width))));
        value = static_cast<T>(value + delta);
        StoreElement<T>(dst + j * sizeof(T), value);
      }
    }
  }
  return absl::OkStatus();
}

// Decodes n >= 1 values from in[pos..], which ends where the trailing bytes begin.
template <typename T>
absl::Status DecodeValues(absl::Span<const uint8_t> in, size_t pos, size_t n, uint8_t* out,
                          absl::string_view what, CodecSpec spec) {
  constexpr int kBits = 8 * sizeof(T);
  if (in.size() - pos < sizeof(T)) return CodecCorruption(what, spec, "truncated first value");
  T first = LoadElement<T>(in.data() + pos);
  pos += sizeof(T);
  StoreElement<T>(out, first);
  if (n == 1) {
    if (pos != in.size()) return CodecCorruption(what, spec, "bytes after the only value");
    return absl::OkStatus();
  }
  uint64_t zz;
  if (!ReadVarint(in, &pos, &zz)) return CodecCorruption(what, spec, "bad first difference");
  if (kBits < 64 && (zz >> (kBits % 64)) != 0) {
    return CodecCorruption(what, spec, "first difference wider than a value");
  }
  T delta = static_cast<T>(ZigZagDecode(zz));
  T value = static_cast<T>(first + delta);
  StoreElement<T>(out + sizeof(T), value);
  BitReader r(in.data() + pos, in.size() - pos);
  TALLY_RETURN_IF_ERROR(UnpackDeltaOfDeltas<T>(&r, n, value, delta, out, what, spec));
  if (r.overran()) return CodecCorruption(what, spec, "truncated bit stream");
  if (!r.AtCanonicalEnd()) {
    return CodecCorruption(what, spec, "bit stream does not end where its values do");
  }
  return absl::OkStatus();
}

// The smallest encoding of n values: the first value, a 1-byte varint, then 7 bits per
// group of 64. Checked before allocating for a claimed size.
uint64_t MinEncodedBytes(uint64_t n, uint64_t width) {
  if (n == 0) return 0;
  if (n == 1) return width;
  uint64_t groups = (n - 2 + kGroupSize - 1) / kGroupSize;
  return width + 1 + (groups * kGroupWidthBits + 7) / 8;
}

}  // namespace

bool DoubleDeltaParamOk(uint8_t param) {
  return param == 1 || param == 2 || param == 4 || param == 8;
}

// Layout: varint decoded size | first value (w bytes) | varint zigzag first difference |
// bit stream of groups, zero-padded to a byte | trailing bytes. Parts for values that do
// not exist (n < 2, n < 3) are left out.
void DoubleDeltaEncode(uint8_t width, absl::Span<const uint8_t> in, std::string* out) {
  out->clear();
  out->reserve(in.size() / 4 + 32);
  PutDecodedSize(out, in.size());
  size_t n = in.size() / width;
  switch (width) {
    case 1: EncodeValues<uint8_t>(in, n, out); break;
    case 2: EncodeValues<uint16_t>(in, n, out); break;
    case 4: EncodeValues<uint32_t>(in, n, out); break;
    default: EncodeValues<uint64_t>(in, n, out); break;
  }
  out->append(reinterpret_cast<const char*>(in.data()) + n * width, in.size() - n * width);
}

absl::Status DoubleDeltaDecode(CodecSpec spec, absl::Span<const uint8_t> in,
                               DecodedSizeLimit limit, absl::string_view what,
                               PodVector<uint8_t>* out) {
  if (!DoubleDeltaParamOk(spec.param)) return CodecCorruption(what, spec, "bad width");
  size_t pos = 0;
  TALLY_ASSIGN_OR_RETURN(size_t size, ReadDecodedSize(in, &pos, limit, what, spec));
  const size_t width = spec.param;
  const size_t n = size / width;
  const size_t tail = size - n * width;
  if (in.size() - pos < tail) {
    return CodecCorruption(what, spec, absl::StrCat("truncated: ", tail, " trailing bytes"));
  }
  absl::Span<const uint8_t> values = in.first(in.size() - tail);
  if (values.size() - pos < MinEncodedBytes(n, width)) {
    return CodecCorruption(what, spec, absl::StrCat(values.size() - pos,
                                                    " bytes cannot hold ", n, " values"));
  }
  out->resize(size);
  if (n > 0) {
    switch (width) {
      case 1:
        TALLY_RETURN_IF_ERROR(DecodeValues<uint8_t>(values, pos, n, out->data(), what, spec));
        break;
      case 2:
        TALLY_RETURN_IF_ERROR(DecodeValues<uint16_t>(values, pos, n, out->data(), what, spec));
        break;
      case 4:
        TALLY_RETURN_IF_ERROR(DecodeValues<uint32_t>(values, pos, n, out->data(), what, spec));
        break;
      default:
        TALLY_RETURN_IF_ERROR(DecodeValues<uint64_t>(values, pos, n, out->data(), what, spec));
        break;
    }
  } else if (pos != values.size()) {
    return CodecCorruption(what, spec, "bytes where no values are");
  }
  if (tail > 0) std::memcpy(out->data() + n * width, in.data() + in.size() - tail, tail);
  return absl::OkStatus();
}

// Worst case: header, first value, a 10-byte varint, every value at full width plus a
// 7-bit width per 64 values, padding.
size_t DoubleDeltaMaxEncodedBytes(uint8_t, size_t raw_bytes) {
  return SaturatingAdd(SaturatingAdd(raw_bytes, raw_bytes / 64), 64);
}

}  // namespace tally::format
