// Materialized views through the SQL layer: the ViewCompiler on its own (binding errors,
// the rows a view makes of a block, -State columns, concurrent runs) and the statements a
// Session runs (CREATE / DROP / SHOW CREATE, inserts through views, what tally refuses and
// what it does differently from ClickHouse on purpose: a failing view fails the insert
// everywhere, retries are deduplicated).
#include "engine/query/view_compiler.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "format/status_macros.h"
#include "tests/engine/sql_output.h"
#include "tests/test_util.h"

namespace tally::engine::sql {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;

class ViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<Session>(db_.get());
  }

  // The statements' TabSeparated output, or "error: <message>".
  std::string Run(const std::string& sql) { return testing_sql::OutputOrError(*session_, sql); }
  absl::Status Exec(const std::string& sql) {
    return session_->Execute(sql, "", [](absl::string_view) {});
  }

  // Compiles `select` as view "v" from table s into table t (both created by the caller).
  absl::StatusOr<std::shared_ptr<const ViewQuery>> Compile(const std::string& select, const std::string& source = "s",
                                                           const std::string& target = "t") {
    format::ViewDef def;
    def.source = source;
    def.target = target;
    def.select = select;
    TALLY_ASSIGN_OR_RETURN(format::TableSchema s, db_->GetSchema(source));
    TALLY_ASSIGN_OR_RETURN(format::TableSchema t, db_->GetSchema(target));
    return MakeViewCompiler(db_.get())->Compile("v", def, s, t);
  }

  // A block of s (k UInt32, name String, value UInt64): k = i % 3, name "n<i % 5>", value i.
  static Block Rows(uint64_t n) {
    Block b;
    Column k = Column::Make(DataType::Make(TypeId::kUInt32));
    Column name = Column::Make(DataType::Make(TypeId::kString));
    Column value = Column::Make(DataType::Make(TypeId::kUInt64));
    for (uint64_t i = 0; i < n; ++i) {
      k.Append<uint32_t>(static_cast<uint32_t>(i % 3));
      name.AppendString(absl::StrCat("n", i % 5));
      value.Append<uint64_t>(i);
    }
    b.Add("k", std::move(k));
    b.Add("name", std::move(name));
    b.Add("value", std::move(value));
    return b;
  }

  static std::string Text(const Block& b) {
    std::string out;
    for (size_t r = 0; r < b.rows(); ++r) {
      for (size_t c = 0; c < b.columns.size(); ++c) {
        absl::StrAppend(&out, c ? "\t" : "", b.columns[c].GetValue(r).DebugString());
      }
      out += "\n";
    }
    return out;
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
};

TEST_F(ViewTest, SessionInstallsTheCompiler) { EXPECT_TRUE(db_->has_view_compiler()); }

TEST_F(ViewTest, CompiledViewRunsOverTheBlockItIsGiven) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, name String, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt64, total UInt64, n UInt64) ENGINE = SummingMergeTree ORDER BY k"));
  ASSERT_OK(Exec("INSERT INTO s VALUES (7, 'x', 1000)"));  // the table's own rows are not the view's input
  ASSERT_OK_AND_ASSIGN(auto view, Compile("SELECT k, sum(value) AS total, count() AS n FROM s WHERE value != 4 "
                                          "GROUP BY k ORDER BY k"));
  const Block rows = Rows(6);
  ASSERT_OK_AND_ASSIGN(Block out, view->Run(rows));
  EXPECT_EQ(out.names, (std::vector<std::string>{"k", "total", "n"}));
  // Typed as the target: k converts from UInt32 to UInt64.
  EXPECT_EQ(out.columns[0].type->ToString(), "UInt64");
  EXPECT_EQ(Text(out), "0\t3\t2\n1\t1\t1\n2\t7\t2\n");
  EXPECT_EQ(rows.rows(), 6u);  // read in place, left as it was
  EXPECT_EQ(Text(rows), Text(Rows(6)));
  // No rows in, no rows out (not the one row count() gives over no rows).
  ASSERT_OK_AND_ASSIGN(Block none, view->Run(Rows(0)));
  EXPECT_EQ(none.rows(), 0u);
  EXPECT_EQ(none.names.size(), 3u);
}

