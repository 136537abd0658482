// Scalar functions: the vectorized kernels expressions are made of.
//
// A function is looked up by name in the registry, then bound to its argument types (and
// the values of its constant arguments, e.g. a time-zone name or a LIKE pattern) once per
// query; the bound function then executes over whole columns. A constant argument is a
// one-row column standing for every row (ColumnArg::is_const), so `tenant = 'acme'` never
// materializes 'acme' per row.
//
// Registry and factories are immutable after startup and thread-safe; a BoundFunction is
// immutable and may execute concurrently on different inputs.
#ifndef TALLY_ENGINE_EXEC_FUNCTION_H_
#define TALLY_ENGINE_EXEC_FUNCTION_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {

struct ColumnArg {
  const format::Column* column = nullptr;
  bool is_const = false;  // one row, standing for every row
  size_t row(size_t r) const { return is_const ? 0 : r; }
};

// What binding sees of one argument.
struct ArgInfo {
  format::DataTypePtr type;
  const format::Column* constant = nullptr;  // the value (one row) when the argument is constant
};

struct FunctionContext {
  std::string session_timezone = "UTC";  // for DateTime values without their own zone
  int64_t now_s = 0;                     // now(), fixed for the whole query
  std::string current_database = "default";  // currentDatabase()
  std::string current_user = "default";      // currentUser()
};

class BoundFunction {
 public:
  virtual ~BoundFunction() = default;
  const format::DataTypePtr& result_type() const { return result_type_; }
  // REQUIRES: args match the bound types; rows is the row count of the block (every
  // non-constant argument has that many rows). Returns a column of `rows` rows.
  virtual absl::StatusOr<format::Column> Execute(absl::Span<const ColumnArg> args, size_t rows) const = 0;
  // True when the result depends only on the arguments (constant folding is allowed).
  virtual bool deterministic() const { return true; }
  // True when the result depends only on the argument types (toTypeName, isNull of a value
  // that cannot be NULL): the call is a constant and its arguments are never evaluated, as
  // in ClickHouse, so toTypeName(intDiv(1, x)) fails on no row.
  virtual bool type_only() const { return false; }
  // The error this call raises whatever its rows (MakeDeferredError), or nullptr.
  virtual const absl::Status* deferred_error() const { return nullptr; }
  // Short-circuit functions (and, or, if, multiIf) read argument `k` on some rows only,
  // decided by the values of arguments 0..k-1 (`before`, standing for `rows` rows): sets
  // `needed` to one byte a row and returns true. False (the default): every row is read.
  // The evaluator uses it when argument k fails, to evaluate it again on the rows that
  // are read only, so an error from a row the function never reads is no error
  // (ClickHouse's short_circuit_function_evaluation).
  virtual bool RowsNeeding(size_t /*k*/, absl::Span<const ColumnArg> /*before*/, size_t /*rows*/,
                           std::vector<uint8_t>* /*needed*/) const {
    return false;
  }

 protected:
  format::DataTypePtr result_type_;
};

// Binds a function to argument types. InvalidArgument names the function and what is
// wrong ("plus: cannot add String and UInt8").
using FunctionFactory = std::function<absl::StatusOr<std::unique_ptr<BoundFunction>>(
    absl::Span<const ArgInfo> args, const FunctionContext& context)>;

class FunctionRegistry {
 public:
  static FunctionRegistry& Global();
  // Names are matched as ClickHouse does: exactly, then case-insensitively for the names
  // registered with `case_insensitive`.
  void Register(const std::string& name, FunctionFactory factory, bool case_insensitive = false);
  // For a function to which a NULL literal argument is a value like any other (the ELSE of
  // CASE): its binding errors stand even when an argument is a NULL literal, where
  // Register answers NULL for such calls (upper(NULL)).
  void RegisterTakingNullLiterals(const std::string& name, FunctionFactory factory);
  // `alias` calls the function registered as `target` (REQUIRES: registered before);
  // system.functions shows it with alias_to = target.
  void RegisterAlias(const std::string& alias, const std::string& target, bool case_insensitive = false);
  const FunctionFactory* Find(absl::string_view name) const;
  std::vector<std::string> Names() const;

  // One registered name, as system.functions lists it.
  struct Entry {
    std::string name;
    bool case_insensitive = false;
    std::string alias_to;  // "" unless registered with RegisterAlias
  };
  std::vector<Entry> Entries() const;

 private:
  std::vector<std::pair<std::string, FunctionFactory>> exact_;
  std::vector<std::pair<std::string, FunctionFactory>> insensitive_;
  std::vector<std::pair<std::string, std::string>> aliases_;  // alias, target
};

// Every group of functions registers itself from one explicit list
// (engine/exec/builtin_functions.cc), so nothing depends on static initialization order
// or on the linker keeping unreferenced objects.
void RegisterArithmeticFunctions(FunctionRegistry& registry);   // plus minus ... comparisons, logic
void RegisterConditionalFunctions(FunctionRegistry& registry);  // if multiIf coalesce ifNull isNull ...
void RegisterStringFunctions(FunctionRegistry& registry);       // lower upper like position hasToken ...
void RegisterTimeFunctions(FunctionRegistry& registry);         // now today toDate toStartOf* ...
void RegisterJsonFunctions(FunctionRegistry& registry);         // JSONExtract* JSON_VALUE
void RegisterCollectionFunctions(FunctionRegistry& registry);   // arrays, maps, has, mapKeys ...
void RegisterTypeFunctions(FunctionRegistry& registry);         // CAST toUInt64 toString toTypeName ...
void RegisterHashFunctions(FunctionRegistry& registry);         // cityHash64 sipHash64 xxh3 intHash64 ...
void RegisterServerFunctions(FunctionRegistry& registry);       // version uptime hostName currentUser ...

// A BoundFunction from a lambda, for simple kernels.
class LambdaFunction : public BoundFunction {
 public:
  using Kernel = std::function<absl::StatusOr<format::Column>(absl::Span<const ColumnArg>, size_t)>;
  LambdaFunction(format::DataTypePtr result_type, Kernel kernel, bool deterministic = true)
      : kernel_(std::move(kernel)), deterministic_(deterministic) {
    result_type_ = std::move(result_type);
  }
  absl::StatusOr<format::Column> Execute(absl::Span<const ColumnArg> args, size_t rows) const override {
    return kernel_(args, rows);
  }
  bool deterministic() const override { return deterministic_; }

 private:
  Kernel kernel_;
  bool deterministic_;
};

// A LambdaFunction whose result depends only on the argument types (see type_only()).
class TypeOnlyFunction : public LambdaFunction {
 public:
  using LambdaFunction::LambdaFunction;
  bool type_only() const override { return true; }
};

// A call that fails with `error` whatever its rows (a constant that does not convert to
// the other side's type). Binding a whole expression (sql::Bind) raises it unless constant
// folding dropped the call (`0 AND d = 'x'`, toTypeName(d = 'x')), as ClickHouse raises it
// only for a call it keeps.
std::unique_ptr<BoundFunction> MakeDeferredError(format::DataTypePtr type, absl::Status error);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_FUNCTION_H_
