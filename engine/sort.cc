#include "engine/sort.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

namespace tally::engine {

using format::Column;
using format::TypeId;

namespace {

template <typename T>
std::vector<uint64_t> IntegerRanks(const Column& c) {
  const T* v = c.values<T>();
  size_t n = c.size();
  std::vector<uint64_t> out(n);
  if (n == 0) return out;
  T lo = *std::min_element(v, v + n);
  for (size_t i = 0; i < n; ++i) {
    out[i] = static_cast<uint64_t>(v[i]) - static_cast<uint64_t>(lo);
  }
  return out;
}

// Ranks by a comparator over row numbers: equal rows share a rank.
template <typename Less>
std::vector<uint64_t> DenseRanks(size_t n, Less less) {
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), less);
  std::vector<uint64_t> out(n);
  uint64_t rank = 0;
  for (size_t k = 0; k < n; ++k) {
    if (k > 0 && less(order[k - 1], order[k])) ++rank;
    out[order[k]] = rank;
  }
  return out;
}

template <typename F>
std::vector<uint64_t> FloatRanks(const Column& c) {
  const F* v = c.values<F>();
  // NaN after everything; -0.0 == 0.0.
  return DenseRanks(c.size(), [v](uint32_t a, uint32_t b) {
    bool an = v[a] != v[a], bn = v[b] != v[b];
    if (an || bn) return !an && bn;
    return v[a] < v[b];
  });
}

// UUIDs in byte order (memcmp's): each as two big-endian words, sorted by value with its
// row, so the sort compares integers in a contiguous array instead of calling memcmp
// through row numbers.
std::vector<uint64_t> UuidRanks(const Column& c) {
  struct Entry {
    uint64_t hi, lo;
    uint32_t row;
  };
  const size_t n = c.size();
  std::vector<Entry> entries(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t w[2];
    std::memcpy(w, c.data.data() + i * 16, 16);
    entries[i] = Entry{__builtin_bswap64(w[0]), __builtin_bswap64(w[1]), static_cast<uint32_t>(i)};
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo; });
  std::vector<uint64_t> out(n);
  uint64_t rank = 0;
  for (size_t k = 0; k < n; ++k) {
    if (k > 0 && (entries[k].hi != entries[k - 1].hi || entries[k].lo != entries[k - 1].lo)) ++rank;
    out[entries[k].row] = rank;
  }
  return out;
}

}  // namespace

std::vector<uint64_t> RankColumn(const Column& c) {
  switch (c.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return IntegerRanks<uint8_t>(c);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return IntegerRanks<uint16_t>(c);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return IntegerRanks<uint32_t>(c);
    case TypeId::kUInt64:
      return IntegerRanks<uint64_t>(c);
    case TypeId::kInt8:
      return IntegerRanks<int8_t>(c);
    case TypeId::kInt16:
      return IntegerRanks<int16_t>(c);
    case TypeId::kInt32:
      return IntegerRanks<int32_t>(c);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return IntegerRanks<int64_t>(c);
    case TypeId::kFloat32:
      return FloatRanks<float>(c);
    case TypeId::kFloat64:
      return FloatRanks<double>(c);
    case TypeId::kUUID:
      return UuidRanks(c);
    case TypeId::kString:
      return DenseRanks(c.size(), [&c](uint32_t a, uint32_t b) { return c.StringAt(a) < c.StringAt(b); });
    case TypeId::kLowCardinality: {
      const Column& dict = *c.dictionary;
      const bool nullable = c.type->is_nullable_low_cardinality();
      std::vector<uint64_t> entry_rank = DenseRanks(dict.size(), [&](uint32_t a, uint32_t b) {
        bool an = nullable && a == 0, bn = nullable && b == 0;
        if (an || bn) return an && !bn;
        return dict.StringAt(a) < dict.StringAt(b);
      });
      std::vector<uint64_t> out(c.size());
      for (size_t i = 0; i < out.size(); ++i) out[i] = entry_rank[c.IndexAt(i)];
      return out;
    }
    case TypeId::kNullable: {
      std::vector<uint64_t> out = RankColumn(c.children[0]);
      for (size_t i = 0; i < out.size(); ++i) out[i] = c.nulls[i] ? 0 : out[i] + 1;
      return out;
    }
    default: {
      // Array and Map are not sortable keys (refused at CREATE TABLE); keep input order.
      return std::vector<uint64_t>(c.size(), 0);
    }
  }
}

std::vector<uint32_t> SortPermutation(absl::Span<const Column* const> keys, std::vector<uint32_t> rows) {
  if (keys.empty() || rows.size() <= 1) return rows;
  std::vector<std::vector<uint64_t>> ranks;
  ranks.reserve(keys.size());
  int total_bits = 0;
  for (const Column* key : keys) {
    ranks.push_back(RankColumn(*key));
    uint64_t max = 0;
    for (uint32_t r : rows) max = std::max(max, ranks.back()[r]);
    total_bits += max == 0 ? 0 : 64 - std::countl_zero(max);
  }
  if (total_bits <= 64) {
    std::vector<std::pair<uint64_t, uint32_t>> packed(rows.size());
    std::vector<int> shifts(keys.size());
    int shift = total_bits;
    for (size_t k = 0; k < keys.size(); ++k) {
      uint64_t max = 0;
      for (uint32_t r : rows) max = std::max(max, ranks[k][r]);
      shift -= max == 0 ? 0 : 64 - std::countl_zero(max);
      shifts[k] = shift;
    }
    bool sorted = true;
    for (size_t i = 0; i < rows.size(); ++i) {
      uint64_t v = 0;
      for (size_t k = 0; k < keys.size(); ++k) v |= ranks[k][rows[i]] << shifts[k];
      packed[i] = {v, rows[i]};
      if (i > 0 && packed[i - 1].first > v) sorted = false;
    }
    if (!sorted) std::sort(packed.begin(), packed.end());
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = packed[i].second;
    return rows;
  }
  std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    for (const auto& r : ranks) {
      if (r[a] != r[b]) return r[a] < r[b];
    }
    return false;
  });
  return rows;
}

}  // namespace tally::engine
