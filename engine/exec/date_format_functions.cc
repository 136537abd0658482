// formatDateTime(t, format [, tz]) with ClickHouse's (MySQL-style) specifiers:
//
//   %Y year  %y two-digit year  %C century  %G ISO year  %g two-digit ISO year
//   %m month 01-12 (also %c)  %M month name (January; ClickHouse 23.4+, not the minute)
//   %b month abbreviation  %d day 01-31  %e day 1-31 (unpadded, as ClickHouse 25.5+)  %j day
//   of year 001-366
//   %a weekday abbreviation  %W weekday name  %w weekday 0-6 from Sunday  %u ISO weekday
//   1-7  %V ISO week 01-53  %Q quarter  %H hour 00-23 (also %k)  %I hour 01-12 (also
//   %h, %l)  %i minute 00-59  %S second (also %s)  %f microseconds, six digits (a
//   DateTime64's fraction cut or padded; 000000 for other types)  %p AM/PM  %z +hhmm
//   %F %Y-%m-%d  %D %m/%d/%y  %T %H:%i:%S  %R %H:%i  %r %h:%i %p  %n newline  %t tab
//   %% percent
//
// The format must be constant; it is compiled once. An unknown specifier is an error.
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/arg_adapters.h"
#include "engine/exec/function_subgroups.h"
#include "engine/exec/function_util.h"
#include "engine/exec/time_functions_internal.h"
#include "engine/exec/time_zone_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::TypeId;
using Bound = absl::StatusOr<std::unique_ptr<BoundFunction>>;

constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kWeekdays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                     "Friday", "Saturday", "Sunday"};

// One step of a compiled format: a literal or a specifier letter.
struct Step {
  char spec = 0;  // 0: literal
  std::string literal;
};

absl::StatusOr<std::vector<Step>> Compile(absl::string_view format) {
  static constexpr absl::string_view kKnown = "YyCGgmcMbdejaWwuVQHkIhliSsfpzFDTRrnt%";
  // Composite specifiers expand to simple ones.
  auto expand = [](char c) -> absl::string_view {
    switch (c) {
      case 'F':
        return "%Y-%m-%d";
      case 'D':
        return "%m/%d/%y";
      case 'T':
        return "%H:%i:%S";
      case 'R':
        return "%H:%i";
      case 'r':
        return "%h:%i %p";
      default:
        return "";
    }
  };
  std::vector<Step> steps;
  auto literal = [&](absl::string_view s) {
    if (steps.empty() || steps.back().spec != 0) steps.emplace_back();
    steps.back().literal.append(s.data(), s.size());
  };
  std::string expanded;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      literal(format.substr(i, 1));
      continue;
    }
    if (i + 1 == format.size())
      return absl::InvalidArgumentError("formatDateTime: the format ends with '%'");
    char c = format[++i];
    if (kKnown.find(c) == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("formatDateTime: unsupported specifier '%", std::string(1, c), "'"));
    }
    if (c == '%' || c == 'n' || c == 't') {
      literal(c == '%' ? "%" : c == 'n' ? "\n" : "\t");
    } else if (!expand(c).empty()) {
      absl::string_view e = expand(c);
      for (size_t k = 0; k < e.size();) {
        if (e[k] == '%') {
          steps.push_back(Step{e[k + 1], {}});
          k += 2;
        } else {
          literal(e.substr(k++, 1));
        }
      }
    } else {
      steps.push_back(Step{c, {}});
    }
  }
  return steps;
}

void Pad(int64_t v, int width, char fill, std::string* out) {
  std::string digits = absl::StrCat(v < 0 ? -v : v);
  if (v < 0) out->push_back('-');
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out->push_back(fill);
  out->append(digits);
}

// The calendar fields of one local day, computed once per distinct day.
struct DayFields {
  int64_t day = std::numeric_limits<int64_t>::min();
  CivilDay civil = {1970, 1, 1};
  int weekday = 4;  // 1 = Monday
  int64_t day_of_year = 1;
  int64_t iso_year = 1970;
  int64_t iso_week = 1;

  void Set(int64_t d) {
    day = d;
    civil = ToCivil(d);
    weekday = DayOfWeek(d);
    day_of_year = d - FromCivil(civil.year, 1, 1) + 1;
    int64_t thursday = d - (weekday - 1) + 3;  // its week's Thursday decides the ISO year
    iso_year = ToCivil(thursday).year;
    iso_week = (thursday - FromCivil(iso_year, 1, 1)) / 7 + 1;
  }
};

