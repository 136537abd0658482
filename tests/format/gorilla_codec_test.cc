#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "format/codec.h"
#include "tests/format/codec_test_util.h"

namespace tally::format {
namespace {

using testing::Bytes;
using testing::ToBytes;

template <typename F>
std::vector<F> EdgeValues() {
  using L = std::numeric_limits<F>;
  return {F(0),           -F(0),          F(1),           F(1),
          -F(1),          L::quiet_NaN(), L::infinity(),  -L::infinity(),
          L::denorm_min(), -L::denorm_min(), L::min() / 4, L::min(),
          L::max(),       L::lowest(),    L::epsilon(),   F(0),
          -F(0),          L::signaling_NaN(), F(3.14159), F(3.14159),
          F(2.71828)};
}

template <typename F>
std::vector<F> SensorSeries(size_t n, uint64_t seed) {
  // A gauge sampled faster than it changes: 70 % of readings repeat the previous one.
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0, 0.5);
  std::vector<F> out(n);
  double v = 20;
  for (F& x : out) {
    if (rng() % 10 < 3) v += step(rng);
    x = static_cast<F>(std::round(v * 100) / 100);
  }
  return out;
}

TEST(GorillaCodecTest, RoundTripsRandomBitsForBothWidthsAndEverySize) {
  for (uint8_t w : {4, 8}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{w - 1u}, size_t{w}, size_t{w + 1u},
                     size_t{2u * w}, size_t{1000}, size_t{4099}}) {
      testing::ExpectCodecRoundTrip({CodecId::kGorilla, w}, testing::RandomBytes(n, 7 * n + w));
    }
  }
}

TEST(GorillaCodecTest, RoundTripsEdgeValuesBitExactly) {
  testing::ExpectCodecRoundTrip({CodecId::kGorilla, 8}, ToBytes(EdgeValues<double>()));
  testing::ExpectCodecRoundTrip({CodecId::kGorilla, 4}, ToBytes(EdgeValues<float>()));
  // NaN payloads and the sign of zero survive: the codec works on bits.
  std::vector<uint64_t> nans = {0x7ff8000000000001, 0xfff0000000000001, 0x8000000000000000, 0,
                                0x7ff8000000000001, 0xffffffffffffffff, 1};
  testing::ExpectCodecRoundTrip({CodecId::kGorilla, 8}, ToBytes(nans));
}

TEST(GorillaCodecTest, RoundTripsSeriesAndCompressesThem) {
  Bytes raw = ToBytes(SensorSeries<double>(100'000, 11));
  std::string stored = testing::EncodeOne({CodecId::kGorilla, 8}, raw);
  EXPECT_LT(stored.size(), raw.size() / 2);
  testing::ExpectCodecRoundTrip({CodecId::kGorilla, 8}, raw);
  testing::ExpectCodecRoundTrip({CodecId::kGorilla, 4}, ToBytes(SensorSeries<float>(100'000, 12)));
  std::vector<double> constant(10'000, 42.5);
  Bytes constant_raw = ToBytes(constant);
  EXPECT_LT(testing::EncodeOne({CodecId::kGorilla, 8}, constant_raw).size(), 10'000 / 8 + 16);
}

TEST(GorillaCodecTest, RoundTripsHugeInput) {
  testing::ExpectCodecRoundTrip({CodecId::kGorilla, 8},
                                ToBytes(SensorSeries<double>(2 << 20, 13)));  // 16 MiB
}

// Pins the format: varint size, the first value's 64 bits, then per value '0' (same),
// '10' + bits in the previous window, or '11' + 5-bit leading zeros + 6-bit (length - 1)
// + the bits; MSB first, zero-padded.
TEST(GorillaCodecTest, GoldenBytes) {
  Bytes raw = ToBytes(std::vector<double>{1.0, 1.0, 1.5, 1.5, 2.0, 3.0});
  std::string stored = testing::EncodeOne({CodecId::kGorilla, 8}, raw);
  // 0 | 11 01100 000000 1 | 0 | 11 00001 001011 111111111111 | 10 000000000001 | 0
  EXPECT_EQ(testing::Hex(stored), "30 3f f0 00 00 00 00 00 00 6c 02 c2 5f ff c0 02");
  PodVector<uint8_t> out;
  ASSERT_OK(testing::DecodeOne({CodecId::kGorilla, 8}, AsBytes(stored), raw.size(), &out));
  EXPECT_EQ(ToBytes(out), raw);
}

TEST(GorillaCodecTest, RejectsWindowReuseBeforeAnyWindow) {
  // Two doubles: the first, then '10' (reuse) although no window exists yet.
  Bytes stored = {0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x80};
  PodVector<uint8_t> out;
  EXPECT_STATUS(testing::DecodeOne({CodecId::kGorilla, 8}, stored, 16, &out),
                absl::StatusCode::kDataLoss, "reuses a window");
}

TEST(GorillaCodecTest, RejectsNonZeroPaddingAndTrailingBytes) {
  Bytes raw = ToBytes(std::vector<double>{1.0, 1.0});
  std::string stored = testing::EncodeOne({CodecId::kGorilla, 8}, raw);
  ASSERT_EQ(stored.size(), 10u);  // size, 64 bits, '0' + 7 padding bits
  PodVector<uint8_t> out;
  std::string bad = stored;
  bad.back() = 0x01;
  EXPECT_STATUS(testing::DecodeOne({CodecId::kGorilla, 8}, AsBytes(bad), 16, &out),
                absl::StatusCode::kDataLoss, "does not end");
  bad = stored + '\0';
  EXPECT_STATUS(testing::DecodeOne({CodecId::kGorilla, 8}, AsBytes(bad), 16, &out),
                absl::StatusCode::kDataLoss, "does not end");
}

TEST(GorillaCodecTest, TruncationIsDataLossAndBitFlipsNeverCrash) {
  for (uint8_t w : {4, 8}) {
    Bytes raw =
        w == 8 ? ToBytes(SensorSeries<double>(100, 1)) : ToBytes(SensorSeries<float>(100, 2));
    raw.push_back(0x33);
    std::string stored = testing::EncodeOne({CodecId::kGorilla, w}, raw);
    testing::SweepCorruptions(stored, raw.size(), 1, /*truncation_always_detected=*/true,
                              [&](absl::Span<const uint8_t> in, PodVector<uint8_t>* out) {
                                return testing::DecodeOne({CodecId::kGorilla, w}, in, raw.size(),
                                                          out);
                              });
  }
}

}  // namespace
}  // namespace tally::format
