// Sub-groups of the arithmetic, string, time and JSON functions: each Register*Functions of
// function.h calls the sub-groups of its family, so builtin registration stays one list.
#ifndef TALLY_ENGINE_EXEC_FUNCTION_SUBGROUPS_H_
#define TALLY_ENGINE_EXEC_FUNCTION_SUBGROUPS_H_

#include "engine/exec/function.h"

namespace tally::engine::exec {

// From RegisterArithmeticFunctions.
void RegisterRoundingFunctions(FunctionRegistry& registry);  // round floor ceil trunc
// From RegisterConditionalFunctions.
void RegisterCaseWithExpression(FunctionRegistry& registry);  // CASE x WHEN ... END
// From RegisterStringFunctions.
void RegisterStringSearchFunctions(
    FunctionRegistry& registry);  // startsWith position like hasToken
void RegisterRegexpFunctions(FunctionRegistry& registry);  // match extract replaceRegexpAll ...
// From RegisterTimeFunctions.
void RegisterTimeArithmeticFunctions(
    FunctionRegistry& registry);                               // toInterval* add* toStartOfInterval
void RegisterDateFormatFunctions(FunctionRegistry& registry);  // formatDateTime

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_FUNCTION_SUBGROUPS_H_
