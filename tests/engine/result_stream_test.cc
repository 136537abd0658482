// Streamed results: a plain SELECT handed out block by block in scan order across threads
// and filter gaps, LIMIT stopping the scan, cancellation and errors between blocks, memory
// that counts the window and not the result; and WriteResult writing the same bytes for a
// result in blocks as in one, within the time limit.
#include "engine/query/result_stream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/mem_env.h"
#include "engine/query/result_writer.h"
#include "engine/query/select.h"
#include "engine/query/session.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"
#include "tests/engine/sql_output.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

using Clock = std::chrono::steady_clock;

class ResultStreamTest : public testing_sql::SessionTest {
 protected:
  // A metering table of 4 parts in granules of 512 rows: each part is one chunk.
  void MakeEvents() {
    format::TableSchema schema = testing_data::MeteringSchema();
    schema.index_granularity = 512;
    ASSERT_OK(db_->CreateTable("events", schema));
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      ASSERT_OK(db_->Insert("events", testing_data::MeteringBlock(30000, seed, 1790812800, 45 * 86400)));
    }
  }

  // A context as a session makes one: `threads` threads, the cancel flag, the limits.
  QueryContext Context(size_t threads, double max_execution_time_s = 0, uint64_t max_memory_bytes = 0) {
    QueryContext ctx;
    ctx.db = db_.get();
    ctx.max_threads = threads;
    exec::QueryLimits::Options options;
    options.cancelled = &cancelled_;
    options.max_execution_time_s = max_execution_time_s;
    options.max_memory_bytes = max_memory_bytes;
    ctx.limits = exec::QueryLimits(options);
    return ctx;
  }

  // Kept until the test ends: a stream may refer to its query, as Session's statements
  // outlive theirs.
  std::shared_ptr<SelectQuery> Parse(const std::string& sql) {
    auto statements = ParseStatements(sql);
    EXPECT_TRUE(statements.ok()) << statements.status();
    parsed_.push_back((*statements)[0].select);
    return parsed_.back();
  }

  // Every block of the stream joined into one, and how many blocks there were.
  static absl::StatusOr<Block> Drain(ResultStream& stream, size_t* blocks = nullptr) {
    Block all;
    if (blocks != nullptr) *blocks = 0;
    while (true) {
      TALLY_ASSIGN_OR_RETURN(std::optional<Block> block, stream.Next());
      if (!block.has_value()) return all;
      EXPECT_GT(block->rows(), 0u);
      if (blocks != nullptr) ++*blocks;
      if (all.columns.empty()) {
        all = std::move(*block);
        continue;
      }
      for (size_t c = 0; c < all.columns.size(); ++c) all.columns[c].AppendRange(block->columns[c], 0, block->rows());
    }
  }

  static std::string Text(const Block& block) {
    std::string out;
    for (size_t r = 0; r < block.rows(); ++r) {
      for (const format::Column& c : block.columns) absl::StrAppend(&out, c.GetValue(r).DebugString(), "\t");
      out += "\n";
    }
    return out;
  }

  absl::Status Run(const std::string& sql, std::string* out = nullptr, size_t* sink_calls = nullptr) {
    return session_->Execute(sql, "", [&](absl::string_view chunk) {
      if (out != nullptr) absl::StrAppend(out, chunk);
      if (sink_calls != nullptr) ++*sink_calls;
    });
  }

  std::atomic<bool> cancelled_{false};
  std::vector<std::shared_ptr<SelectQuery>> parsed_;
};

