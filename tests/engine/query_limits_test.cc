// Limits that hold (engine/exec/query_limits.h): max_execution_time and cancellation stop
// every long loop (a numbers() filter that matches nothing, a huge CASE, sorts, fills,
// aggregation merges), max_memory_usage and the server budget stop a big GROUP BY, and a
// failed allocation ends the statement with an error instead of the process.
//
// Timing bounds here only catch a limit that is ignored (a query must stop within 5x its
// limit); the real overshoot is measured in docs/benchmarks.md.
#include "engine/exec/query_limits.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <new>
#include <numeric>
#include <random>
#include <stdexcept>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/exec/aggregator.h"
#include "engine/exec/checked_sort.h"
#include "engine/mem_env.h"
#include "engine/query/order.h"
#include "engine/query/session.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using exec::QueryLimits;
using format::Column;
using format::DataType;
using format::TypeId;

QueryLimits Cancelled(const std::atomic<bool>* flag) {
  QueryLimits::Options o;
  o.cancelled = flag;
  return QueryLimits(o);
}

TEST(QueryLimitsTest, NoLimitsAlwaysPass) {
  EXPECT_OK(QueryLimits::None().Check());
  EXPECT_OK(QueryLimits::None().Check(uint64_t{1} << 62));
}

TEST(QueryLimitsTest, DeadlineFailsOncePastTheLimit) {
  QueryLimits::Options o;
  o.max_execution_time_s = 0.05;
  QueryLimits limits(o);
  EXPECT_OK(limits.Check());
  absl::SleepFor(absl::Milliseconds(80));
  absl::Status s = limits.Check();
  EXPECT_STATUS(s, absl::StatusCode::kDeadlineExceeded, "Timeout exceeded: elapsed 0.");
  EXPECT_TRUE(absl::StrContains(s.message(), "maximum: 0.05 (setting max_execution_time)")) << s;
}

TEST(QueryLimitsTest, CancelFlagStopsTheNextCheck) {
  std::atomic<bool> flag{false};
  QueryLimits limits = Cancelled(&flag);
  EXPECT_OK(limits.Check());
  flag = true;
  EXPECT_STATUS(limits.Check(), absl::StatusCode::kCancelled, "Query was cancelled");
}

TEST(QueryLimitsTest, HeldBytesAreSharedByCopies) {
  QueryLimits::Options o;
  o.max_memory_bytes = 1000;
  QueryLimits limits(o);
  QueryLimits copy = limits;  // a subquery's context
  EXPECT_OK(limits.Check(900));
  copy.Hold(200);
  EXPECT_EQ(limits.held_bytes(), 200u);
  EXPECT_STATUS(limits.Check(900), absl::StatusCode::kResourceExhausted,
                "Memory limit (for query) exceeded: would use 1.07 KiB (1100 bytes), maximum: 1000 B");
}

TEST(QueryLimitsTest, DefaultMemoryIsEightyPercentOfRam) {
  const uint64_t ram = exec::AvailableRamBytes();
  ASSERT_GT(ram, 0u);
  EXPECT_NEAR(static_cast<double>(exec::DefaultMaxMemoryBytes()), 0.8 * static_cast<double>(ram), 1e6);
}

TEST(QueryLimitsTest, AllocationFailureIsResourceExhausted) {
  EXPECT_STATUS(exec::AllocationFailedError("std::bad_alloc"), absl::StatusCode::kResourceExhausted,
                "Memory limit exceeded: an allocation failed (std::bad_alloc)");
}

// --- The loops outside a scan ------------------------------------------------------------

TEST(CheckedSortTest, SortsStablyLikeStdStableSort) {
  std::mt19937 rng(7);
  for (size_t n : {0, 1, 5, 2047, 2048, 2049, 100000, 300001}) {
    std::vector<std::pair<uint32_t, uint32_t>> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = {static_cast<uint32_t>(rng() % 1000), static_cast<uint32_t>(i)};
    auto want = v;
    auto by_first = [](const auto& a, const auto& b) { return a.first < b.first; };
    std::stable_sort(want.begin(), want.end(), by_first);
    ASSERT_OK(exec::CheckedSort(&v, by_first, [] { return absl::OkStatus(); }));
    EXPECT_EQ(v, want) << n;
  }
}

