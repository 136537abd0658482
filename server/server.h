// Server: `tally serve`. Listens on a TCP address; connections waiting for a request (new
// ones, and keep-alive ones between requests) are parked in one epoll set that the Serve()
// thread watches, with a deadline each; when one has a whole request head, a thread of the
// WorkerPool reads its body and runs it (HttpConnection, then QueryHandler), and waits a
// moment for the next request before parking the connection again. So an idle connection
// costs a descriptor and a little memory, never a thread, and a busy keep-alive client
// keeps its thread without a round trip through epoll per request.
//
// Stopping: Stop() closes the listener and every parked connection, lets running requests
// finish within a grace period, cancels what is left, and waits for every worker thread;
// the caller then closes the Database, which syncs.
//
// Thread-safe: Stop() may be called from any thread (the signal-handling one).
#ifndef TALLY_SERVER_SERVER_H_
#define TALLY_SERVER_SERVER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/database.h"
#include "server/http_connection.h"
#include "server/query_handler.h"
#include "server/worker_pool.h"

namespace tally::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8123;  // 0: any free port (tests), see Server::port()
  // Requests being read and run at once, a thread each; more: 503 at once, with Retry-After.
  size_t requests_active_max = 1024;
  // Open connections, idle ones included; more: 503 at once. Listen() lowers it to what
  // RLIMIT_NOFILE allows (raised to its hard limit), keeping a quarter for the database.
  size_t connections_open_max = 100000;
  // How long a thread that answered a keep-alive request waits for the next before it
  // parks the connection, when the client sent its request that soon after the previous
  // response (ADR 7 has the measurements behind the default).
  absl::Duration keep_alive_linger = absl::Milliseconds(5);
  absl::Duration shutdown_grace = absl::Seconds(30);
  HttpLimits http;
  QueryHandlerOptions queries;
};

class Server {
 public:
  Server(engine::Database* db, ServerOptions options);
  ~Server();

  // Raises RLIMIT_NOFILE, binds and listens; InvalidArgument/Unavailable with the reason
  // when it cannot.
  absl::Status Listen();
  uint16_t port() const { return port_; }
  // The open-connection limit in force (after Listen(): bounded by RLIMIT_NOFILE).
  size_t connections_open_max() const { return connections_open_max_; }
  // Watches the parked connections and accepts new ones until Stop(); returns after every
  // request has ended.
  absl::Status Serve();
  void Stop();

 private:
  // Counts the connection out of open_ when it is destroyed.
  struct Release {
    std::atomic<size_t>* open;
    void operator()(HttpConnection* c) const;
  };
  using Connection = std::unique_ptr<HttpConnection, Release>;
  struct Parked {
    Connection conn;
    absl::Time deadline;
  };

  void Accept();
  // Parks `conn` until it is readable or `deadline` passes (any thread). `added`: the
  // descriptor is in the epoll set already.
  void Park(Connection conn, absl::Time deadline, bool added);
  // A parked connection's descriptor became readable or hung up.
  void Resume(int fd);
  // Hands a connection with a complete head (or a bad one) to a thread, or refuses it.
  void Dispatch(Connection conn, HttpConnection::HeadState state);
  // On a worker thread: runs requests while they come, then parks or closes.
  void RunConnection(Connection conn);
  // On the Serve() thread: a request the handler answers without waiting
  // (QueryHandler::AnswersWithoutWaiting), then the connection continues.
  void RunWithoutWaiting(Connection conn);
  // A connection whose request the handler answers later (QueryHandler::Handled::kPending)
  // meets its answer: whichever of HandOver (from RunConnection) and Answered (from the
  // answering thread) comes second continues it.
  void HandOver(Connection conn);
  void Answered(HttpConnection* conn);
  // Parks a connection that waits for its next request (or the rest of its head).
  void ParkForNextRequest(Connection conn);
  // After an answer, without waiting: the next request if it is already here, else parks.
  void Continue(Connection conn);
  void RespondBad(HttpConnection* conn);
  void RespondBusy(HttpConnection* conn, absl::string_view what, size_t max);
  // Closes parked connections past their deadline (408 to those with half a head).
  void Expire();
  absl::Duration UntilNextDeadline();
  void CloseListenerAndParked();

  engine::Database* db_;
  const ServerOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> open_{0};
  QueryHandler handler_;
  size_t connections_open_max_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd: Stop() wakes the Serve() thread
  uint16_t port_ = 0;
  absl::Time accept_paused_until_ = absl::InfinitePast();  // out of descriptors for a moment
  std::mutex mu_;  // the parked connections
  absl::flat_hash_map<int, Parked> parked_;
  std::set<std::pair<absl::Time, int>> deadlines_;
  // Connections handed over before their pending request was answered, and those answered
  // before they were handed over; guarded by mu_.
  absl::flat_hash_map<HttpConnection*, Connection> awaiting_answer_;
  absl::flat_hash_set<HttpConnection*> answered_early_;
  // Last: destroyed first, so that a task still running finds everything else in place.
  WorkerPool pool_;
};

}  // namespace tally::server

#endif  // TALLY_SERVER_SERVER_H_
