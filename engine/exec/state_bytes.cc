#include "engine/exec/state_bytes.h"

#include <cstring>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::Value;

namespace {

constexpr int kMaxValueDepth = 32;

// The zigzag varint PutStateValue writes for an Int.
int64_t ZigZagDecode(uint64_t z) { return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)); }

absl::StatusOr<Value> ReadValue(StateReader* in, int depth) {
  if (depth > kMaxValueDepth) return StateReader::Corrupt("value nested too deeply");
  TALLY_ASSIGN_OR_RETURN(uint8_t kind, in->ReadByte());
  switch (static_cast<Value::Kind>(kind)) {
    case Value::Kind::kNull:
      return Value::Null();
    case Value::Kind::kUInt: {
      TALLY_ASSIGN_OR_RETURN(uint64_t u, in->ReadVarint());
      return Value::UInt(u);
    }
    case Value::Kind::kInt: {
      TALLY_ASSIGN_OR_RETURN(uint64_t z, in->ReadVarint());
      return Value::Int(ZigZagDecode(z));
    }
    case Value::Kind::kFloat: {
      TALLY_ASSIGN_OR_RETURN(double f, in->Read<double>());
      return Value::Float(f);
    }
    case Value::Kind::kString: {
      TALLY_ASSIGN_OR_RETURN(uint64_t n, in->ReadCount(1));
      TALLY_ASSIGN_OR_RETURN(absl::string_view s, in->ReadBytes(n));
      return Value::String(std::string(s));
    }
    case Value::Kind::kArray:
    case Value::Kind::kMap: {
      TALLY_ASSIGN_OR_RETURN(uint64_t n, in->ReadCount(1));
      std::vector<Value> items;
      items.reserve(n);
      for (uint64_t i = 0; i < n; ++i) {
        TALLY_ASSIGN_OR_RETURN(Value item, ReadValue(in, depth + 1));
        items.push_back(std::move(item));
      }
      if (static_cast<Value::Kind>(kind) == Value::Kind::kArray) return Value::Array(std::move(items));
      if (n % 2 != 0) return StateReader::Corrupt("a map value with an odd number of items");
      return Value::Map(std::move(items));
    }
  }
  return StateReader::Corrupt(absl::StrCat("unknown value kind ", kind));
}

}  // namespace

absl::Status StateReader::Corrupt(absl::string_view why) {
  return absl::DataLossError(absl::StrCat("aggregate state: ", why));
}

absl::Status StateReader::Truncated(size_t wanted) const {
  return Corrupt(absl::StrCat("truncated: ", wanted, " bytes wanted, ", in_.size(), " left"));
}

absl::StatusOr<uint64_t> StateReader::ReadLongVarint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    TALLY_ASSIGN_OR_RETURN(uint8_t b, ReadByte());
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  return Corrupt("varint longer than 10 bytes");
}

absl::StatusOr<uint64_t> StateReader::ReadCount(size_t min_item_bytes) {
  TALLY_ASSIGN_OR_RETURN(uint64_t n, ReadVarint());
  if (min_item_bytes > 0 && n > in_.size() / min_item_bytes) {
    return Corrupt(absl::StrCat("count ", n, " larger than the ", in_.size(), " bytes left can hold"));
  }
  return n;
}

absl::Status StateReader::ExpectDone() const {
  if (!in_.empty()) return Corrupt(absl::StrCat(in_.size(), " unexpected bytes after the state"));
  return absl::OkStatus();
}

void PutStateValue(std::string* out, const Value& v) {
  out->push_back(static_cast<char>(v.kind));
  switch (v.kind) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kUInt:
      format::PutVarint64(out, v.u);
      return;
    case Value::Kind::kInt:
      format::PutVarint64(out, (static_cast<uint64_t>(v.i) << 1) ^ static_cast<uint64_t>(v.i >> 63));
      return;
    case Value::Kind::kFloat:
      PutRaw(out, v.f);
      return;
    case Value::Kind::kString:
      format::PutLengthPrefixed(out, v.s);
      return;
    case Value::Kind::kArray:
    case Value::Kind::kMap:
      format::PutVarint64(out, v.items.size());
      for (const Value& item : v.items) PutStateValue(out, item);
      return;
  }
}

absl::StatusOr<Value> ReadStateValue(StateReader* in) { return ReadValue(in, 0); }