TEST_F(ResultStreamTest, APlainSelectStreamsInScanOrderOnAnyNumberOfThreads) {
  MakeEvents();
  for (const char* sql : {"SELECT time, tenant, value FROM events WHERE status = 404",
                          "SELECT id, value * 2 FROM events WHERE tenant = 'tenant_3' AND value < 50",
                          "SELECT * FROM events", "SELECT number * 3 FROM numbers(300000) WHERE number % 7 = 0",
                          // Most chunks of numbers() leave no row: the stream crosses the gaps.
                          "SELECT number FROM numbers(3000000) WHERE number % 1000000 < 3 OR number % 65536 = 9"}) {
    SCOPED_TRACE(sql);
    auto query = Parse(sql);
    QueryContext one = Context(1);
    ASSERT_OK_AND_ASSIGN(ResultSet whole, ExecuteSelect(*query, one));
    for (size_t threads : {1, 2, 4, 8}) {
      QueryContext ctx = Context(threads);
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<ResultStream> stream, ExecuteSelectStream(*query, ctx));
      EXPECT_EQ(stream->names(), whole.names);
      size_t blocks = 0;
      ASSERT_OK_AND_ASSIGN(Block streamed, Drain(*stream, &blocks));
      EXPECT_EQ(Text(streamed), Text(whole.block)) << threads << " threads";
      EXPECT_EQ(stream->stats().rows_read, one.stats.rows_read);
      EXPECT_EQ(ctx.stats.rows_read, one.stats.rows_read);
    }
  }
}

TEST_F(ResultStreamTest, ScansWithChunksWithoutRowsAndFinalKeepTheirOrder) {
  // One part of 16 chunks, most of which the filter empties; and a table FINAL merges.
  ASSERT_OK(Run("CREATE TABLE t (a UInt64, b String) ENGINE = MergeTree ORDER BY a"));
  ASSERT_OK(Run("INSERT INTO t SELECT number, toString(number) FROM numbers(1000000)"));
  ASSERT_OK(Run("CREATE TABLE r (k UInt64, v UInt64) ENGINE = ReplacingMergeTree ORDER BY k"));
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(Run(absl::StrCat("INSERT INTO r SELECT number % 200000, number + ", i, " FROM numbers(300000)")));
  }
  for (const char* sql : {"SELECT a, b FROM t WHERE a % 300000 < 5 OR a = 999999",
                          "SELECT b FROM t WHERE b LIKE '%77777'", "SELECT k, v FROM r FINAL",
                          "SELECT k, v FROM r FINAL WHERE v % 1000 = 3"}) {
    SCOPED_TRACE(sql);
    QueryContext one = Context(1);
    ASSERT_OK_AND_ASSIGN(ResultSet whole, ExecuteSelect(*Parse(sql), one));
    EXPECT_GT(whole.block.rows(), 0u);
    for (size_t threads : {2, 4, 8}) {
      QueryContext ctx = Context(threads);
      ASSERT_OK_AND_ASSIGN(std::unique_ptr<ResultStream> stream, ExecuteSelectStream(*Parse(sql), ctx));
      ASSERT_OK_AND_ASSIGN(Block streamed, Drain(*stream));
      EXPECT_EQ(Text(streamed), Text(whole.block)) << threads << " threads";
    }
  }
}

TEST_F(ResultStreamTest, ATableScanComesInSeveralBlocks) {
  MakeEvents();
  QueryContext ctx = Context(4);
  ASSERT_OK_AND_ASSIGN(auto stream, ExecuteSelectStream(*Parse("SELECT value FROM events"), ctx));
  size_t blocks = 0;
  ASSERT_OK_AND_ASSIGN(Block all, Drain(*stream, &blocks));
  EXPECT_EQ(all.rows(), 120000u);
  EXPECT_GE(blocks, 4u);  // a block per part at least
}

