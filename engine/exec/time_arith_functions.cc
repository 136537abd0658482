// Interval arithmetic on times, ClickHouse semantics: toInterval* (Int64, see interval.h
// for how the unit travels), addSeconds ... addYears and subtract* (plus the sub-second
// units on DateTime64), toStartOfInterval(t, n, 'unit' [, tz]) (the binder's rewrite of
// toStartOfInterval(t, INTERVAL n unit [, tz])), dateTrunc and dateDiff.
//
// Seconds, minutes and hours add exact durations. Days and weeks keep the local time of
// day across an offset change, months, quarters and years also clamp the day to the end of
// the month (Jan 31 + 1 month = Feb 28); both work on local time in the zone.
#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"
#include "engine/exec/interval.h"
#include "engine/exec/time_functions_internal.h"
#include "engine/exec/time_rounding.h"
#include "engine/exec/time_zone_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

constexpr IntervalUnit kAllUnits[] = {
    IntervalUnit::kNanosecond, IntervalUnit::kMicrosecond, IntervalUnit::kMillisecond,
    IntervalUnit::kSecond,     IntervalUnit::kMinute,      IntervalUnit::kHour,
    IntervalUnit::kDay,        IntervalUnit::kWeek,        IntervalUnit::kMonth,
    IntervalUnit::kQuarter,    IntervalUnit::kYear};

// a + n * k with two's-complement wrap-around (ClickHouse's overflow behaviour, without UB).
int64_t WrapMulAdd(int64_t a, int64_t n, int64_t k) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(n) * static_cast<uint64_t>(k));
}

int Digits(int64_t per_second) { return per_second == 1000 ? 3 : per_second == 1000000 ? 6 : 9; }

// --- toInterval* -------------------------------------------------------------------------------

PlainBinder ToIntervalBinder(std::string name) {
  return [name](absl::Span<const ArgInfo> args, const FunctionContext&) -> Bound {
    if (args.size() != 1) return ArgCountError(name, "1", args.size());
    if (!args[0].type->is_integer()) return ArgTypeError(name, 0, *args[0].type, "an integer");
    return MakeKernel(TypeOf(TypeId::kInt64),
                      [](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
                        Column out = AllocateFixed(TypeOf(TypeId::kInt64), rows);
                        for (size_t r = 0; r < rows; ++r)
                          MutableValues<int64_t>(out)[r] = IntegerAt(a[0], r);
                        return out;
                      });
  };
}

// --- add* / subtract* --------------------------------------------------------------------------

int64_t AddMonthsToDay(int64_t day, int64_t months) {
  CivilDay c = ToCivil(day);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t year = DivFloor(total, 12);
  int month = static_cast<int>(ModFloor(total, 12)) + 1;
  return FromCivil(year, month, std::min(c.day, DaysInMonthOf(year, month)));
}

// The local day moved by n units (day and longer). |n| is capped far beyond any
// representable date so the arithmetic cannot overflow.
int64_t AddToDay(int64_t day, IntervalUnit unit, int64_t n) {
  constexpr int64_t kCap = 100'000'000;
  n = std::clamp<int64_t>(n, -kCap, kCap);
  switch (unit) {
    case IntervalUnit::kDay:
      return day + n;
    case IntervalUnit::kWeek:
      return day + 7 * n;
    case IntervalUnit::kMonth:
      return AddMonthsToDay(day, n);
    case IntervalUnit::kQuarter:
      return AddMonthsToDay(day, 3 * n);
    default:
      return AddMonthsToDay(day, 12 * n);
  }
}

// Seconds moved by a calendar unit, keeping the local time of day.
int64_t AddCalendar(int64_t t, IntervalUnit unit, int64_t n, LocalClock& clock) {
  int64_t local = clock.Local(t);
  int64_t day = DivFloor(local, kSecondsPerDay);
  int64_t since_midnight = local - day * kSecondsPerDay;
  return clock.zone().FromLocal(AddToDay(day, unit, n) * kSecondsPerDay + since_midnight,
                                ZoneTable::Skipped::kEarlier);
}

struct AddPlan {
  IntervalUnit unit;
  int sign;
  DataTypePtr result;
  std::shared_ptr<const ZoneTable> zone;
};

