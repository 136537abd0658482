// The pieces aggregate states are written with (docs/format.md, "Aggregate states"):
// StateReader reads a payload back with every length checked, and values of any column
// type (a min's value, an argMax's argument, groupArray's elements) are written as a
// tagged Value. Each aggregate's Serialize/Deserialize composes these.
//
// Stateless functions; a StateReader is a cursor over bytes it does not own, not
// synchronized.
#ifndef TALLY_ENGINE_EXEC_STATE_BYTES_H_
#define TALLY_ENGINE_EXEC_STATE_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/exec/value_slot.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::engine::exec {

// Reads a state payload. Every error is DataLoss "aggregate state: ...".
class StateReader {
 public:
  explicit StateReader(absl::string_view bytes) : in_(bytes) {}

  size_t remaining() const { return in_.size(); }
  absl::StatusOr<absl::string_view> ReadBytes(size_t n) {
    if (n > in_.size()) return Truncated(n);
    absl::string_view out = in_.substr(0, n);
    in_.remove_prefix(n);
    return out;
  }
  absl::StatusOr<uint64_t> ReadVarint() {
    if (!in_.empty() && static_cast<uint8_t>(in_[0]) < 0x80) {  // most varints are one byte
      const uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      return b;
    }
    return ReadLongVarint();
  }
  // As ReadByte / ReadVarint, for hot paths that fall back to them on any trouble: false
  // (and nothing read) instead of an error.
  bool TryReadByte(uint8_t* out) {
    if (in_.empty()) return false;
    *out = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool TryReadVarint(uint64_t* out) {
    uint64_t v = 0;
    for (size_t i = 0; i < in_.size() && i < 10; ++i) {
      const uint8_t b = static_cast<uint8_t>(in_[i]);
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        in_.remove_prefix(i + 1);
        *out = v;
        return true;
      }
    }
    return false;
  }
  absl::StatusOr<uint8_t> ReadByte() {
    if (in_.empty()) return Truncated(1);
    const uint8_t b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return b;
  }
  // A trivially copyable value stored as its little-endian bytes.
  template <typename T>
  absl::StatusOr<T> Read() {
    auto bytes = ReadBytes(sizeof(T));
    if (!bytes.ok()) return bytes.status();
    T v;
    std::memcpy(&v, bytes->data(), sizeof(T));
    return v;
  }
  // A count of items of at least `min_item_bytes` each: refused when the bytes left
  // cannot hold that many, so hostile counts allocate nothing.
  absl::StatusOr<uint64_t> ReadCount(size_t min_item_bytes);
  absl::Status ExpectDone() const;

  static absl::Status Corrupt(absl::string_view why);

 private:
  absl::Status Truncated(size_t wanted) const;
  absl::StatusOr<uint64_t> ReadLongVarint();

  absl::string_view in_;
};

template <typename T>
void PutRaw(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

// A Value: u8 kind, then a varint (UInt), zigzag varint (Int), 8 bytes (Float), varint
// length and bytes (String), or varint count and items (Array, Map).
void PutStateValue(std::string* out, const format::Value& v);
absl::StatusOr<format::Value> ReadStateValue(StateReader* in);

// One value of `type` from `in`, appended to `column` (of `type`); DataLoss when it does
// not fit the type.
absl::Status ReadValueInto(StateReader* in, format::Column* column);

// A ValueSlot holding a value of `type`: u8 0 (empty) or 1 then the value.
void PutSlot(std::string* out, const SlotType& slot_type, const ValueSlot& slot, const format::DataTypePtr& type);
absl::Status ReadSlot(StateReader* in, const SlotType& slot_type, const format::DataTypePtr& type, ValueSlot* slot);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_STATE_BYTES_H_
