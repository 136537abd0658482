#include "engine/sorted_merge.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/superseded.h"
#include "format/column_streams.h"
#include "format/dictionary_merge.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::TypeId;

namespace {

template <typename T>
int Compare3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

template <typename F>
int CompareFloat(F a, F b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);  // NaN after every number
  return Compare3(a, b);
}

void CollectLowCardinalityTypes(const DataType& type, std::vector<const DataType*>* out) {
  if (type.id() == TypeId::kLowCardinality) {
    out->push_back(&type);
    return;
  }
  for (const auto& child : type.children()) CollectLowCardinalityTypes(*child, out);
}

}  // namespace

int CompareKeyCell(const Column& a, size_t i, const Column& b, size_t j, bool same_sorted_dictionary) {
  switch (a.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return Compare3(a.values<uint8_t>()[i], b.values<uint8_t>()[j]);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return Compare3(a.values<uint16_t>()[i], b.values<uint16_t>()[j]);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return Compare3(a.values<uint32_t>()[i], b.values<uint32_t>()[j]);
    case TypeId::kUInt64:
      return Compare3(a.values<uint64_t>()[i], b.values<uint64_t>()[j]);
    case TypeId::kInt8:
      return Compare3(a.values<int8_t>()[i], b.values<int8_t>()[j]);
    case TypeId::kInt16:
      return Compare3(a.values<int16_t>()[i], b.values<int16_t>()[j]);
    case TypeId::kInt32:
      return Compare3(a.values<int32_t>()[i], b.values<int32_t>()[j]);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return Compare3(a.values<int64_t>()[i], b.values<int64_t>()[j]);
    case TypeId::kFloat32:
      return CompareFloat(a.values<float>()[i], b.values<float>()[j]);
    case TypeId::kFloat64:
      return CompareFloat(a.values<double>()[i], b.values<double>()[j]);
    case TypeId::kUUID: {  // 16 bytes compared as memcmp would, as two big-endian words
      uint64_t x[2], y[2];
      std::memcpy(x, a.data.data() + i * 16, 16);
      std::memcpy(y, b.data.data() + j * 16, 16);
      for (int w = 0; w < 2; ++w) {
        if (x[w] != y[w]) return __builtin_bswap64(x[w]) < __builtin_bswap64(y[w]) ? -1 : 1;
      }
      return 0;
    }
    case TypeId::kString:
      return a.StringAt(i).compare(b.StringAt(j));
    case TypeId::kLowCardinality: {
      const uint32_t ai = a.IndexAt(i), bj = b.IndexAt(j);
      if (same_sorted_dictionary) return Compare3(ai, bj);
      if (a.type->is_nullable_low_cardinality() && (ai == 0 || bj == 0)) {
        return Compare3(ai != 0, bj != 0);
      }
      return a.dictionary->StringAt(ai).compare(b.dictionary->StringAt(bj));
    }
    case TypeId::kNullable: {
      const bool an = a.nulls[i] != 0, bn = b.nulls[j] != 0;
      if (an || bn) return Compare3(!an, !bn);
      return CompareKeyCell(a.children[0], i, b.children[0], j, same_sorted_dictionary);
    }
    default:
      return 0;  // Array and Map are refused as keys at CREATE TABLE
  }
}

struct SortedMerge::Input {
  MergeInput source;
  size_t order = 0;  // position among the inputs: breaks ties between equal keys
  std::vector<ColumnCursor> cursors;  // per output column
  std::shared_ptr<MergeWindow> window = std::make_shared<MergeWindow>();  // the granule being merged
  size_t pos = 0;
  uint64_t next_granule = 0;
};

SortedMerge::SortedMerge(const format::TableSchema& schema, std::vector<int> columns, std::vector<MergeInput> inputs,
                         size_t chunk_rows)
    : schema_(schema), columns_(std::move(columns)), chunk_rows_(chunk_rows) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto in = std::make_unique<Input>();
    in->source = std::move(inputs[i]);
    in->order = i;
    in->next_granule = in->source.granule_begin;
    for (int c : columns_) in->cursors.emplace_back(in->source.part, c);
    inputs_.push_back(std::move(in));
  }
  for (const std::string& key : schema.sort_key) {
    const int c = schema.FindColumn(key);
    key_positions_.push_back(std::find(columns_.begin(), columns_.end(), c) - columns_.begin());
  }
}