TEST(CheckedSortTest, StopsWithTheChecksError) {
  std::vector<uint32_t> v(1 << 20);
  std::iota(v.rbegin(), v.rend(), 0);
  int checks = 0;
  EXPECT_STATUS(exec::CheckedSort(&v, std::less<uint32_t>(),
                                  [&] { return ++checks < 3 ? absl::OkStatus() : absl::CancelledError("stop"); }),
                absl::StatusCode::kCancelled, "stop");
  EXPECT_EQ(checks, 3);
}

Column Numbers(TypeId type, size_t n) {
  Column c = Column::Make(DataType::Make(type));
  for (size_t i = 0; i < n; ++i) {
    absl::Status s = type == TypeId::kString ? c.AppendValue(format::Value::String(absl::StrCat(n - i)))
                                             : c.AppendValue(format::Value::Float(static_cast<double>(n - i)));
    if (!s.ok()) ADD_FAILURE() << s;
  }
  return c;
}

TEST(OrderLimitsTest, SortDistinctLimitByAndFillStopWhenCancelled) {
  std::atomic<bool> flag{true};
  const QueryLimits limits = Cancelled(&flag);
  const size_t n = 200000;
  for (TypeId type : {TypeId::kFloat64, TypeId::kString}) {
    Column c = Numbers(type, n);
    std::vector<sql::SortKey> keys = {sql::SortKey{&c, false, false}};
    EXPECT_STATUS(sql::OrderRows(keys, n, std::nullopt, limits), absl::StatusCode::kCancelled, "cancelled");
    EXPECT_STATUS(sql::OrderRows(keys, n, 10, limits), absl::StatusCode::kCancelled, "cancelled");
    EXPECT_STATUS(sql::DistinctRows({&c}, n, limits), absl::StatusCode::kCancelled, "cancelled");
    EXPECT_STATUS(sql::LimitByRows({&c}, n, 1, 0, limits), absl::StatusCode::kCancelled, "cancelled");
  }
  Column key = Column::Make(DataType::Make(TypeId::kUInt64));
  key.Append<uint64_t>(0);
  key.Append<uint64_t>(1'000'000);
  sql::FillSpec spec;
  EXPECT_STATUS(sql::FillRows({key}, spec, limits), absl::StatusCode::kCancelled, "cancelled");
  flag = false;
  ASSERT_OK_AND_ASSIGN(std::vector<Column> filled, sql::FillRows({key}, spec, limits));
  EXPECT_EQ(filled[0].size(), 1'000'001u);
}

TEST(OrderLimitsTest, DistinctCountsItsSetAgainstTheMemoryBudget) {
  QueryLimits::Options o;
  o.max_memory_bytes = 1 << 20;
  const size_t n = 200000;
  Column c = Numbers(TypeId::kString, n);
  EXPECT_STATUS(sql::DistinctRows({&c}, n, QueryLimits(o)), absl::StatusCode::kResourceExhausted,
                "Memory limit (for query) exceeded");
  std::vector<sql::SortKey> keys = {sql::SortKey{&c, false, false}};
  EXPECT_STATUS(sql::OrderRows(keys, n, std::nullopt, QueryLimits(o), c.ByteSize()),
                absl::StatusCode::kResourceExhausted, "Memory limit (for query) exceeded");
}

TEST(OrderLimitsTest, TopNAgreesWithAFullSort) {
  std::mt19937 rng(3);
  Column c = Column::Make(DataType::Make(TypeId::kUInt32));
  for (size_t i = 0; i < 300000; ++i) c.Append<uint32_t>(static_cast<uint32_t>(rng() % 5000));
  std::vector<sql::SortKey> keys = {sql::SortKey{&c, true, false}};
  ASSERT_OK_AND_ASSIGN(std::vector<uint32_t> all, sql::OrderRows(keys, c.size(), std::nullopt));
  for (size_t limit : {1, 100, 65536}) {
    ASSERT_OK_AND_ASSIGN(std::vector<uint32_t> top, sql::OrderRows(keys, c.size(), limit));
    EXPECT_EQ(top, std::vector<uint32_t>(all.begin(), all.begin() + limit)) << limit;
  }
}

