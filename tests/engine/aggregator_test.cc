// Aggregator: every key specialization against a naive std::map over the same seeded
// rows, plus the edges (no rows, constant keys, bad input, memory accounting).
#include "engine/exec/aggregator.h"

#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_function.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataTypePtr;
using format::TypeId;
using format::Value;
using Method = Aggregator::Method;

DataTypePtr T(absl::string_view text) {
  absl::StatusOr<DataTypePtr> t = format::ParseDataType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *t;
}

std::shared_ptr<const AggregateFunction> Bind(absl::string_view name,
                                              std::vector<DataTypePtr> types) {
  auto fn = AggregateRegistry::Global().Bind(name, false, types, {});
  EXPECT_TRUE(fn.ok()) << name << ": " << fn.status();
  return std::shared_ptr<const AggregateFunction>(std::move(fn).value());
}

// A random value of a key type, from a bounded domain so groups repeat.
Value RandomKey(const std::string& type, size_t strings, std::mt19937_64& rng) {
  auto nullable = [&](Value v) { return rng() % 10 == 0 ? Value() : v; };
  if (type == "UInt8") return Value::UInt(rng() % 200);
  if (type == "Nullable(UInt8)") return nullable(Value::UInt(rng() % 200));
  if (type == "Int16") return Value::Int(static_cast<int64_t>(rng() % 2001) - 1000);
  if (type == "Date") return Value::UInt(19000 + rng() % 30);
  if (type == "Int8") return Value::Int(static_cast<int64_t>(rng() % 5) - 2);
  if (type == "Bool") return Value::UInt(rng() % 2);
  if (type == "UInt16") return Value::UInt(rng() % 40);
  if (type == "UInt32") return Value::UInt(rng() % 300);
  if (type == "UInt64") return Value::UInt((rng() % 5000) * 0x9e3779b97f4a7c15ULL);
  if (type == "Int64") return Value::Int(static_cast<int64_t>(rng() % 7) - 3);
  if (type == "Nullable(Int32)")
    return nullable(Value::Int(static_cast<int64_t>(rng() % 3000) - 1500));
  if (type == "Float64") return Value::Float(static_cast<double>(rng() % 1000) / 4 - 100);
  if (type == "UUID") return Value::String(std::string(15, 'u') + static_cast<char>(rng() % 50));
  std::string s = rng() % 50 == 0 ? ""
                                  : absl::StrCat("key-", rng() % strings,
                                                 rng() % 7 == 0 ? std::string(40, 'x') : "");
  // Keys sharing their first and last eight bytes and nearly their length: they collide
  // in the String method's cache, which must then fall back to the real table.
  if (rng() % 5 == 0 && !s.empty()) s = absl::StrCat("same-end", s, "same-end");
  if (type == "String" || type == "LowCardinality(String)") return Value::String(s);
  if (type == "Nullable(String)" || type == "LowCardinality(Nullable(String))")
    return nullable(Value::String(s));
  ADD_FAILURE() << "no generator for " << type;
  return Value();
}

// An injective byte string for a row of key values (the naive side's map key).
std::string KeyString(const std::vector<Value>& key) {
  std::string out;
  for (const Value& v : key) {
    out.push_back(static_cast<char>(v.kind));
    char bytes[8];
    switch (v.kind) {
      case Value::Kind::kString:
        absl::StrAppend(&out, v.s.size(), ":", v.s);
        break;
      case Value::Kind::kUInt:
        std::memcpy(bytes, &v.u, 8);
        out.append(bytes, 8);
        break;
      case Value::Kind::kInt:
        std::memcpy(bytes, &v.i, 8);
        out.append(bytes, 8);
        break;
      case Value::Kind::kFloat:
        std::memcpy(bytes, &v.f, 8);
        out.append(bytes, 8);
        break;
      default:
        break;
    }
  }
  return out;
}

struct Expected {
  uint64_t count = 0;
  int64_t sum = 0;
  int64_t min = 0, max = 0;
  std::set<uint64_t> distinct;
  std::string first_tag, best_tag;
};