SortedMerge::~SortedMerge() = default;

std::vector<std::vector<std::shared_ptr<const Column>>> SortedMerge::PlanDictionaries() {
  std::vector<std::vector<std::shared_ptr<const Column>>> out(columns_.size());
  plans_.resize(columns_.size());
  for (size_t o = 0; o < columns_.size(); ++o) {
    const int c = columns_[o];
    std::vector<const DataType*> nodes;
    CollectLowCardinalityTypes(*schema_.columns[c].type, &nodes);
    for (size_t k = 0; k < nodes.size(); ++k) {
      NodePlan plan;
      std::vector<const Column*> dicts;
      for (const auto& in : inputs_) {
        const auto& d = in->source.part->column_data(c).dictionaries;
        if (k >= d.size() || d[k] == nullptr) break;
        dicts.push_back(d[k].get());
      }
      if (!dicts.empty() && dicts.size() == inputs_.size()) {
        format::MergedDictionary merged = format::MergeDictionaries(dicts, nodes[k]->is_nullable_low_cardinality());
        if (merged.dictionary->size() <= schema_.max_dictionary_entries) {
          plan.dictionary = std::move(merged.dictionary);
          plan.remap = std::move(merged.remap);
        }
      }
      out[o].push_back(plan.dictionary);
      plans_[o].push_back(std::move(plan));
    }
  }
  for (size_t pos : key_positions_) {
    const auto& p = plans_[pos];
    key_sorted_dictionary_.push_back(!p.empty() && p[0].dictionary != nullptr);
  }
  normalizer_ = KeyNormalizer::Make(EmptyChunk(), key_positions_, key_sorted_dictionary_);
  planned_ = true;
  return out;
}

int SortedMerge::CompareKeys(const MergeWindow& a, size_t i, const MergeWindow& b, size_t j) const {
  size_t first = 0;  // key columns left to compare one by one
  if (normalizer_.has_value()) {
    const NormalizedKeyValue x = a.keys[i], y = b.keys[j];
    if (x != y) return x < y ? -1 : 1;
    if (normalizer_->complete()) return 0;
    first = normalizer_->columns();
  }
  for (size_t k = first; k < key_positions_.size(); ++k) {
    const size_t c = key_positions_[k];
    int cmp = CompareKeyCell(a.block.columns[c], i, b.block.columns[c], j, key_sorted_dictionary_[k]);
    if (cmp != 0) return cmp;
  }
  return 0;
}

bool SortedMerge::Less(const Input& a, size_t i, const Input& b, size_t j) const {
  const int c = CompareKeys(*a.window, i, *b.window, j);
  return c != 0 ? c < 0 : a.order < b.order;
}

bool SortedMerge::SameKey(const MergeWindow& a, size_t i, const MergeWindow& b, size_t j) const {
  return CompareKeys(a, i, b, j) == 0;
}

Block SortedMerge::EmptyChunk() const {
  Block chunk;
  for (int c : columns_) chunk.Add(schema_.columns[c].name, Column::Make(schema_.columns[c].type));
  return chunk;
}

