// server_load: the load `make bench-server` and the server's request-rate measurements put
// on `tally serve` (or any server speaking ClickHouse's HTTP interface).
//
//   server_load inserts HOST PORT TABLE CLIENTS SECONDS
//     CLIENTS keep-alive connections, each sending one single-row JSONEachRow INSERT at
//     a time (the next as soon as the last is acknowledged), for SECONDS; every row is
//     distinct (client, sequence number).
//   server_load requests HOST PORT CLIENTS SECONDS TARGET [BODY] [--new-connection-every N]
//     The same with one fixed request: GET TARGET, or POST TARGET with BODY when given;
//     --new-connection-every N closes and reopens a connection after N requests.
//   server_load fsync DIR COUNT
//     The disk's own latency: COUNT appends of 128 bytes to a file in DIR, each followed
//     by fdatasync.
//
// Each prints one JSON object: requests answered 200 (`acknowledged`), their rate,
// latency percentiles, errors (any other answer or a broken connection). The clients are
// non-blocking sockets driven by epoll from two threads (the machine the benchmark runs
// on has two cores, shared with the server), so the load generator costs as little CPU
// as it can; responses are framed by Beast's parser.
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// The request a client sends as its `seq`th (from 0).
using RequestFn = std::function<std::string(int client, uint64_t seq)>;

struct Load {
  std::string host, port;
  int clients = 64;
  double seconds = 5;
  uint64_t reconnect_every = 0;  // 0: never
  RequestFn request;
};

struct Client {
  int id = 0;
  int fd = -1;
  uint64_t seq = 0;   // requests sent on this client, over its connections
  uint64_t done = 0;  // requests answered on the current connection
  std::string out;    // the request being sent
  size_t out_pos = 0;
  std::string in;     // received, not yet parsed
  std::unique_ptr<http::response_parser<http::string_body>> parser;  // not movable itself
  Clock::time_point sent;
};

struct Shared {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  std::mutex mu;
  std::string first_error;

  void Error(const std::string& what) {
    if (errors.fetch_add(1) != 0) return;
    std::lock_guard<std::mutex> lock(mu);
    first_error = what.substr(0, 400);
  }
};

int Connect(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &res) != 0) return -1;
  int fd = socket(res->ai_family, SOCK_STREAM, 0);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

