// Tests for format/column_streams.h: columns of every type through every codec chain into
// column blocks and back, LowCardinality planning, and hostile blocks.
#include "format/column_streams.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/block.h"
#include "format/coding.h"
#include "format/part_format.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

using Rng = std::mt19937_64;
using Dicts = std::vector<std::shared_ptr<const Column>>;

DataTypePtr T(absl::string_view text) {
  auto t = ParseDataType(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

CodecChain Chain(absl::string_view text) {
  auto c = ParseCodecChain(text);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

// --- A seeded random column of any type ----------------------------------------------
//
// Fixed-width values come in runs of one shape (uniform bits, a small-step walk that
// wraps, a constant, the type's extremes) so that Delta, DoubleDelta and Gorilla see
// both their good and their worst cases.

std::string RandomString(Rng& rng) {
  size_t len = rng() % 16 == 0 ? rng() % 300 : rng() % 12;
  std::string s(len, '\0');
  const bool binary = rng() % 4 == 0;
  for (char& c : s) c = static_cast<char>(binary ? rng() : 'a' + rng() % 26);
  return s;
}

void FillFixed(const DataType& type, size_t rows, Rng& rng, Column* out) {
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

Column RandomColumn(const DataTypePtr& type, size_t rows, Rng& rng);

// Lengths of `rows` nested rows, at most `max` each; returns the total.
size_t RandomOffsets(size_t rows, size_t max, Rng& rng, Column* out) {
  size_t total = 0;
  for (size_t i = 0; i < rows; ++i) {
    total += rng() % 8 == 0 ? 0 : rng() % (max + 1);
    out->offsets.push_back(total);
  }
  return total;
}

Column RandomColumn(const DataTypePtr& type, size_t rows, Rng& rng) {
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

std::vector<Value> Values(const Column& c) {
  std::vector<Value> out;
  out.reserve(c.size());
  for (size_t i = 0; i < c.size(); ++i) out.push_back(c.GetValue(i));
  return out;
}

// Bit-exact comparison of everything but LowCardinality indexes, which may be renumbered.
void ExpectSameBytes(const Column& want, const Column& got, const std::string& path) {
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

void ExpectValues(const std::vector<Value>& want, const Column& got) {
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

Prepared Prepare(const Column& column, uint64_t max_entries = kDefaultMaxDictionaryEntries) {
  Prepared p{column, {}, {}};
  p.plans = PrepareLowCardinality(&p.column, max_entries, &p.dicts);
  EXPECT_EQ(p.plans.size(), CountLowCardinalityNodes(*column.type));
  EXPECT_EQ(p.dicts.size(), p.plans.size());
  EXPECT_OK(p.column.Validate("prepared"));
  return p;
}

// Writes rows [begin, end) of p.column as one block appended to *out, in a few chunks.
void WriteBlock(const Prepared& p, const CodecChain& chain, size_t begin, size_t end, Rng& rng,
                std::string* out) {
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
absl::StatusOr<Column> ReadBlock(const Prepared& p, const std::string& file, size_t* offset) {
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

// --- Every type x every chain x row counts -------------------------------------------

bool HasLeaf(const DataType& t, bool (*pred)(const DataType&)) {
  if (t.children().empty()) return pred(t);
  for (const auto& c : t.children()) {
    if (HasLeaf(*c, pred)) return true;
  }
  return false;
}

std::vector<std::string> ChainsFor(const DataType& type) {
  std::vector<std::string> out = {"None", "ZSTD(1)"};
  // Transforms need fixed-width values of width 1, 2, 4 or 8 somewhere in the type.
  bool uuid = HasLeaf(type, [](const DataType& t) { return t.id() == TypeId::kUUID; });
  bool fixed = HasLeaf(type, [](const DataType& t) { return t.is_fixed_width(); });
  if (fixed && !uuid) out.push_back("Delta");
  if (HasLeaf(type, [](const DataType& t) { return t.is_integer() || t.is_time(); }) && !uuid) {
    out.push_back("Delta, ZSTD(1)");
    out.push_back("DoubleDelta, ZSTD(1)");
  }
  if (HasLeaf(type, [](const DataType& t) { return t.is_float(); })) {
    out.push_back("Gorilla, ZSTD(1)");
    out.push_back("Gorilla");
  }
  return out;
}

class ColumnStreamsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ColumnStreamsTest, RoundTripsEveryTypeAndCodec) {
  const DataTypePtr type = T(GetParam());
  Rng rng(std::hash<std::string>()(GetParam()));
  for (size_t rows : {0, 1, 1000, 70000}) {
    const Column column = RandomColumn(type, rows, rng);
    ASSERT_OK(column.Validate("random"));
    const std::vector<Value> want = Values(column);
    const Prepared p = Prepare(column);
    ExpectValues(want, p.column);
    for (const std::string& chain_text : ChainsFor(*type)) {
      SCOPED_TRACE(absl::StrCat(type->ToString(), " CODEC(", chain_text, ") rows ", rows));
      const CodecChain chain = Chain(chain_text);
      std::string file = DataFileHeader();
      WriteBlock(p, chain, 0, rows, rng, &file);
      size_t offset = kDataFileHeaderBytes;
      ASSERT_OK_AND_ASSIGN(Column got, ReadBlock(p, file, &offset));
      EXPECT_EQ(offset, file.size());
      ASSERT_OK(got.Validate("decoded"));
      ExpectValues(want, got);
      ExpectSameBytes(p.column, got, "column");
      if (rows == 70000 && chain.size() > 1) {
        // The transform really ran: the block did not fall back to raw storage.
        DecodedBlock block;
        ASSERT_OK(DecodeBlock(AsBytes(file).subspan(kDataFileHeaderBytes), "f", 0, &block));
        size_t with_chain = 0;
        for (const CodecChain& stored : block.chains) with_chain += stored.size() == chain.size();
        EXPECT_GT(with_chain, 0u);
      }

      if (rows == 1000) {  // two blocks in one file, read back one after the other
        std::string two = DataFileHeader();
        WriteBlock(p, chain, 0, 600, rng, &two);
        WriteBlock(p, chain, 600, rows, rng, &two);
        offset = kDataFileHeaderBytes;
        ASSERT_OK_AND_ASSIGN(Column first, ReadBlock(p, two, &offset));
        ASSERT_OK_AND_ASSIGN(Column second, ReadBlock(p, two, &offset));
        EXPECT_EQ(offset, two.size());
        first.AppendRange(second, 0, second.size());
        ASSERT_OK(first.Validate("joined"));
        ExpectValues(want, first);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    EveryType, ColumnStreamsTest,
    ::testing::Values("UInt8", "UInt16", "UInt32", "UInt64", "Int8", "Int16", "Int32", "Int64",
                      "Float32", "Float64", "Bool", "Date", "DateTime", "DateTime('UTC')",
                      "DateTime64(3)", "DateTime64(9, 'Europe/Berlin')", "UUID", "String",
                      "LowCardinality(String)", "LowCardinality(Nullable(String))",
                      "Nullable(Int32)", "Nullable(String)", "Array(Array(String))",
                      "Array(Nullable(Float64))", "Map(LowCardinality(String), String)",
                      "Map(UInt64, Array(LowCardinality(Nullable(String))))"));

TEST(ColumnStreamsTest, StoredChainIsTheRequestedOneOrRaw) {
  Rng rng(7);
  const Column column = RandomColumn(T("Nullable(Int64)"), 5000, rng);
  const Prepared p = Prepare(column);
  for (const char* text : {"None", "ZSTD(3)", "Delta, ZSTD(1)", "Delta"}) {
    SCOPED_TRACE(text);
    ASSERT_OK_AND_ASSIGN(auto chains, StreamChains(*column.type, Chain(text), p.plans));
    std::string file;
    WriteBlock(p, Chain(text), 0, column.size(), rng, &file);
    DecodedBlock block;
    ASSERT_OK(DecodeBlock(AsBytes(file), "f", 0, &block));
    ASSERT_EQ(block.chains.size(), chains.size());
    for (size_t i = 0; i < chains.size(); ++i) {
      bool raw = block.chains[i] == CodecChain{CodecSpec{CodecId::kNone, 0}};
      EXPECT_TRUE(block.chains[i] == chains[i] || raw) << CodecChainToString(block.chains[i]);
    }
  }
}

TEST(ColumnStreamsTest, StreamChainsResolveWidthsAndDropTransformsForOtherStreams) {
  const CodecChain none = {CodecSpec{CodecId::kNone, 0}};
  const CodecChain zstd = {CodecSpec{CodecId::kZstd, 1}};
  ASSERT_OK_AND_ASSIGN(auto chains, StreamChains(*T("Nullable(Int32)"), Chain("Delta, ZSTD"), {}));
  ASSERT_EQ(chains.size(), 2u);
  EXPECT_EQ(chains[0], zstd);  // nulls
  EXPECT_EQ(chains[1], (CodecChain{CodecSpec{CodecId::kDelta, 4}, CodecSpec{CodecId::kZstd, 1}}));
  ASSERT_OK_AND_ASSIGN(chains, StreamChains(*T("Array(UInt16)"), Chain("Delta"), {}));
  EXPECT_EQ(chains, (std::vector<CodecChain>{none, {CodecSpec{CodecId::kDelta, 2}}}));
  ASSERT_OK_AND_ASSIGN(chains, StreamChains(*T("Map(String, Int8)"), Chain("DoubleDelta"), {}));
  EXPECT_EQ(chains, (std::vector<CodecChain>{none, none, none, {CodecSpec{CodecId::kDoubleDelta, 1}}}));
  // A transform with no fixed-width values to work on is a mistake, not silently raw.
  EXPECT_STATUS(StreamChains(*T("Array(String)"), Chain("Delta"), {}),
                absl::StatusCode::kInvalidArgument, "has none");
  EXPECT_STATUS(StreamChains(*T("LowCardinality(String)"), Chain("Delta, ZSTD(1)"),
                             {LowCardinalityPlan{true, 1, 3}}),
                absl::StatusCode::kInvalidArgument, "has none");
  ASSERT_OK_AND_ASSIGN(chains, StreamChains(*T("Float32"), Chain("Gorilla"), {}));
  EXPECT_EQ(chains, (std::vector<CodecChain>{{CodecSpec{CodecId::kGorilla, 4}}}));
  ASSERT_OK_AND_ASSIGN(chains, StreamChains(*T("Date"), {}, {}));  // empty: None
  EXPECT_EQ(chains, (std::vector<CodecChain>{none}));
  EXPECT_STATUS(StreamChains(*T("UUID"), Chain("Delta"), {}), absl::StatusCode::kInvalidArgument,
                "width 16");
  EXPECT_OK(StreamChains(*T("Float64"), Chain("Gorilla"), {}));
  EXPECT_STATUS(StreamChains(*T("Int16"), Chain("Gorilla"), {}),
                absl::StatusCode::kInvalidArgument, "Gorilla");
}

TEST(ColumnStreamsTest, CountsStreamsAndLowCardinalityNodes) {
  const LowCardinalityPlan dict{true, 1, 3}, plain{false, 0, 0};
  struct Case {
    const char* type;
    std::vector<LowCardinalityPlan> plans;
    size_t streams;
  };
  const Case cases[] = {
      {"UInt32", {}, 1},
      {"String", {}, 2},
      {"Nullable(Int32)", {}, 2},
      {"Array(Array(String))", {}, 4},
      {"LowCardinality(String)", {dict}, 1},
      {"LowCardinality(String)", {plain}, 2},
      {"LowCardinality(Nullable(String))", {plain}, 3},
      {"Map(LowCardinality(String), String)", {dict}, 4},
      {"Map(LowCardinality(String), LowCardinality(Nullable(String)))", {plain, plain}, 6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.type);
    EXPECT_EQ(CountLowCardinalityNodes(*T(c.type)), c.plans.size());
    EXPECT_EQ(CountStreams(*T(c.type), c.plans), c.streams);
    EXPECT_EQ(ColumnStreamReader(T(c.type), c.plans, Dicts(c.plans.size())).stream_count(),
              c.streams);
  }
}

// --- LowCardinality plans ------------------------------------------------------------

Column LowCardinalityColumn(absl::string_view type, size_t rows, size_t distinct, Rng& rng) {
  Column c = Column::Make(T(type));
  std::vector<size_t> order(rows);
  for (size_t i = 0; i < rows; ++i) order[i] = i < distinct ? i : rng() % distinct;
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t k : order) EXPECT_OK(c.AppendValue(Value::String(absl::StrCat("value-", k * 7919))));
  return c;
}

void ExpectSortedDictionary(const Column& dict, bool nullable) {
  for (size_t i = nullable ? 2 : 1; i < dict.size(); ++i) {
    ASSERT_LT(dict.StringAt(i - 1), dict.StringAt(i)) << "entry " << i;
  }
}

void ExpectRoundTrip(const Prepared& p, const std::vector<Value>& want, Rng& rng) {
  std::string file;
  WriteBlock(p, Chain("ZSTD(1)"), 0, want.size(), rng, &file);
  size_t offset = 0;
  ASSERT_OK_AND_ASSIGN(Column got, ReadBlock(p, file, &offset));
  ASSERT_OK(got.Validate("decoded"));
  ExpectValues(want, got);
}

TEST(ColumnStreamsTest, LowCardinalityDictionaryOf100kEntriesUsesFourByteIndexes) {
  Rng rng(100000);
  const Column column = LowCardinalityColumn("LowCardinality(String)", 120000, 100000, rng);
  const std::vector<Value> want = Values(column);
  const Prepared p = Prepare(column);
  ASSERT_EQ(p.plans.size(), 1u);
  EXPECT_EQ(p.plans[0], (LowCardinalityPlan{true, 4, 100000}));
  EXPECT_EQ(p.column.index_width, 4);
  EXPECT_EQ(p.dicts[0], p.column.dictionary);
  ExpectSortedDictionary(*p.dicts[0], false);
  ExpectRoundTrip(p, want, rng);
}

TEST(ColumnStreamsTest, LowCardinalityIndexWidthFollowsTheDictionarySize) {
  Rng rng(1);
  const std::pair<size_t, uint8_t> cases[] = {{1, 1}, {256, 1}, {257, 2}, {65536, 2}, {65537, 4}};
  for (const auto& [distinct, width] : cases) {
    SCOPED_TRACE(distinct);
    Column column = LowCardinalityColumn("LowCardinality(String)", distinct + 10, distinct, rng);
    Prepared p = Prepare(column);
    EXPECT_EQ(p.plans[0], (LowCardinalityPlan{true, width, distinct}));
    ExpectRoundTrip(p, Values(column), rng);
  }
  // NULL takes entry 0, so 256 distinct strings need two bytes once nullable.
  Column nullable = LowCardinalityColumn("LowCardinality(Nullable(String))", 300, 256, rng);
  Prepared p = Prepare(nullable);
  EXPECT_EQ(p.plans[0], (LowCardinalityPlan{true, 2, 257}));
  ExpectRoundTrip(p, Values(nullable), rng);
}

TEST(ColumnStreamsTest, LowCardinalityFallsBackToPlainModePastTheLimit) {
  Rng rng(2);
  for (const char* type : {"LowCardinality(String)", "LowCardinality(Nullable(String))"}) {
    SCOPED_TRACE(type);
    const bool nullable = std::string(type).find("Nullable") != std::string::npos;
    // The limit counts the NULL entry.
    Column at_limit = LowCardinalityColumn(type, 50, nullable ? 9 : 10, rng);
    Prepared p = Prepare(at_limit, 10);
    EXPECT_TRUE(p.plans[0].dictionary);
    EXPECT_EQ(p.plans[0].dictionary_size, 10u);

    Column over = LowCardinalityColumn(type, 50, nullable ? 10 : 11, rng);
    if (nullable) {
      ASSERT_OK(over.AppendValue(Value::Null()));
      ASSERT_OK(over.AppendValue(Value::String("")));
    }
    const std::vector<Value> want = Values(over);
    p = Prepare(over, 10);
    EXPECT_FALSE(p.plans[0].dictionary);
    EXPECT_EQ(p.plans[0], (LowCardinalityPlan{false, 0, 0}));
    EXPECT_EQ(p.dicts[0], nullptr);
    EXPECT_EQ(p.column.dictionary, over.dictionary);  // left as it was
    EXPECT_EQ(CountStreams(*over.type, p.plans), nullable ? 3u : 2u);
    ExpectRoundTrip(p, want, rng);
  }
}

TEST(ColumnStreamsTest, LowCardinalityDictionaryIsSortedAndHoldsOnlyUsedValues) {
  Column source = Column::Make(T("LowCardinality(Nullable(String))"));
  for (const char* s : {"pear", "apple", "zebra", "", "mango", "kiwi"}) {
    ASSERT_OK(source.AppendValue(Value::String(s)));
  }
  // Rows use "zebra", "", "apple" and NULL only; the source dictionary holds six more.
  Column column = Column::Gather(source, std::vector<uint32_t>{2, 3, 1, 2});
  column.AppendIndex(0);
  ASSERT_EQ(column.dictionary->size(), 7u);
  const std::vector<Value> want = Values(column);
  Prepared p = Prepare(column);
  EXPECT_EQ(p.plans[0], (LowCardinalityPlan{true, 1, 4}));
  const Column& dict = *p.dicts[0];
  ASSERT_EQ(dict.size(), 4u);
  EXPECT_EQ(dict.StringAt(0), "");  // NULL
  EXPECT_EQ(dict.StringAt(1), "");  // the empty string
  EXPECT_EQ(dict.StringAt(2), "apple");
  EXPECT_EQ(dict.StringAt(3), "zebra");
  ExpectValues(want, p.column);
  EXPECT_EQ(source.dictionary->size(), 7u);  // the shared source dictionary is untouched
  Rng rng(3);
  ExpectRoundTrip(p, want, rng);

  // No rows: an empty dictionary, or just the NULL entry.
  Prepared empty = Prepare(Column::Make(T("LowCardinality(String)")));
  EXPECT_EQ(empty.plans[0], (LowCardinalityPlan{true, 1, 0}));
  Prepared empty_nullable = Prepare(Column::Make(T("LowCardinality(Nullable(String))")));
  EXPECT_EQ(empty_nullable.plans[0], (LowCardinalityPlan{true, 1, 1}));
}

TEST(ColumnStreamsTest, MapWithTwoLowCardinalityNodesPlansEachOnItsOwn) {
  Rng rng(4);
  Column column = Column::Make(T("Map(LowCardinality(String), LowCardinality(Nullable(String)))"));
  for (size_t i = 0; i < 500; ++i) {
    std::vector<Value> kv;
    for (size_t k = 0; k < i % 4; ++k) {
      kv.push_back(Value::String(absl::StrCat("key", rng() % 5)));
      kv.push_back(rng() % 4 == 0 ? Value::Null() : Value::String(absl::StrCat("v", rng() % 50)));
    }
    ASSERT_OK(column.AppendValue(Value::Map(kv)));
  }
  const std::vector<Value> want = Values(column);
  Prepared p = Prepare(column, 10);
  ASSERT_EQ(p.plans.size(), 2u);
  EXPECT_EQ(p.plans[0], (LowCardinalityPlan{true, 1, 5}));
  EXPECT_FALSE(p.plans[1].dictionary);
  ASSERT_NE(p.dicts[0], nullptr);
  EXPECT_EQ(p.dicts[1], nullptr);
  ExpectSortedDictionary(*p.dicts[0], false);
  ExpectRoundTrip(p, want, rng);
}

// --- Corruption ----------------------------------------------------------------------

struct EncodedBlock {
  Prepared p;
  std::string bytes;
};

EncodedBlock Encode(absl::string_view type, absl::string_view chain, size_t rows, uint64_t seed) {
  Rng rng(seed);
  EncodedBlock b{Prepare(RandomColumn(T(type), rows, rng)), ""};
  WriteBlock(b.p, Chain(chain), 0, rows, rng, &b.bytes);
  return b;
}

std::vector<EncodedBlock> CorruptionSubjects() {
  std::vector<EncodedBlock> out;
  out.push_back(Encode("Map(LowCardinality(String), String)", "ZSTD(1)", 300, 1));
  out.push_back(Encode("Nullable(Int64)", "Delta, ZSTD(1)", 300, 2));
  out.push_back(Encode("Float64", "Gorilla", 200, 3));
  out.push_back(Encode("Array(Nullable(String))", "None", 100, 4));
  out.push_back(Encode("LowCardinality(Nullable(String))", "None", 5, 5));
  return out;
}

// Decoding `bytes` fails with DataLoss naming the file; never crashes.
void ExpectDataLoss(const EncodedBlock& b, const std::string& bytes, const std::string& trace) {
  DecodedBlock block;
  auto used = DecodeBlock(AsBytes(bytes), "victim.bin", 0, &block);
  if (used.ok()) {
    ADD_FAILURE() << trace << ": corrupt block decoded";
    ColumnStreamReader reader(b.p.column.type, b.p.plans, b.p.dicts);
    (void)reader.Read(&block, "victim.bin");
    return;
  }
  EXPECT_EQ(used.status().code(), absl::StatusCode::kDataLoss) << trace << ": " << used.status();
  EXPECT_NE(used.status().message().find("victim.bin"), absl::string_view::npos) << trace;
}

TEST(ColumnStreamsTest, EveryBitFlipIsDataLoss) {
  for (const EncodedBlock& b : CorruptionSubjects()) {
    SCOPED_TRACE(b.p.column.type->ToString());
    const size_t stride = std::max<size_t>(1, b.bytes.size() / 1500);
    for (size_t i = 0; i < b.bytes.size(); i += stride) {
      std::string bad = b.bytes;
      bad[i] ^= static_cast<char>(1 << (i % 8));
      ExpectDataLoss(b, bad, absl::StrCat("flip at ", i));
      bad[i] = static_cast<char>(~b.bytes[i]);
      ExpectDataLoss(b, bad, absl::StrCat("invert at ", i));
    }
  }
}

TEST(ColumnStreamsTest, EveryTruncationIsDataLossAndTrailingBytesAreIgnored) {
  for (const EncodedBlock& b : CorruptionSubjects()) {
    SCOPED_TRACE(b.p.column.type->ToString());
    const size_t stride = std::max<size_t>(1, b.bytes.size() / 1500);
    for (size_t len = 0; len < b.bytes.size(); len += stride) {
      ExpectDataLoss(b, b.bytes.substr(0, len), absl::StrCat("length ", len));
    }
    DecodedBlock block;
    ASSERT_OK_AND_ASSIGN(size_t used, DecodeBlock(AsBytes(b.bytes + "trailing"), "f", 0, &block));
    EXPECT_EQ(used, b.bytes.size());
  }
}

// Past the checksum: streams that are well framed but inconsistent with the type.
absl::Status ReadRaw(absl::string_view type, const std::vector<LowCardinalityPlan>& plans,
                     const Dicts& dicts, uint32_t rows, const std::vector<std::string>& raw) {
  std::vector<BlockStreamInput> inputs;
  for (const std::string& s : raw) {
    BlockStreamInput input;
    input.raw = AsBytes(s);
    input.chain = {CodecSpec{CodecId::kNone, 0}};
    inputs.push_back(std::move(input));
  }
  std::string bytes;
  absl::Status s = EncodeBlock(rows, inputs, &bytes);
  if (!s.ok()) return s;
  DecodedBlock block;
  auto used = DecodeBlock(AsBytes(bytes), "raw.bin", 0, &block);
  if (!used.ok()) return used.status();
  return ColumnStreamReader(T(type), plans, dicts).Read(&block, "raw.bin").status();
}

std::string U32s(std::initializer_list<uint32_t> v) {
  std::string out;
  for (uint32_t x : v) PutFixed32(&out, x);
  return out;
}

TEST(ColumnStreamsTest, InconsistentStreamsAreDataLoss) {
  const auto kDataLoss = absl::StatusCode::kDataLoss;
  auto dict = std::make_shared<Column>(Column::Make(T("String")));
  for (const char* s : {"a", "b", "c"}) dict->AppendString(s);
  const Dicts dicts = {dict};
  const LowCardinalityPlan dict1{true, 1, 3}, dict2{true, 2, 3}, plain{false, 0, 0};

  EXPECT_STATUS(ReadRaw("UInt32", {}, {}, 10, {std::string(39, 'x')}), kDataLoss,
                "raw.bin: stream 0 (values) holds 39 bytes, expected 40");
  EXPECT_STATUS(ReadRaw("UInt32", {}, {}, 1, {"abcd", "efgh"}), kDataLoss,
                "block has 2 streams, the column's type needs 1");
  EXPECT_STATUS(ReadRaw("Bool", {}, {}, 3, {std::string("\0\1\2", 3)}), kDataLoss,
                "row 2: Bool value 2");
  EXPECT_STATUS(ReadRaw("String", {}, {}, 2, {U32s({1, 5}), "abc"}), kDataLoss,
                "stream 1 (chars) holds 3 bytes, expected 6");
  EXPECT_STATUS(ReadRaw("String", {}, {}, 2, {U32s({1}), "a"}), kDataLoss, "(lengths)");
  EXPECT_STATUS(ReadRaw("Nullable(Int8)", {}, {}, 2, {std::string("\0\3", 2), "ab"}), kDataLoss,
                "row 1: null flag 3");
  EXPECT_STATUS(ReadRaw("Array(UInt64)", {}, {}, 2, {U32s({0xffffffff, 0xffffffff}), "x"}),
                kDataLoss, "expected 68719476720");
  EXPECT_STATUS(ReadRaw("Array(Array(String))", {}, {}, 1, {U32s({0xffffffff}), "", "", ""}),
                kDataLoss, "(lengths)");
  EXPECT_STATUS(ReadRaw("LowCardinality(String)", {dict1}, dicts, 3, {std::string("\0\2\3", 3)}),
                kDataLoss, "dictionary index 3 past the dictionary's 3 entries");
  EXPECT_STATUS(ReadRaw("LowCardinality(String)", {dict2}, dicts, 3, {std::string("\0\1\2", 3)}),
                kDataLoss, "(indexes) holds 3 bytes, expected 6");
  EXPECT_STATUS(ReadRaw("LowCardinality(Nullable(String))", {plain}, {nullptr}, 2,
                        {std::string(3, '\0'), U32s({0, 0}), ""}),
                kDataLoss, "(nulls) holds 3 bytes, expected 2");
}

TEST(ColumnStreamsTest, BlocksReadWithTheWrongPlansAreDataLoss) {
  Rng rng(5);
  Column column = LowCardinalityColumn("LowCardinality(String)", 100, 20, rng);
  Prepared plain = Prepare(column, 10);
  Prepared dict = Prepare(column);
  std::string plain_block, dict_block;
  WriteBlock(plain, Chain("ZSTD(1)"), 0, 100, rng, &plain_block);
  WriteBlock(dict, Chain("ZSTD(1)"), 0, 100, rng, &dict_block);
  auto read = [&](const std::string& bytes, std::vector<LowCardinalityPlan> plans, Dicts dicts) {
    DecodedBlock block;
    EXPECT_OK(DecodeBlock(AsBytes(bytes), "wrong.bin", 0, &block));
    return ColumnStreamReader(column.type, plans, dicts).Read(&block, "wrong.bin");
  };
  EXPECT_STATUS(read(plain_block, dict.plans, dict.dicts), absl::StatusCode::kDataLoss,
                "block has 2 streams, the column's type needs 1");
  EXPECT_STATUS(read(dict_block, plain.plans, plain.dicts), absl::StatusCode::kDataLoss,
                "block has 1 streams, the column's type needs 2");
  EXPECT_STATUS(read(dict_block, {LowCardinalityPlan{true, 2, 20}}, dict.dicts),
                absl::StatusCode::kDataLoss, "(indexes) holds 100 bytes, expected 200");
  auto small = std::make_shared<Column>(Column::Make(T("String")));
  small->AppendString("only");
  EXPECT_STATUS(read(dict_block, dict.plans, {small}), absl::StatusCode::kDataLoss,
                "past the dictionary's 1 entries");

  // The same bytes under another type.
  Prepared ints = Prepare(RandomColumn(T("Nullable(Int32)"), 50, rng));
  std::string ints_block;
  WriteBlock(ints, Chain("None"), 0, 50, rng, &ints_block);
  DecodedBlock block;
  ASSERT_OK(DecodeBlock(AsBytes(ints_block), "wrong.bin", 0, &block));
  EXPECT_STATUS(ColumnStreamReader(T("Array(Int32)"), {}, {}).Read(&block, "wrong.bin"),
                absl::StatusCode::kDataLoss, "stream 0 (lengths) holds 50 bytes, expected 200");
}

// Mutates the decoded streams of valid blocks (as a buggy or hostile writer would) and
// checks Read answers OK with a valid column, or DataLoss; never crashes.
TEST(ColumnStreamsTest, MutatedStreamsNeverCrashTheReader) {
  Rng rng(6);
  for (const char* type : {"String", "Nullable(Float32)", "Bool", "LowCardinality(String)",
                           "LowCardinality(Nullable(String))", "Array(Array(String))",
                           "Map(LowCardinality(String), Array(Nullable(Int16)))"}) {
    SCOPED_TRACE(type);
    for (uint64_t limit : {kDefaultMaxDictionaryEntries, uint64_t{2}}) {
      Prepared p = Prepare(RandomColumn(T(type), 40, rng), limit);
      std::string bytes;
      WriteBlock(p, Chain("None"), 0, 40, rng, &bytes);
      ColumnStreamReader reader(p.column.type, p.plans, p.dicts);
      for (int trial = 0; trial < 150; ++trial) {
        DecodedBlock block;
        ASSERT_OK(DecodeBlock(AsBytes(bytes), "m.bin", 0, &block));
        for (int m = 0; m < 1 + trial % 3; ++m) {
          PodVector<uint8_t>& s = block.streams[rng() % block.streams.size()];
          switch (rng() % 4) {
            case 0:
              if (!s.empty()) s[rng() % s.size()] ^= static_cast<uint8_t>(1 << (rng() % 8));
              break;
            case 1:
              if (!s.empty()) s.resize(s.size() - 1 - rng() % std::min<size_t>(s.size(), 4));
              break;
            case 2:
              s.push_back(static_cast<uint8_t>(rng()));
              break;
            default:
              if (s.size() >= 4) StoreFixed32(s.data() + (rng() % (s.size() / 4)) * 4, ~0u);
          }
        }
        auto got = reader.Read(&block, "m.bin");
        if (got.ok()) {
          EXPECT_OK(got->Validate("mutated"));
          EXPECT_EQ(got->size(), 40u);
          for (size_t i = 0; i < got->size(); ++i) (void)got->GetValue(i);
        } else {
          EXPECT_EQ(got.status().code(), absl::StatusCode::kDataLoss) << got.status();
        }
      }
    }
  }
}

}  // namespace
}  // namespace tally::format
