// Materialized views in the storage core (engine/view.h, engine/views.cc, engine/insert.cc):
// the source's parts and every view's parts commit in one edit, under crashes and errors
// at every step; a failing view fails the insert; insert deduplication. The views here
// come from a small C++ compiler (no SQL), so these tests need nothing above the core;
// the SQL views are tested in view_compiler_test.cc and tests/sql/.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "format/status_macros.h"
#include "tests/engine/db_files.h"
#include "tests/engine/fault_steps.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using testing_db::Col;

// Run by the next view run of any TestQuery, once (a POPULATE test's way into the middle
// of its backfill).
std::function<absl::Status()>* hook = nullptr;

// Views by their SELECT text: "copy" copies the columns the target has; "sum" groups by
// `k` and sums `v` into `total` with a row count `n`; "fail" fails as a bad cast would.
class TestQuery : public ViewQuery {
 public:
  TestQuery(std::string kind, format::TableSchema target) : kind_(std::move(kind)), target_(std::move(target)) {}
  absl::StatusOr<Block> Run(const Block& rows) const override {
    if (kind_ == "fail") return absl::InvalidArgumentError("Cannot parse string 'x' as UInt64");
    if (hook != nullptr && *hook) {
      auto h = std::move(*hook);
      *hook = nullptr;  // once: the hook's own insert runs this view too
      TALLY_RETURN_IF_ERROR(h());
    }
    Block out;
    if (kind_ == "copy") {
      for (const format::ColumnDef& c : target_.columns) {
        int i = rows.Find(c.name);
        if (i >= 0) out.Add(c.name, rows.columns[i]);
      }
      return out;
    }
    std::map<std::string, std::pair<uint64_t, uint64_t>> sums;
    const Column& k = rows.columns[rows.Find("k")];
    const Column& v = rows.columns[rows.Find("v")];
    for (size_t r = 0; r < rows.rows(); ++r) {
      auto& s = sums[std::string(k.StringAt(r))];
      s.first += v.values<uint64_t>()[r];
      s.second += 1;
    }
    Column ks = Column::Make(*format::ParseDataType("String"));
    Column totals = Column::Make(*format::ParseDataType("UInt64"));
    Column ns = Column::Make(*format::ParseDataType("UInt64"));
    for (const auto& [key, s] : sums) {
      ks.AppendString(key);
      totals.Append<uint64_t>(s.first);
      ns.Append<uint64_t>(s.second);
    }
    out.Add("k", std::move(ks));
    out.Add("total", std::move(totals));
    out.Add("n", std::move(ns));
    return out;
  }

 private:
  std::string kind_;
  format::TableSchema target_;
};

class TestCompiler : public ViewCompiler {
 public:
  absl::StatusOr<std::shared_ptr<const ViewQuery>> Compile(const std::string&, const format::ViewDef& view,
                                                           const format::TableSchema&,
                                                           const format::TableSchema& target) const override {
    if (view.select != "copy" && view.select != "sum" && view.select != "fail") {
      return absl::InvalidArgumentError(absl::StrCat("unknown test view '", view.select, "'"));
    }
    return std::make_shared<TestQuery>(view.select, target);
  }
};

format::TableSchema Source() {
  format::TableSchema s;
  s.columns = {Col("k", "String"), Col("v", "UInt64")};
  s.sort_key = {"k"};
  return s;
}

format::TableSchema Sums() {
  format::TableSchema s;
  s.columns = {Col("k", "String"), Col("total", "UInt64"), Col("n", "UInt64")};
  s.sort_key = {"k"};
  s.engine = "SummingMergeTree";
  return s;
}

Block Rows(std::vector<std::pair<std::string, uint64_t>> rows) {
  Column k = Column::Make(*format::ParseDataType("String"));
  Column v = Column::Make(*format::ParseDataType("UInt64"));
  for (const auto& [key, value] : rows) {
    k.AppendString(key);
    v.Append<uint64_t>(value);
  }
  Block b;
  b.Add("k", std::move(k));
  b.Add("v", std::move(v));
  return b;
}

// Sum of `column` over the table, and its rows.
std::pair<uint64_t, uint64_t> SumOf(const Database& db, const std::string& table, const std::string& column) {
  auto blocks = testing_db::ScanAll(db, table, {.columns = {column}});
  EXPECT_OK(blocks);
  uint64_t sum = 0, rows = 0;
  if (!blocks.ok()) return {0, 0};
  for (const Block& b : *blocks) {
    for (size_t r = 0; r < b.rows(); ++r) sum += b.columns[0].values<uint64_t>()[r];
    rows += b.rows();
  }
  return {sum, rows};
}

