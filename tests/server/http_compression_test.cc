#include "server/http_compression.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/test_util.h"

namespace tally::server {
namespace {

std::string Encode(absl::string_view coding, const std::string& data, size_t piece) {
  std::string out;
  auto encoder = MakeBodyEncoder(coding, [&](absl::string_view bytes) {
    out.append(bytes.data(), bytes.size());
    return absl::OkStatus();
  });
  EXPECT_TRUE(encoder.ok()) << encoder.status();
  for (size_t i = 0; i < data.size(); i += piece) EXPECT_TRUE((*encoder)->Write(data.substr(i, piece)).ok());
  EXPECT_TRUE((*encoder)->Finish().ok());
  return out;
}

// Decodes `encoded`, handed to the decoder `feed` bytes at a time, read `read` at a time.
absl::StatusOr<std::string> Decode(absl::string_view coding, const std::string& encoded, size_t feed, size_t read) {
  size_t pos = 0;
  auto decoder = MakeBodyDecoder(coding, [&](char* buf, size_t n) -> absl::StatusOr<size_t> {
    n = std::min({n, feed, encoded.size() - pos});
    std::memcpy(buf, encoded.data() + pos, n);
    pos += n;
    return n;
  });
  if (!decoder.ok()) return decoder.status();
  std::string out(read, '\0'), all;
  while (true) {
    absl::StatusOr<size_t> n = (*decoder)->Read(out.data(), read);
    if (!n.ok()) return n.status();
    if (*n == 0) return all;
    all.append(out.data(), *n);
  }
}

std::string Data(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s;
  while (s.size() < size) s += "{\"tenant\":\"t" + std::to_string(rng() % 50) + "\",\"value\":" + std::to_string(rng() % 1000) + "}\n";
  s.resize(size);
  return s;
}

TEST(HttpCompressionTest, EveryCodingRoundTripsWhateverThePieceSizes) {
  for (absl::string_view coding : {"zstd", "lz4", "gzip", "deflate"}) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{1000}, size_t{300000}}) {
      std::string data = Data(size, size);
      std::string encoded = Encode(coding, data, 7777);
      if (size == 300000) {
        EXPECT_LT(encoded.size(), size / 3) << coding;
      }
      for (auto [feed, read] : {std::pair<size_t, size_t>{1, 3}, {17, 100000}, {1 << 20, 1 << 16}}) {
        ASSERT_OK_AND_ASSIGN(std::string back, Decode(coding, encoded, feed, read));
        EXPECT_EQ(back, data) << coding << " size " << size << " feed " << feed << " read " << read;
      }
    }
  }
}

TEST(HttpCompressionTest, ConcatenatedStreamsDecodeInTurn) {
  for (absl::string_view coding : {"zstd", "lz4", "gzip"}) {
    std::string a = Data(5000, 1), b = Data(7000, 2);
    ASSERT_OK_AND_ASSIGN(std::string back, Decode(coding, Encode(coding, a, 1000) + Encode(coding, b, 999), 64, 4096));
    EXPECT_EQ(back, a + b) << coding;
  }
}

TEST(HttpCompressionTest, TruncatedOrCorruptBodiesAreDataLoss) {
  for (absl::string_view coding : {"zstd", "lz4", "gzip", "deflate"}) {
    std::string encoded = Encode(coding, Data(50000, 3), 4096);
    for (size_t cut : {size_t{1}, encoded.size() / 2, encoded.size() - 1}) {
      auto back = Decode(coding, encoded.substr(0, cut), 4096, 4096);
      EXPECT_TRUE(absl::IsDataLoss(back.status())) << coding << " cut at " << cut << ": " << back.status();
    }
    std::mt19937_64 rng(9);
    for (int i = 0; i < 50; ++i) {
      std::string bad = encoded;
      bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
      (void)Decode(coding, bad, 4096, 4096);  // an error or (rarely) other bytes; never a crash
    }
  }
  EXPECT_TRUE(absl::IsInvalidArgument(Decode("br", "x", 1, 1).status()));
  ASSERT_OK_AND_ASSIGN(std::string plain, Decode("identity", "abc", 1, 2));
  EXPECT_EQ(plain, "abc");
}

TEST(HttpCompressionTest, ResponseCodingFollowsAcceptEncoding) {
  EXPECT_EQ(ChooseResponseCoding("gzip, deflate, br, zstd"), "zstd");
  EXPECT_EQ(ChooseResponseCoding("gzip;q=1.0, lz4"), "lz4");
  EXPECT_EQ(ChooseResponseCoding("br"), "");
  EXPECT_EQ(ChooseResponseCoding("zstd;q=0, gzip"), "gzip");
  EXPECT_EQ(ChooseResponseCoding(""), "");
}

}  // namespace
}  // namespace tally::server
