#include "engine/exec/aggregator.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

// Dictionaries whose index -> group mappings are kept (blocks of a few parts interleave).
constexpr size_t kMaxDictionaries = 8;

size_t AlignUp(size_t n, size_t align) { return (n + align - 1) / align * align; }

Aggregator::Method ChooseMethod(const std::vector<DataTypePtr>& keys) {
  using Method = Aggregator::Method;
  if (keys.empty()) return Method::kNoKeys;
  if (keys.size() == 1) {
    const DataType& t = *keys[0];
    if (t.id() == TypeId::kLowCardinality) return Method::kLowCardinality;
    const DataType& v = t.id() == TypeId::kNullable ? t.child(0) : t;
    size_t w = v.fixed_width();
    if (w == 1 || w == 2) return Method::kDirect;
    if (w == 4 || w == 8) return Method::kFixed;
    if (v.id() == TypeId::kString) return Method::kString;
    return Method::kSerialized;
  }
  size_t width = 0;
  bool all_fixed = true;
  for (const DataTypePtr& t : keys) {
    all_fixed &= t->is_fixed_width();
    width += t->fixed_width();
  }
  if (all_fixed) return width <= 8 ? Method::kFixed : Method::kSerialized;
  // LowCardinality keys take 4 bytes of codes; the others their width (Nullable: no).
  size_t bytes = 0;
  for (const DataTypePtr& t : keys) {
    if (t->id() == TypeId::kLowCardinality) {
      bytes += 4;
    } else if (t->is_fixed_width() && t->id() != TypeId::kNullable) {
      bytes += t->fixed_width();
    } else {
      return Method::kSerialized;
    }
  }
  return bytes <= 16 ? Method::kPacked : Method::kSerialized;
}

// A single key's values: a Nullable column's children[0], else the column.
const Column& KeyValues(const Column& c) {
  return c.type->id() == TypeId::kNullable ? c.children[0] : c;
}
bool KeyIsNull(const Column& c, size_t row) {
  return c.type->id() == TypeId::kNullable && c.nulls[row] != 0;
}

}  // namespace

Aggregator::Aggregator(std::vector<DataTypePtr> key_types,
                       std::vector<std::shared_ptr<const AggregateFunction>> aggregates)
    : key_types_(std::move(key_types)), aggregates_(std::move(aggregates)) {
  size_t pos = 0;
  for (const auto& a : aggregates_) {
    pos = AlignUp(pos, a->state_align());
    offsets_.push_back(pos);
    pos += a->state_size();
    block_align_ = std::max(block_align_, a->state_align());
  }
  block_bytes_ = AlignUp(std::max<size_t>(pos, 1), block_align_);
  for (const DataTypePtr& t : key_types_) key_columns_.push_back(Column::Make(t));
  method_ = ChooseMethod(key_types_);
  if (method_ == Method::kNoKeys) NewGroup({}, 0);
  if (method_ == Method::kPacked) {
    key_codes_.resize(key_types_.size());
    for (const DataTypePtr& t : key_types_) packed_bytes_ += t->id() == TypeId::kLowCardinality ? 4 : t->fixed_width();
  }
}

Aggregator::~Aggregator() { DestroyStates(); }

void Aggregator::DestroyStates() {
  if (states_freed_) return;
  states_freed_ = true;
  for (uint8_t* place : groups_) {
    for (size_t a = 0; a < aggregates_.size(); ++a) aggregates_[a]->Destroy(place + offsets_[a]);
  }
}

uint8_t* Aggregator::NewGroup(absl::Span<const ColumnArg> keys, size_t row) {
  uint8_t* place = arena_.Allocate(block_bytes_, block_align_);
  for (size_t a = 0; a < aggregates_.size(); ++a) aggregates_[a]->Create(place + offsets_[a]);
  for (size_t k = 0; k < keys.size(); ++k)
    key_columns_[k].AppendRange(*keys[k].column, keys[k].row(row), 1);
  groups_.push_back(place);
  return place;
}

uint8_t* Aggregator::NullGroup(absl::Span<const ColumnArg> keys, size_t row) {
  if (null_group_ == nullptr) null_group_ = NewGroup(keys, row);
  return null_group_;
}

uint8_t* Aggregator::FindOrAddFixed(uint64_t key, absl::Span<const ColumnArg> keys, size_t row) {
  auto [it, inserted] = fixed_.try_emplace(key, nullptr);
  if (inserted) it->second = NewGroup(keys, row);
  return it->second;
}

