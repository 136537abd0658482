// Basic aggregates with ClickHouse's result types:
//
//   count(), count(x...)  UInt64; count(x) counts rows where no argument is NULL
//   sum(x)                UInt64 for unsigned integers and Bool, Int64 for signed, Float64
//                         for floats; integer sums wrap on overflow as in ClickHouse
//   avg(x)                Float64; nan over no rows; integers summed exactly in 128 bits
//   min max any anyLast   the argument's type (LowCardinality(String) -> String)
//   argMin(a, v) argMax   a's type: the a of the row with the smallest / largest v (the
//                         first such row); argMax(value, time) is the latest value
//   groupArray([max_size])(x)  Array of x's type (LowCardinality(String) -> String): the
//                         values in the order added, NULLs skipped, at most max_size
//
// Over no rows (no GROUP BY) every one returns its type's default (0, ''), avg nan. With a
// Nullable argument, rows where an argument is NULL are skipped and the result is
// Nullable: NULL when no row remained (SkipNullArguments); count never returns NULL.
#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/aggregate_util.h"
#include "engine/exec/function_util.h"
#include "engine/exec/state_bytes.h"
#include "format/coding.h"
#include "format/status_macros.h"
#include "engine/exec/value_slot.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

using AggregatePtr = std::unique_ptr<AggregateFunction>;

absl::Status CheckArity(absl::string_view name, absl::Span<const DataTypePtr> args, size_t want,
                        absl::Span<const format::Value> params) {
  if (args.size() != want) {
    return CodedError(ErrorCode::kNumberOfArgumentsDoesntMatch,
                      absl::StrCat(name, ": takes ", want, " argument", want == 1 ? "" : "s", ", got ", args.size()));
  }
  if (!params.empty())
    return absl::InvalidArgumentError(absl::StrCat(name, ": takes no parameters"));
  return absl::OkStatus();
}

// ---------------------------------------------------------------- count

class Count : public AggregateFunction {
 public:
  explicit Count(bool any_nullable) : any_nullable_(any_nullable) {
    result_type_ = DataType::Make(TypeId::kUInt64);
  }
  size_t state_size() const override { return sizeof(uint64_t); }
  void Create(uint8_t* state) const override { new (state) uint64_t(0); }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    for (size_t r = 0; r < rows; ++r) {
      if (!any_nullable_ || !AnyNull(args, r)) ++*reinterpret_cast<uint64_t*>(places[r] + offset);
    }
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    uint64_t n = rows;
    if (any_nullable_) {
      n = 0;
      for (size_t r = 0; r < rows; ++r) n += !AnyNull(args, r);
    }
    *reinterpret_cast<uint64_t*>(place) += n;
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    *reinterpret_cast<uint64_t*>(dst) += *reinterpret_cast<const uint64_t*>(src);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    out->Append<uint64_t>(*reinterpret_cast<const uint64_t*>(state));
  }
  // Payload: the count, u64.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    PutRaw(out, *reinterpret_cast<const uint64_t*>(state));
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(*reinterpret_cast<uint64_t*>(state), in.Read<uint64_t>());
    return in.ExpectDone();
  }

 private:
  static bool AnyNull(absl::Span<const ColumnArg> args, size_t r) {
    for (const ColumnArg& a : args) {
      const Column& c = *a.column;
      size_t row = a.row(r);
      if (c.type->id() == TypeId::kNullable
              ? c.nulls[row] != 0
              : c.type->is_nullable_low_cardinality() && c.IndexAt(row) == 0) {
        return true;
      }
    }
    return false;
  }
  bool any_nullable_;
};

absl::StatusOr<AggregatePtr> MakeCount(absl::Span<const DataTypePtr> args,
                                       absl::Span<const format::Value> params) {
  if (!params.empty()) return absl::InvalidArgumentError("count: takes no parameters");
  bool any_nullable = false;
  for (const DataTypePtr& t : args) any_nullable |= IsNullableArgument(*t);
  return AggregatePtr(new Count(any_nullable));
}

// ---------------------------------------------------------------- sum

