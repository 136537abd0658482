// Merges: MergeParts against a stable sort of its inputs' rows, for keys of every sortable
// type and every column layout; LowCardinality dictionaries (union, plain-mode fallback);
// PartWriter producing the same bytes however its rows are chunked; Database::Optimize.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/merge.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "engine/sort.h"
#include "tests/metering_data.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;

format::TableSchema MakeSchema(std::vector<std::pair<const char*, const char*>> columns,
                               std::vector<std::string> key) {
  format::TableSchema s;
  for (const auto& [name, type] : columns) {
    s.columns.push_back(format::ColumnDef{name, *format::ParseDataType(type), {}, ""});
  }
  s.sort_key = std::move(key);
  s.partition_by = "";
  s.index_granularity = 64;
  s.index_granularity_bytes = 4096;  // the String columns close some granules early
  s.min_block_bytes = 512;           // many column blocks per part
  return s;
}

// LowCardinality key and time, values of every layout; `v` numbers each generated row.
format::TableSchema DictionarySchema() {
  return MakeSchema({{"tenant", "LowCardinality(String)"},
                     {"t", "DateTime"},
                     {"v", "UInt64"},
                     {"s", "Nullable(String)"},
                     {"ln", "LowCardinality(Nullable(String))"},
                     {"tags", "Array(LowCardinality(String))"},
                     {"attrs", "Map(LowCardinality(String), UInt32)"}},
                    {"tenant", "t"});
}

// Keys of the other sortable types: String, Nullable(Int32), Float64 (NaN), UUID.
format::TableSchema ScalarKeySchema() {
  return MakeSchema({{"s", "String"}, {"n", "Nullable(Int32)"}, {"f", "Float64"}, {"u", "UUID"}, {"v", "UInt64"}},
                    {"s", "n", "f", "u"});
}

Value Uuid(uint64_t hi, uint64_t lo) {
  std::string bytes(16, '\0');
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<char>(lo >> (56 - 8 * i));
  }
  return Value::String(bytes);  // a UUID value is its 16 bytes
}

// Rows of part `part`: few distinct keys, so equal keys meet across parts; every part
// also has LowCardinality values of its own, so the dictionaries differ.
Block Rows(const format::TableSchema& schema, size_t rows, uint64_t part) {
  Block b;
  for (const auto& c : schema.columns) b.Add(c.name, Column::Make(c.type));
  std::mt19937_64 rng(part * 1000 + 17);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < schema.columns.size(); ++c) {
      const std::string& name = schema.columns[c].name;
      Value v;
      if (name == "tenant") {
        v = Value::String(rng() % 4 == 0 ? absl::StrCat("own-", part, "-", rng() % 5) : absl::StrCat("tenant-", rng() % 6));
      } else if (name == "t") {
        v = Value::UInt(1790812800 + rng() % 50);
      } else if (name == "v") {
        v = Value::UInt(part * 1'000'000 + r);
      } else if (name == "s" && schema.columns[c].type->id() == format::TypeId::kNullable) {
        v = rng() % 5 == 0 ? Value::Null() : Value::String(std::string(rng() % 30, static_cast<char>('a' + rng() % 26)));
      } else if (name == "s") {
        v = Value::String(std::string(rng() % 3, static_cast<char>('a' + rng() % 3)));
      } else if (name == "ln") {
        v = rng() % 3 == 0 ? Value::Null() : Value::String(absl::StrCat("l", part, "-", rng() % 7));
      } else if (name == "tags") {
        std::vector<Value> items;
        for (uint64_t i = 0, n = rng() % 4; i < n; ++i) items.push_back(Value::String(absl::StrCat("tag", rng() % (5 + part))));
        v = Value::Array(items);
      } else if (name == "attrs") {
        std::vector<Value> items;
        for (uint64_t i = 0, n = rng() % 3; i < n; ++i) {
          items.push_back(Value::String(absl::StrCat("k", part, rng() % 4)));
          items.push_back(Value::UInt(rng() % 100000));
        }
        v = Value::Map(items);
      } else if (name == "n") {
        v = rng() % 4 == 0 ? Value::Null() : Value::Int(static_cast<int64_t>(rng() % 5) - 2);
      } else if (name == "f") {
        const uint64_t k = rng() % 6;
        v = Value::Float(k == 0 ? std::numeric_limits<double>::quiet_NaN() : k == 1 ? -0.0 : static_cast<double>(k) / 2 - 1);
      } else if (name == "u") {
        v = Uuid(rng() % 2, rng() % 3);
      }
      EXPECT_OK(b.columns[c].AppendValue(v));
    }
  }
  return b;
}

