// Distinct counts, UInt64 results, several arguments counted as tuples:
//
//   uniq(x...)       approximate. Per state, an exact open-addressing set of 64-bit XXH3
//                    hashes up to kExactMax distinct values (so small groups stay small and
//                    exact), then a HyperLogLog of 2^14 one-byte registers (16 KiB) read with
//                    Ertl's improved estimator (standard error 1.04 / sqrt(2^14) = 0.8 %, no
//                    bias-correction tables). uniqCombined and uniqCombined64 are aliases.
//   uniqExact(x...)  exact; also count(DISTINCT x...). A single fixed-width argument of up to
//                    8 bytes (or several whose widths add up to 8 or 16) is kept as its
//                    bytes, so the set is exact. Anything else (strings, UUID with others,
//                    arrays) is kept as the 128-bit XXH3 of the row's prefix-free encoding:
//                    a collision needs ~2^64 distinct values, far beyond what a set in
//                    memory can hold, so the count is exact in practice.
//
// LowCardinality arguments hash the dictionary strings, so blocks with different
// dictionaries agree. Rows with a NULL argument are skipped (SkipNullArguments).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "absl/container/flat_hash_set.h"
#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/aggregate_util.h"
#include "engine/exec/state_bytes.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

using AggregatePtr = std::unique_ptr<AggregateFunction>;

// ---------------------------------------------------------------- hashing rows

// 64-bit hashes of rows [0, rows) of one argument.
// Values up to 8 bytes: the MurmurHash3 finalizer, a bijection on 64 bits (so the exact
// mode never merges two values) that inlines into the loop, unlike a hash call per row.
template <typename T>
void MixValues(const Column& c, size_t rows, uint64_t* out) {
  const T* v = c.values<T>();
  for (size_t r = 0; r < rows; ++r) {
    uint64_t h = static_cast<uint64_t>(v[r]) + 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
    h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ULL;
    out[r] = h ^ (h >> 33);
  }
}

void HashColumn(const ColumnArg& arg, size_t rows, uint64_t* out) {
  const Column& c = *arg.column;
  if (arg.is_const) {
    uint64_t h = 0;
    if (rows > 0) {
      Column one = Column::Gather(c, std::vector<uint32_t>{0});
      HashColumn(ColumnArg{&one, false}, 1, &h);
    }
    std::fill(out, out + rows, h);
    return;
  }
  switch (c.type->id()) {
    case TypeId::kString:
      for (size_t r = 0; r < rows; ++r) {
        absl::string_view s = c.StringAt(r);
        out[r] = XXH3_64bits(s.data(), s.size());
      }
      return;
    case TypeId::kLowCardinality: {
      const Column& dict = *c.dictionary;
      if (dict.size() <= 2 * rows) {
        std::vector<uint64_t> dict_hash(dict.size());
        for (size_t i = 0; i < dict.size(); ++i) {
          absl::string_view s = dict.StringAt(i);
          dict_hash[i] = XXH3_64bits(s.data(), s.size());
        }
        for (size_t r = 0; r < rows; ++r) out[r] = dict_hash[c.IndexAt(r)];
      } else {
        for (size_t r = 0; r < rows; ++r) {
          absl::string_view s = dict.StringAt(c.IndexAt(r));
          out[r] = XXH3_64bits(s.data(), s.size());
        }
      }
      return;
    }
    default:
      break;
  }
  size_t w = c.type->fixed_width();
  switch (w) {
    case 1:
      return MixValues<uint8_t>(c, rows, out);
    case 2:
      return MixValues<uint16_t>(c, rows, out);
    case 4:
      return MixValues<uint32_t>(c, rows, out);
    case 8:
      return MixValues<uint64_t>(c, rows, out);
    default:
      break;
  }
  if (w != 0) {
    const uint8_t* p = c.data.data();
    for (size_t r = 0; r < rows; ++r) out[r] = XXH3_64bits(p + r * w, w);
    return;
  }
  std::string buf;
  for (size_t r = 0; r < rows; ++r) {
    buf.clear();
    SerializeRow(c, r, &buf);
    out[r] = XXH3_64bits(buf.data(), buf.size());
  }
}

std::vector<uint64_t> HashRows(absl::Span<const ColumnArg> args, size_t rows) {
  std::vector<uint64_t> hashes(rows);
  HashColumn(args[0], rows, hashes.data());
  if (args.size() > 1) {
    std::vector<uint64_t> more(rows);
    for (size_t i = 1; i < args.size(); ++i) {
      HashColumn(args[i], rows, more.data());
      for (size_t r = 0; r < rows; ++r) hashes[r] = XXH3_64bits_withSeed(&more[r], 8, hashes[r]);
    }
  }
  return hashes;
}

