#include "engine/exec/aggregate_state.h"

#include <new>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/function_util.h"
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

// One state of `aggregate`, created on construction and destroyed with the box.
class StateBox {
 public:
  explicit StateBox(const AggregateFunction& aggregate)
      : aggregate_(aggregate),
        align_(std::max<size_t>(aggregate.state_align(), alignof(std::max_align_t))),
        data_(static_cast<uint8_t*>(::operator new(std::max<size_t>(aggregate.state_size(), 1),
                                                   std::align_val_t(align_)))) {
    aggregate_.Create(data_);
  }
  ~StateBox() {
    aggregate_.Destroy(data_);
    ::operator delete(data_, std::align_val_t(align_));
  }
  StateBox(const StateBox&) = delete;
  StateBox& operator=(const StateBox&) = delete;
  uint8_t* get() const { return data_; }
  // Back to an empty state.
  void Reset() {
    aggregate_.Destroy(data_);
    aggregate_.Create(data_);
  }

 private:
  const AggregateFunction& aggregate_;
  size_t align_;
  uint8_t* data_;
};

// `count` states of `aggregate` in one allocation, created on construction and destroyed
// with the array.
class StateArray {
 public:
  StateArray(const AggregateFunction& aggregate, size_t count)
      : aggregate_(aggregate),
        align_(std::max<size_t>(aggregate.state_align(), alignof(std::max_align_t))),
        stride_((std::max<size_t>(aggregate.state_size(), 1) + align_ - 1) / align_ * align_),
        count_(count),
        data_(static_cast<uint8_t*>(::operator new(stride_ * std::max<size_t>(count, 1), std::align_val_t(align_)))) {
    for (size_t i = 0; i < count_; ++i) aggregate_.Create(get(i));
  }
  ~StateArray() {
    for (size_t i = 0; i < count_; ++i) aggregate_.Destroy(get(i));
    ::operator delete(data_, std::align_val_t(align_));
  }
  StateArray(const StateArray&) = delete;
  StateArray& operator=(const StateArray&) = delete;
  uint8_t* get(size_t i) const { return data_ + i * stride_; }

 private:
  const AggregateFunction& aggregate_;
  size_t align_;
  size_t stride_;
  size_t count_;
  uint8_t* data_;
};

// The type an aggregate's argument has inside AggregateFunction(...): LowCardinality
// dropped, as ClickHouse names it (uniqState of LowCardinality(String) is
// AggregateFunction(uniq, String)).
DataTypePtr StateArgType(const DataTypePtr& t) {
  if (t->id() != TypeId::kLowCardinality) return t;
  return t->children()[0];
}

// Whether `aggregate` can store its state: probed once at binding, so that Finalize (which
// cannot fail) never meets an aggregate without Serialize.
absl::Status CheckStorable(const AggregateFunction& aggregate, absl::string_view name) {
  StateBox box(aggregate);
  std::string bytes;
  absl::Status s = aggregate.Serialize(box.get(), &bytes);
  if (s.ok()) return s;
  return WithMessage(s, absl::StrCat(name, ": ", s.message()));
}

class StateCombinator : public AggregateFunction {
 public:
  StateCombinator(std::string function, AggregatePtr nested, DataTypePtr type)
      : function_(std::move(function)), nested_(std::move(nested)) {
    result_type_ = std::move(type);
  }
  size_t state_size() const override { return nested_->state_size(); }
  size_t state_align() const override { return nested_->state_align(); }
  void Create(uint8_t* state) const override { nested_->Create(state); }
  void Destroy(uint8_t* state) const override { nested_->Destroy(state); }
  size_t HeapBytes(const uint8_t* state) const override { return nested_->HeapBytes(state); }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    nested_->AddBatch(places, offset, args, rows);
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    nested_->AddBatchSinglePlace(place, args, rows);
  }
  absl::Status TryAddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    return nested_->TryAddBatch(places, offset, args, rows);
  }
  absl::Status TryAddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    return nested_->TryAddBatchSinglePlace(place, args, rows);
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override { nested_->Merge(dst, src); }
  void Finalize(const uint8_t* state, Column* out) const override {
    std::string bytes;
    // Cannot fail: CheckStorable probed Serialize when the combinator was bound.
    EncodeState(*nested_, function_, state, &bytes).IgnoreError();
    out->AppendString(bytes);
  }
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    return nested_->Serialize(state, out);
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    return nested_->Deserialize(bytes, state);
  }

 private:
  std::string function_;
  AggregatePtr nested_;
};

