// Startup recovery: what Database::Open does with what a crash, a bug or a bad disk left
// behind. Temporary directories of unfinished writes are removed and reported; a committed
// part whose rename a crash interrupted is renamed; a torn last manifest record (cut short
// by a crash) is dropped while every earlier insert stays. Whatever the open cannot
// account for (a damaged manifest record anywhere, a part no edit names, a committed part
// gone from disk, a missing manifest beside table directories) refuses to open and
// changes nothing; a repair open then sets it aside in detached/ with a reason, never
// deleting it, and ATTACH PART / DROP DETACHED PART let the user decide. A newer format
// version is Unimplemented, never mistaken for corruption.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "format/coding.h"
#include "format/part_format.h"
#include "tests/engine/db_files.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using testing_db::FileMap;
using testing_db::Rows;
using testing_db::ScanAll;

constexpr char kDb[] = "db";
constexpr char kTable[] = "events";
constexpr uint32_t kOctober = 1790812800;  // 2026-10-01 00:00:00 UTC
constexpr uint32_t kNovember = kOctober + 31 * 86400;

format::TableSchema Schema() {
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.index_granularity = 256;
  return schema;
}

// Where each record of a manifest starts, and its payload size.
struct Record {
  size_t offset;
  size_t size;
};
std::vector<Record> Records(const std::string& manifest) {
  std::vector<Record> out;
  size_t pos = format::kManifestHeaderBytes;
  while (pos + format::kManifestRecordOverhead <= manifest.size()) {
    size_t size = format::LoadFixed32(reinterpret_cast<const uint8_t*>(manifest.data()) + pos);
    out.push_back(Record{pos, size});
    pos += format::kManifestRecordOverhead + size;
  }
  return out;
}

std::vector<std::string> Matching(const std::vector<std::string>& events, absl::string_view needle) {
  std::vector<std::string> out;
  for (const std::string& e : events) {
    if (absl::StrContains(e, needle)) out.push_back(e);
  }
  return out;
}

// A database holding "events" with two inserts, October then November: two parts, and
// the manifest records [snapshot, create table, insert October, insert November].
class RecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
      ASSERT_OK(db->CreateTable(kTable, Schema()));
      ASSERT_OK(db->Insert(kTable, october_));
      ASSERT_OK(db->Insert(kTable, november_));
      ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts(kTable));
      ASSERT_EQ(parts.size(), 2u);
      october_part_ = parts[0].name;
      november_part_ = parts[1].name;
      ASSERT_EQ(parts[1].partition_id, "202611");
    }
    ASSERT_OK_AND_ASSIGN(table_dir_, testing_db::OnlyTableDir(&env_, kDb));
    ASSERT_OK_AND_ASSIGN(files_, testing_db::SnapshotFiles(&env_, kDb));
    ASSERT_EQ(Records(files_.at(kManifestFile)).size(), 4u);
  }

  // A fresh copy of the database as SetUp left it.
  std::unique_ptr<MemEnv> Copy() {
    auto env = std::make_unique<MemEnv>();
    EXPECT_OK(testing_db::RestoreFiles(env.get(), kDb, files_));
    return env;
  }

  // Opens `env`'s database and checks the table holds exactly `want`'s rows and passes
  // CheckTable.
  void ExpectRows(Env* env, const std::vector<Block>& want) {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = env}));
    ExpectRows(*db, want);
  }
  void ExpectRows(const Database& db, const std::vector<Block>& want) {
    ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(db, kTable));
    EXPECT_TRUE(Rows(blocks) == Rows(want)) << blocks.size() << " blocks";
    EXPECT_OK(db.CheckTable(kTable));
  }

  // Writes a complete part of `rows` October rows with block number `block` into the
  // table directory, as an insert does before its manifest commit.
  std::string WriteStrayPart(Env* env, uint64_t block, size_t rows) {
    PartIdentity id{"202610", {format::Value::UInt(202610)}, block, block, 0};
    auto meta = WritePart(env, table_dir_, Schema(), id, testing_data::MeteringBlock(rows, 40 + block));
    EXPECT_OK(meta);
    return meta.ok() ? meta->name : "";
  }

  MemEnv env_;
  const Block october_ = testing_data::MeteringBlock(2000, 31, kOctober, 30 * 86400);
  const Block november_ = testing_data::MeteringBlock(500, 32, kNovember, 20 * 86400);
  std::string october_part_, november_part_;
  std::string table_dir_;
  FileMap files_;
};

