#include "format/column_streams.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

// The largest of `rows` dictionary indexes of `width` bytes. One loop per width, so it
// compiles to a branch-free (and, at -O3, vectorized) max instead of a switch per row.
template <typename T>
uint32_t MaxIndexOf(const uint8_t* data, size_t rows) {
  const T* idx = reinterpret_cast<const T*>(data);
  T max = 0;
  for (size_t i = 0; i < rows; ++i) max = idx[i] > max ? idx[i] : max;
  return max;
}

uint32_t MaxIndex(const uint8_t* data, uint8_t width, size_t rows) {
  switch (width) {
    case 1:
      return MaxIndexOf<uint8_t>(data, rows);
    case 2:
      return MaxIndexOf<uint16_t>(data, rows);
    default:
      return MaxIndexOf<uint32_t>(data, rows);
  }
}

bool IsTransform(CodecId id) {
  return id == CodecId::kDelta || id == CodecId::kDoubleDelta || id == CodecId::kGorilla ||
         id == CodecId::kNarrow;
}

CodecChain WithoutTransforms(const CodecChain& chain) {
  CodecChain out;
  for (const CodecSpec& spec : chain) {
    if (!IsTransform(spec.id) && spec.id != CodecId::kNone) out.push_back(spec);
  }
  return out;
}

void PrepareNode(const DataType& type, Column* column, uint64_t max_entries,
                 std::vector<LowCardinalityPlan>* plans,
                 std::vector<std::shared_ptr<const Column>>* dictionaries) {
  switch (type.id()) {
    case TypeId::kNullable:
    case TypeId::kArray:
      PrepareNode(type.child(0), &column->children[0], max_entries, plans, dictionaries);
      return;
    case TypeId::kMap:
      PrepareNode(type.child(0), &column->children[0], max_entries, plans, dictionaries);
      PrepareNode(type.child(1), &column->children[1], max_entries, plans, dictionaries);
      return;
    case TypeId::kLowCardinality:
      break;
    default:
      return;
  }
  const bool nullable = type.is_nullable_low_cardinality();
  const Column& old_dict = *column->dictionary;
  const size_t rows = column->size();
  std::vector<uint8_t> used(old_dict.size(), 0);
  for (size_t i = 0; i < rows; ++i) used[column->IndexAt(i)] = 1;
  std::vector<uint32_t> entries;
  for (uint32_t k = nullable ? 1 : 0; k < old_dict.size(); ++k) {
    if (used[k]) entries.push_back(k);
  }
  uint64_t dict_size = entries.size() + (nullable ? 1 : 0);
  if (dict_size > max_entries) {
    plans->push_back(LowCardinalityPlan{false, 0, 0});
    dictionaries->push_back(nullptr);
    return;
  }
  std::sort(entries.begin(), entries.end(), [&](uint32_t a, uint32_t b) {
    return old_dict.StringAt(a) < old_dict.StringAt(b);
  });
  auto dict = std::make_shared<Column>(Column::Make(DataType::Make(TypeId::kString)));
  std::vector<uint32_t> remap(old_dict.size(), 0);
  if (nullable) dict->AppendString("");
  for (uint32_t k : entries) {
    remap[k] = static_cast<uint32_t>(dict->size());
    dict->AppendString(old_dict.StringAt(k));
  }
  uint8_t width = static_cast<uint8_t>(IndexWidthFor(dict->size()));
  PodVector<uint8_t> indexes(rows * width);
  for (size_t i = 0; i < rows; ++i) {
    uint32_t v = remap[column->IndexAt(i)];
    std::memcpy(indexes.data() + i * width, &v, width);
  }
  Column rebuilt = Column::Make(column->type);
  rebuilt.data = std::move(indexes);
  rebuilt.index_width = width;
  rebuilt.dictionary = dict;
  *column = std::move(rebuilt);
  plans->push_back(LowCardinalityPlan{true, width, dict->size()});
  dictionaries->push_back(std::move(dict));
}

// Integer values headed for ZSTD with no transform declared get Narrow in front: the
// stored bytes shrink and decoding gets much faster (docs/format.md, "Narrow").
CodecChain WithNarrowing(const DataType& type, CodecChain chain) {
  const size_t w = type.fixed_width();
  if (!(type.is_integer() || type.is_time()) || !(w == 2 || w == 4 || w == 8)) return chain;
  bool zstd = false;
  for (const CodecSpec& spec : chain) {
    if (IsTransform(spec.id) || spec.id == CodecId::kNarrow) return chain;
    zstd |= spec.id == CodecId::kZstd;
  }
  if (!zstd) return chain;
  chain.insert(chain.begin(), CodecSpec{CodecId::kNarrow, static_cast<uint8_t>(w)});
  return chain;
}

