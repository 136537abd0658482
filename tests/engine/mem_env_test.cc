// MemEnv's crash model: each durability rule in mem_env.h has a test here. The shared Env
// semantics are covered by env_test.cc.
#include "engine/mem_env.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using Paths = std::vector<std::string>;

class MemEnvTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(env_.CreateDirs("db"));
    ASSERT_OK(env_.SyncDir(""));
  }

  // Contents of `path` after a crash, or the error text.
  std::string Read(const std::string& path) {
    absl::StatusOr<std::string> s = env_.ReadFileToString(path);
    return s.ok() ? *s : s.status().ToString();
  }

  // Appends `data` to a new file and optionally syncs the file; does not sync the dir.
  void Write(const std::string& path, const std::string& data, bool sync) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_.NewWritableFile(path));
    ASSERT_OK(file->Append(data));
    if (sync) ASSERT_OK(file->Sync());
    ASSERT_OK(file->Close());
  }

  MemEnv env_;
};

TEST_F(MemEnvTest, CrashDropsUnsyncedAppends) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_.NewWritableFile("db/log"));
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(file->Append("never synced"));
  env_.Crash();
  EXPECT_EQ(Read("db/log"), "");
}

TEST_F(MemEnvTest, CrashKeepsSyncedAppendsOnly) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_.NewWritableFile("db/log"));
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(file->Append("first;"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Append("second;"));
  EXPECT_EQ(Read("db/log"), "first;second;");
  env_.Crash();
  EXPECT_EQ(Read("db/log"), "first;");
}

TEST_F(MemEnvTest, CrashDropsFileCreatedWithoutSyncDir) {
  Write("db/f", "synced data", /*sync=*/true);
  env_.Crash();
  EXPECT_FALSE(env_.FileExists("db/f"));
  EXPECT_EQ(env_.AllPaths(), Paths{"db"});
}