TEST_F(RecoveryTest, CleanReopenReportsNothing) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
  EXPECT_TRUE(db->recovery().events.empty());
  EXPECT_FALSE(db->recovery().manifest_torn_tail);
  ExpectRows(*db, {october_, november_});
}

TEST_F(RecoveryTest, LeftoverTemporaryPartsAreRemovedAndReported) {
  // One written whole but never committed, one cut short mid-write.
  const std::string whole = WriteStrayPart(&env_, 7, 300);
  const std::string tmp_whole = TmpPartDir(table_dir_, whole);
  ASSERT_OK(env_.Rename(JoinPath(table_dir_, whole), tmp_whole));
  const std::string tmp_torn = TmpPartDir(table_dir_, "202611_8_8_0");
  ASSERT_OK(env_.CreateDirs(tmp_torn));
  ASSERT_OK(WriteFileSynced(&env_, JoinPath(tmp_torn, "time.bin"), "TLYB\x01"));
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
    const RecoveryReport& r = db->recovery();
    EXPECT_EQ(r.temporary_removed, 2u);
    EXPECT_EQ(r.obsolete_removed + r.detached + r.missing + r.published, 0u);
    EXPECT_EQ(Matching(r.events, "removed temporary part tmp_insert_202610_7_7_0").size(), 1u);
    EXPECT_EQ(Matching(r.events, "removed temporary part tmp_insert_202611_8_8_0").size(), 1u);
    EXPECT_EQ(r.events.size(), 2u);
    EXPECT_FALSE(env_.FileExists(tmp_whole));
    EXPECT_FALSE(env_.FileExists(tmp_torn));
    ExpectRows(*db, {october_, november_});
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
  EXPECT_TRUE(db->recovery().events.empty());
}

TEST_F(RecoveryTest, CommittedPartStillInItsTemporaryDirectoryIsRenamed) {
  // A crash after the commit's sync, before the part's rename into place.
  const std::string final_dir = JoinPath(table_dir_, november_part_);
  ASSERT_OK(env_.Rename(final_dir, TmpPartDir(table_dir_, november_part_)));
  ASSERT_OK_AND_ASSIGN(FileMap before, testing_db::SnapshotFiles(&env_, kDb));
  {
    // A read-only open reads it where it is, and changes nothing.
    ASSERT_OK_AND_ASSIGN(auto ro, Database::Open(kDb, {.env = &env_, .read_only = true}));
    ExpectRows(*ro, {october_, november_});
    ASSERT_OK_AND_ASSIGN(FileMap after, testing_db::SnapshotFiles(&env_, kDb));
    EXPECT_TRUE(after == before);
  }
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
    EXPECT_EQ(db->recovery().published, 1u);
    EXPECT_EQ(Matching(db->recovery().events, "interrupted its rename").size(), 1u);
    EXPECT_TRUE(env_.FileExists(final_dir));
    ExpectRows(*db, {october_, november_});
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
  EXPECT_TRUE(db->recovery().events.empty());
}

