#include "engine/dedup_window.h"

#include <xxhash.h>

#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tally::engine {

using format::Column;
using format::TypeId;

absl::StatusOr<DedupSettings> ParseDedupSettings(const format::TableSchema& schema) {
  DedupSettings out;
  for (const format::TableSetting& s : schema.settings) {
    if (s.name == kDedupWindowSetting) {
      if (!absl::SimpleAtoi(s.value, &out.count)) {
        return absl::InvalidArgumentError(absl::StrCat("setting ", s.name, " must be a whole number, got ", s.value));
      }
    } else if (s.name == kDedupWindowSecondsSetting) {
      if (!absl::SimpleAtoi(s.value, &out.age_s) || out.age_s < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("setting ", s.name, " must be a whole number of seconds, at least 1, got ", s.value));
      }
    }
  }
  return out;
}

namespace {

XXH3_state_t* State(void* p) { return static_cast<XXH3_state_t*>(p); }

void HashU64(XXH3_state_t* st, uint64_t v) { XXH3_128bits_update(st, &v, sizeof v); }

void HashBytes(XXH3_state_t* st, const void* data, size_t n) {
  HashU64(st, n);
  if (n != 0) XXH3_128bits_update(st, data, n);
}

// The column's values, whatever their in-memory encoding, in a few large updates (this
// runs on every inserted byte): a String column as its value ends and bytes, a
// LowCardinality one as one 64-bit hash of each row's string (each dictionary entry hashed
// once), so two dictionaries holding the same rows in another order hash alike.
void HashColumn(XXH3_state_t* st, const Column& c) {
  const size_t rows = c.size();
  HashU64(st, rows);
  if (c.dictionary != nullptr) {
    const Column& dict = *c.dictionary;
    std::vector<uint64_t> entry(dict.size());
    for (size_t i = 0; i < entry.size(); ++i) {
      absl::string_view s = dict.StringAt(i);
      entry[i] = XXH3_64bits(s.data(), s.size());
    }
    std::vector<uint64_t> hashes(rows);
    for (size_t r = 0; r < rows; ++r) hashes[r] = entry[c.IndexAt(r)];
    HashBytes(st, hashes.data(), hashes.size() * sizeof(uint64_t));
    return;
  }
  switch (c.type->id()) {
    case TypeId::kString:
      // Each value's end and the bytes: the same strings, the same two arrays.
      HashBytes(st, c.offsets.data(), c.offsets.size() * sizeof(uint64_t));
      HashBytes(st, c.chars.data(), c.chars.size());
      return;
    case TypeId::kArray:
    case TypeId::kMap:
      HashBytes(st, c.offsets.data(), c.offsets.size() * sizeof(uint64_t));
      for (const Column& child : c.children) HashColumn(st, child);
      return;
    case TypeId::kNullable:
      HashBytes(st, c.nulls.data(), c.nulls.size());
      HashColumn(st, c.children[0]);
      return;
    default:
      HashBytes(st, c.data.data(), c.data.size());
      for (const Column& child : c.children) HashColumn(st, child);
  }
}

}  // namespace

InsertTokenHasher::InsertTokenHasher() : state_(XXH3_createState()) { XXH3_128bits_reset(State(state_)); }

InsertTokenHasher::~InsertTokenHasher() { XXH3_freeState(State(state_)); }

void InsertTokenHasher::Add(const Block& block) {
  XXH3_state_t* st = State(state_);
  HashU64(st, block.columns.size());
  for (size_t c = 0; c < block.columns.size(); ++c) {
    const std::string& name = c < block.names.size() ? block.names[c] : std::string();
    HashBytes(st, name.data(), name.size());
    const Column& col = block.columns[c];
    const std::string type = col.type != nullptr ? col.type->ToString() : "";
    HashBytes(st, type.data(), type.size());
    if (col.type != nullptr) HashColumn(st, col);
  }
}

namespace {

std::string TokenBytes(XXH128_hash_t h) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, h);
  return std::string(reinterpret_cast<const char*>(canonical.digest), sizeof canonical.digest);
}

}  // namespace

std::string InsertTokenHasher::Token() const { return TokenBytes(XXH3_128bits_digest(State(state_))); }

std::string UserInsertToken(const std::string& token) {
  // Apart from every hash of blocks, which starts with a column count.
  const std::string keyed = absl::StrCat("insert_deduplication_token:", token);
  return TokenBytes(XXH3_128bits(keyed.data(), keyed.size()));
}

bool DedupWindow::Contains(const std::string& token, uint64_t now_us, const DedupSettings& settings) const {
  if (settings.count == 0 || !counts_.contains(token)) return false;
  const uint64_t age_us = settings.age_s * 1000000;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first != token) continue;
    return now_us < it->second || now_us - it->second < age_us;
  }
  return false;
}

void DedupWindow::Add(std::string token, uint64_t time_us, const DedupSettings& settings) {
  ++counts_[token];
  entries_.emplace_back(std::move(token), time_us);
  const uint64_t age_us = settings.age_s * 1000000;
  while (!entries_.empty() &&
         (entries_.size() > settings.count || (time_us > entries_.front().second &&
                                               time_us - entries_.front().second >= age_us))) {
    auto it = counts_.find(entries_.front().first);
    if (--it->second == 0) counts_.erase(it);
    entries_.pop_front();
  }
}

void DedupWindow::Clear() {
  entries_.clear();
  counts_.clear();
}

}  // namespace tally::engine
