// Output formats, byte for byte against ClickHouse: layouts from ClickHouse's own sources
// (JSONUtils, Pretty*/Vertical output formats, WriteHelpers) and examples from its docs.
#include "engine/exec/output_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/exec/json.h"
#include "engine/exec/text_format.h"
#include "format/types.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::DataTypePtr;
using format::Value;

constexpr uint32_t k20261001 = 1790812800;  // 2026-10-01 00:00:00 UTC
constexpr uint16_t kDay20261001 = 20727;

DataTypePtr T(const std::string& text) {
  auto t = format::ParseDataType(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  return *t;
}

Column Col(const std::string& type, const std::vector<Value>& values) {
  Column c = Column::Make(T(type));
  for (const Value& v : values) EXPECT_OK(c.AppendValue(v));
  return c;
}

struct Table {
  std::vector<std::string> names;
  std::vector<DataTypePtr> types;
  std::vector<Block> blocks;
};

// One block from (name, column) pairs.
Table One(std::vector<std::pair<std::string, Column>> cols) {
  Table t;
  Block b;
  for (auto& [name, col] : cols) {
    t.names.push_back(name);
    t.types.push_back(col.type);
    b.Add(name, std::move(col));
  }
  t.blocks.push_back(std::move(b));
  return t;
}

std::string Render(const std::string& format, const Table& t, const OutputOptions& options = {},
                   OutputStats stats = {}) {
  std::string out;
  auto f = MakeOutputFormat(format, t.names, t.types, &out, options);
  EXPECT_TRUE(f.ok()) << f.status();
  if (!f.ok()) return "";
  (*f)->WritePrefix();
  for (const Block& b : t.blocks) (*f)->WriteBlock(b);
  (*f)->WriteSuffix(stats);
  return out;
}

std::string F64(double v) {
  std::string s;
  AppendFloat64Text(v, &s);
  return s;
}
std::string F32(float v) {
  std::string s;
  AppendFloat32Text(v, &s);
  return s;
}

Value Uuid() {
  std::string b;
  for (int i = 1; i <= 16; ++i) b.push_back(static_cast<char>(i));
  return Value::String(b);
}

// Every type, one row.
Table AllTypes() {
  return One({
      {"u8", Col("UInt8", {Value::UInt(255)})},
      {"u16", Col("UInt16", {Value::UInt(65535)})},
      {"u32", Col("UInt32", {Value::UInt(4294967295u)})},
      {"u64", Col("UInt64", {Value::UInt(std::numeric_limits<uint64_t>::max())})},
      {"i8", Col("Int8", {Value::Int(-128)})},
      {"i16", Col("Int16", {Value::Int(-32768)})},
      {"i32", Col("Int32", {Value::Int(std::numeric_limits<int32_t>::min())})},
      {"i64", Col("Int64", {Value::Int(std::numeric_limits<int64_t>::min())})},
      {"f32", Col("Float32", {Value::Float(0.1f)})},
      {"f64", Col("Float64", {Value::Float(0.1 + 0.2)})},
      {"b", Col("Bool", {Value::UInt(1)})},
      {"d", Col("Date", {Value::UInt(kDay20261001)})},
      {"dt", Col("DateTime", {Value::UInt(k20261001)})},
      {"dt64", Col("DateTime64(3)", {Value::Int(int64_t{k20261001} * 1000 + 123)})},
      {"uuid", Col("UUID", {Uuid()})},
      {"s", Col("String", {Value::String("tab\there")})},
      {"lc", Col("LowCardinality(String)", {Value::String("x")})},
      {"n", Col("Nullable(Int32)", {Value::Null()})},
      {"a", Col("Array(String)", {Value::Array({Value::String("a"), Value::String("it's")})})},
      {"m", Col("Map(String, UInt64)", {Value::Map({Value::String("k"), Value::UInt(1)})})},
  });
}

// --- Floats, as ClickHouse's tests/queries/0_stateless float formatting test states ---

TEST(FloatTextTest, FixedNotationForExponentsMinus6To20) {
  EXPECT_EQ(F64(0.000001), "0.000001");
  EXPECT_EQ(F64(1e-7), "1e-7");
  EXPECT_EQ(F64(0.00001), "0.00001");
  EXPECT_EQ(F64(0.1), "0.1");
  EXPECT_EQ(F64(1e15), "1000000000000000");
  EXPECT_EQ(F64(1e16), "10000000000000000");
  EXPECT_EQ(F64(1e20), "100000000000000000000");
  EXPECT_EQ(F64(1e21), "1e21");
  EXPECT_EQ(F64(1.23456789e-5), "0.0000123456789");
  EXPECT_EQ(F64(1.23456789e-6), "0.00000123456789");
  EXPECT_EQ(F64(1.23456789e-7), "1.23456789e-7");
  EXPECT_EQ(F64(9.99e19), "99900000000000000000");
  EXPECT_EQ(F64(9.99e20), "999000000000000000000");
  EXPECT_EQ(F64(9.99e21), "9.99e21");
  EXPECT_EQ(F64(3.14159e10), "31415900000");
  EXPECT_EQ(F64(-9.99e21), "-9.99e21");
  EXPECT_EQ(F64(-1e-7), "-1e-7");
}

TEST(FloatTextTest, ShortestRoundTripDigits) {
  EXPECT_EQ(F64(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(F64(1 - 0.9), "0.09999999999999998");  // ClickHouse docs, Float64 page
  // The shortest digits that read back as the same double (...68 and ...67 both do;
  // ...67 is nearer), not the literal's digits.
  EXPECT_EQ(F64(1.2345678901234568), "1.2345678901234567");
  EXPECT_EQ(F64(9.999999999999998e20), "999999999999999700000");
  EXPECT_EQ(F64(1.0000000000000002), "1.0000000000000002");
  EXPECT_EQ(F64(1e-20), "1e-20");
  EXPECT_EQ(F64(1e-100), "1e-100");
  EXPECT_EQ(F64(1e100), "1e100");
  EXPECT_EQ(F64(1.7976931348623157e308), "1.7976931348623157e308");
  EXPECT_EQ(F64(5e-324), "5e-324");
  EXPECT_EQ(F64(2.2250738585072014e-308), "2.2250738585072014e-308");
  EXPECT_EQ(F64(1.5), "1.5");
  EXPECT_EQ(F64(-3.25), "-3.25");
}

TEST(FloatTextTest, SpecialValuesAndIntegers) {
  EXPECT_EQ(F64(std::nan("")), "nan");
  EXPECT_EQ(F64(-std::nan("")), "nan");  // never -nan
  EXPECT_EQ(F64(INFINITY), "inf");
  EXPECT_EQ(F64(-INFINITY), "-inf");
  EXPECT_EQ(F64(0.0), "0");
  EXPECT_EQ(F64(-0.0), "-0");
  EXPECT_EQ(F64(42.0), "42");
  EXPECT_EQ(F64(-1.0), "-1");
  EXPECT_EQ(F64(1000000.0), "1000000");
  EXPECT_EQ(F64(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(F64(1152921504606846976.0), "1152921504606847000");  // shortest above 2^53
}

TEST(FloatTextTest, Float32UsesItsOwnShortestDigits) {
  EXPECT_EQ(F32(0.1f), "0.1");
  EXPECT_EQ(F32(3.14f), "3.14");
  EXPECT_EQ(F32(-3.14f), "-3.14");
  EXPECT_EQ(F32(0.000001f), "0.000001");
  EXPECT_EQ(F32(1e-7f), "1e-7");
  EXPECT_EQ(F32(1e7f), "10000000");
  EXPECT_EQ(F32(1e8f), "100000000");
  EXPECT_EQ(F32(1e20f), "100000000000000000000");
  EXPECT_EQ(F32(1e21f), "1e21");
  EXPECT_EQ(F32(3.4e38f), "3.4e38");
  EXPECT_EQ(F32(1e30f), "1e30");
  EXPECT_EQ(F32(1.1754942e-38f), "1.1754942e-38");
  EXPECT_EQ(F32(-std::nanf("")), "nan");
  EXPECT_EQ(F32(42.0f), "42");
}

// --- Scalars ---

TEST(TextFormatTest, DatesTimesAndUuids) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(kDay20261001), "2026-10-01");
  EXPECT_EQ(FormatDate(65535), "2149-06-06");
  EXPECT_EQ(FormatDateTime(0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatDateTime(4294967295), "2106-02-07 06:28:15");
  EXPECT_EQ(FormatDateTime(-1), "1969-12-31 23:59:59");
  Column dt64 = Col("DateTime64(3)", {Value::Int(-1), Value::Int(1500)});
  std::string s;
  AppendScalarText(dt64, 0, &s);
  EXPECT_EQ(s, "1969-12-31 23:59:59.999");
  s.clear();
  AppendScalarText(dt64, 1, &s);
  EXPECT_EQ(s, "1970-01-01 00:00:01.500");
  Column dt9 = Col("DateTime64(9)", {Value::Int(1)});
  s.clear();
  AppendScalarText(dt9, 0, &s);
  EXPECT_EQ(s, "1970-01-01 00:00:00.000000001");
}

TEST(TextFormatTest, DateTimeWithTimeZonePrintsLocalTime) {
  Column berlin = Col("DateTime('Europe/Berlin')", {Value::UInt(k20261001), Value::UInt(1768478400)});
  std::string s;
  AppendTsvValue(berlin, 0, &s);
  EXPECT_EQ(s, "2026-10-01 02:00:00");  // CEST
  s.clear();
  AppendTsvValue(berlin, 1, &s);
  EXPECT_EQ(s, "2026-01-15 13:00:00");  // CET
  Column kolkata =
      Col("DateTime64(3, 'Asia/Kolkata')", {Value::Int(int64_t{k20261001} * 1000 + 7)});
  s.clear();
  AppendTsvValue(kolkata, 0, &s);
  EXPECT_EQ(s, "2026-10-01 05:30:00.007");
  Column utc = Col("DateTime('UTC')", {Value::UInt(k20261001)});
  s.clear();
  AppendTsvValue(utc, 0, &s);
  EXPECT_EQ(s, "2026-10-01 00:00:00");
  EXPECT_FALSE(LoadZone("Not/AZone").ok());
}

// --- TabSeparated ---

TEST(OutputFormatTest, TabSeparatedAllTypes) {
  EXPECT_EQ(Render("TabSeparated", AllTypes()),
            "255\t65535\t4294967295\t18446744073709551615\t-128\t-32768\t-2147483648\t"
            "-9223372036854775808\t0.1\t0.30000000000000004\ttrue\t2026-10-01\t"
            "2026-10-01 00:00:00\t2026-10-01 00:00:00.123\t01020304-0506-0708-090a-0b0c0d0e0f10\t"
            "tab\\there\tx\t\\N\t['a','it\\'s']\t{'k':1}\n");
}

TEST(OutputFormatTest, TabSeparatedEscapesLikeClickHouse) {
  Table t = One({{"s", Col("String", {Value::String(std::string("a\tb\nc\\d'e\0f\bg\fh\ri", 17)),
                                      Value::String("\"quotes\" stay")})},
                 {"a", Col("Array(String)", {Value::Array({Value::String("x\ty"),
                                                           Value::String("back\\slash")}),
                                             Value::Array({})})}});
  EXPECT_EQ(Render("TSV", t),
            "a\\tb\\nc\\\\d\\'e\\0f\\bg\\fh\\ri\t['x\\ty','back\\\\slash']\n"
            "\"quotes\" stay\t[]\n");
}

TEST(OutputFormatTest, TabSeparatedHeaders) {
  Table t = One({{"id", Col("UInt32", {Value::UInt(1)})},
                 {"we\tird", Col("Nullable(String)", {Value::String("v")})}});
  EXPECT_EQ(Render("TabSeparatedWithNames", t), "id\twe\\tird\n1\tv\n");
  EXPECT_EQ(Render("TSVWithNamesAndTypes", t), "id\twe\\tird\nUInt32\tNullable(String)\n1\tv\n");
}

TEST(OutputFormatTest, TabSeparatedRawDoesNotEscape) {
  Table t = One({{"s", Col("String", {Value::String("a\\b'c")})},
                 {"n", Col("Nullable(UInt8)", {Value::Null()})}});
  EXPECT_EQ(Render("TabSeparatedRaw", t), "a\\b'c\t\\N\n");
  EXPECT_EQ(Render("TSVRaw", t), "a\\b'c\t\\N\n");
}

// --- CSV ---

TEST(OutputFormatTest, CsvAllTypes) {
  EXPECT_EQ(Render("CSV", AllTypes()),
            "255,65535,4294967295,18446744073709551615,-128,-32768,-2147483648,"
            "-9223372036854775808,0.1,0.30000000000000004,true,\"2026-10-01\","
            "\"2026-10-01 00:00:00\",\"2026-10-01 00:00:00.123\","
            "\"01020304-0506-0708-090a-0b0c0d0e0f10\",\"tab\there\",\"x\",\\N,"
            "\"['a','it\\'s']\",\"{'k':1}\"\n");
}

TEST(OutputFormatTest, CsvQuotingAndHeaders) {
  Table t = One({{"a \"b\"", Col("String", {Value::String("say \"hi\", ok\nbye")})},
                 {"f", Col("Float64", {Value::Float(-INFINITY)})}});
  EXPECT_EQ(Render("CSV", t), "\"say \"\"hi\"\", ok\nbye\",-inf\n");
  EXPECT_EQ(Render("CSVWithNames", t), "\"a \"\"b\"\"\",\"f\"\n\"say \"\"hi\"\", ok\nbye\",-inf\n");
  EXPECT_EQ(Render("CSVWithNamesAndTypes", t),
            "\"a \"\"b\"\"\",\"f\"\n\"String\",\"Float64\"\n\"say \"\"hi\"\", ok\nbye\",-inf\n");
}

// --- JSON family ---

TEST(OutputFormatTest, JsonEachRowAllTypes) {
  EXPECT_EQ(Render("JSONEachRow", AllTypes()),
            "{\"u8\":255,\"u16\":65535,\"u32\":4294967295,\"u64\":\"18446744073709551615\","
            "\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,\"i64\":\"-9223372036854775808\","
            "\"f32\":0.1,\"f64\":0.30000000000000004,\"b\":true,\"d\":\"2026-10-01\","
            "\"dt\":\"2026-10-01 00:00:00\",\"dt64\":\"2026-10-01 00:00:00.123\","
            "\"uuid\":\"01020304-0506-0708-090a-0b0c0d0e0f10\",\"s\":\"tab\\there\",\"lc\":\"x\","
            "\"n\":null,\"a\":[\"a\",\"it's\"],\"m\":{\"k\":\"1\"}}\n");
}

TEST(OutputFormatTest, JsonQuotingOptions) {
  Table t = One({{"u", Col("UInt64", {Value::UInt(7)})},
                 {"f", Col("Float64", {Value::Float(std::nan(""))})},
                 {"g", Col("Float32", {Value::Float(-INFINITY)})},
                 {"a", Col("Array(Int64)", {Value::Array({Value::Int(-1)})})},
                 {"m", Col("Map(UInt8, Nullable(UInt8))",
                           {Value::Map({Value::UInt(1), Value::Null(), Value::UInt(2), Value::UInt(3)})})}});
  EXPECT_EQ(Render("JSONEachRow", t),
            "{\"u\":\"7\",\"f\":null,\"g\":null,\"a\":[\"-1\"],\"m\":{\"1\":null,\"2\":3}}\n");
  OutputOptions o;
  o.json_quote_64bit_integers = false;
  o.json_quote_denormals = true;
  EXPECT_EQ(Render("JSONEachRow", t, o),
            "{\"u\":7,\"f\":\"nan\",\"g\":\"-inf\",\"a\":[-1],\"m\":{\"1\":null,\"2\":3}}\n");
}

TEST(OutputFormatTest, JsonStringEscaping) {
  std::string s = std::string("\"\\/\b\f\n\r\t\x01\x1f\x7f", 11) + "\xe2\x80\xa8\xe2\x80\xa9" +
                  "é" + "\xff";
  std::string out;
  AppendJsonString(s, JsonWriteOptions(), &out);
  EXPECT_EQ(out, "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\\u2028\\u2029é\xff\"");
  out.clear();
  AppendJsonString(std::string("a/\0b", 4), JsonWriteOptions{.escape_forward_slashes = false}, &out);
  EXPECT_EQ(out, "\"a/\\u0000b\"");
}

TEST(OutputFormatTest, JsonDocumentLayout) {
  Table t = One({{"x", Col("UInt8", {Value::UInt(1), Value::UInt(2)})},
                 {"s", Col("String", {Value::String("a"), Value::String("b")})}});
  OutputStats stats{.rows = 2, .rows_read = 2, .bytes_read = 10, .elapsed_s = 0.5};
  EXPECT_EQ(Render("JSON", t, {}, stats),
            "{\n"
            "\t\"meta\":\n"
            "\t[\n"
            "\t\t{\n"
            "\t\t\t\"name\": \"x\",\n"
            "\t\t\t\"type\": \"UInt8\"\n"
            "\t\t},\n"
            "\t\t{\n"
            "\t\t\t\"name\": \"s\",\n"
            "\t\t\t\"type\": \"String\"\n"
            "\t\t}\n"
            "\t],\n"
            "\n"
            "\t\"data\":\n"
            "\t[\n"
            "\t\t{\n"
            "\t\t\t\"x\": 1,\n"
            "\t\t\t\"s\": \"a\"\n"
            "\t\t},\n"
            "\t\t{\n"
            "\t\t\t\"x\": 2,\n"
            "\t\t\t\"s\": \"b\"\n"
            "\t\t}\n"
            "\t],\n"
            "\n"
            "\t\"rows\": 2,\n"
            "\n"
            "\t\"statistics\":\n"
            "\t{\n"
            "\t\t\"elapsed\": 0.5,\n"
            "\t\t\"rows_read\": 2,\n"
            "\t\t\"bytes_read\": 10\n"
            "\t}\n"
            "}\n");
  EXPECT_EQ(Render("JSONCompact", t, {}, stats),
            "{\n\t\"meta\":\n\t[\n\t\t{\n\t\t\t\"name\": \"x\",\n\t\t\t\"type\": \"UInt8\"\n\t\t},\n"
            "\t\t{\n\t\t\t\"name\": \"s\",\n\t\t\t\"type\": \"String\"\n\t\t}\n\t],\n\n"
            "\t\"data\":\n\t[\n\t\t[1, \"a\"],\n\t\t[2, \"b\"]\n\t],\n\n\t\"rows\": 2,\n\n"
            "\t\"statistics\":\n\t{\n\t\t\"elapsed\": 0.5,\n\t\t\"rows_read\": 2,\n"
            "\t\t\"bytes_read\": 10\n\t}\n}\n");
}

TEST(OutputFormatTest, JsonWithNoRowsHasEmptyData) {
  Table t = One({{"x", Col("UInt8", {})}});
  OutputOptions o;
  o.write_statistics = false;
  EXPECT_EQ(Render("JSON", t, o),
            "{\n\t\"meta\":\n\t[\n\t\t{\n\t\t\t\"name\": \"x\",\n\t\t\t\"type\": \"UInt8\"\n\t\t}\n"
            "\t],\n\n\t\"data\":\n\t[\n\n\t],\n\n\t\"rows\": 0\n}\n");
  t.blocks.clear();  // no blocks at all: the same document
  EXPECT_EQ(Render("JSON", t, o),
            "{\n\t\"meta\":\n\t[\n\t\t{\n\t\t\t\"name\": \"x\",\n\t\t\t\"type\": \"UInt8\"\n\t\t}\n"
            "\t],\n\n\t\"data\":\n\t[\n\n\t],\n\n\t\"rows\": 0\n}\n");
}

TEST(OutputFormatTest, JsonRowsSpanBlocks) {
  Table t = One({{"x", Col("UInt8", {Value::UInt(1)})}});
  t.blocks.push_back(t.blocks[0]);
  std::string out = Render("JSONCompact", t);
  EXPECT_NE(out.find("\t\t[1],\n\t\t[1]\n\t],\n\n\t\"rows\": 2,"), std::string::npos) << out;
  EXPECT_EQ(Render("JSONCompactEachRow", t), "[1]\n[1]\n");
}

TEST(OutputFormatTest, JsonMetaUsesClickHouseTypeNames) {
  Table t = One({{"t", Col("DateTime('Europe/Berlin')", {})},
                 {"m", Col("Map(LowCardinality(String), Array(Nullable(Float64)))", {})}});
  std::string out = Render("JSON", t);
  EXPECT_NE(out.find("\"type\": \"DateTime('Europe\\/Berlin')\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"type\": \"Map(LowCardinality(String), Array(Nullable(Float64)))\""),
            std::string::npos);
}

TEST(OutputFormatTest, JsonCompactEachRowAllTypes) {
  EXPECT_EQ(Render("JSONCompactEachRow", AllTypes()),
            "[255, 65535, 4294967295, \"18446744073709551615\", -128, -32768, -2147483648, "
            "\"-9223372036854775808\", 0.1, 0.30000000000000004, true, \"2026-10-01\", "
            "\"2026-10-01 00:00:00\", \"2026-10-01 00:00:00.123\", "
            "\"01020304-0506-0708-090a-0b0c0d0e0f10\", \"tab\\there\", \"x\", null, "
            "[\"a\",\"it's\"], {\"k\":\"1\"}]\n");
}

// --- Values, Null, RowBinary ---

TEST(OutputFormatTest, ValuesAllTypes) {
  EXPECT_EQ(Render("Values", AllTypes()),
            "(255,65535,4294967295,18446744073709551615,-128,-32768,-2147483648,"
            "-9223372036854775808,0.1,0.30000000000000004,true,'2026-10-01',"
            "'2026-10-01 00:00:00','2026-10-01 00:00:00.123',"
            "'01020304-0506-0708-090a-0b0c0d0e0f10','tab\\there','x',NULL,['a','it\\'s'],"
            "{'k':1})");
  Table two = One({{"x", Col("Nullable(Float64)", {Value::Float(1.5), Value::Null()})}});
  two.blocks.push_back(two.blocks[0]);
  EXPECT_EQ(Render("Values", two), "(1.5),(NULL),(1.5),(NULL)");
}

TEST(OutputFormatTest, NullWritesNothing) { EXPECT_EQ(Render("Null", AllTypes()), ""); }

TEST(OutputFormatTest, RowBinaryLayout) {
  Table t = One({{"a", Col("UInt16", {Value::UInt(258)})},
                 {"s", Col("String", {Value::String("ab")})},
                 {"n", Col("Nullable(UInt8)", {Value::Null()})},
                 {"m", Col("Nullable(UInt8)", {Value::UInt(5)})},
                 {"r", Col("Array(UInt8)", {Value::Array({Value::UInt(1), Value::UInt(2)})})},
                 {"u", Col("UUID", {Uuid()})},
                 {"l", Col("LowCardinality(Nullable(String))", {Value::Null()})}});
  std::string want = std::string("\x02\x01", 2) + "\x02" "ab" + "\x01" + std::string("\x00\x05", 2) +
                     "\x02\x01\x02" + "\x08\x07\x06\x05\x04\x03\x02\x01" +
                     "\x10\x0f\x0e\x0d\x0c\x0b\x0a\x09" + "\x01";
  EXPECT_EQ(Render("RowBinary", t), want);
}

// --- Pretty family ---

Table NullExample() {  // ClickHouse docs: SELECT * FROM t_null
  return One({{"x", Col("Int8", {Value::Int(1)})}, {"y", Col("Nullable(Int8)", {Value::Null()})}});
}

TEST(OutputFormatTest, PrettyCompactMatchesClickHouseDocs) {
  EXPECT_EQ(Render("PrettyCompact", NullExample()),
            "┌─x─┬────y─┐\n"
            "│ 1 │ ᴺᵁᴸᴸ │\n"
            "└───┴──────┘\n");
}

TEST(OutputFormatTest, PrettyDrawsAFullGrid) {
  Table t = One({{"x", Col("UInt8", {Value::UInt(1), Value::UInt(2)})},
                 {"y", Col("Nullable(Int32)", {Value::Null(), Value::Int(3)})}});
  EXPECT_EQ(Render("Pretty", t),
            "┏━━━┳━━━━━━┓\n"
            "┃ x ┃    y ┃\n"
            "┡━━━╇━━━━━━┩\n"
            "│ 1 │ ᴺᵁᴸᴸ │\n"
            "├───┼──────┤\n"
            "│ 2 │    3 │\n"
            "└───┴──────┘\n");
}

TEST(OutputFormatTest, PrettyCompactAlignsNumbersAndTimesRightAndTextLeft) {
  Table t = One({{"name", Col("String", {Value::String("ab"), Value::String("abcdef")})},
                 {"n", Col("UInt64", {Value::UInt(5), Value::UInt(12345)})},
                 {"when", Col("Date", {Value::UInt(kDay20261001), Value::UInt(0)})},
                 {"ok", Col("Bool", {Value::UInt(1), Value::UInt(0)})},
                 {"arr", Col("Array(String)", {Value::Array({Value::String("q")}), Value::Array({})})}});
  EXPECT_EQ(Render("PrettyCompact", t),
            "┌─name───┬─────n─┬───────when─┬─ok────┬─arr───┐\n"
            "│ ab     │     5 │ 2026-10-01 │ true  │ ['q'] │\n"
            "│ abcdef │ 12345 │ 1970-01-01 │ false │ []    │\n"
            "└────────┴───────┴────────────┴───────┴───────┘\n");
}

TEST(OutputFormatTest, PrettyCompactPrintsATablePerBlockAndMonoBlockOne) {
  Table t = One({{"x", Col("UInt16", {Value::UInt(1)})}});
  Block second;
  second.Add("x", Col("UInt16", {Value::UInt(1000)}));
  t.blocks.push_back(std::move(second));
  EXPECT_EQ(Render("PrettyCompact", t),
            "┌─x─┐\n│ 1 │\n└───┘\n"
            "┌────x─┐\n│ 1000 │\n└──────┘\n");
  EXPECT_EQ(Render("PrettyCompactMonoBlock", t),
            "┌────x─┐\n│    1 │\n│ 1000 │\n└──────┘\n");
  EXPECT_EQ(Render("PrettyMonoBlock", t),
            "┏━━━━━━┓\n┃    x ┃\n┡━━━━━━┩\n│    1 │\n├──────┤\n│ 1000 │\n└──────┘\n");
}

TEST(OutputFormatTest, PrettySaysSoWhenTheResultIsEmpty) {
  Table t = One({{"x", Col("UInt8", {})}});
  for (const auto& f : {"Pretty", "PrettyCompact", "PrettyMonoBlock", "PrettyCompactMonoBlock"}) {
    EXPECT_EQ(Render(f, t), "0 rows in set.\n") << f;
  }
  EXPECT_EQ(Render("Vertical", t), "");
  OutputOptions quiet;  // ClickHouse's bytes: nothing at all
  quiet.pretty_say_empty = false;
  EXPECT_EQ(Render("PrettyCompact", t, quiet), "");
}

TEST(OutputFormatTest, PrettySkipsEmptyBlocks) {
  Table t = One({{"x", Col("UInt8", {})}});
  Table one = One({{"x", Col("UInt8", {Value::UInt(1)})}});
  t.blocks.push_back(one.blocks[0]);
  t.blocks.push_back(Block(t.blocks[0]));
  EXPECT_EQ(Render("PrettyCompact", t), "┌─x─┐\n│ 1 │\n└───┘\n");
  EXPECT_EQ(Render("PrettyCompactMonoBlock", t), "┌─x─┐\n│ 1 │\n└───┘\n");
}

TEST(OutputFormatTest, PrettyStopsAtMaxRowsWithANote) {
  std::vector<Value> values;
  for (int i = 0; i < 10001; ++i) values.push_back(Value::UInt(i % 10));
  Table t = One({{"d", Col("UInt8", values)}});
  std::string out = Render("PrettyCompact", t);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 10000 + 2 + 1);
  EXPECT_TRUE(out.ends_with("└───┘\n  Showed first 10000.\n")) << out.substr(out.size() - 40);

  OutputOptions o;
  o.pretty_max_rows = 2;
  Table small = One({{"d", Col("UInt8", {Value::UInt(1), Value::UInt(2), Value::UInt(3)})}});
  small.blocks.push_back(small.blocks[0]);
  EXPECT_EQ(Render("PrettyCompact", small, o),
            "┌─d─┐\n│ 1 │\n│ 2 │\n└───┘\n  Showed first 2.\n");
  EXPECT_EQ(Render("PrettyCompactMonoBlock", small, o),
            "┌─d─┐\n│ 1 │\n│ 2 │\n└───┘\n  Showed first 2.\n");
  Table exact = One({{"d", Col("UInt8", {Value::UInt(1), Value::UInt(2)})}});
  EXPECT_EQ(Render("PrettyCompact", exact, o), "┌─d─┐\n│ 1 │\n│ 2 │\n└───┘\n  Showed first 2.\n");
}

TEST(OutputFormatTest, PrettyMeasuresUnicodeByDisplayWidth) {
  Table t = One({{"город", Col("String", {Value::String("Москва"), Value::String("日本")})}});
  EXPECT_EQ(Render("PrettyCompact", t),
            "┌─город──┐\n"
            "│ Москва │\n"
            "│ 日本   │\n"
            "└────────┘\n");
}

TEST(OutputFormatTest, PrettyCutsValuesWiderThanMaxValueWidth) {
  OutputOptions o;
  o.pretty_max_value_width = 3;
  Table t = One({{"s", Col("String", {Value::String("abcdef"), Value::String("ab")})}});
  EXPECT_EQ(Render("PrettyCompact", t, o),
            "┌─s───┐\n"
            "│ abc⋯│\n"
            "│ ab  │\n"
            "└─────┘\n");
}

TEST(OutputFormatTest, PrettyRowNumbers) {
  OutputOptions o;
  o.pretty_row_numbers = true;
  Table t = One({{"x", Col("UInt8", {Value::UInt(1), Value::UInt(2)})}});
  t.blocks.push_back(t.blocks[0]);
  EXPECT_EQ(Render("PrettyCompact", t, o),
            "   ┌─x─┐\n1. │ 1 │\n2. │ 2 │\n   └───┘\n"
            "   ┌─x─┐\n3. │ 1 │\n4. │ 2 │\n   └───┘\n");
  Table one = One({{"x", Col("UInt8", {Value::UInt(7)})}});
  EXPECT_EQ(Render("Pretty", one, o),
            "   ┏━━━┓\n   ┃ x ┃\n   ┡━━━┩\n1. │ 7 │\n   └───┘\n");
}

// --- Vertical ---

TEST(OutputFormatTest, VerticalMatchesClickHouse) {
  EXPECT_EQ(Render("Vertical", NullExample()), "Row 1:\n──────\nx: 1\ny: ᴺᵁᴸᴸ\n");
  std::vector<Value> xs, names;
  for (int i = 1; i <= 10; ++i) {
    xs.push_back(Value::UInt(i));
    names.push_back(Value::String(i == 2 ? "a\tb" : "v"));
  }
  Table t = One({{"x", Col("UInt8", xs)}, {"name", Col("String", names)}});
  std::string out = Render("Vertical", t);
  EXPECT_TRUE(out.starts_with("Row 1:\n──────\nx:    1\nname: v\n\nRow 2:\n──────\nx:    2\n"
                              "name: a\tb\n\n"))
      << out;
  // ClickHouse sizes the rule by log10(row + 1): row 9 already gets seven dashes.
  EXPECT_NE(out.find("\n\nRow 8:\n──────\n"), std::string::npos);
  EXPECT_NE(out.find("\n\nRow 9:\n───────\n"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\n\nRow 10:\n───────\nx:    10\nname: v\n")) << out;
  OutputOptions o;
  o.pretty_max_rows = 1;
  EXPECT_EQ(Render("Vertical", t, o), "Row 1:\n──────\nx:    1\nname: v\n\nShowed first 1.\n");
}

// --- Factory ---

TEST(OutputFormatTest, UnknownFormatsAndMismatchedSchemasAreRejected) {
  std::string out;
  EXPECT_STATUS(MakeOutputFormat("json", {"x"}, {T("UInt8")}, &out),
                absl::StatusCode::kInvalidArgument, "unknown output format 'json'");
  EXPECT_STATUS(MakeOutputFormat("JSON", {"x", "y"}, {T("UInt8")}, &out),
                absl::StatusCode::kInvalidArgument, "2 names but 1 types");
  for (absl::string_view name : {"TabSeparated", "TSV", "TSVWithNames", "TSVWithNamesAndTypes",
                                 "TabSeparatedRaw", "CSV", "CSVWithNames", "JSON", "JSONEachRow",
                                 "JSONCompact", "JSONCompactEachRow", "Pretty", "PrettyCompact",
                                 "PrettyCompactMonoBlock", "Vertical", "Values", "Null",
                                 "RowBinary"}) {
    EXPECT_TRUE(IsOutputFormat(name)) << name;
  }
}

TEST(OutputFormatTest, EveryFormatRendersEveryTypeWithNullsAndEmptyBlocks) {
  Table t = AllTypes();
  Block empty;
  for (size_t i = 0; i < t.names.size(); ++i) empty.Add(t.names[i], Column::Make(t.types[i]));
  t.blocks.insert(t.blocks.begin(), std::move(empty));
  for (const auto& f : {"TabSeparated", "TSVWithNamesAndTypes", "TabSeparatedRaw", "CSV",
                        "CSVWithNamesAndTypes", "JSON", "JSONCompact", "JSONEachRow",
                        "JSONCompactEachRow", "Pretty", "PrettyCompact", "PrettyCompactMonoBlock",
                        "Vertical", "Values", "RowBinary"}) {
    std::string out = Render(f, t);
    EXPECT_FALSE(out.empty()) << f;
  }
}

}  // namespace
}  // namespace tally::engine
