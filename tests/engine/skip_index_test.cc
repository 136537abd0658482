// Bloom-filter skip indexes in tables: a scan with the index returns exactly what one
// without it does (random = and IN conditions, values present and absent, several parts,
// after merges), the index prunes, and a damaged index file is found like any other.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;

using testing_db::Col;

format::TableSchema Schema(bool indexed) {
  format::TableSchema schema;
  schema.columns = {Col("t", "UInt32"), Col("s", "String"), Col("lc", "LowCardinality(String)"), Col("n", "Nullable(UInt64)")};
  schema.sort_key = {"t"};
  schema.index_granularity = 16;
  if (indexed) {
    schema.skip_indexes = {{"s_bf", "s", "bloom_filter(0.01)", 1, {}}, {"lc_bf", "lc", "bloom_filter", 3, {}},
                           {"n_bf", "n", "bloom_filter(0.05)", 2, {}}};
  }
  return schema;
}

class SkipIndexTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    ASSERT_OK(db_->CreateTable("with", Schema(true)));
    ASSERT_OK(db_->CreateTable("without", Schema(false)));
    std::mt19937 rng(GetParam());
    for (int part = 0; part < 5; ++part) {
      const format::TableSchema schema = Schema(false);
      Block block;
      for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
      const int rows = 100 + static_cast<int>(rng() % 500);
      for (int i = 0; i < rows; ++i) {
        block.columns[0].Append<uint32_t>(rng() % 100000);
        block.columns[1].AppendString(absl::StrCat("s", rng() % 3000));
        ASSERT_OK(block.columns[2].AppendValue(Value::String(absl::StrCat("lc", rng() % 40))));
        ASSERT_OK(block.columns[3].AppendValue(rng() % 5 == 0 ? Value::Null() : Value::UInt(rng() % 700)));
      }
      ASSERT_OK(db_->Insert("with", block));
      ASSERT_OK(db_->Insert("without", block));
    }
  }

  // The rows (as text) a scan of `table` returns under `ranges` (pruning only) that match.
  std::multiset<std::string> Rows(const std::string& table, const std::vector<ColumnRange>& ranges,
                                  ScanStats* stats = nullptr) {
    auto blocks = testing_db::ScanAll(
        *db_, table, {.columns = {"t", "s", "lc", "n"}, .ranges = ranges, .filter_rows = false}, stats);
    EXPECT_TRUE(blocks.ok()) << blocks.status();
    if (!blocks.ok()) return {};
    // The rows of the surviving granules that match (the scan only pruned).
    for (Block& b : *blocks) {
      std::vector<uint32_t> keep;
      for (uint32_t i = 0; i < b.rows(); ++i) {
        bool match = true;
        for (const ColumnRange& r : ranges) match &= r.Contains(b.columns[b.Find(r.column)].GetValue(i));
        if (match) keep.push_back(i);
      }
      for (Column& c : b.columns) c = Column::Gather(c, keep);
    }
    return testing_db::Rows(*blocks);
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
};

TEST_P(SkipIndexTest, AnIndexNeverChangesAnAnswer) {
  std::mt19937 rng(GetParam() * 13 + 1);
  uint64_t pruned = 0;
  for (int round = 0; round < 2; ++round) {
    for (int q = 0; q < 150; ++q) {
      std::vector<ColumnRange> ranges;
      const int column = static_cast<int>(rng() % 3);
      auto value = [&]() -> Value {  // present or absent
        switch (column) {
          case 0:
            return Value::String(absl::StrCat("s", rng() % 3300));
          case 1:
            return Value::String(absl::StrCat("lc", rng() % 45));
          default:
            return Value::UInt(rng() % 800);
        }
      };
      const std::string name = column == 0 ? "s" : column == 1 ? "lc" : "n";
      if (rng() % 2 == 0) {
        ranges.push_back(ColumnRange::Equal(name, value()));
      } else {
        std::vector<Value> values;
        for (size_t k = 1 + rng() % 4; k > 0; --k) values.push_back(value());
        ranges.push_back(ColumnRange::OneOf(name, values));
      }
      if (rng() % 3 == 0) ranges.push_back(ColumnRange::Between("t", Value::UInt(rng() % 50000), Value::UInt(100000)));
      ScanStats with_stats;
      const auto with = Rows("with", ranges, &with_stats);
      const auto without = Rows("without", ranges);
      std::string what;
      for (const ColumnRange& r : ranges) absl::StrAppend(&what, r.DebugString(), "; ");
      ASSERT_EQ(with, without) << what << (round == 0 ? "before" : "after") << " merging";
      if (!with_stats.skip_indexes.empty()) pruned += with_stats.granules_selected - with_stats.skip_indexes.back().granules_after;
    }
    ASSERT_OK(db_->Optimize("with", {.final = true}));  // the merged part builds its own index
    ASSERT_OK(db_->Optimize("without", {.final = true}));
  }
  EXPECT_GT(pruned, 0u) << "the indexes never pruned a granule";
}

