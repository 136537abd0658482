#include "server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "server/error_codes.h"

namespace tally::server {

Server::Server(engine::Database* db, ServerOptions options)
    : db_(db), options_(std::move(options)), handler_(db, options_.queries) {}

Server::~Server() {
  if (listen_fd_ >= 0) ::close(listen_fd_);
  for (int fd : wake_fd_) {
    if (fd >= 0) ::close(fd);
  }
}

absl::Status Server::Listen() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = absl::StrCat(options_.port);
  if (int rc = ::getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return absl::InvalidArgumentError(absl::StrCat("cannot resolve ", options_.host, ": ", ::gai_strerror(rc)));
  }
  std::string errors;
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) {
      listen_fd_ = fd;
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
      port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    } else {
      absl::StrAppend(&errors, errors.empty() ? "" : "; ", std::strerror(errno));
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options_.host, ":", options_.port, ": ", errors));
  }
  if (::pipe2(wake_fd_, O_CLOEXEC) != 0) return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  return absl::OkStatus();
}

absl::Status Server::Serve() {
  if (listen_fd_ < 0) return absl::FailedPreconditionError("Serve() before Listen()");
  while (!stopping_.load()) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_[0], POLLIN, 0}};
    int r = ::poll(p, 2, -1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    if (stopping_.load()) break;
    if (!(p[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;  // the client gave up, or descriptors ran out for a moment
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    bool over;
    {
      std::lock_guard<std::mutex> lock(mu_);
      over = connections_ >= options_.connections_max;
      if (!over) ++connections_;
    }
    if (over) {
      // Answered on this thread without reading the request: the client learns at once
      // to come back later.
      HttpConnection conn(fd, options_.http);
      conn.set_keep_alive(false);
      conn.AddHeader("Retry-After", "1");
      conn.AddHeader("X-ClickHouse-Exception-Code", absl::StrCat(kTooManySimultaneousQueries));
      (void)conn.Respond(503, "text/plain; charset=UTF-8",
                         ErrorBody(ErrorFor(ErrorWithCode(kTooManySimultaneousQueries, "")),
                                   absl::StrCat("Too many connections. Maximum: ", options_.connections_max)));
      continue;
    }
    std::thread([this, fd] { RunConnection(fd); }).detach();
  }
  // Stopping: running requests finish within the grace period, then are cancelled.
  std::unique_lock<std::mutex> lock(mu_);
  if (!idle_.wait_for(lock, absl::ToChronoSeconds(options_.shutdown_grace), [&] { return connections_ == 0; })) {
    handler_.CancelAll();
    idle_.wait(lock, [&] { return connections_ == 0; });
  }
  return absl::OkStatus();
}

void Server::Stop() {
  stopping_.store(true);
  if (wake_fd_[1] >= 0) (void)!::write(wake_fd_[1], "x", 1);
}

void Server::RunConnection(int fd) {
  {
    HttpConnection conn(fd, options_.http);
    conn.set_stopping(&stopping_);
    // A new connection has receive_timeout for its first request, a kept-alive one
    // keep_alive_timeout for its next; a head must be whole within receive_timeout of its
    // first byte. The waits are cut into 100 ms slices so that a stop is noticed.
    absl::Time idle_deadline = absl::Now() + options_.http.receive_timeout;
    while (true) {
      HttpConnection::HeadState state = conn.ReadHead(absl::Milliseconds(100));
      if (state == HttpConnection::HeadState::kPending) {
        const absl::Time now = absl::Now();
        if (conn.head_started() != absl::InfiniteFuture()) {
          if (now < conn.head_started() + options_.http.receive_timeout) continue;
          conn.RespondNow(408, "text/plain; charset=UTF-8",
                          "Code: 1000. DB::Exception: timed out reading the request headers. (POCO_EXCEPTION)\n");
          break;
        }
        if (now < idle_deadline && !stopping_.load()) continue;
        break;  // idle: the connection is over
      }
      if (state == HttpConnection::HeadState::kGone) break;
      if (state == HttpConnection::HeadState::kBad) {
        conn.RespondNow(conn.error().status, "text/plain; charset=UTF-8",
                        absl::StrCat("Code: 1000. DB::Exception: ", conn.error().message, ". (POCO_EXCEPTION)\n"));
        break;
      }
      handler_.Handle(&conn, conn.request());
      if (!conn.reusable() || stopping_.load()) break;
      idle_deadline = absl::Now() + options_.http.keep_alive_timeout;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (--connections_ == 0) idle_.notify_all();
}

}  // namespace tally::server
