#include "engine/exec/time_rounding.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "engine/exec/function_util.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

int64_t SinceMidnight(int64_t t, int64_t step, LocalClock& clock) {
  int64_t start = clock.StartOfDay(clock.Day(t));
  return start + DivFloor(t - start, step) * step;
}

// ClickHouse's roundDown: from the epoch in whole-hour zones, else from local midnight.
int64_t RoundDownFromEpoch(int64_t t, int64_t step, LocalClock& clock) {
  return clock.zone().whole_hours() ? DivFloor(t, step) * step : SinceMidnight(t, step, clock);
}

int64_t RoundDownMinutes(int64_t t, int64_t minutes, LocalClock& clock) {
  int64_t step = 60 * minutes;
  return clock.zone().whole_minutes() ? DivFloor(t, step) * step : SinceMidnight(t, step, clock);
}

// The local hour of the day rounded down to a multiple of `hours`, clamped into the day
// and never after t (a change inside the day can shift the rounded local time).
int64_t RoundDownHours(int64_t t, int64_t hours, LocalClock& clock) {
  int64_t local = clock.Local(t);
  int64_t day = DivFloor(local, kSecondsPerDay);
  int64_t since_midnight = local - day * kSecondsPerDay;
  int64_t step = 3600 * hours;
  const int64_t rounded = day * kSecondsPerDay + since_midnight / step * step;
  int64_t r = clock.zone().FromLocal(rounded);
  // A rounded local time that a clock change skipped (03:00 when Chatham's clocks go from
  // 02:45 to 03:45) starts at the change, as in ClickHouse.
  if (r + clock.zone().OffsetAt(r) != rounded) r = clock.zone().segment_start(clock.zone().SegmentOf(r));
  return std::min(std::max(r, clock.StartOfDay(day)), t);
}

// Any fixed step that rounding a DateTime column may use instead of the general path.
int64_t EpochStep(IntervalUnit unit, int64_t n, const ZoneTable& zone) {
  switch (unit) {
    case IntervalUnit::kSecond:
      if (n % 60 == 0) return zone.whole_minutes() ? n : 0;
      return zone.whole_hours() ? n : 0;
    case IntervalUnit::kMinute:
      return zone.whole_minutes() ? 60 * n : 0;
    case IntervalUnit::kHour:
      return n == 1 && zone.whole_hours() ? 3600 : 0;
    default:
      return 0;
  }
}

// The common steps are compile-time constants, so the division becomes a multiplication
// and the loop vectorizes.
template <uint32_t kStep>
void FloorBy(const uint32_t* src, size_t rows, uint32_t* out) {
  for (size_t r = 0; r < rows; ++r) out[r] = src[r] - src[r] % kStep;
}

void FloorDateTimes(const uint32_t* src, uint32_t step, size_t rows, uint32_t* out) {
  switch (step) {
    case 60:
      return FloorBy<60>(src, rows, out);
    case 300:
      return FloorBy<300>(src, rows, out);
    case 600:
      return FloorBy<600>(src, rows, out);
    case 900:
      return FloorBy<900>(src, rows, out);
    case 1800:
      return FloorBy<1800>(src, rows, out);
    case 3600:
      return FloorBy<3600>(src, rows, out);
    default:
      for (size_t r = 0; r < rows; ++r) out[r] = src[r] - src[r] % step;
  }
}

}  // namespace

int64_t RoundDownSeconds(int64_t t, IntervalUnit unit, int64_t n, LocalClock& clock) {
  switch (unit) {
    case IntervalUnit::kSecond:
      if (n == 1) return t;
      if (n % 60 == 0) return RoundDownMinutes(t, n / 60, clock);
      return RoundDownFromEpoch(t, n, clock);
    case IntervalUnit::kMinute:
      return RoundDownMinutes(t, n, clock);
    case IntervalUnit::kHour:
      return n == 1 ? RoundDownFromEpoch(t, 3600, clock) : RoundDownHours(t, n, clock);
    default:  // kDay
      return clock.StartOfDay(RoundDownDays(clock.Day(t), IntervalUnit::kDay, n));
  }
}

