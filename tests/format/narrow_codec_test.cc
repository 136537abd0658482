#include "format/narrow_codec.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "format/codec.h"
#include "format/coding.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

template <typename T>
std::string Bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
void RoundTrip(const std::vector<T>& values, size_t expect_max_bytes) {
  std::string raw = Bytes(values);
  std::string stored;
  NarrowEncode(sizeof(T), AsBytes(raw), &stored);
  EXPECT_LE(stored.size(), expect_max_bytes);
  PodVector<uint8_t> out;
  ASSERT_OK(NarrowDecode(CodecSpec{CodecId::kNarrow, sizeof(T)}, AsBytes(stored),
                         DecodedSizeLimit{raw.size(), true}, "test", &out));
  ASSERT_EQ(std::string(reinterpret_cast<const char*>(out.data()), out.size()), raw);
}

TEST(NarrowCodecTest, SmallCountersTakeOneBytePerValue) {
  std::mt19937_64 rng(1);
  std::vector<uint64_t> v(10000);
  for (auto& x : v) x = 1000000 + rng() % 200;
  RoundTrip(v, 10000 + 32);
}

TEST(NarrowCodecTest, SignedValuesAcrossZeroNarrow) {
  std::vector<int32_t> v;
  for (int i = -500; i < 500; ++i) v.push_back(i);
  RoundTrip(v, 2000 + 32);
}

TEST(NarrowCodecTest, FullRangeAndEdgesRoundTrip) {
  RoundTrip<uint64_t>({0, std::numeric_limits<uint64_t>::max(), 5}, 64);
  RoundTrip<int64_t>({std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}, 64);
  RoundTrip<uint16_t>({}, 16);
  RoundTrip<uint16_t>({7}, 16);
  RoundTrip<uint32_t>({1, 70000, 3}, 64);
}

TEST(NarrowCodecTest, TrailingPartialElementIsKept) {
  std::string raw = Bytes(std::vector<uint32_t>{10, 11, 12}) + "xy";
  std::string stored;
  NarrowEncode(4, AsBytes(raw), &stored);
  PodVector<uint8_t> out;
  ASSERT_OK(NarrowDecode(CodecSpec{CodecId::kNarrow, 4}, AsBytes(stored), DecodedSizeLimit{raw.size(), true}, "t", &out));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()), out.size()), raw);
}

TEST(NarrowCodecTest, TruncatedOrBadWidthIsDataLoss) {
  std::vector<uint64_t> v(100, 42);
  std::string raw = Bytes(v), stored;
  NarrowEncode(8, AsBytes(raw), &stored);
  for (size_t len = 0; len < stored.size(); ++len) {
    PodVector<uint8_t> out;
    absl::Status s = NarrowDecode(CodecSpec{CodecId::kNarrow, 8}, AsBytes(stored.substr(0, len)),
                                  DecodedSizeLimit{raw.size(), true}, "t", &out);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << len;
  }
  std::string bad = stored;
  bad[2] = 3;  // after the 2-byte size varint: stored width 3 does not exist
  PodVector<uint8_t> out;
  EXPECT_STATUS(NarrowDecode(CodecSpec{CodecId::kNarrow, 8}, AsBytes(bad), DecodedSizeLimit{raw.size(), true}, "t", &out),
                absl::StatusCode::kDataLoss, "stored width");
}

TEST(NarrowCodecTest, ChainWithZstdRoundTripsAndCompresses) {
  std::mt19937_64 rng(2);
  std::vector<uint64_t> v(65536);
  for (auto& x : v) x = rng() % 4 == 0 ? 1 + rng() % 1000 : 1;
  std::string raw = Bytes(v), stored;
  CodecChain chain = {CodecSpec{CodecId::kNarrow, 8}, CodecSpec{CodecId::kZstd, 1}};
  ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain(chain, AsBytes(raw), &stored));
  EXPECT_EQ(used, chain);
  EXPECT_LT(stored.size(), raw.size() / 8);
  PodVector<uint8_t> out;
  ASSERT_OK(DecodeWithChain(used, AsBytes(stored), raw.size(), "t", &out));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out.data()), out.size()), raw);
}

TEST(NarrowCodecTest, ParsesAndResolvesLikeOtherTransforms) {
  ASSERT_OK_AND_ASSIGN(CodecChain chain, ParseCodecChain("Narrow, ZSTD(1)"));
  ASSERT_OK_AND_ASSIGN(CodecChain resolved, ResolveCodecChain(chain, 8));
  EXPECT_EQ(CodecChainToString(resolved), "Narrow(8), ZSTD(1)");
  EXPECT_FALSE(ResolveCodecChain(chain, 1).ok());
}

}  // namespace
}  // namespace tally::format
