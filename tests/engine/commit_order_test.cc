// Commits release the database's mutex around the manifest's append and sync: scans and
// lookups go on while an insert's fsync is in progress, and commits still apply one at a
// time, in log order.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "format/status_macros.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

// A MemEnv whose manifest syncs can be held at a gate: a test opens the gate, sees a
// commit arrive at its sync, and lets it go.
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

uint64_t CountRows(Database* db, const std::string& table) {
  auto cursor = db->Scan(table, ScanOptions{.columns = {"value"}});
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  uint64_t rows = 0;
  while (true) {
    Block block;
    auto more = (*cursor)->Next(&block);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    rows += block.rows();
  }
  return rows;
}

TEST(CommitOrderTest, ScansRunWhileACommitSyncsAndCommitsApplyInOrder) {
  GatedSyncEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(100, 1)));

  env.Close();
  auto first = std::async(std::launch::async, [&] { return db->Insert("events", testing_data::MeteringBlock(10, 2)); });
  ASSERT_TRUE(env.WaitForArrivals(1)) << "the insert never reached its manifest sync";

  // The insert holds its sync: reads and part listings go on beside it, and see the
  // state before it.
  auto reads = std::async(std::launch::async, [&] {
    uint64_t rows = CountRows(db.get(), "events");
    auto parts = db->ListParts("events");
    return std::make_pair(rows, parts.ok() ? parts->size() : size_t{999});
  });
  ASSERT_EQ(reads.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a scan waited behind a commit's fsync";
  EXPECT_EQ(reads.get(), std::make_pair(uint64_t{100}, size_t{1}));

  // A second commit waits for the first (log order), without reaching the manifest.
  auto second = std::async(std::launch::async, [&] { return db->Insert("events", testing_data::MeteringBlock(5, 3)); });
  EXPECT_EQ(second.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  EXPECT_EQ(env.arrivals(), 1) << "a second commit reached the manifest while the first was syncing";
  EXPECT_EQ(CountRows(db.get(), "events"), 100u);

  env.Release();
  ASSERT_OK(first.get());
  ASSERT_OK(second.get());
  EXPECT_EQ(CountRows(db.get(), "events"), 115u);

  // The log holds both, in order: a reopen sees the same.
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(CountRows(db.get(), "events"), 115u);
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  EXPECT_EQ(parts.size(), 3u);
}

// Every kind of commit (DDL, inserts, merges) from several threads at once: the state
// after a reopen equals the state before, so the log recorded them in the order applied.
TEST(CommitOrderTest, ConcurrentCommitsOfEveryKindReplayToTheSameState) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 15; ++i) {
        ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(50, 1000 * t + i)));
        std::string name = "side_" + std::to_string(t) + "_" + std::to_string(i);
        ASSERT_OK(db->CreateTable(name, testing_data::MeteringSchema()));
        if (i % 2 == 0) ASSERT_OK(db->DropTable(name));
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 5; ++i) {
      absl::Status s = db->Optimize("events").status();
      EXPECT_TRUE(s.ok() || absl::IsAborted(s)) << s;
    }
  });
  for (std::thread& t : threads) t.join();
  const uint64_t rows = CountRows(db.get(), "events");
  EXPECT_EQ(rows, 4u * 15 * 50);
  std::vector<std::string> tables = db->ListTables();
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("events"));
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(CountRows(db.get(), "events"), rows);
  EXPECT_EQ(db->ListTables(), tables);
  ASSERT_OK_AND_ASSIGN(auto reopened, db->ListParts("events"));
  EXPECT_EQ(reopened.size(), parts.size());
}

}  // namespace
}  // namespace tally::engine
