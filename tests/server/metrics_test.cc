// /metrics' pieces (server/metrics.h): query kinds, label escaping, the latency histogram's
// buckets, and the engine's metrics with and without the write-ahead log's figures.
#include "server/metrics.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"

namespace tally::server {
namespace {

TEST(MetricsTest, QueriesAreClassifiedByTheirFirstKeyword) {
  EXPECT_EQ(ClassifyQuery("SELECT 1"), QueryKind::kSelect);
  EXPECT_EQ(ClassifyQuery("  -- a comment\n/* another */ with 1 AS x SELECT x"), QueryKind::kSelect);
  EXPECT_EQ(ClassifyQuery("(SELECT 1) UNION ALL (SELECT 2)"), QueryKind::kSelect);
  EXPECT_EQ(ClassifyQuery("insert into t values (1)"), QueryKind::kInsert);
  EXPECT_EQ(ClassifyQuery("CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a"), QueryKind::kDdl);
  EXPECT_EQ(ClassifyQuery("OPTIMIZE TABLE t FINAL"), QueryKind::kDdl);
  EXPECT_EQ(ClassifyQuery("SHOW TABLES"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery("SELEC 1"), QueryKind::kOther);
  EXPECT_EQ(ClassifyQuery(""), QueryKind::kOther);
}

TEST(MetricsTest, LabelsAreEscaped) {
  EXPECT_EQ(PrometheusLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(MetricsTest, LatencyLandsInItsBucketAndBucketsAccumulate) {
  ServerMetrics m;
  m.CountQuery(QueryKind::kSelect, absl::Microseconds(500));   // <= 0.001
  m.CountQuery(QueryKind::kSelect, absl::Milliseconds(1));     // <= 0.001 (le is inclusive)
  m.CountQuery(QueryKind::kSelect, absl::Milliseconds(200));   // <= 0.25
  m.CountQuery(QueryKind::kSelect, absl::Seconds(100));        // +Inf only
  m.CountError(60, "UNKNOWN_TABLE");
  m.CountError(60, "UNKNOWN_TABLE");
  std::string out;
  m.Render(3, &out);
  EXPECT_TRUE(absl::StrContains(out, "# TYPE tally_query_duration_seconds histogram\n")) << out;
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_bucket{kind=\"select\",le=\"0.001\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_bucket{kind=\"select\",le=\"0.1\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_bucket{kind=\"select\",le=\"0.25\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_bucket{kind=\"select\",le=\"30\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_bucket{kind=\"select\",le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_count{kind=\"select\"} 4\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_sum{kind=\"select\"} 100.201500\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_query_duration_seconds_count{kind=\"insert\"} 0\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_errors_total{code=\"60\",name=\"UNKNOWN_TABLE\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_active_connections 3\n"));
}

TEST(MetricsTest, EngineMetrics) {
  EngineStats stats;
  stats.tables.push_back({"default.events", 3, 1000, 4096});
  stats.background_merges = 7;
  stats.engine.manifest_bytes = 123;
  stats.engine.manifest_syncs = 4;
  stats.engine.inline_parts = 2;
  std::string out;
  RenderEngineMetrics(stats, &out);
  EXPECT_TRUE(absl::StrContains(out, "tally_table_parts{table=\"default.events\"} 3\n")) << out;
  EXPECT_TRUE(absl::StrContains(out, "tally_table_rows{table=\"default.events\"} 1000\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_table_bytes_on_disk{table=\"default.events\"} 4096\n"));
  EXPECT_TRUE(absl::StrContains(out, "tally_background_merges_total 7\n"));
  EXPECT_TRUE(absl::StrContains(out, "# TYPE tally_wal_bytes_total counter\ntally_wal_bytes_total 123\n")) << out;
  EXPECT_TRUE(absl::StrContains(out, "tally_wal_fsyncs_total 4\n"));
  EXPECT_TRUE(absl::StrContains(out, "# TYPE tally_inline_parts gauge\ntally_inline_parts 2\n"));
}

}  // namespace
}  // namespace tally::server
