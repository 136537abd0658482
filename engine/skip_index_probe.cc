#include "engine/skip_index_probe.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_join.h"
#include "format/text_tokens.h"

namespace tally::engine {

using format::Value;
using Kind = format::SkipIndexFile::Kind;
using CondKind = SkipIndexCondition::Kind;

namespace {

bool Less(const Value& a, const Value& b) { return format::CompareValues(a, b) < 0; }

bool IsText(Kind k) { return k == Kind::kTokenBloomFilter || k == Kind::kNgramBloomFilter; }

}  // namespace

// One condition, prepared for one index kind.
struct SkipIndexProbe::Check {
  CondKind kind = CondKind::kOneOf;
  std::vector<Value> values;  // minmax, set: kOneOf (ascending), kNotEqual (one)
  ColumnRange range;          // minmax, set: kRange
  // bloom_filter kOneOf: some hash present. Text kinds kContains: every hash present.
  std::vector<uint64_t> hashes;
  // Text kinds kOneOf: some value all of whose hashes are present.
  std::vector<std::vector<uint64_t>> value_hashes;
};

struct SkipIndexProbe::IndexProbe {
  BoundSkipIndex index;
  std::vector<Check> checks;
  std::vector<std::string> texts;
};

namespace {

// The hashes a text index keeps for what must be in a string holding `needle`.
std::vector<uint64_t> TextHashes(const BoundSkipIndex& index, const TextNeedle& needle) {
  std::vector<uint64_t> out;
  auto add = [&](absl::string_view piece) { out.push_back(format::TextHash(piece, index.seed)); };
  if (index.kind == Kind::kTokenBloomFilter) {
    format::ForEachWholeToken(needle.bytes, needle.starts_token, needle.ends_token, add);
  } else {
    format::ForEachNgram(needle.bytes, index.ngram, add);
  }
  return out;
}

}  // namespace

SkipIndexProbe::~SkipIndexProbe() = default;
SkipIndexProbe::SkipIndexProbe(SkipIndexProbe&&) noexcept = default;

SkipIndexProbe::SkipIndexProbe(std::vector<BoundSkipIndex> indexes, const std::vector<ColumnRange>& ranges,
                               const std::vector<SkipIndexCondition>& conditions) {
  for (BoundSkipIndex& index : indexes) {
    // This index's conditions: those on its expression, and ranges on its column.
    std::vector<SkipIndexCondition> mine;
    for (const SkipIndexCondition& c : conditions) {
      if (c.expression == index.expression) mine.push_back(c);
    }
    if (index.column >= 0 && !index.array) {
      for (const ColumnRange& r : ranges) {
        if (r.column != index.expression || r.transform != nullptr) continue;
        SkipIndexCondition c;
        c.expression = index.expression;
        c.text = r.DebugString();
        if (std::optional<std::vector<Value>> points = r.PointValues()) {
          c.values = *std::move(points);
        } else {
          c.kind = CondKind::kRange;
          c.range = r;
        }
        mine.push_back(std::move(c));
      }
    }
    IndexProbe probe;
    for (const SkipIndexCondition& c : mine) {
      Check check;
      check.kind = c.kind;
      bool usable = false;
      if (index.kind == Kind::kBloomFilter) {
        if (c.kind == CondKind::kOneOf) {
          usable = true;
          for (const Value& v : c.values) {
            if (auto h = HashOfValue(index.values, v)) check.hashes.push_back(*h);
          }
        }
      } else if (IsText(index.kind)) {
        if (c.kind == CondKind::kOneOf) {
          usable = std::all_of(c.values.begin(), c.values.end(),
                               [](const Value& v) { return v.kind == Value::Kind::kString; });
          for (const Value& v : c.values) check.value_hashes.push_back(TextHashes(index, TextNeedle{v.s, true, true}));
        } else if (c.kind == CondKind::kContains) {
          for (const TextNeedle& n : c.needles) {
            for (uint64_t h : TextHashes(index, n)) check.hashes.push_back(h);
          }
          usable = !check.hashes.empty();
        }
      } else if (!(index.array && (c.kind == CondKind::kRange || c.kind == CondKind::kNotEqual))) {
        // minmax and set
        if (c.kind == CondKind::kOneOf) {
          usable = true;
          check.values = c.values;
          std::sort(check.values.begin(), check.values.end(), Less);
        } else if (c.kind == CondKind::kRange) {
          usable = true;
          check.range = c.range;
        } else if (c.kind == CondKind::kNotEqual && c.values.size() == 1) {
          usable = true;
          check.values = c.values;
        }
      }
      if (!usable) continue;
      probe.checks.push_back(std::move(check));
      probe.texts.push_back(c.text);
    }
    if (probe.checks.empty()) continue;
    probe.index = std::move(index);
    probes_.push_back(std::move(probe));
  }
}

namespace {

bool BloomMay(const format::BloomFilter& filter, const std::vector<uint64_t>& hashes, bool all) {
  for (uint64_t h : hashes) {
    if (filter.MayContain(h) != all) return !all;
  }
  return all;
}

}  // namespace

std::vector<SkipIndexStats> SkipIndexProbe::EmptyStats() const {
  std::vector<SkipIndexStats> out;
  for (const IndexProbe& p : probes_) {
    SkipIndexStats s;
    s.name = p.index.name;
    s.description = p.index.Description();
    s.condition = absl::StrJoin(p.texts, " AND ");
    out.push_back(std::move(s));
  }
  return out;
}

void SkipIndexProbe::Select(const Part& part, std::vector<std::pair<uint64_t, uint64_t>>* runs,
                            std::vector<SkipIndexStats>* stats) const {
  for (size_t i = 0; i < probes_.size(); ++i) {
    const IndexProbe& probe = probes_[i];
    SkipIndexStats& s = (*stats)[i];
    uint64_t before = 0;
    for (auto [begin, end] : *runs) before += end - begin;
    s.granules_before += before;
    s.parts_before += before > 0;
    const format::SkipIndexFile* file = part.skip_index(probe.index.file);
    if (file != nullptr && !probe.index.Built(*file)) file = nullptr;  // another definition's
    if (file == nullptr) {  // written before the index: nothing to go by
      s.granules_after += before;
      s.parts_after += before > 0;
      continue;
    }
    std::vector<std::pair<uint64_t, uint64_t>> kept;
    uint64_t after = 0;
    for (auto [begin, end] : *runs) {
      for (uint64_t g = begin; g < end; ++g) {
        if (!MayMatch(*file, g / file->granularity, probe.checks)) continue;
        ++after;
        if (!kept.empty() && kept.back().second == g) {
          ++kept.back().second;
        } else {
          kept.emplace_back(g, g + 1);
        }
      }
    }
    *runs = std::move(kept);
    s.granules_after += after;
    s.parts_after += after > 0;
  }
}

bool SkipIndexProbe::MayMatch(const format::SkipIndexFile& file, size_t entry, const std::vector<Check>& checks) {
  for (const Check& c : checks) {
    bool may = true;
    switch (file.kind) {
      case Kind::kLegacyBloomFilter:
      case Kind::kBloomFilter:
        may = BloomMay(file.filters[entry], c.hashes, false);
        break;
      case Kind::kTokenBloomFilter:
      case Kind::kNgramBloomFilter: {
        const format::BloomFilter& f = file.filters[entry];
        if (c.kind == CondKind::kContains) {
          may = BloomMay(f, c.hashes, true);
        } else {
          may = std::any_of(c.value_hashes.begin(), c.value_hashes.end(),
                            [&](const std::vector<uint64_t>& h) { return BloomMay(f, h, true); });
        }
        break;
      }
      case Kind::kMinMax: {
        const format::MinMaxEntry& e = file.minmax[entry];
        if (c.kind == CondKind::kNotEqual) {
          // NaN differs from everything; otherwise only a granule of that one value fails.
          may = e.nan || (e.any && !(format::CompareValues(e.min, c.values[0]) == 0 &&
                                     format::CompareValues(e.max, c.values[0]) == 0));
        } else if (!e.any) {
          may = false;  // no value but NULL and NaN, which equal nothing and lie in no range
        } else if (c.kind == CondKind::kRange) {
          may = c.range.Intersects(e.min, e.max);
        } else {
          auto it = std::lower_bound(c.values.begin(), c.values.end(), e.min, Less);
          may = it != c.values.end() && format::CompareValues(*it, e.max) <= 0;
        }
        break;
      }
      case Kind::kSet: {
        const format::SetEntry& e = file.sets[entry];
        if (e.overflow) break;
        if (c.kind == CondKind::kNotEqual) {
          may = std::any_of(e.values.begin(), e.values.end(),
                            [&](const Value& v) { return format::CompareValues(v, c.values[0]) != 0; });
        } else if (c.kind == CondKind::kRange) {
          may = std::any_of(e.values.begin(), e.values.end(), [&](const Value& v) { return c.range.Contains(v); });
        } else {
          may = std::any_of(c.values.begin(), c.values.end(), [&](const Value& v) {
            return std::binary_search(e.values.begin(), e.values.end(), v, Less);
          });
        }
        break;
      }
    }
    if (!may) return false;
  }
  return true;
}

}  // namespace tally::engine