TEST(AggregatorLimitsTest, GrowthCountsTablesAboutToDouble) {
  std::vector<std::shared_ptr<const exec::AggregateFunction>> aggs;
  auto count = exec::AggregateRegistry::Global().Bind("count", false, {}, {});
  ASSERT_OK(count.status());
  aggs.push_back(std::shared_ptr<const exec::AggregateFunction>(std::move(*count)));
  exec::Aggregator none({}, aggs);
  EXPECT_EQ(none.GrowthBytes(exec::kRowsPerCheck), 0u);  // one group, for good
  exec::Aggregator a({DataType::Make(TypeId::kUInt64)}, aggs);
  Column keys = Column::Make(DataType::Make(TypeId::kUInt64));
  for (uint64_t i = 0; i < 1000; ++i) keys.Append<uint64_t>(i);
  std::vector<exec::ColumnArg> key_args = {exec::ColumnArg{&keys, false}};
  std::vector<std::vector<exec::ColumnArg>> no_args(1);
  ASSERT_OK(a.Add(key_args, no_args, keys.size()));
  // 65536 more groups would not fit the table of ~1000: it doubles at least once.
  EXPECT_GT(a.GrowthBytes(exec::kRowsPerCheck), 1000u * 16);
  EXPECT_EQ(a.GrowthBytes(0), 0u);
}

TEST(AggregatorLimitsTest, MergeAndFinishStopWhenTheCheckFails) {
  std::vector<std::shared_ptr<const exec::AggregateFunction>> aggs;
  auto count = exec::AggregateRegistry::Global().Bind("count", false, {}, {});
  ASSERT_OK(count.status());
  aggs.push_back(std::shared_ptr<const exec::AggregateFunction>(std::move(*count)));
  const std::vector<format::DataTypePtr> key_types = {DataType::Make(TypeId::kUInt64)};
  exec::Aggregator a(key_types, aggs), b(key_types, aggs);
  Column keys = Column::Make(key_types[0]);
  for (uint64_t i = 0; i < 300000; ++i) keys.Append<uint64_t>(i);
  std::vector<exec::ColumnArg> key_args = {exec::ColumnArg{&keys, false}};
  std::vector<std::vector<exec::ColumnArg>> no_args(1);
  ASSERT_OK(a.Add(key_args, no_args, keys.size()));
  ASSERT_OK(b.Add(key_args, no_args, keys.size()));
  int checks = 0;
  auto stop_at_second = [&] { return ++checks < 2 ? absl::OkStatus() : absl::CancelledError("stop"); };
  EXPECT_STATUS(a.MergeFrom(b, stop_at_second), absl::StatusCode::kCancelled, "stop");
  checks = 0;
  EXPECT_STATUS(b.Finish(stop_at_second), absl::StatusCode::kCancelled, "stop");
}

