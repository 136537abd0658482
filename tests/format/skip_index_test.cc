// Bloom-filter skip index files: sizing from each granule's distinct count, no false
// negatives, a measured false-positive rate within 1.5x of the target, the file's bytes
// round-trip, and damage is DataLoss.
#include "format/skip_index.h"

#include <gtest/gtest.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

uint64_t HashOf(uint64_t v) {
  Column c = Column::Make(*ParseDataType("UInt64"));
  c.Append<uint64_t>(v);
  return SkipIndexHash(c, 0);
}

TEST(SkipIndexTest, MeasuredFalsePositiveRateStaysWithinOneAndAHalfTimesTheTarget) {
  std::mt19937_64 rng(7);
  for (double target : {0.001, 0.01, 0.025, 0.1}) {
    for (uint64_t distinct : {10u, 100u, 1000u, 8192u, 50000u}) {
      BloomFilter filter = BloomFilter::Sized(distinct, target);
      std::vector<uint64_t> in;
      for (uint64_t i = 0; i < distinct; ++i) in.push_back(rng() | 1);  // odd: present
      for (uint64_t v : in) filter.Add(HashOf(v));
      for (uint64_t v : in) ASSERT_TRUE(filter.MayContain(HashOf(v))) << "a false negative";
      const int probes = 200000;
      int positives = 0;
      for (int i = 0; i < probes; ++i) positives += filter.MayContain(HashOf(rng() & ~uint64_t{1}));  // even: absent
      const double measured = static_cast<double>(positives) / probes;
      // Tiny filters round up to 64 bits, which only lowers the rate.
      EXPECT_LE(measured, 1.5 * target) << "target " << target << ", " << distinct << " distinct values, "
                                        << filter.bits() << " bits, " << filter.hashes() << " hashes";
    }
  }
}

TEST(SkipIndexTest, NoValuesNoBitsAndNothingContained) {
  BloomFilter empty = BloomFilter::Sized(0, 0.01);
  EXPECT_EQ(empty.bits(), 0u);
  EXPECT_FALSE(empty.MayContain(HashOf(1)));
}

TEST(SkipIndexTest, EqualValuesHashEqualAcrossTypesOfOneColumn) {
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

SkipIndexFile Sample() {
  SkipIndexFile file;
  file.granularity = 3;
  for (uint64_t n : {5u, 0u, 700u}) {
    BloomFilter f = BloomFilter::Sized(n, 0.02);
    for (uint64_t i = 0; i < n; ++i) f.Add(HashOf(i * 31));
    file.filters.push_back(std::move(f));
  }
  return file;
}

TEST(SkipIndexTest, FileRoundTrips) {
  const SkipIndexFile want = Sample();
  const std::string bytes = EncodeSkipIndex(want);
  ASSERT_OK_AND_ASSIGN(SkipIndexFile got, DecodeSkipIndex(AsBytes(bytes), "skp_idx_i.idx"));
  EXPECT_EQ(got.granularity, 3u);
  ASSERT_EQ(got.filters.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got.filters[i].hashes(), want.filters[i].hashes());
    EXPECT_EQ(got.filters[i].words(), want.filters[i].words());
  }
  EXPECT_EQ(SkipIndexFileName("id bf"), "skp_idx_id%20bf.idx");
}

TEST(SkipIndexTest, EveryFlippedByteOrCutIsDataLoss) {
  const std::string bytes = EncodeSkipIndex(Sample());
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x40);
    auto got = DecodeSkipIndex(AsBytes(damaged), "skp_idx_i.idx");
    EXPECT_FALSE(got.ok()) << "byte " << i;
    if (!got.ok() && !absl::IsUnimplemented(got.status())) {  // a flipped version is "newer"
      EXPECT_TRUE(absl::IsDataLoss(got.status())) << got.status();
    }
  }
  for (size_t cut : {size_t{0}, size_t{10}, bytes.size() - 1}) {
    EXPECT_TRUE(absl::IsDataLoss(DecodeSkipIndex(AsBytes(bytes.substr(0, cut)), "skp_idx_i.idx").status())) << cut;
  }
}

}  // namespace
}  // namespace tally::format
