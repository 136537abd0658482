// ALTER TABLE ... ADD INDEX, DROP INDEX and MATERIALIZE INDEX on a Database: parts written
// before an index are read without it and answer the same; MATERIALIZE gives them the
// index through new part versions; a file another definition of the name built is never
// used; version-1 files go with DROP INDEX; ReplacingMergeTree stays tracked; the schema
// survives a reopen; errors are ClickHouse's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/manifest_replay.h"
#include "engine/mem_env.h"
#include "engine/part_writer.h"
#include "format/coding.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;
using testing_db::Col;

format::TableSchema Schema() {
  format::TableSchema schema;
  schema.columns = {Col("k", "UInt32"), Col("s", "String")};
  schema.sort_key = {"k"};
  schema.index_granularity = 50;
  return schema;
}

// Rows k in [from, from + n), s = "W<k / 50>" (upper case): one value per granule.
Block Rows(uint32_t from, uint32_t n) {
  Block block;
  block.Add("k", Column::Make(*format::ParseDataType("UInt32")));
  block.Add("s", Column::Make(*format::ParseDataType("String")));
  for (uint32_t k = from; k < from + n; ++k) {
    block.columns[0].Append<uint32_t>(k);
    block.columns[1].AppendString(absl::StrCat("W", k / 50));
  }
  return block;
}

class AlterIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, Database::Open("db", {.env = &env_}));
    ASSERT_OK(db_->CreateTable("t", Schema()));
    ASSERT_OK(db_->Insert("t", Rows(0, 1000)));
    ASSERT_OK(db_->Insert("t", Rows(1000, 500)));
  }

  // Rows where s = `value`, read with a skip-index condition on `expression` (pruning
  // only) and then filtered; *left gets the granules the last skip index left.
  uint64_t Count(const std::string& expression, const std::string& value, uint64_t* left = nullptr) {
    SkipIndexCondition c;
    c.expression = expression;
    c.values = {Value::String(expression == "lower(s)" ? absl::AsciiStrToLower(value) : value)};
    ScanStats stats;
    auto blocks = testing_db::ScanAll(*db_, "t", {.columns = {"s"}, .filter_rows = false, .skip_conditions = {c}},
                                      &stats);
    EXPECT_TRUE(blocks.ok()) << blocks.status();
    uint64_t n = 0;
    for (const Block& b : *blocks) {
      for (size_t r = 0; r < b.rows(); ++r) n += b.columns[0].GetValue(r).s == value;
    }
    if (left != nullptr) *left = stats.skip_indexes.empty() ? stats.granules_selected : stats.skip_indexes.back().granules_after;
    return n;
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
};

TEST_F(AlterIndexTest, OldPartsAreReadWithoutTheIndexUntilMaterialized) {
  ASSERT_OK(db_->AddSkipIndex("t", {"low", "lower(s)", "bloom_filter(0.01)", 1, {}}, {}));
  ASSERT_OK(db_->Insert("t", Rows(1500, 500)));  // written with the index
  uint64_t left = 0;
  EXPECT_EQ(Count("lower(s)", "W7", &left), 50u);
  EXPECT_GE(left, 30u) << "the 30 granules written before the index are all read";
  EXPECT_LE(left, 31u + 1);
  ASSERT_OK_AND_ASSIGN(uint64_t rewritten, db_->MaterializeSkipIndex("t", "low"));
  EXPECT_EQ(rewritten, 2u) << "only the parts without the index";
  ASSERT_OK_AND_ASSIGN(auto parts, db_->ListParts("t"));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].name, "all_1_1_1");
  EXPECT_EQ(parts[1].name, "all_2_2_1");
  EXPECT_EQ(parts[2].name, "all_3_3_0");
  EXPECT_EQ(Count("lower(s)", "W7", &left), 50u);
  EXPECT_LE(left, 3u);
  ASSERT_OK_AND_ASSIGN(rewritten, db_->MaterializeSkipIndex("t", "low"));
  EXPECT_EQ(rewritten, 0u) << "nothing left to build";
  EXPECT_OK(db_->CheckTable("t"));
  // Reopened: the schema, the parts and their files.
  db_.reset();
  ASSERT_OK_AND_ASSIGN(db_, Database::Open("db", {.env = &env_}));
  ASSERT_OK_AND_ASSIGN(format::TableSchema schema, db_->GetSchema("t"));
  ASSERT_EQ(schema.skip_indexes.size(), 1u);
  EXPECT_EQ(schema.skip_indexes[0].expression, "lower(s)");
  EXPECT_EQ(Count("lower(s)", "W7", &left), 50u);
  EXPECT_LE(left, 3u);
  EXPECT_EQ(db_->recovery().events.size(), 0u);
}

