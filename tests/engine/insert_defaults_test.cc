// Database::Insert computes DEFAULT expressions for the columns a block leaves out, as a
// SQL INSERT does; a DEFAULT that fails on the block fails the insert whole.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;

format::TableSchema Schema() {
  format::TableSchema s;
  s.columns = {{"time", DataType::DateTime()},
               {"tenant", DataType::Make(TypeId::kString)},
               // Reads a defaulted column declared after it: computed second.
               {"label", DataType::Make(TypeId::kString), {}, "concat(region, '/', tenant)"},
               {"region", DataType::Make(TypeId::kString), {}, "upper(tenant)"},
               {"day", DataType::Make(TypeId::kDate), {}, "toDate(time)"},
               {"code", DataType::Make(TypeId::kUInt8), {}, "tenant"},
               {"seen", DataType::DateTime(), {}, "now()"},
               {"plain", DataType::Make(TypeId::kUInt32)}};
  s.sort_key = {"time"};
  s.partition_by = "toYYYYMM(day)";
  return s;
}

Block Given(const std::vector<std::string>& tenants) {
  Block b;
  Column time = Column::Make(DataType::DateTime());
  Column tenant = Column::Make(DataType::Make(TypeId::kString));
  for (size_t i = 0; i < tenants.size(); ++i) {
    time.Append<uint32_t>(1790935199 + static_cast<uint32_t>(i) * 86400 * 40);  // 2026-10-02, then +40 days
    tenant.AppendString(tenants[i]);
  }
  b.Add("time", std::move(time));
  b.Add("tenant", std::move(tenant));
  return b;
}

std::vector<std::vector<Value>> ScanRows(Database* db, const std::string& table) {
  std::vector<std::vector<Value>> rows;
  auto cursor = db->Scan(table, {});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  if (!cursor.ok()) return rows;
  while (true) {
    Block b;
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    for (size_t r = 0; r < b.rows(); ++r) {
      std::vector<Value> row;
      for (const Column& c : b.columns) row.push_back(c.GetValue(r));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

class InsertDefaultsTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenDb() {
    auto db = Database::Open("db", {.env = &env_});
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }
  MemEnv env_;
};

TEST_F(InsertDefaultsTest, LeftOutColumnsGetTheirDefaultExpressions) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("t", Schema()));
  Block b = Given({"7", "42"});
  const int64_t before_s = absl::ToUnixSeconds(absl::Now());
  ASSERT_OK(db->Insert("t", b));
  auto rows = ScanRows(db.get(), "t");
  ASSERT_EQ(rows.size(), 2u);
  // Two months: two partitions, each its own part.
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
  EXPECT_EQ(parts.size(), 2u);
  for (const auto& row : rows) {
    const std::string tenant = row[1].s;
    EXPECT_EQ(row[3], Value::String(tenant));  // upper() of digits
    EXPECT_EQ(row[2], Value::String(tenant + "/" + tenant));
    EXPECT_EQ(row[4], Value::UInt(row[0].u / 86400));
    EXPECT_EQ(row[5], Value::UInt(std::stoul(tenant)));
    EXPECT_GE(static_cast<int64_t>(row[6].u), before_s);  // the insert's time, not 1970
    EXPECT_EQ(row[7], Value::UInt(0));                    // no DEFAULT: the type's default
  }
}

TEST_F(InsertDefaultsTest, AGivenColumnKeepsItsValues) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("t", Schema()));
  Block b = Given({"7"});
  Column region = Column::Make(DataType::Make(TypeId::kString));
  region.AppendString("eu");
  b.Add("region", std::move(region));
  ASSERT_OK(db->Insert("t", b));
  auto rows = ScanRows(db.get(), "t");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][3], Value::String("eu"));
  EXPECT_EQ(rows[0][2], Value::String("eu/7"));  // computed from the given column
}

TEST_F(InsertDefaultsTest, ADefaultThatFailsStoresNothing) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("t", Schema()));
  ASSERT_OK_AND_ASSIGN(auto batch, db->BeginInsert("t"));
  ASSERT_OK(batch->Add(Given({"1"})));
  // 'x' does not convert to code's UInt8: the whole batch fails.
  EXPECT_STATUS(batch->Add(Given({"2", "x"})), absl::StatusCode::kInvalidArgument, "column `code` DEFAULT tenant");
  EXPECT_FALSE(batch->Commit().ok());
  EXPECT_TRUE(ScanRows(db.get(), "t").empty());
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
  EXPECT_TRUE(parts.empty());
}

TEST_F(InsertDefaultsTest, ACycleIsRefusedAtCreate) {
  auto db = OpenDb();
  format::TableSchema s = Schema();
  s.columns[3].default_expr = "label";
  EXPECT_STATUS(db->CreateTable("t", s), absl::StatusCode::kInvalidArgument, "cycle");
}

TEST_F(InsertDefaultsTest, DefaultsSurviveReopen) {
  {
    auto db = OpenDb();
    ASSERT_OK(db->CreateTable("t", Schema()));
  }
  auto db = OpenDb();
  ASSERT_OK(db->Insert("t", Given({"5"})));
  auto rows = ScanRows(db.get(), "t");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][2], Value::String("5/5"));
}

}  // namespace
}  // namespace tally::engine