// Folds v[0, n) with eight independent accumulators so the loop vectorizes at -O2.
template <typename Acc, typename In>
Acc SumValues(const In* v, size_t n) {
  Acc acc[8] = {};
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
#pragma GCC unroll 8
    for (size_t j = 0; j < 8; ++j) acc[j] += static_cast<Acc>(v[i + j]);
  }
  Acc s = 0;
  for (; i < n; ++i) s += static_cast<Acc>(v[i]);
  for (size_t j = 0; j < 8; ++j) s += acc[j];
  return s;
}

// Acc is uint64_t for every integer (signed sums wrap through two's complement; the result
// type says how to read the bits) and double for floats.
template <typename In, typename Acc>
class Sum : public AggregateFunction {
 public:
  explicit Sum(TypeId result) { result_type_ = DataType::Make(result); }
  size_t state_size() const override { return sizeof(Acc); }
  void Create(uint8_t* state) const override { new (state) Acc(0); }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const In* v = args[0].column->values<In>();
    if (args[0].is_const) {
      for (size_t r = 0; r < rows; ++r)
        *reinterpret_cast<Acc*>(places[r] + offset) += static_cast<Acc>(v[0]);
      return;
    }
    for (size_t r = 0; r < rows; ++r)
      *reinterpret_cast<Acc*>(places[r] + offset) += static_cast<Acc>(v[r]);
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    const In* v = args[0].column->values<In>();
    Acc add = args[0].is_const
                  ? (rows == 0 ? Acc(0) : static_cast<Acc>(v[0]) * static_cast<Acc>(rows))
                  : SumValues<Acc>(v, rows);
    *reinterpret_cast<Acc*>(place) += add;
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    *reinterpret_cast<Acc*>(dst) += *reinterpret_cast<const Acc*>(src);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    out->Append<Acc>(*reinterpret_cast<const Acc*>(state));
  }
  // Payload: the sum, u64 (integers, two's complement) or f64.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    PutRaw(out, *reinterpret_cast<const Acc*>(state));
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(*reinterpret_cast<Acc*>(state), in.Read<Acc>());
    return in.ExpectDone();
  }
  absl::Status MergeSerialized(uint8_t* dst, absl::string_view payload, uint8_t* scratch) const override {
    (void)scratch;
    StateReader in(payload);
    TALLY_ASSIGN_OR_RETURN(Acc add, in.Read<Acc>());
    TALLY_RETURN_IF_ERROR(in.ExpectDone());
    *reinterpret_cast<Acc*>(dst) += add;
    return absl::OkStatus();
  }
};

// Calls f(T{}) with the C++ type of a number column (Bool as uint8_t); false for any other
// type, dates and times included (sum and avg take numbers only).
template <typename F>
bool WithNumericType(TypeId id, F&& f) {
  if (id == TypeId::kDate || id == TypeId::kDateTime || id == TypeId::kDateTime64) return false;
  return DispatchNumeric(id, std::forward<F>(f));
}

absl::Status NotNumeric(absl::string_view name, const DataType& type) {
  return CodedError(ErrorCode::kIllegalTypeOfArgument,
      absl::StrCat(name, ": illegal argument type ", type.ToString(), " (expected a number)"));
}

absl::StatusOr<AggregatePtr> MakeSum(absl::Span<const DataTypePtr> args,
                                     absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArity("sum", args, 1, params); !s.ok()) return s;
  AggregatePtr fn;
  WithNumericType(args[0]->id(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_floating_point_v<T>) {
      fn.reset(new Sum<T, double>(TypeId::kFloat64));
    } else {
      fn.reset(new Sum<T, uint64_t>(std::is_signed_v<T> ? TypeId::kInt64 : TypeId::kUInt64));
    }
  });
  if (fn == nullptr) return NotNumeric("sum", *args[0]);
  return fn;
}

// ---------------------------------------------------------------- avg

// Acc: __int128 / unsigned __int128 for integers (no overflow), double for floats.
template <typename In, typename Acc>
class Avg : public AggregateFunction {
  struct State {
    Acc sum;
    uint64_t count;
  };

