#include "engine/exec/aggregate_util.h"

#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

absl::StatusOr<uint64_t> MaxSizeParameter(absl::string_view name, absl::Span<const format::Value> params) {
  if (params.empty()) return std::numeric_limits<uint64_t>::max();
  if (params.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": takes at most one parameter (the max size)"));
  }
  const format::Value& p = params[0];
  const bool positive = (p.kind == format::Value::Kind::kUInt && p.u > 0) ||
                        (p.kind == format::Value::Kind::kInt && p.i > 0);
  if (!positive) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": the max size must be a positive integer, got ", p.DebugString()));
  }
  return p.kind == format::Value::Kind::kUInt ? p.u : static_cast<uint64_t>(p.i);
}

bool IsNullableArgument(const DataType& type) {
  return type.id() == TypeId::kNullable || type.is_nullable_low_cardinality();
}

DataTypePtr WithoutNullable(const DataTypePtr& type) {
  if (type->id() == TypeId::kNullable) return type->children()[0];
  if (type->is_nullable_low_cardinality())
    return DataType::LowCardinality(type->child(0).children()[0]);
  return type;
}

namespace {

bool CanBeInsideNullable(const DataType& type) {
  switch (type.id()) {
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kNullable:
    case TypeId::kLowCardinality:
      return false;
    default:
      return true;
  }
}

bool IsNullAt(const Column& c, size_t row) {
  if (c.type->id() == TypeId::kNullable) return c.nulls[row] != 0;
  if (c.type->is_nullable_low_cardinality()) return c.IndexAt(row) == 0;
  return false;
}

// The column the nested aggregate reads: a Nullable column's values, else the column
// itself (a LowCardinality(Nullable) column's NULL rows are removed by the caller).
const Column& Unwrapped(const Column& c) {
  return c.type->id() == TypeId::kNullable ? c.children[0] : c;
}

// State layout: the nested state, then (with kNullable) one flag byte "a row was added".
class NullSkipping : public AggregateFunction {
 public:
  NullSkipping(std::unique_ptr<AggregateFunction> nested, bool nullable_result)
      : nested_(std::move(nested)), nullable_result_(nullable_result) {
    result_type_ =
        nullable_result_ ? DataType::Nullable(nested_->result_type()) : nested_->result_type();
    flag_offset_ = nested_->state_size();
    size_t size = flag_offset_ + (nullable_result_ ? 1 : 0);
    size_t align = nested_->state_align();
    state_size_ = (size + align - 1) / align * align;
  }

  size_t state_size() const override { return state_size_; }
  size_t state_align() const override { return nested_->state_align(); }
  void Create(uint8_t* state) const override {
    nested_->Create(state);
    if (nullable_result_) state[flag_offset_] = 0;
  }
  void Destroy(uint8_t* state) const override { nested_->Destroy(state); }
  size_t HeapBytes(const uint8_t* state) const override { return nested_->HeapBytes(state); }
  void Merge(uint8_t* dst, const uint8_t* src) const override {
    nested_->Merge(dst, src);
    if (nullable_result_) dst[flag_offset_] |= src[flag_offset_];
  }
  // Payload: with a Nullable result, u8 1 when a row was added (else 0); then the nested
  // aggregate's payload.
  absl::Status Serialize(const uint8_t* state, std::string* out) const override {
    if (nullable_result_) out->push_back(static_cast<char>(state[flag_offset_]));
    return nested_->Serialize(state, out);
  }
  absl::Status Deserialize(absl::string_view bytes, uint8_t* state) const override {
    if (nullable_result_) {
      if (bytes.empty() || static_cast<uint8_t>(bytes[0]) > 1) {
        return absl::DataLossError("aggregate state: bad or missing NULL flag");
      }
      state[flag_offset_] = static_cast<uint8_t>(bytes[0]);
      bytes.remove_prefix(1);
    }
    return nested_->Deserialize(bytes, state);
  }
  void Finalize(const uint8_t* state, Column* out) const override {
    if (!nullable_result_) {
      nested_->Finalize(state, out);
    } else if (state[flag_offset_] == 0) {
      out->AppendDefault();
    } else {
      nested_->Finalize(state, &out->children[0]);
      out->nulls.push_back(0);
    }
  }