class MergeCombinator : public AggregateFunction {
 public:
  MergeCombinator(std::string function, AggregatePtr nested) : function_(std::move(function)), nested_(std::move(nested)) {
    result_type_ = nested_->result_type();
    header_.push_back(static_cast<char>(kStateFormatVersion));
    format::PutLengthPrefixed(&header_, function_);
  }
  size_t state_size() const override { return nested_->state_size(); }
  size_t state_align() const override { return nested_->state_align(); }
  void Create(uint8_t* state) const override { nested_->Create(state); }
  void Destroy(uint8_t* state) const override { nested_->Destroy(state); }
  size_t HeapBytes(const uint8_t* state) const override { return nested_->HeapBytes(state); }
  void Merge(uint8_t* dst, const uint8_t* src) const override { nested_->Merge(dst, src); }
  void Finalize(const uint8_t* state, Column* out) const override { nested_->Finalize(state, out); }
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    return nested_->Serialize(state, out);
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    return nested_->Deserialize(bytes, state);
  }

  // Each row's state bytes are merged into the row's group once, without a state of
  // their own where the aggregate can (MergeSerialized). Through the aggregator (Try*) a
  // state that does not decode fails the query; through AddBatch it is skipped.
  absl::Status TryAddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    StateBox scratch(*nested_);
    for (size_t r = 0; r < rows; ++r) {
      TALLY_RETURN_IF_ERROR(MergeRow(places[r] + offset, args[0].column->StringAt(args[0].row(r)), scratch.get()));
    }
    return absl::OkStatus();
  }
  absl::Status TryAddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    StateBox scratch(*nested_);
    for (size_t r = 0; r < rows; ++r) {
      TALLY_RETURN_IF_ERROR(MergeRow(place, args[0].column->StringAt(args[0].row(r)), scratch.get()));
    }
    return absl::OkStatus();
  }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    StateBox scratch(*nested_);
    for (size_t r = 0; r < rows; ++r) {
      MergeRow(places[r] + offset, args[0].column->StringAt(args[0].row(r)), scratch.get()).IgnoreError();  // skipped
    }
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    StateBox scratch(*nested_);
    for (size_t r = 0; r < rows; ++r) {
      MergeRow(place, args[0].column->StringAt(args[0].row(r)), scratch.get()).IgnoreError();  // skipped
    }
  }


 private:
  absl::Status MergeRow(uint8_t* dst, absl::string_view bytes, uint8_t* scratch) const {
    if (bytes.empty()) return absl::OkStatus();  // the empty state
    absl::string_view payload;
    if (absl::StartsWith(bytes, header_)) {  // every state this build wrote
      payload = bytes.substr(header_.size());
    } else {
      TALLY_ASSIGN_OR_RETURN(payload, StatePayload(function_, bytes));
    }
    absl::Status s = nested_->MergeSerialized(dst, payload, scratch);
    if (!s.ok()) return StateError(function_, s.message());
    return absl::OkStatus();
  }

  std::string function_;
  std::string header_;  // the frame of a state of function_: version, name
  AggregatePtr nested_;
};

}  // namespace

absl::Status EncodeState(const AggregateFunction& aggregate, absl::string_view function, const uint8_t* state,
                         std::string* out) {
  out->push_back(static_cast<char>(kStateFormatVersion));
  format::PutLengthPrefixed(out, function);
  return aggregate.Serialize(state, out);
}

