// Input formats: round trips through every output format that has an input twin, each
// format's own rules, row/column error messages, all-or-nothing, and hostile input.
#include "engine/exec/input_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/exec/output_format.h"
#include "format/types.h"
#include "tests/engine/block_cases.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::DataTypePtr;
using format::Value;

constexpr uint32_t k20261001 = 1790812800;  // 2026-10-01 00:00:00 UTC

using testing_blocks::Arr;
using testing_blocks::Case;
using testing_blocks::F;
using testing_blocks::I;
using testing_blocks::MakeBlock;
using testing_blocks::MapOf;
using testing_blocks::Str;
using testing_blocks::T;
using testing_blocks::U;
using testing_blocks::Uuid;

std::vector<DataTypePtr> Types(const std::vector<std::string>& texts) {
  std::vector<DataTypePtr> out;
  for (const std::string& t : texts) out.push_back(T(t));
  return out;
}

// Three rows of every type with the values most likely to break a format.
std::vector<Case> TrickyCases() {
  const std::string nasty = std::string("tab\t nl\n cr\r quote' dq\" bs\\ slash/ nul", 37) +
                            std::string("\0", 1) + " \x01 é \xe2\x80\xa8 \xff";
  return {
      {"u64", "UInt64", {U(0), U(std::numeric_limits<uint64_t>::max()), U(42)}},
      {"i64", "Int64", {I(std::numeric_limits<int64_t>::min()), I(-1), I(std::numeric_limits<int64_t>::max())}},
      {"i8", "Int8", {I(-128), I(0), I(127)}},
      {"u16", "UInt16", {U(65535), U(0), U(1)}},
      {"u32", "UInt32", {U(4294967295u), U(7), U(0)}},
      {"i16", "Int16", {I(-32768), I(32767), I(0)}},
      {"i32", "Int32", {I(-2147483648LL), I(2147483647), I(0)}},
      {"u8", "UInt8", {U(255), U(0), U(9)}},
      {"f32", "Float32", {F(0.1f), F(-3.4028235e38f), F(1e-7f)}},
      {"f64", "Float64", {F(0.1 + 0.2), F(1e300), F(-1.5e-10)}},
      {"b", "Bool", {U(1), U(0), U(1)}},
      {"d", "Date", {U(0), U(20727), U(65535)}},
      {"dt", "DateTime", {U(0), U(k20261001), U(4294967295u)}},
      {"dtz", "DateTime('Europe/Berlin')", {U(k20261001), U(1774747800), U(1768478400)}},
      {"dt64", "DateTime64(3)", {I(-1), I(int64_t{k20261001} * 1000 + 123), I(0)}},
      {"dt64z", "DateTime64(6, 'Asia/Kolkata')", {I(1), I(int64_t{k20261001} * 1000000), I(-5)}},
      {"uuid", "UUID", {Uuid(0), Uuid(1), Uuid(0xF0)}},
      {"s", "String", {Str(""), Str(nasty), Str("\\N")}},
      {"s2", "String", {Str("NULL"), Str("[1,2]"), Str("{\"json\": [1, {\"a\": null}]}")}},
      {"ns", "Nullable(String)", {Value::Null(), Str(""), Str("x")}},
      {"ni", "Nullable(Int32)", {Value::Null(), I(0), I(-7)}},
      {"nf", "Nullable(Float64)", {F(2.5), Value::Null(), F(-0.125)}},
      {"lc", "LowCardinality(String)", {Str("a"), Str(""), Str("a")}},
      {"lcn", "LowCardinality(Nullable(String))", {Value::Null(), Str("b"), Str("")}},
      {"arr", "Array(String)", {Arr({}), Arr({Str(""), Str("it's"), Str("[x]"), Str(nasty)}), Arr({Str("a,b")})}},
      {"arrn", "Array(Nullable(UInt8))", {Arr({Value::Null()}), Arr({}), Arr({U(1), U(2)})}},
      {"nested", "Array(Array(Int32))", {Arr({Arr({})}), Arr({Arr({I(1)}), Arr({I(2), I(-3)})}), Arr({})}},
      {"arrd", "Array(DateTime)", {Arr({U(k20261001)}), Arr({}), Arr({U(0), U(1)})}},
      {"map", "Map(String, UInt64)", {MapOf({}), MapOf({Str("k"), U(1), Str("k2"), U(std::numeric_limits<uint64_t>::max())}), MapOf({Str("a b"), U(0)})}},
      {"mapn", "Map(LowCardinality(String), Array(Nullable(Float64)))", {MapOf({Str("x"), Arr({F(1.5), Value::Null()})}), MapOf({}), MapOf({Str(""), Arr({})})}},
      {"mapk", "Map(UInt32, String)", {MapOf({U(1), Str("x'y")}), MapOf({}), MapOf({U(4294967295u), Str("")})}},
      {"mapu", "Map(UUID, Date)", {MapOf({Uuid(3), U(20727)}), MapOf({}), MapOf({})}},
  };
}

