// Tests for format/column.h: the in-memory columnar layout.
#include "format/column.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

DataTypePtr T(absl::string_view text) {
  auto t = ParseDataType(text);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

// Appends `values` to a new column of `type`, checking each append and the result.
Column Build(absl::string_view type, const std::vector<Value>& values) {
  Column c = Column::Make(T(type));
  for (const Value& v : values) {
    absl::Status s = c.AppendValue(v);
    EXPECT_TRUE(s.ok()) << type << " <- " << v.DebugString() << ": " << s;
  }
  EXPECT_EQ(c.size(), values.size());
  absl::Status valid = c.Validate(type);
  EXPECT_TRUE(valid.ok()) << valid;
  return c;
}

void ExpectValues(const Column& c, const std::vector<Value>& want) {
  ASSERT_EQ(c.size(), want.size()) << c.type->ToString();
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(c.GetValue(i), want[i]) << c.type->ToString() << " row " << i << ": got "
                                      << c.GetValue(i).DebugString() << ", want "
                                      << want[i].DebugString();
  }
}

void ExpectRoundTrip(absl::string_view type, const std::vector<Value>& values) {
  SCOPED_TRACE(type);
  ExpectValues(Build(type, values), values);
}

constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

Value U(uint64_t v) { return Value::UInt(v); }
Value I(int64_t v) { return Value::Int(v); }
Value S(std::string v) { return Value::String(std::move(v)); }
Value F(double v) { return Value::Float(v); }
Value N() { return Value::Null(); }

TEST(ColumnTest, IntegersKeepTheirEdgeValues) {
  ExpectRoundTrip("UInt8", {U(0), U(1), U(127), U(128), U(255)});
  ExpectRoundTrip("UInt16", {U(0), U(255), U(256), U(65535)});
  ExpectRoundTrip("UInt32", {U(0), U(65536), U(0xffffffffu)});
  ExpectRoundTrip("UInt64", {U(0), U(uint64_t{1} << 63), U(kU64Max)});
  ExpectRoundTrip("Int8", {I(-128), I(-1), I(0), I(127)});
  ExpectRoundTrip("Int16", {I(-32768), I(0), I(32767)});
  ExpectRoundTrip("Int32", {I(std::numeric_limits<int32_t>::min()), I(0),
                            I(std::numeric_limits<int32_t>::max())});
  ExpectRoundTrip("Int64", {I(kI64Min), I(-1), I(0), I(kI64Max)});
  ExpectRoundTrip("Bool", {U(0), U(1), U(1)});
  ExpectRoundTrip("Date", {U(0), U(19000), U(65535)});
  ExpectRoundTrip("DateTime", {U(0), U(1700000000), U(0xffffffffu)});
  ExpectRoundTrip("DateTime('UTC')", {U(0), U(0xffffffffu)});
  ExpectRoundTrip("DateTime64(3)", {I(kI64Min), I(-1), I(0), I(1700000000123), I(kI64Max)});
  ExpectRoundTrip("DateTime64(9, 'Europe/Berlin')", {I(kI64Min), I(kI64Max)});
}

TEST(ColumnTest, IntegersAcceptTheOtherSignednessWhenInRange) {
  // Unsigned columns return kUInt, signed kInt, whatever kind went in.
  ExpectValues(Build("UInt8", {I(0), I(255)}), {U(0), U(255)});
  ExpectValues(Build("UInt64", {I(kI64Max)}), {U(static_cast<uint64_t>(kI64Max))});
  ExpectValues(Build("Int8", {U(127)}), {I(127)});
  ExpectValues(Build("Int64", {U(static_cast<uint64_t>(kI64Max))}), {I(kI64Max)});
  ExpectValues(Build("Bool", {I(0), I(1)}), {U(0), U(1)});
}

