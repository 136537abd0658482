#include "server/http_connection.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "format/status_macros.h"

namespace tally::server {

namespace {

constexpr size_t kReadBytes = 64 << 10;
constexpr size_t kChunkBytes = 64 << 10;  // a committed response is sent in chunks of this
constexpr size_t kChunkLineMax = 1024;    // a chunk-size line with its extensions

int TimeoutMs(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return -1;
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, 1 << 30));
}

absl::string_view StatusText(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The line ending at the first '\n' at or after `pos` (a '\r' before it dropped), or
// npos-like false when `text` holds no complete line yet.
bool NextLine(absl::string_view text, size_t* pos, absl::string_view* line) {
  size_t end = text.find('\n', *pos);
  if (end == absl::string_view::npos) return false;
  *line = text.substr(*pos, end - *pos);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  *pos = end + 1;
  return true;
}

}  // namespace

std::string PercentDecode(absl::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

const std::string* HttpRequest::Header(absl::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

const std::string* HttpRequest::Param(absl::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return &value;
  }
  return nullptr;
}

HttpConnection::HttpConnection(int fd, HttpLimits limits) : fd_(fd), limits_(limits) {}

HttpConnection::~HttpConnection() {
  Close();
  ::close(fd_);
}

void HttpConnection::Close() {
  if (open_) ::shutdown(fd_, SHUT_RDWR);
  open_ = false;
}

absl::Status HttpConnection::Fill(absl::Duration timeout) {
  if (!open_) return absl::UnavailableError("connection closed");
  if (in_pos_ > 0 && in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ > (1 << 20)) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  const absl::Time deadline = timeout == absl::InfiniteDuration() ? absl::InfiniteFuture() : absl::Now() + timeout;
  while (true) {
    if (stopping_ != nullptr && stopping_->load() && in_pos_ == in_.size() && body_done_) {
      return absl::DeadlineExceededError("the server is stopping");  // between requests only
    }
    pollfd p{fd_, POLLIN, 0};
    absl::Duration left = deadline - absl::Now();
    int r = ::poll(&p, 1, TimeoutMs(stopping_ != nullptr ? std::min(left, absl::Milliseconds(100)) : left));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return absl::UnavailableError(absl::StrCat("poll: ", std::strerror(errno)));
    if (r == 0 && absl::Now() < deadline) continue;
    if (r == 0) return absl::DeadlineExceededError("timed out waiting for the client");
    size_t old = in_.size();
    in_.resize(old + kReadBytes);
    ssize_t n = ::recv(fd_, in_.data() + old, kReadBytes, 0);
    in_.resize(old + std::max<ssize_t>(n, 0));
    if (n > 0) return absl::OkStatus();
    if (n == 0) {
      open_ = false;
      return absl::NotFoundError("the client closed the connection");
    }
    if (errno == EINTR || errno == EAGAIN) continue;
    open_ = false;
    return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
  }
}

absl::StatusOr<HttpRequest> HttpConnection::ReadRequest(absl::Duration first_timeout, HttpError* error) {
  ResetResponse();
  if (!body_done_) TALLY_RETURN_IF_ERROR(DrainBody());
  auto bad = [&](int status, std::string message) {
    *error = HttpError{status, message};
    keep_alive_ = false;
    return absl::InvalidArgumentError(std::move(message));
  };
  // The head: up to the empty line. Empty lines before the request line are skipped.
  size_t head_end = absl::string_view::npos;
  bool first = true;
  while (true) {
    while (in_pos_ < in_.size() && (in_[in_pos_] == '\r' || in_[in_pos_] == '\n')) ++in_pos_;
    absl::string_view pending(in_.data() + in_pos_, in_.size() - in_pos_);
    size_t crlf = pending.find("\r\n\r\n"), lf = pending.find("\n\n");
    size_t end = std::min(crlf == absl::string_view::npos ? crlf : crlf + 4, lf == absl::string_view::npos ? lf : lf + 2);
    if (end != absl::string_view::npos && end <= limits_.header_bytes_max) {
      head_end = in_pos_ + end;
      break;
    }
    if (pending.size() > limits_.header_bytes_max) {
      return bad(431, absl::StrCat("the request line and headers exceed ", limits_.header_bytes_max, " bytes"));
    }
    absl::Status s = Fill(pending.empty() ? (first ? first_timeout : limits_.keep_alive_timeout) : limits_.receive_timeout);
    if (!s.ok()) {
      if (pending.empty()) return absl::NotFoundError("no more requests");  // closed or idle
      if (absl::IsDeadlineExceeded(s)) return bad(408, "timed out reading the request headers");
      return s;
    }
    first = false;
  }
  absl::string_view head(in_.data() + in_pos_, head_end - in_pos_);
  in_pos_ = head_end;

  HttpRequest req;
  size_t pos = 0;
  absl::string_view line;
  NextLine(head, &pos, &line);
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty()) {
    return bad(400, "malformed request line (expected METHOD TARGET HTTP/1.1)");
  }
  for (char c : parts[0]) {
    if (!IsTokenChar(c)) return bad(400, "malformed request method");
  }
  req.method = std::string(parts[0]);
  req.target = std::string(parts[1]);
  if (parts[2] == "HTTP/1.1") {
    req.keep_alive = true;
  } else if (parts[2] == "HTTP/1.0") {
    req.keep_alive = false;
  } else if (absl::StartsWith(parts[2], "HTTP/")) {
    return bad(505, absl::StrCat("HTTP version ", parts[2], " is not supported (HTTP/1.1 and 1.0 are)"));
  } else {
    return bad(400, "malformed request line (expected METHOD TARGET HTTP/1.1)");
  }
  absl::string_view target = req.target;
  if (absl::StartsWith(target, "http://") || absl::StartsWith(target, "https://")) {  // absolute form
    size_t slash = target.find('/', target.find("//") + 2);
    target = slash == absl::string_view::npos ? "/" : target.substr(slash);
  }
  if (target.empty() || target[0] != '/') return bad(400, "the request target must start with '/'");
  size_t q = target.find('?');
  req.path = PercentDecode(target.substr(0, q), false);
  if (q != absl::string_view::npos) {
    for (absl::string_view pair : absl::StrSplit(target.substr(q + 1), '&', absl::SkipEmpty())) {
      size_t eq = pair.find('=');
      req.params.emplace_back(PercentDecode(pair.substr(0, eq), true),
                              eq == absl::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true));
    }
  }
  bool has_length = false, has_encoding = false;
  while (NextLine(head, &pos, &line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') return bad(400, "folded header lines are not accepted");
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos || colon == 0) return bad(400, "malformed header line (expected Name: value)");
    absl::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return bad(400, "malformed header name");
    }
    std::string lower = absl::AsciiStrToLower(name);
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (lower == "content-length") {
      uint64_t n;
      if (value.empty() || !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) || !absl::SimpleAtoi(value, &n)) {
        return bad(400, "malformed Content-Length");
      }
      if (has_length && n != req.content_length) return bad(400, "conflicting Content-Length headers");
      req.content_length = n;
      has_length = true;
    } else if (lower == "transfer-encoding") {
      if (!absl::EqualsIgnoreCase(value, "chunked")) {
        return bad(501, absl::StrCat("Transfer-Encoding '", value, "' is not supported (chunked is)"));
      }
      req.chunked = true;
      has_encoding = true;
    } else if (lower == "connection") {
      for (absl::string_view token : absl::StrSplit(value, ',')) {
        token = absl::StripAsciiWhitespace(token);
        if (absl::EqualsIgnoreCase(token, "close")) req.keep_alive = false;
        if (absl::EqualsIgnoreCase(token, "keep-alive")) req.keep_alive = true;
      }
    } else if (lower == "expect") {
      if (!absl::EqualsIgnoreCase(value, "100-continue")) return bad(400, "unsupported Expect header");
      expect_continue_ = true;
    }
    req.headers.emplace_back(std::move(lower), std::string(value));
  }
  // Both framings at once is how requests are smuggled past proxies: refuse it.
  if (has_length && has_encoding) return bad(400, "both Content-Length and Transfer-Encoding given");
  if (limits_.body_bytes_max > 0 && !req.chunked && req.content_length > limits_.body_bytes_max) {
    return bad(413, absl::StrCat("the request body of ", req.content_length, " bytes exceeds the limit of ",
                                 limits_.body_bytes_max, " bytes"));
  }
  keep_alive_ = req.keep_alive;
  body_chunked_ = req.chunked;
  body_left_ = req.chunked ? 0 : req.content_length;
  body_done_ = !req.has_body();
  body_read_ = 0;
  chunk_trailer_ = false;
  return req;
}

