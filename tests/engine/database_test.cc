#include "engine/database.h"

#include <gtest/gtest.h>

#include <map>

#include "engine/mem_env.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Value;

std::vector<Block> ScanAll(Database* db, const std::string& table, ScanOptions options = {},
                           ScanStats* stats = nullptr) {
  std::vector<Block> out;
  auto cursor = db->Scan(table, std::move(options));
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  if (!cursor.ok()) return out;
  while (true) {
    Block b;
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    out.push_back(std::move(b));
  }
  if (stats != nullptr) *stats = (*cursor)->stats();
  return out;
}

size_t TotalRows(const std::vector<Block>& blocks) {
  size_t n = 0;
  for (const Block& b : blocks) n += b.rows();
  return n;
}

// Multiset of rendered rows, for order-insensitive comparison.
std::multiset<std::string> Rows(const std::vector<Block>& blocks) {
  std::multiset<std::string> out;
  for (const Block& b : blocks) {
    for (size_t r = 0; r < b.rows(); ++r) {
      std::string row;
      for (const auto& c : b.columns) row += c.GetValue(r).DebugString() + "|";
      out.insert(row);
    }
  }
  return out;
}

class DatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenDb() {
    auto db = Database::Open("db", {.env = &env_});
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }
  MemEnv env_;
};

TEST_F(DatabaseTest, InsertThenScanReturnsEveryRowSortedByKey) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Block input = testing_data::MeteringBlock(50000, 1);
  ASSERT_OK(db->Insert("events", input));
  auto blocks = ScanAll(db.get(), "events");
  EXPECT_EQ(TotalRows(blocks), 50000u);
  EXPECT_EQ(Rows(blocks), Rows({input}));
  // Within a part, rows come sorted by (tenant, metric, time).
  for (const Block& b : blocks) {
    for (size_t r = 1; r < b.rows(); ++r) {
      std::vector<Value> prev = {b.columns[1].GetValue(r - 1), b.columns[2].GetValue(r - 1), b.columns[0].GetValue(r - 1)};
      std::vector<Value> cur = {b.columns[1].GetValue(r), b.columns[2].GetValue(r), b.columns[0].GetValue(r)};
      ASSERT_LE(format::CompareValues(Value::Array(prev), Value::Array(cur)), 0) << "row " << r;
    }
  }
}

TEST_F(DatabaseTest, TablesAndRowsSurviveReopen) {
  Block input = testing_data::MeteringBlock(20000, 2, 1790812800, 40 * 86400);  // two months
  {
    auto db = OpenDb();
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    ASSERT_OK(db->Insert("events", input));
  }
  auto db = OpenDb();
  EXPECT_EQ(db->ListTables(), std::vector<std::string>{"events"});
  ASSERT_OK_AND_ASSIGN(auto schema, db->GetSchema("events"));
  EXPECT_EQ(schema.columns.size(), 11u);
  EXPECT_EQ(schema.partition_by, "toYYYYMM(time)");
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  EXPECT_EQ(parts.size(), 2u);  // 202610 and 202611
  EXPECT_EQ(Rows(ScanAll(db.get(), "events")), Rows({input}));
  EXPECT_TRUE(db->recovery().events.empty());
}

TEST_F(DatabaseTest, InvalidBlockStoresNothing) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Block bad = testing_data::MeteringBlock(100, 3);
  bad.columns[5] = format::Column::Make(format::DataType::Make(format::TypeId::kUInt32));  // wrong type
  EXPECT_STATUS(db->Insert("events", bad), absl::StatusCode::kInvalidArgument, "column 'status'");
  Block short_col = testing_data::MeteringBlock(100, 3);
  short_col.columns[9].data.resize(8 * 99);
  EXPECT_STATUS(db->Insert("events", short_col), absl::StatusCode::kInvalidArgument, "has 99 rows");
  Block unknown = testing_data::MeteringBlock(10, 3);
  unknown.names[0] = "nope";
  EXPECT_STATUS(db->Insert("events", unknown), absl::StatusCode::kInvalidArgument, "no column 'nope'");
  EXPECT_EQ(TotalRows(ScanAll(db.get(), "events")), 0u);
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  EXPECT_TRUE(parts.empty());
}

