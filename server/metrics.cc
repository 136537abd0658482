#include "server/metrics.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tally::server {

namespace {

constexpr absl::string_view kRequestKindNames[kRequestKinds] = {"query", "ping", "metrics", "other"};
constexpr absl::string_view kQueryKindNames[kQueryKinds] = {"select", "insert", "ddl", "other"};

void Header(absl::string_view name, absl::string_view type, absl::string_view help, std::string* out) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n");
}

// One sample: `name{labels} value`.
template <typename T>
void Sample(absl::string_view name, absl::string_view labels, T value, std::string* out) {
  absl::StrAppend(out, name, labels.empty() ? "" : absl::StrCat("{", labels, "}"), " ", value, "\n");
}

// The first keyword of `sql`, past whitespace, comments and opening brackets, upper-cased.
std::string FirstKeyword(absl::string_view sql, bool* bracket) {
  size_t i = 0;
  *bracket = false;
  while (i < sql.size()) {
    if (absl::ascii_isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql[i] == '(') {
      *bracket = true;
      ++i;
    } else if (absl::StartsWith(sql.substr(i), "--") || sql[i] == '#') {
      const size_t end = sql.find('\n', i);
      i = end == absl::string_view::npos ? sql.size() : end + 1;
    } else if (absl::StartsWith(sql.substr(i), "/*")) {
      const size_t end = sql.find("*/", i + 2);
      i = end == absl::string_view::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  size_t j = i;
  while (j < sql.size() && absl::ascii_isalpha(static_cast<unsigned char>(sql[j]))) ++j;
  return absl::AsciiStrToUpper(sql.substr(i, j - i));
}

}  // namespace

QueryKind ClassifyQuery(absl::string_view sql) {
  bool bracket = false;
  const std::string word = FirstKeyword(sql, &bracket);
  if (word == "SELECT" || word == "WITH" || (bracket && word.empty())) return QueryKind::kSelect;
  if (word == "INSERT") return QueryKind::kInsert;
  if (word == "CREATE" || word == "DROP" || word == "ALTER" || word == "TRUNCATE" || word == "RENAME" ||
      word == "OPTIMIZE") {
    return QueryKind::kDdl;
  }
  return QueryKind::kOther;
}

std::string PrometheusLabel(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

EngineStats CollectEngineStats(const engine::Database& db) {
  EngineStats stats;
  for (const std::string& table : db.ListTables()) {
    auto parts = db.ListParts(table);
    if (!parts.ok()) continue;  // dropped meanwhile
    auto [database, name] = engine::SplitTableName(table);
    TableStats t;
    t.table = absl::StrCat(database, ".", name);
    t.parts = parts->size();
    for (const engine::PartInfo& p : *parts) {
      t.rows += p.rows;
      t.bytes_on_disk += p.bytes_on_disk;
    }
    stats.tables.push_back(std::move(t));
  }
  std::sort(stats.tables.begin(), stats.tables.end(),
            [](const TableStats& a, const TableStats& b) { return a.table < b.table; });
  stats.background_merges = db.background_merges_done();
  stats.ttl_runs = db.background_ttl_runs_done();
  stats.engine = db.stats();
  return stats;
}

void RenderEngineMetrics(const EngineStats& stats, std::string* out) {
  struct PerTable {
    const char* name;
    const char* help;
    uint64_t TableStats::*field;
  };
  static constexpr PerTable kPerTable[] = {
      {"tally_table_parts", "Active parts of the table.", &TableStats::parts},
      {"tally_table_rows", "Rows in the table's active parts.", &TableStats::rows},
      {"tally_table_bytes_on_disk", "Bytes of the table's active parts on disk.", &TableStats::bytes_on_disk},
  };
  for (const PerTable& metric : kPerTable) {
    Header(metric.name, "gauge", metric.help, out);
    for (const TableStats& t : stats.tables) {
      Sample(metric.name, absl::StrCat("table=\"", PrometheusLabel(t.table), "\""), t.*metric.field, out);
    }
  }
  Header("tally_background_merges_total", "counter", "Background merges done since the server started.", out);
  Sample("tally_background_merges_total", "", stats.background_merges, out);
  Header("tally_ttl_runs_total", "counter", "Runs of the background TTL job that removed rows.", out);
  Sample("tally_ttl_runs_total", "", stats.ttl_runs, out);
  struct Counter {
    const char* name;
    const char* type;
    const char* help;
    uint64_t engine::DatabaseStats::*field;
  };
  static constexpr Counter kEngine[] = {
      {"tally_wal_bytes_total", "counter", "Bytes appended to the write-ahead log (the manifest).",
       &engine::DatabaseStats::manifest_bytes},
      {"tally_wal_fsyncs_total", "counter", "Syncs of the write-ahead log (one per commit or group commit).",
       &engine::DatabaseStats::manifest_syncs},
      {"tally_commits_total", "counter", "Manifest edits committed.", &engine::DatabaseStats::commits},
      {"tally_group_commits_total", "counter", "Groups of small inserts committed with one fsync.",
       &engine::DatabaseStats::group_commits},
      {"tally_grouped_inserts_total", "counter", "Small inserts committed in those groups.",
       &engine::DatabaseStats::grouped_inserts},
      {"tally_inline_parts", "gauge", "Inline parts held in the write-ahead log, not yet flushed.",
       &engine::DatabaseStats::inline_parts},
      {"tally_inline_bytes", "gauge", "Bytes of those inline parts.", &engine::DatabaseStats::inline_bytes},
      {"tally_inline_flushes_total", "counter", "Flushes of inline parts into part directories.",
       &engine::DatabaseStats::inline_flushes},
      {"tally_inline_compactions_total", "counter", "Merges of groups' inline parts into one inline part.",
       &engine::DatabaseStats::inline_compactions},
  };
  for (const Counter& c : kEngine) {
    Header(c.name, c.type, c.help, out);
    Sample(c.name, "", stats.engine.*c.field, out);
  }
}

ServerMetrics::ServerMetrics() : start_(absl::Now()) {}

void ServerMetrics::CountQuery(QueryKind kind, absl::Duration elapsed) {
  Histogram& h = queries_[static_cast<int>(kind)];
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const size_t bucket =
      std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds) - kLatencyBuckets.begin();
  h.buckets[bucket].fetch_add(1, kRelaxed);
  h.sum_ns.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, absl::ToInt64Nanoseconds(elapsed))), kRelaxed);
  h.count.fetch_add(1, kRelaxed);
}

