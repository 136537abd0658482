// ClickHouse's binary formats (Native, the RowBinary family) and JSONCompactEachRowWith*:
// golden bytes from ClickHouse (chDB 26.9), round trips of every type, LowCardinality as
// clients write it, hostile bytes (every truncation, every byte flipped, huge lengths), and
// streamed INSERTs whose blocks and rows straddle tiny reads.
#include "engine/exec/native_format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/binary_io.h"
#include "engine/exec/input_format.h"
#include "engine/exec/output_format.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "format/types.h"
#include "tests/engine/trickle_stream.h"
#include "tests/engine/block_cases.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::DataTypePtr;
using format::Value;

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

Value Null() { return Value::Null(); }

// Three rows of every type tally has.
std::vector<Case> EveryType() {
  const std::string bytes = std::string("tab\t nl\n quote' nul", 19) + std::string("\0", 1) + " \xff é";
  return {
      {"u8", "UInt8", {U(255), U(0), U(9)}},
      {"u16", "UInt16", {U(65535), U(0), U(1)}},
      {"u32", "UInt32", {U(4294967295u), U(7), U(0)}},
      {"u64", "UInt64", {U(0), U(std::numeric_limits<uint64_t>::max()), U(42)}},
      {"i8", "Int8", {I(-128), I(0), I(127)}},
      {"i16", "Int16", {I(-32768), I(32767), I(0)}},
      {"i32", "Int32", {I(-2147483648LL), I(2147483647), I(0)}},
      {"i64", "Int64", {I(std::numeric_limits<int64_t>::min()), I(-1), I(std::numeric_limits<int64_t>::max())}},
      {"f32", "Float32", {F(0.1f), F(-3.4028235e38f), F(1e-7f)}},
      {"f64", "Float64", {F(0.1 + 0.2), F(1e300), F(-1.5e-10)}},
      {"b", "Bool", {U(1), U(0), U(1)}},
      {"d", "Date", {U(0), U(20727), U(65535)}},
      {"dt", "DateTime", {U(0), U(1790812800), U(4294967295u)}},
      {"dtz", "DateTime('Europe/Berlin')", {U(1790812800), U(1774747800), U(1)}},
      {"dt64", "DateTime64(3)", {I(-1), I(1790812800123), I(0)}},
      {"dt64z", "DateTime64(6, 'Asia/Kolkata')", {I(1), I(1790812800000000), I(-5)}},
      {"uuid", "UUID", {Uuid(0), Uuid(1), Uuid(0xF0)}},
      {"s", "String", {Str(""), Str(bytes), Str("\\N")}},
      {"ns", "Nullable(String)", {Null(), Str(""), Str("x")}},
      {"ni", "Nullable(Int32)", {Null(), I(0), I(-7)}},
      {"nu", "Nullable(UUID)", {Uuid(2), Null(), Null()}},
      {"lc", "LowCardinality(String)", {Str("a"), Str(""), Str("a")}},
      {"lcn", "LowCardinality(Nullable(String))", {Null(), Str("b"), Str("")}},
      {"arr", "Array(String)", {Arr({}), Arr({Str(""), Str("it's"), Str(bytes)}), Arr({Str("a,b")})}},
      {"arrn", "Array(Nullable(String))", {Arr({Null(), Str("x")}), Arr({}), Arr({Str(""), Null()})}},
      {"arrlc", "Array(LowCardinality(String))", {Arr({Str("k"), Str("k")}), Arr({}), Arr({Str(""), Str("z")})}},
      {"nested", "Array(Array(Int32))", {Arr({Arr({})}), Arr({Arr({I(1)}), Arr({I(2), I(-3)})}), Arr({})}},
      {"map", "Map(String, UInt64)", {MapOf({}), MapOf({Str("k"), U(1), Str("k2"), U(2)}), MapOf({Str("a b"), U(0)})}},
      {"maplc", "Map(LowCardinality(String), Array(Nullable(Float64)))",
       {MapOf({Str("x"), Arr({F(1.5), Null()})}), MapOf({}), MapOf({Str(""), Arr({})})}},
      {"mapu", "Map(UUID, Date)", {MapOf({Uuid(3), U(20727)}), MapOf({}), MapOf({})}},
  };
}

std::vector<DataTypePtr> TypesOf(const Block& b) {
  std::vector<DataTypePtr> types;
  for (const Column& c : b.columns) types.push_back(c.type);
  return types;
}