TEST_F(DatabaseTest, MissingColumnsTakeDefaults) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  Block full = testing_data::MeteringBlock(10, 4);
  Block partial;
  partial.Add("time", full.columns[0]);
  partial.Add("tenant", full.columns[1]);
  ASSERT_OK(db->Insert("events", partial));
  auto blocks = ScanAll(db.get(), "events", {.columns = {"status", "path", "value"}});
  ASSERT_EQ(TotalRows(blocks), 10u);
  EXPECT_EQ(blocks[0].columns[0].GetValue(0), Value::UInt(0));
  EXPECT_EQ(blocks[0].columns[1].GetValue(0), Value::String(""));
}

TEST_F(DatabaseTest, KeyRangePrunesGranulesAndFiltersRows) {
  auto db = OpenDb();
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.index_granularity = 1024;
  ASSERT_OK(db->CreateTable("events", schema));
  Block input = testing_data::MeteringBlock(200000, 5);
  ASSERT_OK(db->Insert("events", input));
  ScanStats stats;
  auto blocks = ScanAll(db.get(), "events",
                        {.columns = {"tenant", "value"}, .ranges = {ColumnRange::Equal("tenant", Value::String("tenant_7"))}},
                        &stats);
  size_t expected = 0;
  for (size_t r = 0; r < input.rows(); ++r) expected += input.columns[1].GetValue(r) == Value::String("tenant_7");
  ASSERT_GT(expected, 0u);
  EXPECT_EQ(TotalRows(blocks), expected);
  for (const Block& b : blocks) {
    for (size_t r = 0; r < b.rows(); ++r) ASSERT_EQ(b.columns[0].GetValue(r), Value::String("tenant_7"));
  }
  EXPECT_LT(stats.granules_selected, stats.granules_total / 10) << stats.granules_selected << " of " << stats.granules_total;
  EXPECT_EQ(stats.rows_returned, expected);
}

TEST_F(DatabaseTest, TimeRangePrunesPartitionsAndGranules) {
  auto db = OpenDb();
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.sort_key = {"time"};
  schema.index_granularity = 512;
  ASSERT_OK(db->CreateTable("events", schema));
  Block input = testing_data::MeteringBlock(100000, 6, 1790812800, 60 * 86400);
  ASSERT_OK(db->Insert("events", input));
  const uint32_t lo = 1790812800 + 10 * 86400, hi = lo + 3600;
  ScanStats stats;
  auto blocks = ScanAll(db.get(), "events",
                        {.columns = {"time"}, .ranges = {ColumnRange::Between("time", Value::UInt(lo), Value::UInt(hi))}},
                        &stats);
  size_t expected = 0;
  for (size_t r = 0; r < input.rows(); ++r) {
    uint32_t t = input.columns[0].values<uint32_t>()[r];
    expected += t >= lo && t < hi;
  }
  EXPECT_EQ(TotalRows(blocks), expected);
  EXPECT_EQ(stats.parts_total, 2u);
  EXPECT_EQ(stats.parts_selected, 1u);
  EXPECT_LE(stats.granules_selected, 2u);
}

TEST_F(DatabaseTest, SplitScanGivesEveryRowOnceAndSequencesRestoreOrder) {
  auto db = OpenDb();
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.index_granularity = 256;
  ASSERT_OK(db->CreateTable("events", schema));
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(20000, seed, 1790812800, 60 * 86400)));
  }
  const ScanOptions options = {.columns = {"tenant", "value", "time"},
                               .ranges = {ColumnRange::Between("value", Value::UInt(10), Value::UInt(1u << 30))},
                               .max_block_rows = 1024,
                               .task_rows = 3000};
  std::vector<Block> single = ScanAll(db.get(), "events", options);
  ASSERT_GT(single.size(), 20u);

  ASSERT_OK_AND_ASSIGN(auto first, db->Scan("events", options));
  std::vector<std::unique_ptr<ScanCursor>> cursors;
  for (auto& c : first->Split(3)) cursors.push_back(std::move(c));
  cursors.insert(cursors.begin(), std::move(first));
  ASSERT_EQ(cursors.size(), 3u);
  // Interleave the cursors as threads would; every cursor gets some work.
  std::vector<std::pair<uint64_t, Block>> got;
  std::vector<size_t> blocks_per_cursor(3, 0);
  for (bool any = true; any;) {
    any = false;
    for (size_t i = 0; i < cursors.size(); ++i) {
      Block b;
      ASSERT_OK_AND_ASSIGN(bool more, cursors[i]->Next(&b));
      if (!more) continue;
      any = true;
      ++blocks_per_cursor[i];
      got.emplace_back(cursors[i]->last_sequence(), std::move(b));
    }
  }
  for (size_t n : blocks_per_cursor) EXPECT_GT(n, 0u);
  std::stable_sort(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  ASSERT_EQ(got.size(), single.size());
  uint64_t rows_read = 0;
  for (const auto& c : cursors) rows_read += c->stats().rows_read;
  ScanStats stats;
  ScanAll(db.get(), "events", options, &stats);
  EXPECT_EQ(rows_read, stats.rows_read);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(Rows({got[i].second}), Rows({single[i]})) << "block " << i;
    // Same order inside the block, too.
    EXPECT_EQ(got[i].second.columns[2].GetValue(0), single[i].columns[2].GetValue(0));
  }
}

