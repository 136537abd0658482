#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "engine/exec/function.h"
#include "engine/exec/json_scanner.h"
#include "format/column.h"
#include "tests/engine/call_function.h"
#include "tests/test_util.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;
using testing::CallFn;
using testing::ColumnOf;
using testing::ConstOf;
using testing::FnArg;
using testing::I;
using testing::S;
using testing::StringT;
using testing::T;
using testing::U;
using testing::ValuesOf;

constexpr char kDoc[] =
    R"({"a": "hello", "b": {"c": [1, 2.5, -3, "4", true, null]}, "n": 12, "e": "\u00e9\ud83d\ude00\n", "a": "dup"})";

FnArg Docs(std::vector<std::string> docs) {
  std::vector<Value> v;
  for (auto& d : docs) v.push_back(S(d));
  return ColumnOf(StringT(), v);
}
FnArg Key(std::string k) { return ConstOf(StringT(), S(std::move(k))); }
FnArg Index(int64_t i) { return ConstOf(T(TypeId::kInt64), I(i)); }

Value Run1(const std::string& name, std::vector<FnArg> args) {
  auto out = CallFn(name, args);
  EXPECT_TRUE(out.ok()) << name << ": " << out.status();
  return out.ok() && out->size() > 0 ? out->GetValue(0) : Value::Null();
}

std::string Str(const std::string& name, std::vector<FnArg> args) {
  return Run1(name, std::move(args)).s;
}
int64_t Int(const std::string& name, std::vector<FnArg> args) {
  Value v = Run1(name, std::move(args));
  return v.kind == Value::Kind::kInt ? v.i : static_cast<int64_t>(v.u);
}

TEST(JsonFunctionsTest, ExtractByKeysAndIndexes) {
  FnArg doc = Docs({kDoc});
  EXPECT_EQ(Str("JSONExtractString", {doc, Key("a")}), "hello");  // the first of duplicate keys
  EXPECT_EQ(Str("JSONExtractString", {doc, Key("e")}), "é😀\n");
  EXPECT_EQ(Str("JSONExtractString", {doc, Key("n")}), "12");  // non-strings: their text
  EXPECT_EQ(Str("JSONExtractString", {doc, Key("b"), Key("c"), Index(6)}), "");  // null
  EXPECT_EQ(Str("JSONExtractString", {doc, Key("missing")}), "");
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(1)}), 1);
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(2)}), 2);  // 2.5 truncates
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(-4)}), -3);
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(4)}), 4);  // "4" parses
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(5)}), 0);  // true is no Int
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(0)}), 0);  // 0 finds nothing
  EXPECT_EQ(Int("JSONExtractInt", {doc, Key("b"), Key("c"), Index(7)}), 0);
  EXPECT_EQ(Int("JSONExtractInt", {doc, Index(3)}), 12);  // an integer picks the n-th member
  EXPECT_EQ(Int("JSONExtractUInt", {doc, Key("b"), Key("c"), Index(3)}), 0);  // negative
  EXPECT_EQ(Run1("JSONExtractFloat", {doc, Key("b"), Key("c"), Index(2)}), Value::Float(2.5));
  EXPECT_EQ(Int("JSONExtractBool", {doc, Key("b"), Key("c"), Index(5)}), 1);
  EXPECT_EQ(Int("JSONExtractBool", {doc, Key("b"), Key("c"), Index(1)}), 1);
  EXPECT_EQ(Str("JSONExtractRaw", {doc, Key("b")}), R"({"c":[1,2.5,-3,"4",true,null]})");
  EXPECT_EQ(Str("JSONExtractRaw", {Docs({R"( [ "a b" , {} ] )"})}), R"(["a b",{}])");
  // Numbers are reprinted: floats in shortest form, integers beyond 64 bits as strings.
  EXPECT_EQ(Str("JSONExtractRaw", {Docs({R"([1.50, -0, 1e2, -0.0, 1E-7, 18446744073709551615, 18446744073709551616])"})}),
            R"([1.5,0,100,-0,1e-7,18446744073709551615,"18446744073709551616"])");
  EXPECT_EQ(Int("JSONHas", {doc, Key("b"), Key("c")}), 1);
  EXPECT_EQ(Int("JSONHas", {doc, Key("b"), Key("x")}), 0);
  EXPECT_EQ(Int("JSONLength", {doc, Key("b"), Key("c")}), 6);
  EXPECT_EQ(Int("JSONLength", {doc}), 5);
  EXPECT_EQ(Int("JSONLength", {doc, Key("a")}), 0);
  EXPECT_EQ(Run1("JSONExtractKeys", {Docs({R"({"x":1,"y\"":{}})"})}),
            Value::Array({S("x"), S("y\"")}));
  EXPECT_EQ(Run1("JSONExtractArrayRaw", {Docs({R"([1, "two", [3]])"})}),
            Value::Array({S("1"), S("\"two\""), S("[3]")}));
}

TEST(JsonFunctionsTest, ResultTypes) {
  FnArg doc = Docs({"{}"});
  auto type = [&](const std::string& name) {
    auto out = CallFn(name, {doc, Key("a")});
    return out.ok() ? out->type->ToString() : out.status().ToString();
  };
  EXPECT_EQ(type("JSONExtractString"), "String");
  EXPECT_EQ(type("JSONExtractInt"), "Int64");
  EXPECT_EQ(type("JSONExtractUInt"), "UInt64");
  EXPECT_EQ(type("JSONExtractFloat"), "Float64");
  EXPECT_EQ(type("JSONExtractBool"), "UInt8");
  EXPECT_EQ(type("JSONHas"), "UInt8");
  EXPECT_EQ(type("JSONLength"), "UInt64");
  EXPECT_EQ(type("JSONExtractKeys"), "Array(String)");
  EXPECT_STATUS(CallFn("JSONExtractInt", {doc, ConstOf(T(TypeId::kFloat64), Value::Float(1))}),
                absl::StatusCode::kInvalidArgument, "key");
}

TEST(JsonFunctionsTest, InvalidDocumentsGiveDefaults) {
  std::vector<std::string> bad = {
      "",   "{",  R"({"a":})", R"({"a":1,})", R"({"a":1}x)", "[1 2]",        R"({'a':1})", "nul",
      "01", "1.", "\"\x01\"",  "\"\\x\"",     "\"\xff\"",    "\"\xc0\xaf\"", R"({"a" 1})"};
  FnArg docs = Docs(bad);
  ASSERT_OK_AND_ASSIGN(Column valid, CallFn("isValidJSON", {docs}));
  ASSERT_OK_AND_ASSIGN(Column s, CallFn("JSONExtractString", {docs, Key("a")}));
  ASSERT_OK_AND_ASSIGN(Column n, CallFn("JSONExtractInt", {docs, Key("a")}));
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(valid.GetValue(i), U(0)) << bad[i];
    EXPECT_EQ(s.GetValue(i), S("")) << bad[i];
    EXPECT_EQ(n.GetValue(i), I(0)) << bad[i];
  }
  EXPECT_EQ(Int("isValidJSON", {Docs({" {\"a\": [1, {\"b\": null}], \"c\": -1.5e-3} "})}), 1);
}