size_t Aggregator::BytesHash::operator()(absl::string_view key) const {
  return static_cast<size_t>(XXH3_64bits(key.data(), key.size()));
}

uint8_t* Aggregator::FindOrAddBytes(absl::string_view key, absl::Span<const ColumnArg> keys,
                                    size_t row) {
  auto it = bytes_.find(key);
  if (it != bytes_.end()) return it->second;
  uint8_t* place = NewGroup(keys, row);
  bytes_.emplace(arena_.CopyString(key), place);
  return place;
}

absl::Status Aggregator::Validate(absl::Span<const ColumnArg> keys,
                                  absl::Span<const std::vector<ColumnArg>> agg_args,
                                  size_t rows) const {
  if (finished_) return absl::FailedPreconditionError("aggregator: Add after Finish");
  if (keys.size() != key_types_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "aggregator: ", keys.size(), " key columns given, ", key_types_.size(), " expected"));
  }
  if (agg_args.size() != aggregates_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("aggregator: arguments for ", agg_args.size(),
                                                   " aggregates given, ", aggregates_.size(),
                                                   " expected"));
  }
  auto check_rows = [rows](const ColumnArg& a, absl::string_view what) -> absl::Status {
    if (a.column == nullptr)
      return absl::InvalidArgumentError(absl::StrCat("aggregator: ", what, " is missing"));
    size_t need = a.is_const ? 1 : rows;
    if (rows > 0 && a.column->size() < need) {
      return absl::InvalidArgumentError(absl::StrCat(
          "aggregator: ", what, " has ", a.column->size(), " rows, ", need, " expected"));
    }
    return absl::OkStatus();
  };
  for (size_t k = 0; k < keys.size(); ++k) {
    TALLY_RETURN_IF_ERROR(check_rows(keys[k], absl::StrCat("key column ", k)));
    if (!keys[k].column->type->Equals(*key_types_[k])) {
      return absl::InvalidArgumentError(absl::StrCat("aggregator: key column ", k, " is ",
                                                     keys[k].column->type->ToString(), ", ",
                                                     key_types_[k]->ToString(), " expected"));
    }
  }
  for (size_t a = 0; a < agg_args.size(); ++a) {
    for (size_t i = 0; i < agg_args[a].size(); ++i) {
      TALLY_RETURN_IF_ERROR(
          check_rows(agg_args[a][i], absl::StrCat("argument ", i, " of aggregate ", a)));
    }
  }
  return absl::OkStatus();
}

absl::Status Aggregator::Add(absl::Span<const ColumnArg> keys,
                             absl::Span<const std::vector<ColumnArg>> agg_args, size_t rows) {
  TALLY_RETURN_IF_ERROR(Validate(keys, agg_args, rows));
  if (rows == 0) return absl::OkStatus();
  rows_since_heap_scan_ += rows;
  if (method_ == Method::kNoKeys) {
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      TALLY_RETURN_IF_ERROR(aggregates_[a]->TryAddBatchSinglePlace(groups_[0] + offsets_[a], agg_args[a], rows));
    }
    return absl::OkStatus();
  }
  FindPlaces(keys, rows);
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    TALLY_RETURN_IF_ERROR(aggregates_[a]->TryAddBatch(places_.data(), offsets_[a], agg_args[a], rows));
  }
  return absl::OkStatus();
}

void Aggregator::FindPlaces(absl::Span<const ColumnArg> keys, size_t rows) {
  places_.resize(rows);
  switch (method_) {
    case Method::kDirect:
      PlacesDirect(keys, rows);
      break;
    case Method::kFixed:
      if (keys.size() > 1) {
        PlacesFixedPacked(keys, rows);
      } else if (KeyValues(*keys[0].column).type->fixed_width() == 4) {
        PlacesFixedSingle<uint32_t>(keys, rows);
      } else {
        PlacesFixedSingle<uint64_t>(keys, rows);
      }
      break;
    case Method::kLowCardinality:
      PlacesLowCardinality(keys, rows);
      break;
    case Method::kString:
      PlacesString(keys, rows);
      break;
    case Method::kPacked:
      PlacesPacked(keys, rows);
      break;
    case Method::kSerialized:
    case Method::kNoKeys:
      PlacesSerialized(keys, rows);
      break;
  }
}

