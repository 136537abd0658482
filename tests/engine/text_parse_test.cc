// Text parsing of every type: what ClickHouse's text input accepts, range checks, and
// error messages that name the text and the type.
#include "engine/exec/text_parse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "engine/exec/text_format.h"
#include "format/types.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;

Column Make(const std::string& type) {
  auto t = format::ParseDataType(type);
  EXPECT_TRUE(t.ok()) << type << ": " << t.status();
  return Column::Make(*t);
}

// Parses `text` into a fresh column of `type` and returns the value, or the status.
absl::StatusOr<Value> Parse(const std::string& type, absl::string_view text) {
  Column c = Make(type);
  absl::Status s = ParseTextInto(&c, text);
  if (!s.ok()) return s;
  EXPECT_EQ(c.size(), 1u);
  EXPECT_OK(c.Validate("parsed"));
  return c.GetValue(0);
}

// The value rendered back as TSV, for compact expectations.
std::string RoundTrip(const std::string& type, absl::string_view text) {
  Column c = Make(type);
  absl::Status s = ParseTextInto(&c, text);
  if (!s.ok()) return std::string("error: ") + std::string(s.message());
  std::string out;
  AppendTsvValue(c, 0, &out);
  return out;
}

TEST(TextParseTest, IntegersAreRangeChecked) {
  EXPECT_EQ(Parse("UInt8", "255").value(), Value::UInt(255));
  EXPECT_EQ(Parse("UInt8", "+7").value(), Value::UInt(7));
  EXPECT_EQ(Parse("Int8", "-128").value(), Value::Int(-128));
  EXPECT_EQ(Parse("UInt64", "18446744073709551615").value(),
            Value::UInt(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(Parse("Int64", "-9223372036854775808").value(),
            Value::Int(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(Parse("UInt16", "00042").value(), Value::UInt(42));
  EXPECT_STATUS(Parse("UInt8", "256"), absl::StatusCode::kInvalidArgument,
                "cannot parse '256' as UInt8: out of range");
  EXPECT_STATUS(Parse("Int8", "-129"), absl::StatusCode::kInvalidArgument, "out of range");
  EXPECT_STATUS(Parse("UInt64", "18446744073709551616"), absl::StatusCode::kInvalidArgument,
                "out of range");
  EXPECT_STATUS(Parse("UInt32", "-1"), absl::StatusCode::kInvalidArgument,
                "negative value for an unsigned type");
  EXPECT_STATUS(Parse("Int32", "1.5"), absl::StatusCode::kInvalidArgument, "not an integer");
  EXPECT_STATUS(Parse("Int32", "abc"), absl::StatusCode::kInvalidArgument,
                "cannot parse 'abc' as Int32: not a number");
  EXPECT_STATUS(Parse("Int32", ""), absl::StatusCode::kInvalidArgument, "empty value");
  EXPECT_STATUS(Parse("Int32", " 1"), absl::StatusCode::kInvalidArgument, "not a number");
  EXPECT_STATUS(Parse("Int32", "1 "), absl::StatusCode::kInvalidArgument, "not a number");
  EXPECT_STATUS(Parse("Int32", "+"), absl::StatusCode::kInvalidArgument, "not a number");
}

TEST(TextParseTest, FloatsIncludingSpecialValues) {
  EXPECT_EQ(RoundTrip("Float64", "1.5"), "1.5");
  EXPECT_EQ(RoundTrip("Float64", "-2e10"), "-20000000000");
  EXPECT_EQ(RoundTrip("Float64", "+.5"), "0.5");
  EXPECT_EQ(RoundTrip("Float64", "1E-7"), "1e-7");
  EXPECT_EQ(RoundTrip("Float64", "inf"), "inf");
  EXPECT_EQ(RoundTrip("Float64", "-Infinity"), "-inf");
  EXPECT_EQ(RoundTrip("Float64", "NaN"), "nan");
  EXPECT_EQ(RoundTrip("Float64", "1e400"), "inf");  // overflow saturates, as in ClickHouse
  EXPECT_EQ(RoundTrip("Float64", "1e-400"), "0");
  EXPECT_EQ(RoundTrip("Float64", "0.30000000000000004"), "0.30000000000000004");
  EXPECT_EQ(RoundTrip("Float32", "0.1"), "0.1");
  EXPECT_EQ(RoundTrip("Float32", "1e39"), "inf");
  EXPECT_EQ(RoundTrip("Float32", "3.4028235e38"), "3.4028235e38");
  EXPECT_STATUS(Parse("Float64", "1.5x"), absl::StatusCode::kInvalidArgument, "not a number");
  EXPECT_STATUS(Parse("Float64", "--1"), absl::StatusCode::kInvalidArgument, "not a number");
  EXPECT_STATUS(Parse("Float32", ""), absl::StatusCode::kInvalidArgument, "empty value");
}

TEST(TextParseTest, BoolSpellings) {
  for (const char* t : {"true", "TRUE", "1", "yes", "On", "t", "y", "enable"}) {
    EXPECT_EQ(Parse("Bool", t).value(), Value::UInt(1)) << t;
  }
  for (const char* f : {"false", "False", "0", "no", "off", "f", "n", "disable"}) {
    EXPECT_EQ(Parse("Bool", f).value(), Value::UInt(0)) << f;
  }
  EXPECT_STATUS(Parse("Bool", "2"), absl::StatusCode::kInvalidArgument,
                "cannot parse '2' as Bool: expected true or false");
}

TEST(TextParseTest, Dates) {
  EXPECT_EQ(Parse("Date", "2026-10-01").value(), Value::UInt(20727));
  EXPECT_EQ(Parse("Date", "1970-01-01").value(), Value::UInt(0));
  EXPECT_EQ(Parse("Date", "2149-06-06").value(), Value::UInt(65535));
  EXPECT_EQ(Parse("Date", "2026/10/1").value(), Value::UInt(20727));
  EXPECT_STATUS(Parse("Date", "2026-02-30"), absl::StatusCode::kInvalidArgument, "no such date");
  EXPECT_STATUS(Parse("Date", "2026-13-01"), absl::StatusCode::kInvalidArgument, "no such date");
  EXPECT_STATUS(Parse("Date", "1969-12-31"), absl::StatusCode::kInvalidArgument, "out of range");
  EXPECT_STATUS(Parse("Date", "2149-06-07"), absl::StatusCode::kInvalidArgument, "out of range");
  EXPECT_STATUS(Parse("Date", "20261001"), absl::StatusCode::kInvalidArgument,
                "cannot parse '20261001' as Date: expected YYYY-MM-DD");
  EXPECT_STATUS(Parse("Date", "2026-10-01 00:00:00"), absl::StatusCode::kInvalidArgument,
                "unexpected text after the date");
}

TEST(TextParseTest, DateTimeSpellings) {
  const Value want = Value::UInt(1790812800);  // 2026-10-01 00:00:00 UTC
  EXPECT_EQ(Parse("DateTime", "2026-10-01 00:00:00").value(), want);
  EXPECT_EQ(Parse("DateTime", "2026-10-01T00:00:00").value(), want);
  EXPECT_EQ(Parse("DateTime", "2026-10-01T00:00:00Z").value(), want);
  EXPECT_EQ(Parse("DateTime", "2026-10-01T02:00:00+02:00").value(), want);
  EXPECT_EQ(Parse("DateTime", "2026-09-30T22:30:00-0130").value(), want);
  EXPECT_EQ(Parse("DateTime", "2026-10-01T00:00:00.999Z").value(), want);  // fraction dropped
  EXPECT_EQ(Parse("DateTime", "2026-10-01").value(), want);
  EXPECT_EQ(Parse("DateTime", "2026-10-01 00:00").value(), want);
  EXPECT_EQ(Parse("DateTime", "1790812800").value(), want);
  EXPECT_EQ(Parse("DateTime", "0").value(), Value::UInt(0));
  EXPECT_EQ(Parse("DateTime", "2106-02-07 06:28:15").value(), Value::UInt(4294967295u));
  EXPECT_STATUS(Parse("DateTime", "2106-02-07 06:28:16"), absl::StatusCode::kInvalidArgument,
                "out of range for DateTime");
  EXPECT_STATUS(Parse("DateTime", "1969-12-31 23:59:59"), absl::StatusCode::kInvalidArgument,
                "out of range for DateTime");
  EXPECT_STATUS(Parse("DateTime", "yesterday"), absl::StatusCode::kInvalidArgument,
                "cannot parse 'yesterday' as DateTime: expected YYYY-MM-DD");
  EXPECT_STATUS(Parse("DateTime", "2026-10-01 25:00:00"), absl::StatusCode::kInvalidArgument,
                "no such time of day");
  EXPECT_STATUS(Parse("DateTime", "2026-10-01 00:00:00 UTC"), absl::StatusCode::kInvalidArgument,
                "unexpected text after the time");
  EXPECT_STATUS(Parse("DateTime", "2026-10-01 0"), absl::StatusCode::kInvalidArgument,
                "expected hh:mm:ss");
}

TEST(TextParseTest, DateTimeReadsLocalTimeInTheColumnsZone) {
  // 2026-10-01 02:00:00 in Berlin (CEST, +02:00) is midnight UTC.
  EXPECT_EQ(Parse("DateTime('Europe/Berlin')", "2026-10-01 02:00:00").value(),
            Value::UInt(1790812800));
  // An explicit offset wins over the column's zone.
  EXPECT_EQ(Parse("DateTime('Europe/Berlin')", "2026-10-01T00:00:00Z").value(),
            Value::UInt(1790812800));
  // Unix seconds are absolute.
  EXPECT_EQ(Parse("DateTime('Europe/Berlin')", "1790812800").value(), Value::UInt(1790812800));
  // And printing gives the local text back.
  EXPECT_EQ(RoundTrip("DateTime('America/New_York')", "2026-01-15 07:00:00"),
            "2026-01-15 07:00:00");
}

TEST(TextParseTest, DateTime64KeepsItsPrecision) {
  EXPECT_EQ(RoundTrip("DateTime64(3)", "2026-10-01 00:00:00.123"), "2026-10-01 00:00:00.123");
  EXPECT_EQ(RoundTrip("DateTime64(3)", "2026-10-01 00:00:00.1"), "2026-10-01 00:00:00.100");
  EXPECT_EQ(RoundTrip("DateTime64(3)", "2026-10-01 00:00:00.123456"), "2026-10-01 00:00:00.123");
  EXPECT_EQ(RoundTrip("DateTime64(3)", "2026-10-01 00:00:00"), "2026-10-01 00:00:00.000");
  EXPECT_EQ(RoundTrip("DateTime64(6)", "1790812800.5"), "2026-10-01 00:00:00.500000");
  EXPECT_EQ(RoundTrip("DateTime64(0)", "2026-10-01 00:00:00.9"), "2026-10-01 00:00:00");
  EXPECT_EQ(RoundTrip("DateTime64(3)", "1969-12-31 23:59:59.5"), "1969-12-31 23:59:59.500");
  EXPECT_EQ(RoundTrip("DateTime64(3)", "-1.5"), "1969-12-31 23:59:58.500");
  EXPECT_EQ(Parse("DateTime64(3)", "2026-10-01T00:00:00.250Z").value(),
            Value::Int(int64_t{1790812800} * 1000 + 250));
  EXPECT_STATUS(Parse("DateTime64(3)", "2026-10-01 00:00:00."), absl::StatusCode::kInvalidArgument,
                "expected digits after '.'");
  EXPECT_STATUS(Parse("DateTime64(9)", "99999999999"), absl::StatusCode::kInvalidArgument,
                "out of range");
}

TEST(TextParseTest, Uuids) {
  EXPECT_EQ(RoundTrip("UUID", "61f0c404-5cb3-11e7-907b-a6006ad3dba0"),
            "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
  EXPECT_EQ(RoundTrip("UUID", "61F0C4045CB311E7907BA6006AD3DBA0"),
            "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
  EXPECT_STATUS(Parse("UUID", "61f0c404-5cb3-11e7-907b-a6006ad3dbag"),
                absl::StatusCode::kInvalidArgument, "not a hexadecimal digit");
  EXPECT_STATUS(Parse("UUID", "61f0c4045-cb3-11e7-907b-a6006ad3dba0"),
                absl::StatusCode::kInvalidArgument, "expected xxxxxxxx-xxxx");
  EXPECT_STATUS(Parse("UUID", ""), absl::StatusCode::kInvalidArgument, "expected xxxxxxxx-xxxx");
}

TEST(TextParseTest, StringsAndLowCardinality) {
  EXPECT_EQ(Parse("String", "any\tbytes\\N").value(), Value::String("any\tbytes\\N"));
  EXPECT_EQ(Parse("String", "").value(), Value::String(""));
  EXPECT_EQ(Parse("String", "\\N").value(), Value::String("\\N"));  // not Nullable: a string
  EXPECT_EQ(Parse("LowCardinality(String)", "x").value(), Value::String("x"));
  EXPECT_EQ(Parse("LowCardinality(Nullable(String))", "\\N").value(), Value::Null());
  EXPECT_EQ(Parse("LowCardinality(Nullable(String))", "NULL").value(), Value::String("NULL"));
}

TEST(TextParseTest, Nullables) {
  EXPECT_EQ(Parse("Nullable(Int32)", "\\N").value(), Value::Null());
  EXPECT_EQ(Parse("Nullable(Int32)", "NULL").value(), Value::Null());
  EXPECT_EQ(Parse("Nullable(Int32)", "null").value(), Value::Null());
  EXPECT_EQ(Parse("Nullable(Int32)", "-5").value(), Value::Int(-5));
  EXPECT_EQ(Parse("Nullable(String)", "\\N").value(), Value::Null());
  EXPECT_EQ(Parse("Nullable(String)", "NULL").value(), Value::String("NULL"));
  EXPECT_STATUS(Parse("Int32", "\\N"), absl::StatusCode::kInvalidArgument,
                "NULL is not allowed in Int32");
  Column c = Make("Int32");
  ASSERT_OK(ParseTextInto(&c, "\\N", TextParseOptions{.null_as_default = true}));
  EXPECT_EQ(c.GetValue(0), Value::Int(0));
  Column raw = Make("Nullable(Int32)");
  EXPECT_STATUS(ParseTextInto(&raw, "\\N", TextParseOptions{.detect_null = false}),
                absl::StatusCode::kInvalidArgument, "not a number");
}

TEST(TextParseTest, ArraysAndMapsInClickHouseLiteralSyntax) {
  EXPECT_EQ(RoundTrip("Array(UInt8)", "[1,2,3]"), "[1,2,3]");
  EXPECT_EQ(RoundTrip("Array(UInt8)", " [ 1 , 2 ] "), "[1,2]");
  EXPECT_EQ(RoundTrip("Array(UInt8)", "[]"), "[]");
  EXPECT_EQ(RoundTrip("Array(String)", "['a','b\\'c','d''e','\\t\\\\']"),
            "['a','b\\'c','d\\'e','\\t\\\\']");
  EXPECT_EQ(RoundTrip("Array(Array(Int64))", "[[1],[],[-2,3]]"), "[[1],[],[-2,3]]");
  EXPECT_EQ(RoundTrip("Array(Nullable(Float64))", "[NULL,1.5,nan,-inf]"), "[NULL,1.5,nan,-inf]");
  EXPECT_EQ(RoundTrip("Array(Date)", "['2026-10-01']"), "['2026-10-01']");
  EXPECT_EQ(RoundTrip("Array(DateTime)", "['2026-10-01 00:00:00',0]"),
            "['2026-10-01 00:00:00','1970-01-01 00:00:00']");
  EXPECT_EQ(RoundTrip("Array(Bool)", "[true,false,1]"), "[true,false,true]");
  EXPECT_EQ(RoundTrip("Map(String, String)", "{'k':'v','k2':''}"), "{'k':'v','k2':''}");
  EXPECT_EQ(RoundTrip("Map(String, UInt64)", "{}"), "{}");
  EXPECT_EQ(RoundTrip("Map(LowCardinality(String), Array(UInt8))", "{'a': [1, 2], 'b': []}"),
            "{'a':[1,2],'b':[]}");
  EXPECT_EQ(RoundTrip("Map(UInt32, String)", "{1:'x', 2:'y'}"), "{1:'x',2:'y'}");
  EXPECT_EQ(RoundTrip("Array(UUID)", "['61f0c404-5cb3-11e7-907b-a6006ad3dba0']"),
            "['61f0c404-5cb3-11e7-907b-a6006ad3dba0']");
}

TEST(TextParseTest, ArrayErrorsLeaveTheColumnUnchanged) {
  Column c = Make("Array(UInt8)");
  ASSERT_OK(ParseTextInto(&c, "[1,2]"));
  EXPECT_STATUS(ParseTextInto(&c, "[3,300]"), absl::StatusCode::kInvalidArgument,
                "cannot parse '[3,300]' as Array(UInt8): expected UInt8, got '300' (out of range)");
  EXPECT_STATUS(ParseTextInto(&c, "[3,4"), absl::StatusCode::kInvalidArgument,
                "expected ',' or ']' in Array(UInt8), got the end of the input");
  EXPECT_STATUS(ParseTextInto(&c, "[3] x"), absl::StatusCode::kInvalidArgument,
                "unexpected text after the value");
  EXPECT_STATUS(ParseTextInto(&c, "3"), absl::StatusCode::kInvalidArgument,
                "expected Array(UInt8) starting with '['");
  EXPECT_STATUS(ParseTextInto(&c, "['abc']"), absl::StatusCode::kInvalidArgument,
                "expected UInt8, got ''abc''");
  EXPECT_STATUS(ParseTextInto(&c, "[NULL]"), absl::StatusCode::kInvalidArgument,
                "NULL is not allowed in UInt8");
  EXPECT_STATUS(ParseTextInto(&c, "['unterminated]"), absl::StatusCode::kInvalidArgument,
                "unterminated quoted string");
  EXPECT_STATUS(ParseTextInto(&c, "[now()]"), absl::StatusCode::kInvalidArgument,
                "expressions in VALUES are not supported yet");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_OK(c.Validate("after errors"));
  EXPECT_EQ(c.GetValue(0), Value::Array({Value::UInt(1), Value::UInt(2)}));

  Column m = Make("Map(String, UInt8)");
  EXPECT_STATUS(ParseTextInto(&m, "{'a' 1}"), absl::StatusCode::kInvalidArgument,
                "expected ':' after a map key");
  EXPECT_EQ(m.size(), 0u);
  EXPECT_OK(m.Validate("map"));
}

TEST(TextParseTest, DeepNestingIsBoundedByTheType) {
  Column c = Make("Array(Array(UInt8))");
  std::string deep(100000, '[');
  EXPECT_STATUS(ParseTextInto(&c, deep), absl::StatusCode::kInvalidArgument, "expected UInt8");
  EXPECT_EQ(c.size(), 0u);
}

TEST(TextParseTest, QuotedValuesAdvanceTheInput) {
  Column c = Make("Nullable(String)");
  absl::string_view in = "  'a\\nb' , NULL, 12";
  ASSERT_OK(ParseQuotedValue(&c, &in));
  EXPECT_EQ(in, " , NULL, 12");
  in.remove_prefix(2);
  ASSERT_OK(ParseQuotedValue(&c, &in));
  in.remove_prefix(1);
  ASSERT_OK(ParseQuotedValue(&c, &in));  // a number literal into a String keeps its text
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(c.GetValue(0), Value::String("a\nb"));
  EXPECT_EQ(c.GetValue(1), Value::Null());
  EXPECT_EQ(c.GetValue(2), Value::String("12"));

  Column d = Make("Date");
  in = "19000";
  ASSERT_OK(ParseQuotedValue(&d, &in));  // a number into Date is a day number
  EXPECT_EQ(d.GetValue(0), Value::UInt(19000));
  Column u = Make("UInt8");
  in = "toUInt8(1)";
  EXPECT_STATUS(ParseQuotedValue(&u, &in), absl::StatusCode::kInvalidArgument,
                "expressions in VALUES are not supported yet (found 'toUInt8(1');");
}

TEST(TextParseTest, UnescapeTsv) {
  std::string out;
  UnescapeTsv("a\\tb\\nc\\\\d\\'e\\0f\\x41\\q\\", &out);
  EXPECT_EQ(out, std::string("a\tb\nc\\d'e\0fAq\\", 14));
}

TEST(TextParseTest, TextForErrorIsShortAndPrintable) {
  EXPECT_EQ(TextForError("a\tb\nc\x01"), "a\\tb\\nc\\x01");
  std::string long_text(100, 'x');
  EXPECT_EQ(TextForError(long_text), std::string(64, 'x') + "...");
  std::string utf8;
  for (int i = 0; i < 40; ++i) utf8 += "é";  // 80 bytes: the cut must not split a character
  std::string cut = TextForError(utf8);
  EXPECT_EQ(cut, std::string(utf8, 0, 64) + "...");
}

TEST(TextParseTest, TruncateColumnUndoesAppends) {
  Column c = Make("Map(String, Array(Nullable(UInt8)))");
  ASSERT_OK(ParseTextInto(&c, "{'a':[1,NULL]}"));
  ASSERT_OK(ParseTextInto(&c, "{'b':[2],'c':[]}"));
  TruncateColumn(&c, 1);
  EXPECT_OK(c.Validate("truncated"));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.GetValue(0),
            Value::Map({Value::String("a"), Value::Array({Value::UInt(1), Value::Null()})}));
  Column lc = Make("LowCardinality(String)");
  ASSERT_OK(ParseTextInto(&lc, "x"));
  TruncateColumn(&lc, 0);
  EXPECT_EQ(lc.size(), 0u);
}

TEST(TextParseTest, HostileBytesNeverCrash) {
  const char* types[] = {"UInt64", "Int8", "Float64", "Bool", "Date", "DateTime('Europe/Berlin')",
                         "DateTime64(3)", "UUID", "Nullable(Int32)",
                         "Array(Nullable(String))", "Map(String, Array(UInt8))"};
  uint64_t seed = 42;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(seed >> 33);
  };
  const std::string alphabet = "0123456789-+.:eE TZ'[]{},\\Nnul\x00\xff\t";
  for (const char* type : types) {
    Column c = Make(type);
    for (int i = 0; i < 2000; ++i) {
      std::string text;
      size_t n = next() % 24;
      for (size_t k = 0; k < n; ++k) {
        text.push_back(next() % 4 == 0 ? static_cast<char>(next())
                                       : alphabet[next() % alphabet.size()]);
      }
      size_t before = c.size();
      absl::Status s = ParseTextInto(&c, text);
      ASSERT_EQ(c.size(), before + (s.ok() ? 1 : 0)) << type << " " << text;
    }
    EXPECT_OK(c.Validate(type));
  }
}

}  // namespace
}  // namespace tally::engine
