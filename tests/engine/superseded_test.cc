// Superseded rows of ReplacingMergeTree (engine/superseded.h): what a commit records, what
// survives a reopen and a manifest snapshot, and what recovery does when a part holding
// winners is set aside.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/manifest_replay.h"
#include "engine/mem_env.h"
#include "engine/part_writer.h"
#include "engine/superseded.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::RowRun;
using format::RowRuns;

using testing_db::Col;

format::TableSchema Schema() {
  format::TableSchema schema;
  schema.columns = {Col("p", "UInt8"), Col("k", "UInt32"), Col("ver", "UInt32"), Col("n", "Int64")};
  schema.sort_key = {"k"};
  schema.partition_by = "p";
  schema.engine = "ReplacingMergeTree";
  schema.engine_args = {"ver"};
  schema.index_granularity = 8;
  return schema;
}

struct Row {
  uint8_t p;
  uint32_t k, ver;
  int64_t n;
};

absl::Status Insert(Database* db, const std::vector<Row>& rows) {
  const format::TableSchema schema = Schema();
  Block block;
  for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
  for (const Row& r : rows) {
    block.columns[0].Append<uint8_t>(r.p);
    block.columns[1].Append<uint32_t>(r.k);
    block.columns[2].Append<uint32_t>(r.ver);
    block.columns[3].Append<int64_t>(r.n);
  }
  return db->Insert("t", block);
}

// FINAL as (p, k) -> (ver, n), and whether it skipped superseded rows.
std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, int64_t>> Final(Database* db, bool* skipped) {
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, int64_t>> out;
  ScanStats stats;
  auto blocks = testing_db::ScanAll(*db, "t", {.columns = {"p", "k", "ver", "n"}, .final = true}, &stats);
  EXPECT_TRUE(blocks.ok()) << blocks.status();
  if (!blocks.ok()) return out;
  *skipped = stats.final_skips_superseded;
  for (const Block& b : *blocks) {
    for (size_t r = 0; r < b.rows(); ++r) {
      auto key = std::make_pair(b.columns[0].values<uint8_t>()[r], b.columns[1].values<uint32_t>()[r]);
      EXPECT_TRUE(out.emplace(key, std::make_pair(b.columns[2].values<uint32_t>()[r], b.columns[3].values<int64_t>()[r]))
                      .second);
    }
  }
  return out;
}

// Keys 0..99 in partitions 0 and 1; the second batch rewrites the even keys with a higher
// version, the third the keys divisible by 3 with a lower one (they lose).
std::vector<std::vector<Row>> Batches() {
  std::vector<std::vector<Row>> batches(3);
  for (uint32_t k = 0; k < 100; ++k) {
    for (uint8_t p = 0; p < 2; ++p) {
      batches[0].push_back({p, k, 5, k});
      if (k % 2 == 0) batches[1].push_back({p, k, 7, 1000 + k});
      if (k % 3 == 0) batches[2].push_back({p, k, 1, 2000 + k});
    }
  }
  return batches;
}

std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, int64_t>> Expected() {
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, int64_t>> out;
  for (uint32_t k = 0; k < 100; ++k) {
    for (uint32_t p = 0; p < 2; ++p) out[{p, k}] = k % 2 == 0 ? std::make_pair(7u, int64_t{1000 + k}) : std::make_pair(5u, int64_t{k});
  }
  return out;
}

