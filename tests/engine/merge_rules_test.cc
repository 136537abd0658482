// The merge rules of ReplacingMergeTree and SummingMergeTree against a recompute from the
// inserted rows: random batches, random merges (background and OPTIMIZE) in between, and
// FINAL read through every subset of columns, before and after merges.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/engine/db_files.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;

using testing_db::Col;

// Rows of a scan as text, keyed by the first `key_columns` columns' text.
std::map<std::string, std::string> ScanRows(Database* db, const std::string& table, ScanOptions options,
                                            size_t key_columns) {
  std::map<std::string, std::string> out;
  auto cursor = db->Scan(table, std::move(options));
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  if (!cursor.ok()) return out;
  std::vector<std::unique_ptr<ScanCursor>> cursors;
  for (auto& sibling : (*cursor)->Split(3)) cursors.push_back(std::move(sibling));
  cursors.push_back(std::move(*cursor));
  for (auto& c : cursors) {
    while (true) {
      Block b;
      auto more = c->Next(&b);
      EXPECT_TRUE(more.ok()) << more.status();
      if (!more.ok() || !*more) break;
      for (size_t r = 0; r < b.rows(); ++r) {
        std::string key, row;
        for (size_t i = 0; i < b.columns.size(); ++i) {
          (i < key_columns ? key : row) += b.columns[i].GetValue(r).DebugString() + "|";
        }
        EXPECT_TRUE(out.emplace(key, row).second) << "key " << key << " returned twice";
      }
    }
  }
  return out;
}

// The keys where two scans differ (at most a few), or "" when they agree.
std::string Diff(const std::map<std::string, std::string>& got, const std::map<std::string, std::string>& want) {
  std::string out;
  int shown = 0;
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      absl::StrAppend(&out, "missing ", k, " -> ", v, "; ");
    } else if (it->second != v) {
      absl::StrAppend(&out, "key ", k, " got ", it->second, " want ", v, "; ");
    } else {
      continue;
    }
    if (++shown == 5) break;
  }
  for (const auto& [k, v] : got) {
    if (shown >= 8) break;
    if (!want.contains(k)) {
      absl::StrAppend(&out, "extra ", k, " -> ", v, "; ");
      ++shown;
    }
  }
  if (!out.empty()) absl::StrAppend(&out, "(", got.size(), " rows, want ", want.size(), ")");
  return out;
}

struct Inserted {
  std::string tenant;
  uint32_t k;
  uint32_t ver;
  uint8_t del;
  int64_t n;
  std::string payload;
};

class MergeRulesTest : public ::testing::TestWithParam<int> {
 protected:
  MemEnv env_;
};

// Every column subset (the key always comes first, to key the comparison).
std::vector<std::vector<std::string>> Subsets(const std::vector<std::string>& others) {
  std::vector<std::vector<std::string>> out;
  for (size_t mask = 0; mask < (size_t{1} << others.size()); ++mask) {
    std::vector<std::string> s = {"tenant", "k"};
    for (size_t i = 0; i < others.size(); ++i) {
      if (mask & (size_t{1} << i)) s.push_back(others[i]);
    }
    out.push_back(s);
  }
  return out;
}

