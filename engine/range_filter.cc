#include "engine/range_filter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tally::engine {

using format::Column;
using format::TypeId;
using format::Value;

ColumnRange ColumnRange::OneOf(std::string column, std::vector<Value> values) {
  std::sort(values.begin(), values.end(), [](const Value& a, const Value& b) { return format::CompareValues(a, b) < 0; });
  values.erase(std::unique(values.begin(), values.end(),
                           [](const Value& a, const Value& b) { return format::CompareValues(a, b) == 0; }),
               values.end());
  ColumnRange r;
  r.column = std::move(column);
  r.min = values.front();
  r.max = values.back();
  if (values.size() > 1) r.points = std::move(values);
  return r;
}

bool ColumnRange::InPoints(const Value& v) const {
  if (points.empty()) return true;
  auto it = std::lower_bound(points.begin(), points.end(), v,
                             [](const Value& p, const Value& x) { return format::CompareValues(p, x) < 0; });
  return it != points.end() && format::CompareValues(*it, v) == 0;
}

std::optional<std::vector<Value>> ColumnRange::PointValues() const {
  if (!min || !max || !min_inclusive || !max_inclusive) return std::nullopt;
  if (!points.empty()) return points;
  if (format::CompareValues(*min, *max) != 0) return std::nullopt;
  return std::vector<Value>{*min};
}

bool ColumnRange::Contains(const Value& raw) const {
  if (raw.is_null()) return false;
  std::optional<Value> transformed;
  if (transform != nullptr) {
    transformed = transform->apply(raw);
    if (!transformed || transformed->is_null()) return false;
  }
  const Value& v = transformed ? *transformed : raw;
  if (!InPoints(v)) return false;
  if (min) {
    int c = format::CompareValues(v, *min);
    if (c < 0 || (c == 0 && !min_inclusive)) return false;
  }
  if (max) {
    int c = format::CompareValues(v, *max);
    if (c > 0 || (c == 0 && !max_inclusive)) return false;
  }
  return true;
}

bool ColumnRange::Intersects(const Value& raw_lo, const Value& raw_hi) const {
  std::optional<Value> flo, fhi;
  if (transform != nullptr) {
    flo = transform->apply(raw_lo);
    fhi = transform->apply(raw_hi);
    if (!flo || !fhi || flo->is_null() || fhi->is_null()) return true;  // cannot tell: keep
  }
  const Value& lo = flo ? *flo : raw_lo;
  const Value& hi = fhi ? *fhi : raw_hi;
  if (min) {
    int c = format::CompareValues(hi, *min);
    if (c < 0 || (c == 0 && !min_inclusive)) return false;
  }
  if (max) {
    int c = format::CompareValues(lo, *max);
    if (c > 0 || (c == 0 && !max_inclusive)) return false;
  }
  if (!points.empty()) {  // the first point at least lo must not pass hi
    auto it = std::lower_bound(points.begin(), points.end(), lo,
                               [](const Value& p, const Value& x) { return format::CompareValues(p, x) < 0; });
    if (it == points.end() || format::CompareValues(*it, hi) > 0) return false;
  }
  return true;
}

std::string ColumnRange::DebugString() const {
  const std::string& on = transform != nullptr ? transform->text : column;
  if (!points.empty()) {
    std::vector<std::string> items;
    for (const Value& p : points) items.push_back(p.DebugString());
    return absl::StrCat("{", absl::StrJoin(items, ", "), "} on ", on);
  }
  return absl::StrCat(min ? (min_inclusive ? "[" : "(") : "(", min ? min->DebugString() : "-inf", ", ",
                      max ? max->DebugString() : "+inf", max ? (max_inclusive ? "]" : ")") : ")", " on ",
                      on);
}

