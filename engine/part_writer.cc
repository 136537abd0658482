#include "engine/part_writer.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/column_streams.h"
#include "format/value.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;

namespace {

// Adds each row's byte size to sizes[row] (a granule-sizing estimate, exact for data bytes).
void AddRowBytes(const Column& c, std::vector<uint64_t>* sizes) {
  const size_t n = c.size();
  switch (c.type->id()) {
    case TypeId::kString:
      for (size_t i = 0; i < n; ++i) (*sizes)[i] += 4 + c.offsets[i] - (i == 0 ? 0 : c.offsets[i - 1]);
      return;
    case TypeId::kLowCardinality:
      for (size_t i = 0; i < n; ++i) (*sizes)[i] += c.index_width;
      return;
    case TypeId::kNullable:
      for (size_t i = 0; i < n; ++i) (*sizes)[i] += 1;
      AddRowBytes(c.children[0], sizes);
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      std::vector<uint64_t> nested(c.children[0].size(), 0);
      for (const Column& child : c.children) AddRowBytes(child, &nested);
      uint64_t prev = 0;
      for (size_t i = 0; i < n; ++i) {
        uint64_t bytes = 4;
        for (uint64_t k = prev; k < c.offsets[i]; ++k) bytes += nested[k];
        (*sizes)[i] += bytes;
        prev = c.offsets[i];
      }
      return;
    }
    default:
      for (size_t i = 0; i < n; ++i) (*sizes)[i] += c.type->fixed_width();
      return;
  }
}

template <typename T>
void MinMaxOf(const Column& c, Value (*make)(T), Value* min, Value* max, bool* any) {
  const T* v = c.values<T>();
  const size_t n = c.size();
  bool found = false;
  T lo{}, hi{};
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(v[i])) continue;
    }
    if (!found) {
      lo = hi = v[i];
      found = true;
    } else {
      lo = std::min(lo, v[i]);
      hi = std::max(hi, v[i]);
    }
  }
  *any = found;
  if (found) {
    *min = make(lo);
    *max = make(hi);
  }
}

Value MakeU(uint64_t v) { return Value::UInt(v); }
Value MakeI(int64_t v) { return Value::Int(v); }
Value MakeF(double v) { return Value::Float(v); }

