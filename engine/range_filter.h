// ColumnRange: a closed, open or half-bounded interval on one column, the condition a
// scan prunes parts and granules with and then filters rows by. Evaluation is vectorized
// per column type; on a LowCardinality column the condition runs once per dictionary entry
// and rows are matched through their indexes.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_RANGE_FILTER_H_
#define TALLY_ENGINE_RANGE_FILTER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/column.h"
#include "format/pod_vector.h"
#include "format/value.h"

namespace tally::engine {

// A function of a column that never decreases as the column grows (toDate(time),
// toStartOfHour(time)): a range on its value prunes by the column's bounds, since the
// function's values over [lo, hi] lie within [f(lo), f(hi)].
struct RangeTransform {
  std::string text;  // "toDate(time)", for EXPLAIN
  // f(v), or nullopt when it cannot be computed (then nothing is pruned).
  std::function<std::optional<format::Value>(const format::Value&)> apply;
};

struct ColumnRange {
  std::string column;
  std::optional<format::Value> min;  // unbounded when absent
  bool min_inclusive = true;
  std::optional<format::Value> max;
  bool max_inclusive = true;
  // When not empty, the value is also one of these (an IN list): ascending and distinct,
  // the first and last equal to min and max (both inclusive).
  std::vector<format::Value> points;
  // When set, the bounds and points are on transform(column), not on the column.
  std::shared_ptr<const RangeTransform> transform;

  static ColumnRange Equal(std::string column, format::Value v) {
    ColumnRange r;
    r.column = std::move(column);
    r.min = v;
    r.max = std::move(v);
    return r;
  }
  // One of `values` (any order, duplicates allowed; not empty, no NULL or NaN).
  static ColumnRange OneOf(std::string column, std::vector<format::Value> values);
  static ColumnRange Between(std::string column, format::Value lo, format::Value hi_exclusive) {
    ColumnRange r;
    r.column = std::move(column);
    r.min = std::move(lo);
    r.max = std::move(hi_exclusive);
    r.max_inclusive = false;
    return r;
  }

  // Whether `v` lies inside. NULL never does.
  bool Contains(const format::Value& v) const;
  // Whether `v` is one of the points (true when there are none).
  bool InPoints(const format::Value& v) const;
  // The values the range is limited to when it is an equality or an IN list (on the
  // column, or on its transform), ascending; nullopt for any other range.
  std::optional<std::vector<format::Value>> PointValues() const;
  // Whether some value in [lo, hi] can lie inside (both bounds inclusive).
  bool Intersects(const format::Value& lo, const format::Value& hi) const;
  std::string DebugString() const;
};

// mask[i] &= (row i of `column` lies inside `range`). REQUIRES: mask->size() == rows.
void FilterColumn(const format::Column& column, const ColumnRange& range, format::PodVector<uint8_t>* mask);

// Rows of `column` inside `range`, without materializing them.
uint64_t CountMatches(const format::Column& column, const ColumnRange& range);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_RANGE_FILTER_H_
