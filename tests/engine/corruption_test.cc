// Corruption tests: every file of a part (part.meta, primary.idx and each column's .bin,
// .mrk and .dict) is bit-flipped, truncated, emptied, extended and deleted in turn. Each
// damage must surface as DataLoss naming the part and the file (and, inside column data,
// the offset). Reopening the database must move a part that fails Part::Open to
// detached/broken_<name> with a .reason file and report it; damage inside a column block,
// which Open does not read, must fail CheckTable and scans. Never a crash, never a wrong
// row.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "format/detached_reason.h"
#include "engine/mem_env.h"
#include "engine/part.h"
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

// A database with two parts: the victim (October, 3000 rows, several blocks per column)
// and a bystander (November) whose rows must survive whatever happens to the victim.
struct World {
  FileMap files;                   // relative to the database directory
  std::string table_rel;           // "tables/events.<id>"
  std::string part_name;           // the victim
  std::vector<std::string> part_files;
  std::multiset<std::string> bystander_rows;
};

absl::StatusOr<World> BuildWorld() {
  MemEnv env;
  World w;
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.index_granularity = 256;
  schema.min_block_bytes = 4 << 10;  // several blocks per column, so offsets mean something
  const Block october = testing_data::MeteringBlock(3000, 21);
  const Block november = testing_data::MeteringBlock(1000, 22, 1790812800 + 31 * 86400, 20 * 86400);
  {
    TALLY_ASSIGN_OR_RETURN(auto db, Database::Open(kDb, {.env = &env}));
    TALLY_RETURN_IF_ERROR(db->CreateTable(kTable, schema));
    TALLY_RETURN_IF_ERROR(db->Insert(kTable, october));
    TALLY_RETURN_IF_ERROR(db->Insert(kTable, november));
    TALLY_ASSIGN_OR_RETURN(auto parts, db->ListParts(kTable));
    if (parts.size() != 2 || parts[0].partition_id != "202610" || parts[0].granules < 8) {
      return absl::InternalError("unexpected parts");
    }
    w.part_name = parts[0].name;
  }
  TALLY_ASSIGN_OR_RETURN(std::string table_dir, testing_db::OnlyTableDir(&env, kDb));
  w.table_rel = table_dir.substr(std::string(kDb).size() + 1);
  TALLY_ASSIGN_OR_RETURN(w.part_files, env.ListDir(JoinPath(table_dir, w.part_name)));
  TALLY_ASSIGN_OR_RETURN(w.files, testing_db::SnapshotFiles(&env, kDb));
  w.bystander_rows = Rows({november});
  return w;
}

const World& GetWorld() {
  static const World* world = [] {
    auto w = BuildWorld();
    if (!w.ok()) {
      ADD_FAILURE() << w.status();
      return new World();
    }
    return new World(std::move(*w));
  }();
  return *world;
}

bool IsDataFile(absl::string_view file) { return absl::EndsWith(file, ".bin"); }

// One way of damaging a file: its new contents and where the damage starts.
struct Damage {
  std::string label;
  std::string bytes;
  size_t position = 0;  // first damaged byte (the old size for an append)
};

std::vector<Damage> Flips(const std::string& original) {
  const size_t n = original.size();
  // Start, the version field, the .bin's first block, the middle, the end of the payload,
  // and the XXH3 trailer (an envelope's last 8 bytes).
  std::set<size_t> positions = {0, 4, 8, n / 2, n - 9, n - 8, n - 4, n - 1};
  std::vector<Damage> out;
  for (size_t p : positions) {
    if (p >= n) continue;
    for (uint8_t mask : {0x01, 0xff}) {  // one bit, and the whole byte
      Damage d{absl::StrCat("byte ", p, " of ", n, " xor 0x", absl::Hex(mask)), original, p};
      d.bytes[p] = static_cast<char>(d.bytes[p] ^ mask);
      out.push_back(std::move(d));
    }
  }
  return out;
}

