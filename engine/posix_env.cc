// PosixEnv: Env::Default(), the real file system through POSIX calls.
//
// Thread-safe: the object holds no state. Every open uses O_CLOEXEC and every descriptor
// is closed by its owner's destructor. Errors carry the operation, the path and
// strerror(errno); ErrnoStatus (env.h) maps errno to a status code.
//
// WritableFile::Append calls write(2) directly, without a user-space buffer, so appended
// bytes are visible to readers at once, as in MemEnv. Callers append whole blocks.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "engine/env.h"
#include "format/status_macros.h"

namespace tally::engine {
namespace {

absl::StatusCode ErrnoToCode(int err) {
  switch (err) {
    case ENOENT:
      return absl::StatusCode::kNotFound;
    case EEXIST:
      return absl::StatusCode::kAlreadyExists;
    case EACCES:
    case EPERM:
    case EROFS:
      return absl::StatusCode::kPermissionDenied;
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
      return absl::StatusCode::kResourceExhausted;
    // The caller asked for something the current tree does not allow.
    case ENOTDIR:
    case EISDIR:
    case ENOTEMPTY:
    case EXDEV:
      return absl::StatusCode::kFailedPrecondition;
    case EINVAL:
    case ENAMETOOLONG:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kUnknown;
  }
}

}  // namespace

absl::Status ErrnoStatus(absl::string_view op, absl::string_view path, int err) {
  return absl::Status(ErrnoToCode(err), absl::StrCat(op, " ", path, ": ", std::strerror(err)));
}

namespace {

absl::StatusOr<int> OpenFd(const std::string& path, int flags, absl::string_view op) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus(op, path, errno);
  return fd;
}

absl::StatusOr<struct stat> Stat(const std::string& path, absl::string_view op) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(op, path, errno);
  return st;
}

absl::Status IsADirectoryError(absl::string_view op, absl::string_view path) {
  return absl::FailedPreconditionError(absl::StrCat(op, " ", path, ": is a directory"));
}

// Reads exactly n bytes at offset, or fewer if the file ends first; returns the count.
absl::StatusOr<size_t> PreadFully(int fd, const std::string& path, uint64_t offset, size_t n,
                                  uint8_t* out) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read", path, errno);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  absl::Status Append(absl::string_view data) override {
    TALLY_RETURN_IF_ERROR(CheckOpen("append"));
    while (!data.empty()) {
      ssize_t w = ::write(fd_, data.data(), data.size());
      if (w < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(w));
    }
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    TALLY_RETURN_IF_ERROR(CheckOpen("sync"));
    int rc;
    do {
      rc = ::fdatasync(fd_);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return ErrnoStatus("fdatasync", path_, errno);
    return absl::OkStatus();
  }

  absl::Status Close() override {
    TALLY_RETURN_IF_ERROR(CheckOpen("close"));
    // The descriptor is released even when close(2) reports an error; retrying after
    // EINTR could close a descriptor another thread has since opened.
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0 && errno != EINTR) return ErrnoStatus("close", path_, errno);
    return absl::OkStatus();
  }

 private:
  absl::Status CheckOpen(absl::string_view op) const {
    if (fd_ >= 0) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(op, " ", path_, ": file is closed"));
  }

  const std::string path_;
  int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  absl::Status Read(uint64_t offset, size_t n, uint8_t* out) const override {
    if (offset > size_ || n > size_ - offset) return PastEnd(offset, n, size_);
    TALLY_ASSIGN_OR_RETURN(size_t got, PreadFully(fd_, path_, offset, n, out));
    // The file shrank after it was opened.
    if (got < n) return PastEnd(offset, n, offset + got);
    return absl::OkStatus();
  }
  uint64_t Size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  absl::Status PastEnd(uint64_t offset, size_t n, uint64_t size) const {
    return absl::DataLossError(absl::StrCat(path_, ": read of ", n, " bytes at offset ", offset,
                                            " past end of file (size ", size, ")"));
  }

  const std::string path_;
  const int fd_;
  const uint64_t size_;
};

// fcntl record locks belong to the process: a second lock of the same file by this
// process would succeed, and closing any descriptor of the file would drop the lock. So
// the files this process has locked are also kept here, by their canonical path (as
// LevelDB's PosixLockTable does), and the locked descriptor is the only one ever opened.
class LockTable {
 public:
  bool Insert(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return paths_.insert(path).second;
  }
  void Erase(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.erase(path);
  }

 private:
  std::mutex mu_;
  std::set<std::string> paths_;
};

LockTable& Locks() {
  static LockTable* table = new LockTable;
  return *table;
}

class PosixFileLock final : public FileLock {
 public:
  PosixFileLock(std::string canonical, int fd) : canonical_(std::move(canonical)), fd_(fd) {}
  ~PosixFileLock() override {
    ::close(fd_);  // releases the fcntl lock
    Locks().Erase(canonical_);
  }

