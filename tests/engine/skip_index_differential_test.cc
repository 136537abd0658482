// Skip indexes never change an answer: random data in random parts (inserted, merged,
// inserted again) goes into a table with an index of every kind on columns and on
// expressions, into one without indexes, and into one that gets the same indexes by ALTER
// TABLE ... ADD INDEX after its first parts (which are read without them until MATERIALIZE
// INDEX gives some of them the indexes); many random predicates of every form the
// indexes answer (=, IN, !=, <, BETWEEN, has, hasToken, LIKE, startsWith, endsWith, map
// elements, mapContains, hasAny, hasAll, expressions), alone, combined, negated and ORed, must select
// exactly the same rows from both. EXPLAIN must show every index pruning somewhere, or
// the test proves nothing.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

constexpr char kColumns[] =
    "id UInt64, k UInt32, n Nullable(Int32), f Float64, s String, lc LowCardinality(String), msg String, "
    "tags Array(String), nums Array(UInt16), m Map(String, String), mv Map(String, UInt32)";

constexpr char kIndexes[] =
    "INDEX mm_n n TYPE minmax GRANULARITY 2, "
    "INDEX set_lc lc TYPE set(6) GRANULARITY 1, "
    "INDEX set_f f TYPE set(0) GRANULARITY 3, "
    "INDEX mm_f f TYPE minmax GRANULARITY 1, "
    "INDEX bf_s s TYPE bloom_filter(0.05) GRANULARITY 1, "
    "INDEX bf_lower lower(s) TYPE bloom_filter GRANULARITY 2, "
    "INDEX tok_msg msg TYPE tokenbf_v1(4096, 3, 7) GRANULARITY 1, "
    "INDEX ng_msg msg TYPE ngrambf_v1(3, 4096, 2, 0) GRANULARITY 2, "
    "INDEX ng_lower lower(msg) TYPE ngrambf_v1(4, 8192, 2, 1) GRANULARITY 1, "
    "INDEX bf_tags tags TYPE bloom_filter GRANULARITY 1, "
    "INDEX tok_tags tags TYPE tokenbf_v1(2048, 2, 0) GRANULARITY 1, "
    "INDEX mm_nums nums TYPE minmax GRANULARITY 1, "  // before set_nums, which leaves it nothing
    "INDEX set_nums nums TYPE set(0) GRANULARITY 1, "
    "INDEX bf_mk mapKeys(m) TYPE bloom_filter GRANULARITY 1, "
    "INDEX bf_mv mapValues(m) TYPE bloom_filter GRANULARITY 1, "
    "INDEX tok_mk mapKeys(m) TYPE tokenbf_v1(1024, 2, 0) GRANULARITY 1, "
    "INDEX set_mvv mapValues(mv) TYPE set(0) GRANULARITY 1, "
    "INDEX mm_k7 intDiv(k, 7) TYPE minmax GRANULARITY 1, "
    "INDEX set_len length(s) TYPE set(5) GRANULARITY 1";

class SkipIndexDifferentialTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, Database::Open("db", {.env = &env_}));
    session_ = std::make_unique<Session>(db_.get());
    const std::string storage = "ENGINE = MergeTree PARTITION BY intDiv(k, 50000) ORDER BY k "
                                "SETTINGS index_granularity = 64";
    ASSERT_EQ(Run(absl::StrCat("CREATE TABLE with (", kColumns, ", ", kIndexes, ") ", storage)), "");
    ASSERT_EQ(Run(absl::StrCat("CREATE TABLE without (", kColumns, ") ", storage)), "");
    ASSERT_EQ(Run(absl::StrCat("CREATE TABLE later (", kColumns, ") ", storage)), "");
    rng_.seed(GetParam());
  }

  std::string Run(const std::string& sql) { return testing_sql::OutputOrError(*session_, sql); }

  int Rand(int n) { return static_cast<int>(rng_() % n); }
  bool Chance(int percent) { return Rand(100) < percent; }
  static std::string Quote(const std::string& s) { return absl::StrCat("'", s, "'"); }

  // Values drift with k, so that granules differ and indexes have something to skip.
  std::string Word(int k) { return absl::StrCat(Chance(30) ? "W" : "w", k / 50 + Rand(3)); }
  std::string Message(int k) {
    std::string msg = absl::StrCat(Chance(80) ? "GET" : "POST", " /api/v", k / 2000, "/item", Rand(30),
                                   " status=", Chance(80) ? 200 : Chance(50) ? 404 : 500, " uid", k / 300);
    if (Chance(5)) absl::StrAppend(&msg, " Grüße");
    if (Chance(5)) absl::StrAppend(&msg, " ERROR disk full");
    return msg;
  }
  std::string Tag(int k) { return absl::StrCat("t", k / 800 + Rand(3)); }
  std::string Key(int k) { return absl::StrCat("key", k / 1000 + Rand(2)); }

  void InsertPart(int rows, int k_lo, int k_hi) {
    std::vector<std::string> values;
    for (int i = 0; i < rows; ++i) {
      const int k = k_lo + Rand(k_hi - k_lo);
      std::vector<std::string> tags, nums, m, mv;
      for (int t = Rand(4); t > 0; --t) tags.push_back(Quote(Tag(k)));
      for (int t = Rand(5); t > 0; --t) nums.push_back(absl::StrCat(k / 400 * 10 + Rand(3) * 4));
      for (int t = Rand(3); t > 0; --t) m.push_back(absl::StrCat(Quote(Key(k)), ":", Quote(Chance(10) ? "" : absl::StrCat("v", Rand(20)))));
      for (int t = Rand(3); t > 0; --t) mv.push_back(absl::StrCat(Quote(Key(k)), ":", Chance(10) ? 0 : k / 100 + Rand(3)));
      const std::string f = Chance(2) ? "nan" : Chance(3) ? "-0." : Chance(3) ? "0" : absl::StrCat(k / 1000, ".5");
      values.push_back(absl::StrCat(
          "(", next_id_++, ", ", k, ", ", Chance(10) ? "NULL" : absl::StrCat(k / 100 + Rand(7) - 3), ", ", f, ", ",
          Quote(Word(k)), ", ", Quote(absl::StrCat("c", k / 5000)), ", ", Quote(Message(k)), ", [",
          absl::StrJoin(tags, ","), "], [", absl::StrJoin(nums, ","), "], {", absl::StrJoin(m, ","), "}, {",
          absl::StrJoin(mv, ","), "})"));
    }
    const std::string rows_text = absl::StrJoin(values, ", ");
    for (const char* table : {"with", "without", "later"}) {
      ASSERT_EQ(Run(absl::StrCat("INSERT INTO ", table, " VALUES ", rows_text)), "");
    }
  }

  // One random conjunct; `k` centers its constants near some rows.
  std::string Predicate() {
    const int k = Rand(100000);
    switch (Rand(43)) {
      case 0: return absl::StrCat("n = ", k / 100 + Rand(9) - 4);
      case 1: return absl::StrCat("n != ", k / 100);
      case 2: return absl::StrCat("n < ", k / 100);
      case 3: return absl::StrCat("n BETWEEN ", k / 100, " AND ", k / 100 + Rand(20));
      case 4: return absl::StrCat("n IN (", k / 100, ", ", k / 100 + 3, ", ", Rand(1000), ")");
      case 5: return absl::StrCat("f = ", Chance(30) ? (Chance(50) ? "-0." : "0") : absl::StrCat(k / 1000, ".5"));
      case 6: return absl::StrCat("f != ", Chance(50) ? "0" : absl::StrCat(k / 1000, ".5"));
      case 7: return absl::StrCat("f > ", k / 1000, " AND f <= ", k / 1000 + Rand(3));
      case 8: return absl::StrCat("s = ", Quote(Word(k)));
      case 9: return absl::StrCat("lower(s) = ", Quote(absl::AsciiStrToLower(Word(k))));
      case 10: return absl::StrCat("lower(s) IN (", Quote(Word(k)), ", ", Quote(Word(k + 3000)), ")");
      case 11: return absl::StrCat("s != ", Quote(Word(k)));
      case 12: return absl::StrCat("lc = ", Quote(absl::StrCat("c", k / 5000)));
      case 13: return absl::StrCat("lc != ", Quote(absl::StrCat("c", k / 5000)));
      case 14: return absl::StrCat("lc > ", Quote(absl::StrCat("c", k / 5000)));
      case 15: return absl::StrCat("hasToken(msg, ", Quote(absl::StrCat("uid", k / 300)), ")");
      case 16: return absl::StrCat("hasToken(msg, ", Quote(Chance(50) ? "disk" : absl::StrCat("item", Rand(40))), ")");
      case 17: return absl::StrCat("msg LIKE ", Quote(absl::StrCat("%item", Rand(35), " %")));
      case 18: return absl::StrCat("msg LIKE ", Quote(absl::StrCat("GET /api/v", k / 2000, "/%")));
      case 19: return absl::StrCat("startsWith(msg, ", Quote(absl::StrCat("POST /api/v", k / 2000)), ")");
      case 20: return absl::StrCat("endsWith(msg, ", Quote(absl::StrCat("uid", k / 300)), ")");
      case 21: return absl::StrCat("lower(msg) LIKE ", Quote(Chance(50) ? "%grüße%" : absl::StrCat("%uid", k / 300, "%")));
      case 22: return absl::StrCat("msg LIKE ", Quote(absl::StrCat("%status=", Chance(50) ? 404 : 500, "%_id%")));
      case 23: return absl::StrCat("msg = ", Quote(Message(k)));
      case 24: return absl::StrCat("has(tags, ", Quote(Tag(k)), ")");
      case 25: return absl::StrCat("has(nums, ", k / 400 * 10 + Rand(12), ")");
      case 26: return absl::StrCat("has([", Quote(Word(k)), ", ", Quote(Word(k + 500)), "], s)");
      case 27: return absl::StrCat("m[", Quote(Key(k)), "] = ", Quote(absl::StrCat("v", Rand(22))));
      case 28: return absl::StrCat("m[", Quote(Key(k)), "] = ''");  // a row without the key matches
      case 29: return absl::StrCat("m[", Quote(Key(k)), "] IN ('v1', ", Quote(absl::StrCat("v", Rand(22))), ")");
      case 30: return absl::StrCat("mapContains(m, ", Quote(Key(k)), ")");
      case 31: return absl::StrCat("has(mapKeys(m), ", Quote(Key(k)), ")");
      case 32: return absl::StrCat("has(mapValues(m), ", Quote(absl::StrCat("v", Rand(22))), ")");
      case 33: return absl::StrCat("mv[", Quote(Key(k)), "] = ", Chance(20) ? 0 : k / 100 + Rand(3));
      case 34: return absl::StrCat("intDiv(k, 7) = ", k / 7);
      case 35: return absl::StrCat("intDiv(k, 7) < ", k / 7);
      case 36: return absl::StrCat("length(s) ", Chance(50) ? "=" : "!=", " ", 2 + Rand(4));
      case 37: return absl::StrCat("NOT hasToken(msg, ", Quote(absl::StrCat("uid", k / 300)), ")");
      case 38: return absl::StrCat("(n = ", k / 100, " OR s = ", Quote(Word(k)), ")");
      case 39: return absl::StrCat("hasAny(tags, [", Quote(Tag(k)), ", ", Quote(Tag(k + 20000)), "])");
      case 40: return absl::StrCat("hasAll(nums, [", k / 400 * 10, ", ", k / 400 * 10 + Rand(12), "])");
      case 41: return absl::StrCat("hasAny([", Quote(Key(k)), "], mapKeys(m))");
      default: return absl::StrCat("has(tags, ", Quote(Tag(k)), ") AND NOT (lc = ", Quote(absl::StrCat("c", k / 5000)), ")");
    }
  }

  // Runs `count` random WHERE clauses on both tables; adds to pruned_[index] what EXPLAIN
  // says each index skipped.
  void Compare(int count) {
    for (int q = 0; q < count; ++q) {
      std::string where = Predicate();
      for (int more = Rand(3); more > 0 && Chance(40); --more) absl::StrAppend(&where, " AND ", Predicate());
      const std::string with = Run(absl::StrCat("SELECT id FROM with WHERE ", where, " ORDER BY id"));
      const std::string without = Run(absl::StrCat("SELECT id FROM without WHERE ", where, " ORDER BY id"));
      const std::string later = Run(absl::StrCat("SELECT id FROM later WHERE ", where, " ORDER BY id"));
      ASSERT_FALSE(absl::StartsWith(without, "error")) << where << ": " << without;
      ASSERT_EQ(with, without) << "WHERE " << where;
      ASSERT_EQ(later, without) << "WHERE " << where << " (indexes added by ALTER)";
      const std::string plan = Run(absl::StrCat("EXPLAIN SELECT id FROM with WHERE ", where));
      for (absl::string_view line : absl::StrSplit(plan, '\n')) {
        // "Skip (name): granules after/before"
        line = absl::StripLeadingAsciiWhitespace(line);
        if (!absl::ConsumePrefix(&line, "Skip (")) continue;
        const size_t close = line.find("): granules ");
        std::vector<std::string> counts = absl::StrSplit(line.substr(close + 12), '/');
        uint64_t after = 0, before = 0;
        ASSERT_TRUE(absl::SimpleAtoi(counts[0], &after) && absl::SimpleAtoi(counts[1], &before)) << line;
        pruned_[std::string(line.substr(0, close))] += before - after;
      }
    }
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
  std::mt19937 rng_;
  uint64_t next_id_ = 0;
  std::map<std::string, uint64_t> pruned_;
};