TEST_F(ResultStreamTest, LimitAndOffsetStopTheScanEarly) {
  MakeEvents();
  QueryContext ctx = Context(4);
  ASSERT_OK_AND_ASSIGN(auto stream, ExecuteSelectStream(*Parse("SELECT value FROM events LIMIT 10 OFFSET 5"), ctx));
  ASSERT_OK_AND_ASSIGN(Block limited, Drain(*stream));
  EXPECT_EQ(limited.rows(), 10u);
  EXPECT_LE(stream->stats().rows_read, 30000u);  // the first part's chunk, of 120,000 rows
  // Across block boundaries, out of a source without end.
  const auto start = Clock::now();
  QueryContext numbers_ctx = Context(4);
  ASSERT_OK_AND_ASSIGN(
      auto numbers, ExecuteSelectStream(*Parse("SELECT number FROM numbers(1000000000000) LIMIT 4 OFFSET 65534"),
                                        numbers_ctx));
  size_t blocks = 0;
  ASSERT_OK_AND_ASSIGN(Block rows, Drain(*numbers, &blocks));
  EXPECT_EQ(Text(rows), "65534\t\n65535\t\n65536\t\n65537\t\n");
  EXPECT_EQ(blocks, 2u);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ResultStreamTest, CancellingBetweenBlocksStopsTheThreads) {
  QueryContext ctx = Context(4);
  ASSERT_OK_AND_ASSIGN(auto stream, ExecuteSelectStream(*Parse("SELECT number FROM numbers(1000000000000)"), ctx));
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::optional<Block> block, stream->Next());
    ASSERT_TRUE(block.has_value());
    EXPECT_EQ(block->columns[0].values<uint64_t>()[0], uint64_t(i) * 65536);
  }
  const auto start = Clock::now();
  cancelled_ = true;
  EXPECT_STATUS(stream->Next(), absl::StatusCode::kCancelled, "Query was cancelled");
  EXPECT_STATUS(stream->Next(), absl::StatusCode::kCancelled, "Query was cancelled");
  stream.reset();  // joins the threads
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
}

TEST_F(ResultStreamTest, DroppingAStreamMidwayStopsItsThreads) {
  for (size_t threads : {1, 3}) {
    QueryContext ctx = Context(threads);
    const auto query = Parse("SELECT number, toString(number) FROM numbers(1000000000000)");
    ASSERT_OK_AND_ASSIGN(auto stream, ExecuteSelectStream(*query, ctx));
    ASSERT_OK_AND_ASSIGN(std::optional<Block> block, stream->Next());
    ASSERT_TRUE(block.has_value());
    const auto start = Clock::now();
    stream.reset();
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(1)) << threads << " threads";
  }
}

TEST_F(ResultStreamTest, AnErrorInAScanThreadSurfacesOnce) {
  QueryContext ctx = Context(4);
  ASSERT_OK_AND_ASSIGN(auto stream,
                       ExecuteSelectStream(*Parse("SELECT intDiv(1, number - 300000) FROM numbers(1000000)"), ctx));
  size_t rows = 0;
  absl::Status error;
  while (true) {
    absl::StatusOr<std::optional<Block>> block = stream->Next();
    if (!block.ok()) {
      error = block.status();
      break;
    }
    ASSERT_TRUE(block->has_value()) << "the stream ended without the error";
    rows += (*block)->rows();
  }
  EXPECT_STATUS(error, absl::StatusCode::kInvalidArgument, "Division by zero");
  EXPECT_LE(rows, 300000u);  // nothing at or after the failing row's block
  EXPECT_STATUS(stream->Next(), absl::StatusCode::kInvalidArgument, "Division by zero");
}

TEST_F(ResultStreamTest, MemoryCountsTheWindowNotTheResult) {
  // About 130 MB of columns (and as much text) through a budget of 20 MB.
  const std::string select = "SELECT number, toString(number) FROM numbers(5000000)";
  for (const char* threads : {"1", "4"}) {
    SCOPED_TRACE(threads);
    uint64_t bytes = 0;
    size_t calls = 0;
    absl::Status s = session_->Execute(
        absl::StrCat(select, " SETTINGS max_memory_usage = 20000000, max_threads = ", threads), "",
        [&](absl::string_view chunk) {
          bytes += chunk.size();
          ++calls;
        });
    ASSERT_OK(s);
    EXPECT_GT(bytes, 70000000u);
    EXPECT_GT(calls, 50u);  // flushed as it went, a MiB at a time
  }
  // The same rows sorted must be held whole: over the budget.
  EXPECT_STATUS(Run(select + " ORDER BY number DESC SETTINGS max_memory_usage = 20000000"),
                absl::StatusCode::kResourceExhausted, "Memory limit (for query) exceeded");
}