std::string Render(const std::string& format, const Block& block, OutputOptions options = {}) {
  std::string out;
  auto f = MakeOutputFormat(format, block.names, TypesOf(block), &out, options);
  EXPECT_TRUE(f.ok()) << f.status();
  if (!f.ok()) return "";
  (*f)->WritePrefix();
  (*f)->WriteBlock(block);
  (*f)->WriteSuffix({});
  return out;
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

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

// --- Golden bytes from ClickHouse ---

TEST(NativeFormatTest, LowCardinalityBytesAreClickHouses) {
  // SELECT toLowCardinality(toNullable(toString(number % 3))) AS x FROM numbers(5)
  Block b = MakeBlock({{"x", "LowCardinality(Nullable(String))", {Str("0"), Str("1"), Str("2"), Str("0"), Str("1")}}});
  EXPECT_EQ(absl::BytesToHexString(Render("Native", b)),
            "01050178204c6f7743617264696e616c697479284e756c6c61626c6528537472696e672929010000000000000000060000000000"
            "000500000000000000000001300131013205000000000000000203040203");
}

TEST(NativeFormatTest, UuidTimesArraysMapsBytesAreClickHouses) {
  // SELECT toUUID('00112233-4455-6677-8899-aabbccddeeff') u, toDateTime64('2020-01-01
  // 00:00:00', 3, 'Europe/Berlin') d, [NULL, 'x']::Array(Nullable(String)) an,
  // map('k', 1::UInt64) m, CAST([] AS Array(LowCardinality(String))) e
  Block b = MakeBlock({{"u", "UUID", {Str(Hex("00112233445566778899aabbccddeeff"))}},
                       {"d", "DateTime64(3, 'Europe/Berlin')", {I(1577833200000)}},
                       {"an", "Array(Nullable(String))", {Arr({Null(), Str("x")})}},
                       {"m", "Map(String, UInt64)", {MapOf({Str("k"), U(1)})}},
                       {"e", "Array(LowCardinality(String))", {Arr({})}}});
  EXPECT_EQ(absl::BytesToHexString(Render("Native", b)),
            "0501017504555549447766554433221100ffeeddccbbaa998801641e4461746554696d65363428332c20274575726f70652f42"
            "65726c696e272980f92f5e6f01000002616e174172726179284e756c6c61626c6528537472696e672929020000000000000001"
            "00000178016d134d617028537472696e672c2055496e743634290100000000000000016b010000000000000001651d41727261"
            "79284c6f7743617264696e616c69747928537472696e67292901000000000000000000000000000000");
}

TEST(NativeFormatTest, LowCardinalityIndexWidensPast256Keys) {
  Block b = MakeBlock({{"x", "LowCardinality(String)", {}}});
  for (int i = 0; i < 256; ++i) b.columns[0].AppendLowCardinalityString(absl::StrCat(i));
  std::string out = Render("Native", b);
  // 256 values and the default: 257 keys need UInt16 indexes (flags 0x0601).
  const size_t flags_at = out.find("LowCardinality(String)") + 22 + 8;
  EXPECT_EQ(absl::BytesToHexString(out.substr(flags_at, 8)), "0106000000000000");
}

TEST(NativeFormatTest, RowBinaryWithNamesAndTypesBytesAreClickHouses) {
  // SELECT 1::UInt8 AS a, 'x' AS s FORMAT RowBinaryWithNamesAndTypes
  Block b = MakeBlock({{"a", "UInt8", {U(1)}}, {"s", "String", {Str("x")}}});
  EXPECT_EQ(absl::BytesToHexString(Render("RowBinaryWithNamesAndTypes", b)),
            "02016101730555496e743806537472696e67010178");
  EXPECT_EQ(Render("JSONCompactEachRowWithNamesAndTypes", b), "[\"a\", \"s\"]\n[\"UInt8\", \"String\"]\n[1, \"x\"]\n");
  EXPECT_EQ(Render("JSONCompactEachRowWithNames", b), "[\"a\", \"s\"]\n[1, \"x\"]\n");
}

TEST(NativeFormatTest, EmptyResultIsNoBytes) {
  Block b = MakeBlock({{"x", "LowCardinality(String)", {}}});
  EXPECT_EQ(Render("Native", b), "");
}

TEST(NativeFormatTest, ClientProtocolVersionAddsBlockInfoAndDropsLowCardinalityForOldClients) {
  Block b = MakeBlock({{"check", "UInt8", {U(1)}}});
  OutputOptions o;
  o.native_client_protocol_version = kNativeRevisionWithLowCardinality;
  // clickhouse-connect's probe: bytes 8..16 after the BlockInfo.
  std::string out = Render("Native", b, o);
  EXPECT_EQ(absl::BytesToHexString(out.substr(0, 8)), "010002ffffffff00");
  EXPECT_EQ(out.substr(8, 8), std::string("\x01\x01\x05" "check", 8));
  o.native_client_protocol_version = kNativeRevisionWithOutOfOrderBuckets;
  out = Render("Native", b, o);
  EXPECT_EQ(absl::BytesToHexString(out), "010002ffffffff030000010105636865636b0555496e74380001");
  o.native_client_protocol_version = 54000;
  Block lc = MakeBlock({{"x", "LowCardinality(Nullable(String))", {Null(), Str("a")}}});
  out = Render("Native", lc, o);
  EXPECT_TRUE(absl::StrContains(out, "\x10Nullable(String)\x01\x00\x00\x01" "a")) << absl::BytesToHexString(out);
}

TEST(NativeFormatTest, AggregateStatesAreRefused) {
  std::string out;
  auto f = MakeOutputFormat("Native", {"s"}, {T("AggregateFunction(sum, UInt64)")}, &out);
  EXPECT_STATUS(f, absl::StatusCode::kUnimplemented, "finalizeAggregation");
  f = MakeOutputFormat("RowBinary", {"s"}, {T("AggregateFunction(sum, UInt64)")}, &out);
  EXPECT_STATUS(f, absl::StatusCode::kUnimplemented, "aggregate states");
}

// --- Round trips ---

TEST(NativeFormatTest, EveryTypeRoundTripsThroughEveryBinaryFormat) {
  Block want = MakeBlock(EveryType());
  for (const char* format : {"Native", "RowBinary", "RowBinaryWithNames", "RowBinaryWithNamesAndTypes",
                             "JSONCompactEachRowWithNames", "JSONCompactEachRowWithNamesAndTypes"}) {
    std::string bytes = Render(format, want);
    ASSERT_OK_AND_ASSIGN(Block got, ParseInput(format, bytes, want.names, TypesOf(want)));
    ExpectSameBlock(want, got, format);
  }
}

TEST(NativeFormatTest, NativeBlocksConcatenateAndMatchColumnsByName) {
  Block want = MakeBlock(EveryType());
  std::string two = Render("Native", want) + Render("Native", want);
  ASSERT_OK_AND_ASSIGN(Block got, ParseInput("Native", two, want.names, TypesOf(want)));
  EXPECT_EQ(got.rows(), 6u);
  // A block naming the columns in another order, one column left out: it takes defaults.
  Block partial = MakeBlock({{"s", "String", {Str("x"), Str("y")}}, {"u8", "UInt8", {U(1), U(2)}}});
  ASSERT_OK_AND_ASSIGN(ParsedInput parsed,
                       ParseInputWithPresence("Native", Render("Native", partial), {"u8", "s", "n"},
                                              {T("UInt8"), T("String"), T("Nullable(Int64)")}));
  EXPECT_EQ(parsed.block.columns[0].GetValue(1), U(2));
  EXPECT_EQ(parsed.block.columns[1].GetValue(0), Str("x"));
  EXPECT_TRUE(parsed.block.columns[2].GetValue(0).is_null());
  EXPECT_EQ(parsed.present, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(parsed.omitted[2], (std::vector<uint32_t>{0, 1}));
}

TEST(NativeFormatTest, NativeColumnsOfAnotherTypeAreCast) {
  Block sent = MakeBlock({{"a", "UInt8", {U(7)}}, {"b", "String", {Str("123")}}, {"t", "DateTime('UTC')", {U(5)}}});
  ASSERT_OK_AND_ASSIGN(Block got, ParseInput("Native", Render("Native", sent), {"a", "b", "t"},
                                             {T("UInt64"), T("UInt32"), T("DateTime")}));
  EXPECT_EQ(got.columns[0].GetValue(0), U(7));
  EXPECT_EQ(got.columns[1].GetValue(0), U(123));
  EXPECT_TRUE(got.columns[2].type->Equals(*T("DateTime")));
  Block bad = MakeBlock({{"b", "String", {Str("abc")}}});
  EXPECT_STATUS(ParseInput("Native", Render("Native", bad), {"b"}, {T("UInt32")}), absl::StatusCode::kInvalidArgument,
                "Native block 1, column 'b' (String)");
}

TEST(NativeFormatTest, UnknownColumnsAreErrorsOrSkipped) {
  Block sent = MakeBlock({{"extra", "Array(String)", {Arr({Str("q")})}}, {"a", "UInt8", {U(7)}}});
  std::string bytes = Render("Native", sent);
  EXPECT_STATUS(ParseInput("Native", bytes, {"a"}, {T("UInt8")}), absl::StatusCode::kInvalidArgument,
                "column 'extra' (Array(String)): at byte 2: no such column");
  InputOptions skip;
  skip.skip_unknown_fields = true;
  ASSERT_OK_AND_ASSIGN(Block got, ParseInput("Native", bytes, {"a"}, {T("UInt8")}, skip));
  EXPECT_EQ(got.columns[0].GetValue(0), U(7));
  std::string rb = Render("RowBinaryWithNamesAndTypes", sent);
  ASSERT_OK_AND_ASSIGN(got, ParseInput("RowBinaryWithNamesAndTypes", rb, {"a"}, {T("UInt8")}, skip));
  EXPECT_EQ(got.columns[0].GetValue(0), U(7));
  EXPECT_STATUS(ParseInput("RowBinaryWithNamesAndTypes", rb, {"extra", "a"}, {T("Array(UInt8)"), T("UInt8")}),
                absl::StatusCode::kInvalidArgument, "has type Array(String) in the header but Array(UInt8)");
}

// LowCardinality as clickhouse-connect writes it: no default key first, the NULL
// placeholder alone at 0, wide indexes.
TEST(NativeFormatTest, LowCardinalityAsClientsWriteIt) {
  std::string body;
  AppendVarUInt(2, &body);  // columns
  AppendVarUInt(3, &body);  // rows
  AppendBinaryString("s", &body);
  AppendBinaryString("LowCardinality(String)", &body);
  AppendFixed<uint64_t>(1, &body);
  AppendFixed<uint64_t>(0x0601, &body);  // UInt16 indexes, new dictionary, additional keys
  AppendFixed<uint64_t>(2, &body);
  AppendBinaryString("b", &body);
  AppendBinaryString("a", &body);
  AppendFixed<uint64_t>(3, &body);
  for (uint16_t i : {1, 0, 1}) AppendFixed<uint16_t>(i, &body);
  AppendBinaryString("n", &body);
  AppendBinaryString("LowCardinality(Nullable(String))", &body);
  AppendFixed<uint64_t>(1, &body);
  // Two runs: clients may split a column's rows.
  AppendFixed<uint64_t>(0x0600, &body);
  AppendFixed<uint64_t>(2, &body);
  AppendBinaryString("", &body);  // NULL
  AppendBinaryString("v", &body);
  AppendFixed<uint64_t>(2, &body);
  for (uint8_t i : {0, 1}) AppendFixed<uint8_t>(i, &body);
  AppendFixed<uint64_t>(0x0600, &body);
  AppendFixed<uint64_t>(2, &body);
  AppendBinaryString("", &body);
  AppendBinaryString("", &body);
  AppendFixed<uint64_t>(1, &body);
  AppendFixed<uint8_t>(1, &body);
  ASSERT_OK_AND_ASSIGN(Block got, ParseInput("Native", body, {"s", "n"},
                                             {T("LowCardinality(String)"), T("LowCardinality(Nullable(String))")}));
  EXPECT_EQ(got.columns[0].GetValue(0), Str("a"));
  EXPECT_EQ(got.columns[0].GetValue(1), Str("b"));
  EXPECT_TRUE(got.columns[1].GetValue(0).is_null());
  EXPECT_EQ(got.columns[1].GetValue(1), Str("v"));
  EXPECT_EQ(got.columns[1].GetValue(2), Str(""));
  // An index beyond the keys is an error, not a read out of bounds.
  body[body.size() - 1] = 5;
  EXPECT_STATUS(ParseInput("Native", body, {"s", "n"},
                           {T("LowCardinality(String)"), T("LowCardinality(Nullable(String))")}),
                absl::StatusCode::kInvalidArgument, "index 5 is beyond the 2 keys");
}

// --- Hostile bytes ---

const char* kBinaryFormats[] = {"Native", "RowBinary", "RowBinaryWithNames", "RowBinaryWithNamesAndTypes"};

TEST(NativeFormatTest, EveryTruncationIsAnErrorNeverACrash) {
  Block want = MakeBlock(EveryType());
  for (const char* format : kBinaryFormats) {
    std::string bytes = Render(format, want);
    // Where whole rows end (a RowBinary input cut there is valid, with fewer rows).
    std::vector<size_t> boundaries;
    if (std::string(format) != "Native") {
      Block header_only = MakeBlock(EveryType());
      for (Column& c : header_only.columns) c = Column::Make(c.type);
      size_t at = Render(format, header_only).size();
      boundaries.push_back(at);
      for (size_t r = 0; r < want.rows(); ++r) {
        std::string row;
        for (const Column& c : want.columns) {
          Block one;
          one.Add("x", Column::Make(c.type));
          one.columns[0].AppendRange(c, r, 1);
          row += Render("RowBinary", one);
        }
        at += row.size();
        boundaries.push_back(at);
      }
    }
    for (size_t n = 1; n < bytes.size(); ++n) {
      absl::StatusOr<Block> got = ParseInput(format, absl::string_view(bytes).substr(0, n), want.names, TypesOf(want));
      const bool boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
      SCOPED_TRACE(absl::StrCat(format, " cut at ", n));
      if (boundary) {
        EXPECT_OK(got);
      } else {
        EXPECT_STATUS(got, absl::StatusCode::kInvalidArgument, "Cannot parse input");
      }
    }
  }
}

TEST(NativeFormatTest, EveryFlippedByteGivesAValidBlockOrAnError) {
  Block want = MakeBlock(EveryType());
  for (const char* format : kBinaryFormats) {
    const std::string bytes = Render(format, want);
    for (size_t i = 0; i < bytes.size(); ++i) {
      for (uint8_t x : {0x01, 0x80, 0xFF}) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ x);
        absl::StatusOr<Block> got = ParseInput(format, bad, want.names, TypesOf(want));
        if (got.ok()) {
          for (const Column& c : got->columns) EXPECT_OK(c.Validate(format));
        }
      }
    }
  }
}

