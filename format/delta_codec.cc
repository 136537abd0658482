#include "format/delta_codec.h"

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

template <typename T>
void DeltaEncodeElements(const uint8_t* in, size_t n, uint8_t* out) {
  T prev = 0;
  for (size_t i = 0; i < n; ++i) {
    T v = LoadElement<T>(in + i * sizeof(T));
    StoreElement<T>(out + i * sizeof(T), static_cast<T>(v - prev));
    prev = v;
  }
}

// A prefix sum: the loop-carried dependency is one add per element, and loads and stores
// pipeline around it.
template <typename T>
void DeltaDecodeElements(const uint8_t* __restrict in, size_t n, uint8_t* __restrict out) {
  T acc = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    T d0 = LoadElement<T>(in + (i + 0) * sizeof(T));
    T d1 = LoadElement<T>(in + (i + 1) * sizeof(T));
    T d2 = LoadElement<T>(in + (i + 2) * sizeof(T));
    T d3 = LoadElement<T>(in + (i + 3) * sizeof(T));
    T s01 = static_cast<T>(d0 + d1);
    T s23 = static_cast<T>(d2 + d3);
    StoreElement<T>(out + (i + 0) * sizeof(T), static_cast<T>(acc + d0));
    StoreElement<T>(out + (i + 1) * sizeof(T), static_cast<T>(acc + s01));
    StoreElement<T>(out + (i + 2) * sizeof(T), static_cast<T>(acc + s01 + d2));
    acc = static_cast<T>(acc + static_cast<T>(s01 + s23));
    StoreElement<T>(out + (i + 3) * sizeof(T), acc);
  }
  for (; i < n; ++i) {
    acc = static_cast<T>(acc + LoadElement<T>(in + i * sizeof(T)));
    StoreElement<T>(out + i * sizeof(T), acc);
  }
}

template <typename Fn8, typename Fn16, typename Fn32, typename Fn64>
void DispatchWidth(uint8_t width, Fn8 f8, Fn16 f16, Fn32 f32, Fn64 f64) {
  switch (width) {
    case 1: return f8();
    case 2: return f16();
    case 4: return f32();
    default: return f64();
  }
}

}  // namespace

bool DeltaParamOk(uint8_t param) { return param == 1 || param == 2 || param == 4 || param == 8; }

// Layout: varint decoded size | first element | (n - 1) differences | trailing bytes.
void DeltaEncode(uint8_t width, absl::Span<const uint8_t> in, std::string* out) {
  out->clear();
  PutDecodedSize(out, in.size());
  size_t header = out->size();
  out->resize(header + in.size());
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data()) + header;
  size_t n = in.size() / width;
  size_t body = n * width;
  DispatchWidth(
      width, [&] { DeltaEncodeElements<uint8_t>(in.data(), n, dst); },
      [&] { DeltaEncodeElements<uint16_t>(in.data(), n, dst); },
      [&] { DeltaEncodeElements<uint32_t>(in.data(), n, dst); },
      [&] { DeltaEncodeElements<uint64_t>(in.data(), n, dst); });
  if (in.size() > body) std::memcpy(dst + body, in.data() + body, in.size() - body);
}

absl::Status DeltaDecode(CodecSpec spec, absl::Span<const uint8_t> in, DecodedSizeLimit limit,
                         absl::string_view what, PodVector<uint8_t>* out) {
  if (!DeltaParamOk(spec.param)) return CodecCorruption(what, spec, "bad width");
  size_t pos = 0;
  TALLY_ASSIGN_OR_RETURN(size_t size, ReadDecodedSize(in, &pos, limit, what, spec));
  if (in.size() - pos != size) {
    return CodecCorruption(what, spec,
                           absl::StrCat("decoded size ", size, " but ", in.size() - pos,
                                        " bytes of differences"));
  }
  out->resize(size);
  const uint8_t* src = in.data() + pos;
  uint8_t* dst = out->data();
  uint8_t width = spec.param;
  size_t n = size / width;
  size_t body = n * width;
  DispatchWidth(
      width, [&] { DeltaDecodeElements<uint8_t>(src, n, dst); },
      [&] { DeltaDecodeElements<uint16_t>(src, n, dst); },
      [&] { DeltaDecodeElements<uint32_t>(src, n, dst); },
      [&] { DeltaDecodeElements<uint64_t>(src, n, dst); });
  if (size > body) std::memcpy(dst + body, src + body, size - body);
  return absl::OkStatus();
}

size_t DeltaMaxEncodedBytes(uint8_t, size_t raw_bytes) { return SaturatingAdd(raw_bytes, 10); }

}  // namespace tally::format
