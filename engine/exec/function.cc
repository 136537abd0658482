#include "engine/exec/function.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace tally::engine::exec {

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
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Register(const std::string& name, FunctionFactory factory, bool case_insensitive) {
  (case_insensitive ? insensitive_ : exact_).emplace_back(name, std::move(factory));
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

}  // namespace tally::engine::exec
