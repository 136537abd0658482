#include "server/http_connection.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "format/status_macros.h"

namespace tally::server {

namespace http = boost::beast::http;

// One request's parser: Beast's, with the body handed out in pieces into the caller's
// buffer (buffer_body), so a body is never held whole. A parser serves one request.
struct HttpConnection::Parser {
  std::optional<http::request_parser<http::buffer_body>> beast;
};

namespace {

constexpr size_t kReadBytes = 64 << 10;
constexpr size_t kIdleBufferBytes = 4 << 10;  // an idle connection keeps buffers up to this

int TimeoutMs(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return -1;
  // Rounded up: a wait of 0.3 ms must not become a busy loop of zero-millisecond polls.
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Microseconds(d + absl::Microseconds(999)) / 1000, 0, 1 << 30));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::string_view View(boost::beast::string_view s) { return absl::string_view(s.data(), s.size()); }

// Beast reports every bad version alike; HTTP/2.0 deserves 505, "FTP/1.0" 400. `line` is
// the request line as received (up to its end or the buffer's).
bool NamesAnotherHttpVersion(absl::string_view line) {
  line = line.substr(0, line.find_first_of("\r\n"));
  absl::string_view version = line.substr(line.rfind(' ') + 1);
  if (!absl::ConsumePrefix(&version, "HTTP/") || version.empty() || version == "1.1" || version == "1.0") return false;
  return std::all_of(version.begin(), version.end(), [](char c) { return absl::ascii_isdigit(c) || c == '.'; });
}

// What a parse error tells the client, and with which status.
std::pair<int, std::string> ParseError(const boost::beast::error_code& ec) {
  switch (static_cast<http::error>(ec.value())) {
    case http::error::header_limit:
      return {431, "the request line and headers are too large"};
    case http::error::bad_method:
    case http::error::bad_target:
    case http::error::bad_version:
      return {400, "malformed request line (expected METHOD TARGET HTTP/1.1)"};
    case http::error::bad_content_length:
      return {400, "malformed or conflicting Content-Length (or Content-Length with Transfer-Encoding)"};
    case http::error::bad_transfer_encoding:
      return {400, "Transfer-Encoding given twice or with Content-Length"};
    default:
      return {400, absl::StrCat("malformed request header (", ec.message(), ")")};
  }
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

HttpConnection::HttpConnection(int fd, HttpLimits limits)
    : fd_(fd), limits_(limits), parser_(std::make_unique<Parser>()) {
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

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
    // Read first: the bytes are usually there already, and then no poll is needed. Into
    // the stack, not a resized in_, which would zero 64 KiB for every read.
    char buf[kReadBytes];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    int err = errno;
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return absl::OkStatus();
    }
    if (n == 0) {
      open_ = false;
      return absl::NotFoundError("the client closed the connection");
    }
    if (err == EINTR) continue;
    if (err != EAGAIN && err != EWOULDBLOCK) {
      open_ = false;
      return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(err)));
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("timed out waiting for the client");
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, TimeoutMs(left));
    if (r < 0 && errno != EINTR) return absl::UnavailableError(absl::StrCat("poll: ", std::strerror(errno)));
  }
}

HttpConnection::HeadState HttpConnection::ReadHead(absl::Duration wait) {
  if (phase_ == Phase::kRequest) {
    // The current request is over: another may follow if its body was read whole.
    if (!body_done_ || !reusable()) {
      phase_ = Phase::kGone;
    } else {
      phase_ = Phase::kIdle;
      head_started_ = absl::InfiniteFuture();
      ResetResponse();
      request_ = HttpRequest();
      parser_->beast.reset();
    }
  }
  const absl::Time deadline = absl::Now() + wait;
  while (true) {
    if (phase_ == Phase::kBad) return HeadState::kBad;
    if (phase_ == Phase::kGone) return HeadState::kGone;
    HeadState state = ParseHead();
    if (state != HeadState::kPending) return state;
    absl::Status s = Fill(std::max(deadline - absl::Now(), absl::ZeroDuration()));
    if (absl::IsDeadlineExceeded(s)) {
      ShrinkBuffers();
      return HeadState::kPending;
    }
    if (!s.ok()) phase_ = Phase::kGone;  // closed or reset: nobody is left to answer
  }
}