absl::Status StateError(absl::string_view function, absl::string_view why) {
  return absl::DataLossError(absl::StrCat("state of aggregate function ", function, ": ", why));
}

absl::StatusOr<absl::string_view> StatePayload(absl::string_view function, absl::string_view bytes) {
  StateReader in(bytes);
  auto version = in.ReadByte();
  if (!version.ok()) return StateError(function, version.status().message());
  if (*version != kStateFormatVersion) {
    return StateError(function, absl::StrCat("state format version ", *version,
                                             " is unknown (this build reads version ", kStateFormatVersion, ")"));
  }
  auto length = in.ReadCount(1);
  if (!length.ok()) return StateError(function, length.status().message());
  auto name = in.ReadBytes(*length);
  if (!name.ok()) return StateError(function, name.status().message());
  if (*name != function) return StateError(function, absl::StrCat("the bytes hold a state of ", *name));
  return bytes.substr(bytes.size() - in.remaining());
}

absl::Status DecodeState(const AggregateFunction& aggregate, absl::string_view function, absl::string_view bytes,
                         uint8_t* state) {
  // Empty bytes are the empty state: a state column's default value (a row inserted
  // without it), as in ClickHouse.
  if (bytes.empty()) return absl::OkStatus();
  TALLY_ASSIGN_OR_RETURN(absl::string_view payload, StatePayload(function, bytes));
  absl::Status s = aggregate.Deserialize(payload, state);
  if (!s.ok()) return StateError(function, s.message());
  return absl::OkStatus();
}

absl::StatusOr<AggregatePtr> BindStateType(const DataType& type) {
  if (!type.is_aggregate_state()) {
    return absl::InvalidArgumentError(absl::StrCat(type.ToString(), " is not an AggregateFunction type"));
  }
  const format::AggregateSpec& spec = *type.aggregate();
  return AggregateRegistry::Global().Bind(spec.function, false, spec.args, spec.params);
}

absl::StatusOr<AggregatePtr> MakeStateCombinator(absl::string_view function, AggregatePtr nested,
                                                 absl::Span<const DataTypePtr> args,
                                                 absl::Span<const format::Value> params) {
  TALLY_RETURN_IF_ERROR(CheckStorable(*nested, absl::StrCat(function, "State")));
  DataTypePtr type;
  if (absl::EndsWith(function, "Merge") && args.size() == 1 && args[0]->is_aggregate_state()) {
    // fMergeState: the merged states, stored again as the same type.
    type = args[0];
    function = args[0]->aggregate()->function;
  } else {
    format::AggregateSpec spec;
    spec.function = std::string(function);
    spec.params.assign(params.begin(), params.end());
    for (const DataTypePtr& a : args) spec.args.push_back(StateArgType(a));
    type = DataType::AggregateState(std::move(spec));
  }
  return AggregatePtr(new StateCombinator(std::string(function), std::move(nested), std::move(type)));
}

absl::StatusOr<AggregatePtr> MakeMergeCombinator(absl::string_view function, absl::Span<const DataTypePtr> args,
                                                 absl::Span<const format::Value> params) {
  if (args.size() != 1) {
    return absl::InvalidArgumentError("Incorrect number of arguments for aggregate function with Merge suffix");
  }
  const DataType& type = *args[0];
  if (!type.is_aggregate_state()) {
    return CodedError(ErrorCode::kIllegalTypeOfArgument,
                      absl::StrCat("Illegal type ", type.ToString(),
                                   " of argument for aggregate function with Merge suffix. It must be "
                                   "AggregateFunction(...)."));
  }
  if (type.aggregate()->function != function) {
    return CodedError(ErrorCode::kIllegalTypeOfArgument, absl::StrCat(
        "Illegal type ", type.ToString(),
        " of argument for aggregate function with Merge suffix because it corresponds to different aggregate "
        "function: ",
        type.aggregate()->function, " instead of ", function, "."));
  }
  // As in ClickHouse, parameters given to fMerge bind f (quantilesMerge(0.5, 0.9)(s));
  // without any, the state type's are used.
  const format::AggregateSpec& spec = *type.aggregate();
  TALLY_ASSIGN_OR_RETURN(AggregatePtr nested, AggregateRegistry::Global().Bind(
                                                  spec.function, false, spec.args, params.empty() ? spec.params : params));
  TALLY_RETURN_IF_ERROR(CheckStorable(*nested, absl::StrCat(function, "Merge")));
  return AggregatePtr(new MergeCombinator(std::string(function), std::move(nested)));
}

