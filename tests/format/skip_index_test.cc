// Skip index files: every kind's bytes round-trip, golden bytes pin the layout of each
// (docs/format.md, "Skip index files"), version-1 files still read, and damage (a flipped
// byte, a cut, a broken invariant under a good checksum) is DataLoss, never a crash.
#include "format/skip_index.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/part_format.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

using Kind = SkipIndexFile::Kind;

uint64_t HashOf(uint64_t v) {
  Column c = Column::Make(*ParseDataType("UInt64"));
  c.Append<uint64_t>(v);
  return SkipIndexHash(c, 0);
}

TEST(SkipIndexHashTest, EqualValuesHashEqualAcrossTypesOfOneColumn) {
  // -0.0 and 0.0 are equal, so one must not rule the other out.
  Column f = Column::Make(*ParseDataType("Float64"));
  f.Append<double>(-0.0);
  f.Append<double>(0.0);
  EXPECT_EQ(SkipIndexHash(f, 0), SkipIndexHash(f, 1));
  // A LowCardinality entry hashes as its string.
  Column s = Column::Make(*ParseDataType("String"));
  s.AppendString("acme");
  Column lc = Column::Make(*ParseDataType("LowCardinality(String)"));
  ASSERT_OK(lc.AppendValue(Value::String("acme")));
  EXPECT_EQ(SkipIndexHash(s, 0), SkipIndexHash(lc, 0));
}

MinMaxEntry Bounds(Value lo, Value hi) {
  MinMaxEntry e;
  e.any = true;
  e.min = std::move(lo);
  e.max = std::move(hi);
  return e;
}

// One file of each kind, with a few entries of each shape (empty, overflowing, NaN).
std::vector<SkipIndexFile> Samples() {
  std::vector<SkipIndexFile> out;
  SkipIndexFile legacy;
  legacy.kind = Kind::kLegacyBloomFilter;
  legacy.granularity = 3;
  for (uint64_t n : {5u, 0u, 700u}) {
    BloomFilter f = BloomFilter::Sized(n, 0.02);
    for (uint64_t i = 0; i < n; ++i) f.Add(HashOf(i * 31));
    legacy.filters.push_back(std::move(f));
  }
  out.push_back(legacy);
  SkipIndexFile bloom = legacy;
  bloom.kind = Kind::kBloomFilter;
  bloom.expression = "lower(s)";
  out.push_back(bloom);
  SkipIndexFile tokens = bloom;
  tokens.kind = Kind::kTokenBloomFilter;
  tokens.seed = 12345;
  out.push_back(tokens);
  SkipIndexFile ngrams = tokens;
  ngrams.kind = Kind::kNgramBloomFilter;
  ngrams.ngram = 4;
  out.push_back(ngrams);
  SkipIndexFile minmax;
  minmax.kind = Kind::kMinMax;
  minmax.granularity = 2;
  minmax.expression = "x";
  minmax.minmax = {Bounds(Value::Int(-5), Value::UInt(70)), MinMaxEntry(),
                   Bounds(Value::String("a"), Value::String("zz")), Bounds(Value::Float(-0.5), Value::Float(2.5))};
  minmax.minmax[1].nan = true;
  minmax.minmax[3].nan = true;
  out.push_back(minmax);
  SkipIndexFile set;
  set.kind = Kind::kSet;
  set.expression = "mapKeys(m)";
  set.max_values = 3;
  set.sets.resize(3);
  set.sets[0].values = {Value::String(""), Value::String("a"), Value::String("b")};
  set.sets[1].overflow = true;
  out.push_back(set);  // sets[2]: no value at all
  return out;
}