TEST(ColumnTest, OutOfRangeValuesAreInvalidArgumentAndLeaveTheColumnAlone) {
  const std::pair<const char*, Value> cases[] = {
      {"UInt8", U(256)},
      {"UInt8", I(-1)},
      {"UInt16", U(65536)},
      {"Date", U(65536)},
      {"UInt32", U(uint64_t{1} << 32)},
      {"DateTime", I(-1)},
      {"UInt64", I(-1)},
      {"UInt64", I(kI64Min)},
      {"Int8", I(128)},
      {"Int8", I(-129)},
      {"Int8", U(128)},
      {"Int16", I(32768)},
      {"Int32", I(int64_t{1} << 31)},
      {"Int32", I(-(int64_t{1} << 31) - 1)},
      {"Int64", U(uint64_t{1} << 63)},
      {"DateTime64(3)", U(kU64Max)},
      {"Bool", U(2)},
      {"Bool", I(-1)},
      {"Bool", F(1)},
      {"Int32", F(1.5)},
      {"Int32", S("1")},
      {"Int32", N()},
      {"Float64", S("1.5")},
      {"Float32", N()},
      {"UUID", S(std::string(15, 'x'))},
      {"UUID", S(std::string(17, 'x'))},
      {"UUID", U(1)},
      {"String", U(1)},
      {"String", N()},
      {"String", Value::Array({})},
      {"LowCardinality(String)", N()},
      {"LowCardinality(String)", U(1)},
      {"LowCardinality(Nullable(String))", I(1)},
      {"Nullable(Int8)", I(300)},
      {"Nullable(String)", Value::Array({})},
      {"Array(Int8)", S("x")},
      {"Array(Int8)", Value::Map({})},
      {"Array(Int8)", N()},
      {"Map(String, String)", Value::Array({})},
      {"Map(String, String)", Value::Map({S("odd")})},
      {"Map(String, String)", Value::Map({S("k"), U(1)})},
      {"Map(String, String)", Value::Map({U(1), S("v")})},
  };
  for (const auto& [type, value] : cases) {
    SCOPED_TRACE(absl::StrCat(type, " <- ", value.DebugString()));
    Column c = Build(type, {});
    EXPECT_STATUS(c.AppendValue(value), absl::StatusCode::kInvalidArgument, "does not fit");
    EXPECT_EQ(c.size(), 0u);
    EXPECT_OK(c.Validate("after failed append"));
  }
}

TEST(ColumnTest, FailedArrayAndMapRowsAreUndone) {
  Column arr = Build("Array(Array(Int8))", {Value::Array({Value::Array({I(1), I(2)})})});
  EXPECT_STATUS(arr.AppendValue(Value::Array({Value::Array({I(3)}), Value::Array({I(4), I(999)})})),
                absl::StatusCode::kInvalidArgument, "does not fit Int8");
  EXPECT_OK(arr.Validate("arr"));
  ExpectValues(arr, {Value::Array({Value::Array({I(1), I(2)})})});
  EXPECT_EQ(arr.children[0].size(), 1u);
  EXPECT_EQ(arr.children[0].children[0].size(), 2u);

  Column lc = Build("Array(LowCardinality(String))", {Value::Array({S("a")})});
  EXPECT_STATUS(lc.AppendValue(Value::Array({S("b"), N()})), absl::StatusCode::kInvalidArgument,
                "NULL does not fit");
  EXPECT_OK(lc.Validate("lc"));
  ExpectValues(lc, {Value::Array({S("a")})});
  ASSERT_OK(lc.AppendValue(Value::Array({S("a"), S("c")})));
  ExpectValues(lc, {Value::Array({S("a")}), Value::Array({S("a"), S("c")})});

  Column map = Build("Map(String, Int8)", {Value::Map({S("k"), I(1)})});
  EXPECT_STATUS(map.AppendValue(Value::Map({S("a"), I(1), S("b"), I(1000)})),
                absl::StatusCode::kInvalidArgument, "does not fit");
  EXPECT_OK(map.Validate("map"));
  ExpectValues(map, {Value::Map({S("k"), I(1)})});
}