// raw -> sums (view "by_k"), raw -> copy (view "mirror"), sums -> grand (view "chain").
void ThreeViews(Database* db) {
  ASSERT_OK(db->CreateTable("raw", Source()));
  ASSERT_OK(db->CreateTable("sums", Sums()));
  ASSERT_OK(db->CreateTable("copy", Source()));
  ASSERT_OK(db->CreateView("by_k", {.source = "raw", .target = "sums", .select = "sum"}, std::nullopt));
  ASSERT_OK(db->CreateView("mirror", {.source = "raw", .target = "copy", .select = "copy"}, std::nullopt));
  format::TableSchema grand = Sums();
  ASSERT_OK(db->CreateView("chain", {.source = "sums", .target = Database::InnerTableName("chain"), .select = "copy",
                                     .inner_target = true},
                           grand));
}

TEST(ViewCoreTest, AnInsertReachesEveryViewDownAChainInOneEdit) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ThreeViews(db.get());
  ASSERT_OK(db->Insert("raw", Rows({{"a", 1}, {"b", 2}, {"a", 3}})));
  ASSERT_OK(db->Insert("raw", Rows({{"c", 10}})));
  EXPECT_EQ(SumOf(*db, "raw", "v"), std::make_pair(uint64_t{16}, uint64_t{4}));
  EXPECT_EQ(SumOf(*db, "copy", "v"), std::make_pair(uint64_t{16}, uint64_t{4}));
  EXPECT_EQ(SumOf(*db, "sums", "total").first, 16u);
  EXPECT_EQ(SumOf(*db, "sums", "n").first, 4u);
  EXPECT_EQ(SumOf(*db, "_inner_chain", "total").first, 16u);
  // INSERT INTO a view inserts into its target (and on down its chain).
  ASSERT_OK(db->Insert("by_k", [] {
    Block b;
    Column k = Column::Make(*format::ParseDataType("String"));
    k.AppendString("z");
    Column t = Column::Make(*format::ParseDataType("UInt64"));
    t.Append<uint64_t>(100);
    b.Add("k", std::move(k));
    b.Add("total", std::move(t));
    return b;
  }()));
  EXPECT_EQ(SumOf(*db, "_inner_chain", "total").first, 116u);
  EXPECT_EQ(SumOf(*db, "raw", "v").first, 16u);
  // Views and their inner tables survive a reopen (and a snapshot of the manifest).
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env, .manifest_rewrite_bytes = 1}));
  ASSERT_EQ(db->ListViews().size(), 3u);
  EXPECT_EQ(db->ListViews()[0].name, "by_k");
  EXPECT_TRUE(db->ListViews()[1].def.inner_target);
  EXPECT_STATUS(db->Insert("raw", Rows({{"a", 1}})), absl::StatusCode::kFailedPrecondition, "no view compiler");
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->Insert("raw", Rows({{"a", 1}})));  // the log passes its limit: rewritten as a snapshot
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_EQ(db->ListViews().size(), 3u);
  EXPECT_EQ(SumOf(*db, "_inner_chain", "total").first, 117u);
}

TEST(ViewCoreTest, AFailingViewStoresNothingAnywhereAndIsNamed) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ThreeViews(db.get());
  ASSERT_OK(db->CreateTable("bad_target", Source()));
  ASSERT_OK(db->CreateView("zz_bad", {.source = "raw", .target = "bad_target", .select = "fail"}, std::nullopt));
  EXPECT_STATUS(db->Insert("raw", Rows({{"a", 1}})), absl::StatusCode::kInvalidArgument,
                "materialized view zz_bad (raw -> bad_target): Cannot parse string 'x' as UInt64");
  for (const char* t : {"raw", "sums", "copy", "_inner_chain", "bad_target"}) {
    ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts(t));
    EXPECT_TRUE(parts.empty()) << t;
  }
  // Nothing is left on disk either: only committed part directories may stay.
  ASSERT_OK_AND_ASSIGN(auto tables, env.ListDir("db/tables"));
  for (const std::string& t : tables) {
    ASSERT_OK_AND_ASSIGN(auto entries, env.ListDir(JoinPath("db/tables", t)));
    for (const std::string& e : entries) EXPECT_EQ(e, "detached") << t;
  }
  ASSERT_OK(db->DropView("zz_bad"));
  ASSERT_OK(db->Insert("raw", Rows({{"a", 1}})));
  EXPECT_EQ(SumOf(*db, "sums", "total").first, 1u);
}

