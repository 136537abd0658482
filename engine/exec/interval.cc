#include "engine/exec/interval.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tally::engine::exec {
namespace {

struct UnitSpelling {
  IntervalUnit unit;
  const char* name;              // toInterval suffix
  const char* plural;            // addUnits suffix
  const char* abbreviations[4];  // dateDiff's, lower case
};

constexpr UnitSpelling kUnits[] = {
    {IntervalUnit::kNanosecond, "Nanosecond", "Nanoseconds", {"ns", nullptr}},
    {IntervalUnit::kMicrosecond, "Microsecond", "Microseconds", {"mcs", "us", nullptr}},
    {IntervalUnit::kMillisecond, "Millisecond", "Milliseconds", {"ms", nullptr}},
    {IntervalUnit::kSecond, "Second", "Seconds", {"ss", "s", nullptr}},
    {IntervalUnit::kMinute, "Minute", "Minutes", {"mi", "n", nullptr}},
    {IntervalUnit::kHour, "Hour", "Hours", {"hh", "h", nullptr}},
    {IntervalUnit::kDay, "Day", "Days", {"dd", "d", nullptr}},
    {IntervalUnit::kWeek, "Week", "Weeks", {"wk", "ww", nullptr}},
    {IntervalUnit::kMonth, "Month", "Months", {"mm", "m", nullptr}},
    {IntervalUnit::kQuarter, "Quarter", "Quarters", {"qq", "q", nullptr}},
    {IntervalUnit::kYear, "Year", "Years", {"yyyy", "yy", nullptr}},
};

const UnitSpelling& Spelling(IntervalUnit unit) { return kUnits[static_cast<int>(unit)]; }

}  // namespace

absl::string_view IntervalUnitName(IntervalUnit unit) { return Spelling(unit).name; }

std::optional<IntervalUnit> IntervalUnitOfFunction(absl::string_view function_name) {
  if (!absl::StartsWith(function_name, "toInterval")) return std::nullopt;
  function_name.remove_prefix(10);
  for (const UnitSpelling& u : kUnits) {
    if (function_name == u.name) return u.unit;
  }
  return std::nullopt;
}

std::optional<IntervalUnit> ParseIntervalUnit(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  for (const UnitSpelling& u : kUnits) {
    if (absl::EqualsIgnoreCase(lower, u.name) || absl::EqualsIgnoreCase(lower, u.plural))
      return u.unit;
    for (const char* a : u.abbreviations) {
      if (a != nullptr && lower == a) return u.unit;
    }
  }
  return std::nullopt;
}

std::string IntervalArithmeticFunction(IntervalUnit unit, bool subtract) {
  return absl::StrCat(subtract ? "subtract" : "add", Spelling(unit).plural);
}

int64_t IntervalSeconds(IntervalUnit unit) {
  switch (unit) {
    case IntervalUnit::kSecond:
      return 1;
    case IntervalUnit::kMinute:
      return 60;
    case IntervalUnit::kHour:
      return 3600;
    case IntervalUnit::kDay:
      return 86400;
    case IntervalUnit::kWeek:
      return 7 * 86400;
    default:
      return 0;
  }
}

int64_t IntervalFractionPerSecond(IntervalUnit unit) {
  switch (unit) {
    case IntervalUnit::kNanosecond:
      return 1000000000;
    case IntervalUnit::kMicrosecond:
      return 1000000;
    case IntervalUnit::kMillisecond:
      return 1000;
    default:
      return 1;
  }
}

}  // namespace tally::engine::exec