// The aggregates under test, over value columns v Int64, u UInt16, tag String.
std::vector<std::shared_ptr<const AggregateFunction>> TestAggregates() {
  return {Bind("count", {}),
          Bind("sum", {T("Int64")}),
          Bind("min", {T("Int64")}),
          Bind("max", {T("Int64")}),
          Bind("uniqExact", {T("UInt16")}),
          Bind("argMax", {T("String"), T("Int64")}),
          Bind("any", {T("String")}),
          Bind("uniq", {T("UInt16")})};
}

struct Block {
  std::vector<Column> keys;
  Column v, u, tag;
};

// Seeded blocks of random sizes. LowCardinality keys: two blocks in three are slices of
// one "part" column and share its dictionary; the rest build their own dictionary, in a
// different order.
std::vector<Block> MakeBlocks(const std::vector<std::string>& key_types, size_t rows,
                              size_t strings, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<Value>> keys(rows);
  for (auto& row : keys) {
    for (const std::string& t : key_types) row.push_back(RandomKey(t, strings, rng));
  }
  std::vector<Column> parts;
  for (size_t k = 0; k < key_types.size(); ++k) {
    parts.push_back(Column::Make(T(key_types[k])));
    if (parts[k].type->id() != TypeId::kLowCardinality) continue;
    for (size_t r = 0; r < rows; ++r) EXPECT_OK(parts[k].AppendValue(keys[r][k]));
  }
  std::vector<Block> blocks;
  for (size_t start = 0; start < rows;) {
    size_t n = std::min<size_t>(rows - start, 1 + rng() % 8192);
    Block b;
    for (size_t k = 0; k < key_types.size(); ++k) {
      Column c = Column::Make(T(key_types[k]));
      if (c.type->id() == TypeId::kLowCardinality && blocks.size() % 3 != 0) {
        c.AppendRange(parts[k], start, n);
        EXPECT_EQ(c.dictionary, parts[k].dictionary);
      } else {
        for (size_t r = start; r < start + n; ++r) EXPECT_OK(c.AppendValue(keys[r][k]));
      }
      b.keys.push_back(std::move(c));
    }
    b.v = Column::Make(T("Int64"));
    b.u = Column::Make(T("UInt16"));
    b.tag = Column::Make(T("String"));
    for (size_t r = 0; r < n; ++r) {
      b.v.Append<int64_t>(static_cast<int64_t>(rng() % 2000001) - 1000000);
      b.u.Append<uint16_t>(static_cast<uint16_t>(rng() % 50));
      b.tag.AppendString(absl::StrCat("t", rng() % 1000));
    }
    blocks.push_back(std::move(b));
    start += n;
  }
  return blocks;
}

std::map<std::string, Expected> Naive(const std::vector<Block>& blocks) {
  std::map<std::string, Expected> groups;
  for (const Block& b : blocks) {
    for (size_t r = 0; r < b.v.size(); ++r) {
      std::vector<Value> key;
      for (const Column& k : b.keys) key.push_back(k.GetValue(r));
      Expected& e = groups[KeyString(key)];
      int64_t v = b.v.values<int64_t>()[r];
      std::string tag(b.tag.StringAt(r));
      if (e.count == 0) {
        e.min = e.max = v;
        e.first_tag = e.best_tag = tag;
      } else {
        e.min = std::min(e.min, v);
        if (v > e.max) {
          e.max = v;
          e.best_tag = tag;
        }
      }
      ++e.count;
      e.sum += v;
      e.distinct.insert(b.u.values<uint16_t>()[r]);
    }
  }
  return groups;
}

