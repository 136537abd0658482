// FaultInjectionEnv: step counting, failing at each step, and the crash-loop pattern
// engine tests use with MemEnv.
#include "engine/fault_injection_env.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/mem_env.h"
#include "format/status_macros.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using Paths = std::vector<std::string>;

// Ten mutating steps, one of each kind, numbered 0 to 9 in order; stops at the first error.
absl::Status Workload(Env* env) {
  TALLY_RETURN_IF_ERROR(env->CreateDirs("db"));
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile("db/tmp"));
  TALLY_RETURN_IF_ERROR(file->Append("hello "));
  TALLY_RETURN_IF_ERROR(file->Append("world"));
  TALLY_RETURN_IF_ERROR(file->Sync());
  TALLY_RETURN_IF_ERROR(file->Close());
  TALLY_RETURN_IF_ERROR(env->Rename("db/tmp", "db/final"));
  TALLY_RETURN_IF_ERROR(env->SyncDir("db"));
  TALLY_RETURN_IF_ERROR(env->DeleteFile("db/final"));
  return env->RemoveAll("db");
}
constexpr int64_t kWorkloadSteps = 10;

TEST(FaultInjectionEnvTest, CountsEveryMutatingStep) {
  MemEnv mem;
  FaultInjectionEnv fault(&mem);
  ASSERT_OK(Workload(&fault));
  EXPECT_EQ(fault.steps(), kWorkloadSteps);
  EXPECT_EQ(fault.injected_faults(), 0);
}

TEST(FaultInjectionEnvTest, ReadsAreNotStepsAndWorkAfterAFault) {
  MemEnv mem;
  ASSERT_OK(mem.CreateDirs("db"));
  ASSERT_OK(WriteFileSynced(&mem, "db/f", "data"));
  FaultInjectionEnv fault(&mem);
  fault.FailAtStep(0);
  EXPECT_EQ(fault.CreateDirs("db/x").code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(fault.FileExists("db/f"));
  ASSERT_OK_AND_ASSIGN(std::string contents, fault.ReadFileToString("db/f"));
  EXPECT_EQ(contents, "data");
  ASSERT_OK_AND_ASSIGN(uint64_t size, fault.GetFileSize("db/f"));
  EXPECT_EQ(size, 4u);
  ASSERT_OK_AND_ASSIGN(bool is_dir, fault.IsDirectory("db"));
  EXPECT_TRUE(is_dir);
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> names, fault.ListDir("db"));
  EXPECT_EQ(names, Paths{"f"});
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<RandomAccessFile> file, fault.NewRandomAccessFile("db/f"));
  uint8_t buf[4];
  EXPECT_OK(file->Read(0, 4, buf));
  EXPECT_EQ(fault.steps(), 1);
}

TEST(FaultInjectionEnvTest, FailAtStepFailsThatStepAndEveryLaterOneWithoutDoingThem) {
  const std::vector<std::string> ops = {
      "CreateDirs db", "NewWritableFile db/tmp", "Append db/tmp", "Append db/tmp",
      "Sync db/tmp",   "Close db/tmp",           "Rename db/tmp -> db/final",
      "SyncDir db",    "DeleteFile db/final",    "RemoveAll db"};
  // What the base env holds when step n fails: exactly steps 0..n-1 were performed.
  const std::vector<Paths> paths_after = {
      {},           {"db"}, {"db", "db/tmp"}, {"db", "db/tmp"},   {"db", "db/tmp"},
      {"db", "db/tmp"}, {"db", "db/tmp"}, {"db", "db/final"}, {"db", "db/final"}, {"db"}};
  const std::vector<std::string> tmp_after = {"", "", "", "hello ", "hello world", "hello world"};
  for (int64_t n = 0; n < kWorkloadSteps; ++n) {
    SCOPED_TRACE(absl::StrCat("step ", n));
    MemEnv mem;
    FaultInjectionEnv fault(&mem);
    fault.FailAtStep(n);
    absl::Status s = Workload(&fault);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_EQ(s.message(), absl::StrCat("injected fault at step ", n, ": ", ops[n]));
    EXPECT_EQ(fault.steps(), n + 1);
    EXPECT_EQ(fault.injected_faults(), 1);
    EXPECT_EQ(mem.AllPaths(), paths_after[n]);
    if (n >= 2 && n < 6) {
      ASSERT_OK_AND_ASSIGN(std::string tmp, mem.ReadFileToString("db/tmp"));
      EXPECT_EQ(tmp, tmp_after[n]);
    }
    // Sticky: every later step fails too.
    EXPECT_EQ(fault.SyncDir("").code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(fault.CreateDirs("other").code(), absl::StatusCode::kUnavailable);
    EXPECT_FALSE(mem.FileExists("other"));
    EXPECT_EQ(fault.injected_faults(), 3);
  }
}

TEST(FaultInjectionEnvTest, FailAtStepCountsFromConstructionNotFromTheCall) {
  MemEnv mem;
  FaultInjectionEnv fault(&mem);
  ASSERT_OK(fault.CreateDirs("a"));
  ASSERT_OK(fault.CreateDirs("b"));
  fault.FailAtStep(fault.steps() + 1);  // The second step from now: step 3.
  EXPECT_OK(fault.CreateDirs("c"));
  absl::Status s = fault.CreateDirs("d");
  EXPECT_EQ(s.message(), "injected fault at step 3: CreateDirs d");
}

TEST(FaultInjectionEnvTest, FailOnceAtStepFailsOnlyThatStep) {
  MemEnv mem;
  FaultInjectionEnv fault(&mem);
  fault.FailOnceAtStep(2);
  ASSERT_OK(fault.CreateDirs("db"));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<WritableFile> file, fault.NewWritableFile("db/f"));
  absl::Status s = file->Append("lost");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(s.message(), "step 2: Append db/f")) << s;
  ASSERT_OK(file->Append("kept"));
  ASSERT_OK(file->Close());
  ASSERT_OK_AND_ASSIGN(std::string contents, mem.ReadFileToString("db/f"));
  EXPECT_EQ(contents, "kept");
  EXPECT_EQ(fault.steps(), 5);
  EXPECT_EQ(fault.injected_faults(), 1);
}

