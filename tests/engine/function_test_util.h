// Helpers for scalar function tests: build argument columns from Values, bind a function
// from the global registry with the arguments' types (and constants), execute it, and
// check that the result is a valid column of the bound type with one value per row.
#ifndef TALLY_TESTS_ENGINE_FUNCTION_TEST_UTIL_H_
#define TALLY_TESTS_ENGINE_FUNCTION_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::engine::exec::testing {

using format::Column;
using format::DataTypePtr;
using format::Value;

inline DataTypePtr T(absl::string_view text) {
  auto t = format::ParseDataType(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

inline Value U(uint64_t v) { return Value::UInt(v); }
inline Value I(int64_t v) { return Value::Int(v); }
inline Value F(double v) { return Value::Float(v); }
inline Value S(std::string v) { return Value::String(std::move(v)); }
inline Value N() { return Value::Null(); }
inline Value A(std::vector<Value> items) { return Value::Array(std::move(items)); }
inline Value M(std::vector<Value> kv) { return Value::Map(std::move(kv)); }

// One argument: a column, or a one-row constant.
struct Arg {
  Column column;
  bool is_const = false;
};

inline Column Build(absl::string_view type, const std::vector<Value>& values) {
  Column c = Column::Make(T(type));
  for (const Value& v : values) {
    absl::Status s = c.AppendValue(v);
    EXPECT_TRUE(s.ok()) << type << " <- " << v.DebugString() << ": " << s;
  }
  return c;
}

inline Arg Vec(absl::string_view type, const std::vector<Value>& values) { return Arg{Build(type, values), false}; }
inline Arg Const(absl::string_view type, const Value& v) { return Arg{Build(type, {v}), true}; }

struct Result {
  std::string type;
  std::vector<Value> values;
};

// Binds `name` to the arguments and runs it over `rows` rows (default: the rows of the
// first non-constant argument, or 1).
inline absl::StatusOr<Result> Call(absl::string_view name, const std::vector<Arg>& args, int64_t rows = -1,
                                   const FunctionContext& context = FunctionContext()) {
  const FunctionFactory* factory = FunctionRegistry::Global().Find(name);
  if (factory == nullptr) return absl::NotFoundError(absl::StrCat("no function ", name));
  std::vector<ArgInfo> infos;
  std::vector<ColumnArg> cols;
  for (const Arg& a : args) {
    infos.push_back(ArgInfo{a.column.type, a.is_const ? &a.column : nullptr});
    cols.push_back(ColumnArg{&a.column, a.is_const});
    if (rows < 0 && !a.is_const) rows = static_cast<int64_t>(a.column.size());
  }
  if (rows < 0) rows = 1;
  auto bound = (*factory)(infos, context);
  if (!bound.ok()) return bound.status();
  auto out = (*bound)->Execute(cols, static_cast<size_t>(rows));
  if (!out.ok()) return out.status();
  EXPECT_TRUE(out->type->Equals(*(*bound)->result_type()))
      << name << ": column type " << out->type->ToString() << " vs bound " << (*bound)->result_type()->ToString();
  absl::Status valid = out->Validate(name);
  EXPECT_TRUE(valid.ok()) << valid;
  EXPECT_EQ(out->size(), static_cast<size_t>(rows)) << name;
  Result r;
  r.type = (*bound)->result_type()->ToString();
  for (size_t i = 0; i < out->size(); ++i) r.values.push_back(out->GetValue(i));
  return r;
}

// The result type of binding `name` to `args`, or the error.
inline absl::StatusOr<std::string> TypeOfCall(absl::string_view name, const std::vector<Arg>& args) {
  const FunctionFactory* factory = FunctionRegistry::Global().Find(name);
  if (factory == nullptr) return absl::NotFoundError(absl::StrCat("no function ", name));
  std::vector<ArgInfo> infos;
  for (const Arg& a : args) infos.push_back(ArgInfo{a.column.type, a.is_const ? &a.column : nullptr});
  auto bound = (*factory)(infos, FunctionContext());
  if (!bound.ok()) return bound.status();
  return (*bound)->result_type()->ToString();
}

}  // namespace tally::engine::exec::testing

#define TALLY_EXPECT_CALL(call, want_type, want_values)        \
  do {                                                         \
    auto tally_r_ = (call);                                    \
    ASSERT_TRUE(tally_r_.ok()) << #call << " -> " << tally_r_.status(); \
    EXPECT_EQ(tally_r_->type, want_type) << #call;             \
    EXPECT_EQ(tally_r_->values, (want_values)) << #call;       \
  } while (0)

#endif  // TALLY_TESTS_ENGINE_FUNCTION_TEST_UTIL_H_