 public:
  Avg() { result_type_ = DataType::Make(TypeId::kFloat64); }
  size_t state_size() const override { return sizeof(State); }
  size_t state_align() const override { return alignof(State); }
  void Create(uint8_t* state) const override { new (state) State{0, 0}; }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const In* v = args[0].column->values<In>();
    for (size_t r = 0; r < rows; ++r) {
      State& s = *reinterpret_cast<State*>(places[r] + offset);
      s.sum += static_cast<Acc>(v[args[0].row(r)]);
      ++s.count;
    }
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    if (rows == 0) return;
    const In* v = args[0].column->values<In>();
    State& s = *reinterpret_cast<State*>(place);
    s.sum += args[0].is_const ? static_cast<Acc>(v[0]) * static_cast<Acc>(rows)
                              : SumValues<Acc>(v, rows);
    s.count += rows;
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    State& d = *reinterpret_cast<State*>(dst);
    const State& s = *reinterpret_cast<const State*>(src);
    d.sum += s.sum;
    d.count += s.count;
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    const State& s = *reinterpret_cast<const State*>(state);
    out->Append<double>(s.count == 0 ? std::numeric_limits<double>::quiet_NaN()
                                     : static_cast<double>(s.sum) / static_cast<double>(s.count));
  }
  // Payload: the sum (i128/u128 for integers, f64 for floats), then the count, u64.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    const State& s = *reinterpret_cast<const State*>(state);
    PutRaw(out, s.sum);
    PutRaw(out, s.count);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    State& s = *reinterpret_cast<State*>(state);
    TALLY_ASSIGN_OR_RETURN(s.sum, in.Read<Acc>());
    TALLY_ASSIGN_OR_RETURN(s.count, in.Read<uint64_t>());
    return in.ExpectDone();
  }
};

absl::StatusOr<AggregatePtr> MakeAvg(absl::Span<const DataTypePtr> args,
                                     absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArity("avg", args, 1, params); !s.ok()) return s;
  AggregatePtr fn;
  WithNumericType(args[0]->id(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_floating_point_v<T>) {
      fn.reset(new Avg<T, double>());
    } else if constexpr (std::is_signed_v<T>) {
      fn.reset(new Avg<T, __int128>());
    } else {
      fn.reset(new Avg<T, unsigned __int128>());
    }
  });
  if (fn == nullptr) return NotNumeric("avg", *args[0]);
  return fn;
}

// ---------------------------------------------------------------- comparable keys

// How min/max/argMin/argMax read, keep and compare values of one type. Load returns what
// Store put in a ValueSlot.
template <typename T>
struct NumericKey {
  static constexpr bool kNumeric = true;
  using Type = T;
  static T Read(const Column& c, size_t row) { return c.values<T>()[row]; }
  static T Load(const ValueSlot& s) {
    T v;
    std::memcpy(&v, s.u.fixed, sizeof(T));
    return v;
  }
  static void Store(ValueSlot* s, T v) {
    std::memcpy(s->u.fixed, &v, sizeof(T));
    s->has = 1;
  }
  static bool Less(T a, T b) { return a < b; }
};

// UUID: 16 big-endian bytes, ordered as written.
struct UuidKey {
  static constexpr bool kNumeric = false;
  static absl::string_view Read(const Column& c, size_t row) {
    return absl::string_view(reinterpret_cast<const char*>(c.data.data()) + row * 16, 16);
  }
  static absl::string_view Load(const ValueSlot& s) {
    return absl::string_view(reinterpret_cast<const char*>(s.u.fixed), 16);
  }
  static void Store(ValueSlot* s, absl::string_view v) {
    std::memcpy(s->u.fixed, v.data(), 16);
    s->has = 1;
  }
  static bool Less(absl::string_view a, absl::string_view b) { return a < b; }
};

// String and LowCardinality(String), bytewise.
struct StringKey {
  static constexpr bool kNumeric = false;
  static absl::string_view Read(const Column& c, size_t row) { return StringAtRow(c, row); }
  static absl::string_view Load(const ValueSlot& s) { return s.string(); }
  static void Store(ValueSlot* s, absl::string_view v) { s->SetString(v); }
  static bool Less(absl::string_view a, absl::string_view b) { return a < b; }
};

