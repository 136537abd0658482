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

constexpr uint8_t kWidths[] = {1, 2, 4, 8};

TEST(DoubleDeltaCodecTest, RoundTripsRandomDataForEveryWidthAndSize) {
  for (uint8_t w : kWidths) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{w - 1u}, size_t{w}, size_t{w + 1u},
                     size_t{2u * w}, size_t{3u * w}, size_t{66u * w}, size_t{67u * w + 1},
                     size_t{1000}, size_t{4099}}) {
      testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, w},
                                    testing::RandomBytes(n, 31 * n + w));
    }
  }
}

TEST(DoubleDeltaCodecTest, RoundTripsExtremeValues) {
  std::vector<int64_t> v64 = {std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max(),
                              std::numeric_limits<int64_t>::min(),
                              0,
                              -1,
                              std::numeric_limits<int64_t>::max(),
                              1};
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 8}, ToBytes(v64));
  std::vector<uint32_t> v32 = {0, UINT32_MAX, 0, UINT32_MAX, 0x80000000u, 1, 0x7fffffffu};
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 4}, ToBytes(v32));
  std::vector<uint16_t> v16 = {0, 65535, 0, 65535, 32768, 1};
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 2}, ToBytes(v16));
  Bytes v8 = {0, 255, 0, 255, 128, 1, 127};
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 1}, v8);
}

TEST(DoubleDeltaCodecTest, RoundTripsJitteredTimestampsWithOutliers) {
  std::mt19937_64 rng(5);
  std::vector<uint64_t> values(100'000);
  uint64_t t = 1'700'000'000'000;
  for (size_t i = 0; i < values.size(); ++i) {
    t += 1000 + rng() % 3 - 1;
    if (i % 997 == 0) t += rng() % 1'000'000;  // a gap
    values[i] = t;
  }
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 8}, ToBytes(values));
}

TEST(DoubleDeltaCodecTest, CompressesConstantStrideExtremely) {
  std::vector<uint64_t> values(1 << 20);
  for (size_t i = 0; i < values.size(); ++i) values[i] = 1'700'000'000'000 + 15'000 * i;
  Bytes raw = ToBytes(values);
  std::string stored = testing::EncodeOne({CodecId::kDoubleDelta, 8}, raw);
  // 7 bits per 64 values: 8 MiB become about 14 KiB.
  EXPECT_LT(stored.size(), raw.size() / 500);
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 8}, raw);
}

TEST(DoubleDeltaCodecTest, RoundTripsHugeInput) {
  std::vector<uint32_t> values = testing::SortedTimestamps(4 << 20, 3);  // 16 MiB
  testing::ExpectCodecRoundTrip({CodecId::kDoubleDelta, 4}, ToBytes(values));
}

// Pins the format: varint size, first value, zigzag varint first difference, then groups
// of a 7-bit width and zigzagged differences of differences, MSB first; then the tail.
TEST(DoubleDeltaCodecTest, GoldenBytes) {
  Bytes raw = ToBytes(std::vector<uint64_t>{1000, 1010, 1020, 1030, 1041, 1040});
  raw.push_back(0x7f);
  std::string stored = testing::EncodeOne({CodecId::kDoubleDelta, 8}, raw);
  // dods 0, 0, 1, -12 -> zigzag 0, 0, 2, 23 -> width 5:
  // 0000101 00000 00000 00010 10111 + 5 padding bits = 0a 00 0a e0.
  EXPECT_EQ(testing::Hex(stored), "31 e8 03 00 00 00 00 00 00 14 0a 00 0a e0 7f");
  PodVector<uint8_t> out;
  ASSERT_OK(testing::DecodeOne({CodecId::kDoubleDelta, 8}, AsBytes(stored), raw.size(), &out));
  EXPECT_EQ(ToBytes(out), raw);
}

TEST(DoubleDeltaCodecTest, RejectsWidthWiderThanValues) {
  // Two u8 values then one group claiming width 9 (> 8 bits).
  Bytes stored = {0x03, 0x05, 0x02, 0x09 << 1, 0x00, 0x00};
  PodVector<uint8_t> out;
  EXPECT_STATUS(testing::DecodeOne({CodecId::kDoubleDelta, 1}, stored, 3, &out),
                absl::StatusCode::kDataLoss, "width 9 exceeds 8 bits");
}

TEST(DoubleDeltaCodecTest, RefusesClaimedSizeTheInputCannotHold) {
  // Claims 2^30 eight-byte values with a handful of bytes: refused before allocating.
  Bytes stored = {0x80, 0x80, 0x80, 0x80, 0x20, 1, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00};
  PodVector<uint8_t> out;
  EXPECT_STATUS(FindCodec(CodecId::kDoubleDelta)
                    ->decode({CodecId::kDoubleDelta, 8}, stored,
                             DecodedSizeLimit{size_t{1} << 40, false}, "test column", &out),
                absl::StatusCode::kDataLoss, "cannot hold");
  EXPECT_EQ(out.capacity(), 0u);
}

TEST(DoubleDeltaCodecTest, TruncationIsDataLossAndBitFlipsNeverCrash) {
  for (uint8_t w : kWidths) {
    std::vector<uint64_t> values(200);
    for (size_t i = 0; i < values.size(); ++i) values[i] = 1000 * i + (i * i) % 7;
    Bytes raw;
    for (uint64_t v : values) raw.insert(raw.end(), reinterpret_cast<uint8_t*>(&v),
                                         reinterpret_cast<uint8_t*>(&v) + w);
    raw.push_back(0x5a);
    std::string stored = testing::EncodeOne({CodecId::kDoubleDelta, w}, raw);
    size_t detected = testing::SweepCorruptions(
        stored, raw.size(), 1, /*truncation_always_detected=*/false,
        [&](absl::Span<const uint8_t> in, PodVector<uint8_t>* out) {
          return testing::DecodeOne({CodecId::kDoubleDelta, w}, in, raw.size(), out);
        });
    EXPECT_GE(detected, stored.size());  // at least every truncation
  }
}

}  // namespace
}  // namespace tally::format
