#include "engine/exec/in_set.h"

#include <cmath>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/accurate_cast.h"
#include "engine/exec/constant_conversion.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::PodVector;
using format::TypeId;

namespace {

// The values of one type (String, or fixed-width up to 16 bytes).
class ValueSet {
 public:
  explicit ValueSet(DataTypePtr type) : type_(std::move(type)), width_(type_->fixed_width()) {}

  const DataTypePtr& type() const { return type_; }

  void Insert(const Column& c, size_t i) {
    if (width_ != 0 && width_ <= 8) {
      fixed_.insert(FixedKey(c, i));
    } else {
      strings_.insert(std::string(Bytes(c, i)));
    }
  }
  bool Contains(const Column& c, size_t i) const {
    if (width_ != 0 && width_ <= 8) return fixed_.contains(FixedKey(c, i));
    return strings_.contains(Bytes(c, i));
  }

 private:
  absl::string_view Bytes(const Column& c, size_t i) const {
    if (width_ == 0) return c.StringAt(i);
    return absl::string_view(reinterpret_cast<const char*>(c.data.data()) + i * width_, width_);
  }
  uint64_t FixedKey(const Column& c, size_t i) const {
    uint64_t key = 0;
    std::memcpy(&key, c.data.data() + i * width_, width_);
    return key;
  }

  DataTypePtr type_;
  size_t width_;
  absl::flat_hash_set<uint64_t> fixed_;
  absl::flat_hash_set<std::string> strings_;
};

class InSet : public BoundFunction {
 public:
  // `convert`: x's values are converted to the set's type first (a subquery of another type).
  InSet(const DataType& lhs, std::shared_ptr<const ValueSet> set, bool convert, bool negate,
        const FunctionContext& context)
      : set_(std::move(set)), convert_(convert), negate_(negate), context_(context) {
    nullable_ = IsNullableType(lhs);
    result_type_ = nullable_ ? DataType::Nullable(TypeOf(TypeId::kUInt8)) : TypeOf(TypeId::kUInt8);
  }

  absl::StatusOr<Column> Execute(absl::Span<const ColumnArg> args, size_t rows) const override {
    const Column& c = *args[0].column;
    Column out = AllocateFixed(TypeOf(TypeId::kUInt8), rows);
    PodVector<uint8_t> nulls;
    if (nullable_) nulls.resize(rows, 0);
    if (c.type->id() == TypeId::kLowCardinality) {
      // Once per dictionary entry, then through the indexes; entry 0 of a nullable
      // dictionary is NULL.
      const bool nullable_dict = c.type->is_nullable_low_cardinality();
      TALLY_ASSIGN_OR_RETURN(std::vector<uint8_t> entry, Lookup(*c.dictionary));
      for (size_t r = 0; r < rows; ++r) {
        const uint32_t index = c.IndexAt(args[0].row(r));
        out.data[r] = entry[index];
        if (nullable_dict && index == 0) {
          out.data[r] = 0;
          nulls[r] = 1;
        }
      }
    } else {
      const bool nullable_column = c.type->id() == TypeId::kNullable;
      const Column& values = nullable_column ? c.children[0] : c;
      TALLY_ASSIGN_OR_RETURN(std::vector<uint8_t> found, Lookup(values));
      for (size_t r = 0; r < rows; ++r) {
        const size_t i = args[0].row(r);
        out.data[r] = found[i];
        if (nullable_column && c.nulls[i]) {
          out.data[r] = 0;
          nulls[r] = 1;
        }
      }
    }
    if (!nullable_) return out;
    return WrapNullable(std::move(out), std::move(nulls));
  }

 private:
  // Per value of `values`: the answer (found != negate; a value that does not convert to
  // the set's type is never found).
  absl::StatusOr<std::vector<uint8_t>> Lookup(const Column& values) const {
    std::vector<uint8_t> answer(values.size());
    if (!convert_ || values.type->Equals(*set_->type())) {
      for (size_t i = 0; i < values.size(); ++i) answer[i] = set_->Contains(values, i) != negate_;
      return answer;
    }
    TALLY_ASSIGN_OR_RETURN(Column converted, AccurateCastOrNull(values, set_->type(), context_));
    const Column& probe = converted.children[0];
    for (size_t i = 0; i < values.size(); ++i) {
      answer[i] = (converted.nulls[i] ? false : set_->Contains(probe, i)) != negate_;
    }
    return answer;
  }

  std::shared_ptr<const ValueSet> set_;
  bool convert_;
  bool negate_;
  FunctionContext context_;
  bool nullable_ = false;
};

absl::Status CheckLeft(const DataTypePtr& lhs) {
  const DataType& t = *ComparisonValueType(lhs);
  if (t.id() == TypeId::kArray || t.id() == TypeId::kMap) {
    return absl::UnimplementedError(absl::StrCat("IN with ", t.ToString(), " on the left is not supported yet"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<BoundFunction>> MakeInList(const DataTypePtr& lhs, absl::Span<const Column> items,
                                                          bool negate, const FunctionContext& context, size_t* values) {
  TALLY_RETURN_IF_ERROR(CheckLeft(lhs));
  auto set = std::make_shared<ValueSet>(ComparisonValueType(lhs));
  size_t kept = 0;
  for (const Column& item : items) {
    TALLY_ASSIGN_OR_RETURN(std::optional<Column> value, ConvertConstant(item, lhs, ConstantUse::kInList, context));
    if (value) {
      set->Insert(*value, 0);
      ++kept;
    }
  }
  if (values != nullptr) *values = kept;
  return std::make_unique<InSet>(*lhs, std::move(set), /*convert=*/false, negate, context);
}

absl::StatusOr<std::unique_ptr<BoundFunction>> MakeInSubquery(const DataTypePtr& lhs, const Column& values,
                                                              bool negate, const FunctionContext& context) {
  TALLY_RETURN_IF_ERROR(CheckLeft(lhs));
  const DataTypePtr set_type = ComparisonValueType(values.type);
  if (set_type->id() == TypeId::kArray || set_type->id() == TypeId::kMap) {
    return absl::UnimplementedError(
        absl::StrCat("IN with a subquery of ", set_type->ToString(), " is not supported yet"));
  }
  auto set = std::make_shared<ValueSet>(set_type);
  // The subquery's rows as plain values of its type (NULLs left out).
  const Column* plain = &values;
  Column converted;
  if (!values.type->Equals(*set_type)) {
    TALLY_ASSIGN_OR_RETURN(converted, ConvertColumn(values, MakeNullable(set_type), context, "in"));
    plain = &converted;
  }
  const bool nullable = plain->type->id() == TypeId::kNullable;
  const Column& inner = nullable ? plain->children[0] : *plain;
  for (size_t i = 0; i < inner.size(); ++i) {
    if (!nullable || !plain->nulls[i]) set->Insert(inner, i);
  }
  const bool convert = !ComparisonValueType(lhs)->Equals(*set_type);
  return std::make_unique<InSet>(*lhs, std::move(set), convert, negate, context);
}

}  // namespace tally::engine::exec
