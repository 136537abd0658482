#include "server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/error_codes.h"

namespace tally::server {

namespace {

constexpr int kAcceptsPerWake = 256;  // then parked connections get their turn

// Raises the soft descriptor limit to the hard one; the limit now in force.
uint64_t RaiseDescriptorLimit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : lim.rlim_cur;
}

}  // namespace

void Server::Release::operator()(HttpConnection* c) const {
  delete c;
  open->fetch_sub(1);
}

Server::Server(engine::Database* db, ServerOptions options)
    : db_(db),
      options_(std::move(options)),
      handler_(db, options_.queries),
      connections_open_max_(options_.connections_open_max),
      pool_(options_.requests_active_max) {
  handler_.SetConnectionCounter([this] { return open_.load(); });
  handler_.SetAnsweredCallback([this](HttpConnection* conn) { Answered(conn); });
}

Server::~Server() {
  for (int fd : {listen_fd_, epoll_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

absl::Status Server::Listen() {
  // Descriptors: a quarter of the limit (at least 64, at most 16384) stays for the
  // database's files; connections may use the rest.
  const uint64_t nofile = RaiseDescriptorLimit();
  const uint64_t reserve = std::clamp<uint64_t>(nofile / 4, 64, 16384);
  connections_open_max_ = static_cast<size_t>(
      std::min<uint64_t>(options_.connections_open_max, nofile > reserve ? nofile - reserve : 1));

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
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 4096) == 0) {
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
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return absl::InternalError(absl::StrCat("epoll: ", std::strerror(errno)));
  for (int fd : {listen_fd_, wake_fd_}) {
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e) != 0) {
      return absl::InternalError(absl::StrCat("epoll_ctl: ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::Status Server::Serve() {
  if (listen_fd_ < 0) return absl::FailedPreconditionError("Serve() before Listen()");
  std::vector<epoll_event> events(256);
  absl::Status status;
  while (!stopping_.load()) {
    if (accept_paused_until_ != absl::InfinitePast() && absl::Now() >= accept_paused_until_) {
      accept_paused_until_ = absl::InfinitePast();
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.fd = listen_fd_;
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &e);
    }
    absl::Duration wait = UntilNextDeadline();
    if (accept_paused_until_ != absl::InfinitePast()) wait = std::min(wait, accept_paused_until_ - absl::Now());
    const int wait_ms = static_cast<int>(absl::ToInt64Milliseconds(std::max(wait, absl::ZeroDuration()))) + 1;
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), wait_ms);
    if (n < 0 && errno != EINTR) {
      status = absl::InternalError(absl::StrCat("epoll_wait: ", std::strerror(errno)));
      stopping_.store(true);  // stop as on SIGTERM: requests running must end before we return
      break;
    }
    // Connections first, new ones last: a client that closed one connection and opened
    // the next is counted out before the new one is counted against the limit.
    bool accept = false;
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd_) {
        accept = true;
      } else if (fd == wake_fd_) {
        uint64_t count;
        (void)!::read(wake_fd_, &count, sizeof count);
      } else {
        Resume(fd);
      }
    }
    if (accept) Accept();
    // After the events: a connection resumed above is no longer among the deadlines.
    Expire();
  }
  // Stopping: no new connections, idle ones closed; running requests finish within the
  // grace period, then are cancelled.
  CloseListenerAndParked();
  if (!pool_.WaitIdle(absl::Now() + options_.shutdown_grace)) {
    handler_.CancelAll();
    pool_.WaitIdle(absl::InfiniteFuture());
  }
  // Inserts waiting for their group commit are answered (their commits are under way and
  // cannot be cancelled); their connections then close.
  while (handler_.pending() > 0) absl::SleepFor(absl::Milliseconds(1));
  {
    std::lock_guard<std::mutex> lock(mu_);
    awaiting_answer_.clear();
    answered_early_.clear();
  }
  return status;
}

void Server::Stop() {
  stopping_.store(true);
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
}