absl::Status SortedMerge::Load(Input* in) {
  in->window = std::make_shared<MergeWindow>();  // runs handed out keep the old one
  in->pos = 0;
  const auto& starts = in->source.part->index().granule_starts;
  // The next granule with a row not skipped (a window is never empty unless the input is
  // exhausted).
  std::vector<uint32_t> kept;
  while (true) {
    if (in->next_granule >= in->source.granule_end) return absl::OkStatus();
    const uint64_t g = in->next_granule++;
    kept.clear();
    if (in->source.skip != nullptr && !KeptRows(*in->source.skip, starts[g], starts[g + 1], &kept)) {
      if (kept.empty()) continue;  // every row of the granule skipped
    }
    in->window->first_row = starts[g];
    Block& block = in->window->block;
    for (size_t o = 0; o < columns_.size(); ++o) {
      TALLY_ASSIGN_OR_RETURN(Column column, kept.empty() ? in->cursors[o].Read(g, g + 1)
                                                         : in->cursors[o].ReadSelected(g, g + 1, kept));
      // Dictionary-mode LowCardinality nodes now index the merged dictionaries.
      format::ForEachLowCardinality(column, [&](Column& node, size_t k) {
        const NodePlan& plan = plans_[o][k];
        if (plan.dictionary != nullptr) format::RemapIndexes(&node, plan.remap[in->order], plan.dictionary);
      });
      block.Add(schema_.columns[columns_[o]].name, std::move(column));
    }
    if (!kept.empty()) {
      in->window->part_rows = kept;
      for (uint32_t& r : in->window->part_rows) r += static_cast<uint32_t>(starts[g]);
    }
    break;
  }
  if (normalizer_.has_value()) normalizer_->Normalize(in->window->block, &in->window->keys);
  return absl::OkStatus();
}

absl::Status SortedMerge::Start() {
  if (!planned_) PlanDictionaries();
  if (started_) return absl::OkStatus();
  started_ = true;
  for (auto& in : inputs_) {
    TALLY_RETURN_IF_ERROR(Load(in.get()));
    if (in->pos < in->window->block.rows()) heap_.push_back(in.get());
  }
  std::make_heap(heap_.begin(), heap_.end(), [this](const Input* a, const Input* b) { return Less(*b, b->pos, *a, a->pos); });
  return absl::OkStatus();
}

SortedMerge::Input* SortedMerge::PopRun(size_t* end) {
  if (heap_.empty()) return nullptr;
  auto greater = [this](const Input* a, const Input* b) { return Less(*b, b->pos, *a, a->pos); };
  std::pop_heap(heap_.begin(), heap_.end(), greater);
  Input* m = heap_.back();
  heap_.pop_back();
  const size_t size = m->window->block.rows();
  *end = size;
  if (!heap_.empty()) {
    const Input& next = *heap_.front();
    // m's rows from pos on are sorted: take those ordered before `next`'s current row.
    // Runs are mostly short where parts interleave: gallop from pos, then bisect.
    if (!Less(*m, size - 1, next, next.pos)) {
      size_t lo = m->pos + 1, hi = size - 1;  // Less holds before lo, fails at hi
      for (size_t step = 1; lo + step < hi; step *= 2) {
        if (!Less(*m, lo + step - 1, next, next.pos)) {
          hi = lo + step - 1;
          break;
        }
        lo += step;
      }
      while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (Less(*m, mid, next, next.pos)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      *end = lo;
    }
  }
  return m;
}

absl::Status SortedMerge::PushBack(Input* m, size_t end) {
  m->pos = end;
  if (m->pos == m->window->block.rows()) TALLY_RETURN_IF_ERROR(Load(m));
  if (m->pos < m->window->block.rows()) {
    heap_.push_back(m);
    std::push_heap(heap_.begin(), heap_.end(), [this](const Input* a, const Input* b) { return Less(*b, b->pos, *a, a->pos); });
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> SortedMerge::Next(Block* out) {
  TALLY_RETURN_IF_ERROR(Start());
  if (heap_.empty()) return false;
  Block chunk = EmptyChunk();
  while (chunk.rows() < chunk_rows_) {
    size_t end = 0;
    Input* m = PopRun(&end);
    if (m == nullptr) break;
    const Block& window = m->window->block;
    for (size_t c = 0; c < chunk.columns.size(); ++c) chunk.columns[c].AppendRange(window.columns[c], m->pos, end - m->pos);
    TALLY_RETURN_IF_ERROR(PushBack(m, end));
  }
  *out = std::move(chunk);
  return true;
}

absl::StatusOr<bool> SortedMerge::NextRun(MergeRun* run) {
  TALLY_RETURN_IF_ERROR(Start());
  size_t end = 0;
  Input* m = PopRun(&end);
  if (m == nullptr) return false;
  run->window = m->window;
  run->input = m->order;
  run->begin = m->pos;
  run->end = end;
  TALLY_RETURN_IF_ERROR(PushBack(m, end));
  return true;
}

}  // namespace tally::engine
