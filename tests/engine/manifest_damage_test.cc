// Damage at every record of a real manifest (a flipped bit or byte, the record zeroed, the
// file truncated at or inside it, the record duplicated): a plain open either refuses
// (DataLoss) having changed nothing, or opens with every table exactly as acknowledged. No
// file of a complete part is ever deleted; repair always opens, never serves a row twice,
// and keeps every part's files (in place or in detached/).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "format/coding.h"
#include "format/manifest_format.h"
#include "tests/engine/db_files.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using testing_db::FileMap;

constexpr char kDb[] = "db";

std::multiset<std::string> TableRows(const Database& db, const std::string& table) {
  std::multiset<std::string> out;
  auto blocks = testing_db::ScanAll(db, table);
  EXPECT_OK(blocks);
  if (!blocks.ok()) return out;
  for (const Block& b : *blocks) {
    for (size_t r = 0; r < b.rows(); ++r) {
      std::string row;
      for (const auto& c : b.columns) absl::StrAppend(&row, c.GetValue(r).DebugString(), "|");
      out.insert(std::move(row));
    }
  }
  return out;
}

// (file name, contents) of every file inside a part directory (three path levels below
// tables/, wherever the part is), as a multiset: where it lies does not matter.
std::multiset<std::string> PartFiles(const FileMap& files) {
  std::multiset<std::string> out;
  for (const auto& [path, bytes] : files) {
    if (!absl::StrContains(path, "/") || absl::StartsWith(path, "MANIFEST") || absl::EndsWith(path, ".reason") ||
        path == "LOCK") {
      continue;
    }
    out.insert(absl::StrCat(path.substr(path.rfind('/') + 1), ":", format::Checksum(bytes)));
  }
  return out;
}

bool Includes(const std::multiset<std::string>& big, const std::multiset<std::string>& small) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

struct Record {
  size_t offset;
  size_t size;  // whole record, header included
};

std::vector<Record> Records(const std::string& manifest) {
  std::vector<Record> out;
  size_t pos = format::kManifestHeaderBytes;
  while (pos + format::kManifestRecordOverhead <= manifest.size()) {
    size_t size = format::kManifestRecordOverhead +
                  format::LoadFixed32(reinterpret_cast<const uint8_t*>(manifest.data()) + pos);
    out.push_back({pos, size});
    pos += size;
  }
  return out;
}

class ManifestDamageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    format::TableSchema schema = testing_data::MeteringSchema();
    schema.index_granularity = 128;
    {
      // Every kind of record: databases, tables, inserts, a merge, a truncate, a drop.
      ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env_}));
      ASSERT_OK(db->CreateTable("events", schema));
      for (int i = 0; i < 3; ++i) ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(300, 10 + i)));
      ASSERT_OK(db->Optimize("events", {.final = true}).status());
      ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(200, 20)));
      ASSERT_OK(db->CreateDatabase("m"));
      ASSERT_OK(db->CreateTable("m.t", schema));
      ASSERT_OK(db->Insert("m.t", testing_data::MeteringBlock(100, 30)));
      ASSERT_OK(db->CreateTable("gone", schema));
      ASSERT_OK(db->Insert("gone", testing_data::MeteringBlock(50, 40)));
      ASSERT_OK(db->DropTable("gone"));
      ASSERT_OK(db->CreateTable("emptied", schema));
      ASSERT_OK(db->Insert("emptied", testing_data::MeteringBlock(50, 50)));
      ASSERT_OK(db->TruncateTable("emptied"));
      ASSERT_OK(db->Insert("m.t", testing_data::MeteringBlock(70, 31)));
      for (const char* t : {"events", "m.t", "emptied"}) rows_[t] = TableRows(*db, t);
    }
    ASSERT_OK_AND_ASSIGN(files_, testing_db::SnapshotFiles(&env_, kDb));
    manifest_ = files_.at(kManifestFile);
    records_ = Records(manifest_);
    ASSERT_GE(records_.size(), 14u);
    part_files_ = PartFiles(files_);
  }

  // Opens a copy of the database whose manifest is `damaged` and checks the invariants.
  // Returns whether the plain open refused.
  bool Check(const std::string& damaged) {
    MemEnv env;
    FileMap files = files_;
    files[kManifestFile] = damaged;
    EXPECT_OK(testing_db::RestoreFiles(&env, kDb, files));
    {
      auto db = Database::Open(kDb, {.env = &env});
      if (!db.ok()) {
        EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
        EXPECT_TRUE(absl::StrContains(db.status().message(), "tally repair")) << db.status();
        auto after = testing_db::SnapshotFiles(&env, kDb);
        EXPECT_OK(after);
        if (after.ok()) {
          EXPECT_TRUE(*after == files) << "a refused open changed files";
        }
      } else {
        for (const std::string& t : (*db)->ListTables()) {
          EXPECT_TRUE(rows_.contains(t)) << t << " came back";
          if (rows_.contains(t)) {
            EXPECT_EQ(TableRows(**db, t), rows_.at(t)) << t;
          }
        }
        EXPECT_EQ((*db)->recovery().detached + (*db)->recovery().missing, 0u);
      }
      auto after = testing_db::SnapshotFiles(&env, kDb);
      EXPECT_OK(after);
      if (after.ok()) {
        EXPECT_TRUE(Includes(PartFiles(*after), part_files_)) << "a part's file was deleted";
      }
      if (!db.ok()) {
        ++refusals_;
      } else {
        ++opens_;
      }
    }
    auto repaired = Database::Open(kDb, {.env = &env, .repair = true});
    EXPECT_OK(repaired);
    if (!repaired.ok()) return false;
    for (const std::string& t : (*repaired)->ListTables()) {
      // A table whose drop record was lost comes back, without the rows the drop deleted.
      const std::multiset<std::string> none;
      const auto& acknowledged = rows_.contains(t) ? rows_.at(t) : none;
      EXPECT_TRUE(Includes(acknowledged, TableRows(**repaired, t))) << t << ": a row served twice or made up";
    }
    repaired->reset();
    auto after = testing_db::SnapshotFiles(&env, kDb);
    EXPECT_OK(after);
    if (after.ok()) {
      EXPECT_TRUE(Includes(PartFiles(*after), part_files_)) << "repair deleted a part's file";
    }
    EXPECT_OK(Database::Open(kDb, {.env = &env}).status());  // a repaired database opens
    return true;
  }

  MemEnv env_;
  FileMap files_;
  std::string manifest_;
  std::vector<Record> records_;
  std::multiset<std::string> part_files_;
  std::map<std::string, std::multiset<std::string>> rows_;
  int refusals_ = 0, opens_ = 0;
};

TEST_F(ManifestDamageTest, FlippedBitsAndBytesAtEveryRecord) {
  for (const Record& r : records_) {
    for (size_t at : {r.offset, r.offset + 2, r.offset + 4, r.offset + 11, r.offset + 12, r.offset + r.size / 2,
                      r.offset + r.size - 1}) {
      for (uint8_t mask : {0x01, 0xff}) {
        SCOPED_TRACE(absl::StrCat("record at ", r.offset, ": byte ", at, " xor ", mask));
        std::string damaged = manifest_;
        damaged[at] = static_cast<char>(damaged[at] ^ mask);
        Check(damaged);
      }
    }
  }
  EXPECT_EQ(opens_, 0) << "a flip must never pass unnoticed";
}

TEST_F(ManifestDamageTest, ZeroedRecordAtEveryRecord) {
  for (const Record& r : records_) {
    SCOPED_TRACE(absl::StrCat("record at ", r.offset, " zeroed"));
    std::string damaged = manifest_;
    std::fill(damaged.begin() + r.offset, damaged.begin() + r.offset + r.size, '\0');
    Check(damaged);
  }
}

TEST_F(ManifestDamageTest, TruncatedAtAndInsideEveryRecord) {
  for (const Record& r : records_) {
    for (size_t keep : {r.offset, r.offset + 5, r.offset + r.size / 2, r.offset + r.size - 1}) {
      SCOPED_TRACE(absl::StrCat("cut to ", keep, " of ", manifest_.size()));
      Check(manifest_.substr(0, keep));
    }
  }
}

TEST_F(ManifestDamageTest, DuplicatedRecordAtEveryRecord) {
  for (const Record& r : records_) {
    SCOPED_TRACE(absl::StrCat("record at ", r.offset, " duplicated"));
    std::string damaged = manifest_;
    damaged.insert(r.offset + r.size, manifest_.substr(r.offset, r.size));
    Check(damaged);
  }
}

}  // namespace
}  // namespace tally::engine