TEST(FaultInjectionEnvTest, ClearFaultStopsInjection) {
  MemEnv mem;
  FaultInjectionEnv fault(&mem);
  fault.FailAtStep(0);
  EXPECT_FALSE(fault.CreateDirs("a").ok());
  fault.ClearFault();
  EXPECT_OK(fault.CreateDirs("a"));
  EXPECT_EQ(fault.steps(), 2);
}

// Replaces db/CURRENT with new contents through `env`, atomically if `sync_file`.
absl::Status ReplaceCurrent(Env* env, bool sync_file) {
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file,
                         env->NewWritableFile("db/CURRENT.tmp"));
  TALLY_RETURN_IF_ERROR(file->Append("version 2"));
  if (sync_file) TALLY_RETURN_IF_ERROR(file->Sync());
  TALLY_RETURN_IF_ERROR(file->Close());
  TALLY_RETURN_IF_ERROR(env->Rename("db/CURRENT.tmp", "db/CURRENT"));
  return env->SyncDir("db");
}

// The crash loop from fault_injection_env.h; returns the CURRENT contents seen after each
// crash.
std::vector<std::string> CrashAtEveryStep(bool sync_file) {
  std::vector<std::string> seen;
  for (int64_t n = 0;; ++n) {
    MemEnv mem;
    EXPECT_OK(mem.CreateDirs("db"));
    EXPECT_OK(WriteFileSynced(&mem, "db/CURRENT", "version 1"));
    EXPECT_OK(mem.SyncDir("db"));
    EXPECT_OK(mem.SyncDir(""));
    FaultInjectionEnv fault(&mem);
    fault.FailAtStep(n);
    absl::Status s = ReplaceCurrent(&fault, sync_file);
    mem.Crash();
    absl::StatusOr<std::string> current = mem.ReadFileToString("db/CURRENT");
    seen.push_back(current.ok() ? *current : current.status().ToString());
    if (fault.injected_faults() == 0) {
      EXPECT_OK(s);
      break;
    }
    EXPECT_FALSE(s.ok());
  }
  return seen;
}

TEST(FaultInjectionEnvTest, AtomicReplaceSurvivesCrashAtEveryStep) {
  std::vector<std::string> seen = CrashAtEveryStep(/*sync_file=*/true);
  ASSERT_EQ(seen.size(), 7u);  // Six steps, then a run that completes.
  for (size_t n = 0; n < seen.size(); ++n) {
    EXPECT_EQ(seen[n], n < 6 ? "version 1" : "version 2") << "crash at step " << n;
  }
}

TEST(FaultInjectionEnvTest, CrashLoopCatchesAMissingFileSync) {
  std::vector<std::string> seen = CrashAtEveryStep(/*sync_file=*/false);
  // Once the rename is durable the unsynced bytes are gone: CURRENT is empty.
  EXPECT_EQ(seen.back(), "");
}

}  // namespace
}  // namespace tally::engine
