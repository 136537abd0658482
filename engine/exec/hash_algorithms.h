// Non-cryptographic hash algorithms over bytes, each giving exactly the values ClickHouse's
// hash functions give for one String (engine/exec/hash_functions.cc builds the SQL functions,
// with ClickHouse's rules for numbers, arrays and several arguments, on top of these).
//
//   CityHash64         CityHash v1.0.2 (the version ClickHouse froze: later CityHash
//                      releases changed the values)
//   SipHash64          SipHash-2-4 with the all-zero 128-bit key
//   MurmurHash3_64     MurmurHash3_x64_128, seed 0, the two 64-bit halves XORed
//   MurmurHash3_32     MurmurHash3_x86_32, seed 0
//   XxHash64/XxHash32  XXH64 / XXH32 with seed 0 (libxxhash)
//   Xxh3               XXH3_64bits, no seed (libxxhash)
//   FarmFingerprint64  FarmHash's Fingerprint64 (farmhashna::Hash64)
//   IntHash64/32       ClickHouse's intHash64 / intHash32 of a 64-bit integer
//   Hash128To64        CityHash's 128-to-64-bit mix
//   FarmFingerprint128 FarmHash's Fingerprint of a 128-bit value
//
// Multi-byte words are read little-endian whatever the machine, through memcpy (no
// alignment is assumed). All arithmetic is on unsigned integers. Pure functions; thread-safe.
#ifndef TALLY_ENGINE_EXEC_HASH_ALGORITHMS_H_
#define TALLY_ENGINE_EXEC_HASH_ALGORITHMS_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace tally::engine::exec {

uint64_t CityHash64(absl::string_view bytes);
uint64_t SipHash64(absl::string_view bytes);
// ClickHouse's sipHash128 (its own finalization, not the reference SipHash-128: the low half
// is v0 ^ v1, the high half v2 ^ v3): the 16 bytes, low half first, each little-endian.
std::array<uint8_t, 16> SipHash128(absl::string_view bytes);
uint64_t MurmurHash3_64(absl::string_view bytes);
uint32_t MurmurHash3_32(absl::string_view bytes);
uint64_t XxHash64(absl::string_view bytes);
uint32_t XxHash32(absl::string_view bytes);
uint64_t Xxh3(absl::string_view bytes);
uint64_t FarmFingerprint64(absl::string_view bytes);

// a = (low ^ high) * k; a ^= a >> 47; b = (high ^ a) * k; b ^= b >> 47; b * k, with
// k = 0x9ddfea08eb382d69.
uint64_t Hash128To64(uint64_t low, uint64_t high);

// FarmHash's Fingerprint of a 128-bit value: Hash128To64 with two more xorshift-multiply
// steps at the end.
uint64_t FarmFingerprint128(uint64_t low, uint64_t high);

// The Murmur3 64-bit finalizer of x ^ 0x4cf2d2baae6da887.
uint64_t IntHash64(uint64_t x);
// Thomas Wang's 64-to-32-bit integer hash, with the right shifts made right rotations, of
// x ^ 0x75d9543de018bf45.
uint32_t IntHash32(uint64_t x);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_HASH_ALGORITHMS_H_