absl::Status HttpConnection::ContinueIfExpected() {
  if (!expect_continue_) return absl::OkStatus();
  expect_continue_ = false;
  return SendAll("HTTP/1.1 100 Continue\r\n\r\n");
}

absl::StatusOr<size_t> HttpConnection::ReadBody(char* buf, size_t n) {
  if (body_done_ || n == 0) return 0;
  TALLY_RETURN_IF_ERROR(ContinueIfExpected());
  size_t got;
  if (body_chunked_) {
    TALLY_ASSIGN_OR_RETURN(got, ReadChunked(buf, n));
  } else {
    if (in_pos_ == in_.size()) {
      absl::Status s = Fill(limits_.receive_timeout);
      if (!s.ok()) {
        keep_alive_ = false;
        return absl::DataLossError(absl::StrCat("the request body ended after ", body_read_, " of ",
                                                body_read_ + body_left_, " bytes: ", s.message()));
      }
    }
    got = static_cast<size_t>(std::min<uint64_t>({n, body_left_, in_.size() - in_pos_}));
    std::memcpy(buf, in_.data() + in_pos_, got);
    in_pos_ += got;
    body_left_ -= got;
    if (body_left_ == 0) body_done_ = true;
  }
  body_read_ += got;
  if (limits_.body_bytes_max > 0 && body_read_ > limits_.body_bytes_max) {
    keep_alive_ = false;
    return absl::ResourceExhaustedError(
        absl::StrCat("the request body exceeds the limit of ", limits_.body_bytes_max, " bytes"));
  }
  return got;
}