TEST(ColumnTest, FloatsKeepNanSignedZeroAndInfinities) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<Value> values = {F(0.0),  F(-0.0), F(nan), F(-nan), F(inf), F(-inf),
                               F(1e-310), F(std::numeric_limits<double>::max()),
                               F(std::numeric_limits<double>::lowest()), F(0.1)};
  ExpectRoundTrip("Float64", values);
  Column c = Build("Float64", values);
  EXPECT_TRUE(std::signbit(c.GetValue(1).f));
  EXPECT_FALSE(std::signbit(c.GetValue(0).f));
  EXPECT_TRUE(std::isnan(c.GetValue(2).f));

  // Float32 stores the nearest float; integers convert.
  Column f32 = Build("Float32", {F(0.1), F(-0.0), F(nan), F(inf), U(16777217), I(-3)});
  ExpectValues(f32, {F(static_cast<float>(0.1)), F(-0.0), F(nan), F(inf), F(16777216.0), F(-3)});
  ExpectValues(Build("Float64", {U(kU64Max), I(kI64Min)}),
               {F(static_cast<double>(kU64Max)), F(static_cast<double>(kI64Min))});
}

TEST(ColumnTest, StringsKeepEmptyBinaryAndHugeValues) {
  std::string huge(1 << 20, '\0');
  for (size_t i = 0; i < huge.size(); ++i) huge[i] = static_cast<char>(i * 131 + (i >> 9));
  std::vector<Value> values = {S(""), S("a"), S(std::string("\0\xff\0", 3)), S(""), S(huge), S("")};
  ExpectRoundTrip("String", values);
  Column c = Build("String", values);
  EXPECT_EQ(c.chars.size(), 1u + 3 + huge.size());
  EXPECT_EQ(c.StringAt(4).size(), huge.size());
  EXPECT_EQ(c.offsets[0], 0u);
  EXPECT_GE(c.ByteSize(), huge.size());
  ExpectRoundTrip("LowCardinality(String)", values);
  ExpectRoundTrip("Array(String)", {Value::Array(values), Value::Array({})});
}

TEST(ColumnTest, UuidsAreSixteenRawBytes) {
  std::string a(16, '\0'), b(16, '\xff'), c = "0123456789abcdef";
  ExpectRoundTrip("UUID", {S(a), S(b), S(c)});
  EXPECT_EQ(Build("UUID", {S(c)}).data.size(), 16u);
  ExpectRoundTrip("Nullable(UUID)", {S(a), N(), S(c)});
}

TEST(ColumnTest, NullableRowsKeepNullsAndDefaultValuesBeneath) {
  Column c = Build("Nullable(Int32)", {I(1), N(), I(-5), N()});
  ExpectValues(c, {I(1), N(), I(-5), N()});
  EXPECT_EQ(c.nulls.size(), 4u);
  EXPECT_EQ(c.nulls[1], 1);
  EXPECT_EQ(c.children[0].GetValue(1), I(0));
  ExpectRoundTrip("Nullable(String)", {S(""), N(), S("x")});
  ExpectRoundTrip("Nullable(Float64)", {N(), F(-0.0)});
  ExpectRoundTrip("Array(Nullable(Int64))",
                  {Value::Array({N(), I(kI64Min), N()}), Value::Array({})});
}

TEST(ColumnTest, LowCardinalityDeduplicatesAndKeepsNullApartFromEmpty) {
  Column c = Build("LowCardinality(String)", {S("b"), S("a"), S("b"), S(""), S("a")});
  EXPECT_EQ(c.dictionary->size(), 3u);
  EXPECT_EQ(c.index_width, 1);
  EXPECT_EQ(c.IndexAt(0), c.IndexAt(2));

  std::vector<Value> values = {N(), S(""), S("x"), N(), S(""), S("x")};
  Column n = Build("LowCardinality(Nullable(String))", values);
  ExpectValues(n, values);
  EXPECT_EQ(n.IndexAt(0), 0u);
  EXPECT_NE(n.IndexAt(1), 0u);
  EXPECT_EQ(n.dictionary->size(), 3u);  // NULL, "", "x"
}

