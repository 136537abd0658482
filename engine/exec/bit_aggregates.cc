// groupBitAnd, groupBitOr, groupBitXor(x): the bitwise fold of an integer column, in x's
// type (ClickHouse: groupBitOr(toUInt32(x)) is UInt32). Over no rows each returns its
// identity, as ClickHouse does: all ones for And, 0 for Or and Xor. NULLs are skipped and
// the result is Nullable (SkipNullArguments). They are also the combining functions of
// SimpleAggregateFunction(groupBitOr, T).
#include <new>

#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/aggregate_util.h"
#include "engine/exec/function_util.h"
#include "engine/exec/state_bytes.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataTypePtr;

namespace {

enum class BitOp { kAnd, kOr, kXor };

// State: the fold so far, starting from the operation's identity.
template <typename T, BitOp kOp>
class GroupBit : public AggregateFunction {
 public:
  explicit GroupBit(const DataTypePtr& arg) { result_type_ = arg; }
  size_t state_size() const override { return sizeof(T); }
  void Create(uint8_t* state) const override { new (state) T(kOp == BitOp::kAnd ? static_cast<T>(~T(0)) : T(0)); }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    const T* v = args[0].column->values<T>();
    for (size_t r = 0; r < rows; ++r) Fold(Get(places[r] + offset), v[args[0].row(r)]);
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    const T* v = args[0].column->values<T>();
    T* s = Get(place);
    for (size_t r = 0; r < rows; ++r) Fold(s, v[args[0].row(r)]);
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override { Fold(Get(dst), *Get(src)); }
  void Finalize(const uint8_t* state, Column* out) const override { out->Append<T>(*Get(state)); }
  // Payload: the fold, in T's width.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    PutRaw(out, *Get(state));
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(*Get(state), in.Read<T>());
    return in.ExpectDone();
  }

 private:
  static T* Get(uint8_t* p) { return reinterpret_cast<T*>(p); }
  static const T* Get(const uint8_t* p) { return reinterpret_cast<const T*>(p); }
  static void Fold(T* s, T v) {
    if constexpr (kOp == BitOp::kAnd) *s &= v;
    if constexpr (kOp == BitOp::kOr) *s |= v;
    if constexpr (kOp == BitOp::kXor) *s ^= v;
  }
};

template <BitOp kOp>
AggregateFactory MakeGroupBit(std::string name) {
  return [name](absl::Span<const DataTypePtr> args,
                absl::Span<const format::Value> params) -> absl::StatusOr<std::unique_ptr<AggregateFunction>> {
    if (args.size() != 1 || !params.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": takes one argument and no parameters"));
    }
    std::unique_ptr<AggregateFunction> fn;
    if (args[0]->is_integer()) {
      DispatchNumeric(args[0]->id(), [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_integral_v<T>) fn.reset(new GroupBit<T, kOp>(args[0]));
      });
    }
    if (fn == nullptr) {
      return CodedError(ErrorCode::kIllegalTypeOfArgument,
          absl::StrCat("Illegal type ", args[0]->ToString(), " of argument for aggregate function ", name));
    }
    return fn;
  };
}

}  // namespace

void RegisterBitAggregates(AggregateRegistry& registry) {
  registry.Register("groupBitAnd", SkipNullArguments(MakeGroupBit<BitOp::kAnd>("groupBitAnd"), NullResult::kNullable));
  registry.Register("groupBitOr", SkipNullArguments(MakeGroupBit<BitOp::kOr>("groupBitOr"), NullResult::kNullable));
  registry.Register("groupBitXor", SkipNullArguments(MakeGroupBit<BitOp::kXor>("groupBitXor"), NullResult::kNullable));
}

}  // namespace tally::engine::exec