void ExpectSameBlock(const Block& want, const Block& got, const std::string& context) {
  ASSERT_EQ(got.names, want.names) << context;
  ASSERT_EQ(got.rows(), want.rows()) << context;
  for (size_t c = 0; c < want.columns.size(); ++c) {
    EXPECT_OK(got.columns[c].Validate(context));
    EXPECT_TRUE(got.columns[c].type->Equals(*want.columns[c].type)) << context;
    for (size_t r = 0; r < want.rows(); ++r) {
      EXPECT_EQ(got.columns[c].GetValue(r), want.columns[c].GetValue(r))
          << context << ": column " << want.names[c] << " row " << r;
    }
  }
}

std::string Render(const std::string& format, const Block& block) {
  std::string out;
  std::vector<DataTypePtr> types;
  for (const Column& c : block.columns) types.push_back(c.type);
  auto f = MakeOutputFormat(format, block.names, types, &out);
  EXPECT_TRUE(f.ok()) << f.status();
  (*f)->WritePrefix();
  (*f)->WriteBlock(block);
  (*f)->WriteSuffix({});
  return out;
}

absl::StatusOr<Block> Parse(const std::string& format, absl::string_view data,
                            const std::vector<std::string>& names,
                            const std::vector<std::string>& types, InputOptions options = {}) {
  return ParseInput(format, data, names, Types(types), options);
}

// --- Round trips ---

TEST(InputFormatTest, EveryTypeRoundTripsThroughEveryTextFormat) {
  Block want = MakeBlock(TrickyCases());
  std::vector<DataTypePtr> types;
  for (const Column& c : want.columns) types.push_back(c.type);
  for (const char* format : {"TabSeparated", "TSVWithNames", "TabSeparatedWithNamesAndTypes", "CSV",
                             "CSVWithNames", "CSVWithNamesAndTypes", "JSONEachRow",
                             "JSONCompactEachRow", "Values"}) {
    std::string text = Render(format, want);
    auto got = ParseInput(format, text, want.names, types);
    ASSERT_TRUE(got.ok()) << format << ": " << got.status() << "\n" << text;
    ExpectSameBlock(want, *got, format);
  }
}

TEST(InputFormatTest, SpecialFloatsRoundTripExceptThroughJson) {
  Block want = MakeBlock({{"f", "Float64", {F(std::nan("")), F(INFINITY), F(-INFINITY)}},
                          {"g", "Float32", {F(INFINITY), F(std::nanf("")), F(-INFINITY)}}});
  for (const char* format : {"TSV", "CSV", "Values"}) {
    auto got = ParseInput(format, Render(format, want), want.names, {T("Float64"), T("Float32")});
    ASSERT_OK(got);
    ExpectSameBlock(want, *got, format);
  }
  // ClickHouse writes nan/inf as null in JSON; null reads back as the default, 0.
  auto got = ParseInput("JSONEachRow", Render("JSONEachRow", want), want.names,
                        {T("Float64"), T("Float32")});
  ASSERT_OK(got);
  EXPECT_EQ(got->columns[0].GetValue(0), F(0));
}

TEST(InputFormatTest, TabSeparatedRawRoundTripsPlainText) {
  Block want = MakeBlock({{"s", "String", {Str("a\\b'c\"d"), Str("")}},
                          {"n", "Nullable(UInt8)", {Value::Null(), U(3)}},
                          {"a", "Array(String)", {Arr({Str("x")}), Arr({})}}});
  auto got = ParseInput("TabSeparatedRaw", Render("TabSeparatedRaw", want), want.names,
                        {T("String"), T("Nullable(UInt8)"), T("Array(String)")});
  ASSERT_OK(got);
  ExpectSameBlock(want, *got, "TSVRaw");
}

// --- JSONEachRow ---