Block SortedByKey(const format::TableSchema& schema, const Block& b) {
  std::vector<const Column*> keys;
  for (const auto& k : schema.sort_key) keys.push_back(&b.columns[schema.FindColumn(k)]);
  std::vector<uint32_t> rows(b.rows());
  std::iota(rows.begin(), rows.end(), 0);
  std::vector<uint32_t> order = SortPermutation(keys, std::move(rows));
  Block sorted;
  for (size_t c = 0; c < b.columns.size(); ++c) sorted.Add(b.names[c], Column::Gather(b.columns[c], order));
  return sorted;
}

Block ReadAll(const PartPtr& part, const format::TableSchema& schema) {
  Block b;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    ColumnCursor cursor(part, c);
    auto column = cursor.Read(0, part->granules());
    EXPECT_OK(column);
    b.Add(schema.columns[c].name, column.ok() ? std::move(*column) : Column::Make(schema.columns[c].type));
  }
  return b;
}

void ExpectSameRows(const Block& got, const Block& want) {
  ASSERT_EQ(got.rows(), want.rows());
  for (size_t c = 0; c < want.columns.size(); ++c) {
    for (size_t r = 0; r < want.rows(); ++r) {
      const Value a = got.columns[c].GetValue(r), b = want.columns[c].GetValue(r);
      // NaN != NaN; the key order puts it last, and that is what is checked.
      if (a.kind == Value::Kind::kFloat && std::isnan(a.f) && std::isnan(b.f)) continue;
      ASSERT_EQ(a, b) << "column " << want.names[c] << " row " << r;
    }
  }
}

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(env_.CreateDirs("t")); }

  // Writes each block (sorted) as a part of blocks 1, 2, ...; returns the parts.
  std::vector<PartPtr> WriteParts(const format::TableSchema& schema, const std::vector<Block>& blocks) {
    std::vector<PartPtr> parts;
    for (size_t i = 0; i < blocks.size(); ++i) {
      PartIdentity id{"all", {}, i + 1, i + 1, 0};
      auto meta = WritePart(&env_, "t", schema, id, SortedByKey(schema, blocks[i]));
      EXPECT_OK(meta);
      if (!meta.ok()) return {};
      auto part = Part::Open(&env_, "t/" + meta->name);
      EXPECT_OK(part);
      if (!part.ok()) return {};
      parts.push_back(*part);
    }
    return parts;
  }

  // Merges `blocks` written as parts and checks the result is the stable sort of their
  // sorted rows in part order; returns the merged part.
  PartPtr MergeAndCheck(const format::TableSchema& schema, const std::vector<Block>& blocks) {
    std::vector<PartPtr> parts = WriteParts(schema, blocks);
    EXPECT_EQ(parts.size(), blocks.size());
    auto outcome = MergeParts(&env_, "t", schema, EngineSpec{}, parts);
    EXPECT_OK(outcome);
    if (!outcome.ok() || !outcome->meta.has_value()) return nullptr;
    const format::PartMeta* meta = &*outcome->meta;
    EXPECT_EQ(meta->name, absl::StrCat("all_1_", blocks.size(), "_1"));
    // A merged part waits under its temporary name until its caller commits it.
    EXPECT_FALSE(env_.FileExists("t/" + meta->name));
    EXPECT_OK(PublishPart(&env_, "t", meta->name));
    auto merged = Part::Open(&env_, "t/" + meta->name);
    EXPECT_OK(merged);
    if (!merged.ok()) return nullptr;
    EXPECT_OK((*merged)->VerifyChecksums());

    Block all;
    for (const auto& c : schema.columns) all.Add(c.name, Column::Make(c.type));
    for (const Block& b : blocks) {
      Block sorted = SortedByKey(schema, b);
      for (size_t c = 0; c < all.columns.size(); ++c) all.columns[c].AppendRange(sorted.columns[c], 0, sorted.rows());
    }
    ExpectSameRows(ReadAll(*merged, schema), SortedByKey(schema, all));

    // Granules: none past the row limit, and the primary index holds each one's first key.
    const format::PrimaryIndex& index = (*merged)->index();
    for (size_t g = 0; g < (*merged)->granules(); ++g) {
      EXPECT_LE(index.granule_starts[g + 1] - index.granule_starts[g], schema.index_granularity);
    }
    return *merged;
  }

  MemEnv env_;
};

