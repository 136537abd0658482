// Time functions with ClickHouse semantics: now today yesterday now64 timeZone toTimeZone,
// the calendar fields (toYear ... toSecond, toYYYYMM, toYYYYMMDD), the roundings
// (toDate, toMonday, toStartOfWeek ... toStartOfYear, toStartOfMinute ... toStartOfDay)
// and toUnixTimestamp. Interval arithmetic, toStartOfInterval and dateDiff are in
// time_arith_functions.cc, formatDateTime in date_format_functions.cc. currentDatabase()
// lives here beside timeZone(): both read the session from the FunctionContext.
//
// Every function takes an optional constant time-zone argument last; without it a
// DateTime is read in its type's zone, else in the session's (time_zone_util.h). Local
// times come from a per-call LocalClock, so sorted timestamps convert with plain
// arithmetic, and day-based results are computed once per distinct day.
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

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

absl::StatusOr<TimeBinding> BindTimeArgs(absl::string_view name, absl::Span<const ArgInfo> args,
                                         const FunctionContext& context, bool allow_date,
                                         bool allow_mode) {
  const size_t max_args = allow_mode ? 3 : 2;
  if (args.empty() || args.size() > max_args) {
    return ArgCountError(name, allow_mode ? "1 to 3" : "1 or 2", args.size());
  }
  const DataTypePtr& t = args[0].type;
  if (!t->is_time() || (!allow_date && t->id() == TypeId::kDate)) {
    return ArgTypeError(name, 0, *t,
                        allow_date ? "Date, DateTime or DateTime64" : "DateTime or DateTime64");
  }
  TimeBinding b;
  b.time_type = t;
  size_t next = 1;
  if (allow_mode && args.size() > 1) {
    // ClickHouse: the mode is a UInt8; a zone goes third (toDayOfWeek(t, 'UTC') is an error).
    if (args[1].type->id() != TypeId::kUInt8) {
      return absl::InvalidArgumentError(absl::StrCat(
          "A value of illegal type was provided as 2nd argument 'week_mode' to function '", name,
          "'. Expected: UInt8, got: ", args[1].type->ToString()));
    }
    if (!IntegerConstant(args[1], &b.mode))
      return absl::InvalidArgumentError(absl::StrCat("Argument at index 1 for function ", name, " must be constant"));
    next = 2;
  }
  if (next + 1 < args.size())
    return ArgCountError(name, allow_mode ? "1 to 3" : "1 or 2", args.size());
  const ArgInfo* zone_arg = next < args.size() ? &args[next] : nullptr;
  auto zone = ResolveZone(*t, zone_arg, context);
  if (!zone.ok()) return ArgError(name, zone.status().message());
  b.zone = *std::move(zone);
  if (zone_arg != nullptr) {
    b.result_zone = std::string(zone_arg->constant->StringAt(0));
  } else if (t->id() != TypeId::kDate) {
    b.result_zone = t->timezone();
  }
  return b;
}

