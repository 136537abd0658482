// The metering query shapes of the seeds, run as SQL through a Session over a generated
// metering table (10M events over 30 days by default; TALLY_BENCH_ROWS overrides), on one
// thread and on two (the benchmark argument is max_threads). Items are the table's rows, so
// items/s is the rate the query consumes the table at.
//
// Run on one core: taskset -c 0 build/benchmarks/query_bench --benchmark_filter='/1$'
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "benchmarks/bench_util.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/metering_data.h"

namespace tally::engine {
namespace {

constexpr uint32_t kStartS = 1790812800;  // 2026-10-01 00:00:00 UTC
constexpr uint32_t kSpanS = 30 * 86400;
constexpr size_t kRowsPerInsert = 1000000;

using bench::CheckOk;

struct Table {
  MemEnv env;
  std::unique_ptr<Database> db;
  uint64_t rows = 0;
  std::string event_id;  // one id that exists, for the needle lookup
};

std::string RunOrDie(sql::Session& session, const std::string& query) {
  std::string out;
  CheckOk(session.Execute(query, "", [&](absl::string_view chunk) { absl::StrAppend(&out, chunk); }), query.c_str());
  return out;
}

const Table& MeteringTable() {
  static Table* table = [] {
    auto* t = new Table();
    const char* env_rows = std::getenv("TALLY_BENCH_ROWS");
    const uint64_t rows = env_rows != nullptr ? std::strtoull(env_rows, nullptr, 10) : 10000000;
    auto db = Database::Open("/db", {.env = &t->env});
    CheckOk(db.status(), "open");
    t->db = std::move(*db);
    CheckOk(t->db->CreateTable("events", testing_data::MeteringSchema()), "create");
    // Inserts arrive in time order, each covering its slice of the 30 days.
    const size_t inserts = (rows + kRowsPerInsert - 1) / kRowsPerInsert;
    for (size_t i = 0; i < inserts; ++i) {
      const size_t n = std::min<uint64_t>(kRowsPerInsert, rows - i * kRowsPerInsert);
      const uint32_t slice = kSpanS / static_cast<uint32_t>(inserts);
      CheckOk(t->db->Insert("events", testing_data::MeteringBlock(n, 1000 + i, kStartS + i * slice, slice)),
              "insert");
      t->rows += n;
    }
    sql::Session session(t->db.get());
    t->event_id = std::string(absl::StripTrailingAsciiWhitespace(
        RunOrDie(session, absl::StrCat("SELECT toString(id) FROM events LIMIT 1 OFFSET ", t->rows / 3))));
    return t;
  }();
  return *table;
}

// Runs `query` with max_threads = state.range(0); {id} is replaced by an existing event id.
void RunQuery(benchmark::State& state, const std::string& query_template) {
  const Table& t = MeteringTable();
  const std::string query = absl::StrReplaceAll(query_template, {{"{id}", t.event_id}});
  sql::Session session(t.db.get());
  CheckOk(session.SetSetting("max_threads", format::Value::UInt(static_cast<uint64_t>(state.range(0)))), "set");
  size_t result_bytes = 0;
  for (auto _ : state) {
    result_bytes = RunOrDie(session, query).size();
  }
  state.counters["result_bytes"] = static_cast<double>(result_bytes);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(t.rows));
}

#define TALLY_QUERY_BENCHMARK(name, sql)                          \
  void BM_Query##name(benchmark::State& state) { RunQuery(state, sql); } \
  BENCHMARK(BM_Query##name)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()

// The one-core target: a full scan with GROUP BY on a LowCardinality column.
TALLY_QUERY_BENCHMARK(GroupByLowCardinality, "SELECT tenant, count() FROM events GROUP BY tenant");

TALLY_QUERY_BENCHMARK(MonthlyBill,
                      "SELECT tenant, metric, sum(value) FROM events "
                      "WHERE time >= '2026-10-01 00:00:00' AND time < '2026-11-01 00:00:00' "
                      "GROUP BY tenant, metric ORDER BY tenant, metric");

TALLY_QUERY_BENCHMARK(HourlySeriesOneTenant,
                      "SELECT toStartOfHour(time) AS hour, sum(value) FROM events "
                      "WHERE tenant = 'tenant_3' AND time >= '2026-10-10 00:00:00' AND time < '2026-10-17 00:00:00' "
                      "GROUP BY hour ORDER BY hour WITH FILL FROM toDateTime('2026-10-10 00:00:00') "
                      "TO toDateTime('2026-10-17 00:00:00') STEP 3600");

TALLY_QUERY_BENCHMARK(TopPathsOfTenant,
                      "SELECT path, count() AS c FROM events WHERE tenant = 'tenant_3' "
                      "GROUP BY path ORDER BY c DESC LIMIT 10");

TALLY_QUERY_BENCHMARK(DistinctUsersPerDay,
                      "SELECT toDate(time) AS day, uniq(user_id) FROM events GROUP BY day ORDER BY day");

TALLY_QUERY_BENCHMARK(StatusPerMinuteLastHour,
                      "SELECT toStartOfMinute(time) AS minute, status, count() FROM events "
                      "WHERE time >= '2026-10-30 23:00:00' GROUP BY minute, status ORDER BY minute, status");

TALLY_QUERY_BENCHMARK(EventIdLookup, "SELECT * FROM events WHERE id = '{id}'");

TALLY_QUERY_BENCHMARK(FullTableGroupBy,
                      "SELECT tenant, metric, count(), sum(value), uniq(user_id) FROM events "
                      "GROUP BY tenant, metric ORDER BY tenant, metric");

TALLY_QUERY_BENCHMARK(LatestGaugePerTenant,
                      "SELECT tenant, argMax(value, time) FROM events WHERE metric = 'storage_gb' "
                      "GROUP BY tenant ORDER BY tenant");

}  // namespace
}  // namespace tally::engine
