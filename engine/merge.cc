#include "engine/merge.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/column_streams.h"
#include "format/dictionary_merge.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::TypeId;

namespace {

// Output rows gathered before they go to the writer.
constexpr size_t kChunkRows = 65536;

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

// Row i of `a` against row j of `b` (same type), in SortPermutation's order: NULL first,
// NaN last, strings bytewise. `sorted_dictionary`: a LowCardinality pair indexes one
// sorted part dictionary, so indexes compare as their values.
int CompareKey(const Column& a, size_t i, const Column& b, size_t j, bool sorted_dictionary) {
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
    case TypeId::kUUID: {
      int c = std::memcmp(a.data.data() + i * 16, b.data.data() + j * 16, 16);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kString:
      return a.StringAt(i).compare(b.StringAt(j));
    case TypeId::kLowCardinality: {
      const uint32_t ai = a.IndexAt(i), bj = b.IndexAt(j);
      if (sorted_dictionary) return Compare3(ai, bj);
      if (a.type->is_nullable_low_cardinality() && (ai == 0 || bj == 0)) {
        return Compare3(ai != 0, bj != 0);
      }
      return a.dictionary->StringAt(ai).compare(b.dictionary->StringAt(bj));
    }
    case TypeId::kNullable: {
      const bool an = a.nulls[i] != 0, bn = b.nulls[j] != 0;
      if (an || bn) return Compare3(!an, !bn);
      return CompareKey(a.children[0], i, b.children[0], j, sorted_dictionary);
    }
    default:
      return 0;  // Array and Map are refused as keys at CREATE TABLE
  }
}

void CollectLowCardinalityTypes(const DataType& type, std::vector<const DataType*>* out) {
  if (type.id() == TypeId::kLowCardinality) {
    out->push_back(&type);
    return;
  }
  for (const auto& child : type.children()) CollectLowCardinalityTypes(*child, out);
}

// The merged part's dictionary for one LowCardinality node, and how each input's indexes
// map onto it; dictionary == nullptr means plain mode.
struct NodePlan {
  std::shared_ptr<const Column> dictionary;
  std::vector<std::vector<uint32_t>> remap;  // per input
};

class Merger {
 public:
  Merger(const format::TableSchema& schema, absl::Span<const PartPtr> inputs) : schema_(schema) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto in = std::make_unique<Input>();
      in->part = inputs[i];
      in->order = i;
      for (size_t c = 0; c < schema.columns.size(); ++c) in->cursors.emplace_back(inputs[i], c);
      inputs_.push_back(std::move(in));
    }
    for (const std::string& key : schema.sort_key) key_columns_.push_back(schema.FindColumn(key));
  }

  // Plans every LowCardinality node; returns the writer's dictionaries.
  PartWriter::Dictionaries PlanDictionaries() {
    PartWriter::Dictionaries out(schema_.columns.size());
    plans_.resize(schema_.columns.size());
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      std::vector<const DataType*> nodes;
      CollectLowCardinalityTypes(*schema_.columns[c].type, &nodes);
      for (size_t k = 0; k < nodes.size(); ++k) {
        NodePlan plan;
        std::vector<const Column*> dicts;
        for (const auto& in : inputs_) {
          const auto& d = in->part->column_data(c).dictionaries;
          if (k >= d.size() || d[k] == nullptr) break;
          dicts.push_back(d[k].get());
        }
        if (dicts.size() == inputs_.size()) {
          format::MergedDictionary merged = format::MergeDictionaries(dicts, nodes[k]->is_nullable_low_cardinality());
          if (merged.dictionary->size() <= schema_.max_dictionary_entries) {
            plan.dictionary = std::move(merged.dictionary);
            plan.remap = std::move(merged.remap);
          }
        }
        out[c].push_back(plan.dictionary);
        plans_[c].push_back(std::move(plan));
      }
    }
    for (size_t k : key_columns_) {
      const auto& p = plans_[k];
      key_sorted_dictionary_.push_back(!p.empty() && p[0].dictionary != nullptr);
    }
    return out;
  }

  absl::Status Run(PartWriter* writer, const std::atomic<bool>* cancel) {
    for (auto& in : inputs_) {
      TALLY_RETURN_IF_ERROR(Load(in.get()));
      if (in->pos < in->window.rows()) heap_.push_back(in.get());
    }
    auto greater = [this](const Input* a, const Input* b) { return Less(*b, b->pos, *a, a->pos); };
    std::make_heap(heap_.begin(), heap_.end(), greater);
    Block chunk = EmptyChunk();
    while (!heap_.empty()) {
      std::pop_heap(heap_.begin(), heap_.end(), greater);
      Input* m = heap_.back();
      heap_.pop_back();
      const size_t size = m->window.rows();
      size_t end = size;
      if (!heap_.empty()) {
        const Input& next = *heap_.front();
        // m's rows from pos on are sorted: take those ordered before `next`'s current row.
        if (!Less(*m, size - 1, next, next.pos)) {
          size_t lo = m->pos + 1, hi = size - 1;  // Less holds before lo, fails at hi
          while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (Less(*m, mid, next, next.pos)) {
              lo = mid + 1;
            } else {
              hi = mid;
            }
          }
          end = lo;
        }
      }
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        chunk.columns[c].AppendRange(m->window.columns[c], m->pos, end - m->pos);
      }
      m->pos = end;
      if (chunk.rows() >= kChunkRows) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
          return absl::CancelledError(absl::StrCat("merge into part ", writer->name(), " cancelled"));
        }
        TALLY_RETURN_IF_ERROR(writer->Append(chunk));
        chunk = EmptyChunk();
      }
      if (m->pos == size) TALLY_RETURN_IF_ERROR(Load(m));
      if (m->pos < m->window.rows()) {
        heap_.push_back(m);
        std::push_heap(heap_.begin(), heap_.end(), greater);
      }
    }
    if (chunk.rows() > 0) TALLY_RETURN_IF_ERROR(writer->Append(chunk));
    return absl::OkStatus();
  }

 private:
  struct Input {
    PartPtr part;
    size_t order = 0;  // position among the inputs: breaks ties between equal keys
    std::vector<ColumnCursor> cursors;
    Block window;  // the granule being merged, LowCardinality nodes remapped
    size_t pos = 0;
    uint64_t next_granule = 0;
  };

  bool Less(const Input& a, size_t i, const Input& b, size_t j) const {
    for (size_t k = 0; k < key_columns_.size(); ++k) {
      const size_t c = key_columns_[k];
      int cmp = CompareKey(a.window.columns[c], i, b.window.columns[c], j, key_sorted_dictionary_[k]);
      if (cmp != 0) return cmp < 0;
    }
    return a.order < b.order;
  }

  Block EmptyChunk() const {
    Block chunk;
    for (const auto& def : schema_.columns) chunk.Add(def.name, Column::Make(def.type));
    return chunk;
  }

  // Reads the input's next granule, or leaves an empty window when it has none.
  absl::Status Load(Input* in) {
    in->window = Block();
    in->pos = 0;
    if (in->next_granule == in->part->granules()) return absl::OkStatus();
    const uint64_t g = in->next_granule++;
    for (size_t c = 0; c < schema_.columns.size(); ++c) {
      TALLY_ASSIGN_OR_RETURN(Column column, in->cursors[c].Read(g, g + 1));
      // Dictionary-mode LowCardinality nodes now index the merged part's dictionaries.
      format::ForEachLowCardinality(column, [&](Column& node, size_t k) {
        const NodePlan& plan = plans_[c][k];
        if (plan.dictionary != nullptr) format::RemapIndexes(&node, plan.remap[in->order], plan.dictionary);
      });
      in->window.Add(schema_.columns[c].name, std::move(column));
    }
    return absl::OkStatus();
  }

  const format::TableSchema& schema_;
  std::vector<std::unique_ptr<Input>> inputs_;
  std::vector<size_t> key_columns_;
  std::vector<bool> key_sorted_dictionary_;
  std::vector<std::vector<NodePlan>> plans_;  // per column, per LowCardinality node
  std::vector<Input*> heap_;
};

}  // namespace