std::vector<Damage> Truncations(const std::string& original) {
  const size_t n = original.size();
  std::vector<Damage> out;
  for (size_t len : std::set<size_t>{0, 1, n / 2, n - 1}) {
    out.push_back(Damage{absl::StrCat("truncated to ", len, " of ", n, " bytes"), original.substr(0, len), len});
  }
  return out;
}

// The number after the first ": offset " in `message`, or -1.
int64_t OffsetIn(absl::string_view message) {
  size_t at = message.find(": offset ");
  if (at == absl::string_view::npos) return -1;
  absl::string_view digits = message.substr(at + 9);
  size_t len = 0;
  while (len < digits.size() && absl::ascii_isdigit(digits[len])) ++len;
  int64_t offset = -1;
  return absl::SimpleAtoi(digits.substr(0, len), &offset) ? offset : -1;
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(GetWorld().part_name.empty()); }

  const World& w() const { return GetWorld(); }
  std::string PartDir() const { return JoinPath(JoinPath(kDb, w().table_rel), w().part_name); }
  std::string What(absl::string_view file) const { return absl::StrCat("part ", w().part_name, ": file '", file, "'"); }
  std::string Original(const std::string& file) const {
    return w().files.at(JoinPath(JoinPath(w().table_rel, w().part_name), file));
  }

  // A fresh copy of the database, with `file` of the victim replaced by `bytes`
  // (deleted when `bytes` is null).
  void Restore(MemEnv* env, const std::string& file, const std::string* bytes) {
    ASSERT_OK(testing_db::RestoreFiles(env, kDb, w().files));
    const std::string path = JoinPath(PartDir(), file);
    if (bytes == nullptr) {
      ASSERT_OK(env->DeleteFile(path));
    } else {
      ASSERT_OK(WriteFileSynced(env, path, *bytes));
    }
  }

  // Applies one damage to a copy of the database and checks everything that must follow.
  void Check(const std::string& file, const Damage& d, bool deleted = false) {
    SCOPED_TRACE(absl::StrCat(file, ": ", d.label));
    MemEnv env;
    Restore(&env, file, deleted ? nullptr : &d.bytes);
    absl::Status open_status;
    Part::BlockExtent block;
    {
      auto part = Part::Open(&env, PartDir());
      open_status = part.status();
      if (part.ok()) {
        // Only a .bin file of unchanged size can hide damage from Open: column blocks
        // carry their own checksums and are verified as they are read.
        ASSERT_TRUE(IsDataFile(file) && !deleted && d.bytes.size() == Original(file).size())
            << "Part::Open accepted the damage";
        CheckReadsFail(*part, file, d.position, &block);
        if (HasFatalFailure()) return;
      } else {
        EXPECT_EQ(open_status.code(), absl::StatusCode::kDataLoss) << open_status;
        EXPECT_TRUE(absl::StrContains(open_status.message(), What(file))) << open_status;
      }
    }
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env}));
    if (open_status.ok()) {
      ++refused_on_read_;
      CheckServedWithDataLoss(*db, file, block);
    } else {
      ++detached_;
      CheckDetached(&env, *db, file, open_status, deleted ? nullptr : &d.bytes);
    }
  }

  // How Check's cases went: detached at reopen, or kept and refused when read.
  int detached_ = 0;
  int refused_on_read_ = 0;

  // Part::Open accepted a damaged .bin: the block holding `position` must fail to read
  // with DataLoss naming the file and an offset inside that block; the others must read.
  void CheckReadsFail(const std::shared_ptr<Part>& part, const std::string& file, size_t position,
                      Part::BlockExtent* extent) {
    size_t column = SIZE_MAX;
    for (size_t c = 0; c < part->meta().columns.size(); ++c) {
      if (part->column_data(c).file == file) column = c;
    }
    ASSERT_NE(column, SIZE_MAX);
    const Part::ColumnData& cd = part->column_data(column);
    ASSERT_GE(position, format::kDataFileHeaderBytes) << "a damaged header must fail Open";
    size_t damaged = SIZE_MAX;
    for (size_t b = 0; b < cd.blocks.size(); ++b) {
      if (position >= cd.blocks[b].offset && position < cd.blocks[b].offset + cd.blocks[b].size) damaged = b;
    }
    ASSERT_NE(damaged, SIZE_MAX);
    const Part::BlockExtent& block = cd.blocks[damaged];
    for (uint64_t g = 0; g < part->granules(); ++g) {
      ColumnCursor cursor(part, column);
      auto read = cursor.Read(g, g + 1);
      if (cd.granule_block[g] != damaged) {
        EXPECT_OK(read);
        continue;
      }
      SCOPED_TRACE(absl::StrCat("granule ", g));
      ExpectDataLossInBlock(read.status(), file, block);
    }
    ExpectDataLossInBlock(part->VerifyChecksums(), file, block);
    *extent = block;
  }

  // `s` is DataLoss naming the victim, `file` and an offset inside `block`.
  void ExpectDataLossInBlock(const absl::Status& s, const std::string& file, const Part::BlockExtent& block) {
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), What(file))) << s;
    const int64_t offset = OffsetIn(s.message());
    EXPECT_GE(offset, static_cast<int64_t>(block.offset)) << s;
    EXPECT_LT(offset, static_cast<int64_t>(block.offset + block.size)) << s;
  }

  // The part opened, so recovery keeps it; CheckTable and a full scan must refuse it.
  void CheckServedWithDataLoss(const Database& db, const std::string& file, const Part::BlockExtent& block) {
    EXPECT_TRUE(db.recovery().events.empty()) << db.recovery().events[0];
    EXPECT_EQ(db.recovery().detached, 0u);
    ASSERT_OK_AND_ASSIGN(auto parts, db.ListParts(kTable));
    EXPECT_EQ(parts.size(), 2u);
    {
      SCOPED_TRACE("CheckTable");
      ExpectDataLossInBlock(db.CheckTable(kTable), file, block);
    }
    SCOPED_TRACE("full scan");
    ExpectDataLossInBlock(ScanAll(db, kTable).status(), file, block);
  }

  // The part failed Open: recovery must have moved it aside whole, with its reason, and
  // the table must serve exactly the bystander's rows.
  void CheckDetached(MemEnv* env, const Database& db, const std::string& file, const absl::Status& why,
                     const std::string* bytes) {
    const RecoveryReport& report = db.recovery();
    EXPECT_EQ(report.detached, 1u);
    ASSERT_EQ(report.events.size(), 1u);
    EXPECT_TRUE(absl::StrContains(report.events[0], absl::StrCat("set aside broken part ", w().part_name)))
        << report.events[0];
    EXPECT_TRUE(absl::StrContains(report.events[0], why.message())) << report.events[0];

    const std::string table_dir = JoinPath(kDb, w().table_rel);
    const std::string broken = JoinPath(table_dir, absl::StrCat("detached/broken_", w().part_name));
    EXPECT_FALSE(env->FileExists(PartDir()));
    ASSERT_OK_AND_ASSIGN(auto kept, env->ListDir(broken));
    std::vector<std::string> want = w().part_files;
    if (bytes == nullptr) want.erase(std::find(want.begin(), want.end(), file));
    EXPECT_EQ(kept, want) << "the detached part must keep every file for inspection";
    if (bytes != nullptr) {
      ASSERT_OK_AND_ASSIGN(std::string damaged, env->ReadFileToString(JoinPath(broken, file)));
      EXPECT_EQ(damaged, *bytes);
    }
    ASSERT_OK_AND_ASSIGN(std::string reason_file, env->ReadFileToString(broken + ".reason"));
    ASSERT_OK_AND_ASSIGN(format::DetachedReason reason, format::DecodeDetachedReason(reason_file, broken));
    EXPECT_EQ(reason.kind, "broken");
    EXPECT_EQ(reason.part, w().part_name);
    EXPECT_EQ(reason.message, why.message());

    ASSERT_OK_AND_ASSIGN(auto parts, db.ListParts(kTable));
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(parts[0].partition_id, "202611");
    ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(db, kTable));
    EXPECT_TRUE(Rows(blocks) == w().bystander_rows) << "rows other than the bystander's were served";
    // The table's own parts verify, but it is short of the broken part's rows until the
    // user decides: CheckTable says so.
    EXPECT_STATUS(db.CheckTable(kTable), absl::StatusCode::kDataLoss, absl::StrCat("broken_", w().part_name));
  }
};

