#include "engine/exec/hash_algorithms.h"

#include <xxhash.h>

#include <bit>
#include <cstring>
#include <utility>

namespace tally::engine::exec {
namespace {

// --- Shared pieces -------------------------------------------------------------------------

uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}

uint8_t Byte(const char* p) { return static_cast<uint8_t>(*p); }

uint64_t RotateRight(uint64_t v, int shift) {
  return shift == 0 ? v : (v >> shift) | (v << (64 - shift));
}
uint64_t RotateLeft(uint64_t v, int shift) {
  return shift == 0 ? v : (v << shift) | (v >> (64 - shift));
}
uint32_t RotateLeft32(uint32_t v, int shift) {
  return shift == 0 ? v : (v << shift) | (v >> (32 - shift));
}

uint64_t ShiftMix(uint64_t v) { return v ^ (v >> 47); }

// Murmur3's 64-bit finalizer (also ClickHouse's intHash64).
uint64_t Fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

uint32_t Fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

// The multiply-xorshift mix of CityHash's HashLen16, with its multiplier as a parameter
// (FarmHash varies it with the length).
uint64_t Mix128(uint64_t low, uint64_t high, uint64_t mul) {
  uint64_t a = (low ^ high) * mul;
  a ^= a >> 47;
  uint64_t b = (high ^ a) * mul;
  b ^= b >> 47;
  return b * mul;
}

constexpr uint64_t kMul128 = 0x9ddfea08eb382d69ULL;

// CityHash and FarmHash share these primes.
constexpr uint64_t k0 = 0xc3a5c85c97cb3127ULL;
constexpr uint64_t k1 = 0xb492b66fbe98f273ULL;
constexpr uint64_t k2 = 0x9ae16a3b2f90404fULL;
constexpr uint64_t k3 = 0xc949d7c7509e6557ULL;

using Pair = std::pair<uint64_t, uint64_t>;

// 32 bytes (w, x, y, z) into two words with seeds a and b; CityHash and FarmHash's inner
// loop step.
Pair WeakHash32(uint64_t w, uint64_t x, uint64_t y, uint64_t z, uint64_t a, uint64_t b) {
  a += w;
  b = RotateRight(b + a + z, 21);
  const uint64_t c = a;
  a += x;
  a += y;
  b += RotateRight(a, 44);
  return {a + z, b + c};
}

Pair WeakHash32(const char* s, uint64_t a, uint64_t b) {
  return WeakHash32(Load64(s), Load64(s + 8), Load64(s + 16), Load64(s + 24), a, b);
}

// --- CityHash v1.0.2 -------------------------------------------------------------------------

uint64_t CityLen0To16(const char* s, size_t len) {
  if (len > 8) {
    const uint64_t a = Load64(s);
    const uint64_t b = Load64(s + len - 8);
    // RotateByAtLeast1 in CityHash: len is 9..16 here, never 0.
    return Mix128(a, RotateRight(b + len, static_cast<int>(len)), kMul128) ^ b;
  }
  if (len >= 4) {
    const uint64_t a = Load32(s);
    return Mix128(len + (a << 3), Load32(s + len - 4), kMul128);
  }
  if (len > 0) {
    const uint32_t y = uint32_t{Byte(s)} + (uint32_t{Byte(s + (len >> 1))} << 8);
    const uint32_t z = static_cast<uint32_t>(len) + (uint32_t{Byte(s + len - 1)} << 2);
    return ShiftMix(y * k2 ^ z * k3) * k2;
  }
  return k2;
}

uint64_t CityLen17To32(const char* s, size_t len) {
  const uint64_t a = Load64(s) * k1;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * k2;
  const uint64_t d = Load64(s + len - 16) * k0;
  return Mix128(RotateRight(a - b, 43) + RotateRight(c, 30) + d,
                a + RotateRight(b ^ k3, 20) - c + len, kMul128);
}

uint64_t CityLen33To64(const char* s, size_t len) {
  uint64_t z = Load64(s + 24);
  uint64_t a = Load64(s) + (len + Load64(s + len - 16)) * k0;
  uint64_t b = RotateRight(a + z, 52);
  uint64_t c = RotateRight(a, 37);
  a += Load64(s + 8);
  c += RotateRight(a, 7);
  a += Load64(s + 16);
  const uint64_t vf = a + z;
  const uint64_t vs = b + RotateRight(a, 31) + c;
  a = Load64(s + 16) + Load64(s + len - 32);
  z = Load64(s + len - 8);
  b = RotateRight(a + z, 52);
  c = RotateRight(a, 37);
  a += Load64(s + len - 24);
  c += RotateRight(a, 7);
  a += Load64(s + len - 16);
  const uint64_t wf = a + z;
  const uint64_t ws = b + RotateRight(a, 31) + c;
  const uint64_t r = ShiftMix((vf + ws) * k2 + (wf + vs) * k0);
  return ShiftMix(r * k0 + vs) * k2;
}

// Over 64 bytes: the last 64 bytes seed 56 bytes of state, then 64-byte chunks from the
// start (the last chunk overlaps the tail when the length is not a multiple of 64).
uint64_t CityLong(const char* s, size_t len) {
  uint64_t x = Load64(s);
  uint64_t y = Load64(s + len - 16) ^ k1;
  uint64_t z = Load64(s + len - 56) ^ k0;
  Pair v = WeakHash32(s + len - 64, len, y);
  Pair w = WeakHash32(s + len - 32, len * k1, k0);
  z += ShiftMix(v.second) * k1;
  x = RotateRight(z + x, 39) * k1;
  y = RotateRight(y, 33) * k1;
  size_t chunks = (len - 1) / 64;
  do {
    x = RotateRight(x + y + v.first + Load64(s + 16), 37) * k1;
    y = RotateRight(y + v.second + Load64(s + 48), 42) * k1;
    x ^= w.second;
    y ^= v.first;
    z = RotateRight(z ^ w.first, 33);
    v = WeakHash32(s, v.second * k1, x + w.first);
    w = WeakHash32(s + 32, z + w.second, y);
    std::swap(z, x);
    s += 64;
  } while (--chunks != 0);
  return Mix128(Mix128(v.first, w.first, kMul128) + ShiftMix(y) * k1 + z,
                Mix128(v.second, w.second, kMul128) + x, kMul128);
}

// --- FarmHash Fingerprint64 (farmhashna) -------------------------------------------------------

uint64_t FarmLen0To16(const char* s, size_t len) {
  if (len >= 8) {
    const uint64_t mul = k2 + len * 2;
    const uint64_t a = Load64(s) + k2;
    const uint64_t b = Load64(s + len - 8);
    const uint64_t c = RotateRight(b, 37) * mul + a;
    const uint64_t d = (RotateRight(a, 25) + b) * mul;
    return Mix128(c, d, mul);
  }
  if (len >= 4) {
    const uint64_t mul = k2 + len * 2;
    const uint64_t a = Load32(s);
    return Mix128(len + (a << 3), Load32(s + len - 4), mul);
  }
  if (len > 0) {
    const uint32_t y = uint32_t{Byte(s)} + (uint32_t{Byte(s + (len >> 1))} << 8);
    const uint32_t z = static_cast<uint32_t>(len) + (uint32_t{Byte(s + len - 1)} << 2);
    return ShiftMix(y * k2 ^ z * k0) * k2;
  }
  return k2;
}

uint64_t FarmLen17To32(const char* s, size_t len) {
  const uint64_t mul = k2 + len * 2;
  const uint64_t a = Load64(s) * k1;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * mul;
  const uint64_t d = Load64(s + len - 16) * k2;
  return Mix128(RotateRight(a + b, 43) + RotateRight(c, 30) + d,
                a + RotateRight(b + k2, 18) + c, mul);
}

uint64_t FarmLen33To64(const char* s, size_t len) {
  const uint64_t mul = k2 + len * 2;
  const uint64_t a = Load64(s) * k2;
  const uint64_t b = Load64(s + 8);
  const uint64_t c = Load64(s + len - 8) * mul;
  const uint64_t d = Load64(s + len - 16) * k2;
  const uint64_t y = RotateRight(a + b, 43) + RotateRight(c, 30) + d;
  const uint64_t z = Mix128(y, a + RotateRight(b + k2, 18) + c, mul);
  const uint64_t e = Load64(s + 16) * mul;
  const uint64_t f = Load64(s + 24);
  const uint64_t g = (y + Load64(s + len - 32)) * mul;
  const uint64_t h = (z + Load64(s + len - 24)) * mul;
  return Mix128(RotateRight(e + f, 43) + RotateRight(g, 30) + h,
                e + RotateRight(f + a, 18) + g, mul);
}

// Over 64 bytes: 64-byte chunks from the start while more than 64 bytes remain, then the
// last 64 bytes (overlapping) with a multiplier drawn from the state.
uint64_t FarmLong(const char* s, size_t len) {
  constexpr uint64_t kSeed = 81;
  uint64_t x = kSeed;
  uint64_t y = kSeed * k1 + 113;
  uint64_t z = ShiftMix(y * k2 + 113) * k2;
  Pair v{0, 0};
  Pair w{0, 0};
  x = x * k2 + Load64(s);
  const char* end = s + ((len - 1) / 64) * 64;
  const char* last64 = s + len - 64;
  do {
    x = RotateRight(x + y + v.first + Load64(s + 8), 37) * k1;
    y = RotateRight(y + v.second + Load64(s + 48), 42) * k1;
    x ^= w.second;
    y += v.first + Load64(s + 40);
    z = RotateRight(z + w.first, 33) * k1;
    v = WeakHash32(s, v.second * k1, x + w.first);
    w = WeakHash32(s + 32, z + w.second, y + Load64(s + 16));
    std::swap(z, x);
    s += 64;
  } while (s != end);
  const uint64_t mul = k1 + ((z & 0xff) << 1);
  s = last64;
  w.first += (len - 1) & 63;
  v.first += w.first;
  w.first += v.first;
  x = RotateRight(x + y + v.first + Load64(s + 8), 37) * mul;
  y = RotateRight(y + v.second + Load64(s + 48), 42) * mul;
  x ^= w.second * 9;
  y += v.first * 9 + Load64(s + 40);
  z = RotateRight(z + w.first, 33) * mul;
  v = WeakHash32(s, v.second * mul, x + w.first);
  w = WeakHash32(s + 32, z + w.second, y + Load64(s + 16));
  std::swap(z, x);
  return Mix128(Mix128(v.first, w.first, mul) + ShiftMix(y) * k0 + z,
                Mix128(v.second, w.second, mul) + x, mul);
}

// --- SipHash-2-4 -------------------------------------------------------------------------------

struct SipState {
  // The key is all zeros, so the initial state is the four constants themselves.
  uint64_t v0 = 0x736f6d6570736575ULL;
  uint64_t v1 = 0x646f72616e646f6dULL;
  uint64_t v2 = 0x6c7967656e657261ULL;
  uint64_t v3 = 0x7465646279746573ULL;