TEST(SupersededTest, FindSupersededMarksTheLosersOnBothSides) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema schema = Schema();
  schema.settings.push_back({"track_superseded_rows", "0"});  // compare by hand below
  ASSERT_OK(db->CreateTable("t", schema));
  for (const auto& batch : Batches()) {
    std::vector<Row> one_partition;
    for (const Row& r : batch) {
      if (r.p == 0) one_partition.push_back(r);
    }
    ASSERT_OK(Insert(db.get(), one_partition));
  }
  ASSERT_OK_AND_ASSIGN(auto infos, db->ListParts("t"));
  ASSERT_EQ(infos.size(), 3u);
  ASSERT_OK_AND_ASSIGN(std::string table_dir, testing_db::OnlyTableDir(&env, "db"));
  std::vector<PartPtr> parts;  // in block order
  for (const PartInfo& info : infos) {
    ASSERT_OK_AND_ASSIGN(auto part, Part::Open(&env, JoinPath(table_dir, info.name)));
    parts.push_back(part);
  }
  ASSERT_OK_AND_ASSIGN(EngineSpec spec, ParseEngine(Schema()));
  // The second part against the first: the first part's even keys (rows 0, 2, ...) lose.
  ASSERT_OK_AND_ASSIGN(auto second, FindSuperseded(Schema(), spec, parts[1], {parts[0]}));
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(format::CountRows(second[0]), 50u);
  EXPECT_EQ(second[0].front(), (RowRun{0, 1}));
  EXPECT_EQ(second[0].back(), (RowRun{98, 99}));
  EXPECT_TRUE(second[1].empty());
  // The third part against the first two: its rows all lose (version 1); of theirs, only
  // rows that already lost to the second part may be marked again (keys it shares with
  // both), never a winner.
  ASSERT_OK_AND_ASSIGN(auto third, FindSuperseded(Schema(), spec, parts[2], {parts[0], parts[1]}));
  ASSERT_EQ(third.size(), 3u);
  EXPECT_EQ(format::UnionRowRuns(second[0], third[0]), second[0]);
  EXPECT_TRUE(third[1].empty());
  EXPECT_EQ(third[2], (RowRuns{RowRun{0, 34}}));  // its 34 rows (k = 0, 3, ..., 99)
}

TEST(SupersededTest, RecordsSurviveReopenAndManifestSnapshots) {
  MemEnv env;
  // A tiny rewrite threshold: the manifest is rewritten as a snapshot after most edits.
  DatabaseOptions options{.env = &env, .manifest_rewrite_bytes = 1};
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
    ASSERT_OK(db->CreateTable("t", Schema()));
    for (const auto& batch : Batches()) ASSERT_OK(Insert(db.get(), batch));
    bool skipped = false;
    EXPECT_EQ(Final(db.get(), &skipped), Expected());
    EXPECT_TRUE(skipped);
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
  bool skipped = false;
  EXPECT_EQ(Final(db.get(), &skipped), Expected());
  EXPECT_TRUE(skipped) << "the records did not come back from the snapshot";
  // A plain scan still sees every stored row, superseded ones included.
  ASSERT_OK_AND_ASSIGN(std::vector<Block> blocks, testing_db::ScanAll(*db, "t", {.columns = {"k"}}));
  uint64_t rows = 0;
  for (const Block& b : blocks) rows += b.rows();
  EXPECT_EQ(rows, 200u + 100u + 68u);
}

TEST(SupersededTest, PartSetAsideClearsItsPartitionsRecordsAndFinalMergesIt) {
  MemEnv env;
  std::string victim;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK(db->CreateTable("t", Schema()));
    for (const auto& batch : Batches()) ASSERT_OK(Insert(db.get(), batch));
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("t"));
    for (const PartInfo& p : parts) {
      if (p.partition_id == "0" && p.min_block == 3) victim = p.name;  // the second batch, partition 0
    }
    ASSERT_FALSE(victim.empty());
  }
  // Damage the part holding the winners of partition 0's even keys.
  ASSERT_OK_AND_ASSIGN(std::string table_dir, testing_db::OnlyTableDir(&env, "db"));
  ASSERT_OK(WriteFileSynced(&env, JoinPath(JoinPath(table_dir, victim), format::kPrimaryIndexFile), "garbage"));
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_EQ(db->recovery().detached, 1u);
  // The rows that lost to the set-aside part come back in partition 0; partition 1 is as it was.
  auto want = Expected();
  for (uint32_t k = 0; k < 100; k += 2) want[{0, k}] = {5u, int64_t{k}};
  bool skipped = true;
  EXPECT_EQ(Final(db.get(), &skipped), want);
  EXPECT_FALSE(skipped) << "FINAL skipped rows that lost to a part no longer there";
  // A merge of the whole partition makes it tracked again, with the same answer.
  ASSERT_OK(db->Optimize("t", {.final = true}));
  EXPECT_EQ(Final(db.get(), &skipped), want);
  EXPECT_TRUE(skipped);
}