TEST_F(CorruptionTest, PartHasEveryKindOfFile) {
  // The loops below are only as good as the files they visit.
  const auto& files = w().part_files;
  auto has = [&](const std::string& f) { return std::find(files.begin(), files.end(), f) != files.end(); };
  EXPECT_TRUE(has("part.meta"));
  EXPECT_TRUE(has("primary.idx"));
  for (const char* column : {"time", "tenant", "path", "status", "value", "id"}) {
    EXPECT_TRUE(has(absl::StrCat(column, ".bin"))) << column;
    EXPECT_TRUE(has(absl::StrCat(column, ".mrk"))) << column;
  }
  EXPECT_TRUE(has("tenant.dict"));
  EXPECT_EQ(files.size(), 2u + 2 * 11 + 5) << "11 columns, 5 of them LowCardinality with a dictionary";
}

TEST_F(CorruptionTest, FlippedByteInEveryFileIsDataLoss) {
  int cases = 0, in_blocks = 0;
  for (const std::string& file : w().part_files) {
    for (const Damage& d : Flips(Original(file))) {
      Check(file, d);
      ++cases;
      in_blocks += IsDataFile(file) && d.position >= format::kDataFileHeaderBytes;
    }
  }
  // Part::Open catches every flip but those inside column blocks, which reads catch.
  EXPECT_EQ(refused_on_read_, in_blocks);
  EXPECT_EQ(detached_, cases - in_blocks);
  EXPECT_GT(in_blocks, 0);
  EXPECT_GT(cases, 400);
}

