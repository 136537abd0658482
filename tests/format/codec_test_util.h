// Helpers for the codec and block tests: seeded data, direct single-codec round trips
// (bypassing the 10 % raw fallback), and corruption sweeps.
#ifndef TALLY_TESTS_FORMAT_CODEC_TEST_UTIL_H_
#define TALLY_TESTS_FORMAT_CODEC_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "format/codec.h"
#include "format/codec_table.h"
#include "format/coding.h"
#include "format/pod_vector.h"
#include "tests/test_util.h"

namespace tally::format::testing {

using Bytes = std::vector<uint8_t>;

inline Bytes RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

template <typename T>
Bytes ToBytes(const std::vector<T>& values) {
  Bytes out(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

inline Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
inline Bytes ToBytes(const PodVector<uint8_t>& v) { return Bytes(v.begin(), v.end()); }

// Sorted second-resolution timestamps, about one event per 2.6 ms: runs of equal values.
inline std::vector<uint32_t> SortedTimestamps(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap_ms(1 / 2.6);
  double t_ms = 1.7e12 + static_cast<double>(rng() % (30ull * 86400 * 1000));
  std::vector<uint32_t> out(n);
  for (uint32_t& v : out) {
    t_ms += gap_ms(rng);
    v = static_cast<uint32_t>(t_ms / 1000);
  }
  return out;
}

// Encodes with exactly one codec (no raw fallback).
inline std::string EncodeOne(CodecSpec spec, absl::Span<const uint8_t> raw) {
  std::string out;
  FindCodec(spec.id)->encode(spec.param, raw, &out);
  return out;
}

inline absl::Status DecodeOne(CodecSpec spec, absl::Span<const uint8_t> stored, size_t raw_size,
                              PodVector<uint8_t>* out) {
  return FindCodec(spec.id)->decode(spec, stored, DecodedSizeLimit{raw_size, true}, "test column",
                                    out);
}

// Encodes `raw` with one codec and checks that it decodes back exactly.
inline void ExpectCodecRoundTrip(CodecSpec spec, absl::Span<const uint8_t> raw) {
  SCOPED_TRACE(absl::StrCat(CodecSpecToString(spec), " on ", raw.size(), " bytes"));
  std::string stored = EncodeOne(spec, raw);
  EXPECT_LE(stored.size(), FindCodec(spec.id)->max_encoded_bytes(spec.param, raw.size()));
  PodVector<uint8_t> out;
  ASSERT_OK(DecodeOne(spec, AsBytes(stored), raw.size(), &out));
  ASSERT_EQ(out.size(), raw.size());
  EXPECT_TRUE(raw.empty() || std::memcmp(out.data(), raw.data(), raw.size()) == 0);
}

// Every truncation of `stored` and a flip of each bit at the given stride must give
// DataLoss naming `what`, or at worst decode to exactly `raw_size` bytes. Returns how many
// corruptions were detected. `decode` is a callable (span, PodVector*) -> Status.
template <typename Decode>
size_t SweepCorruptions(const std::string& stored, size_t raw_size, size_t bit_stride,
                        bool truncation_always_detected, Decode decode) {
  size_t detected = 0;
  PodVector<uint8_t> out;
  for (size_t len = 0; len < stored.size(); ++len) {
    absl::Status s = decode(AsBytes(stored).first(len), &out);
    if (truncation_always_detected) {
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << "truncated to " << len << ": " << s;
    }
    if (s.ok()) {
      EXPECT_EQ(out.size(), raw_size);
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
      EXPECT_NE(s.message().find("test column"), absl::string_view::npos) << s;
      ++detected;
    }
  }
  std::string corrupt = stored;
  for (size_t bit = 0; bit < stored.size() * 8; bit += bit_stride) {
    corrupt[bit / 8] = static_cast<char>(corrupt[bit / 8] ^ (1 << (bit % 8)));
    absl::Status s = decode(AsBytes(corrupt), &out);
    corrupt[bit / 8] = stored[bit / 8];
    if (s.ok()) {
      EXPECT_EQ(out.size(), raw_size) << "bit " << bit;
    } else {
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << "bit " << bit << ": " << s;
      EXPECT_NE(s.message().find("test column"), absl::string_view::npos) << s;
      ++detected;
    }
  }
  return detected;
}

inline std::string Hex(absl::Span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) absl::StrAppend(&out, absl::Hex(b, absl::kZeroPad2), " ");
  if (!out.empty()) out.pop_back();
  return out;
}
inline std::string Hex(const std::string& s) { return Hex(AsBytes(s)); }

}  // namespace tally::format::testing

#endif  // TALLY_TESTS_FORMAT_CODEC_TEST_UTIL_H_
