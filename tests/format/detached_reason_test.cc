// The reason file of a detached part: round trip, and any damage is DataLoss.
#include "format/detached_reason.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace tally::format {
namespace {

TEST(DetachedReasonTest, RoundTripsAndKeepsMessagesOnOneLine) {
  DetachedReason r{"broken", "db.events", "202610_1_1_0", 1765065600, "file 'a.bin':\nchecksum mismatch"};
  const std::string bytes = EncodeDetachedReason(r);
  EXPECT_EQ(bytes.substr(0, 17), "tally detached 1\n");
  ASSERT_OK_AND_ASSIGN(DetachedReason got, DecodeDetachedReason(bytes, "x.reason"));
  EXPECT_EQ(got.kind, "broken");
  EXPECT_EQ(got.table, "db.events");
  EXPECT_EQ(got.part, "202610_1_1_0");
  EXPECT_EQ(got.time_s, 1765065600);
  EXPECT_EQ(got.message, "file 'a.bin': checksum mismatch");
}

TEST(DetachedReasonTest, EveryFlippedByteOrCutIsDataLoss) {
  const std::string bytes = EncodeDetachedReason({"missing", "t", "all_1_1_0", 7, "gone"});
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string damaged = bytes;
    damaged[i] ^= 0x04;
    EXPECT_FALSE(DecodeDetachedReason(damaged, "x").ok()) << "byte " << i;
    EXPECT_FALSE(DecodeDetachedReason(bytes.substr(0, i), "x").ok()) << "cut at " << i;
  }
}

}  // namespace
}  // namespace tally::format
