#include "engine/part_version.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "engine/part_writer.h"
#include "engine/skip_index_builder.h"
#include "engine/sql/parser.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;

namespace {

// Rows read at a time to build indexes: whole granules, about this many.
constexpr uint64_t kChunkRows = 65536;
constexpr size_t kCopyBytes = 1 << 20;

void CollectIdentifiers(const sql::Expr& e, std::set<std::string>* out) {
  if (e.kind == sql::Expr::Kind::kIdentifier && e.parts.size() == 1) out->insert(e.identifier());
  for (const sql::ExprPtr& a : e.args) {
    if (a != nullptr) CollectIdentifiers(*a, out);
  }
}

// The schema columns the indexes' expressions read.
absl::StatusOr<std::vector<bool>> ColumnsRead(const format::TableSchema& schema,
                                              const std::vector<BoundSkipIndex>& indexes) {
  std::set<std::string> names;
  for (const BoundSkipIndex& index : indexes) {
    TALLY_ASSIGN_OR_RETURN(sql::ExprPtr e, sql::ParseExpression(index.expression));
    CollectIdentifiers(*e, &names);
  }
  std::vector<bool> read(schema.columns.size(), false);
  for (size_t c = 0; c < schema.columns.size(); ++c) read[c] = names.contains(schema.columns[c].name);
  return read;
}

// Copies `from` to `to`, checking its size and XXH3 against what part.meta recorded.
absl::Status CopyChecked(Env* from_env, const std::string& from, Env* env, const std::string& to,
                         const format::FileChecksum& want, const std::string& what) {
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> in, from_env->NewRandomAccessFile(from));
  if (in->Size() != want.size) {
    return absl::DataLossError(absl::StrCat(what, ": size ", in->Size(), " bytes, part.meta says ", want.size));
  }
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> out, env->NewWritableFile(to));
  format::StreamingChecksum checksum;
  std::string buffer;
  for (uint64_t offset = 0; offset < want.size; offset += buffer.size()) {
    buffer.resize(std::min<uint64_t>(kCopyBytes, want.size - offset));
    TALLY_RETURN_IF_ERROR(in->Read(offset, buffer.size(), reinterpret_cast<uint8_t*>(buffer.data())));
    checksum.Update(buffer);
    TALLY_RETURN_IF_ERROR(out->Append(buffer));
  }
  if (checksum.value() != want.xxh3) return absl::DataLossError(absl::StrCat(what, ": checksum mismatch against part.meta"));
  TALLY_RETURN_IF_ERROR(out->Sync());
  return out->Close();
}

// Builds `indexes` from the rows of `part`, reading only the columns they need (the
// others are defaults, which no expression reads).
absl::StatusOr<std::vector<format::SkipIndexFile>> BuildIndexes(const format::TableSchema& schema, const PartPtr& part,
                                                                const std::vector<BoundSkipIndex>& indexes) {
  TALLY_ASSIGN_OR_RETURN(std::vector<bool> read, ColumnsRead(schema, indexes));
  std::vector<std::unique_ptr<ColumnCursor>> cursors(schema.columns.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    if (!read[c]) continue;
    const format::ColumnMeta* cm = part->meta().FindColumn(schema.columns[c].name);
    if (cm == nullptr || !cm->type->Equals(*schema.columns[c].type)) {
      return absl::DataLossError(absl::StrCat("part ", part->name(), ": column '", schema.columns[c].name,
                                              "' missing or of another type"));
    }
    cursors[c] = std::make_unique<ColumnCursor>(part, static_cast<size_t>(cm - part->meta().columns.data()));
  }
  std::vector<SkipIndexBuilder> builders;
  for (const BoundSkipIndex& index : indexes) builders.emplace_back(index);
  const auto& starts = part->index().granule_starts;
  for (uint64_t g0 = 0; g0 < part->granules();) {
    uint64_t g1 = g0 + 1;
    while (g1 < part->granules() && starts[g1 + 1] - starts[g0] <= kChunkRows) ++g1;
    const size_t rows = starts[g1] - starts[g0];
    Block block;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      Column column = Column::Make(schema.columns[c].type);
      if (read[c]) {
        TALLY_ASSIGN_OR_RETURN(column, cursors[c]->Read(g0, g1));
      } else {
        for (size_t r = 0; r < rows; ++r) column.AppendDefault();
      }
      block.Add(schema.columns[c].name, std::move(column));
    }
    std::vector<size_t> chunk_starts;
    for (uint64_t g = g0; g < g1; ++g) chunk_starts.push_back(starts[g] - starts[g0]);
    for (SkipIndexBuilder& b : builders) TALLY_RETURN_IF_ERROR(b.Add(block, chunk_starts, g0));
    g0 = g1;
  }
  std::vector<format::SkipIndexFile> out;
  for (SkipIndexBuilder& b : builders) out.push_back(b.Finish());
  return out;
}

}  // namespace