void Server::Accept() {
  for (int i = 0; i < kAcceptsPerWake; ++i) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors for a moment: stop watching the listener (it would wake us
        // at once, again and again) and try again shortly.
        accept_paused_until_ = absl::Now() + absl::Milliseconds(50);
        epoll_event e{};
        e.data.fd = listen_fd_;
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &e);
      }
      return;  // none waiting, or the client gave up
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    open_.fetch_add(1);
    Connection conn(new HttpConnection(fd, options_.http), Release{&open_});
    conn->set_stopping(&stopping_);
    if (open_.load() > connections_open_max_) {
      RespondBusy(conn.get(), "connections", connections_open_max_);
      continue;
    }
    // A new connection has receive_timeout for its first request, from now.
    Park(std::move(conn), absl::Now() + options_.http.receive_timeout, /*added=*/false);
  }
}

void Server::Park(Connection conn, absl::Time deadline, bool added) {
  const int fd = conn->fd();
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_.load()) return;  // closed: the server is stopping
  epoll_event e{};
  e.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  e.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &e) != 0) return;  // closed
  deadlines_.emplace(deadline, fd);
  parked_.insert_or_assign(fd, Parked{std::move(conn), deadline});
}

void Server::Resume(int fd) {
  Parked parked;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = parked_.find(fd);
    if (it == parked_.end()) return;
    parked = std::move(it->second);
    parked_.erase(it);
    deadlines_.erase({parked.deadline, fd});
  }
  HttpConnection::HeadState state = parked.conn->ReadHead(absl::ZeroDuration());
  if (state == HttpConnection::HeadState::kGone) return;  // closed by the client
  if (state == HttpConnection::HeadState::kReady && handler_.AnswersWithoutWaiting(*parked.conn)) {
    // Run here: handing it to a worker would cost more (a thread woken per insert).
    RunWithoutWaiting(std::move(parked.conn));
    return;
  }
  if (state != HttpConnection::HeadState::kPending) {
    Dispatch(std::move(parked.conn), state);
    return;
  }
  // Part of a head: it must be whole within receive_timeout of its first byte.
  absl::Time deadline = parked.deadline;
  if (parked.conn->head_started() != absl::InfiniteFuture()) {
    deadline = std::min(deadline, parked.conn->head_started() + options_.http.receive_timeout);
  }
  Park(std::move(parked.conn), deadline, /*added=*/true);
}

void Server::Dispatch(Connection conn, HttpConnection::HeadState state) {
  if (state == HttpConnection::HeadState::kBad) {
    RespondBad(conn.get());
    return;
  }
  if (!pool_.TryAcquire()) {
    RespondBusy(conn.get(), "simultaneous requests", options_.requests_active_max);
    return;
  }
  pool_.Run([this, c = std::move(conn)]() mutable { RunConnection(std::move(c)); });
}

void Server::RunConnection(Connection conn) {
  while (true) {
    if (handler_.Handle(conn.get(), conn->request()) == QueryHandler::Handled::kPending) {
      HandOver(std::move(conn));
      return;
    }
    if (!conn->reusable() || stopping_.load()) return;
    // A client that sent this request soon after the previous response will likely do
    // so again: wait for it briefly here rather than park the connection and hand it to
    // a thread again. Others are parked at once (their waits would be threads idling).
    const absl::Duration linger =
        conn->think_time() < options_.keep_alive_linger ? options_.keep_alive_linger : absl::ZeroDuration();
    switch (conn->ReadHead(linger)) {
      case HttpConnection::HeadState::kReady:
        continue;
      case HttpConnection::HeadState::kBad:
        RespondBad(conn.get());
        return;
      case HttpConnection::HeadState::kGone:
        return;
      case HttpConnection::HeadState::kPending:
        break;
    }
    ParkForNextRequest(std::move(conn));
    return;
  }
}

void Server::ParkForNextRequest(Connection conn) {
  // Part of a head must be whole within receive_timeout of its first byte; an idle
  // connection may wait keep_alive_timeout for its next request.
  const absl::Time deadline = conn->head_started() != absl::InfiniteFuture()
                                  ? conn->head_started() + options_.http.receive_timeout
                                  : absl::Now() + options_.http.keep_alive_timeout;
  Park(std::move(conn), deadline, /*added=*/true);
}