// ---------------------------------------------------------------- finalizeAggregation

namespace {

absl::StatusOr<std::unique_ptr<BoundFunction>> BindFinalizeAggregation(absl::Span<const ArgInfo> args,
                                                                        const FunctionContext&) {
  if (args.size() != 1) return ArgCountError("finalizeAggregation", "1", args.size());
  if (!args[0].type->is_aggregate_state()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Argument for function 'finalizeAggregation' must have type AggregateFunction - state of "
                     "aggregate function. Got '",
                     args[0].type->ToString(), "' instead"));
  }
  TALLY_ASSIGN_OR_RETURN(AggregatePtr bound, BindStateType(*args[0].type));
  std::shared_ptr<const AggregateFunction> aggregate(std::move(bound));
  const std::string function = args[0].type->aggregate()->function;
  return std::make_unique<LambdaFunction>(
      aggregate->result_type(), [aggregate, function](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        Column out = Column::Make(aggregate->result_type());
        StateBox box(*aggregate);
        for (size_t r = 0; r < rows; ++r) {
          TALLY_RETURN_IF_ERROR(DecodeState(*aggregate, function, a[0].column->StringAt(a[0].row(r)), box.get()));
          aggregate->Finalize(box.get(), &out);
          box.Reset();
        }
        return out;
      });
}

// initializeAggregation('fState', x, ...): f's state of each row alone (or, for a name
// without -State, f of each row alone), as ClickHouse fills state columns without GROUP BY.
absl::StatusOr<std::unique_ptr<BoundFunction>> BindInitializeAggregation(absl::Span<const ArgInfo> args,
                                                                          const FunctionContext&) {
  if (args.size() < 2) return ArgCountError("initializeAggregation", "at least 2", args.size());
  if (args[0].constant == nullptr || args[0].type->id() != format::TypeId::kString) {
    return absl::InvalidArgumentError(
        "First argument for function 'initializeAggregation' must be a constant string: name of aggregate function");
  }
  const std::string name(args[0].constant->StringAt(0));
  if (name.find('(') != std::string::npos) {
    return absl::UnimplementedError(absl::StrCat("initializeAggregation of a parametric aggregate ('", name,
                                                 "') is not supported yet"));
  }
  std::vector<DataTypePtr> types;
  for (size_t i = 1; i < args.size(); ++i) types.push_back(args[i].type);
  TALLY_ASSIGN_OR_RETURN(AggregatePtr bound, AggregateRegistry::Global().Bind(name, false, types, {}));
  std::shared_ptr<const AggregateFunction> aggregate(std::move(bound));
  return std::make_unique<LambdaFunction>(
      aggregate->result_type(), [aggregate](absl::Span<const ColumnArg> a, size_t rows) -> absl::StatusOr<Column> {
        Column out = Column::Make(aggregate->result_type());
        std::vector<std::unique_ptr<StateBox>> boxes;
        std::vector<uint8_t*> places;
        for (size_t r = 0; r < rows; ++r) {
          boxes.push_back(std::make_unique<StateBox>(*aggregate));
          places.push_back(boxes.back()->get());
        }
        aggregate->AddBatch(places.data(), 0, a.subspan(1), rows);
        for (uint8_t* place : places) aggregate->Finalize(place, &out);
        return out;
      });
}

}  // namespace

void RegisterAggregateStateFunctions(FunctionRegistry& registry) {
  registry.Register("finalizeAggregation", BindFinalizeAggregation);
  registry.Register("initializeAggregation", BindInitializeAggregation);
}