std::string Post(const std::string& target, const std::string& host, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// One metering event as JSONEachRow, distinct per client and sequence number.
std::string InsertRequest(const std::string& target, const std::string& host, int client, uint64_t seq) {
  static const char* kMetrics[] = {"api_calls", "bytes_out", "tokens", "build_minutes"};
  char body[512];
  const int n = std::snprintf(
      body, sizeof(body),
      "{\"time\":\"2026-12-01 %02d:%02d:%02d\",\"tenant\":\"ws_%d\",\"metric\":\"%s\",\"path\":\"/v1/items/%llu\","
      "\"method\":\"POST\",\"status\":200,\"region\":\"eu-west-1\",\"country\":\"DE\",\"user_id\":%llu,"
      "\"value\":%llu}\n",
      static_cast<int>((seq / 3600) % 24), static_cast<int>((seq / 60) % 60), static_cast<int>(seq % 60), client % 50,
      kMetrics[seq % 4], static_cast<unsigned long long>(seq), static_cast<unsigned long long>(client * 1000003ull + seq),
      static_cast<unsigned long long>(seq % 100 + 1));
  return Post(target, host, std::string(body, static_cast<size_t>(n)));
}

// Drives `clients` (connected) through one epoll set until shared->stop, then until each
// has its last answer (at most 10 s more: a missing answer is an error, not a hang).
void Drive(const Load& load, std::vector<Client>* clients, Shared* shared, std::vector<double>* latencies_us) {
  const int ep = epoll_create1(0);
  auto watch = [&](size_t i, uint32_t events, int op) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = i;
    epoll_ctl(ep, op, (*clients)[i].fd, &ev);
  };
  auto start = [&](size_t i) {
    Client& c = (*clients)[i];
    c.out = load.request(c.id, c.seq++);
    c.out_pos = 0;
    c.parser = std::make_unique<http::response_parser<http::string_body>>();
    c.parser->eager(true);
    c.parser->body_limit(std::numeric_limits<uint64_t>::max());
    c.sent = Clock::now();
    watch(i, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
  };
  auto drop = [&](Client& c, size_t* live) {
    close(c.fd);
    c.fd = -1;
    --*live;
  };
  for (size_t i = 0; i < clients->size(); ++i) {
    watch(i, EPOLLIN, EPOLL_CTL_ADD);
    start(i);
  }
  std::vector<epoll_event> events(std::max<size_t>(clients->size(), 1));
  char buf[64 << 10];
  size_t live = clients->size();
  Clock::time_point give_up = Clock::time_point::max();
  while (live > 0) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    if (shared->stop.load() && give_up == Clock::time_point::max()) give_up = Clock::now() + std::chrono::seconds(10);
    if (Clock::now() > give_up) {
      for (Client& c : *clients) {
        if (c.fd < 0) continue;
        shared->Error("no answer within 10 s of the end");
        drop(c, &live);
      }
      break;
    }
    for (int e = 0; e < n; ++e) {
      const size_t i = events[e].data.u64;
      Client& c = (*clients)[i];
      if (c.fd < 0) continue;
      if ((events[e].events & EPOLLOUT) && c.out_pos < c.out.size()) {
        const ssize_t w = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
        if (w > 0) c.out_pos += static_cast<size_t>(w);
        if (c.out_pos == c.out.size()) watch(i, EPOLLIN, EPOLL_CTL_MOD);
      }
      if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      const ssize_t r = recv(c.fd, buf, sizeof(buf), 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        shared->Error("the server closed a connection");
        drop(c, &live);
        continue;
      }
      c.in.append(buf, static_cast<size_t>(r));
      boost::beast::error_code ec;
      const size_t used = c.parser->put(boost::asio::buffer(c.in), ec);
      c.in.erase(0, used);
      if (ec == http::error::need_more || (!ec && !c.parser->is_done())) continue;
      if (ec) {
        shared->Error("bad response: " + ec.message());
        drop(c, &live);
        continue;
      }
      if (c.parser->get().result_int() == 200) {
        latencies_us->push_back(std::chrono::duration<double, std::micro>(Clock::now() - c.sent).count());
      } else {
        shared->Error(std::to_string(c.parser->get().result_int()) + ": " + c.parser->get().body());
      }
      ++c.done;
      if (shared->stop.load()) {
        drop(c, &live);
        continue;
      }
      if (load.reconnect_every > 0 && c.done % load.reconnect_every == 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        c.fd = Connect(load.host, load.port);
        c.done = 0;
        c.in.clear();
        if (c.fd < 0) {
          shared->Error("cannot reconnect");
          --live;
          continue;
        }
        watch(i, EPOLLIN, EPOLL_CTL_ADD);
      }
      start(i);
    }
  }
  close(ep);
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t at = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(at), v.end());
  return v[at];
}

