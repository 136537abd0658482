// Primary-key pruning with points: equalities and IN lists on leading key columns, then a
// range on the next one, as a union of key boxes (engine/scan.cc). Random conditions over
// random parts never lose a matching row, and a selective one reads few granules.
#include <gtest/gtest.h>

#include <random>
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

struct Row {
  std::string a;
  uint16_t b;
  uint32_t c;
};

using testing_db::Col;

std::string Tenant(int i) { return absl::StrCat("t", i); }

class KeyPruningTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    format::TableSchema schema;
    schema.columns = {Col("a", "LowCardinality(String)"), Col("b", "UInt16"), Col("c", "UInt32")};
    schema.sort_key = {"a", "b", "c"};
    schema.index_granularity = 8;
    ASSERT_OK(db_->CreateTable("t", schema));
    std::mt19937 rng(GetParam());
    for (int part = 0; part < 4; ++part) {
      Block block;
      for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
      const int rows = 200 + static_cast<int>(rng() % 400);
      for (int i = 0; i < rows; ++i) {
        Row r{Tenant(static_cast<int>(rng() % 12)), static_cast<uint16_t>(rng() % 6), static_cast<uint32_t>(rng() % 100)};
        rows_.push_back(r);
        ASSERT_OK(block.columns[0].AppendValue(Value::String(r.a)));
        block.columns[1].Append<uint16_t>(r.b);
        block.columns[2].Append<uint32_t>(r.c);
      }
      ASSERT_OK(db_->Insert("t", block));
    }
  }

  // Rows matching every range, by brute force, and by a scan that only prunes (every row
  // of a surviving granule comes back, filtered here): equal unless pruning lost a row.
  void Check(const std::vector<ColumnRange>& ranges, ScanStats* stats = nullptr) {
    uint64_t want = 0;
    for (const Row& r : rows_) {
      bool match = true;
      for (const ColumnRange& range : ranges) {
        const Value v = range.column == "a" ? Value::String(r.a)
                        : range.column == "b" ? Value::UInt(r.b)
                                              : Value::UInt(r.c);
        match &= range.Contains(v);
      }
      want += match;
    }
    ASSERT_OK_AND_ASSIGN(std::vector<Block> blocks,
                         testing_db::ScanAll(*db_, "t", {.columns = {"a", "b", "c"}, .ranges = ranges, .filter_rows = false},
                                             stats));
    uint64_t got = 0;
    for (const Block& b : blocks) {
      for (size_t i = 0; i < b.rows(); ++i) {
        bool match = true;
        for (const ColumnRange& range : ranges) match &= range.Contains(b.columns[b.Find(range.column)].GetValue(i));
        got += match;
      }
    }
    std::string what;
    for (const ColumnRange& r : ranges) absl::StrAppend(&what, r.DebugString(), "; ");
    EXPECT_EQ(got, want) << what;
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::vector<Row> rows_;
};

TEST_P(KeyPruningTest, RandomConditionsNeverLoseARow) {
  std::mt19937 rng(GetParam() * 31 + 7);
  for (int q = 0; q < 300; ++q) {
    std::vector<ColumnRange> ranges;
    // Column a: an equality, an IN list (values absent from the data included), or a range.
    switch (rng() % 4) {
      case 0:
        ranges.push_back(ColumnRange::Equal("a", Value::String(Tenant(static_cast<int>(rng() % 14)))));
        break;
      case 1: {
        std::vector<Value> values;
        for (size_t n = 1 + rng() % 5; n > 0; --n) values.push_back(Value::String(Tenant(static_cast<int>(rng() % 14))));
        ranges.push_back(ColumnRange::OneOf("a", values));
        break;
      }
      case 2:
        ranges.push_back(ColumnRange::Between("a", Value::String(Tenant(static_cast<int>(rng() % 12))),
                                              Value::String(Tenant(static_cast<int>(rng() % 12)))));
        break;
      default:
        break;
    }
    switch (rng() % 4) {
      case 0:
        ranges.push_back(ColumnRange::Equal("b", Value::UInt(rng() % 7)));
        break;
      case 1: {
        std::vector<Value> values;
        for (size_t n = 1 + rng() % 3; n > 0; --n) values.push_back(Value::UInt(rng() % 7));
        ranges.push_back(ColumnRange::OneOf("b", values));
        break;
      }
      case 2: {
        ColumnRange r;
        r.column = "b";
        r.min = Value::UInt(rng() % 6);
        r.min_inclusive = rng() % 2 == 0;
        ranges.push_back(r);
        break;
      }
      default:
        break;
    }
    if (rng() % 2 == 0) {
      const uint32_t lo = rng() % 100;
      ColumnRange r = ColumnRange::Between("c", Value::UInt(lo), Value::UInt(lo + rng() % 40));
      r.max_inclusive = rng() % 2 == 0;
      ranges.push_back(r);
      if (rng() % 3 == 0) ranges.push_back(ColumnRange::Equal("c", Value::UInt(lo)));
    }
    Check(ranges);
  }
}

TEST_P(KeyPruningTest, InListWithTheNextKeyColumnReadsFewGranules) {
  const std::vector<ColumnRange> ranges = {
      ColumnRange::OneOf("a", {Value::String(Tenant(3)), Value::String(Tenant(9))}),
      ColumnRange::Equal("b", Value::UInt(2))};
  ScanStats stats;
  Check(ranges, &stats);
  // Two tenants of twelve and one b of six: about 1/36 of the rows; the granules at the
  // edges of each box come on top.
  EXPECT_LE(stats.granules_selected, stats.granules_total / 8) << stats.granules_selected << " of " << stats.granules_total;
  // The hull of the list alone ([t3, t9]) would read well over a third.
  ColumnRange hull = ColumnRange::Between("a", Value::String(Tenant(3)), Value::String(Tenant(9)));
  hull.max_inclusive = true;
  ScanStats hull_stats;
  Check({hull, ColumnRange::Equal("b", Value::UInt(2))}, &hull_stats);
  EXPECT_LT(stats.granules_selected * 3, hull_stats.granules_selected);
}

INSTANTIATE_TEST_SUITE_P(Seeds, KeyPruningTest, ::testing::Range(1, 4));

}  // namespace
}  // namespace tally::engine
