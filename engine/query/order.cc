#include "engine/query/order.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <type_traits>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_util.h"
#include "engine/exec/checked_sort.h"
#include "engine/exec/interval.h"
#include "engine/exec/time_zone_util.h"
#include "engine/sort.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using format::Column;
using format::TypeId;
using format::Value;

namespace {

// Dense ranks of rows 0..n-1 by `less` (equal rows share a rank), sorted with CheckedSort so
// that a big ORDER BY stops on time.
template <typename Less>
absl::StatusOr<std::vector<uint64_t>> DenseRanks(size_t n, Less less, const exec::SortCheck& check) {
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  TALLY_RETURN_IF_ERROR(exec::CheckedSort(&order, less, check));
  std::vector<uint64_t> out(n);
  uint64_t rank = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    if (k > 0 && less(order[k - 1], order[k])) ++rank;
    out[order[k]] = rank;
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> AscendingRanks(const Column& c, bool specials_last,
                                                     const exec::SortCheck& check);

// Floats: -0 == 0; every NaN is equal to every other and, as ClickHouse's
// nan_direction_hint says, after all numbers or before them.
template <typename F>
absl::StatusOr<std::vector<uint64_t>> FloatRanks(const Column& c, bool specials_last,
                                                 const exec::SortCheck& check) {
  const F* v = c.values<F>();
  return DenseRanks(
      c.size(),
      [v, specials_last](uint32_t a, uint32_t b) {
        const bool an = v[a] != v[a], bn = v[b] != v[b];
        if (an || bn) return specials_last ? !an && bn : an && !bn;
        return v[a] < v[b];
      },
      check);
}

// Arrays compare element by element, a proper prefix first; Maps the same way over their
// (key, value) entries. Elements are ranked first, with the same placement of NaN and NULL.
absl::StatusOr<std::vector<uint64_t>> NestedRanks(const Column& c, bool specials_last,
                                                  const exec::SortCheck& check) {
  std::vector<std::vector<uint64_t>> parts;  // the element's ranks; for a Map, keys then values
  for (const Column& child : c.children) {
    TALLY_ASSIGN_OR_RETURN(std::vector<uint64_t> r, AscendingRanks(child, specials_last, check));
    parts.push_back(std::move(r));
  }
  const uint64_t* ends = c.offsets.data();
  return DenseRanks(
      c.size(),
      [&parts, ends](uint32_t a, uint32_t b) {
        uint64_t i = a == 0 ? 0 : ends[a - 1], j = b == 0 ? 0 : ends[b - 1];
        for (; i < ends[a] && j < ends[b]; ++i, ++j) {
          for (const std::vector<uint64_t>& p : parts) {
            if (p[i] != p[j]) return p[i] < p[j];
          }
        }
        return i == ends[a] && j < ends[b];
      },
      check);
}

// Order-preserving ranks of `c` in ascending order, NaN and NULL after every value when
// `specials_last` (NULL after NaN), else before (NULL before NaN): ClickHouse's
// compareAt(..., nan_direction_hint), which ORDER BY applies at every level of nesting.
// RankColumn (engine/sort.h) ranks integers and times in one pass and LowCardinality by
// sorting its dictionary; floats, strings, UUIDs, arrays and maps are sorted here with
// CheckedSort.
absl::StatusOr<std::vector<uint64_t>> AscendingRanks(const Column& c, bool specials_last,
                                                     const exec::SortCheck& check) {
  switch (c.type->id()) {
    case TypeId::kFloat32:
      return FloatRanks<float>(c, specials_last, check);
    case TypeId::kFloat64:
      return FloatRanks<double>(c, specials_last, check);
    case TypeId::kUUID:
      return DenseRanks(
          c.size(),
          [&c](uint32_t a, uint32_t b) {
            return std::memcmp(c.data.data() + size_t{a} * 16, c.data.data() + size_t{b} * 16, 16) < 0;
          },
          check);
    case TypeId::kString:
      return DenseRanks(
          c.size(), [&c](uint32_t a, uint32_t b) { return c.StringAt(a) < c.StringAt(b); }, check);
    case TypeId::kArray:
    case TypeId::kMap:
      return NestedRanks(c, specials_last, check);
    case TypeId::kNullable: {
      TALLY_ASSIGN_OR_RETURN(std::vector<uint64_t> ranks, AscendingRanks(c.children[0], specials_last, check));
      // The value under a NULL is anything (toUInt64 of one can be 2^64 - 1): only the
      // others count. Ranks that are raw values may fill all 64 bits; NULL needs one more
      // rank, so those are made dense first.
      uint64_t max = 0;
      for (size_t i = 0; i < ranks.size(); ++i) {
        if (!c.nulls[i]) max = std::max(max, ranks[i]);
      }
      if (max == std::numeric_limits<uint64_t>::max()) {
        const std::vector<uint64_t> raw = std::move(ranks);
        TALLY_ASSIGN_OR_RETURN(ranks, DenseRanks(raw.size(), [&raw](uint32_t a, uint32_t b) { return raw[a] < raw[b]; },
                                                 check));
        max = 0;
        for (size_t i = 0; i < ranks.size(); ++i) {
          if (!c.nulls[i]) max = std::max(max, ranks[i]);
        }
      }
      for (size_t i = 0; i < ranks.size(); ++i) {
        if (c.nulls[i]) {
          ranks[i] = specials_last ? max + 1 : 0;
        } else if (!specials_last) {
          ++ranks[i];
        }
      }
      return ranks;
    }
    default: {
      std::vector<uint64_t> ranks = RankColumn(c);
      if (specials_last && c.type->is_nullable_low_cardinality()) {
        // RankColumn puts NULL (dictionary entry 0) first, at rank 0; values rank from 1.
        const uint64_t after = *std::max_element(ranks.begin(), ranks.end()) + 1;
        for (size_t i = 0; i < ranks.size(); ++i) {
          if (c.IndexAt(i) == 0) ranks[i] = after;
        }
      }
      return ranks;
    }
  }
}

// Ranks for one key: ascending order of the result, direction and the place of NaN and NULL
// applied. NULLS FIRST/LAST (LAST by default for ASC and DESC) places NULL and NaN whatever
// the direction, NULL the outermost: ASC NULLS LAST is numbers, NaN, NULL and DESC NULLS
// FIRST is NULL, NaN, numbers from the largest, as in ClickHouse.
absl::StatusOr<std::vector<uint64_t>> KeyRanks(const SortKey& key, const exec::SortCheck& check) {
  // In the ascending ranks that DESC then reverses, NaN and NULL are last exactly when they
  // end up last after the reversal, or first without one.
  const bool specials_last = key.nulls_first == key.descending;
  TALLY_ASSIGN_OR_RETURN(std::vector<uint64_t> ranks, AscendingRanks(*key.column, specials_last, check));
  if (key.descending && !ranks.empty()) {
    const uint64_t max = *std::max_element(ranks.begin(), ranks.end());
    for (uint64_t& r : ranks) r = max - r;
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

// --- WITH FILL ---------------------------------------------------------------------------------

// The filled key as numbers of one representation: double for float keys, Wide for the
// others (integers; days, seconds or ticks of times), exact for every key and bound.
using Wide = __int128;
constexpr uint64_t kMaxFillRows = 10'000'000;

template <typename T>
T NumberOf(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUInt:
      return static_cast<T>(v.u);
    case Value::Kind::kInt:
      return static_cast<T>(v.i);
    default:
      return static_cast<T>(v.f);
  }
}

bool IsInteger(const Value& v) {
  return v.kind == Value::Kind::kUInt || v.kind == Value::Kind::kInt;
}

// A bound or step must be a number; an integer unless the key is a float.
absl::Status CheckFillValue(const std::optional<Value>& v, const char* what,
                            const format::DataType& key_type) {
  if (!v) return absl::OkStatus();
  if (IsInteger(*v) || (v->kind == Value::Kind::kFloat && key_type.is_float()))
    return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("WITH FILL ", what, " ", v->DebugString(),
                                                 " does not fit the key's type ",
                                                 key_type.ToString()));
}

// A day moved by n days, weeks, months, quarters or years; months clamp the day to the
// month's end (Jan 31 + 1 month = Feb 28), as addMonths.
int64_t AddToDay(int64_t day, exec::IntervalUnit unit, int64_t n) {
  constexpr int64_t kCap = 100'000'000;  // far past any time, so nothing overflows
  n = std::clamp<int64_t>(n, -kCap, kCap);
  if (unit == exec::IntervalUnit::kDay) return day + n;
  if (unit == exec::IntervalUnit::kWeek) return day + 7 * n;
  const int64_t months = n * (unit == exec::IntervalUnit::kMonth     ? 1
                              : unit == exec::IntervalUnit::kQuarter ? 3
                                                                     : 12);
  exec::CivilDay c = exec::ToCivil(day);
  const int64_t total = c.year * 12 + (c.month - 1) + months;
  const int64_t year = exec::DivFloor(total, 12);
  const int month = static_cast<int>(exec::ModFloor(total, 12)) + 1;
  return exec::FromCivil(year, month, std::min(c.day, exec::DaysInMonthOf(year, month)));
}

// How the fill moves from one value to the next: adds `amount` to the key, or moves it by
// n calendar units (day and longer) keeping the local time of day in `zone`, as addDays
// and addMonths do.
template <typename T>
struct Stepper {
  T amount = 1;
  std::optional<exec::IntervalUnit> calendar;
  int64_t n = 0;
  bool is_date = false;
  int64_t ticks_per_second = 1;
  std::shared_ptr<const exec::ZoneTable> zone;

  T Next(T v) const {
    if (!calendar) return v + amount;
    if constexpr (std::is_same_v<T, Wide>) {
      if (is_date) return AddToDay(static_cast<int64_t>(v), *calendar, n);
      const Wide limit = Wide{exec::kMaxSeconds} * ticks_per_second;
      const int64_t ticks = static_cast<int64_t>(std::clamp(v, -limit, limit));
      const int64_t secs = exec::DivFloor(ticks, ticks_per_second);
      exec::LocalClock clock(*zone);
      const int64_t local = clock.Local(secs);
      const int64_t day = exec::DivFloor(local, exec::kSecondsPerDay);
      const int64_t moved = zone->FromLocal(AddToDay(day, *calendar, n) * exec::kSecondsPerDay +
                                            local - day * exec::kSecondsPerDay);
      return Wide{moved} * ticks_per_second + (ticks - secs * ticks_per_second);
    }
    return v;
  }
};

// The step of `spec` on keys of type `kt`: STEP n is n days for Date, n seconds for
// DateTime and DateTime64; STEP INTERVAL takes its unit. Its sign must follow the order.
template <typename T>
absl::StatusOr<Stepper<T>> MakeStepper(const FillSpec& spec, const format::DataType& kt) {
  Stepper<T> s;
  if (kt.id() == TypeId::kDateTime64)
    s.ticks_per_second = static_cast<int64_t>(std::llround(std::pow(10.0, kt.precision())));
  if (!spec.step) {
    s.amount = static_cast<T>(s.ticks_per_second) * (spec.descending ? -1 : 1);
    return s;
  }
  if (spec.step_unit && !kt.is_time()) {
    return absl::InvalidArgumentError(
        absl::StrCat("WITH FILL STEP INTERVAL needs a Date or DateTime key, not ", kt.ToString()));
  }
  TALLY_RETURN_IF_ERROR(CheckFillValue(spec.step, "STEP", kt));
  const T step = NumberOf<T>(*spec.step);
  if (step == 0) return absl::InvalidArgumentError("WITH FILL STEP must not be zero");
  if ((step < 0) != spec.descending) {
    return absl::InvalidArgumentError(absl::StrCat(
        "WITH FILL STEP ", spec.step->DebugString(), " must be ",
        spec.descending ? "negative for a descending" : "positive for an ascending", " key"));
  }
  if (!spec.step_unit) {
    s.amount = step * static_cast<T>(s.ticks_per_second);
    return s;
  }
  const exec::IntervalUnit unit = *spec.step_unit;
  s.is_date = kt.id() == TypeId::kDate;
  if (unit >= exec::IntervalUnit::kDay) {
    s.calendar = unit;
    s.n = static_cast<int64_t>(step);
    const std::string& zone =
        kt.id() == TypeId::kDate || kt.timezone().empty() ? spec.time_zone : kt.timezone();
    TALLY_ASSIGN_OR_RETURN(s.zone, exec::ZoneTable::Load(zone));
    return s;
  }
  if (s.is_date) {
    return absl::InvalidArgumentError(absl::StrCat(
        "WITH FILL STEP INTERVAL ", spec.step->DebugString(), " ", exec::IntervalUnitName(unit),
        " is shorter than a day, the unit of a Date key"));
  }
  // Sub-day units in the key's ticks; a step finer than a tick moves nothing: no rows.
  const int64_t seconds = exec::IntervalSeconds(unit);
  s.amount = seconds > 0 ? step * seconds * s.ticks_per_second
                         : step * s.ticks_per_second / exec::IntervalFractionPerSecond(unit);
  return s;
}

// A Value of the key column's kind.
template <typename T>
Value KeyValue(const format::DataType& kt, T v) {
  if (kt.is_float()) return Value::Float(static_cast<double>(v));
  if (kt.is_signed() || kt.id() == TypeId::kDateTime64) return Value::Int(static_cast<int64_t>(v));
  return Value::UInt(static_cast<uint64_t>(v));
}

// Where each group of rows equal in `group_columns` starts, and the end: {0, rows} when
// there are none (one group, even of no rows).
std::vector<size_t> GroupBounds(const std::vector<Column>& columns,
                                const std::vector<size_t>& group_columns, size_t rows) {
  std::vector<size_t> bounds = {0};
  std::string previous, current;
  for (size_t r = 0; r < rows && !group_columns.empty(); ++r) {
    current.clear();
    for (size_t c : group_columns) exec::SerializeRow(columns[c], r, &current);
    if (r > 0 && current != previous) bounds.push_back(r);
    std::swap(previous, current);
  }
  bounds.push_back(rows);
  return bounds;
}

template <typename T>
absl::StatusOr<std::vector<Column>> FillTyped(const std::vector<Column>& columns, const FillSpec& spec,
                                              const format::DataType& kt, const exec::QueryLimits& limits,
                                              uint64_t held_bytes) {
  TALLY_ASSIGN_OR_RETURN(Stepper<T> step, MakeStepper<T>(spec, kt));
  TALLY_RETURN_IF_ERROR(CheckFillValue(spec.from, "FROM", kt));
  TALLY_RETURN_IF_ERROR(CheckFillValue(spec.to, "TO", kt));
  const Column& key = columns[spec.key_column];
  const size_t rows = key.size();
  auto is_null = [&](size_t r) { return key.type->id() == TypeId::kNullable && key.nulls[r]; };
  auto key_at = [&](size_t r) { return NumberOf<T>(key.GetValue(r)); };
  auto before = [&](T a, T b) { return spec.descending ? a > b : a < b; };
  std::vector<bool> copied(columns.size(), false);
  for (size_t c : spec.group_columns) copied[c] = true;

  std::vector<Column> out;
  for (const Column& c : columns) out.push_back(Column::Make(c.type));
  uint64_t emitted = 0;
  auto check = [&]() -> absl::Status {
    if (++emitted % exec::kRowsPerCheck != 0) return absl::OkStatus();
    uint64_t bytes = held_bytes;
    for (const Column& c : out) bytes += c.ByteSize();
    return limits.Check(bytes);
  };
  auto emit_row = [&](size_t r) -> absl::Status {
    for (size_t c = 0; c < columns.size(); ++c) out[c].AppendRange(columns[c], r, 1);
    return check();
  };
  uint64_t filled = 0;
  // A new row with key v, the group's columns as in row `like` (kNoRow: defaults too).
  constexpr size_t kNoRow = SIZE_MAX;
  auto emit_fill = [&](T v, size_t like) -> absl::Status {
    if (++filled > kMaxFillRows) {
      return absl::InvalidArgumentError(
          absl::StrCat("WITH FILL would generate more than ", kMaxFillRows, " rows"));
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c == spec.key_column) {
        TALLY_RETURN_IF_ERROR(out[c].AppendValue(KeyValue(kt, v)));
      } else if (copied[c] && like != kNoRow) {
        out[c].AppendRange(columns[c], like, 1);
      } else {
        out[c].AppendDefault();
      }
    }
    return check();
  };

  const std::vector<size_t> bounds = GroupBounds(columns, spec.group_columns, rows);
  // Plain values with flags rather than std::optional: GCC 12 sees optional<__int128> as
  // maybe uninitialized here.
  const bool has_to = spec.to.has_value();
  const T to = has_to ? NumberOf<T>(*spec.to) : T{};
  for (size_t g = 0; g + 1 < bounds.size(); ++g) {
    const size_t begin = bounds[g], end = bounds[g + 1];
    const size_t like = begin < end ? begin : kNoRow;
    // As ClickHouse's FillingTransform, row by row: before each row the values from `next`
    // up to the row's key (and TO) are filled in, and a row at or past `next` moves it one
    // step past its key. A NaN key compares neither way, so it fills nothing and moves
    // nothing (and as the first key, without FROM, it stops the filling). NULL keys sort
    // to one end of the group and stay there, around the filled range.
    size_t r = begin, stop = end;
    while (r < end && is_null(r)) TALLY_RETURN_IF_ERROR(emit_row(r++));
    while (stop > r && is_null(stop - 1)) --stop;
    bool has_next = spec.from.has_value();
    T next = has_next ? NumberOf<T>(*spec.from) : T{};
    bool moving = true;  // false once a step moves nothing (finer than the key's unit)
    auto step_from = [&](T v) {
      const T after = step.Next(v);
      if (before(v, after)) {
        next = after;
      } else {
        moving = false;
      }
    };
    // Fills from `next` while before `bound` (when `bounded`) and TO.
    auto fill_until = [&](bool bounded, T bound) -> absl::Status {
      while (moving && (!bounded || before(next, bound)) && (!has_to || before(next, to))) {
        TALLY_RETURN_IF_ERROR(emit_fill(next, like));
        step_from(next);
      }
      return absl::OkStatus();
    };
    for (; r < stop; ++r) {
      const T v = key_at(r);
      if (!has_next) {
        next = v;
        has_next = true;
      }
      TALLY_RETURN_IF_ERROR(fill_until(true, v));
      TALLY_RETURN_IF_ERROR(emit_row(r));
      if (moving && (before(next, v) || next == v)) step_from(v);
    }
    if (has_next && has_to) TALLY_RETURN_IF_ERROR(fill_until(false, T{}));
    while (r < end) TALLY_RETURN_IF_ERROR(emit_row(r++));
  }
  return out;
}
}  // namespace

