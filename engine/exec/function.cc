#include "engine/exec/function.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/aggregate_state.h"
#include "engine/exec/function_util.h"

namespace tally::engine::exec {

namespace {

// ClickHouse types a NULL literal as Nothing, which every function takes and answers NULL
// for; tally gives it a stand-in type (Nullable(UInt8)). When a function rejects that
// type, the call is still NULL: upper(NULL), length(NULL), toYYYYMM(NULL).
FunctionFactory AnswerNullForRejectedNullLiterals(FunctionFactory factory) {
  return [factory = std::move(factory)](absl::Span<const ArgInfo> args, const FunctionContext& context)
             -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    absl::StatusOr<std::unique_ptr<BoundFunction>> bound = factory(args, context);
    if (bound.ok() || !absl::IsInvalidArgument(bound.status())) return bound;
    for (const ArgInfo& a : args) {
      if (!IsNullLiteral(a)) continue;
      format::DataTypePtr type = MakeNullable(StripLowCardinality(StripNullable(a.type)));
      return std::make_unique<LambdaFunction>(type, [type](absl::Span<const ColumnArg>, size_t rows) {
        format::Column c = format::Column::Make(type);
        for (size_t r = 0; r < rows; ++r) c.AppendDefault();
        return absl::StatusOr<format::Column>(std::move(c));
      });
    }
    return bound;
  };
}

// An AggregateFunction(...) value is physically a String (format/types.h), so every string
// function would take it: as in ClickHouse, only these functions do.
bool TakesAggregateStates(absl::string_view name) {
  for (absl::string_view n : {"finalizeAggregation", "toTypeName", "toColumnTypeName", "CAST", "_CAST", "isNull",
                              "isNotNull", "ignore", "byteSize", "dumpColumnStructure"}) {
    if (absl::EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

FunctionFactory RefuseAggregateStates(const std::string& name, FunctionFactory factory) {
  if (TakesAggregateStates(name)) return factory;
  return [name, factory = std::move(factory)](absl::Span<const ArgInfo> args, const FunctionContext& context)
             -> absl::StatusOr<std::unique_ptr<BoundFunction>> {
    for (const ArgInfo& a : args) {
      if (a.type->is_aggregate_state()) {
        return CodedError(ErrorCode::kIllegalTypeOfArgument,
            absl::StrCat("Illegal type ", a.type->ToString(), " of argument of function ", name));
      }
    }
    return factory(args, context);
  };
}

}  // namespace

FunctionRegistry& FunctionRegistry::Global() {
  static FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterArithmeticFunctions(*r);
    RegisterConditionalFunctions(*r);
    RegisterStringFunctions(*r);
    RegisterTimeFunctions(*r);
    RegisterJsonFunctions(*r);
    RegisterCollectionFunctions(*r);
    RegisterTypeFunctions(*r);
    RegisterHashFunctions(*r);
    RegisterServerFunctions(*r);
    RegisterAggregateStateFunctions(*r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Register(const std::string& name, FunctionFactory factory, bool case_insensitive) {
  (case_insensitive ? insensitive_ : exact_)
      .emplace_back(name, RefuseAggregateStates(name, AnswerNullForRejectedNullLiterals(std::move(factory))));
}

void FunctionRegistry::RegisterTakingNullLiterals(const std::string& name, FunctionFactory factory) {
  exact_.emplace_back(name, RefuseAggregateStates(name, std::move(factory)));
}

void FunctionRegistry::RegisterAlias(const std::string& alias, const std::string& target, bool case_insensitive) {
  const FunctionFactory* f = Find(target);
  if (f == nullptr) return;  // REQUIRES says it is there; a missing target registers nothing
  (case_insensitive ? insensitive_ : exact_).emplace_back(alias, *f);
  aliases_.emplace_back(alias, target);
}

const FunctionFactory* FunctionRegistry::Find(absl::string_view name) const {
  for (const auto& [n, f] : exact_) {
    if (n == name) return &f;
  }
  for (const auto& [n, f] : insensitive_) {
    if (absl::EqualsIgnoreCase(n, name)) return &f;
  }
  return nullptr;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [n, f] : exact_) out.push_back(n);
  for (const auto& [n, f] : insensitive_) out.push_back(n);
  return out;
}

std::vector<FunctionRegistry::Entry> FunctionRegistry::Entries() const {
  std::vector<Entry> out;
  for (const auto& [n, f] : exact_) out.push_back({n, false, ""});
  for (const auto& [n, f] : insensitive_) out.push_back({n, true, ""});
  for (Entry& e : out) {
    for (const auto& [alias, target] : aliases_) {
      if (alias == e.name) e.alias_to = target;
    }
  }
  return out;
}

namespace {
class DeferredError : public BoundFunction {
 public:
  DeferredError(format::DataTypePtr type, absl::Status error) : error_(std::move(error)) {
    result_type_ = std::move(type);
  }
  absl::StatusOr<format::Column> Execute(absl::Span<const ColumnArg>, size_t) const override { return error_; }
  const absl::Status* deferred_error() const override { return &error_; }

 private:
  absl::Status error_;
};
}  // namespace

std::unique_ptr<BoundFunction> MakeDeferredError(format::DataTypePtr type, absl::Status error) {
  return std::make_unique<DeferredError>(std::move(type), std::move(error));
}

}  // namespace tally::engine::exec
