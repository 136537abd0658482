// Golden parts: the exact bytes of a small part in format version 1, kept under
// tests/data/golden_v1/. A change that alters what the writer produces fails here; an
// intended format change bumps the version and adds a new golden directory, and the old
// one must still read (GoldenPartTest.ReadsEveryVersion).
//
// To regenerate after an intended change: TALLY_UPDATE_GOLDEN=1 build/tests/engine_tests
//   --gtest_filter='GoldenPart*'
#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/mem_env.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "engine/sort.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;

format::TableSchema GoldenSchema() {
  format::TableSchema s;
  auto add = [&s](const char* name, const char* type, const char* codec) {
    format::ColumnDef c{name, *format::ParseDataType(type), {}, ""};
    if (codec[0] != '\0') c.codecs = *format::ParseCodecChain(codec);
    s.columns.push_back(std::move(c));
  };
  add("time", "DateTime", "");
  add("ts", "DateTime64(9)", "DoubleDelta, ZSTD(1)");
  add("tenant", "LowCardinality(String)", "");
  add("country", "LowCardinality(Nullable(String))", "");
  add("value", "Float64", "Gorilla, ZSTD(3)");
  add("count", "UInt64", "None");
  add("delta", "Int32", "Delta, ZSTD(1)");
  add("ok", "Bool", "");
  add("day", "Date", "");
  add("id", "UUID", "");
  add("body", "String", "");
  add("score", "Nullable(Float32)", "");
  add("tags", "Array(String)", "");
  add("attrs", "Map(LowCardinality(String), String)", "");
  s.sort_key = {"tenant", "time"};
  s.partition_by = "toYYYYMM(time)";
  s.index_granularity = 4;
  s.min_block_bytes = 64;
  return s;
}

Block GoldenBlock() {
  format::TableSchema schema = GoldenSchema();
  Block b;
  for (const auto& c : schema.columns) b.Add(c.name, Column::Make(c.type));
  const char* tenants[] = {"acme", "globex", "initech"};
  for (int r = 0; r < 10; ++r) {
    auto put = [&](int c, Value v) { ASSERT_OK(b.columns[c].AppendValue(v)); };
    put(0, Value::UInt(1790812800 + r * 37));
    put(1, Value::Int(int64_t{1790812800} * 1000000000 + r * 1234567));
    put(2, Value::String(tenants[r % 3]));
    put(3, r % 4 == 0 ? Value::Null() : Value::String(r % 2 ? "DE" : "US"));
    put(4, Value::Float(r * 0.25));
    put(5, Value::UInt(uint64_t{1} << (r * 6)));
    put(6, Value::Int(-5 + r * 3));
    put(7, Value::UInt(r % 2));
    put(8, Value::UInt(20727 + r));
    put(9, Value::String(std::string(16, static_cast<char>('a' + r))));
    put(10, Value::String(std::string(r, 'x') + "\t\n'"));
    put(11, r % 3 == 0 ? Value::Null() : Value::Float(r * 1.5));
    std::vector<Value> tags;
    for (int k = 0; k < r % 3; ++k) tags.push_back(Value::String(absl::StrCat("t", k)));
    put(12, Value::Array(tags));
    put(13, Value::Map({Value::String("service"), Value::String(absl::StrCat("svc", r % 2)),
                        Value::String("pod"), Value::String(absl::StrCat("pod-", r))}));
  }
  // WritePart requires rows sorted by the key: sort as Insert does.
  std::vector<const Column*> keys = {&b.columns[2], &b.columns[0]};
  std::vector<uint32_t> rows(10);
  for (uint32_t r = 0; r < 10; ++r) rows[r] = r;
  std::vector<uint32_t> order = SortPermutation(keys, rows);
  Block sorted;
  for (size_t c = 0; c < b.columns.size(); ++c) sorted.Add(b.names[c], Column::Gather(b.columns[c], order));
  return sorted;
}

std::string GoldenDir() { return std::string(TALLY_TEST_DATA_DIR) + "/golden_v1"; }

TEST(GoldenPartTest, WriterProducesTheGoldenBytes) {
  MemEnv env;
  ASSERT_OK(env.CreateDirs("t"));
  PartIdentity id{"202610", {Value::UInt(202610)}, 1, 1, 0};
  ASSERT_OK_AND_ASSIGN(format::PartMeta meta, WritePart(&env, "t", GoldenSchema(), id, GoldenBlock()));
  ASSERT_EQ(meta.name, "202610_1_1_0");
  ASSERT_OK_AND_ASSIGN(auto files, env.ListDir("t/" + meta.name));
  const bool update = std::getenv("TALLY_UPDATE_GOLDEN") != nullptr;
  const std::string golden = GoldenDir() + "/" + meta.name;
  if (update) {
    ASSERT_OK(Env::Default()->RemoveAll(golden));
    ASSERT_OK(Env::Default()->CreateDirs(golden));
  }
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    ASSERT_OK_AND_ASSIGN(std::string bytes, env.ReadFileToString("t/" + meta.name + "/" + f));
    if (update) {
      ASSERT_OK(WriteFileSynced(Env::Default(), golden + "/" + f, bytes));
      continue;
    }
    ASSERT_OK_AND_ASSIGN(std::string want, Env::Default()->ReadFileToString(golden + "/" + f));
    EXPECT_TRUE(bytes == want) << "file " << f << " differs from the golden copy (" << bytes.size() << " vs "
                               << want.size() << " bytes)";
  }
  if (!update) {
    ASSERT_OK_AND_ASSIGN(auto golden_files, Env::Default()->ListDir(golden));
    EXPECT_EQ(golden_files, files);
  }
}

TEST(GoldenPartTest, ReadsEveryVersion) {
  ASSERT_OK_AND_ASSIGN(auto part, Part::Open(Env::Default(), GoldenDir() + "/202610_1_1_0"));
  EXPECT_EQ(part->meta().format_version, 1);
  EXPECT_EQ(part->rows(), 10u);
  EXPECT_EQ(part->granules(), 3u);
  ASSERT_OK(part->VerifyChecksums());
  // Sorted by (tenant, time): the acme rows (r = 0, 3, 6, 9) come first.
  Block expected = GoldenBlock();
  EXPECT_EQ(expected.columns[2].GetValue(3), Value::String("acme"));
  EXPECT_EQ(expected.columns[2].GetValue(4), Value::String("globex"));
  for (size_t c = 0; c < part->meta().columns.size(); ++c) {
    SCOPED_TRACE(part->meta().columns[c].name);
    ColumnCursor cursor(part, c);
    ASSERT_OK_AND_ASSIGN(Column got, cursor.Read(0, part->granules()));
    ASSERT_EQ(got.size(), 10u);
    for (size_t r = 0; r < 10; ++r) {
      EXPECT_EQ(got.GetValue(r), expected.columns[c].GetValue(r)) << "row " << r;
    }
  }
}

}  // namespace
}  // namespace tally::engine