TEST_F(ViewTest, SourceInASubqueryReadsTheBlockAndOtherTablesAreRead) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, name String, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE names (name String) ENGINE = MergeTree ORDER BY name;"
                 "INSERT INTO names VALUES ('n1'), ('n2');"
                 "INSERT INTO s VALUES (1, 'a', 1), (1, 'b', 2), (1, 'c', 3);"
                 "CREATE TABLE t (k UInt32, seen UInt64, known UInt64) ENGINE = MergeTree ORDER BY k"));
  // As in ClickHouse, every FROM s of the query reads the inserted rows.
  ASSERT_OK_AND_ASSIGN(auto view, Compile("SELECT k, (SELECT count() FROM s) AS seen, "
                                          "countIf(name IN (SELECT name FROM names)) AS known FROM s GROUP BY k "
                                          "ORDER BY k"));
  ASSERT_OK_AND_ASSIGN(Block out, view->Run(Rows(10)));
  EXPECT_EQ(Text(out), "0\t10\t1\n1\t10\t2\n2\t10\t1\n");
}

TEST_F(ViewTest, StateColumnsMergeLikeInsertSelect) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, name String, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, users AggregateFunction(uniq, String), "
                 "last AggregateFunction(argMax, String, UInt64)) ENGINE = AggregatingMergeTree ORDER BY k"));
  ASSERT_OK_AND_ASSIGN(auto view, Compile("SELECT k, uniqState(name) AS users, argMaxState(name, value) AS last "
                                          "FROM s GROUP BY k"));
  ASSERT_OK_AND_ASSIGN(Block out, view->Run(Rows(30)));
  ASSERT_OK(db_->Insert("t", std::move(out)));
  EXPECT_EQ(Run("SELECT k, uniqMerge(users), argMaxMerge(last) FROM t GROUP BY k ORDER BY k"),
            "0\t5\tn2\n1\t5\tn3\n2\t5\tn4\n");
}

TEST_F(ViewTest, CompileChecksTheColumnsAgainstTheTarget) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, name String, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, total UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE other (k UInt32) ENGINE = MergeTree ORDER BY k"));
  EXPECT_STATUS(Compile("SELECT k, sum(value) FROM s GROUP BY k"), absl::StatusCode::kInvalidArgument,
                "SELECT query outputs column with name 'sum(value)', which is not found in the "
                "target table. Use 'AS' to assign alias that matches a column name.");
  EXPECT_STATUS(Compile("SELECT k, [value] AS total FROM s"), absl::StatusCode::kInvalidArgument,
                "column total of type Array(UInt64) does not convert to the target's UInt64");
  EXPECT_STATUS(Compile("SELECT k, value AS total, value AS total FROM s"), absl::StatusCode::kInvalidArgument,
                "more than once");
  EXPECT_STATUS(Compile("SELECT k, nope AS total FROM s"), absl::StatusCode::kInvalidArgument, "nope");
  EXPECT_STATUS(Compile("SELECT k FROM other"), absl::StatusCode::kInvalidArgument,
                "its SELECT reads other, not its source table s");
  EXPECT_STATUS(Compile("SELECT k FROM (SELECT k FROM s)"), absl::StatusCode::kInvalidArgument,
                "must name a table");
  EXPECT_STATUS(Compile("SELECT k FROM numbers(3)"), absl::StatusCode::kInvalidArgument, "must name a table");
  EXPECT_STATUS(Compile("SELECT 1 AS k"), absl::StatusCode::kInvalidArgument, "needs FROM");
  EXPECT_STATUS(Compile("INSERT INTO t VALUES (1, 2)"), absl::StatusCode::kInvalidArgument, "needs a SELECT");
  EXPECT_STATUS(Compile("SELECT k FROM s FORMAT JSON"), absl::StatusCode::kInvalidArgument, "FORMAT");
  EXPECT_FALSE(Compile("SELECT k FROM").ok());
}

TEST_F(ViewTest, RunsConcurrently) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, name String, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, total UInt64, users UInt64) ENGINE = MergeTree ORDER BY k"));
  ASSERT_OK_AND_ASSIGN(auto view, Compile("SELECT k, sum(value) AS total, uniqExact(name) AS users FROM s "
                                          "WHERE value % 7 != 0 GROUP BY k ORDER BY k"));
  ASSERT_OK_AND_ASSIGN(Block want, view->Run(Rows(20000)));
  std::vector<std::thread> threads;
  std::vector<std::string> got(4);
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; ++round) {
        auto out = view->Run(Rows(20000));
        got[i] = out.ok() ? Text(*out) : std::string(out.status().message());
        if (got[i] != Text(want)) return;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& g : got) EXPECT_EQ(g, Text(want));
}

