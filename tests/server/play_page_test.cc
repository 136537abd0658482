// The /play page as embedded (server/play_page.h): server/play.html byte for byte, one
// complete document that names no other host. The browser test (play_test.py) uses it.
#include "server/play_page.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "re2/re2.h"

namespace tally::server {
namespace {

TEST(PlayPageTest, IsServerPlayHtmlByteForByte) {
  std::ifstream in(std::string(TALLY_TEST_DATA_DIR) + "/../../server/play.html", std::ios::binary);
  ASSERT_TRUE(in.good());
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(PlayPage(), file.str());
}

TEST(PlayPageTest, IsOneDocumentThatLoadsNothingFromElsewhere) {
  const std::string page(PlayPage());
  EXPECT_TRUE(absl::StartsWith(page, "<!DOCTYPE html>"));
  EXPECT_TRUE(absl::EndsWith(page, "</html>\n"));
  std::string attribute;
  EXPECT_FALSE(RE2::PartialMatch(page, R"re((?i)((?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//))re", &attribute))
      << attribute;
  EXPECT_FALSE(absl::StrContains(page, "@import"));
}

}  // namespace
}  // namespace tally::server