// Aggregates `blocks` on `partials` aggregators, each taking a contiguous run of blocks,
// then merges them into the first in order (as parallel scans do), so "first" and
// "best on ties" semantics still see the rows in order.
std::vector<Column> Aggregate(const std::vector<std::string>& key_types,
                              const std::vector<Block>& blocks, size_t partials, Method* method) {
  std::vector<DataTypePtr> types;
  for (const std::string& t : key_types) types.push_back(T(t));
  std::vector<std::unique_ptr<Aggregator>> aggs;
  const auto functions = TestAggregates();  // shared: partials merge only with the same ones
  for (size_t i = 0; i < partials; ++i) aggs.push_back(std::make_unique<Aggregator>(types, functions));
  *method = aggs[0]->method();
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    Aggregator& agg = *aggs[i * partials / blocks.size()];
    std::vector<ColumnArg> keys;
    for (const Column& k : b.keys) keys.push_back(ColumnArg{&k, false});
    ColumnArg v{&b.v, false}, u{&b.u, false}, tag{&b.tag, false};
    std::vector<std::vector<ColumnArg>> args = {{}, {v}, {v}, {v}, {u}, {tag, v}, {tag}, {u}};
    EXPECT_OK(agg.Add(keys, args, b.v.size()));
  }
  Aggregator& agg = *aggs[0];
  for (size_t i = 1; i < partials; ++i) EXPECT_OK(agg.MergeFrom(*aggs[i]));
  EXPECT_GT(agg.MemoryBytes(), agg.groups() * 8);
  absl::StatusOr<std::vector<Column>> out = agg.Finish();
  EXPECT_OK(out);
  return out.ok() ? std::move(out).value() : std::vector<Column>();
}

// `strings`: distinct string keys; multi-key tests use few so the naive map stays quick.
void CheckAgainstNaive(const std::vector<std::string>& key_types, Method want_method, uint64_t seed,
                       size_t strings = 400) {
  SCOPED_TRACE(absl::StrCat("keys ", key_types.empty() ? "(none)" : key_types[0],
                            key_types.size() > 1 ? ", ..." : ""));
  std::vector<Block> blocks = MakeBlocks(key_types, 100000, strings, seed);
  auto expected = Naive(blocks);
  for (size_t partials : {1, 3}) {
  SCOPED_TRACE(absl::StrCat(partials, " partial aggregators merged"));
  Method method;
  std::vector<Column> out = Aggregate(key_types, blocks, partials, &method);
  EXPECT_EQ(method, want_method);
  const size_t nk = key_types.size();
  ASSERT_EQ(out.size(), nk + 8);
  for (size_t k = 0; k < nk; ++k) {
    EXPECT_TRUE(out[k].type->Equals(*T(key_types[k]))) << out[k].type->ToString();
  }
  for (const Column& c : out) EXPECT_OK(c.Validate("result"));
  size_t groups = out[nk].size();
  ASSERT_EQ(groups, expected.size());
  for (size_t g = 0; g < groups; ++g) {
    std::vector<Value> key;
    for (size_t k = 0; k < nk; ++k) key.push_back(out[k].GetValue(g));
    auto it = expected.find(KeyString(key));
    ASSERT_NE(it, expected.end()) << "unexpected group "
                                  << (key.empty() ? "" : key[0].DebugString());
    const Expected& e = it->second;
    EXPECT_EQ(out[nk].GetValue(g), Value::UInt(e.count));
    EXPECT_EQ(out[nk + 1].GetValue(g), Value::Int(e.sum));
    EXPECT_EQ(out[nk + 2].GetValue(g), Value::Int(e.min));
    EXPECT_EQ(out[nk + 3].GetValue(g), Value::Int(e.max));
    EXPECT_EQ(out[nk + 4].GetValue(g), Value::UInt(e.distinct.size()));
    EXPECT_EQ(out[nk + 5].GetValue(g), Value::String(e.best_tag));
    EXPECT_EQ(out[nk + 6].GetValue(g), Value::String(e.first_tag));
    EXPECT_EQ(out[nk + 7].GetValue(g), Value::UInt(e.distinct.size()));  // <= 50: exact
    if (::testing::Test::HasFailure()) break;
  }
  }
}