void AppendStep(const Step& s, const DayFields& f, int64_t since_midnight, int64_t offset,
                absl::string_view fraction, std::string* out) {
  const int64_t hour = since_midnight / 3600, minute = since_midnight / 60 % 60,
                second = since_midnight % 60;
  const int64_t hour12 = hour % 12 == 0 ? 12 : hour % 12;
  switch (s.spec) {
    case 0:
      out->append(s.literal);
      return;
    case 'Y':
      Pad(f.civil.year, 4, '0', out);
      return;
    case 'y':
      Pad(f.civil.year % 100, 2, '0', out);
      return;
    case 'C':
      Pad(f.civil.year / 100, 2, '0', out);
      return;
    case 'G':
      Pad(f.iso_year, 4, '0', out);
      return;
    case 'g':
      Pad(f.iso_year % 100, 2, '0', out);
      return;
    case 'm':
    case 'c':
      Pad(f.civil.month, 2, '0', out);
      return;
    case 'M':
      out->append(kMonths[f.civil.month - 1]);
      return;
    case 'b':
      out->append(kMonths[f.civil.month - 1], 3);
      return;
    case 'd':
      Pad(f.civil.day, 2, '0', out);
      return;
    case 'e':
      absl::StrAppend(out, f.civil.day);
      return;
    case 'j':
      Pad(f.day_of_year, 3, '0', out);
      return;
    case 'a':
      out->append(kWeekdays[f.weekday - 1], 3);
      return;
    case 'W':
      out->append(kWeekdays[f.weekday - 1]);
      return;
    case 'w':
      Pad(f.weekday % 7, 1, '0', out);
      return;
    case 'u':
      Pad(f.weekday, 1, '0', out);
      return;
    case 'V':
      Pad(f.iso_week, 2, '0', out);
      return;
    case 'Q':
      Pad((f.civil.month - 1) / 3 + 1, 1, '0', out);
      return;
    case 'H':
    case 'k':
      Pad(hour, 2, '0', out);
      return;
    case 'I':
    case 'h':
    case 'l':
      Pad(hour12, 2, '0', out);
      return;
    case 'i':
      Pad(minute, 2, '0', out);
      return;
    case 'S':
    case 's':
      Pad(second, 2, '0', out);
      return;
    case 'f':
      out->append(fraction.data(), fraction.size());
      return;
    case 'p':
      out->append(hour < 12 ? "AM" : "PM");
      return;
    case 'z': {
      out->push_back(offset < 0 ? '-' : '+');
      int64_t a = offset < 0 ? -offset : offset;
      Pad(a / 3600, 2, '0', out);
      Pad(a / 60 % 60, 2, '0', out);
      return;
    }
    default:
      return;
  }
}

Bound BindFormatDateTime(absl::Span<const ArgInfo> args, const FunctionContext& context) {
  constexpr absl::string_view kName = "formatDateTime";
  if (args.size() != 2 && args.size() != 3) return ArgCountError(kName, "2 or 3", args.size());
  const Column* format = StringConstant(args[1]);
  if (format == nullptr) return ArgError(kName, "the format must be a constant String");
  std::vector<ArgInfo> time_args = {args[0]};
  if (args.size() == 3) time_args.push_back(args[2]);
  TALLY_ASSIGN_OR_RETURN(TimeBinding b, BindTimeArgs(kName, time_args, context, true, false));
  TALLY_ASSIGN_OR_RETURN(std::vector<Step> steps, Compile(format->StringAt(0)));
  return MakeKernel(
      TypeOf(TypeId::kString),
      [b, steps](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        TimeArg in(a[0]);
        LocalClock clock(*b.zone);
        const int digits = b.time_type->id() == TypeId::kDateTime64 ? b.time_type->precision() : 0;
        Column out = Column::Make(TypeOf(TypeId::kString));
        std::string text, fraction;
        DayFields fields;
        for (size_t r = 0; r < rows; ++r) {
          int64_t local = 0, offset = 0;
          fraction.assign(6, '0');
          if (in.is_date()) {
            local = in.Raw(r) * kSecondsPerDay;
          } else {
            int64_t t = in.Seconds(r);
            local = clock.Local(t);
            offset = local - t;
            if (digits > 0) {  // always six digits (microseconds), as ClickHouse
              std::string f = absl::StrCat(ModFloor(in.Raw(r), in.scale()));
              f.insert(0, digits - f.size(), '0');
              f.resize(6, '0');
              fraction = f;
            }
          }
          int64_t day = DivFloor(local, kSecondsPerDay);
          if (day != fields.day) fields.Set(day);
          text.clear();
          for (const Step& s : steps)
            AppendStep(s, fields, local - day * kSecondsPerDay, offset, fraction, &text);
          out.AppendString(text);
        }
        return out;
      });
}

}  // namespace

void RegisterDateFormatFunctions(FunctionRegistry& registry) {
  RegisterPlain(registry, "formatDateTime", BindFormatDateTime);
  RegisterPlain(registry, "DATE_FORMAT", BindFormatDateTime, true);
}

}  // namespace tally::engine::exec
