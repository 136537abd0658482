// server_load: the load `make bench-server` puts on `tally serve` (or any server speaking
// ClickHouse's HTTP interface).
//
//   server_load inserts HOST PORT TABLE CLIENTS SECONDS
//     CLIENTS keep-alive connections, each sending one single-row JSONEachRow INSERT at
//     a time (the next as soon as the last is acknowledged), for SECONDS. Prints one JSON
//     object: acknowledged inserts, their rate, latency percentiles, errors.
//   server_load fsync DIR COUNT
//     The disk's own latency: COUNT appends of 128 bytes to a file in DIR, each followed
//     by fdatasync. Prints percentiles as JSON.
//
// The clients are non-blocking sockets driven by epoll from two threads (the machine the
// benchmark runs on has two cores, shared with the server), so the load generator costs
// as little CPU as it can.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Client {
  int fd = -1;
  uint64_t seq = 0;
  std::string out;     // the request being sent
  size_t out_pos = 0;
  std::string in;      // the response so far
  Clock::time_point sent;
};

struct Shared {
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  std::string first_error;
};

int Connect(const char* host, const char* port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
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

// One metering event as JSONEachRow, distinct per client and sequence number.
std::string Request(const std::string& target, const std::string& host, int client, uint64_t seq) {
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
  std::string r = "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-ndjson\r\n" +
                  "Content-Length: " + std::to_string(n) + "\r\n\r\n";
  r.append(body, static_cast<size_t>(n));
  return r;
}

// Whether `in` holds a whole response; sets *status and *length (its bytes).
bool WholeResponse(const std::string& in, int* status, size_t* length) {
  const size_t head_end = in.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  *status = std::atoi(in.c_str() + 9);
  size_t body = 0;
  for (size_t at = in.find("\r\n"); at < head_end; at = in.find("\r\n", at + 2)) {
    if (strncasecmp(in.c_str() + at + 2, "content-length:", 15) == 0) body = std::strtoull(in.c_str() + at + 17, nullptr, 10);
  }
  if (in.size() < head_end + 4 + body) return false;
  *length = head_end + 4 + body;
  return true;
}

void Drive(std::vector<Client>* clients, int first_id, const std::string& target, const std::string& host,
           Shared* shared, std::vector<double>* latencies_us) {
  int ep = epoll_create1(0);
  for (size_t i = 0; i < clients->size(); ++i) {
    Client& c = (*clients)[i];
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
    c.out = Request(target, host, first_id + static_cast<int>(i), c.seq);
    c.sent = Clock::now();
  }
  std::vector<epoll_event> events(clients->size());
  char buf[16384];
  size_t live = clients->size();
  Clock::time_point give_up = Clock::time_point::max();
  while (live > 0) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    // A response still missing 10 s after the end is an error, not a reason to hang.
    if (shared->stop.load() && give_up == Clock::time_point::max()) give_up = Clock::now() + std::chrono::seconds(10);
    if (Clock::now() > give_up) {
      for (Client& c : *clients) {
        if (c.fd < 0) continue;
        shared->errors.fetch_add(1);
        close(c.fd);
        c.fd = -1;
      }
      break;
    }
    for (int e = 0; e < n; ++e) {
      Client& c = (*clients)[events[e].data.u64];
      if (c.fd < 0) continue;
      if ((events[e].events & EPOLLOUT) && c.out_pos < c.out.size()) {
        const ssize_t w = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
        if (w > 0) c.out_pos += static_cast<size_t>(w);
        if (c.out_pos == c.out.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u64 = events[e].data.u64;
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      const ssize_t r = recv(c.fd, buf, sizeof(buf), 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        shared->errors.fetch_add(1);
        close(c.fd);
        c.fd = -1;
        --live;
        continue;
      }
      c.in.append(buf, static_cast<size_t>(r));
      int status = 0;
      size_t length = 0;
      if (!WholeResponse(c.in, &status, &length)) continue;
      if (status == 200) {
        latencies_us->push_back(std::chrono::duration<double, std::micro>(Clock::now() - c.sent).count());
      } else {
        if (shared->errors.fetch_add(1) == 0) shared->first_error = c.in.substr(0, 400);
      }
      c.in.erase(0, length);
      if (shared->stop.load()) {
        close(c.fd);
        c.fd = -1;
        --live;
        continue;
      }
      c.out = Request(target, host, first_id + static_cast<int>(events[e].data.u64), ++c.seq);
      c.out_pos = 0;
      c.sent = Clock::now();
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT;
      ev.data.u64 = events[e].data.u64;
      epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
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

int Inserts(int argc, char** argv) {
  if (argc != 7) return 2;
  const char* host = argv[2];
  const char* port = argv[3];
  const std::string table = argv[4];
  const int clients = std::atoi(argv[5]);
  const double seconds = std::atof(argv[6]);
  const std::string target = "/?query=INSERT%20INTO%20" + table + "%20FORMAT%20JSONEachRow";
  constexpr int kThreads = 2;
  std::vector<std::vector<Client>> groups(kThreads);
  for (int i = 0; i < clients; ++i) {
    Client c;
    c.fd = Connect(host, port);
    if (c.fd < 0) {
      std::fprintf(stderr, "server_load: cannot connect to %s:%s: %s\n", host, port, std::strerror(errno));
      return 1;
    }
    groups[i % kThreads].push_back(std::move(c));
  }
  Shared shared;
  std::vector<std::vector<double>> latencies(kThreads);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  int first_id = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(Drive, &groups[t], first_id, target, std::string(host), &shared, &latencies[t]);
    first_id += static_cast<int>(groups[t].size());
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  shared.stop.store(true);
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const size_t acked = all.size();
  std::printf(
      "{\"clients\": %d, \"seconds\": %.3f, \"acknowledged\": %zu, \"inserts_per_s\": %.0f, \"p50_ms\": %.3f, "
      "\"p90_ms\": %.3f, \"p99_ms\": %.3f, \"p999_ms\": %.3f, \"max_ms\": %.3f, \"errors\": %llu",
      clients, elapsed, acked, static_cast<double>(acked) / elapsed, Percentile(all, 0.5) / 1000,
      Percentile(all, 0.9) / 1000, Percentile(all, 0.99) / 1000, Percentile(all, 0.999) / 1000,
      all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()) / 1000,
      static_cast<unsigned long long>(shared.errors.load()));
  if (!shared.first_error.empty()) {
    std::string e;
    for (char ch : shared.first_error) e += (ch == '"' || ch == '\\') ? ' ' : (ch < ' ' ? ' ' : ch);
    std::printf(", \"first_error\": \"%s\"", e.c_str());
  }
  std::printf("}\n");
  return shared.errors.load() == 0 ? 0 : 1;
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
  if (argc >= 2 && std::strcmp(argv[1], "fsync") == 0) rc = Fsync(argc, argv);
  if (rc == 2) {
    std::fprintf(stderr,
                 "usage: server_load inserts HOST PORT TABLE CLIENTS SECONDS\n"
                 "       server_load fsync DIR COUNT\n");
  }
  return rc;
}