absl::Status Aggregator::MergeFrom(const Aggregator& other, const Check& check) {
  if (finished_ || other.finished_) return absl::FailedPreconditionError("aggregator: MergeFrom after Finish");
  if (other.aggregates_ != aggregates_ || other.key_types_.size() != key_types_.size()) {
    return absl::InvalidArgumentError("aggregator: MergeFrom with different aggregates or keys");
  }
  for (size_t k = 0; k < key_types_.size(); ++k) {
    if (!other.key_types_[k]->Equals(*key_types_[k])) {
      return absl::InvalidArgumentError("aggregator: MergeFrom with different key types");
    }
  }
  const size_t rows = other.groups_.size();
  if (rows == 0) return absl::OkStatus();
  if (method_ == Method::kNoKeys) {
    rows_since_heap_scan_ += rows;
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      aggregates_[a]->Merge(groups_[0] + offsets_[a], other.groups_[0] + offsets_[a]);
    }
    return absl::OkStatus();
  }
  // other's key columns hold one row per group, in the order of other.groups_; they are
  // taken kRowsPerCheck groups at a time so that `check` runs between slices.
  std::vector<format::Column> slices;
  std::vector<ColumnArg> keys;
  for (size_t begin = 0; begin < rows; begin += kRowsPerCheck) {
    const size_t n = std::min(kRowsPerCheck, rows - begin);
    keys.clear();
    if (n == rows) {
      for (const Column& k : other.key_columns_) keys.push_back(ColumnArg{&k, false});
    } else {
      slices.clear();
      for (const Column& k : other.key_columns_) {
        slices.push_back(Column::Make(k.type));
        slices.back().AppendRange(k, begin, n);
      }
      for (const Column& k : slices) keys.push_back(ColumnArg{&k, false});
    }
    rows_since_heap_scan_ += n;
    FindPlaces(keys, n);
    for (size_t g = 0; g < n; ++g) {
      for (size_t a = 0; a < aggregates_.size(); ++a) {
        aggregates_[a]->Merge(places_[g] + offsets_[a], other.groups_[begin + g] + offsets_[a]);
      }
    }
    if (check) TALLY_RETURN_IF_ERROR(check());
  }
  return absl::OkStatus();
}

void Aggregator::PlacesDirect(absl::Span<const ColumnArg> keys, size_t rows) {
  const Column& c = *keys[0].column;
  const Column& v = KeyValues(c);
  const bool wide = v.type->fixed_width() == 2;
  if (direct_.empty()) direct_.assign(wide ? 0x10000 : 0x100, nullptr);
  for (size_t r = 0; r < rows; ++r) {
    size_t row = keys[0].row(r);
    if (KeyIsNull(c, row)) {
      places_[r] = NullGroup(keys, r);
      continue;
    }
    uint32_t key = wide ? v.values<uint16_t>()[row] : v.data[row];
    uint8_t*& place = direct_[key];
    if (place == nullptr) place = NewGroup(keys, r);
    places_[r] = place;
  }
}

template <typename T>
void Aggregator::PlacesFixedSingle(absl::Span<const ColumnArg> keys, size_t rows) {
  const Column& c = *keys[0].column;
  const T* v = KeyValues(c).template values<T>();
  const bool nullable = c.type->id() == TypeId::kNullable;
  uint64_t last_key = 0;
  uint8_t* last = nullptr;
  for (size_t r = 0; r < rows; ++r) {
    size_t row = keys[0].row(r);
    if (nullable && c.nulls[row]) {
      places_[r] = NullGroup(keys, r);
      continue;
    }
    uint64_t key = v[row];
    if (last == nullptr || key != last_key) {
      last = FindOrAddFixed(key, keys, r);
      last_key = key;
    }
    places_[r] = last;
  }
}

void Aggregator::PlacesFixedPacked(absl::Span<const ColumnArg> keys, size_t rows) {
  uint64_t last_key = 0;
  uint8_t* last = nullptr;
  for (size_t r = 0; r < rows; ++r) {
    uint64_t key = 0;
    size_t shift = 0;
    for (const ColumnArg& k : keys) {
      size_t w = k.column->type->fixed_width();
      uint64_t part = 0;
      std::memcpy(&part, k.column->data.data() + k.row(r) * w, w);  // little-endian: low bytes
      key |= part << shift;
      shift += w * 8;
    }
    if (last == nullptr || key != last_key) {
      last = FindOrAddFixed(key, keys, r);
      last_key = key;
    }
    places_[r] = last;
  }
}