  void AddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                size_t rows) const override {
    AddNonNull(places, offset, args, rows, [&](uint8_t* const* p, absl::Span<const ColumnArg> a, size_t n) {
      nested_->AddBatch(p, offset, a, n);
      return absl::OkStatus();
    }).IgnoreError();  // cannot fail
  }
  absl::Status TryAddBatch(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    return AddNonNull(places, offset, args, rows, [&](uint8_t* const* p, absl::Span<const ColumnArg> a, size_t n) {
      return nested_->TryAddBatch(p, offset, a, n);
    });
  }
  void AddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args,
                           size_t rows) const override {
    AddNonNullSinglePlace(place, args, rows, [&](absl::Span<const ColumnArg> a, size_t n) {
      nested_->AddBatchSinglePlace(place, a, n);
      return absl::OkStatus();
    }).IgnoreError();  // cannot fail
  }
  absl::Status TryAddBatchSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows) const override {
    return AddNonNullSinglePlace(
        place, args, rows, [&](absl::Span<const ColumnArg> a, size_t n) { return nested_->TryAddBatchSinglePlace(place, a, n); });
  }

 private:
  // Hands the rows without a NULL argument (their places and arguments) to `add`, then
  // marks their states as having seen a row.
  template <typename Add>
  absl::Status AddNonNull(uint8_t* const* places, size_t offset, absl::Span<const ColumnArg> args, size_t rows,
                          Add add) const {
    std::vector<uint32_t> selected;
    std::vector<Column> storage;
    std::vector<ColumnArg> nested_args;
    if (!Select(args, rows, &selected, &storage, &nested_args)) {
      // Every row is non-NULL.
      TALLY_RETURN_IF_ERROR(add(places, absl::MakeConstSpan(nested_args), rows));
      if (nullable_result_) {
        for (size_t r = 0; r < rows; ++r) places[r][offset + flag_offset_] = 1;
      }
      return absl::OkStatus();
    }
    std::vector<uint8_t*> nested_places(selected.size());
    for (size_t i = 0; i < selected.size(); ++i) nested_places[i] = places[selected[i]];
    TALLY_RETURN_IF_ERROR(add(nested_places.data(), absl::MakeConstSpan(nested_args), selected.size()));
    if (nullable_result_) {
      for (uint8_t* place : nested_places) place[offset + flag_offset_] = 1;
    }
    return absl::OkStatus();
  }
  template <typename Add>
  absl::Status AddNonNullSinglePlace(uint8_t* place, absl::Span<const ColumnArg> args, size_t rows, Add add) const {
    std::vector<uint32_t> selected;
    std::vector<Column> storage;
    std::vector<ColumnArg> nested_args;
    size_t n = Select(args, rows, &selected, &storage, &nested_args) ? selected.size() : rows;
    if (n == 0) return absl::OkStatus();
    TALLY_RETURN_IF_ERROR(add(absl::MakeConstSpan(nested_args), n));
    if (nullable_result_) place[flag_offset_] = 1;
    return absl::OkStatus();
  }

  // Fills `nested_args` with the arguments the nested aggregate should see. Returns false
  // when every row qualifies (nested_args then cover rows [0, rows)); true when only
  // `selected` rows do (nested_args are compacted to them, held in `storage`).
  static bool Select(absl::Span<const ColumnArg> args, size_t rows, std::vector<uint32_t>* selected,
                     std::vector<Column>* storage, std::vector<ColumnArg>* nested_args) {
    bool any_null = false;
    std::vector<uint8_t> null_row;  // 1 where some argument is NULL
    for (const ColumnArg& a : args) {
      const Column& c = *a.column;
      if (!IsNullableArgument(*c.type)) continue;
      if (a.is_const) {
        if (IsNullAt(c, 0)) {
          null_row.assign(rows, 1);
          any_null = rows > 0;
        }
        continue;
      }
      if (null_row.empty()) null_row.assign(rows, 0);
      if (c.type->id() == TypeId::kNullable) {
        const uint8_t* nulls = c.nulls.data();
        for (size_t r = 0; r < rows; ++r) null_row[r] |= nulls[r];
      } else {
        for (size_t r = 0; r < rows; ++r) null_row[r] |= c.IndexAt(r) == 0;
      }
      if (!any_null) {
        for (size_t r = 0; r < rows && !any_null; ++r) any_null = null_row[r] != 0;
      }
    }
    nested_args->clear();
    if (!any_null) {
      for (const ColumnArg& a : args)
        nested_args->push_back(ColumnArg{&Unwrapped(*a.column), a.is_const});
      return false;
    }
    selected->reserve(rows);
    for (size_t r = 0; r < rows; ++r) {
      if (null_row[r] == 0) selected->push_back(static_cast<uint32_t>(r));
    }
    storage->reserve(args.size());
    for (const ColumnArg& a : args) {
      if (a.is_const) {
        nested_args->push_back(ColumnArg{&Unwrapped(*a.column), true});
      } else {
        storage->push_back(Column::Gather(Unwrapped(*a.column), *selected));
        nested_args->push_back(ColumnArg{&storage->back(), false});
      }
    }
    return true;
  }

  std::unique_ptr<AggregateFunction> nested_;
  bool nullable_result_;
  size_t flag_offset_ = 0;
  size_t state_size_ = 0;
};

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

