#include "server/progress_headers.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tally::server {

namespace {

// The URL parameter `name`, else the setting (or `setting` when it has another name).
const std::string* Lookup(const HttpRequest& req, const engine::sql::Settings& settings, const std::string& name,
                          const std::string& setting = "") {
  if (const std::string* p = req.Param(name); p != nullptr) return p;
  auto it = settings.accepted.find(setting.empty() ? name : setting);
  return it == settings.accepted.end() ? nullptr : &it->second;
}

absl::StatusOr<uint64_t> Number(const std::string& name, const std::string& value) {
  uint64_t v;
  if (!absl::SimpleAtoi(value, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(name, " takes a non-negative integer, got '", value, "'"));
  }
  return v;
}

// A Bool setting's value: 0/1, or false/true as ClickHouse also takes them.
absl::StatusOr<bool> Flag(const std::string& name, const std::string& value) {
  if (absl::EqualsIgnoreCase(value, "true")) return true;
  if (absl::EqualsIgnoreCase(value, "false")) return false;
  absl::StatusOr<uint64_t> n = Number(name, value);
  if (!n.ok()) return n.status();
  return *n != 0;
}

}  // namespace

absl::StatusOr<HttpProgressOptions> HttpProgressOptionsOf(const HttpRequest& req,
                                                          const engine::sql::Settings& settings) {
  HttpProgressOptions options;
  if (const std::string* v = Lookup(req, settings, "send_progress_in_http_headers"); v != nullptr) {
    absl::StatusOr<bool> on = Flag("send_progress_in_http_headers", *v);
    if (!on.ok()) return on.status();
    options.send_progress = *on;
  }
  if (const std::string* v = Lookup(req, settings, "http_headers_progress_interval_ms"); v != nullptr) {
    absl::StatusOr<uint64_t> n = Number("http_headers_progress_interval_ms", *v);
    if (!n.ok()) return n.status();
    // At least 10 ms: the ticker's one thread serves every request.
    options.interval = absl::Milliseconds(std::max<uint64_t>(*n, 10));
  }
  if (const std::string* v = Lookup(req, settings, "wait_end_of_query", "http_wait_end_of_query"); v != nullptr) {
    absl::StatusOr<bool> on = Flag("wait_end_of_query", *v);
    if (!on.ok()) return on.status();
    options.wait_end_of_query = *on;
  }
  return options;
}

std::string ProgressJson(const engine::ProgressValues& v, absl::Duration elapsed) {
  return absl::StrCat("{\"read_rows\":\"", v.read_rows, "\",\"read_bytes\":\"", v.read_bytes,
                      "\",\"written_rows\":\"", v.written_rows, "\",\"written_bytes\":\"", v.written_bytes,
                      "\",\"total_rows_to_read\":\"", v.total_rows_to_read, "\",\"result_rows\":\"", v.result_rows,
                      "\",\"result_bytes\":\"", v.result_bytes, "\",\"elapsed_ns\":\"",
                      absl::ToInt64Nanoseconds(elapsed), "\"}");
}

ScopedProgressHeaders::ScopedProgressHeaders(Ticker* ticker, HttpConnection* conn,
                                             const engine::sql::Session* session, absl::Time start,
                                             absl::Duration interval)
    : conn_(conn), session_(session), start_(start) {
  // A 100 Continue that cannot be sent means a broken connection, which reading the body
  // reports.
  (void)conn_->ShareHead(true);
  tick_.emplace(ticker, interval, [this] { Tick(); });
}

ScopedProgressHeaders::~ScopedProgressHeaders() {
  tick_.reset();  // no Tick runs from here on
  (void)conn_->ShareHead(false);
}

void ScopedProgressHeaders::Tick() {
  const engine::ProgressValues now = session_->progress().Get();
  if (now == last_sent_) return;  // nothing moved (a query that has read nothing yet sends nothing)
  if (conn_->SendHeaderLine("X-ClickHouse-Progress", ProgressJson(now, absl::Now() - start_))) last_sent_ = now;
}

}  // namespace tally::server
