// Codec micro-benchmarks. Bytes processed are decoded (raw) bytes; the "ratio" counter is
// raw / stored size.
//
//   taskset -c 0 build/benchmarks/codec_bench
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "format/codec.h"
#include "format/coding.h"
#include "format/pod_vector.h"

namespace tally::format {
namespace {

constexpr size_t kValues = 1 << 20;

template <typename T>
std::string AsRaw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

// Sorted DateTime (uint32 seconds): a random window of a 30-day stream averaging one event
// per 2.6 ms, so most neighbours are equal.
std::string Timestamps() {
  std::mt19937_64 rng(20261121);
  std::exponential_distribution<double> gap_ms(1 / 2.6);
  double t_ms = 1.7e12 + static_cast<double>(rng() % (30ull * 86400 * 1000));
  std::vector<uint32_t> out(kValues);
  for (uint32_t& v : out) {
    t_ms += gap_ms(rng);
    v = static_cast<uint32_t>(t_ms / 1000);
  }
  return AsRaw(out);
}

// UInt64 counters: a random walk of small increments (think bytes sent).
std::string Counters() {
  std::mt19937_64 rng(7);
  std::vector<uint64_t> out(kValues);
  uint64_t v = 1'000'000'000;
  for (uint64_t& x : out) x = (v += rng() % 4096);
  return AsRaw(out);
}

// Float64 gauge readings with two decimals, sampled faster than they change (70 % repeat
// the previous reading).
std::string Gauges() {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> step(0, 0.2);
  std::vector<double> out(kValues);
  double v = 20;
  for (double& x : out) {
    if (rng() % 10 < 3) v += step(rng);
    x = std::round(v * 100) / 100;
  }
  return AsRaw(out);
}

// Int64 millisecond timestamps at a 1 s period with a little jitter.
std::string MillisecondTimestamps() {
  std::mt19937_64 rng(13);
  std::vector<uint64_t> out(kValues);
  uint64_t t = 1'700'000'000'000;
  for (uint64_t& x : out) x = (t += 1000 + rng() % 3 - 1);
  return AsRaw(out);
}

struct Encoded {
  CodecChain chain;
  std::string stored;
};

Encoded EncodeOrDie(const CodecChain& chain, const std::string& raw) {
  Encoded e;
  absl::StatusOr<CodecChain> used = EncodeWithChain(chain, AsBytes(raw), &e.stored);
  if (!used.ok() || *used != chain) {
    std::fprintf(stderr, "encoding with %s failed or fell back to raw\n",
                 CodecChainToString(chain).c_str());
    std::abort();
  }
  e.chain = *used;
  return e;
}

void RunDecode(benchmark::State& state, const CodecChain& chain, const std::string& raw) {
  Encoded e = EncodeOrDie(chain, raw);
  PodVector<uint8_t> out;
  for (auto _ : state) {
    absl::Status s = DecodeWithChain(e.chain, AsBytes(e.stored), raw.size(), "bench", &out);
    if (!s.ok()) {
      state.SkipWithError(std::string(s.message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  if (std::memcmp(out.data(), raw.data(), raw.size()) != 0) state.SkipWithError("mismatch");
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(raw.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kValues));
  state.counters["ratio"] = static_cast<double>(raw.size()) / static_cast<double>(e.stored.size());
}

void BM_DeltaZstdDecodeTimestamps(benchmark::State& state) {
  static const std::string raw = Timestamps();
  RunDecode(state, {{CodecId::kDelta, 4}, {CodecId::kZstd, 1}}, raw);
}
BENCHMARK(BM_DeltaZstdDecodeTimestamps);

void BM_DeltaZstdEncodeTimestamps(benchmark::State& state) {
  static const std::string raw = Timestamps();
  const CodecChain chain = {{CodecId::kDelta, 4}, {CodecId::kZstd, 1}};
  std::string stored;
  for (auto _ : state) {
    absl::StatusOr<CodecChain> used = EncodeWithChain(chain, AsBytes(raw), &stored);
    if (!used.ok()) {
      state.SkipWithError(std::string(used.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(stored.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(raw.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kValues));
  state.counters["ratio"] = static_cast<double>(raw.size()) / static_cast<double>(stored.size());
}
BENCHMARK(BM_DeltaZstdEncodeTimestamps);

void BM_ZstdDecodeUInt64(benchmark::State& state) {
  static const std::string raw = Counters();
  RunDecode(state, {{CodecId::kZstd, 1}}, raw);
}
BENCHMARK(BM_ZstdDecodeUInt64);

void BM_GorillaDecode(benchmark::State& state) {
  static const std::string raw = Gauges();
  RunDecode(state, {{CodecId::kGorilla, 8}}, raw);
}
BENCHMARK(BM_GorillaDecode);

void BM_DoubleDeltaDecode(benchmark::State& state) {
  static const std::string raw = MillisecondTimestamps();
  RunDecode(state, {{CodecId::kDoubleDelta, 8}}, raw);
}
BENCHMARK(BM_DoubleDeltaDecode);

}  // namespace
}  // namespace tally::format
