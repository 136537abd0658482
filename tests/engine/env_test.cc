// Env semantics every implementation shares: PosixEnv on a temporary directory, MemEnv,
// and FaultInjectionEnv (with no fault set) over MemEnv.
#include "engine/env.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "engine/fault_injection_env.h"
#include "engine/mem_env.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

// Expects `expr` (a Status or StatusOr) to fail with `want` and a message containing
// `substr`.
#define EXPECT_ENV_ERROR(expr, want, substr)                                       \
  do {                                                                             \
    const absl::Status env_test_s_ = ::tally::testing_internal::ToStatus((expr));  \
    EXPECT_EQ(env_test_s_.code(), (want)) << env_test_s_;                          \
    EXPECT_TRUE(absl::StrContains(env_test_s_.message(), (substr))) << env_test_s_; \
  } while (0)

enum class Kind { kPosix, kMem, kFaultOverMem };

std::string KindName(const testing::TestParamInfo<Kind>& info) {
  switch (info.param) {
    case Kind::kPosix:
      return "Posix";
    case Kind::kMem:
      return "Mem";
    case Kind::kFaultOverMem:
      return "FaultOverMem";
  }
  return "Unknown";
}

class EnvTest : public testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case Kind::kPosix: {
        env_ = Env::Default();
        std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
        root_ = JoinPath(testing::TempDir(),
                         absl::StrCat("tally_env_test_", getpid(), "_",
                                      absl::StrReplaceAll(name, {{"/", "_"}})));
        ASSERT_OK(env_->RemoveAll(root_));
        break;
      }
      case Kind::kMem:
        env_ = &mem_;
        root_ = "/tmp/env_test";
        break;
      case Kind::kFaultOverMem:
        env_ = &fault_;
        root_ = "/tmp/env_test";
        break;
    }
    ASSERT_OK(env_->CreateDirs(root_));
  }

  void TearDown() override {
    if (GetParam() == Kind::kPosix) EXPECT_OK(env_->RemoveAll(root_));
  }

  std::string Path(absl::string_view name) const { return JoinPath(root_, name); }

  MemEnv mem_;
  FaultInjectionEnv fault_{&mem_};
  Env* env_ = nullptr;
  std::string root_;
};

INSTANTIATE_TEST_SUITE_P(AllEnvs, EnvTest,
                         testing::Values(Kind::kPosix, Kind::kMem, Kind::kFaultOverMem),
                         KindName);

TEST_P(EnvTest, WritesAndReadsBack) {
  const std::string path = Path("f");
  ASSERT_OK(WriteFileSynced(env_, path, "hello world"));
  ASSERT_OK_AND_ASSIGN(std::string contents, env_->ReadFileToString(path));
  EXPECT_EQ(contents, "hello world");
  ASSERT_OK_AND_ASSIGN(uint64_t size, env_->GetFileSize(path));
  EXPECT_EQ(size, 11u);
  EXPECT_TRUE(env_->FileExists(path));

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RandomAccessFile> file, env_->NewRandomAccessFile(path));
  EXPECT_EQ(file->Size(), 11u);
  EXPECT_EQ(file->path(), path);
  uint8_t buf[5];
  ASSERT_OK(file->Read(6, 5, buf));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 5), "world");
}

TEST_P(EnvTest, AppendsAccumulateAcrossCallsAndLargeWrites) {
  const std::string path = Path("big");
  std::string expected;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_->NewWritableFile(path));
  for (int i = 0; i < 8; ++i) {
    std::string chunk(1 << 17, static_cast<char>('a' + i));
    ASSERT_OK(file->Append(chunk));
    expected += chunk;
  }
  ASSERT_OK(file->Append(""));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Close());
  ASSERT_OK_AND_ASSIGN(std::string contents, env_->ReadFileToString(path));
  EXPECT_EQ(contents, expected);
}