// Both ways FINAL reads a Replacing table: skipping the superseded rows that inserts and
// merges record (track_superseded_rows = 1, the default), and merging the parts (0).
TEST_P(MergeRulesTest, ReplacingFinalEqualsTheNewestVersionPerKey) {
  for (bool track : {true, false}) {
  SCOPED_TRACE(track ? "superseded rows tracked" : "superseded rows not tracked");
  std::mt19937_64 rng(GetParam());
  const bool background = GetParam() % 2 == 0;
  const std::string dir = track ? "tracked" : "untracked";
  auto db = Database::Open(dir, {.env = &env_, .background_merges = background});
  ASSERT_OK(db);
  format::TableSchema schema;
  schema.columns = {Col("tenant", "LowCardinality(String)"), Col("k", "UInt32"), Col("ver", "UInt32"),
                    Col("del", "UInt8"), Col("n", "Int64"), Col("payload", "String")};
  schema.sort_key = {"tenant", "k"};
  schema.partition_by = "";
  schema.engine = "ReplacingMergeTree";
  schema.engine_args = {"ver", "del"};
  schema.index_granularity = 16;
  if (!track) schema.settings.push_back({"track_superseded_rows", "0"});
  ASSERT_OK((*db)->CreateTable("r", schema));
  std::vector<Inserted> inserted;
  auto expected = [&](const std::vector<std::string>& columns) {
    std::map<std::pair<std::string, uint32_t>, Inserted> newest;
    for (const Inserted& row : inserted) {
      auto [it, fresh] = newest.emplace(std::make_pair(row.tenant, row.k), row);
      if (!fresh && row.ver >= it->second.ver) it->second = row;
    }
    std::map<std::string, std::string> out;
    for (const auto& [key, row] : newest) {
      if (row.del) continue;
      std::string k = Value::String(row.tenant).DebugString() + "|" + Value::UInt(row.k).DebugString() + "|";
      std::string rest;
      for (size_t i = 2; i < columns.size(); ++i) {
        const std::string& c = columns[i];
        Value v = c == "ver" ? Value::UInt(row.ver)
                  : c == "del" ? Value::UInt(row.del)
                  : c == "n"   ? Value::Int(row.n)
                               : Value::String(row.payload);
        rest += v.DebugString() + "|";
      }
      out[k] = rest;
    }
    return out;
  };
  auto check = [&](const std::string& when) {
    for (const auto& columns : Subsets({"ver", "del", "n", "payload"})) {
      ScanOptions options{.columns = columns, .final = true};
      options.task_rows = 64;  // many tasks, so keys meet across task edges
      EXPECT_EQ(Diff(ScanRows(db->get(), "r", options, 2), expected(columns)), "")
          << when << ", columns " << absl::StrJoin(columns, ",");
    }
    auto cursor = (*db)->Scan("r", {.columns = {"k"}, .final = true});
    ASSERT_OK(cursor);
    EXPECT_EQ((*cursor)->stats().final_skips_superseded, track) << when;
    // A condition on a non-key column applies after the rows collapse.
    ScanOptions filtered{.columns = {"tenant", "k", "n"}, .ranges = {ColumnRange::Between("n", Value::Int(0), Value::Int(50))},
                         .final = true};
    auto all = expected({"tenant", "k", "n"});
    std::map<std::string, std::string> want;
    for (const auto& [k, v] : all) {
      const int64_t n = std::stoll(v.substr(0, v.find('|')));
      if (n >= 0 && n < 50) want[k] = v;
    }
    EXPECT_EQ(Diff(ScanRows(db->get(), "r", filtered, 2), want), "") << when << ", n in [0, 50)";
  };
  const char* tenants[] = {"acme", "beta", "corp"};
  for (int batch = 0; batch < 12; ++batch) {
    Block block;
    block.Add("tenant", Column::Make(schema.columns[0].type));
    block.Add("k", Column::Make(schema.columns[1].type));
    block.Add("ver", Column::Make(schema.columns[2].type));
    block.Add("del", Column::Make(schema.columns[3].type));
    block.Add("n", Column::Make(schema.columns[4].type));
    block.Add("payload", Column::Make(schema.columns[5].type));
    const size_t rows = 1 + rng() % 300;
    for (size_t i = 0; i < rows; ++i) {
      Inserted row{tenants[rng() % 3], static_cast<uint32_t>(rng() % 200), static_cast<uint32_t>(rng() % 5),
                   static_cast<uint8_t>(rng() % 10 == 0), static_cast<int64_t>(rng() % 200) - 100,
                   absl::StrCat("p", batch, "_", i)};
      inserted.push_back(row);
      ASSERT_OK(block.columns[0].AppendValue(Value::String(row.tenant)));
      block.columns[1].Append<uint32_t>(row.k);
      block.columns[2].Append<uint32_t>(row.ver);
      block.columns[3].Append<uint8_t>(row.del);
      block.columns[4].Append<int64_t>(row.n);
      block.columns[5].AppendString(row.payload);
    }
    ASSERT_OK((*db)->Insert("r", block));
    if (rng() % 4 == 0) {
      ASSERT_OK((*db)->Optimize("r", {.final = rng() % 2 == 0}));
    }
    if (batch % 4 == 3) check(absl::StrCat("after batch ", batch));
    if (batch == 5) {  // the recorded rows come back from the manifest
      db->reset();
      db = Database::Open(dir, {.env = &env_, .background_merges = background});
      ASSERT_OK(db);
      check("after reopening");
    }
  }
  ASSERT_OK((*db)->Optimize("r", {.final = true}));
  check("after OPTIMIZE FINAL");
  // One part per partition with one row per key: a plain scan of the rows not deleted
  // agrees (the deleted ones stay stored: with a version, they hide lower versions that
  // may still arrive).
  auto want = expected({"tenant", "k", "ver", "del", "n", "payload"});
  ScanOptions live{.columns = {"tenant", "k", "ver", "del", "n", "payload"},
                   .ranges = {ColumnRange::Equal("del", Value::UInt(0))}};
  EXPECT_EQ(Diff(ScanRows(db->get(), "r", live, 2), want), "");
  }
}