TEST(ColumnTest, NestedArraysAndMapsRoundTrip) {
  std::vector<Value> aa = {
      Value::Array({}),
      Value::Array({Value::Array({}), Value::Array({S("")})}),
      Value::Array({Value::Array({S("a"), S("bb")}), Value::Array({}), Value::Array({S("c")})}),
  };
  ExpectRoundTrip("Array(Array(String))", aa);
  std::vector<Value> maps = {
      Value::Map({}),
      Value::Map({S("k1"), S("v1"), S("k2"), S("")}),
      Value::Map({S("k1"), S("v3"), S(""), S("v4"), S("k1"), S("dup keys stay")}),
  };
  ExpectRoundTrip("Map(LowCardinality(String), String)", maps);
  ExpectRoundTrip("Map(String, Array(Nullable(Int64)))",
                  {Value::Map({S("a"), Value::Array({N(), I(1)}), S("b"), Value::Array({})}),
                   Value::Map({})});
  ExpectRoundTrip("Map(UInt64, Map(Date, LowCardinality(Nullable(String))))",
                  {Value::Map({U(kU64Max), Value::Map({U(1), N(), U(2), S("x")})}),
                   Value::Map({})});
}

TEST(ColumnTest, AppendDefaultGivesTheTypesZero) {
  const std::pair<const char*, Value> cases[] = {
      {"UInt64", U(0)},
      {"Int8", I(0)},
      {"Float32", F(0)},
      {"Bool", U(0)},
      {"DateTime64(3)", I(0)},
      {"UUID", S(std::string(16, '\0'))},
      {"String", S("")},
      {"LowCardinality(String)", S("")},
      {"LowCardinality(Nullable(String))", N()},
      {"Nullable(Int32)", N()},
      {"Array(String)", Value::Array({})},
      {"Map(String, String)", Value::Map({})},
  };
  for (const auto& [type, want] : cases) {
    SCOPED_TRACE(type);
    Column c = Column::Make(T(type));
    c.AppendDefault();
    c.AppendDefault();
    EXPECT_OK(c.Validate(type));
    ExpectValues(c, {want, want});
  }
}

// A small column of each interesting type, for Gather and AppendRange.
std::vector<std::pair<std::string, std::vector<Value>>> SampleColumns() {
  std::vector<std::pair<std::string, std::vector<Value>>> out;
  auto add = [&](std::string type, auto make) {
    std::vector<Value> values;
    for (int i = 0; i < 40; ++i) values.push_back(make(i));
    out.emplace_back(std::move(type), std::move(values));
  };
  add("UInt16", [](int i) { return U(i * 1000); });
  add("Int64", [](int i) { return I(i % 2 ? -i : kI64Max / 40 * i); });
  add("Float32", [](int i) { return F(i * 0.5f); });
  add("UUID", [](int i) { return S(std::string(16, static_cast<char>(i))); });
  add("String", [](int i) { return S(std::string(i % 5, static_cast<char>('a' + i % 26))); });
  add("LowCardinality(String)", [](int i) { return S(absl::StrCat("v", i % 7)); });
  add("LowCardinality(Nullable(String))",
      [](int i) { return i % 3 == 0 ? N() : S(absl::StrCat("v", i % 4)); });
  add("Nullable(Int32)", [](int i) { return i % 4 == 0 ? N() : I(i); });
  add("Array(Array(String))", [](int i) {
    std::vector<Value> outer;
    for (int k = 0; k < i % 3; ++k) outer.push_back(Value::Array({S(absl::StrCat(i, ".", k))}));
    return Value::Array(outer);
  });
  add("Map(LowCardinality(String), String)", [](int i) {
    std::vector<Value> kv;
    for (int k = 0; k < i % 4; ++k) {
      kv.push_back(S(absl::StrCat("k", k)));
      kv.push_back(S(absl::StrCat(i)));
    }
    return Value::Map(kv);
  });
  return out;
}