TEST(ViewCoreTest, CatalogRulesKeepViewsOnTablesThatExist) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ThreeViews(db.get());
  EXPECT_STATUS(db->DropTable("raw"), absl::StatusCode::kFailedPrecondition, "source of materialized view 'by_k'");
  EXPECT_STATUS(db->DropTable("copy"), absl::StatusCode::kFailedPrecondition, "target of materialized view 'mirror'");
  EXPECT_STATUS(db->DropTable("_inner_chain"), absl::StatusCode::kFailedPrecondition, "DROP VIEW drops it");
  EXPECT_STATUS(db->CreateView("loop", {.source = "_inner_chain", .target = "raw", .select = "copy"}, std::nullopt),
                absl::StatusCode::kInvalidArgument, "views would loop");
  EXPECT_STATUS(db->CreateView("self", {.source = "raw", .target = "raw", .select = "copy"}, std::nullopt),
                absl::StatusCode::kInvalidArgument, "cannot write the table it reads");
  EXPECT_STATUS(db->CreateView("of_view", {.source = "mirror", .target = "copy", .select = "copy"}, std::nullopt),
                absl::StatusCode::kInvalidArgument, "is a materialized view");
  EXPECT_STATUS(db->CreateView("raw", {.source = "raw", .target = "copy", .select = "copy"}, std::nullopt),
                absl::StatusCode::kAlreadyExists, "a table named 'raw'");
  EXPECT_STATUS(db->CreateTable("mirror", Source()), absl::StatusCode::kAlreadyExists, "view");
  EXPECT_STATUS(db->CreateView("odd", {.source = "raw", .target = "copy", .select = "nonsense"}, std::nullopt),
                absl::StatusCode::kInvalidArgument, "materialized view odd: unknown test view");
  EXPECT_OK(db->CreateView("mirror", {.source = "raw", .target = "copy", .select = "copy"}, std::nullopt, true));
  // A view's inner table goes with it; DROP TABLE of a view drops the view.
  ASSERT_OK(db->DropTable("chain"));
  EXPECT_FALSE(db->GetSchema("_inner_chain").ok());
  ASSERT_OK(db->DropView("mirror"));
  ASSERT_OK(db->DropView("by_k"));
  ASSERT_OK(db->DropTable("raw"));
  EXPECT_STATUS(db->DropView("by_k"), absl::StatusCode::kNotFound, "does not exist");
  EXPECT_OK(db->DropView("by_k", true));
  // A database's views go with it; a view elsewhere that uses its tables stops the drop.
  ASSERT_OK(db->CreateDatabase("m"));
  ASSERT_OK(db->CreateTable("m.raw", Source()));
  ASSERT_OK(db->CreateView("m.v", {.source = "m.raw", .target = "m._inner_v", .select = "sum", .inner_target = true},
                           Sums()));
  ASSERT_OK(db->CreateView("out", {.source = "m.raw", .target = "copy", .select = "copy"}, std::nullopt));
  EXPECT_STATUS(db->DropDatabase("m"), absl::StatusCode::kFailedPrecondition, "materialized view 'out'");
  ASSERT_OK(db->DropView("out"));
  ASSERT_OK(db->DropDatabase("m"));
  EXPECT_TRUE(db->ListViews().empty());
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_TRUE(db->ListViews().empty());
  EXPECT_EQ(db->ListTables(), (std::vector<std::string>{"copy", "sums"}));
}

TEST(ViewCoreTest, AChainOfViewsEndsAtItsDepthLimit) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  for (size_t i = 0; i <= kMaxViewDepth + 1; ++i) ASSERT_OK(db->CreateTable(absl::StrCat("t", i), Source()));
  // Built from both ends: t0 -> t1 ... and ... t32 -> t33, then the link in the middle.
  for (size_t i = 0; i + 1 <= kMaxViewDepth + 1; ++i) {
    if (i == 16) continue;
    ASSERT_OK(db->CreateView(absl::StrCat("v", i), {.source = absl::StrCat("t", i), .target = absl::StrCat("t", i + 1),
                                                    .select = "copy"},
                             std::nullopt));
  }
  EXPECT_STATUS(db->CreateView("v16", {.source = "t16", .target = "t17", .select = "copy"}, std::nullopt),
                absl::StatusCode::kInvalidArgument, "a chain of 33 views (at most 32)");
  ASSERT_OK(db->DropView("v0"));
  ASSERT_OK(db->CreateView("v16", {.source = "t16", .target = "t17", .select = "copy"}, std::nullopt));
  ASSERT_OK(db->Insert("t1", Rows({{"a", 1}})));
  EXPECT_EQ(SumOf(*db, absl::StrCat("t", kMaxViewDepth + 1), "v").first, 1u);
}