TEST_F(CorruptionTest, TruncatedOrEmptiedFileIsDataLoss) {
  int cases = 0;
  for (const std::string& file : w().part_files) {
    for (const Damage& d : Truncations(Original(file))) {
      Check(file, d);
      ++cases;
    }
  }
  EXPECT_EQ(detached_, cases) << "every size change is caught by Part::Open";
}

TEST_F(CorruptionTest, AppendedByteIsDataLoss) {
  for (const std::string& file : w().part_files) {
    const std::string original = Original(file);
    for (char extra : {'\0', '\x5a'}) {
      Check(file, Damage{absl::StrCat("appended byte 0x", absl::Hex(static_cast<uint8_t>(extra))),
                         original + extra, original.size()});
    }
  }
  EXPECT_EQ(detached_, 2 * static_cast<int>(w().part_files.size()));
}

TEST_F(CorruptionTest, DeletedFileIsDataLoss) {
  for (const std::string& file : w().part_files) Check(file, Damage{"deleted", "", 0}, /*deleted=*/true);
  EXPECT_EQ(detached_, static_cast<int>(w().part_files.size()));
}

TEST_F(CorruptionTest, FlipInsideColumnBlockFailsCheckTableAndScan) {
  const std::string original = Original("value.bin");
  Damage d{"middle byte", original, original.size() / 2};
  d.bytes[d.position] ^= 0x20;
  MemEnv env;
  Restore(&env, "value.bin", &d.bytes);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env}));
  EXPECT_TRUE(db->recovery().events.empty());
  EXPECT_STATUS(db->CheckTable(kTable), absl::StatusCode::kDataLoss, What("value.bin") + ": offset ");
  EXPECT_STATUS(ScanAll(*db, kTable), absl::StatusCode::kDataLoss, What("value.bin") + ": offset ");
  // What a client is told (engine/error_code.h).
  EXPECT_EQ(ErrorCodeOf(db->CheckTable(kTable)), ErrorCode::kCorruptedData);
  // A scan that never reads value.bin is unaffected.
  auto cursor = db->Scan(kTable, {.columns = {"time", "tenant"}});
  ASSERT_OK(cursor);
  uint64_t rows = 0;
  Block b;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, (*cursor)->Next(&b));
    if (!more) break;
    rows += b.rows();
  }
  EXPECT_EQ(rows, 4000u);
}

