#include "format/codec.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/format/codec_test_util.h"

namespace tally::format {
namespace {

using testing::Bytes;
using testing::ToBytes;

constexpr CodecSpec kNone{CodecId::kNone, 0};
CodecSpec Delta(uint8_t w) { return {CodecId::kDelta, w}; }
CodecSpec DoubleDelta(uint8_t w) { return {CodecId::kDoubleDelta, w}; }
CodecSpec Gorilla(uint8_t w) { return {CodecId::kGorilla, w}; }
CodecSpec Zstd(uint8_t level) { return {CodecId::kZstd, level}; }

// --- CODEC(...) text. ---

TEST(ParseCodecChainTest, ParsesGoodChains) {
  struct Case {
    const char* text;
    CodecChain chain;
  };
  const Case cases[] = {
      {"None", {kNone}},
      {"none", {kNone}},
      {"Delta", {Delta(0)}},
      {"Delta(4), ZSTD(1)", {Delta(4), Zstd(1)}},
      {"  delta ( 8 ) ,zstd( 3 )  ", {Delta(8), Zstd(3)}},
      {"DoubleDelta, ZSTD", {DoubleDelta(0), Zstd(1)}},
      {"DOUBLEDELTA(2)", {DoubleDelta(2)}},
      {"Gorilla", {Gorilla(0)}},
      {"Gorilla(4), ZSTD(22)", {Gorilla(4), Zstd(22)}},
      {"ZSTD", {Zstd(1)}},
      {"ZSTD(0)", {Zstd(1)}},
      {"Zstd(9)", {Zstd(9)}},
      {"Delta(1), Delta(2), ZSTD(1)", {Delta(1), Delta(2), Zstd(1)}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    ASSERT_OK_AND_ASSIGN(CodecChain chain, ParseCodecChain(c.text));
    EXPECT_EQ(chain, c.chain);
  }
}

TEST(ParseCodecChainTest, RejectsBadChainsNamingTheText) {
  const char* const bad[] = {
      "",           "   ",         ",",         "Delta,",       ", Delta",    "Delta ZSTD",
      "Delta(",     "Delta(4",     "Delta()",   "Delta(x)",     "Delta(-1)",  "Delta(3)",
      "Delta(16)",  "Gorilla(2)",  "ZSTD(23)",  "ZSTD(256)",    "ZSTD(99999999999)",
      "LZ4",        "None(1)",     "Delta(4))", "Delta(4) (8)", "ZSTD(1.5)",
      "Delta(1), Delta(1), Delta(1), Delta(1), Delta(1), Delta(1), Delta(1), Delta(1), Delta(1)",
  };
  for (const char* text : bad) {
    SCOPED_TRACE(text);
    EXPECT_STATUS(ParseCodecChain(text), absl::StatusCode::kInvalidArgument,
                  absl::StrCat("CODEC(", text, ")"));
  }
  EXPECT_STATUS(ParseCodecChain("Delta(3)"), absl::StatusCode::kInvalidArgument,
                "Delta(3): width must be 1, 2, 4 or 8");
  EXPECT_STATUS(ParseCodecChain("Snappy"), absl::StatusCode::kInvalidArgument,
                "unknown codec 'Snappy'");
}

TEST(CodecChainToStringTest, PrintsCanonicalNames) {
  EXPECT_EQ(CodecChainToString({Delta(4), Zstd(1)}), "Delta(4), ZSTD(1)");
  EXPECT_EQ(CodecChainToString({kNone}), "None");
  EXPECT_EQ(CodecChainToString({DoubleDelta(0), Gorilla(8)}), "DoubleDelta, Gorilla(8)");
  EXPECT_EQ(CodecChainToString({}), "");
  EXPECT_EQ(CodecSpecToString({static_cast<CodecId>(200), 7}), "Codec#200(7)");
}

TEST(CodecChainToStringTest, ParseOfPrintIsIdentity) {
  for (const CodecChain& chain :
       {CodecChain{kNone}, CodecChain{Delta(4), Zstd(1)}, CodecChain{DoubleDelta(8), Zstd(5)},
        CodecChain{Gorilla(4)}, CodecChain{Gorilla(8), Zstd(22)}}) {
    ASSERT_OK_AND_ASSIGN(CodecChain parsed, ParseCodecChain(CodecChainToString(chain)));
    EXPECT_EQ(parsed, chain);
  }
}

// --- Resolving and validating. ---

TEST(ResolveCodecChainTest, FillsWidthsFromTheValueWidth) {
  ASSERT_OK_AND_ASSIGN(CodecChain chain, ResolveCodecChain({Delta(0), Zstd(0)}, 4));
  EXPECT_EQ(chain, (CodecChain{Delta(4), Zstd(1)}));
  ASSERT_OK_AND_ASSIGN(chain, ResolveCodecChain({Gorilla(0)}, 8));
  EXPECT_EQ(chain, (CodecChain{Gorilla(8)}));
  ASSERT_OK_AND_ASSIGN(chain, ResolveCodecChain({DoubleDelta(0)}, 2));
  EXPECT_EQ(chain, (CodecChain{DoubleDelta(2)}));
  ASSERT_OK_AND_ASSIGN(chain, ResolveCodecChain({Zstd(3)}, 0));  // ZSTD suits strings
  EXPECT_EQ(chain, (CodecChain{Zstd(3)}));
  ASSERT_OK_AND_ASSIGN(chain, ResolveCodecChain({kNone}, 0));
  EXPECT_EQ(chain, (CodecChain{kNone}));
}

TEST(ResolveCodecChainTest, KeepsExplicitWidths) {
  ASSERT_OK_AND_ASSIGN(CodecChain chain, ResolveCodecChain({Delta(2), Zstd(1)}, 8));
  EXPECT_EQ(chain, (CodecChain{Delta(2), Zstd(1)}));
}

TEST(ResolveCodecChainTest, RefusesTransformsOnVariableWidthData) {
  EXPECT_STATUS(ResolveCodecChain({Delta(0), Zstd(1)}, 0), absl::StatusCode::kInvalidArgument,
                "Delta: needs fixed-width values");
  EXPECT_STATUS(ResolveCodecChain({Gorilla(8)}, 0), absl::StatusCode::kInvalidArgument,
                "Gorilla(8)");
  EXPECT_STATUS(ResolveCodecChain({DoubleDelta(4)}, 0), absl::StatusCode::kInvalidArgument,
                "DoubleDelta(4)");
}

TEST(ResolveCodecChainTest, RefusesBadWidthsLevelsAndShapes) {
  EXPECT_STATUS(ResolveCodecChain({Gorilla(0)}, 2), absl::StatusCode::kInvalidArgument,
                "Gorilla: the column's value width 2");
  EXPECT_STATUS(ResolveCodecChain({Delta(0)}, 16), absl::StatusCode::kInvalidArgument,
                "Delta: the column's value width 16");
  EXPECT_STATUS(ResolveCodecChain({DoubleDelta(0)}, 3), absl::StatusCode::kInvalidArgument,
                "DoubleDelta");
  EXPECT_STATUS(ResolveCodecChain({Delta(3)}, 4), absl::StatusCode::kInvalidArgument,
                "Delta(3): width must be 1, 2, 4 or 8");
  EXPECT_STATUS(ResolveCodecChain({Zstd(23)}, 4), absl::StatusCode::kInvalidArgument,
                "ZSTD(23): level must be 1..22");
  EXPECT_STATUS(ResolveCodecChain({kNone, Zstd(1)}, 4), absl::StatusCode::kInvalidArgument,
                "None cannot be combined");
  EXPECT_STATUS(ResolveCodecChain({{static_cast<CodecId>(9), 0}}, 4),
                absl::StatusCode::kInvalidArgument, "unknown codec id 9");
  EXPECT_STATUS(ResolveCodecChain(CodecChain(9, Zstd(1)), 4), absl::StatusCode::kInvalidArgument,
                "at most 8");
  EXPECT_STATUS(ResolveCodecChain({}, 4), absl::StatusCode::kInvalidArgument, "empty codec chain");
}

TEST(ValidateStoredChainTest, AcceptsWellFormedChains) {
  EXPECT_OK(ValidateStoredChain({kNone}));
  EXPECT_OK(ValidateStoredChain({Delta(8), Zstd(1)}));
  EXPECT_OK(ValidateStoredChain({DoubleDelta(1), Zstd(22)}));
  EXPECT_OK(ValidateStoredChain({Gorilla(4)}));
}

TEST(ValidateStoredChainTest, UnknownIdIsUnimplementedAndBadParamsAreDataLoss) {
  EXPECT_STATUS(ValidateStoredChain({{static_cast<CodecId>(6), 1}}),
                absl::StatusCode::kUnimplemented, "unknown codec id 6");
  EXPECT_STATUS(ValidateStoredChain({Delta(0)}), absl::StatusCode::kDataLoss, "Delta");
  EXPECT_STATUS(ValidateStoredChain({Gorilla(2)}), absl::StatusCode::kDataLoss, "Gorilla(2)");
  EXPECT_STATUS(ValidateStoredChain({Zstd(0)}), absl::StatusCode::kDataLoss, "ZSTD");
  EXPECT_STATUS(ValidateStoredChain({{CodecId::kNone, 1}}), absl::StatusCode::kDataLoss, "None");
  EXPECT_STATUS(ValidateStoredChain({}), absl::StatusCode::kDataLoss, "empty");
  EXPECT_STATUS(ValidateStoredChain({Delta(4), kNone}), absl::StatusCode::kDataLoss, "None");
  EXPECT_STATUS(ValidateStoredChain(CodecChain(9, Zstd(1))), absl::StatusCode::kDataLoss,
                "at most 8");
}

// --- Encoding and decoding through chains. ---

void ExpectChainRoundTrip(const CodecChain& chain, const Bytes& raw, bool expect_compressed) {
  SCOPED_TRACE(absl::StrCat(CodecChainToString(chain), " on ", raw.size(), " bytes"));
  std::string stored;
  ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain(chain, raw, &stored));
  if (expect_compressed) {
    EXPECT_EQ(used, chain);
    EXPECT_LT(stored.size() * 10, raw.size() * 9);
  }
  PodVector<uint8_t> out;
  ASSERT_OK(DecodeWithChain(used, AsBytes(stored), raw.size(), "test column", &out));
  EXPECT_EQ(ToBytes(out), raw);
}

TEST(EncodeWithChainTest, EmptyChainAndNoneStoreRaw) {
  Bytes raw = testing::RandomBytes(100, 1);
  for (const CodecChain& chain : {CodecChain{}, CodecChain{kNone}}) {
    std::string stored;
    ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain(chain, raw, &stored));
    EXPECT_EQ(used, CodecChain{kNone});
    EXPECT_EQ(ToBytes(stored), raw);
  }
}

TEST(EncodeWithChainTest, StoresRawWhenSavingUnderTenPercent) {
  Bytes raw = testing::RandomBytes(10'000, 2);  // incompressible
  std::string stored = "stale";
  ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain({Delta(4), Zstd(1)}, raw, &stored));
  EXPECT_EQ(used, CodecChain{kNone});
  EXPECT_EQ(ToBytes(stored), raw);
  // Delta alone never shrinks anything: always raw.
  Bytes sorted = ToBytes(testing::SortedTimestamps(1000, 1));
  ASSERT_OK_AND_ASSIGN(used, EncodeWithChain({Delta(4)}, sorted, &stored));
  EXPECT_EQ(used, CodecChain{kNone});
}

TEST(EncodeWithChainTest, EmptyAndTinyInputsStoreRaw) {
  for (size_t n : {0, 1, 3}) {
    Bytes raw(n, 0);
    std::string stored;
    ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain({DoubleDelta(4), Zstd(1)}, raw, &stored));
    EXPECT_EQ(used, CodecChain{kNone});
    PodVector<uint8_t> out;
    ASSERT_OK(DecodeWithChain(used, AsBytes(stored), n, "test column", &out));
    EXPECT_EQ(out.size(), n);
  }
}