// ---------------------------------------------------------------- uniq

constexpr int kPrecision = 14;
constexpr size_t kRegisters = size_t{1} << kPrecision;
constexpr int kRankMax = 64 - kPrecision + 1;  // q + 1: the hash's remaining bits were all 0
constexpr uint32_t kExactMax = 512;            // distinct hashes kept exactly (table <= 8 KiB)
constexpr uint32_t kDense = 0xffffffff;        // `capacity` when `table` holds registers

// Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017), the
// improved raw estimator: accurate over the whole range without empirical corrections.
double Sigma(double x) {
  if (x == 1) return INFINITY;
  double y = 1, z = x, prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z != prev);
  return z;
}

double Tau(double x) {
  if (x == 0 || x == 1) return 0;
  double y = 1, z = 1 - x, prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z != prev);
  return z / 3;
}

double EstimateRegisters(const uint8_t* registers) {
  uint32_t histogram[kRankMax + 1] = {};
  for (size_t i = 0; i < kRegisters; ++i) ++histogram[registers[i]];
  const double m = kRegisters;
  if (histogram[0] == kRegisters) return 0;
  double z = m * Tau(1 - histogram[kRankMax] / m);
  for (int k = kRankMax - 1; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  return 0.5 / std::log(2.0) * m * m / z;
}

// 16 bytes: an exact set (capacity slots of hashes, 0 = empty) or, once it has more than
// kExactMax entries, kRegisters one-byte HyperLogLog registers.
struct UniqState {
  uint64_t* table;
  uint32_t size;
  uint32_t capacity;

  bool dense() const { return capacity == kDense; }
  uint8_t* registers() const { return reinterpret_cast<uint8_t*>(table); }

  static void DenseInsert(uint8_t* registers, uint64_t h) {
    uint64_t rest = h << kPrecision;
    uint8_t rank = rest == 0 ? kRankMax : static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    uint8_t& r = registers[h >> (64 - kPrecision)];
    if (rank > r) r = rank;
  }

  void Insert(uint64_t h) {
    if (dense()) {
      DenseInsert(registers(), h);
      return;
    }
    if (h == 0) h = 1;
    if (capacity == 0) Rehash(8);
    uint64_t mask = capacity - 1;
    for (uint64_t i = h & mask;; i = (i + 1) & mask) {
      if (table[i] == h) return;
      if (table[i] == 0) {
        table[i] = h;
        break;
      }
    }
    if (++size > kExactMax) {
      ToDense();
    } else if (size * 2 > capacity) {
      Rehash(capacity * 2);
    }
  }

  void Rehash(uint32_t new_capacity) {
    uint64_t* old = table;
    uint32_t old_capacity = capacity;
    table = static_cast<uint64_t*>(std::calloc(new_capacity, sizeof(uint64_t)));
    if (table == nullptr) throw std::bad_alloc();
    capacity = new_capacity;
    uint64_t mask = capacity - 1;
    for (uint32_t k = 0; k < old_capacity; ++k) {
      uint64_t h = old[k];
      if (h == 0) continue;
      uint64_t i = h & mask;
      while (table[i] != 0) i = (i + 1) & mask;
      table[i] = h;
    }
    std::free(old);
  }

  void ToDense() {
    auto* regs = static_cast<uint8_t*>(std::calloc(kRegisters, 1));
    if (regs == nullptr) throw std::bad_alloc();
    for (uint32_t k = 0; k < capacity; ++k) {
      if (table[k] != 0) DenseInsert(regs, table[k]);
    }
    std::free(table);
    table = reinterpret_cast<uint64_t*>(regs);
    capacity = kDense;
    size = 0;
  }

  void Merge(const UniqState& src) {
    if (src.capacity == 0) return;
    if (!src.dense()) {
      for (uint32_t k = 0; k < src.capacity; ++k) {
        if (src.table[k] != 0) Insert(src.table[k]);
      }
      return;
    }
    if (!dense()) ToDense();
    uint8_t* d = registers();
    const uint8_t* s = src.registers();
    for (size_t i = 0; i < kRegisters; ++i) d[i] = std::max(d[i], s[i]);
  }

  uint64_t Count() const {
    if (!dense()) return size;
    return static_cast<uint64_t>(std::llround(EstimateRegisters(registers())));
  }
  size_t HeapBytes() const { return dense() ? kRegisters : size_t{capacity} * sizeof(uint64_t); }
};

class Uniq : public AggregateFunction {
 public:
  Uniq() { result_type_ = DataType::Make(TypeId::kUInt64); }
  size_t state_size() const override { return sizeof(UniqState); }
  void Create(uint8_t* state) const override { new (state) UniqState{nullptr, 0, 0}; }
  void Destroy(uint8_t* state) const override {
    std::free(Get(state)->table);
    Get(state)->table = nullptr;
  }
  size_t HeapBytes(const uint8_t* state) const override { return Get(state)->HeapBytes(); }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    std::vector<uint64_t> hashes = HashRows(args, rows);
    for (size_t r = 0; r < rows; ++r) Get(places[r] + offset)->Insert(hashes[r]);
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    std::vector<uint64_t> hashes = HashRows(args, rows);
    UniqState* s = Get(place);
    for (uint64_t h : hashes) s->Insert(h);
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override { Get(dst)->Merge(*Get(src)); }
  void Finalize(const uint8_t* state, Column* out) const override {
    out->Append<uint64_t>(Get(state)->Count());
  }
  // Payload: u8 0, varint n, n distinct non-zero u64 hashes (exact mode, n <= 512); or
  // u8 1 and the 2^14 HyperLogLog registers, one byte each (0..51).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    const UniqState& s = *Get(state);
    if (s.dense()) {
      out->push_back(1);
      out->append(reinterpret_cast<const char*>(s.registers()), kRegisters);
      return absl::OkStatus();
    }
    out->push_back(0);
    format::PutVarint64(out, s.size);
    for (uint32_t k = 0; k < s.capacity; ++k) {
      if (s.table[k] != 0) PutRaw(out, s.table[k]);
    }
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    UniqState& s = *Get(state);
    TALLY_ASSIGN_OR_RETURN(uint8_t mode, in.ReadByte());
    if (mode == 1) {
      TALLY_ASSIGN_OR_RETURN(absl::string_view regs, in.ReadBytes(kRegisters));
      for (char r : regs) {
        if (static_cast<uint8_t>(r) > kRankMax) return StateReader::Corrupt("uniq: register out of range");
      }
      s.ToDense();
      std::memcpy(s.registers(), regs.data(), kRegisters);
      return in.ExpectDone();
    }
    if (mode != 0) return StateReader::Corrupt(absl::StrCat("uniq: unknown mode ", mode));
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadCount(8));
    if (n > kExactMax) return StateReader::Corrupt(absl::StrCat("uniq: ", n, " exact hashes, more than ", kExactMax));
    for (uint64_t i = 0; i < n; ++i) {
      TALLY_ASSIGN_OR_RETURN(uint64_t h, in.Read<uint64_t>());
      if (h == 0) return StateReader::Corrupt("uniq: zero hash");
      s.Insert(h);
    }
    if (s.size != n) return StateReader::Corrupt("uniq: repeated hash");
    return in.ExpectDone();
  }
  // The payload's hashes or registers go straight into dst, checked as Deserialize checks
  // them (repeated hashes by sorting a copy: exact payloads hold at most 512).
  absl::Status MergeSerialized(uint8_t* dst, absl::string_view payload, uint8_t* scratch) const override {
    (void)scratch;
    StateReader in(payload);
    UniqState& d = *Get(dst);
    TALLY_ASSIGN_OR_RETURN(uint8_t mode, in.ReadByte());
    if (mode == 1) {
      TALLY_ASSIGN_OR_RETURN(absl::string_view regs, in.ReadBytes(kRegisters));
      TALLY_RETURN_IF_ERROR(in.ExpectDone());
      for (char r : regs) {
        if (static_cast<uint8_t>(r) > kRankMax) return StateReader::Corrupt("uniq: register out of range");
      }
      if (!d.dense()) d.ToDense();
      uint8_t* out = d.registers();
      for (size_t i = 0; i < kRegisters; ++i) out[i] = std::max(out[i], static_cast<uint8_t>(regs[i]));
      return absl::OkStatus();
    }
    if (mode != 0) return StateReader::Corrupt(absl::StrCat("uniq: unknown mode ", mode));
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadCount(8));
    if (n > kExactMax) return StateReader::Corrupt(absl::StrCat("uniq: ", n, " exact hashes, more than ", kExactMax));
    TALLY_ASSIGN_OR_RETURN(absl::string_view raw, in.ReadBytes(n * 8));
    TALLY_RETURN_IF_ERROR(in.ExpectDone());
    uint64_t hashes[kExactMax];
    std::memcpy(hashes, raw.data(), n * 8);
    std::sort(hashes, hashes + n);
    for (uint64_t i = 0; i < n; ++i) {
      if (hashes[i] == 0) return StateReader::Corrupt("uniq: zero hash");
      if (i > 0 && hashes[i] == hashes[i - 1]) return StateReader::Corrupt("uniq: repeated hash");
    }
    for (uint64_t i = 0; i < n; ++i) d.Insert(hashes[i]);
    return absl::OkStatus();
  }

 private:
  static UniqState* Get(uint8_t* p) { return reinterpret_cast<UniqState*>(p); }
  static const UniqState* Get(const uint8_t* p) { return reinterpret_cast<const UniqState*>(p); }
};