TEST_F(MergeTest, MergedPartHoldsTheInputRowsInKeyOrderWithDictionaryKeys) {
  const format::TableSchema schema = DictionarySchema();
  PartPtr merged = MergeAndCheck(schema, {Rows(schema, 1500, 1), Rows(schema, 700, 2), Rows(schema, 2300, 3),
                                          Rows(schema, 1, 4)});
  ASSERT_NE(merged, nullptr);
  EXPECT_GT(merged->granules(), 70u);
}

TEST_F(MergeTest, MergedPartHoldsTheInputRowsInKeyOrderWithScalarKeys) {
  const format::TableSchema schema = ScalarKeySchema();
  ASSERT_NE(MergeAndCheck(schema, {Rows(schema, 900, 1), Rows(schema, 1200, 2), Rows(schema, 400, 3)}), nullptr);
}

TEST_F(MergeTest, EqualKeysKeepTheOrderOfTheirParts) {
  format::TableSchema schema = MakeSchema({{"k", "UInt8"}, {"v", "UInt64"}}, {"k"});
  std::vector<Block> blocks;
  for (uint64_t p = 0; p < 3; ++p) {
    Block b;
    b.Add("k", Column::Make(schema.columns[0].type));
    b.Add("v", Column::Make(schema.columns[1].type));
    for (uint64_t r = 0; r < 500; ++r) {
      b.columns[0].Append<uint8_t>(static_cast<uint8_t>(r % 2));
      b.columns[1].Append<uint64_t>(p * 1000 + r);
    }
    blocks.push_back(std::move(b));
  }
  PartPtr merged = MergeAndCheck(schema, blocks);
  ASSERT_NE(merged, nullptr);
  Block got = ReadAll(merged, schema);
  // k = 0 first: part 0's even rows, then part 1's, then part 2's.
  EXPECT_EQ(got.columns[1].values<uint64_t>()[0], 0u);
  EXPECT_EQ(got.columns[1].values<uint64_t>()[250], 1000u);
  EXPECT_EQ(got.columns[1].values<uint64_t>()[749], 2498u);
  EXPECT_EQ(got.columns[1].values<uint64_t>()[750], 1u);
}

TEST_F(MergeTest, DictionaryOfMergedPartIsTheSortedUnionOfItsInputs) {
  const format::TableSchema schema = DictionarySchema();
  std::vector<Block> blocks = {Rows(schema, 800, 1), Rows(schema, 800, 2)};
  PartPtr merged = MergeAndCheck(schema, blocks);
  ASSERT_NE(merged, nullptr);
  const size_t tenant = schema.FindColumn("tenant");
  const auto& dict = merged->column_data(tenant).dictionaries;
  ASSERT_EQ(dict.size(), 1u);
  ASSERT_NE(dict[0], nullptr);
  std::set<std::string> distinct;
  for (const Block& b : blocks) {
    for (size_t r = 0; r < b.rows(); ++r) distinct.insert(b.columns[tenant].GetValue(r).s);
  }
  ASSERT_EQ(dict[0]->size(), distinct.size());
  size_t i = 0;
  for (const std::string& s : distinct) EXPECT_EQ(dict[0]->StringAt(i++), s);
  // Nullable node: entry 0 is NULL; the Map key node is a dictionary too.
  const auto& ln = merged->column_data(schema.FindColumn("ln")).dictionaries;
  ASSERT_NE(ln[0], nullptr);
  EXPECT_EQ(ln[0]->StringAt(0), "");
  EXPECT_NE(merged->column_data(schema.FindColumn("attrs")).dictionaries[0], nullptr);
}