TEST(ColumnTest, GatherPicksRowsInAnyOrderWithRepeats) {
  for (const auto& [type, values] : SampleColumns()) {
    SCOPED_TRACE(type);
    Column src = Build(type, values);
    std::vector<uint32_t> rows = {39, 0, 5, 5, 17, 1, 39, 38};
    Column out = Column::Gather(src, rows);
    EXPECT_OK(out.Validate("gathered"));
    std::vector<Value> want;
    for (uint32_t r : rows) want.push_back(values[r]);
    ExpectValues(out, want);
    Column none = Column::Gather(src, {});
    EXPECT_EQ(none.size(), 0u);
    EXPECT_OK(none.Validate("empty gather"));
  }
}

TEST(ColumnTest, AppendRangeCopiesSlices) {
  for (const auto& [type, values] : SampleColumns()) {
    SCOPED_TRACE(type);
    Column src = Build(type, values);
    Column dst = Build(type, {values[3]});
    dst.AppendRange(src, 10, 0);
    dst.AppendRange(src, 0, 7);
    dst.AppendRange(src, 25, 15);
    dst.AppendRange(src, 7, 1);
    EXPECT_OK(dst.Validate("dst"));
    std::vector<Value> want = {values[3]};
    want.insert(want.end(), values.begin(), values.begin() + 7);
    want.insert(want.end(), values.begin() + 25, values.end());
    want.push_back(values[7]);
    ExpectValues(dst, want);
    ExpectValues(src, values);  // untouched
  }
}

std::string Key(size_t i) { return absl::StrCat("key-", i); }

TEST(ColumnTest, LowCardinalityIndexWidthGrowsPast256And65536Entries) {
  Column c = Column::Make(T("LowCardinality(String)"));
  std::vector<Value> want;
  auto append = [&](size_t i) {
    ASSERT_OK(c.AppendValue(S(Key(i))));
    want.push_back(S(Key(i)));
  };
  for (size_t i = 0; i < 256; ++i) append(i);
  EXPECT_EQ(c.index_width, 1);
  append(256);
  EXPECT_EQ(c.index_width, 2);
  for (size_t i = 257; i < 65536; ++i) append(i);
  EXPECT_EQ(c.index_width, 2);
  append(65536);
  EXPECT_EQ(c.index_width, 4);
  append(0);
  append(65536);
  EXPECT_EQ(c.dictionary->size(), 65537u);
  EXPECT_OK(c.Validate("wide"));
  ExpectValues(c, want);
  EXPECT_EQ(IndexWidthFor(256), 1u);
  EXPECT_EQ(IndexWidthFor(257), 2u);
  EXPECT_EQ(IndexWidthFor(65536), 2u);
  EXPECT_EQ(IndexWidthFor(65537), 4u);

  // SetIndexWidth narrows again when everything fits.
  Column small = Build("LowCardinality(String)", {S("a"), S("b")});
  small.SetIndexWidth(4);
  ExpectValues(small, {S("a"), S("b")});
  EXPECT_EQ(small.data.size(), 8u);
  small.SetIndexWidth(1);
  ExpectValues(small, {S("a"), S("b")});
}

