// FaultInjectionEnv: wraps another Env and fails a chosen mutating step, to test that
// the engine survives dying at every write, fsync and rename.
//
// Mutating steps are, each counting one: NewWritableFile, NewAppendableFile,
// WritableFile::Append, WritableFile::Sync, WritableFile::Close, CreateDirs, DeleteFile,
// RemoveAll, Rename, SyncDir and LockFile. Reads (NewRandomAccessFile, ReadFileToString, FileExists, IsDirectory,
// GetFileSize, ListDir, RandomAccessFile::Read) are not steps and always pass through.
//
// Steps are numbered from 0 in the order they are attempted through this env, over its
// whole lifetime; steps() is the number attempted so far, including those that failed.
// A failed step is not performed: the base Env never sees it. The error is
// absl::UnavailableError("injected fault at step N: <Op> <path>").
//
// The crash test pattern:
//   for (int64_t n = 0;; ++n) {
//     MemEnv mem;
//     FaultInjectionEnv fault(&mem);
//     fault.FailAtStep(n);
//     Status s = RunWriter(&fault);         // fails at step n, as if the process died
//     if (!fault.injected_faults()) break;  // the writer finished in fewer than n steps
//     mem.Crash();
//     CheckInvariant(&mem);                 // reopen through `mem` directly
//   }
//
// Thread-safe. The base Env must outlive this one, and this one every file opened
// through it.
#ifndef TALLY_ENGINE_FAULT_INJECTION_ENV_H_
#define TALLY_ENGINE_FAULT_INJECTION_ENV_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "engine/env.h"

namespace tally::engine {

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  // Makes the step numbered `step` (absolute, as counted by steps(); pass steps() + k for
  // "the k-th step from now") and every later step fail, as if the process died there.
  void FailAtStep(int64_t step);
  // Makes only the step numbered `step` fail; later steps succeed. For error paths.
  void FailOnceAtStep(int64_t step);
  // Stops injecting faults. steps() keeps counting.
  void ClearFault();
  // Makes every step from now on fail with `code`, as a full disk (kResourceExhausted) or
  // read-only media (kPermissionDenied) would.
  void FailEveryStepWith(absl::StatusCode code);

  int64_t NowMicros() override { return base_->NowMicros(); }

  // Mutating steps attempted so far, including failed ones.
  int64_t steps() const;
  // Steps that were failed by injection so far.
  int64_t injected_faults() const;

  // Counts a step named `op` on `path`; returns the injected error if it must fail.
  // Public for the wrapped WritableFile.
  absl::Status Step(absl::string_view op, absl::string_view path);

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override;
  absl::StatusOr<std::string> ReadFileToString(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  absl::StatusOr<bool> IsDirectory(const std::string& path) override;
  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override;
  absl::Status CreateDirs(const std::string& dir) override;
  absl::Status DeleteFile(const std::string& path) override;
  absl::Status RemoveAll(const std::string& path) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status SyncDir(const std::string& dir) override;
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

 private:
  static constexpr int64_t kNever = -1;

  Env* const base_;
  mutable std::mutex mu_;  // std::mutex: ThreadSanitizer sees through it (the system Abseil is not annotated)
  int64_t steps_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t injected_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t fail_at_ ABSL_GUARDED_BY(mu_) = kNever;
  bool fail_once_ ABSL_GUARDED_BY(mu_) = false;
  absl::StatusCode fault_code_ ABSL_GUARDED_BY(mu_) = absl::StatusCode::kUnavailable;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_FAULT_INJECTION_ENV_H_