absl::Status CollectChains(const DataType& type, const CodecChain& chain,
                           const std::vector<LowCardinalityPlan>& plans, size_t* lc_node,
                           std::vector<CodecChain>* out) {
  CodecChain aux = WithoutTransforms(chain);
  // CODEC(None) or transforms alone leave nothing for the other streams: store them raw
  // (ResolveCodecChain refuses an empty chain).
  if (aux.empty()) aux.push_back(CodecSpec{CodecId::kNone, 0});
  TALLY_ASSIGN_OR_RETURN(CodecChain aux_resolved, ResolveCodecChain(aux, 0));
  switch (type.id()) {
    case TypeId::kString:
      out->push_back(aux_resolved);
      out->push_back(aux_resolved);
      return absl::OkStatus();
    case TypeId::kLowCardinality: {
      if (*lc_node >= plans.size()) return absl::InternalError("missing LowCardinality plan");
      const LowCardinalityPlan& plan = plans[(*lc_node)++];
      size_t n = plan.dictionary ? 1 : (type.is_nullable_low_cardinality() ? 3 : 2);
      for (size_t i = 0; i < n; ++i) out->push_back(aux_resolved);
      return absl::OkStatus();
    }
    case TypeId::kNullable:
      out->push_back(aux_resolved);
      return CollectChains(type.child(0), chain, plans, lc_node, out);
    case TypeId::kArray:
      out->push_back(aux_resolved);
      return CollectChains(type.child(0), chain, plans, lc_node, out);
    case TypeId::kMap:
      out->push_back(aux_resolved);
      TALLY_RETURN_IF_ERROR(CollectChains(type.child(0), chain, plans, lc_node, out));
      return CollectChains(type.child(1), chain, plans, lc_node, out);
    default: {
      TALLY_ASSIGN_OR_RETURN(CodecChain resolved, ResolveCodecChain(chain, type.fixed_width()));
      out->push_back(WithNarrowing(type, std::move(resolved)));
      return absl::OkStatus();
    }
  }
}

void AppendLengths(const PodVector<uint64_t>& offsets, size_t start, size_t count,
                   PodVector<uint8_t>* out) {
  size_t old = out->size();
  out->resize(old + count * 4);
  uint8_t* p = out->data() + old;
  uint64_t prev = start == 0 ? 0 : offsets[start - 1];
  for (size_t i = 0; i < count; ++i) {
    uint32_t len = static_cast<uint32_t>(offsets[start + i] - prev);
    std::memcpy(p + i * 4, &len, 4);
    prev = offsets[start + i];
  }
}

absl::Status SizeMismatch(absl::string_view what, size_t stream, absl::string_view name,
                          uint64_t got, uint64_t want) {
  return absl::DataLossError(absl::StrCat(what, ": stream ", stream, " (", name, ") holds ", got,
                                          " bytes, expected ", want));
}

// Turns a lengths stream into end offsets; returns the total.
absl::StatusOr<uint64_t> LengthsToOffsets(const PodVector<uint8_t>& lengths, uint64_t rows,
                                          absl::string_view what, size_t stream,
                                          PodVector<uint64_t>* offsets) {
  if (lengths.size() != rows * 4) return SizeMismatch(what, stream, "lengths", lengths.size(), rows * 4);
  offsets->resize(rows);
  uint64_t total = 0;
  for (uint64_t i = 0; i < rows; ++i) {
    total += LoadFixed32(lengths.data() + i * 4);
    (*offsets)[i] = total;
  }
  return total;
}

}  // namespace

size_t CountLowCardinalityNodes(const DataType& type) {
  size_t n = type.id() == TypeId::kLowCardinality ? 1 : 0;
  if (type.id() == TypeId::kLowCardinality) return n;
  for (const DataTypePtr& child : type.children()) n += CountLowCardinalityNodes(*child);
  return n;
}

std::vector<LowCardinalityPlan> PrepareLowCardinality(
    Column* column, uint64_t max_entries, std::vector<std::shared_ptr<const Column>>* dictionaries) {
  std::vector<LowCardinalityPlan> plans;
  dictionaries->clear();
  PrepareNode(*column->type, column, max_entries, &plans, dictionaries);
  return plans;
}

absl::StatusOr<std::vector<CodecChain>> StreamChains(const DataType& type, const CodecChain& chain,
                                                     const std::vector<LowCardinalityPlan>& plans) {
  std::vector<CodecChain> out;
  size_t lc_node = 0;
  // An empty chain means None, as in EncodeWithChain (CountStreams passes one).
  const CodecChain none = {CodecSpec{CodecId::kNone, 0}};
  TALLY_RETURN_IF_ERROR(CollectChains(type, chain.empty() ? none : chain, plans, &lc_node, &out));
  bool has_transform = false, transform_used = false;
  for (const CodecSpec& spec : chain) has_transform |= IsTransform(spec.id);
  for (const CodecChain& stream : out) {
    for (const CodecSpec& spec : stream) transform_used |= IsTransform(spec.id);
  }
  if (has_transform && !transform_used) {
    return absl::InvalidArgumentError(absl::StrCat("codec ", CodecChainToString(chain),
                                                   " transforms fixed-width values, and ", type.ToString(),
                                                   " has none"));
  }
  return out;
}

