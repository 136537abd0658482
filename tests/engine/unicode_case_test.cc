// Unicode case mapping and folding (engine/exec/unicode_case.h): the generated tables'
// invariants, UTF-8 decoding, and ClickHouse 26.9's answers (from chDB 4.4) in each of its
// three rule sets.
#include "engine/exec/unicode_case.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/escaping.h"
#include "engine/exec/unicode_case_tables.h"

namespace tally::engine::exec {
namespace {

namespace uc = unicode_case;

std::string Lower(absl::string_view s) {
  std::string out;
  Utf8LowerInto(s, &out);
  return out;
}

std::string Upper(absl::string_view s) {
  std::string out;
  Utf8UpperInto(s, &out);
  return out;
}

std::string Fold(absl::string_view s, Utf8Fold fold) {
  std::string out;
  Utf8FoldInto(s, fold, &out);
  return out;
}

template <typename Entry>
void ExpectSortedWithoutAscii(const Entry* table, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    EXPECT_GE(table[i].from, 0x80u);
    if (i > 0) {
      EXPECT_LT(table[i - 1].from, table[i].from);
    }
  }
}

void ExpectMergedRanges(const uc::Range* ranges, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    EXPECT_LE(ranges[i].first, ranges[i].last);
    if (i > 0) {
      EXPECT_LT(ranges[i - 1].last + 1, ranges[i].first);  // disjoint, and merged
    }
  }
}

// A fold maps to a representative that maps to itself and is no longer in UTF-8 (folding
// writes in place).
void ExpectRepresentativesStay(const uc::SimpleMapping* table, size_t size) {
  auto utf8_length = [](uint32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; };
  for (size_t i = 0; i < size; ++i) {
    EXPECT_LE(utf8_length(table[i].to), utf8_length(table[i].from));
    for (size_t j = 0; j < size; ++j) EXPECT_NE(table[j].from, table[i].to);
  }
}

// Mapping writes into room for three times its input.
void ExpectAtMostThreeTimesLonger(const uc::FullMapping* table, size_t size) {
  auto utf8_length = [](uint32_t c) { return c == 0 ? 0 : c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; };
  for (size_t i = 0; i < size; ++i) {
    const auto& m = table[i];
    EXPECT_LE(utf8_length(m.to[0]) + utf8_length(m.to[1]) + utf8_length(m.to[2]), 3 * utf8_length(m.from));
  }
}

TEST(UnicodeCaseTest, TablesAreSortedWithoutAscii) {
  ExpectAtMostThreeTimesLonger(uc::kLower, uc::kLowerSize);
  ExpectAtMostThreeTimesLonger(uc::kUpper, uc::kUpperSize);
  ExpectSortedWithoutAscii(uc::kLower, uc::kLowerSize);
  ExpectSortedWithoutAscii(uc::kUpper, uc::kUpperSize);
  ExpectSortedWithoutAscii(uc::kSearchFold, uc::kSearchFoldSize);
  ExpectSortedWithoutAscii(uc::kLikeFold, uc::kLikeFoldSize);
  ExpectMergedRanges(uc::kCased, uc::kCasedSize);
  ExpectMergedRanges(uc::kCaseIgnorable, uc::kCaseIgnorableSize);
  ExpectRepresentativesStay(uc::kSearchFold, uc::kSearchFoldSize);
  ExpectRepresentativesStay(uc::kLikeFold, uc::kLikeFoldSize);
}

TEST(UnicodeCaseTest, DecodesOnlyWellFormedUtf8) {
  char32_t c = 0;
  EXPECT_EQ(DecodeUtf8("a", 0, &c), 1u);
  EXPECT_EQ(c, U'a');
  EXPECT_EQ(DecodeUtf8("é", 0, &c), 2u);
  EXPECT_EQ(c, U'é');
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0, &c), 4u);
  EXPECT_EQ(c, 0x1F600u);
  for (const char* bad : {"\xC0\xAF", "\xC1\xBF", "\xE0\x9F\x80", "\xED\xA0\x80", "\xF0\x8F\xBF\xBF",
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\x80", "\xC3", "\xE2\x82",
                          "\xC3\x41"}) {
    EXPECT_EQ(DecodeUtf8(bad, 0, &c), 0u) << absl::CHexEscape(bad);
  }
}

