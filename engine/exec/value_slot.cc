#include "engine/exec/value_slot.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "engine/exec/aggregate_util.h"

namespace tally::engine::exec {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

SlotType SlotType::For(const DataType& type) {
  if (type.is_fixed_width() && type.fixed_width() <= 16) {
    return SlotType{SlotKind::kFixed, static_cast<uint8_t>(type.fixed_width())};
  }
  if (type.id() == TypeId::kString || type.id() == TypeId::kLowCardinality) {
    return SlotType{SlotKind::kString, 0};
  }
  return SlotType{SlotKind::kGeneric, 0};
}

DataTypePtr ValueResultType(const DataTypePtr& type) {
  if (type->id() == TypeId::kLowCardinality) return DataType::Make(TypeId::kString);
  return type;
}

void ValueSlot::Destroy(const SlotType& type) {
  if (type.kind == SlotKind::kString) {
    std::free(u.str.data);
  } else if (type.kind == SlotKind::kGeneric) {
    delete u.value;
  }
  Init();
}

void ValueSlot::SetString(absl::string_view s) {
  if (s.size() > u.str.capacity) {
    // Grow geometrically: anyLast and argMax over a stream of strings reuse the buffer.
    size_t capacity = std::max<size_t>(s.size(), size_t{u.str.capacity} * 2);
    capacity = std::max<size_t>(capacity, 16);
    void* p = std::realloc(u.str.data, capacity);
    if (p == nullptr) throw std::bad_alloc();
    u.str.data = static_cast<char*>(p);
    u.str.capacity = static_cast<uint32_t>(capacity);
  }
  if (!s.empty()) std::memcpy(u.str.data, s.data(), s.size());
  u.str.size = static_cast<uint32_t>(s.size());
  has = 1;
}

void ValueSlot::SetValue(format::Value v) {
  if (u.value == nullptr) {
    u.value = new format::Value(std::move(v));
  } else {
    *u.value = std::move(v);
  }
  has = 1;
}

void ValueSlot::Assign(const SlotType& type, const Column& column, size_t row) {
  switch (type.kind) {
    case SlotKind::kFixed:
      std::memcpy(u.fixed, column.data.data() + row * type.width, type.width);
      has = 1;
      return;
    case SlotKind::kString:
      SetString(StringAtRow(column, row));
      return;
    case SlotKind::kGeneric:
      SetValue(column.GetValue(row));
      return;
  }
}

void ValueSlot::Assign(const SlotType& type, const ValueSlot& other) {
  if (!other.has) return;
  switch (type.kind) {
    case SlotKind::kFixed:
      std::memcpy(u.fixed, other.u.fixed, type.width);
      has = 1;
      return;
    case SlotKind::kString:
      SetString(other.string());
      return;
    case SlotKind::kGeneric:
      SetValue(*other.u.value);
      return;
  }
}

void ValueSlot::Finalize(const SlotType& type, Column* out) const {
  if (!has) {
    out->AppendDefault();
    return;
  }
  switch (type.kind) {
    case SlotKind::kFixed:
      out->data.append(u.fixed, type.width);
      return;
    case SlotKind::kString:
      out->AppendString(string());
      return;
    case SlotKind::kGeneric:
      // The value came from a column of this very type, so it fits.
      if (!out->AppendValue(*u.value).ok()) out->AppendDefault();
      return;
  }
}

size_t ValueSlot::HeapBytes(const SlotType& type) const {
  if (type.kind == SlotKind::kString) return u.str.capacity;
  if (type.kind == SlotKind::kGeneric && u.value != nullptr)
    return sizeof(format::Value) + 64;  // rough
  return 0;
}

}  // namespace tally::engine::exec
