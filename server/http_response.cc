// HttpConnection, the response side: the head (status line, headers, framing), the body
// buffered and then sent in chunks, a response held whole (HoldResponse), and header lines
// sent from another thread while the response is produced (ShareHead, SendHeaderLine).
// The request side is in http_connection.cc.
#include <sys/socket.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"
#include "server/http_connection.h"

namespace tally::server {

namespace {

constexpr size_t kChunkBytes = 64 << 10;  // a committed response is sent in chunks of this

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

}  // namespace

std::unique_lock<std::mutex> HttpConnection::LockHead() {
  std::unique_lock<std::mutex> lock(head_mu_, std::defer_lock);
  if (head_shared_) lock.lock();  // only this thread changes head_shared_
  return lock;
}

void HttpConnection::SetStatus(int status) {
  auto lock = LockHead();
  status_ = status;
}

void HttpConnection::AddHeader(absl::string_view name, absl::string_view value) {
  auto lock = LockHead();
  out_headers_.emplace_back(std::string(name), std::string(value));
}

void HttpConnection::HoldResponse(uint64_t bytes_max) { hold_bytes_max_ = std::max<uint64_t>(bytes_max, 1); }

absl::Status HttpConnection::ShareHead(bool shared) {
  if (shared) TALLY_RETURN_IF_ERROR(ContinueIfExpected());
  std::lock_guard<std::mutex> lock(head_mu_);
  head_shared_ = shared;
  return absl::OkStatus();
}

bool HttpConnection::SendHeaderLine(absl::string_view name, absl::string_view value) {
  std::unique_lock<std::mutex> lock(head_mu_, std::try_to_lock);
  if (!lock.owns_lock() || !head_shared_ || head_sent_ || !open_) return false;
  constexpr size_t kHeadPendingMax = 64 << 10;
  if (head_pending_.size() > kHeadPendingMax) {
    FlushHeadPending();
    return false;
  }
  head_pending_ += HeadLines();  // the status line first, if the head is not open yet
  head_open_ = true;
  committed_ = true;
  absl::StrAppend(&head_pending_, name, ": ", value, "\r\n");
  FlushHeadPending();
  return true;
}

void HttpConnection::FlushHeadPending() {
  if (head_pending_.empty()) return;
  // Never waits: the driving thread sends what is left, blocking, when it closes the head;
  // an error is left for it to find too.
  ssize_t n = ::send(fd_, head_pending_.data(), head_pending_.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n > 0) head_pending_.erase(0, static_cast<size_t>(n));
}

std::string HttpConnection::HeadLines() {
  std::string lines;
  if (!head_open_ && !head_sent_) {
    lines = absl::StrCat("HTTP/1.1 ", status_, " ", StatusText(status_), "\r\n");
  }
  for (size_t i = head_headers_sent_; i < out_headers_.size(); ++i) {
    absl::StrAppend(&lines, out_headers_[i].first, ": ", out_headers_[i].second, "\r\n");
  }
  head_headers_sent_ = out_headers_.size();
  return lines;
}

std::string HttpConnection::CloseHead(bool chunked, uint64_t length) {
  std::string head = std::move(head_pending_);
  head_pending_.clear();
  head += HeadLines();
  // The client may not have sent its whole body (an early error): the connection cannot
  // carry another request then.
  if (!body_done_ || (stopping_ != nullptr && stopping_->load())) keep_alive_ = false;
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
  head_open_ = false;
  head_sent_ = true;
  committed_ = true;
  return head;
}

absl::Status HttpConnection::SendHeaders(bool chunked, uint64_t length) {
  auto lock = LockHead();
  return SendAll(CloseHead(chunked, length));
}

bool HttpConnection::WriteCommits(size_t bytes) const {
  return !head_sent_ && hold_bytes_max_ == 0 && out_.size() + bytes > limits_.response_buffer_bytes;
}

absl::Status HttpConnection::Write(absl::string_view data) {
  if (!head_sent_ && hold_bytes_max_ > 0 && out_.size() + data.size() > hold_bytes_max_) {
    return absl::ResourceExhaustedError(absl::StrCat("the response exceeds the ", hold_bytes_max_,
                                                     " bytes held until the query ends"));
  }
  out_.append(data.data(), data.size());
  if (!head_sent_) {
    if (hold_bytes_max_ > 0 || out_.size() <= limits_.response_buffer_bytes) return absl::OkStatus();
    TALLY_RETURN_IF_ERROR(SendHeaders(/*chunked=*/true, 0));
  }
  if (out_.size() < kChunkBytes) return absl::OkStatus();
  if (head_only_) {  // a response to HEAD has no body
    out_.clear();
    return absl::OkStatus();
  }
  std::string chunk = absl::StrCat(absl::Hex(out_.size()), "\r\n");
  out_.append("\r\n");
  TALLY_RETURN_IF_ERROR(SendAll(chunk));
  TALLY_RETURN_IF_ERROR(SendAll(out_));
  out_.clear();
  return absl::OkStatus();
}

absl::Status HttpConnection::Finish() {
  if (!head_sent_) {
    // One send for a small response: its head and body together.
    // The length of the body a GET would get, and for HEAD no body (RFC 9110, 9.3.2).
    auto lock = LockHead();
    std::string all = CloseHead(/*chunked=*/false, out_.size());
    if (!head_only_) all += out_;
    TALLY_RETURN_IF_ERROR(SendAll(all));
  } else if (!head_only_) {
    std::string tail;
    if (!out_.empty()) absl::StrAppend(&tail, absl::Hex(out_.size()), "\r\n", out_, "\r\n");
    tail += "0\r\n\r\n";
    TALLY_RETURN_IF_ERROR(SendAll(tail));
  }
  out_.clear();
  response_ended_ = absl::Now();
  if (!keep_alive_) Close();
  return absl::OkStatus();
}

void HttpConnection::Abort(absl::string_view tail) {
  if (head_only_) out_.clear(), tail = {};
  if (!head_sent_) {
    // Committed by SendHeaderLine only: the rest of the head first, for a chunked body.
    auto lock = LockHead();
    keep_alive_ = false;
    if (!SendAll(CloseHead(/*chunked=*/true, 0)).ok()) return;
  }
  std::string data = out_;
  data.append(tail.data(), tail.size());
  if (!data.empty()) (void)SendAll(absl::StrCat(absl::Hex(data.size()), "\r\n", data, "\r\n"));
  out_.clear();
  Close();
}

void HttpConnection::DiscardResponse() {
  if (committed()) return;
  auto lock = LockHead();
  out_headers_.clear();
  head_headers_sent_ = 0;
  out_.clear();
}

absl::Status HttpConnection::Respond(int status, absl::string_view content_type, absl::string_view body) {
  {
    auto lock = LockHead();
    status_ = status;
    if (!content_type.empty()) out_headers_.emplace_back("Content-Type", std::string(content_type));
  }
  out_.clear();
  out_.append(body.data(), body.size());
  return Finish();
}

void HttpConnection::RespondNow(int status, absl::string_view content_type, absl::string_view body) {
  if (!open_) return;
  keep_alive_ = false;
  status_ = status;
  if (!content_type.empty()) AddHeader("Content-Type", content_type);
  std::string all = CloseHead(/*chunked=*/false, body.size());
  all.append(body.data(), body.size());
  (void)::send(fd_, all.data(), all.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  // Closing with unread bytes would reset the connection, and a reset can overtake the
  // answer: end our side, and drop what has arrived already.
  ::shutdown(fd_, SHUT_WR);
  char buf[16 << 10];
  for (int i = 0; i < 16 && ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) > 0; ++i) {
  }
  Close();
}

}  // namespace tally::server
