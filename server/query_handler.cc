#include "server/query_handler.h"

#include <algorithm>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "format/status_macros.h"
#include "format/value.h"
#include "server/error_codes.h"
#include "server/http_compression.h"
#include "server/play_page.h"
#include "server/progress_headers.h"

namespace tally::server {

namespace {

using engine::ErrorCode;
using engine::sql::InputStream;
using engine::sql::Session;

// URL parameters that are part of the protocol, not settings.
bool IsProtocolParam(absl::string_view name) {
  static constexpr absl::string_view kNames[] = {
      "query", "database", "default_format", "query_id", "session_id", "session_timeout", "session_check",
      "user", "password", "quota_key", "compress", "decompress", "buffer_size", "wait_end_of_query",
      "enable_http_compression", "http_zlib_compression_level", "send_progress_in_http_headers",
      "http_headers_progress_interval_ms", "client_protocol_version", "add_http_cors_header", "readonly",
  };
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::string NewQueryId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  a = (a & ~uint64_t{0xf000}) | 0x4000;                        // version 4
  b = (b & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);        // variant 10
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                         b & 0xffffffffffffULL);
}

std::string ContentTypeOf(absl::string_view format) {
  if (absl::StartsWith(format, "TabSeparated") || absl::StartsWith(format, "TSV")) {
    return "text/tab-separated-values; charset=UTF-8";
  }
  if (absl::StartsWith(format, "CSV")) {
    return absl::StrCat("text/csv; charset=UTF-8; header=", format == "CSV" ? "absent" : "present");
  }
  if (format == "JSON" || format == "JSONCompact") return "application/json; charset=UTF-8";
  if (absl::StartsWith(format, "JSON") || format == "NDJSON") return "application/x-ndjson; charset=UTF-8";
  if (format == "Native" || absl::StartsWith(format, "RowBinary")) return "application/octet-stream";
  return "text/plain; charset=UTF-8";
}

// The (decoded) request body as INSERT data: `prefix` (bytes already read while looking
// for the query's end) first, then the rest of the body.
class BodyStream : public InputStream {
 public:
  // Counts what it hands out in `metrics` (inserted bytes).
  BodyStream(BodyDecoder* body, std::string prefix, ServerMetrics* metrics)
      : body_(body), prefix_(std::move(prefix)), metrics_(metrics) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      metrics_->AddInsertedBytes(k);
      return k;
    }
    absl::StatusOr<size_t> k = body_->Read(buf, n);
    if (k.ok()) metrics_->AddInsertedBytes(*k);
    return k;
  }

 private:
  BodyDecoder* body_;
  std::string prefix_;
  size_t pos_ = 0;
  ServerMetrics* metrics_;
};

// A write that failed because a held response (wait_end_of_query=1) outgrew its bound, as
// the error the client gets; other statuses as they are.
absl::Status HeldResponseError(const absl::Status& s, bool held, uint64_t bytes_max) {
  if (!held || !absl::IsResourceExhausted(s)) return s;
  return ErrorWithCode(ErrorCode::kTooManyRowsOrBytes,
                       absl::StrCat("Limit for result exceeded: with wait_end_of_query=1 the whole response is held in ",
                                    "memory, up to ", bytes_max, " bytes; ask for less, or without wait_end_of_query"));
}

// Up to `max` bytes of the decoded body into *out; whether the body ended within them.
absl::StatusOr<bool> ReadBodyUpTo(BodyDecoder* body, size_t max, std::string* out) {
  char buf[64 << 10];
  while (out->size() < max) {
    TALLY_ASSIGN_OR_RETURN(size_t n, body->Read(buf, std::min(sizeof buf, max - out->size())));
    if (n == 0) return true;
    out->append(buf, n);
  }
  char probe;
  TALLY_ASSIGN_OR_RETURN(size_t n, body->Read(&probe, 1));
  if (n == 0) return true;
  out->push_back(probe);
  return false;
}

}  // namespace

