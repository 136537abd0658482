#include "engine/fault_injection_env.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::engine {
namespace {

class FaultInjectionWritableFile final : public WritableFile {
 public:
  FaultInjectionWritableFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base,
                             std::string path)
      : env_(env), base_(std::move(base)), path_(std::move(path)) {}

  absl::Status Append(absl::string_view data) override {
    TALLY_RETURN_IF_ERROR(env_->Step("Append", path_));
    return base_->Append(data);
  }
  absl::Status Sync() override {
    TALLY_RETURN_IF_ERROR(env_->Step("Sync", path_));
    return base_->Sync();
  }
  absl::Status Close() override {
    TALLY_RETURN_IF_ERROR(env_->Step("Close", path_));
    return base_->Close();
  }

 private:
  FaultInjectionEnv* const env_;
  const std::unique_ptr<WritableFile> base_;
  const std::string path_;
};

}  // namespace

void FaultInjectionEnv::FailAtStep(int64_t step) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = step;
  fail_once_ = false;
}

void FaultInjectionEnv::FailOnceAtStep(int64_t step) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = step;
  fail_once_ = true;
}

void FaultInjectionEnv::ClearFault() {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = kNever;
  fault_code_ = absl::StatusCode::kUnavailable;
}

void FaultInjectionEnv::FailEveryStepWith(absl::StatusCode code) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_at_ = steps_;
  fail_once_ = false;
  fault_code_ = code;
}

int64_t FaultInjectionEnv::steps() const {
  std::lock_guard<std::mutex> lock(mu_);
  return steps_;
}

int64_t FaultInjectionEnv::injected_faults() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_;
}

absl::Status FaultInjectionEnv::Step(absl::string_view op, absl::string_view path) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t step = steps_++;
  const bool fail = fail_at_ != kNever && (fail_once_ ? step == fail_at_ : step >= fail_at_);
  if (!fail) return absl::OkStatus();
  ++injected_;
  return absl::Status(fault_code_, absl::StrCat("injected fault at step ", step, ": ", op, " ", path));
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(const std::string& path) {
  TALLY_RETURN_IF_ERROR(Step("NewAppendableFile", path));
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_->NewAppendableFile(path));
  return std::make_unique<FaultInjectionWritableFile>(this, std::move(file), path);
}

absl::StatusOr<std::unique_ptr<FileLock>> FaultInjectionEnv::LockFile(const std::string& path) {
  TALLY_RETURN_IF_ERROR(Step("LockFile", path));
  return base_->LockFile(path);
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(
    const std::string& path) {
  TALLY_RETURN_IF_ERROR(Step("NewWritableFile", path));
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, base_->NewWritableFile(path));
  return std::make_unique<FaultInjectionWritableFile>(this, std::move(file), path);
}

absl::StatusOr<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(
    const std::string& path) {
  return base_->NewRandomAccessFile(path);
}

absl::StatusOr<std::string> FaultInjectionEnv::ReadFileToString(const std::string& path) {
  return base_->ReadFileToString(path);
}

bool FaultInjectionEnv::FileExists(const std::string& path) { return base_->FileExists(path); }

absl::StatusOr<bool> FaultInjectionEnv::IsDirectory(const std::string& path) {
  return base_->IsDirectory(path);
}

absl::StatusOr<uint64_t> FaultInjectionEnv::GetFileSize(const std::string& path) {
  return base_->GetFileSize(path);
}

absl::StatusOr<std::vector<std::string>> FaultInjectionEnv::ListDir(const std::string& dir) {
  return base_->ListDir(dir);
}

absl::Status FaultInjectionEnv::CreateDirs(const std::string& dir) {
  TALLY_RETURN_IF_ERROR(Step("CreateDirs", dir));
  return base_->CreateDirs(dir);
}

absl::Status FaultInjectionEnv::DeleteFile(const std::string& path) {
  TALLY_RETURN_IF_ERROR(Step("DeleteFile", path));
  return base_->DeleteFile(path);
}

absl::Status FaultInjectionEnv::RemoveAll(const std::string& path) {
  TALLY_RETURN_IF_ERROR(Step("RemoveAll", path));
  return base_->RemoveAll(path);
}

absl::Status FaultInjectionEnv::Rename(const std::string& from, const std::string& to) {
  TALLY_RETURN_IF_ERROR(Step("Rename", absl::StrCat(from, " -> ", to)));
  return base_->Rename(from, to);
}

absl::Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  TALLY_RETURN_IF_ERROR(Step("SyncDir", dir));
  return base_->SyncDir(dir);
}

}  // namespace tally::engine
