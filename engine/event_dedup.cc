#include "engine/event_dedup.h"

#include <xxhash.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tally::engine {

using format::Column;
using format::TypeId;

namespace {

// A setting's text: a string literal ('source, id') without its quotes, else as it is.
std::string SettingText(const std::string& value) {
  absl::string_view v = absl::StripAsciiWhitespace(value);
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

}  // namespace

absl::StatusOr<EventDedupSpec> ParseEventDedup(const format::TableSchema& schema) {
  EventDedupSpec spec;
  bool time_given = false, window_given = false;
  for (const format::TableSetting& s : schema.settings) {
    if (s.name == kDeduplicateBySetting) {
      for (absl::string_view c : absl::StrSplit(SettingText(s.value), ',')) {
        c = absl::StripAsciiWhitespace(c);
        if (c.empty()) continue;
        if (schema.FindColumn(c) < 0) {
          return absl::InvalidArgumentError(absl::StrCat("setting ", s.name, ": no column '", c, "'"));
        }
        spec.key_columns.emplace_back(c);
      }
      if (spec.key_columns.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("setting ", s.name, " names no column: '", s.value, "'"));
      }
    } else if (s.name == kDeduplicateTimeSetting) {
      time_given = true;
      spec.time_column = SettingText(s.value);
    } else if (s.name == kDeduplicateWindowSetting) {
      window_given = true;
      if (!absl::SimpleAtoi(s.value, &spec.window_s) || spec.window_s < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("setting ", s.name, " must be a whole number of seconds, at least 1, got ", s.value));
      }
    }
  }
  if (!spec.enabled()) {
    if (time_given || window_given) {
      return absl::InvalidArgumentError(absl::StrCat("settings ", kDeduplicateTimeSetting, " and ",
                                                     kDeduplicateWindowSetting, " need ", kDeduplicateBySetting));
    }
    return spec;
  }
  if (!time_given) {
    return absl::InvalidArgumentError(absl::StrCat("setting ", kDeduplicateBySetting, " needs ",
                                                   kDeduplicateTimeSetting, ": the column of each event's time"));
  }
  const int c = schema.FindColumn(spec.time_column);
  if (c < 0 || !schema.columns[c].type->is_time()) {
    return absl::InvalidArgumentError(absl::StrCat("setting ", kDeduplicateTimeSetting, ": '", spec.time_column, "' ",
                                                   c < 0 ? "is not a column" : "is not a Date, DateTime or DateTime64"));
  }
  return spec;
}

namespace {

// The value's bytes, apart from other values: LowCardinality and String by length and
// bytes, Nullable by a null flag first.
void AppendCell(std::string* out, const Column& c, size_t row) {
  if (c.dictionary != nullptr) {
    absl::string_view s = c.dictionary->StringAt(c.IndexAt(row));
    const uint64_t n = s.size();
    out->append(reinterpret_cast<const char*>(&n), sizeof n);
    out->append(s.data(), s.size());
    return;
  }
  switch (c.type->id()) {
    case TypeId::kString: {
      absl::string_view s = c.StringAt(row);
      const uint64_t n = s.size();
      out->append(reinterpret_cast<const char*>(&n), sizeof n);
      out->append(s.data(), s.size());
      return;
    }
    case TypeId::kNullable:
      out->push_back(c.nulls[row] ? '\0' : '\1');
      if (!c.nulls[row]) AppendCell(out, c.children[0], row);
      return;
    default: {
      const size_t w = c.type->fixed_width();
      if (w != 0) {
        out->append(reinterpret_cast<const char*>(c.data.data()) + row * w, w);
      } else {
        out->append(c.GetValue(row).DebugString());  // arrays, maps: rare as keys
      }
    }
  }
}

int64_t TimeSeconds(const Column& c, size_t row) {
  switch (c.type->id()) {
    case TypeId::kDate:
      return int64_t{c.values<uint16_t>()[row]} * 86400;
    case TypeId::kDateTime:
      return c.values<uint32_t>()[row];
    case TypeId::kDateTime64: {
      int64_t ticks = c.values<int64_t>()[row];
      for (int p = 0; p < c.type->precision(); ++p) ticks = ticks >= 0 ? ticks / 10 : (ticks - 9) / 10;
      return ticks;
    }
    default:
      return 0;
  }
}

}  // namespace

std::vector<std::pair<EventKey, int64_t>> EventKeysOf(const Block& block, const format::TableSchema& schema,
                                                      const EventDedupSpec& spec) {
  std::vector<const Column*> keys;
  for (const std::string& k : spec.key_columns) keys.push_back(&block.columns[schema.FindColumn(k)]);
  const Column& time = block.columns[schema.FindColumn(spec.time_column)];
  std::vector<std::pair<EventKey, int64_t>> out(block.rows());
  std::string bytes;
  for (size_t r = 0; r < out.size(); ++r) {
    bytes.clear();
    for (const Column* k : keys) AppendCell(&bytes, *k, r);
    const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    out[r] = {absl::MakeUint128(h.high64, h.low64), TimeSeconds(time, r)};
  }
  return out;
}

bool EventKeys::Seen(EventKey key, int64_t time_s, int64_t window_s) const {
  auto it = keys_.find(key);
  if (it == keys_.end()) return false;  // (and newest_s_ is set when any key is there)
  // A key outside the window is as good as forgotten.
  return it->second >= newest_s_ - window_s && time_s >= newest_s_ - window_s;
}

void EventKeys::Add(EventKey key, int64_t time_s, int64_t window_s) {
  newest_s_ = std::max(newest_s_, time_s);
  auto [it, inserted] = keys_.try_emplace(key, time_s);
  if (!inserted) it->second = std::max(it->second, time_s);
  if (keys_.size() >= 2 * pruned_at_size_) {
    const int64_t oldest = newest_s_ - window_s;
    absl::erase_if(keys_, [&](const auto& entry) { return entry.second < oldest; });
    pruned_at_size_ = std::max<size_t>(1024, keys_.size());
  }
}

void EventKeys::Clear() {
  keys_.clear();
  newest_s_ = INT64_MIN;
  pruned_at_size_ = 1024;
}

}  // namespace tally::engine
