// Aggregate states as values: the bytes of an AggregateFunction(f, T...) column, the -State
// and -Merge combinators that produce and consume them, finalizeAggregation, and the two
// mergers the table engines use.
//
// A stored state is framed (docs/format.md, "Aggregate states"):
//
//   u8 version (1) | varint length | function name ("sum", "uniqIf") | payload
//
// The payload is the aggregate's own Serialize bytes. A state of another function or
// version, or bytes that do not decode, are DataLoss naming the function: never a crash.
//
// For AggregatingMergeTree and FINAL:
//   StateMerger     AggregateFunction(f, T...) column: the merge of several rows' states.
//   SimpleCombiner  SimpleAggregateFunction(f, T) column: f over several rows' values.
// Both bind once per column type and are then immutable and thread-safe.
#ifndef TALLY_ENGINE_EXEC_AGGREGATE_STATE_H_
#define TALLY_ENGINE_EXEC_AGGREGATE_STATE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {

inline constexpr uint8_t kStateFormatVersion = 1;

// Frames `state` of `aggregate` (bound as `function`) and appends it to `out`.
absl::Status EncodeState(const AggregateFunction& aggregate, absl::string_view function, const uint8_t* state,
                         std::string* out);
// Reads framed `bytes` into `state` (freshly Create()d). DataLoss when the frame names
// another function or version, or the payload does not decode.
absl::Status DecodeState(const AggregateFunction& aggregate, absl::string_view function, absl::string_view bytes,
                         uint8_t* state);
// The payload of framed, non-empty `bytes` of `function`'s state (what Deserialize and
// MergeSerialized read); DataLoss as DecodeState for another function or version.
absl::StatusOr<absl::string_view> StatePayload(absl::string_view function, absl::string_view bytes);
// DataLoss "state of aggregate function <function>: <why>".
absl::Status StateError(absl::string_view function, absl::string_view why);

// The aggregate an AggregateFunction(...) type's states belong to, bound to its arguments
// and parameters. InvalidArgument for any other type.
absl::StatusOr<std::unique_ptr<AggregateFunction>> BindStateType(const format::DataType& type);

// fState: `nested` is f bound to `args`; the result is AggregateFunction(f, args), one
// serialized state per group. `function` is f's name ("sum", "sumIf"). When f is itself
// gMerge (fMergeState), the result is the merged states' type.
absl::StatusOr<std::unique_ptr<AggregateFunction>> MakeStateCombinator(
    absl::string_view function, std::unique_ptr<AggregateFunction> nested, absl::Span<const format::DataTypePtr> args,
    absl::Span<const format::Value> params);
// fMerge(states): merges the states of an AggregateFunction(f, ...) column; the result is
// f's. `function` is f's name; `params`, when given, bind f instead of the type's. InvalidArgument (in ClickHouse's words) for another type.
absl::StatusOr<std::unique_ptr<AggregateFunction>> MakeMergeCombinator(absl::string_view function,
                                                                      absl::Span<const format::DataTypePtr> args,
                                                                      absl::Span<const format::Value> params);

// finalizeAggregation(state), initializeAggregation('fState', args...).
void RegisterAggregateStateFunctions(FunctionRegistry& registry);

// Merges rows of an AggregateFunction(f, T...) column into one state.
class StateMerger {
 public:
  // InvalidArgument unless `type` is an AggregateFunction type whose f can be bound.
  static absl::StatusOr<std::unique_ptr<StateMerger>> Bind(const format::DataType& type);

  // Appends to `out` (a column of the bound type) one state per group: group g, rows
  // [starts[g], starts[g + 1]) of `states`, merged. A group of one row is copied as it is
  // (its bytes are a state already: tally writes states only through its own encoder, in
  // checksummed files, and a damaged one is refused wherever it is decoded). DataLoss for
  // a state of a larger group that does not decode; `out` may then hold some groups.
  // REQUIRES: starts ascending, at least two entries.
  absl::Status MergeGroups(const format::Column& states, absl::Span<const uint32_t> starts, format::Column* out) const;

 private:
  StateMerger(std::string function, std::unique_ptr<AggregateFunction> aggregate)
      : function_(std::move(function)), aggregate_(std::move(aggregate)) {}
  std::string function_;
  std::unique_ptr<AggregateFunction> aggregate_;
};

// Combines rows of a SimpleAggregateFunction(f, T) column with f (sum wraps in T's width,
// as ClickHouse does; NULLs are skipped).
class SimpleCombiner {
 public:
  // InvalidArgument unless `type` is a SimpleAggregateFunction type.
  static absl::StatusOr<std::unique_ptr<SimpleCombiner>> Bind(const format::DataType& type);

  // Appends to `out` (a column of the bound type) f over each group of `values`: group
  // g is rows [starts[g], starts[g + 1]). REQUIRES: starts ascending, at least two entries.
  absl::Status MergeGroups(const format::Column& values, absl::Span<const uint32_t> starts, format::Column* out) const;

 private:
  SimpleCombiner(format::DataTypePtr value_type, std::unique_ptr<AggregateFunction> aggregate)
      : value_type_(std::move(value_type)), aggregate_(std::move(aggregate)) {}
  format::DataTypePtr value_type_;  // T without the annotation
  std::unique_ptr<AggregateFunction> aggregate_;
};

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_AGGREGATE_STATE_H_
