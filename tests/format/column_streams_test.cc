// Tests for format/column_streams.h: columns of every type through every codec chain into
// column blocks and back, stream chains, and LowCardinality planning. Corrupt and hostile
// blocks are in column_streams_corruption_test.cc.
#include "format/column_streams.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/block.h"
#include "format/coding.h"
#include "format/part_format.h"
#include "tests/format/column_streams_test_util.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

using namespace stream_test;  // NOLINT: test helpers

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
  const CodecChain double_delta = {CodecSpec{CodecId::kDoubleDelta, 1}};
  EXPECT_EQ(chains, (std::vector<CodecChain>{none, none, none, double_delta}));
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

}  // namespace
}  // namespace tally::format
