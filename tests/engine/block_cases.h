// Test blocks from values: a column per Case (name, type text, rows), and short names for
// the Values they hold. Used by the input and binary format tests.
#ifndef TALLY_TESTS_ENGINE_BLOCK_CASES_H_
#define TALLY_TESTS_ENGINE_BLOCK_CASES_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/block.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::engine::testing_blocks {

inline format::DataTypePtr T(const std::string& text) {
  auto t = format::ParseDataType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *t;
}

struct Case {
  std::string name;
  std::string type;
  std::vector<format::Value> rows;
};

inline Block MakeBlock(const std::vector<Case>& cases) {
  Block b;
  for (const Case& c : cases) {
    format::Column col = format::Column::Make(T(c.type));
    for (const format::Value& v : c.rows) EXPECT_TRUE(col.AppendValue(v).ok()) << c.name;
    b.Add(c.name, std::move(col));
  }
  return b;
}

inline format::Value Str(const std::string& s) { return format::Value::String(s); }
inline format::Value U(uint64_t v) { return format::Value::UInt(v); }
inline format::Value I(int64_t v) { return format::Value::Int(v); }
inline format::Value F(double v) { return format::Value::Float(v); }
inline format::Value Arr(std::vector<format::Value> v) { return format::Value::Array(std::move(v)); }
inline format::Value MapOf(std::vector<format::Value> v) { return format::Value::Map(std::move(v)); }
// A UUID's 16 bytes from `first`, stepping by 17.
inline format::Value Uuid(uint8_t first) {
  std::string b;
  for (int i = 0; i < 16; ++i) b.push_back(static_cast<char>(first + i * 17));
  return Str(b);
}

}  // namespace tally::engine::testing_blocks

#endif  // TALLY_TESTS_ENGINE_BLOCK_CASES_H_