struct QueryHandler::NamedSession {
  explicit NamedSession(engine::Database* db) : session(db) {}
  Session session;
  bool in_use = false;
  bool set_up = false;  // SetUpSession ran
  absl::Time expires = absl::InfiniteFuture();
};

QueryHandler::QueryHandler(engine::Database* db, QueryHandlerOptions options)
    : db_(db),
      options_(std::move(options)),
      users_(options_.users != nullptr
                 ? options_.users
                 : std::make_shared<const Users>(Users::DefaultOnly(options_.default_password))) {}

QueryHandler::~QueryHandler() = default;

void QueryHandler::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [session, count] : active_) session->Cancel();
}

absl::StatusOr<std::shared_ptr<QueryHandler::NamedSession>> QueryHandler::AcquireSession(const User& user,
                                                                                        const std::string& id,
                                                                                        absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = absl::Now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    if (!it->second->in_use && it->second->expires < now) sessions_.erase(it);
    it = next;
  }
  // Sessions belong to their user, as in ClickHouse: another user's request with the same
  // id gets a session of its own.
  std::shared_ptr<NamedSession>& s = sessions_[absl::StrCat(user.name, std::string(1, '\0'), id)];
  if (s == nullptr) s = std::make_shared<NamedSession>(db_);
  if (s->in_use) {
    return ErrorWithCode(ErrorCode::kSessionIsLocked,
                         absl::StrCat("Session ", id, " is locked by a concurrent client"));
  }
  s->in_use = true;
  s->expires = now + timeout;
  return s;
}

void QueryHandler::ReleaseSession(const std::shared_ptr<NamedSession>& s) {
  std::lock_guard<std::mutex> lock(mu_);
  s->in_use = false;
}

absl::Status QueryHandler::SetUpSession(const User& user, Session* session) const {
  session->set_user(user.name);
  for (const UserRowFilter& f : user.row_filters) TALLY_RETURN_IF_ERROR(session->SetRowFilter(f.table, f.condition));
  return absl::OkStatus();
}

absl::StatusOr<const User*> QueryHandler::Authenticate(const HttpRequest& req) const {
  // Credentials: Basic auth, X-ClickHouse-User/Key, or user/password parameters.
  std::string user = "default", password;
  if (const std::string* auth = req.Header("authorization"); auth != nullptr) {
    std::string decoded;
    if (!absl::StartsWithIgnoreCase(*auth, "Basic ") || !absl::Base64Unescape(auth->substr(6), &decoded) ||
        decoded.find(':') == std::string::npos) {
      return ErrorWithCode(ErrorCode::kAuthenticationFailed,
                           "Authorization: only Basic credentials (user:password) are accepted");
    }
    user = decoded.substr(0, decoded.find(':'));
    password = decoded.substr(decoded.find(':') + 1);
  }
  if (const std::string* h = req.Header("x-clickhouse-user"); h != nullptr) user = *h;
  if (const std::string* h = req.Header("x-clickhouse-key"); h != nullptr) password = *h;
  if (const std::string* p = req.Param("user"); p != nullptr) user = *p;
  if (const std::string* p = req.Param("password"); p != nullptr) password = *p;
  if (user.empty()) user = "default";
  // One answer for an unknown user, a disabled one and a wrong password, as ClickHouse's.
  const User* found = users_->Authenticate(user, password);
  if (found == nullptr) {
    return ErrorWithCode(ErrorCode::kAuthenticationFailed,
                         absl::StrCat(user, ": Authentication failed: password is incorrect, "
                                            "or there is no user with such name"));
  }
  return found;
}