// Arrays, maps: through format::Value (slow path).
struct GenericKey {
  static constexpr bool kNumeric = false;
  static format::Value Read(const Column& c, size_t row) { return c.GetValue(row); }
  static const format::Value& Load(const ValueSlot& s) { return *s.u.value; }
  static void Store(ValueSlot* s, const format::Value& v) { s->SetValue(v); }
  static bool Less(const format::Value& a, const format::Value& b) {
    return format::CompareValues(a, b) < 0;
  }
};

template <typename F>
AggregatePtr WithKey(const DataType& type, F&& f) {
  switch (type.id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return f(NumericKey<uint8_t>{});
    case TypeId::kUInt16:
    case TypeId::kDate:
      return f(NumericKey<uint16_t>{});
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return f(NumericKey<uint32_t>{});
    case TypeId::kUInt64:
      return f(NumericKey<uint64_t>{});
    case TypeId::kInt8:
      return f(NumericKey<int8_t>{});
    case TypeId::kInt16:
      return f(NumericKey<int16_t>{});
    case TypeId::kInt32:
      return f(NumericKey<int32_t>{});
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return f(NumericKey<int64_t>{});
    case TypeId::kFloat32:
      return f(NumericKey<float>{});
    case TypeId::kFloat64:
      return f(NumericKey<double>{});
    case TypeId::kUUID:
      return f(UuidKey{});
    case TypeId::kString:
    case TypeId::kLowCardinality:
      return f(StringKey{});
    default:
      return f(GenericKey{});
  }
}

// True when `a` should replace `b` (strictly better, so the first of equals wins).
template <typename K, bool kMax, typename A, typename B>
bool Better(const A& a, const B& b) {
  return kMax ? K::Less(b, a) : K::Less(a, b);
}

// The row in [0, rows) with the best value of `c` (the first of equals). REQUIRES rows > 0.
template <typename K, bool kMax>
size_t BestRow(const Column& c, size_t rows) {
  size_t best = 0;
  if constexpr (K::kNumeric) {
    const typename K::Type* v = c.values<typename K::Type>();
    for (size_t r = 1; r < rows; ++r) {
      if (Better<K, kMax>(v[r], v[best])) best = r;
    }
  } else {
    for (size_t r = 1; r < rows; ++r) {
      if (Better<K, kMax>(K::Read(c, r), K::Read(c, best))) best = r;
    }
  }
  return best;
}

// The best of v[0, n) with eight independent lanes so the loop vectorizes (minpd/maxpd
// keep the scalar `a < b ? a : b` NaN behaviour). REQUIRES n > 0.
template <typename T, bool kMax>
T FoldBest(const T* v, size_t n) {
  T acc[8];
  for (size_t j = 0; j < 8; ++j) acc[j] = v[0];
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
#pragma GCC unroll 8
    for (size_t j = 0; j < 8; ++j) {
      T x = v[i + j];
      acc[j] = (kMax ? acc[j] < x : x < acc[j]) ? x : acc[j];
    }
  }
  T best = acc[0];
  for (size_t j = 1; j < 8; ++j) best = (kMax ? best < acc[j] : acc[j] < best) ? acc[j] : best;
  for (; i < n; ++i) best = (kMax ? best < v[i] : v[i] < best) ? v[i] : best;
  return best;
}

// ---------------------------------------------------------------- min / max