TEST(ColumnTest, LowCardinalitySharedDictionaryIsNotCopiedOrMutated) {
  Column src = Build("LowCardinality(String)", {S("x"), S("y"), S("x"), S("z")});
  Column gathered = Column::Gather(src, std::vector<uint32_t>{3, 0});
  EXPECT_EQ(gathered.dictionary, src.dictionary);
  Column sliced = Column::Make(src.type);
  sliced.AppendRange(src, 1, 3);
  sliced.AppendRange(src, 0, 1);
  EXPECT_EQ(sliced.dictionary, src.dictionary);  // adopted, not rebuilt
  ExpectValues(sliced, {S("y"), S("x"), S("z"), S("x")});

  // Writing a new value to a sharer copies first: src's dictionary stays as it was.
  const Column* before = src.dictionary.get();
  ASSERT_OK(gathered.AppendValue(S("new")));
  EXPECT_NE(gathered.dictionary.get(), before);
  EXPECT_EQ(src.dictionary.get(), before);
  EXPECT_EQ(src.dictionary->size(), 3u);
  ExpectValues(gathered, {S("z"), S("x"), S("new")});
  ExpectValues(src, {S("x"), S("y"), S("x"), S("z")});
  ASSERT_OK(sliced.AppendValue(S("y")));  // existing entry: no copy needed
  EXPECT_EQ(src.dictionary->size(), 3u);
}

TEST(ColumnTest, LowCardinalityAppendRangeAcrossIndexWidths) {
  Column wide = Column::Make(T("LowCardinality(String)"));
  for (size_t i = 0; i < 300; ++i) ASSERT_OK(wide.AppendValue(S(Key(i))));
  ASSERT_EQ(wide.index_width, 2);

  // A narrow column over the same dictionary takes wide rows: it widens.
  Column narrow = Column::Make(wide.type);
  narrow.dictionary = wide.dictionary;
  narrow.AppendIndex(5);
  ASSERT_EQ(narrow.index_width, 1);
  narrow.AppendRange(wide, 250, 50);
  EXPECT_EQ(narrow.index_width, 2);
  EXPECT_EQ(narrow.dictionary, wide.dictionary);
  EXPECT_OK(narrow.Validate("narrow"));
  ASSERT_EQ(narrow.size(), 51u);
  EXPECT_EQ(narrow.GetValue(0), S(Key(5)));
  for (size_t i = 0; i < 50; ++i) EXPECT_EQ(narrow.GetValue(1 + i), S(Key(250 + i)));

  // And a wide column takes narrow rows over the same dictionary.
  Column narrow_src = Column::Make(wide.type);
  narrow_src.dictionary = wide.dictionary;
  for (uint32_t k : {7u, 8u, 9u}) narrow_src.AppendIndex(k);
  wide.AppendRange(narrow_src, 0, 3);
  EXPECT_EQ(wide.index_width, 2);
  EXPECT_EQ(wide.GetValue(301), S(Key(8)));

  // Different dictionaries: values are re-added, and the index widens past 256 entries.
  Column a = Column::Make(wide.type), b = Column::Make(wide.type);
  for (size_t i = 0; i < 200; ++i) ASSERT_OK(a.AppendValue(S(Key(i))));
  for (size_t i = 150; i < 350; ++i) ASSERT_OK(b.AppendValue(S(Key(i))));
  a.AppendRange(b, 0, 200);
  EXPECT_EQ(a.index_width, 2);
  EXPECT_EQ(a.dictionary->size(), 350u);
  EXPECT_EQ(b.dictionary->size(), 200u);
  EXPECT_OK(a.Validate("merged"));
  for (size_t i = 0; i < 400; ++i) EXPECT_EQ(a.GetValue(i), S(Key(i < 200 ? i : i - 50)));

  // Nullable: NULL stays entry 0 across dictionaries.
  Column n1 = Build("LowCardinality(Nullable(String))", {S("p"), N()});
  Column n2 = Build("LowCardinality(Nullable(String))", {N(), S(""), S("q"), S("p")});
  n1.AppendRange(n2, 0, 4);
  EXPECT_OK(n1.Validate("n1"));
  ExpectValues(n1, {S("p"), N(), N(), S(""), S("q"), S("p")});
}

// --- Validate ------------------------------------------------------------------------