absl::StatusOr<std::vector<uint32_t>> OrderRows(const std::vector<SortKey>& keys, size_t rows,
                                                std::optional<size_t> limit, const exec::QueryLimits& limits,
                                                uint64_t held_bytes) {
  for (const SortKey& k : keys) {
    // A state's bytes have no order (format/types.h: physically a String).
    if (k.column->type->is_aggregate_state()) {
      return absl::InvalidArgumentError(absl::StrCat("Data type ", k.column->type->ToString(),
                                                     " is not allowed in ORDER BY keys, because its values are not "
                                                     "comparable"));
    }
  }
  // Ranks of every key, the order, and the merge buffer.
  TALLY_RETURN_IF_ERROR(limits.Check(held_bytes + rows * (8 * keys.size() + 2 * sizeof(uint32_t))));
  const exec::SortCheck check = [&limits] { return limits.Check(); };
  std::vector<uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  if (keys.empty() || rows <= 1) {
    if (limit && *limit < order.size()) order.resize(*limit);
    return order;
  }
  std::vector<std::vector<uint64_t>> ranks;
  for (const SortKey& k : keys) {
    TALLY_ASSIGN_OR_RETURN(std::vector<uint64_t> r, KeyRanks(k, check));
    ranks.push_back(std::move(r));
  }
  auto less = [&](uint32_t a, uint32_t b) {
    for (const auto& r : ranks) {
      if (r[a] != r[b]) return r[a] < r[b];
    }
    return a < b;  // stable
  };
  if (limit && *limit <= exec::kRowsPerCheck && *limit < rows) {
    // Top-N: the best `limit` rows of what was seen, and the next kRowsPerCheck rows after
    // them; each round keeps the best `limit` of the two (nth_element), then checks.
    const size_t n = *limit;
    std::vector<uint32_t> best;
    best.reserve(n + exec::kRowsPerCheck);
    for (size_t begin = 0; begin < rows; begin += exec::kRowsPerCheck) {
      const size_t end = std::min(rows, begin + exec::kRowsPerCheck);
      best.insert(best.end(), order.begin() + begin, order.begin() + end);
      if (best.size() > n) {
        std::nth_element(best.begin(), best.begin() + n, best.end(), less);
        best.resize(n);
      }
      TALLY_RETURN_IF_ERROR(limits.Check());
    }
    std::sort(best.begin(), best.end(), less);
    return best;
  }
  TALLY_RETURN_IF_ERROR(exec::CheckedSort(&order, less, check));
  if (limit && *limit < rows) order.resize(*limit);
  return order;
}