TEST(NativeFormatTest, HugeLengthsAreErrorsWithoutAllocating) {
  std::string body;
  AppendVarUInt(1, &body);
  AppendVarUInt(uint64_t{1} << 60, &body);  // rows
  AppendBinaryString("s", &body);
  AppendBinaryString("String", &body);
  AppendVarUInt(1, &body);
  body += "x";
  EXPECT_STATUS(ParseInput("Native", body, {"s"}, {T("String")}), absl::StatusCode::kInvalidArgument,
                "Native block 1, column 's' (String): at byte");
  std::string rb;
  AppendVarUInt(uint64_t{1} << 40, &rb);  // a string's length
  rb += "abc";
  EXPECT_STATUS(ParseInput("RowBinary", rb, {"s"}, {T("String")}), absl::StatusCode::kInvalidArgument,
                "row 1, column 's': at byte 0: length 1099511627776");
  std::string arr;
  AppendVarUInt(100000000, &arr);  // an array's length
  EXPECT_STATUS(ParseInput("RowBinary", arr, {"a"}, {T("Array(UInt64)")}), absl::StatusCode::kInvalidArgument,
                "truncated");
  EXPECT_STATUS(ParseInput("Native", Hex("0102"), {"s"}, {T("String")}), absl::StatusCode::kInvalidArgument,
                "Native block 1");
  std::string unknown;
  AppendVarUInt(1, &unknown);
  AppendVarUInt(1, &unknown);
  AppendBinaryString("d", &unknown);
  AppendBinaryString("Decimal(9, 2)", &unknown);
  AppendFixed<int32_t>(5, &unknown);
  EXPECT_STATUS(ParseInput("Native", unknown, {"d"}, {T("Float64")}), absl::StatusCode::kInvalidArgument,
                "unknown type 'Decimal(9, 2)'");
}

