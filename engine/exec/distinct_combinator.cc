// The -Distinct combinator: sum(DISTINCT x) is sumDistinct(x), as in ClickHouse. Each state
// keeps the distinct argument rows it has seen, in the order it first saw them (ClickHouse
// 26 keeps that order too, so groupArray(DISTINCT x) and any(DISTINCT x) agree with it);
// Finalize feeds them to a fresh state of the nested aggregate and finalizes that.
//
// Immutable and thread-safe once built; states are not.
#include <new>

#include "absl/container/flat_hash_set.h"
#include "engine/exec/aggregate_util.h"

namespace tally::engine::exec {

using format::Column;

namespace {

struct DistinctState {
  absl::flat_hash_set<std::string> seen;  // SerializeRow of every argument, concatenated
  std::vector<Column> rows;               // the distinct rows, one column per argument
  uint64_t row_bytes = 0;
};

class DistinctCombinator : public BoxedAggregate<DistinctState> {
  using State = DistinctState;

 public:
  DistinctCombinator(std::unique_ptr<AggregateFunction> nested, absl::Span<const format::DataTypePtr> args)
      : nested_(std::move(nested)), arg_types_(args.begin(), args.end()) {
    result_type_ = nested_->result_type();
  }

  size_t HeapBytes(const uint8_t* state) const override {
    const State* s = Get(state);
    if (s == nullptr) return 0;
    return sizeof(State) + s->seen.capacity() * (sizeof(std::string) + 1) + 2 * s->row_bytes;
  }

  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    std::string key;
    for (size_t r = 0; r < rows; ++r) Add(Mutable(places[r] + offset), args, r, &key);
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    if (rows == 0) return;
    State& state = Mutable(place);
    std::string key;
    for (size_t r = 0; r < rows; ++r) Add(state, args, r, &key);
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    const State* s = Get(src);
    if (s == nullptr || s->rows.empty()) return;
    State& d = Mutable(dst);
    std::vector<ColumnArg> args;
    for (const Column& c : s->rows) args.push_back(ColumnArg{&c, false});
    std::string key;
    for (size_t r = 0; r < s->rows[0].size(); ++r) Add(d, args, r, &key);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    const State* s = Get(state);
    const std::align_val_t align{nested_->state_align()};
    uint8_t* nested = static_cast<uint8_t*>(::operator new(nested_->state_size(), align));
    nested_->Create(nested);
    if (s != nullptr && !s->rows.empty()) {
      std::vector<ColumnArg> args;
      for (const Column& c : s->rows) args.push_back(ColumnArg{&c, false});
      nested_->AddBatchSinglePlace(nested, args, s->rows[0].size());
    }
    nested_->Finalize(nested, out);
    nested_->Destroy(nested);
    ::operator delete(nested, align);
  }

 private:
  State& Mutable(uint8_t* p) const {
    return BoxedAggregate::Mutable(p, [this] {
      State s;
      for (const format::DataTypePtr& t : arg_types_) s.rows.push_back(Column::Make(t));
      return s;
    });
  }
  static void Add(State& state, absl::Span<const ColumnArg> args, size_t r, std::string* key) {
    key->clear();
    for (const ColumnArg& a : args) SerializeRow(*a.column, a.row(r), key);
    if (!state.seen.insert(*key).second) return;
    state.row_bytes += key->size();
    for (size_t i = 0; i < args.size(); ++i) state.rows[i].AppendRange(*args[i].column, args[i].row(r), 1);
  }

  std::unique_ptr<AggregateFunction> nested_;
  std::vector<format::DataTypePtr> arg_types_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<AggregateFunction>> MakeDistinct(std::unique_ptr<AggregateFunction> nested,
                                                                absl::Span<const format::DataTypePtr> args) {
  if (args.empty()) {
    return absl::InvalidArgumentError("Incorrect number of arguments for aggregate function with Distinct suffix");
  }
  return std::unique_ptr<AggregateFunction>(new DistinctCombinator(std::move(nested), args));
}

}  // namespace tally::engine::exec
