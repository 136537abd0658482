#include "engine/mem_env.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "format/status_macros.h"

namespace tally::engine {
namespace {

struct Node;
using NodePtr = std::shared_ptr<Node>;

// An inode. Every field is guarded by MemEnv::State::mu.
struct Node {
  explicit Node(bool dir) : is_dir(dir) {}
  const bool is_dir;
  // Files: the live bytes and the bytes as of the last Sync().
  std::string data;
  std::string durable_data;
  // Directories: the live entries and the entries as of the last SyncDir().
  std::map<std::string, NodePtr> children;
  std::map<std::string, NodePtr> durable_children;
};

using Components = std::vector<std::string>;

// "/a//b/./c/" -> {"a", "b", "c"}; ".." pops, never above the root.
Components Split(absl::string_view path) {
  Components out;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.emplace_back(part);
  }
  return out;
}

absl::Status Error(absl::StatusCode code, absl::string_view op, absl::string_view path,
                   absl::string_view why) {
  return absl::Status(code, absl::StrCat(op, " ", path, ": ", why));
}

}  // namespace

struct MemEnv::State {
  std::mutex mu;
  const NodePtr root ABSL_GUARDED_BY(mu) = std::make_shared<Node>(/*dir=*/true);
  // Bumped by Crash(); files remember the epoch they were opened in.
  uint64_t epoch ABSL_GUARDED_BY(mu) = 0;
  // Every directory made so far, so Crash() and ~MemEnv can break the reference cycles
  // that odd sequences of renames can leave among durable entries.
  std::vector<std::weak_ptr<Node>> dirs ABSL_GUARDED_BY(mu);
  // Locked files (normalized paths) and the epoch each lock was taken in: a crash ends the
  // process that held them, so locks from an earlier epoch are free.
  std::map<std::string, uint64_t> locks ABSL_GUARDED_BY(mu);
  size_t dirs_prune_at ABSL_GUARDED_BY(mu) = 64;

  NodePtr NewDir() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    auto dir = std::make_shared<Node>(/*dir=*/true);
    if (dirs.size() >= dirs_prune_at) {
      std::erase_if(dirs, [](const std::weak_ptr<Node>& d) { return d.expired(); });
      dirs_prune_at = std::max<size_t>(64, 2 * dirs.size());
    }
    dirs.push_back(dir);
    return dir;
  }

  // The node at the first `count` components of `c`.
  absl::StatusOr<NodePtr> Walk(const Components& c, size_t count, absl::string_view op,
                               absl::string_view path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    NodePtr node = root;
    for (size_t i = 0; i < count; ++i) {
      if (!node->is_dir) {
        return Error(absl::StatusCode::kFailedPrecondition, op, path, "not a directory");
      }
      auto it = node->children.find(c[i]);
      if (it == node->children.end()) {
        return Error(absl::StatusCode::kNotFound, op, path, "no such file or directory");
      }
      node = it->second;
    }
    return node;
  }

  absl::StatusOr<NodePtr> Find(absl::string_view path, absl::string_view op)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    Components c = Split(path);
    return Walk(c, c.size(), op, path);
  }

  absl::StatusOr<NodePtr> FindFile(absl::string_view path, absl::string_view op)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    TALLY_ASSIGN_OR_RETURN(NodePtr node, Find(path, op));
    if (node->is_dir) {
      return Error(absl::StatusCode::kFailedPrecondition, op, path, "is a directory");
    }
    return node;
  }

  absl::StatusOr<NodePtr> FindDir(absl::string_view path, absl::string_view op)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    TALLY_ASSIGN_OR_RETURN(NodePtr node, Find(path, op));
    if (!node->is_dir) {
      return Error(absl::StatusCode::kFailedPrecondition, op, path, "not a directory");
    }
    return node;
  }

  // The directory that holds the last component of `c`.
  absl::StatusOr<NodePtr> Parent(const Components& c, absl::string_view op, absl::string_view path)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (c.empty()) return Error(absl::StatusCode::kInvalidArgument, op, path, "is the root");
    TALLY_ASSIGN_OR_RETURN(NodePtr parent, Walk(c, c.size() - 1, op, path));
    if (!parent->is_dir) {
      return Error(absl::StatusCode::kFailedPrecondition, op, path, "not a directory");
    }
    return parent;
  }

  absl::Status CheckEpoch(uint64_t opened_in, absl::string_view path) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (opened_in == epoch) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": file was opened before MemEnv::Crash()"));
  }
};

