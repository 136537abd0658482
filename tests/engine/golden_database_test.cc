// A data directory written by a version-1 build (manifest version 1), kept under
// tests/data/golden_v1/database/: it must open and read in every later build. A read-only
// open writes nothing; a read-write open keeps appending version-1 records, and the
// manifest becomes version 2 only when it is rewritten anyway (a snapshot), or when an
// edit needs what version 1 cannot hold (then every record is kept).
//
// The directory was made by tally at 7042e41 (manifest version 1), once, with
//   tally local --data DIR -q "CREATE DATABASE metering; CREATE TABLE metering.usage (time
//   DateTime, tenant LowCardinality(String), meter String CODEC(ZSTD(3)), value Float64
//   CODEC(Gorilla, ZSTD(1)), day Date DEFAULT toDate(time), tags Array(String)) ENGINE =
//   MergeTree PARTITION BY toYYYYMM(time) ORDER BY (tenant, time) SETTINGS
//   index_granularity = 4; CREATE TABLE logs (...) ORDER BY ts; CREATE TABLE scratch ...;
//   two INSERTs into metering.usage; OPTIMIZE TABLE metering.usage FINAL; an INSERT into
//   logs and scratch; DROP TABLE scratch"
// It cannot be regenerated: builds since write version 2.
#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "format/manifest_format.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using testing_db::FileMap;

std::string GoldenDatabase() { return std::string(TALLY_TEST_DATA_DIR) + "/golden_v1/database"; }

uint16_t ManifestVersion(Env* env, const std::string& dir) {
  auto bytes = env->ReadFileToString(JoinPath(dir, kManifestFile));
  EXPECT_OK(bytes);
  if (!bytes.ok() || bytes->size() < 6) return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>((*bytes)[4]) | static_cast<uint8_t>((*bytes)[5]) << 8);
}

size_t ManifestRecords(Env* env, const std::string& dir) {
  auto bytes = env->ReadFileToString(JoinPath(dir, kManifestFile));
  EXPECT_OK(bytes);
  if (!bytes.ok()) return 0;
  auto contents = format::DecodeManifest(format::AsBytes(*bytes), "MANIFEST");
  EXPECT_OK(contents);
  return contents.ok() ? contents->edits.size() : 0;
}

// What the golden directory holds, read through `db`.
void ExpectGoldenRows(const Database& db) {
  EXPECT_EQ(db.ListDatabases(), (std::vector<std::string>{"default", "metering"}));
  const std::vector<std::string> tables = db.ListTables();
  for (const char* t : {"logs", "metering.usage"}) {
    EXPECT_NE(std::find(tables.begin(), tables.end(), t), tables.end()) << t;
  }
  EXPECT_EQ(std::find(tables.begin(), tables.end(), "scratch"), tables.end());  // dropped
  ASSERT_OK_AND_ASSIGN(format::TableSchema schema, db.GetSchema("metering.usage"));
  ASSERT_EQ(schema.columns.size(), 6u);
  EXPECT_EQ(schema.columns[2].name, "meter");
  EXPECT_EQ(format::CodecChainToString(schema.columns[3].codecs), "Gorilla, ZSTD(1)");
  EXPECT_EQ(schema.columns[4].default_expr, "toDate(time)");
  EXPECT_EQ(schema.sort_key, (std::vector<std::string>{"tenant", "time"}));
  EXPECT_EQ(schema.partition_by, "toYYYYMM(time)");
  EXPECT_EQ(schema.index_granularity, 4u);
  ASSERT_OK_AND_ASSIGN(auto parts, db.ListParts("metering.usage"));
  EXPECT_EQ(parts.size(), 2u);  // 202610_1_3_1 (merged) and 202611_2_2_0
  ASSERT_OK_AND_ASSIGN(auto usage, testing_db::ScanAll(db, "metering.usage"));
  std::multiset<std::string> rows = testing_db::Rows(usage);
  EXPECT_EQ(rows.size(), 5u);
  ASSERT_OK_AND_ASSIGN(auto logs, testing_db::ScanAll(db, "logs"));
  EXPECT_EQ(testing_db::Rows(logs).size(), 2u);
  ASSERT_OK(db.CheckTable("metering.usage"));
  ASSERT_OK(db.CheckTable("logs"));
}

// The golden directory copied into a MemEnv, so that a read-write open may change it.
void CopyGolden(MemEnv* env, const std::string& dir) {
  ASSERT_OK_AND_ASSIGN(FileMap files, testing_db::SnapshotFiles(Env::Default(), GoldenDatabase()));
  ASSERT_OK(testing_db::RestoreFiles(env, dir, files));
}

TEST(GoldenDatabaseTest, VersionOneOpensReadOnlyAndNothingIsWritten) {
  ASSERT_OK_AND_ASSIGN(FileMap before, testing_db::SnapshotFiles(Env::Default(), GoldenDatabase()));
  ASSERT_EQ(ManifestVersion(Env::Default(), GoldenDatabase()), 1);
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(GoldenDatabase(), {.read_only = true}));
    ExpectGoldenRows(*db);
    EXPECT_FALSE(db->recovery().wrote);
  }
  ASSERT_OK_AND_ASSIGN(FileMap after, testing_db::SnapshotFiles(Env::Default(), GoldenDatabase()));
  EXPECT_TRUE(before == after) << "a read-only open changed the golden directory";
}

