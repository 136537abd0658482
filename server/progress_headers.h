// A query's progress as ClickHouse's HTTP interface reports it: the X-ClickHouse-Summary
// header of the response, and X-ClickHouse-Progress header lines sent while the query
// runs, before its body, when the request asks for them (send_progress_in_http_headers=1):
// at most one every http_headers_progress_interval_ms (default 100), and only when the
// counts moved, from the server's shared Ticker. The counts are the running statement's
// (engine::sql::Session::progress()).
//
// Thread-safe as each function says.
#ifndef TALLY_SERVER_PROGRESS_HEADERS_H_
#define TALLY_SERVER_PROGRESS_HEADERS_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/query/session.h"
#include "server/http_connection.h"
#include "server/ticker.h"

namespace tally::server {

// What a request asks of its response's headers and buffering.
struct HttpProgressOptions {
  bool send_progress = false;                         // send_progress_in_http_headers
  absl::Duration interval = absl::Milliseconds(100);  // http_headers_progress_interval_ms
  bool wait_end_of_query = false;                     // wait_end_of_query, http_wait_end_of_query
};

// From the URL's parameters, else the session's settings (a SET in a named session);
// InvalidArgument for a value that is not a number.
absl::StatusOr<HttpProgressOptions> HttpProgressOptionsOf(const HttpRequest& req,
                                                          const engine::sql::Settings& settings);

// {"read_rows":"N","read_bytes":"N","written_rows":"N","written_bytes":"N",
// "total_rows_to_read":"N","result_rows":"N","result_bytes":"N","elapsed_ns":"N"}: the
// keys and order of ClickHouse's summary and progress headers, numbers quoted as it quotes
// them (a 64-bit integer survives a JavaScript client).
std::string ProgressJson(const engine::ProgressValues& values, absl::Duration elapsed);

// Sends X-ClickHouse-Progress on `conn` while it lives. Made and destroyed on the thread
// driving `conn`, which must outlive it, as must `session`; `start` is what elapsed_ns
// counts from.
class ScopedProgressHeaders {
 public:
  ScopedProgressHeaders(Ticker* ticker, HttpConnection* conn, const engine::sql::Session* session, absl::Time start,
                        absl::Duration interval);
  ~ScopedProgressHeaders();
  ScopedProgressHeaders(const ScopedProgressHeaders&) = delete;
  ScopedProgressHeaders& operator=(const ScopedProgressHeaders&) = delete;

 private:
  void Tick();  // on the ticker's thread

  HttpConnection* conn_;
  const engine::sql::Session* session_;
  absl::Time start_;
  engine::ProgressValues last_sent_;  // the ticker's thread's
  std::optional<ScopedTick> tick_;
};

}  // namespace tally::server

#endif  // TALLY_SERVER_PROGRESS_HEADERS_H_