void QueryHandler::ServeMetrics(HttpConnection* conn, const HttpRequest& req) {
  auto fail = [&](const absl::Status& s) {
    ClickHouseError e = ErrorFor(s);
    metrics_.CountError(e.code, e.name);
    conn->AddHeader("X-ClickHouse-Exception-Code", absl::StrCat(e.code));
    (void)conn->Respond(e.http_status, "text/plain; charset=UTF-8", ErrorBody(e, s.message()));
  };
  if (req.method != "GET" && req.method != "HEAD") {
    (void)conn->Respond(405, "text/plain; charset=UTF-8", "Use GET for /metrics.\n");
    return;
  }
  absl::StatusOr<const User*> user = Authenticate(req);
  if (!user.ok()) return fail(user.status());
  if (!(*user)->row_filters.empty()) {
    // The figures are every table's and every tenant's.
    return fail(ErrorWithCode(ErrorCode::kAccessDenied,
                              absl::StrCat((*user)->name, ": Not enough privileges: a user with row filters may not ",
                                           "read /metrics, which counts every table's rows")));
  }
  std::string body;
  metrics_.Render(open_connections_ ? static_cast<int64_t>(open_connections_()) : 0, &body);
  RenderEngineMetrics(CollectEngineStats(*db_), &body);
  (void)conn->Respond(200, "text/plain; version=0.0.4; charset=utf-8", body);
}

void QueryHandler::AnswerError(HttpConnection* conn, const std::string& query_id, const absl::Status& s) {
  ClickHouseError e = ErrorFor(s);
  metrics_.CountError(e.code, e.name);
  std::string body = ErrorBody(e, s.message());
  if (conn->committed()) {
    conn->AddHeader("X-ClickHouse-Exception-Code", absl::StrCat(e.code));  // sent if the head is still open
    conn->Abort(absl::StrCat("\n", body));
    return;
  }
  conn->AddHeader("X-ClickHouse-Query-Id", query_id);
  conn->AddHeader("X-ClickHouse-Exception-Code", absl::StrCat(e.code));
  (void)conn->Respond(e.http_status, "text/plain; charset=UTF-8", body);
}

void QueryHandler::AnswerInsert(const PendingInsert& insert, const absl::Status& s, uint64_t rows,
                                const engine::ProgressValues& progress) {
  HttpConnection* conn = insert.conn;
  if (s.ok()) {
    metrics_.AddInsertedRows(rows);
    conn->AddHeader("Content-Type", ContentTypeOf(insert.format));
    conn->AddHeader("X-ClickHouse-Query-Id", insert.query_id);
    conn->AddHeader("X-ClickHouse-Format", insert.format);
    conn->AddHeader("X-ClickHouse-Timezone", insert.timezone);
    conn->AddHeader("X-ClickHouse-Summary", ProgressJson(progress, absl::Now() - insert.start));
    (void)conn->Finish();
  } else {
    AnswerError(conn, insert.query_id, s);
  }
  metrics_.CountQuery(QueryKind::kInsert, absl::Now() - insert.start);
  metrics_.QueryEnded();
  running_.fetch_sub(1);
  answered_(conn);  // conn is the server's again
  pending_.fetch_sub(1);  // last: the server may stop and destroy this handler from now on
}

void QueryHandler::ServePlay(HttpConnection* conn, const HttpRequest& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    (void)conn->Respond(405, "text/plain; charset=UTF-8", "Use GET for /play.\n");
    return;
  }
  // The page needs nothing from elsewhere, so the browser is told to load nothing from
  // elsewhere: no script a query result could smuggle in would run or reach another host,
  // and no other site may frame the page.
  conn->AddHeader("Content-Security-Policy",
                  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  "img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors 'none'");
  conn->AddHeader("X-Content-Type-Options", "nosniff");
  (void)conn->Respond(200, "text/html; charset=UTF-8", PlayPage());
}