absl::Status ReadValueInto(StateReader* in, Column* column) {
  TALLY_ASSIGN_OR_RETURN(Value v, ReadStateValue(in));
  absl::Status s = column->AppendValue(v);
  if (!s.ok()) return StateReader::Corrupt(s.message());
  return absl::OkStatus();
}

void PutSlot(std::string* out, const SlotType& slot_type, const ValueSlot& slot, const format::DataTypePtr& type) {
  out->push_back(slot.has ? 1 : 0);
  if (!slot.has) return;
  Column one = Column::Make(type);
  slot.Finalize(slot_type, &one);
  PutStateValue(out, one.GetValue(0));
}

namespace {

template <typename T>
bool StoreFixed(ValueSlot* slot, T v) {
  std::memcpy(slot->u.fixed, &v, sizeof(T));
  slot->has = 1;
  return true;
}

template <typename T>
bool StoreUnsigned(ValueSlot* slot, uint64_t v) {
  return v <= std::numeric_limits<T>::max() && StoreFixed(slot, static_cast<T>(v));
}

template <typename T>
bool StoreSigned(ValueSlot* slot, int64_t v) {
  return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max() &&
         StoreFixed(slot, static_cast<T>(v));
}

// A number as PutSlot writes it (its type's own Value kind, in range), read straight into
// a fixed slot without a Value or a Column: the hot path of fMerge over argMax / min /
// max / any states. False, with `in` untouched, for anything else, which the general path
// then reads (and accepts or refuses) as before.
bool ReadFixedSlot(StateReader* in, const format::DataType& type, ValueSlot* slot) {
  StateReader probe = *in;
  uint8_t kind = 0;
  if (!probe.TryReadByte(&kind)) return false;
  bool stored = false;
  switch (type.id()) {
    case format::TypeId::kUInt8:
    case format::TypeId::kUInt16:
    case format::TypeId::kDate:
    case format::TypeId::kUInt32:
    case format::TypeId::kDateTime:
    case format::TypeId::kUInt64: {
      uint64_t u = 0;
      if (kind != static_cast<uint8_t>(Value::Kind::kUInt) || !probe.TryReadVarint(&u)) return false;
      const size_t width = type.fixed_width();
      stored = width == 1   ? StoreUnsigned<uint8_t>(slot, u)
               : width == 2 ? StoreUnsigned<uint16_t>(slot, u)
               : width == 4 ? StoreUnsigned<uint32_t>(slot, u)
                            : StoreUnsigned<uint64_t>(slot, u);
      break;
    }
    case format::TypeId::kInt8:
    case format::TypeId::kInt16:
    case format::TypeId::kInt32:
    case format::TypeId::kInt64:
    case format::TypeId::kDateTime64: {
      uint64_t z = 0;
      if (kind != static_cast<uint8_t>(Value::Kind::kInt) || !probe.TryReadVarint(&z)) return false;
      const int64_t v = ZigZagDecode(z);
      const size_t width = type.fixed_width();
      stored = width == 1   ? StoreSigned<int8_t>(slot, v)
               : width == 2 ? StoreSigned<int16_t>(slot, v)
               : width == 4 ? StoreSigned<int32_t>(slot, v)
                            : StoreFixed(slot, v);
      break;
    }
    case format::TypeId::kFloat64: {
      if (kind != static_cast<uint8_t>(Value::Kind::kFloat)) return false;
      auto f = probe.Read<double>();
      stored = f.ok() && StoreFixed(slot, *f);
      break;
    }
    default:
      return false;
  }
  if (stored) *in = probe;
  return stored;
}

}  // namespace

absl::Status ReadSlot(StateReader* in, const SlotType& slot_type, const format::DataTypePtr& type, ValueSlot* slot) {
  TALLY_ASSIGN_OR_RETURN(uint8_t has, in->ReadByte());
  if (has == 0) return absl::OkStatus();
  if (has != 1) return StateReader::Corrupt(absl::StrCat("value flag ", has, " (expected 0 or 1)"));
  if (slot_type.kind == SlotKind::kFixed && ReadFixedSlot(in, *type, slot)) return absl::OkStatus();
  Column one = Column::Make(type);
  TALLY_RETURN_IF_ERROR(ReadValueInto(in, &one));
  slot->Assign(slot_type, one, 0);
  return absl::OkStatus();
}

}  // namespace tally::engine::exec