PartIdentity MergedIdentity(absl::Span<const PartPtr> inputs) {
  PartIdentity id;
  id.partition_id = inputs[0]->meta().partition_id;
  id.partition_value = inputs[0]->meta().partition_value;
  id.min_block = UINT64_MAX;
  for (const PartPtr& p : inputs) {
    id.min_block = std::min(id.min_block, p->meta().min_block);
    id.max_block = std::max(id.max_block, p->meta().max_block);
    id.level = std::max(id.level, p->meta().level + 1);
  }
  return id;
}

absl::StatusOr<format::PartMeta> MergeParts(Env* env, const std::string& table_dir,
                                            const format::TableSchema& schema,
                                            absl::Span<const PartPtr> inputs,
                                            const std::atomic<bool>* cancel) {
  if (inputs.size() < 2) return absl::InternalError("MergeParts: fewer than two parts");
  for (const PartPtr& p : inputs) {
    if (p->meta().partition_id != inputs[0]->meta().partition_id) {
      return absl::InternalError(absl::StrCat("MergeParts: part ", p->name(), " is not in partition ",
                                              inputs[0]->meta().partition_id));
    }
    if (p->meta().columns.size() != schema.columns.size()) {
      return absl::InternalError(absl::StrCat("MergeParts: part ", p->name(), " does not match the schema"));
    }
  }
  Merger merger(schema, inputs);
  PartWriter::Dictionaries dictionaries = merger.PlanDictionaries();
  TALLY_ASSIGN_OR_RETURN(auto writer, PartWriter::Create(env, table_dir, schema, MergedIdentity(inputs),
                                                         std::move(dictionaries)));
  TALLY_RETURN_IF_ERROR(merger.Run(writer.get(), cancel));
  return writer->Finish();
}

}  // namespace tally::engine