namespace {

// Bounds mapped into the column's value domain: rows match when lo <= v <= hi (inclusive).
// Integers compare as __int128 so every integer bound is exact; a bound between two
// integers is rounded inward.
struct IntBounds {
  __int128 lo, hi;
  bool empty = false;
};

bool ToInt128(const Value& v, bool is_lower, bool inclusive, __int128* out, bool* impossible) {
  switch (v.kind) {
    case Value::Kind::kUInt:
      *out = static_cast<__int128>(v.u);
      break;
    case Value::Kind::kInt:
      *out = static_cast<__int128>(v.i);
      break;
    case Value::Kind::kFloat: {
      if (std::isnan(v.f)) {
        *impossible = true;
        return true;
      }
      if (v.f > 1.8e19) {
        *out = static_cast<__int128>(UINT64_MAX) + 1;
      } else if (v.f < -9.3e18) {
        *out = static_cast<__int128>(INT64_MIN) - 1;
      } else {
        double r = is_lower ? std::ceil(v.f) : std::floor(v.f);
        *out = static_cast<__int128>(r);
        if (r != v.f) return true;  // already strict after rounding inward
      }
      break;
    }
    default:
      return false;
  }
  if (!inclusive) *out += is_lower ? 1 : -1;
  return true;
}

template <typename T>
void FilterInts(const Column& c, const ColumnRange& r, uint8_t* mask) {
  __int128 lo = static_cast<__int128>(std::numeric_limits<T>::min());
  __int128 hi = static_cast<__int128>(std::numeric_limits<T>::max());
  bool impossible = false;
  if (r.min) {
    __int128 b;
    if (!ToInt128(*r.min, true, r.min_inclusive, &b, &impossible)) impossible = true;
    lo = std::max(lo, b);
  }
  if (r.max) {
    __int128 b;
    if (!ToInt128(*r.max, false, r.max_inclusive, &b, &impossible)) impossible = true;
    hi = std::min(hi, b);
  }
  const size_t n = c.size();
  if (impossible || lo > hi) {
    std::memset(mask, 0, n);
    return;
  }
  const T tlo = static_cast<T>(lo), thi = static_cast<T>(hi);
  const T* v = c.values<T>();
  for (size_t i = 0; i < n; ++i) mask[i] &= static_cast<uint8_t>((v[i] >= tlo) & (v[i] <= thi));
}

template <typename T>
void FilterFloats(const Column& c, const ColumnRange& r, uint8_t* mask) {
  const T* v = c.values<T>();
  const size_t n = c.size();
  for (size_t i = 0; i < n; ++i) {
    if (!mask[i]) continue;
    mask[i] = r.Contains(Value::Float(v[i]));
  }
}

void FilterGeneric(const Column& c, const ColumnRange& r, uint8_t* mask) {
  const size_t n = c.size();
  for (size_t i = 0; i < n; ++i) {
    if (mask[i]) mask[i] = r.Contains(c.GetValue(i));
  }
}

}  // namespace

