// The table schema's bytes: every field round-trips in version 2, version 1 decodes as it
// always did, unknown ignorable fields are kept and written back, unknown must-understand
// fields are Unimplemented, damaged bytes are an error naming the table (never a crash),
// both sides check the schema's invariants, and golden bytes pin both versions.
#include "format/schema_encoding.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "format/status_macros.h"
#include "format/tagged_fields.h"
#include "tests/test_util.h"

namespace tally::format {
namespace {

ColumnDef Col(const char* name, const char* type) { return ColumnDef{name, *ParseDataType(type), {}, ""}; }

// A small schema version 1 can hold.
TableSchema Small() {
  TableSchema s;
  s.columns.push_back(Col("time", "DateTime"));
  s.columns.push_back(Col("value", "Float64"));
  s.columns[1].codecs = *ParseCodecChain("Gorilla, ZSTD(3)");
  s.columns[1].default_expr = "0";
  s.sort_key = {"time"};
  s.partition_by = "toYYYYMM(time)";
  s.index_granularity = 4;
  return s;
}

// Every field version 2 has.
TableSchema Full() {
  TableSchema s = Small();
  s.columns.push_back(Col("tenant", "LowCardinality(String)"));
  s.columns[2].ttl = "time + INTERVAL 1 DAY";
  s.columns[2].comment = "who pays";
  s.columns[2].unknown_fields = {{51, "kept"}, {53, std::string("\0\1", 2)}};
  s.sort_key = {"tenant", "time"};
  s.engine = "ReplacingMergeTree";
  s.engine_args = {"ver", "is_deleted"};
  s.index_granularity_bytes = 1 << 20;
  s.min_block_bytes = 4096;
  s.max_dictionary_entries = 77;
  s.ttl = "time + INTERVAL 30 DAY DELETE";
  s.skip_indexes = {{"by_tenant", "tenant", "bloom_filter(0.01)", 4, {}},
                    {"v_range", "value * 2", "minmax", 1, {{9, "x"}}}};
  s.settings = {{"allow_zero_sum_rows", "1", {}}, {"merge_with_ttl_timeout", "'3600'", {}}};
  s.comment = "usage, hourly";
  s.unknown_fields = {{101, "a table note"}};
  return s;
}

void ExpectSame(const TableSchema& got, const TableSchema& want) {
  ASSERT_EQ(got.columns.size(), want.columns.size());
  for (size_t i = 0; i < want.columns.size(); ++i) {
    SCOPED_TRACE(want.columns[i].name);
    const ColumnDef& a = got.columns[i];
    const ColumnDef& b = want.columns[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.type->ToString(), b.type->ToString());
    EXPECT_EQ(CodecChainToString(a.codecs), CodecChainToString(b.codecs));
    EXPECT_EQ(a.codecs.empty(), b.codecs.empty());
    EXPECT_EQ(a.default_expr, b.default_expr);
    EXPECT_EQ(a.ttl, b.ttl);
    EXPECT_EQ(a.comment, b.comment);
    EXPECT_EQ(a.unknown_fields, b.unknown_fields);
  }
  EXPECT_EQ(got.sort_key, want.sort_key);
  EXPECT_EQ(got.partition_by, want.partition_by);
  EXPECT_EQ(got.engine, want.engine);
  EXPECT_EQ(got.engine_args, want.engine_args);
  EXPECT_EQ(got.index_granularity, want.index_granularity);
  EXPECT_EQ(got.index_granularity_bytes, want.index_granularity_bytes);
  EXPECT_EQ(got.min_block_bytes, want.min_block_bytes);
  EXPECT_EQ(got.max_dictionary_entries, want.max_dictionary_entries);
  EXPECT_EQ(got.ttl, want.ttl);
  EXPECT_EQ(got.skip_indexes, want.skip_indexes);
  EXPECT_EQ(got.settings, want.settings);
  EXPECT_EQ(got.comment, want.comment);
  EXPECT_EQ(got.unknown_fields, want.unknown_fields);
}

std::string Encode(const TableSchema& s, uint16_t version) {
  std::string out;
  absl::Status st = EncodeTableSchema(&out, s, version);
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

absl::StatusOr<TableSchema> Decode(absl::string_view bytes, uint16_t version) {
  ByteReader in(AsBytes(bytes), "MANIFEST", 100);
  TALLY_ASSIGN_OR_RETURN(TableSchema s, DecodeTableSchema(&in, version, "metering.usage"));
  TALLY_RETURN_IF_ERROR(in.ExpectDone("after the schema"));
  return s;
}

// A version-2 schema of Small() with `extra_table` appended to the table's fields and
// `extra_column` to its first column's.
std::string SmallV2With(absl::string_view extra_table, absl::string_view extra_column) {
  std::string column;
  PutField(&column, column_tag::kName, "time");
  PutField(&column, column_tag::kType, "DateTime");
  absl::StrAppend(&column, extra_column);
  std::string table;
  PutField(&table, table_tag::kColumn, column);
  PutField(&table, table_tag::kEngine, "MergeTree");
  PutVarintField(&table, table_tag::kIndexGranularity, 8192);
  PutVarintField(&table, table_tag::kIndexGranularityBytes, 1 << 20);
  PutVarintField(&table, table_tag::kMinBlockBytes, 1 << 16);
  PutVarintField(&table, table_tag::kMaxDictionaryEntries, 1000);
  absl::StrAppend(&table, extra_table);
  std::string out;
  PutLengthPrefixed(&out, table);
  return out;
}

std::string FieldBytes(uint64_t tag, absl::string_view bytes) {
  std::string out;
  PutField(&out, tag, bytes);
  return out;
}

TEST(SchemaEncodingTest, EveryFieldRoundTripsInVersion2) {
  for (const TableSchema& s : {Small(), Full()}) {
    ASSERT_OK_AND_ASSIGN(TableSchema got, Decode(Encode(s, 2), 2));
    ExpectSame(got, s);
    // Written back, the bytes are the same.
    EXPECT_EQ(Encode(got, 2), Encode(s, 2));
  }
}

TEST(SchemaEncodingTest, Version1HoldsWhatItAlwaysDidAndRefusesTheRest) {
  EXPECT_EQ(MinSchemaVersion(Small()), 1);
  ASSERT_OK_AND_ASSIGN(TableSchema got, Decode(Encode(Small(), 1), 1));
  ExpectSame(got, Small());
  EXPECT_EQ(MinSchemaVersion(Full()), 2);
  // Each version-2-only field on its own needs version 2.
  std::vector<std::function<void(TableSchema*)>> v2_only = {
      [](TableSchema* s) { s->engine_args = {"ver"}; },
      [](TableSchema* s) { s->ttl = "time + 1"; },
      [](TableSchema* s) { s->columns[0].ttl = "time + 1"; },
      [](TableSchema* s) { s->columns[0].comment = "c"; },
      [](TableSchema* s) { s->columns[0].unknown_fields = {{7, ""}}; },
      [](TableSchema* s) { s->skip_indexes = {{"i", "time", "minmax", 1, {}}}; },
      [](TableSchema* s) { s->settings = {{"x", "1", {}}}; },
      [](TableSchema* s) { s->comment = "c"; },
      [](TableSchema* s) { s->unknown_fields = {{7, ""}}; },
  };
  for (size_t i = 0; i < v2_only.size(); ++i) {
    SCOPED_TRACE(i);
    TableSchema s = Small();
    v2_only[i](&s);
    EXPECT_EQ(MinSchemaVersion(s), 2);
    std::string out = "keep";
    EXPECT_STATUS(EncodeTableSchema(&out, s, 1), absl::StatusCode::kInvalidArgument, "version 1 cannot hold");
    EXPECT_EQ(out, "keep");
  }
  std::string out;
  EXPECT_STATUS(EncodeTableSchema(&out, Small(), 3), absl::StatusCode::kInvalidArgument, "version 3");
  EXPECT_STATUS(Decode(Encode(Small(), 2), 3), absl::StatusCode::kUnimplemented, "manifest version 3");
}

// Golden bytes: a change to either encoding fails here. Version 1 is frozen: these are the
// bytes every version-1 manifest holds.
TEST(SchemaEncodingTest, GoldenBytes) {
  // 2 columns | "time" "DateTime" "" "" | "value" "Float64" "Gorilla, ZSTD(3)" "0" | 1 key
  // "time" | "toYYYYMM(time)" | "MergeTree" | 4, 10 MiB, 64 KiB, 262144.
  EXPECT_EQ(absl::BytesToHexString(Encode(Small(), 1)),
            "02" "0474696d65" "084461746554696d65" "00" "00"
            "0576616c7565" "07466c6f61743634" "10476f72696c6c612c205a535444283329" "0130"
            "01" "0474696d65" "0e746f595959594d4d2874696d6529" "094d6572676554726565" "04" "80808005" "808004"
            "808010");
  // Length 109 | column (2) 16 bytes: name (2) "time", type (4) "DateTime" | column (2) 37
  // bytes: name, type, codecs (6), default (8) "0" | sort key (4) "time" | partition (6) |
  // engine (8) | index_granularity (12) 4 | bytes (14) | min_block_bytes (16) | entries (18).
  EXPECT_EQ(absl::BytesToHexString(Encode(Small(), 2)),
            "6d"
            "0210" "020474696d65" "04084461746554696d65"
            "0225" "020576616c7565" "0407466c6f61743634" "0610476f72696c6c612c205a535444283329" "080130"
            "040474696d65" "060e746f595959594d4d2874696d6529" "08094d6572676554726565"
            "0c0104" "0e0480808005" "1003808004" "1203808010");
}

TEST(SchemaEncodingTest, UnknownIgnorableFieldsAreKeptAndWrittenBack) {
  const std::string bytes = SmallV2With(FieldBytes(201, "table note") + FieldBytes(201, "again"),
                                        FieldBytes(99, std::string("\xff\x00", 2)));
  ASSERT_OK_AND_ASSIGN(TableSchema got, Decode(bytes, 2));
  EXPECT_EQ(got.unknown_fields, (std::vector<UnknownField>{{201, "table note"}, {201, "again"}}));
  EXPECT_EQ(got.columns[0].unknown_fields, (std::vector<UnknownField>{{99, std::string("\xff\x00", 2)}}));
  // Rewriting the manifest keeps them.
  EXPECT_EQ(MinSchemaVersion(got), 2);
  ASSERT_OK_AND_ASSIGN(TableSchema again, Decode(Encode(got, 2), 2));
  ExpectSame(again, got);
}

TEST(SchemaEncodingTest, UnknownMustUnderstandFieldIsUnimplemented) {
  EXPECT_STATUS(Decode(SmallV2With(FieldBytes(200, "a merge rule"), ""), 2), absl::StatusCode::kUnimplemented,
                "table 'metering.usage': schema: field 200 is unknown to this build and must be understood");
  EXPECT_STATUS(Decode(SmallV2With("", FieldBytes(98, "x")), 2), absl::StatusCode::kUnimplemented,
                "column 'time': field 98 is unknown");
  // Inside a skip index and a setting too.
  std::string index;
  PutField(&index, skip_index_tag::kName, "i");
  PutField(&index, skip_index_tag::kExpression, "time");
  PutField(&index, skip_index_tag::kType, "minmax");
  PutVarintField(&index, skip_index_tag::kGranularity, 1);
  EXPECT_OK(Decode(SmallV2With(FieldBytes(table_tag::kSkipIndex, index), ""), 2));
  EXPECT_STATUS(Decode(SmallV2With(FieldBytes(table_tag::kSkipIndex, index + FieldBytes(10, "")), ""), 2),
                absl::StatusCode::kUnimplemented, "skip index 'i': field 10 is unknown");
}

TEST(SchemaEncodingTest, FieldsOutOfPlaceAreDataLossNamingTableAndField) {
  struct Case {
    std::string bytes;
    std::string want;
  };
  const std::vector<Case> cases = {
      {SmallV2With(FieldBytes(table_tag::kEngine, "MergeTree"), ""), "field 8 (engine): appears twice"},
      {SmallV2With("", FieldBytes(column_tag::kType, "UInt8")), "column 'time': field 4 (type): appears twice"},
      {SmallV2With(FieldBytes(table_tag::kComment, "a") + FieldBytes(table_tag::kComment, "b"), ""),
       "field 1 (comment): appears twice"},
      {SmallV2With(FieldBytes(table_tag::kPartitionBy, "a") + FieldBytes(table_tag::kPartitionBy, "b"), ""),
       "field 6 (partition expression): appears twice"},
      {SmallV2With(FieldBytes(table_tag::kIndexGranularity, "\x05\x00"), ""), "appears twice"},
      {SmallV2With(FieldBytes(table_tag::kSortKeyColumn, "nope"), ""), "sort key column 'nope' is not a column"},
      {SmallV2With(FieldBytes(table_tag::kColumn, FieldBytes(column_tag::kName, "x")), ""),
       "column 'x': field 4 (type): missing"},
      {SmallV2With("", FieldBytes(column_tag::kCodecs, "Bogus(1)")), "column 'time': codecs"},
      {SmallV2With(FieldBytes(table_tag::kSetting, FieldBytes(setting_tag::kName, "s")), ""),
       "setting 's': field 4 (value): missing"},
      {SmallV2With(std::string("\x00\x00", 2), ""), "0 is not a tag"},
      {SmallV2With(std::string("\x09\x05", 2) + "ab", ""), "truncated"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_STATUS(Decode(c.bytes, 2), absl::StatusCode::kDataLoss, c.want);
    EXPECT_STATUS(Decode(c.bytes, 2), absl::StatusCode::kDataLoss, "table 'metering.usage'");
  }
  // A varint field with a byte after its varint.
  std::string table;
  PutField(&table, table_tag::kColumn, FieldBytes(column_tag::kName, "t") + FieldBytes(column_tag::kType, "UInt8"));
  PutField(&table, table_tag::kEngine, "MergeTree");
  PutField(&table, table_tag::kIndexGranularity, std::string("\x05\x00", 2));
  std::string bytes;
  PutLengthPrefixed(&bytes, table);
  EXPECT_STATUS(Decode(bytes, 2), absl::StatusCode::kDataLoss, "(index_granularity): 1 unexpected trailing bytes");
  // Required table fields, one missing at a time.
  std::string no_engine;
  PutLengthPrefixed(&no_engine, FieldBytes(table_tag::kColumn, FieldBytes(column_tag::kName, "t") +
                                                                    FieldBytes(column_tag::kType, "UInt8")));
  EXPECT_STATUS(Decode(no_engine, 2), absl::StatusCode::kDataLoss, "field 8 (engine): missing");
}

TEST(SchemaEncodingTest, TruncatedOrBitFlippedBytesAreAnErrorNotACrash) {
  for (uint16_t version : {1, 2}) {
    SCOPED_TRACE(version);
    const std::string bytes = Encode(version == 1 ? Small() : Full(), version);
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_STATUS(Decode(bytes.substr(0, n), version), absl::StatusCode::kDataLoss, "MANIFEST: offset");
    }
    for (size_t pos = 0; pos < bytes.size(); ++pos) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string damaged = bytes;
        damaged[pos] ^= static_cast<char>(1 << bit);
        auto got = Decode(damaged, version);
        // Some flips only change a text; the rest must be refused cleanly.
        if (!got.ok()) {
          EXPECT_TRUE(absl::IsDataLoss(got.status()) || absl::IsUnimplemented(got.status())) << got.status();
        }
      }
    }
  }
}

TEST(SchemaEncodingTest, EncodeRefusesABrokenSchemaAndWritesNothing) {
  std::vector<std::function<void(TableSchema*)>> broken = {
      [](TableSchema* s) { s->columns.clear(); s->sort_key.clear(); },
      [](TableSchema* s) { s->columns[1].name = "time"; },
      [](TableSchema* s) { s->columns[1].name = ""; },
      [](TableSchema* s) { s->columns[1].type = nullptr; },
      [](TableSchema* s) { s->sort_key = {"time", "time"}; },
      [](TableSchema* s) { s->sort_key = {"nope"}; },
      [](TableSchema* s) { s->engine = ""; },
      [](TableSchema* s) { s->engine_args = {""}; },
      [](TableSchema* s) { s->index_granularity = 0; },
      [](TableSchema* s) { s->min_block_bytes = 0; },
      [](TableSchema* s) { s->skip_indexes = {{"i", "time", "minmax", 0, {}}}; },
      [](TableSchema* s) { s->skip_indexes = {{"i", "time", "minmax", 1, {}}, {"i", "value", "minmax", 1, {}}}; },
      [](TableSchema* s) { s->settings = {{"", "1", {}}}; },
      [](TableSchema* s) { s->unknown_fields = {{8, "even: must be understood"}}; },
      [](TableSchema* s) { s->unknown_fields = {{table_tag::kComment, "a known tag"}}; },
  };
  for (size_t i = 0; i < broken.size(); ++i) {
    SCOPED_TRACE(i);
    TableSchema s = Small();
    broken[i](&s);
    for (uint16_t version : {1, 2}) {
      std::string out = "keep";
      EXPECT_STATUS(EncodeTableSchema(&out, s, version), absl::StatusCode::kInvalidArgument, "");
      EXPECT_EQ(out, "keep");
    }
  }
}

TEST(TaggedFieldsTest, IgnorableIsTheLowBit) {
  EXPECT_TRUE(IsIgnorableTag(1));
  EXPECT_FALSE(IsIgnorableTag(2));
  EXPECT_TRUE(IsIgnorableTag(201));
  std::string record = FieldBytes(3, "abc");
  PutVarintField(&record, 4, 300);
  ByteReader in(AsBytes(record), "r");
  ASSERT_OK_AND_ASSIGN(std::vector<Field> fields, ReadFields(&in, "rec"));
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].tag, 3u);
  EXPECT_EQ(fields[0].text(), "abc");
  EXPECT_EQ(fields[0].offset, 2u);
  ASSERT_OK_AND_ASSIGN(uint64_t v, FieldVarint(fields[1], "r", "n"));
  EXPECT_EQ(v, 300u);
  std::string huge_tag;
  PutVarint64(&huge_tag, kMaxTag + 1);
  PutLengthPrefixed(&huge_tag, "");
  ByteReader bad(AsBytes(huge_tag), "r");
  EXPECT_STATUS(ReadFields(&bad, "rec"), absl::StatusCode::kDataLoss, "is not a tag");
}

}  // namespace
}  // namespace tally::format