TEST_F(MergeTest, DictionaryUnionPastTheLimitIsWrittenInPlainMode) {
  format::TableSchema schema = DictionarySchema();
  schema.max_dictionary_entries = 12;  // each part's tenants fit; their union does not
  PartPtr merged = MergeAndCheck(schema, {Rows(schema, 600, 1), Rows(schema, 600, 2)});
  ASSERT_NE(merged, nullptr);
  const auto& plans = merged->meta().columns[schema.FindColumn("tenant")].lc_plans;
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_FALSE(plans[0].dictionary);
}

TEST_F(MergeTest, InputInPlainModeGivesPlainMode) {
  format::TableSchema schema = DictionarySchema();
  schema.max_dictionary_entries = 8;  // the tenants of part 1 (6 shared + 5 own) do not fit
  std::vector<Block> blocks = {Rows(schema, 600, 1), Rows(schema, 3, 2)};
  PartPtr merged = MergeAndCheck(schema, blocks);
  ASSERT_NE(merged, nullptr);
  EXPECT_FALSE(merged->meta().columns[schema.FindColumn("tenant")].lc_plans[0].dictionary);
}

TEST_F(MergeTest, MergeRefusesPartsOfDifferentPartitions) {
  const format::TableSchema schema = ScalarKeySchema();
  std::vector<PartPtr> parts = WriteParts(schema, {Rows(schema, 10, 1)});
  PartIdentity other{"202611", {}, 2, 2, 0};
  ASSERT_OK_AND_ASSIGN(format::PartMeta meta, WritePart(&env_, "t", schema, other, SortedByKey(schema, Rows(schema, 10, 2))));
  ASSERT_OK_AND_ASSIGN(PartPtr second, Part::Open(&env_, "t/" + meta.name));
  parts.push_back(second);
  EXPECT_EQ(MergeParts(&env_, "t", schema, EngineSpec{}, parts).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(MergeParts(&env_, "t", schema, EngineSpec{}, {}).status().code(), absl::StatusCode::kInternal);
}

// One part is rewritten whole (what a flush of an inline part does): the same rows.
TEST_F(MergeTest, OnePartIsRewrittenWhole) {
  const format::TableSchema schema = ScalarKeySchema();
  std::vector<PartPtr> parts = WriteParts(schema, {Rows(schema, 1000, 1)});
  ASSERT_OK_AND_ASSIGN(MergeOutcome outcome, MergeParts(&env_, "t", schema, EngineSpec{}, parts));
  EXPECT_EQ(outcome.rows_in, 1000u);
  EXPECT_EQ(outcome.rows_out, 1000u);
}

TEST_F(MergeTest, CancelledMergeStopsAndLeavesNothing) {
  const format::TableSchema schema = ScalarKeySchema();
  std::vector<PartPtr> parts = WriteParts(schema, {Rows(schema, 40000, 1), Rows(schema, 40000, 2)});
  std::atomic<bool> cancel{true};
  EXPECT_EQ(MergeParts(&env_, "t", schema, EngineSpec{}, parts, &cancel).status().code(), absl::StatusCode::kCancelled);
  ASSERT_OK_AND_ASSIGN(auto listed, env_.ListDir("t"));
  EXPECT_EQ(listed.size(), 2u) << absl::StrJoin(listed, " ");  // the inputs only
  cancel = false;
  EXPECT_OK(MergeParts(&env_, "t", schema, EngineSpec{}, parts, &cancel));
}

// Appending a part's rows in chunks of any size writes the very bytes of one Append.
TEST_F(MergeTest, PartWriterChunkingDoesNotChangeTheBytes) {
  for (const format::TableSchema& schema : {DictionarySchema(), ScalarKeySchema()}) {
    Block block = SortedByKey(schema, Rows(schema, 3000, 5));
    PartWriter::Dictionaries dicts(schema.columns.size());
    for (size_t c = 0; c < block.columns.size(); ++c) {
      format::PrepareLowCardinality(&block.columns[c], schema.max_dictionary_entries, &dicts[c]);
    }
    std::mt19937_64 rng(3);
    std::vector<std::vector<std::string>> files;
    for (int run = 0; run < 4; ++run) {
      const std::string dir = absl::StrCat("run", run);
      ASSERT_OK(env_.CreateDirs(dir));
      ASSERT_OK_AND_ASSIGN(auto writer, PartWriter::Create(&env_, dir, schema, PartIdentity{"all", {}, 1, 1, 0}, dicts));
      size_t pos = 0;
      while (pos < block.rows()) {
        // Run 0: one Append; then chunks of 1 to 200 rows, cutting granules anywhere.
        const size_t n = run == 0 ? block.rows() : std::min<size_t>(block.rows() - pos, 1 + rng() % 200);
        Block chunk;
        for (size_t c = 0; c < block.columns.size(); ++c) {
          Column piece = Column::Make(block.columns[c].type);
          piece.AppendRange(block.columns[c], pos, n);
          chunk.Add(block.names[c], std::move(piece));
        }
        ASSERT_OK(writer->Append(chunk));
        pos += n;
      }
      ASSERT_OK_AND_ASSIGN(format::PartMeta meta, writer->Finish());
      std::vector<std::string> contents;
      for (const auto& f : meta.files) {
        ASSERT_OK_AND_ASSIGN(std::string bytes, env_.ReadFileToString(TmpPartDir(dir, meta.name) + "/" + f.name));
        contents.push_back(f.name + ":" + bytes);
      }
      files.push_back(std::move(contents));
      ASSERT_OK(env_.RemoveAll(dir));
    }
    for (size_t run = 1; run < files.size(); ++run) EXPECT_EQ(files[run], files[0]) << "run " << run;
  }
}

TEST_F(MergeTest, UnfinishedWriterLeavesNothingBehind) {
  const format::TableSchema schema = ScalarKeySchema();
  {
    ASSERT_OK_AND_ASSIGN(auto writer, PartWriter::Create(&env_, "t", schema, PartIdentity{"all", {}, 1, 1, 0},
                                                         PartWriter::Dictionaries(schema.columns.size())));
    ASSERT_OK(writer->Append(SortedByKey(schema, Rows(schema, 100, 1))));
    ASSERT_OK_AND_ASSIGN(auto listed, env_.ListDir("t"));
    EXPECT_EQ(listed.size(), 1u);
  }
  ASSERT_OK_AND_ASSIGN(auto listed, env_.ListDir("t"));
  EXPECT_TRUE(listed.empty());
  ASSERT_OK_AND_ASSIGN(auto empty, PartWriter::Create(&env_, "t", schema, PartIdentity{"all", {}, 2, 2, 0},
                                                      PartWriter::Dictionaries(schema.columns.size())));
  EXPECT_EQ(empty->Finish().status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Database::Optimize ----

uint64_t SumValue(Database* db, const std::string& table, uint64_t* rows) {
  auto cursor = db->Scan(table, {.columns = {"value"}});
  EXPECT_OK(cursor);
  uint64_t sum = 0;
  *rows = 0;
  Block b;
  while (cursor.ok()) {
    auto more = (*cursor)->Next(&b);
    EXPECT_OK(more);
    if (!more.ok() || !*more) break;
    *rows += b.rows();
    for (size_t r = 0; r < b.rows(); ++r) sum += b.columns[0].values<uint64_t>()[r];
  }
  return sum;
}

std::map<std::string, int> PartsPerPartition(Database* db, const std::string& table) {
  std::map<std::string, int> out;
  auto parts = db->ListParts(table);
  EXPECT_OK(parts);
  if (parts.ok()) {
    for (const PartInfo& p : *parts) out[p.partition_id]++;
  }
  return out;
}

class OptimizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    format::TableSchema schema = testing_data::MeteringSchema();
    schema.index_granularity = 256;
    ASSERT_OK(db_->CreateTable("events", schema));
    // Five inserts into October, the last two also into November.
    for (uint64_t i = 0; i < 5; ++i) {
      const uint32_t span = i < 3 ? 20 * 86400 : 50 * 86400;
      ASSERT_OK(db_->Insert("events", testing_data::MeteringBlock(3000, 100 + i, 1790812800, span)));
    }
    sum_ = SumValue(db_.get(), "events", &rows_);
    ASSERT_EQ(rows_, 15000u);
  }

  MemEnv env_;
  std::unique_ptr<Database> db_;
  uint64_t sum_ = 0, rows_ = 0;
};

TEST_F(OptimizeTest, MergesEachPartitionIntoOnePart) {
  EXPECT_EQ(PartsPerPartition(db_.get(), "events"), (std::map<std::string, int>{{"202610", 5}, {"202611", 2}}));
  ASSERT_OK_AND_ASSIGN(OptimizeResult result, db_->Optimize("events"));
  EXPECT_EQ(result.merges, 2u);
  EXPECT_EQ(result.parts_merged, 7u);
  EXPECT_EQ(result.rows, 15000u);
  EXPECT_EQ(PartsPerPartition(db_.get(), "events"), (std::map<std::string, int>{{"202610", 1}, {"202611", 1}}));
  uint64_t rows = 0;
  EXPECT_EQ(SumValue(db_.get(), "events", &rows), sum_);
  EXPECT_EQ(rows, rows_);
  EXPECT_OK(db_->CheckTable("events"));
  ASSERT_OK_AND_ASSIGN(auto parts, db_->ListParts("events"));
  for (const PartInfo& p : parts) EXPECT_EQ(p.level, 1u) << p.name;

  // Nothing left to merge; the merged parts survive a reopen and the inputs are gone.
  ASSERT_OK_AND_ASSIGN(result, db_->Optimize("events", {.final = true}));
  EXPECT_EQ(result.merges, 0u);
  db_.reset();
  ASSERT_OK_AND_ASSIGN(db_, Database::Open("db", {.env = &env_}));
  EXPECT_EQ(db_->recovery().obsolete_removed, 0u);
  EXPECT_TRUE(db_->recovery().events.empty()) << db_->recovery().events[0];
  EXPECT_EQ(PartsPerPartition(db_.get(), "events"), (std::map<std::string, int>{{"202610", 1}, {"202611", 1}}));
  EXPECT_EQ(SumValue(db_.get(), "events", &rows), sum_);
}

TEST_F(OptimizeTest, PartitionIdMergesOnlyThatPartition) {
  ASSERT_OK_AND_ASSIGN(OptimizeResult result, db_->Optimize("events", {.partition_id = "202611"}));
  EXPECT_EQ(result.merges, 1u);
  EXPECT_EQ(PartsPerPartition(db_.get(), "events"), (std::map<std::string, int>{{"202610", 5}, {"202611", 1}}));
  ASSERT_OK_AND_ASSIGN(result, db_->Optimize("events", {.partition_id = "209901"}));
  EXPECT_EQ(result.merges, 0u);
}

TEST_F(OptimizeTest, ScanStartedBeforeTheMergeReadsItsSnapshot) {
  ASSERT_OK_AND_ASSIGN(auto cursor, db_->Scan("events", {.columns = {"value"}}));
  ASSERT_OK(db_->Optimize("events"));
  uint64_t rows = 0;
  Block b;
  while (true) {
    ASSERT_OK_AND_ASSIGN(bool more, cursor->Next(&b));
    if (!more) break;
    rows += b.rows();
  }
  EXPECT_EQ(rows, rows_);
  cursor.reset();
  // The inputs' directories go once the last reader lets go of them.
  ASSERT_OK_AND_ASSIGN(auto tables, env_.ListDir("db/tables"));
  ASSERT_EQ(tables.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto dirs, env_.ListDir("db/tables/" + tables[0]));
  EXPECT_EQ(dirs.size(), 2u) << absl::StrJoin(dirs, " ");
}

TEST_F(OptimizeTest, InsertsAfterTheMergeAreMergedNext) {
  ASSERT_OK(db_->Optimize("events"));
  ASSERT_OK(db_->Insert("events", testing_data::MeteringBlock(1000, 7, 1790812800, 86400)));
  EXPECT_EQ(PartsPerPartition(db_.get(), "events")["202610"], 2);
  uint64_t october_rows = 0;
  ASSERT_OK_AND_ASSIGN(auto before, db_->ListParts("events"));
  for (const PartInfo& p : before) october_rows += p.partition_id == "202610" ? p.rows : 0;
  ASSERT_OK_AND_ASSIGN(OptimizeResult result, db_->Optimize("events"));
  EXPECT_EQ(result.merges, 1u);
  EXPECT_EQ(result.rows, october_rows);
  ASSERT_OK_AND_ASSIGN(auto after, db_->ListParts("events"));
  ASSERT_EQ(after.size(), 2u);
  for (const PartInfo& p : after) {
    if (p.partition_id != "202610") continue;
    EXPECT_EQ(p.level, 2u);
    EXPECT_EQ(p.rows, october_rows);
  }
}

TEST_F(OptimizeTest, UnknownTableIsNotFound) {
  EXPECT_EQ(db_->Optimize("nope").status().code(), absl::StatusCode::kNotFound);
}


// ---- background merges ----

// Polls until `done` holds or ten seconds pass (merges run in their own thread).
template <typename Done>
bool WaitFor(Done done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

TEST(BackgroundMergeTest, ManySmallInsertsAreFoldedIntoFewParts) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
  format::TableSchema schema = testing_data::MeteringSchema();
  schema.partition_by = "";
  ASSERT_OK(db->CreateTable("events", schema));
  uint64_t inserted = 0;
  for (uint64_t i = 0; i < 40; ++i) {
    ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(1 + i * 7, 500 + i)));
    inserted += 1 + i * 7;
  }
  EXPECT_TRUE(WaitFor([&] { return db->ListParts("events")->size() <= 12; }))
      << db->ListParts("events")->size() << " parts";
  EXPECT_GT(db->background_merges_done(), 0u);
  EXPECT_OK(db->background_merge_status());
  uint64_t rows = 0;
  SumValue(db.get(), "events", &rows);
  EXPECT_EQ(rows, inserted);
  EXPECT_OK(db->CheckTable("events"));
}

