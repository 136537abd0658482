// PartitionKey: ids of the keys tally partitioned by before keys were bound expressions
// must not change (parts on disk are named by them); new keys follow ClickHouse.
#include "engine/partition.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;

format::TableSchema Schema() {
  format::TableSchema s;
  s.columns = {{"time", DataType::DateTime()},       {"t64", DataType::DateTime64(3)},
               {"d", DataType::Make(TypeId::kDate)}, {"n", DataType::Make(TypeId::kInt32)},
               {"s", DataType::Make(TypeId::kString)}};
  return s;
}

Block OneRow() {
  Block b;
  Column time = Column::Make(DataType::DateTime());
  time.Append<uint32_t>(1790935199);  // 2026-10-02 09:59:59 UTC
  b.Add("time", std::move(time));
  Column t64 = Column::Make(DataType::DateTime64(3));
  t64.Append<int64_t>(-1500);  // 1969-12-31 23:59:58.5
  b.Add("t64", std::move(t64));
  Column d = Column::Make(DataType::Make(TypeId::kDate));
  d.Append<uint16_t>(20727);  // 2026-10-01
  b.Add("d", std::move(d));
  Column n = Column::Make(DataType::Make(TypeId::kInt32));
  n.Append<int32_t>(-5);
  b.Add("n", std::move(n));
  Column s = Column::Make(DataType::Make(TypeId::kString));
  s.AppendString("eu-west");
  b.Add("s", std::move(s));
  return b;
}

std::vector<PartitionGroup> Split(const std::string& expr) {
  auto key = PartitionKey::Parse(expr, Schema());
  EXPECT_TRUE(key.ok()) << expr << ": " << key.status();
  if (!key.ok()) return {};
  auto groups = key->Split(OneRow());
  EXPECT_TRUE(groups.ok()) << expr << ": " << groups.status();
  return groups.ok() ? *groups : std::vector<PartitionGroup>{};
}

TEST(PartitionKeyTest, EarlierKeysKeepTheirIdsAndValues) {
  struct Case {
    std::string expr, id;
    Value value;
  };
  const std::vector<Case> cases = {
      {"", "all", Value::Null()},
      {"toYYYYMM(time)", "202610", Value::UInt(202610)},
      {"toYYYYMMDD(time)", "20261002", Value::UInt(20261002)},
      {"toDate(time)", "20261002", Value::UInt(20728)},
      {"toYYYYMM(d)", "202610", Value::UInt(202610)},
      {"d", "20261001", Value::UInt(20727)},
      {"time", "1790935199", Value::UInt(1790935199)},
      {"t64", "m1500", Value::Int(-1500)},
      {"n", "m5", Value::Int(-5)},
      {"s", "", Value::String("eu-west")},
  };
  for (const Case& c : cases) {
    std::vector<PartitionGroup> groups = Split(c.expr);
    ASSERT_EQ(groups.size(), 1u) << c.expr;
    if (c.expr == "s") {
      EXPECT_EQ(groups[0].id.size(), 16u);  // XXH3 of the bytes, as hex
    } else {
      EXPECT_EQ(groups[0].id, c.id) << c.expr;
    }
    if (!c.expr.empty()) {
      ASSERT_EQ(groups[0].value.size(), 1u) << c.expr;
      EXPECT_EQ(groups[0].value[0], c.value) << c.expr;
    }
  }
}

TEST(PartitionKeyTest, TuplesFollowClickHouse) {
  std::vector<PartitionGroup> groups = Split("(n, toYYYYMM(time), d)");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].id, "-5-202610-20261001");
  EXPECT_EQ(groups[0].value.size(), 3u);
  groups = Split("tuple(s, toYYYYMM(time))");
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].id.size(), 32u);
}

TEST(PartitionKeyTest, RejectsWhatClickHouseRejects) {
  for (const std::string expr : {"now()", "count()", "rand()", "nosuch", "toUInt8(1)", "toFloat64(n)",
                                 "toNullable(n)", "arrayJoin([n])"}) {
    auto key = PartitionKey::Parse(expr, Schema());
    EXPECT_FALSE(key.ok()) << expr;
    if (!key.ok()) {
      EXPECT_NE(std::string(key.status().message()).find("PARTITION BY " + expr), std::string::npos)
          << key.status();
    }
  }
}

TEST(PartitionKeyTest, AFailingRowFailsTheSplit) {
  auto key = PartitionKey::Parse("intDiv(n, n + 5)", Schema());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_FALSE(key->Split(OneRow()).ok());
}

}  // namespace
}  // namespace tally::engine