TEST(UnicodeCaseTest, FullMappingsAsIcu) {
  EXPECT_EQ(Upper("straße"), "STRASSE");
  EXPECT_EQ(Upper("ﬁ"), "FI");
  EXPECT_EQ(Lower("İ"), "i\xCC\x87");
  EXPECT_EQ(Upper("ı"), "I");
  EXPECT_EQ(Lower("ǅ"), "ǆ");
  EXPECT_EQ(Upper("ǅ"), "Ǆ");
  EXPECT_EQ(Upper("ᲊ"), "Ᲊ");  // Unicode 16, as ClickHouse 26.9's ICU
  EXPECT_EQ(Lower("ABC"), "abc");
  EXPECT_EQ(Upper(""), "");
}

TEST(UnicodeCaseTest, FinalSigma) {
  EXPECT_EQ(Lower("ΟΔΟΣ"), "οδος");
  EXPECT_EQ(Lower("ΟΔΟΣ"), "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");
  EXPECT_EQ(Lower("Σ"), "σ");
  EXPECT_EQ(Lower("ΑΣΑ"), "ασα");
  EXPECT_EQ(Lower("Α'Σ"), "α'ς");
  EXPECT_EQ(Lower("Α.Σ.Α"), "α.σ.α");
  EXPECT_EQ(Lower("1Σ"), "1σ");
  EXPECT_EQ(Lower("A\xFFΣ"), "a\xFFσ");  // broken UTF-8 ends the look
  EXPECT_EQ(Lower("AΣ\xFF"), "aς\xFF");
}

TEST(UnicodeCaseTest, SearchFoldIsPocoSimpleLowerCase) {
  const Utf8Fold f = Utf8Fold::kSearch;
  EXPECT_EQ(Fold("ÉCOLE", f), Fold("école", f));
  EXPECT_EQ(Fold("ẞ", f), Fold("ß", f));
  EXPECT_EQ(Fold("Σ", f), Fold("σ", f));
  EXPECT_NE(Fold("ς", f), Fold("σ", f));
  EXPECT_NE(Fold("ǅ", f), Fold("ǆ", f));
  EXPECT_NE(Fold("İ", f), Fold("i", f));
  EXPECT_NE(Fold("ꭰ", f), Fold("Ꭰ", f));  // Cherokee: no case in Poco's tables
  EXPECT_EQ(Fold("\u212A", f), "k");     // Kelvin sign
  EXPECT_EQ(Fold("AbC\xFF", f), "abc\xFF");
  std::string out;
  EXPECT_TRUE(Utf8FoldInto("AbC", f, &out));
  EXPECT_FALSE(Utf8FoldInto("AbÉ", f, &out));
  EXPECT_EQ(out, Fold("aBé", f));
}

TEST(UnicodeCaseTest, LikeFoldIsRe2CaseFolding) {
  const Utf8Fold f = Utf8Fold::kLike;
  EXPECT_EQ(Fold("ς", f), Fold("σ", f));
  EXPECT_EQ(Fold("Σ", f), Fold("σ", f));
  EXPECT_EQ(Fold("ǅ", f), Fold("ǆ", f));
  EXPECT_EQ(Fold("ſ", f), "s");
  EXPECT_EQ(Fold("\u212A", f), "k");
  EXPECT_NE(Fold("İ", f), Fold("i", f));
  EXPECT_NE(Fold("ß", f), Fold("ss", f));
}

}  // namespace
}  // namespace tally::engine::exec