TEST(JsonFunctionsTest, DeepNestingIsCappedWithoutRecursion) {
  std::string deep(200000, '[');
  EXPECT_EQ(Int("isValidJSON", {Docs({deep + std::string(200000, ']')})}), 0);
  EXPECT_EQ(Int("JSONLength", {Docs({deep})}), 0);
  std::string ok = std::string(json_scan::kMaxDepth, '[') + std::string(json_scan::kMaxDepth, ']');
  EXPECT_EQ(Int("isValidJSON", {Docs({ok})}), 1);
  EXPECT_EQ(Int("JSONLength", {Docs({ok})}), 1);
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(5000, '}');
  EXPECT_EQ(Int("JSONHas", {Docs({objects}), Key("a")}), 0);
}

// Every prefix of a valid document, and random byte flips, must parse or be rejected
// without reading out of bounds (ASan builds check the reads).
TEST(JsonFunctionsTest, TruncatedAndMutatedDocumentsNeverCrash) {
  const std::string doc = kDoc;
  std::vector<std::string> inputs;
  for (size_t n = 0; n < doc.size(); ++n) inputs.push_back(doc.substr(0, n));
  std::mt19937 rng(42);
  for (int k = 0; k < 2000; ++k) {
    std::string m = doc;
    for (int flips = 0; flips < 3; ++flips) m[rng() % m.size()] = static_cast<char>(rng() % 256);
    inputs.push_back(m);
  }
  FnArg docs = Docs(inputs);
  for (const char* fn : {"JSONExtractString", "JSONExtractRaw", "JSONLength", "JSONExtractKeys"}) {
    ASSERT_OK(CallFn(fn, {docs, Key("b")}));
  }
  ASSERT_OK(CallFn("JSON_QUERY", {docs, Key("$.b.c[1]")}));
  ASSERT_OK_AND_ASSIGN(Column valid, CallFn("isValidJSON", {docs}));
  for (size_t n = 0; n < doc.size(); ++n) EXPECT_EQ(valid.GetValue(n), U(0)) << n;
}

