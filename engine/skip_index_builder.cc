#include "engine/skip_index_builder.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "format/part_format.h"
#include "format/text_tokens.h"

namespace tally::engine {

using format::Column;
using format::TypeId;
using format::Value;
using Kind = format::SkipIndexFile::Kind;

SkipIndexBuilder::SkipIndexBuilder(BoundSkipIndex index) : index_(std::move(index)), file_(index_.EmptyFile()) {}

void SkipIndexBuilder::AddValue(const Column& column, size_t i) {
  const Column* c = &column;
  if (c->type->id() == TypeId::kNullable) {
    if (c->nulls[i] != 0) return;
    c = &c->children[0];
  }
  if (c->type->is_nullable_low_cardinality() && c->IndexAt(i) == 0) return;
  switch (index_.kind) {
    case Kind::kBloomFilter:
      hashes_.insert(format::SkipIndexHash(*c, i));
      return;
    case Kind::kTokenBloomFilter:
    case Kind::kNgramBloomFilter: {
      const absl::string_view s =
          c->type->id() == TypeId::kLowCardinality ? c->dictionary->StringAt(c->IndexAt(i)) : c->StringAt(i);
      auto add = [this](absl::string_view piece) { hashes_.insert(format::TextHash(piece, index_.seed)); };
      if (index_.kind == Kind::kTokenBloomFilter) {
        format::ForEachToken(s, add);
      } else {
        format::ForEachNgram(s, index_.ngram, add);
      }
      return;
    }
    case Kind::kMinMax: {
      Value v = c->GetValue(i);
      if (v.kind == Value::Kind::kFloat && std::isnan(v.f)) {
        minmax_.nan = true;
        return;
      }
      if (!minmax_.any) {
        minmax_.any = true;
        minmax_.min = v;
        minmax_.max = std::move(v);
      } else if (format::CompareValues(v, minmax_.min) < 0) {
        minmax_.min = std::move(v);
      } else if (format::CompareValues(v, minmax_.max) > 0) {
        minmax_.max = std::move(v);
      }
      return;
    }
    case Kind::kSet: {
      if (overflow_) return;
      Value v = c->GetValue(i);
      std::string key;
      format::EncodeValue(&key, v);
      if (!set_keys_.insert(std::move(key)).second) return;
      set_values_.push_back(std::move(v));
      if (index_.max_values > 0 && set_values_.size() > index_.max_values) {
        overflow_ = true;
        set_keys_.clear();
        set_values_.clear();
      }
      return;
    }
    case Kind::kLegacyBloomFilter:
      return;  // never built
  }
}

void SkipIndexBuilder::AddRows(const Column& values, size_t begin, size_t end) {
  if (!index_.array) {
    for (size_t r = begin; r < end; ++r) AddValue(values, r);
    return;
  }
  const Column& elements = values.children[0];
  for (size_t k = begin == 0 ? 0 : values.offsets[begin - 1]; k < values.offsets[end - 1]; ++k) AddValue(elements, k);
}

void SkipIndexBuilder::Close() {
  switch (index_.kind) {
    case Kind::kMinMax:
      file_.minmax.push_back(std::move(minmax_));
      minmax_ = format::MinMaxEntry();
      break;
    case Kind::kSet: {
      format::SetEntry entry;
      entry.overflow = overflow_;
      std::sort(set_values_.begin(), set_values_.end(),
                [](const Value& a, const Value& b) { return format::CompareValues(a, b) < 0; });
      // Values that compare equal (0 and -0, NaNs of different bits) are one value.
      for (Value& v : set_values_) {
        if (entry.values.empty() || format::CompareValues(entry.values.back(), v) != 0) {
          entry.values.push_back(std::move(v));
        }
      }
      file_.sets.push_back(std::move(entry));
      set_keys_.clear();
      set_values_.clear();
      overflow_ = false;
      break;
    }
    default: {
      const double fpr = index_.kind == Kind::kBloomFilter ? index_.fpr : TextIndexRate(index_, hashes_.size());
      const uint64_t max_words = index_.max_bytes > 0 ? std::max<uint64_t>(1, index_.max_bytes / 8)
                                                      : format::BloomFilter::kMaxWords;
      format::BloomFilter filter = format::BloomFilter::Sized(hashes_.size(), fpr, max_words);
      for (uint64_t h : hashes_) filter.Add(h);
      file_.filters.push_back(std::move(filter));
      hashes_.clear();
      break;
    }
  }
}

absl::Status SkipIndexBuilder::Add(const Block& rows, const std::vector<size_t>& starts, uint64_t granules_before) {
  const size_t n = rows.rows();
  if (n == 0) return absl::OkStatus();
  Column computed;
  const Column* values = nullptr;
  if (index_.column >= 0) {
    values = &rows.columns[index_.column];
  } else {
    auto evaluated = index_.expr->Evaluate(rows);
    if (!evaluated.ok()) {
      return WithMessage(evaluated.status(), absl::StrCat("skip index '", index_.name, "' on ",
                                                          index_.expression, ": ",
                                                          evaluated.status().message()));
    }
    computed = evaluated->Materialize(n);
    values = &computed;
  }
  // Rows before the chunk's first granule start belong to the granule left open; the
  // k-th start opens granule granules_before + k.
  size_t begin = 0;
  uint64_t granule = granules_before > 0 ? granules_before - 1 : 0;
  for (size_t k = 0; k <= starts.size(); ++k) {
    const size_t end = k < starts.size() ? starts[k] : n;
    if (end > begin) {
      const uint64_t index_granule = granule / index_.granularity;
      if (any_rows_ && index_granule != open_) Close();
      open_ = index_granule;
      any_rows_ = true;
      AddRows(*values, begin, end);
    }
    if (k < starts.size()) granule = granules_before + k;
    begin = end;
  }
  return absl::OkStatus();
}

format::SkipIndexFile SkipIndexBuilder::Finish() {
  if (any_rows_) Close();
  any_rows_ = false;
  return std::move(file_);
}

}  // namespace tally::engine