void ExpectSame(const SkipIndexFile& got, const SkipIndexFile& want) {
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.granularity, want.granularity);
  EXPECT_EQ(got.expression, want.expression);
  EXPECT_EQ(got.max_values, want.max_values);
  EXPECT_EQ(got.seed, want.seed);
  EXPECT_EQ(got.ngram, want.ngram);
  ASSERT_EQ(got.filters.size(), want.filters.size());
  for (size_t i = 0; i < got.filters.size(); ++i) {
    EXPECT_EQ(got.filters[i].hashes(), want.filters[i].hashes());
    EXPECT_EQ(got.filters[i].words(), want.filters[i].words());
  }
  ASSERT_EQ(got.minmax.size(), want.minmax.size());
  for (size_t i = 0; i < got.minmax.size(); ++i) {
    EXPECT_EQ(got.minmax[i].any, want.minmax[i].any);
    EXPECT_EQ(got.minmax[i].nan, want.minmax[i].nan);
    EXPECT_EQ(got.minmax[i].min, want.minmax[i].min);
    EXPECT_EQ(got.minmax[i].max, want.minmax[i].max);
  }
  ASSERT_EQ(got.sets.size(), want.sets.size());
  for (size_t i = 0; i < got.sets.size(); ++i) {
    EXPECT_EQ(got.sets[i].overflow, want.sets[i].overflow);
    EXPECT_EQ(got.sets[i].values, want.sets[i].values);
  }
}

TEST(SkipIndexFileTest, EveryKindRoundTrips) {
  for (const SkipIndexFile& want : Samples()) {
    SCOPED_TRACE(static_cast<int>(want.kind));
    const std::string bytes = EncodeSkipIndex(want);
    ASSERT_OK_AND_ASSIGN(SkipIndexFile got, DecodeSkipIndex(AsBytes(bytes), "skp_idx_i.idx"));
    ExpectSame(got, want);
    EXPECT_EQ(got.entries(), want.entries());
  }
  EXPECT_EQ(SkipIndexFileName("id bf"), "skp_idx_id%20bf.idx");
}

TEST(SkipIndexFileTest, EveryFlippedByteOrCutIsDataLoss) {
  for (const SkipIndexFile& file : Samples()) {
    SCOPED_TRACE(static_cast<int>(file.kind));
    const std::string bytes = EncodeSkipIndex(file);
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t bit : {0x01, 0x40}) {
        std::string damaged = bytes;
        damaged[i] = static_cast<char>(damaged[i] ^ bit);
        auto got = DecodeSkipIndex(AsBytes(damaged), "skp_idx_i.idx");
        ASSERT_FALSE(got.ok()) << "byte " << i;
        EXPECT_TRUE(absl::IsDataLoss(got.status())) << "byte " << i << ": " << got.status();
      }
    }
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      EXPECT_TRUE(absl::IsDataLoss(DecodeSkipIndex(AsBytes(bytes.substr(0, cut)), "skp_idx_i.idx").status())) << cut;
    }
  }
}

// A payload wrapped in a valid envelope: damage the checksum cannot see.
std::string Wrapped(absl::string_view payload_hex, uint16_t version = kSkipIndexVersion) {
  return WrapEnvelope(FileKind::kSkipIndex, absl::HexStringToBytes(payload_hex), version);
}

