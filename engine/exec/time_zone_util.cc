#include "engine/exec/time_zone_util.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::TypeId;

namespace {

constexpr int64_t kTableBegin = -2208988800;  // 1900-01-01 00:00:00 UTC
constexpr int64_t kTableEnd = 10413792000;    // 2300-01-01 00:00:00 UTC
// Offsets stay within +-18 hours; local-time searches look this far around an instant.
constexpr int64_t kOffsetReach = 18 * 3600;

}  // namespace

absl::StatusOr<std::shared_ptr<const ZoneTable>> ZoneTable::Load(absl::string_view name) {
  static std::mutex mu;  // constant-initialized; visible to ThreadSanitizer
  static auto* cache = new absl::flat_hash_map<std::string, std::shared_ptr<const ZoneTable>>();
  std::string key = name.empty() ? "UTC" : std::string(name);
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache->find(key);
    if (it != cache->end()) return it->second;
  }
  TALLY_ASSIGN_OR_RETURN(absl::TimeZone tz, LoadZone(key));
  std::shared_ptr<ZoneTable> table(new ZoneTable());
  table->name_ = key;
  table->starts_.push_back(std::numeric_limits<int64_t>::min());
  table->offsets_.push_back(tz.At(absl::FromUnixSeconds(kTableBegin)).offset);
  int64_t t = kTableBegin;
  absl::TimeZone::CivilTransition trans;
  while (tz.NextTransition(absl::FromUnixSeconds(t), &trans)) {
    int64_t at = absl::ToUnixSeconds(tz.At(trans.to).trans);
    if (at <= t || at >= kTableEnd) break;
    t = at;
    int32_t offset = tz.At(absl::FromUnixSeconds(at)).offset;
    if (offset == table->offsets_.back()) continue;  // only the abbreviation changed
    table->starts_.push_back(at);
    table->offsets_.push_back(offset);
  }
  for (size_t i = 0; i < table->starts_.size(); ++i) {
    if (table->segment_end(i) <= 0) continue;  // only offsets from 1970 on matter
    table->whole_minutes_ &= table->offsets_[i] % 60 == 0;
    table->whole_hours_ &= table->offsets_[i] % 3600 == 0;
  }
  std::lock_guard<std::mutex> lock(mu);
  auto [it, inserted] = cache->emplace(key, std::move(table));
  return it->second;
}

size_t ZoneTable::SegmentOf(int64_t t) const {
  auto it = std::upper_bound(starts_.begin() + 1, starts_.end(), t);
  return static_cast<size_t>(it - starts_.begin()) - 1;
}

// The first instant whose local time is at least local midnight: in each segment near it,
// the first instant at or after midnight there, and the earliest of those.
int64_t ZoneTable::StartOfDay(int64_t day) const {
  const int64_t midnight = day * kSecondsPerDay;
  if (is_fixed()) return midnight - offsets_[0];
  int64_t best = std::numeric_limits<int64_t>::max();
  for (size_t i = SegmentOf(midnight - kOffsetReach), last = SegmentOf(midnight + kOffsetReach);
       i <= last; ++i) {
    int64_t candidate = std::max(starts_[i], midnight - offsets_[i]);
    if (candidate < segment_end(i)) best = std::min(best, candidate);
  }
  return best;
}

int64_t ZoneTable::FromLocal(int64_t local, Skipped skipped) const {
  if (is_fixed()) return local - offsets_[0];
  size_t first = SegmentOf(local - kOffsetReach), last = SegmentOf(local + kOffsetReach);
  for (size_t i = first; i <= last; ++i) {  // earliest exact match
    int64_t t = local - offsets_[i];
    if (t >= starts_[i] && t < segment_end(i)) return t;
  }
  for (size_t i = std::max<size_t>(first, 1); i <= last; ++i) {  // inside a skipped range
    if (starts_[i] + offsets_[i - 1] <= local && local < starts_[i] + offsets_[i]) {
      return skipped == Skipped::kEarlier ? local - offsets_[i] : local - offsets_[i - 1];
    }
  }
  return local - OffsetAt(local);
}

void LocalClock::Seek(int64_t t) {
  size_t i = zone_.SegmentOf(t);
  lo_ = zone_.segment_start(i);
  hi_ = zone_.segment_end(i);
  offset_ = zone_.offset(i);
}

absl::StatusOr<std::shared_ptr<const ZoneTable>> ResolveZone(const format::DataType& time_type,
                                                             const ArgInfo* zone_arg,
                                                             const FunctionContext& context) {
  if (zone_arg != nullptr) {
    if (zone_arg->type->id() != TypeId::kString || zone_arg->constant == nullptr) {
      return absl::InvalidArgumentError("the time zone must be a constant String");
    }
    return ZoneTable::Load(zone_arg->constant->StringAt(0));
  }
  if ((time_type.id() == TypeId::kDateTime || time_type.id() == TypeId::kDateTime64) &&
      !time_type.timezone().empty()) {
    return ZoneTable::Load(time_type.timezone());
  }
  return ZoneTable::Load(context.session_timezone);
}

TimeArg::TimeArg(const ColumnArg& arg)
    : data_(arg.column->data.data()), kind_(arg.column->type->id()), is_const_(arg.is_const) {
  if (kind_ == TypeId::kDateTime64) scale_ = Pow10(arg.column->type->precision());
}

CivilDay ToCivil(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return CivilDay{y, static_cast<int>(m), static_cast<int>(d)};
}

int64_t FromCivil(int64_t year, int month, int day) {
  return DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

int DaysInMonthOf(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace tally::engine::exec
