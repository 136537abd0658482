// Local time for the time functions, fast enough to run per row.
//
// ZoneTable is a time zone reduced to the sorted list of its UTC-offset changes between
// 1900 and 2300 (from the system tz database through absl). With it the local time of an
// instant is t + offset, and a LocalClock remembers the last [start, end) range of one
// offset, so sorted timestamps cost two comparisons and an add per row; a fixed-offset zone
// (UTC) never leaves its range. Local midnight and local-to-UTC conversions handle the
// days around a change: a day starts at its first instant (the change itself when midnight
// is skipped); a repeated local time maps to its first occurrence, a skipped one is read
// with the offset from before the change (as absl and java.time do).
//
// ZoneTable instances are immutable, cached for the life of the process and shared across
// threads. A LocalClock is per call (not thread-safe).
#ifndef TALLY_ENGINE_EXEC_TIME_ZONE_UTIL_H_
#define TALLY_ENGINE_EXEC_TIME_ZONE_UTIL_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/exec/function.h"
#include "format/column.h"

namespace tally::engine::exec {

inline int64_t DivFloor(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
inline int64_t ModFloor(int64_t a, int64_t b) {
  int64_t m = a % b;
  return m != 0 && ((m < 0) != (b < 0)) ? m + b : m;
}

inline constexpr int64_t kSecondsPerDay = 86400;
// DateTime64 seconds are clamped to +-2^40 (beyond +-30000 years) so that local-time
// arithmetic on them cannot overflow; scaling back to ticks wraps (garbage in, no UB).
inline constexpr int64_t kMaxSeconds = int64_t{1} << 40;
inline int64_t WrapMul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

class ZoneTable {
 public:
  // "" and "UTC" are UTC. InvalidArgument for names the tz database does not know.
  static absl::StatusOr<std::shared_ptr<const ZoneTable>> Load(absl::string_view name);

  const std::string& name() const { return name_; }
  bool is_fixed() const { return starts_.size() == 1; }
  // Every offset from 1970 on is a whole number of minutes / hours: then for t >= 0
  // rounding t down to whole minutes / hours in UTC rounds the local time too.
  bool whole_minutes() const { return whole_minutes_; }
  bool whole_hours() const { return whole_hours_; }

  int32_t OffsetAt(int64_t t) const { return offsets_[SegmentOf(t)]; }
  // The first instant of local day `day` (days since 1970-01-01).
  int64_t StartOfDay(int64_t day) const;
  // A local time the zone skips (clocks jump forward over it) is read with the offset
  // before the jump (kLater: 02:30 on the day Berlin skips 02:00-03:00 is 03:30 CEST,
  // what ClickHouse's rounding to a boundary in the gap gives) or after it (kEarlier:
  // 01:30 CET, what its date arithmetic and parsing give).
  enum class Skipped { kLater, kEarlier };
  // The instant at local time `local` (seconds since 1970-01-01 00:00 local); of a
  // repeated local time, the earlier instant.
  int64_t FromLocal(int64_t local, Skipped skipped = Skipped::kLater) const;

  // Segment i covers [segment_start(i), segment_end(i)) with offset(i).
  size_t SegmentOf(int64_t t) const;
  int64_t segment_start(size_t i) const { return starts_[i]; }
  int64_t segment_end(size_t i) const {
    return i + 1 < starts_.size() ? starts_[i + 1] : std::numeric_limits<int64_t>::max();
  }
  int32_t offset(size_t i) const { return offsets_[i]; }

 private:
  ZoneTable() = default;
  std::string name_;
  std::vector<int64_t> starts_;  // starts_[0] is INT64_MIN
  std::vector<int32_t> offsets_;
  bool whole_minutes_ = true;
  bool whole_hours_ = true;
};

// Per-call cursor over a ZoneTable.
class LocalClock {
 public:
  explicit LocalClock(const ZoneTable& zone) : zone_(zone) {}
  const ZoneTable& zone() const { return zone_; }

  // Seconds since 1970-01-01 00:00 local.
  int64_t Local(int64_t t) {
    if (t < lo_ || t >= hi_) Seek(t);
    return t + offset_;
  }
  int64_t Day(int64_t t) { return DivFloor(Local(t), kSecondsPerDay); }
  int64_t StartOfDay(int64_t day) {
    if (day != start_day_) {
      start_day_ = day;
      start_ = zone_.StartOfDay(day);
    }
    return start_;
  }

 private:
  void Seek(int64_t t);

  const ZoneTable& zone_;
  int64_t lo_ = 0, hi_ = 0;  // empty until the first Seek
  int64_t offset_ = 0;
  int64_t start_day_ = std::numeric_limits<int64_t>::min();
  int64_t start_ = 0;
};

// The zone a time function works in: its constant zone argument when given, else the
// zone of the time argument's type, else the session's.
absl::StatusOr<std::shared_ptr<const ZoneTable>> ResolveZone(const format::DataType& time_type,
                                                             const ArgInfo* zone_arg,
                                                             const FunctionContext& context);

// Read-only view of a Date, DateTime or DateTime64 argument.
class TimeArg {
 public:
  explicit TimeArg(const ColumnArg& arg);
  bool is_date() const { return kind_ == format::TypeId::kDate; }
  int64_t scale() const { return scale_; }  // ticks per second (1 for Date and DateTime)
  // Days for Date, seconds for DateTime, ticks for DateTime64.
  int64_t Raw(size_t r) const {
    r = is_const_ ? 0 : r;
    switch (kind_) {
      case format::TypeId::kDate:
        return reinterpret_cast<const uint16_t*>(data_)[r];
      case format::TypeId::kDateTime:
        return reinterpret_cast<const uint32_t*>(data_)[r];
      default:
        return reinterpret_cast<const int64_t*>(data_)[r];
    }
  }
  // Seconds (floor) for DateTime and DateTime64. REQUIRES: !is_date().
  int64_t Seconds(size_t r) const {
    int64_t s = scale_ == 1 ? Raw(r) : DivFloor(Raw(r), scale_);
    return s < -kMaxSeconds ? -kMaxSeconds : s > kMaxSeconds ? kMaxSeconds : s;
  }

 private:
  const uint8_t* data_;
  format::TypeId kind_;
  int64_t scale_ = 1;
  bool is_const_;
};

// Calls f(r, seconds) for rows [0, rows) of a DateTime or DateTime64 argument (seconds
// rounded down), with the representation dispatched once outside the loop.
template <typename F>
void ForEachSecond(const ColumnArg& arg, size_t rows, F&& f) {
  const format::Column& c = *arg.column;
  const size_t stride = arg.is_const ? 0 : 1;
  if (c.type->id() == format::TypeId::kDateTime) {
    const uint32_t* p = c.values<uint32_t>();
    for (size_t r = 0; r < rows; ++r) f(r, static_cast<int64_t>(p[r * stride]));
    return;
  }
  const TimeArg in(arg);
  for (size_t r = 0; r < rows; ++r) f(r, in.Seconds(r));
}

// Calls f(r, day) with the local day of every row: Date values as they are, times in
// `clock`'s zone.
template <typename F>
void ForEachDay(const ColumnArg& arg, LocalClock& clock, size_t rows, F&& f) {
  if (arg.column->type->id() == format::TypeId::kDate) {
    const uint16_t* p = arg.column->values<uint16_t>();
    const size_t stride = arg.is_const ? 0 : 1;
    for (size_t r = 0; r < rows; ++r) f(r, static_cast<int64_t>(p[r * stride]));
    return;
  }
  ForEachSecond(arg, rows, [&](size_t r, int64_t t) { f(r, clock.Day(t)); });
}

// Civil dates on day numbers (days since 1970-01-01, proleptic Gregorian).
struct CivilDay {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};
CivilDay ToCivil(int64_t days);
int64_t FromCivil(int64_t year, int month, int day);
int DaysInMonthOf(int64_t year, int month);
inline int DayOfWeek(int64_t days) {
  return static_cast<int>(ModFloor(days + 3, 7)) + 1;
}  // 1 = Monday

// Result helpers: Date saturates to [1970-01-01, 2149-06-06], DateTime to [0, 2^32).
inline uint16_t ClampDate(int64_t days) {
  return static_cast<uint16_t>(days < 0 ? 0 : days > 65535 ? 65535 : days);
}
inline uint32_t ClampDateTime(int64_t seconds) {
  return static_cast<uint32_t>(seconds < 0 ? 0 : seconds > 4294967295 ? 4294967295 : seconds);
}

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_TIME_ZONE_UTIL_H_