TEST(InputFormatTest, JsonEachRowFillsMissingKeysWithDefaults) {
  ASSERT_OK_AND_ASSIGN(ParsedInput in,
                       ParseInputWithPresence(
                           "JSONEachRow", "{\"b\":\"x\"}\n{\"a\":5}\n{}",
                           {"a", "b", "c"}, Types({"UInt32", "String", "Nullable(Int8)"})));
  const Block& b = in.block;
  ASSERT_EQ(b.rows(), 3u);
  EXPECT_EQ(b.columns[0].GetValue(0), U(0));
  EXPECT_EQ(b.columns[1].GetValue(0), Str("x"));
  EXPECT_EQ(b.columns[0].GetValue(1), U(5));
  EXPECT_EQ(b.columns[1].GetValue(1), Str(""));
  EXPECT_EQ(b.columns[2].GetValue(2), Value::Null());
  EXPECT_EQ(in.present, (std::vector<bool>{true, true, false}));
}

TEST(InputFormatTest, JsonEachRowAcceptsSeparatorsAndAnArray) {
  for (const char* data : {"{\"a\":1}{\"a\":2}", "{\"a\":1},\n{\"a\":2},", " [ {\"a\":1} , {\"a\":2} ] ",
                           "\xEF\xBB\xBF{\"a\":1}\r\n{\"a\":2}\r\n"}) {
    ASSERT_OK_AND_ASSIGN(Block b, Parse("JSONEachRow", data, {"a"}, {"UInt8"}));
    ASSERT_EQ(b.rows(), 2u) << data;
    EXPECT_EQ(b.columns[0].GetValue(1), U(2));
  }
  ASSERT_OK_AND_ASSIGN(Block empty, Parse("JSONEachRow", "  \n", {"a"}, {"UInt8"}));
  EXPECT_EQ(empty.rows(), 0u);
  EXPECT_EQ(empty.columns.size(), 1u);
}

TEST(InputFormatTest, JsonEachRowUnknownAndDuplicateKeys) {
  EXPECT_STATUS(Parse("JSONEachRow", "{\"a\":1}\n{\"a\":2,\"zzz\":[1,{}]}", {"a"}, {"UInt8"}),
                absl::StatusCode::kInvalidArgument,
                "Cannot parse input: row 2: unknown field 'zzz' (set "
                "input_format_skip_unknown_fields to skip it)");
  InputOptions skip;
  skip.skip_unknown_fields = true;
  ASSERT_OK_AND_ASSIGN(Block b, Parse("JSONEachRow", "{\"zzz\":[1,{\"q\":[[]]}],\"a\":2}",
                                      {"a"}, {"UInt8"}, skip));
  EXPECT_EQ(b.columns[0].GetValue(0), U(2));
  EXPECT_STATUS(Parse("JSONEachRow", "{\"a\":1,\"a\":2}", {"a"}, {"UInt8"}),
                absl::StatusCode::kInvalidArgument, "row 1: field 'a' appears twice");
}

TEST(InputFormatTest, JsonNumbersAreExactAndStringsParseAsText) {
  ASSERT_OK_AND_ASSIGN(
      Block b,
      Parse("JSONEachRow",
            "{\"u\":18446744073709551615,\"q\":\"18446744073709551615\",\"i\":-9223372036854775808,"
            "\"t\":\"2026-10-01 00:00:00\",\"n\":1790812800,\"d\":20727,\"ds\":\"2026-10-01\","
            "\"f\":1e-7,\"g\":\"nan\",\"ok\":true,\"bi\":false,\"t64\":1790812800.5}",
            {"u", "q", "i", "t", "n", "d", "ds", "f", "g", "ok", "bi", "t64"},
            {"UInt64", "UInt64", "Int64", "DateTime", "DateTime", "Date", "Date", "Float64",
             "Float64", "Bool", "UInt8", "DateTime64(3)"}));
  EXPECT_EQ(b.columns[0].GetValue(0), U(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(b.columns[1].GetValue(0), U(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(b.columns[2].GetValue(0), I(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(b.columns[3].GetValue(0), U(k20261001));
  EXPECT_EQ(b.columns[4].GetValue(0), U(k20261001));
  EXPECT_EQ(b.columns[5].GetValue(0), U(20727));
  EXPECT_EQ(b.columns[6].GetValue(0), U(20727));
  EXPECT_EQ(b.columns[7].GetValue(0), F(1e-7));
  EXPECT_TRUE(std::isnan(b.columns[8].GetValue(0).f));
  EXPECT_EQ(b.columns[9].GetValue(0), U(1));
  EXPECT_EQ(b.columns[10].GetValue(0), U(0));
  EXPECT_EQ(b.columns[11].GetValue(0), I(int64_t{k20261001} * 1000 + 500));
  EXPECT_STATUS(Parse("JSONEachRow", "{\"u\":1.5}", {"u"}, {"UInt64"}),
                absl::StatusCode::kInvalidArgument,
                "row 1, column 'u': expected UInt64, got '1.5' (not an integer)");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"u\":18446744073709551616}", {"u"}, {"UInt64"}),
                absl::StatusCode::kInvalidArgument, "(out of range)");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"u\":-1}", {"u"}, {"UInt64"}),
                absl::StatusCode::kInvalidArgument, "negative value");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"u\":[1]}", {"u"}, {"UInt64"}),
                absl::StatusCode::kInvalidArgument, "expected UInt64, got '[1]' (got a JSON array)");
}

