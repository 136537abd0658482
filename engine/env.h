// Env: the file system as the engine sees it. Everything that touches disk goes through
// an Env so tests can swap in MemEnv (in memory, with crash semantics) or
// FaultInjectionEnv (fails at a chosen step).
//
// Implementations are thread-safe. A WritableFile or RandomAccessFile object is used by
// one thread at a time (RandomAccessFile::Read is safe to call concurrently).
#ifndef TALLY_ENGINE_ENV_H_
#define TALLY_ENGINE_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tally::engine {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual absl::Status Append(absl::string_view data) = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual absl::Status Sync() = 0;
  virtual absl::Status Close() = 0;
};

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly n bytes at offset into out. Reading past the end is DataLoss
  // ("<path>: read of n bytes at offset o past end of file (size s)").
  virtual absl::Status Read(uint64_t offset, size_t n, uint8_t* out) const = 0;
  virtual uint64_t Size() const = 0;
  virtual const std::string& path() const = 0;
};

// A lock on a file, held until the object is destroyed or the process ends (the OS
// releases it then, so a crashed process never leaves a stale lock behind).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  // Creates or truncates.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens an existing file to append at its end; NotFound if it does not exist.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  virtual absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;
  virtual absl::StatusOr<std::string> ReadFileToString(const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual absl::StatusOr<bool> IsDirectory(const std::string& path) = 0;
  virtual absl::StatusOr<uint64_t> GetFileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, sorted, without "." and "..".
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` and missing parents; ok if it exists.
  virtual absl::Status CreateDirs(const std::string& dir) = 0;
  virtual absl::Status DeleteFile(const std::string& path) = 0;
  // Removes a file or a directory tree; ok if absent.
  virtual absl::Status RemoveAll(const std::string& path) = 0;
  // Atomic rename; replaces an existing file `to`. Directories move to a new name only.
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (creates, renames, deletes) durable.
  virtual absl::Status SyncDir(const std::string& dir) = 0;

  // Takes an exclusive lock on `path`, creating the file (empty) if needed. Exclusive
  // across processes and within this one: a second LockFile of the same file fails with
  // FailedPrecondition naming the holder's PID where the OS tells it, until the first
  // lock is destroyed. Writes nothing into the file.
  virtual absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // Wall-clock time, microseconds since the Unix epoch: what TTL compares rows with. Tests
  // move a fake clock instead (MemEnv::SetNowMicros).
  virtual int64_t NowMicros();
};

// Writes `data` to `path` and syncs it (not the directory).
absl::Status WriteFileSynced(Env* env, const std::string& path, absl::string_view data);

// "a/b" from "a" and "b".
std::string JoinPath(absl::string_view a, absl::string_view b);

// The status for a failed POSIX call: "<op> <path>: <strerror(err)>", with ENOENT ->
// NotFound, EEXIST -> AlreadyExists, EACCES/EPERM/EROFS -> PermissionDenied,
// ENOSPC/EDQUOT/EMFILE/ENFILE -> ResourceExhausted, ENOTDIR/EISDIR/ENOTEMPTY/EXDEV ->
// FailedPrecondition, EINVAL/ENAMETOOLONG -> InvalidArgument, anything else -> Unknown.
// Defined in posix_env.cc.
absl::Status ErrnoStatus(absl::string_view op, absl::string_view path, int err);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_ENV_H_
