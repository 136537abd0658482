// HttpConnection: one client's TCP connection speaking HTTP/1.1: requests one after another
// (keep-alive), each body read as the handler needs it (Content-Length or chunked), each
// response buffered up to a threshold and then streamed with chunked transfer encoding, so
// that a result's status is known while it fits the buffer and a large result never has to
// fit in memory.
//
// Boost.Beast's request parser frames the bytes (it stays inside http_connection.cc); the
// socket is non-blocking and every wait is a poll with a deadline (ADR 7). A request's head
// is read by ReadHead, which never waits longer than it is told to, so that the server can
// park a connection between requests and resume it when bytes arrive; its body is pulled
// piece by piece by ReadBody, so a body of any size streams.
//
// Refused with a status (the connection then closes): a malformed request line or header
// (400), an HTTP version other than 1.0 and 1.1 (505), both Content-Length and
// Transfer-Encoding, or conflicting lengths (400), a transfer coding other than chunked
// (501), an Expect other than 100-continue (400), a head over header_bytes_max (431), a
// Content-Length over body_bytes_max (413); while the body is read: bad chunk framing and a
// chunked body over body_bytes_max.
//
// Not thread-safe: one thread at a time drives a connection, except that between
// ShareHead(true) and ShareHead(false) one other thread may call SendHeaderLine (the
// server's progress headers, sent while the query runs). The response side is
// implemented in http_response.cc.
#ifndef TALLY_SERVER_HTTP_CONNECTION_H_
#define TALLY_SERVER_HTTP_CONNECTION_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tally::server {

struct HttpLimits {
  size_t header_bytes_max = 64 << 10;  // request line and headers together
  uint64_t body_bytes_max = 0;         // 0 = unlimited (the body is streamed)
  // A request's line and headers must arrive within this of their first byte (a client
  // trickling them is cut off), and a body may stall no longer than this.
  absl::Duration receive_timeout = absl::Seconds(30);
  absl::Duration send_timeout = absl::Seconds(30);        // a stall while writing a response
  absl::Duration keep_alive_timeout = absl::Seconds(10);  // idle between requests
  size_t response_buffer_bytes = 1 << 20;  // held before the headers go out
};

struct HttpRequest {
  std::string method;  // as sent: GET, POST, ...
  std::string target;  // path and query as sent
  std::string path;    // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> params;   // decoded query parameters, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  bool keep_alive = true;
  bool chunked = false;
  uint64_t content_length = 0;  // when !chunked

  // The first header or parameter of that name, or nullptr.
  const std::string* Header(absl::string_view lower_name) const;
  const std::string* Param(absl::string_view name) const;
  bool has_body() const { return chunked || content_length > 0; }
};

// An error meant for the client as an HTTP status (bad framing, limits), as opposed to a
// broken connection, which has no one left to answer.
struct HttpError {
  int status;
  std::string message;
};

class HttpConnection {
 public:
  // Takes ownership of `fd` (a connected socket; made non-blocking here).
  HttpConnection(int fd, HttpLimits limits);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  enum class HeadState {
    kPending,  // more bytes are needed: none yet (idle), or part of a head (head_started())
    kReady,    // request() is the next request
    kBad,      // malformed or over a limit: error() says what to answer
    kGone,     // the client closed or reset the connection, or it cannot carry another request
  };
  // Moves on to the next request (after the current one's response) and reads its line and
  // headers from what has arrived and what arrives within `wait` (zero: no waiting at all).
  // kPending may be called again later; the others are final for this request.
  HeadState ReadHead(absl::Duration wait);
  // When the first byte of the head being read arrived (InfiniteFuture when none has).
  absl::Time head_started() const { return head_started_; }
  // How long after the previous response ended the client started this request
  // (InfiniteDuration for a connection's first request): a hot client's is short.
  absl::Duration think_time() const { return think_time_; }
  // REQUIRES: ReadHead returned kReady.
  const HttpRequest& request() const { return request_; }
  // REQUIRES: ReadHead returned kBad.
  const HttpError& error() const { return error_; }