TEST(InputFormatTest, JsonIntoStringKeepsNestedJsonText) {
  // OpenMeter stores each event's data object as a JSON string.
  ASSERT_OK_AND_ASSIGN(
      Block b,
      Parse("JSONEachRow",
            "{\"id\":\"e1\",\"data\":{\"duration_ms\": 12, \"tags\":[\"a\",null,true]},"
            "\"n\":12.50,\"flag\":true,\"l\":[1, 2]}",
            {"id", "data", "n", "flag", "l"},
            {"String", "String", "String", "LowCardinality(String)", "String"}));
  EXPECT_EQ(b.columns[1].GetValue(0),
            Str("{\"duration_ms\": 12, \"tags\":[\"a\",null,true]}"));
  EXPECT_EQ(b.columns[2].GetValue(0), Str("12.50"));
  EXPECT_EQ(b.columns[3].GetValue(0), Str("true"));
  EXPECT_EQ(b.columns[4].GetValue(0), Str("[1, 2]"));
}

TEST(InputFormatTest, JsonStringsDecodeEscapes) {
  ASSERT_OK_AND_ASSIGN(
      Block b, Parse("JSONEachRow",
                     "{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\ud800x\"}",
                     {"s"}, {"String"}));
  EXPECT_EQ(b.columns[0].GetValue(0),
            Str("a\"b\\c/d\b\f\n\r\tAé€\xF0\x9F\x98\x80\xEF\xBF\xBDx"));
  EXPECT_STATUS(Parse("JSONEachRow", "{\"s\":\"\\q\"}", {"s"}, {"String"}),
                absl::StatusCode::kInvalidArgument, "invalid escape '\\q'");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"s\":\"\\u12\"}", {"s"}, {"String"}),
                absl::StatusCode::kInvalidArgument, "\\u escape");
}

TEST(InputFormatTest, JsonNullsAndNullAsDefault) {
  ASSERT_OK_AND_ASSIGN(Block b, Parse("JSONEachRow", "{\"a\":null,\"b\":null,\"c\":null}",
                                      {"a", "b", "c"},
                                      {"UInt8", "Nullable(UInt8)", "Array(String)"}));
  EXPECT_EQ(b.columns[0].GetValue(0), U(0));
  EXPECT_EQ(b.columns[1].GetValue(0), Value::Null());
  EXPECT_EQ(b.columns[2].GetValue(0), Arr({}));
  InputOptions strict;
  strict.null_as_default = false;
  EXPECT_STATUS(Parse("JSONEachRow", "{\"a\":null}", {"a"}, {"UInt8"}, strict),
                absl::StatusCode::kInvalidArgument,
                "row 1, column 'a': expected UInt8, got 'null' (NULL is not allowed in UInt8");
}

TEST(InputFormatTest, JsonArraysAndMapsIntoTypedColumns) {
  ASSERT_OK_AND_ASSIGN(
      Block b, Parse("JSONEachRow",
                     "{\"a\":[[1,2],[]],\"m\":{\"k\":[\"2026-10-01\"],\"\":[]},\"k\":{\"7\":\"x\"}}",
                     {"a", "m", "k"},
                     {"Array(Array(UInt8))", "Map(String, Array(Date))", "Map(UInt16, String)"}));
  EXPECT_EQ(b.columns[0].GetValue(0), Arr({Arr({U(1), U(2)}), Arr({})}));
  EXPECT_EQ(b.columns[1].GetValue(0), MapOf({Str("k"), Arr({U(20727)}), Str(""), Arr({})}));
  EXPECT_EQ(b.columns[2].GetValue(0), MapOf({U(7), Str("x")}));
  EXPECT_STATUS(Parse("JSONEachRow", "{\"k\":{\"x\":\"y\"}}", {"k"}, {"Map(UInt16, String)"}),
                absl::StatusCode::kInvalidArgument, "column 'k': expected UInt16, got 'x'");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"a\":\"[1]\"}", {"a"}, {"Array(UInt8)"}),
                absl::StatusCode::kInvalidArgument, "expected a JSON array");
}