TEST(ViewCoreTest, AViewCreatedDuringAnInsertAbortsItsCommit) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ThreeViews(db.get());
  ASSERT_OK_AND_ASSIGN(auto batch, db->BeginInsert("raw"));
  ASSERT_OK(batch->Add(Rows({{"a", 1}})));
  ASSERT_OK(db->CreateTable("late", Source()));
  ASSERT_OK(db->CreateView("late_v", {.source = "raw", .target = "late", .select = "copy"}, std::nullopt));
  EXPECT_STATUS(batch->Commit(), absl::StatusCode::kAborted, "created or dropped during the insert");
  EXPECT_EQ(SumOf(*db, "raw", "v").second, 0u);
  ASSERT_OK(db->Insert("raw", Rows({{"a", 1}})));
  EXPECT_EQ(SumOf(*db, "late", "v").second, 1u);
}

// Sums of every table of ThreeViews: a consistent state has raw == copy == sums ==
// grand, and holds the insert whole or not at all.
void ExpectConsistent(Database* db, uint64_t before, uint64_t added, const absl::Status& result) {
  const uint64_t raw = SumOf(*db, "raw", "v").first;
  if (result.ok()) {
    EXPECT_EQ(raw, before + added) << "an acknowledged insert was lost";
  } else {
    EXPECT_TRUE(raw == before || raw == before + added) << raw;
  }
  EXPECT_EQ(SumOf(*db, "copy", "v").first, raw);
  EXPECT_EQ(SumOf(*db, "sums", "total").first, raw);
  EXPECT_EQ(SumOf(*db, "_inner_chain", "total").first, raw);
  EXPECT_EQ(db->recovery().detached, 0u);
  EXPECT_EQ(db->recovery().missing, 0u);
}

void SetUpThreeViews(MemEnv* mem) {
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = mem}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ThreeViews(db.get());
  ASSERT_OK(db->Insert("raw", Rows({{"a", 5}, {"q", 2}})));
}

TEST(ViewCoreTest, EveryTableHoldsTheInsertOrNoneDoesAtEveryCrashAndError) {
  for (auto fault : {testing_faults::Fault::kCrash, testing_faults::Fault::kError}) {
    testing_faults::FaultAtEveryStep(
        fault, SetUpThreeViews,
        [](Database* db) -> absl::Status {
          db->SetViewCompiler(std::make_shared<TestCompiler>());
          TALLY_ASSIGN_OR_RETURN(auto batch, db->BeginInsert("raw"));
          TALLY_RETURN_IF_ERROR(batch->Add(Rows({{"a", 1}, {"b", 2}})));
          TALLY_RETURN_IF_ERROR(batch->Add(Rows({{"c", 4}})));
          return batch->Commit();
        },
        [](Database* db, const absl::Status& result) { ExpectConsistent(db, 7, 7, result); });
  }
}

