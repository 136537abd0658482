// DisconnectMonitor: cancels a running query whose client went away (closed or reset its
// connection). One thread polls the sockets of every registered query every 100 ms; a
// query registers for the time it runs (Watch). One thread for all queries, rather than
// one per request, which a single-row insert would pay for on every request.
//
// Thread-safe.
#ifndef TALLY_SERVER_DISCONNECT_MONITOR_H_
#define TALLY_SERVER_DISCONNECT_MONITOR_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "engine/query/session.h"

namespace tally::server {

class DisconnectMonitor {
 public:
  DisconnectMonitor();
  ~DisconnectMonitor();
  DisconnectMonitor(const DisconnectMonitor&) = delete;
  DisconnectMonitor& operator=(const DisconnectMonitor&) = delete;

  // Watches `fd` for `session` while it lives: `session` is cancelled if the peer hangs up.
  class Watch {
   public:
    Watch(DisconnectMonitor* monitor, int fd, engine::sql::Session* session);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

   private:
    DisconnectMonitor* monitor_;
    engine::sql::Session* session_;
  };

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  // Cancel runs under mu_, and a Watch unregisters under mu_ before its session can go.
  absl::flat_hash_map<engine::sql::Session*, int> watched_;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace tally::server

#endif  // TALLY_SERVER_DISCONNECT_MONITOR_H_
