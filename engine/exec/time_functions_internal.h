// Binding shared by the time function files (time_functions.cc,
// time_arith_functions.cc, date_format_functions.cc): the (t [, mode] [, tz]) signature.
//
// Pure; thread-safe.
#ifndef TALLY_ENGINE_EXEC_TIME_FUNCTIONS_INTERNAL_H_
#define TALLY_ENGINE_EXEC_TIME_FUNCTIONS_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/exec/function.h"
#include "engine/exec/time_zone_util.h"
#include "format/types.h"

namespace tally::engine::exec {

struct TimeBinding {
  format::DataTypePtr time_type;          // of argument 0 (plain)
  std::shared_ptr<const ZoneTable> zone;  // where local times are computed
  std::string result_zone;                // zone for DateTime results: explicit, else the input's
  int64_t mode = 0;                       // the constant mode argument, when allowed and given
};

// Checks (t [, mode] [, tz]) with t a DateTime or DateTime64 (or Date when allow_date), an
// optional constant integer mode (when allow_mode) and an optional constant zone name.
absl::StatusOr<TimeBinding> BindTimeArgs(absl::string_view name, absl::Span<const ArgInfo> args,
                                         const FunctionContext& context, bool allow_date,
                                         bool allow_mode);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_TIME_FUNCTIONS_INTERNAL_H_
