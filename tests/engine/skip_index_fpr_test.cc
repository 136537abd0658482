// The false-positive rate of the Bloom-filter skip indexes as built (bloom_filter,
// tokenbf_v1, ngrambf_v1 through SkipIndexBuilder, on random data, every index granule
// sized from its own distinct count): within 1.5x of the target (bloom_filter's rate;
// for tokens and n-grams each granule's TextIndexRate), with no false negative.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/skip_index_builder.h"
#include "format/text_tokens.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;

constexpr size_t kGranuleRows = 1024;
constexpr size_t kGranules = 24;

format::TableSchema Schema() {
  format::TableSchema schema;
  schema.columns = {testing_db::Col("v", "UInt64"), testing_db::Col("text", "String")};
  schema.skip_indexes = {{"v_bf", "v", "bloom_filter(0.01)", 1, {}},
                         {"tok", "text", "tokenbf_v1(4096, 3, 99)", 1, {}},
                         {"ngram", "text", "ngrambf_v1(4, 16384, 3, 5)", 1, {}}};
  return schema;
}

// A random word of letters a..p: the probes use q..z, so none of theirs is present.
std::string Word(std::mt19937_64& rng, size_t len) {
  std::string w;
  for (size_t i = 0; i < len; ++i) w.push_back(static_cast<char>('a' + rng() % 16));
  return w;
}

std::string Absent(std::mt19937_64& rng, size_t len) {
  std::string w;
  for (size_t i = 0; i < len; ++i) w.push_back(static_cast<char>('q' + rng() % 10));
  return w;
}

TEST(SkipIndexFalsePositiveTest, MeasuredRatesStayWithinOneAndAHalfTimesTheTarget) {
  ASSERT_OK_AND_ASSIGN(std::vector<BoundSkipIndex> indexes, BindSkipIndexes(Schema()));
  std::mt19937_64 rng(42);
  // Granules of varied distinct counts: values repeat more in some than in others.
  Block block;
  block.Add("v", Column::Make(*format::ParseDataType("UInt64")));
  block.Add("text", Column::Make(*format::ParseDataType("String")));
  std::vector<size_t> starts;
  std::vector<std::vector<uint64_t>> present(kGranules);
  std::vector<std::vector<std::string>> texts(kGranules);
  for (size_t g = 0; g < kGranules; ++g) {
    starts.push_back(g * kGranuleRows);
    const uint64_t distinct = 16 + rng() % kGranuleRows;
    for (size_t r = 0; r < kGranuleRows; ++r) {
      const uint64_t v = (rng() % distinct) * 2 + 1 + g * 1000000;  // odd: present values
      block.columns[0].Append<uint64_t>(v);
      present[g].push_back(v);
      std::string text;  // granules of more or fewer words: distinct counts differ
      for (size_t w = 1 + rng() % (1 + g % 6); w > 0; --w) {
        absl::StrAppend(&text, Word(rng, 2 + rng() % 8), rng() % 3 ? " " : "/");
      }
      block.columns[1].AppendString(text);
      texts[g].push_back(text);
    }
  }
  for (const BoundSkipIndex& index : indexes) {
    SCOPED_TRACE(index.name);
    SkipIndexBuilder builder(index);
    ASSERT_OK(builder.Add(block, starts, 0));
    const format::SkipIndexFile file = builder.Finish();
    ASSERT_EQ(file.entries(), kGranules);
    double expected = 0;  // false positives, by each granule's target rate
    uint64_t probes = 0, positives = 0;
    for (size_t g = 0; g < kGranules; ++g) {
      const format::BloomFilter& filter = file.filters[g];
      std::set<std::string> pieces;
      for (const std::string& t : texts[g]) {
        auto add = [&](absl::string_view p) { pieces.emplace(p); };
        if (index.kind == format::SkipIndexFile::Kind::kTokenBloomFilter) format::ForEachToken(t, add);
        if (index.kind == format::SkipIndexFile::Kind::kNgramBloomFilter) format::ForEachNgram(t, index.ngram, add);
      }
      const double target =
          index.kind == format::SkipIndexFile::Kind::kBloomFilter ? index.fpr : TextIndexRate(index, pieces.size());
      const uint64_t probes_before = probes;
      // No false negatives: everything added is found.
      for (size_t r = 0; r < kGranuleRows; ++r) {
        if (index.kind == format::SkipIndexFile::Kind::kBloomFilter) {
          ASSERT_TRUE(filter.MayContain(*HashOfValue(index.values, format::Value::UInt(present[g][r]))));
        } else if (index.kind == format::SkipIndexFile::Kind::kTokenBloomFilter) {
          format::ForEachToken(texts[g][r], [&](absl::string_view t) {
            ASSERT_TRUE(filter.MayContain(format::TextHash(t, index.seed))) << t;
          });
        } else {
          format::ForEachNgram(texts[g][r], index.ngram, [&](absl::string_view t) {
            ASSERT_TRUE(filter.MayContain(format::TextHash(t, index.seed))) << t;
          });
        }
      }
      for (int i = 0; i < 20000; ++i) {
        uint64_t h = 0;
        if (index.kind == format::SkipIndexFile::Kind::kBloomFilter) {
          h = *HashOfValue(index.values, format::Value::UInt((rng() % 1000000) * 2 + g * 1000000));  // even: absent
        } else {
          h = format::TextHash(Absent(rng, index.kind == format::SkipIndexFile::Kind::kNgramBloomFilter
                                               ? index.ngram
                                               : 2 + rng() % 8),
                               index.seed);
        }
        ++probes;
        positives += filter.MayContain(h);
      }
      expected += target * static_cast<double>(probes - probes_before);
    }
    RecordProperty(index.name + "_false_positives", absl::StrCat(positives, " of ", probes, ", expected ", expected));
    EXPECT_LE(static_cast<double>(positives), 1.5 * expected) << positives << " of " << probes;
    EXPECT_GT(static_cast<double>(positives), expected / 10) << "suspiciously few: is anything probed?";
  }
}