namespace {

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::shared_ptr<MemEnv::State> state, NodePtr node, std::string path,
                  uint64_t epoch)
      : state_(std::move(state)), node_(std::move(node)), path_(std::move(path)), epoch_(epoch) {}

  absl::Status Append(absl::string_view data) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    TALLY_RETURN_IF_ERROR(Check("append"));
    node_->data.append(data.data(), data.size());
    return absl::OkStatus();
  }

  absl::Status Sync() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    TALLY_RETURN_IF_ERROR(Check("sync"));
    node_->durable_data = node_->data;
    return absl::OkStatus();
  }

  absl::Status Close() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    TALLY_RETURN_IF_ERROR(Check("close"));
    closed_ = true;
    return absl::OkStatus();
  }

 private:
  absl::Status Check(absl::string_view op) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_->mu) {
    if (closed_) return Error(absl::StatusCode::kFailedPrecondition, op, path_, "file is closed");
    return state_->CheckEpoch(epoch_, path_);
  }

  const std::shared_ptr<MemEnv::State> state_;
  const NodePtr node_;
  const std::string path_;
  const uint64_t epoch_;
  bool closed_ = false;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  MemRandomAccessFile(std::shared_ptr<MemEnv::State> state, NodePtr node, std::string path,
                      uint64_t epoch, uint64_t size)
      : state_(std::move(state)),
        node_(std::move(node)),
        path_(std::move(path)),
        epoch_(epoch),
        size_(size) {}

  absl::Status Read(uint64_t offset, size_t n, uint8_t* out) const override {
    std::lock_guard<std::mutex> lock(state_->mu);
    TALLY_RETURN_IF_ERROR(state_->CheckEpoch(epoch_, path_));
    // Like PosixEnv: the size is fixed at open, and a file that shrank since reads short.
    uint64_t size = std::min<uint64_t>(size_, node_->data.size());
    if (offset > size || n > size - offset) {
      return absl::DataLossError(absl::StrCat(path_, ": read of ", n, " bytes at offset ", offset,
                                              " past end of file (size ", size, ")"));
    }
    if (n > 0) std::memcpy(out, node_->data.data() + offset, n);
    return absl::OkStatus();
  }
  uint64_t Size() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  const std::shared_ptr<MemEnv::State> state_;
  const NodePtr node_;
  const std::string path_;
  const uint64_t epoch_;
  const uint64_t size_;
};

class MemFileLock final : public FileLock {
 public:
  MemFileLock(std::shared_ptr<MemEnv::State> state, std::string path, uint64_t epoch)
      : state_(std::move(state)), path_(std::move(path)), epoch_(epoch) {}
  ~MemFileLock() override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->locks.find(path_);
    if (it != state_->locks.end() && it->second == epoch_) state_->locks.erase(it);
  }

 private:
  const std::shared_ptr<MemEnv::State> state_;
  const std::string path_;
  const uint64_t epoch_;
};

}  // namespace

MemEnv::MemEnv() : state_(std::make_shared<State>()) {}

int64_t MemEnv::NowMicros() {
  const int64_t fake = fake_now_us_.load();
  return fake >= 0 ? fake : Env::NowMicros();
}

MemEnv::~MemEnv() {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (const std::weak_ptr<Node>& weak : state_->dirs) {
    if (NodePtr dir = weak.lock()) {
      dir->children.clear();
      dir->durable_children.clear();
    }
  }
}