TEST(InputFormatTest, JsonErrorsNameRowAndColumn) {
  std::string data = "{\"status\":200}\n{\"status\":404}\n{\"status\":\"abc\"}\n";
  EXPECT_STATUS(Parse("JSONEachRow", data, {"status"}, {"UInt16"}),
                absl::StatusCode::kInvalidArgument,
                "Cannot parse input: row 3, column 'status': expected UInt16, got '\"abc\"' "
                "(not a number)");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"status\":70000}", {"status"}, {"UInt16"}),
                absl::StatusCode::kInvalidArgument,
                "row 1, column 'status': expected UInt16, got '70000' (out of range)");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"status\":1}\n{\"status\" 2}", {"status"}, {"UInt16"}),
                absl::StatusCode::kInvalidArgument, "row 2: JSON syntax error at byte");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"s\":\"unterminated}", {"s"}, {"String"}),
                absl::StatusCode::kInvalidArgument, "unterminated string");
  EXPECT_STATUS(Parse("JSONEachRow", "[{\"s\":\"x\"}", {"s"}, {"String"}),
                absl::StatusCode::kInvalidArgument, "unterminated '['");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"s\":01}", {"s"}, {"String"}),
                absl::StatusCode::kInvalidArgument, "JSON syntax error");
  EXPECT_STATUS(Parse("JSONEachRow", "17", {"s"}, {"String"}), absl::StatusCode::kInvalidArgument,
                "row 1: JSON syntax error at byte 0: expected '{' to start a row");
}

TEST(InputFormatTest, DeepJsonNestingIsAnErrorNotACrash) {
  std::string deep = "{\"s\":" + std::string(100000, '[') + "}";
  EXPECT_STATUS(Parse("JSONEachRow", deep, {"s"}, {"String"}), absl::StatusCode::kInvalidArgument,
                "nesting deeper than 1000");
  InputOptions skip;
  skip.skip_unknown_fields = true;
  EXPECT_STATUS(Parse("JSONEachRow", "{\"x\":" + std::string(100000, '{'), {"s"}, {"String"}, skip),
                absl::StatusCode::kInvalidArgument, "row 1");
  EXPECT_STATUS(Parse("JSONEachRow", "{\"a\":" + std::string(100000, '['), {"a"},
                      {"Array(Array(UInt8))"}),
                absl::StatusCode::kInvalidArgument, "row 1, column 'a': JSON syntax error");
  // 999 levels is fine.
  std::string ok = "{\"s\":" + std::string(999, '[') + std::string(999, ']') + "}";
  ASSERT_OK(Parse("JSONEachRow", ok, {"s"}, {"String"}));
}

TEST(InputFormatTest, JsonCompactEachRow) {
  ASSERT_OK_AND_ASSIGN(Block b, Parse("JSONCompactEachRow", "[1, \"a\"]\n[2, null]\n", {"x", "s"},
                                      {"UInt8", "Nullable(String)"}));
  ASSERT_EQ(b.rows(), 2u);
  EXPECT_EQ(b.columns[1].GetValue(1), Value::Null());
  EXPECT_STATUS(Parse("JSONCompactEachRow", "[1]", {"x", "s"}, {"UInt8", "String"}),
                absl::StatusCode::kInvalidArgument, "row 1: expected 2 values, got 1");
  EXPECT_STATUS(Parse("JSONCompactEachRow", "[1, \"a\", 3]", {"x", "s"}, {"UInt8", "String"}),
                absl::StatusCode::kInvalidArgument, "more than 2 values");
}

// --- CSV ---

