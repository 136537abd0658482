#include "format/block.h"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "format/coding.h"
#include "tests/format/codec_test_util.h"

namespace tally::format {
namespace {

using testing::Bytes;
using testing::ToBytes;

constexpr CodecSpec kNone{CodecId::kNone, 0};
constexpr CodecSpec kDelta4{CodecId::kDelta, 4};
constexpr CodecSpec kDoubleDelta4{CodecId::kDoubleDelta, 4};
constexpr CodecSpec kZstd1{CodecId::kZstd, 1};

// A String-like column: a lengths stream that compresses and a chars stream that does not.
struct SampleBlock {
  Bytes times = ToBytes(testing::SortedTimestamps(5000, 1));
  Bytes chars = testing::RandomBytes(3000, 2);
  Bytes empty;
  std::vector<BlockStreamInput> Streams() const {
    return {{times, {kDelta4, kZstd1}}, {chars, {kZstd1}}, {empty, {kDoubleDelta4, kZstd1}}};
  }
  std::string Encode() const {
    std::string out;
    EXPECT_OK(EncodeBlock(5000, Streams(), &out));
    return out;
  }
};

// Patches a field and recomputes the checksum, to reach the checks behind it.
void Rechecksum(std::string* block) {
  uint8_t* p = reinterpret_cast<uint8_t*>(block->data());
  StoreFixed64(p, Checksum(absl::Span<const uint8_t>(p + 8, block->size() - 8)));
}

TEST(BlockTest, RoundTripsStreamsAndChains) {
  SampleBlock sample;
  std::string encoded = sample.Encode();
  DecodedBlock block;
  ASSERT_OK_AND_ASSIGN(size_t size, DecodeBlock(AsBytes(encoded), "t.bin", 0, &block));
  EXPECT_EQ(size, encoded.size());
  EXPECT_EQ(block.rows, 5000u);
  ASSERT_EQ(block.streams.size(), 3u);
  EXPECT_EQ(ToBytes(block.streams[0]), sample.times);
  EXPECT_EQ(ToBytes(block.streams[1]), sample.chars);
  EXPECT_TRUE(block.streams[2].empty());
  EXPECT_EQ(block.chains[0], (CodecChain{kDelta4, kZstd1}));
  EXPECT_EQ(block.chains[1], CodecChain{kNone});  // random bytes: stored raw
  EXPECT_EQ(block.chains[2], CodecChain{kNone});
  EXPECT_LT(encoded.size(), sample.times.size() / 20 + sample.chars.size() + 100);
}

TEST(BlockTest, RoundTripsABlockWithoutStreams) {
  std::string encoded;
  ASSERT_OK(EncodeBlock(0, {}, &encoded));
  EXPECT_EQ(encoded.size(), 17u);
  DecodedBlock block;
  block.streams.resize(2);
  ASSERT_OK_AND_ASSIGN(size_t size, DecodeBlock(AsBytes(encoded), "t.bin", 0, &block));
  EXPECT_EQ(size, 17u);
  EXPECT_TRUE(block.streams.empty());
}

TEST(BlockTest, DecodesConsecutiveBlocksAndPeeksTheirSizes) {
  SampleBlock sample;
  std::string file = "HEAD";
  ASSERT_OK(EncodeBlock(1, sample.Streams(), &file));
  size_t second = file.size();
  ASSERT_OK(EncodeBlock(2, {{sample.chars, {kZstd1}}}, &file));
  ASSERT_OK_AND_ASSIGN(size_t first_size, PeekBlockSize(AsBytes(file).subspan(4), "f", 4));
  EXPECT_EQ(4 + first_size, second);
  DecodedBlock block;
  ASSERT_OK_AND_ASSIGN(size_t size, DecodeBlock(AsBytes(file).subspan(second), "f", second,
                                                &block));
  EXPECT_EQ(second + size, file.size());
  EXPECT_EQ(block.rows, 2u);
  EXPECT_EQ(ToBytes(block.streams[0]), sample.chars);
}

TEST(BlockTest, ReusesBuffersAcrossDecodes) {
  SampleBlock sample;
  std::string encoded = sample.Encode();
  DecodedBlock block;
  ASSERT_OK(DecodeBlock(AsBytes(encoded), "t.bin", 0, &block).status());
  const uint8_t* times = block.streams[0].data();
  const uint8_t* chars = block.streams[1].data();
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(DecodeBlock(AsBytes(encoded), "t.bin", 0, &block).status());
    EXPECT_EQ(block.streams[0].data(), times);
    EXPECT_EQ(block.streams[1].data(), chars);
  }
}

// Pins the envelope: checksum | total size | rows | stream count | descriptors | payloads.
TEST(BlockTest, GoldenBytes) {
  Bytes stride = ToBytes(std::vector<uint32_t>{10, 20, 30, 40, 50, 60, 70, 80});
  Bytes ab = {'a', 'b'};
  std::string encoded;
  ASSERT_OK(EncodeBlock(3, {{stride, {kDoubleDelta4}}, {ab, {kZstd1}}}, &encoded));
  EXPECT_EQ(testing::Hex(AsBytes(encoded).subspan(8)),
            "30 00 00 00 "                          // total size 48
            "03 00 00 00 "                          // rows
            "02 "                                   // streams
            "01 02 04 07 00 00 00 20 00 00 00 "     // DoubleDelta(4), stored 7, raw 32
            "01 00 00 02 00 00 00 02 00 00 00 "     // None (ZSTD saved too little), 2, 2
            "20 0a 00 00 00 14 00 "                 // DoubleDelta payload
            "61 62");                               // raw payload
  EXPECT_EQ(LoadFixed64(AsBytes(encoded).data()),
            Checksum(AsBytes(encoded).subspan(8)));
  EXPECT_EQ(testing::Hex(AsBytes(encoded).first(8)), "da d3 5f fb 31 75 ad a2");
  DecodedBlock block;
  ASSERT_OK(DecodeBlock(AsBytes(encoded), "golden", 0, &block).status());
  EXPECT_EQ(ToBytes(block.streams[0]), stride);
  EXPECT_EQ(ToBytes(block.streams[1]), ab);
}

TEST(BlockTest, EmptyInputIsDataLoss) {
  DecodedBlock block;
  EXPECT_STATUS(DecodeBlock({}, "part 1: t.bin", 4096, &block), absl::StatusCode::kDataLoss,
                "part 1: t.bin: offset 4096: block: truncated");
  EXPECT_STATUS(PeekBlockSize({}, "t.bin", 7), absl::StatusCode::kDataLoss, "t.bin: offset 7");
}

TEST(BlockTest, EveryTruncationIsDataLossNamingWhatAndOffset) {
  SampleBlock sample;
  std::string encoded = sample.Encode();
  DecodedBlock block;
  for (size_t len = 0; len < encoded.size(); ++len) {
    EXPECT_STATUS(DecodeBlock(AsBytes(encoded).first(len), "t.bin", 1000, &block),
                  absl::StatusCode::kDataLoss, "t.bin: offset 10");
  }
}

TEST(BlockTest, EveryBitFlipIsDataLoss) {
  Bytes stride = ToBytes(std::vector<uint32_t>{10, 20, 30, 40, 50, 60, 70, 80});
  std::string small;
  ASSERT_OK(EncodeBlock(3, {{stride, {kDoubleDelta4}}, {Bytes{1, 2}, {kZstd1}}}, &small));
  SampleBlock sample;
  std::string large = sample.Encode();
  DecodedBlock block;
  for (const std::string* encoded : {&small, &large}) {
    std::string corrupt = *encoded;
    size_t stride_bits = encoded == &small ? 1 : 7;
    for (size_t bit = 0; bit < corrupt.size() * 8; bit += stride_bits) {
      corrupt[bit / 8] = static_cast<char>(corrupt[bit / 8] ^ (1 << (bit % 8)));
      EXPECT_STATUS(DecodeBlock(AsBytes(corrupt), "t.bin", 1000, &block),
                    absl::StatusCode::kDataLoss, "t.bin: offset 10");
      corrupt[bit / 8] = (*encoded)[bit / 8];
    }
  }
}

TEST(BlockTest, ChecksumMismatchIsReported) {
  std::string encoded = SampleBlock().Encode();
  encoded[40] ^= 0x10;
  DecodedBlock block;
  EXPECT_STATUS(DecodeBlock(AsBytes(encoded), "t.bin", 0, &block), absl::StatusCode::kDataLoss,
                "t.bin: offset 0: block: checksum mismatch");
}

TEST(BlockTest, InconsistentFieldsBehindAValidChecksumAreDataLoss) {
  const std::string good = SampleBlock().Encode();
  DecodedBlock block;
  auto expect_data_loss = [&](std::string bad, absl::string_view substr) {
    Rechecksum(&bad);
    EXPECT_STATUS(DecodeBlock(AsBytes(bad), "t.bin", 0, &block), absl::StatusCode::kDataLoss,
                  substr);
  };
  std::string bad = good;
  bad[16] = 65;  // stream count
  expect_data_loss(bad, "65 streams");
  bad = good;
  bad[16] = 2;  // fewer streams than payloads
  expect_data_loss(bad, "payloads declared");
  bad = good;
  bad[17] = 0;  // codec count
  expect_data_loss(bad, "offset 17: block: stream 0: 0 codecs");
  bad = good;
  bad[17] = 9;
  expect_data_loss(bad, "9 codecs");
  bad = good;
  bad[19] = 3;  // Delta(3)
  expect_data_loss(bad, "stream 0: Delta(3)");
  bad = good;
  StoreFixed32(reinterpret_cast<uint8_t*>(bad.data()) + 26, 5000 * 4 + 4);  // raw size
  expect_data_loss(bad, "Delta(4): decoded size 20000 but expected 20004");
  bad = good;
  StoreFixed32(reinterpret_cast<uint8_t*>(bad.data()) + 26, 1u << 31);
  expect_data_loss(bad, "over the limit");
  bad = good;
  StoreFixed32(reinterpret_cast<uint8_t*>(bad.data()) + 22, 1);  // stored size
  expect_data_loss(bad, "payloads declared");
}

TEST(BlockTest, UnknownCodecIdBehindAValidChecksumIsUnimplemented) {
  std::string bad = SampleBlock().Encode();
  bad[18] = 42;
  Rechecksum(&bad);
  DecodedBlock block;
  EXPECT_STATUS(DecodeBlock(AsBytes(bad), "t.bin", 0, &block), absl::StatusCode::kUnimplemented,
                "t.bin: offset 17: block: stream 0: unknown codec id 42");
}

TEST(BlockTest, RefusesTooManyStreamsAndBadChains) {
  std::vector<BlockStreamInput> streams(65, BlockStreamInput{{}, {kNone}});
  std::string out;
  EXPECT_STATUS(EncodeBlock(1, streams, &out), absl::StatusCode::kInvalidArgument, "65 streams");
  Bytes raw(16, 0);
  EXPECT_STATUS(EncodeBlock(1, {{raw, {{CodecId::kDelta, 0}}}}, &out),
                absl::StatusCode::kInvalidArgument, "block stream 0: Delta");
}

}  // namespace
}  // namespace tally::format
