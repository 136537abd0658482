// Test helpers for scalar functions: build argument columns from Values, bind a function
// from the global registry the way the planner does (types plus constant values), run it,
// and read the result back as Values.
#ifndef TALLY_TESTS_ENGINE_CALL_FUNCTION_H_
#define TALLY_TESTS_ENGINE_CALL_FUNCTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/function.h"
#include "format/column.h"
#include "format/status_macros.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::testing {

struct FnArg {
  format::Column column;
  bool is_const = false;
};

inline FnArg ColumnOf(format::DataTypePtr type, const std::vector<format::Value>& values) {
  FnArg a{format::Column::Make(std::move(type)), false};
  for (const format::Value& v : values) {
    absl::Status s = a.column.AppendValue(v);
    if (!s.ok()) abort();  // a broken test, not a tested behaviour
  }
  return a;
}

inline FnArg ConstOf(format::DataTypePtr type, const format::Value& value) {
  FnArg a = ColumnOf(std::move(type), {value});
  a.is_const = true;
  return a;
}

inline format::DataTypePtr T(format::TypeId id) { return format::DataType::Make(id); }
inline format::DataTypePtr StringT() { return T(format::TypeId::kString); }
inline format::DataTypePtr LowCardinalityT() { return format::DataType::LowCardinality(StringT()); }
inline format::Value S(std::string s) { return format::Value::String(std::move(s)); }
inline format::Value U(uint64_t v) { return format::Value::UInt(v); }
inline format::Value I(int64_t v) { return format::Value::Int(v); }

inline absl::StatusOr<std::unique_ptr<engine::exec::BoundFunction>> BindFn(
    const std::string& name, const std::vector<FnArg>& args,
    const engine::exec::FunctionContext& context = {}) {
  const engine::exec::FunctionFactory* factory =
      engine::exec::FunctionRegistry::Global().Find(name);
  if (factory == nullptr) return absl::NotFoundError(absl::StrCat("no function ", name));
  std::vector<engine::exec::ArgInfo> infos;
  for (const FnArg& a : args) infos.push_back({a.column.type, a.is_const ? &a.column : nullptr});
  return (*factory)(infos, context);
}

// Binds and runs `name` over `rows` rows (default: the first non-constant argument's size,
// or 1 when all are constant).
inline absl::StatusOr<format::Column> CallFn(const std::string& name,
                                             const std::vector<FnArg>& args,
                                             const engine::exec::FunctionContext& context = {},
                                             size_t rows = SIZE_MAX) {
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<engine::exec::BoundFunction> fn,
                         BindFn(name, args, context));
  std::vector<engine::exec::ColumnArg> cols;
  for (const FnArg& a : args) {
    cols.push_back({&a.column, a.is_const});
    if (rows == SIZE_MAX && !a.is_const) rows = a.column.size();
  }
  if (rows == SIZE_MAX) rows = 1;
  TALLY_ASSIGN_OR_RETURN(format::Column out, fn->Execute(cols, rows));
  if (!out.type->Equals(*fn->result_type())) {
    return absl::InternalError(absl::StrCat(name, ": result ", out.type->ToString(), " but bound ",
                                            fn->result_type()->ToString()));
  }
  TALLY_RETURN_IF_ERROR(out.Validate(name));
  if (out.size() != rows)
    return absl::InternalError(absl::StrCat(name, ": ", out.size(), " rows, want ", rows));
  return out;
}

inline std::vector<format::Value> ValuesOf(const format::Column& c) {
  std::vector<format::Value> out;
  for (size_t i = 0; i < c.size(); ++i) out.push_back(c.GetValue(i));
  return out;
}

}  // namespace tally::testing

#endif  // TALLY_TESTS_ENGINE_CALL_FUNCTION_H_