// ClickHouse's filter's rate on the granule's tokens, at most kTextIndexFpr.
TEST(SkipIndexFalsePositiveTest, TextRatesAreClickHousesAtMostTwoAndAHalfPercent) {
  format::TableSchema schema = Schema();
  ASSERT_OK_AND_ASSIGN(std::vector<BoundSkipIndex> indexes, BindSkipIndexes(schema));
  const BoundSkipIndex& tok = indexes[1];  // 4096 bytes, 3 hashes
  EXPECT_NEAR(TextIndexRate(tok, 3000), std::pow(1 - std::exp(-3.0 * 3000 / 32768), 3), 1e-12);
  EXPECT_LT(TextIndexRate(tok, 3000), kTextIndexFpr);
  EXPECT_LT(TextIndexRate(tok, 10), 1e-6);
  EXPECT_EQ(TextIndexRate(tok, 100000), kTextIndexFpr);
}

TEST(SkipIndexFalsePositiveTest, TheBytesArgumentCapsATextFilter) {
  format::TableSchema schema = Schema();
  schema.skip_indexes = {{"tok", "text", "tokenbf_v1(64, 3, 0)", 1, {}}};
  ASSERT_OK_AND_ASSIGN(std::vector<BoundSkipIndex> indexes, BindSkipIndexes(schema));
  Block block;
  block.Add("v", Column::Make(*format::ParseDataType("UInt64")));
  block.Add("text", Column::Make(*format::ParseDataType("String")));
  for (int i = 0; i < 1000; ++i) {
    block.columns[0].Append<uint64_t>(i);
    block.columns[1].AppendString(absl::StrCat("token", i));
  }
  SkipIndexBuilder builder(indexes[0]);
  ASSERT_OK(builder.Add(block, {0}, 0));
  const format::SkipIndexFile file = builder.Finish();
  ASSERT_EQ(file.filters.size(), 1u);
  EXPECT_EQ(file.filters[0].bits(), 64u * 8);  // 64 bytes, not the 1000 tokens' 7.7 Kibit
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(file.filters[0].MayContain(format::TextHash(absl::StrCat("token", i), 0)));
  }
}

}  // namespace
}  // namespace tally::engine
