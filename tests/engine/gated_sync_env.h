// GatedSyncEnv: a MemEnv whose manifest syncs can be held at a gate, for tests of the
// commit path: a test closes the gate, sees commits arrive at their sync, and lets them go.
//
// Thread-safe.
#ifndef TALLY_TESTS_ENGINE_GATED_SYNC_ENV_H_
#define TALLY_TESTS_ENGINE_GATED_SYNC_ENV_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/env.h"
#include "engine/mem_env.h"
#include "format/status_macros.h"

namespace tally::engine {

class GatedSyncEnv final : public Env {
 public:
  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(auto f, mem_.NewWritableFile(path));
    return Wrap(std::move(f), path);
  }
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    TALLY_ASSIGN_OR_RETURN(auto f, mem_.NewAppendableFile(path));
    return Wrap(std::move(f), path);
  }
  absl::StatusOr<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    return mem_.NewRandomAccessFile(path);
  }
  absl::StatusOr<std::string> ReadFileToString(const std::string& path) override { return mem_.ReadFileToString(path); }
  bool FileExists(const std::string& path) override { return mem_.FileExists(path); }
  absl::StatusOr<bool> IsDirectory(const std::string& path) override { return mem_.IsDirectory(path); }
  absl::StatusOr<uint64_t> GetFileSize(const std::string& path) override { return mem_.GetFileSize(path); }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& dir) override { return mem_.ListDir(dir); }
  absl::Status CreateDirs(const std::string& dir) override { return mem_.CreateDirs(dir); }
  absl::Status DeleteFile(const std::string& path) override { return mem_.DeleteFile(path); }
  absl::Status RemoveAll(const std::string& path) override { return mem_.RemoveAll(path); }
  absl::Status Rename(const std::string& from, const std::string& to) override { return mem_.Rename(from, to); }
  absl::Status SyncDir(const std::string& dir) override { return mem_.SyncDir(dir); }
  absl::StatusOr<std::unique_ptr<FileLock>> LockFile(const std::string& path) override { return mem_.LockFile(path); }

  // From now on a manifest sync waits until Release().
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = false;
    cv_.notify_all();
  }
  // Waits until `n` manifest syncs in all have reached the gate.
  bool WaitForArrivals(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return arrivals_ >= n; });
  }
  MemEnv* mem() { return &mem_; }  // for Crash()
  int arrivals() {
    std::lock_guard<std::mutex> lock(mu_);
    return arrivals_;
  }

 private:
  class File final : public WritableFile {
   public:
    File(std::unique_ptr<WritableFile> base, GatedSyncEnv* env, bool manifest)
        : base_(std::move(base)), env_(env), manifest_(manifest) {}
    absl::Status Append(absl::string_view data) override { return base_->Append(data); }
    absl::Status Sync() override {
      if (manifest_) env_->Gate();
      return base_->Sync();
    }
    absl::Status Close() override { return base_->Close(); }

   private:
    std::unique_ptr<WritableFile> base_;
    GatedSyncEnv* env_;
    bool manifest_;
  };

  std::unique_ptr<WritableFile> Wrap(std::unique_ptr<WritableFile> f, const std::string& path) {
    // The manifest is written as MANIFEST.tmp and renamed; later edits append to that file.
    return std::make_unique<File>(std::move(f), this, absl::StrContains(path, "/MANIFEST"));
  }
  void Gate() {
    std::unique_lock<std::mutex> lock(mu_);
    if (!closed_) return;
    ++arrivals_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !closed_; });
  }

  MemEnv mem_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
  int arrivals_ = 0;
};

}  // namespace tally::engine

#endif  // TALLY_TESTS_ENGINE_GATED_SYNC_ENV_H_
