// Value: one cell, for the slow paths (literals, tests, printing, key bounds). The fast
// paths work on whole Columns.
//
// A plain value type; not synchronized.
#ifndef TALLY_FORMAT_VALUE_H_
#define TALLY_FORMAT_VALUE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace tally::format {

struct Value {
  enum class Kind : uint8_t { kNull, kUInt, kInt, kFloat, kString, kArray, kMap };

  // How each type is held: unsigned integers, Bool, Date (days) and DateTime (seconds) as
  // kUInt; signed integers and DateTime64 (ticks) as kInt; floats as kFloat; String and
  // UUID (16 big-endian bytes) as kString; Array as kArray of items; Map as kMap with
  // items = key0, value0, key1, value1, ...
  Kind kind = Kind::kNull;
  uint64_t u = 0;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<Value> items;

  static Value Null() { return Value(); }
  static Value UInt(uint64_t v) {
    Value x;
    x.kind = Kind::kUInt;
    x.u = v;
    return x;
  }
  static Value Int(int64_t v) {
    Value x;
    x.kind = Kind::kInt;
    x.i = v;
    return x;
  }
  static Value Float(double v) {
    Value x;
    x.kind = Kind::kFloat;
    x.f = v;
    return x;
  }
  static Value String(std::string v) {
    Value x;
    x.kind = Kind::kString;
    x.s = std::move(v);
    return x;
  }
  static Value Array(std::vector<Value> v) {
    Value x;
    x.kind = Kind::kArray;
    x.items = std::move(v);
    return x;
  }
  static Value Map(std::vector<Value> key_value_pairs) {
    Value x;
    x.kind = Kind::kMap;
    x.items = std::move(key_value_pairs);
    return x;
  }

  bool is_null() const { return kind == Kind::kNull; }
  bool operator==(const Value& o) const;
  std::string DebugString() const;
};

// Total order used for sorting keys and index bounds: NULL first, numbers by value across
// kinds (NaN after every number), strings bytewise, arrays lexicographically.
int CompareValues(const Value& a, const Value& b);

// For test frameworks' failure messages.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.DebugString(); }

}  // namespace tally::format

#endif  // TALLY_FORMAT_VALUE_H_
