// Uniq aggregates. (Being written: registers nothing yet.)
#include "engine/exec/aggregate_function.h"

namespace tally::engine::exec {

void RegisterUniqAggregates(AggregateRegistry& registry) { (void)registry; }

}  // namespace tally::engine::exec