TEST_F(RecoveryTest, PartNoEditNamesRefusesOpenAndRepairSetsItAside) {
  const std::string stray = WriteStrayPart(&env_, 9, 300);
  ASSERT_TRUE(env_.FileExists(JoinPath(table_dir_, stray)));
  ASSERT_OK_AND_ASSIGN(FileMap before, testing_db::SnapshotFiles(&env_, kDb));
  EXPECT_STATUS(Database::Open(kDb, {.env = &env_}), absl::StatusCode::kDataLoss,
                absl::StrCat("part directory ", stray, " is named by no committed edit"));
  EXPECT_STATUS(Database::Open(kDb, {.env = &env_, .read_only = true}), absl::StatusCode::kDataLoss, stray);
  ASSERT_OK_AND_ASSIGN(FileMap after, testing_db::SnapshotFiles(&env_, kDb));
  EXPECT_TRUE(after == before) << "a refused open changed files";
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_, .repair = true}));
    const RecoveryReport& r = db->recovery();
    EXPECT_EQ(r.detached, 1u);
    EXPECT_EQ(Matching(r.events, absl::StrCat("set aside part ", stray)).size(), 1u);
    EXPECT_FALSE(env_.FileExists(JoinPath(table_dir_, stray)));
    ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(*db, kTable));
    EXPECT_TRUE(Rows(blocks) == Rows({october_, november_}));  // nothing double-counted
    // Visible until the user decides: listed, and CHECK TABLE fails.
    ASSERT_OK_AND_ASSIGN(auto detached, db->ListDetached(kTable));
    ASSERT_EQ(detached.size(), 1u);
    EXPECT_EQ(detached[0].name, absl::StrCat("unreferenced_", stray));
    EXPECT_EQ(detached[0].kind, "unreferenced");
    EXPECT_TRUE(detached[0].has_data);
    EXPECT_EQ(detached[0].partition_id, "202610");
    EXPECT_GT(detached[0].time_s, 0);
    EXPECT_STATUS(db->CheckTable(kTable), absl::StatusCode::kDataLoss, "set aside in detached/");
  }
  // Still visible on every later open.
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
  EXPECT_TRUE(db->recovery().events.empty());
  EXPECT_STATUS(db->CheckTable(kTable), absl::StatusCode::kDataLoss, absl::StrCat("unreferenced_", stray));
  // The user decides it belongs: attached under a new block number, its rows are back.
  ASSERT_OK(db->AttachPart(kTable, absl::StrCat("unreferenced_", stray)));
  ASSERT_OK_AND_ASSIGN(auto detached, db->ListDetached(kTable));
  EXPECT_TRUE(detached.empty());
  ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(*db, kTable));
  EXPECT_EQ(Rows(blocks).size(), october_.rows() + november_.rows() + 300);
  EXPECT_OK(db->CheckTable(kTable));
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts(kTable));
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].min_block, 3u);  // after the two inserts, not its old block 9
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open(kDb, {.env = &env_}));
  EXPECT_TRUE(db->recovery().events.empty());
  EXPECT_OK(db->CheckTable(kTable));
}

TEST_F(RecoveryTest, CommittedPartMissingFromDiskRefusesOpenAndRepairRecordsIt) {
  ASSERT_OK(env_.RemoveAll(JoinPath(table_dir_, october_part_)));
  EXPECT_STATUS(Database::Open(kDb, {.env = &env_}), absl::StatusCode::kDataLoss,
                absl::StrCat("committed part ", october_part_, " is missing from disk"));
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_, .repair = true}));
  const RecoveryReport& r = db->recovery();
  EXPECT_EQ(r.missing, 1u);
  EXPECT_EQ(r.detached + r.temporary_removed + r.obsolete_removed, 0u);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_TRUE(absl::StrContains(r.events[0], "DATA LOSS")) << r.events[0];
  EXPECT_TRUE(absl::StrContains(r.events[0], october_part_)) << r.events[0];
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts(kTable));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].name, november_part_);
  ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(*db, kTable));
  EXPECT_TRUE(Rows(blocks) == Rows({november_}));
  // The loss stays on record until the user acknowledges it.
  ASSERT_OK_AND_ASSIGN(auto detached, db->ListDetached(kTable));
  ASSERT_EQ(detached.size(), 1u);
  EXPECT_EQ(detached[0].kind, "missing");
  EXPECT_FALSE(detached[0].has_data);
  EXPECT_STATUS(db->CheckTable(kTable), absl::StatusCode::kDataLoss, october_part_);
  EXPECT_STATUS(db->AttachPart(kTable, detached[0].name), absl::StatusCode::kNotFound, "no such part");
  ASSERT_OK(db->DropDetachedPart(kTable, detached[0].name));
  EXPECT_OK(db->CheckTable(kTable));
  // Still writable, and new parts never reuse the lost part's block numbers.
  ASSERT_OK(db->Insert(kTable, october_));
  ASSERT_OK_AND_ASSIGN(parts, db->ListParts(kTable));
  for (const PartInfo& p : parts) EXPECT_NE(p.name, october_part_);
  ExpectRows(*db, {november_, october_});
}

