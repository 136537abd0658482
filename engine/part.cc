#include "engine/part.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;

namespace {

absl::string_view BaseName(absl::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

Part::~Part() {
  if (obsolete_.load()) {
    columns_.clear();  // close files first
    (void)env_->RemoveAll(dir_);
  }
}

std::string Part::What(absl::string_view file) const {
  return absl::StrCat("part ", BaseName(dir_), ": file '", file, "'");
}

absl::StatusOr<std::shared_ptr<Part>> Part::Open(Env* env, const std::string& dir, absl::string_view name) {
  std::shared_ptr<Part> part(new Part(env, dir));
  TALLY_RETURN_IF_ERROR(part->Load(name.empty() ? BaseName(dir) : name));
  return part;
}

absl::StatusOr<std::string> Part::ReadVerified(const format::FileChecksum& file) const {
  const std::string path = JoinPath(dir_, file.name);
  TALLY_ASSIGN_OR_RETURN(std::string bytes, env_->ReadFileToString(path));
  if (bytes.size() != file.size) {
    return absl::DataLossError(absl::StrCat(What(file.name), ": size ", bytes.size(), " bytes, part.meta says ",
                                            file.size));
  }
  if (format::Checksum(bytes) != file.xxh3) {
    return absl::DataLossError(absl::StrCat(What(file.name), ": checksum mismatch against part.meta"));
  }
  return bytes;
}

absl::Status Part::Load(absl::string_view name) {
  const std::string meta_path = JoinPath(dir_, format::kPartMetaFile);
  auto meta_bytes = env_->ReadFileToString(meta_path);
  if (!meta_bytes.ok()) {
    if (absl::IsNotFound(meta_bytes.status())) {
      return absl::DataLossError(absl::StrCat(What(format::kPartMetaFile), ": missing"));
    }
    return meta_bytes.status();
  }
  TALLY_ASSIGN_OR_RETURN(meta_, format::DecodePartMeta(format::AsBytes(*meta_bytes), What(format::kPartMetaFile)));
  if (meta_.name != name) {
    return absl::DataLossError(absl::StrCat(What(format::kPartMetaFile), ": names part '", meta_.name,
                                            "' but the directory holds part '", name, "'"));
  }
  bytes_on_disk_ = meta_bytes->size();
  for (const format::FileChecksum& f : meta_.files) {
    auto size = env_->GetFileSize(JoinPath(dir_, f.name));
    if (!size.ok()) {
      if (absl::IsNotFound(size.status())) return absl::DataLossError(absl::StrCat(What(f.name), ": missing"));
      return size.status();
    }
    if (*size != f.size) {
      return absl::DataLossError(absl::StrCat(What(f.name), ": size ", *size, " bytes, part.meta says ", f.size));
    }
    bytes_on_disk_ += f.size;
  }
  const format::FileChecksum* index_file = nullptr;
  for (const auto& f : meta_.files) {
    if (f.name == format::kPrimaryIndexFile) index_file = &f;
  }
  if (index_file == nullptr) return absl::DataLossError(absl::StrCat(What(format::kPartMetaFile), ": lists no primary index"));
  TALLY_ASSIGN_OR_RETURN(std::string index_bytes, ReadVerified(*index_file));
  TALLY_ASSIGN_OR_RETURN(index_, format::DecodePrimaryIndex(format::AsBytes(index_bytes), What(format::kPrimaryIndexFile)));
  if (index_.granules() != meta_.granules || index_.granule_starts.back() != meta_.rows ||
      index_.keys.size() != meta_.sort_key.size()) {
    return absl::DataLossError(absl::StrCat(What(format::kPrimaryIndexFile), ": ", index_.granules(), " granules and ",
                                            index_.granule_starts.back(), " rows disagree with part.meta (",
                                            meta_.granules, " granules, ", meta_.rows, " rows)"));
  }
  for (size_t g = 1; g < index_.granule_starts.size(); ++g) {
    if (index_.granule_starts[g] <= index_.granule_starts[g - 1]) {
      return absl::DataLossError(absl::StrCat(What(format::kPrimaryIndexFile), ": granule ", g, " is empty"));
    }
  }
  columns_.resize(meta_.columns.size());
  for (size_t c = 0; c < meta_.columns.size(); ++c) TALLY_RETURN_IF_ERROR(LoadColumn(c));
  // Skip indexes: small, verified and decoded whole, one entry per index granule.
  for (const format::FileChecksum& f : meta_.files) {
    if (!absl::StartsWith(f.name, "skp_idx_") || !absl::EndsWith(f.name, ".idx")) continue;
    TALLY_ASSIGN_OR_RETURN(std::string bytes, ReadVerified(f));
    TALLY_ASSIGN_OR_RETURN(format::SkipIndexFile file, format::DecodeSkipIndex(format::AsBytes(bytes), What(f.name)));
    const uint64_t want = (meta_.granules + file.granularity - 1) / file.granularity;
    if (file.entries() != want) {
      return absl::DataLossError(absl::StrCat(What(f.name), ": ", file.entries(), " entries for ", meta_.granules,
                                              " granules at granularity ", file.granularity, " (want ", want, ")"));
    }
    skip_indexes_.emplace(f.name, std::move(file));
  }
  return absl::OkStatus();
}

const format::SkipIndexFile* Part::skip_index(const std::string& file) const {
  auto it = skip_indexes_.find(file);
  return it == skip_indexes_.end() ? nullptr : &it->second;
}

absl::Status Part::LoadColumn(size_t c) {
  const format::ColumnMeta& cm = meta_.columns[c];
  ColumnData& cd = columns_[c];
  const std::string base = format::ColumnFileBase(cm.name);
  cd.file = base + ".bin";
  const format::FileChecksum *bin = nullptr, *mrk = nullptr, *dict = nullptr;
  for (const auto& f : meta_.files) {
    if (f.name == base + ".bin") bin = &f;
    if (f.name == base + ".mrk") mrk = &f;
    if (f.name == base + ".dict") dict = &f;
  }
  if (bin == nullptr || mrk == nullptr) {
    return absl::DataLossError(absl::StrCat(What(format::kPartMetaFile), ": column '", cm.name,
                                            "' has no .bin or .mrk file listed"));
  }
  TALLY_ASSIGN_OR_RETURN(std::string mrk_bytes, ReadVerified(*mrk));
  TALLY_ASSIGN_OR_RETURN(cd.marks, format::DecodeMarks(format::AsBytes(mrk_bytes), What(mrk->name)));
  if (cd.marks.size() != meta_.granules) {
    return absl::DataLossError(absl::StrCat(What(mrk->name), ": ", cd.marks.size(), " marks for ",
                                            meta_.granules, " granules"));
  }
  size_t dict_nodes = 0;
  for (const auto& plan : cm.lc_plans) dict_nodes += plan.dictionary ? 1 : 0;
  std::vector<std::shared_ptr<const Column>> dicts(cm.lc_plans.size());
  if (dict_nodes > 0) {
    if (dict == nullptr) return absl::DataLossError(absl::StrCat(What(format::kPartMetaFile), ": column '", cm.name, "' has no dictionary file listed"));
    TALLY_ASSIGN_OR_RETURN(std::string dict_bytes, ReadVerified(*dict));
    TALLY_ASSIGN_OR_RETURN(auto decoded, format::DecodeDictionaries(format::AsBytes(dict_bytes), What(dict->name)));
    if (decoded.size() != dict_nodes) {
      return absl::DataLossError(absl::StrCat(What(dict->name), ": ", decoded.size(), " dictionaries, expected ", dict_nodes));
    }
    for (size_t k = 0, d = 0; k < cm.lc_plans.size(); ++k) {
      if (!cm.lc_plans[k].dictionary) continue;
      if (decoded[d]->size() != cm.lc_plans[k].dictionary_size) {
        return absl::DataLossError(absl::StrCat(What(dict->name), ": dictionary ", d, " has ", decoded[d]->size(),
                                                " entries, part.meta says ", cm.lc_plans[k].dictionary_size));
      }
      dicts[k] = decoded[d++];
    }
  }
  cd.reader = std::make_unique<format::ColumnStreamReader>(cm.type, cm.lc_plans, dicts);
  cd.dictionaries = std::move(dicts);
  // Block extents from the marks: a block runs from its offset to the next block's.
  for (size_t g = 0; g < cd.marks.size(); ++g) {
    const format::Mark& m = cd.marks[g];
    if (cd.blocks.empty() || cd.blocks.back().offset != m.block_offset) {
      if (m.row_in_block != 0) {
        return absl::DataLossError(absl::StrCat(What(mrk->name), ": granule ", g, " starts a block at row ", m.row_in_block));
      }
      cd.blocks.push_back(BlockExtent{m.block_offset, 0, index_.granule_starts[g], 0});
    } else if (m.row_in_block != index_.granule_starts[g] - cd.blocks.back().first_row) {
      return absl::DataLossError(absl::StrCat(What(mrk->name), ": granule ", g, " row in block ", m.row_in_block,
                                              " disagrees with the primary index"));
    }
    cd.granule_block.push_back(cd.blocks.size() - 1);
  }
  for (size_t b = 0; b < cd.blocks.size(); ++b) {
    uint64_t end = b + 1 < cd.blocks.size() ? cd.blocks[b + 1].offset : bin->size;
    uint64_t end_row = b + 1 < cd.blocks.size() ? cd.blocks[b + 1].first_row : meta_.rows;
    if (end <= cd.blocks[b].offset || end > bin->size) {
      return absl::DataLossError(absl::StrCat(What(mrk->name), ": block ", b, " at offset ", cd.blocks[b].offset,
                                              " lies outside the ", bin->size, "-byte data file"));
    }
    cd.blocks[b].size = end - cd.blocks[b].offset;
    cd.blocks[b].rows = end_row - cd.blocks[b].first_row;
  }
  TALLY_ASSIGN_OR_RETURN(cd.data, env_->NewRandomAccessFile(JoinPath(dir_, cd.file)));
  uint8_t header[format::kDataFileHeaderBytes];
  if (cd.data->Size() < sizeof(header)) {
    return absl::DataLossError(absl::StrCat(What(cd.file), ": ", cd.data->Size(), " bytes, shorter than its header"));
  }
  TALLY_RETURN_IF_ERROR(cd.data->Read(0, sizeof(header), header));
  absl::Status header_ok = format::CheckDataFileHeader(absl::MakeConstSpan(header), What(cd.file));
  if (absl::IsUnimplemented(header_ok)) {
    // part.meta, checksummed and readable, fixes the part's version: a data file claiming
    // a newer one is a damaged header, and must be detached like any other corruption.
    return absl::DataLossError(absl::StrCat(header_ok.message(), ", but part.meta says version ",
                                            meta_.format_version));
  }
  TALLY_RETURN_IF_ERROR(header_ok);
  if (!cd.blocks.empty() && cd.blocks[0].offset != format::kDataFileHeaderBytes) {
    return absl::DataLossError(absl::StrCat(What(mrk->name), ": first block at offset ", cd.blocks[0].offset));
  }
  return absl::OkStatus();
}

absl::Status Part::VerifyChecksums() const {
  // Column blocks first: their own checksums locate damage to a block offset, where the
  // whole-file XXH3 of part.meta can only say that the file differs somewhere.
  std::shared_ptr<const Part> self(this, [](const Part*) {});  // non-owning, for the cursor
  for (size_t c = 0; c < columns_.size(); ++c) {
    ColumnCursor cursor(self, c);
    for (uint64_t g = 0; g < meta_.granules; ++g) {
      TALLY_RETURN_IF_ERROR(cursor.Read(g, g + 1).status());
    }
  }
  for (const format::FileChecksum& f : meta_.files) {
    TALLY_RETURN_IF_ERROR(ReadVerified(f).status());
  }
  return absl::OkStatus();
}

absl::Status ColumnCursor::LoadBlock(uint64_t block) {
  const Part::ColumnData& cd = part_->column_data(column_);
  const Part::BlockExtent& extent = cd.blocks[block];
  io_.resize(extent.size);
  TALLY_RETURN_IF_ERROR(cd.data->Read(extent.offset, extent.size, reinterpret_cast<uint8_t*>(io_.data())));
  const std::string what = absl::StrCat("part ", part_->name(), ": file '", cd.file, "'");
  TALLY_ASSIGN_OR_RETURN(size_t used, format::DecodeBlock(format::AsBytes(io_), what, extent.offset, &decoded_));
  if (used != extent.size || decoded_.rows != extent.rows) {
    return absl::DataLossError(absl::StrCat(what, ": offset ", extent.offset, ": block of ", used, " bytes and ",
                                            decoded_.rows, " rows, the marks say ", extent.size, " bytes and ",
                                            extent.rows, " rows"));
  }
  TALLY_ASSIGN_OR_RETURN(current_, cd.reader->Read(&decoded_, absl::StrCat(what, ": offset ", extent.offset)));
  current_block_ = block;
  return absl::OkStatus();
}

absl::Status ColumnCursor::CheckRange(uint64_t granule_begin, uint64_t granule_end) const {
  if (granule_begin >= granule_end || granule_end > part_->granules()) {
    return absl::InternalError(absl::StrCat("part ", part_->name(), ": bad granule range [", granule_begin, ", ",
                                            granule_end, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Column> ColumnCursor::Read(uint64_t granule_begin, uint64_t granule_end) {
  TALLY_RETURN_IF_ERROR(CheckRange(granule_begin, granule_end));
  const Part::ColumnData& cd = part_->column_data(column_);
  const auto& starts = part_->index().granule_starts;
  uint64_t row = starts[granule_begin];
  const uint64_t end_row = starts[granule_end];
  Column out = Column::Make(part_->meta().columns[column_].type);
  uint64_t block = cd.granule_block[granule_begin];
  while (row < end_row) {
    if (block != current_block_) TALLY_RETURN_IF_ERROR(LoadBlock(block));
    const Part::BlockExtent& extent = cd.blocks[block];
    uint64_t from = row - extent.first_row;
    uint64_t to = std::min(end_row, extent.first_row + extent.rows) - extent.first_row;
    if (from == 0 && to == extent.rows && out.size() == 0 && row + (to - from) == end_row) {
      current_block_ = UINT64_MAX;  // hand the whole block over without copying
      return std::move(current_);
    }
    out.AppendRange(current_, from, to - from);
    row += to - from;
    ++block;
  }
  return out;
}

absl::StatusOr<Column> ColumnCursor::ReadSelected(uint64_t granule_begin, uint64_t granule_end,
                                                  absl::Span<const uint32_t> selection) {
  TALLY_RETURN_IF_ERROR(CheckRange(granule_begin, granule_end));
  const Part::ColumnData& cd = part_->column_data(column_);
  const auto& starts = part_->index().granule_starts;
  const uint64_t first_row = starts[granule_begin];
  if (!selection.empty() && selection.back() >= starts[granule_end] - first_row) {
    return absl::InternalError(absl::StrCat("part ", part_->name(), ": selected row ", selection.back(),
                                            " past granules [", granule_begin, ", ", granule_end, ")"));
  }
  Column out = Column::Make(part_->meta().columns[column_].type);
  uint64_t block = cd.granule_block[granule_begin];
  size_t i = 0;
  while (i < selection.size()) {
    const Part::BlockExtent& extent = cd.blocks[block];
    const uint64_t block_end = extent.first_row + extent.rows;  // rows of the part
    const uint64_t row = first_row + selection[i];
    if (row >= block_end) {
      ++block;
      continue;
    }
    size_t j = i;
    while (j < selection.size() && first_row + selection[j] < block_end) ++j;
    if (block != current_block_) TALLY_RETURN_IF_ERROR(LoadBlock(block));
    rebased_.resize(j - i);  // the block may start before the chunk: rows counted from the block
    for (size_t k = i; k < j; ++k) rebased_[k - i] = static_cast<uint32_t>(first_row + selection[k] - extent.first_row);
    out.AppendGather(current_, rebased_);
    i = j;
    ++block;
  }
  return out;
}

}  // namespace tally::engine