Aggregator::DictionaryGroups& Aggregator::GroupsFor(
    const std::shared_ptr<const Column>& dictionary) {
  for (auto it = dictionaries_.rbegin(); it != dictionaries_.rend(); ++it) {
    if (it->dictionary == dictionary) {
      if (it->places.size() < dictionary->size()) it->places.resize(dictionary->size(), nullptr);
      return *it;
    }
  }
  if (dictionaries_.size() >= kMaxDictionaries) dictionaries_.erase(dictionaries_.begin());
  dictionaries_.push_back(
      DictionaryGroups{dictionary, std::vector<uint8_t*>(dictionary->size(), nullptr)});
  return dictionaries_.back();
}

void Aggregator::PlacesLowCardinality(absl::Span<const ColumnArg> keys, size_t rows) {
  const Column& c = *keys[0].column;
  const bool nullable = c.type->is_nullable_low_cardinality();
  DictionaryGroups& groups = GroupsFor(c.dictionary);
  const Column& dictionary = *c.dictionary;
  for (size_t r = 0; r < rows; ++r) {
    uint32_t index = c.IndexAt(keys[0].row(r));
    uint8_t*& place = groups.places[index];
    if (place == nullptr) {
      place = nullable && index == 0 ? NullGroup(keys, r)
                                     : FindOrAddBytes(dictionary.StringAt(index), keys, r);
    }
    places_[r] = place;
  }
}

namespace {

// A cheap hash of a string's length and its first and last eight bytes, for the
// direct-mapped cache (a collision only costs a look-up in the real table).
inline size_t StringCacheSlot(absl::string_view key, size_t slots) {
  uint64_t head = 0, tail = 0;
  if (key.size() >= 8) {
    std::memcpy(&head, key.data(), 8);
    std::memcpy(&tail, key.data() + key.size() - 8, 8);
  } else {
    std::memcpy(&head, key.data(), key.size());
  }
  uint64_t h = (head * 0x9E3779B97F4A7C15ULL) ^ (tail * 0xC2B2AE3D27D4EB4FULL) ^ key.size();
  h ^= h >> 29;
  return static_cast<size_t>(h * 0xBF58476D1CE4E5B9ULL >> 40) & (slots - 1);
}

}  // namespace

void Aggregator::PlacesString(absl::Span<const ColumnArg> keys, size_t rows) {
  const Column& c = *keys[0].column;
  const Column& v = KeyValues(c);
  if (string_cache_.empty()) string_cache_.resize(kStringCacheSlots);
  for (size_t r = 0; r < rows; ++r) {
    size_t row = keys[0].row(r);
    if (KeyIsNull(c, row)) {
      places_[r] = NullGroup(keys, r);
      continue;
    }
    absl::string_view key = v.StringAt(row);
    StringSlot& slot = string_cache_[StringCacheSlot(key, kStringCacheSlots)];
    if (slot.place == nullptr || slot.key != key) {
      auto it = bytes_.find(key);
      if (it == bytes_.end()) {
        uint8_t* place = NewGroup(keys, r);
        it = bytes_.emplace(arena_.CopyString(key), place).first;
      }
      slot = StringSlot{it->first, it->second};
    }
    places_[r] = slot.place;
  }
}

void Aggregator::PlacesSerialized(absl::Span<const ColumnArg> keys, size_t rows) {
  for (size_t r = 0; r < rows; ++r) {
    key_buffer_.clear();
    for (const ColumnArg& k : keys) SerializeRow(*k.column, k.row(r), &key_buffer_);
    places_[r] = FindOrAddBytes(key_buffer_, keys, r);
  }
}

const std::vector<uint32_t>& Aggregator::CodesFor(size_t k, const Column& c) {
  KeyCodes& codes = key_codes_[k];
  for (auto it = codes.dictionaries.rbegin(); it != codes.dictionaries.rend(); ++it) {
    if (it->first == c.dictionary) return it->second;
  }
  if (codes.dictionaries.size() >= kMaxDictionaries) codes.dictionaries.erase(codes.dictionaries.begin());
  // Codes start at 1; a Nullable LowCardinality's NULL (entry 0) is UINT32_MAX.
  const bool nullable = c.type->is_nullable_low_cardinality();
  std::vector<uint32_t> entry_codes(c.dictionary->size());
  for (size_t i = 0; i < entry_codes.size(); ++i) {
    if (nullable && i == 0) {
      entry_codes[i] = UINT32_MAX;
      continue;
    }
    auto [it, inserted] = codes.by_string.try_emplace(std::string(c.dictionary->StringAt(i)), 0);
    if (inserted) it->second = static_cast<uint32_t>(codes.by_string.size());
    entry_codes[i] = it->second;
  }
  codes.dictionaries.emplace_back(c.dictionary, std::move(entry_codes));
  return codes.dictionaries.back().second;
}