// Min/max of fixed-width scalar columns, the pruning statistics of part.meta.
void ComputeMinMax(const Column& c, format::ColumnMeta* meta) {
  bool any = false;
  switch (c.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      MinMaxOf<uint8_t>(c, [](uint8_t v) { return MakeU(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kUInt16:
    case TypeId::kDate:
      MinMaxOf<uint16_t>(c, [](uint16_t v) { return MakeU(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      MinMaxOf<uint32_t>(c, [](uint32_t v) { return MakeU(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kUInt64:
      MinMaxOf<uint64_t>(c, [](uint64_t v) { return MakeU(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kInt8:
      MinMaxOf<int8_t>(c, [](int8_t v) { return MakeI(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kInt16:
      MinMaxOf<int16_t>(c, [](int16_t v) { return MakeI(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kInt32:
      MinMaxOf<int32_t>(c, [](int32_t v) { return MakeI(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      MinMaxOf<int64_t>(c, [](int64_t v) { return MakeI(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kFloat32:
      MinMaxOf<float>(c, [](float v) { return MakeF(v); }, &meta->min, &meta->max, &any);
      break;
    case TypeId::kFloat64:
      MinMaxOf<double>(c, [](double v) { return MakeF(v); }, &meta->min, &meta->max, &any);
      break;
    default:
      break;
  }
  meta->has_min_max = any;
}

// Widens [*min, *max] with a chunk's statistics.
void MergeMinMax(const format::ColumnMeta& chunk, format::ColumnMeta* meta) {
  if (!chunk.has_min_max) return;
  if (!meta->has_min_max) {
    meta->has_min_max = true;
    meta->min = chunk.min;
    meta->max = chunk.max;
    return;
  }
  if (format::CompareValues(chunk.min, meta->min) < 0) meta->min = chunk.min;
  if (format::CompareValues(chunk.max, meta->max) > 0) meta->max = chunk.max;
}

}  // namespace

struct PartWriter::ColumnState {
  format::ColumnMeta meta;
  std::vector<std::shared_ptr<const Column>> dictionaries;
  std::unique_ptr<format::ColumnStreamWriter> writer;
  std::string bin_name;
  std::unique_ptr<WritableFile> bin;
  format::StreamingChecksum bin_checksum;
  uint64_t bin_bytes = 0;
  std::vector<format::Mark> marks;
  std::string block;  // FlushBlock's output, reused
};

PartWriter::PartWriter(Env* env, const format::TableSchema& schema) : env_(env), schema_(schema) {}

absl::StatusOr<std::unique_ptr<PartWriter>> PartWriter::Create(Env* env, const std::string& table_dir,
                                                               const format::TableSchema& schema,
                                                               const PartIdentity& id, Dictionaries dictionaries) {
  if (dictionaries.size() != schema.columns.size()) {
    return absl::InternalError("PartWriter: dictionaries do not match the schema");
  }
  std::unique_ptr<PartWriter> w(new PartWriter(env, schema));
  format::PartMeta& meta = w->meta_;
  meta.name = format::PartName(id.partition_id, id.min_block, id.max_block, id.level);
  meta.partition_id = id.partition_id;
  meta.partition_value = id.partition_value;
  meta.min_block = id.min_block;
  meta.max_block = id.max_block;
  meta.level = id.level;
  meta.sort_key = schema.sort_key;
  w->table_dir_ = table_dir;
  w->tmp_dir_ = TmpPartDir(table_dir, meta.name);
  TALLY_RETURN_IF_ERROR(env->RemoveAll(w->tmp_dir_));
  TALLY_RETURN_IF_ERROR(env->CreateDirs(w->tmp_dir_));

  TALLY_ASSIGN_OR_RETURN(std::vector<BoundSkipIndex> indexes, BindSkipIndexes(schema));
  for (BoundSkipIndex& index : indexes) w->skip_indexes_.emplace_back(std::move(index));
  for (const std::string& key : schema.sort_key) w->key_columns_.push_back(schema.FindColumn(key));
  w->index_.keys.resize(schema.sort_key.size());
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const format::ColumnDef& def = schema.columns[c];
    auto state = std::make_unique<ColumnState>();
    w->all_fixed_ &= def.type->is_fixed_width() || def.type->id() == TypeId::kLowCardinality;
    state->meta.name = def.name;
    state->meta.type = def.type;
    state->meta.codecs = format::EffectiveCodecs(def);
    if (dictionaries[c].size() != format::CountLowCardinalityNodes(*def.type)) {
      return absl::InternalError(absl::StrCat("PartWriter: column '", def.name, "': wrong number of dictionaries"));
    }
    for (const auto& dict : dictionaries[c]) {
      if (dict == nullptr) {
        state->meta.lc_plans.push_back(format::LowCardinalityPlan{false, 0, 0});
      } else {
        state->meta.lc_plans.push_back(format::LowCardinalityPlan{
            true, static_cast<uint8_t>(format::IndexWidthFor(dict->size())), dict->size()});
      }
    }
    state->dictionaries = std::move(dictionaries[c]);
    TALLY_ASSIGN_OR_RETURN(auto chains, format::StreamChains(*def.type, state->meta.codecs, state->meta.lc_plans));
    state->writer = std::make_unique<format::ColumnStreamWriter>(def.type, std::move(chains), state->meta.lc_plans);
    state->bin_name = format::ColumnFileBase(def.name) + ".bin";
    TALLY_ASSIGN_OR_RETURN(state->bin, env->NewWritableFile(JoinPath(w->tmp_dir_, state->bin_name)));
    const std::string header = format::DataFileHeader();
    TALLY_RETURN_IF_ERROR(state->bin->Append(header));
    state->bin_checksum.Update(header);
    state->bin_bytes = header.size();
    w->columns_.push_back(std::move(state));
  }
  return w;
}

PartWriter::~PartWriter() {
  if (finished_) return;
  columns_.clear();  // close the files first
  (void)env_->RemoveAll(tmp_dir_);  // best effort: recovery removes what remains
}

absl::Status PartWriter::CheckChunk(const Block& rows) const {
  if (finished_) return absl::FailedPreconditionError(absl::StrCat("part ", meta_.name, ": already finished"));
  if (rows.columns.size() != schema_.columns.size()) {
    return absl::InternalError("PartWriter: block does not match the schema");
  }
  for (size_t c = 0; c < rows.columns.size(); ++c) {
    const Column& column = rows.columns[c];
    if (column.size() != rows.rows() || !column.type->Equals(*schema_.columns[c].type)) {
      return absl::InternalError(absl::StrCat("PartWriter: column '", schema_.columns[c].name,
                                              "' does not match the schema"));
    }
    // Dictionary-mode nodes must index the part's own dictionaries at the plan's width:
    // anything else would write indexes into the wrong table.
    const auto& dicts = columns_[c]->dictionaries;
    bool mismatch = false;
    format::ForEachLowCardinality(column, [&](const Column& node, size_t k) {
      const auto& dict = dicts[k];
      if (dict == nullptr || node.size() == 0) return;
      mismatch |= node.dictionary != dict || node.index_width != format::IndexWidthFor(dict->size());
    });
    if (mismatch) {
      return absl::InternalError(absl::StrCat("PartWriter: column '", schema_.columns[c].name,
                                              "' does not index the part dictionary"));
    }
  }
  return absl::OkStatus();
}

std::vector<size_t> PartWriter::GranuleStartsIn(const Block& rows) {
  const size_t n = rows.rows();
  const uint64_t max_rows = schema_.index_granularity;
  std::vector<size_t> starts;
  if (all_fixed_) {
    size_t r = 0;
    if (granule_rows_ > 0) r = std::min<uint64_t>(n, max_rows - granule_rows_);
    if (r == n) {
      granule_rows_ += n;
      return starts;
    }
    for (; r < n; r += max_rows) starts.push_back(r);
    granule_rows_ = n - starts.back();
    return starts;
  }
  std::vector<uint64_t> sizes(n, 0);
  for (const Column& c : rows.columns) AddRowBytes(c, &sizes);
  for (size_t r = 0; r < n; ++r) {
    if (granule_rows_ == 0 || granule_rows_ == max_rows ||
        granule_bytes_ >= schema_.index_granularity_bytes) {
      starts.push_back(r);
      granule_rows_ = granule_bytes_ = 0;
    }
    ++granule_rows_;
    granule_bytes_ += sizes[r];
  }
  return starts;
}

absl::Status PartWriter::FlushBlock(ColumnState* state) {
  state->block.clear();
  TALLY_RETURN_IF_ERROR(state->writer->FlushBlock(&state->block));
  TALLY_RETURN_IF_ERROR(state->bin->Append(state->block));
  state->bin_checksum.Update(state->block);
  state->bin_bytes += state->block.size();
  return absl::OkStatus();
}

absl::Status PartWriter::WriteColumn(size_t c, const Column& column, const std::vector<size_t>& starts) {
  ColumnState& state = *columns_[c];
  format::ColumnMeta chunk_stats;
  ComputeMinMax(column, &chunk_stats);
  MergeMinMax(chunk_stats, &state.meta);
  size_t pos = 0;
  for (size_t start : starts) {
    if (start > pos) state.writer->AppendRows(column, pos, start - pos);
    // A granule closed just before `start`: its block may be full.
    if (!state.marks.empty() && state.writer->pending_bytes() >= schema_.min_block_bytes) {
      TALLY_RETURN_IF_ERROR(FlushBlock(&state));
    }
    state.marks.push_back(format::Mark{state.bin_bytes, state.writer->pending_rows()});
    pos = start;
  }
  if (column.size() > pos) state.writer->AppendRows(column, pos, column.size() - pos);
  return absl::OkStatus();
}

absl::Status PartWriter::Append(const Block& rows) {
  TALLY_RETURN_IF_ERROR(CheckChunk(rows));
  const size_t n = rows.rows();
  if (n == 0) return absl::OkStatus();
  const uint64_t granules_before = index_.granule_starts.size();
  const std::vector<size_t> starts = GranuleStartsIn(rows);
  for (SkipIndexBuilder& index : skip_indexes_) TALLY_RETURN_IF_ERROR(index.Add(rows, starts, granules_before));
  for (size_t start : starts) {
    index_.granule_starts.push_back(rows_ + start);
    for (size_t k = 0; k < key_columns_.size(); ++k) {
      index_.keys[k].push_back(rows.columns[key_columns_[k]].GetValue(start));
    }
  }
  for (size_t c = 0; c < columns_.size(); ++c) TALLY_RETURN_IF_ERROR(WriteColumn(c, rows.columns[c], starts));
  last_key_.clear();
  for (size_t k : key_columns_) last_key_.push_back(rows.columns[k].GetValue(n - 1));
  rows_ += n;
  return absl::OkStatus();
}

absl::StatusOr<format::PartMeta> PartWriter::Finish() {
  if (finished_) return absl::FailedPreconditionError(absl::StrCat("part ", meta_.name, ": already finished"));
  if (rows_ == 0) return absl::InvalidArgumentError(absl::StrCat("part ", meta_.name, ": no rows"));
  format::PartMeta& meta = meta_;
  meta.rows = rows_;
  meta.granules = index_.granule_starts.size();
  index_.granule_starts.push_back(rows_);
  for (size_t k = 0; k < key_columns_.size(); ++k) index_.keys[k].push_back(last_key_[k]);

  for (auto& state : columns_) {
    if (state->writer->pending_rows() > 0) TALLY_RETURN_IF_ERROR(FlushBlock(state.get()));
    TALLY_RETURN_IF_ERROR(state->bin->Sync());
    TALLY_RETURN_IF_ERROR(state->bin->Close());
    state->bin.reset();
    meta.files.push_back(format::FileChecksum{state->bin_name, state->bin_bytes, state->bin_checksum.value()});
    const std::string base = format::ColumnFileBase(state->meta.name);
    std::vector<std::pair<std::string, std::string>> small = {{base + ".mrk", format::EncodeMarks(state->marks)}};
    std::vector<std::shared_ptr<const Column>> used;
    for (const auto& d : state->dictionaries) {
      if (d != nullptr) used.push_back(d);
    }
    if (!used.empty()) {
      TALLY_ASSIGN_OR_RETURN(std::string dict_file, format::EncodeDictionaries(used));
      small.emplace_back(base + ".dict", std::move(dict_file));
    }
    for (const auto& [name, bytes] : small) {
      TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, JoinPath(tmp_dir_, name), bytes));
      meta.files.push_back(format::FileChecksum{name, bytes.size(), format::Checksum(bytes)});
    }
    meta.columns.push_back(std::move(state->meta));
  }
  for (SkipIndexBuilder& index : skip_indexes_) {
    const std::string bytes = format::EncodeSkipIndex(index.Finish());
    const std::string& name = index.index().file;
    TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, JoinPath(tmp_dir_, name), bytes));
    meta.files.push_back(format::FileChecksum{name, bytes.size(), format::Checksum(bytes)});
  }
  const std::string index_bytes = format::EncodePrimaryIndex(index_);
  TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, JoinPath(tmp_dir_, format::kPrimaryIndexFile), index_bytes));
  meta.files.push_back(format::FileChecksum{format::kPrimaryIndexFile, index_bytes.size(), format::Checksum(index_bytes)});

  // Invariant check before the part can become visible: the metadata decodes to what we meant.
  const std::string meta_bytes = format::EncodePartMeta(meta);
  auto check = format::DecodePartMeta(format::AsBytes(meta_bytes), meta.name);
  if (!check.ok() || check->rows != rows_ || check->files.size() != meta.files.size()) {
    return absl::InternalError(absl::StrCat("part ", meta.name, ": metadata does not round-trip: ",
                                            check.status().ToString()));
  }
  TALLY_RETURN_IF_ERROR(WriteFileSynced(env_, JoinPath(tmp_dir_, format::kPartMetaFile), meta_bytes));
  TALLY_RETURN_IF_ERROR(env_->SyncDir(tmp_dir_));
  if (env_->FileExists(JoinPath(table_dir_, meta.name))) {
    return absl::AlreadyExistsError(absl::StrCat("part ", meta.name, " already exists in ", table_dir_));
  }
  // The temporary directory's own entry must be durable too: once the manifest names the
  // part, recovery looks for it there.
  TALLY_RETURN_IF_ERROR(env_->SyncDir(table_dir_));
  finished_ = true;
  return meta;
}

std::string TmpPartDir(const std::string& table_dir, const std::string& part_name) {
  return JoinPath(table_dir, std::string(kTmpPartPrefix) + part_name);
}

absl::Status PublishPart(Env* env, const std::string& table_dir, const std::string& part_name) {
  return env->Rename(TmpPartDir(table_dir, part_name), JoinPath(table_dir, part_name));
}

absl::StatusOr<format::PartMeta> WritePart(Env* env, const std::string& table_dir,
                                           const format::TableSchema& schema, const PartIdentity& id,
                                           Block block) {
  TALLY_ASSIGN_OR_RETURN(format::PartMeta meta, WriteUnpublishedPart(env, table_dir, schema, id, std::move(block)));
  TALLY_RETURN_IF_ERROR(PublishPart(env, table_dir, meta.name));
  TALLY_RETURN_IF_ERROR(env->SyncDir(table_dir));
  return meta;
}

absl::StatusOr<std::shared_ptr<Part>> WriteAndOpenUnpublishedPart(Env* env, const std::string& table_dir,
                                                                  const format::TableSchema& schema,
                                                                  const PartIdentity& id, Block block) {
  TALLY_ASSIGN_OR_RETURN(format::PartMeta meta, WriteUnpublishedPart(env, table_dir, schema, id, std::move(block)));
  auto part = Part::Open(env, TmpPartDir(table_dir, meta.name), meta.name);
  if (!part.ok()) {
    return absl::InternalError(absl::StrCat("part ", meta.name, " failed validation right after writing: ",
                                            part.status().message()));
  }
  return part;
}

absl::StatusOr<format::PartMeta> WriteUnpublishedPart(Env* env, const std::string& table_dir,
                                                      const format::TableSchema& schema, const PartIdentity& id,
                                                      Block block) {
  if (block.rows() == 0) return absl::InvalidArgumentError("WritePart: empty block");
  if (block.columns.size() != schema.columns.size()) {
    return absl::InternalError("WritePart: block does not match the schema");
  }
  PartWriter::Dictionaries dictionaries(schema.columns.size());
  for (size_t c = 0; c < block.columns.size(); ++c) {
    format::PrepareLowCardinality(&block.columns[c], schema.max_dictionary_entries, &dictionaries[c]);
  }
  TALLY_ASSIGN_OR_RETURN(auto writer, PartWriter::Create(env, table_dir, schema, id, std::move(dictionaries)));
  TALLY_RETURN_IF_ERROR(writer->Append(block));
  return writer->Finish();
}

}  // namespace tally::engine