namespace {

using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

// --- Calendar fields of the local day ------------------------------------------------------

enum class DayFn {
  kYear,
  kQuarter,
  kMonth,
  kDayOfMonth,
  kDayOfYear,
  kDayOfWeek,
  kYYYYMM,
  kYYYYMMDD,
  kDate,
  kMonday,
  kStartOfWeek,
  kStartOfMonth,
  kStartOfQuarter,
  kStartOfYear,
  kLastDayOfMonth,
};

struct DayFnSpec {
  const char* name;
  DayFn fn;
  TypeId result;
  bool mode;          // takes (t, mode [, tz])
  const char* alias;  // MySQL-style name, case-insensitive
};

constexpr DayFnSpec kDayFns[] = {
    {"toYear", DayFn::kYear, TypeId::kUInt16, false, "YEAR"},
    {"toQuarter", DayFn::kQuarter, TypeId::kUInt8, false, "QUARTER"},
    {"toMonth", DayFn::kMonth, TypeId::kUInt8, false, "MONTH"},
    {"toDayOfMonth", DayFn::kDayOfMonth, TypeId::kUInt8, false, "DAYOFMONTH"},
    {"toDayOfYear", DayFn::kDayOfYear, TypeId::kUInt16, false, "DAYOFYEAR"},
    {"toDayOfWeek", DayFn::kDayOfWeek, TypeId::kUInt8, true, "DAYOFWEEK"},
    {"toYYYYMM", DayFn::kYYYYMM, TypeId::kUInt32, false, nullptr},
    {"toYYYYMMDD", DayFn::kYYYYMMDD, TypeId::kUInt32, false, nullptr},
    {"toMonday", DayFn::kMonday, TypeId::kDate, false, nullptr},
    {"toStartOfWeek", DayFn::kStartOfWeek, TypeId::kDate, true, nullptr},
    {"toStartOfMonth", DayFn::kStartOfMonth, TypeId::kDate, false, nullptr},
    {"toStartOfQuarter", DayFn::kStartOfQuarter, TypeId::kDate, false, nullptr},
    {"toStartOfYear", DayFn::kStartOfYear, TypeId::kDate, false, nullptr},
    {"toLastDayOfMonth", DayFn::kLastDayOfMonth, TypeId::kDate, false, nullptr},
};

int64_t EvalDayFn(DayFn fn, int64_t day, int64_t mode) {
  switch (fn) {
    case DayFn::kDate:
      return ClampDate(day);
    case DayFn::kDayOfWeek: {  // mode & 3: Monday=1, Monday=0, Sunday=0, Sunday=1
      int dow = DayOfWeek(day);
      if ((mode & 3) >= 2) dow = dow % 7 + 1;
      return (mode & 3) == 1 || (mode & 3) == 2 ? dow - 1 : dow;
    }
    case DayFn::kMonday:
      return ClampDate(day - (DayOfWeek(day) - 1));
    case DayFn::kStartOfWeek:  // mode bit 0: weeks start on Monday, else Sunday
      return ClampDate(day - ((mode & 1) ? DayOfWeek(day) - 1 : DayOfWeek(day) % 7));
    default:
      break;
  }
  CivilDay c = ToCivil(day);
  switch (fn) {
    case DayFn::kYear:
      return c.year;
    case DayFn::kQuarter:
      return (c.month - 1) / 3 + 1;
    case DayFn::kMonth:
      return c.month;
    case DayFn::kDayOfMonth:
      return c.day;
    case DayFn::kDayOfYear:
      return day - FromCivil(c.year, 1, 1) + 1;
    case DayFn::kYYYYMM:
      return c.year * 100 + c.month;
    case DayFn::kYYYYMMDD:
      return c.year * 10000 + c.month * 100 + c.day;
    case DayFn::kStartOfMonth:
      return ClampDate(FromCivil(c.year, c.month, 1));
    case DayFn::kStartOfQuarter:
      return ClampDate(FromCivil(c.year, (c.month - 1) / 3 * 3 + 1, 1));
    case DayFn::kStartOfYear:
      return ClampDate(FromCivil(c.year, 1, 1));
    default:  // kLastDayOfMonth
      return ClampDate(FromCivil(c.year, c.month, DaysInMonthOf(c.year, c.month)));
  }
}

template <typename T>
void FillDays(const ColumnArg& time, LocalClock& clock, size_t rows, DayFn fn, int64_t mode,
              T* out) {
  int64_t last_day = std::numeric_limits<int64_t>::min();
  T last = 0;
  ForEachDay(time, clock, rows, [&](size_t r, int64_t day) {
    if (day != last_day) {
      last_day = day;
      last = static_cast<T>(EvalDayFn(fn, day, mode));
    }
    out[r] = last;
  });
}

Column DayColumn(const ColumnArg& time, const ZoneTable& zone, DayFn fn, int64_t mode,
                 TypeId result, size_t rows) {
  LocalClock clock(zone);
  Column out = AllocateFixed(TypeOf(result), rows);
  switch (result) {
    case TypeId::kUInt8:
      FillDays(time, clock, rows, fn, mode, MutableValues<uint8_t>(out));
      break;
    case TypeId::kUInt32:
      FillDays(time, clock, rows, fn, mode, MutableValues<uint32_t>(out));
      break;
    default:  // UInt16, Date
      FillDays(time, clock, rows, fn, mode, MutableValues<uint16_t>(out));
  }
  return out;
}

PlainBinder DayFnBinder(const DayFnSpec& spec) {
  return [spec](absl::Span<const ArgInfo> args, const FunctionContext& context) -> Bound {
    TALLY_ASSIGN_OR_RETURN(TimeBinding b, BindTimeArgs(spec.name, args, context, true, spec.mode));
    return MakeKernel(
        TypeOf(spec.result),
        [spec, b](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          return DayColumn(a[0], *b.zone, spec.fn, b.mode, spec.result, rows);
        });
  };
}

// --- toHour / toMinute / toSecond ------------------------------------------------------------

PlainBinder ClockBinder(std::string name, int64_t divisor, int64_t modulus) {
  return [name, divisor, modulus](absl::Span<const ArgInfo> args,
                                  const FunctionContext& context) -> Bound {
    TALLY_ASSIGN_OR_RETURN(TimeBinding b, BindTimeArgs(name, args, context, false, false));
    return MakeKernel(TypeOf(TypeId::kUInt8),
                      [b, divisor, modulus](absl::Span<const ColumnArg> a,
                                            size_t rows) -> absl::StatusOr<Column> {
                        LocalClock clock(*b.zone);
                        Column out = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
                        uint8_t* o = MutableValues<uint8_t>(out);
                        ForEachSecond(a[0], rows, [&](size_t r, int64_t t) {
                          int64_t since_midnight = ModFloor(clock.Local(t), kSecondsPerDay);
                          o[r] = static_cast<uint8_t>(since_midnight / divisor % modulus);
                        });
                        return out;
                      });
  };
}

// --- toStartOfMinute ... toStartOfDay ---------------------------------------------------------

PlainBinder StartOfBinder(std::string name, IntervalUnit unit, int64_t n) {
  return [name, unit, n](absl::Span<const ArgInfo> args, const FunctionContext& context) -> Bound {
    const bool day = unit == IntervalUnit::kDay;
    TALLY_ASSIGN_OR_RETURN(TimeBinding b, BindTimeArgs(name, args, context, day, false));
    DataTypePtr result;
    if (b.time_type->id() == TypeId::kDate) {  // toStartOfDay(Date): its local midnight
      result = DataType::DateTime(b.result_zone);
    } else if (unit == IntervalUnit::kSecond) {  // toStartOfSecond keeps DateTime64
      if (b.time_type->id() != TypeId::kDateTime64) {
        return ArgTypeError(name, 0, *b.time_type, "DateTime64");
      }
      result = DataType::DateTime64(b.time_type->precision(), b.result_zone);
    } else {
      TALLY_ASSIGN_OR_RETURN(result, RoundedType(b.time_type, unit, b.result_zone, name));
    }
    return MakeKernel(
        result,
        [b, result, unit, n](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
          return RoundColumn(a[0], result, unit, n, *b.zone, rows);
        });
  };
}

// --- toDate / toUnixTimestamp -----------------------------------------------------------------

// toDate(t [, tz]) also takes a String ('2026-03-29', a time part is ignored; '' is
// 1970-01-01 so NULL rows of a Nullable(String) never fail) and an integer (days when below
// 65536, else a Unix timestamp, as ClickHouse).
Bound BindToDate(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.empty() || args.size() > 2) return ArgCountError("toDate", "1 or 2", args.size());
  const DataType& t = *args[0].type;
  if (t.is_time()) {
    static constexpr DayFnSpec kToDate = {"toDate", DayFn::kDate, TypeId::kDate, false, nullptr};
    return DayFnBinder(kToDate)(args, context);
  }
  if (!IsString(t) && !t.is_integer())
    return ArgTypeError("toDate", 0, t, "a time, String or integer");
  auto zone = ResolveZone(t, args.size() == 2 ? &args[1] : nullptr, context);
  if (!zone.ok()) return ArgError("toDate", zone.status().message());
  std::shared_ptr<const ZoneTable> table = *std::move(zone);
  const bool is_string = IsString(t);
  return MakeKernel(
      TypeOf(TypeId::kDate),
      [table, is_string](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        Column out = AllocateFixed(TypeOf(TypeId::kDate), rows);
        uint16_t* o = MutableValues<uint16_t>(out);
        LocalClock clock(*table);
        if (!is_string) {
          for (size_t r = 0; r < rows; ++r) {
            int64_t v = IntegerAt(a[0], r);
            o[r] = ClampDate(v < 65536 ? v : clock.Day(v));
          }
          return out;
        }
        StringArg s(a[0]);
        for (size_t r = 0; r < rows; ++r) {
          absl::string_view text = s[r];
          std::optional<int64_t> days =
              text.empty() ? std::optional<int64_t>(0) : ParseDateText(text);
          if (!days) return ArgError("toDate", absl::StrCat("cannot parse '", text, "' as Date"));
          o[r] = ClampDate(*days);
        }
        return out;
      });
}