TEST_F(DatabaseTest, DatabasesHoldTablesAndSurviveReopen) {
  {
    auto db = OpenDb();
    EXPECT_EQ(db->ListDatabases(), std::vector<std::string>{"default"});
    ASSERT_OK(db->CreateDatabase("metering"));
    EXPECT_STATUS(db->CreateDatabase("metering"), absl::StatusCode::kAlreadyExists, "already exists");
    ASSERT_OK(db->CreateDatabase("metering", /*if_not_exists=*/true));
    EXPECT_STATUS(db->CreateDatabase("bad-name"), absl::StatusCode::kInvalidArgument, "only letters");
    EXPECT_STATUS(db->CreateTable("nope.events", testing_data::MeteringSchema()), absl::StatusCode::kNotFound,
                  "database 'nope' does not exist");
    ASSERT_OK(db->CreateTable("metering.events", testing_data::MeteringSchema()));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    ASSERT_OK(db->Insert("metering.events", testing_data::MeteringBlock(1000, 1)));
    ASSERT_OK(db->CreateDatabase("logs"));
  }
  {
    auto db = OpenDb();
    EXPECT_EQ(db->ListDatabases(), (std::vector<std::string>{"default", "logs", "metering"}));
    EXPECT_EQ(TotalRows(ScanAll(db.get(), "metering.events")), 1000u);
    EXPECT_STATUS(db->DropDatabase("default"), absl::StatusCode::kInvalidArgument, "cannot be dropped");
    ASSERT_OK(db->DropDatabase("metering"));
    EXPECT_STATUS(db->DropDatabase("metering"), absl::StatusCode::kNotFound, "does not exist");
    ASSERT_OK(db->DropDatabase("metering", /*if_exists=*/true));
  }
  auto db = OpenDb();
  EXPECT_EQ(db->ListDatabases(), (std::vector<std::string>{"default", "logs"}));
  EXPECT_EQ(db->ListTables(), std::vector<std::string>{"events"});
  // The dropped table's directory is gone: only the default table's remains.
  ASSERT_OK_AND_ASSIGN(auto dirs, env_.ListDir("db/tables"));
  EXPECT_EQ(dirs.size(), 1u);
}

TEST_F(DatabaseTest, BatchInsertIsInvisibleUntilCommitAndLeavesNothingWhenAbandoned) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  const Block a = testing_data::MeteringBlock(4000, 1), b = testing_data::MeteringBlock(3000, 2);
  {
    ASSERT_OK_AND_ASSIGN(auto batch, db->BeginInsert("events"));
    ASSERT_OK(batch->Add(a));
    ASSERT_OK(batch->Add(b));
    EXPECT_EQ(batch->rows(), 7000u);
    EXPECT_EQ(TotalRows(ScanAll(db.get(), "events")), 0u) << "rows visible before Commit";
    ASSERT_OK(batch->Commit());
    EXPECT_STATUS(batch->Add(a), absl::StatusCode::kFailedPrecondition, "already ended");
  }
  EXPECT_EQ(Rows(ScanAll(db.get(), "events")), Rows({a, b}));
  ASSERT_OK_AND_ASSIGN(auto parts_before, db->ListParts("events"));
  {
    // A batch dropped before Commit, and one whose second block is bad: nothing is stored.
    ASSERT_OK_AND_ASSIGN(auto abandoned, db->BeginInsert("events"));
    ASSERT_OK(abandoned->Add(a));
    ASSERT_OK_AND_ASSIGN(auto failing, db->BeginInsert("events"));
    ASSERT_OK(failing->Add(b));
    Block bad = a;
    bad.columns[0] = format::Column::Make(bad.columns[1].type);
    EXPECT_FALSE(failing->Add(bad).ok());
    EXPECT_STATUS(failing->Commit(), absl::StatusCode::kFailedPrecondition, "already ended");
  }
  EXPECT_EQ(TotalRows(ScanAll(db.get(), "events")), 7000u);
  ASSERT_OK_AND_ASSIGN(auto parts_after, db->ListParts("events"));
  EXPECT_EQ(parts_after.size(), parts_before.size());
  // Their part directories are gone too.
  db.reset();
  db = OpenDb();
  EXPECT_EQ(db->recovery().temporary_removed, 0u) << "abandoned parts were left on disk";
  EXPECT_TRUE(db->recovery().events.empty()) << db->recovery().events[0];
  EXPECT_EQ(TotalRows(ScanAll(db.get(), "events")), 7000u);
}