absl::StatusOr<size_t> HttpConnection::ReadChunked(char* buf, size_t n) {
  auto broken = [&](absl::string_view why) {
    keep_alive_ = false;
    return absl::InvalidArgumentError(absl::StrCat("malformed chunked request body: ", why));
  };
  auto line = [&](absl::string_view* out) -> absl::Status {
    while (true) {
      size_t p = in_pos_;
      if (NextLine(in_, &p, out)) {
        in_pos_ = p;
        return absl::OkStatus();
      }
      if (in_.size() - in_pos_ > kChunkLineMax) return broken("a chunk line is too long");
      absl::Status s = Fill(limits_.receive_timeout);
      if (!s.ok()) {
        keep_alive_ = false;
        return absl::DataLossError(absl::StrCat("the chunked request body ended early: ", s.message()));
      }
    }
  };
  while (body_left_ == 0) {
    absl::string_view size_line;
    if (chunk_trailer_) {
      // Trailer fields up to the empty line; their values are not used.
      TALLY_RETURN_IF_ERROR(line(&size_line));
      if (size_line.empty()) {
        body_done_ = true;
        return 0;
      }
      continue;
    }
    TALLY_RETURN_IF_ERROR(line(&size_line));
    absl::string_view hex = absl::StripAsciiWhitespace(size_line.substr(0, size_line.find(';')));
    if (hex.empty() || hex.size() > 15) return broken(absl::StrCat("bad chunk size '", hex, "'"));
    uint64_t size = 0;
    for (char c : hex) {
      int v = HexValue(c);
      if (v < 0) return broken(absl::StrCat("bad chunk size '", hex, "'"));
      size = size * 16 + v;
    }
    if (size == 0) {
      chunk_trailer_ = true;
      continue;
    }
    body_left_ = size;
  }
  if (in_pos_ == in_.size()) {
    absl::Status s = Fill(limits_.receive_timeout);
    if (!s.ok()) {
      keep_alive_ = false;
      return absl::DataLossError(absl::StrCat("the chunked request body ended early: ", s.message()));
    }
  }
  size_t got = static_cast<size_t>(std::min<uint64_t>({n, body_left_, in_.size() - in_pos_}));
  std::memcpy(buf, in_.data() + in_pos_, got);
  in_pos_ += got;
  body_left_ -= got;
  if (body_left_ == 0) {
    // The chunk's data ends with CRLF.
    absl::string_view end;
    TALLY_RETURN_IF_ERROR(line(&end));
    if (!end.empty()) return broken("a chunk's data is longer than its size");
  }
  return got;
}

