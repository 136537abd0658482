// SHOW CREATE TABLE round-trips: the statement printed for a table creates the very same
// table (compared by its encoded schema), for every engine and its arguments.
#include <gtest/gtest.h>

#include "engine/sql/ddl.h"
#include "engine/sql/parser.h"
#include "format/manifest_format.h"
#include "format/schema_encoding.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

absl::StatusOr<format::TableSchema> SchemaOf(const std::string& sql) {
  auto st = ParseStatement(sql);
  if (!st.ok()) return st.status();
  if (st->create == nullptr) return absl::InvalidArgumentError("not a CREATE TABLE");
  return SchemaFromCreate(*st->create);
}

std::string Encoded(const format::TableSchema& schema) {
  std::string out;
  EXPECT_OK(format::EncodeTableSchema(&out, schema, format::kManifestVersion));
  return out;
}

TEST(DdlRoundTripTest, ShowCreateTableRecreatesEveryEngine) {
  const char* statements[] = {
      "CREATE TABLE t (k UInt32, v String) ENGINE = MergeTree ORDER BY k",
      "CREATE TABLE t (k UInt32, v String, ver DateTime, del UInt8) ENGINE = ReplacingMergeTree(ver, del) "
      "PARTITION BY toYYYYMM(ver) ORDER BY (k, v)",
      "CREATE TABLE t (k UInt32, v String) ENGINE = ReplacingMergeTree ORDER BY k",
      "CREATE TABLE t (k UInt32, v String) ENGINE = ReplacingMergeTree ORDER BY k SETTINGS track_superseded_rows = 0",
      "CREATE TABLE t (k UInt32, a UInt64, b Nullable(Int32)) ENGINE = SummingMergeTree((a, b)) ORDER BY k "
      "SETTINGS summing_drop_zero_rows = 1",
      "CREATE TABLE t (k UInt32, a UInt64) ENGINE = SummingMergeTree(a) ORDER BY k",
      "CREATE TABLE t (k LowCardinality(String), s AggregateFunction(sum, UInt64), "
      "q AggregateFunction(quantiles(0.5, 0.9), Float64), m SimpleAggregateFunction(max, UInt64)) "
      "ENGINE = AggregatingMergeTree ORDER BY k SETTINGS index_granularity = 1024",
      "CREATE TABLE t (k UInt32, v String DEFAULT 'x') ENGINE = Null",
  };
  for (const char* sql : statements) {
    SCOPED_TRACE(sql);
    ASSERT_OK_AND_ASSIGN(format::TableSchema schema, SchemaOf(sql));
    const std::string shown = CreateTableStatement("t", schema);
    ASSERT_OK_AND_ASSIGN(format::TableSchema again, SchemaOf(shown));
    EXPECT_EQ(Encoded(again), Encoded(schema)) << shown;
  }
}

}  // namespace
}  // namespace tally::engine::sql