// --- Streamed INSERTs ---

using testing_sql::TrickleStream;

class NativeInsertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<sql::Session>(db_.get());
  }
  std::string Run(const std::string& sql, absl::string_view data = "", size_t read = 3) {
    TrickleStream in{std::string(data), read};
    std::string out;
    absl::Status s = session_->Execute(sql, &in, [&](absl::string_view chunk) { absl::StrAppend(&out, chunk); });
    return s.ok() ? out : absl::StrCat("error: ", s.message());
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sql::Session> session_;
};

TEST_F(NativeInsertTest, BlocksAndRowsStraddleTinyReads) {
  ASSERT_EQ(Run("CREATE TABLE t (id UInt32, s LowCardinality(String), a Array(Nullable(String)), "
                "m Map(String, UInt64), v UInt64 DEFAULT id * 10) ENGINE = MergeTree ORDER BY id"),
            "");
  ASSERT_EQ(Run("SET max_read_buffer_size = 7; SET min_insert_block_size_rows = 3"), "");
  std::string native, rowbinary, json;
  for (int b = 0; b < 10; ++b) {
    Block block = MakeBlock({{"id", "UInt32", {U(b * 2), U(b * 2 + 1)}},
                             {"s", "LowCardinality(String)", {Str(absl::StrCat("s", b % 3)), Str("")}},
                             {"a", "Array(Nullable(String))", {Arr({Null(), Str("x")}), Arr({})}},
                             {"m", "Map(String, UInt64)", {MapOf({Str("k"), U(b)}), MapOf({})}}});
    native += Render("Native", block);
    std::string rb = Render("RowBinaryWithNamesAndTypes", block);
    rowbinary += b == 0 ? rb : rb.substr(rb.find("Map(String, UInt64)") + 19);  // one header
    std::string js = Render("JSONCompactEachRowWithNamesAndTypes", block);
    json += b == 0 ? js : js.substr(js.find("]\n", js.find("]\n") + 2) + 2);
  }
  for (size_t read : {1, 3, 64}) {
    EXPECT_EQ(Run("TRUNCATE TABLE t"), "");
    EXPECT_EQ(Run("INSERT INTO t FORMAT Native", native, read), "");
    EXPECT_EQ(Run("INSERT INTO t FORMAT RowBinaryWithNamesAndTypes", rowbinary, read), "");
    EXPECT_EQ(Run("INSERT INTO t FORMAT JSONCompactEachRowWithNamesAndTypes", json, read), "");
    EXPECT_EQ(Run("SELECT count(), sum(id), sum(v), uniqExact(s), sum(length(a)), sum(m['k']) FROM t"),
              "60\t570\t5700\t4\t60\t135\n")
        << read;
  }
  ASSERT_OK_AND_ASSIGN(auto parts, db_->ListParts("t"));
  // Each of the three small inserts commits its blocks as one part (engine/group_commit.cc).
  EXPECT_EQ(parts.size(), 3u) << "a small insert's blocks commit as one part";
  // What went in comes back out byte for byte.
  Block first = MakeBlock({{"id", "UInt32", {U(0)}},
                           {"s", "LowCardinality(String)", {Str("s0")}},
                           {"a", "Array(Nullable(String))", {Arr({Null(), Str("x")})}},
                           {"m", "Map(String, UInt64)", {MapOf({Str("k"), U(0)})}}});
  EXPECT_EQ(Run("SELECT id, s, a, m FROM t ORDER BY id LIMIT 1 FORMAT Native"), Render("Native", first));
}

