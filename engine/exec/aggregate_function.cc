#include "engine/exec/aggregate_function.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_state.h"
#include "engine/exec/aggregate_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataTypePtr;

namespace {

// name + "If": the last argument is a condition (UInt8 / Bool); rows where it is 0 are
// skipped. Implemented by compacting the selected rows before calling the nested
// aggregate, so every aggregate gets the combinator for free.
class IfCombinator : public AggregateFunction {
 public:
  explicit IfCombinator(std::unique_ptr<AggregateFunction> nested) : nested_(std::move(nested)) {
    result_type_ = nested_->result_type();
  }
  size_t state_size() const override { return nested_->state_size(); }
  size_t state_align() const override { return nested_->state_align(); }
  void Create(uint8_t* state) const override { nested_->Create(state); }
  void Destroy(uint8_t* state) const override { nested_->Destroy(state); }
  void Merge(uint8_t* dst, const uint8_t* src) const override { nested_->Merge(dst, src); }
  void Finalize(const uint8_t* state, Column* out) const override { nested_->Finalize(state, out); }
  size_t HeapBytes(const uint8_t* state) const override { return nested_->HeapBytes(state); }
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    return nested_->Serialize(state, out);
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    return nested_->Deserialize(bytes, state);
  }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    AddSelected(places, args, rows, [&](uint8_t* const* p, absl::Span<const ColumnArg> a, size_t n) {
      nested_->AddBatch(p, offset, a, n);
      return absl::OkStatus();
    }).IgnoreError();  // cannot fail
  }
  absl::Status TryAddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    return AddSelected(places, args, rows, [&](uint8_t* const* p, absl::Span<const ColumnArg> a, size_t n) {
      return nested_->TryAddBatch(p, offset, a, n);
    });
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    AddSelectedSinglePlace(args, rows, [&](absl::Span<const ColumnArg> a, size_t n) {
      nested_->AddBatchSinglePlace(place, a, n);
      return absl::OkStatus();
    }).IgnoreError();  // cannot fail
  }
  absl::Status TryAddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    return AddSelectedSinglePlace(
        args, rows, [&](absl::Span<const ColumnArg> a, size_t n) { return nested_->TryAddBatchSinglePlace(place, a, n); });
  }

 private:
  // Hands the rows whose condition holds (their places and compacted arguments) to `add`.
  template <typename Add>
  absl::Status AddSelected(uint8_t* const* places, absl::Span<const ColumnArg> args, size_t rows, Add add) const {
    std::vector<uint32_t> selected = Selected(args.back(), rows);
    std::vector<Column> compacted;
    std::vector<ColumnArg> nested_args = Compact(args.subspan(0, args.size() - 1), selected, &compacted);
    std::vector<uint8_t*> nested_places(selected.size());
    for (size_t i = 0; i < selected.size(); ++i) nested_places[i] = places[selected[i]];
    return add(nested_places.data(), absl::MakeConstSpan(nested_args), selected.size());
  }
  template <typename Add>
  absl::Status AddSelectedSinglePlace(absl::Span<const ColumnArg> args, size_t rows, Add add) const {
    std::vector<uint32_t> selected = Selected(args.back(), rows);
    if (selected.size() == rows) return add(args.subspan(0, args.size() - 1), rows);
    std::vector<Column> compacted;
    std::vector<ColumnArg> nested_args = Compact(args.subspan(0, args.size() - 1), selected, &compacted);
    return add(absl::MakeConstSpan(nested_args), selected.size());
  }
  static std::vector<uint32_t> Selected(const ColumnArg& cond, size_t rows) {
    std::vector<uint32_t> out;
    const Column& c = *cond.column;
    const bool nullable = c.type->id() == format::TypeId::kNullable;
    const Column& values = nullable ? c.children[0] : c;
    out.reserve(rows);
    for (size_t r = 0; r < rows; ++r) {
      size_t i = cond.row(r);
      if (nullable && c.nulls[i]) continue;
      if (values.data[i * values.type->fixed_width()] != 0) out.push_back(static_cast<uint32_t>(r));
    }
    return out;
  }
  static std::vector<ColumnArg> Compact(absl::Span<const ColumnArg> args, const std::vector<uint32_t>& rows,
                                        std::vector<Column>* storage) {
    storage->reserve(args.size());
    std::vector<ColumnArg> out;
    for (const ColumnArg& a : args) {
      if (a.is_const) {
        out.push_back(a);
      } else {
        storage->push_back(Column::Gather(*a.column, rows));
        out.push_back(ColumnArg{&storage->back(), false});
      }
    }
    return out;
  }

  std::unique_ptr<AggregateFunction> nested_;
};

bool IsConditionType(const format::DataType& t) {
  const format::DataType& v = t.id() == format::TypeId::kNullable ? t.child(0) : t;
  return v.id() == format::TypeId::kUInt8 || v.id() == format::TypeId::kBool;
}

}  // namespace

absl::Status AggregateFunction::Serialize(const uint8_t* state, std::string* out) const {
  (void)state;
  (void)out;
  return absl::UnimplementedError("this aggregate's state cannot be stored yet");
}

