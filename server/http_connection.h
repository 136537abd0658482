// HttpConnection: one client's TCP connection speaking HTTP/1.1, read and written with
// blocking calls bounded by timeouts: requests one after another (keep-alive), each body
// read as the handler needs it (Content-Length or chunked), each response buffered up to
// a threshold and then streamed with chunked transfer encoding, so that a result's status
// is known while it fits the buffer and a large result never has to fit in memory.
//
// The subset of HTTP/1.1 that ClickHouse's clients, curl and browsers use: request line
// and headers (no obsolete line folding), Content-Length or Transfer-Encoding: chunked,
// Expect: 100-continue, keep-alive by default in 1.1 and on request in 1.0. Anything else
// is answered with 400/411/413/431/501 and the connection closed.
//
// Not thread-safe: one thread drives a connection.
#ifndef TALLY_SERVER_HTTP_CONNECTION_H_
#define TALLY_SERVER_HTTP_CONNECTION_H_

#include <atomic>
#include <cstdint>
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
  absl::Duration receive_timeout = absl::Seconds(30);  // a stall while reading a request
  absl::Duration send_timeout = absl::Seconds(30);     // a stall while writing a response
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
  // Takes ownership of `fd` (a connected socket).
  HttpConnection(int fd, HttpLimits limits);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Waits up to keep_alive_timeout (or `first_timeout` for a connection's first request)
  // for the next request and reads its line and headers. nullopt-like NotFound when the
  // client closed or stayed idle: the connection is over. *error is set (and an error
  // returned) for a malformed request that deserves an answer.
  absl::StatusOr<HttpRequest> ReadRequest(absl::Duration first_timeout, HttpError* error);

  // Reads up to `n` bytes of the current request's body; 0 at its end. Errors on a
  // broken connection, a timeout, bad chunk framing, or a body over body_bytes_max.
  absl::StatusOr<size_t> ReadBody(char* buf, size_t n);
  // Reads and drops the rest of the body, so that the next request can be read.
  absl::Status DrainBody();

  // The response to the current request. Headers may be added until the first bytes are
  // sent: the buffer filled past response_buffer_bytes, or Finish.
  void SetStatus(int status) { status_ = status; }
  void AddHeader(absl::string_view name, absl::string_view value);
  bool committed() const { return committed_; }
  absl::Status Write(absl::string_view data);
  // Sends what is buffered and ends the response (Content-Length when it was never
  // committed, else the last chunk).
  absl::Status Finish();
  // After a failure in a committed response: sends `tail` (the error text) and closes
  // without the last chunk, so the client sees a broken transfer, not a complete result.
  void Abort(absl::string_view tail);
  // A complete small response (errors, /ping) on an uncommitted response.
  absl::Status Respond(int status, absl::string_view content_type, absl::string_view body);

  // Whether another request may follow on this connection.
  bool reusable() const { return open_ && keep_alive_; }
  void set_keep_alive(bool keep_alive) { keep_alive_ = keep_alive && keep_alive_; }
  // Shuts the connection down (the descriptor stays valid until destruction, so a thread
  // polling it sees a hang-up, never another connection's descriptor).
  void Close();
  int fd() const { return fd_; }
  // Set by the server when it stops: a connection waiting for its next request gives up
  // within 100 ms.
  void set_stopping(const std::atomic<bool>* stopping) { stopping_ = stopping; }

 private:
  // Answers 100 Continue when the request asked for it (before its body is read).
  absl::Status ContinueIfExpected();
  // Reads at least one more byte into in_ within `timeout`; NotFound on a clean close.
  absl::Status Fill(absl::Duration timeout);
  absl::Status SendAll(absl::string_view data);
  absl::Status SendHeaders(bool chunked, uint64_t length);
  absl::StatusOr<size_t> ReadChunked(char* buf, size_t n);
  void ResetResponse();

  int fd_;
  HttpLimits limits_;
  const std::atomic<bool>* stopping_ = nullptr;
  bool open_ = true;
  bool keep_alive_ = true;
  std::string in_;   // bytes received and not consumed yet
  size_t in_pos_ = 0;
  // The current request's body.
  bool body_chunked_ = false;
  bool body_done_ = true;
  uint64_t body_left_ = 0;  // in the Content-Length body or the current chunk
  uint64_t body_read_ = 0;
  bool chunk_trailer_ = false;  // the last chunk seen: trailers left to read
  bool expect_continue_ = false;
  // The current response.
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> out_headers_;
  std::string out_;
  bool committed_ = false;
};

// Percent-decoding for a URL's path and query ('+' is a space in the query).
std::string PercentDecode(absl::string_view s, bool plus_is_space);

}  // namespace tally::server

#endif  // TALLY_SERVER_HTTP_CONNECTION_H_