void Server::RunWithoutWaiting(Connection conn) {
  if (handler_.Handle(conn.get(), conn->request()) == QueryHandler::Handled::kPending) {
    HandOver(std::move(conn));
  } else {
    Continue(std::move(conn));
  }
}

void Server::HandOver(Connection conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (answered_early_.erase(conn.get()) == 0) {
      awaiting_answer_.emplace(conn.get(), std::move(conn));
      return;
    }
  }
  Continue(std::move(conn));
}

void Server::Answered(HttpConnection* c) {
  Connection conn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = awaiting_answer_.find(c);
    if (it == awaiting_answer_.end()) {
      answered_early_.insert(c);
      return;
    }
    conn = std::move(it->second);
    awaiting_answer_.erase(it);
  }
  Continue(std::move(conn));
}

void Server::Continue(Connection conn) {
  if (!conn->reusable() || stopping_.load()) return;
  if (!conn->HasUnreadBytes()) {
    // Parked at once: the Serve() thread sees the next request arrive, and runs it
    // itself when it can (a worker otherwise).
    ParkForNextRequest(std::move(conn));
    return;
  }
  const HttpConnection::HeadState state = conn->ReadHead(absl::ZeroDuration());
  switch (state) {
    case HttpConnection::HeadState::kGone:
      return;
    case HttpConnection::HeadState::kReady:
      // A pipelined request: to a worker, so that one client cannot keep this thread.
    case HttpConnection::HeadState::kBad:
      Dispatch(std::move(conn), state);
      return;
    case HttpConnection::HeadState::kPending:
      break;
  }
  ParkForNextRequest(std::move(conn));
}

void Server::RespondBad(HttpConnection* conn) {
  const HttpError& error = conn->error();
  conn->RespondNow(error.status, "text/plain; charset=UTF-8",
                   ErrorBody(ErrorFor(engine::ErrorCode::kPocoException), error.message));
}

void Server::RespondBusy(HttpConnection* conn, absl::string_view what, size_t max) {
  // Answered without reading the request: the client learns at once to come back later.
  conn->AddHeader("Retry-After", "1");
  const ClickHouseError error = ErrorFor(engine::ErrorCode::kTooManySimultaneousQueries);
  conn->AddHeader("X-ClickHouse-Exception-Code", absl::StrCat(error.code));
  conn->RespondNow(error.http_status, "text/plain; charset=UTF-8",
                   ErrorBody(error, absl::StrCat("Too many ", what, ". Maximum: ", max)));
}

absl::Duration Server::UntilNextDeadline() {
  std::lock_guard<std::mutex> lock(mu_);
  if (deadlines_.empty()) return absl::Seconds(1);
  return std::min(deadlines_.begin()->first - absl::Now(), absl::Seconds(1));
}

void Server::Expire() {
  std::vector<Connection> expired;
  {
    const absl::Time now = absl::Now();
    std::lock_guard<std::mutex> lock(mu_);
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      const int fd = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      auto it = parked_.find(fd);
      expired.push_back(std::move(it->second.conn));
      parked_.erase(it);
    }
  }
  for (Connection& conn : expired) {
    // Idle ones just close; a client that started a request and stalled is told why.
    if (conn->head_started() != absl::InfiniteFuture()) {
      conn->RespondNow(408, "text/plain; charset=UTF-8",
                       ErrorBody(ErrorFor(engine::ErrorCode::kPocoException), "timed out reading the request headers"));
    }
  }
}

void Server::CloseListenerAndParked() {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  ::close(listen_fd_);  // new connections are refused from now on
  listen_fd_ = -1;
  absl::flat_hash_map<int, Parked> parked;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parked.swap(parked_);
    deadlines_.clear();
  }
  // Destroyed here, outside the lock: each closes its socket.
}

}  // namespace tally::server
