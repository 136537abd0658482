#include "engine/part_writer.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/column_streams.h"
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

struct PendingFile {
  std::string name;
  std::string bytes;
};

absl::Status WriteColumn(Column column, const format::ColumnDef& def,
                         const std::vector<uint64_t>& granule_starts, const format::TableSchema& schema,
                         format::ColumnMeta* meta, std::vector<PendingFile>* files) {
  ComputeMinMax(column, meta);
  Column& prepared = column;
  std::vector<std::shared_ptr<const Column>> dictionaries;
  meta->lc_plans = format::PrepareLowCardinality(&prepared, schema.max_dictionary_entries, &dictionaries);
  TALLY_ASSIGN_OR_RETURN(auto chains, format::StreamChains(*def.type, meta->codecs, meta->lc_plans));
  format::ColumnStreamWriter writer(def.type, std::move(chains), meta->lc_plans);

  const std::string base = format::ColumnFileBase(def.name);
  std::string data = format::DataFileHeader();
  std::vector<format::Mark> marks;
  const size_t granules = granule_starts.size() - 1;
  marks.reserve(granules);
  for (size_t g = 0; g < granules; ++g) {
    marks.push_back(format::Mark{data.size(), writer.pending_rows()});
    writer.AppendRows(prepared, granule_starts[g], granule_starts[g + 1] - granule_starts[g]);
    if (writer.pending_bytes() >= schema.min_block_bytes || g + 1 == granules) {
      TALLY_RETURN_IF_ERROR(writer.FlushBlock(&data));
    }
  }
  files->push_back(PendingFile{base + ".bin", std::move(data)});
  files->push_back(PendingFile{base + ".mrk", format::EncodeMarks(marks)});
  std::vector<std::shared_ptr<const Column>> used;
  for (auto& d : dictionaries) {
    if (d != nullptr) used.push_back(d);
  }
  if (!used.empty()) {
    TALLY_ASSIGN_OR_RETURN(std::string dict_file, format::EncodeDictionaries(used));
    files->push_back(PendingFile{base + ".dict", std::move(dict_file)});
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<uint64_t> GranuleStarts(const Block& block, uint64_t index_granularity,
                                    uint64_t index_granularity_bytes) {
  const size_t rows = block.rows();
  std::vector<uint64_t> starts = {0};
  if (rows == 0) return starts;
  bool all_fixed = true;
  for (const Column& c : block.columns) all_fixed &= c.type->is_fixed_width() || c.type->id() == TypeId::kLowCardinality;
  if (all_fixed) {
    for (uint64_t r = index_granularity; r < rows; r += index_granularity) starts.push_back(r);
  } else {
    std::vector<uint64_t> sizes(rows, 0);
    for (const Column& c : block.columns) AddRowBytes(c, &sizes);
    uint64_t granule_rows = 0, granule_bytes = 0;
    for (size_t r = 0; r < rows; ++r) {
      if (granule_rows == index_granularity || (granule_rows > 0 && granule_bytes >= index_granularity_bytes)) {
        starts.push_back(r);
        granule_rows = granule_bytes = 0;
      }
      ++granule_rows;
      granule_bytes += sizes[r];
    }
  }
  starts.push_back(rows);
  return starts;
}

absl::StatusOr<format::PartMeta> WritePart(Env* env, const std::string& table_dir,
                                           const format::TableSchema& schema, const PartIdentity& id,
                                           Block block) {
  const size_t rows = block.rows();
  if (rows == 0) return absl::InvalidArgumentError("WritePart: empty block");
  if (block.columns.size() != schema.columns.size()) {
    return absl::InternalError("WritePart: block does not match the schema");
  }
  format::PartMeta meta;
  meta.name = format::PartName(id.partition_id, id.min_block, id.max_block, id.level);
  meta.partition_id = id.partition_id;
  meta.partition_value = id.partition_value;
  meta.min_block = id.min_block;
  meta.max_block = id.max_block;
  meta.level = id.level;
  meta.rows = rows;
  meta.sort_key = schema.sort_key;

  const std::vector<uint64_t> starts =
      GranuleStarts(block, schema.index_granularity, schema.index_granularity_bytes);
  meta.granules = starts.size() - 1;

  format::PrimaryIndex index;
  index.granule_starts = starts;
  for (const std::string& key : schema.sort_key) {
    const Column& c = block.columns[schema.FindColumn(key)];
    std::vector<Value> values;
    values.reserve(starts.size());
    for (size_t g = 0; g + 1 < starts.size(); ++g) values.push_back(c.GetValue(starts[g]));
    values.push_back(c.GetValue(rows - 1));
    index.keys.push_back(std::move(values));
  }
  std::vector<PendingFile> files;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    format::ColumnMeta column_meta;
    column_meta.name = schema.columns[c].name;
    column_meta.type = schema.columns[c].type;
    column_meta.codecs = format::EffectiveCodecs(schema.columns[c]);
    TALLY_RETURN_IF_ERROR(WriteColumn(std::move(block.columns[c]), schema.columns[c], starts, schema, &column_meta, &files));
    meta.columns.push_back(std::move(column_meta));
  }

  files.push_back(PendingFile{format::kPrimaryIndexFile, format::EncodePrimaryIndex(index)});

  for (const PendingFile& f : files) {
    meta.files.push_back(format::FileChecksum{f.name, f.bytes.size(), format::Checksum(f.bytes)});
  }
  files.push_back(PendingFile{format::kPartMetaFile, format::EncodePartMeta(meta)});

  // Invariant check before anything reaches disk: the metadata decodes to what we meant.
  auto check = format::DecodePartMeta(format::AsBytes(files.back().bytes), meta.name);
  if (!check.ok() || check->rows != rows || check->files.size() != meta.files.size()) {
    return absl::InternalError(absl::StrCat("part ", meta.name, ": metadata does not round-trip: ",
                                            check.status().ToString()));
  }

  const std::string tmp_dir = JoinPath(table_dir, std::string(kTmpPartPrefix) + meta.name);
  const std::string final_dir = JoinPath(table_dir, meta.name);
  TALLY_RETURN_IF_ERROR(env->RemoveAll(tmp_dir));
  TALLY_RETURN_IF_ERROR(env->CreateDirs(tmp_dir));
  for (const PendingFile& f : files) {
    TALLY_RETURN_IF_ERROR(WriteFileSynced(env, JoinPath(tmp_dir, f.name), f.bytes));
  }
  TALLY_RETURN_IF_ERROR(env->SyncDir(tmp_dir));
  if (env->FileExists(final_dir)) {
    return absl::AlreadyExistsError(absl::StrCat("part ", meta.name, " already exists in ", table_dir));
  }
  TALLY_RETURN_IF_ERROR(env->Rename(tmp_dir, final_dir));
  TALLY_RETURN_IF_ERROR(env->SyncDir(table_dir));
  return meta;
}

}  // namespace tally::engine