TEST_P(EnvTest, AppendedBytesAreVisibleBeforeSync) {
  const std::string path = Path("f");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_->NewWritableFile(path));
  ASSERT_OK(file->Append("abc"));
  ASSERT_OK_AND_ASSIGN(std::string contents, env_->ReadFileToString(path));
  EXPECT_EQ(contents, "abc");
}

TEST_P(EnvTest, NewWritableFileTruncates) {
  const std::string path = Path("f");
  ASSERT_OK(WriteFileSynced(env_, path, "long contents"));
  ASSERT_OK(WriteFileSynced(env_, path, "short"));
  ASSERT_OK_AND_ASSIGN(std::string contents, env_->ReadFileToString(path));
  EXPECT_EQ(contents, "short");
}

TEST_P(EnvTest, ClosedFileRejectsWrites) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, env_->NewWritableFile(Path("f")));
  ASSERT_OK(file->Close());
  EXPECT_ENV_ERROR(file->Append("x"), absl::StatusCode::kFailedPrecondition, "closed");
  EXPECT_ENV_ERROR(file->Sync(), absl::StatusCode::kFailedPrecondition, "closed");
}

TEST_P(EnvTest, ReadPastEndIsDataLoss) {
  const std::string path = Path("f");
  ASSERT_OK(WriteFileSynced(env_, path, "0123456789"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RandomAccessFile> file, env_->NewRandomAccessFile(path));
  uint8_t buf[16];
  EXPECT_ENV_ERROR(file->Read(8, 3, buf), absl::StatusCode::kDataLoss,
                   absl::StrCat(path, ": read of 3 bytes at offset 8 past end of file (size 10)"));
  EXPECT_ENV_ERROR(file->Read(11, 0, buf), absl::StatusCode::kDataLoss, "offset 11");
  EXPECT_ENV_ERROR(file->Read(UINT64_MAX, 2, buf), absl::StatusCode::kDataLoss, "size 10");
  EXPECT_OK(file->Read(10, 0, buf));
  EXPECT_OK(file->Read(0, 10, buf));
}

TEST_P(EnvTest, MissingFileIsNotFound) {
  const std::string path = Path("missing");
  EXPECT_FALSE(env_->FileExists(path));
  EXPECT_ENV_ERROR(env_->ReadFileToString(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->NewRandomAccessFile(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->GetFileSize(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->IsDirectory(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->DeleteFile(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->Rename(path, Path("other")), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->ListDir(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->SyncDir(path), absl::StatusCode::kNotFound, path);
  EXPECT_ENV_ERROR(env_->NewWritableFile(Path("missing/f")), absl::StatusCode::kNotFound,
                   "missing/f");
}

TEST_P(EnvTest, DirectoriesAreNotFiles) {
  ASSERT_OK(env_->CreateDirs(Path("d")));
  EXPECT_ENV_ERROR(env_->NewWritableFile(Path("d")), absl::StatusCode::kFailedPrecondition, "d");
  EXPECT_ENV_ERROR(env_->NewRandomAccessFile(Path("d")), absl::StatusCode::kFailedPrecondition,
                   "d");
  EXPECT_ENV_ERROR(env_->GetFileSize(Path("d")), absl::StatusCode::kFailedPrecondition, "d");
  EXPECT_ENV_ERROR(env_->DeleteFile(Path("d")), absl::StatusCode::kFailedPrecondition, "d");
  ASSERT_OK(WriteFileSynced(env_, Path("f"), "x"));
  EXPECT_ENV_ERROR(env_->ListDir(Path("f")), absl::StatusCode::kFailedPrecondition, "f");
}

TEST_P(EnvTest, IsDirectoryTellsDirectoriesFromFiles) {
  ASSERT_OK(env_->CreateDirs(Path("d")));
  ASSERT_OK(WriteFileSynced(env_, Path("f"), "x"));
  ASSERT_OK_AND_ASSIGN(bool d_is_dir, env_->IsDirectory(Path("d")));
  ASSERT_OK_AND_ASSIGN(bool f_is_dir, env_->IsDirectory(Path("f")));
  EXPECT_TRUE(d_is_dir);
  EXPECT_FALSE(f_is_dir);
  EXPECT_TRUE(env_->FileExists(Path("d")));
}

TEST_P(EnvTest, ListDirIsSortedNamesWithoutDots) {
  ASSERT_OK(WriteFileSynced(env_, Path("b"), ""));
  ASSERT_OK(WriteFileSynced(env_, Path("a"), ""));
  ASSERT_OK(env_->CreateDirs(Path("c/inner")));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, env_->ListDir(root_));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> inner, env_->ListDir(Path("c/inner")));
  EXPECT_TRUE(inner.empty());
}

TEST_P(EnvTest, CreateDirsMakesParentsAndIsIdempotent) {
  ASSERT_OK(env_->CreateDirs(Path("x/y/z")));
  ASSERT_OK(env_->CreateDirs(Path("x/y/z")));
  ASSERT_OK(env_->CreateDirs(Path("x/y")));
  for (const char* dir : {"x", "x/y", "x/y/z"}) {
    ASSERT_OK_AND_ASSIGN(bool is_dir, env_->IsDirectory(Path(dir)));
    EXPECT_TRUE(is_dir) << dir;
  }
}

TEST_P(EnvTest, CreateDirsOverFileIsAlreadyExists) {
  ASSERT_OK(WriteFileSynced(env_, Path("f"), "x"));
  EXPECT_ENV_ERROR(env_->CreateDirs(Path("f")), absl::StatusCode::kAlreadyExists, "f");
  EXPECT_ENV_ERROR(env_->CreateDirs(Path("f/sub")), absl::StatusCode::kAlreadyExists, "f");
}

TEST_P(EnvTest, RenameMovesFile) {
  ASSERT_OK(WriteFileSynced(env_, Path("a"), "contents"));
  ASSERT_OK(env_->Rename(Path("a"), Path("b")));
  EXPECT_FALSE(env_->FileExists(Path("a")));
  ASSERT_OK_AND_ASSIGN(std::string contents, env_->ReadFileToString(Path("b")));
  EXPECT_EQ(contents, "contents");
}

TEST_P(EnvTest, RenameReplacesExistingFile) {
  ASSERT_OK(WriteFileSynced(env_, Path("tmp"), "new"));
  ASSERT_OK(WriteFileSynced(env_, Path("final"), "old"));
  ASSERT_OK(env_->Rename(Path("tmp"), Path("final")));
  ASSERT_OK_AND_ASSIGN(std::string contents, env_->ReadFileToString(Path("final")));
  EXPECT_EQ(contents, "new");
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, env_->ListDir(root_));
  EXPECT_EQ(names, std::vector<std::string>{"final"});
}

TEST_P(EnvTest, RenameMovesDirectoryWithContents) {
  ASSERT_OK(env_->CreateDirs(Path("tmp_part/sub")));
  ASSERT_OK(WriteFileSynced(env_, Path("tmp_part/sub/col.bin"), "data"));
  ASSERT_OK(env_->CreateDirs(Path("parts")));
  ASSERT_OK(env_->Rename(Path("tmp_part"), Path("parts/part_1")));
  EXPECT_FALSE(env_->FileExists(Path("tmp_part")));
  ASSERT_OK_AND_ASSIGN(std::string contents,
                       env_->ReadFileToString(Path("parts/part_1/sub/col.bin")));
  EXPECT_EQ(contents, "data");
}

TEST_P(EnvTest, DeleteFileRemovesOnlyThatFile) {
  ASSERT_OK(WriteFileSynced(env_, Path("a"), "1"));
  ASSERT_OK(WriteFileSynced(env_, Path("b"), "2"));
  ASSERT_OK(env_->DeleteFile(Path("a")));
  EXPECT_FALSE(env_->FileExists(Path("a")));
  EXPECT_TRUE(env_->FileExists(Path("b")));
}

TEST_P(EnvTest, RemoveAllRemovesTreeFileAndIsOkIfAbsent) {
  ASSERT_OK(env_->CreateDirs(Path("t/a/b")));
  ASSERT_OK(WriteFileSynced(env_, Path("t/a/b/f"), "1"));
  ASSERT_OK(WriteFileSynced(env_, Path("t/g"), "2"));
  ASSERT_OK(WriteFileSynced(env_, Path("single"), "3"));
  ASSERT_OK(env_->RemoveAll(Path("t")));
  ASSERT_OK(env_->RemoveAll(Path("single")));
  EXPECT_FALSE(env_->FileExists(Path("t")));
  EXPECT_FALSE(env_->FileExists(Path("single")));
  EXPECT_OK(env_->RemoveAll(Path("t")));
  EXPECT_OK(env_->RemoveAll(Path("never/existed")));
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, env_->ListDir(root_));
  EXPECT_TRUE(names.empty());
}

TEST_P(EnvTest, SyncDirSucceedsOnDirectory) {
  ASSERT_OK(WriteFileSynced(env_, Path("f"), "x"));
  EXPECT_OK(env_->SyncDir(root_));
}

TEST_P(EnvTest, ConcurrentReadsOfOneFileAgree) {
  std::string data;
  for (int i = 0; i < 4096; ++i) data.push_back(static_cast<char>(i * 7));
  ASSERT_OK(WriteFileSynced(env_, Path("f"), data));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RandomAccessFile> file,
                       env_->NewRandomAccessFile(Path("f")));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      uint8_t buf[64];
      for (uint64_t offset = t; offset + 64 <= data.size(); offset += 61) {
        if (!file->Read(offset, 64, buf).ok() || std::memcmp(buf, &data[offset], 64) != 0) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(JoinPathTest, JoinsWithExactlyOneSlash) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a", "/b"), "a/b");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", ""), "a");
  EXPECT_EQ(JoinPath("/data/parts", "p_1/col.bin"), "/data/parts/p_1/col.bin");
}

TEST(PosixEnvTest, DefaultIsOneInstance) { EXPECT_EQ(Env::Default(), Env::Default()); }

TEST(PosixEnvTest, ErrorNamesOperationPathAndErrno) {
  const std::string path = JoinPath(testing::TempDir(), "tally_env_test_no_such_file");
  absl::Status s = Env::Default()->NewRandomAccessFile(path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), absl::StrCat("open ", path, ": No such file or directory"));
}