TEST_F(DatabaseTest, DropTableRemovesItsData) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(1000, 7)));
  ASSERT_OK(db->DropTable("events"));
  EXPECT_STATUS(db->Insert("events", testing_data::MeteringBlock(10, 7)), absl::StatusCode::kNotFound, "events");
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  EXPECT_EQ(TotalRows(ScanAll(db.get(), "events")), 0u);
  db.reset();
  db = OpenDb();
  EXPECT_EQ(TotalRows(ScanAll(db.get(), "events")), 0u);
  for (const std::string& path : env_.AllPaths()) {
    EXPECT_EQ(path.find("detached"), std::string::npos) << path;
  }
}

TEST_F(DatabaseTest, RejectsBadSchemas) {
  auto db = OpenDb();
  format::TableSchema s = testing_data::MeteringSchema();
  s.sort_key = {"nope"};
  EXPECT_STATUS(db->CreateTable("t", s), absl::StatusCode::kInvalidArgument, "unknown column 'nope'");
  s = testing_data::MeteringSchema();
  s.partition_by = "toYYYYMM(path)";
  EXPECT_STATUS(db->CreateTable("t", s), absl::StatusCode::kInvalidArgument, "PARTITION BY toYYYYMM(path): toYYYYMM: argument 1 has type String");
  s = testing_data::MeteringSchema();
  s.columns[3].codecs = {format::CodecSpec{format::CodecId::kDelta, 0}};
  EXPECT_STATUS(db->CreateTable("t", s), absl::StatusCode::kInvalidArgument, "column 'path'");
  s = testing_data::MeteringSchema();
  s.engine = "CollapsingMergeTree";
  EXPECT_STATUS(db->CreateTable("t", s), absl::StatusCode::kUnimplemented, "not supported yet");
  s = testing_data::MeteringSchema();
  s.engine = "SummingMergeTree";  // its String columns would keep arbitrary values
  EXPECT_STATUS(db->CreateTable("t", s), absl::StatusCode::kInvalidArgument, "neither in the sorting key nor summed");
  ASSERT_OK(db->CreateTable("t", testing_data::MeteringSchema()));
  EXPECT_STATUS(db->CreateTable("t", testing_data::MeteringSchema()), absl::StatusCode::kAlreadyExists, "'t'");
  EXPECT_OK(db->CreateTable("t", testing_data::MeteringSchema(), /*if_not_exists=*/true));
}

TEST_F(DatabaseTest, CheckTablePassesOnIntactData) {
  auto db = OpenDb();
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(30000, 8)));
  EXPECT_OK(db->CheckTable("events"));
}

TEST(DatabasePosixTest, RoundTripsOnRealFiles) {
  const std::string dir = ::testing::TempDir() + "/tally_db_posix";
  ASSERT_OK(Env::Default()->RemoveAll(dir));
  Block input = testing_data::MeteringBlock(30000, 9);
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(dir));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    ASSERT_OK(db->Insert("events", input));
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(dir));
  EXPECT_EQ(Rows(ScanAll(db.get(), "events")), Rows({input}));
  EXPECT_OK(db->CheckTable("events"));
  ASSERT_OK(Env::Default()->RemoveAll(dir));
}

}  // namespace
}  // namespace tally::engine

namespace tally::engine {
namespace {

TEST(DatabaseTruncateTest, TruncateRemovesRowsDurably) {
  MemEnv env;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(1000, 31)));
    ASSERT_OK(db->TruncateTable("events"));
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
    EXPECT_TRUE(parts.empty());
    ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(10, 32)));
  }
  env.Crash();
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].rows, 10u);
  EXPECT_STATUS(db->TruncateTable("nope"), absl::StatusCode::kNotFound, "nope");
}

}  // namespace
}  // namespace tally::engine
