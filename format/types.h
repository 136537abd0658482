// DataType: the column types tally stores, as a small immutable tree
// (Map(LowCardinality(String), String) is Map with two children).
//
// Immutable after construction; share DataTypePtr freely across threads.
#ifndef TALLY_FORMAT_TYPES_H_
#define TALLY_FORMAT_TYPES_H_

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "format/value.h"

namespace tally::format {

// Persisted in part metadata: values are only ever added.
enum class TypeId : uint8_t {
  kUInt8 = 1,
  kUInt16 = 2,
  kUInt32 = 3,
  kUInt64 = 4,
  kInt8 = 5,
  kInt16 = 6,
  kInt32 = 7,
  kInt64 = 8,
  kFloat32 = 9,
  kFloat64 = 10,
  kBool = 11,
  kDate = 12,        // UInt16 days since 1970-01-01
  kDateTime = 13,    // UInt32 seconds since the epoch
  kDateTime64 = 14,  // Int64 ticks of 10^-precision seconds since the epoch
  kUUID = 15,        // 16 bytes, big-endian as written in text
  kString = 16,
  kLowCardinality = 17,  // child: String or Nullable(String)
  kNullable = 18,        // child: the value type
  kArray = 19,           // child: the element type
  kMap = 20,             // children: key type, value type
};

class DataType;
using DataTypePtr = std::shared_ptr<const DataType>;

// What an aggregate-function column type says about its values. It is an annotation on a
// physical type, not a TypeId of its own, so that no switch on TypeId anywhere needs a
// case for it: every storage, codec, copy and gather path sees the physical type.
//
//   AggregateFunction(f(params), args...)  physically String: each value is one serialized
//                                          state of f (engine/exec/aggregate_state.h)
//   SimpleAggregateFunction(f, T)          physically T, and behaves as T everywhere; only
//                                          the type's name and the merge rules read f
struct AggregateSpec {
  bool simple = false;
  std::string function;           // "sum", "quantiles", "sumIf"
  std::vector<Value> params;      // quantiles(0.5, 0.9) -> {0.5, 0.9}
  std::vector<DataTypePtr> args;  // the argument types; SimpleAggregateFunction: {T}

  // "sum", "quantiles(0.5, 0.9)": the function as ClickHouse prints it inside the type.
  std::string FunctionText() const;
  bool Equals(const AggregateSpec& other) const;
};

class DataType {
 public:
  static DataTypePtr Make(TypeId id);
  static DataTypePtr DateTime(std::string timezone = "");
  static DataTypePtr DateTime64(int precision, std::string timezone = "");
  static DataTypePtr LowCardinality(DataTypePtr inner);
  static DataTypePtr Nullable(DataTypePtr inner);
  static DataTypePtr Array(DataTypePtr element);
  static DataTypePtr Map(DataTypePtr key, DataTypePtr value);
  // AggregateFunction(spec): a String annotated with `spec` (spec.simple must be false).
  static DataTypePtr AggregateState(AggregateSpec spec);
  // SimpleAggregateFunction(function, value): `value` annotated.
  static DataTypePtr SimpleAggregate(std::string function, const DataTypePtr& value);

  TypeId id() const { return id_; }
  int precision() const { return precision_; }            // DateTime64 only
  const std::string& timezone() const { return timezone_; }  // DateTime(64); "" = server's
  const std::vector<DataTypePtr>& children() const { return children_; }
  const DataType& child(size_t i) const { return *children_[i]; }
  // The aggregate annotation, or nullptr for a plain type.
  const AggregateSpec* aggregate() const { return aggregate_.get(); }
  // AggregateFunction(...): values are serialized states.
  bool is_aggregate_state() const { return aggregate_ != nullptr && !aggregate_->simple; }
  // The same type without its aggregate annotation (String for AggregateFunction, T for
  // SimpleAggregateFunction(f, T)); a plain type is returned as a copy.
  DataTypePtr WithoutAggregate() const;

  // Bytes per value for fixed-width types, 0 for String, LowCardinality, Nullable, Array
  // and Map.
  size_t fixed_width() const;
  bool is_fixed_width() const { return fixed_width() != 0; }
  bool is_integer() const;
  bool is_signed() const;
  bool is_float() const;
  bool is_time() const { return id_ == TypeId::kDate || id_ == TypeId::kDateTime || id_ == TypeId::kDateTime64; }
  // LowCardinality(Nullable(String)): NULL is dictionary entry 0.
  bool is_nullable_low_cardinality() const {
    return id_ == TypeId::kLowCardinality && child(0).id() == TypeId::kNullable;
  }

  // ClickHouse spelling: "DateTime64(3, 'UTC')", "Map(LowCardinality(String), String)".
  std::string ToString() const;
  bool Equals(const DataType& other) const;

 private:
  DataType(TypeId id, int precision, std::string timezone, std::vector<DataTypePtr> children)
      : id_(id), precision_(precision), timezone_(std::move(timezone)), children_(std::move(children)) {}

  TypeId id_;
  int precision_ = 0;
  std::string timezone_;
  std::vector<DataTypePtr> children_;
  std::shared_ptr<const AggregateSpec> aggregate_;
};

// Parses a type as written in ClickHouse DDL. Type names are case-sensitive as in
// ClickHouse, with the common aliases (BOOLEAN, INT, BIGINT, TEXT, ...) accepted.
// Errors are InvalidArgument naming the offending text and position.
absl::StatusOr<DataTypePtr> ParseDataType(absl::string_view text);

// Whether SimpleAggregateFunction(function, T) is allowed: the functions whose state is
// their result (any, anyLast, min, max, sum, sumWithOverflow, groupBitAnd/Or/Xor), so that
// merging values with the function is the same as merging states.
bool IsSimpleAggregateFunction(absl::string_view function);

}  // namespace tally::format

#endif  // TALLY_FORMAT_TYPES_H_
