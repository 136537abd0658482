// Json functions. (Being written: registers nothing yet.)
#include "engine/exec/function.h"

namespace tally::engine::exec {

void RegisterJsonFunctions(FunctionRegistry& registry) { (void)registry; }

}  // namespace tally::engine::exec