TEST(SupersededTest, MergesDropSupersededRowsAndStayTracked) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("t", Schema()));
  const auto batches = Batches();
  ASSERT_OK(Insert(db.get(), batches[0]));
  ASSERT_OK(Insert(db.get(), batches[1]));
  // Merge the first two batches, then insert the third (which loses everywhere).
  ASSERT_OK_AND_ASSIGN(OptimizeResult merged, db->Optimize("t"));
  EXPECT_EQ(merged.rows, 200u) << "the merge wrote the superseded rows";
  ASSERT_OK(Insert(db.get(), batches[2]));
  bool skipped = false;
  EXPECT_EQ(Final(db.get(), &skipped), Expected());
  EXPECT_TRUE(skipped);
  ASSERT_OK_AND_ASSIGN(OptimizeResult final_merge, db->Optimize("t", {.final = true}));
  EXPECT_EQ(final_merge.rows, 200u);
  EXPECT_EQ(Final(db.get(), &skipped), Expected());
  EXPECT_TRUE(skipped);
}

// A merged part spans its inputs' blocks, so a part inserted while it was written can fall
// inside its block range, and a tie in version then goes the other way than when that
// part was committed. Rows already recorded as losing take no part in the comparison, so
// two rows are never each recorded as losing to the other (the key would vanish).
TEST(SupersededTest, RecordedRowsTakeNoPartSoNoKeyLosesBothWays) {
  MemEnv env;
  format::TableSchema schema = Schema();
  schema.partition_by = "";
  auto write = [&](uint64_t min_block, uint64_t max_block, int64_t n) -> absl::StatusOr<PartPtr> {
    Block block;
    for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
    block.columns[0].Append<uint8_t>(0);
    block.columns[1].Append<uint32_t>(42);
    block.columns[2].Append<uint32_t>(1);  // the same version: the later block wins
    block.columns[3].Append<int64_t>(n);
    TALLY_ASSIGN_OR_RETURN(format::PartMeta meta,
                           WritePart(&env, "t", schema, PartIdentity{"all", {}, min_block, max_block, 1}, block));
    return Part::Open(&env, JoinPath("t", meta.name));
  };
  ASSERT_OK(env.CreateDirs("t"));
  ASSERT_OK_AND_ASSIGN(PartPtr merged, write(1, 3, 1));    // blocks 1 and 3, merged
  ASSERT_OK_AND_ASSIGN(PartPtr inserted, write(2, 2, 2));  // block 2, committed during the merge
  ASSERT_OK_AND_ASSIGN(EngineSpec spec, ParseEngine(schema));
  // Block order puts the merged part first, so the inserted row would win the tie ...
  ASSERT_OK_AND_ASSIGN(auto plain, FindSuperseded(schema, spec, merged, {inserted}));
  EXPECT_EQ(plain[1], (RowRuns{RowRun{0, 1}}));
  // ... but it lost to block 3's row when it was committed: recorded, it takes no part.
  auto recorded = std::make_shared<const RowRuns>(RowRuns{RowRun{0, 1}});
  ASSERT_OK_AND_ASSIGN(auto skipping, FindSuperseded(schema, spec, merged, {inserted}, {recorded}));
  EXPECT_TRUE(skipping[0].empty());
  EXPECT_TRUE(skipping[1].empty());
}