TEST(InputFormatTest, CsvQuotingNullsAndDefaults) {
  ASSERT_OK_AND_ASSIGN(
      Block b, Parse("CSV",
                     "1,\"a \"\"q\"\", b\nc\",\\N,  7  ,\r\n"
                     "2, plain ,NULL,,\"\"\n"
                     "3,\"\",\"\\N\",\"12\",x\n",
                     {"id", "s", "n", "i", "t"},
                     {"UInt8", "String", "Nullable(String)", "Int32", "Nullable(String)"}));
  ASSERT_EQ(b.rows(), 3u);
  EXPECT_EQ(b.columns[1].GetValue(0), Str("a \"q\", b\nc"));
  EXPECT_EQ(b.columns[2].GetValue(0), Value::Null());
  EXPECT_EQ(b.columns[3].GetValue(0), I(7));
  EXPECT_EQ(b.columns[4].GetValue(0), Value::Null());  // unquoted empty: the default
  EXPECT_EQ(b.columns[1].GetValue(1), Str("plain"));    // unquoted values are trimmed
  EXPECT_EQ(b.columns[2].GetValue(1), Str("NULL"));     // NULL is a string for String types
  EXPECT_EQ(b.columns[3].GetValue(1), I(0));
  EXPECT_EQ(b.columns[4].GetValue(1), Str(""));         // "" is a value
  EXPECT_EQ(b.columns[2].GetValue(2), Str("\\N"));      // quoted \N is a string
  EXPECT_EQ(b.columns[3].GetValue(2), I(12));           // quoted numbers parse
  ASSERT_OK_AND_ASSIGN(Block n, Parse("CSV", "NULL,\\N\n", {"a", "b"},
                                      {"Nullable(Int32)", "UInt8"}));
  EXPECT_EQ(n.columns[0].GetValue(0), Value::Null());
  EXPECT_EQ(n.columns[1].GetValue(0), U(0));  // null_as_default
}

TEST(InputFormatTest, CsvWithNamesMapsColumnsByName) {
  ASSERT_OK_AND_ASSIGN(ParsedInput in,
                       ParseInputWithPresence("CSVWithNames", "\"b\",a\nx,1\ny,2\n",
                                              {"a", "b", "c"}, Types({"UInt8", "String", "UInt8"})));
  const Block& b = in.block;
  ASSERT_EQ(b.rows(), 2u);
  EXPECT_EQ(b.columns[0].GetValue(1), U(2));
  EXPECT_EQ(b.columns[1].GetValue(1), Str("y"));
  EXPECT_EQ(b.columns[2].GetValue(1), U(0));
  EXPECT_EQ(in.present, (std::vector<bool>{true, true, false}));
  EXPECT_STATUS(Parse("CSVWithNames", "a,zz\n1,2\n", {"a"}, {"UInt8"}),
                absl::StatusCode::kInvalidArgument, "the header names unknown column 'zz'");
  InputOptions skip;
  skip.skip_unknown_fields = true;
  ASSERT_OK_AND_ASSIGN(Block s, Parse("CSVWithNames", "a,zz\n1,2\n", {"a"}, {"UInt8"}, skip));
  EXPECT_EQ(s.columns[0].GetValue(0), U(1));
  EXPECT_STATUS(Parse("CSVWithNames", "a,a\n1,2\n", {"a"}, {"UInt8"}),
                absl::StatusCode::kInvalidArgument, "names column 'a' twice");
  EXPECT_STATUS(Parse("CSVWithNamesAndTypes", "a\nUInt16\n1\n", {"a"}, {"UInt8"}),
                absl::StatusCode::kInvalidArgument,
                "column 'a' has type UInt16 in the header but UInt8 in the table");
}

TEST(InputFormatTest, CsvErrorsNameRowAndColumn) {
  EXPECT_STATUS(Parse("CSV", "1,200\n2,404\n3,abc\n", {"id", "status"}, {"UInt8", "UInt16"}),
                absl::StatusCode::kInvalidArgument,
                "Cannot parse input: row 3, column 'status': expected UInt16, got 'abc' "
                "(not a number)");
  EXPECT_STATUS(Parse("CSV", "1,2\n3\n", {"a", "b"}, {"UInt8", "UInt8"}),
                absl::StatusCode::kInvalidArgument,
                "Cannot parse input: row 2: expected 2 comma-separated fields, got 1");
  EXPECT_STATUS(Parse("CSV", "\"open", {"a"}, {"String"}), absl::StatusCode::kInvalidArgument,
                "row 1: unterminated quoted CSV field");
  EXPECT_STATUS(Parse("CSV", "\"a\"b\n", {"a"}, {"String"}), absl::StatusCode::kInvalidArgument,
                "expected ',' or a line end after a quoted field");
}

// --- TabSeparated ---