TEST(SkipIndexFileTest, BrokenInvariantsUnderAGoodChecksumAreDataLoss) {
  struct Case {
    uint16_t version;
    std::string payload_hex;
    std::string why;  // in the message
  };
  const std::vector<Case> cases = {
      {2, "00" "01" "0178" "00", "kind 0 does not exist"},
      {2, "01" "01" "00", "kind 1 is for version-1 files only"},
      {1, "02" "01" "0178" "00", "kind 2 in a version-1 file"},
      {2, "02" "00" "0178" "00", "granularity: zero"},
      {2, "02" "01" "00" "00", "expression: empty"},
      {2, "02" "01" "0178" "05", "entry count: too large"},
      {2, "02" "01" "0178" "01" "00" "01" "0000000000000000", "hash count: out of range"},
      {2, "02" "01" "0178" "01" "11" "01" "0000000000000000", "hash count: out of range"},
      {2, "02" "01" "0178" "01" "01" "09" "00", "word count: too large"},
      {2, "03" "01" "0178" "01" "04", "minmax flags: unknown bits"},
      {2, "03" "01" "0178" "01" "01" "0105" "0103", "maximum: below the minimum"},
      {2, "03" "01" "0178" "01" "01" "00" "0103", "minimum: not a number or a string"},
      {2, "04" "01" "0178" "00" "01" "01", "an unlimited set cannot overflow"},
      {2, "04" "01" "0178" "01" "01" "00" "02" "0101" "0102", "set size: too large"},
      {2, "04" "01" "0178" "00" "01" "00" "02" "0102" "0101", "not strictly ascending"},
      {2, "04" "01" "0178" "00" "01" "02", "unknown state 2"},
      {2, "06" "01" "0178" "00" "00" "00", "n-gram length: zero"},
      {2, "02" "01" "0178" "00" "ff", "unexpected trailing bytes"},
  };
  for (const Case& c : cases) {
    EXPECT_STATUS(DecodeSkipIndex(AsBytes(Wrapped(c.payload_hex, c.version)), "skp_idx_i.idx"),
                  absl::StatusCode::kDataLoss, c.why);
  }
}

TEST(SkipIndexFileTest, ANewerVersionOrKindIsUnimplemented) {
  EXPECT_STATUS(DecodeSkipIndex(AsBytes(Wrapped("02" "01" "0178" "00", kSkipIndexVersion + 1)), "skp_idx_i.idx"),
                absl::StatusCode::kUnimplemented, "newer");
  EXPECT_STATUS(DecodeSkipIndex(AsBytes(Wrapped("07" "01" "0178" "00")), "skp_idx_i.idx"),
                absl::StatusCode::kUnimplemented, "kind 7");
}

// Hostile payloads under a valid checksum: every kind's sample edited at random (bytes
// changed, inserted, dropped), in both versions. Decoding never crashes and fails only
// with DataLoss or Unimplemented; what decodes encodes back to a file that decodes alike.
TEST(SkipIndexFileTest, RandomlyEditedPayloadsNeverCrash) {
  std::mt19937_64 rng(99);
  std::vector<std::string> payloads;
  for (const SkipIndexFile& f : Samples()) {
    const std::string file = EncodeSkipIndex(f);
    payloads.push_back(file.substr(16, file.size() - kEnvelopeOverhead));
  }
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string p = payloads[rng() % payloads.size()];
    for (int edits = 1 + rng() % 4; edits > 0 && !p.empty(); --edits) {
      const size_t at = rng() % p.size();
      switch (rng() % 3) {
        case 0: p[at] = static_cast<char>(rng()); break;
        case 1: p.insert(at, 1, static_cast<char>(rng())); break;
        default: p.erase(at, 1); break;
      }
    }
    const uint16_t version = rng() % 4 == 0 ? 1 : kSkipIndexVersion;
    auto got = DecodeSkipIndex(AsBytes(WrapEnvelope(FileKind::kSkipIndex, p, version)), "skp_idx_i.idx");
    if (!got.ok()) {
      ASSERT_TRUE(absl::IsDataLoss(got.status()) || absl::IsUnimplemented(got.status())) << got.status();
      continue;
    }
    ++decoded;
    ASSERT_OK_AND_ASSIGN(SkipIndexFile again, DecodeSkipIndex(AsBytes(EncodeSkipIndex(*got)), "again"));
    ExpectSame(again, *got);
  }
  EXPECT_GT(decoded, 0) << "no edit kept a file readable: the edits test only the first bytes";
}

// --- Golden bytes: any change to these encodings is a format change. -----------------

