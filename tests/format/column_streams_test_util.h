// Helpers shared by the column stream tests: a seeded random column of any type, and
// writing and reading column blocks through ColumnStreamWriter / ColumnStreamReader.
#ifndef TALLY_TESTS_FORMAT_COLUMN_STREAMS_TEST_UTIL_H_
#define TALLY_TESTS_FORMAT_COLUMN_STREAMS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/block.h"
#include "format/coding.h"
#include "format/column_streams.h"
#include "tests/test_util.h"

namespace tally::format::stream_test {

using Rng = std::mt19937_64;
using Dicts = std::vector<std::shared_ptr<const Column>>;

inline DataTypePtr T(absl::string_view text) {
  auto t = ParseDataType(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

inline CodecChain Chain(absl::string_view text) {
  auto c = ParseCodecChain(text);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

// --- A seeded random column of any type ----------------------------------------------
//
// Fixed-width values come in runs of one shape (uniform bits, a small-step walk that
// wraps, a constant, the type's extremes) so that Delta, DoubleDelta and Gorilla see
// both their good and their worst cases.

inline std::string RandomString(Rng& rng) {
  size_t len = rng() % 16 == 0 ? rng() % 300 : rng() % 12;
  std::string s(len, '\0');
  const bool binary = rng() % 4 == 0;
  for (char& c : s) c = static_cast<char>(binary ? rng() : 'a' + rng() % 26);
  return s;
}

inline void FillFixed(const DataType& type, size_t rows, Rng& rng, Column* out) {
  const size_t w = type.fixed_width();
  out->data.resize(rows * w);
  uint8_t* p = out->data.data();
  uint64_t cur = rng();
  double f = 0;
  size_t run = 0, shape = 0;
  for (size_t i = 0; i < rows; ++i, p += w) {
    if (run == 0) {
      run = 1 + rng() % 3000;
      shape = rng() % 4;
      f = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 7;
    }
    --run;
    if (type.id() == TypeId::kBool) {
      *p = shape == 2 ? 1 : rng() & 1;
    } else if (type.id() == TypeId::kUUID) {
      if (shape != 2) cur = rng();
      std::memcpy(p, &cur, 8);
      std::memcpy(p + 8, &i, 8);
    } else if (type.is_float()) {
      static const double kSpecial[] = {NAN, -NAN, -0.0, 0.0, INFINITY, -INFINITY, 1e-310, 1e308};
      if (shape == 0) {
        cur = rng();  // any bits, NaN payloads included
      } else if (shape == 1) {
        f += static_cast<double>(rng() % 100) / 64;  // smooth series
      } else if (shape == 3) {
        f = kSpecial[rng() % std::size(kSpecial)];
      }
      if (shape != 0) {
        if (w == 4) {
          float v = static_cast<float>(f);
          std::memcpy(&cur, &v, 4);
        } else {
          std::memcpy(&cur, &f, 8);
        }
      }
      std::memcpy(p, &cur, w);
    } else {
      const uint64_t top = uint64_t{1} << (8 * w - 1);
      const uint64_t extremes[] = {0, ~uint64_t{0}, top, top - 1, 1};
      if (shape == 0) cur = rng();
      if (shape == 1) cur += rng() % 7 - 3;
      if (shape == 3) cur = extremes[rng() % std::size(extremes)];
      std::memcpy(p, &cur, w);
    }
  }
}

inline Column RandomColumn(const DataTypePtr& type, size_t rows, Rng& rng);

// Lengths of `rows` nested rows, at most `max` each; returns the total.
inline size_t RandomOffsets(size_t rows, size_t max, Rng& rng, Column* out) {
  size_t total = 0;
  for (size_t i = 0; i < rows; ++i) {
    total += rng() % 8 == 0 ? 0 : rng() % (max + 1);
    out->offsets.push_back(total);
  }
  return total;
}

inline Column RandomColumn(const DataTypePtr& type, size_t rows, Rng& rng) {
  Column c = Column::Make(type);
  switch (type->id()) {
    case TypeId::kString:
      for (size_t i = 0; i < rows; ++i) c.AppendString(RandomString(rng));
      return c;
    case TypeId::kLowCardinality: {
      const size_t kPools[] = {1, 7, 300, 2000};
      std::vector<std::string> pool(kPools[rng() % std::size(kPools)]);
      for (std::string& s : pool) s = RandomString(rng);
      pool[0] = "";
      const bool nullable = type->is_nullable_low_cardinality();
      for (size_t i = 0; i < rows; ++i) {
        if (nullable && rng() % 5 == 0) {
          c.AppendIndex(0);
        } else {
          EXPECT_OK(c.AppendValue(Value::String(pool[rng() % pool.size()])));
        }
      }
      return c;
    }
    case TypeId::kNullable: {
      Column values = RandomColumn(type->children()[0], rows, rng);
      for (size_t i = 0; i < rows; ++i) {
        if (rng() % 3 == 0) {
          c.nulls.push_back(1);
          c.children[0].AppendDefault();
        } else {
          c.nulls.push_back(0);
          c.children[0].AppendRange(values, i, 1);
        }
      }
      return c;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      size_t total = RandomOffsets(rows, type->id() == TypeId::kMap ? 4 : 3, rng, &c);
      for (size_t k = 0; k < c.children.size(); ++k) {
        c.children[k] = RandomColumn(type->children()[k], total, rng);
      }
      return c;
    }
    default:
      FillFixed(*type, rows, rng, &c);
      return c;
  }
}

// --- Comparison ----------------------------------------------------------------------

inline std::vector<Value> Values(const Column& c) {
  std::vector<Value> out;
  out.reserve(c.size());
  for (size_t i = 0; i < c.size(); ++i) out.push_back(c.GetValue(i));
  return out;
}

// Bit-exact comparison of everything but LowCardinality indexes, which may be renumbered.
inline void ExpectSameBytes(const Column& want, const Column& got,
                            const std::string& path) {
  ASSERT_EQ(want.size(), got.size()) << path;
  if (want.type->id() == TypeId::kLowCardinality) {
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(want.GetValue(i), got.GetValue(i)) << path << " row " << i;
    }
    return;
  }
  ASSERT_TRUE(want.data == got.data) << path << ": data differs";
  ASSERT_TRUE(want.offsets == got.offsets) << path << ": offsets differ";
  ASSERT_TRUE(want.chars == got.chars) << path << ": chars differ";
  ASSERT_TRUE(want.nulls == got.nulls) << path << ": nulls differ";
  ASSERT_EQ(want.children.size(), got.children.size()) << path;
  for (size_t k = 0; k < want.children.size(); ++k) {
    ExpectSameBytes(want.children[k], got.children[k], absl::StrCat(path, ".", k));
  }
}

inline void ExpectValues(const std::vector<Value>& want, const Column& got) {
  ASSERT_EQ(want.size(), got.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    Value v = got.GetValue(i);
    if (!(v == want[i]) && mismatches++ < 3) {
      ADD_FAILURE() << "row " << i << ": got " << v.DebugString() << ", want "
                    << want[i].DebugString();
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

// --- Writing and reading blocks ------------------------------------------------------

struct Prepared {
  Column column;  // after PrepareLowCardinality
  std::vector<LowCardinalityPlan> plans;
  Dicts dicts;
};

inline Prepared Prepare(const Column& column,
                        uint64_t max_entries = kDefaultMaxDictionaryEntries) {
  Prepared p{column, {}, {}};
  p.plans = PrepareLowCardinality(&p.column, max_entries, &p.dicts);
  EXPECT_EQ(p.plans.size(), CountLowCardinalityNodes(*column.type));
  EXPECT_EQ(p.dicts.size(), p.plans.size());
  EXPECT_OK(p.column.Validate("prepared"));
  return p;
}

// Writes rows [begin, end) of p.column as one block appended to *out, in a few chunks.
inline void WriteBlock(const Prepared& p, const CodecChain& chain, size_t begin, size_t end,
                       Rng& rng, std::string* out) {
  ASSERT_OK_AND_ASSIGN(std::vector<CodecChain> chains,
                       StreamChains(*p.column.type, chain, p.plans));
  ColumnStreamWriter writer(p.column.type, chains, p.plans);
  size_t a = begin + (end > begin ? rng() % (end - begin + 1) : 0);
  size_t b = a + (end > a ? rng() % (end - a + 1) : 0);
  writer.AppendRows(p.column, begin, a - begin);
  writer.AppendRows(p.column, a, b - a);
  writer.AppendRows(p.column, b, end - b);
  EXPECT_EQ(writer.pending_rows(), end - begin);
  ASSERT_OK(writer.FlushBlock(out));
  EXPECT_EQ(writer.pending_rows(), 0u);
  EXPECT_EQ(writer.pending_bytes(), 0u);
}

// Decodes the block at (*file)[*offset] and reads it as a column.
inline absl::StatusOr<Column> ReadBlock(const Prepared& p, const std::string& file,
                                        size_t* offset) {
  DecodedBlock block;
  auto bytes = AsBytes(file).subspan(*offset);
  auto used = DecodeBlock(bytes, "test.bin", *offset, &block);
  if (!used.ok()) return used.status();
  auto peek = PeekBlockSize(bytes, "test.bin", *offset);
  EXPECT_TRUE(peek.ok() && *peek == *used);
  *offset += *used;
  ColumnStreamReader reader(p.column.type, p.plans, p.dicts);
  EXPECT_EQ(block.streams.size(), reader.stream_count());
  return reader.Read(&block, "test.bin");
}

// `rows` rows of `distinct` different strings, each used at least once (rows >= distinct),
// in shuffled order.
inline Column LowCardinalityColumn(absl::string_view type, size_t rows, size_t distinct,
                                   Rng& rng) {
  Column c = Column::Make(T(type));
  std::vector<size_t> order(rows);
  for (size_t i = 0; i < rows; ++i) order[i] = i < distinct ? i : rng() % distinct;
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t k : order) EXPECT_OK(c.AppendValue(Value::String(absl::StrCat("value-", k * 7919))));
  return c;
}

}  // namespace tally::format::stream_test

#endif  // TALLY_TESTS_FORMAT_COLUMN_STREAMS_TEST_UTIL_H_