TEST(AggregatorTest, NoKeys) { CheckAgainstNaive({}, Method::kNoKeys, 1); }
TEST(AggregatorTest, DirectByteKey) { CheckAgainstNaive({"UInt8"}, Method::kDirect, 2); }
TEST(AggregatorTest, DirectNullableByteKey) {
  CheckAgainstNaive({"Nullable(UInt8)"}, Method::kDirect, 3);
}
TEST(AggregatorTest, DirectTwoByteKey) { CheckAgainstNaive({"Int16"}, Method::kDirect, 4); }
TEST(AggregatorTest, FixedUInt64Key) { CheckAgainstNaive({"UInt64"}, Method::kFixed, 5); }
TEST(AggregatorTest, FixedNullableInt32Key) {
  CheckAgainstNaive({"Nullable(Int32)"}, Method::kFixed, 6);
}
TEST(AggregatorTest, FixedFloatKey) { CheckAgainstNaive({"Float64"}, Method::kFixed, 7); }
TEST(AggregatorTest, LowCardinalityKeyAcrossDictionaries) {
  CheckAgainstNaive({"LowCardinality(String)"}, Method::kLowCardinality, 8);
}
TEST(AggregatorTest, NullableLowCardinalityKey) {
  CheckAgainstNaive({"LowCardinality(Nullable(String))"}, Method::kLowCardinality, 9);
}
TEST(AggregatorTest, StringKey) { CheckAgainstNaive({"String"}, Method::kString, 10); }
TEST(AggregatorTest, NullableStringKey) {
  CheckAgainstNaive({"Nullable(String)"}, Method::kString, 11);
}
TEST(AggregatorTest, UuidKeyIsSerialized) { CheckAgainstNaive({"UUID"}, Method::kSerialized, 12); }
TEST(AggregatorTest, TwoFixedKeysArePacked) {
  CheckAgainstNaive({"UInt16", "UInt32"}, Method::kFixed, 13);
}
TEST(AggregatorTest, ThreeSmallKeysArePacked) {
  CheckAgainstNaive({"Date", "Int8", "Bool"}, Method::kFixed, 14);
}
TEST(AggregatorTest, StringAndIntegerKeys) {
  CheckAgainstNaive({"String", "UInt32"}, Method::kSerialized, 15, 30);
}
TEST(AggregatorTest, TwoLowCardinalityKeysArePacked) {
  CheckAgainstNaive({"LowCardinality(String)", "LowCardinality(Nullable(String))"}, Method::kPacked, 17, 30);
}
TEST(AggregatorTest, LowCardinalityAndSmallKeysArePacked) {
  CheckAgainstNaive({"UInt16", "LowCardinality(String)", "Bool"}, Method::kPacked, 18, 30);
}
TEST(AggregatorTest, LowCardinalityKeysAndADateArePackedIn128Bits) {
  CheckAgainstNaive({"LowCardinality(String)", "LowCardinality(String)", "Date"}, Method::kPacked, 19, 30);
}
TEST(AggregatorTest, LowCardinalityAndA64BitKeyArePacked) {
  CheckAgainstNaive({"LowCardinality(Nullable(String))", "UInt64"}, Method::kPacked, 20, 30);
}
TEST(AggregatorTest, ThreeKeysWithLowCardinalityAndNulls) {
  CheckAgainstNaive({"LowCardinality(String)", "Int64", "Nullable(String)"}, Method::kSerialized,
                    16, 20);
}

TEST(AggregatorTest, NoRowsWithoutKeysIsOneDefaultRow) {
  Aggregator agg({}, {Bind("count", {}), Bind("sum", {T("UInt32")}), Bind("min", {T("String")}),
                      Bind("avg", {T("Float64")}), Bind("uniq", {T("String")})});
  Column empty_u = Column::Make(T("UInt32")), empty_s = Column::Make(T("String")),
         empty_f = Column::Make(T("Float64"));
  std::vector<std::vector<ColumnArg>> args = {
      {}, {{&empty_u, false}}, {{&empty_s, false}}, {{&empty_f, false}}, {{&empty_s, false}}};
  ASSERT_OK(agg.Add({}, args, 0));
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, agg.Finish());
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].GetValue(0), Value::UInt(0));
  EXPECT_EQ(out[1].GetValue(0), Value::UInt(0));
  EXPECT_EQ(out[2].GetValue(0), Value::String(""));
  EXPECT_TRUE(std::isnan(out[3].GetValue(0).f));
  EXPECT_EQ(out[4].GetValue(0), Value::UInt(0));
}

