// Type functions. (Being written: registers nothing yet.)
#include "engine/exec/function.h"

namespace tally::engine::exec {

void RegisterTypeFunctions(FunctionRegistry& registry) { (void)registry; }

}  // namespace tally::engine::exec