TEST_F(RecoveryTest, TornManifestTailKeepsEveryEarlierInsert) {
  const std::string manifest = files_.at(kManifestFile);
  const Record last = Records(manifest).back();
  ASSERT_EQ(last.offset + format::kManifestRecordOverhead + last.size, manifest.size());
  // Cut inside the payload, inside the XXH3, inside the size, and just past the record
  // before it.
  for (size_t keep : {manifest.size() - 1, manifest.size() - 3, last.offset + 12 + last.size / 2, last.offset + 11,
                      last.offset + 6, last.offset + 2, last.offset + 1}) {
    SCOPED_TRACE(absl::StrCat("MANIFEST cut to ", keep, " of ", manifest.size(), " bytes"));
    auto env = Copy();
    ASSERT_OK(WriteFileSynced(env.get(), JoinPath(kDb, kManifestFile), manifest.substr(0, keep)));
    // As a crash before the November commit's sync leaves it: its part unpublished.
    ASSERT_OK(env->Rename(JoinPath(table_dir_, november_part_), TmpPartDir(table_dir_, november_part_)));
    {
      ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = env.get()}));
      const RecoveryReport& r = db->recovery();
      EXPECT_TRUE(r.manifest_torn_tail);
      EXPECT_EQ(Matching(r.events, "torn last record").size(), 1u);
      // The November insert was never acknowledged: its part goes, reported.
      EXPECT_EQ(r.temporary_removed, 1u);
      EXPECT_EQ(Matching(r.events, november_part_).size(), 1u);
      EXPECT_EQ(r.detached + r.missing, 0u);
      ExpectRows(*db, {october_});
    }
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = env.get()}));
    EXPECT_TRUE(db->recovery().events.empty()) << "the rewritten manifest is whole";
    EXPECT_FALSE(db->recovery().manifest_torn_tail);
    ExpectRows(*db, {october_});
  }
}

TEST_F(RecoveryTest, TruncatedManifestOfAPublishedPartRefusesAndRepairKeepsIt) {
  // The same cut, but the November part was published: its commit had been synced, so the
  // manifest lost an acknowledged record. Refuse; repair sets the part aside.
  const std::string manifest = files_.at(kManifestFile);
  const Record last = Records(manifest).back();
  auto env = Copy();
  ASSERT_OK(WriteFileSynced(env.get(), JoinPath(kDb, kManifestFile), manifest.substr(0, last.offset + 20)));
  EXPECT_STATUS(Database::Open(kDb, {.env = env.get()}), absl::StatusCode::kDataLoss, november_part_);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = env.get(), .repair = true}));
  EXPECT_EQ(db->recovery().detached, 1u);
  ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(*db, kTable));
  EXPECT_TRUE(Rows(blocks) == Rows({october_}));
  ASSERT_OK(db->AttachPart(kTable, absl::StrCat("unreferenced_", november_part_)));
  ExpectRows(*db, {october_, november_});
}

TEST_F(RecoveryTest, GarbageAfterManifestIsATornTail) {
  const std::string manifest = files_.at(kManifestFile);
  std::string huge_record(format::kManifestRecordOverhead + 4, '\x11');  // size 0x11111111
  for (const std::string& garbage : {std::string(1, '\0'), std::string(5, '\xff'), std::string(11, '\xab'),
                                     huge_record}) {
    SCOPED_TRACE(absl::StrCat(garbage.size(), " bytes of garbage"));
    auto env = Copy();
    ASSERT_OK(WriteFileSynced(env.get(), JoinPath(kDb, kManifestFile), manifest + garbage));
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = env.get()}));
    EXPECT_TRUE(db->recovery().manifest_torn_tail);
    ASSERT_EQ(db->recovery().events.size(), 1u);
    EXPECT_TRUE(absl::StrContains(db->recovery().events[0], absl::StrCat(garbage.size(), " bytes")))
        << db->recovery().events[0];
    ExpectRows(*db, {october_, november_});
  }
}

TEST_F(RecoveryTest, DamagedManifestRecordFailsOpen) {
  const std::string manifest = files_.at(kManifestFile);
  const std::vector<Record> records = Records(manifest);
  // Damage is corruption, not a torn write, whichever field of whichever record it hits,
  // the last one included: a whole record reached the file, and may have been
  // acknowledged (a flipped byte in it once dropped an insert silently).
  for (size_t r = 0; r < records.size(); ++r) {
    const size_t at = records[r].offset;
    const size_t payload = at + format::kManifestRecordOverhead;
    std::vector<std::pair<size_t, uint8_t>> flips = {{at, 0x01},      {at + 1, 0xff},  {at + 3, 0x80},
                                                     {at + 4, 0x01},  {at + 11, 0xff}, {payload, 0x01},
                                                     {payload + records[r].size / 2, 0x10}};
    if (records[r].size > 0) flips.push_back({payload + records[r].size - 1, 0xff});
    for (auto [pos, mask] : flips) {
      SCOPED_TRACE(absl::StrCat("record ", r, " at ", at, ": byte ", pos, " xor ", mask));
      auto env = Copy();
      std::string damaged = manifest;
      damaged[pos] = static_cast<char>(damaged[pos] ^ mask);
      ASSERT_OK(WriteFileSynced(env.get(), JoinPath(kDb, kManifestFile), damaged));
      EXPECT_STATUS(Database::Open(kDb, {.env = env.get()}), absl::StatusCode::kDataLoss, "MANIFEST: offset ");
      // Nothing was removed or rewritten on the way to refusing.
      ASSERT_OK_AND_ASSIGN(FileMap after, testing_db::SnapshotFiles(env.get(), kDb));
      after[kManifestFile] = manifest;
      EXPECT_TRUE(after == files_);
    }
  }
}