size_t CountStreams(const DataType& type, const std::vector<LowCardinalityPlan>& plans) {
  auto chains = StreamChains(type, {}, plans);
  return chains.ok() ? chains->size() : 0;
}

ColumnStreamWriter::ColumnStreamWriter(DataTypePtr type, std::vector<CodecChain> chains,
                                       std::vector<LowCardinalityPlan> plans)
    : type_(std::move(type)), chains_(std::move(chains)), plans_(std::move(plans)) {
  streams_.resize(chains_.size());
}

size_t ColumnStreamWriter::pending_bytes() const {
  size_t n = 0;
  for (const auto& s : streams_) n += s.size();
  return n;
}

void ColumnStreamWriter::AppendRows(const Column& column, size_t start, size_t count) {
  size_t stream = 0, lc_node = 0;
  Append(*type_, column, start, count, &stream, &lc_node);
  pending_rows_ += static_cast<uint32_t>(count);
}

void ColumnStreamWriter::Append(const DataType& type, const Column& column, size_t start,
                                size_t count, size_t* stream, size_t* lc_node) {
  switch (type.id()) {
    case TypeId::kString: {
      AppendLengths(column.offsets, start, count, &streams_[(*stream)++]);
      uint64_t begin = start == 0 ? 0 : column.offsets[start - 1];
      uint64_t end = count == 0 ? begin : column.offsets[start + count - 1];
      streams_[(*stream)++].append(column.chars.data() + begin, end - begin);
      return;
    }
    case TypeId::kLowCardinality: {
      const LowCardinalityPlan& plan = plans_[(*lc_node)++];
      if (plan.dictionary) {
        streams_[(*stream)++].append(column.data.data() + start * column.index_width,
                                     count * column.index_width);
        return;
      }
      const bool nullable = type.is_nullable_low_cardinality();
      if (nullable) {
        PodVector<uint8_t>& nulls = streams_[(*stream)++];
        for (size_t i = 0; i < count; ++i) nulls.push_back(column.IndexAt(start + i) == 0);
      }
      PodVector<uint8_t>& lengths = streams_[(*stream)++];
      PodVector<uint8_t>& chars = streams_[(*stream)++];
      for (size_t i = 0; i < count; ++i) {
        uint32_t index = column.IndexAt(start + i);
        absl::string_view s = nullable && index == 0 ? absl::string_view() : column.dictionary->StringAt(index);
        uint32_t len = static_cast<uint32_t>(s.size());
        lengths.append(reinterpret_cast<const uint8_t*>(&len), 4);
        chars.append(reinterpret_cast<const uint8_t*>(s.data()), s.size());
      }
      return;
    }
    case TypeId::kNullable:
      streams_[(*stream)++].append(column.nulls.data() + start, count);
      Append(type.child(0), column.children[0], start, count, stream, lc_node);
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      AppendLengths(column.offsets, start, count, &streams_[(*stream)++]);
      uint64_t begin = start == 0 ? 0 : column.offsets[start - 1];
      uint64_t end = count == 0 ? begin : column.offsets[start + count - 1];
      Append(type.child(0), column.children[0], begin, end - begin, stream, lc_node);
      if (type.id() == TypeId::kMap) {
        Append(type.child(1), column.children[1], begin, end - begin, stream, lc_node);
      }
      return;
    }
    default: {
      size_t w = type.fixed_width();
      streams_[(*stream)++].append(column.data.data() + start * w, count * w);
      return;
    }
  }
}

absl::Status ColumnStreamWriter::FlushBlock(std::string* out) {
  std::vector<BlockStreamInput> inputs(streams_.size());
  for (size_t i = 0; i < streams_.size(); ++i) {
    inputs[i].raw = streams_[i].span();
    inputs[i].chain = chains_[i];
  }
  TALLY_RETURN_IF_ERROR(EncodeBlock(pending_rows_, inputs, out));
  for (auto& s : streams_) s.clear();
  pending_rows_ = 0;
  return absl::OkStatus();
}

ColumnStreamReader::ColumnStreamReader(DataTypePtr type, std::vector<LowCardinalityPlan> plans,
                                       std::vector<std::shared_ptr<const Column>> dictionaries)
    : type_(std::move(type)), plans_(std::move(plans)), dictionaries_(std::move(dictionaries)) {
  stream_count_ = CountStreams(*type_, plans_);
}

