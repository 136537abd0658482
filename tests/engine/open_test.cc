// Opening a data directory: one writer at a time (an OS lock, refused at once and naming
// the holder), read-only opens beside it that never write, an open that writes nothing
// when there is nothing to repair (so reads work on a full disk or read-only media), names
// capped before they reach file names, and the manifest log rewritten once it grows.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/fault_injection_env.h"
#include "engine/mem_env.h"
#include "tests/engine/db_files.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

uint64_t CountRows(const Database& db, const std::string& table) {
  auto blocks = testing_db::ScanAll(db, table);
  EXPECT_OK(blocks);
  uint64_t n = 0;
  if (blocks.ok()) {
    for (const Block& b : *blocks) n += b.rows();
  }
  return n;
}

std::string FreshDir(absl::string_view name) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/tally_open_", name, "_", getpid());
  EXPECT_OK(Env::Default()->RemoveAll(dir));
  return dir;
}

TEST(LockTest, SecondWriterInThisProcessIsRefusedUntilTheFirstCloses) {
  const std::string dir = FreshDir("second_writer");
  {
    ASSERT_OK_AND_ASSIGN(auto first, Database::Open(dir));
    EXPECT_STATUS(Database::Open(dir), absl::StatusCode::kFailedPrecondition,
                  absl::StrCat("database ", dir, " is open for writing elsewhere"));
    // Readers need no lock.
    ASSERT_OK_AND_ASSIGN(auto reader, Database::Open(dir, {.read_only = true}));
    EXPECT_TRUE(reader->read_only());
  }
  ASSERT_OK_AND_ASSIGN(auto again, Database::Open(dir));
  ASSERT_OK(Env::Default()->RemoveAll(dir));
}

TEST(LockTest, WriterInAnotherProcessIsNamedByItsPid) {
  const std::string dir = FreshDir("other_process");
  { ASSERT_OK_AND_ASSIGN(auto db, Database::Open(dir)); }
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    close(release[1]);  // or the read below never sees the parent's close
    auto db = Database::Open(dir);
    char c = db.ok() ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    (void)!read(release[0], &c, 1);  // hold the lock until the parent is done
    _exit(0);
  }
  close(ready[1]);
  close(release[0]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  EXPECT_STATUS(Database::Open(dir), absl::StatusCode::kFailedPrecondition, absl::StrCat("(PID ", child, ")"));
  EXPECT_OK(Database::Open(dir, {.read_only = true}));
  close(release[1]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  // The lock died with its process.
  EXPECT_OK(Database::Open(dir));
  ASSERT_OK(Env::Default()->RemoveAll(dir));
}

// A database with "events" of 1000 rows, closed.
void MakeEvents(Env* env) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = env}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(1000, 3)));
}

TEST(OpenTest, CleanOpenWritesNothing) {
  MemEnv mem;
  MakeEvents(&mem);
  ASSERT_OK_AND_ASSIGN(auto before, testing_db::SnapshotFiles(&mem, "db"));
  FaultInjectionEnv counting(&mem);
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &counting}));
    EXPECT_FALSE(db->recovery().wrote);
    EXPECT_EQ(CountRows(*db, "events"), 1000u);
  }
  // Its only steps: taking the lock (the LOCK file exists already), opening the manifest
  // to append, closing it.
  EXPECT_EQ(counting.steps(), 3);
  ASSERT_OK_AND_ASSIGN(auto after, testing_db::SnapshotFiles(&mem, "db"));
  EXPECT_TRUE(after == before);
}

TEST(OpenTest, ReadsWorkOnAFullDiskAndWritesFailWhole) {
  MemEnv mem;
  MakeEvents(&mem);
  FaultInjectionEnv full(&mem);
  full.FailEveryStepWith(absl::StatusCode::kResourceExhausted);
  {
    // Read-write: the lock file exists, so taking the lock is the one step; let it pass.
    full.ClearFault();
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &full}));
    full.FailEveryStepWith(absl::StatusCode::kResourceExhausted);
    EXPECT_EQ(CountRows(*db, "events"), 1000u);
    EXPECT_STATUS(db->Insert("events", testing_data::MeteringBlock(500, 4)), absl::StatusCode::kResourceExhausted,
                  "injected");
    EXPECT_EQ(CountRows(*db, "events"), 1000u);
    EXPECT_STATUS(db->Optimize("events", {.final = true}).status(), absl::StatusCode::kOk, "");
  }
  {
    ASSERT_OK_AND_ASSIGN(auto ro, Database::Open("db", {.env = &full, .read_only = true}));
    EXPECT_EQ(CountRows(*ro, "events"), 1000u);
  }
  // Nothing half-written is left, and nothing is lost.
  full.ClearFault();
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &full}));
  EXPECT_TRUE(db->recovery().events.empty()) << db->recovery().events[0];
  EXPECT_EQ(CountRows(*db, "events"), 1000u);
}

TEST(OpenTest, ReadOnlyMediaNeedsAReadOnlyOpen) {
  MemEnv mem;
  MakeEvents(&mem);
  FaultInjectionEnv ro_media(&mem);
  ro_media.FailEveryStepWith(absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS(Database::Open("db", {.env = &ro_media}), absl::StatusCode::kPermissionDenied,
                "cannot take the write lock");
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &ro_media, .read_only = true}));
  EXPECT_EQ(CountRows(*db, "events"), 1000u);
  EXPECT_OK(db->CheckTable("events"));
  EXPECT_STATUS(db->Insert("events", testing_data::MeteringBlock(5, 4)), absl::StatusCode::kFailedPrecondition,
                "open read-only");
  EXPECT_STATUS(db->CreateTable("t", testing_data::MeteringSchema()), absl::StatusCode::kFailedPrecondition,
                "open read-only");
  EXPECT_STATUS(db->Optimize("events").status(), absl::StatusCode::kFailedPrecondition, "open read-only");
  EXPECT_EQ(ro_media.injected_faults(), 1) << "only the refused read-write open tried to write";
}