TEST(InputFormatTest, TabSeparatedEscapesAndNulls) {
  ASSERT_OK_AND_ASSIGN(
      Block b, Parse("TabSeparated", "a\\tb\\\\N\t\\N\t['x\\'y']\t\\N\r\n\\N\t5\t[]\t2026-10-01\n",
                     {"s", "n", "a", "d"},
                     {"String", "Nullable(Int32)", "Array(String)", "Nullable(Date)"}));
  ASSERT_EQ(b.rows(), 2u);
  EXPECT_EQ(b.columns[0].GetValue(0), Str("a\tb\\N"));
  EXPECT_EQ(b.columns[1].GetValue(0), Value::Null());
  EXPECT_EQ(b.columns[2].GetValue(0), Arr({Str("x'y")}));
  EXPECT_EQ(b.columns[3].GetValue(0), Value::Null());
  EXPECT_EQ(b.columns[0].GetValue(1), Str(""));  // \N in a String column: null_as_default
  EXPECT_EQ(b.columns[1].GetValue(1), I(5));
  EXPECT_STATUS(Parse("TSV", "1\t2\n3\n", {"a", "b"}, {"UInt8", "UInt8"}),
                absl::StatusCode::kInvalidArgument, "row 2: expected 2 tab-separated fields, got 1");
  EXPECT_STATUS(Parse("TSV", "1\n2\nx\n", {"status"}, {"UInt16"}),
                absl::StatusCode::kInvalidArgument,
                "Cannot parse input: row 3, column 'status': expected UInt16, got 'x'");
  EXPECT_STATUS(Parse("TSVWithNamesAndTypes", "a\nUInt8\n", {"a"}, {"String"}),
                absl::StatusCode::kInvalidArgument, "has type UInt8 in the header");
  ASSERT_OK_AND_ASSIGN(Block h, Parse("TSVWithNames", "b\ta\nx\t1\n", {"a", "b"},
                                      {"UInt8", "String"}));
  EXPECT_EQ(h.columns[0].GetValue(0), U(1));
  EXPECT_EQ(h.columns[1].GetValue(0), Str("x"));
  ASSERT_OK_AND_ASSIGN(Block e, Parse("TSV", "", {"a"}, {"UInt8"}));
  EXPECT_EQ(e.rows(), 0u);
}

// --- Values ---

TEST(InputFormatTest, ValuesLiterals) {
  ASSERT_OK_AND_ASSIGN(
      Block b,
      Parse("Values",
            "(1, 'a', NULL, [1,2], {'k':'v'}, -3.5, '2026-10-01 00:00:00'), "
            "(2,'it''s \\'x\\'',5,[],{},+1e3,1790812800)\n(3 , '' , null , [ 3 ] , { 'a' : 'b' } ,"
            " inf , '2026-10-01T00:00:00Z' );",
            {"id", "s", "n", "a", "m", "f", "t"},
            {"UInt32", "String", "Nullable(Int64)", "Array(UInt8)", "Map(String, String)",
             "Float64", "DateTime"}));
  ASSERT_EQ(b.rows(), 3u);
  EXPECT_EQ(b.columns[1].GetValue(1), Str("it's 'x'"));
  EXPECT_EQ(b.columns[2].GetValue(0), Value::Null());
  EXPECT_EQ(b.columns[2].GetValue(1), I(5));
  EXPECT_EQ(b.columns[2].GetValue(2), Value::Null());
  EXPECT_EQ(b.columns[3].GetValue(0), Arr({U(1), U(2)}));
  EXPECT_EQ(b.columns[4].GetValue(0), MapOf({Str("k"), Str("v")}));
  EXPECT_EQ(b.columns[5].GetValue(0), F(-3.5));
  EXPECT_EQ(b.columns[5].GetValue(1), F(1000));
  EXPECT_EQ(b.columns[5].GetValue(2), F(INFINITY));
  for (size_t r = 0; r < 3; ++r) EXPECT_EQ(b.columns[6].GetValue(r), U(k20261001));
}

