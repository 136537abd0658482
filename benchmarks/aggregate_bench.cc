// Aggregate function and hash aggregation micro-benchmarks. Items are input rows; blocks
// are 64K rows so a column stays in L2 (the "in cache" numbers of the kernels).
//
//   taskset -c 0 build/benchmarks/aggregate_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/aggregator.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {
namespace {

using format::Column;
using format::DataType;
using format::TypeId;

constexpr size_t kRows = 1 << 16;

std::shared_ptr<const AggregateFunction> Bind(absl::string_view name,
                                              std::vector<format::DataTypePtr> types,
                                              std::vector<format::Value> params = {}) {
  return std::shared_ptr<const AggregateFunction>(
      AggregateRegistry::Global().Bind(name, false, types, params).value());
}

template <typename T>
Column Random(TypeId id, uint64_t modulo, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Column c = Column::Make(DataType::Make(id));
  for (size_t i = 0; i < kRows; ++i) c.Append<T>(static_cast<T>(rng() % modulo));
  return c;
}

// One aggregate over one column into one state (no GROUP BY).
void SinglePlace(benchmark::State& state, absl::string_view name, const Column& column,
                 std::vector<format::Value> params = {}) {
  auto fn = Bind(name, {column.type}, std::move(params));
  std::vector<uint8_t> memory(fn->state_size() + 16);
  uint8_t* place = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(memory.data()) + 15) &
                                              ~uintptr_t{15});
  fn->Create(place);
  ColumnArg arg{&column, false};
  for (auto _ : state) {
    fn->AddBatchSinglePlace(place, {arg}, kRows);
    benchmark::DoNotOptimize(place);
  }
  fn->Destroy(place);
  state.SetItemsProcessed(state.iterations() * kRows);
  state.SetBytesProcessed(state.iterations() * column.ByteSize());
}

void BM_SumUInt64(benchmark::State& state) {
  SinglePlace(state, "sum", Random<uint64_t>(TypeId::kUInt64, 1u << 30, 1));
}
void BM_SumFloat64(benchmark::State& state) {
  SinglePlace(state, "sum", Random<double>(TypeId::kFloat64, 1u << 30, 2));
}
void BM_SumUInt8(benchmark::State& state) {
  SinglePlace(state, "sum", Random<uint8_t>(TypeId::kUInt8, 256, 3));
}
void BM_MinUInt64(benchmark::State& state) {
  SinglePlace(state, "min", Random<uint64_t>(TypeId::kUInt64, 1u << 30, 4));
}
void BM_MaxFloat64(benchmark::State& state) {
  SinglePlace(state, "max", Random<double>(TypeId::kFloat64, 1u << 30, 5));
}
void BM_AvgInt32(benchmark::State& state) {
  SinglePlace(state, "avg", Random<int32_t>(TypeId::kInt32, 1u << 30, 6));
}
void BM_UniqUInt64(benchmark::State& state) {
  SinglePlace(state, "uniq", Random<uint64_t>(TypeId::kUInt64, 1u << 30, 7));
}
void BM_UniqExactUInt64(benchmark::State& state) {
  SinglePlace(state, "uniqExact", Random<uint64_t>(TypeId::kUInt64, 100000, 8));
}
void BM_QuantileFloat64(benchmark::State& state) {
  SinglePlace(state, "quantile", Random<double>(TypeId::kFloat64, 1u << 30, 9),
              {format::Value::Float(0.9)});
}

// GROUP BY key: count(), sum(v UInt64). state.range(0) groups.
void GroupBy(benchmark::State& state, const Column& key) {
  Column v = Random<uint64_t>(TypeId::kUInt64, 1000, 10);
  auto count = Bind("count", {});
  auto sum = Bind("sum", {v.type});
  size_t groups = 0;
  for (auto _ : state) {
    Aggregator agg({key.type}, {count, sum});
    for (int block = 0; block < 16; ++block) {
      if (!agg.Add({ColumnArg{&key, false}}, {{}, {ColumnArg{&v, false}}}, kRows).ok())
        state.SkipWithError("Add");
    }
    groups = agg.groups();
    benchmark::DoNotOptimize(agg.Finish());
  }
  state.counters["groups"] = static_cast<double>(groups);
  state.SetItemsProcessed(state.iterations() * kRows * 16);
}

void BM_GroupByUInt64(benchmark::State& state) {
  GroupBy(state, Random<uint64_t>(TypeId::kUInt64, static_cast<uint64_t>(state.range(0)), 11));
}
void BM_GroupByUInt16(benchmark::State& state) {
  GroupBy(state, Random<uint16_t>(TypeId::kUInt16, static_cast<uint64_t>(state.range(0)), 12));
}
void BM_GroupByLowCardinality(benchmark::State& state) {
  std::mt19937_64 rng(13);
  Column key = Column::Make(DataType::LowCardinality(DataType::Make(TypeId::kString)));
  for (size_t i = 0; i < kRows; ++i) {
    (void)key.AppendValue(format::Value::String(absl::StrCat("host-", rng() % state.range(0))));
  }
  GroupBy(state, key);
}
void BM_GroupByString(benchmark::State& state) {
  std::mt19937_64 rng(14);
  Column key = Column::Make(DataType::Make(TypeId::kString));
  for (size_t i = 0; i < kRows; ++i)
    key.AppendString(absl::StrCat("/api/v1/items/", rng() % state.range(0)));
  GroupBy(state, key);
}

BENCHMARK(BM_SumUInt64);
BENCHMARK(BM_SumFloat64);
BENCHMARK(BM_SumUInt8);
BENCHMARK(BM_MinUInt64);
BENCHMARK(BM_MaxFloat64);
BENCHMARK(BM_AvgInt32);
BENCHMARK(BM_UniqUInt64);
BENCHMARK(BM_UniqExactUInt64);
BENCHMARK(BM_QuantileFloat64);
BENCHMARK(BM_GroupByUInt64)->Arg(100)->Arg(100000);
BENCHMARK(BM_GroupByUInt16)->Arg(1000);
BENCHMARK(BM_GroupByLowCardinality)->Arg(1000);
BENCHMARK(BM_GroupByString)->Arg(1000)->Arg(100000);

}  // namespace
}  // namespace tally::engine::exec
