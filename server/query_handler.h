// QueryHandler: ClickHouse's HTTP interface on one request. Routes `/` and `/ping`
// (health), `/metrics` (Prometheus) and `/play` (the query page), authenticates the user
// (server/users.h), builds the request's Session (or takes the named session's) with the
// user's readonly level and row filters, applies the URL's settings and `param_` values,
// runs the query with the body streamed in as INSERT data and the result streamed out,
// and answers errors as ClickHouse does (status, X-ClickHouse-Exception-Code, "Code: N.
// DB::Exception: ... (NAME)").
//
// Thread-safe: one handler serves every connection thread; named sessions (one set per
// user) are locked while a request uses them (a second concurrent request gets
// SESSION_IS_LOCKED).
#ifndef TALLY_SERVER_QUERY_HANDLER_H_
#define TALLY_SERVER_QUERY_HANDLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "engine/database.h"
#include "engine/query/session.h"
#include "server/disconnect_watcher.h"
#include "server/http_connection.h"
#include "server/metrics.h"
#include "server/ticker.h"
#include "server/users.h"

namespace tally::server {

struct QueryHandlerOptions {
  // Who may connect: null means only `default`, with default_password ("" = none).
  std::shared_ptr<const Users> users;
  std::string default_password;
  size_t query_bytes_max = 256 << 10;        // SQL text read from a body (not INSERT data)
  uint64_t buffered_body_bytes_max = 64 << 20;  // a body that is not streamed (VALUES)
  uint64_t held_response_bytes_max = 64 << 20;  // a response held whole (wait_end_of_query=1)
  size_t concurrent_queries_max = 100;          // more at once: 503 (TOO_MANY_SIMULTANEOUS_QUERIES)
  absl::Duration session_timeout = absl::Seconds(60);  // default of `session_timeout`
  absl::Duration session_timeout_max = absl::Hours(1);
};

class QueryHandler {
 public:
  QueryHandler(engine::Database* db, QueryHandlerOptions options);
  ~QueryHandler();

  // What Handle did with a request.
  enum class Handled {
    kAnswered,  // the response is finished or aborted
    // An INSERT waiting for its group commit: the group commit thread answers it later
    // and then calls the answered callback (SetAnsweredCallback) with `conn`.
    kPending,
  };
  // Answers `req` on `conn` (the body read as needed), now or, for an insert without a
  // named session, once its group commit is durable: a thread does not wait per insert.
  Handled Handle(HttpConnection* conn, const HttpRequest& req);
  // Whether Handle answers the request now on `conn` without waiting for anything (a
  // single-row insert, say: its whole body here, its commit left to the group commit
  // thread), so that the thread watching connections may run it itself instead of
  // handing it to a worker. Otherwise Handle may wait, for the body or for a query.
  bool AnswersWithoutWaiting(const HttpConnection& conn) const;
  // Called, on the thread that answered it, once a kPending request's response is
  // written; it must not block. Set before the first request.
  void SetAnsweredCallback(std::function<void(HttpConnection*)> answered) { answered_ = std::move(answered); }
  // Requests answered later (kPending) whose answer has not been written yet.
  size_t pending() const { return pending_.load(); }
  // Cancels every running query (shutdown after the grace period).
  void CancelAll();
  // Where /metrics reads the number of open connections (the server's count).
  void SetConnectionCounter(std::function<size_t()> open_connections) {
    open_connections_ = std::move(open_connections);
  }
  const ServerMetrics& metrics() const { return metrics_; }

 private:
  struct NamedSession;
  // The session `id` (made on first use), locked for this request; nullptr and an error
  // when another request holds it.
  // The session `id` of `user` (made on first use), locked for this request; an error
  // when another request holds it.
  absl::StatusOr<std::shared_ptr<NamedSession>> AcquireSession(const User& user, const std::string& id,
                                                               absl::Duration timeout);
  void ReleaseSession(const std::shared_ptr<NamedSession>& s);
  // A new session for `user`: its name and row filters.
  absl::Status SetUpSession(const User& user, engine::sql::Session* session) const;
  // The request's user, from its credentials; AUTHENTICATION_FAILED when none matches.
  absl::StatusOr<const User*> Authenticate(const HttpRequest& req) const;
  // GET /metrics (authenticated; refused to users with row filters).
  void ServeMetrics(HttpConnection* conn, const HttpRequest& req);
  // GET /play: the query page (server/play_page.h), open to all: its queries authenticate.
  void ServePlay(HttpConnection* conn, const HttpRequest& req);
  // Runs the request's query and writes its response, all but finishing it (Handle does,
  // once a named session is released). *kind gets the query's kind once its text is
  // known. With `pending` (no named
  // session), an INSERT whose rows stream from the body commits without waiting: then
  // *pending is set and AnswerInsert answers it later.
  absl::Status RunQuery(HttpConnection* conn, const HttpRequest& req, const User& user, engine::sql::Session* session,
                        const std::string& query_id, QueryKind* kind, bool* pending);
  // The error response for `s` (or the tail of an aborted one, once committed).
  void AnswerError(HttpConnection* conn, const std::string& query_id, const absl::Status& s);
  // A pending insert's answer, on the thread its commit ended on (Handled::kPending).
  struct PendingInsert {
    HttpConnection* conn;
    std::string query_id, format, timezone;
    absl::Time start;
  };
  void AnswerInsert(const PendingInsert& insert, const absl::Status& s, uint64_t rows,
                    const engine::ProgressValues& progress);

  engine::Database* db_;
  const QueryHandlerOptions options_;
  const std::shared_ptr<const Users> users_;
  ServerMetrics metrics_;
  std::function<size_t()> open_connections_;
  std::atomic<size_t> running_{0};
  std::atomic<size_t> pending_{0};
  std::function<void(HttpConnection*)> answered_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<NamedSession>> sessions_;  // by user, '\0', id
  absl::flat_hash_map<engine::sql::Session*, int> active_;  // running sessions, for CancelAll
  DisconnectWatcher disconnects_;  // cancels a query whose client went away
  Ticker ticker_;                  // sends progress headers (server/progress_headers.h)
};

}  // namespace tally::server

#endif  // TALLY_SERVER_QUERY_HANDLER_H_