// ---------------------------------------------------------------- uniqExact

// Exact keys of rows [0, rows): the argument bytes packed side by side when they fit Key,
// else (Key = uint128 only) the XXH3-128 of the row's encoding.
template <typename Key>
std::vector<Key> ExactKeys(absl::Span<const ColumnArg> args, size_t rows, bool packed) {
  std::vector<Key> keys(rows, Key(0));
  if (packed) {
    size_t shift = 0;
    for (const ColumnArg& a : args) {
      size_t w = a.column->type->fixed_width();
      const uint8_t* p = a.column->data.data();
      for (size_t r = 0; r < rows; ++r) {
        uint8_t bytes[16] = {};
        std::memcpy(bytes, p + a.row(r) * w, w);
        Key part;
        if constexpr (sizeof(Key) == 8) {
          std::memcpy(&part, bytes, 8);
        } else {
          uint64_t lo, hi;
          std::memcpy(&lo, bytes, 8);
          std::memcpy(&hi, bytes + 8, 8);
          part = absl::MakeUint128(hi, lo);
        }
        keys[r] |= part << shift;
      }
      shift += w * 8;
    }
    return keys;
  }
  if constexpr (sizeof(Key) == 16) {
    const Column& c = *args[0].column;
    bool single_string = args.size() == 1 && (c.type->id() == TypeId::kString ||
                                              c.type->id() == TypeId::kLowCardinality);
    std::string buf;
    for (size_t r = 0; r < rows; ++r) {
      XXH128_hash_t h;
      if (single_string) {
        absl::string_view s = StringAtRow(c, args[0].row(r));
        h = XXH3_128bits(s.data(), s.size());
      } else {
        buf.clear();
        for (const ColumnArg& a : args) SerializeRow(*a.column, a.row(r), &buf);
        h = XXH3_128bits(buf.data(), buf.size());
      }
      keys[r] = absl::MakeUint128(h.high64, h.low64);
    }
  }
  return keys;
}

