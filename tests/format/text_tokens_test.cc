// How token and n-gram indexes cut text: hasToken's separators, whole tokens of a needle,
// n-grams of bytes.
#include "format/text_tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tally::format {
namespace {

std::vector<std::string> Tokens(absl::string_view s) {
  std::vector<std::string> out;
  ForEachToken(s, [&](absl::string_view t) { out.emplace_back(t); });
  return out;
}

std::vector<std::string> Whole(absl::string_view s, bool starts, bool ends) {
  std::vector<std::string> out;
  ForEachWholeToken(s, starts, ends, [&](absl::string_view t) { out.emplace_back(t); });
  return out;
}

TEST(TextTokensTest, TokensAreRunsOfAsciiAlphanumericsAndNonAsciiBytes) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Tokens("GET /api/v1/users?id=42 HTTP/1.1"), (V{"GET", "api", "v1", "users", "id", "42", "HTTP", "1", "1"}));
  EXPECT_EQ(Tokens("  Grüße, мир_x "), (V{"Grüße", "мир", "x"}));
  EXPECT_EQ(Tokens(""), V{});
  EXPECT_EQ(Tokens("--__--"), V{});
}

TEST(TextTokensTest, WholeTokensOfANeedleAreThoseBoundedOnBothSides) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Whole("disk full", false, false), V{});               // LIKE '%disk full%'
  EXPECT_EQ(Whole(" disk full ", false, false), (V{"disk", "full"}));  // LIKE '% disk full %'
  EXPECT_EQ(Whole("error: disk", true, false), (V{"error"}));     // startsWith
  EXPECT_EQ(Whole("error: disk", false, true), (V{"disk"}));      // endsWith
  EXPECT_EQ(Whole("error: disk", true, true), (V{"error", "disk"}));  // = or hasToken
}

TEST(TextTokensTest, NgramsAreRunsOfNBytes) {
  std::vector<std::string> out;
  ForEachNgram("abcde", 3, [&](absl::string_view g) { out.emplace_back(g); });
  EXPECT_EQ(out, (std::vector<std::string>{"abc", "bcd", "cde"}));
  out.clear();
  ForEachNgram("ab", 3, [&](absl::string_view g) { out.emplace_back(g); });
  EXPECT_TRUE(out.empty());
}

TEST(TextTokensTest, TheSeedChangesTheHash) {
  EXPECT_EQ(TextHash("abc", 0), TextHash("abc", 0));
  EXPECT_NE(TextHash("abc", 0), TextHash("abc", 1));
  EXPECT_NE(TextHash("abc", 0), TextHash("abd", 0));
}

}  // namespace
}  // namespace tally::format