TEST_F(RecoveryTest, MissingOrTruncatedManifestBesideTablesFailsOpen) {
  for (int keep : {-1, 0, 5}) {  // deleted, empty, cut inside the header
    SCOPED_TRACE(keep < 0 ? std::string("MANIFEST deleted") : absl::StrCat("MANIFEST cut to ", keep, " bytes"));
    auto env = Copy();
    const std::string path = JoinPath(kDb, kManifestFile);
    if (keep < 0) {
      ASSERT_OK(env->DeleteFile(path));
    } else {
      ASSERT_OK(WriteFileSynced(env.get(), path, files_.at(kManifestFile).substr(0, keep)));
    }
    auto db = Database::Open(kDb, {.env = env.get()});
    EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
    EXPECT_TRUE(env->FileExists(JoinPath(table_dir_, october_part_))) << "a refused open deleted data";
    EXPECT_TRUE(env->FileExists(JoinPath(table_dir_, november_part_)));
  }
}

TEST_F(RecoveryTest, NewerPartFormatVersionIsUnimplementedNotDetached) {
  const std::string part_dir = JoinPath(table_dir_, october_part_);
  const std::string meta_path = JoinPath(part_dir, format::kPartMetaFile);
  ASSERT_OK_AND_ASSIGN(std::string meta, env_.ReadFileToString(meta_path));
  // Version field (offset 4, u16) to 2, and a valid XXH3 trailer over the new bytes.
  meta[4] = 2;
  meta[5] = 0;
  std::string trailer;
  format::PutFixed64(&trailer, format::Checksum(absl::string_view(meta).substr(0, meta.size() - 8)));
  meta.replace(meta.size() - 8, 8, trailer);
  ASSERT_OK(WriteFileSynced(&env_, meta_path, meta));
  ASSERT_OK_AND_ASSIGN(FileMap before, testing_db::SnapshotFiles(&env_, kDb));

  EXPECT_STATUS(Part::Open(&env_, part_dir), absl::StatusCode::kUnimplemented, "format version 2");
  EXPECT_STATUS(Database::Open(kDb, {.env = &env_}), absl::StatusCode::kUnimplemented, "format version 2");
  EXPECT_TRUE(env_.FileExists(JoinPath(part_dir, format::kPartMetaFile))) << "a newer part is not broken";
  EXPECT_FALSE(env_.FileExists(JoinPath(table_dir_, "detached")));
  ASSERT_OK_AND_ASSIGN(FileMap after, testing_db::SnapshotFiles(&env_, kDb));
  EXPECT_TRUE(after == before);
}

TEST_F(RecoveryTest, NewerManifestVersionIsUnimplemented) {
  std::string manifest = files_.at(kManifestFile);
  manifest[4] = static_cast<char>(format::kManifestVersion + 1);
  ASSERT_OK(WriteFileSynced(&env_, JoinPath(kDb, kManifestFile), manifest));
  EXPECT_STATUS(Database::Open(kDb, {.env = &env_}), absl::StatusCode::kUnimplemented,
                absl::StrCat("manifest version ", format::kManifestVersion + 1, " is newer"));
  EXPECT_TRUE(env_.FileExists(JoinPath(table_dir_, october_part_)));
}

}  // namespace
}  // namespace tally::engine

namespace tally::engine {
namespace {

TEST(ManifestTailTest, ZeroFilledTailIsTornNotCorrupt) {
  MemEnv env;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
    ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(100, 21)));
  }
  ASSERT_OK_AND_ASSIGN(std::string manifest, env.ReadFileToString("db/MANIFEST"));
  manifest.append(4096, '\0');
  ASSERT_OK(WriteFileSynced(&env, "db/MANIFEST", manifest));
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  EXPECT_TRUE(db->recovery().manifest_torn_tail);
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].rows, 100u);
}

}  // namespace
}  // namespace tally::engine
