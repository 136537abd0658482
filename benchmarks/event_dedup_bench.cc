// Event deduplication (engine/event_dedup.h): the cost of keys per event and the memory a
// window of keys takes. BM_EventKeysAdd adds the argument's count of distinct keys and
// reports bytes_per_key (the hash table's slots and control bytes, over its keys) and the
// time per key; BM_EventKeysOfBlock hashes a block's (source, id) keys.
//
//   taskset -c 0 build/benchmarks/event_dedup_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

#include "absl/strings/str_cat.h"
#include "engine/event_dedup.h"
#include "format/column.h"
#include "format/types.h"

namespace tally::engine {
namespace {

void BM_EventKeysAdd(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  std::mt19937_64 rng(20261207);
  std::vector<EventKey> keys(n);
  for (EventKey& k : keys) k = absl::MakeUint128(rng(), rng());
  double bytes_per_key = 0;
  for (auto _ : state) {
    EventKeys set;
    for (size_t i = 0; i < n; ++i) set.Add(keys[i], 1800000000 + static_cast<int64_t>(i / 1000), 86400);
    bytes_per_key = static_cast<double>(set.memory_bytes()) / static_cast<double>(set.size());
    benchmark::DoNotOptimize(set.size());
  }
  state.counters["bytes_per_key"] = bytes_per_key;
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_EventKeysAdd)->Arg(1 << 20)->Arg(1000000)->Arg(1500000)->Unit(benchmark::kMillisecond);

void BM_EventKeysOfBlock(benchmark::State& state) {
  const size_t rows = 65536;
  format::TableSchema schema;
  schema.columns = {{"time", *format::ParseDataType("DateTime"), {}, ""},
                    {"source", *format::ParseDataType("LowCardinality(String)"), {}, ""},
                    {"id", *format::ParseDataType("String"), {}, ""}};
  Block block;
  format::Column time = format::Column::Make(schema.columns[0].type);
  format::Column source = format::Column::Make(schema.columns[1].type);
  format::Column id = format::Column::Make(schema.columns[2].type);
  for (size_t r = 0; r < rows; ++r) {
    time.Append<uint32_t>(static_cast<uint32_t>(1800000000 + r));
    source.AppendLowCardinalityString(absl::StrCat("service-", r % 7));
    id.AppendString(absl::StrCat("evt_01HZX", r * 7919));
  }
  block.Add("time", std::move(time));
  block.Add("source", std::move(source));
  block.Add("id", std::move(id));
  EventDedupSpec spec{{"source", "id"}, "time", 86400};
  for (auto _ : state) benchmark::DoNotOptimize(EventKeysOf(block, schema, spec));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_EventKeysOfBlock);

}  // namespace
}  // namespace tally::engine
