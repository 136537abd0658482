// Insert tokens (engine/dedup_window.h): the hash of an insert's blocks depends on the
// rows, not on how columns hold them; the user's token is apart from every block hash.
#include "engine/dedup_window.h"

#include <gtest/gtest.h>

#include "format/column.h"
#include "format/types.h"

namespace tally::engine {
namespace {

using format::Column;

Block Make(const std::vector<std::string>& tenants, const std::vector<std::string>& paths, bool reversed_dictionary) {
  Column lc = Column::Make(*format::ParseDataType("LowCardinality(String)"));
  if (reversed_dictionary) {
    // The rows appended backwards (their dictionary in that order), then put back in order.
    Column backwards = Column::Make(*format::ParseDataType("LowCardinality(String)"));
    for (auto it = tenants.rbegin(); it != tenants.rend(); ++it) backwards.AppendLowCardinalityString(*it);
    std::vector<uint32_t> order;
    for (size_t i = tenants.size(); i-- > 0;) order.push_back(static_cast<uint32_t>(i));
    lc = Column::Gather(backwards, order);
  } else {
    for (const std::string& t : tenants) lc.AppendLowCardinalityString(t);
  }
  Column s = Column::Make(*format::ParseDataType("String"));
  for (const std::string& p : paths) s.AppendString(p);
  Block b;
  b.Add("tenant", std::move(lc));
  b.Add("path", std::move(s));
  return b;
}

std::string TokenOf(const Block& b) {
  InsertTokenHasher h;
  h.Add(b);
  return h.Token();
}

TEST(InsertTokenTest, TheSameRowsHashAlikeWhateverTheirDictionary) {
  const Block a = Make({"acme", "zeta", "beta"}, {"/a", "/bc", ""}, false);
  const Block b = Make({"acme", "zeta", "beta"}, {"/a", "/bc", ""}, true);
  EXPECT_EQ(TokenOf(a).size(), 16u);
  EXPECT_EQ(TokenOf(a), TokenOf(b));
  ASSERT_NE(a.columns[0].dictionary->StringAt(0), b.columns[0].dictionary->StringAt(0)) << "the test needs two orders";
  EXPECT_NE(TokenOf(a), TokenOf(Make({"acme", "zeta", "zeta"}, {"/a", "/bc", ""}, false)));
  // Bytes moved between neighbouring strings change the token.
  EXPECT_NE(TokenOf(a), TokenOf(Make({"acme", "zeta", "beta"}, {"/ab", "/c", ""}, false)));
  // Blocks in order: two blocks are not their concatenation's token, nor the other order's.
  const Block c = Make({"q"}, {"/q"}, false);
  InsertTokenHasher ac, ca;
  ac.Add(a);
  ac.Add(c);
  ca.Add(c);
  ca.Add(a);
  EXPECT_NE(ac.Token(), ca.Token());
  EXPECT_NE(UserInsertToken("t1"), UserInsertToken("t2"));
  EXPECT_EQ(UserInsertToken("t1"), UserInsertToken("t1"));
}

TEST(InsertTokenTest, TheWindowForgetsByCountAndAge) {
  DedupWindow w;
  const DedupSettings s{.count = 2, .age_s = 10};
  w.Add("a", 1'000'000, s);
  w.Add("b", 2'000'000, s);
  EXPECT_TRUE(w.Contains("a", 3'000'000, s));
  w.Add("c", 3'000'000, s);
  EXPECT_FALSE(w.Contains("a", 3'000'000, s));
  EXPECT_TRUE(w.Contains("b", 11'999'999, s));
  EXPECT_FALSE(w.Contains("b", 12'000'000, s));
  EXPECT_FALSE(w.Contains("c", 3'000'000, {.count = 0, .age_s = 10}));
  w.Clear();
  EXPECT_FALSE(w.Contains("c", 3'000'000, s));
}

}  // namespace
}  // namespace tally::engine