  void Round() {
    v0 += v1;
    v1 = RotateLeft(v1, 13);
    v1 ^= v0;
    v0 = RotateLeft(v0, 32);
    v2 += v3;
    v3 = RotateLeft(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = RotateLeft(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = RotateLeft(v1, 17);
    v1 ^= v2;
    v2 = RotateLeft(v2, 32);
  }
  void Absorb(uint64_t m) {
    v3 ^= m;
    Round();
    Round();
    v0 ^= m;
  }
};

}  // namespace

uint64_t CityHash64(absl::string_view bytes) {
  const char* s = bytes.data();
  const size_t len = bytes.size();
  if (len <= 16) return CityLen0To16(s, len);
  if (len <= 32) return CityLen17To32(s, len);
  if (len <= 64) return CityLen33To64(s, len);
  return CityLong(s, len);
}

uint64_t FarmFingerprint64(absl::string_view bytes) {
  const char* s = bytes.data();
  const size_t len = bytes.size();
  if (len <= 16) return FarmLen0To16(s, len);
  if (len <= 32) return FarmLen17To32(s, len);
  if (len <= 64) return FarmLen33To64(s, len);
  return FarmLong(s, len);
}

namespace {

// SipHash-2-4 over `bytes` up to (not including) the output step.
SipState SipFinalized(absl::string_view bytes) {
  SipState st;
  const char* s = bytes.data();
  const size_t len = bytes.size();
  const size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) st.Absorb(Load64(s + i));
  // The last word: the remaining bytes, and the length's low byte on top.
  uint64_t last = uint64_t{static_cast<uint8_t>(len)} << 56;
  for (size_t i = whole; i < len; ++i) last |= uint64_t{Byte(s + i)} << (8 * (i - whole));
  st.Absorb(last);
  st.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) st.Round();
  return st;
}

}  // namespace

