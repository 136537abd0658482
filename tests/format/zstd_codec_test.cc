#include <zstd.h>

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "format/codec.h"
#include "tests/format/codec_test_util.h"

namespace tally::format {
namespace {

using testing::Bytes;
using testing::ToBytes;

Bytes Compressible(size_t n, uint64_t seed) {
  Bytes out = testing::RandomBytes(n, seed);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(out[i] % 4 + (i / 64) % 3);
  return out;
}

TEST(ZstdCodecTest, RoundTripsEveryLevelAndSize) {
  for (uint8_t level : {1, 3, 9, 19, 22}) {
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}, size_t{70'000}}) {
      testing::ExpectCodecRoundTrip({CodecId::kZstd, level}, Compressible(n, n + level));
      testing::ExpectCodecRoundTrip({CodecId::kZstd, level}, testing::RandomBytes(n, n));
    }
  }
}

TEST(ZstdCodecTest, RoundTripsHugeInput) {
  testing::ExpectCodecRoundTrip({CodecId::kZstd, 1}, Compressible(16 << 20, 4));  // 16 MiB
}

TEST(ZstdCodecTest, WritesOneFrameWithItsContentSize) {
  Bytes raw = Compressible(5000, 1);
  std::string stored = testing::EncodeOne({CodecId::kZstd, 1}, raw);
  EXPECT_EQ(ZSTD_getFrameContentSize(stored.data(), stored.size()), 5000u);
  EXPECT_EQ(ZSTD_findFrameCompressedSize(stored.data(), stored.size()), stored.size());
}

TEST(ZstdCodecTest, RejectsFramesOfTheWrongSize) {
  Bytes raw = Compressible(5000, 2);
  std::string stored = testing::EncodeOne({CodecId::kZstd, 1}, raw);
  PodVector<uint8_t> out;
  EXPECT_STATUS(testing::DecodeOne({CodecId::kZstd, 1}, AsBytes(stored), 4999, &out),
                absl::StatusCode::kDataLoss, "test column: ZSTD(1): frame content size 5000");
  EXPECT_STATUS(FindCodec(CodecId::kZstd)
                    ->decode({CodecId::kZstd, 1}, AsBytes(stored), DecodedSizeLimit{4000, false},
                             "test column", &out),
                absl::StatusCode::kDataLoss, "at most 4000");
}

TEST(ZstdCodecTest, RejectsTrailingBytesEmptyInputAndGarbage) {
  Bytes raw = Compressible(5000, 3);
  std::string stored = testing::EncodeOne({CodecId::kZstd, 1}, raw);
  PodVector<uint8_t> out;
  EXPECT_STATUS(testing::DecodeOne({CodecId::kZstd, 1}, AsBytes(stored + "xy"), 5000, &out),
                absl::StatusCode::kDataLoss, "");
  EXPECT_STATUS(testing::DecodeOne({CodecId::kZstd, 1}, {}, 0, &out),
                absl::StatusCode::kDataLoss, "empty zstd frame");
  EXPECT_STATUS(testing::DecodeOne({CodecId::kZstd, 1}, testing::RandomBytes(100, 1), 100, &out),
                absl::StatusCode::kDataLoss, "not a zstd frame");
}

TEST(ZstdCodecTest, RefusesContentSizeTheFrameCannotHold) {
  // Magic, a descriptor with a single segment and an 8-byte content size of 1 TiB, then
  // one empty last raw block.
  Bytes frame = {0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 0x01, 0x00, 0x00};
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), uint64_t{1} << 40);
  PodVector<uint8_t> out;
  EXPECT_STATUS(FindCodec(CodecId::kZstd)
                    ->decode({CodecId::kZstd, 1}, frame, DecodedSizeLimit{size_t{1} << 41, false},
                             "test column", &out),
                absl::StatusCode::kDataLoss, "cannot hold");
  EXPECT_EQ(out.capacity(), 0u);
  // A plausible claim that the blocks do not deliver.
  frame = {0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00};
  EXPECT_STATUS(testing::DecodeOne({CodecId::kZstd, 1}, frame, 1000, &out),
                absl::StatusCode::kDataLoss, "test column: ZSTD(1)");
}

TEST(ZstdCodecTest, TruncationIsDataLossAndBitFlipsNeverCrash) {
  Bytes raw = Compressible(3000, 6);
  std::string stored = testing::EncodeOne({CodecId::kZstd, 3}, raw);
  testing::SweepCorruptions(stored, raw.size(), 1, /*truncation_always_detected=*/true,
                            [&](absl::Span<const uint8_t> in, PodVector<uint8_t>* out) {
                              return testing::DecodeOne({CodecId::kZstd, 3}, in, raw.size(), out);
                            });
}

}  // namespace
}  // namespace tally::format