TEST_F(ViewTest, CreateViewStatements) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, name String, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, total UInt64) ENGINE = SummingMergeTree ORDER BY k"));
  ASSERT_OK(Exec("CREATE MATERIALIZED VIEW v TO t AS SELECT k, sum(value) AS total FROM s GROUP BY k"));
  ASSERT_OK_AND_ASSIGN(format::ViewDef def, db_->GetView("v"));
  EXPECT_EQ(def.source, "s");
  EXPECT_EQ(def.target, "t");
  EXPECT_EQ(def.select, "SELECT k, sum(value) AS total FROM s GROUP BY k");
  EXPECT_FALSE(def.inner_target);
  EXPECT_EQ(Run("SHOW CREATE TABLE v"),
            "CREATE MATERIALIZED VIEW default.v TO default.t\\n(\\n    `k` UInt32,\\n    `total` UInt64\\n)\\n"
            "AS SELECT k, sum(value) AS total FROM s GROUP BY k\n");
  // The implicit target: the SELECT's columns as it types them, the storage clauses as
  // CREATE TABLE has them.
  ASSERT_OK(Exec("CREATE DATABASE agg;"
                 "CREATE MATERIALIZED VIEW agg.u ENGINE = AggregatingMergeTree ORDER BY k AS "
                 "SELECT k, uniqState(name) AS users, sumState(k) AS ks FROM s GROUP BY k"));
  ASSERT_OK_AND_ASSIGN(format::ViewDef inner, db_->GetView("agg.u"));
  EXPECT_TRUE(inner.inner_target);
  EXPECT_EQ(inner.source, "s");
  EXPECT_EQ(inner.target, "agg._inner_u");
  EXPECT_EQ(Run("DESCRIBE agg.u FORMAT TSV"),
            "k\tUInt32\t\t\t\t\t\nusers\tAggregateFunction(uniq, String)\t\t\t\t\t\n"
            "ks\tAggregateFunction(sum, UInt32)\t\t\t\t\t\n");
  EXPECT_EQ(Run("SHOW CREATE VIEW agg.u"),
            "CREATE MATERIALIZED VIEW agg.u\\n(\\n    `k` UInt32,\\n    `users` AggregateFunction(uniq, String),\\n"
            "    `ks` AggregateFunction(sum, UInt32)\\n)\\nENGINE = AggregatingMergeTree\\nORDER BY k\\nSETTINGS index_granularity = 8192\\n"
            "AS SELECT k, uniqState(name) AS users, sumState(k) AS ks FROM s GROUP BY k\n");
  EXPECT_EQ(Run("EXISTS v; EXISTS VIEW agg.u; EXISTS agg.v"), "1\n1\n0\n");
  EXPECT_EQ(Run("SHOW TABLES"), "s\nt\nv\n");
  EXPECT_EQ(Run("SHOW TABLES FROM agg"), "_inner_u\nu\n");
  EXPECT_EQ(Run("SELECT name, engine, total_rows FROM system.tables ORDER BY database, name"),
            "_inner_u\tAggregatingMergeTree\t0\nu\tMaterializedView\t0\ns\tMergeTree\t0\nt\tSummingMergeTree\t0\n"
            "v\tMaterializedView\t\\N\n");
  // IF NOT EXISTS, and names shared with tables.
  EXPECT_OK(Exec("CREATE MATERIALIZED VIEW IF NOT EXISTS v TO t AS SELECT k FROM s"));
  EXPECT_OK(Exec("CREATE MATERIALIZED VIEW IF NOT EXISTS agg.u ENGINE = MergeTree ORDER BY k AS SELECT k FROM s"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW v TO t AS SELECT k FROM s"), "error:"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW t TO t AS SELECT k FROM s"), "error:"));
  // DROP TABLE drops a view; DROP VIEW refuses a table.
  EXPECT_EQ(Run("DROP VIEW s"), "error: default.s is a table, not a view: use DROP TABLE");
  ASSERT_OK(Exec("DROP TABLE v; DROP VIEW agg.u; DROP VIEW IF EXISTS agg.u"));
  EXPECT_EQ(Run("SHOW TABLES; SHOW TABLES FROM agg"), "s\nt\n");
  EXPECT_FALSE(db_->GetView("v").ok());
}

TEST_F(ViewTest, CreateViewRefusesWhatItCannotRun) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, total UInt64) ENGINE = SummingMergeTree ORDER BY k;"
                 "CREATE MATERIALIZED VIEW v TO t AS SELECT k, value AS total FROM s"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW w TO t POPULATE AS SELECT k, value FROM s"),
                                "SELECT query outputs column with name 'value', which is not found in the target"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW w TO t AS SELECT k FROM (SELECT k FROM s)"),
                                "must name a table, the view's source (not a subquery"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW w TO t AS SELECT number AS k FROM numbers(2)"),
                                "must name a table"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW w TO t AS SELECT k, total FROM v"),
                                "its source v is a view"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW w TO t AS SELECT k, value FROM s"),
                                "SELECT query outputs column with name 'value', which is not found in the target"));
  EXPECT_TRUE(absl::StrContains(Run("CREATE MATERIALIZED VIEW w ENGINE = MergeTree ORDER BY k AS SELECT k FROM nope"),
                                "Table default.nope does not exist"));
  EXPECT_FALSE(db_->GetView("w").ok());
  // The core refuses to drop a table a view reads or writes.
  EXPECT_TRUE(absl::StrContains(Run("DROP TABLE s"), "error:"));
  EXPECT_TRUE(absl::StrContains(Run("DROP TABLE t"), "error:"));
  EXPECT_EQ(Run("EXISTS s; EXISTS t"), "1\n1\n");
}