TEST_F(CorruptionTest, DetachedPartIsReportedOnceAndKeptAside) {
  const std::string original = Original("primary.idx");
  std::string damaged = original;
  damaged[damaged.size() / 2] ^= 0x01;
  MemEnv env;
  Restore(&env, "primary.idx", &damaged);
  const std::string broken = JoinPath(JoinPath(kDb, w().table_rel), "detached/broken_" + w().part_name);
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env}));
    EXPECT_EQ(db->recovery().detached, 1u);
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(kDb, {.env = &env}));
  EXPECT_TRUE(db->recovery().events.empty()) << db->recovery().events[0];
  EXPECT_TRUE(env.FileExists(JoinPath(broken, "primary.idx")));
  ASSERT_OK_AND_ASSIGN(std::string reason, env.ReadFileToString(broken + ".reason"));
  EXPECT_TRUE(absl::StrContains(reason, What("primary.idx"))) << reason;
  ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(*db, kTable));
  EXPECT_TRUE(Rows(blocks) == w().bystander_rows);
  // New inserts still get fresh block numbers, never the detached part's name.
  ASSERT_OK(db->Insert(kTable, testing_data::MeteringBlock(100, 23)));
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts(kTable));
  for (const PartInfo& p : parts) EXPECT_NE(p.name, w().part_name);
}

TEST(CorruptionPosixTest, DamagedPartOnRealFilesIsDetached) {
  const World& w = GetWorld();
  ASSERT_FALSE(w.part_name.empty());
  Env* env = Env::Default();
  const std::string dir = ::testing::TempDir() + "/tally_corruption_posix";
  const std::string part_rel = JoinPath(w.table_rel, w.part_name);
  for (const char* file : {"part.meta", "primary.idx", "tenant.dict", "time.mrk", "path.bin"}) {
    SCOPED_TRACE(file);
    ASSERT_OK(env->RemoveAll(dir));
    ASSERT_OK(testing_db::RestoreFiles(env, dir, w.files));
    const std::string path = JoinPath(JoinPath(dir, part_rel), file);
    std::string bytes = w.files.at(JoinPath(part_rel, file));
    ASSERT_OK(WriteFileSynced(env, path, bytes.substr(0, bytes.size() / 2)));
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(dir));
    EXPECT_EQ(db->recovery().detached, 1u);
    const std::string broken = JoinPath(JoinPath(dir, w.table_rel), "detached/broken_" + w.part_name);
    ASSERT_OK_AND_ASSIGN(std::string reason, env->ReadFileToString(broken + ".reason"));
    EXPECT_TRUE(absl::StrContains(reason, absl::StrCat("part ", w.part_name, ": file '", file, "'"))) << reason;
    EXPECT_TRUE(env->FileExists(JoinPath(broken, file)));
    EXPECT_FALSE(env->FileExists(JoinPath(dir, part_rel)));
    ASSERT_OK_AND_ASSIGN(auto blocks, ScanAll(*db, kTable));
    EXPECT_TRUE(Rows(blocks) == w.bystander_rows);
  }
  // A flip inside a column block on disk: kept, but CheckTable and scans refuse it.
  ASSERT_OK(env->RemoveAll(dir));
  ASSERT_OK(testing_db::RestoreFiles(env, dir, w.files));
  std::string bytes = w.files.at(JoinPath(part_rel, "user_id.bin"));
  bytes[bytes.size() / 2] ^= 0x04;
  ASSERT_OK(WriteFileSynced(env, JoinPath(JoinPath(dir, part_rel), "user_id.bin"), bytes));
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open(dir));
    const std::string what = absl::StrCat("part ", w.part_name, ": file 'user_id.bin': offset ");
    EXPECT_STATUS(db->CheckTable(kTable), absl::StatusCode::kDataLoss, what);
    EXPECT_STATUS(ScanAll(*db, kTable), absl::StatusCode::kDataLoss, what);
  }
  ASSERT_OK(env->RemoveAll(dir));
}

}  // namespace
}  // namespace tally::engine