TEST_P(MergeRulesTest, SummingFinalEqualsTheSumsPerKey) {
  std::mt19937_64 rng(GetParam() * 7919);
  const bool background = GetParam() % 2 == 1;
  auto db = Database::Open("db", {.env = &env_, .background_merges = background});
  ASSERT_OK(db);
  format::TableSchema schema;
  schema.columns = {Col("tenant", "LowCardinality(String)"), Col("k", "UInt32"), Col("a", "UInt64"),
                    Col("b", "Int32"), Col("c", "Nullable(Int64)")};
  schema.sort_key = {"tenant", "k"};
  schema.engine = "SummingMergeTree";
  schema.index_granularity = 16;
  ASSERT_OK((*db)->CreateTable("s", schema));
  struct Sums {
    uint64_t a = 0;
    uint32_t b = 0;  // Int32 wraps: summed unsigned
    int64_t c = 0;
    bool c_any = false;
  };
  std::map<std::pair<std::string, uint32_t>, Sums> sums;
  auto expected = [&](const std::vector<std::string>& columns) {
    std::map<std::string, std::string> out;
    for (const auto& [key, s] : sums) {
      std::string k = Value::String(key.first).DebugString() + "|" + Value::UInt(key.second).DebugString() + "|";
      std::string rest;
      for (size_t i = 2; i < columns.size(); ++i) {
        const std::string& c = columns[i];
        Value v = c == "a"   ? Value::UInt(s.a)
                  : c == "b" ? Value::Int(static_cast<int32_t>(s.b))
                             : (s.c_any ? Value::Int(s.c) : Value::Null());
        rest += v.DebugString() + "|";
      }
      out[k] = rest;
    }
    return out;
  };
  auto check = [&](const std::string& when) {
    for (const auto& columns : Subsets({"a", "b", "c"})) {
      ScanOptions options{.columns = columns, .final = true};
      options.task_rows = 64;
      EXPECT_EQ(Diff(ScanRows(db->get(), "s", options, 2), expected(columns)), "")
          << when << ", columns " << absl::StrJoin(columns, ",");
    }
  };
  const char* tenants[] = {"acme", "beta"};
  for (int batch = 0; batch < 12; ++batch) {
    Block block;
    for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
    const size_t rows = 1 + rng() % 400;
    for (size_t i = 0; i < rows; ++i) {
      const std::string tenant = tenants[rng() % 2];
      const uint32_t k = rng() % 150;
      const uint64_t a = rng() % 3 == 0 ? ~uint64_t{0} - rng() % 10 : rng() % 1000;  // wraps
      const int32_t b = static_cast<int32_t>(rng() % 2000) - 1000;
      const bool c_null = rng() % 3 == 0;
      const int64_t c = static_cast<int64_t>(rng() % 100);
      Sums& s = sums[{tenant, k}];
      s.a += a;
      s.b += static_cast<uint32_t>(b);
      if (!c_null) {
        s.c += c;
        s.c_any = true;
      }
      ASSERT_OK(block.columns[0].AppendValue(Value::String(tenant)));
      block.columns[1].Append<uint32_t>(k);
      block.columns[2].Append<uint64_t>(a);
      block.columns[3].Append<int32_t>(b);
      ASSERT_OK(block.columns[4].AppendValue(c_null ? Value::Null() : Value::Int(c)));
    }
    ASSERT_OK((*db)->Insert("s", block));
    if (rng() % 4 == 0) ASSERT_OK((*db)->Optimize("s", {.final = rng() % 2 == 0}));
    if (batch % 4 == 3) check(absl::StrCat("after batch ", batch));
  }
  ASSERT_OK((*db)->Optimize("s", {.final = true}));
  check("after OPTIMIZE FINAL");
  EXPECT_EQ(Diff(ScanRows(db->get(), "s", {.columns = {"tenant", "k", "a", "b", "c"}}, 2),
                 expected({"tenant", "k", "a", "b", "c"})), "");
}

