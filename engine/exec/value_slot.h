// ValueSlot: one value of any column type kept inside an aggregate state (min, max, any,
// argMin's argument...). Fixed-width values up to 16 bytes (UUID included) live inline;
// strings in a heap buffer that is reused as the value changes; arrays and maps as a heap
// format::Value. 24 bytes, 8-aligned, trivially relocatable; a zeroed slot is empty.
//
// Not synchronized: a slot belongs to one state.
#ifndef TALLY_ENGINE_EXEC_VALUE_SLOT_H_
#define TALLY_ENGINE_EXEC_VALUE_SLOT_H_

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::engine::exec {

enum class SlotKind : uint8_t { kFixed, kString, kGeneric };

// How values of one type are kept. LowCardinality(String) is kept as a plain string.
struct SlotType {
  SlotKind kind = SlotKind::kFixed;
  uint8_t width = 0;  // kFixed: bytes per value

  static SlotType For(const format::DataType& type);
};

struct ValueSlot {
  struct StringBuffer {
    char* data;
    uint32_t size;
    uint32_t capacity;
  };
  union {
    uint8_t fixed[16];
    StringBuffer str;
    format::Value* value;
  } u;
  uint8_t has;  // 0 until a value is stored

  void Init() { std::memset(static_cast<void*>(this), 0, sizeof(*this)); }
  void Destroy(const SlotType& type);

  absl::string_view string() const { return absl::string_view(u.str.data, u.str.size); }
  void SetString(absl::string_view s);
  void SetValue(format::Value v);

  // Row `row` of `column` (a column of the slot's type; LowCardinality for kString too).
  void Assign(const SlotType& type, const format::Column& column, size_t row);
  void Assign(const SlotType& type, const ValueSlot& other);
  // Appends the value, or the type's default when the slot is empty, to `out` (a column of
  // the result type: String for a LowCardinality argument).
  void Finalize(const SlotType& type, format::Column* out) const;
  size_t HeapBytes(const SlotType& type) const;
};
static_assert(sizeof(ValueSlot) == 24, "ValueSlot is part of aggregate states");

// The result type of an aggregate that returns one of its argument's values:
// LowCardinality(String) -> String, everything else unchanged.
format::DataTypePtr ValueResultType(const format::DataTypePtr& type);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_VALUE_SLOT_H_