TEST(AggregatorTest, MergeRejectsOtherAggregatesAndFinished) {
  Aggregator a({T("UInt64")}, {Bind("count", {})});
  Aggregator b({T("UInt64")}, {Bind("count", {})});  // equal, but other instances
  EXPECT_STATUS(a.MergeFrom(b), absl::StatusCode::kInvalidArgument, "different aggregates");
  auto count = Bind("count", {});
  Aggregator c({T("UInt64")}, {count}), d({T("String")}, {count}), e({T("UInt64")}, {count});
  EXPECT_STATUS(c.MergeFrom(d), absl::StatusCode::kInvalidArgument, "key types");
  ASSERT_OK(e.Finish().status());
  EXPECT_STATUS(c.MergeFrom(e), absl::StatusCode::kFailedPrecondition, "after Finish");
}

TEST(AggregatorTest, ArgMaxOverRunsOfOneGroupKeepsTheFirstBest) {
  // Sorted keys give runs of rows of one group; ties keep the earliest row, as row by row.
  Column key = Column::Make(T("UInt32")), arg = Column::Make(T("String")), val = Column::Make(T("Int64"));
  const int64_t values[] = {5, 9, 9, 1, 3, 3, 2, 7, 7, 7};
  const uint32_t keys[] = {1, 1, 1, 1, 2, 2, 2, 3, 3, 1};
  for (size_t r = 0; r < 10; ++r) {
    key.Append<uint32_t>(keys[r]);
    val.Append<int64_t>(values[r]);
    arg.AppendString(absl::StrCat("row", r));
  }
  Aggregator agg({key.type}, {Bind("argMax", {arg.type, val.type}), Bind("argMin", {arg.type, val.type})});
  ASSERT_OK(agg.Add({ColumnArg{&key, false}}, {{ColumnArg{&arg, false}, ColumnArg{&val, false}},
                                              {ColumnArg{&arg, false}, ColumnArg{&val, false}}},
                    10));
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, agg.Finish());
  ASSERT_EQ(out[0].size(), 3u);
  EXPECT_EQ(out[1].GetValue(0), Value::String("row1"));  // key 1: 9 first at row 1
  EXPECT_EQ(out[2].GetValue(0), Value::String("row3"));  // key 1: min 1 at row 3
  EXPECT_EQ(out[1].GetValue(1), Value::String("row4"));  // key 2: 3 first at row 4
  EXPECT_EQ(out[2].GetValue(1), Value::String("row6"));
  EXPECT_EQ(out[1].GetValue(2), Value::String("row7"));  // key 3: 7, 7: the first
  EXPECT_EQ(out[2].GetValue(2), Value::String("row7"));
}

TEST(AggregatorTest, NoRowsWithKeysIsNoRows) {
  Aggregator agg({T("LowCardinality(String)")}, {Bind("count", {})});
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, agg.Finish());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].size(), 0u);
  EXPECT_EQ(out[0].type->ToString(), "LowCardinality(String)");
  EXPECT_EQ(out[1].size(), 0u);
}

TEST(AggregatorTest, ConstantKeyIsOneGroup) {
  Column key = Column::Make(T("UInt64"));
  key.Append<uint64_t>(42);
  Column v = Column::Make(T("UInt64"));
  for (uint64_t i = 0; i < 10; ++i) v.Append<uint64_t>(i);
  Aggregator agg({key.type}, {Bind("sum", {v.type})});
  ASSERT_OK(agg.Add({ColumnArg{&key, true}}, {{ColumnArg{&v, false}}}, 10));
  ASSERT_OK(agg.Add({ColumnArg{&key, true}}, {{ColumnArg{&v, false}}}, 5));
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, agg.Finish());
  ASSERT_EQ(out[0].size(), 1u);
  EXPECT_EQ(out[0].GetValue(0), Value::UInt(42));
  EXPECT_EQ(out[1].GetValue(0), Value::UInt(45 + 10));
}

TEST(AggregatorTest, KeysOnlyIsDistinct) {
  Column key = Column::Make(T("String"));
  for (const char* s : {"b", "a", "b", "c", "a"}) key.AppendString(s);
  Aggregator agg({key.type}, {});
  ASSERT_OK(agg.Add({ColumnArg{&key, false}}, {}, key.size()));
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, agg.Finish());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].size(), 3u);
  EXPECT_EQ(out[0].GetValue(0), Value::String("b"));
  EXPECT_EQ(out[0].GetValue(1), Value::String("a"));
  EXPECT_EQ(out[0].GetValue(2), Value::String("c"));
}