AggregateFactory SkipNullArguments(AggregateFactory nested, NullResult result) {
  return [nested = std::move(nested), result](absl::Span<const DataTypePtr> args,
                                              absl::Span<const format::Value> params)
             -> absl::StatusOr<std::unique_ptr<AggregateFunction>> {
    bool any_nullable = false;
    std::vector<DataTypePtr> plain;
    for (const DataTypePtr& t : args) {
      any_nullable |= IsNullableArgument(*t);
      plain.push_back(WithoutNullable(t));
    }
    if (!any_nullable) return nested(args, params);
    TALLY_ASSIGN_OR_RETURN(std::unique_ptr<AggregateFunction> fn, nested(plain, params));
    bool nullable_result =
        result == NullResult::kNullable && CanBeInsideNullable(*fn->result_type());
    return std::unique_ptr<AggregateFunction>(new NullSkipping(std::move(fn), nullable_result));
  };
}

void SerializeRow(const Column& column, size_t row, std::string* out) {
  switch (column.type->id()) {
    case TypeId::kString: {
      absl::string_view s = column.StringAt(row);
      PutVarint(s.size(), out);
      out->append(s.data(), s.size());
      return;
    }
    case TypeId::kLowCardinality: {
      uint32_t index = column.IndexAt(row);
      if (column.type->is_nullable_low_cardinality()) {
        out->push_back(index == 0 ? 1 : 0);
        if (index == 0) return;
      }
      absl::string_view s = column.dictionary->StringAt(index);
      PutVarint(s.size(), out);
      out->append(s.data(), s.size());
      return;
    }
    case TypeId::kNullable:
      out->push_back(column.nulls[row] ? 1 : 0);
      if (!column.nulls[row]) SerializeRow(column.children[0], row, out);
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      uint64_t begin = row == 0 ? 0 : column.offsets[row - 1];
      uint64_t end = column.offsets[row];
      PutVarint(end - begin, out);
      for (uint64_t k = begin; k < end; ++k) {
        for (const Column& child : column.children) SerializeRow(child, k, out);
      }
      return;
    }
    default: {
      size_t w = column.type->fixed_width();
      out->append(reinterpret_cast<const char*>(column.data.data()) + row * w, w);
      return;
    }
  }
}

}  // namespace tally::engine::exec