namespace {

// packed[r] |= code of row r << shift, for index type I.
template <typename I, typename Key>
void PackCodes(const Column& c, const ColumnArg& arg, const uint32_t* codes, size_t shift, size_t rows,
               Key* packed) {
  const I* index = reinterpret_cast<const I*>(c.data.data());
  if (arg.is_const) {
    const Key code = Key(codes[index[0]]) << shift;
    for (size_t r = 0; r < rows; ++r) packed[r] |= code;
    return;
  }
  for (size_t r = 0; r < rows; ++r) packed[r] |= Key(codes[index[r]]) << shift;
}

template <typename T, typename Key>
void PackValues(const Column& c, const ColumnArg& arg, size_t shift, size_t rows, Key* packed) {
  const T* v = c.values<T>();
  for (size_t r = 0; r < rows; ++r) packed[r] |= Key(v[arg.row(r)]) << shift;
}

}  // namespace

void Aggregator::PlacesPacked(absl::Span<const ColumnArg> keys, size_t rows) {
  if (packed_bytes_ <= 8) {
    PlacesPackedAs<uint64_t>(keys, rows, &packed64_, &fixed_);
  } else {
    PlacesPackedAs<absl::uint128>(keys, rows, &packed128_, &packed_groups_);
  }
}

template <typename Key, typename Map>
void Aggregator::PlacesPackedAs(absl::Span<const ColumnArg> keys, size_t rows, std::vector<Key>* packed_keys,
                                Map* groups) {
  packed_keys->assign(rows, Key(0));
  Key* packed = packed_keys->data();
  size_t shift = 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    const Column& c = *keys[k].column;
    if (c.type->id() == TypeId::kLowCardinality) {
      const uint32_t* codes = CodesFor(k, c).data();
      switch (c.index_width) {
        case 1:
          PackCodes<uint8_t>(c, keys[k], codes, shift, rows, packed);
          break;
        case 2:
          PackCodes<uint16_t>(c, keys[k], codes, shift, rows, packed);
          break;
        default:
          PackCodes<uint32_t>(c, keys[k], codes, shift, rows, packed);
          break;
      }
      shift += 32;
      continue;
    }
    switch (c.type->fixed_width()) {
      case 1:
        PackValues<uint8_t>(c, keys[k], shift, rows, packed);
        break;
      case 2:
        PackValues<uint16_t>(c, keys[k], shift, rows, packed);
        break;
      case 4:
        PackValues<uint32_t>(c, keys[k], shift, rows, packed);
        break;
      default:
        PackValues<uint64_t>(c, keys[k], shift, rows, packed);
        break;
    }
    shift += c.type->fixed_width() * 8;
  }
  Key last_key = 0;
  uint8_t* last = nullptr;
  for (size_t r = 0; r < rows; ++r) {
    const Key key = packed[r];
    if (last == nullptr || key != last_key) {
      auto [it, inserted] = groups->try_emplace(key, nullptr);
      if (inserted) it->second = NewGroup(keys, r);
      last = it->second;
      last_key = key;
    }
    places_[r] = last;
  }
}

absl::StatusOr<std::vector<Column>> Aggregator::Finish(const Check& check, bool keep_states) {
  if (finished_) return absl::FailedPreconditionError("aggregator: Finish called twice");
  std::vector<Column> out = std::move(key_columns_);
  absl::Status stopped;
  for (size_t a = 0; a < aggregates_.size() && stopped.ok(); ++a) {
    Column column = Column::Make(aggregates_[a]->result_type());
    for (size_t g = 0; g < groups_.size(); ++g) {
      aggregates_[a]->Finalize(groups_[g] + offsets_[a], &column);
      if (check && (g + 1) % kRowsPerCheck == 0) {
        stopped = check();
        if (!stopped.ok()) break;
      }
    }
    out.push_back(std::move(column));
  }
  if (!keep_states || !stopped.ok()) DestroyStates();
  finished_ = true;
  if (!stopped.ok()) return stopped;
  return out;
}

