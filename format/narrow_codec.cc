#include "format/narrow_codec.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

// Layout: varint decoded size | u8 stored width s | base (w bytes) | n elements of s
// bytes, each (value - base) mod 2^(8w) | trailing partial element.
template <typename T>
uint8_t ChooseBase(const uint8_t* in, size_t n, T* base) {
  using S = std::make_signed_t<T>;
  T umin = ~T{0}, umax = 0;
  S smin = std::numeric_limits<S>::max(), smax = std::numeric_limits<S>::min();
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, in + i * sizeof(T), sizeof(T));
    umin = std::min(umin, v);
    umax = std::max(umax, v);
    smin = std::min(smin, static_cast<S>(v));
    smax = std::max(smax, static_cast<S>(v));
  }
  if (n == 0) {
    *base = 0;
    return 1;
  }
  T urange = umax - umin;
  T srange = static_cast<T>(static_cast<T>(smax) - static_cast<T>(smin));
  T range = std::min(urange, srange);
  *base = urange <= srange ? umin : static_cast<T>(smin);
  if (range <= 0xff) return 1;
  if (sizeof(T) > 2 && range <= 0xffff) return 2;
  if (sizeof(T) > 4 && range <= 0xffffffffull) return 4;
  return sizeof(T);
}

template <typename T, typename D>
void Pack(const uint8_t* in, size_t n, T base, uint8_t* out) {
  D* dst = reinterpret_cast<D*>(out);
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, in + i * sizeof(T), sizeof(T));
    D d = static_cast<D>(static_cast<T>(v - base));
    std::memcpy(dst + i, &d, sizeof(D));
  }
}

template <typename T, typename D>
void Unpack(const uint8_t* __restrict in, size_t n, T base, uint8_t* __restrict out) {
  for (size_t i = 0; i < n; ++i) {
    D d;
    std::memcpy(&d, in + i * sizeof(D), sizeof(D));
    T v = static_cast<T>(base + static_cast<T>(d));
    std::memcpy(out + i * sizeof(T), &v, sizeof(T));
  }
}

template <typename T>
void EncodeT(absl::Span<const uint8_t> in, std::string* out) {
  const size_t n = in.size() / sizeof(T);
  T base;
  const uint8_t s = ChooseBase<T>(in.data(), n, &base);
  out->push_back(static_cast<char>(s));
  out->append(reinterpret_cast<const char*>(&base), sizeof(T));
  size_t at = out->size();
  out->resize(at + n * s + (in.size() - n * sizeof(T)));
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + at;
  switch (s) {
    case 1:
      Pack<T, uint8_t>(in.data(), n, base, dst);
      break;
    case 2:
      Pack<T, uint16_t>(in.data(), n, base, dst);
      break;
    case 4:
      Pack<T, uint32_t>(in.data(), n, base, dst);
      break;
    default:
      Pack<T, uint64_t>(in.data(), n, base, dst);
      break;
  }
  if (in.size() > n * sizeof(T)) std::memcpy(dst + n * s, in.data() + n * sizeof(T), in.size() - n * sizeof(T));
}

template <typename T>
absl::Status DecodeT(CodecSpec spec, absl::Span<const uint8_t> in, size_t pos, size_t size,
                     absl::string_view what, PodVector<uint8_t>* out) {
  if (in.size() - pos < 1 + sizeof(T)) return CodecCorruption(what, spec, "truncated header");
  const uint8_t s = in[pos++];
  if (!(s == 1 || s == 2 || s == 4 || s == 8) || s > sizeof(T)) {
    return CodecCorruption(what, spec, absl::StrCat("stored width ", s));
  }
  T base;
  std::memcpy(&base, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  const size_t n = size / sizeof(T);
  const size_t tail = size - n * sizeof(T);
  if (in.size() - pos != n * s + tail) {
    return CodecCorruption(what, spec, absl::StrCat(in.size() - pos, " payload bytes for ", n, " elements of ",
                                                    static_cast<int>(s), " bytes"));
  }
  out->resize(size);
  const uint8_t* src = in.data() + pos;
  switch (s) {
    case 1:
      Unpack<T, uint8_t>(src, n, base, out->data());
      break;
    case 2:
      Unpack<T, uint16_t>(src, n, base, out->data());
      break;
    case 4:
      Unpack<T, uint32_t>(src, n, base, out->data());
      break;
    default:
      Unpack<T, uint64_t>(src, n, base, out->data());
      break;
  }
  if (tail > 0) std::memcpy(out->data() + n * sizeof(T), src + n * s, tail);  // empty: data() may be null
  return absl::OkStatus();
}

}  // namespace

bool NarrowParamOk(uint8_t param) { return param == 2 || param == 4 || param == 8; }

void NarrowEncode(uint8_t width, absl::Span<const uint8_t> in, std::string* out) {
  out->clear();
  PutDecodedSize(out, in.size());
  switch (width) {
    case 2:
      EncodeT<uint16_t>(in, out);
      return;
    case 4:
      EncodeT<uint32_t>(in, out);
      return;
    default:
      EncodeT<uint64_t>(in, out);
      return;
  }
}

absl::Status NarrowDecode(CodecSpec spec, absl::Span<const uint8_t> in, DecodedSizeLimit limit,
                          absl::string_view what, PodVector<uint8_t>* out) {
  if (!NarrowParamOk(spec.param)) return CodecCorruption(what, spec, "bad width");
  size_t pos = 0;
  TALLY_ASSIGN_OR_RETURN(size_t size, ReadDecodedSize(in, &pos, limit, what, spec));
  switch (spec.param) {
    case 2:
      return DecodeT<uint16_t>(spec, in, pos, size, what, out);
    case 4:
      return DecodeT<uint32_t>(spec, in, pos, size, what, out);
    default:
      return DecodeT<uint64_t>(spec, in, pos, size, what, out);
  }
}

size_t NarrowMaxEncodedBytes(uint8_t, size_t raw_bytes) { return SaturatingAdd(raw_bytes, 10 + 1 + 8); }

}  // namespace tally::format
