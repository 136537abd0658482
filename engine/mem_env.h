// MemEnv: an Env held entirely in memory that models crash durability as strictly as
// POSIX allows without O_SYNC, so tests can "pull the plug" with Crash() and check what
// a real disk could have kept.
//
// Durability rules (what survives Crash()):
//   * A file's contents are durable up to its last successful WritableFile::Sync().
//     Bytes appended later, and a truncation by NewWritableFile on an existing file,
//     are lost.
//   * A directory entry (file creation, mkdir, rename, delete, RemoveAll) is durable only
//     once SyncDir(parent) succeeds after it. Until then Crash() undoes it: a new file or
//     directory vanishes, a renamed one returns to its old name, a deleted one returns.
//   * A rename moves the entry, not the contents: a file synced before a rename keeps its
//     synced bytes under whichever name survives. A rename across directories needs both
//     parents synced; if only the target's is, both names may survive the crash (as with
//     a hard link), like a journaling file system that replays only one directory.
//   * A durable entry inside a directory whose own entry is not durable is lost with it.
//
// The tree is made of inodes: each directory keeps its live entries and the entries as of
// its last SyncDir; each file keeps its live and its synced bytes. Crash() replaces every
// live view by the durable one, starting from the root.
//
// Paths are normalized: "/a//b/./c/", "./a/b/c" and "a/b/c" name the same node; ".."
// pops a component (never above the root). The root always exists and is durable.
//
// Thread-safe: one mutex guards the whole tree. Any use of a file opened before
// Crash() fails with FailedPrecondition (the process that opened it is gone).
#ifndef TALLY_ENGINE_MEM_ENV_H_
#define TALLY_ENGINE_MEM_ENV_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/env.h"

namespace tally::engine {

class MemEnv final : public Env {
 public:
  MemEnv();
  ~MemEnv() override;
  MemEnv(const MemEnv&) = delete;
  MemEnv& operator=(const MemEnv&) = delete;

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
  // Locks are per MemEnv; Crash() releases them all.
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override;

  // The real clock until SetNowMicros fixes it; then that value until set again.
  int64_t NowMicros() override;
  void SetNowMicros(int64_t now_us) { fake_now_us_.store(now_us); }
  void AdvanceSeconds(int64_t s) { fake_now_us_.fetch_add(s * 1000000); }

  // Reverts the namespace and every file's contents to their durable state, as after a
  // power loss. Files opened before the crash stop working.
  void Crash();

  // Every live path (directories and files, normalized, without the root), sorted.
  std::vector<std::string> AllPaths();

  struct State;  // Defined in mem_env.cc.

 private:
  // Shared with open files, which may therefore outlive the MemEnv harmlessly.
  std::shared_ptr<State> state_;
  std::atomic<int64_t> fake_now_us_{-1};  // -1: the real clock
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_MEM_ENV_H_