TEST(EncodeWithChainTest, RefusesUnresolvedOrInvalidChains) {
  Bytes raw(100, 0);
  std::string stored;
  EXPECT_STATUS(EncodeWithChain({Delta(0)}, raw, &stored), absl::StatusCode::kInvalidArgument,
                "Delta");
  EXPECT_STATUS(EncodeWithChain({Zstd(0)}, raw, &stored), absl::StatusCode::kInvalidArgument,
                "ZSTD");
  EXPECT_STATUS(EncodeWithChain({kNone, Zstd(1)}, raw, &stored),
                absl::StatusCode::kInvalidArgument, "None");
}

TEST(ChainRoundTripTest, DeltaThenZstdForEveryWidth) {
  for (uint8_t w : {1, 2, 4, 8}) {
    std::vector<uint64_t> values(20'000);
    std::mt19937_64 rng(w);
    uint64_t v = 0;
    for (uint64_t& x : values) x = (v += rng() % 5);
    Bytes raw;
    for (uint64_t x : values) raw.insert(raw.end(), reinterpret_cast<uint8_t*>(&x),
                                         reinterpret_cast<uint8_t*>(&x) + w);
    raw.push_back(0x42);  // a partial trailing element
    ExpectChainRoundTrip({Delta(w), Zstd(1)}, raw, /*expect_compressed=*/true);
  }
}

TEST(ChainRoundTripTest, DoubleDeltaThenZstd) {
  ExpectChainRoundTrip({DoubleDelta(4), Zstd(3)}, ToBytes(testing::SortedTimestamps(50'000, 2)),
                       true);
  std::vector<uint64_t> ms(50'000);
  for (size_t i = 0; i < ms.size(); ++i) ms[i] = 1'700'000'000'000 + 1000 * i + (i % 7 == 0);
  ExpectChainRoundTrip({DoubleDelta(8), Zstd(1)}, ToBytes(ms), true);
}

TEST(ChainRoundTripTest, GorillaThenZstd) {
  std::vector<double> values(50'000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i % 100) * 0.25;
  ExpectChainRoundTrip({Gorilla(8), Zstd(1)}, ToBytes(values), true);
  std::vector<float> floats(50'000, 1.5f);
  ExpectChainRoundTrip({Gorilla(4), Zstd(1)}, ToBytes(floats), true);
}

TEST(ChainRoundTripTest, RandomDataThroughEveryChainRoundTrips) {
  const CodecChain chains[] = {{Delta(1), Zstd(1)},       {Delta(8), Zstd(1)},
                               {DoubleDelta(2), Zstd(1)}, {Gorilla(4), Zstd(1)},
                               {Gorilla(8), Zstd(1)},     {Zstd(5)},
                               {Delta(4), Delta(4)},      {Zstd(1), Zstd(1)}};
  for (const CodecChain& chain : chains) {
    for (size_t n : {0, 1, 7, 8, 9, 1000, 65'537}) {
      ExpectChainRoundTrip(chain, testing::RandomBytes(n, n), false);
    }
  }
}

TEST(ChainRoundTripTest, HugeInput) {
  ExpectChainRoundTrip({Delta(4), Zstd(1)}, ToBytes(testing::SortedTimestamps(4 << 20, 9)), true);
}

TEST(ChainRoundTripTest, DeltaZstdShrinksSortedTimestampsOver20x) {
  Bytes raw = ToBytes(testing::SortedTimestamps(1 << 20, 42));
  std::string stored;
  ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain({Delta(4), Zstd(1)}, raw, &stored));
  EXPECT_EQ(used, (CodecChain{Delta(4), Zstd(1)}));
  EXPECT_GE(raw.size() / stored.size(), 20u) << stored.size();
}

TEST(DecodeWithChainTest, WrongRawSizeIsDataLossNamingWhat) {
  Bytes raw = ToBytes(testing::SortedTimestamps(10'000, 3));
  std::string stored;
  ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain({Delta(4), Zstd(1)}, raw, &stored));
  PodVector<uint8_t> out;
  EXPECT_STATUS(DecodeWithChain(used, AsBytes(stored), raw.size() + 4, "part 1: column 't'", &out),
                absl::StatusCode::kDataLoss, "part 1: column 't': Delta(4): decoded size");
  EXPECT_STATUS(DecodeWithChain({kNone}, AsBytes(stored), stored.size() + 1, "col", &out),
                absl::StatusCode::kDataLoss, "col: None: stored size");
}

TEST(DecodeWithChainTest, BadStoredChainsAreRefused) {
  PodVector<uint8_t> out;
  EXPECT_STATUS(DecodeWithChain({{static_cast<CodecId>(77), 0}}, {}, 0, "col", &out),
                absl::StatusCode::kUnimplemented, "col: unknown codec id 77");
  EXPECT_STATUS(DecodeWithChain({}, {}, 0, "col", &out), absl::StatusCode::kDataLoss,
                "col: empty codec chain");
  EXPECT_STATUS(DecodeWithChain({Delta(3)}, {}, 0, "col", &out), absl::StatusCode::kDataLoss,
                "col: Delta(3)");
}

TEST(DecodeWithChainTest, IntermediateStageSizesAreBounded) {
  // A ZSTD stage that claims far more than the Delta stage below it could ever produce
  // for a 100-byte column is refused before its output is allocated.
  std::string huge_stage = testing::EncodeOne(Zstd(1), Bytes(1 << 20, 0));
  PodVector<uint8_t> out;
  EXPECT_STATUS(DecodeWithChain({Delta(4), Zstd(1)}, AsBytes(huge_stage), 100, "col", &out),
                absl::StatusCode::kDataLoss, "col: ZSTD(1): frame content size 1048576");
  // A well-sized intermediate stage whose content is not a Delta encoding of 100 bytes.
  std::string wrong_stage = testing::EncodeOne(Zstd(1), Bytes(100, 0));
  EXPECT_STATUS(DecodeWithChain({Delta(4), Zstd(1)}, AsBytes(wrong_stage), 100, "col", &out),
                absl::StatusCode::kDataLoss, "col: Delta(4)");
}

TEST(DecodeWithChainTest, CorruptionIsDataLossOrRightSizeNeverACrash) {
  const CodecChain chains[] = {{Delta(4), Zstd(1)}, {DoubleDelta(4), Zstd(1)},
                               {Gorilla(8), Zstd(1)}, {DoubleDelta(8)}, {Gorilla(4)}};
  Bytes ts = ToBytes(testing::SortedTimestamps(3000, 5));
  std::vector<double> doubles(1000);
  for (size_t i = 0; i < doubles.size(); ++i) doubles[i] = 20 + static_cast<double>(i % 37) / 8;
  for (const CodecChain& chain : chains) {
    SCOPED_TRACE(CodecChainToString(chain));
    Bytes raw = chain[0].id == CodecId::kGorilla ? ToBytes(doubles) : ts;
    std::string stored;
    ASSERT_OK_AND_ASSIGN(CodecChain used, EncodeWithChain(chain, raw, &stored));
    ASSERT_EQ(used, chain);
    size_t detected = testing::SweepCorruptions(
        stored, raw.size(), 1, /*truncation_always_detected=*/true,
        [&](absl::Span<const uint8_t> in, PodVector<uint8_t>* out) {
          return DecodeWithChain(used, in, raw.size(), "test column", out);
        });
    EXPECT_GT(detected, stored.size());
  }
}

// A cheap fuzz pass: random bytes, and valid encodings with random bytes overwritten,
// through every codec with exact and bounded size limits.
TEST(DecodeWithChainTest, RandomAndMutatedInputsNeverCrash) {
  const CodecSpec specs[] = {kNone,          Delta(1),   Delta(8),   DoubleDelta(1),
                             DoubleDelta(8), Gorilla(4), Gorilla(8), Zstd(1)};
  std::mt19937_64 rng(99);
  PodVector<uint8_t> out;
  for (const CodecSpec& spec : specs) {
    SCOPED_TRACE(CodecSpecToString(spec));
    const CodecInfo* codec = FindCodec(spec.id);
    std::vector<double> series(300);
    for (size_t i = 0; i < series.size(); ++i) series[i] = static_cast<double>(i / 3) * 1.5;
    std::string valid = testing::EncodeOne(spec, ToBytes(series));
    for (int iter = 0; iter < 3000; ++iter) {
      std::string input;
      if (iter % 2 == 0) {
        input = std::string(rng() % 48, '\0');
        for (char& c : input) c = static_cast<char>(rng());
        if (!input.empty() && rng() % 2) input[0] = static_cast<char>(rng() % 64);
      } else {
        input = valid;
        for (int m = 1 + static_cast<int>(rng() % 4); m > 0; --m) {
          input[rng() % input.size()] = static_cast<char>(rng());
        }
      }
      bool exact = rng() % 2;
      size_t size = exact ? (iter % 4 == 1 ? series.size() * 8 : rng() % 4096) : 1 << 20;
      absl::Status s =
          codec->decode(spec, AsBytes(input), DecodedSizeLimit{size, exact}, "test column", &out);
      if (s.ok()) {
        if (exact) {
          EXPECT_EQ(out.size(), size);
        }
        EXPECT_LE(out.size(), size);
      } else {
        EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
        EXPECT_NE(s.message().find("test column"), absl::string_view::npos) << s;
      }
    }
  }
}

}  // namespace
}  // namespace tally::format