Bound BindToUnixTimestamp(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.empty() || args.size() > 2)
    return ArgCountError("toUnixTimestamp", "1 or 2", args.size());
  const DataType& t = *args[0].type;
  if (!t.is_time() && !IsString(t))
    return ArgTypeError("toUnixTimestamp", 0, t, "a time or String");
  auto zone = ResolveZone(t, args.size() == 2 ? &args[1] : nullptr, context);
  if (!zone.ok()) return ArgError("toUnixTimestamp", zone.status().message());
  std::shared_ptr<const ZoneTable> table = *std::move(zone);
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone absl_zone, LoadZone(table->name()));
  const bool is_string = IsString(t);
  return MakeKernel(
      TypeOf(TypeId::kUInt32),
      [table, absl_zone, is_string](absl::Span<const ColumnArg> a,
                                    size_t rows) -> absl::StatusOr<Column> {
        Column out = AllocateFixed(TypeOf(TypeId::kUInt32), rows);
        uint32_t* o = MutableValues<uint32_t>(out);
        if (is_string) {
          StringArg s(a[0]);
          for (size_t r = 0; r < rows; ++r) {
            std::optional<int64_t> v =
                s[r].empty() ? std::optional<int64_t>(0) : ParseDateTimeText(s[r], absl_zone, 0);
            if (!v)
              return ArgError("toUnixTimestamp",
                              absl::StrCat("cannot parse '", s[r], "' as DateTime"));
            o[r] = ClampDateTime(*v);
          }
          return out;
        }
        TimeArg in(a[0]);
        LocalClock clock(*table);
        for (size_t r = 0; r < rows; ++r) {
          o[r] = ClampDateTime(in.is_date() ? clock.StartOfDay(in.Raw(r)) : in.Seconds(r));
        }
        return out;
      });
}

