#include "engine/sql/order.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_util.h"
#include "engine/sort.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using format::Column;
using format::TypeId;
using format::Value;

namespace {

// Ranks for one key: ascending order of the result, direction and NULL placement applied.
std::vector<uint64_t> KeyRanks(const SortKey& key) {
  const Column& c = *key.column;
  std::vector<uint64_t> ranks;
  std::vector<uint8_t> is_null;
  if (c.type->id() == TypeId::kNullable) {
    ranks = RankColumn(c.children[0]);
    is_null.assign(c.nulls.begin(), c.nulls.end());
  } else {
    ranks = RankColumn(c);
    if (c.type->is_nullable_low_cardinality()) {
      is_null.resize(c.size());
      for (size_t i = 0; i < c.size(); ++i) is_null[i] = c.IndexAt(i) == 0;
    }
  }
  uint64_t max = 0;
  for (uint64_t r : ranks) max = std::max(max, r);
  for (size_t i = 0; i < ranks.size(); ++i) {
    uint64_t r = key.descending ? max - ranks[i] : ranks[i];
    r += 1;  // 0 and max + 2 are for NULLs
    if (!is_null.empty() && is_null[i]) r = key.nulls_first ? 0 : max + 2;
    ranks[i] = r;
  }
  return ranks;
}

// The exact bytes of a row: equal iff the values are, floats by their bits as ClickHouse's
// DISTINCT compares them (-0 and 0 differ, NaNs with the same bits do not), NULL apart
// from every value.
std::string RowKey(const std::vector<const Column*>& columns, size_t row) {
  std::string key;
  for (const Column* c : columns) exec::SerializeRow(*c, row, &key);
  return key;
}

bool IsNumberLike(const Value& v) {
  return v.kind == Value::Kind::kUInt || v.kind == Value::Kind::kInt || v.kind == Value::Kind::kFloat;
}

double AsDouble(const Value& v) {
  return v.kind == Value::Kind::kUInt ? static_cast<double>(v.u) : v.kind == Value::Kind::kInt ? static_cast<double>(v.i) : v.f;
}

// A Value of the column's kind holding `d`.
Value FromDouble(const Column& like, double d) {
  const format::DataType& t = *like.type;
  if (t.is_float()) return Value::Float(d);
  if (t.is_signed() || t.id() == TypeId::kDateTime64) return Value::Int(static_cast<int64_t>(std::llround(d)));
  return Value::UInt(static_cast<uint64_t>(std::llround(d)));
}

}  // namespace

std::vector<uint32_t> OrderRows(const std::vector<SortKey>& keys, size_t rows, std::optional<size_t> limit) {
  std::vector<uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  if (keys.empty() || rows <= 1) {
    if (limit && *limit < order.size()) order.resize(*limit);
    return order;
  }
  std::vector<std::vector<uint64_t>> ranks;
  for (const SortKey& k : keys) ranks.push_back(KeyRanks(k));
  auto less = [&](uint32_t a, uint32_t b) {
    for (const auto& r : ranks) {
      if (r[a] != r[b]) return r[a] < r[b];
    }
    return a < b;  // stable
  };
  if (limit && *limit < rows) {
    std::partial_sort(order.begin(), order.begin() + *limit, order.end(), less);
    order.resize(*limit);
  } else {
    std::sort(order.begin(), order.end(), less);
  }
  return order;
}

std::vector<uint32_t> DistinctRows(const std::vector<const Column*>& columns, size_t rows) {
  absl::flat_hash_set<std::string> seen;
  std::vector<uint32_t> out;
  for (size_t r = 0; r < rows; ++r) {
    if (seen.insert(RowKey(columns, r)).second) out.push_back(static_cast<uint32_t>(r));
  }
  return out;
}

std::vector<uint32_t> LimitByRows(const std::vector<const Column*>& columns, size_t rows, uint64_t limit,
                                  uint64_t offset) {
  absl::flat_hash_map<std::string, uint64_t> counts;
  std::vector<uint32_t> out;
  for (size_t r = 0; r < rows; ++r) {
    uint64_t n = counts[RowKey(columns, r)]++;
    if (n >= offset && n < offset + limit) out.push_back(static_cast<uint32_t>(r));
  }
  return out;
}

absl::StatusOr<std::vector<Column>> FillRows(std::vector<Column> columns, const FillSpec& spec) {
  const Column& key = columns[spec.key_column];
  const format::DataType& kt = key.type->id() == TypeId::kNullable ? key.type->child(0) : *key.type;
  if (!(kt.is_integer() || kt.is_float() || kt.is_time())) {
    return absl::InvalidArgumentError(absl::StrCat("WITH FILL needs a number, Date or DateTime key, not ", kt.ToString()));
  }
  const size_t rows = key.size();
  double step = 1;
  if (spec.step) {
    if (!IsNumberLike(*spec.step)) return absl::InvalidArgumentError("WITH FILL STEP must be a number");
    step = std::abs(AsDouble(*spec.step));
  }
  if (kt.id() == TypeId::kDateTime64) {
    double scale = std::pow(10.0, kt.precision());
    if (!spec.step) step = scale;  // one second
  }
  if (step <= 0) return absl::InvalidArgumentError("WITH FILL STEP must not be zero");
  const double dir = spec.descending ? -1 : 1;
  auto key_at = [&](size_t r) { return AsDouble(key.GetValue(r)); };
  if (rows == 0 && (!spec.from || !spec.to)) return columns;
  double from = spec.from ? AsDouble(*spec.from) : key_at(0);
  double to = spec.to ? AsDouble(*spec.to) : key_at(rows - 1) + dir * step;
  if (spec.from && !IsNumberLike(*spec.from)) return absl::InvalidArgumentError("WITH FILL FROM must be a number or time");
  if (spec.to && !IsNumberLike(*spec.to)) return absl::InvalidArgumentError("WITH FILL TO must be a number or time");
  const double span = (to - from) * dir;
  if (span / step > 10'000'000) {
    return absl::InvalidArgumentError(absl::StrCat("WITH FILL would generate ", span / step, " rows (limit 10000000)"));
  }
  std::vector<Column> out;
  for (const Column& c : columns) out.push_back(Column::Make(c.type));
  auto emit_row = [&](size_t r) {
    for (size_t c = 0; c < columns.size(); ++c) out[c].AppendRange(columns[c], r, 1);
  };
  auto emit_fill = [&](double v) -> absl::Status {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c == spec.key_column) {
        TALLY_RETURN_IF_ERROR(out[c].AppendValue(FromDouble(key, v)));
      } else {
        out[c].AppendDefault();
      }
    }
    return absl::OkStatus();
  };
  size_t r = 0;
  // Rows before the fill range keep their place.
  while (r < rows && (key.GetValue(r).is_null() || (key_at(r) - from) * dir < 0)) emit_row(r++);
  double next = from;
  while ((to - next) * dir > 0) {
    while (r < rows && !key.GetValue(r).is_null() && (key_at(r) - next) * dir < 0) emit_row(r++);
    if (r < rows && !key.GetValue(r).is_null() && key_at(r) == next) {
      while (r < rows && !key.GetValue(r).is_null() && key_at(r) == next) emit_row(r++);
    } else {
      TALLY_RETURN_IF_ERROR(emit_fill(next));
    }
    next += dir * step;
  }
  while (r < rows) emit_row(r++);
  return out;
}

}  // namespace tally::engine::sql