// --- Whole statements through a Session ------------------------------------------------

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<sql::Session>(db_.get());
  }

  absl::Status Run(const std::string& sql, std::string* out = nullptr) {
    std::string ignored;
    if (out == nullptr) out = &ignored;
    return session_->Execute(sql, "", [&](absl::string_view chunk) { absl::StrAppend(out, chunk); });
  }

  // Runs `sql`, which must fail with `code` and `text`, within `bound_s` seconds.
  void ExpectStopsWithin(const std::string& sql, absl::StatusCode code, absl::string_view text, double bound_s) {
    const absl::Time start = absl::Now();
    absl::Status s = Run(sql);
    const double elapsed_s = absl::ToDoubleSeconds(absl::Now() - start);
    EXPECT_STATUS(s, code, text);
    EXPECT_LT(elapsed_s, bound_s) << sql.substr(0, 200);
  }

  // Cancels the session every 20 ms (the statement may not have started at the first)
  // from 100 ms on, while `sql` runs; it must fail as cancelled within `bound_s` seconds.
  void ExpectCancelled(const std::string& sql, double bound_s) {
    std::atomic<bool> done{false};
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      while (!done.load()) {
        session_->Cancel();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    ExpectStopsWithin(sql, absl::StatusCode::kCancelled, "Query was cancelled", bound_s);
    done = true;
    canceller.join();
  }

  // CASE number WHEN 0 THEN 0 ... over `branches` branches, as a filter.
  static std::string HugeCase(size_t branches) {
    std::string sql = "SELECT count() FROM numbers(1000000000000) WHERE CASE";
    for (size_t i = 0; i < branches; ++i) absl::StrAppend(&sql, " WHEN number = ", i, " THEN ", i);
    absl::StrAppend(&sql, " ELSE 0 END = 7");
    return sql;
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<sql::Session> session_;
};

TEST_F(LimitsTest, NumbersFilterThatMatchesNothingStopsAtTheTimeLimit) {
  for (const char* threads : {"1", "2"}) {
    ExpectStopsWithin(absl::StrCat("SELECT count() FROM numbers(1000000000000) WHERE number = 5 SETTINGS "
                                   "max_execution_time = 0.5, max_threads = ",
                                   threads),
                      absl::StatusCode::kDeadlineExceeded, "Timeout exceeded", 2.5);
  }
}

TEST_F(LimitsTest, HugeCaseStopsAtTheTimeLimit) {
  ExpectStopsWithin(HugeCase(20000) + " SETTINGS max_execution_time = 1", absl::StatusCode::kDeadlineExceeded,
                    "Timeout exceeded", 5);
}

TEST_F(LimitsTest, HugeMultiIfInAnAggregateStopsAtTheTimeLimit) {
  std::string sql = "SELECT sum(multiIf(";
  for (size_t i = 0; i < 20000; ++i) absl::StrAppend(&sql, "number = ", i, ", ", i, ", ");
  absl::StrAppend(&sql, "0)) FROM numbers(1000000000000) SETTINGS max_execution_time = 1");
  ExpectStopsWithin(sql, absl::StatusCode::kDeadlineExceeded, "Timeout exceeded", 5);
}

TEST_F(LimitsTest, GroupByAndOrderByStopAtTheTimeLimit) {
  ExpectStopsWithin("SELECT number % 1000000 AS k, count() FROM numbers(1000000000000) GROUP BY k "
                    "SETTINGS max_execution_time = 0.5",
                    absl::StatusCode::kDeadlineExceeded, "Timeout exceeded", 2.5);
  ExpectStopsWithin("SELECT number FROM numbers(1000000000000) WHERE number % 1000 = 0 ORDER BY toString(number) "
                    "LIMIT 3 SETTINGS max_execution_time = 0.5",
                    absl::StatusCode::kDeadlineExceeded, "Timeout exceeded", 2.5);
}

TEST_F(LimitsTest, CancelStopsAFilterThatMatchesNothing) {
  ExpectCancelled("SELECT count() FROM numbers(1000000000000) WHERE number = 5", 5);
}

TEST_F(LimitsTest, CancelStopsAHugeCase) { ExpectCancelled(HugeCase(20000), 5); }

TEST_F(LimitsTest, CancelStopsAHugeGroupBy) {
  ExpectCancelled("SELECT number % 1000000 AS k, count() FROM numbers(1000000000000) GROUP BY k", 5);
}

TEST_F(LimitsTest, PrewhereOnATableStopsAtTheTimeLimitToo) {
  ASSERT_OK(Run("CREATE TABLE t (x UInt64) ENGINE = MergeTree ORDER BY x"));
  ASSERT_OK(Run("INSERT INTO t SELECT number FROM numbers(300000)"));
  std::string sql = "SELECT count() FROM t WHERE CASE";
  for (size_t i = 0; i < 20000; ++i) absl::StrAppend(&sql, " WHEN x = ", i, " THEN ", i);
  absl::StrAppend(&sql, " ELSE 0 END = 7 SETTINGS max_execution_time = 0.5");
  ExpectStopsWithin(sql, absl::StatusCode::kDeadlineExceeded, "Timeout exceeded", 2.5);
}

TEST_F(LimitsTest, GroupByOverMaxMemoryUsageFails) {
  ExpectStopsWithin("SELECT number, count() FROM numbers(100000000) GROUP BY number "
                    "SETTINGS max_memory_usage = 50000000",
                    absl::StatusCode::kResourceExhausted, "Memory limit (for query) exceeded", 60);
  std::string out;
  ASSERT_OK(Run("SELECT count() FROM numbers(10)", &out));  // the session goes on
  EXPECT_EQ(out, "10\n");
}

TEST_F(LimitsTest, GroupByOverTheServerBudgetFailsWithoutMaxMemoryUsage) {
  // The budget every query has by default (80 % of RAM), lowered here so that the test
  // does not need the machine's memory.
  ASSERT_OK(Run("SET max_server_memory_usage = 50000000"));
  ExpectStopsWithin("SELECT number, count() FROM numbers(100000000) GROUP BY number",
                    absl::StatusCode::kResourceExhausted,
                    "Memory limit (total) exceeded", 60);
  // A query's own max_memory_usage does not raise it.
  ExpectStopsWithin("SELECT number, count() FROM numbers(100000000) GROUP BY number "
                    "SETTINGS max_memory_usage = 1000000000",
                    absl::StatusCode::kResourceExhausted, "(setting max_server_memory_usage; by default 80 % of RAM)",
                    60);
}

TEST_F(LimitsTest, InSubqueryAndFromSubqueryResultsCount) {
  ExpectStopsWithin("SELECT count() FROM numbers(10) WHERE number IN (SELECT number FROM numbers(1000000)) "
                    "SETTINGS max_memory_usage = 20000000",
                    absl::StatusCode::kResourceExhausted, "Memory limit (for query) exceeded", 60);
  ExpectStopsWithin("SELECT count() FROM (SELECT number FROM numbers(4000000)) SETTINGS max_memory_usage = 20000000",
                    absl::StatusCode::kResourceExhausted, "Memory limit (for query) exceeded", 60);
  std::string out;
  ASSERT_OK(Run("SELECT count() FROM numbers(10) WHERE number IN (SELECT number FROM numbers(1000))", &out));
  EXPECT_EQ(out, "10\n");
}

// A function whose kernel throws as an allocation the system refuses would.
void RegisterThrowingFunctions() {
  static bool registered = [] {
    auto factory = [](bool length) -> exec::FunctionFactory {
      return [length](absl::Span<const exec::ArgInfo>, const exec::FunctionContext&)
                 -> absl::StatusOr<std::unique_ptr<exec::BoundFunction>> {
        return std::make_unique<exec::LambdaFunction>(
            DataType::Make(TypeId::kUInt8), [length](absl::Span<const exec::ColumnArg>, size_t) -> absl::StatusOr<Column> {
              if (length) throw std::length_error("vector::_M_default_append");
              throw std::bad_alloc();
            });
      };
    };
    exec::FunctionRegistry::Global().Register("tallyTestThrowBadAlloc", factory(false));
    exec::FunctionRegistry::Global().Register("tallyTestThrowLengthError", factory(true));
    return true;
  }();
  (void)registered;
}

TEST_F(LimitsTest, BadAllocEndsTheStatementNotTheProcess) {
  RegisterThrowingFunctions();
  // On the statement's thread (a constant is folded while binding) and on scan threads.
  for (const char* sql : {"SELECT tallyTestThrowBadAlloc(1)",
                          "SELECT sum(tallyTestThrowBadAlloc(number)) FROM numbers(1000000) SETTINGS max_threads = 2",
                          "SELECT tallyTestThrowLengthError(number) FROM numbers(10)"}) {
    SCOPED_TRACE(sql);
    EXPECT_STATUS(Run(sql), absl::StatusCode::kResourceExhausted, "Memory limit exceeded: an allocation failed");
  }
  std::string out;
  ASSERT_OK(Run("SELECT 1", &out));
  EXPECT_EQ(out, "1\n");
}

}  // namespace
}  // namespace tally::engine