absl::StatusOr<Column> ExecuteAdd(const AddPlan& p, absl::Span<const ColumnArg> a, size_t rows) {
  TimeArg in(a[0]);
  LocalClock clock(*p.zone);
  Column out = AllocateFixed(p.result, rows);
  const int64_t seconds = IntervalSeconds(p.unit);
  const bool calendar = p.unit >= IntervalUnit::kDay;
  const TypeId result_id = p.result->id();
  const int64_t out_scale = result_id == TypeId::kDateTime64 ? Pow10(p.result->precision()) : 1;
  for (size_t r = 0; r < rows; ++r) {
    const int64_t v = IntegerAt(a[1], r);
    const int64_t n = p.sign > 0 ? v
                      : v == std::numeric_limits<int64_t>::min()
                          ? std::numeric_limits<int64_t>::max()
                          : -v;
    if (result_id == TypeId::kDate) {  // Date + days and longer
      MutableValues<uint16_t>(out)[r] = ClampDate(AddToDay(in.Raw(r), p.unit, n));
      continue;
    }
    // The input as seconds plus a fraction in output ticks.
    int64_t secs, frac = 0;
    if (in.is_date()) {
      secs = clock.StartOfDay(in.Raw(r));
    } else {
      secs = in.Seconds(r);
      frac = ModFloor(in.Raw(r), in.scale()) * (out_scale / in.scale());
    }
    if (calendar) {
      secs = AddCalendar(secs, p.unit, n, clock);
    } else if (seconds > 0) {
      secs = WrapMulAdd(secs, n, seconds);
    } else {
      frac = WrapMulAdd(frac, n, out_scale / IntervalFractionPerSecond(p.unit));
    }
    if (result_id == TypeId::kDateTime) {
      MutableValues<uint32_t>(out)[r] = static_cast<uint32_t>(secs);  // wraps, as ClickHouse
    } else {
      MutableValues<int64_t>(out)[r] = WrapMulAdd(frac, secs, out_scale);
    }
  }
  return out;
}

PlainBinder AddBinder(std::string name, IntervalUnit unit, int sign) {
  return [name, unit, sign](absl::Span<const ArgInfo> args,
                            const FunctionContext& context) -> Bound {
    if (args.size() != 2) return ArgCountError(name, "2", args.size());
    const DataTypePtr& t = args[0].type;
    if (!t->is_time()) return ArgTypeError(name, 0, *t, "Date, DateTime or DateTime64");
    if (!args[1].type->is_integer()) return ArgTypeError(name, 1, *args[1].type, "an integer");
    auto zone = ResolveZone(*t, nullptr, context);
    if (!zone.ok()) return ArgError(name, zone.status().message());
    AddPlan plan{unit, sign, t, *std::move(zone)};
    const std::string& tz = t->timezone();
    if (unit < IntervalUnit::kSecond) {
      int digits = Digits(IntervalFractionPerSecond(unit));
      int precision = t->id() == TypeId::kDateTime64 ? std::max(t->precision(), digits) : digits;
      plan.result = DataType::DateTime64(precision, tz);
    } else if (unit < IntervalUnit::kDay && t->id() == TypeId::kDate) {
      plan.result = DataType::DateTime();
    }
    return MakeKernel(plan.result, [plan](absl::Span<const ColumnArg> a, size_t rows) {
      return ExecuteAdd(plan, a, rows);
    });
  };
}

// --- toStartOfInterval / dateTrunc -----------------------------------------------------------

// Rounds argument `time_index` down to n units.
Bound BindRounding(absl::string_view name, absl::Span<const ArgInfo> args, size_t time_index,
                   const ArgInfo* zone_arg, IntervalUnit unit, int64_t n,
                   const FunctionContext& context) {
  const DataTypePtr& t = args[time_index].type;
  if (!t->is_time()) return ArgTypeError(name, time_index, *t, "Date, DateTime or DateTime64");
  if (n < 1) return ArgError(name, "the interval must be positive");
  if (n > std::numeric_limits<int32_t>::max()) return ArgError(name, "the interval is too large");
  auto zone = ResolveZone(*t, zone_arg, context);
  if (!zone.ok()) return ArgError(name, zone.status().message());
  std::shared_ptr<const ZoneTable> table = *std::move(zone);
  std::string result_zone = zone_arg != nullptr        ? table->name()
                            : t->id() == TypeId::kDate ? ""
                                                       : t->timezone();
  TALLY_ASSIGN_OR_RETURN(DataTypePtr result, RoundedType(t, unit, result_zone, name));
  return MakeKernel(result,
                    [result, unit, n, table, time_index](absl::Span<const ColumnArg> a,
                                                         size_t rows) -> absl::StatusOr<Column> {
                      return RoundColumn(a[time_index], result, unit, n, *table, rows);
                    });
}

absl::StatusOr<IntervalUnit> UnitArg(absl::string_view name, const ArgInfo& arg) {
  const Column* c = StringConstant(arg);
  std::optional<IntervalUnit> unit =
      c == nullptr ? std::nullopt : ParseIntervalUnit(c->StringAt(0));
  if (!unit) {
    return ArgError(
        name, absl::StrCat("expected a constant interval unit ('second', 'minute', 'hour', 'day', "
                           "'week', 'month', 'quarter', 'year', ...)",
                           c == nullptr ? "" : absl::StrCat(", got '", c->StringAt(0), "'")));
  }
  return *unit;
}

// toStartOfInterval(t, n, 'unit' [, tz]): the binder passes INTERVAL n unit as n and 'unit'.
Bound BindToStartOfInterval(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  constexpr absl::string_view kName = "toStartOfInterval";
  if (args.size() == 2) {
    return ArgError(kName,
                    "the interval's unit is missing: bind toStartOfInterval(t, INTERVAL n unit) as "
                    "toStartOfInterval(t, n, 'unit') (engine/exec/interval.h)");
  }
  if (args.size() != 3 && args.size() != 4) return ArgCountError(kName, "3 or 4", args.size());
  int64_t n = 0;
  if (!IntegerConstant(args[1], &n))
    return ArgError(kName, "the interval must be a constant integer");
  TALLY_ASSIGN_OR_RETURN(IntervalUnit unit, UnitArg(kName, args[2]));
  return BindRounding(kName, args, 0, args.size() == 4 ? &args[3] : nullptr, unit, n, context);
}