// CLEAR INDEX: the index stays in the schema, the parts lose its file (new versions, one
// edit) and are read whole with the same answers, until MATERIALIZE builds it again.
TEST_F(AlterIndexTest, ClearIndexTakesTheFilesAndMaterializeBringsThemBack) {
  ASSERT_OK(db_->AddSkipIndex("t", {"low", "lower(s)", "bloom_filter(0.01)", 1, {}}, {}));
  ASSERT_OK(db_->MaterializeSkipIndex("t", "low").status());
  uint64_t left = 0;
  EXPECT_EQ(Count("lower(s)", "W7", &left), 50u);
  EXPECT_LE(left, 3u);
  ASSERT_OK_AND_ASSIGN(uint64_t cleared, db_->ClearSkipIndex("t", "low"));
  EXPECT_EQ(cleared, 2u);
  EXPECT_EQ(Count("lower(s)", "W7", &left), 50u);
  EXPECT_GE(left, 30u) << "no part has the index any more";
  ASSERT_OK_AND_ASSIGN(cleared, db_->ClearSkipIndex("t", "low"));
  EXPECT_EQ(cleared, 0u) << "nothing left to clear";
  ASSERT_OK_AND_ASSIGN(format::TableSchema schema, db_->GetSchema("t"));
  EXPECT_EQ(schema.skip_indexes.size(), 1u) << "the definition stays";
  ASSERT_OK_AND_ASSIGN(uint64_t built, db_->MaterializeSkipIndex("t", "low"));
  EXPECT_EQ(built, 2u);
  EXPECT_EQ(Count("lower(s)", "W7", &left), 50u);
  EXPECT_LE(left, 3u);
  EXPECT_STATUS(db_->ClearSkipIndex("t", "nope"), absl::StatusCode::kInvalidArgument, "Unknown index");
  ASSERT_OK_AND_ASSIGN(cleared, db_->ClearSkipIndex("t", "nope", "", /*if_exists=*/true));
  EXPECT_EQ(cleared, 0u);
  EXPECT_OK(db_->CheckTable("t"));
}

TEST_F(AlterIndexTest, MaterializeInOnePartitionLeavesTheOthers) {
  format::TableSchema schema = Schema();
  schema.partition_by = "intDiv(k, 1000)";
  ASSERT_OK(db_->CreateTable("p", schema));
  ASSERT_OK(db_->Insert("p", Rows(0, 3000)));
  ASSERT_OK(db_->AddSkipIndex("p", {"i", "s", "set(2)", 1, {}}, {}));
  ASSERT_OK_AND_ASSIGN(uint64_t rewritten, db_->MaterializeSkipIndex("p", "i", "1"));
  EXPECT_EQ(rewritten, 1u);
  ASSERT_OK_AND_ASSIGN(auto parts, db_->ListParts("p"));
  int new_versions = 0;
  for (const PartInfo& p : parts) new_versions += p.level == 1;
  EXPECT_EQ(new_versions, 1);
}