TEST(PosixEnvTest, ErrnoMapsToStatusCodes) {
  const std::vector<std::pair<int, absl::StatusCode>> cases = {
      {ENOENT, absl::StatusCode::kNotFound},
      {EEXIST, absl::StatusCode::kAlreadyExists},
      {EACCES, absl::StatusCode::kPermissionDenied},
      {EPERM, absl::StatusCode::kPermissionDenied},
      {ENOSPC, absl::StatusCode::kResourceExhausted},
      {ENOTEMPTY, absl::StatusCode::kFailedPrecondition},
      {EIO, absl::StatusCode::kUnknown},
  };
  for (const auto& [err, code] : cases) {
    absl::Status s = ErrnoStatus("write", "dir/file", err);
    EXPECT_EQ(s.code(), code) << s;
    EXPECT_EQ(s.message(), absl::StrCat("write dir/file: ", std::strerror(err)));
  }
}

TEST(PosixEnvTest, AccessErrorsArePermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores file permissions";
  Env* env = Env::Default();
  const std::string dir = JoinPath(testing::TempDir(), absl::StrCat("tally_env_ro_", getpid()));
  ASSERT_OK(env->RemoveAll(dir));
  ASSERT_OK(env->CreateDirs(dir));
  ASSERT_EQ(chmod(dir.c_str(), 0500), 0);
  EXPECT_ENV_ERROR(env->NewWritableFile(JoinPath(dir, "f")),
                   absl::StatusCode::kPermissionDenied, "Permission denied");
  ASSERT_EQ(chmod(dir.c_str(), 0700), 0);
  EXPECT_OK(env->RemoveAll(dir));
}

}  // namespace
}  // namespace tally::engine