// uniqExact: the distinct keys of each group in a hash set. Keys are first appended to a
// per-group buffer and inserted a batch at a time: with many big groups (30 days of
// 200K+ users each) inserting each row at once touches a different group's set per row,
// all of them far larger than the cache; a batch touches one set while it is hot. Only
// sets of 4096 keys or more buffer, and a buffer is flushed when it reaches half its set's
// size, so it never holds more than half the set's memory again.
template <typename Key>
struct UniqExactState {
  absl::flat_hash_set<Key> set;
  std::unique_ptr<std::vector<Key>> pending;  // only for big sets: small ones stay small
};

template <typename Key>
class UniqExact : public BoxedAggregate<UniqExactState<Key>> {
  using Set = absl::flat_hash_set<Key>;
  using State = UniqExactState<Key>;
  using Box = BoxedAggregate<State>;
  using Box::Get;
  using Box::Mutable;
  // Sets smaller than this stay in cache: their keys go in at once, unbuffered (so a GROUP
  // BY with a million small groups carries no buffers).
  static constexpr size_t kBufferFrom = 4096;

 public:
  explicit UniqExact(bool packed) : packed_(packed) {
    this->result_type_ = DataType::Make(TypeId::kUInt64);
  }
  size_t HeapBytes(const uint8_t* state) const override {
    const State* s = Get(state);
    return s == nullptr ? 0
                        : sizeof(State) + s->set.capacity() * (sizeof(Key) + 1) +
                              (s->pending ? s->pending->capacity() * sizeof(Key) : 0);
  }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    std::vector<Key> keys = ExactKeys<Key>(args, rows, packed_);
    for (size_t r = 0; r < rows; ++r) {
      State& state = Mutable(places[r] + offset);
      if (state.set.size() < kBufferFrom) {
        Insert(&state.set, &keys[r], 1);
        continue;
      }
      if (!state.pending) state.pending = std::make_unique<std::vector<Key>>();
      state.pending->push_back(keys[r]);
      if (state.pending->size() >= state.set.size() / 2) Flush(&state);
    }
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    if (rows == 0) return;
    std::vector<Key> keys = ExactKeys<Key>(args, rows, packed_);
    Insert(&Mutable(place).set, keys.data(), keys.size());
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    const State* s = Get(src);
    if (s == nullptr) return;
    State& d = Mutable(dst);
    Flush(&d);
    const size_t src_pending = s->pending ? s->pending->size() : 0;
    d.set.reserve(d.set.size() + s->set.size() + src_pending);  // the union is at most this
    d.set.insert(s->set.begin(), s->set.end());
    if (src_pending > 0) Insert(&d.set, s->pending->data(), src_pending);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    // The buffer only defers inserts, so flushing it here changes no answer; the state
    // block is const, the State it points to is ours.
    State* s = Get(const_cast<uint8_t*>(state));
    if (s != nullptr) Flush(s);
    out->Append<uint64_t>(s == nullptr ? 0 : s->set.size());
  }
  // Payload: varint n, then n distinct keys of 8 bytes (one fixed-width value or packed
  // ones) or 16 (packed, or the 128-bit XXH3 of the row), in no particular order.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    State* s = Get(const_cast<uint8_t*>(state));
    if (s == nullptr) {
      format::PutVarint64(out, 0);
      return absl::OkStatus();
    }
    Flush(s);
    format::PutVarint64(out, s->set.size());
    for (const Key& k : s->set) PutRaw(out, k);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadCount(sizeof(Key)));
    if (n == 0) return in.ExpectDone();
    State& s = Mutable(state);
    s.set.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      TALLY_ASSIGN_OR_RETURN(Key k, in.Read<Key>());
      s.set.insert(k);
    }
    if (s.set.size() != n) return StateReader::Corrupt("uniqExact: repeated key");
    return in.ExpectDone();
  }

 private:
  static void Insert(Set* set, const Key* keys, size_t n) { set->insert(keys, keys + n); }
  static void Flush(State* s) {
    if (!s->pending) return;
    Insert(&s->set, s->pending->data(), s->pending->size());
    s->pending->clear();
  }

  bool packed_;
};