// Inserts from several threads while background merges run: commits that compare keys
// take turns (the table's commit mutex), and FINAL equals the newest version per key,
// skipping recorded rows, at the end and after reopening.
TEST(SupersededTest, ConcurrentInsertsAndBackgroundMergesKeepFinalExact) {
  MemEnv env;
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, int64_t>> want;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
    ASSERT_OK(db->CreateTable("t", Schema()));
    std::atomic<uint32_t> next_version{1};
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 rng(t + 1);
        for (int batch = 0; batch < 15; ++batch) {
          std::vector<Row> rows;
          for (int i = 0; i < 40; ++i) {
            // Distinct versions: which row wins never depends on commit order.
            const uint32_t ver = next_version.fetch_add(1);
            rows.push_back({static_cast<uint8_t>(rng() % 2), static_cast<uint32_t>(rng() % 60), ver, int64_t{ver} * 10});
          }
          // Versions are taken before the insert commits, so the expected winner is the
          // highest version whatever order the commits land in.
          EXPECT_OK(Insert(db.get(), rows));
          std::lock_guard<std::mutex> lock(mu);
          for (const Row& r : rows) {
            auto [it, fresh] = want.try_emplace({r.p, r.k}, r.ver, r.n);
            if (!fresh && r.ver > it->second.first) it->second = {r.ver, r.n};
          }
        }
      });
    }
    for (std::thread& t : threads) t.join();
    bool skipped = false;
    EXPECT_EQ(Final(db.get(), &skipped), want);
    EXPECT_TRUE(skipped);
    EXPECT_OK(db->background_merge_status());
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  bool skipped = false;
  EXPECT_EQ(Final(db.get(), &skipped), want);
  EXPECT_TRUE(skipped);
}

// DROP PARTITION takes the partition's records with its parts; the other partition stays
// tracked, and FINAL answers without it, before and after a reopen.
TEST(SupersededTest, DropPartitionKeepsTheOtherPartitionTracked) {
  MemEnv env;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK(db->CreateTable("t", Schema()));
    for (const auto& batch : Batches()) ASSERT_OK(Insert(db.get(), batch));
    uint64_t dropped = 0;
    ASSERT_OK(db->DropPartition("t", "0", &dropped));
    EXPECT_EQ(dropped, 3u);
    ASSERT_OK(db->DropPartition("t", "7", &dropped));  // no such partition: nothing to do
    EXPECT_EQ(dropped, 0u);
  }
  auto want = Expected();
  std::erase_if(want, [](const auto& entry) { return entry.first.first == 0; });
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  bool skipped = false;
  EXPECT_EQ(Final(db.get(), &skipped), want);
  EXPECT_TRUE(skipped);
}

// Keys with NULL, NaN and -0.0 are compared across parts too, whatever pruning by the new
// part's key ranges does (it leaves Nullable and float columns out: NULL lies in no range,
// NaN in no min/max).
TEST(SupersededTest, NullAndNanKeysAreComparedAcrossParts) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema schema;
  schema.columns = {Col("k", "Nullable(UInt32)"), Col("f", "Float64"), Col("ver", "UInt32"), Col("n", "Int64")};
  schema.sort_key = {"k", "f"};
  schema.engine = "ReplacingMergeTree";
  schema.engine_args = {"ver"};
  schema.index_granularity = 1;  // a granule per row: pruning granules could skip a NaN row
  ASSERT_OK(db->CreateTable("t", schema));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto insert = [&](const std::vector<std::tuple<std::optional<uint32_t>, double, uint32_t, int64_t>>& rows) {
    Block block;
    for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
    for (const auto& [k, f, ver, n] : rows) {
      EXPECT_OK(block.columns[0].AppendValue(k.has_value() ? format::Value::UInt(*k) : format::Value::Null()));
      block.columns[1].Append<double>(f);
      block.columns[2].Append<uint32_t>(ver);
      block.columns[3].Append<int64_t>(n);
    }
    return db->Insert("t", block);
  };
  ASSERT_OK(insert({{std::nullopt, 0.0, 1, 1}, {std::nullopt, nan, 1, 2}, {5, -0.0, 1, 3}, {6, 2.5, 1, 4}}));
  ASSERT_OK(insert({{std::nullopt, 0.0, 2, 10}, {std::nullopt, nan, 2, 20}, {5, 0.0, 2, 30}, {7, 1.0, 1, 7}}));
  ScanStats stats;
  ASSERT_OK_AND_ASSIGN(std::vector<Block> blocks,
                       testing_db::ScanAll(*db, "t", {.columns = {"n"}, .final = true}, &stats));
  EXPECT_TRUE(stats.final_skips_superseded);
  std::vector<int64_t> got;
  for (const Block& b : blocks) {
    for (size_t r = 0; r < b.rows(); ++r) got.push_back(b.columns[0].values<int64_t>()[r]);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int64_t>{4, 7, 10, 20, 30}));
}