HttpConnection::HeadState HttpConnection::ParseHead() {
  if (phase_ == Phase::kIdle) {
    // Empty lines before a request line are ignored (RFC 9112, section 2.2).
    while (in_pos_ < in_.size() && (in_[in_pos_] == '\r' || in_[in_pos_] == '\n')) ++in_pos_;
    if (in_pos_ == in_.size()) return HeadState::kPending;
    phase_ = Phase::kHead;
    head_started_ = absl::Now();
    think_time_ = response_ended_ == absl::InfinitePast() ? absl::InfiniteDuration() : head_started_ - response_ended_;
    head_bytes_ = 0;
    auto& parser = parser_->beast.emplace();
    parser.header_limit(static_cast<uint32_t>(std::min<size_t>(limits_.header_bytes_max, UINT32_MAX)));
    // body_bytes_max is ours to check (413 before the body). Not boost::none: Beast 1.74
    // compares a Content-Length with an absent limit as greater and refuses every body.
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    parser.eager(false);             // stop after the head: the body waits for ReadBody
  }
  auto& parser = *parser_->beast;
  absl::string_view pending(in_.data() + in_pos_, in_.size() - in_pos_);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::const_buffer(pending.data(), pending.size()), ec);
  in_pos_ += used;
  head_bytes_ += used;
  if (ec == http::error::need_more) {
    // Beast bounds what it has not consumed yet; the whole head is bounded here.
    if (head_bytes_ + (in_.size() - in_pos_) > limits_.header_bytes_max) {
      return Bad(431, absl::StrCat("the request line and headers exceed ", limits_.header_bytes_max, " bytes"));
    }
    return HeadState::kPending;
  }
  if (ec) {
    if (ec == http::error::bad_version && NamesAnotherHttpVersion(pending)) {
      return Bad(505, "this HTTP version is not supported (HTTP/1.1 and 1.0 are)");
    }
    auto [status, message] = ParseError(ec);
    return Bad(status, std::move(message));
  }
  if (!parser.is_header_done()) return HeadState::kPending;
  return FinishHead();
}

HttpConnection::HeadState HttpConnection::Bad(int status, std::string message) {
  error_ = HttpError{status, std::move(message)};
  phase_ = Phase::kBad;
  keep_alive_ = false;
  return HeadState::kBad;
}

// The parsed head as an HttpRequest, with the checks Beast leaves to its user.
HttpConnection::HeadState HttpConnection::FinishHead() {
  auto& parser = *parser_->beast;
  const auto& msg = parser.get();
  HttpRequest req;
  req.method = std::string(View(msg.method_string()));
  req.target = std::string(View(msg.target()));
  req.keep_alive = parser.keep_alive();
  req.chunked = parser.chunked();
  req.content_length = parser.content_length().value_or(0);
  for (const auto& field : msg) {
    req.headers.emplace_back(absl::AsciiStrToLower(View(field.name_string())), std::string(View(field.value())));
  }
  // Beast accepts a Transfer-Encoding without chunked (and then reads no body) and one
  // after Content-Length when chunked is not in it: both are how requests are smuggled
  // past proxies, and other codings are not supported.
  if (msg.count(http::field::transfer_encoding) > 0) {
    if (msg.count(http::field::content_length) > 0) {
      return Bad(400, "both Content-Length and Transfer-Encoding given");
    }
    size_t codings = 0;
    auto [begin, end] = msg.equal_range(http::field::transfer_encoding);
    for (auto field = begin; field != end; ++field) {
      http::token_list list(field->value());
      codings += static_cast<size_t>(std::distance(list.begin(), list.end()));
    }
    if (!req.chunked || codings != 1) {
      return Bad(501, absl::StrCat("Transfer-Encoding '", View(msg[http::field::transfer_encoding]),
                                   "' is not supported (chunked is)"));
    }
  }
  if (msg.count(http::field::expect) > 0) {
    if (!absl::EqualsIgnoreCase(View(msg[http::field::expect]), "100-continue")) {
      return Bad(400, "unsupported Expect header");
    }
    expect_continue_ = true;
  }
  absl::string_view target = req.target;
  if (absl::StartsWith(target, "http://") || absl::StartsWith(target, "https://")) {  // absolute form
    size_t slash = target.find('/', target.find("//") + 2);
    target = slash == absl::string_view::npos ? "/" : target.substr(slash);
  }
  if (target.empty() || target[0] != '/') return Bad(400, "the request target must start with '/'");
  size_t q = target.find('?');
  req.path = PercentDecode(target.substr(0, q), false);
  if (q != absl::string_view::npos) {
    for (absl::string_view pair : absl::StrSplit(target.substr(q + 1), '&', absl::SkipEmpty())) {
      size_t eq = pair.find('=');
      req.params.emplace_back(PercentDecode(pair.substr(0, eq), true),
                              eq == absl::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1), true));
    }
  }
  if (limits_.body_bytes_max > 0 && !req.chunked && req.content_length > limits_.body_bytes_max) {
    return Bad(413, absl::StrCat("the request body of ", req.content_length, " bytes exceeds the limit of ",
                                 limits_.body_bytes_max, " bytes"));
  }
  keep_alive_ = req.keep_alive;
  head_only_ = req.method == "HEAD";
  body_done_ = parser.is_done();
  body_read_ = 0;
  parser.eager(true);  // from now on each put goes as far as the bytes and the buffer allow
  request_ = std::move(req);
  phase_ = Phase::kRequest;
  return HeadState::kReady;
}