void FilterColumn(const Column& c, const ColumnRange& r, format::PodVector<uint8_t>* mask_vec) {
  uint8_t* mask = mask_vec->data();
  if (r.transform != nullptr) return FilterGeneric(c, r, mask);  // f per row
  if (!r.points.empty() && c.type->id() != TypeId::kLowCardinality) {
    // The hull first, by the fast paths; then each row left against the points.
    ColumnRange hull = r;
    hull.points.clear();
    FilterColumn(c, hull, mask_vec);
    for (size_t i = 0; i < c.size(); ++i) {
      if (mask[i]) mask[i] = r.InPoints(c.GetValue(i));
    }
    return;
  }
  switch (c.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return FilterInts<uint8_t>(c, r, mask);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return FilterInts<uint16_t>(c, r, mask);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return FilterInts<uint32_t>(c, r, mask);
    case TypeId::kUInt64:
      return FilterInts<uint64_t>(c, r, mask);
    case TypeId::kInt8:
      return FilterInts<int8_t>(c, r, mask);
    case TypeId::kInt16:
      return FilterInts<int16_t>(c, r, mask);
    case TypeId::kInt32:
      return FilterInts<int32_t>(c, r, mask);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return FilterInts<int64_t>(c, r, mask);
    case TypeId::kFloat32:
      return FilterFloats<float>(c, r, mask);
    case TypeId::kFloat64:
      return FilterFloats<double>(c, r, mask);
    case TypeId::kLowCardinality: {
      // Once per dictionary entry, then a table look-up per row.
      const Column& dict = *c.dictionary;
      const bool nullable = c.type->is_nullable_low_cardinality();
      std::vector<uint8_t> entry(dict.size());
      for (size_t k = 0; k < dict.size(); ++k) {
        entry[k] = !(nullable && k == 0) && r.Contains(Value::String(std::string(dict.StringAt(k))));
      }
      const size_t n = c.size();
      switch (c.index_width) {
        case 1:
          for (size_t i = 0; i < n; ++i) mask[i] &= entry[c.data[i]];
          return;
        case 2: {
          const uint16_t* idx = reinterpret_cast<const uint16_t*>(c.data.data());
          for (size_t i = 0; i < n; ++i) mask[i] &= entry[idx[i]];
          return;
        }
        default: {
          const uint32_t* idx = reinterpret_cast<const uint32_t*>(c.data.data());
          for (size_t i = 0; i < n; ++i) mask[i] &= entry[idx[i]];
          return;
        }
      }
    }
    case TypeId::kNullable: {
      FilterColumn(c.children[0], r, mask_vec);
      for (size_t i = 0; i < c.size(); ++i) mask[i] &= static_cast<uint8_t>(c.nulls[i] == 0);
      return;
    }
    default:
      return FilterGeneric(c, r, mask);
  }
}

namespace {

// Rows whose index equals `target`, counted in 4096-row chunks with a narrow accumulator
// so the compare-and-add loop stays simple enough to vectorize.
template <typename T>
uint64_t CountEqual(const uint8_t* data, size_t n, T target) {
  const T* idx = reinterpret_cast<const T*>(data);
  uint64_t count = 0;
  for (size_t start = 0; start < n; start += 4096) {
    const size_t end = std::min(n, start + 4096);
    uint32_t chunk = 0;
    for (size_t i = start; i < end; ++i) chunk += idx[i] == target;
    count += chunk;
  }
  return count;
}

template <typename T>
uint64_t CountInTable(const uint8_t* data, size_t n, const uint8_t* entry) {
  const T* idx = reinterpret_cast<const T*>(data);
  uint64_t count = 0;
  for (size_t i = 0; i < n; ++i) count += entry[idx[i]];
  return count;
}

}  // namespace

uint64_t CountMatches(const Column& c, const ColumnRange& r) {
  if (c.type->id() == TypeId::kLowCardinality) {
    // The hot path of "count where tenant = X": one pass over the dictionary, then one
    // over the indexes, never materializing a mask.
    const Column& dict = *c.dictionary;
    const bool nullable = c.type->is_nullable_low_cardinality();
    std::vector<uint8_t> entry(dict.size());
    size_t matching = 0, which = 0;
    for (size_t k = 0; k < dict.size(); ++k) {
      entry[k] = !(nullable && k == 0) && r.Contains(Value::String(std::string(dict.StringAt(k))));
      if (entry[k]) {
        ++matching;
        which = k;
      }
    }
    const size_t n = c.size();
    if (matching == 0) return 0;
    switch (c.index_width) {
      case 1:
        return matching == 1 ? CountEqual<uint8_t>(c.data.data(), n, static_cast<uint8_t>(which))
                             : CountInTable<uint8_t>(c.data.data(), n, entry.data());
      case 2:
        return matching == 1 ? CountEqual<uint16_t>(c.data.data(), n, static_cast<uint16_t>(which))
                             : CountInTable<uint16_t>(c.data.data(), n, entry.data());
      default:
        return matching == 1 ? CountEqual<uint32_t>(c.data.data(), n, static_cast<uint32_t>(which))
                             : CountInTable<uint32_t>(c.data.data(), n, entry.data());
    }
  }
  format::PodVector<uint8_t> mask;
  mask.resize(c.size(), 1);
  FilterColumn(c, r, &mask);
  uint64_t count = 0;
  for (uint8_t m : mask) count += m;
  return count;
}

}  // namespace tally::engine