// AggregatingMergeTree end to end through SQL: random batches go both to a plain table and,
// as states, to the rollup; FINAL and -Merge over the rollup equal the aggregates of the
// plain table, before and after merges.
TEST_P(MergeRulesTest, AggregatingStatesEqualTheAggregatesOfTheRows) {
  std::mt19937_64 rng(GetParam() * 104729);
  auto db = Database::Open("db", {.env = &env_, .background_merges = GetParam() % 2 == 0});
  ASSERT_OK(db);
  sql::Session session(db->get());
  auto run = [&](const std::string& sql) {
    std::string out;
    absl::Status s = session.Execute(sql, "", [&](absl::string_view chunk) { out.append(chunk.data(), chunk.size()); });
    EXPECT_TRUE(s.ok()) << sql << ": " << s;
    return out;
  };
  run("CREATE TABLE raw (tenant LowCardinality(String), k UInt32, v UInt64, u UInt32, g Int64) "
      "ENGINE = MergeTree ORDER BY (tenant, k)");
  run("CREATE TABLE agg (tenant LowCardinality(String), k UInt32, s AggregateFunction(sum, UInt64), "
      "n AggregateFunction(count), u AggregateFunction(uniqExact, UInt32), "
      "top AggregateFunction(argMax, UInt32, Int64), mx SimpleAggregateFunction(max, Int64), "
      "mn SimpleAggregateFunction(min, Int64)) ENGINE = AggregatingMergeTree ORDER BY (tenant, k) "
      "SETTINGS index_granularity = 16");
  const std::string totals_raw =
      "SELECT tenant, k, sum(v), count(), uniqExact(u), argMax(u, g), max(g), min(g) FROM raw "
      "GROUP BY tenant, k ORDER BY tenant, k";
  const std::string totals_final =
      "SELECT tenant, k, finalizeAggregation(s), finalizeAggregation(n), finalizeAggregation(u), "
      "finalizeAggregation(top), mx, mn FROM agg FINAL ORDER BY tenant, k";
  const std::string totals_merge =
      "SELECT tenant, k, sumMerge(s), countMerge(n), uniqExactMerge(u), argMaxMerge(top), max(mx), min(mn) "
      "FROM agg GROUP BY tenant, k ORDER BY tenant, k";
  // g is distinct on every row (batch and row number in its low bits), so argMax has no
  // ties, whose winner would depend on the order rows meet in.
  for (int batch = 0; batch < 10; ++batch) {
    const uint64_t rows = 1 + rng() % 500, seed = rng() % 1000, keys = 1 + rng() % 120;
    const std::string select = absl::StrCat(
        "SELECT concat('t', toString(number % 3)) AS tenant, toUInt32((number * ", seed, ") % ", keys,
        ") AS k, toUInt64(number * 7 % 101) AS v, toUInt32(number % 13) AS u, (toInt64(number * ", seed + batch,
        ") % 1000 - 500) * 65536 + toInt64(number) * 16 + ", batch, " AS g FROM numbers(", rows, ")");
    run(absl::StrCat("INSERT INTO raw ", select));
    run(absl::StrCat("INSERT INTO agg SELECT tenant, k, sumState(v), countState(), uniqExactState(u), ",
                     "argMaxState(u, g), max(g), min(g) FROM (", select, ") GROUP BY tenant, k"));
    if (rng() % 3 == 0) run(rng() % 2 ? "OPTIMIZE TABLE agg FINAL" : "OPTIMIZE TABLE agg");
    const std::string want = run(totals_raw);
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(run(totals_final), want) << "FINAL after batch " << batch;
    EXPECT_EQ(run(totals_merge), want) << "-Merge after batch " << batch;
    // FINAL reading a few of the columns only.
    EXPECT_EQ(run("SELECT tenant, k, finalizeAggregation(u) FROM agg FINAL ORDER BY tenant, k"),
              run("SELECT tenant, k, uniqExact(u) FROM raw GROUP BY tenant, k ORDER BY tenant, k"))
        << "FINAL of one state after batch " << batch;
    EXPECT_EQ(run("SELECT k, mx FROM agg FINAL WHERE tenant = 't1' ORDER BY k"),
              run("SELECT k, max(g) FROM raw WHERE tenant = 't1' GROUP BY k ORDER BY k"))
        << "FINAL of one simple aggregate after batch " << batch;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, MergeRulesTest, ::testing::Range(1, 5));

// Where tally differs from ClickHouse on purpose (docs/engines.md).
TEST(MergeRulesBehaviourTest, SummingKeepsZeroSumsUnlessTheTableSaysSo) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  for (bool drop : {false, true}) {
    format::TableSchema schema;
    schema.columns = {Col("k", "UInt32"), Col("v", "Int64")};
    schema.sort_key = {"k"};
    schema.engine = "SummingMergeTree";
    if (drop) schema.settings.push_back({"summing_drop_zero_rows", "1"});
    const std::string table = drop ? "dropping" : "keeping";
    ASSERT_OK(db->CreateTable(table, schema));
    Block block;
    block.Add("k", Column::Make(schema.columns[0].type));
    block.Add("v", Column::Make(schema.columns[1].type));
    for (auto [k, v] : std::vector<std::pair<uint32_t, int64_t>>{{1, 5}, {1, -5}, {2, 3}}) {
      block.columns[0].Append<uint32_t>(k);
      block.columns[1].Append<int64_t>(v);
    }
    ASSERT_OK(db->Insert(table, block));
    auto rows = ScanRows(db.get(), table, {.columns = {"k", "v"}, .final = true}, 1);
    std::map<std::string, std::string> want = {{"2|", "3|"}};
    if (!drop) want["1|"] = "0|";
    EXPECT_EQ(rows, want) << table;
  }
}