absl::Status CheckArgs(absl::string_view name, absl::Span<const DataTypePtr> args) {
  if (args.empty())
    return absl::InvalidArgumentError(absl::StrCat(name, ": takes at least one argument"));
  return absl::OkStatus();
}

absl::StatusOr<AggregatePtr> MakeUniq(absl::Span<const DataTypePtr> args,
                                      absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArgs("uniq", args); !s.ok()) return s;
  if (!params.empty()) return absl::InvalidArgumentError("uniq: takes no parameters");
  return AggregatePtr(new Uniq());
}

// uniqCombined(precision)(x): the precision parameter is accepted and ignored.
absl::StatusOr<AggregatePtr> MakeUniqCombined(absl::Span<const DataTypePtr> args,
                                              absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArgs("uniqCombined", args); !s.ok()) return s;
  if (params.size() > 1 || (params.size() == 1 && params[0].kind != format::Value::Kind::kUInt)) {
    return absl::InvalidArgumentError(
        "uniqCombined: takes at most one parameter, an unsigned precision");
  }
  return AggregatePtr(new Uniq());
}

absl::StatusOr<AggregatePtr> MakeUniqExact(absl::Span<const DataTypePtr> args,
                                           absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArgs("uniqExact", args); !s.ok()) return s;
  if (!params.empty()) return absl::InvalidArgumentError("uniqExact: takes no parameters");
  size_t width = 0;
  bool fixed = true;
  for (const DataTypePtr& t : args) {
    fixed &= t->is_fixed_width();
    width += t->fixed_width();
  }
  if (fixed && width <= 8) return AggregatePtr(new UniqExact<uint64_t>(/*packed=*/true));
  return AggregatePtr(new UniqExact<absl::uint128>(/*packed=*/fixed && width <= 16));
}

}  // namespace

void RegisterUniqAggregates(AggregateRegistry& registry) {
  auto skip = [](AggregateFactory f) {
    return SkipNullArguments(std::move(f), NullResult::kNested);
  };
  registry.Register("uniq", skip(MakeUniq));
  // Unlike uniq and uniqExact, ClickHouse's uniqCombined of a Nullable argument is
  // Nullable(UInt64): NULL when no row had a value.
  registry.Register("uniqCombined", SkipNullArguments(MakeUniqCombined, NullResult::kNullable));
  registry.Register("uniqCombined64", SkipNullArguments(MakeUniqCombined, NullResult::kNullable));
  registry.Register("uniqExact", skip(MakeUniqExact));
}

}  // namespace tally::engine::exec