bool QueryHandler::AnswersWithoutWaiting(const HttpConnection& conn) const {
  // What RunQuery hands to ExecuteInsertAsync, with its rows here already: an INSERT ...
  // FORMAT in the URL and its data in a small body that has arrived whole and is not
  // compressed. A body of at most this many bytes parses into a block small enough to
  // be kept for a group commit (Database::InsertBatch), not written to a part here.
  constexpr uint64_t kBodyBytesMax = 16 << 10;
  const HttpRequest& req = conn.request();
  if (req.method != "POST" || req.path != "/" || !conn.BodyArrived(kBodyBytesMax)) return false;
  if (req.Header("content-encoding") != nullptr || req.Param("session_id") != nullptr) return false;
  // Progress headers and a held response are for requests a thread of their own runs
  // (RunQuery answers those at once); a new session has no settings of its own for them.
  absl::StatusOr<HttpProgressOptions> progress = HttpProgressOptionsOf(req, engine::sql::Settings{});
  if (!progress.ok() || progress->send_progress || progress->wait_end_of_query) return false;
  const std::string* query = req.Param("query");
  if (query == nullptr || engine::sql::InsertDataStart(*query) != query->size()) return false;
  return !db_->has_pending_backfills();  // a new Session would run them first
}

QueryHandler::Handled QueryHandler::Handle(HttpConnection* conn, const HttpRequest& req) {
  const std::string* given_id = req.Param("query_id");
  const std::string query_id = given_id != nullptr && !given_id->empty() ? *given_id : NewQueryId();
  auto fail = [&](const absl::Status& s) { AnswerError(conn, query_id, s); };

  const bool read_method = req.method == "GET" || req.method == "HEAD";
  if (req.path == "/ping" || req.path == "/replicas_status") {
    metrics_.CountRequest(RequestKind::kPing);
    if (!read_method) {
      (void)conn->Respond(405, "text/plain; charset=UTF-8", "Use GET for /ping.\n");
      return Handled::kAnswered;
    }
    (void)conn->Respond(200, "text/plain; charset=UTF-8", "Ok.\n");
    return Handled::kAnswered;
  }
  if (req.path == "/metrics") {
    metrics_.CountRequest(RequestKind::kMetrics);
    ServeMetrics(conn, req);
    return Handled::kAnswered;
  }
  if (req.path == "/play") {
    metrics_.CountRequest(RequestKind::kOther);
    ServePlay(conn, req);
    return Handled::kAnswered;
  }
  if (req.path != "/") {
    metrics_.CountRequest(RequestKind::kOther);
    (void)conn->Respond(404, "text/plain; charset=UTF-8",
                        absl::StrCat("There is no handle ", req.path,
                                     ". Use / for queries, /ping for health checks, /metrics for metrics and "
                                     "/play for the query page.\n"));
    return Handled::kAnswered;
  }
  if (read_method && req.Param("query") == nullptr && !req.has_body()) {
    metrics_.CountRequest(RequestKind::kPing);
    (void)conn->Respond(200, "text/plain; charset=UTF-8", "Ok.\n");
    return Handled::kAnswered;
  }
  metrics_.CountRequest(RequestKind::kQuery);
  if (!read_method && req.method != "POST") {
    (void)conn->Respond(405, "text/plain; charset=UTF-8", "Queries use GET (read-only) or POST.\n");
    return Handled::kAnswered;
  }

  absl::StatusOr<const User*> user = Authenticate(req);
  if (!user.ok()) {
    fail(user.status());
    return Handled::kAnswered;
  }

  if (running_.fetch_add(1) >= options_.concurrent_queries_max) {
    running_.fetch_sub(1);
    conn->AddHeader("Retry-After", "1");
    fail(ErrorWithCode(ErrorCode::kTooManySimultaneousQueries,
                       absl::StrCat("Too many simultaneous queries. Maximum: ", options_.concurrent_queries_max)));
    return Handled::kAnswered;
  }
  std::shared_ptr<NamedSession> named;
  std::unique_ptr<Session> fresh;
  Session* session = nullptr;
  absl::Status s;
  if (const std::string* id = req.Param("session_id"); id != nullptr && !id->empty()) {
    absl::Duration timeout = options_.session_timeout;
    if (const std::string* t = req.Param("session_timeout"); t != nullptr) {
      int64_t secs;
      if (!absl::SimpleAtoi(*t, &secs) || secs < 0 || absl::Seconds(secs) > options_.session_timeout_max) {
        s = absl::InvalidArgumentError(absl::StrCat("session_timeout must be a number of seconds from 0 to ",
                                                    absl::ToInt64Seconds(options_.session_timeout_max)));
      }
      timeout = absl::Seconds(secs);
    }
    if (s.ok()) {
      auto acquired = AcquireSession(**user, *id, timeout);
      if (acquired.ok()) {
        named = *acquired;
        session = &named->session;
        if (!named->set_up) {
          s = SetUpSession(**user, session);
          named->set_up = s.ok();
        }
      } else {
        s = acquired.status();
      }
    }
  } else {
    fresh = std::make_unique<Session>(db_);
    session = fresh.get();
    s = SetUpSession(**user, session);
  }
  if (s.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++active_[session];
    }
    metrics_.QueryStarted();
    const absl::Time start = absl::Now();
    const uint64_t rows_before = session->rows_inserted();
    QueryKind kind = QueryKind::kOther;
    bool pending = false;
    s = RunQuery(conn, req, **user, session, query_id, &kind, named == nullptr ? &pending : nullptr);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--active_[session] == 0) active_.erase(session);
    }
    // A pending insert is counted and answered by AnswerInsert, maybe already.
    if (pending) return Handled::kPending;
    metrics_.AddInsertedRows(session->rows_inserted() - rows_before);
    metrics_.CountQuery(kind, absl::Now() - start);
    metrics_.QueryEnded();
  }
  // The session is free before the client hears: its next request may come at once.
  if (named != nullptr) ReleaseSession(named);
  running_.fetch_sub(1);
  if (s.ok()) s = conn->Finish();
  if (!s.ok()) fail(s);
  return Handled::kAnswered;
}