// Replay unions a part's records, drops them with the part, and refuses records of a part
// that is not committed (strict) or skips their edit (salvage).
TEST(SupersededTest, ReplayUnionsRecordsAndRefusesThoseOfUnknownParts) {
  using format::ManifestEdit;
  using format::ManifestOp;
  format::ManifestContents contents;
  ManifestEdit create;
  create.ops.push_back(ManifestOp::CreateTable("t", Schema(), "t.1"));
  create.ops.push_back(ManifestOp::AddPart("t", "0_1_1_0", 100));
  create.ops.push_back(ManifestOp::Supersede("t", "0_1_1_0", {}));
  ManifestEdit second;
  second.ops.push_back(ManifestOp::AddPart("t", "0_2_2_0", 50));
  second.ops.push_back(ManifestOp::Supersede("t", "0_2_2_0", {RowRun{3, 4}}));
  second.ops.push_back(ManifestOp::Supersede("t", "0_1_1_0", {RowRun{0, 2}, RowRun{9, 10}}));
  ManifestEdit third;
  third.ops.push_back(ManifestOp::Supersede("t", "0_1_1_0", {RowRun{2, 3}}));
  contents.edits = {create, second, third};
  ASSERT_OK_AND_ASSIGN(ReplayedCatalog catalog, ReplayManifest(contents, "MANIFEST", ReplayMode::kStrict));
  const ReplayedTable& t = catalog.tables.at("t");
  EXPECT_EQ(t.superseded.at("0_1_1_0"), (RowRuns{RowRun{0, 3}, RowRun{9, 10}}));
  EXPECT_EQ(t.superseded.at("0_2_2_0"), (RowRuns{RowRun{3, 4}}));

  ManifestEdit merge;
  merge.ops.push_back(ManifestOp::AddPart("t", "0_1_2_1", 140));
  merge.ops.push_back(ManifestOp::Supersede("t", "0_1_2_1", {}));
  merge.ops.push_back(ManifestOp::RemovePart("t", "0_1_1_0"));
  merge.ops.push_back(ManifestOp::RemovePart("t", "0_2_2_0"));
  contents.edits.push_back(merge);
  ASSERT_OK_AND_ASSIGN(catalog, ReplayManifest(contents, "MANIFEST", ReplayMode::kStrict));
  EXPECT_EQ(catalog.tables.at("t").superseded.size(), 1u);
  EXPECT_TRUE(catalog.tables.at("t").superseded.at("0_1_2_1").empty());

  ManifestEdit stray;
  stray.ops.push_back(ManifestOp::Supersede("t", "0_1_1_0", {RowRun{5, 6}}));  // merged away
  contents.edits.push_back(stray);
  EXPECT_STATUS(ReplayManifest(contents, "MANIFEST", ReplayMode::kStrict), absl::StatusCode::kDataLoss,
                "supersedes rows of part 0_1_1_0 that is not committed");
  ASSERT_OK_AND_ASSIGN(catalog, ReplayManifest(contents, "MANIFEST", ReplayMode::kSalvage));
  EXPECT_EQ(catalog.skipped.size(), 1u);
  EXPECT_EQ(catalog.tables.at("t").parts, (std::vector<std::string>{"0_1_2_1"}));
}

}  // namespace
}  // namespace tally::engine
