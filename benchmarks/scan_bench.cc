// Scan micro-benchmarks over a 10M-row metering table (tests/metering_data.h) held in a
// MemEnv: a full-column sum of a ZSTD(1) UInt64, a LowCardinality equality count, and a
// primary-key-pruned needle query. The table is built once per process (ten 1M-row
// inserts, three days each, all in partition 202610) and shared by every benchmark; items
// are rows scanned.
//
//   taskset -c 0 build/benchmarks/scan_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmarks/bench_util.h"
#include "absl/status/status.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/range_filter.h"
#include "engine/scan.h"
#include "format/codec.h"
#include "format/column.h"
#include "format/value.h"
#include "tests/metering_data.h"

namespace tally::engine {
namespace {

using format::Value;

constexpr size_t kInserts = 10;
constexpr size_t kRowsPerInsert = 1'000'000;
constexpr uint32_t kStartS = 1790812800;  // 2026-10-01
constexpr uint32_t kInsertSpanS = 3 * 86400;
constexpr char kTenant[] = "tenant_3";

using bench::CheckOk;

// The committed table plus the answers each benchmark must reproduce, computed from the
// generated blocks before they were inserted.
struct Table {
  MemEnv env;
  std::unique_ptr<Database> db;
  uint64_t rows = 0;
  uint64_t value_sum = 0;
  uint64_t tenant_rows = 0;
  uint64_t parts = 0;
  uint64_t bytes_on_disk = 0;
};

const Table& MeteringTable() {
  static Table* table = [] {
    auto* t = new Table();
    auto db = Database::Open("/db", {.env = &t->env});
    CheckOk(db.status(), "open");
    t->db = std::move(*db);
    format::TableSchema schema = testing_data::MeteringSchema();
    const int value = schema.FindColumn("value");
    schema.columns[value].codecs = {{format::CodecId::kZstd, 1}};  // as CODEC(ZSTD(1))
    CheckOk(t->db->CreateTable("events", schema), "create");
    for (size_t i = 0; i < kInserts; ++i) {
      Block b = testing_data::MeteringBlock(kRowsPerInsert, 1000 + i,
                                            kStartS + static_cast<uint32_t>(i) * kInsertSpanS, kInsertSpanS);
      const format::Column& v = b.columns[b.Find("value")];
      for (size_t r = 0; r < v.size(); ++r) t->value_sum += v.values<uint64_t>()[r];
      const format::Column& tenant = b.columns[b.Find("tenant")];
      for (size_t r = 0; r < tenant.size(); ++r) {
        t->tenant_rows += tenant.dictionary->StringAt(tenant.IndexAt(r)) == kTenant;
      }
      t->rows += b.rows();
      CheckOk(t->db->Insert("events", b), "insert");
    }
    auto parts = t->db->ListParts("events");
    CheckOk(parts.status(), "list parts");
    t->parts = parts->size();
    for (const PartInfo& p : *parts) t->bytes_on_disk += p.bytes_on_disk;
    return t;
  }();
  return *table;
}

std::unique_ptr<ScanCursor> ScanOrDie(const Table& t, ScanOptions options) {
  auto cursor = t.db->Scan("events", std::move(options));
  CheckOk(cursor.status(), "scan");
  return std::move(*cursor);
}

void BM_ScanSumUInt64Zstd(benchmark::State& state) {
  const Table& t = MeteringTable();
  uint64_t sum = 0;
  for (auto _ : state) {
    sum = 0;
    auto cursor = ScanOrDie(t, {.columns = {"value"}});
    Block block;
    while (true) {
      auto more = cursor->Next(&block);
      CheckOk(more.status(), "next");
      if (!*more) break;
      const format::Column& c = block.columns[0];
      const uint64_t* v = c.values<uint64_t>();
      const size_t n = c.size();
      for (size_t i = 0; i < n; ++i) sum += v[i];
    }
    benchmark::DoNotOptimize(sum);
  }
  if (sum != t.value_sum) state.SkipWithError("wrong sum");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.rows));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(t.rows * sizeof(uint64_t)));
}
BENCHMARK(BM_ScanSumUInt64Zstd)->Unit(benchmark::kMillisecond);

void BM_ScanCountLowCardinalityEquals(benchmark::State& state) {
  const Table& t = MeteringTable();
  const ColumnRange range = ColumnRange::Equal("tenant", Value::String(kTenant));
  uint64_t count = 0;
  for (auto _ : state) {
    count = 0;
    auto cursor = ScanOrDie(t, {.columns = {"tenant"}});
    Block block;
    while (true) {
      auto more = cursor->Next(&block);
      CheckOk(more.status(), "next");
      if (!*more) break;
      count += CountMatches(block.columns[0], range);
    }
    benchmark::DoNotOptimize(count);
  }
  if (count != t.tenant_rows) state.SkipWithError("wrong count");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.rows));
  state.counters["matches"] = static_cast<double>(count);
}
BENCHMARK(BM_ScanCountLowCardinalityEquals)->Unit(benchmark::kMillisecond);

// One tenant's one metric over one hour: the primary index on (tenant, metric, time)
// leaves a granule or two per part. Reports latency; items are rows returned.
void BM_ScanTimeRangeNeedle(benchmark::State& state) {
  const Table& t = MeteringTable();
  const uint32_t from_s = kStartS + 10 * 86400 + 12 * 3600;  // 2026-10-11 12:00
  ScanOptions options;
  options.columns = {"time", "value"};
  options.ranges = {ColumnRange::Equal("tenant", Value::String(kTenant)),
                    ColumnRange::Equal("metric", Value::String("api_calls")),
                    ColumnRange::Between("time", Value::UInt(from_s), Value::UInt(from_s + 3600))};
  uint64_t rows = 0, sum = 0;
  ScanStats stats;
  for (auto _ : state) {
    rows = sum = 0;
    auto cursor = ScanOrDie(t, options);
    Block block;
    while (true) {
      auto more = cursor->Next(&block);
      CheckOk(more.status(), "next");
      if (!*more) break;
      const format::Column& c = block.columns[1];
      for (size_t i = 0; i < c.size(); ++i) sum += c.values<uint64_t>()[i];
      rows += block.rows();
    }
    stats = cursor->stats();
    benchmark::DoNotOptimize(sum);
  }
  if (rows == 0) state.SkipWithError("the needle matched no rows");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.counters["rows_returned"] = static_cast<double>(rows);
  state.counters["rows_read"] = static_cast<double>(stats.rows_read);
  state.counters["parts_selected"] = static_cast<double>(stats.parts_selected);
  state.counters["granules_selected"] = static_cast<double>(stats.granules_selected);
  state.counters["granules_total"] = static_cast<double>(stats.granules_total);
}
BENCHMARK(BM_ScanTimeRangeNeedle)->Unit(benchmark::kMicrosecond);

// Not a target: how the table was laid out, so the numbers above can be read.
void BM_ScanTableShape(benchmark::State& state) {
  const Table& t = MeteringTable();
  for (auto _ : state) benchmark::DoNotOptimize(t.rows);
  state.counters["rows"] = static_cast<double>(t.rows);
  state.counters["parts"] = static_cast<double>(t.parts);
  state.counters["bytes_per_row"] = static_cast<double>(t.bytes_on_disk) / static_cast<double>(t.rows);
}
BENCHMARK(BM_ScanTableShape)->Iterations(1);

}  // namespace
}  // namespace tally::engine
