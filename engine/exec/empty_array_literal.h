// IsEmptyArrayLiteral: recognizes the literal [] among a function's arguments.
//
// ClickHouse types [] as Array(Nothing); tally has no Nothing type and gives array() the
// type Array(UInt8). The functions where the difference shows (has and indexOf find nothing
// of any type, [][i] is an error, toTypeName prints Array(Nothing)) recognize [] by this: a
// constant, empty Array(UInt8). Pure function; thread-safe.
#ifndef TALLY_ENGINE_EXEC_EMPTY_ARRAY_LITERAL_H_
#define TALLY_ENGINE_EXEC_EMPTY_ARRAY_LITERAL_H_

#include "engine/exec/function.h"
#include "format/types.h"

namespace tally::engine::exec {

inline bool IsEmptyArrayLiteral(const ArgInfo& arg) {
  const format::DataType& t = *arg.type;
  return arg.constant != nullptr && t.id() == format::TypeId::kArray &&
         t.child(0).id() == format::TypeId::kUInt8 && arg.constant->size() == 1 &&
         arg.constant->offsets[0] == 0;
}

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_EMPTY_ARRAY_LITERAL_H_