TEST_F(NativeInsertTest, AnErrorInALaterBlockNamesItsBlockAndByteAndStoresNothing) {
  ASSERT_EQ(Run("CREATE TABLE t (id UInt32, b Bool) ENGINE = MergeTree ORDER BY id"), "");
  ASSERT_EQ(Run("SET max_read_buffer_size = 5"), "");
  std::string native;
  for (int b = 0; b < 4; ++b) native += Render("Native", MakeBlock({{"id", "UInt32", {U(b)}}, {"b", "Bool", {U(1)}}}));
  const size_t block_size = native.size() / 4;
  std::string bad = native;
  bad[3 * block_size - 1] = 7;  // block 3's Bool
  std::string error = Run("INSERT INTO t FORMAT Native", bad, 2);
  EXPECT_TRUE(absl::StrContains(error, absl::StrCat("Native block 3, column 'b' (Bool): at byte ",
                                                    3 * block_size - 1, ": Bool value 7")))
      << error;
  std::string cut = native.substr(0, native.size() - 1);
  error = Run("INSERT INTO t FORMAT Native", cut, 2);
  EXPECT_TRUE(absl::StrContains(error, "Native block 4, column 'b' (Bool)")) << error;
  EXPECT_TRUE(absl::StrContains(error, "truncated")) << error;
  std::string rb;
  for (int r = 0; r < 5; ++r) rb += Render("RowBinary", MakeBlock({{"id", "UInt32", {U(r)}}, {"b", "Bool", {U(0)}}}));
  rb[4 * 5 + 4] = 9;
  error = Run("INSERT INTO t FORMAT RowBinary", rb, 3);
  EXPECT_TRUE(absl::StrContains(error, "row 5, column 'b': at byte 24: Bool value 9")) << error;
  EXPECT_EQ(Run("SELECT count() FROM t"), "0\n");
}

}  // namespace
}  // namespace tally::engine