uint64_t SipHash64(absl::string_view bytes) {
  SipState st = SipFinalized(bytes);
  return st.v0 ^ st.v1 ^ st.v2 ^ st.v3;
}

std::array<uint8_t, 16> SipHash128(absl::string_view bytes) {
  SipState st = SipFinalized(bytes);
  const uint64_t halves[2] = {st.v0 ^ st.v1, st.v2 ^ st.v3};
  std::array<uint8_t, 16> out;
  for (int h = 0; h < 2; ++h) {
    for (int i = 0; i < 8; ++i) out[h * 8 + i] = static_cast<uint8_t>(halves[h] >> (8 * i));
  }
  return out;
}

uint64_t MurmurHash3_64(absl::string_view bytes) {
  constexpr uint64_t c1 = 0x87c37b91114253d5ULL;
  constexpr uint64_t c2 = 0x4cf5ad432745937fULL;
  const char* s = bytes.data();
  const size_t len = bytes.size();
  uint64_t h1 = 0, h2 = 0;
  const size_t whole = len & ~size_t{15};
  for (size_t i = 0; i < whole; i += 16) {
    uint64_t a = Load64(s + i), b = Load64(s + i + 8);
    h1 ^= RotateLeft(a * c1, 31) * c2;
    h1 = (RotateLeft(h1, 27) + h2) * 5 + 0x52dce729;
    h2 ^= RotateLeft(b * c2, 33) * c1;
    h2 = (RotateLeft(h2, 31) + h1) * 5 + 0x38495ab5;
  }
  // The tail: up to 8 bytes into a, the rest into b.
  uint64_t a = 0, b = 0;
  for (size_t i = whole; i < len; ++i) {
    const size_t at = i - whole;
    if (at < 8) {
      a |= uint64_t{Byte(s + i)} << (8 * at);
    } else {
      b |= uint64_t{Byte(s + i)} << (8 * (at - 8));
    }
  }
  if (len - whole > 8) h2 ^= RotateLeft(b * c2, 33) * c1;
  if (len - whole > 0) h1 ^= RotateLeft(a * c1, 31) * c2;
  h1 ^= len;
  h2 ^= len;
  h1 += h2;
  h2 += h1;
  h1 = Fmix64(h1);
  h2 = Fmix64(h2);
  h1 += h2;
  h2 += h1;
  return h1 ^ h2;
}

