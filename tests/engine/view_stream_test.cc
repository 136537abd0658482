// Rollups under a random stream of inserts, each retried 1 to 5 times with its token (or
// with the same data, deduplicated by its hash), some attempts crashing at a random step:
// the source holds every insert exactly once, and every rollup equals the aggregation
// recomputed from the source, exactly, before and after merges. Real SQL views through a
// Session (docs/rollups.md).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/database.h"
#include "engine/fault_injection_env.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

absl::StatusOr<std::string> Query(Database* db, const std::string& sql) {
  Session session(db);
  return testing_sql::Output(session, sql);
}

constexpr char kSchema[] = R"sql(
CREATE TABLE raw (time DateTime, tenant LowCardinality(String), value UInt64, n UInt32)
    ENGINE = MergeTree PARTITION BY toYYYYMMDD(time) ORDER BY (tenant, time);
CREATE TABLE hourly (hour DateTime, tenant LowCardinality(String), value UInt64, events UInt64)
    ENGINE = SummingMergeTree ORDER BY (tenant, hour);
CREATE MATERIALIZED VIEW hourly_mv TO hourly AS
    SELECT toStartOfHour(time) AS hour, tenant, sum(value) AS value, count() AS events
    FROM raw GROUP BY hour, tenant;
CREATE MATERIALIZED VIEW daily ENGINE = AggregatingMergeTree ORDER BY (tenant, day) AS
    SELECT toDate(time) AS day, tenant, sumState(value) AS total, maxState(n) AS top
    FROM raw WHERE value > 0 GROUP BY day, tenant;
CREATE TABLE monthly (month Date, tenant LowCardinality(String), value UInt64, events UInt64)
    ENGINE = SummingMergeTree ORDER BY (tenant, month);
CREATE MATERIALIZED VIEW monthly_mv TO monthly AS
    SELECT toStartOfMonth(hour) AS month, tenant, sum(value) AS value, sum(events) AS events
    FROM hourly GROUP BY month, tenant
)sql";

// The rollups as they should be, recomputed from raw, and as they are.
constexpr char kExpectedHourly[] =
    "SELECT toStartOfHour(time) AS h, tenant, sum(value), count() FROM raw GROUP BY h, tenant ORDER BY h, tenant";
constexpr char kHourly[] = "SELECT hour, tenant, sum(value), sum(events) FROM hourly GROUP BY hour, tenant ORDER BY hour, tenant";
constexpr char kExpectedDaily[] =
    "SELECT toDate(time) AS d, tenant, sum(value), max(n) FROM raw WHERE value > 0 GROUP BY d, tenant ORDER BY d, tenant";
constexpr char kDaily[] =
    "SELECT day, tenant, sumMerge(total), maxMerge(top) FROM daily GROUP BY day, tenant ORDER BY day, tenant";
constexpr char kExpectedMonthly[] =
    "SELECT toStartOfMonth(time) AS m, tenant, sum(value), count() FROM raw GROUP BY m, tenant ORDER BY m, tenant";
constexpr char kMonthly[] =
    "SELECT month, tenant, sum(value), sum(events) FROM monthly GROUP BY month, tenant ORDER BY month, tenant";

void ExpectRollupsMatch(Database* db, const std::string& when) {
  SCOPED_TRACE(when);
  for (auto [want, got] : {std::pair{kExpectedHourly, kHourly}, {kExpectedDaily, kDaily}, {kExpectedMonthly, kMonthly}}) {
    ASSERT_OK_AND_ASSIGN(std::string expected, Query(db, want));
    ASSERT_OK_AND_ASSIGN(std::string actual, Query(db, got));
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(actual, expected) << got;
  }
}

