// Part-writing micro-benchmarks on the 11-column metering schema (tests/metering_data.h):
// the whole insert path, and its sort / gather / write steps on their own. Blocks are
// generated once, outside the timed region; items are rows.
//
//   taskset -c 0 build/benchmarks/part_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "benchmarks/bench_util.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/block.h"
#include "engine/database.h"
#include "engine/env.h"
#include "engine/mem_env.h"
#include "engine/part_writer.h"
#include "engine/sort.h"
#include "format/column.h"
#include "format/table_schema.h"
#include "tests/metering_data.h"

namespace tally::engine {
namespace {

constexpr size_t kRows = 1'000'000;
constexpr uint32_t kStartS = 1790812800;  // 2026-10-01
constexpr uint32_t kSpanS = 20 * 86400;   // one partition (202610)

using bench::CheckOk;

// The insert block, as it arrives: time-ordered, not in sorting-key order.
const Block& MeteringInput() {
  static const Block* block = new Block(testing_data::MeteringBlock(kRows, 42, kStartS, kSpanS));
  return *block;
}

std::vector<const format::Column*> SortKeys(const format::TableSchema& schema, const Block& block) {
  std::vector<const format::Column*> keys;
  for (const std::string& k : schema.sort_key) keys.push_back(&block.columns[block.Find(k)]);
  return keys;
}

std::vector<uint32_t> AllRows(size_t rows) {
  std::vector<uint32_t> out(rows);
  for (size_t i = 0; i < rows; ++i) out[i] = static_cast<uint32_t>(i);
  return out;
}

// MeteringInput() sorted by the sorting key, columns in schema order: what WritePart takes.
const Block& MeteringSorted() {
  static const Block* block = [] {
    const format::TableSchema schema = testing_data::MeteringSchema();
    const Block& in = MeteringInput();
    std::vector<const format::Column*> keys = SortKeys(schema, in);
    std::vector<uint32_t> order = SortPermutation(keys, AllRows(in.rows()));
    auto* sorted = new Block();
    for (const auto& c : schema.columns) {
      sorted->Add(c.name, format::Column::Gather(in.columns[in.Find(c.name)], order));
    }
    return sorted;
  }();
  return *block;
}

// Database::Insert of one pre-generated 1M-row block (one partition): validation, sort,
// gather, encoding and compression of every column, checksums, writing the files through
// the Env, reopening the part to validate it, and the manifest commit. The table is
// dropped and recreated outside the timed region so memory stays flat.
void RunInsert(benchmark::State& state, Env* env, const std::string& dir) {
  const Block& input = MeteringInput();
  CheckOk(env->RemoveAll(dir), "remove");
  auto db = Database::Open(dir, {.env = env});
  CheckOk(db.status(), "open");
  uint64_t bytes_on_disk = 0;
  for (auto _ : state) {
    state.PauseTiming();
    CheckOk((*db)->DropTable("events", /*if_exists=*/true), "drop");
    CheckOk((*db)->CreateTable("events", testing_data::MeteringSchema()), "create");
    state.ResumeTiming();
    absl::Status s = (*db)->Insert("events", input);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  auto parts = (*db)->ListParts("events");
  if (parts.ok() && parts->size() == 1) bytes_on_disk = (*parts)[0].bytes_on_disk;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(input.rows()));
  state.counters["bytes_per_row"] = static_cast<double>(bytes_on_disk) / static_cast<double>(input.rows());
  db->reset();
  CheckOk(env->RemoveAll(dir), "remove");
}

void BM_PartWriteMetering(benchmark::State& state) {
  MemEnv env;
  RunInsert(state, &env, "/db");
}
BENCHMARK(BM_PartWriteMetering)->Unit(benchmark::kMillisecond);

// The same through PosixEnv on tmpfs (/dev/shm): real files and fsync calls, no device.
void BM_PartWriteMeteringTmpfs(benchmark::State& state) {
  const char* shm = "/dev/shm";
  auto is_dir = Env::Default()->IsDirectory(shm);
  if (!is_dir.ok() || !*is_dir) {
    state.SkipWithError("no /dev/shm");
    return;
  }
  RunInsert(state, Env::Default(), absl::StrCat(shm, "/tally_part_bench_", getpid()));
}
BENCHMARK(BM_PartWriteMeteringTmpfs)->Unit(benchmark::kMillisecond);

// The sort step alone: the stable permutation by (tenant, metric, time).
void BM_SortPermutation(benchmark::State& state) {
  const format::TableSchema schema = testing_data::MeteringSchema();
  const Block& input = MeteringInput();
  std::vector<const format::Column*> keys = SortKeys(schema, input);
  const std::vector<uint32_t> rows = AllRows(input.rows());
  for (auto _ : state) {
    std::vector<uint32_t> order = SortPermutation(keys, rows);
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(input.rows()));
}
BENCHMARK(BM_SortPermutation)->Unit(benchmark::kMillisecond);

// Applying the permutation to all 11 columns (Column::Gather), as Insert does.
void BM_GatherMetering(benchmark::State& state) {
  const format::TableSchema schema = testing_data::MeteringSchema();
  const Block& input = MeteringInput();
  std::vector<const format::Column*> keys = SortKeys(schema, input);
  const std::vector<uint32_t> order = SortPermutation(keys, AllRows(input.rows()));
  for (auto _ : state) {
    for (const format::Column& c : input.columns) {
      format::Column g = format::Column::Gather(c, order);
      benchmark::DoNotOptimize(g.data.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(input.rows()));
}
BENCHMARK(BM_GatherMetering)->Unit(benchmark::kMillisecond);

// WritePart on an already sorted block: granules, min/max, dictionaries, encoding,
// compression, checksums and the files on a MemEnv. The copy of the block WritePart
// consumes and the removal of the part are outside the timed region.
void BM_WritePartOnly(benchmark::State& state) {
  const format::TableSchema schema = testing_data::MeteringSchema();
  const Block& sorted = MeteringSorted();
  MemEnv env;
  CheckOk(env.CreateDirs("/t"), "mkdir");
  PartIdentity id{"202610", {format::Value::UInt(202610)}, 1, 1, 0};
  uint64_t bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    Block copy = sorted;
    state.ResumeTiming();
    auto meta = WritePart(&env, "/t", schema, id, std::move(copy));
    if (!meta.ok()) {
      state.SkipWithError(meta.status().ToString().c_str());
      break;
    }
    state.PauseTiming();
    bytes = 0;
    for (const auto& f : meta->files) bytes += f.size;
    CheckOk(env.RemoveAll(absl::StrCat("/t/", meta->name)), "remove");
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(sorted.rows()));
  state.counters["bytes_per_row"] = static_cast<double>(bytes) / static_cast<double>(sorted.rows());
}
BENCHMARK(BM_WritePartOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tally::engine