int64_t RoundDownDays(int64_t day, IntervalUnit unit, int64_t n) {
  switch (unit) {
    case IntervalUnit::kDay:
      return n == 1 ? day : DivFloor(day, n) * n;
    case IntervalUnit::kWeek:
      if (n == 1) return day - (DayOfWeek(day) - 1);
      return 4 + DivFloor(day - 4, 7 * n) * 7 * n;  // 1970-01-05 was a Monday
    case IntervalUnit::kMonth:
    case IntervalUnit::kQuarter: {
      CivilDay c = ToCivil(day);
      int64_t months = unit == IntervalUnit::kQuarter ? 3 * n : n;
      int64_t index = (c.year - 1900) * 12 + c.month - 1;
      index = DivFloor(index, months) * months;
      return FromCivil(1900 + DivFloor(index, 12), static_cast<int>(ModFloor(index, 12)) + 1, 1);
    }
    default: {  // kYear
      int64_t year = ToCivil(day).year;
      if (n > 1) year = std::max<int64_t>(DivFloor(year, n) * n, 1900);
      return FromCivil(year, 1, 1);
    }
  }
}

absl::StatusOr<DataTypePtr> RoundedType(const DataTypePtr& time_type, IntervalUnit unit,
                                        const std::string& zone_name, absl::string_view function) {
  const TypeId id = time_type->id();
  if (unit < IntervalUnit::kSecond) {
    int64_t per_second = IntervalFractionPerSecond(unit);
    if (id != TypeId::kDateTime64 || Pow10(time_type->precision()) < per_second) {
      return absl::InvalidArgumentError(absl::StrCat(
          function, ": cannot round ", time_type->ToString(), " to ", IntervalUnitName(unit), "s"));
    }
    return DataType::DateTime64(time_type->precision(), zone_name);
  }
  if (id == TypeId::kDate) {
    if (unit < IntervalUnit::kDay) {
      return absl::InvalidArgumentError(
          absl::StrCat(function, ": cannot round a Date to ", IntervalUnitName(unit), "s"));
    }
    return TypeOf(TypeId::kDate);
  }
  if (unit >= IntervalUnit::kWeek) return TypeOf(TypeId::kDate);
  return DataType::DateTime(zone_name);  // DateTime64 too: whole seconds need no fraction
}

Column RoundColumn(const ColumnArg& time, const DataTypePtr& result_type, IntervalUnit unit,
                   int64_t n, const ZoneTable& zone, size_t rows) {
  TimeArg in(time);
  LocalClock clock(zone);
  Column out = AllocateFixed(result_type, rows);
  switch (result_type->id()) {
    case TypeId::kDate: {
      uint16_t* o = MutableValues<uint16_t>(out);
      int64_t last_day = std::numeric_limits<int64_t>::min();
      uint16_t last = 0;
      ForEachDay(time, clock, rows, [&](size_t r, int64_t day) {
        if (day != last_day) {
          last_day = day;
          last = ClampDate(RoundDownDays(day, unit, n));
        }
        o[r] = last;
      });
      break;
    }
    case TypeId::kDateTime: {
      uint32_t* o = MutableValues<uint32_t>(out);
      if (in.is_date()) {  // toStartOfDay(Date): local midnight
        for (size_t r = 0; r < rows; ++r) {
          o[r] = ClampDateTime(clock.StartOfDay(RoundDownDays(in.Raw(r), IntervalUnit::kDay, n)));
        }
        break;
      }
      const int64_t step = EpochStep(unit, n, zone);
      if (step > 0 && step <= 0xffffffff && !time.is_const &&
          time.column->type->id() == TypeId::kDateTime) {  // DateTime >= 0: plain arithmetic
        FloorDateTimes(time.column->values<uint32_t>(), static_cast<uint32_t>(step), rows, o);
        break;
      }
      ForEachSecond(time, rows, [&](size_t r, int64_t t) {
        o[r] = ClampDateTime(RoundDownSeconds(t, unit, n, clock));
      });
      break;
    }
    default: {  // kDateTime64
      int64_t* o = MutableValues<int64_t>(out);
      const int64_t scale = in.scale();
      if (unit < IntervalUnit::kSecond) {
        const int64_t step = scale / IntervalFractionPerSecond(unit) * n;
        for (size_t r = 0; r < rows; ++r) o[r] = WrapMul(DivFloor(in.Raw(r), step), step);
        break;
      }
      ForEachSecond(time, rows, [&](size_t r, int64_t t) {
        o[r] = WrapMul(RoundDownSeconds(t, unit, n, clock), scale);
      });
      break;
    }
  }
  return out;
}

}  // namespace tally::engine::exec