// --- now / today / time zones -------------------------------------------------------------------

// now([tz]), now64([precision [, tz]]), today(), yesterday(): the query's fixed clock.
PlainBinder NowBinder(std::string name, bool with_precision) {
  return [name, with_precision](absl::Span<const ArgInfo> args,
                                const FunctionContext& context) -> Bound {
    size_t max_args = with_precision ? 2 : 1;
    if (args.size() > max_args)
      return ArgCountError(name, with_precision ? "0 to 2" : "0 or 1", args.size());
    int64_t precision = 0;
    size_t next = 0;
    if (with_precision) {
      precision = 3;
      if (!args.empty() && args[0].type->is_integer()) {
        if (!IntegerConstant(args[0], &precision) || precision < 0 || precision > 9) {
          return ArgError(name, "the precision must be a constant from 0 to 9");
        }
        next = 1;
      }
    }
    std::string zone;
    if (next < args.size()) {
      if (StringConstant(args[next]) == nullptr)
        return ArgError(name, "the time zone must be a constant String");
      zone = std::string(args[next].constant->StringAt(0));
      auto loaded = ZoneTable::Load(zone);
      if (!loaded.ok()) return ArgError(name, loaded.status().message());
    }
    DataTypePtr type = with_precision ? DataType::DateTime64(static_cast<int>(precision), zone)
                                      : DataType::DateTime(zone);
    const int64_t value =
        with_precision ? context.now_s * Pow10(static_cast<int>(precision)) : context.now_s;
    return MakeKernel(
        type,
        [type, value](absl::Span<const ColumnArg>, size_t rows) -> absl::StatusOr<Column> {
          Column out = AllocateFixed(type, rows);
          for (size_t r = 0; r < rows; ++r) {
            if (type->id() == TypeId::kDateTime) {
              MutableValues<uint32_t>(out)[r] = ClampDateTime(value);
            } else {
              MutableValues<int64_t>(out)[r] = value;
            }
          }
          return out;
        },
        /*deterministic=*/false);
  };
}

PlainBinder TodayBinder(std::string name, int64_t days_back) {
  return
      [name, days_back](absl::Span<const ArgInfo> args, const FunctionContext& context) -> Bound {
        if (!args.empty()) return ArgCountError(name, "0", args.size());
        TALLY_ASSIGN_OR_RETURN(std::shared_ptr<const ZoneTable> zone,
                               ZoneTable::Load(context.session_timezone));
        LocalClock clock(*zone);
        const uint16_t day = ClampDate(clock.Day(context.now_s) - days_back);
        return MakeKernel(
            TypeOf(TypeId::kDate),
            [day](absl::Span<const ColumnArg>, size_t rows) -> absl::StatusOr<Column> {
              Column out = AllocateFixed(TypeOf(TypeId::kDate), rows);
              for (size_t r = 0; r < rows; ++r) MutableValues<uint16_t>(out)[r] = day;
              return out;
            },
            /*deterministic=*/false);
      };
}

