// groupUniqArray(x), groupUniqArray(max_size)(x): Array of x's distinct values
// (LowCardinality(String) -> String), NULLs skipped, at most max_size of them. tally keeps
// them in the order first seen; ClickHouse in its hash set's order, which no query should
// rely on (compare the arrays as sets).
#include <limits>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/aggregate_util.h"
#include "engine/exec/state_bytes.h"
#include "engine/exec/value_slot.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

struct UniqValues {
  explicit UniqValues(Column empty) : values(std::move(empty)) {}
  Column values;                          // distinct, in the order first seen
  absl::flat_hash_set<std::string> keys;  // SerializeRow of each value
};

class GroupUniqArray : public BoxedAggregate<UniqValues> {
 public:
  GroupUniqArray(const DataTypePtr& arg, uint64_t max_size)
      : element_type_(ValueResultType(arg)),
        low_cardinality_(arg->id() == TypeId::kLowCardinality),
        max_size_(max_size) {
    result_type_ = DataType::Array(element_type_);
  }
  size_t HeapBytes(const uint8_t* state) const override {
    const UniqValues* s = Get(state);
    return s == nullptr ? 0 : sizeof(UniqValues) + s->values.ByteSize() + s->keys.capacity() * 40;
  }
  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    for (size_t r = 0; r < rows; ++r) Add(places[r] + offset, *args[0].column, args[0].row(r));
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    for (size_t r = 0; r < rows; ++r) Add(place, *args[0].column, args[0].row(r));
  }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    const UniqValues* s = Get(src);
    for (size_t i = 0; s != nullptr && i < s->values.size(); ++i) Add(dst, s->values, i);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    if (const UniqValues* s = Get(state)) out->children[0].AppendRange(s->values, 0, s->values.size());
    out->offsets.push_back(out->children[0].size());
  }
  // Payload: varint count (<= the max size), then the distinct values (PutStateValue).
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    const UniqValues* s = Get(state);
    format::PutVarint64(out, s == nullptr ? 0 : s->values.size());
    for (size_t i = 0; s != nullptr && i < s->values.size(); ++i) PutStateValue(out, s->values.GetValue(i));
    return absl::OkStatus();
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    StateReader in(bytes);
    TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadCount(1));
    if (n > max_size_) return StateReader::Corrupt(absl::StrCat(n, " values, more than the max size ", max_size_));
    if (n == 0) return in.ExpectDone();
    Column values = Column::Make(element_type_);
    for (uint64_t i = 0; i < n; ++i) TALLY_RETURN_IF_ERROR(ReadValueInto(&in, &values));
    for (size_t i = 0; i < values.size(); ++i) Add(state, values, i);
    if (Get(state)->values.size() != n) return StateReader::Corrupt("groupUniqArray: repeated value");
    return in.ExpectDone();
  }

 private:
  void Add(uint8_t* place, const Column& c, size_t row) const {
    UniqValues& s = Mutable(place, [this] { return UniqValues(Column::Make(element_type_)); });
    if (s.values.size() >= max_size_) return;
    std::string key;
    if (low_cardinality_) {
      // SerializeRow's encoding of the same String value, so merged states agree.
      format::PutLengthPrefixed(&key, StringAtRow(c, row));
    } else {
      SerializeRow(c, row, &key);
    }
    if (!s.keys.insert(std::move(key)).second) return;
    if (low_cardinality_) {
      s.values.AppendString(StringAtRow(c, row));
    } else {
      s.values.AppendRange(c, row, 1);
    }
  }

  DataTypePtr element_type_;
  bool low_cardinality_;
  uint64_t max_size_;
};

absl::StatusOr<std::unique_ptr<AggregateFunction>> MakeGroupUniqArray(absl::Span<const DataTypePtr> args,
                                                                      absl::Span<const format::Value> params) {
  if (args.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("groupUniqArray: takes 1 argument, got ", args.size()));
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t max_size, MaxSizeParameter("groupUniqArray", params));
  return std::unique_ptr<AggregateFunction>(new GroupUniqArray(args[0], max_size));
}

}  // namespace

void RegisterGroupUniqArray(AggregateRegistry& registry) {
  registry.Register("groupUniqArray", SkipNullArguments(MakeGroupUniqArray, NullResult::kNested));
}

}  // namespace tally::engine::exec