TEST(AggregatorTest, RejectsMismatchedInput) {
  Column key = Column::Make(T("UInt32")), wrong = Column::Make(T("Int32")),
         v = Column::Make(T("UInt64"));
  for (uint32_t i = 0; i < 4; ++i) {
    key.Append<uint32_t>(i);
    wrong.Append<int32_t>(1);
    v.Append<uint64_t>(i);
  }
  Aggregator agg({key.type}, {Bind("sum", {v.type})});
  EXPECT_STATUS(agg.Add({}, {{ColumnArg{&v, false}}}, 4), absl::StatusCode::kInvalidArgument,
                "0 key columns given");
  EXPECT_STATUS(agg.Add({ColumnArg{&key, false}}, {}, 4), absl::StatusCode::kInvalidArgument,
                "arguments for 0");
  EXPECT_STATUS(agg.Add({ColumnArg{&wrong, false}}, {{ColumnArg{&v, false}}}, 4),
                absl::StatusCode::kInvalidArgument, "key column 0 is Int32, UInt32 expected");
  EXPECT_STATUS(agg.Add({ColumnArg{&key, false}}, {{ColumnArg{&v, false}}}, 5),
                absl::StatusCode::kInvalidArgument, "has 4 rows, 5 expected");
  ASSERT_OK(agg.Add({ColumnArg{&key, false}}, {{ColumnArg{&v, false}}}, 4));
  ASSERT_OK(agg.Finish());
  EXPECT_STATUS(agg.Finish(), absl::StatusCode::kFailedPrecondition, "twice");
  EXPECT_STATUS(agg.Add({ColumnArg{&key, false}}, {{ColumnArg{&v, false}}}, 4),
                absl::StatusCode::kFailedPrecondition, "after Finish");
}

TEST(AggregatorTest, MemoryGrowsWithGroupsAndHeapStates) {
  Column key = Column::Make(T("UInt64")), u = Column::Make(T("UInt64"));
  for (uint64_t i = 0; i < 50000; ++i) {
    key.Append<uint64_t>(i % 20000);
    u.Append<uint64_t>(i);
  }
  Aggregator small({key.type}, {Bind("count", {})});
  Aggregator heavy({key.type}, {Bind("uniqExact", {u.type})});
  size_t before = heavy.MemoryBytes();
  ASSERT_OK(small.Add({ColumnArg{&key, false}}, {{}}, key.size()));
  ASSERT_OK(heavy.Add({ColumnArg{&key, false}}, {{ColumnArg{&u, false}}}, key.size()));
  EXPECT_EQ(small.groups(), 20000u);
  EXPECT_GT(small.MemoryBytes(), 20000u * 16);
  EXPECT_GT(heavy.MemoryBytes(), small.MemoryBytes() + 20000u * 16);  // the sets' heap memory
  EXPECT_GT(heavy.MemoryBytes(), before);
  // Destroyed without Finish: the states' heap memory is still freed (ASan checks).
}

TEST(AggregatorTest, NullKeyIsItsOwnGroup) {
  Column key = Column::Make(T("Nullable(String)"));
  for (const Value& v : {Value(), Value::String(""), Value(), Value::String("x")})
    ASSERT_OK(key.AppendValue(v));
  Aggregator agg({key.type}, {Bind("count", {})});
  ASSERT_OK(agg.Add({ColumnArg{&key, false}}, {{}}, key.size()));
  ASSERT_OK_AND_ASSIGN(std::vector<Column> out, agg.Finish());
  ASSERT_EQ(out[0].size(), 3u);
  EXPECT_EQ(out[0].GetValue(0), Value());
  EXPECT_EQ(out[1].GetValue(0), Value::UInt(2));
  EXPECT_EQ(out[0].GetValue(1), Value::String(""));
  EXPECT_EQ(out[1].GetValue(1), Value::UInt(1));
}

}  // namespace
}  // namespace tally::engine::exec