absl::Status AggregateFunction::MergeSerialized(uint8_t* dst, absl::string_view payload, uint8_t* scratch) const {
  absl::Status s = Deserialize(payload, scratch);
  if (s.ok()) Merge(dst, scratch);
  Destroy(scratch);
  Create(scratch);
  return s;
}

absl::Status AggregateFunction::Deserialize(absl::string_view bytes, uint8_t* state) const {
  (void)bytes;
  (void)state;
  return absl::UnimplementedError("this aggregate's state cannot be stored yet");
}

AggregateRegistry& AggregateRegistry::Global() {
  static AggregateRegistry* registry = [] {
    auto* r = new AggregateRegistry();
    RegisterBasicAggregates(*r);
    RegisterUniqAggregates(*r);
    RegisterQuantileAggregates(*r);
    RegisterBitAggregates(*r);
    RegisterGroupUniqArray(*r);
    r->Register("countDistinct", *r->Find("uniqExact"));  // ClickHouse's default implementation
    return r;
  }();
  return *registry;
}

void AggregateRegistry::Register(const std::string& name, AggregateFactory factory, bool case_insensitive) {
  (case_insensitive ? insensitive_ : exact_).emplace_back(name, std::move(factory));
}

std::vector<AggregateRegistry::Entry> AggregateRegistry::Entries() const {
  std::vector<Entry> out;
  for (const auto& [n, f] : exact_) out.push_back({n, false});
  for (const auto& [n, f] : insensitive_) out.push_back({n, true});
  return out;
}

const AggregateFactory* AggregateRegistry::Find(absl::string_view name) const {
  for (const auto& [n, f] : exact_) {
    if (n == name) return &f;
  }
  for (const auto& [n, f] : insensitive_) {
    if (absl::EqualsIgnoreCase(n, name)) return &f;
  }
  return nullptr;
}

namespace {

// The combinator suffix `name` ends with ("If", "Distinct", "State" or "Merge"), or "".
// fMergeState is State(Merge(f)).
absl::string_view CombinatorSuffix(absl::string_view name) {
  for (absl::string_view suffix : {"If", "Distinct", "State", "Merge"}) {
    if (name.size() > suffix.size() && absl::EndsWith(name, suffix)) return suffix;
  }
  return "";
}

}  // namespace

bool AggregateRegistry::IsAggregate(absl::string_view name) const {
  if (Find(name) != nullptr) return true;
  const absl::string_view suffix = CombinatorSuffix(name);
  return !suffix.empty() && IsAggregate(name.substr(0, name.size() - suffix.size()));
}

absl::StatusOr<std::unique_ptr<AggregateFunction>> AggregateRegistry::Bind(
    absl::string_view name, bool distinct, absl::Span<const DataTypePtr> args,
    absl::Span<const format::Value> params) const {
  if (distinct) {
    // f(DISTINCT x) is fDistinct(x), as in ClickHouse; count(DISTINCT x) is uniqExact(x)
    // (ClickHouse's count_distinct_implementation) and countIf(DISTINCT x, c) uniqExactIf.
    if (absl::EqualsIgnoreCase(name, "count")) return Bind("uniqExact", false, args, params);
    if (name == "countIf") return Bind("uniqExactIf", false, args, params);
    return Bind(absl::StrCat(name, "Distinct"), false, args, params);
  }
  if (const AggregateFactory* f = Find(name)) return (*f)(args, params);
  // Combinators, the last suffix outermost: sumIfDistinct is Distinct(If(sum)).
  const absl::string_view suffix = CombinatorSuffix(name);
  const absl::string_view base = name.substr(0, name.size() - suffix.size());
  if (suffix == "If" && IsAggregate(base)) {
    if (args.empty() || !IsConditionType(*args.back())) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": the last argument must be a condition (UInt8)",
                                                     args.empty() ? "" : absl::StrCat(", not ", args.back()->ToString())));
    }
    TALLY_ASSIGN_OR_RETURN(auto nested, Bind(base, false, args.subspan(0, args.size() - 1), params));
    return std::unique_ptr<AggregateFunction>(new IfCombinator(std::move(nested)));
  }
  if (suffix == "Distinct" && IsAggregate(base)) {
    if (args.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": Incorrect number of arguments for aggregate function with Distinct suffix"));
    }
    TALLY_ASSIGN_OR_RETURN(auto nested, Bind(base, false, args, params));
    return MakeDistinct(std::move(nested), args);
  }
  if (suffix == "State" && IsAggregate(base)) {
    TALLY_ASSIGN_OR_RETURN(auto nested, Bind(base, false, args, params));
    return MakeStateCombinator(base, std::move(nested), args, params);
  }
  if (suffix == "Merge" && IsAggregate(base)) return MakeMergeCombinator(base, args, params);
  return CodedError(ErrorCode::kUnknownAggregateFunction, absl::StrCat("unknown aggregate function '", name, "'"));
}

}  // namespace tally::engine::exec