absl::Status HttpConnection::DrainBody() {
  char buf[16 << 10];
  while (!body_done_) {
    TALLY_ASSIGN_OR_RETURN(size_t n, ReadBody(buf, sizeof buf));
    if (n == 0 && !body_done_) break;
  }
  return absl::OkStatus();
}

absl::Status HttpConnection::SendAll(absl::string_view data) {
  if (!open_) return absl::UnavailableError("connection closed");
  const absl::Time deadline = absl::Now() + limits_.send_timeout;
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      int r = ::poll(&p, 1, TimeoutMs(deadline - absl::Now()));
      if (r == 0) {
        Close();
        return absl::DeadlineExceededError("timed out sending the response");
      }
      continue;
    }
    Close();
    return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

void HttpConnection::ResetResponse() {
  status_ = 200;
  out_headers_.clear();
  out_.clear();
  committed_ = false;
  expect_continue_ = false;
}

void HttpConnection::AddHeader(absl::string_view name, absl::string_view value) {
  out_headers_.emplace_back(std::string(name), std::string(value));
}

absl::Status HttpConnection::SendHeaders(bool chunked, uint64_t length) {
  // The client may not have read its whole body (an early error): the connection cannot
  // carry another request then.
  if (!body_done_) keep_alive_ = false;
  std::string head = absl::StrCat("HTTP/1.1 ", status_, " ", StatusText(status_), "\r\n");
  for (const auto& [name, value] : out_headers_) absl::StrAppend(&head, name, ": ", value, "\r\n");
  if (keep_alive_) {
    absl::StrAppend(&head, "Connection: Keep-Alive\r\nKeep-Alive: timeout=",
                    absl::ToInt64Seconds(limits_.keep_alive_timeout), "\r\n");
  } else {
    absl::StrAppend(&head, "Connection: Close\r\n");
  }
  if (chunked) {
    absl::StrAppend(&head, "Transfer-Encoding: chunked\r\n\r\n");
  } else {
    absl::StrAppend(&head, "Content-Length: ", length, "\r\n\r\n");
  }
  committed_ = true;
  return SendAll(head);
}

absl::Status HttpConnection::Write(absl::string_view data) {
  out_.append(data.data(), data.size());
  if (!committed_) {
    if (out_.size() <= limits_.response_buffer_bytes) return absl::OkStatus();
    TALLY_RETURN_IF_ERROR(SendHeaders(/*chunked=*/true, 0));
  }
  if (out_.size() < kChunkBytes) return absl::OkStatus();
  std::string chunk = absl::StrCat(absl::Hex(out_.size()), "\r\n");
  out_.append("\r\n");
  TALLY_RETURN_IF_ERROR(SendAll(chunk));
  TALLY_RETURN_IF_ERROR(SendAll(out_));
  out_.clear();
  return absl::OkStatus();
}

absl::Status HttpConnection::Finish() {
  if (!committed_) {
    TALLY_RETURN_IF_ERROR(SendHeaders(/*chunked=*/false, out_.size()));
    TALLY_RETURN_IF_ERROR(SendAll(out_));
  } else {
    std::string tail;
    if (!out_.empty()) absl::StrAppend(&tail, absl::Hex(out_.size()), "\r\n", out_, "\r\n");
    tail += "0\r\n\r\n";
    TALLY_RETURN_IF_ERROR(SendAll(tail));
  }
  out_.clear();
  if (!keep_alive_) Close();
  return absl::OkStatus();
}

void HttpConnection::Abort(absl::string_view tail) {
  std::string data = out_;
  data.append(tail.data(), tail.size());
  if (!data.empty()) (void)SendAll(absl::StrCat(absl::Hex(data.size()), "\r\n", data, "\r\n"));
  out_.clear();
  Close();
}

absl::Status HttpConnection::Respond(int status, absl::string_view content_type, absl::string_view body) {
  status_ = status;
  out_.clear();
  if (!content_type.empty()) AddHeader("Content-Type", content_type);
  out_.append(body.data(), body.size());
  return Finish();
}

}  // namespace tally::server