absl::StatusOr<std::unique_ptr<WritableFile>> MemEnv::NewWritableFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  Components c = Split(path);
  TALLY_ASSIGN_OR_RETURN(NodePtr parent, state_->Parent(c, "open", path));
  NodePtr& slot = parent->children[c.back()];
  if (slot == nullptr) {
    slot = std::make_shared<Node>(/*dir=*/false);
  } else if (slot->is_dir) {
    return Error(absl::StatusCode::kFailedPrecondition, "open", path, "is a directory");
  } else {
    slot->data.clear();  // O_TRUNC: the same inode, durable bytes untouched until Sync.
  }
  return std::make_unique<MemWritableFile>(state_, slot, path, state_->epoch);
}

absl::StatusOr<std::unique_ptr<WritableFile>> MemEnv::NewAppendableFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->FindFile(path, "open"));
  return std::make_unique<MemWritableFile>(state_, std::move(node), path, state_->epoch);
}

absl::StatusOr<std::unique_ptr<FileLock>> MemEnv::LockFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  Components c = Split(path);
  TALLY_ASSIGN_OR_RETURN(NodePtr parent, state_->Parent(c, "open lock file", path));
  NodePtr& slot = parent->children[c.back()];
  if (slot == nullptr) {
    slot = std::make_shared<Node>(/*dir=*/false);
  } else if (slot->is_dir) {
    return Error(absl::StatusCode::kFailedPrecondition, "open lock file", path, "is a directory");
  }
  const std::string normalized = absl::StrJoin(c, "/");
  auto it = state_->locks.find(normalized);
  if (it != state_->locks.end() && it->second == state_->epoch) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is locked by another holder"));
  }
  state_->locks[normalized] = state_->epoch;
  return std::make_unique<MemFileLock>(state_, normalized, state_->epoch);
}

absl::StatusOr<std::unique_ptr<RandomAccessFile>> MemEnv::NewRandomAccessFile(
    const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->FindFile(path, "open"));
  uint64_t size = node->data.size();
  return std::make_unique<MemRandomAccessFile>(state_, std::move(node), path, state_->epoch,
                                               size);
}

absl::StatusOr<std::string> MemEnv::ReadFileToString(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->FindFile(path, "open"));
  return node->data;
}

bool MemEnv::FileExists(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->Find(path, "stat").ok();
}

absl::StatusOr<bool> MemEnv::IsDirectory(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->Find(path, "stat"));
  return node->is_dir;
}

absl::StatusOr<uint64_t> MemEnv::GetFileSize(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->FindFile(path, "file size of"));
  return node->data.size();
}

absl::StatusOr<std::vector<std::string>> MemEnv::ListDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->FindDir(dir, "opendir"));
  std::vector<std::string> names;
  names.reserve(node->children.size());
  for (const auto& [name, child] : node->children) names.push_back(name);
  return names;  // Sorted: std::map orders its keys.
}

absl::Status MemEnv::CreateDirs(const std::string& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  NodePtr node = state_->root;
  for (const std::string& name : Split(dir)) {
    NodePtr& slot = node->children[name];
    if (slot == nullptr) slot = state_->NewDir();
    if (!slot->is_dir) {
      return absl::AlreadyExistsError(
          absl::StrCat("create dirs ", dir, ": ", name, " exists and is not a directory"));
    }
    node = slot;
  }
  return absl::OkStatus();
}

absl::Status MemEnv::DeleteFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  Components c = Split(path);
  TALLY_ASSIGN_OR_RETURN(NodePtr parent, state_->Parent(c, "unlink", path));
  auto it = parent->children.find(c.back());
  if (it == parent->children.end()) {
    return Error(absl::StatusCode::kNotFound, "unlink", path, "no such file or directory");
  }
  if (it->second->is_dir) {
    return Error(absl::StatusCode::kFailedPrecondition, "unlink", path, "is a directory");
  }
  parent->children.erase(it);
  return absl::OkStatus();
}

absl::Status MemEnv::RemoveAll(const std::string& path) {
  std::lock_guard<std::mutex> lock(state_->mu);
  Components c = Split(path);
  if (c.empty()) {
    state_->root->children.clear();
    return absl::OkStatus();
  }
  absl::StatusOr<NodePtr> parent = state_->Parent(c, "remove", path);
  if (absl::IsNotFound(parent.status())) return absl::OkStatus();
  if (!parent.ok()) return parent.status();
  // The subtree leaves the live tree; its inodes keep their durable entries in case a
  // crash brings it back.
  (*parent)->children.erase(c.back());
  return absl::OkStatus();
}