void ExpectInvalid(const Column& c, absl::string_view substr) {
  EXPECT_STATUS(c.Validate("col"), absl::StatusCode::kInvalidArgument, substr);
  EXPECT_STATUS(c.Validate("col"), absl::StatusCode::kInvalidArgument, "col");
}

TEST(ColumnTest, ValidateCatchesBrokenOffsets) {
  Column s = Build("String", {S("ab"), S("c"), S("")});
  {
    Column c = s;
    c.offsets[0] = 3;  // after offsets[1] = 3? equal is fine; make it decrease
    c.offsets[1] = 2;
    ExpectInvalid(c, "out of order");
  }
  {
    Column c = s;
    c.offsets[1] = 99;
    ExpectInvalid(c, "past 3");
  }
  {
    Column c = s;
    c.chars.push_back('x');
    ExpectInvalid(c, "does not end at 4");
  }
  {
    Column c = Column::Make(T("String"));
    c.chars.push_back('x');
    ExpectInvalid(c, "no rows but 1");
  }
  Column arr =
      Build("Array(Array(String))", {Value::Array({Value::Array({S("a")})}), Value::Array({})});
  {
    Column c = arr;
    c.offsets[0] = 2;
    ExpectInvalid(c, "past 1");
  }
  {
    Column c = arr;
    c.children[0].children[0].offsets[0] = 5;
    ExpectInvalid(c, "col.elements.elements");
  }
  {
    Column c = arr;
    c.children[0] = Column::Make(T("Array(UInt8)"));
    ExpectInvalid(c, "type mismatch");
  }
  {
    Column c = arr;
    c.children.clear();
    ExpectInvalid(c, "bad children");
  }
  Column map = Build("Map(String, String)", {Value::Map({S("k"), S("v")})});
  {
    Column c = map;
    ASSERT_OK(c.children[1].AppendValue(S("extra")));
    ExpectInvalid(c, "keys and values differ");
  }
  {
    Column c = map;
    c.children[1].chars.push_back('!');
    ExpectInvalid(c, "col.values");
  }
}

TEST(ColumnTest, ValidateCatchesBrokenNullsIndexesAndWidths) {
  Column nullable = Build("Nullable(Int32)", {I(1), N()});
  {
    Column c = nullable;
    c.nulls.push_back(0);
    ExpectInvalid(c, "differ in rows");
  }
  {
    Column c = nullable;
    c.nulls[0] = 2;
    ExpectInvalid(c, "null flag of row 0");
  }
  Column lc = Build("LowCardinality(String)", {S("a"), S("b")});
  {
    Column c = lc;
    c.data[1] = 2;
    ExpectInvalid(c, "dictionary index 2 >= dictionary size 2");
  }
  {
    Column c = lc;
    c.index_width = 3;
    ExpectInvalid(c, "bad index width 3");
  }
  {
    Column c = lc;
    c.SetIndexWidth(2);
    c.data.push_back(0);
    ExpectInvalid(c, "not a multiple of the width");
  }
  {
    Column c = lc;
    c.dictionary = nullptr;
    ExpectInvalid(c, "without a dictionary");
  }
  {
    Column c = lc;
    auto broken = std::make_shared<Column>(*lc.dictionary);
    broken->offsets[1] = 0;
    c.dictionary = broken;
    ExpectInvalid(c, "col.dictionary");
  }
  {
    Column c = Build("Bool", {U(1), U(0)});
    c.data[1] = 7;
    ExpectInvalid(c, "Bool value 7");
  }
  {
    Column c = Build("Int32", {I(1)});
    c.data.push_back(0);
    ExpectInvalid(c, "5 bytes is not a whole number of Int32 values");
  }
  {
    Column c = Build("UUID", {S(std::string(16, 'u'))});
    c.data.push_back(0);
    ExpectInvalid(c, "not a whole number of UUID");
  }
  Column untyped;
  EXPECT_STATUS(untyped.Validate("col"), absl::StatusCode::kInvalidArgument, "no type");
}

}  // namespace
}  // namespace tally::format