TEST(InputFormatTest, ValuesRejectsExpressionsAndBadShapes) {
  EXPECT_STATUS(Parse("Values", "(1, now())", {"a", "t"}, {"UInt8", "DateTime"}),
                absl::StatusCode::kInvalidArgument,
                "row 1, column 't': expressions in VALUES are not supported yet");
  EXPECT_STATUS(Parse("Values", "(1 + 2)", {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "row 1, column 'a': expressions in VALUES are not supported yet (found '+ 2)'");
  EXPECT_STATUS(Parse("Values", "(1), (2, 3)", {"a"}, {"UInt8"}),
                absl::StatusCode::kInvalidArgument, "row 2: expected 1 values, got 2 or more");
  EXPECT_STATUS(Parse("Values", "(1)", {"a", "b"}, {"UInt8", "UInt8"}),
                absl::StatusCode::kInvalidArgument, "row 1: expected 2 values, got 1");
  EXPECT_STATUS(Parse("Values", "(1) x", {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "row 2: expected '(' to start a row");
  EXPECT_STATUS(Parse("Values", "(1); (2)", {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "text after ';'");
  EXPECT_STATUS(Parse("Values", "('a')", {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "row 1, column 'a': expected UInt8, got ''a'' (not a number)");
  EXPECT_STATUS(Parse("Values", "(NULL)", {"a"}, {"UInt8"}, InputOptions{.null_as_default = false}),
                absl::StatusCode::kInvalidArgument, "NULL is not allowed in UInt8");
  EXPECT_STATUS(Parse("Values", "(1", {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "row 1");
}

// --- Common behaviour ---

TEST(InputFormatTest, AllOrNothing) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "{\"a\":" + std::to_string(i % 200) + "}\n";
  data += "{\"a\":300}\n";
  EXPECT_STATUS(Parse("JSONEachRow", data, {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "row 1001, column 'a'");
}

TEST(InputFormatTest, UnknownFormatsAreRejected) {
  EXPECT_STATUS(Parse("Pretty", "", {"a"}, {"UInt8"}), absl::StatusCode::kInvalidArgument,
                "unknown input format 'Pretty'");
  EXPECT_STATUS(ParseInput("CSV", "", {"a", "b"}, Types({"UInt8"})),
                absl::StatusCode::kInvalidArgument, "2 names but 1 types");
  EXPECT_TRUE(IsInputFormat("JSONEachRow"));
  EXPECT_FALSE(IsInputFormat("jsoneachrow"));
}

TEST(InputFormatTest, HostileBytesNeverCrash) {
  const std::vector<std::string> names = {"a", "s", "n", "arr", "m"};
  const std::vector<DataTypePtr> types =
      Types({"UInt64", "String", "Nullable(DateTime64(3))", "Array(Nullable(String))",
             "Map(String, Array(Int8))"});
  Block sample = MakeBlock({{"a", "UInt64", {U(1), U(2)}},
                            {"s", "String", {Str("x\"y'z\\"), Str("")}},
                            {"n", "Nullable(DateTime64(3))", {Value::Null(), I(5)}},
                            {"arr", "Array(Nullable(String))", {Arr({Value::Null(), Str("q")}), Arr({})}},
                            {"m", "Map(String, Array(Int8))", {MapOf({Str("k"), Arr({I(-1)})}), MapOf({})}}});
  const std::string kPunctuation = "[]{}\"',\\\n\t(): ";
  uint64_t seed = 7;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(seed >> 33);
  };
  for (const char* format : {"JSONEachRow", "JSONCompactEachRow", "CSV", "CSVWithNames", "TSV",
                             "TSVWithNamesAndTypes", "TabSeparatedRaw", "Values"}) {
    const std::string valid = Render(format, sample);
    int parsed = 0;
    for (int i = 0; i < 1500; ++i) {
      std::string data = valid;
      int edits = 1 + next() % 4;
      for (int e = 0; e < edits && !data.empty(); ++e) {
        size_t pos = next() % data.size();
        switch (next() % 3) {
          case 0:
            data[pos] = static_cast<char>(next());
            break;
          case 1:
            data.erase(pos, 1 + next() % 8);
            break;
          default:
            data.insert(pos, 1, kPunctuation[next() % kPunctuation.size()]);
        }
      }
      if (i % 10 == 0) data.resize(next() % (data.size() + 1));  // truncation
      auto got = ParseInput(format, data, names, types);
      if (got.ok()) {
        ++parsed;
        for (const Column& c : got->columns) ASSERT_OK(c.Validate(format));
        for (const Column& c : got->columns) ASSERT_EQ(c.size(), got->rows());
      }
    }
    EXPECT_GT(parsed, 0) << format;  // some mutations leave valid input
  }
  for (int i = 0; i < 500; ++i) {  // pure noise
    std::string data;
    for (int k = next() % 64; k > 0; --k) data.push_back(static_cast<char>(next()));
    for (const char* format : {"JSONEachRow", "CSV", "TSV", "Values", "JSONCompactEachRow"}) {
      auto got = ParseInput(format, data, names, types);
      if (got.ok()) {
        for (const Column& c : got->columns) ASSERT_OK(c.Validate(format));
      }
    }
  }
}

}  // namespace
}  // namespace tally::engine