template <typename K, bool kMax>
class MinMax : public AggregateFunction {
 public:
  explicit MinMax(const DataTypePtr& arg) : slot_type_(SlotType::For(*arg)) {
    result_type_ = ValueResultType(arg);
  }
  size_t state_size() const override { return sizeof(ValueSlot); }
  void Create(uint8_t* state) const override { Slot(state)->Init(); }
  void Destroy(uint8_t* state) const override { Slot(state)->Destroy(slot_type_); }
  size_t HeapBytes(const uint8_t* state) const override {
    return Slot(state)->HeapBytes(slot_type_);
  }

  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const Column& c = *args[0].column;
    for (size_t r = 0; r < rows; ++r) Update(Slot(places[r] + offset), K::Read(c, args[0].row(r)));
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    if (rows == 0) return;
    const Column& c = *args[0].column;
    if constexpr (K::kNumeric) {
      Update(Slot(place), args[0].is_const ? K::Read(c, 0)
                                           : FoldBest<typename K::Type, kMax>(
                                                 c.values<typename K::Type>(), rows));
    } else {
      Update(Slot(place), K::Read(c, args[0].is_const ? 0 : BestRow<K, kMax>(c, rows)));
    }
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    const ValueSlot* s = Slot(src);
    if (s->has) Update(Slot(dst), K::Load(*s));
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    Slot(state)->Finalize(slot_type_, out);
  }
  // Payload: the value slot (PutSlot).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    PutSlot(out, slot_type_, *Slot(state), result_type_);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_RETURN_IF_ERROR(ReadSlot(&in, slot_type_, result_type_, Slot(state)));
    return in.ExpectDone();
  }

 private:
  static ValueSlot* Slot(uint8_t* p) { return reinterpret_cast<ValueSlot*>(p); }
  static const ValueSlot* Slot(const uint8_t* p) { return reinterpret_cast<const ValueSlot*>(p); }
  template <typename V>
  static void Update(ValueSlot* slot, const V& v) {
    if (!slot->has || Better<K, kMax>(v, K::Load(*slot))) K::Store(slot, v);
  }

  SlotType slot_type_;
};

template <bool kMax>
absl::StatusOr<AggregatePtr> MakeMinMax(absl::Span<const DataTypePtr> args,
                                        absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArity(kMax ? "max" : "min", args, 1, params); !s.ok()) return s;
  return WithKey(*args[0], [&](auto key) -> AggregatePtr {
    return AggregatePtr(new MinMax<decltype(key), kMax>(args[0]));
  });
}

// ---------------------------------------------------------------- argMin / argMax

template <typename K, bool kMax>
class ArgMinMax : public AggregateFunction {
  struct State {
    ValueSlot arg;
    ValueSlot val;
  };

 public:
  ArgMinMax(const DataTypePtr& arg, const DataTypePtr& val)
      : arg_type_(SlotType::For(*arg)), val_type_(SlotType::For(*val)), val_result_type_(ValueResultType(val)) {
    result_type_ = ValueResultType(arg);
  }
  size_t state_size() const override { return sizeof(State); }
  void Create(uint8_t* state) const override {
    Get(state)->arg.Init();
    Get(state)->val.Init();
  }
  void Destroy(uint8_t* state) const override {
    Get(state)->arg.Destroy(arg_type_);
    Get(state)->val.Destroy(val_type_);
  }
  size_t HeapBytes(const uint8_t* state) const override {
    const State* s = Get(state);
    return s->arg.HeapBytes(arg_type_) + s->val.HeapBytes(val_type_);
  }

  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const Column& a = *args[0].column;
    const Column& v = *args[1].column;
    // Rows of one group often come in runs (input sorted by the key): the best row of a
    // run is found first, so the argument is copied once per run, not once per better row.
    for (size_t r = 0; r < rows;) {
      size_t best = r, end = r + 1;
      auto best_value = K::Read(v, args[1].row(r));
      for (; end < rows && places[end] == places[r]; ++end) {
        auto value = K::Read(v, args[1].row(end));
        if (Better<K, kMax>(value, best_value)) {
          best_value = value;
          best = end;
        }
      }
      Update(Get(places[r] + offset), a, args[0].row(best), v, args[1].row(best));
      r = end;
    }
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    if (rows == 0) return;
    size_t best = args[1].is_const ? 0 : BestRow<K, kMax>(*args[1].column, rows);
    Update(Get(place), *args[0].column, args[0].row(best), *args[1].column, args[1].row(best));
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    State* d = Get(dst);
    const State* s = Get(src);
    if (s->val.has && (!d->val.has || Better<K, kMax>(K::Load(s->val), K::Load(d->val)))) {
      d->val.Assign(val_type_, s->val);
      d->arg.Assign(arg_type_, s->arg);
    }
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    Get(state)->arg.Finalize(arg_type_, out);
  }
  // Payload: the argument's slot, then the compared value's slot (PutSlot).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    PutSlot(out, arg_type_, Get(state)->arg, result_type_);
    PutSlot(out, val_type_, Get(state)->val, val_result_type_);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_RETURN_IF_ERROR(ReadSlot(&in, arg_type_, result_type_, &Get(state)->arg));
    TALLY_RETURN_IF_ERROR(ReadSlot(&in, val_type_, val_result_type_, &Get(state)->val));
    if (Get(state)->arg.has != Get(state)->val.has) return StateReader::Corrupt("argument without a value");
    return in.ExpectDone();
  }
  // The payload is read into a state on the stack and merged from there (no scratch state
  // to reset through the virtual calls).
  absl::Status MergeSerialized(uint8_t* dst, absl::string_view payload, uint8_t* scratch) const override {
    (void)scratch;
    State one;
    one.arg.Init();
    one.val.Init();
    absl::Status s = Deserialize(payload, reinterpret_cast<uint8_t*>(&one));
    if (s.ok()) Merge(dst, reinterpret_cast<const uint8_t*>(&one));
    one.arg.Destroy(arg_type_);
    one.val.Destroy(val_type_);
    return s;
  }

 private:
  static State* Get(uint8_t* p) { return reinterpret_cast<State*>(p); }
  static const State* Get(const uint8_t* p) { return reinterpret_cast<const State*>(p); }
  void Update(State* s, const Column& a, size_t a_row, const Column& v, size_t v_row) const {
    auto value = K::Read(v, v_row);
    if (!s->val.has || Better<K, kMax>(value, K::Load(s->val))) {
      K::Store(&s->val, value);
      s->arg.Assign(arg_type_, a, a_row);
    }
  }

  SlotType arg_type_;
  SlotType val_type_;
  DataTypePtr val_result_type_;
};

