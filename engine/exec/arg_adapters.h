// Argument adapters: let a scalar kernel see only plain argument types.
//
// Most kernels are written for String, numbers and times. BindPlain wraps such a kernel
// so it also serves, with ClickHouse's default semantics:
//   - Nullable(T) arguments (and LowCardinality(Nullable(String))): the kernel is bound to
//     T, runs on the nested values, and the result becomes Nullable(R), NULL in every row
//     where an argument is NULL (Array and Map results cannot be Nullable: their NULL rows
//     hold the result for the nested default value, '' or 0, as in ClickHouse);
//   - LowCardinality(String) arguments: the kernel is bound to String. When the
//     LowCardinality column is the only non-constant argument, the kernel runs once per
//     dictionary entry and the result is mapped through the indexes; when every other
//     argument was bound as a constant, that per-dictionary result is kept for the next
//     block that shares the dictionary (every block of one part does). The exception is
//     a dictionary over 16x larger than the block with no cached result (a few rows read
//     from a big part): those rows are materialized instead, as are LowCardinality
//     arguments next to other non-constant ones.
// The kernel therefore never sees Nullable or LowCardinality columns.
//
// The returned BoundFunction is thread-safe (its dictionary cache is behind a mutex).
#ifndef TALLY_ENGINE_EXEC_ARG_ADAPTERS_H_
#define TALLY_ENGINE_EXEC_ARG_ADAPTERS_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/exec/function.h"
#include "format/column.h"

namespace tally::engine::exec {

// Binds a kernel to plain argument types (no Nullable, no LowCardinality). Constants are
// passed along (as one-row plain columns); a binder that keeps a constant copies it.
using PlainBinder = std::function<absl::StatusOr<std::unique_ptr<BoundFunction>>(
    absl::Span<const ArgInfo> plain_args, const FunctionContext& context)>;

absl::StatusOr<std::unique_ptr<BoundFunction>> BindPlain(absl::Span<const ArgInfo> args,
                                                         const FunctionContext& context,
                                                         const PlainBinder& bind);

// Registers `bind` under `name` behind BindPlain.
void RegisterPlain(FunctionRegistry& registry, const std::string& name, PlainBinder bind,
                   bool case_insensitive = false);

// The type a kernel sees for `type`: Nullable and LowCardinality stripped.
format::DataTypePtr PlainType(const format::DataTypePtr& type);

// A LowCardinality column (or one-row constant) as a String column.
format::Column MaterializeLowCardinality(const format::Column& column);

// --- Helpers kernels share ---

// A LambdaFunction that, when every argument is constant, runs the kernel on one row and
// repeats the result for every row.
std::unique_ptr<BoundFunction> MakeKernel(format::DataTypePtr result_type,
                                          LambdaFunction::Kernel kernel, bool deterministic = true);
// Row 0 of `one`, `rows` times.
format::Column RepeatRow(const format::Column& one, size_t rows);

bool IsString(const format::DataType& type);  // String (what a kernel sees of strings)
// The constant's value as a string, or nullptr when the argument is not a constant String.
const format::Column* StringConstant(const ArgInfo& arg);
// The constant as int64 when the argument is a constant integer.
bool IntegerConstant(const ArgInfo& arg, int64_t* value);

// Row r of a String column (or one-row constant).
class StringArg {
 public:
  explicit StringArg(const ColumnArg& arg)
      : offsets_(arg.column->offsets.data()),
        chars_(reinterpret_cast<const char*>(arg.column->chars.data())),
        is_const_(arg.is_const) {}
  absl::string_view operator[](size_t r) const {
    if (is_const_) r = 0;
    uint64_t begin = r == 0 ? 0 : offsets_[r - 1];
    return absl::string_view(chars_ + begin, offsets_[r] - begin);
  }
  bool is_const() const { return is_const_; }

 private:
  const uint64_t* offsets_;
  const char* chars_;
  bool is_const_;
};

// Row r of an integer column of any width and signedness, as int64 (UInt64 above INT64_MAX
// saturates). REQUIRES: the type is an integer, Bool, Date or DateTime.
int64_t IntegerAt(const ColumnArg& arg, size_t r);

// An invalid-argument error "name: what".
absl::Status ArgError(absl::string_view function, absl::string_view what);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_ARG_ADAPTERS_H_
