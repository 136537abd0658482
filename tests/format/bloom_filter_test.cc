// Bloom filters of skip indexes: sized from the distinct count, no false negatives, a
// measured false-positive rate within 1.5x of the target, and a size cap that is kept.
#include "format/bloom_filter.h"

#include <gtest/gtest.h>

#include <random>

#include "format/column.h"
#include "format/skip_index.h"

namespace tally::format {
namespace {

uint64_t HashOf(uint64_t v) {
  Column c = Column::Make(*ParseDataType("UInt64"));
  c.Append<uint64_t>(v);
  return SkipIndexHash(c, 0);
}

TEST(BloomFilterTest, MeasuredFalsePositiveRateStaysWithinOneAndAHalfTimesTheTarget) {
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

TEST(BloomFilterTest, NoValuesNoBitsAndNothingContained) {
  BloomFilter empty = BloomFilter::Sized(0, 0.01);
  EXPECT_EQ(empty.bits(), 0u);
  EXPECT_FALSE(empty.MayContain(HashOf(1)));
}

TEST(BloomFilterTest, ACapBoundsTheSizeAndTheHashesFollowTheBits) {
  BloomFilter capped = BloomFilter::Sized(100000, 0.01, 16);
  EXPECT_EQ(capped.bits(), 16u * 64);
  EXPECT_EQ(capped.hashes(), 1u);  // round(1024 / 100000 * ln 2) is 0; at least 1
  BloomFilter roomy = BloomFilter::Sized(100, 0.01, 1 << 20);
  EXPECT_EQ(roomy.words().size(), 15u);  // 100 * 9.585 bits = 959 bits, 15 words
  EXPECT_EQ(roomy.hashes(), 7u);
}

}  // namespace
}  // namespace tally::format