namespace tally::format {
namespace {

// An aggregate-function column stores its physical type under tag 4 and the whole type
// under tag 12, which is even: a reader that does not know it refuses the table rather
// than read states as strings.
TEST(SchemaEncodingTest, AggregateTypesNeedVersion2AndAMustUnderstandField) {
  TableSchema s = Small();
  s.columns.push_back(Col("s", "AggregateFunction(sum, UInt64)"));
  s.columns.push_back(Col("m", "SimpleAggregateFunction(max, UInt64)"));
  EXPECT_EQ(MinSchemaVersion(s), 2);
  std::string out;
  EXPECT_STATUS(EncodeTableSchema(&out, s, 1), absl::StatusCode::kInvalidArgument, "aggregate-function");
  const std::string bytes = Encode(s, 2);
  ASSERT_OK_AND_ASSIGN(TableSchema got, Decode(bytes, 2));
  EXPECT_EQ(got.columns[2].type->ToString(), "AggregateFunction(sum, UInt64)");
  EXPECT_EQ(got.columns[3].type->ToString(), "SimpleAggregateFunction(max, UInt64)");
  EXPECT_NE(bytes.find("String"), std::string::npos);
  static_assert(column_tag::kAggregateType % 2 == 0, "an older reader must refuse aggregate columns");
}

}  // namespace
}  // namespace tally::format