// The index dropped and added again under its name, on another expression: the old files
// (built from lower(s)) would skip every granule of s = 'W7' if taken for the new one.
TEST_F(AlterIndexTest, AFileAnotherDefinitionBuiltIsNeverUsed) {
  ASSERT_OK(db_->AddSkipIndex("t", {"i", "lower(s)", "bloom_filter", 1, {}}, {}));
  ASSERT_OK(db_->MaterializeSkipIndex("t", "i").status());
  ASSERT_OK(db_->DropSkipIndex("t", "i"));
  ASSERT_OK(db_->AddSkipIndex("t", {"i", "s", "bloom_filter", 1, {}}, {}));
  uint64_t left = 0;
  EXPECT_EQ(Count("s", "W7", &left), 50u);
  EXPECT_EQ(left, 30u) << "the stale files prune nothing";
  ASSERT_OK_AND_ASSIGN(uint64_t rewritten, db_->MaterializeSkipIndex("t", "i"));
  EXPECT_EQ(rewritten, 2u) << "the stale files are not the index's";
  EXPECT_EQ(Count("s", "W7", &left), 50u);
  EXPECT_LE(left, 3u);
}

TEST_F(AlterIndexTest, PlacementAndErrorsAreClickHouses) {
  ASSERT_OK(db_->AddSkipIndex("t", {"a", "k", "minmax", 1, {}}, {}));
  ASSERT_OK(db_->AddSkipIndex("t", {"b", "s", "set(3)", 1, {}}, {.first = true}));
  ASSERT_OK(db_->AddSkipIndex("t", {"c", "lower(s)", "bloom_filter", 2, {}}, {.after = "b"}));
  ASSERT_OK_AND_ASSIGN(format::TableSchema schema, db_->GetSchema("t"));
  ASSERT_EQ(schema.skip_indexes.size(), 3u);
  EXPECT_EQ(schema.skip_indexes[0].name, "b");
  EXPECT_EQ(schema.skip_indexes[1].name, "c");
  EXPECT_EQ(schema.skip_indexes[2].name, "a");
  EXPECT_STATUS(db_->AddSkipIndex("t", {"a", "s", "minmax", 1, {}}, {}), absl::StatusCode::kInvalidArgument,
                "Cannot add index a: index with this name already exists");
  EXPECT_OK(db_->AddSkipIndex("t", {"a", "s", "minmax", 1, {}}, {}, /*if_not_exists=*/true));
  EXPECT_STATUS(db_->AddSkipIndex("t", {"d", "s", "minmax", 1, {}}, {.after = "zz"}),
                absl::StatusCode::kInvalidArgument, "Wrong index name. Cannot find index `zz` to insert after");
  EXPECT_STATUS(db_->AddSkipIndex("t", {"d", "s", "foo", 1, {}}, {}), absl::StatusCode::kInvalidArgument,
                "Unknown Index type 'foo'");
  EXPECT_STATUS(db_->AddSkipIndex("t", {"d", "nope", "minmax", 1, {}}, {}), absl::StatusCode::kInvalidArgument,
                "nope");
  EXPECT_STATUS(db_->DropSkipIndex("t", "zz"), absl::StatusCode::kInvalidArgument,
                "Wrong index name. Cannot find index `zz` to drop");
  EXPECT_OK(db_->DropSkipIndex("t", "zz", /*if_exists=*/true));
  EXPECT_STATUS(db_->MaterializeSkipIndex("t", "zz"), absl::StatusCode::kInvalidArgument, "Unknown index `zz`");
  EXPECT_OK(db_->MaterializeSkipIndex("t", "zz", "", /*if_exists=*/true));
  EXPECT_STATUS(db_->AddSkipIndex("nope", {"d", "s", "minmax", 1, {}}, {}), absl::StatusCode::kNotFound, "nope");
  // Nothing the errors tried is left behind.
  ASSERT_OK_AND_ASSIGN(schema, db_->GetSchema("t"));
  EXPECT_EQ(schema.skip_indexes.size(), 3u);
}