TEST(ViewCoreTest, ARetriedInsertIsStoredOnceInTheSourceAndEveryView) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ThreeViews(db.get());
  const Block block = Rows({{"a", 1}, {"b", 2}});
  for (int retry = 0; retry < 3; ++retry) {
    ASSERT_OK_AND_ASSIGN(auto batch, db->BeginInsert("raw"));
    ASSERT_OK(batch->Add(block));
    ASSERT_OK(batch->Commit());
    EXPECT_EQ(batch->deduplicated(), retry > 0);
  }
  ExpectConsistent(db.get(), 0, 3, absl::OkStatus());
  // A token names the insert whatever its data; a different token stores the same rows.
  ASSERT_OK(db->Insert("raw", Rows({{"x", 10}}), {.deduplication_token = "t1"}));
  ASSERT_OK(db->Insert("raw", Rows({{"y", 20}}), {.deduplication_token = "t1"}));
  ASSERT_OK(db->Insert("raw", Rows({{"x", 10}}), {.deduplication_token = "t2"}));
  ExpectConsistent(db.get(), 0, 23, absl::OkStatus());
  ASSERT_OK(db->Insert("raw", block, {.deduplicate = false}));
  ExpectConsistent(db.get(), 0, 26, absl::OkStatus());
  // Across a reopen, and across a rewrite of the manifest as a snapshot.
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env, .manifest_rewrite_bytes = 1}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->Insert("raw", Rows({{"x", 10}}), {.deduplication_token = "t2"}));
  ASSERT_OK(db->Insert("raw", Rows({{"n", 1}})));  // new: the log passes its limit and is rewritten
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->Insert("raw", Rows({{"y", 20}}), {.deduplication_token = "t1"}));
  ASSERT_OK(db->Insert("raw", block));
  ExpectConsistent(db.get(), 0, 27, absl::OkStatus());
  // TRUNCATE forgets the tokens: the same rows inserted again are stored.
  ASSERT_OK(db->TruncateTable("raw"));
  ASSERT_OK(db->Insert("raw", block));
  EXPECT_EQ(SumOf(*db, "raw", "v").first, 3u);
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->TruncateTable("raw"));
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->Insert("raw", block));
  EXPECT_EQ(SumOf(*db, "raw", "v").first, 3u) << "TRUNCATE's forgetting must survive a reopen";
}

TEST(ViewCoreTest, TheWindowKeepsTheNewestInsertsForItsAge) {
  MemEnv env;
  env.SetNowMicros(uint64_t{1'800'000'000} * 1'000'000);
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  format::TableSchema schema = Source();
  schema.settings = {{std::string(kDedupWindowSetting), "3", {}}, {std::string(kDedupWindowSecondsSetting), "60", {}}};
  ASSERT_OK(db->CreateTable("raw", schema));
  for (uint64_t i = 0; i < 4; ++i) ASSERT_OK(db->Insert("raw", Rows({{"a", i}})));
  ASSERT_OK(db->Insert("raw", Rows({{"a", 0}})));  // fell out of the window (3 newest): stored
  ASSERT_OK(db->Insert("raw", Rows({{"a", 3}})));  // in it: not
  EXPECT_EQ(SumOf(*db, "raw", "v"), std::make_pair(uint64_t{6}, uint64_t{5}));
  env.SetNowMicros(uint64_t{1'800'000'061} * 1'000'000);
  ASSERT_OK(db->Insert("raw", Rows({{"a", 3}})));  // older than 60 s: stored
  EXPECT_EQ(SumOf(*db, "raw", "v"), std::make_pair(uint64_t{9}, uint64_t{6}));
  EXPECT_STATUS(db->ModifySettings("raw", {{std::string(kDedupWindowSetting), "x", {}}}),
                absl::StatusCode::kInvalidArgument, "must be a whole number");
  ASSERT_OK(db->ModifySettings("raw", {{std::string(kDedupWindowSetting), "0", {}}}));
  ASSERT_OK(db->Insert("raw", Rows({{"a", 3}})));
  ASSERT_OK(db->Insert("raw", Rows({{"a", 3}})));
  EXPECT_EQ(SumOf(*db, "raw", "v"), std::make_pair(uint64_t{15}, uint64_t{8}));
}

TEST(ViewCoreTest, PopulateCountsTheRowsBeforeItOnceAndInsertsDuringItOnce) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->CreateTable("raw", Source()));
  ASSERT_OK(db->CreateTable("sums", Sums()));
  for (uint64_t i = 1; i <= 4; ++i) ASSERT_OK(db->Insert("raw", Rows({{"a", i}, {"b", 10 * i}})));
  // Midway through the backfill: an insert (through the view, not the backfill) and an
  // OPTIMIZE, which must not merge the backfilled parts with the new one.
  std::function<absl::Status()> during = [&]() -> absl::Status {
    TALLY_RETURN_IF_ERROR(db->Insert("raw", Rows({{"c", 1000}})));
    TALLY_RETURN_IF_ERROR(db->Optimize("raw", {.final = true}).status());
    return absl::OkStatus();
  };
  hook = &during;
  ASSERT_OK(db->CreateView("by_k", {.source = "raw", .target = "sums", .select = "sum"}, std::nullopt, false, true));
  hook = nullptr;
  EXPECT_EQ(SumOf(*db, "raw", "v").first, 1110u);
  EXPECT_EQ(SumOf(*db, "sums", "total").first, 1110u);
  EXPECT_EQ(SumOf(*db, "sums", "n").first, 9u);
  EXPECT_FALSE(db->has_pending_backfills());
  ASSERT_OK_AND_ASSIGN(auto parts, db->ListParts("raw"));
  EXPECT_EQ(parts.size(), 2u) << "the backfilled parts were merged, and not with the insert made during it";
  ASSERT_OK(db->Optimize("raw", {.final = true}).status());
  ASSERT_OK_AND_ASSIGN(parts, db->ListParts("raw"));
  EXPECT_EQ(parts.size(), 1u) << "once the backfill is done, merges join them";
  // POPULATE of an empty source has nothing to do.
  ASSERT_OK(db->CreateTable("empty", Source()));
  ASSERT_OK(db->CreateTable("copy", Source()));
  ASSERT_OK(db->CreateView("e", {.source = "empty", .target = "copy", .select = "copy"}, std::nullopt, false, true));
  EXPECT_FALSE(db->has_pending_backfills());
}

TEST(ViewCoreTest, AFailedPopulateStaysPendingAndRunsAgain) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->CreateTable("raw", Source()));
  ASSERT_OK(db->CreateTable("sums", Sums()));
  ASSERT_OK(db->Insert("raw", Rows({{"a", 1}, {"b", 2}})));
  std::function<absl::Status()> fail = [] { return absl::UnavailableError("disk went away"); };
  hook = &fail;
  EXPECT_STATUS(db->CreateView("by_k", {.source = "raw", .target = "sums", .select = "sum"}, std::nullopt, false, true),
                absl::StatusCode::kUnavailable, "the view is created, and its POPULATE failed");
  hook = nullptr;
  EXPECT_TRUE(db->has_pending_backfills());
  EXPECT_EQ(SumOf(*db, "sums", "total").second, 0u);
  ASSERT_OK(db->Insert("raw", Rows({{"c", 4}})));  // through the view meanwhile
  db.reset();
  ASSERT_OK_AND_ASSIGN(db, Database::Open("db", {.env = &env}));
  EXPECT_TRUE(db->has_pending_backfills());
  EXPECT_STATUS(db->ResumeBackfills(), absl::StatusCode::kFailedPrecondition, "no view compiler");
  db->SetViewCompiler(std::make_shared<TestCompiler>());
  ASSERT_OK(db->ResumeBackfills());
  EXPECT_FALSE(db->has_pending_backfills());
  EXPECT_EQ(SumOf(*db, "sums", "total").first, 7u);
  EXPECT_EQ(SumOf(*db, "sums", "n").first, 3u);
}