  // ReadHead for one request with a deadline of `timeout`; NotFound when the client closed
  // or sent nothing within it; *error set (and InvalidArgument returned) for a request that
  // deserves an answer, 408 when a head started but did not complete.
  absl::StatusOr<HttpRequest> ReadRequest(absl::Duration timeout, HttpError* error);

  // Reads up to `n` bytes of the current request's body; 0 at its end. Errors on a
  // broken connection, a stall over receive_timeout, bad chunk framing, or a body over
  // body_bytes_max.
  absl::StatusOr<size_t> ReadBody(char* buf, size_t n);
  // Reads and drops the rest of the body, so that the next request can be read.
  absl::Status DrainBody();
  // Whether bytes past the current request have been read from the socket already (a
  // pipelined request): then waiting for the socket to become readable would not see them.
  bool HasUnreadBytes() const { return in_pos_ < in_.size(); }
  // Whether the current request's whole body has arrived, so that reading it never waits:
  // a Content-Length body of at most `bytes_max` bytes, all of it buffered.
  bool BodyArrived(uint64_t bytes_max) const {
    return phase_ == Phase::kRequest && !request_.chunked && !expect_continue_ &&
           request_.content_length <= bytes_max && request_.content_length <= in_.size() - in_pos_;
  }

  // The response to the current request. Headers may be added until the head is sent:
  // the buffer filled past response_buffer_bytes, or Finish.
  void SetStatus(int status);
  void AddHeader(absl::string_view name, absl::string_view value);
  // Whether the status line has been sent (by the head, or by SendHeaderLine): from then
  // on an error can only be reported in the body (Abort).
  bool committed() const { return committed_.load(std::memory_order_acquire); }
  absl::Status Write(absl::string_view data);
  // Whether Write of `bytes` more would send the head now (so a header whose value should
  // be as late as possible, such as a summary of the work done, is added just before).
  bool WriteCommits(size_t bytes) const;
  // ClickHouse's wait_end_of_query=1: the whole response is held until Finish, so that its
  // status and headers say how the query ended; a Write past `bytes_max` held fails with
  // ResourceExhausted and sends nothing, so the request can still be answered with an
  // error. For the current response only.
  void HoldResponse(uint64_t bytes_max);

  // Header lines sent while the response is being produced, from another thread (the
  // server's shared ticker; X-ClickHouse-Progress). The thread driving the connection
  // calls ShareHead(true) before the other thread may call SendHeaderLine, and
  // ShareHead(false) once it no longer can. ShareHead(true) answers a pending
  // `Expect: 100-continue` first (the body will be read), so that no 100 follows a head.
  //
  // Why a mutex here rather than sending the lines from the driving thread: that thread
  // is inside the engine for the whole of a long query (a scan, an aggregation, reading an
  // insert's body) and has no point at which to send them. While shared, the response's
  // methods take the mutex around everything that touches the head (it is skipped
  // otherwise, so a response without progress headers pays nothing); SendHeaderLine only
  // try-locks and never waits on the socket, so the shared thread never stalls behind a
  // slow client or a long write.
  absl::Status ShareHead(bool shared);
  // Sends `name: value` now, unless the head has been sent whole or the mutex is busy
  // (then false, and nothing is sent). The first such line sends the status line and the
  // headers added so far before it: the response is committed, with its status, while the
  // rest of the head (later headers, the framing) waits for the body or Finish. Bytes the
  // socket does not take at once go out before the next line or with the rest of the
  // head; while more than 64 KiB wait (a client not reading), lines are dropped.
  bool SendHeaderLine(absl::string_view name, absl::string_view value);
  // Sends what is buffered and ends the response (Content-Length when it was never
  // committed, else the last chunk).
  absl::Status Finish();
  // After a failure in a committed response: sends `tail` (the error text) and closes
  // without the last chunk, so the client sees a broken transfer, not a complete result.
  void Abort(absl::string_view tail);
  // Drops the headers and bytes of a response not committed yet: a query that failed after
  // writing part of its result is answered with its error's headers alone.
  void DiscardResponse();
  // A complete small response (errors, /ping) on an uncommitted response.
  absl::Status Respond(int status, absl::string_view content_type, absl::string_view body);
  // A small response sent without waiting (what the socket does not take at once is
  // dropped), then the connection closed: refusals from a thread that must never block.
  void RespondNow(int status, absl::string_view content_type, absl::string_view body);