TEST(BackgroundMergeTest, InsertsScansAndOptimizeRunAlongsideMerges) {
  MemEnv env;
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
  ASSERT_OK(db->CreateTable("events", testing_data::MeteringSchema()));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> inserted{0}, sum{0};
  std::thread writer([&] {
    for (uint64_t i = 0; i < 60; ++i) {
      Block b = testing_data::MeteringBlock(200, 900 + i, 1790812800, 45 * 86400);
      uint64_t s = 0;
      for (size_t r = 0; r < b.rows(); ++r) s += b.columns[9].values<uint64_t>()[r];
      absl::Status st = db->Insert("events", b);
      if (!st.ok()) {
        ADD_FAILURE() << st;
        break;
      }
      sum += s;
      inserted += b.rows();
    }
    stop = true;
  });
  // Every scan sees whole inserts: a row count that is a multiple of 200, never a part
  // counted twice or missed while a merge swaps parts.
  while (!stop.load()) {
    uint64_t rows = 0;
    SumValue(db.get(), "events", &rows);
    ASSERT_EQ(rows % 200, 0u) << rows;
    ASSERT_LE(rows, inserted.load() + 200);
  }
  writer.join();
  ASSERT_OK(db->Optimize("events"));
  EXPECT_EQ(PartsPerPartition(db.get(), "events"), (std::map<std::string, int>{{"202610", 1}, {"202611", 1}}));
  uint64_t rows = 0;
  EXPECT_EQ(SumValue(db.get(), "events", &rows), sum.load());
  EXPECT_EQ(rows, inserted.load());
  EXPECT_OK(db->background_merge_status());
}

