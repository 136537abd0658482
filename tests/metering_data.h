// A deterministic generator of metering events shaped like the seeds' workloads: skewed
// tenants, a few metrics, API paths, methods, statuses, regions, countries, users, values
// and event ids over a time span. Shared by engine tests and benchmarks.
#ifndef TALLY_TESTS_METERING_DATA_H_
#define TALLY_TESTS_METERING_DATA_H_

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/block.h"
#include "format/table_schema.h"

namespace tally::testing_data {

inline format::TableSchema MeteringSchema() {
  format::TableSchema s;
  auto add = [&s](const char* name, const char* type) {
    s.columns.push_back(format::ColumnDef{name, *format::ParseDataType(type), {}, ""});
  };
  add("time", "DateTime");
  add("tenant", "LowCardinality(String)");
  add("metric", "LowCardinality(String)");
  add("path", "String");
  add("method", "LowCardinality(String)");
  add("status", "UInt16");
  add("region", "LowCardinality(String)");
  add("country", "LowCardinality(String)");
  add("user_id", "UInt64");
  add("value", "UInt64");
  add("id", "UUID");
  s.sort_key = {"tenant", "metric", "time"};
  s.partition_by = "toYYYYMM(time)";
  return s;
}

// `rows` events starting at `start_s`, `span_s` seconds long, sorted by time (as they
// arrive), from generator seed `seed`.
inline engine::Block MeteringBlock(size_t rows, uint64_t seed, uint32_t start_s = 1790812800 /* 2026-10-01 */,
                                   uint32_t span_s = 30 * 86400) {
  using format::Column;
  using format::DataType;
  std::mt19937_64 rng(seed);
  format::TableSchema schema = MeteringSchema();
  std::vector<Column> cols;
  for (const auto& c : schema.columns) cols.push_back(Column::Make(c.type));
  static const char* kMetrics[] = {"api_calls", "bytes_out", "tokens", "build_minutes", "storage_gb"};
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  static const char* kRegions[] = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1"};
  static const char* kCountries[] = {"US", "DE", "FR", "GB", "IN", "JP", "BR", "CA", "AU", "NL", "SE", "ES"};
  static const uint16_t kStatuses[] = {200, 200, 200, 200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 503};
  std::vector<std::string> paths;
  for (int i = 0; i < 200; ++i) paths.push_back(absl::StrCat("/v1/resource", i % 40, "/", i < 100 ? "items" : "search"));
  std::exponential_distribution<double> skew(1.0 / 40);  // tenant ids: a few large, a long tail
  for (size_t r = 0; r < rows; ++r) {
    uint32_t t = start_s + static_cast<uint32_t>((uint64_t{span_s} * r) / std::max<size_t>(rows, 1));
    cols[0].Append<uint32_t>(t);
    uint64_t tenant = static_cast<uint64_t>(skew(rng)) % 1000;
    (void)cols[1].AppendValue(format::Value::String(absl::StrCat("tenant_", tenant)));
    (void)cols[2].AppendValue(format::Value::String(kMetrics[rng() % 5]));
    cols[3].AppendString(paths[rng() % paths.size()]);
    (void)cols[4].AppendValue(format::Value::String(kMethods[rng() % 5]));
    cols[5].Append<uint16_t>(kStatuses[rng() % 16]);
    (void)cols[6].AppendValue(format::Value::String(kRegions[rng() % 6]));
    (void)cols[7].AppendValue(format::Value::String(kCountries[rng() % 12]));
    cols[8].Append<uint64_t>(tenant * 100000 + rng() % 5000);
    cols[9].Append<uint64_t>(rng() % 4 == 0 ? 1 + rng() % 1000 : 1);
    uint64_t hi = rng(), lo = rng();
    cols[10].data.append(reinterpret_cast<const uint8_t*>(&hi), 8);
    cols[10].data.append(reinterpret_cast<const uint8_t*>(&lo), 8);
  }
  engine::Block block;
  for (size_t c = 0; c < cols.size(); ++c) block.Add(schema.columns[c].name, std::move(cols[c]));
  return block;
}

}  // namespace tally::testing_data

#endif  // TALLY_TESTS_METERING_DATA_H_
