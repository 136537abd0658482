// ColumnCursor: Read and ReadSelected over parts with many column blocks, for every kind
// of column layout, and proof that ReadSelected leaves blocks without selected rows
// undecoded (a damaged block is only noticed when a selected row falls in it).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/mem_env.h"
#include "engine/part.h"
#include "engine/part_writer.h"
#include "tests/test_util.h"

namespace tally::engine {
namespace {

using format::Column;
using format::Value;

format::TableSchema CursorSchema() {
  format::TableSchema s;
  auto add = [&s](const char* name, const char* type, const char* codec) {
    format::ColumnDef c{name, *format::ParseDataType(type), {}, ""};
    if (codec[0] != '\0') c.codecs = *format::ParseCodecChain(codec);
    s.columns.push_back(std::move(c));
  };
  add("k", "UInt32", "Delta, ZSTD(1)");
  add("v", "UInt64", "");
  add("s", "String", "");
  add("lc", "LowCardinality(String)", "");
  add("n", "Nullable(Int64)", "");
  add("a", "Array(UInt16)", "");
  s.sort_key = {"k"};
  s.partition_by = "";
  s.index_granularity = 64;
  s.min_block_bytes = 512;  // a block of `v` holds one granule, of `lc` eight
  return s;
}

constexpr size_t kRows = 3000;

Block CursorBlock() {
  format::TableSchema schema = CursorSchema();
  Block b;
  for (const auto& c : schema.columns) b.Add(c.name, Column::Make(c.type));
  std::mt19937_64 rng(7);
  for (size_t r = 0; r < kRows; ++r) {
    auto put = [&](int c, Value v) { ASSERT_OK(b.columns[c].AppendValue(v)); };
    put(0, Value::UInt(r));
    put(1, Value::UInt(rng()));
    put(2, Value::String(std::string(rng() % 12, static_cast<char>('a' + r % 26))));
    put(3, Value::String(absl::StrCat("entry-", rng() % 40)));
    put(4, r % 5 == 0 ? Value::Null() : Value::Int(static_cast<int64_t>(rng() % 1000) - 500));
    std::vector<Value> items;
    for (uint64_t i = 0, n = rng() % 4; i < n; ++i) items.push_back(Value::UInt(rng() % 60000));
    put(5, Value::Array(items));
  }
  return b;
}

class ColumnCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(env_.CreateDirs("t"));
    PartIdentity id{"all", {}, 1, 1, 0};
    ASSERT_OK_AND_ASSIGN(format::PartMeta meta, WritePart(&env_, "t", CursorSchema(), id, CursorBlock()));
    dir_ = "t/" + meta.name;
    ASSERT_OK_AND_ASSIGN(part_, Part::Open(&env_, dir_));
    ASSERT_GT(part_->granules(), 40u);
    for (size_t c = 0; c < part_->meta().columns.size(); ++c) {
      ASSERT_GT(part_->column_data(c).blocks.size(), 3u) << part_->meta().columns[c].name;
    }
  }

  static void ExpectSameRows(const Column& got, const Column& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got.GetValue(i), want.GetValue(i)) << "row " << i;
    }
  }

  MemEnv env_;
  std::string dir_;
  std::shared_ptr<Part> part_;
};

TEST_F(ColumnCursorTest, ReadSelectedMatchesGatherOfRead) {
  std::mt19937_64 rng(11);
  const auto& starts = part_->index().granule_starts;
  const uint64_t granules = part_->granules();
  for (int round = 0; round < 150; ++round) {
    const uint64_t g0 = rng() % granules;
    const uint64_t g1 = g0 + 1 + rng() % std::min<uint64_t>(granules - g0, 12);
    const uint32_t rows = static_cast<uint32_t>(starts[g1] - starts[g0]);
    // Sparse picks, dense picks, or runs: the shapes filters leave.
    std::vector<uint32_t> selection;
    const int shape = round % 3;
    for (uint32_t r = 0; r < rows; ++r) {
      const bool pick = shape == 0 ? rng() % 50 == 0 : shape == 1 ? rng() % 3 != 0 : (r / 100) % 3 == 1;
      if (pick) selection.push_back(r);
    }
    SCOPED_TRACE(absl::StrCat("granules [", g0, ", ", g1, "), ", selection.size(), " of ", rows, " rows"));
    for (size_t c = 0; c < part_->meta().columns.size(); ++c) {
      SCOPED_TRACE(part_->meta().columns[c].name);
      ColumnCursor whole(part_, c);
      ASSERT_OK_AND_ASSIGN(Column all, whole.Read(g0, g1));
      ColumnCursor selective(part_, c);
      ASSERT_OK_AND_ASSIGN(Column got, selective.ReadSelected(g0, g1, selection));
      ExpectSameRows(got, Column::Gather(all, selection));
    }
  }
}

