#include "engine/exec/state_bytes.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using format::Column;
using format::Value;

namespace {

constexpr int kMaxValueDepth = 32;

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
      return Value::Int(static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)));
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

absl::StatusOr<absl::string_view> StateReader::ReadBytes(size_t n) {
  if (n > in_.size()) return Corrupt(absl::StrCat("truncated: ", n, " bytes wanted, ", in_.size(), " left"));
  absl::string_view out = in_.substr(0, n);
  in_.remove_prefix(n);
  return out;
}

absl::StatusOr<uint8_t> StateReader::ReadByte() {
  TALLY_ASSIGN_OR_RETURN(absl::string_view b, ReadBytes(1));
  return static_cast<uint8_t>(b[0]);
}

absl::StatusOr<uint64_t> StateReader::ReadVarint() {
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

absl::Status ReadSlot(StateReader* in, const SlotType& slot_type, const format::DataTypePtr& type, ValueSlot* slot) {
  TALLY_ASSIGN_OR_RETURN(uint8_t has, in->ReadByte());
  if (has == 0) return absl::OkStatus();
  if (has != 1) return StateReader::Corrupt(absl::StrCat("value flag ", has, " (expected 0 or 1)"));
  Column one = Column::Make(type);
  TALLY_RETURN_IF_ERROR(ReadValueInto(in, &one));
  slot->Assign(slot_type, one, 0);
  return absl::OkStatus();
}

}  // namespace tally::engine::exec
