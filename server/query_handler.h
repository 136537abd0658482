// QueryHandler: ClickHouse's HTTP interface on one request. Routes `/` and `/ping`
// (health), authenticates, builds the request's Session (or takes the named session's),
// applies the URL's settings and `param_` values, runs the query with the body streamed
// in as INSERT data and the result streamed out, and answers errors as ClickHouse does
// (status, X-ClickHouse-Exception-Code, "Code: N. DB::Exception: ... (NAME)").
//
// Thread-safe: one handler serves every connection thread; named sessions are locked
// while a request uses them (a second concurrent request gets SESSION_IS_LOCKED).
#ifndef TALLY_SERVER_QUERY_HANDLER_H_
#define TALLY_SERVER_QUERY_HANDLER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "engine/database.h"
#include "engine/query/session.h"
#include "server/disconnect_watcher.h"
#include "server/http_connection.h"

namespace tally::server {

struct QueryHandlerOptions {
  std::string default_password;  // the `default` user's; "" = none
  size_t query_bytes_max = 256 << 10;        // SQL text read from a body (not INSERT data)
  uint64_t buffered_body_bytes_max = 64 << 20;  // a body that is not streamed (VALUES)
  size_t concurrent_queries_max = 100;          // more at once: 503 (TOO_MANY_SIMULTANEOUS_QUERIES)
  absl::Duration session_timeout = absl::Seconds(60);  // default of `session_timeout`
  absl::Duration session_timeout_max = absl::Hours(1);
};

class QueryHandler {
 public:
  QueryHandler(engine::Database* db, QueryHandlerOptions options);
  ~QueryHandler();

  // Answers `req` on `conn` (the body read as needed, the response finished or aborted).
  void Handle(HttpConnection* conn, const HttpRequest& req);
  // Cancels every running query (shutdown after the grace period).
  void CancelAll();

 private:
  struct NamedSession;
  // The session `id` (made on first use), locked for this request; nullptr and an error
  // when another request holds it.
  absl::StatusOr<std::shared_ptr<NamedSession>> AcquireSession(const std::string& id, absl::Duration timeout);
  void ReleaseSession(const std::shared_ptr<NamedSession>& s);
  absl::Status RunQuery(HttpConnection* conn, const HttpRequest& req, engine::sql::Session* session,
                        const std::string& query_id);

  engine::Database* db_;
  const QueryHandlerOptions options_;
  std::atomic<size_t> running_{0};
  std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<NamedSession>> sessions_;
  absl::flat_hash_map<engine::sql::Session*, int> active_;  // running sessions, for CancelAll
  DisconnectWatcher disconnects_;  // cancels a query whose client went away
};

}  // namespace tally::server

#endif  // TALLY_SERVER_QUERY_HANDLER_H_
