// Helpers shared by the aggregate functions (basic, uniq, quantile) and the Aggregator:
// NULL handling as ClickHouse's Null combinator does it, string access that treats String
// and LowCardinality(String) alike, and an unambiguous byte encoding of a row (for exact
// distinct counting and multi-column GROUP BY keys).
//
// Stateless functions; the wrapper aggregates they build are immutable and thread-safe.
#ifndef TALLY_ENGINE_EXEC_AGGREGATE_UTIL_H_
#define TALLY_ENGINE_EXEC_AGGREGATE_UTIL_H_

#include <cstdint>
#include <new>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "engine/exec/aggregate_function.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {

// Nullable(T) or LowCardinality(Nullable(String)).
bool IsNullableArgument(const format::DataType& type);
// Nullable(T) -> T; LowCardinality(Nullable(String)) -> LowCardinality(String); others as is.
format::DataTypePtr WithoutNullable(const format::DataTypePtr& type);

// What an aggregate returns when it saw only NULLs (or nothing) and an argument is Nullable.
enum class NullResult {
  kNullable,  // result is Nullable(T): NULL when no row had all arguments non-NULL (sum, min,
              // avg...)
  kNested,    // result stays the nested type (uniq, quantiles: they skip NULLs only)
};

// ClickHouse's Null combinator: when an argument type is nullable, rows where any argument
// is NULL are skipped and the nested aggregate is bound to the non-nullable types (it sees
// the Nullable columns' children, or the LowCardinality column without its NULL rows).
// With kNullable the result type becomes Nullable(nested) unless that cannot hold it
// (Array, Map). Without nullable arguments the nested aggregate is returned unchanged.
AggregateFactory SkipNullArguments(AggregateFactory nested, NullResult result);

// The -Distinct combinator over `nested` (bound to the same `args`): each state feeds the
// nested aggregate every distinct row of its arguments once, in the order first seen
// (engine/exec/distinct_combinator.cc). InvalidArgument without arguments.
absl::StatusOr<std::unique_ptr<AggregateFunction>> MakeDistinct(std::unique_ptr<AggregateFunction> nested,
                                                                absl::Span<const format::DataTypePtr> args);

// The base of an aggregate whose state is a heap object (a set, a t-digest, a column of
// values): the state is one pointer, null until the first value, so the many groups that
// see few rows cost a word each and an untouched state frees nothing. Subclasses read the
// object with Get (nullptr when nothing was added) and make it with Mutable.
template <typename T>
class BoxedAggregate : public AggregateFunction {
 public:
  size_t state_size() const override { return sizeof(T*); }
  void Create(uint8_t* state) const override { new (state) T*(nullptr); }
  void Destroy(uint8_t* state) const override {
    delete Get(state);
    Get(state) = nullptr;
  }

 protected:
  static T*& Get(uint8_t* state) { return *reinterpret_cast<T**>(state); }
  static const T* Get(const uint8_t* state) { return *reinterpret_cast<T* const*>(state); }
  // The object, made on first use by T's default constructor.
  static T& Mutable(uint8_t* state) {
    T*& p = Get(state);
    if (p == nullptr) p = new T();
    return *p;
  }
  // The object, made on first use from `make()` (called only then).
  template <typename Make>
  static T& Mutable(uint8_t* state, Make&& make) {
    T*& p = Get(state);
    if (p == nullptr) p = new T(make());
    return *p;
  }
};

// The max_size parameter of groupArray(max_size)(x) and groupUniqArray: none is no limit;
// else a positive integer. InvalidArgument naming `name` otherwise.
absl::StatusOr<uint64_t> MaxSizeParameter(absl::string_view name, absl::Span<const format::Value> params);

// Row `row` of a String or LowCardinality column.
inline absl::string_view StringAtRow(const format::Column& column, size_t row) {
  if (column.type->id() == format::TypeId::kLowCardinality) {
    return column.dictionary->StringAt(column.IndexAt(row));
  }
  return column.StringAt(row);
}

// Appends a prefix-free encoding of row `row` of `column` to `out`: two rows of the same
// type encode equally iff they are equal (floats compare by bits). Fixed-width values are
// their bytes, strings are a varint length and the bytes, Nullable a flag byte, arrays and
// maps a varint count and the elements.
void SerializeRow(const format::Column& column, size_t row, std::string* out);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_AGGREGATE_UTIL_H_