absl::Status QueryHandler::RunQuery(HttpConnection* conn, const HttpRequest& req, const User& user, Session* session,
                                    const std::string& query_id, QueryKind* kind, bool* pending) {
  const absl::Time start = absl::Now();
  // The user's readonly level holds whatever the method; level 1 is the stricter one.
  if (user.readonly != 0) {
    session->set_readonly(req.method == "POST" || user.readonly == 1 ? user.readonly : 2,
                          absl::StrCat("User ", user.name, " is readonly (readonly = ", user.readonly, ")"));
  } else {
    session->set_readonly(req.method == "POST" ? 0 : 2,
                          "For queries over HTTP, method GET implies readonly. You should use method POST for "
                          "modifying queries");
  }
  // readonly=N in the URL (ClickHouse's `readonly` setting) makes the request stricter,
  // never less strict than its user and method: 1 is the strictest, then 2, then 0.
  if (const std::string* r = req.Param("readonly"); r != nullptr) {
    int level;
    if (!absl::SimpleAtoi(*r, &level) || level < 0 || level > 2) {
      return absl::InvalidArgumentError(absl::StrCat("readonly takes 0, 1 or 2, got '", *r, "'"));
    }
    auto strictness = [](int l) { return l == 1 ? 2 : l == 2 ? 1 : 0; };
    if (strictness(level) < strictness(session->readonly())) {
      return ErrorWithCode(ErrorCode::kReadonly, "Cannot modify 'readonly' setting in readonly mode");
    }
    if (level != session->readonly()) {
      session->set_readonly(level, absl::StrCat("readonly = ", level, " was set for this request"));
    }
  }
  std::string database;
  if (const std::string* h = req.Header("x-clickhouse-database"); h != nullptr) database = *h;
  if (const std::string* p = req.Param("database"); p != nullptr) database = *p;
  if (!database.empty()) TALLY_RETURN_IF_ERROR(session->UseDatabase(database));
  // Settings in the URL, the format and the parameters are the request's own, as in
  // ClickHouse: the session runs the query with them and drops them after (a named
  // session keeps only what the query SETs).
  engine::sql::RequestOverrides overrides;
  if (const std::string* h = req.Header("x-clickhouse-format"); h != nullptr) overrides.default_format = *h;
  if (const std::string* p = req.Param("default_format"); p != nullptr) overrides.default_format = *p;
  for (const auto& [name, value] : req.params) {
    if (IsProtocolParam(name)) continue;
    if (absl::StartsWith(name, "param_")) {
      overrides.params.emplace_back(name.substr(6), value);
    } else {
      overrides.settings.emplace_back(name, value);
    }
  }
  // What the response's headers say the query ran with: the format and zone with the
  // request's overrides (the session drops them when the query returns).
  std::string response_format = session->default_format(), response_timezone = session->timezone();
  if (!overrides.empty()) {
    TALLY_ASSIGN_OR_RETURN(const engine::sql::Settings with, session->SettingsWith(overrides));
    response_format = with.default_format;
    response_timezone = with.timezone;
  }
  TALLY_ASSIGN_OR_RETURN(const HttpProgressOptions progress, HttpProgressOptionsOf(req, session->settings()));
  if (progress.wait_end_of_query) conn->HoldResponse(options_.held_response_bytes_max);

  // The body, decoded as it is read.
  if (const std::string* d = req.Param("decompress"); d != nullptr && *d != "0") {
    return absl::InvalidArgumentError(
        "decompress=1 (ClickHouse's own block compression) is not supported: send Content-Encoding: lz4, zstd or gzip");
  }
  const std::string* coding = req.Header("content-encoding");
  auto decoder = MakeBodyDecoder(coding != nullptr ? *coding : "", [this, conn](char* buf, size_t n) {
    absl::StatusOr<size_t> read = conn->ReadBody(buf, n);
    if (read.ok()) metrics_.AddReceivedBytes(*read);
    return read;
  });
  if (!decoder.ok()) return ErrorWithCode(ErrorCode::kUnknownCompressionMethod, decoder.status().message());
  BodyDecoder* body = decoder->get();

  // The query: the `query` parameter, the body, or both (the body continues the query).
  // An INSERT ... FORMAT's data streams from the body; other text is read whole.
  std::string sql, rest;
  bool streamed_insert = false;  // INSERT ... FORMAT, its rows from the body
  const std::string* url_query = req.Param("query");
  if (url_query != nullptr) sql = *url_query;
  if (req.has_body()) {
    if (url_query != nullptr && engine::sql::InsertDataStart(sql) == sql.size()) {
      // INSERT ... FORMAT x in the URL, its data in the body.
      streamed_insert = true;
    } else {
      std::string head = sql.empty() ? "" : sql + "\n";
      const size_t base = head.size();
      TALLY_ASSIGN_OR_RETURN(bool whole, ReadBodyUpTo(body, options_.query_bytes_max, &head));
      std::optional<size_t> data = engine::sql::InsertDataStart(head);
      if (data.has_value() && (*data < head.size() || whole)) {
        rest = head.substr(*data);
        sql = head.substr(0, *data);
        streamed_insert = true;
      } else {
        if (!whole) {
          size_t limit = options_.buffered_body_bytes_max;
          TALLY_ASSIGN_OR_RETURN(whole, ReadBodyUpTo(body, limit + base, &head));
          if (!whole) {
            return ErrorWithCode(ErrorCode::kQueryIsTooLarge,
                                 absl::StrCat("Query is too large: the request body holds more than ", limit,
                                              " bytes of SQL and inline data"));
          }
        }
        sql = std::move(head);
      }
    }
  }
  if (absl::StripAsciiWhitespace(sql).empty()) {
    return ErrorWithCode(ErrorCode::kSyntaxError, "Syntax error: empty query");
  }
  *kind = ClassifyQuery(sql);

  BodyStream input(body, std::move(rest), &metrics_);
  // X-ClickHouse-Summary: the counts when the head goes out, which for a response that
  // fits the buffer (or is held, wait_end_of_query=1) is when the query has ended.
  bool summary_added = false;
  auto add_summary = [&] {
    summary_added = true;
    conn->AddHeader("X-ClickHouse-Summary", ProgressJson(session->progress().Get(), absl::Now() - start));
  };
  auto write = [&](absl::string_view data) {
    if (!summary_added && conn->WriteCommits(data.size())) add_summary();
    return conn->Write(data);
  };
  // The result, encoded when asked (enable_http_compression=1 and an Accept-Encoding).
  std::unique_ptr<BodyEncoder> encoder;
  std::string response_coding;
  if (const std::string* e = req.Param("enable_http_compression"); e != nullptr && *e == "1") {
    const std::string* accept = req.Header("accept-encoding");
    response_coding = accept != nullptr ? ChooseResponseCoding(*accept) : "";
    if (!response_coding.empty()) {
      TALLY_ASSIGN_OR_RETURN(encoder, MakeBodyEncoder(response_coding, [this, &write](absl::string_view data) {
                               metrics_.AddSentBytes(data.size());
                               return write(data);
                             }));
    }
  }
  bool headers_sent = false, write_failed = false;
  absl::Status write_error;
  auto add_headers = [&] {
    headers_sent = true;
    const std::string& out_format = session->output_format().empty() ? response_format : session->output_format();
    conn->AddHeader("Content-Type", ContentTypeOf(out_format));
    if (encoder != nullptr) conn->AddHeader("Content-Encoding", response_coding);
    conn->AddHeader("X-ClickHouse-Query-Id", query_id);
    conn->AddHeader("X-ClickHouse-Format", out_format);
    conn->AddHeader("X-ClickHouse-Timezone", response_timezone);
  };
  auto sink = [&](absl::string_view chunk) {
    if (write_failed) return;
    if (!headers_sent) add_headers();
    if (encoder == nullptr) metrics_.AddSentBytes(chunk.size());
    absl::Status w = encoder != nullptr ? encoder->Write(chunk) : write(chunk);
    if (!w.ok()) {
      write_failed = true;
      write_error = w;
      session->Cancel();  // nobody is reading: stop the query
    }
  };
  absl::Status s;
  if (pending != nullptr && streamed_insert && !progress.send_progress && !progress.wait_end_of_query) {
    // Its rows are read whole before the commit, which does not wait: a group commit
    // answers it (AnswerInsert), and this thread goes on to other requests.
    PendingInsert insert{conn, query_id, response_format, response_timezone, start};
    pending_.fetch_add(1);
    Session::InsertDone done = [this, insert = std::move(insert)](absl::Status st, uint64_t rows,
                                                                   const engine::ProgressValues& values) {
      AnswerInsert(insert, st, rows, values);
    };
    s = session->ExecuteInsertAsync(sql, &input, &done, pending, overrides);
    if (*pending) return absl::OkStatus();  // conn is AnswerInsert's now
    pending_.fetch_sub(1);
  } else {
    ScopedDisconnectWatch watch(&disconnects_, conn->fd(), [session] { session->Cancel(); });
    std::optional<ScopedProgressHeaders> progress_headers;
    if (progress.send_progress) progress_headers.emplace(&ticker_, conn, session, start, progress.interval);
    s = session->Execute(sql, &input, sink, overrides);
  }
  if (write_failed || !s.ok()) conn->DiscardResponse();  // unless committed: the error's headers only
  if (write_failed) return HeldResponseError(write_error, progress.wait_end_of_query, options_.held_response_bytes_max);
  TALLY_RETURN_IF_ERROR(s);
  if (!headers_sent) add_headers();
  if (encoder != nullptr) TALLY_RETURN_IF_ERROR(HeldResponseError(encoder->Finish(), progress.wait_end_of_query,
                                                                     options_.held_response_bytes_max));
  if (!summary_added) add_summary();
  return absl::OkStatus();  // Handle finishes the response
}

}  // namespace tally::server