absl::Status CopyPart(const Part& part, Env* env, const std::string& dir) {
  TALLY_RETURN_IF_ERROR(env->CreateDirs(dir));
  for (const format::FileChecksum& f : part.meta().files) {
    TALLY_RETURN_IF_ERROR(CopyChecked(part.env(), JoinPath(part.dir(), f.name), env, JoinPath(dir, f.name), f,
                                      absl::StrCat("part ", part.name(), ": file '", f.name, "'")));
  }
  TALLY_ASSIGN_OR_RETURN(std::string meta, part.env()->ReadFileToString(JoinPath(part.dir(), format::kPartMetaFile)));
  TALLY_RETURN_IF_ERROR(WriteFileSynced(env, JoinPath(dir, format::kPartMetaFile), meta));
  return env->SyncDir(dir);
}

absl::StatusOr<format::PartMeta> WritePartVersion(Env* env, const std::string& table_dir,
                                                  const format::TableSchema& schema, const PartPtr& part,
                                                  const PartVersionSpec& spec) {
  const format::PartMeta& old = part->meta();
  format::PartMeta meta = old;
  // The next level whose name is free: a part of that name may still be on disk, obsolete
  // and waiting for the scans that hold it.
  for (meta.level = old.level + 1;; ++meta.level) {
    meta.name = format::PartName(old.partition_id, old.min_block, old.max_block, meta.level);
    if (!env->FileExists(JoinPath(table_dir, meta.name)) && !env->FileExists(TmpPartDir(table_dir, meta.name))) break;
    if (meta.level > old.level + 1000) {
      return absl::InternalError(absl::StrCat("part ", old.name, ": no free name for a new version"));
    }
  }
  const std::string tmp = TmpPartDir(table_dir, meta.name);
  TALLY_RETURN_IF_ERROR(env->CreateDirs(tmp));
  auto write = [&]() -> absl::Status {
    std::set<std::string> leave_out(spec.drop.begin(), spec.drop.end());
    for (const BoundSkipIndex& index : spec.build) leave_out.insert(index.file);
    leave_out.insert(format::kPartMetaFile);
    meta.files.clear();
    for (const format::FileChecksum& f : old.files) {
      if (leave_out.contains(f.name)) continue;
      TALLY_RETURN_IF_ERROR(CopyChecked(part->env(), JoinPath(part->dir(), f.name), env, JoinPath(tmp, f.name), f,
                                        absl::StrCat("part ", old.name, ": file '", f.name, "'")));
      meta.files.push_back(f);
    }
    TALLY_ASSIGN_OR_RETURN(std::vector<format::SkipIndexFile> built, BuildIndexes(schema, part, spec.build));
    for (size_t i = 0; i < built.size(); ++i) {
      const std::string bytes = format::EncodeSkipIndex(built[i]);
      TALLY_RETURN_IF_ERROR(WriteFileSynced(env, JoinPath(tmp, spec.build[i].file), bytes));
      meta.files.push_back(format::FileChecksum{spec.build[i].file, bytes.size(), format::Checksum(bytes)});
    }
    const std::string meta_bytes = format::EncodePartMeta(meta);
    auto check = format::DecodePartMeta(format::AsBytes(meta_bytes), meta.name);
    if (!check.ok() || check->rows != old.rows || check->files.size() != meta.files.size()) {
      return absl::InternalError(absl::StrCat("part ", meta.name, ": metadata does not round-trip: ",
                                              check.status().ToString()));
    }
    TALLY_RETURN_IF_ERROR(WriteFileSynced(env, JoinPath(tmp, format::kPartMetaFile), meta_bytes));
    TALLY_RETURN_IF_ERROR(env->SyncDir(tmp));
    return env->SyncDir(table_dir);  // the temporary directory's entry, for recovery
  };
  absl::Status s = write();
  if (!s.ok()) {
    (void)env->RemoveAll(tmp);  // best effort: recovery removes what remains
    return s;
  }
  return meta;
}

}  // namespace tally::engine