// Short documents from JSON's structural alphabet: whatever Parse accepts must walk cleanly.
TEST(JsonFunctionsTest, RandomStructuralDocumentsWalkSafely) {
  constexpr char kAlphabet[] = "{}[]\",:\\ 01-.eEtrufalsn\x80\xc3\xa9u";
  std::mt19937 rng(7);
  int accepted = 0;
  for (int k = 0; k < 200000; ++k) {
    std::string doc(rng() % 24, ' ');
    for (char& c : doc) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    json_scan::Node root;
    if (!json_scan::Parse(doc, &root)) continue;
    ++accepted;
    std::string out;
    json_scan::AppendMinified(root, &out);
    json_scan::Node child;
    json_scan::Element(root, -1, &child);
    json_scan::Member(root, "a", &child);
    json_scan::Iterator it(root);
    absl::string_view key;
    while (it.Next(&key, &child)) {
      if (!key.empty())
        json_scan::AppendUnescaped(json_scan::Node{json_scan::Kind::kString, key}, &out);
      if (child.kind == json_scan::Kind::kString) json_scan::AppendUnescaped(child, &out);
      int64_t i;
      double d;
      json_scan::ToInt64(child, &i);
      json_scan::ToDouble(child, &d);
    }
  }
  EXPECT_GT(accepted, 100);
}

TEST(JsonFunctionsTest, JsonPathFunctions) {
  FnArg doc = Docs({kDoc, "[]", "junk"});
  auto value = [&](const std::string& path) {
    auto out = CallFn("JSON_VALUE", {doc, Key(path)});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? ValuesOf(*out) : std::vector<Value>{};
  };
  EXPECT_EQ(value("$.a"), (std::vector<Value>{S("hello"), S(""), S("")}));
  EXPECT_EQ(value("$.b.c[0]"), (std::vector<Value>{S("1"), S(""), S("")}));
  EXPECT_EQ(value("$['b'][\"c\"][4]"), (std::vector<Value>{S("true"), S(""), S("")}));
  EXPECT_EQ(value("$.b"), (std::vector<Value>{S(""), S(""), S("")}));  // objects are not values
  EXPECT_EQ(value("$.\"b\".\"c\"[1]"), (std::vector<Value>{S("2.5"), S(""), S("")}));
  EXPECT_EQ(Str("JSON_QUERY", {doc, Key("$.b.c")}), R"([[1,2.5,-3,"4",true,null]])");
  EXPECT_EQ(Int("JSON_EXISTS", {doc, Key("$.b.c[5]")}), 1);
  EXPECT_EQ(Int("JSON_EXISTS", {doc, Key("$.b.c[6]")}), 0);
  EXPECT_STATUS(CallFn("JSON_VALUE", {doc, Key("$.b[*]")}), absl::StatusCode::kInvalidArgument,
                "JSONPath");
  EXPECT_STATUS(CallFn("JSON_VALUE", {doc, Key("b")}), absl::StatusCode::kInvalidArgument, "$");
}

TEST(JsonFunctionsTest, KeysMayBeColumns) {
  FnArg docs = Docs({R"({"x":1,"y":2})", R"({"x":3,"y":4})"});
  FnArg keys = Docs({"y", "x"});
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("JSONExtractInt", {docs, keys}));
  EXPECT_EQ(ValuesOf(out), (std::vector<Value>{I(2), I(3)}));
  FnArg indexes = ColumnOf(T(TypeId::kInt8), {I(-1), I(1)});
  ASSERT_OK_AND_ASSIGN(out, CallFn("JSONExtractInt", {docs, indexes}));
  EXPECT_EQ(ValuesOf(out), (std::vector<Value>{I(2), I(3)}));
}

TEST(JsonFunctionsTest, LowCardinalityAndNullableDocuments) {
  std::vector<std::string> docs = {R"({"k":"v1"})", "bad", R"({"k":"v2"})", R"({"k":"v1"})"};
  std::vector<Value> values;
  for (auto& d : docs) values.push_back(S(d));
  FnArg lc = ColumnOf(DataType::LowCardinality(StringT()), values);
  ASSERT_OK_AND_ASSIGN(Column got, CallFn("JSONExtractString", {lc, Key("k")}));
  ASSERT_OK_AND_ASSIGN(Column want, CallFn("JSONExtractString", {Docs(docs), Key("k")}));
  EXPECT_EQ(ValuesOf(got), ValuesOf(want));
  FnArg nullable = ColumnOf(DataType::Nullable(StringT()), {S(R"({"k":5})"), Value::Null()});
  ASSERT_OK_AND_ASSIGN(Column out, CallFn("JSONExtractUInt", {nullable, Key("k")}));
  EXPECT_EQ(out.type->ToString(), "Nullable(UInt64)");
  EXPECT_EQ(ValuesOf(out), (std::vector<Value>{U(5), Value::Null()}));
}

}  // namespace
}  // namespace tally::engine::exec