uint64_t CountRows(Database* db, const std::string& table, ScanOptions options) {
  uint64_t n = 0;
  auto cursor = db->Scan(table, std::move(options));
  EXPECT_TRUE(cursor.ok()) << cursor.status();
  while (cursor.ok()) {
    Block b;
    auto more = (*cursor)->Next(&b);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    n += b.rows();
  }
  return n;
}

TEST(MergeRulesBehaviourTest, DeletedRowsHideLowerVersionsInsertedLater) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema schema;
  schema.columns = {Col("k", "UInt32"), Col("ver", "UInt32"), Col("del", "UInt8")};
  schema.sort_key = {"k"};
  schema.engine = "ReplacingMergeTree";
  schema.engine_args = {"ver", "del"};
  ASSERT_OK(db->CreateTable("r", schema));
  auto insert = [&](uint32_t k, uint32_t ver, uint8_t del) {
    Block block;
    for (const auto& c : schema.columns) block.Add(c.name, Column::Make(c.type));
    block.columns[0].Append<uint32_t>(k);
    block.columns[1].Append<uint32_t>(ver);
    block.columns[2].Append<uint8_t>(del);
    return db->Insert("r", block);
  };
  ASSERT_OK(insert(1, 1, 0));
  ASSERT_OK(insert(1, 5, 1));  // deletes key 1
  EXPECT_EQ(CountRows(db.get(), "r", {.columns = {"k"}, .final = true}), 0u);
  ASSERT_OK(db->Optimize("r", {.final = true}));  // every part of the partition
  EXPECT_EQ(CountRows(db.get(), "r", {.columns = {"k"}}), 1u);  // the deleted row, kept
  ASSERT_OK(insert(1, 3, 0));  // a lower version, arriving late: still deleted
  EXPECT_EQ(CountRows(db.get(), "r", {.columns = {"k"}, .final = true}), 0u);
  ASSERT_OK(insert(1, 6, 0));  // a higher one brings the key back
  EXPECT_EQ(CountRows(db.get(), "r", {.columns = {"k"}, .final = true}), 1u);
}

TEST(MergeRulesBehaviourTest, SummingRejectsColumnsThatWouldTakeAnArbitraryValue) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema schema;
  schema.columns = {Col("k", "UInt32"), Col("v", "UInt64"), Col("name", "String"), Col("t", "DateTime")};
  schema.sort_key = {"k"};
  schema.engine = "SummingMergeTree";
  EXPECT_STATUS(db->CreateTable("s", schema), absl::StatusCode::kInvalidArgument,
                "column `name` String is neither in the sorting key nor summed");
  schema.partition_by = "toYYYYMM(t)";  // a partition-key column is kept, never summed
  schema.columns.erase(schema.columns.begin() + 2);
  EXPECT_OK(db->CreateTable("s", schema));
  schema.engine_args = {"(v, t)"};
  EXPECT_STATUS(db->CreateTable("s2", schema), absl::StatusCode::kInvalidArgument, "partition key");
  EXPECT_EQ(db->ListTables().size(), 1u);  // nothing written for the refused ones
}

}  // namespace
}  // namespace tally::engine