TEST(OpenTest, ReadOnlyOpenOfAMissingDirectoryCreatesNothing) {
  MemEnv mem;
  EXPECT_STATUS(Database::Open("nowhere", {.env = &mem, .read_only = true}), absl::StatusCode::kNotFound,
                "does not exist");
  EXPECT_FALSE(mem.FileExists("nowhere"));
}

TEST(OpenTest, ReaderSeesTheStateAsOfItsOpen) {
  MemEnv mem;
  MakeEvents(&mem);
  ASSERT_OK_AND_ASSIGN(auto writer, Database::Open("db", {.env = &mem}));
  ASSERT_OK_AND_ASSIGN(auto reader, Database::Open("db", {.env = &mem, .read_only = true}));
  ASSERT_OK(writer->Insert("events", testing_data::MeteringBlock(200, 5)));
  ASSERT_OK(writer->Optimize("events", {.final = true}).status());
  // The reader holds the parts it opened; the merge's inputs it reads are gone from the
  // table's directory, yet its open files still read.
  EXPECT_EQ(CountRows(*reader, "events"), 1000u);
  ASSERT_OK_AND_ASSIGN(auto later, Database::Open("db", {.env = &mem, .read_only = true}));
  EXPECT_EQ(CountRows(*later, "events"), 1200u);
}

TEST(NamesTest, NamesThatWouldMakeFileNamesTooLongAreRefusedAtCreate) {
  const std::string dir = FreshDir("names");
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open(dir));
  auto schema_with = [](const std::string& column) {
    format::TableSchema schema;
    schema.columns.push_back(format::ColumnDef{column, *format::ParseDataType("UInt64"), {}, ""});
    schema.sort_key = {column};
    return schema;
  };
  EXPECT_STATUS(db->CreateTable("t", schema_with(std::string(300, 'c'))), absl::StatusCode::kInvalidArgument,
                "is too long: 300 bytes");
  std::string accents;
  for (int i = 0; i < 81; ++i) accents += "\xc3\xa9";  // 162 bytes, 486 escaped
  EXPECT_STATUS(db->CreateTable("t", schema_with(accents)), absl::StatusCode::kInvalidArgument, "is too long");
  EXPECT_STATUS(db->CreateTable(std::string(201, 't'), schema_with("x")), absl::StatusCode::kInvalidArgument,
                "1 to 200");
  EXPECT_STATUS(db->CreateTable(accents, schema_with("x")), absl::StatusCode::kInvalidArgument,
                "directory name would be");
  // The longest accepted names work end to end on a real file system.
  const std::string column(240, 'c');
  ASSERT_OK(db->CreateTable(std::string(200, 't'), schema_with(column)));
  Block block;
  format::Column values = format::Column::Make(*format::ParseDataType("UInt64"));
  for (uint64_t i = 0; i < 10; ++i) values.Append<uint64_t>(i);
  block.Add(column, std::move(values));
  ASSERT_OK(db->Insert(std::string(200, 't'), block));
  EXPECT_EQ(CountRows(*db, std::string(200, 't')), 10u);
  db.reset();
  ASSERT_OK(Env::Default()->RemoveAll(dir));
}

TEST(ManifestRewriteTest, LogIsRewrittenOnceLargeUnlessGarbageNeedsItsRecords) {
  MemEnv mem;
  const DatabaseOptions options{.env = &mem, .manifest_rewrite_bytes = 8 << 10};
  uint64_t rows = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
    format::TableSchema schema = testing_data::MeteringSchema();
    // The sizes below count the parts' records alone, without a window of insert tokens.
    schema.settings.push_back({kDedupWindowSetting, "0", {}});
    ASSERT_OK(db->CreateTable("events", schema));
    for (int i = 0; i < 300; ++i) {
      ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(3, 100 + i)));
      rows += 3;
    }
    ASSERT_OK_AND_ASSIGN(uint64_t size, mem.GetFileSize("db/MANIFEST"));
    // 300 insert records alone are ~20 KiB; rewritten, the log holds one snapshot of
    // 300 parts and what came since.
    EXPECT_LT(size, 40u << 10);
    // A scan holds the inputs of a merge: their directories stay, and no rewrite may drop
    // the record that accounts for them.
    ASSERT_OK_AND_ASSIGN(auto cursor, db->Scan("events", {}));
    ASSERT_OK(db->Optimize("events", {.final = true}).status());
    for (int i = 0; i < 200; ++i) {
      ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(1, 900 + i)));
      rows += 1;
    }
    ASSERT_OK_AND_ASSIGN(size, mem.GetFileSize("db/MANIFEST"));
    EXPECT_GT(size, 8u << 10) << "rewritten while a removed part was still on disk";
    cursor.reset();
    ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(1, 5000)));
    rows += 1;
    ASSERT_OK_AND_ASSIGN(size, mem.GetFileSize("db/MANIFEST"));
    EXPECT_LT(size, 8u << 10) << "not rewritten once the garbage was gone";
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", options));
  EXPECT_TRUE(db->recovery().events.empty()) << db->recovery().events[0];
  EXPECT_EQ(CountRows(*db, "events"), rows);
}

}  // namespace
}  // namespace tally::engine