absl::StatusOr<std::vector<Column>> Aggregator::Totals(absl::Span<const uint32_t> groups, const Check& check) {
  if (!finished_ || states_freed_) return absl::FailedPreconditionError("aggregator: Totals needs Finish's states");
  uint8_t* totals = arena_.Allocate(block_bytes_, block_align_);
  for (size_t a = 0; a < aggregates_.size(); ++a) aggregates_[a]->Create(totals + offsets_[a]);
  absl::Status stopped;
  for (size_t i = 0; i < groups.size() && stopped.ok(); ++i) {
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      aggregates_[a]->Merge(totals + offsets_[a], groups_[groups[i]] + offsets_[a]);
    }
    if (check && (i + 1) % kRowsPerCheck == 0) stopped = check();
  }
  std::vector<Column> out;
  for (size_t a = 0; a < aggregates_.size(); ++a) {
    if (stopped.ok()) {
      out.push_back(Column::Make(aggregates_[a]->result_type()));
      aggregates_[a]->Finalize(totals + offsets_[a], &out.back());
    }
    aggregates_[a]->Destroy(totals + offsets_[a]);
  }
  if (!stopped.ok()) return stopped;
  return out;
}

size_t Aggregator::MemoryBytes() const {
  size_t n = arena_.bytes() +
             (groups_.capacity() + places_.capacity() + direct_.capacity()) * sizeof(uint8_t*);
  n += fixed_.capacity() * (sizeof(std::pair<uint64_t, uint8_t*>) + 1);
  n += bytes_.capacity() * (sizeof(std::pair<absl::string_view, uint8_t*>) + 1);
  n += key_buffer_.capacity() + packed64_.capacity() * sizeof(uint64_t) + packed128_.capacity() * sizeof(absl::uint128);
  n += packed_groups_.capacity() * (sizeof(std::pair<absl::uint128, uint8_t*>) + 1);
  for (const KeyCodes& codes : key_codes_) {
    n += codes.by_string.capacity() * (sizeof(std::pair<std::string, uint32_t>) + 1);
    for (const auto& d : codes.dictionaries) n += d.second.capacity() * sizeof(uint32_t);
  }
  for (const DictionaryGroups& d : dictionaries_) n += d.places.capacity() * sizeof(uint8_t*);
  if (finished_) return n;
  for (const Column& k : key_columns_) n += k.ByteSize();
  if (rows_since_heap_scan_ >= groups_.size()) {
    heap_bytes_ = 0;
    for (uint8_t* place : groups_) {
      for (size_t a = 0; a < aggregates_.size(); ++a) {
        heap_bytes_ += aggregates_[a]->HeapBytes(place + offsets_[a]);
      }
    }
    rows_since_heap_scan_ = 0;
  }
  return n + heap_bytes_;
}

size_t Aggregator::GrowthBytes(size_t rows) const {
  // A Swiss table grows (to twice its capacity) once it is 7/8 full; a vector when full.
  auto table = [rows](const auto& map, size_t slot_bytes) -> size_t {
    const size_t capacity = map.capacity();
    if (map.size() + rows <= capacity - capacity / 8) return 0;
    return std::max<size_t>(capacity, 16) * 2 * (slot_bytes + 1);
  };
  // A vector of `size` items (of `capacity`) doubles when `added` more do not fit. (More
  // than doubling takes a small vector, whose growth does not matter here.)
  auto vector = [](size_t size, size_t capacity, size_t added, size_t item_bytes) -> size_t {
    return size + added <= capacity ? 0 : std::max<size_t>(capacity, 16) * 2 * item_bytes;
  };
  if (method_ == Method::kNoKeys) return 0;  // one group, for good
  size_t n = 0;
  switch (method_) {
    case Method::kFixed:
      n += table(fixed_, sizeof(std::pair<uint64_t, uint8_t*>));
      break;
    case Method::kPacked:
      n += table(fixed_, sizeof(std::pair<uint64_t, uint8_t*>));
      n += table(packed_groups_, sizeof(std::pair<absl::uint128, uint8_t*>));
      break;
    case Method::kString:
    case Method::kSerialized:
    case Method::kLowCardinality:
      n += table(bytes_, sizeof(std::pair<absl::string_view, uint8_t*>));
      break;
    default:
      break;
  }
  n += vector(groups_.size(), groups_.capacity(), rows, sizeof(uint8_t*));
  for (const Column& k : key_columns_) {
    // Fixed-width key columns are byte vectors; the others grow in pieces too small to matter.
    if (k.type->fixed_width() > 0) n += vector(k.data.size(), k.data.capacity(), rows * k.type->fixed_width(), 1);
  }
  return n;
}

}  // namespace tally::engine::exec
