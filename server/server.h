// Server: `tally serve`. Listens on a TCP address, runs each connection on a thread of its
// own (HttpConnection, then QueryHandler per request), and stops cleanly: Stop() closes the
// listener, lets running requests finish within a grace period, cancels what is left,
// and waits for every connection thread; the caller then closes the Database, which syncs.
//
// Thread-safe: Stop() may be called from any thread (the signal-handling one).
#ifndef TALLY_SERVER_SERVER_H_
#define TALLY_SERVER_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/database.h"
#include "server/http_connection.h"
#include "server/query_handler.h"

namespace tally::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8123;  // 0: any free port (tests), see Server::port()
  size_t connections_max = 1024;  // more: 503 at once, with Retry-After
  absl::Duration shutdown_grace = absl::Seconds(30);
  HttpLimits http;
  QueryHandlerOptions queries;
};

class Server {
 public:
  Server(engine::Database* db, ServerOptions options);
  ~Server();

  // Binds and listens; InvalidArgument/Unavailable with the reason when it cannot.
  absl::Status Listen();
  uint16_t port() const { return port_; }
  // Accepts connections until Stop(); returns after every connection thread has ended.
  absl::Status Serve();
  void Stop();

 private:
  void RunConnection(int fd);

  engine::Database* db_;
  const ServerOptions options_;
  QueryHandler handler_;
  int listen_fd_ = -1;
  int wake_fd_[2] = {-1, -1};  // Stop() writes here to wake the accept loop
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  size_t connections_ = 0;
};

}  // namespace tally::server

#endif  // TALLY_SERVER_SERVER_H_