// dateTrunc('unit', t [, tz]).
Bound BindDateTrunc(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  constexpr absl::string_view kName = "dateTrunc";
  if (args.size() != 2 && args.size() != 3) return ArgCountError(kName, "2 or 3", args.size());
  TALLY_ASSIGN_OR_RETURN(IntervalUnit unit, UnitArg(kName, args[0]));
  return BindRounding(kName, args, 1, args.size() == 3 ? &args[2] : nullptr, unit, 1, context);
}

// --- dateDiff -----------------------------------------------------------------------------------

// The number of unit boundaries since a fixed origin; dateDiff subtracts two of them.
int64_t RelativeNumber(const TimeArg& in, size_t r, IntervalUnit unit, LocalClock& clock) {
  if (unit < IntervalUnit::kSecond) {
    int64_t per_second = IntervalFractionPerSecond(unit);
    if (in.is_date()) return WrapMulAdd(0, clock.StartOfDay(in.Raw(r)), per_second);
    if (in.scale() >= per_second) return DivFloor(in.Raw(r), in.scale() / per_second);
    return WrapMulAdd(0, in.Raw(r), per_second / in.scale());
  }
  int64_t t = in.is_date() ? clock.StartOfDay(in.Raw(r)) : in.Seconds(r);
  switch (unit) {
    case IntervalUnit::kSecond:
      return t;
    case IntervalUnit::kMinute:
      return DivFloor(t, 60);
    case IntervalUnit::kHour:
      return clock.zone().whole_hours() ? DivFloor(t, 3600)
                                        : DivFloor(t - clock.zone().OffsetAt(0), 3600);
    default:
      break;
  }
  int64_t day = in.is_date() ? in.Raw(r) : clock.Day(t);
  if (unit == IntervalUnit::kDay) return day;
  if (unit == IntervalUnit::kWeek) return DivFloor(day + 3, 7);  // weeks from Monday
  CivilDay c = ToCivil(day);
  if (unit == IntervalUnit::kMonth) return c.year * 12 + c.month - 1;
  if (unit == IntervalUnit::kQuarter) return c.year * 4 + (c.month - 1) / 3;
  return c.year;
}

Bound BindDateDiff(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  constexpr absl::string_view kName = "dateDiff";
  if (args.size() != 3 && args.size() != 4) return ArgCountError(kName, "3 or 4", args.size());
  TALLY_ASSIGN_OR_RETURN(IntervalUnit unit, UnitArg(kName, args[0]));
  const ArgInfo* zone_arg = args.size() == 4 ? &args[3] : nullptr;
  std::shared_ptr<const ZoneTable> zones[2];
  for (int i = 0; i < 2; ++i) {
    const DataType& t = *args[1 + i].type;
    if (!t.is_time()) return ArgTypeError(kName, 1 + i, t, "Date, DateTime or DateTime64");
    auto zone = ResolveZone(t, zone_arg, context);
    if (!zone.ok()) return ArgError(kName, zone.status().message());
    zones[i] = *std::move(zone);
  }
  return MakeKernel(
      TypeOf(TypeId::kInt64),
      [unit, zones](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        TimeArg start(a[1]), end(a[2]);
        LocalClock start_clock(*zones[0]), end_clock(*zones[1]);
        Column out = AllocateFixed(TypeOf(TypeId::kInt64), rows);
        int64_t* o = MutableValues<int64_t>(out);
        for (size_t r = 0; r < rows; ++r) {
          o[r] =
              RelativeNumber(end, r, unit, end_clock) - RelativeNumber(start, r, unit, start_clock);
        }
        return out;
      });
}

}  // namespace

void RegisterTimeArithmeticFunctions(FunctionRegistry& registry) {
  for (IntervalUnit unit : kAllUnits) {
    std::string to_interval = absl::StrCat("toInterval", IntervalUnitName(unit));
    RegisterPlain(registry, to_interval, ToIntervalBinder(to_interval));
    for (bool subtract : {false, true}) {
      std::string name = IntervalArithmeticFunction(unit, subtract);
      RegisterPlain(registry, name, AddBinder(name, unit, subtract ? -1 : 1));
    }
  }
  RegisterPlain(registry, "toStartOfInterval", BindToStartOfInterval);
  RegisterPlain(registry, "dateTrunc", BindDateTrunc);
  RegisterPlain(registry, "date_trunc", BindDateTrunc, true);
  RegisterPlain(registry, "dateDiff", BindDateDiff);
  RegisterPlain(registry, "date_diff", BindDateDiff, true);
  RegisterPlain(registry, "timestampDiff", BindDateDiff);
  RegisterPlain(registry, "timestamp_diff", BindDateDiff, true);
}

}  // namespace tally::engine::exec
