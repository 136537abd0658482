// Metrics: what `GET /metrics` reports, in Prometheus's text exposition format (version
// 0.0.4: `# HELP`, `# TYPE`, counters, gauges, and histograms as `_bucket{le=...}`,
// `_sum` and `_count`). docs/server.md lists every metric.
//
// Two sources: ServerMetrics, the server's own counters (requests, queries and their
// latency, errors by ClickHouse code, rows and bytes), updated by the request threads; and
// EngineStats, a snapshot of the engine taken through the public Database API when
// /metrics is asked for (parts, rows and bytes per table, background merges, TTL runs).
// and the engine's counters (Database::stats: manifest appends and fsyncs, which are the
// write-ahead log's, group commits, inline parts and their flushes).
//
// ServerMetrics is thread-safe (atomics; the error counts take a mutex). The rest are
// plain values and pure functions.
#ifndef TALLY_SERVER_METRICS_H_
#define TALLY_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/database.h"

namespace tally::server {

// What a request asked for, by path.
enum class RequestKind { kQuery, kPing, kMetrics, kOther };
inline constexpr int kRequestKinds = 4;

// A query by its first statement's first keyword: select (SELECT, WITH, and a bracket),
// insert, ddl (CREATE, DROP, ALTER, TRUNCATE, RENAME, OPTIMIZE), other (SHOW, DESCRIBE,
// EXISTS, EXPLAIN, SET, USE, CHECK, ...).
enum class QueryKind { kSelect, kInsert, kDdl, kOther };
inline constexpr int kQueryKinds = 4;
QueryKind ClassifyQuery(absl::string_view sql);

struct TableStats {
  std::string table;  // "default.events"
  uint64_t parts = 0;
  uint64_t rows = 0;
  uint64_t bytes_on_disk = 0;
};

struct EngineStats {
  std::vector<TableStats> tables;  // by name
  uint64_t background_merges = 0;  // done since the database opened
  uint64_t ttl_runs = 0;           // TTL job runs that removed rows
  engine::DatabaseStats engine;    // the write-ahead log (the manifest), groups, inline parts
};

// A snapshot of `db` through its public API. A table dropped while it is read is left out.
EngineStats CollectEngineStats(const engine::Database& db);
// The engine's metrics for `stats`, appended to *out.
void RenderEngineMetrics(const EngineStats& stats, std::string* out);

class ServerMetrics {
 public:
  // Query latency buckets, in seconds (the last, +Inf, is implied).
  static constexpr std::array<double, 14> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                             0.25,  0.5,    1,     2.5,  5,     10,   30};

  ServerMetrics();

  void CountRequest(RequestKind kind) { requests_[static_cast<int>(kind)].fetch_add(1, kRelaxed); }
  // A query that ran (successfully or not) for `elapsed`.
  void CountQuery(QueryKind kind, absl::Duration elapsed);
  // An error answered with ClickHouse's code `code` (named `name`).
  void CountError(int code, absl::string_view name);
  void AddInsertedRows(uint64_t n) { inserted_rows_.fetch_add(n, kRelaxed); }
  void AddInsertedBytes(uint64_t n) { inserted_bytes_.fetch_add(n, kRelaxed); }
  void AddReceivedBytes(uint64_t n) { received_bytes_.fetch_add(n, kRelaxed); }
  void AddSentBytes(uint64_t n) { sent_bytes_.fetch_add(n, kRelaxed); }
  void QueryStarted() { active_queries_.fetch_add(1, kRelaxed); }
  void QueryEnded() { active_queries_.fetch_sub(1, kRelaxed); }

  // The server's metrics, with `open_connections` as a gauge, appended to *out.
  void Render(int64_t open_connections, std::string* out) const;

 private:
  static constexpr std::memory_order kRelaxed = std::memory_order_relaxed;
  struct Histogram {
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size() + 1> buckets{};  // per bucket, not cumulative
    std::atomic<uint64_t> sum_ns{0};
    std::atomic<uint64_t> count{0};
  };

  const absl::Time start_;
  std::array<std::atomic<uint64_t>, kRequestKinds> requests_{};
  std::array<Histogram, kQueryKinds> queries_;
  std::atomic<uint64_t> inserted_rows_{0}, inserted_bytes_{0}, received_bytes_{0}, sent_bytes_{0};
  std::atomic<int64_t> active_queries_{0};
  mutable std::mutex mu_;
  std::map<int, std::pair<std::string, uint64_t>> errors_;  // code -> (name, count); guarded by mu_
};

// Prometheus's escaping of a label value (backslash, double quote, line feed).
std::string PrometheusLabel(absl::string_view value);

}  // namespace tally::server

#endif  // TALLY_SERVER_METRICS_H_