template <bool kMax>
absl::StatusOr<AggregatePtr> MakeArgMinMax(absl::Span<const DataTypePtr> args,
                                           absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArity(kMax ? "argMax" : "argMin", args, 2, params); !s.ok()) return s;
  return WithKey(*args[1], [&](auto key) -> AggregatePtr {
    return AggregatePtr(new ArgMinMax<decltype(key), kMax>(args[0], args[1]));
  });
}

// ---------------------------------------------------------------- any / anyLast

template <bool kLast>
class Any : public AggregateFunction {
 public:
  explicit Any(const DataTypePtr& arg) : slot_type_(SlotType::For(*arg)) {
    result_type_ = ValueResultType(arg);
  }
  size_t state_size() const override { return sizeof(ValueSlot); }
  void Create(uint8_t* state) const override { Slot(state)->Init(); }
  void Destroy(uint8_t* state) const override { Slot(state)->Destroy(slot_type_); }
  size_t HeapBytes(const uint8_t* state) const override {
    return Slot(state)->HeapBytes(slot_type_);
  }

  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const Column& c = *args[0].column;
    for (size_t r = 0; r < rows; ++r) {
      ValueSlot* s = Slot(places[r] + offset);
      if (kLast || !s->has) s->Assign(slot_type_, c, args[0].row(r));
    }
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    ValueSlot* s = Slot(place);
    if (rows == 0 || (!kLast && s->has)) return;
    s->Assign(slot_type_, *args[0].column, args[0].row(kLast ? rows - 1 : 0));
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    ValueSlot* d = Slot(dst);
    const ValueSlot* s = Slot(src);
    if (s->has && (kLast || !d->has)) d->Assign(slot_type_, *s);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    Slot(state)->Finalize(slot_type_, out);
  }
  // Payload: the value slot (PutSlot).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    PutSlot(out, slot_type_, *Slot(state), result_type_);
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_RETURN_IF_ERROR(ReadSlot(&in, slot_type_, result_type_, Slot(state)));
    return in.ExpectDone();
  }

 private:
  static ValueSlot* Slot(uint8_t* p) { return reinterpret_cast<ValueSlot*>(p); }
  static const ValueSlot* Slot(const uint8_t* p) { return reinterpret_cast<const ValueSlot*>(p); }

  SlotType slot_type_;
};

template <bool kLast>
absl::StatusOr<AggregatePtr> MakeAny(absl::Span<const DataTypePtr> args,
                                     absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArity(kLast ? "anyLast" : "any", args, 1, params); !s.ok()) return s;
  return AggregatePtr(new Any<kLast>(args[0]));
}

// ---------------------------------------------------------------- groupArray

