// Inline parts: a small insert's part committed inside the manifest record that
// acknowledges it (op kind 15, docs/format.md) instead of in a directory of its own, so a
// group of small inserts costs one fsync (engine/group_commit.cc). The part's files are
// the same bytes a part directory holds; they live in the Database's in-memory Env
// (inline_env_, one directory per table), where scans, merges and CHECK TABLE read them
// as any part. Opening replays them from the manifest. A compaction merges a run of
// groups' parts into one inline part, committed the same way, in memory and without a
// file; a flush (FlushInline in engine/optimize.cc) writes a run's rows to a part
// directory and removes them in one edit; the next snapshot of the manifest then no
// longer holds their bytes.
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/error_code.h"
#include "engine/part_writer.h"
#include "format/status_macros.h"

namespace tally::engine {

std::string Database::InlineDir(const Table& table) { return JoinPath("/inline", table.dir_name); }

absl::StatusOr<format::ManifestOp> Database::InlinePartOp(const Table& table, const Part& part) const {
  std::vector<std::pair<std::string, std::string>> files;
  for (const format::FileChecksum& f : part.meta().files) {
    TALLY_ASSIGN_OR_RETURN(std::string bytes, part.env()->ReadFileToString(JoinPath(part.dir(), f.name)));
    files.emplace_back(f.name, std::move(bytes));
  }
  TALLY_ASSIGN_OR_RETURN(std::string meta, part.env()->ReadFileToString(JoinPath(part.dir(), format::kPartMetaFile)));
  files.emplace_back(format::kPartMetaFile, std::move(meta));
  return format::ManifestOp::AddInlinePart(table.name, part.name(), part.rows(), std::move(files));
}

absl::StatusOr<PartPtr> Database::OpenInlinePart(const Table& table, const std::string& name,
                                                 const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string dir = JoinPath(InlineDir(table), name);
  TALLY_RETURN_IF_ERROR(inline_env_->CreateDirs(dir));
  for (const auto& [file, bytes] : files) {
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..") {
      return absl::DataLossError(absl::StrCat("table ", table.name, ": inline part ", name, ": bad file name '",
                                              file, "'"));
    }
    TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> out, inline_env_->NewWritableFile(JoinPath(dir, file)));
    TALLY_RETURN_IF_ERROR(out->Append(bytes));
    TALLY_RETURN_IF_ERROR(out->Close());
  }
  auto part = Part::Open(inline_env_.get(), dir, name);
  if (!part.ok()) {
    return WithMessage(part.status(), absl::StrCat("table ", table.name, ": inline part ", name,
                                                   " (held in the manifest): ", part.status().message()));
  }
  return PartPtr(*std::move(part));
}

absl::Status Database::FlushInlineParts() {
  // As many flushes as there are inline parts now, at most: each takes at least one of
  // them, so inserts that go on meanwhile cannot keep this from returning.
  uint64_t budget = stats().inline_parts;
  return FlushInline(nullptr, [&budget](size_t, uint64_t, uint64_t) {
           if (budget == 0) return false;
           --budget;
           return true;
         }).status();
}

absl::Status Database::CompactInlineParts() {
  const size_t parts = inline_flush_.parts;
  return FlushInline(
             nullptr, [parts](size_t run, uint64_t, uint64_t) { return run >= parts; }, /*compact=*/true)
      .status();
}

DatabaseStats Database::stats() const {
  DatabaseStats s;
  s.commits = commits_.load(std::memory_order_relaxed);
  s.manifest_syncs = manifest_syncs_.load(std::memory_order_relaxed);
  s.manifest_bytes = manifest_appended_.load(std::memory_order_relaxed);
  s.group_commits = group_commits_.load(std::memory_order_relaxed);
  s.grouped_inserts = grouped_inserts_.load(std::memory_order_relaxed);
  s.inline_flushes = inline_flushes_.load(std::memory_order_relaxed);
  s.inline_compactions = inline_compactions_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, table] : tables_) {
    for (const PartPtr& p : table->parts) {
      if (!IsInline(*p)) continue;
      ++s.inline_parts;
      s.inline_bytes += p->bytes_on_disk();
    }
  }
  return s;
}

}  // namespace tally::engine