 private:
  const std::string canonical_;
  const int fd_;
};

class PosixEnv final : public Env {
 public:
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(
      const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(int fd, OpenFd(path, O_WRONLY | O_CREAT | O_TRUNC, "open"));
    return std::make_unique<PosixWritableFile>(path, fd);
  }

  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(int fd, OpenFd(path, O_WRONLY | O_APPEND, "open"));
    return std::make_unique<PosixWritableFile>(path, fd);
  }

  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(int fd, OpenFd(path, O_RDWR | O_CREAT, "open lock file"));
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved == nullptr) {
      absl::Status s = ErrnoStatus("realpath", path, errno);
      ::close(fd);
      return s;
    }
    std::string canonical = resolved;
    ::free(resolved);
    if (!Locks().Insert(canonical)) {
      ::close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is locked by this process (PID ", ::getpid(), ") already"));
    }
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (::fcntl(fd, F_SETLK, &lock) == 0) return std::make_unique<PosixFileLock>(canonical, fd);
    const int err = errno;
    std::string holder;
    struct flock probe = {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    if (::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK && probe.l_pid > 0) {
      holder = absl::StrCat(" (PID ", probe.l_pid, ")");
    }
    ::close(fd);
    Locks().Erase(canonical);
    if (err == EACCES || err == EAGAIN) {
      return absl::FailedPreconditionError(absl::StrCat(path, " is locked by another process", holder));
    }
    return ErrnoStatus("lock", path, err);
  }

  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(int fd, OpenFd(path, O_RDONLY, "open"));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      absl::Status s = ErrnoStatus("fstat", path, errno);
      ::close(fd);
      return s;
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return IsADirectoryError("open", path);
    }
    return std::make_unique<PosixRandomAccessFile>(path, fd, static_cast<uint64_t>(st.st_size));
  }

  absl::StatusOr<std::string> ReadFileToString(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, NewRandomAccessFile(path));
    std::string out(file->Size(), '\0');
    TALLY_RETURN_IF_ERROR(file->Read(0, out.size(), reinterpret_cast<uint8_t*>(out.data())));
    return out;
  }

  bool FileExists(const std::string& path) override {
    return ::access(path.c_str(), F_OK) == 0;
  }

  absl::StatusOr<bool> IsDirectory(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(struct stat st, Stat(path, "stat"));
    return S_ISDIR(st.st_mode);
  }

  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(struct stat st, Stat(path, "stat"));
    if (S_ISDIR(st.st_mode)) return IsADirectoryError("file size of", path);
    return static_cast<uint64_t>(st.st_size);
  }

  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus("opendir", dir, errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* entry = ::readdir(d)) {
      absl::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
      errno = 0;
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoStatus("readdir", dir, err);
    std::sort(names.begin(), names.end());
    return names;
  }

  absl::Status CreateDirs(const std::string& dir) override {
    // mkdir each prefix in turn: "a", "a/b", "a/b/c".
    for (size_t end = 0; end != std::string::npos;) {
      end = dir.find('/', end + 1);
      std::string prefix = dir.substr(0, end);
      if (prefix.empty() || prefix.back() == '/') continue;
      if (::mkdir(prefix.c_str(), 0755) == 0) continue;
      if (errno != EEXIST) {
        return ErrnoStatus(absl::StrCat("create dirs ", dir, ": mkdir"), prefix, errno);
      }
      struct stat st;
      if (::stat(prefix.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return absl::AlreadyExistsError(
            absl::StrCat("create dirs ", dir, ": ", prefix, " exists and is not a directory"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus("unlink", path, errno);
    return absl::OkStatus();
  }

  absl::Status RemoveAll(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return absl::OkStatus();
      return ErrnoStatus("lstat", path, errno);
    }
    if (!S_ISDIR(st.st_mode)) {
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return ErrnoStatus("unlink", path, errno);
      }
      return absl::OkStatus();
    }
    TALLY_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(path));
    for (const std::string& name : names) TALLY_RETURN_IF_ERROR(RemoveAll(JoinPath(path, name)));
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("rmdir", path, errno);
    return absl::OkStatus();
  }

  absl::Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus("rename", absl::StrCat(from, " -> ", to), errno);
    }
    return absl::OkStatus();
  }

  absl::Status SyncDir(const std::string& dir) override {
    TALLY_ASSIGN_OR_RETURN(int fd, OpenFd(dir, O_RDONLY | O_DIRECTORY, "open dir"));
    int rc;
    do {
      rc = ::fsync(fd);
    } while (rc != 0 && errno == EINTR);
    absl::Status s = rc == 0 ? absl::OkStatus() : ErrnoStatus("fsync dir", dir, errno);
    ::close(fd);
    return s;
  }
};

}  // namespace

Env* Env::Default() {
  static Env* const env = new PosixEnv;
  return env;
}

}  // namespace tally::engine