// A version-1 file (written before files named what they index) goes with DROP INDEX, by
// a new version of its part in the same edit; while one is there, ADD INDEX of the name
// is refused, since the file could be taken for the new index.
TEST_F(AlterIndexTest, VersionOneFilesGoWithDropIndex) {
  format::TableSchema schema = Schema();
  schema.skip_indexes = {{"old", "s", "bloom_filter", 1, {}}};
  ASSERT_OK(db_->CreateTable("v1", schema));
  ASSERT_OK(db_->Insert("v1", Rows(0, 300)));
  ASSERT_OK_AND_ASSIGN(auto parts, db_->ListParts("v1"));
  const std::string part = parts[0].name;
  db_.reset();
  // Rewrite the part's file as a version-1 (kind 1) file of the same filters.
  std::string table_dir;
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> tables, env_.ListDir("db/tables"));
  for (const std::string& d : tables) {
    if (absl::StartsWith(d, "v1.")) table_dir = JoinPath("db/tables", d);
  }
  const std::string dir = JoinPath(table_dir, part);
  ASSERT_OK_AND_ASSIGN(std::string bytes, env_.ReadFileToString(JoinPath(dir, "skp_idx_old.idx")));
  ASSERT_OK_AND_ASSIGN(format::SkipIndexFile file, format::DecodeSkipIndex(format::AsBytes(bytes), "old"));
  file.kind = format::SkipIndexFile::Kind::kLegacyBloomFilter;
  const std::string legacy = format::EncodeSkipIndex(file);
  ASSERT_OK(WriteFileSynced(&env_, JoinPath(dir, "skp_idx_old.idx"), legacy));
  ASSERT_OK_AND_ASSIGN(std::string meta_bytes, env_.ReadFileToString(JoinPath(dir, "part.meta")));
  ASSERT_OK_AND_ASSIGN(format::PartMeta meta, format::DecodePartMeta(format::AsBytes(meta_bytes), "part.meta"));
  for (format::FileChecksum& f : meta.files) {
    if (f.name == "skp_idx_old.idx") f = {f.name, legacy.size(), format::Checksum(legacy)};
  }
  ASSERT_OK(WriteFileSynced(&env_, JoinPath(dir, "part.meta"), format::EncodePartMeta(meta)));
  ASSERT_OK_AND_ASSIGN(db_, Database::Open("db", {.env = &env_}));
  ASSERT_OK(db_->CheckTable("v1"));
  // The version-1 file prunes for its own index.
  ScanStats stats;
  ASSERT_OK(testing_db::ScanAll(*db_, "v1", {.columns = {"s"}, .ranges = {ColumnRange::Equal("s", Value::String("W3"))}},
                                &stats)
                .status());
  ASSERT_EQ(stats.skip_indexes.size(), 1u);
  EXPECT_LE(stats.skip_indexes[0].granules_after, 2u);
  ASSERT_OK(db_->DropSkipIndex("v1", "old"));
  ASSERT_OK_AND_ASSIGN(parts, db_->ListParts("v1"));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, "all_1_1_1") << "a new version without the file";
  EXPECT_OK(db_->AddSkipIndex("v1", {"old", "lower(s)", "bloom_filter", 1, {}}, {}));
  EXPECT_OK(db_->CheckTable("v1"));
  ASSERT_OK_AND_ASSIGN(auto blocks, testing_db::ScanAll(*db_, "v1", {.columns = {"s"}}));
  EXPECT_EQ(testing_db::Rows(blocks).size(), 300u);
}