TEST_F(ResultStreamTest, ASmallResultReachesTheSinkInOneCall) {
  std::string out;
  size_t calls = 0;
  ASSERT_OK(Run("SELECT number FROM numbers(100000) WHERE number % 1000 = 0 SETTINGS max_threads = 4", &out, &calls));
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(out.substr(0, 10), "0\n1000\n200");
}

TEST_F(ResultStreamTest, TheTimeLimitHoldsWhileTheResultIsWritten) {
  // A result computed before the limit starts: only writing it takes time.
  QueryContext make = Context(1);
  ASSERT_OK_AND_ASSIGN(ResultSet big, ExecuteSelect(*Parse("SELECT number, toString(number) FROM numbers(5000000) "
                                                           "ORDER BY number DESC"),
                                                    make));
  exec::QueryLimits::Options options;
  options.max_execution_time_s = 0.05;
  const exec::QueryLimits limits(options);
  ResultSetStream stream(&big, {});
  uint64_t bytes = 0;
  const auto start = Clock::now();
  absl::Status s = WriteResult(stream, {.format = "TabSeparated", .limits = &limits},
                               [&](absl::string_view chunk) { bytes += chunk.size(); });
  EXPECT_STATUS(s, absl::StatusCode::kDeadlineExceeded, "Timeout exceeded");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  EXPECT_LT(bytes, 70000000u);  // not the whole result
}

TEST_F(ResultStreamTest, EveryFormatWritesTheSameBytesInBlocksAsInOne) {
  QueryContext ctx = Context(1);
  // 12,000 rows: more than Pretty shows (10,000), under a MiB for Native.
  ASSERT_OK_AND_ASSIGN(
      ResultSet result,
      ExecuteSelect(*Parse("SELECT number % 7 AS k, toString(number) AS s, toDateTime(number * 1000) AS t, "
                           "if(number % 3 = 0, NULL, number) AS n, CAST(toString(number % 10) AS "
                           "LowCardinality(String)) AS lc, [number, 1] AS a FROM numbers(12000)"),
                    ctx));
  Block totals;
  for (size_t c = 0; c < result.block.columns.size(); ++c) {
    totals.Add(result.names[c], format::Column::Make(result.types[c]));
    totals.columns.back().AppendRange(result.block.columns[c], 7, 1);
  }
  for (bool with_totals : {false, true}) {
    if (with_totals) result.totals = totals;
    for (const char* format :
         {"TabSeparated", "TabSeparatedWithNamesAndTypes", "TabSeparatedRaw", "CSVWithNames", "JSON", "JSONCompact",
          "JSONEachRow", "JSONCompactEachRowWithNamesAndTypes", "Pretty", "PrettyCompact", "PrettyMonoBlock",
          "PrettyCompactMonoBlock", "PrettyNoEscapes", "Vertical", "Values", "Null", "RowBinaryWithNamesAndTypes",
          "Native"}) {
      for (const char* zone : {"UTC", "Asia/Tokyo"}) {
        SCOPED_TRACE(absl::StrCat(format, " ", zone, with_totals ? " with totals" : ""));
        std::string whole, blocks;
        ResultSetStream one(&result, {}, 1 << 30);
        ASSERT_OK(WriteResult(one, {.format = format, .time_zone = zone},
                              [&](absl::string_view s) { whole.append(s.data(), s.size()); }));
        ResultSetStream many(&result, {}, 999);
        ASSERT_OK(WriteResult(many, {.format = format, .time_zone = zone, .flush_bytes = 4096},
                              [&](absl::string_view s) { blocks.append(s.data(), s.size()); }));
        EXPECT_EQ(blocks.size(), whole.size());
        EXPECT_TRUE(blocks == whole);
      }
    }
  }
}

}  // namespace
}  // namespace tally::engine::sql