void ServerMetrics::CountError(int code, absl::string_view name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& [error_name, count] = errors_[code];
  error_name = std::string(name);
  ++count;
}

void ServerMetrics::Render(int64_t open_connections, std::string* out) const {
  Header("tally_uptime_seconds", "gauge", "Seconds since the server started.", out);
  Sample("tally_uptime_seconds", "", absl::StrFormat("%.3f", absl::ToDoubleSeconds(absl::Now() - start_)), out);

  Header("tally_http_requests_total", "counter", "HTTP requests, by what they asked for.", out);
  for (int k = 0; k < kRequestKinds; ++k) {
    Sample("tally_http_requests_total", absl::StrCat("handler=\"", kRequestKindNames[k], "\""),
           requests_[k].load(kRelaxed), out);
  }
  Header("tally_queries_total", "counter", "Queries run (successful or not), by their first statement's kind.", out);
  for (int k = 0; k < kQueryKinds; ++k) {
    Sample("tally_queries_total", absl::StrCat("kind=\"", kQueryKindNames[k], "\""), queries_[k].count.load(kRelaxed),
           out);
  }
  Header("tally_query_duration_seconds", "histogram",
         "Time from reading a query's request to its last byte sent, by kind.", out);
  for (int k = 0; k < kQueryKinds; ++k) {
    const Histogram& h = queries_[k];
    const std::string kind = absl::StrCat("kind=\"", kQueryKindNames[k], "\"");
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kLatencyBuckets.size(); ++b) {
      cumulative += h.buckets[b].load(kRelaxed);
      const std::string le = b < kLatencyBuckets.size() ? absl::StrCat(kLatencyBuckets[b]) : "+Inf";
      Sample("tally_query_duration_seconds_bucket", absl::StrCat(kind, ",le=\"", le, "\""), cumulative, out);
    }
    Sample("tally_query_duration_seconds_sum", kind,
           absl::StrFormat("%.6f", static_cast<double>(h.sum_ns.load(kRelaxed)) / 1e9), out);
    Sample("tally_query_duration_seconds_count", kind, h.count.load(kRelaxed), out);
  }
  Header("tally_errors_total", "counter", "Errors answered, by ClickHouse error code.", out);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [code, entry] : errors_) {
      Sample("tally_errors_total", absl::StrCat("code=\"", code, "\",name=\"", PrometheusLabel(entry.first), "\""),
             entry.second, out);
    }
  }
  Header("tally_inserted_rows_total", "counter", "Rows stored by INSERT statements.", out);
  Sample("tally_inserted_rows_total", "", inserted_rows_.load(kRelaxed), out);
  Header("tally_inserted_bytes_total", "counter", "Bytes of INSERT data read from request bodies, decompressed.", out);
  Sample("tally_inserted_bytes_total", "", inserted_bytes_.load(kRelaxed), out);
  Header("tally_received_bytes_total", "counter", "Bytes of request bodies received, as sent (compressed or not).",
         out);
  Sample("tally_received_bytes_total", "", received_bytes_.load(kRelaxed), out);
  Header("tally_sent_bytes_total", "counter", "Bytes of query results sent, as sent (compressed or not).", out);
  Sample("tally_sent_bytes_total", "", sent_bytes_.load(kRelaxed), out);
  Header("tally_active_connections", "gauge", "Open client connections.", out);
  Sample("tally_active_connections", "", open_connections, out);
  Header("tally_active_queries", "gauge", "Queries running now.", out);
  Sample("tally_active_queries", "", active_queries_.load(kRelaxed), out);
}

}  // namespace tally::server
