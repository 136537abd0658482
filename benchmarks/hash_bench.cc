// Hash function micro-benchmarks: each algorithm over strings of one length (the argument),
// and cityHash64 / sipHash64 as SQL functions over a String and a UInt64 column.
//
//   taskset -c 0 build/benchmarks/hash_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/exec/function.h"
#include "engine/exec/hash_algorithms.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine::exec {
namespace {

constexpr size_t kStrings = 1 << 12;

// kStrings random printable strings of `length` bytes.
std::vector<std::string> Strings(size_t length) {
  std::mt19937_64 rng(20261005 + length);
  std::vector<std::string> out(kStrings, std::string(length, ' '));
  for (std::string& s : out) {
    for (char& c : s) c = static_cast<char>(' ' + rng() % 95);
  }
  return out;
}

template <typename Hash>
void RunOverStrings(benchmark::State& state, Hash hash) {
  const size_t length = static_cast<size_t>(state.range(0));
  const std::vector<std::string> strings = Strings(length);
  uint64_t sink = 0;
  for (auto _ : state) {
    for (const std::string& s : strings) sink += hash(s);
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kStrings));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kStrings * length));
}

void BM_CityHash64String(benchmark::State& state) { RunOverStrings(state, CityHash64); }
void BM_SipHash64String(benchmark::State& state) { RunOverStrings(state, SipHash64); }
void BM_XxHash64String(benchmark::State& state) { RunOverStrings(state, XxHash64); }
void BM_Xxh3String(benchmark::State& state) { RunOverStrings(state, Xxh3); }
void BM_MurmurHash3_64String(benchmark::State& state) { RunOverStrings(state, MurmurHash3_64); }
void BM_FarmFingerprint64String(benchmark::State& state) {
  RunOverStrings(state, FarmFingerprint64);
}
void BM_MurmurHash3_32String(benchmark::State& state) { RunOverStrings(state, MurmurHash3_32); }

BENCHMARK(BM_CityHash64String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);
BENCHMARK(BM_SipHash64String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);
BENCHMARK(BM_XxHash64String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);
BENCHMARK(BM_Xxh3String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);
BENCHMARK(BM_MurmurHash3_64String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);
BENCHMARK(BM_FarmFingerprint64String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);
BENCHMARK(BM_MurmurHash3_32String)->Arg(8)->Arg(32)->Arg(100)->Arg(1000);

constexpr size_t kRows = 1 << 16;

// A bound SQL function run over one column of kRows rows.
void RunFunction(benchmark::State& state, const char* name, const format::Column& column) {
  const FunctionFactory* factory = FunctionRegistry::Global().Find(name);
  ArgInfo info{column.type, nullptr};
  auto bound = (*factory)({&info, 1}, FunctionContext());
  if (!bound.ok()) {
    state.SkipWithError(std::string(bound.status().message()).c_str());
    return;
  }
  ColumnArg arg{&column, false};
  for (auto _ : state) {
    auto out = (*bound)->Execute({&arg, 1}, kRows);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}

format::Column StringColumn() {
  std::mt19937_64 rng(7);
  format::Column c = format::Column::Make(format::DataType::Make(format::TypeId::kString));
  for (size_t i = 0; i < kRows; ++i) c.AppendString("tenant-" + std::to_string(rng() % 100000));
  return c;
}

format::Column UInt64Column() {
  std::mt19937_64 rng(11);
  format::Column c = format::Column::Make(format::DataType::Make(format::TypeId::kUInt64));
  for (size_t i = 0; i < kRows; ++i) c.Append<uint64_t>(rng());
  return c;
}

void BM_CityHash64StringColumn(benchmark::State& state) {
  RunFunction(state, "cityHash64", StringColumn());
}
void BM_SipHash64StringColumn(benchmark::State& state) {
  RunFunction(state, "sipHash64", StringColumn());
}
void BM_CityHash64UInt64Column(benchmark::State& state) {
  RunFunction(state, "cityHash64", UInt64Column());
}
void BM_Xxh3UInt64Column(benchmark::State& state) { RunFunction(state, "xxh3", UInt64Column()); }

BENCHMARK(BM_CityHash64StringColumn);
BENCHMARK(BM_SipHash64StringColumn);
BENCHMARK(BM_CityHash64UInt64Column);
BENCHMARK(BM_Xxh3UInt64Column);

}  // namespace
}  // namespace tally::engine::exec