TEST(GoldenDatabaseTest, AppendsKeepVersionOneUntilTheManifestIsRewritten) {
  MemEnv env;
  CopyGolden(&env, "db");
  const size_t golden_records = ManifestRecords(&env, "db");
  ASSERT_GT(golden_records, 5u);
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    EXPECT_FALSE(db->recovery().wrote);
    ExpectGoldenRows(*db);
    EXPECT_EQ(ManifestVersion(&env, "db"), 1);
    // Edits version 1 can hold are appended in version 1.
    Block b;
    b.Add("level", format::Column::Make(*format::ParseDataType("LowCardinality(String)")));
    ASSERT_OK(b.columns[0].AppendValue(format::Value::String("error")));
    ASSERT_OK(db->Insert("logs", b));
    format::TableSchema plain;
    plain.columns.push_back(format::ColumnDef{"x", *format::ParseDataType("UInt8"), {}, ""});
    ASSERT_OK(db->CreateTable("plain", plain));
    ASSERT_OK(db->Optimize("logs").status());
    EXPECT_EQ(ManifestVersion(&env, "db"), 1);
    EXPECT_EQ(ManifestRecords(&env, "db"), golden_records + 3);
  }
  // An older build could still open it: every record is version 1.
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .read_only = true}));
    ASSERT_OK_AND_ASSIGN(auto logs, testing_db::ScanAll(*db, "logs"));
    EXPECT_EQ(testing_db::Rows(logs).size(), 3u);
  }
  // A manifest past its rewrite size is rewritten as a snapshot: version 2.
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .manifest_rewrite_bytes = 1}));
    ASSERT_OK(db->DropTable("plain"));
    EXPECT_EQ(ManifestVersion(&env, "db"), 2);
    EXPECT_EQ(ManifestRecords(&env, "db"), 1u);
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(db->ListTables(), (std::vector<std::string>{"logs", "metering.usage"}));
  ASSERT_OK_AND_ASSIGN(auto usage, testing_db::ScanAll(*db, "metering.usage"));
  EXPECT_EQ(testing_db::Rows(usage).size(), 5u);
}

TEST(GoldenDatabaseTest, AnEditVersionOneCannotHoldRewritesEveryRecordInVersionTwo) {
  MemEnv env;
  CopyGolden(&env, "db");
  const size_t golden_records = ManifestRecords(&env, "db");
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    format::TableSchema noted;
    noted.columns.push_back(format::ColumnDef{"x", *format::ParseDataType("UInt8"), {}, ""});
    noted.columns[0].comment = "a column comment";
    noted.comment = "a table comment";
    ASSERT_OK(db->CreateTable("noted", noted));
    EXPECT_EQ(ManifestVersion(&env, "db"), 2);
    // History kept (not a snapshot): the records that account for garbage stay.
    EXPECT_EQ(ManifestRecords(&env, "db"), golden_records + 1);
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_FALSE(db->recovery().wrote);
  ExpectGoldenRows(*db);
  ASSERT_OK_AND_ASSIGN(format::TableSchema noted, db->GetSchema("noted"));
  EXPECT_EQ(noted.comment, "a table comment");
  EXPECT_EQ(noted.columns[0].comment, "a column comment");
}

// What the format stores but this build does not act on is refused, at CREATE and when a
// newer tally's manifest holds it, rather than served without it.
TEST(GoldenDatabaseTest, FieldsThisBuildDoesNotImplementAreRefused) {
  format::TableSchema ttl;
  ttl.columns.push_back(format::ColumnDef{"t", *format::ParseDataType("DateTime"), {}, ""});
  ttl.columns[0].ttl = "t + INTERVAL 1 DAY";  // a column TTL
  MemEnv env;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    EXPECT_STATUS(db->CreateTable("t", ttl), absl::StatusCode::kUnimplemented, "TTL is not supported yet");
    format::TableSchema summing = ttl;
    summing.columns[0].ttl.clear();
    summing.engine = "CollapsingMergeTree";
    EXPECT_STATUS(db->CreateTable("s", summing), absl::StatusCode::kUnimplemented,
                  "engine CollapsingMergeTree is not supported yet");
  }
  // A manifest a newer tally wrote with such a table.
  format::ManifestEdit edit;
  edit.ops.push_back(format::ManifestOp::CreateTable("t", ttl, "t.1"));
  std::string bytes = format::ManifestHeader();
  ASSERT_OK(format::EncodeManifestRecord(&bytes, edit));
  ASSERT_OK(WriteFileSynced(&env, "db/MANIFEST", bytes));
  for (bool read_only : {true, false}) {
    EXPECT_STATUS(Database::Open("db", {.env = &env, .read_only = read_only}), absl::StatusCode::kUnimplemented,
                  "table 't': column 't': TTL is not supported yet in this build");
  }
  ASSERT_OK_AND_ASSIGN(std::string after, env.ReadFileToString("db/MANIFEST"));
  EXPECT_EQ(after, bytes);
}

}  // namespace
}  // namespace tally::engine