TEST_F(ViewTest, InsertsRunTheViewsAndReadsOfTheViewReadItsTarget) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, total UInt64) ENGINE = SummingMergeTree ORDER BY k;"
                 "CREATE MATERIALIZED VIEW v TO t AS SELECT k, sum(value) AS total FROM s GROUP BY k;"
                 "INSERT INTO s VALUES (1, 10), (2, 20), (1, 5);"
                 "INSERT INTO s SELECT number % 2 + 1, number FROM numbers(4);"
                 "INSERT INTO s FORMAT CSV 3,100\n"));
  EXPECT_EQ(Run("SELECT k, sum(total) FROM t GROUP BY k ORDER BY k"), "1\t17\n2\t24\n3\t100\n");
  EXPECT_EQ(Run("SELECT * FROM v FINAL ORDER BY k"), "1\t17\n2\t24\n3\t100\n");
  // INSERT INTO the view inserts into its target.
  ASSERT_OK(Exec("INSERT INTO v VALUES (3, 1)"));
  EXPECT_EQ(Run("SELECT total FROM t FINAL WHERE k = 3"), "101\n");
  // OPTIMIZE of the view merges its target.
  ASSERT_OK(Exec("OPTIMIZE TABLE v FINAL"));
  EXPECT_EQ(Run("SELECT count() FROM t"), "3\n");
}

TEST_F(ViewTest, AFailingViewFailsTheWholeInsert) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE t (k UInt32, q UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE TABLE u (k UInt32) ENGINE = MergeTree ORDER BY k;"
                 "CREATE MATERIALIZED VIEW fine TO u AS SELECT k FROM s;"
                 "CREATE MATERIALIZED VIEW divides TO t AS SELECT k, intDiv(100, value) AS q FROM s"));
  ASSERT_OK(Exec("INSERT INTO s VALUES (1, 10)"));
  const std::string error = Run("INSERT INTO s VALUES (2, 5), (3, 0)");
  EXPECT_TRUE(absl::StrContains(error, "divides")) << error;
  EXPECT_TRUE(absl::StrContains(error, "Division by zero")) << error;
  // Nothing of the failed insert anywhere: not in the source, not in the other view's target.
  EXPECT_EQ(Run("SELECT count() FROM s; SELECT count() FROM t; SELECT count() FROM u"), "1\n1\n1\n");
}

TEST_F(ViewTest, RetriesAreDeduplicatedInTheSourceAndEveryView) {
  ASSERT_OK(Exec("CREATE TABLE s (k UInt32, value UInt64) ENGINE = MergeTree ORDER BY k;"
                 "CREATE MATERIALIZED VIEW v ENGINE = SummingMergeTree ORDER BY k AS "
                 "SELECT k, sum(value) AS total FROM s GROUP BY k"));
  for (int i = 0; i < 3; ++i) ASSERT_OK(Exec("INSERT INTO s VALUES (1, 10), (2, 20)"));
  EXPECT_EQ(Run("SELECT count() FROM s; SELECT sum(total) FROM v"), "2\n30\n");
  // Off: stored again; the same token with other rows: deduplicated.
  ASSERT_OK(Exec("INSERT INTO s SETTINGS insert_deduplicate = 0 VALUES (1, 10), (2, 20)"));
  ASSERT_OK(Exec("SET insert_deduplication_token = 'batch-7'; INSERT INTO s VALUES (3, 1)"));
  ASSERT_OK(Exec("INSERT INTO s FORMAT CSV 3,2\n"));
  EXPECT_EQ(Run("SELECT count() FROM s; SELECT sum(total) FROM v"), "5\n61\n");
  EXPECT_EQ(Run("SET insert_deduplicate = 2"), "error: setting insert_deduplicate takes 0 or 1");
  EXPECT_TRUE(absl::StrContains(Run("SET insert_deduplication_token = 5"), "takes a string"));
}

}  // namespace
}  // namespace tally::engine::sql