absl::StatusOr<HttpRequest> HttpConnection::ReadRequest(absl::Duration timeout, HttpError* error) {
  switch (ReadHead(timeout)) {
    case HeadState::kReady:
      return request_;
    case HeadState::kBad:
      *error = error_;
      return absl::InvalidArgumentError(error_.message);
    case HeadState::kGone:
      return absl::NotFoundError("the client closed the connection");
    case HeadState::kPending:
      break;
  }
  if (head_started_ == absl::InfiniteFuture()) return absl::NotFoundError("no request within the timeout");
  Bad(408, "timed out reading the request headers");
  *error = error_;
  return absl::InvalidArgumentError(error_.message);
}

absl::Status HttpConnection::ContinueIfExpected() {
  if (!expect_continue_) return absl::OkStatus();
  expect_continue_ = false;
  return SendAll("HTTP/1.1 100 Continue\r\n\r\n");
}

absl::Status HttpConnection::BodyEnded(const absl::Status& why) {
  keep_alive_ = false;
  auto& parser = *parser_->beast;
  if (request_.chunked) {
    return absl::DataLossError(absl::StrCat("the chunked request body ended early after ", body_read_,
                                            " bytes: ", why.message()));
  }
  return absl::DataLossError(absl::StrCat("the request body ended after ", body_read_, " of ",
                                          body_read_ + parser.content_length_remaining().value_or(0), " bytes: ",
                                          why.message()));
}

absl::StatusOr<size_t> HttpConnection::ReadBody(char* buf, size_t n) {
  if (phase_ != Phase::kRequest || body_done_ || n == 0) return 0;
  TALLY_RETURN_IF_ERROR(ContinueIfExpected());
  auto& parser = *parser_->beast;
  auto& body = parser.get().body();
  while (true) {
    size_t used = 0;
    boost::beast::error_code ec;
    if (in_pos_ < in_.size()) {
      body.data = buf;
      body.size = n;
      used = parser.put(boost::asio::const_buffer(in_.data() + in_pos_, in_.size() - in_pos_), ec);
      in_pos_ += used;
      const size_t got = n - body.size;
      body.data = nullptr;
      body.size = 0;
      if (ec == http::error::need_buffer) ec = {};  // `buf` is full
      if (ec && ec != http::error::need_more) {
        keep_alive_ = false;
        return absl::InvalidArgumentError(absl::StrCat("malformed chunked request body: ", ec.message()));
      }
      if (parser.is_done()) body_done_ = true;
      if (got > 0 || body_done_) {
        body_read_ += got;
        if (limits_.body_bytes_max > 0 && body_read_ > limits_.body_bytes_max) {
          keep_alive_ = false;
          return absl::ResourceExhaustedError(
              absl::StrCat("the request body exceeds the limit of ", limits_.body_bytes_max, " bytes"));
        }
        return got;
      }
      if (ec == http::error::need_more && in_.size() - in_pos_ > limits_.header_bytes_max) {
        keep_alive_ = false;
        return absl::InvalidArgumentError(absl::StrCat("malformed chunked request body: a chunk line or the trailers exceed ",
                                                       limits_.header_bytes_max, " bytes"));
      }
      if (used > 0 && !ec && in_pos_ < in_.size()) continue;  // a chunk header went by: parse on
    }
    absl::Status s = Fill(limits_.receive_timeout);
    if (!s.ok()) return BodyEnded(s);
  }
}

absl::Status HttpConnection::DrainBody() {
  char buf[16 << 10];
  while (!body_done_ && phase_ == Phase::kRequest) {
    TALLY_ASSIGN_OR_RETURN(size_t n, ReadBody(buf, sizeof buf));
    if (n == 0 && !body_done_) break;
  }
  return absl::OkStatus();
}

absl::Status HttpConnection::SendAll(absl::string_view data) {
  if (!open_) return absl::UnavailableError("connection closed");
  absl::Time deadline = absl::Now() + limits_.send_timeout;  // for each stall
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      deadline = absl::Now() + limits_.send_timeout;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      absl::Duration left = deadline - absl::Now();
      pollfd p{fd_, POLLOUT, 0};
      if (left <= absl::ZeroDuration() || ::poll(&p, 1, TimeoutMs(left)) == 0) {
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
  hold_bytes_max_ = 0;
  committed_ = false;
  head_sent_ = false;
  head_open_ = false;
  head_headers_sent_ = 0;
  head_pending_.clear();
  expect_continue_ = false;
}

void HttpConnection::ShrinkBuffers() {
  if (out_.capacity() > kIdleBufferBytes) std::string().swap(out_);
  if (in_.capacity() > kIdleBufferBytes && in_.size() - in_pos_ <= kIdleBufferBytes) {
    in_ = in_.substr(in_pos_);
    in_pos_ = 0;
  }
}

}  // namespace tally::server