TEST(ViewCoreTest, PopulateCountsEveryRowOnceAtEveryCrashAndError) {
  for (auto fault : {testing_faults::Fault::kCrash, testing_faults::Fault::kError}) {
    testing_faults::FaultAtEveryStep(
        fault,
        [](MemEnv* mem) {
          ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = mem}));
          ASSERT_OK(db->CreateTable("raw", Source()));
          ASSERT_OK(db->CreateTable("sums", Sums()));
          ASSERT_OK(db->Insert("raw", Rows({{"a", 5}, {"q", 2}})));
          ASSERT_OK(db->Insert("raw", Rows({{"b", 30}})));
        },
        [](Database* db) -> absl::Status {
          db->SetViewCompiler(std::make_shared<TestCompiler>());
          TALLY_RETURN_IF_ERROR(
              db->CreateView("by_k", {.source = "raw", .target = "sums", .select = "sum"}, std::nullopt, false, true));
          return db->Insert("raw", Rows({{"c", 100}}));
        },
        [](Database* db, const absl::Status& result) {
          db->SetViewCompiler(std::make_shared<TestCompiler>());
          EXPECT_OK(db->ResumeBackfills());
          const uint64_t raw = SumOf(*db, "raw", "v").first;
          if (result.ok()) {
            EXPECT_EQ(raw, 137u);
          }
          EXPECT_TRUE(raw == 37 || raw == 137) << raw;
          const bool view = !db->ListViews().empty();
          EXPECT_EQ(SumOf(*db, "sums", "total").first, view ? raw : 0) << "view " << view;
          if (!view) {
            EXPECT_EQ(raw, 37u);
          }
        });
  }
}

}  // namespace
}  // namespace tally::engine