// ---------------------------------------------------------------- StateMerger

absl::StatusOr<std::unique_ptr<StateMerger>> StateMerger::Bind(const DataType& type) {
  TALLY_ASSIGN_OR_RETURN(AggregatePtr aggregate, BindStateType(type));
  TALLY_RETURN_IF_ERROR(CheckStorable(*aggregate, type.aggregate()->function));
  return std::unique_ptr<StateMerger>(new StateMerger(type.aggregate()->function, std::move(aggregate)));
}

absl::Status StateMerger::MergeGroups(const Column& states, absl::Span<const uint32_t> starts, Column* out) const {
  StateBox merged(*aggregate_);
  StateBox scratch(*aggregate_);
  std::string bytes;
  for (size_t g = 0; g + 1 < starts.size(); ++g) {
    if (starts[g + 1] - starts[g] == 1) {
      out->AppendRange(states, starts[g], 1);
      continue;
    }
    for (uint32_t r = starts[g]; r < starts[g + 1]; ++r) {
      const absl::string_view state = states.StringAt(r);
      if (state.empty()) continue;  // the empty state
      TALLY_ASSIGN_OR_RETURN(absl::string_view payload, StatePayload(function_, state));
      if (absl::Status s = aggregate_->MergeSerialized(merged.get(), payload, scratch.get()); !s.ok()) {
        return StateError(function_, s.message());
      }
    }
    bytes.clear();
    TALLY_RETURN_IF_ERROR(EncodeState(*aggregate_, function_, merged.get(), &bytes));
    out->AppendString(bytes);
    merged.Reset();
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------- SimpleCombiner

absl::StatusOr<std::unique_ptr<SimpleCombiner>> SimpleCombiner::Bind(const DataType& type) {
  if (type.aggregate() == nullptr || !type.aggregate()->simple) {
    return absl::InvalidArgumentError(absl::StrCat(type.ToString(), " is not a SimpleAggregateFunction type"));
  }
  DataTypePtr value_type = type.WithoutAggregate();
  // sumWithOverflow is sum: both wrap in tally's 64-bit accumulator, then in T's width.
  std::string function = type.aggregate()->function == "sumWithOverflow" ? "sum" : type.aggregate()->function;
  const DataTypePtr args[] = {value_type};
  TALLY_ASSIGN_OR_RETURN(AggregatePtr aggregate, AggregateRegistry::Global().Bind(function, false, args, {}));
  return std::unique_ptr<SimpleCombiner>(new SimpleCombiner(std::move(value_type), std::move(aggregate)));
}

absl::Status SimpleCombiner::MergeGroups(const Column& values, absl::Span<const uint32_t> starts, Column* out) const {
  // One state per group, fed in one batch, finalized and converted in one column.
  const size_t groups = starts.size() - 1;
  const uint32_t first = starts[0], rows = starts[groups] - starts[0];
  Column plain = Column::Make(value_type_);  // the groups' values, without the annotation
  plain.AppendRange(values, first, rows);
  plain.type = value_type_;
  StateArray states(*aggregate_, groups);
  std::vector<uint8_t*> places(rows);
  for (size_t g = 0; g < groups; ++g) {
    for (uint32_t r = starts[g]; r < starts[g + 1]; ++r) places[r - first] = states.get(g);
  }
  const ColumnArg arg{&plain, false};
  aggregate_->AddBatch(places.data(), 0, absl::MakeConstSpan(&arg, 1), rows);
  Column result = Column::Make(aggregate_->result_type());
  for (size_t g = 0; g < groups; ++g) aggregate_->Finalize(states.get(g), &result);
  TALLY_ASSIGN_OR_RETURN(Column converted, ConvertColumn(result, value_type_, FunctionContext(), "merge"));
  out->AppendRange(converted, 0, converted.size());
  return absl::OkStatus();
}

}  // namespace tally::engine::exec
