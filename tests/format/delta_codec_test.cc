#include <cstdint>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "format/codec.h"
#include "tests/format/codec_test_util.h"

namespace tally::format {
namespace {

using testing::Bytes;
using testing::ToBytes;

constexpr uint8_t kWidths[] = {1, 2, 4, 8};

TEST(DeltaCodecTest, RoundTripsRandomDataForEveryWidthAndSize) {
  for (uint8_t w : kWidths) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{w - 1u}, size_t{w}, size_t{w + 1u},
                     size_t{3u * w + 1}, size_t{1000}, size_t{4099}}) {
      testing::ExpectCodecRoundTrip({CodecId::kDelta, w}, testing::RandomBytes(n, 17 * n + w));
    }
  }
}

TEST(DeltaCodecTest, RoundTripsWrappingValues) {
  std::vector<int64_t> v64 = {std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max(), 0, -1,
                              std::numeric_limits<int64_t>::min(), 1};
  testing::ExpectCodecRoundTrip({CodecId::kDelta, 8}, ToBytes(v64));
  std::vector<uint32_t> v32 = {0, UINT32_MAX, 0, 1, UINT32_MAX, 0x80000000u, 0x7fffffffu};
  testing::ExpectCodecRoundTrip({CodecId::kDelta, 4}, ToBytes(v32));
  std::vector<uint16_t> v16 = {0, 65535, 1, 65535, 32768};
  testing::ExpectCodecRoundTrip({CodecId::kDelta, 2}, ToBytes(v16));
  Bytes v8 = {0, 255, 0, 128, 127, 255};
  testing::ExpectCodecRoundTrip({CodecId::kDelta, 1}, v8);
}

TEST(DeltaCodecTest, StoresWrappedDifferences) {
  std::vector<uint32_t> values = {UINT32_MAX, 0};  // 0 - 0xffffffff wraps to 1
  std::string stored = testing::EncodeOne({CodecId::kDelta, 4}, ToBytes(values));
  EXPECT_EQ(testing::Hex(stored), "08 ff ff ff ff 01 00 00 00");
}

TEST(DeltaCodecTest, RoundTripsHugeInput) {
  std::vector<uint64_t> values(2 << 20);  // 16 MiB
  uint64_t v = 1'700'000'000'000;
  std::mt19937_64 rng(7);
  for (uint64_t& x : values) x = (v += rng() % 1000);
  testing::ExpectCodecRoundTrip({CodecId::kDelta, 8}, ToBytes(values));
}

// Pins the format: varint decoded size, first element, wrapped differences, tail.
TEST(DeltaCodecTest, GoldenBytes) {
  Bytes raw = ToBytes(std::vector<uint32_t>{100, 101, 103, 90});
  raw.push_back(0xab);
  std::string stored = testing::EncodeOne({CodecId::kDelta, 4}, raw);
  EXPECT_EQ(testing::Hex(stored), "11 64 00 00 00 01 00 00 00 02 00 00 00 f3 ff ff ff ab");
  PodVector<uint8_t> out;
  ASSERT_OK(testing::DecodeOne({CodecId::kDelta, 4}, AsBytes(stored), raw.size(), &out));
  EXPECT_EQ(ToBytes(out), raw);
}

TEST(DeltaCodecTest, RejectsDecodedSizeOtherThanExpected) {
  Bytes raw = testing::RandomBytes(64, 1);
  std::string stored = testing::EncodeOne({CodecId::kDelta, 4}, raw);
  PodVector<uint8_t> out;
  EXPECT_STATUS(testing::DecodeOne({CodecId::kDelta, 4}, AsBytes(stored), 60, &out),
                absl::StatusCode::kDataLoss, "test column: Delta(4): decoded size 64");
}

TEST(DeltaCodecTest, TruncationIsDataLossAndBitFlipsNeverCrash) {
  for (uint8_t w : kWidths) {
    Bytes raw = testing::RandomBytes(8 * w + 3, w);
    std::string stored = testing::EncodeOne({CodecId::kDelta, w}, raw);
    testing::SweepCorruptions(stored, raw.size(), 1, /*truncation_always_detected=*/true,
                              [&](absl::Span<const uint8_t> in, PodVector<uint8_t>* out) {
                                return testing::DecodeOne({CodecId::kDelta, w}, in, raw.size(),
                                                          out);
                              });
  }
}

}  // namespace
}  // namespace tally::format