TEST_F(AlterIndexTest, ReplacingTablesStayTrackedThroughMaterialize) {
  format::TableSchema schema = Schema();
  schema.columns.push_back(Col("ver", "UInt32"));
  schema.engine = "ReplacingMergeTree";
  schema.engine_args = {"ver"};
  ASSERT_OK(db_->CreateTable("r", schema));
  for (uint32_t ver = 1; ver <= 3; ++ver) {
    Block b = Rows(ver * 100, 400);
    b.Add("ver", Column::Make(*format::ParseDataType("UInt32")));
    for (size_t i = 0; i < b.rows(); ++i) b.columns[2].Append<uint32_t>(ver);
    ASSERT_OK(db_->Insert("r", b));
  }
  auto final_rows = [&] {
    ScanStats stats;
    auto blocks = testing_db::ScanAll(*db_, "r", {.columns = {"k", "s", "ver"}, .final = true}, &stats);
    EXPECT_TRUE(blocks.ok()) << blocks.status();
    EXPECT_TRUE(stats.final_skips_superseded);
    return testing_db::Rows(*blocks);
  };
  const auto before = final_rows();
  EXPECT_EQ(before.size(), 600u);
  ASSERT_OK(db_->AddSkipIndex("r", {"i", "s", "bloom_filter", 1, {}}, {}));
  ASSERT_OK_AND_ASSIGN(uint64_t rewritten, db_->MaterializeSkipIndex("r", "i"));
  EXPECT_EQ(rewritten, 3u);
  EXPECT_EQ(final_rows(), before);
  db_.reset();
  ASSERT_OK_AND_ASSIGN(db_, Database::Open("db", {.env = &env_}));
  EXPECT_EQ(final_rows(), before);
}

// Background merges run beside ALTERs: no row is lost or doubled, and the table checks.
TEST(AlterIndexConcurrencyTest, MaterializeBesideBackgroundMerges) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
  ASSERT_OK(db->CreateTable("t", Schema()));
  for (uint32_t i = 0; i < 12; ++i) ASSERT_OK(db->Insert("t", Rows(i * 200, 200)));
  ASSERT_OK(db->AddSkipIndex("t", {"i", "s", "bloom_filter", 1, {}}, {}));
  for (uint32_t i = 12; i < 20; ++i) {
    ASSERT_OK(db->Insert("t", Rows(i * 200, 200)));
    auto m = db->MaterializeSkipIndex("t", "i");
    EXPECT_TRUE(m.ok() || absl::IsAborted(m.status())) << m.status();
  }
  ASSERT_OK(db->Optimize("t", {.final = true}).status());
  ASSERT_OK(db->MaterializeSkipIndex("t", "i").status());
  ASSERT_OK_AND_ASSIGN(auto blocks, testing_db::ScanAll(*db, "t", {.columns = {"k"}}));
  EXPECT_EQ(testing_db::Rows(blocks).size(), 4000u);
  EXPECT_OK(db->CheckTable("t"));
  EXPECT_OK(db->background_merge_status());
}

TEST(AlterTableReplayTest, AnAlterMayNotChangeColumnsOrKeys) {
  format::ManifestContents contents;
  format::ManifestEdit create;
  create.ops.push_back(format::ManifestOp::CreateTable("t", Schema(), "t.1"));
  contents.edits.push_back(create);
  format::TableSchema indexed = Schema();
  indexed.skip_indexes = {{"i", "s", "minmax", 1, {}}};
  contents.edits.push_back({{format::ManifestOp::AlterTable("t", indexed)}});
  ASSERT_OK_AND_ASSIGN(ReplayedCatalog catalog, ReplayManifest(contents, "MANIFEST", ReplayMode::kStrict));
  EXPECT_EQ(catalog.tables["t"].schema.skip_indexes, indexed.skip_indexes);
  format::TableSchema other = indexed;
  other.columns[1] = Col("s", "UInt64");
  contents.edits.push_back({{format::ManifestOp::AlterTable("t", other)}});
  EXPECT_STATUS(ReplayManifest(contents, "MANIFEST", ReplayMode::kStrict), absl::StatusCode::kDataLoss,
                "an ALTER changes column 's'");
  contents.edits.back().ops[0].table = "nope";
  EXPECT_STATUS(ReplayManifest(contents, "MANIFEST", ReplayMode::kStrict), absl::StatusCode::kDataLoss,
                "names table 'nope' that does not exist");
}

}  // namespace
}  // namespace tally::engine