std::string Envelope(absl::string_view version_hex, absl::string_view payload_hex) {
  const std::string payload = absl::HexStringToBytes(payload_hex);
  std::string head = absl::HexStringToBytes(absl::StrCat("544c5953", version_hex, "0000"));
  PutFixed64(&head, payload.size());
  head += payload;
  PutFixed64(&head, Checksum(head));
  return head;
}

struct Golden {
  SkipIndexFile file;
  std::string version_hex;
  std::string payload_hex;
};

std::vector<Golden> Goldens() {
  std::vector<Golden> out;
  SkipIndexFile f;
  f.kind = Kind::kLegacyBloomFilter;
  f.granularity = 1;
  f.filters = {BloomFilter(1, {0x5})};
  out.push_back({f, "0100",
                 "01"                   // kind 1 (bloom_filter, version 1)
                 "01"                   // granularity 1
                 "01"                   // 1 filter
                 "01" "01" "0500000000000000"});  // 1 hash, 1 word
  f = SkipIndexFile();
  f.kind = Kind::kBloomFilter;
  f.granularity = 2;
  f.expression = "id";
  f.filters = {BloomFilter(), BloomFilter(2, {0x8000000000000001})};
  out.push_back({f, "0200",
                 "02" "02" "026964"     // kind 2, granularity 2, expression "id"
                 "02"                   // 2 filters
                 "00" "00"              // an empty filter: no hashes, no words
                 "02" "01" "0100000000000080"});
  f = SkipIndexFile();
  f.kind = Kind::kMinMax;
  f.granularity = 1;
  f.expression = "n";
  f.minmax = {Bounds(Value::UInt(3), Value::UInt(300)), MinMaxEntry(), Bounds(Value::Int(-1), Value::Float(0.5))};
  f.minmax[1].nan = true;
  out.push_back({f, "0200",
                 "03" "01" "016e"       // kind 3, granularity 1, expression "n"
                 "03"                   // 3 entries
                 "01" "0103" "01ac02"   // values: UInt 3, UInt 300
                 "02"                   // NaN only
                 "01" "0201" "03000000000000e03f"});  // Int -1, Float 0.5
  f = SkipIndexFile();
  f.kind = Kind::kSet;
  f.granularity = 4;
  f.expression = "s";
  f.max_values = 2;
  f.sets.resize(2);
  f.sets[0].values = {Value::String("a"), Value::String("b")};
  f.sets[1].overflow = true;
  out.push_back({f, "0200",
                 "04" "04" "0173" "02"  // kind 4, granularity 4, expression "s", N = 2
                 "02"                   // 2 entries
                 "00" "02" "040161" "040162"  // values 'a', 'b'
                 "01"});                // more than N
  f = SkipIndexFile();
  f.kind = Kind::kTokenBloomFilter;
  f.granularity = 1;
  f.expression = "s";
  f.seed = 300;
  f.filters = {BloomFilter(3, {0xff})};
  out.push_back({f, "0200",
                 "05" "01" "0173" "ac02"  // kind 5, granularity 1, expression "s", seed 300
                 "01" "03" "01" "ff00000000000000"});
  f.kind = Kind::kNgramBloomFilter;
  f.ngram = 3;
  f.seed = 0;
  out.push_back({f, "0200",
                 "06" "01" "0173" "03" "00"  // kind 6, granularity 1, expression "s", n 3, seed 0
                 "01" "03" "01" "ff00000000000000"});
  return out;
}

TEST(SkipIndexFileTest, GoldenBytesOfEveryKind) {
  for (const Golden& g : Goldens()) {
    SCOPED_TRACE(g.payload_hex);
    const std::string want = Envelope(g.version_hex, g.payload_hex);
    EXPECT_EQ(absl::BytesToHexString(EncodeSkipIndex(g.file)), absl::BytesToHexString(want));
    ASSERT_OK_AND_ASSIGN(SkipIndexFile back, DecodeSkipIndex(AsBytes(want), "golden.idx"));
    ExpectSame(back, g.file);
  }
}

}  // namespace
}  // namespace tally::format