  // Whether another request may follow on this connection.
  bool reusable() const { return open_ && keep_alive_; }
  void set_keep_alive(bool keep_alive) { keep_alive_ = keep_alive && keep_alive_; }
  // Shuts the connection down (the descriptor stays valid until destruction, so a thread
  // polling it sees a hang-up, never another connection's descriptor).
  void Close();
  int fd() const { return fd_; }
  // Set by the server: once *stopping is true, responses say Connection: Close.
  void set_stopping(const std::atomic<bool>* stopping) { stopping_ = stopping; }

 private:
  struct Parser;  // Beast's parser for the current request
  enum class Phase { kIdle, kHead, kRequest, kBad, kGone };

  // Feeds what is buffered to the parser: kPending while the head is incomplete.
  HeadState ParseHead();
  HeadState FinishHead();
  HeadState Bad(int status, std::string message);
  // Answers 100 Continue when the request asked for it (before its body is read).
  absl::Status ContinueIfExpected();
  // Reads at least one more byte into in_, waiting up to `timeout` (zero: only what has
  // arrived); DeadlineExceeded when none came, NotFound on a clean close.
  absl::Status Fill(absl::Duration timeout);
  absl::Status BodyEnded(const absl::Status& why);
  absl::Status SendAll(absl::string_view data);
  absl::Status SendHeaders(bool chunked, uint64_t length);
  // The head's lines not sent yet: the status line (unless the head is open) and the
  // headers added since the last call.
  std::string HeadLines();
  // What completes the head (whatever SendHeaderLine left unsent, the headers not sent
  // yet, Connection, the framing, the blank line); the head then counts as sent.
  std::string CloseHead(bool chunked, uint64_t length);
  // Sends what head_pending_ holds as far as the socket takes it without waiting.
  void FlushHeadPending();
  // Locked while the head is shared (ShareHead), else not.
  std::unique_lock<std::mutex> LockHead();
  void ResetResponse();
  // Gives back buffer memory while the connection waits (idle connections stay small).
  void ShrinkBuffers();

  int fd_;
  HttpLimits limits_;
  const std::atomic<bool>* stopping_ = nullptr;
  std::unique_ptr<Parser> parser_;
  Phase phase_ = Phase::kIdle;
  std::atomic<bool> open_{true};  // atomic: SendHeaderLine's thread reads it
  bool keep_alive_ = true;
  std::string in_;   // bytes received and not consumed yet
  size_t in_pos_ = 0;
  // The current request.
  absl::Time head_started_ = absl::InfiniteFuture();
  absl::Time response_ended_ = absl::InfinitePast();  // the previous response's
  absl::Duration think_time_ = absl::InfiniteDuration();
  size_t head_bytes_ = 0;  // consumed by the parser so far
  HttpRequest request_;
  HttpError error_{0, ""};
  bool body_done_ = true;
  uint64_t body_read_ = 0;
  bool expect_continue_ = false;
  bool head_only_ = false;  // a HEAD request: its response has no body
  // The current response.
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> out_headers_;
  std::string out_;
  uint64_t hold_bytes_max_ = 0;  // HoldResponse; 0: not held
  // The head: committed_ once the status line is sent, head_sent_ once the whole head is.
  // In between (head_open_) SendHeaderLine adds lines to it; head_pending_ holds what the
  // socket has not taken yet, and out_headers_ before head_headers_sent_ are sent.
  std::atomic<bool> committed_{false};
  bool head_sent_ = false;
  bool head_open_ = false;
  size_t head_headers_sent_ = 0;
  std::string head_pending_;
  // ShareHead: while head_shared_, the fields above, status_ and out_headers_ are guarded
  // by head_mu_.
  std::mutex head_mu_;
  bool head_shared_ = false;
};

// Percent-decoding for a URL's path and query ('+' is a space in the query).
std::string PercentDecode(absl::string_view s, bool plus_is_space);

}  // namespace tally::server

#endif  // TALLY_SERVER_HTTP_CONNECTION_H_