TEST_P(SkipIndexDifferentialTest, RandomPredicatesSelectTheSameRowsWithAndWithoutIndexes) {
  for (int part = 0; part < 5; ++part) {
    const int lo = Rand(90000);
    InsertPart(200 + Rand(800), lo, lo + 2000 + Rand(40000));
  }
  // The indexes come to `later` by ALTER: its parts so far have none.
  for (absl::string_view index : absl::StrSplit(kIndexes, ", INDEX ")) {
    absl::ConsumePrefix(&index, "INDEX ");  // the first one's
    ASSERT_EQ(Run(absl::StrCat("ALTER TABLE later ADD INDEX ", index)), "");
  }
  Compare(250);
  for (const char* table : {"with", "without"}) ASSERT_EQ(Run(absl::StrCat("OPTIMIZE TABLE ", table, " FINAL")), "");
  // Half of `later`'s indexes materialized on its parts, the others left to new parts.
  for (const char* index : {"mm_n", "set_f", "bf_s", "tok_msg", "ng_lower", "tok_tags", "set_nums", "bf_mv",
                            "set_mvv", "set_len"}) {
    ASSERT_EQ(Run(absl::StrCat("ALTER TABLE later MATERIALIZE INDEX ", index)), "");
  }
  for (int part = 0; part < 3; ++part) {
    const int lo = Rand(90000);
    InsertPart(100 + Rand(400), lo, lo + 1000 + Rand(8000));
  }
  Compare(250);
  const std::vector<std::string> all = {"mm_n", "set_lc", "set_f", "mm_f", "bf_s", "bf_lower", "tok_msg",
                                        "ng_msg", "ng_lower", "bf_tags", "tok_tags", "set_nums", "mm_nums",
                                        "bf_mk", "bf_mv", "tok_mk", "set_mvv", "mm_k7", "set_len"};
  for (const std::string& index : all) EXPECT_GT(pruned_[index], 0u) << index << " never skipped a granule";
}

INSTANTIATE_TEST_SUITE_P(Seeds, SkipIndexDifferentialTest, ::testing::Range(1, 4));

}  // namespace
}  // namespace tally::engine::sql