TEST_F(MemEnvTest, CrashKeepsFileCreatedWithSyncDir) {
  Write("db/f", "data", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  EXPECT_EQ(Read("db/f"), "data");
}

TEST_F(MemEnvTest, CrashKeepsEntryButNotBytesWhenOnlyDirSynced) {
  Write("db/f", "data", /*sync=*/false);
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  EXPECT_EQ(Read("db/f"), "");
}

TEST_F(MemEnvTest, CrashUndoesTruncationOfSyncedFile) {
  Write("db/f", "old", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  Write("db/f", "new", /*sync=*/false);
  env_.Crash();
  EXPECT_EQ(Read("db/f"), "old");
}

TEST_F(MemEnvTest, CrashUndoesRenameWithoutSyncDir) {
  Write("db/tmp", "payload", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.Rename("db/tmp", "db/final"));
  env_.Crash();
  EXPECT_FALSE(env_.FileExists("db/final"));
  EXPECT_EQ(Read("db/tmp"), "payload");
}

TEST_F(MemEnvTest, CrashKeepsRenameAfterSyncDir) {
  Write("db/tmp", "payload", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.Rename("db/tmp", "db/final"));
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  EXPECT_FALSE(env_.FileExists("db/tmp"));
  EXPECT_EQ(Read("db/final"), "payload");
}

TEST_F(MemEnvTest, CrashUndoesRenameOverExistingFileWithoutSyncDir) {
  Write("db/CURRENT", "v1", /*sync=*/true);
  Write("db/CURRENT.tmp", "v2", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.Rename("db/CURRENT.tmp", "db/CURRENT"));
  EXPECT_EQ(Read("db/CURRENT"), "v2");
  env_.Crash();
  EXPECT_EQ(Read("db/CURRENT"), "v1");
  EXPECT_EQ(Read("db/CURRENT.tmp"), "v2");
}

TEST_F(MemEnvTest, CrashUndoesDeleteWithoutSyncDir) {
  Write("db/f", "data", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.DeleteFile("db/f"));
  env_.Crash();
  EXPECT_EQ(Read("db/f"), "data");
}

TEST_F(MemEnvTest, CrashKeepsDeleteAfterSyncDir) {
  Write("db/f", "data", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.DeleteFile("db/f"));
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  EXPECT_FALSE(env_.FileExists("db/f"));
}

TEST_F(MemEnvTest, CrashUndoesRemoveAllWithoutSyncDir) {
  ASSERT_OK(env_.CreateDirs("db/part"));
  ASSERT_OK(env_.SyncDir("db"));
  Write("db/part/col", "bytes", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db/part"));
  ASSERT_OK(env_.RemoveAll("db/part"));
  env_.Crash();
  EXPECT_EQ(Read("db/part/col"), "bytes");
  ASSERT_OK(env_.RemoveAll("db/part"));
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  EXPECT_EQ(env_.AllPaths(), Paths{"db"});
}

TEST_F(MemEnvTest, CrashDropsDirectoryCreatedWithoutParentSync) {
  ASSERT_OK(env_.CreateDirs("db/a/b"));
  ASSERT_OK(env_.SyncDir("db/a"));  // "b" is durable in "a", but "a" is not in "db".
  env_.Crash();
  EXPECT_EQ(env_.AllPaths(), Paths{"db"});
}

TEST_F(MemEnvTest, CrashDropsDurableFileInsideNonDurableDirectory) {
  ASSERT_OK(env_.CreateDirs("db/part"));
  Write("db/part/col", "bytes", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db/part"));
  env_.Crash();
  EXPECT_FALSE(env_.FileExists("db/part"));
}

TEST_F(MemEnvTest, CrashKeepsDirectoryRenameWithItsContents) {
  ASSERT_OK(env_.CreateDirs("db/tmp_part"));
  Write("db/tmp_part/col", "bytes", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db/tmp_part"));
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.Rename("db/tmp_part", "db/part_1"));
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  EXPECT_EQ(env_.AllPaths(), (Paths{"db", "db/part_1", "db/part_1/col"}));
  EXPECT_EQ(Read("db/part_1/col"), "bytes");
}

TEST_F(MemEnvTest, CrashUndoesDirectoryRenameWithoutSyncDir) {
  ASSERT_OK(env_.CreateDirs("db/tmp_part"));
  Write("db/tmp_part/col", "bytes", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db/tmp_part"));
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(env_.Rename("db/tmp_part", "db/part_1"));
  env_.Crash();
  EXPECT_EQ(env_.AllPaths(), (Paths{"db", "db/tmp_part", "db/tmp_part/col"}));
}

TEST_F(MemEnvTest, CrossDirectoryRenameWithOnlyTargetSyncedKeepsBothNames) {
  ASSERT_OK(env_.CreateDirs("db/a"));
  ASSERT_OK(env_.CreateDirs("db/b"));
  ASSERT_OK(env_.SyncDir("db"));
  Write("db/a/f", "x", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db/a"));
  ASSERT_OK(env_.Rename("db/a/f", "db/b/f"));
  ASSERT_OK(env_.SyncDir("db/b"));
  env_.Crash();
  EXPECT_EQ(Read("db/a/f"), "x");
  EXPECT_EQ(Read("db/b/f"), "x");
}

TEST_F(MemEnvTest, CrashAfterDirectoryRenameCycleStillYieldsATree) {
  // Durable entries can end up with x in the root and in y, and y in the root and in x.
  // Crash must terminate and give each directory a single name.
  ASSERT_OK(env_.CreateDirs("x"));
  ASSERT_OK(env_.CreateDirs("y"));
  ASSERT_OK(env_.SyncDir(""));
  ASSERT_OK(env_.Rename("y", "x/y"));
  ASSERT_OK(env_.SyncDir("x"));  // durable: x/y
  ASSERT_OK(env_.Rename("x/y", "y"));
  ASSERT_OK(env_.Rename("x", "y/x"));
  ASSERT_OK(env_.SyncDir("y"));  // durable: y/x as well
  env_.Crash();
  Paths paths = env_.AllPaths();
  EXPECT_TRUE(paths == (Paths{"db", "x", "y"}) || paths == (Paths{"db", "x", "x/y"}) ||
              paths == (Paths{"db", "y", "y/x"}))
      << absl::StrJoin(paths, ",");
}

TEST_F(MemEnvTest, FilesOpenedBeforeCrashStopWorking) {
  Write("db/f", "data", /*sync=*/true);
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> writer, env_.NewWritableFile("db/g"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RandomAccessFile> reader,
                       env_.NewRandomAccessFile("db/f"));
  env_.Crash();
  absl::Status s = writer->Append("x");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "Crash")) << s;
  uint8_t buf[4];
  EXPECT_EQ(reader->Read(0, 4, buf).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(MemEnvTest, SyncAfterCloseIsRefusedButEarlierSyncCounts) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_.NewWritableFile("db/f"));
  ASSERT_OK(env_.SyncDir("db"));
  ASSERT_OK(file->Append("abc"));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Close());
  EXPECT_EQ(file->Sync().code(), absl::StatusCode::kFailedPrecondition);
  env_.Crash();
  EXPECT_EQ(Read("db/f"), "abc");
}

TEST_F(MemEnvTest, NormalizesPaths) {
  Write("/db//x/../f", "data", /*sync=*/false);
  EXPECT_EQ(Read("./db/f/"), "data");
  EXPECT_EQ(Read("db/f"), "data");
  EXPECT_EQ(env_.AllPaths(), (Paths{"db", "db/f"}));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> root, env_.ListDir("/"));
  EXPECT_EQ(root, Paths{"db"});
}

TEST_F(MemEnvTest, RenameDirectoryIntoItselfIsInvalid) {
  ASSERT_OK(env_.CreateDirs("db/a/b"));
  EXPECT_EQ(env_.Rename("db/a", "db/a/b/c").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(env_.AllPaths(), (Paths{"db", "db/a", "db/a/b"}));
}

TEST_F(MemEnvTest, RenameDirectoryOverNonEmptyDirectoryFails) {
  ASSERT_OK(env_.CreateDirs("db/a"));
  ASSERT_OK(env_.CreateDirs("db/b/c"));
  EXPECT_EQ(env_.Rename("db/a", "db/b").code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK(env_.RemoveAll("db/b/c"));
  EXPECT_OK(env_.Rename("db/a", "db/b"));
  EXPECT_EQ(env_.AllPaths(), (Paths{"db", "db/b"}));
}

TEST_F(MemEnvTest, ConcurrentWritersToDistinctFiles) {
  constexpr int kThreads = 4;
  constexpr int kAppends = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      const std::string path = absl::StrCat("db/f", t);
      auto file = env_.NewWritableFile(path);
      if (!file.ok()) return;
      for (int i = 0; i < kAppends; ++i) {
        if (!(*file)->Append("x").ok()) return;
        if (i % 100 == 0 && !env_.SyncDir("db").ok()) return;
      }
      (void)(*file)->Sync();
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_OK(env_.SyncDir("db"));
  env_.Crash();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(Read(absl::StrCat("db/f", t)), std::string(kAppends, 'x'));
  }
}

}  // namespace
}  // namespace tally::engine
