// http_load: keep-alive HTTP load on `tally serve` for measuring the server's request rate.
//
//   http_load --port P [--host 127.0.0.1] [--connections 64] [--seconds 5]
//             [--target /?query=...] [--body TEXT] [--new-connection-every N]
//
// Each connection sends one request (POST when --body is given, else GET), waits for the
// whole response, and sends the next, as fast as it can; one thread drives every connection
// through epoll. --new-connection-every N closes and reopens a connection after N requests.
// Prints one JSON object: requests, seconds, requests/s, non-200 answers, mean and p99
// latency in microseconds. Responses are framed by Beast's parser.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

struct Client {
  int fd = -1;
  std::optional<http::response_parser<http::string_body>> parser;
  std::string in;
  Clock::time_point sent;
  uint64_t done = 0;  // requests answered on this connection
};

int Connect(const std::string& host, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    std::perror("connect");
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1", target = "/?query=SELECT+1", body;
  uint32_t port = 0, connections = 64, reconnect_every = 0;
  double seconds = 5;
  bool has_body = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], v = argv[i + 1];
    bool ok = true;
    if (flag == "--host") host = v;
    else if (flag == "--port") ok = absl::SimpleAtoi(v, &port);
    else if (flag == "--connections") ok = absl::SimpleAtoi(v, &connections);
    else if (flag == "--seconds") ok = absl::SimpleAtod(v, &seconds);
    else if (flag == "--target") target = v;
    else if (flag == "--body") body = v, has_body = true;
    else if (flag == "--new-connection-every") ok = absl::SimpleAtoi(v, &reconnect_every);
    else ok = false;
    if (!ok) {
      std::fprintf(stderr, "http_load: bad argument %s %s\n", flag.c_str(), v.c_str());
      return 2;
    }
  }
  if (port == 0 || connections == 0) {
    std::fprintf(stderr, "usage: http_load --port P [--connections N] [--seconds S] [--target T] [--body B]\n");
    return 2;
  }
  const std::string request =
      has_body ? absl::StrCat("POST ", target, " HTTP/1.1\r\nHost: ", host, "\r\nContent-Length: ", body.size(),
                              "\r\n\r\n", body)
               : absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: ", host, "\r\n\r\n");

  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Client> clients(connections);
  auto start_request = [&](size_t i) {
    Client& c = clients[i];
    c.parser.emplace();
    c.parser->eager(true);  // the head and the body in one put
    c.parser->body_limit(std::numeric_limits<uint64_t>::max());  // not none: Beast 1.74 refuses bodies then
    c.sent = Clock::now();
    // A fresh connection's request waits in its send buffer until the connection is made.
    if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      std::fprintf(stderr, "http_load: send: %s\n", std::strerror(errno));
      std::exit(1);
    }
  };
  auto open = [&](size_t i) {
    Client& c = clients[i];
    c.fd = Connect(host, static_cast<uint16_t>(port));
    if (c.fd < 0) std::exit(1);
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e);
    c.in.clear();
    c.done = 0;
  };
  auto wait_writable = [&](size_t i) {
    // Non-blocking connect: the first send needs the connection established.
    pollfd p{};
    p.fd = clients[i].fd;
    p.events = POLLOUT;
    ::poll(&p, 1, 5000);
  };
  for (size_t i = 0; i < clients.size(); ++i) {
    open(i);
    wait_writable(i);
    start_request(i);
  }

  std::vector<uint32_t> latencies_us;
  uint64_t requests = 0, failures = 0;
  const Clock::time_point begin = Clock::now();
  const Clock::time_point end = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<epoll_event> events(connections);
  char buf[64 << 10];
  while (Clock::now() < end) {
    int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int k = 0; k < n; ++k) {
      size_t i = events[k].data.u64;
      Client& c = clients[i];
      ssize_t got = ::recv(c.fd, buf, sizeof buf, 0);
      if (got <= 0) {
        if (got < 0 && errno == EAGAIN) continue;
        std::fprintf(stderr, "http_load: the server closed connection %zu after %lu requests\n", i,
                     static_cast<unsigned long>(c.done));
        return 1;
      }
      c.in.append(buf, static_cast<size_t>(got));
      boost::beast::error_code ec;
      size_t used = c.parser->put(boost::asio::buffer(c.in), ec);
      c.in.erase(0, used);
      if (ec == http::error::need_more) continue;
      if (ec) {
        std::fprintf(stderr, "http_load: bad response: %s\n", ec.message().c_str());
        return 1;
      }
      if (!c.parser->is_done()) continue;
      ++requests;
      ++c.done;
      if (c.parser->get().result_int() != 200) ++failures;
      latencies_us.push_back(static_cast<uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - c.sent).count()));
      if (reconnect_every > 0 && c.done % reconnect_every == 0) {
        ::close(c.fd);
        open(i);
        wait_writable(i);
      }
      start_request(i);
    }
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  std::sort(latencies_us.begin(), latencies_us.end());
  double mean = 0;
  for (uint32_t l : latencies_us) mean += l;
  mean = latencies_us.empty() ? 0 : mean / static_cast<double>(latencies_us.size());
  uint32_t p99 = latencies_us.empty() ? 0 : latencies_us[latencies_us.size() * 99 / 100];
  std::printf(
      "{\"connections\": %u, \"requests\": %lu, \"seconds\": %.2f, \"requests_per_s\": %.0f, \"non_200\": %lu, "
      "\"mean_us\": %.0f, \"p99_us\": %u}\n",
      connections, static_cast<unsigned long>(requests), elapsed, static_cast<double>(requests) / elapsed,
      static_cast<unsigned long>(failures), mean, p99);
  return 0;
}