namespace {

// Row numbers for which `keep(seen, key)` says yes, where key is the row's exact bytes and
// `seen` the map of keys so far; checks the limits every kRowsPerCheck rows, counting the
// map's keys, slots and the output against the memory budget.
template <typename Map, typename Keep>
absl::StatusOr<std::vector<uint32_t>> RowsByKey(const std::vector<const Column*>& columns, size_t rows,
                                                const exec::QueryLimits& limits, uint64_t held_bytes, Keep keep) {
  Map seen;
  std::vector<uint32_t> out;
  uint64_t key_bytes = 0;
  for (size_t r = 0; r < rows; ++r) {
    std::string key = RowKey(columns, r);
    const size_t size = key.size(), before = seen.size();
    if (keep(seen, std::move(key))) out.push_back(static_cast<uint32_t>(r));
    if (seen.size() > before && size > 15) key_bytes += size;  // on the heap, past the string's own buffer
    if ((r + 1) % exec::kRowsPerCheck == 0) {
      const uint64_t bytes = key_bytes + seen.capacity() * (sizeof(typename Map::value_type) + 1) +
                             out.capacity() * sizeof(uint32_t);
      TALLY_RETURN_IF_ERROR(limits.Check(held_bytes + bytes));
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<uint32_t>> DistinctRows(const std::vector<const Column*>& columns, size_t rows,
                                                   const exec::QueryLimits& limits, uint64_t held_bytes) {
  using Set = absl::flat_hash_set<std::string>;
  return RowsByKey<Set>(columns, rows, limits, held_bytes,
                        [](Set& seen, std::string key) { return seen.insert(std::move(key)).second; });
}

absl::StatusOr<std::vector<uint32_t>> LimitByRows(const std::vector<const Column*>& columns, size_t rows,
                                                  uint64_t limit, uint64_t offset, const exec::QueryLimits& limits,
                                                  uint64_t held_bytes) {
  using Counts = absl::flat_hash_map<std::string, uint64_t>;
  return RowsByKey<Counts>(columns, rows, limits, held_bytes, [limit, offset](Counts& counts, std::string key) {
    const uint64_t n = counts[std::move(key)]++;
    return n >= offset && n < offset + limit;
  });
}

absl::StatusOr<std::vector<Column>> FillRows(std::vector<Column> columns, const FillSpec& spec,
                                             const exec::QueryLimits& limits, uint64_t held_bytes) {
  const Column& key = columns[spec.key_column];
  const format::DataType& kt = key.type->id() == TypeId::kNullable ? key.type->child(0) : *key.type;
  if (!(kt.is_integer() || kt.is_float() || kt.is_time())) {
    return absl::InvalidArgumentError(
        absl::StrCat("WITH FILL needs a number, Date or DateTime key, not ", kt.ToString()));
  }
  if (kt.is_float()) return FillTyped<double>(columns, spec, kt, limits, held_bytes);
  return FillTyped<Wide>(columns, spec, kt, limits, held_bytes);
}

FillStepExpr SplitFillStep(const ExprPtr& step) {
  if (step != nullptr && step->kind == Expr::Kind::kFunction && step->args.size() == 1 &&
      !step->has_params) {
    if (std::optional<exec::IntervalUnit> unit = exec::IntervalUnitOfFunction(step->name)) {
      return FillStepExpr{step->args[0], unit};
    }
  }
  return FillStepExpr{step, std::nullopt};
}

}  // namespace tally::engine::sql