// Runs `load`; prints its JSON line (`rate_key`: the name of the rate). 1 on errors.
int Run(const Load& load, const char* rate_key) {
  constexpr int kThreads = 2;
  std::vector<std::vector<Client>> groups(kThreads);
  for (int i = 0; i < load.clients; ++i) {
    Client c;
    c.id = i;
    c.fd = Connect(load.host, load.port);
    if (c.fd < 0) {
      std::fprintf(stderr, "server_load: cannot connect to %s:%s: %s\n", load.host.c_str(), load.port.c_str(),
                   std::strerror(errno));
      return 1;
    }
    groups[i % kThreads].push_back(std::move(c));
  }
  Shared shared;
  std::vector<std::vector<double>> latencies(kThreads);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(Drive, std::cref(load), &groups[t], &shared, &latencies[t]);
  std::this_thread::sleep_for(std::chrono::duration<double>(load.seconds));
  shared.stop.store(true);
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const size_t acked = all.size();
  std::printf(
      "{\"clients\": %d, \"seconds\": %.3f, \"acknowledged\": %zu, \"%s\": %.0f, \"p50_ms\": %.3f, "
      "\"p90_ms\": %.3f, \"p99_ms\": %.3f, \"p999_ms\": %.3f, \"max_ms\": %.3f, \"errors\": %llu",
      load.clients, elapsed, acked, rate_key, static_cast<double>(acked) / elapsed, Percentile(all, 0.5) / 1000,
      Percentile(all, 0.9) / 1000, Percentile(all, 0.99) / 1000, Percentile(all, 0.999) / 1000,
      all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()) / 1000,
      static_cast<unsigned long long>(shared.errors.load()));
  if (!shared.first_error.empty()) {
    std::string e;
    for (char ch : shared.first_error) e += (ch == '"' || ch == '\\' || ch < ' ') ? ' ' : ch;
    std::printf(", \"first_error\": \"%s\"", e.c_str());
  }
  std::printf("}\n");
  return shared.errors.load() == 0 ? 0 : 1;
}

int Inserts(int argc, char** argv) {
  if (argc != 7) return 2;
  Load load;
  load.host = argv[2];
  load.port = argv[3];
  load.clients = std::atoi(argv[5]);
  load.seconds = std::atof(argv[6]);
  const std::string target = std::string("/?query=INSERT%20INTO%20") + argv[4] + "%20FORMAT%20JSONEachRow";
  load.request = [target, host = load.host](int client, uint64_t seq) {
    return InsertRequest(target, host, client, seq);
  };
  return Run(load, "inserts_per_s");
}

int Requests(int argc, char** argv) {
  if (argc < 7) return 2;
  Load load;
  load.host = argv[2];
  load.port = argv[3];
  load.clients = std::atoi(argv[4]);
  load.seconds = std::atof(argv[5]);
  const std::string target = argv[6];
  std::optional<std::string> body;
  for (int i = 7; i < argc; ++i) {
    if (std::strcmp(argv[i], "--new-connection-every") == 0 && i + 1 < argc) {
      load.reconnect_every = std::strtoull(argv[++i], nullptr, 10);
    } else if (!body.has_value()) {
      body = argv[i];
    } else {
      return 2;
    }
  }
  const std::string request = body.has_value() ? Post(target, load.host, *body)
                                               : "GET " + target + " HTTP/1.1\r\nHost: " + load.host + "\r\n\r\n";
  load.request = [request](int, uint64_t) { return request; };
  return Run(load, "requests_per_s");
}

int Fsync(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string path = std::string(argv[2]) + "/fsync_probe";
  const int count = std::atoi(argv[3]);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::fprintf(stderr, "server_load: %s: %s\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  std::vector<double> us;
  const std::string record(128, 'x');
  for (int i = 0; i < count; ++i) {
    if (write(fd, record.data(), record.size()) != static_cast<ssize_t>(record.size())) return 1;
    const auto t = Clock::now();
    if (fdatasync(fd) != 0) return 1;
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
  }
  close(fd);
  unlink(path.c_str());
  std::printf("{\"fsyncs\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f}\n", count, Percentile(us, 0.5) / 1000,
              Percentile(us, 0.99) / 1000);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int rc = 2;
  if (argc >= 2 && std::strcmp(argv[1], "inserts") == 0) rc = Inserts(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "requests") == 0) rc = Requests(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "fsync") == 0) rc = Fsync(argc, argv);
  if (rc == 2) {
    std::fprintf(stderr,
                 "usage: server_load inserts HOST PORT TABLE CLIENTS SECONDS\n"
                 "       server_load requests HOST PORT CLIENTS SECONDS TARGET [BODY] [--new-connection-every N]\n"
                 "       server_load fsync DIR COUNT\n");
  }
  return rc;
}