TEST_F(ColumnCursorTest, OneCursorServesAscendingRangesOfBothKinds) {
  // A scan alternates: filter columns whole, the others selected, range after range.
  const uint64_t granules = part_->granules();
  const auto& starts = part_->index().granule_starts;
  for (size_t c = 0; c < part_->meta().columns.size(); ++c) {
    SCOPED_TRACE(part_->meta().columns[c].name);
    ColumnCursor cursor(part_, c);
    ColumnCursor reference(part_, c);
    for (uint64_t g = 0; g < granules; g += 3) {
      const uint64_t end = std::min(g + 3, granules);
      ASSERT_OK_AND_ASSIGN(Column want, reference.Read(g, end));
      if ((g / 3) % 2 == 0) {
        ASSERT_OK_AND_ASSIGN(Column got, cursor.Read(g, end));
        ExpectSameRows(got, want);
      } else {
        std::vector<uint32_t> odd;
        for (uint32_t r = 1; r < starts[end] - starts[g]; r += 2) odd.push_back(r);
        ASSERT_OK_AND_ASSIGN(Column got, cursor.ReadSelected(g, end, odd));
        ExpectSameRows(got, Column::Gather(want, odd));
      }
    }
  }
}

TEST_F(ColumnCursorTest, EmptySelectionReadsNothing) {
  ColumnCursor cursor(part_, 2);
  ASSERT_OK_AND_ASSIGN(Column got, cursor.ReadSelected(0, part_->granules(), {}));
  EXPECT_EQ(got.size(), 0u);
}

TEST_F(ColumnCursorTest, SelectionPastTheRangeIsAnError) {
  ColumnCursor cursor(part_, 1);
  const uint32_t rows = static_cast<uint32_t>(part_->index().granule_starts[2]);
  EXPECT_STATUS(cursor.ReadSelected(0, 2, {0, rows}), absl::StatusCode::kInternal, "past granules");
  EXPECT_STATUS(cursor.ReadSelected(3, 3, {}), absl::StatusCode::kInternal, "bad granule range");
}

TEST_F(ColumnCursorTest, BlocksWithoutSelectedRowsAreNotDecoded) {
  const size_t column = 2;  // `s`, a String column
  const Part::ColumnData& cd = part_->column_data(column);
  const size_t victim = cd.blocks.size() / 2;
  const Part::BlockExtent extent = cd.blocks[victim];
  const uint64_t granules = part_->granules();
  ColumnCursor clean(part_, column);
  ASSERT_OK_AND_ASSIGN(Column all, clean.Read(0, granules));
  // Damage one byte in the middle of the victim block; its checksum fails when decoded.
  const std::string path = dir_ + "/" + cd.file;
  ASSERT_OK_AND_ASSIGN(std::string bytes, env_.ReadFileToString(path));
  bytes[extent.offset + extent.size / 2] ^= 0x5a;
  ASSERT_OK(WriteFileSynced(&env_, path, bytes));
  ASSERT_OK_AND_ASSIGN(auto damaged, Part::Open(&env_, dir_));

  const uint32_t rows = static_cast<uint32_t>(part_->index().granule_starts[granules]);
  std::vector<uint32_t> outside;
  for (uint32_t r = 0; r < rows; r += 7) {
    if (r < extent.first_row || r >= extent.first_row + extent.rows) outside.push_back(r);
  }
  {
    ColumnCursor cursor(damaged, column);
    ASSERT_OK_AND_ASSIGN(Column got, cursor.ReadSelected(0, granules, outside));
    ExpectSameRows(got, Column::Gather(all, outside));
  }
  std::vector<uint32_t> touching = outside;
  touching.push_back(static_cast<uint32_t>(extent.first_row + extent.rows - 1));
  std::sort(touching.begin(), touching.end());
  ColumnCursor cursor(damaged, column);
  EXPECT_STATUS(cursor.ReadSelected(0, granules, touching), absl::StatusCode::kDataLoss,
                absl::StrCat("offset ", extent.offset));
}

}  // namespace
}  // namespace tally::engine
