// Regexp (engine/exec/regexp.h): which patterns ClickHouse searches as plain text, searches
// that start inside the string, groups, and errors in ClickHouse's words.
#include "engine/exec/regexp.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

TEST(RegexpTest, PlainTextIsSearchedWithoutRe2) {
  ASSERT_OK_AND_ASSIGN(Regexp plain, Regexp::Compile("a\\.b"));
  EXPECT_TRUE(plain.trivial());
  EXPECT_TRUE(plain.Matches("xa.by"));
  EXPECT_FALSE(plain.Matches("axb"));
  // An unbalanced ) ends ClickHouse's analysis: the rest is ignored, nothing is compiled.
  ASSERT_OK_AND_ASSIGN(Regexp paren, Regexp::Compile("a)("));
  EXPECT_TRUE(paren.trivial());
  EXPECT_TRUE(paren.Matches("a"));
  ASSERT_OK_AND_ASSIGN(Regexp empty, Regexp::Compile(""));
  absl::string_view g[1];
  ASSERT_TRUE(empty.Find("abc", 0, g, 1));
  EXPECT_TRUE(g[0].empty());
  ASSERT_OK_AND_ASSIGN(Regexp group, Regexp::Compile("(a)"));
  EXPECT_FALSE(group.trivial());
  EXPECT_EQ(group.groups(), 1);
}

TEST(RegexpTest, CaseInsensitivePlainTextFoldsAsciiOnly) {
  ASSERT_OK_AND_ASSIGN(Regexp re, Regexp::Compile("ä", /*case_insensitive=*/true));
  EXPECT_TRUE(re.Matches("xäx"));
  EXPECT_FALSE(re.Matches("Ä"));
  ASSERT_OK_AND_ASSIGN(Regexp ascii, Regexp::Compile("ab", /*case_insensitive=*/true));
  EXPECT_TRUE(ascii.Matches("xAB"));
  ASSERT_OK_AND_ASSIGN(Regexp unicode, Regexp::Compile("(ä)", /*case_insensitive=*/true));
  EXPECT_TRUE(unicode.Matches("Ä"));
}

TEST(RegexpTest, SearchFromAnOffsetSeesTheWholeString) {
  ASSERT_OK_AND_ASSIGN(Regexp re, Regexp::Compile("^a"));
  absl::string_view g[1];
  EXPECT_TRUE(re.Find("aaa", 0, g, 1));
  EXPECT_FALSE(re.Find("aaa", 1, g, 1));
  ASSERT_OK_AND_ASSIGN(Regexp dot, Regexp::Compile("a.b"));
  EXPECT_TRUE(dot.Matches("a\nb"));  // dot_nl
  EXPECT_FALSE(dot.Matches("a\xff" "b"));  // . takes characters, never a stray byte
}

TEST(RegexpTest, GroupsThatTookNoPartAreNull) {
  ASSERT_OK_AND_ASSIGN(Regexp re, Regexp::Compile("(x)?(b)"));
  absl::string_view g[3];
  ASSERT_TRUE(re.Find("abc", 0, g, 3));
  EXPECT_EQ(g[0], "b");
  EXPECT_EQ(g[1].data(), nullptr);
  EXPECT_EQ(g[2], "b");
}

TEST(RegexpTest, ErrorsUseClickHousesWords) {
  auto bad = Regexp::Compile("(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot compile re2: (, error: missing ): ("),
            absl::string_view::npos);
  auto replace = CompileReplacePattern("a)");
  ASSERT_FALSE(replace.ok());
  EXPECT_EQ(replace.status().message(),
            "The pattern argument is not a valid re2 pattern: unexpected ): a)");
}

}  // namespace
}  // namespace tally::engine::exec