TEST(BackgroundMergeTest, ClosingTheDatabaseDuringAMergeLosesNothing) {
  MemEnv env;
  uint64_t inserted = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
    format::TableSchema schema = testing_data::MeteringSchema();
    schema.partition_by = "";
    ASSERT_OK(db->CreateTable("events", schema));
    for (uint64_t i = 0; i < 4; ++i) {
      ASSERT_OK(db->Insert("events", testing_data::MeteringBlock(200000, 700 + i)));
      inserted += 200000;
    }
  }
  // Opening starts a merge of the four parts; closing at once cancels it (or finds it done).
  for (int round = 0; round < 3; ++round) {
    ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env, .background_merges = true}));
  }
  ASSERT_OK_AND_ASSIGN(auto db, Database::Open("db", {.env = &env}));
  uint64_t rows = 0;
  SumValue(db.get(), "events", &rows);
  EXPECT_EQ(rows, inserted);
  EXPECT_OK(db->CheckTable("events"));
  ASSERT_OK_AND_ASSIGN(auto tables, env.ListDir("db/tables"));
  ASSERT_OK_AND_ASSIGN(auto dirs, env.ListDir("db/tables/" + tables[0]));
  for (const std::string& d : dirs) EXPECT_EQ(d.rfind(kTmpPartPrefix, 0), std::string::npos) << d;
}

}  // namespace
}  // namespace tally::engine
