// Time functions. (Being written: registers nothing yet.)
#include "engine/exec/function.h"

namespace tally::engine::exec {

void RegisterTimeFunctions(FunctionRegistry& registry) { (void)registry; }

}  // namespace tally::engine::exec
