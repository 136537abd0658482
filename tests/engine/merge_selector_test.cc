// SelectMerge: the size-tiered choice of a background merge's parts.
#include "engine/merge_selector.h"

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

namespace tally::engine {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

std::vector<MergeCandidate> Sizes(std::vector<uint64_t> mib) {
  std::vector<MergeCandidate> out;
  for (uint64_t m : mib) out.push_back(MergeCandidate{m * kMiB, false});
  return out;
}

using Window = std::optional<std::pair<size_t, size_t>>;

TEST(MergeSelectorTest, FewerThanThreePartsAreLeftAlone) {
  EXPECT_EQ(SelectMerge(Sizes({})), Window());
  EXPECT_EQ(SelectMerge(Sizes({5})), Window());
  EXPECT_EQ(SelectMerge(Sizes({5, 5})), Window());
}

TEST(MergeSelectorTest, EqualPartsMergeAsAWindowOfUpToTen) {
  EXPECT_EQ(SelectMerge(Sizes({4, 4, 4})), Window({0, 3}));
  EXPECT_EQ(SelectMerge(Sizes(std::vector<uint64_t>(25, 4))), Window({0, 10}));
}

TEST(MergeSelectorTest, BigPartIsNotRewrittenForSmallOnes) {
  // 100 MiB next to three 1 MiB parts: the small ones merge alone.
  EXPECT_EQ(SelectMerge(Sizes({100, 1, 1, 1})), Window({1, 4}));
  // Two big parts and one small: the small one is not worth a rewrite of 200 MiB...
  EXPECT_EQ(SelectMerge(Sizes({100, 100, 1})), Window({0, 3}));
  // ...but one giant and two crumbs stay as they are.
  EXPECT_EQ(SelectMerge(Sizes({100, 2, 2})), Window());
}

TEST(MergeSelectorTest, TinyPartsAlwaysMerge) {
  std::vector<MergeCandidate> parts = {{600 * 1024, false}, {100, false}, {100, false}};
  EXPECT_EQ(SelectMerge(parts), Window({0, 3}));
}

TEST(MergeSelectorTest, WindowsDoNotCrossPartsBeingMerged) {
  std::vector<MergeCandidate> parts = Sizes({4, 4, 4, 4, 4});
  parts[2].merging = true;
  EXPECT_EQ(SelectMerge(parts), Window());
  parts.push_back(MergeCandidate{4 * kMiB, false});
  EXPECT_EQ(SelectMerge(parts), Window({3, 6}));
}

TEST(MergeSelectorTest, RepeatedInsertsStayAtFewParts) {
  // Simulate 300 equal inserts with a merge after each: parts stay few and each row is
  // rewritten a handful of times, not once per insert.
  std::vector<uint64_t> parts;
  uint64_t written = 0;
  for (int insert = 0; insert < 300; ++insert) {
    parts.push_back(1);
    written += 1;
    while (true) {
      std::vector<MergeCandidate> c;
      for (uint64_t p : parts) c.push_back(MergeCandidate{p * kMiB, false});
      Window w = SelectMerge(c);
      if (!w) break;
      uint64_t sum = 0;
      for (size_t i = w->first; i < w->second; ++i) sum += parts[i];
      parts.erase(parts.begin() + w->first, parts.begin() + w->second);
      parts.insert(parts.begin() + w->first, sum);
      written += sum;
    }
    ASSERT_LE(parts.size(), 12u) << "after insert " << insert;
  }
  EXPECT_LT(written, 300u * 8) << "write amplification";
}

}  // namespace
}  // namespace tally::engine