TEST_P(SkipIndexTest, ANeedleReadsFewGranules) {
  const std::string needle = "s1234";
  ScanStats stats;
  const auto with = Rows("with", {ColumnRange::Equal("s", Value::String(needle))}, &stats);
  EXPECT_EQ(with, Rows("without", {ColumnRange::Equal("s", Value::String(needle))}));
  ASSERT_EQ(stats.skip_indexes.size(), 1u);
  EXPECT_EQ(stats.skip_indexes[0].name, "s_bf");
  // About one row in 3000 holds the needle; with the 1 % false positives, a few granules.
  EXPECT_LE(stats.skip_indexes[0].granules_after, with.size() + stats.granules_selected / 20)
      << stats.skip_indexes[0].granules_after << " of " << stats.granules_selected;
}

TEST(SkipIndexFileTest, ADamagedIndexFileIsFoundAndItsPartSetAside) {
  MemEnv env;
  std::string part;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK(db->CreateTable("with", Schema(true)));
    Block block;
    for (const auto& c : Schema(true).columns) block.Add(c.name, Column::Make(c.type));
    for (uint32_t i = 0; i < 100; ++i) {
      block.columns[0].Append<uint32_t>(i);
      block.columns[1].AppendString(absl::StrCat("s", i));
      ASSERT_OK(block.columns[2].AppendValue(Value::String("x")));
      ASSERT_OK(block.columns[3].AppendValue(Value::UInt(i)));
    }
    ASSERT_OK(db->Insert("with", block));
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("with"));
    part = parts[0].name;
    EXPECT_OK(db->CheckTable("with"));
  }
  ASSERT_OK_AND_ASSIGN(std::string table_dir, testing_db::OnlyTableDir(&env, "db"));
  const std::string file = JoinPath(JoinPath(table_dir, part), "skp_idx_s_bf.idx");
  ASSERT_OK_AND_ASSIGN(std::string bytes, env.ReadFileToString(file));
  bytes[bytes.size() / 2] ^= 1;
  ASSERT_OK(WriteFileSynced(&env, file, bytes));
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(db->recovery().detached, 1u);
  ASSERT_EQ(db->recovery().events.size(), 1u);
  EXPECT_NE(db->recovery().events[0].find("skp_idx_s_bf.idx"), std::string::npos) << db->recovery().events[0];
}

// Every kind's file, flipped in one byte or cut short: the open finds it (DataLoss from
// its checksum or size) and sets the part aside naming the file, and the other part stays.
TEST(SkipIndexFileTest, EveryKindsDamagedFileIsFoundAndItsPartSetAside) {
  format::TableSchema schema;
  schema.columns = {Col("t", "UInt32"), Col("s", "String"), Col("a", "Array(UInt16)"),
                    Col("m", "Map(String, UInt8)")};
  schema.sort_key = {"t"};
  schema.index_granularity = 8;
  schema.skip_indexes = {{"bf", "s", "bloom_filter", 1, {}},      {"mm", "t", "minmax", 2, {}},
                         {"st", "a", "set(3)", 1, {}},            {"tok", "s", "tokenbf_v1(512, 2, 0)", 1, {}},
                         {"ng", "lower(s)", "ngrambf_v1(3, 512, 2, 0)", 1, {}},
                         {"mk", "mapKeys(m)", "bloom_filter", 1, {}}};
  for (const std::string index : {"bf", "mm", "st", "tok", "ng", "mk"}) {
    for (bool cut : {false, true}) {
      SCOPED_TRACE(absl::StrCat(index, cut ? " cut" : " flipped"));
      MemEnv env;
      std::string part;
      {
        ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
        ASSERT_OK(db->CreateTable("t", schema));
        for (int p = 0; p < 2; ++p) {
          Block block;
          for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
          for (uint32_t i = 0; i < 50; ++i) {
            block.columns[0].Append<uint32_t>(i);
            block.columns[1].AppendString(absl::StrCat("Word", i, " x"));
            ASSERT_OK(block.columns[2].AppendValue(Value::Array({Value::UInt(i), Value::UInt(i + 1)})));
            ASSERT_OK(block.columns[3].AppendValue(Value::Map({Value::String(absl::StrCat("k", i)), Value::UInt(1)})));
          }
          ASSERT_OK(db->Insert("t", block, {.deduplicate = false}));  // the same rows twice: two parts
        }
        ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
        part = parts[0].name;
        EXPECT_OK(db->CheckTable("t"));
      }
      ASSERT_OK_AND_ASSIGN(std::string table_dir, testing_db::OnlyTableDir(&env, "db"));
      const std::string file = JoinPath(JoinPath(table_dir, part), absl::StrCat("skp_idx_", index, ".idx"));
      ASSERT_OK_AND_ASSIGN(std::string bytes, env.ReadFileToString(file));
      if (cut) {
        bytes.resize(bytes.size() - 1);
      } else {
        bytes[bytes.size() / 2] ^= 1;
      }
      ASSERT_OK(WriteFileSynced(&env, file, bytes));
      ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
      EXPECT_EQ(db->recovery().detached, 1u);
      ASSERT_EQ(db->recovery().events.size(), 1u);
      EXPECT_NE(db->recovery().events[0].find(absl::StrCat("skp_idx_", index, ".idx")), std::string::npos)
          << db->recovery().events[0];
      ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
      EXPECT_EQ(parts.size(), 1u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, SkipIndexTest, ::testing::Range(1, 4));

}  // namespace
}  // namespace tally::engine