TEST(ViewStreamTest, RetriedAndCrashedInsertsCountOnceInTheSourceAndEveryRollup) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(absl::StrCat("seed ", seed));
    std::mt19937 rng(seed);
    MemEnv mem;
    {
      ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &mem}));
      ASSERT_OK(Query(db.get(), kSchema).status());
    }
    std::string model;  // every insert's rows once, as INSERT ... VALUES text
    uint64_t model_rows = 0, model_sum = 0;
    uint64_t crashes = 0, deduplicated_attempts = 0;
    for (int i = 0; i < 30; ++i) {
      std::string values;
      const int rows = 1 + static_cast<int>(rng() % 40);
      for (int r = 0; r < rows; ++r) {
        const uint64_t t = 1790812800 + rng() % (3 * 86400);  // three days from 2026-10-01
        const uint64_t v = rng() % 4 == 0 ? 0 : rng() % 1000;
        absl::StrAppend(&values, r == 0 ? "" : ",", "(", t, ",'tenant_", rng() % 5, "',", v, ",", rng() % 100, ")");
        model_sum += v;
      }
      model_rows += rows;
      absl::StrAppend(&model, model.empty() ? "" : ",", values);
      // Half the inserts carry a token; the others are deduplicated by their data.
      const std::string set_token =
          i % 2 == 0 ? absl::StrCat("SET insert_deduplication_token = 'insert-", i, "'; ") : "";
      const std::string insert = absl::StrCat(set_token, "INSERT INTO raw VALUES ", values);
      const int attempts = 1 + static_cast<int>(rng() % 5);
      for (int a = 0; a < attempts; ++a) {
        const bool last = a == attempts - 1;
        if (!last && rng() % 3 == 0) {
          // This attempt dies at a random step; the client does not know whether it
          // committed, and retries.
          FaultInjectionEnv fault(&mem);
          fault.FailAtStep(rng() % 40);
          {
            auto db = Database::Open("db", {.env = &fault});
            if (db.ok()) (void)Query(db->get(), insert);
          }
          mem.Crash();
          ++crashes;
          continue;
        }
        ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &mem}));
        ASSERT_OK_AND_ASSIGN(std::string before, Query(db.get(), "SELECT count() FROM raw"));
        ASSERT_OK(Query(db.get(), insert).status());
        ASSERT_OK_AND_ASSIGN(std::string after, Query(db.get(), "SELECT count() FROM raw"));
        deduplicated_attempts += before == after;
      }
    }
    EXPECT_GT(crashes, 0u);
    EXPECT_GT(deduplicated_attempts, 0u);
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &mem}));
    ASSERT_OK_AND_ASSIGN(std::string totals, Query(db.get(), "SELECT count(), sum(value) FROM raw"));
    EXPECT_EQ(totals, absl::StrCat(model_rows, "\t", model_sum, "\n"));
    // Exactly the model's rows, each once.
    ASSERT_OK(Query(db.get(), absl::StrCat("CREATE TABLE model (time DateTime, tenant LowCardinality(String), "
                                           "value UInt64, n UInt32) ENGINE = MergeTree ORDER BY tenant; "
                                           "INSERT INTO model VALUES ",
                                           model))
                  .status());
    constexpr char kAll[] = "SELECT * FROM %s ORDER BY time, tenant, value, n";
    ASSERT_OK_AND_ASSIGN(std::string stored, Query(db.get(), absl::StrReplaceAll(kAll, {{"%s", "raw"}})));
    ASSERT_OK_AND_ASSIGN(std::string wanted, Query(db.get(), absl::StrReplaceAll(kAll, {{"%s", "model"}})));
    EXPECT_EQ(stored, wanted);
    ExpectRollupsMatch(db.get(), "before merges");
    ASSERT_OK(Query(db.get(), "OPTIMIZE TABLE raw FINAL; OPTIMIZE TABLE hourly FINAL; OPTIMIZE TABLE _inner_daily FINAL; "
                              "OPTIMIZE TABLE monthly FINAL")
                  .status());
    ExpectRollupsMatch(db.get(), "after merges");
  }
}

}  // namespace
}  // namespace tally::engine::sql
