#include <gtest/gtest.h>

#include <string>

#include "engine/exec/json.h"

namespace tally::engine {
namespace {

// ReadString scans eight bytes at a time: a quote or a backslash at every offset within
// and across those words, with every byte value before it, ends or escapes the string
// exactly there.
TEST(JsonReaderTest, StringEndsAtEveryOffset) {
  for (size_t len = 0; len < 40; ++len) {
    for (int filler = 1; filler < 256; ++filler) {
      if (filler == '"' || filler == '\\') continue;
      std::string body(len, static_cast<char>(filler));
      std::string text = "\"" + body + "\",\"x\"";
      JsonReader in(text);
      std::string scratch;
      absl::string_view value;
      ASSERT_TRUE(in.ReadString(&scratch, &value).ok());
      ASSERT_EQ(value, body) << "len " << len << " filler " << filler;
      ASSERT_EQ(in.Peek(), ',');
    }
    // An escape at offset `len`: the scan stops at the backslash, and the decoded value
    // holds the quote it escapes.
    std::string text = "\"" + std::string(len, 'a') + "\\\"" + std::string(len, 'b') + "\"";
    JsonReader in(text);
    std::string scratch;
    absl::string_view value;
    ASSERT_TRUE(in.ReadString(&scratch, &value).ok());
    EXPECT_EQ(value, std::string(len, 'a') + "\"" + std::string(len, 'b')) << "len " << len;
    EXPECT_TRUE(in.AtEnd());
  }
}

TEST(JsonReaderTest, UnterminatedStringIsAnError) {
  for (size_t len = 0; len < 20; ++len) {
    std::string text = "\"" + std::string(len, 'a');
    JsonReader in(text);
    std::string scratch;
    absl::string_view value;
    absl::Status s = in.ReadString(&scratch, &value);
    EXPECT_FALSE(s.ok()) << "len " << len;
    EXPECT_NE(s.message().find("unterminated"), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace tally::engine