absl::Status MemEnv::Rename(const std::string& from, const std::string& to) {
  std::lock_guard<std::mutex> lock(state_->mu);
  const std::string what = absl::StrCat(from, " -> ", to);
  Components fc = Split(from);
  Components tc = Split(to);
  TALLY_ASSIGN_OR_RETURN(NodePtr from_parent, state_->Parent(fc, "rename", what));
  TALLY_ASSIGN_OR_RETURN(NodePtr to_parent, state_->Parent(tc, "rename", what));
  auto from_it = from_parent->children.find(fc.back());
  if (from_it == from_parent->children.end()) {
    return Error(absl::StatusCode::kNotFound, "rename", what, "no such file or directory");
  }
  NodePtr node = from_it->second;
  auto to_it = to_parent->children.find(tc.back());
  if (to_it != to_parent->children.end()) {
    const Node& target = *to_it->second;
    if (&target == node.get()) return absl::OkStatus();  // Same inode: POSIX does nothing.
    if (!node->is_dir && target.is_dir) {
      return Error(absl::StatusCode::kFailedPrecondition, "rename", what, "is a directory");
    }
    if (node->is_dir && !target.is_dir) {
      return Error(absl::StatusCode::kFailedPrecondition, "rename", what, "not a directory");
    }
    if (node->is_dir && !target.children.empty()) {
      return Error(absl::StatusCode::kFailedPrecondition, "rename", what,
                   "directory not empty");
    }
  }
  if (node->is_dir && tc.size() > fc.size() && std::equal(fc.begin(), fc.end(), tc.begin())) {
    return Error(absl::StatusCode::kInvalidArgument, "rename", what,
                 "cannot move a directory into itself");
  }
  from_parent->children.erase(from_it);
  to_parent->children[tc.back()] = std::move(node);
  return absl::OkStatus();
}

absl::Status MemEnv::SyncDir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(state_->mu);
  TALLY_ASSIGN_OR_RETURN(NodePtr node, state_->FindDir(dir, "fsync dir"));
  node->durable_children = node->children;
  return absl::OkStatus();
}

void MemEnv::Crash() {
  std::lock_guard<std::mutex> lock(state_->mu);
  ++state_->epoch;
  // Rebuild the live tree from the durable entries, starting at the root. A directory
  // reachable twice (a durable rename seen from both parents) keeps its first name only,
  // so the result is a tree again.
  absl::flat_hash_set<const Node*> reached = {state_->root.get()};
  std::vector<Node*> pending = {state_->root.get()};
  while (!pending.empty()) {
    Node* dir = pending.back();
    pending.pop_back();
    std::erase_if(dir->durable_children, [&](const auto& entry) {
      const NodePtr& child = entry.second;
      if (!child->is_dir) return false;
      if (!reached.insert(child.get()).second) return true;
      pending.push_back(child.get());
      return false;
    });
    dir->children = dir->durable_children;
    for (auto& [name, child] : dir->children) {
      if (!child->is_dir) child->data = child->durable_data;
    }
  }
  // Unreachable directories can never come back; drop their entries to free memory and
  // break any cycles among them.
  std::erase_if(state_->dirs, [&](const std::weak_ptr<Node>& weak) {
    NodePtr dir = weak.lock();
    if (dir == nullptr) return true;
    if (reached.contains(dir.get())) return false;
    dir->children.clear();
    dir->durable_children.clear();
    return true;
  });
}

std::vector<std::string> MemEnv::AllPaths() {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<std::string> paths;
  std::vector<std::pair<std::string, const Node*>> pending = {{"", state_->root.get()}};
  while (!pending.empty()) {
    auto [prefix, dir] = pending.back();
    pending.pop_back();
    for (const auto& [name, child] : dir->children) {
      std::string path = prefix.empty() ? name : absl::StrCat(prefix, "/", name);
      if (child->is_dir) pending.emplace_back(path, child.get());
      paths.push_back(std::move(path));
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace tally::engine