uint32_t MurmurHash3_32(absl::string_view bytes) {
  constexpr uint32_t c1 = 0xcc9e2d51u;
  constexpr uint32_t c2 = 0x1b873593u;
  const char* s = bytes.data();
  const size_t len = bytes.size();
  uint32_t h = 0;
  const size_t whole = len & ~size_t{3};
  for (size_t i = 0; i < whole; i += 4) {
    h ^= RotateLeft32(Load32(s + i) * c1, 15) * c2;
    h = RotateLeft32(h, 13) * 5 + 0xe6546b64u;
  }
  uint32_t k = 0;
  for (size_t i = whole; i < len; ++i) k |= uint32_t{Byte(s + i)} << (8 * (i - whole));
  if (len > whole) h ^= RotateLeft32(k * c1, 15) * c2;
  h ^= static_cast<uint32_t>(len);
  return Fmix32(h);
}

uint64_t XxHash64(absl::string_view bytes) { return XXH64(bytes.data(), bytes.size(), 0); }
uint32_t XxHash32(absl::string_view bytes) { return XXH32(bytes.data(), bytes.size(), 0); }
uint64_t Xxh3(absl::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

uint64_t Hash128To64(uint64_t low, uint64_t high) { return Mix128(low, high, kMul128); }

uint64_t FarmFingerprint128(uint64_t low, uint64_t high) {
  uint64_t a = (low ^ high) * kMul128;
  a ^= a >> 47;
  uint64_t b = (high ^ a) * kMul128;
  b ^= b >> 44;
  b *= kMul128;
  b ^= b >> 41;
  return b * kMul128;
}

uint64_t IntHash64(uint64_t x) { return Fmix64(x ^ 0x4cf2d2baae6da887ULL); }

uint32_t IntHash32(uint64_t x) {
  x ^= 0x75d9543de018bf45ULL;
  x = ~x + (x << 18);
  x ^= RotateRight(x, 31);
  x *= 21;
  x ^= RotateRight(x, 11);
  x += x << 6;
  x ^= RotateRight(x, 22);
  return static_cast<uint32_t>(x);
}

}  // namespace tally::engine::exec