absl::StatusOr<Column> ColumnStreamReader::Read(DecodedBlock* block, absl::string_view what) const {
  if (stream_count_ == 0) {
    return absl::InternalError(absl::StrCat(what, ": the reader's LowCardinality plans do not fit its type"));
  }
  if (block->streams.size() != stream_count_) {
    return absl::DataLossError(absl::StrCat(what, ": block has ", block->streams.size(),
                                            " streams, the column's type needs ", stream_count_));
  }
  Column out = Column::Make(type_);
  size_t stream = 0, lc_node = 0;
  TALLY_RETURN_IF_ERROR(Read(*type_, block, block->rows, &stream, &lc_node, what, &out));
  return out;
}

absl::Status ColumnStreamReader::Read(const DataType& type, DecodedBlock* block, uint64_t rows,
                                      size_t* stream, size_t* lc_node, absl::string_view what,
                                      Column* out) const {
  auto& streams = block->streams;
  switch (type.id()) {
    case TypeId::kString: {
      size_t s = (*stream)++;
      TALLY_ASSIGN_OR_RETURN(uint64_t total, LengthsToOffsets(streams[s], rows, what, s, &out->offsets));
      size_t c = (*stream)++;
      if (streams[c].size() != total) return SizeMismatch(what, c, "chars", streams[c].size(), total);
      std::swap(out->chars, streams[c]);
      return absl::OkStatus();
    }
    case TypeId::kLowCardinality: {
      size_t node = (*lc_node)++;
      const LowCardinalityPlan& plan = plans_[node];
      if (plan.dictionary) {
        size_t s = (*stream)++;
        if (streams[s].size() != rows * plan.index_width) {
          return SizeMismatch(what, s, "indexes", streams[s].size(), rows * plan.index_width);
        }
        std::swap(out->data, streams[s]);
        out->index_width = plan.index_width;
        out->dictionary = dictionaries_[node];
        const uint64_t dict_size = out->dictionary->size();
        if (dict_size < (uint64_t{1} << (8 * plan.index_width))) {
          const uint32_t max_index = MaxIndex(out->data.data(), plan.index_width, rows);
          if (rows > 0 && max_index >= dict_size) {
            return absl::DataLossError(absl::StrCat(what, ": dictionary index ", max_index,
                                                    " past the dictionary's ", dict_size, " entries"));
          }
        }
        return absl::OkStatus();
      }
      const bool nullable = type.is_nullable_low_cardinality();
      size_t null_stream = nullable ? (*stream)++ : 0;
      if (nullable && streams[null_stream].size() != rows) {
        return SizeMismatch(what, null_stream, "nulls", streams[null_stream].size(), rows);
      }
      Column strings = Column::Make(DataType::Make(TypeId::kString));
      TALLY_RETURN_IF_ERROR(Read(*strings.type, block, rows, stream, lc_node, what, &strings));
      for (uint64_t i = 0; i < rows; ++i) {
        if (nullable && streams[null_stream][i]) {
          out->AppendIndex(0);
        } else {
          TALLY_RETURN_IF_ERROR(out->AppendValue(Value::String(std::string(strings.StringAt(i)))));
        }
      }
      return absl::OkStatus();
    }
    case TypeId::kNullable: {
      size_t s = (*stream)++;
      if (streams[s].size() != rows) return SizeMismatch(what, s, "nulls", streams[s].size(), rows);
      for (uint64_t i = 0; i < rows; ++i) {
        if (streams[s][i] > 1) {
          return absl::DataLossError(absl::StrCat(what, ": row ", i, ": null flag ", streams[s][i]));
        }
      }
      std::swap(out->nulls, streams[s]);
      return Read(type.child(0), block, rows, stream, lc_node, what, &out->children[0]);
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      size_t s = (*stream)++;
      TALLY_ASSIGN_OR_RETURN(uint64_t total, LengthsToOffsets(streams[s], rows, what, s, &out->offsets));
      TALLY_RETURN_IF_ERROR(Read(type.child(0), block, total, stream, lc_node, what, &out->children[0]));
      if (type.id() == TypeId::kMap) {
        TALLY_RETURN_IF_ERROR(Read(type.child(1), block, total, stream, lc_node, what, &out->children[1]));
      }
      return absl::OkStatus();
    }
    default: {
      size_t s = (*stream)++;
      uint64_t want = rows * type.fixed_width();
      if (streams[s].size() != want) return SizeMismatch(what, s, "values", streams[s].size(), want);
      if (type.id() == TypeId::kBool) {
        for (uint64_t i = 0; i < rows; ++i) {
          if (streams[s][i] > 1) return absl::DataLossError(absl::StrCat(what, ": row ", i, ": Bool value ", streams[s][i]));
        }
      }
      std::swap(out->data, streams[s]);
      return absl::OkStatus();
    }
  }
}

}  // namespace tally::format