// A String constant from the session: timeZone(), currentDatabase().
Bound SessionString(absl::string_view name, absl::Span<const ArgInfo> args, std::string value) {
  if (!args.empty()) return ArgCountError(name, "0", args.size());
  return MakeKernel(TypeOf(TypeId::kString),
                    [value](absl::Span<const ColumnArg>, size_t rows) -> absl::StatusOr<Column> {
                      Column one = Column::Make(TypeOf(TypeId::kString));
                      one.AppendString(value);
                      return RepeatRow(one, rows);
                    });
}

Bound BindTimeZone(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  return SessionString("timezone", args, context.session_timezone);
}

Bound BindCurrentDatabase(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  return SessionString("currentDatabase", args, context.current_database);
}

// toTimeZone(t, tz): the same instants, shown in another zone.
Bound BindToTimeZone(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  if (args.size() != 2) return ArgCountError("toTimeZone", "2", args.size());
  TALLY_ASSIGN_OR_RETURN(TimeBinding b, BindTimeArgs("toTimeZone", args, context, false, false));
  DataTypePtr result = b.time_type->id() == TypeId::kDateTime64
                           ? DataType::DateTime64(b.time_type->precision(), b.result_zone)
                           : DataType::DateTime(b.result_zone);
  return MakeKernel(result,
                    [result](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
                      Column out = a[0].is_const ? RepeatRow(*a[0].column, rows) : *a[0].column;
                      out.type = result;
                      return out;
                    });
}

}  // namespace

void RegisterTimeFunctions(FunctionRegistry& registry) {
  for (const DayFnSpec& spec : kDayFns) {
    RegisterPlain(registry, spec.name, DayFnBinder(spec));
    if (spec.alias != nullptr) RegisterPlain(registry, spec.alias, DayFnBinder(spec), true);
  }
  RegisterPlain(registry, "toDate", BindToDate);
  RegisterPlain(registry, "toHour", ClockBinder("toHour", 3600, 24));
  RegisterPlain(registry, "HOUR", ClockBinder("HOUR", 3600, 24), true);
  RegisterPlain(registry, "toMinute", ClockBinder("toMinute", 60, 60));
  RegisterPlain(registry, "MINUTE", ClockBinder("MINUTE", 60, 60), true);
  RegisterPlain(registry, "toSecond", ClockBinder("toSecond", 1, 60));
  RegisterPlain(registry, "SECOND", ClockBinder("SECOND", 1, 60), true);
  struct StartOf {
    const char* name;
    IntervalUnit unit;
    int64_t n;
  };
  static constexpr StartOf kStartOf[] = {
      {"toStartOfSecond", IntervalUnit::kSecond, 1},
      {"toStartOfMinute", IntervalUnit::kMinute, 1},
      {"toStartOfFiveMinutes", IntervalUnit::kMinute, 5},
      {"toStartOfFiveMinute", IntervalUnit::kMinute, 5},
      {"toStartOfTenMinutes", IntervalUnit::kMinute, 10},
      {"toStartOfFifteenMinutes", IntervalUnit::kMinute, 15},
      {"toStartOfHour", IntervalUnit::kHour, 1},
      {"toStartOfDay", IntervalUnit::kDay, 1},
  };
  for (const StartOf& s : kStartOf)
    RegisterPlain(registry, s.name, StartOfBinder(s.name, s.unit, s.n));
  RegisterPlain(registry, "toUnixTimestamp", BindToUnixTimestamp);
  RegisterPlain(registry, "now", NowBinder("now", false), true);
  RegisterPlain(registry, "now64", NowBinder("now64", true), true);
  RegisterPlain(registry, "today", TodayBinder("today", 0), true);
  RegisterPlain(registry, "yesterday", TodayBinder("yesterday", 1), true);
  // As ClickHouse names them: timezone is the function, timeZone its alias.
  RegisterPlain(registry, "timezone", BindTimeZone, true);
  registry.RegisterAlias("timeZone", "timezone", true);
  RegisterPlain(registry, "currentDatabase", BindCurrentDatabase);
  registry.RegisterAlias("DATABASE", "currentDatabase", true);
  registry.RegisterAlias("current_database", "currentDatabase", true);
  RegisterPlain(registry, "toTimeZone", BindToTimeZone, true);
  RegisterTimeArithmeticFunctions(registry);
  RegisterDateFormatFunctions(registry);
}

}  // namespace tally::engine::exec
