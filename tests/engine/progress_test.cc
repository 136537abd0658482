// QueryProgress through a Session: what each kind of statement counts (rows and bytes
// read by scans, numbers() and system tables, written by inserts and their views, the
// rows the scans plan to read, the result), that each statement starts from zero, and
// that another thread may read the counts while a statement runs.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/progress.h"
#include "engine/query/session.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

class ProgressTest : public testing_sql::SessionTest {
 protected:
  // Runs `sql`, which must succeed; its output.
  std::string Run(const std::string& sql, const std::string& input = "") {
    std::string out;
    absl::Status s =
        session_->Execute(sql, input, [&](absl::string_view chunk) { out.append(chunk.data(), chunk.size()); });
    EXPECT_TRUE(s.ok()) << sql << "\n" << s;
    return out;
  }

  ProgressValues Progress() const { return session_->progress().Get(); }

  // `rows` rows (id 0..rows-1) in table `name`, inserted as TabSeparated data.
  void MakeTable(const std::string& name, uint64_t rows) {
    Run(absl::StrCat("CREATE TABLE ", name, " (id UInt64, v UInt32) ENGINE = MergeTree ORDER BY id"));
    std::string data;
    for (uint64_t i = 0; i < rows; ++i) absl::StrAppend(&data, i, "\t", i % 7, "\n");
    Run(absl::StrCat("INSERT INTO ", name, " FORMAT TabSeparated"), data);
  }
};

TEST_F(ProgressTest, InsertCountsWrittenRowsAndBytesAsItsResult) {
  MakeTable("t", 1000);
  const ProgressValues p = Progress();
  EXPECT_EQ(p.written_rows, 1000u);
  EXPECT_EQ(p.written_bytes, 1000u * (8 + 4));  // UInt64 + UInt32, as in memory
  EXPECT_EQ(p.read_rows, 0u);  // data from the input is not a table read
  EXPECT_EQ(p.result_rows, 1000u);
  EXPECT_EQ(p.result_bytes, p.written_bytes);

  Run("INSERT INTO t VALUES (5000, 1), (5001, 2)");
  EXPECT_EQ(Progress().written_rows, 2u);
}

TEST_F(ProgressTest, CountReadsEveryRowOfTheTable) {
  MakeTable("t", 100000);
  EXPECT_EQ(Run("SELECT count() FROM t"), "100000\n");
  const ProgressValues p = Progress();
  EXPECT_EQ(p.read_rows, 100000u);
  EXPECT_EQ(p.total_rows_to_read, 100000u);
  EXPECT_GT(p.read_bytes, 0u);
  EXPECT_EQ(p.written_rows, 0u);
  EXPECT_EQ(p.result_rows, 1u);
  EXPECT_EQ(p.result_bytes, 8u);  // one UInt64

  Run("SELECT id, v FROM t SETTINGS max_threads = 4");
  EXPECT_EQ(Progress().read_rows, 100000u);  // split cursors add up to the whole
  EXPECT_EQ(Progress().read_bytes, 100000u * 12);
  EXPECT_EQ(Progress().result_rows, 100000u);
  EXPECT_EQ(Progress().result_bytes, 100000u * 12);
}

TEST_F(ProgressTest, PrunedGranulesAreNeitherPlannedNorRead) {
  MakeTable("t", 100000);
  EXPECT_EQ(Run("SELECT count() FROM t WHERE id < 10"), "10\n");
  const ProgressValues p = Progress();
  EXPECT_GT(p.read_rows, 0u);
  EXPECT_LT(p.read_rows, 100000u / 4);  // a granule or two, not the table
  EXPECT_EQ(p.total_rows_to_read, p.read_rows);
}

TEST_F(ProgressTest, NumbersAndTheDummyRowCountAsRead) {
  EXPECT_EQ(Run("SELECT sum(number) FROM numbers(200000)"), "19999900000\n");
  EXPECT_EQ(Progress().read_rows, 200000u);
  EXPECT_EQ(Progress().read_bytes, 200000u * 8);
  EXPECT_EQ(Progress().total_rows_to_read, 200000u);
  Run("SELECT 1");
  EXPECT_EQ(Progress().read_rows, 1u);
  EXPECT_EQ(Progress().result_rows, 1u);
}

TEST_F(ProgressTest, SubqueryRowsAreCountedOnceWhereTheyAreRead) {
  MakeTable("t", 5000);
  EXPECT_EQ(Run("SELECT count() FROM (SELECT id FROM t WHERE v = 3)"), "714\n");
  EXPECT_EQ(Progress().read_rows, 5000u);
}

TEST_F(ProgressTest, InsertSelectReadsAndWrites) {
  MakeTable("t", 3000);
  Run("CREATE TABLE u (id UInt64, v UInt32) ENGINE = MergeTree ORDER BY id");
  Run("INSERT INTO u SELECT id, v FROM t WHERE v = 0");
  const ProgressValues p = Progress();
  EXPECT_EQ(p.read_rows, 3000u);
  EXPECT_EQ(p.written_rows, 429u);
  EXPECT_EQ(p.result_rows, 429u);
}

TEST_F(ProgressTest, RowsViewsWriteCountAsWritten) {
  Run("CREATE TABLE src (id UInt64, v UInt32) ENGINE = MergeTree ORDER BY id");
  Run("CREATE MATERIALIZED VIEW per_v ENGINE = SummingMergeTree ORDER BY v AS "
      "SELECT v, count() AS n FROM src GROUP BY v");
  Run("INSERT INTO src VALUES (1, 1), (2, 1), (3, 2)");
  EXPECT_EQ(Progress().written_rows, 3u + 2u);  // the table's rows and the view's two groups
}

TEST_F(ProgressTest, EachStatementStartsFromZero) {
  MakeTable("t", 2000);
  const uint64_t before = session_->progress().statement();
  const absl::Time start = absl::Now();
  Run("SELECT count() FROM t; SELECT count() FROM numbers(10)");
  EXPECT_EQ(session_->progress().statement(), before + 2);
  EXPECT_EQ(Progress().read_rows, 10u);  // the last statement's
  EXPECT_GE(session_->progress().start(), start);
  Run("CREATE TABLE w (id UInt64) ENGINE = MergeTree ORDER BY id");
  EXPECT_EQ(Progress(), ProgressValues{});
}

TEST_F(ProgressTest, AnotherThreadSeesTheCountsGrow) {
  std::atomic<bool> done{false};
  std::vector<uint64_t> seen;
  std::thread reader([&] {
    while (!done.load()) {
      seen.push_back(session_->progress().Get().read_rows);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  Run("SELECT sum(number) FROM numbers(20000000) SETTINGS max_threads = 2");
  done = true;
  reader.join();
  EXPECT_EQ(Progress().read_rows, 20000000u);
  ASSERT_FALSE(seen.empty());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);  // the session's first statement
}

}  // namespace
}  // namespace tally::engine