// groupArray(x), groupArray(max_size)(x): the values in the order added (the first
// max_size of them), NULLs skipped. The state owns a column of the values, made on the
// first one.
class GroupArray : public BoxedAggregate<Column> {
 public:
  GroupArray(const DataTypePtr& arg, uint64_t max_size)
      : element_type_(ValueResultType(arg)),
        low_cardinality_(arg->id() == TypeId::kLowCardinality),
        max_size_(max_size) {
    result_type_ = DataType::Array(element_type_);
  }
  size_t HeapBytes(const uint8_t* state) const override {
    const Column* c = Get(state);
    return c == nullptr ? 0 : sizeof(Column) + c->ByteSize();
  }

  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    for (size_t r = 0; r < rows; ++r) Add(places[r] + offset, *args[0].column, args[0].row(r));
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    for (size_t r = 0; r < rows; ++r) Add(place, *args[0].column, args[0].row(r));
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    const Column* s = Get(src);
    if (s == nullptr) return;
    Column& d = Values(dst);
    d.AppendRange(
        *s, 0, std::min<uint64_t>(s->size(), max_size_ - std::min<uint64_t>(d.size(), max_size_)));
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    if (const Column* c = Get(state)) out->children[0].AppendRange(*c, 0, c->size());
    out->offsets.push_back(out->children[0].size());
  }
  // Payload: varint count, then the values (PutStateValue).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    const Column* c = Get(state);
    format::PutVarint64(out, c == nullptr ? 0 : c->size());
    for (size_t i = 0; c != nullptr && i < c->size(); ++i) PutStateValue(out, c->GetValue(i));
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadCount(1));
    if (n > max_size_) return StateReader::Corrupt(absl::StrCat(n, " values, more than the max size ", max_size_));
    for (uint64_t i = 0; i < n; ++i) TALLY_RETURN_IF_ERROR(ReadValueInto(&in, &Values(state)));
    return in.ExpectDone();
  }

 private:
  Column& Values(uint8_t* p) const {
    return Mutable(p, [this] { return Column::Make(element_type_); });
  }
  void Add(uint8_t* place, const Column& c, size_t row) const {
    Column& values = Values(place);
    if (values.size() >= max_size_) return;
    if (low_cardinality_) {
      values.AppendString(StringAtRow(c, row));
    } else {
      values.AppendRange(c, row, 1);
    }
  }

  DataTypePtr element_type_;
  bool low_cardinality_;
  uint64_t max_size_;
};

absl::StatusOr<AggregatePtr> MakeGroupArray(absl::Span<const DataTypePtr> args,
                                            absl::Span<const format::Value> params) {
  if (absl::Status s = CheckArity("groupArray", args, 1, {}); !s.ok()) return s;
  absl::StatusOr<uint64_t> max_size = MaxSizeParameter("groupArray", params);
  if (!max_size.ok()) return max_size.status();
  return AggregatePtr(new GroupArray(args[0], *max_size));
}

}  // namespace

void RegisterBasicAggregates(AggregateRegistry& registry) {
  auto nullable = [](AggregateFactory f) {
    return SkipNullArguments(std::move(f), NullResult::kNullable);
  };
  registry.Register("count", MakeCount, /*case_insensitive=*/true);
  registry.Register("sum", nullable(MakeSum), true);
  registry.Register("avg", nullable(MakeAvg), true);
  registry.Register("min", nullable(MakeMinMax<false>), true);
  registry.Register("max", nullable(MakeMinMax<true>), true);
  registry.Register("any", nullable(MakeAny<false>));
  registry.Register("any_value", nullable(MakeAny<false>), true);
  registry.Register("first_value", nullable(MakeAny<false>), true);
  registry.Register("anyLast", nullable(MakeAny<true>));
  registry.Register("last_value", nullable(MakeAny<true>), true);
  registry.Register("argMin", nullable(MakeArgMinMax<false>));
  registry.Register("argMax", nullable(MakeArgMinMax<true>));
  registry.Register("min_by", nullable(MakeArgMinMax<false>), true);
  registry.Register("max_by", nullable(MakeArgMinMax<true>), true);
  registry.Register("groupArray", SkipNullArguments(MakeGroupArray, NullResult::kNested));
}

}  // namespace tally::engine::exec
