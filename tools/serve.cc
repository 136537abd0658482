#include "tools/serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "server/server.h"
#include "server/users.h"
#include "server/users_file.h"
#include "tools/local_shell.h"

namespace tally::tools {

namespace {

constexpr char kServeHelp[] =
    "usage: tally serve [--data DIR] [--listen HOST:PORT] [--password PASSWORD | --users FILE]\n"
    "                   [--max-connections N] [--max-active-requests N] [--max-concurrent-queries N]\n"
    "                   [--max-body-bytes N] [--keep-alive-timeout S] [--receive-timeout S]\n"
    "                   [--send-timeout S]\n"
    "  Serves ClickHouse's HTTP interface on DIR (default ./data) at HOST:PORT (default\n"
    "  127.0.0.1:8123; port 0 picks a free one). The `default` user needs PASSWORD when one\n"
    "  is given; with --users, the users are FILE's (TOML: passwords as SHA-256, readonly\n"
    "  levels, row filters; docs/server.md). GET /metrics is Prometheus's text format.\n"
    "  Limits: open connections (default 100000, bounded by the descriptor limit),\n"
    "  requests being read or run at once (1024), queries running (100); a request's line\n"
    "  and headers must arrive within the receive timeout (30 s), a body may stall that\n"
    "  long, idle connections close after the keep-alive timeout (10 s). SIGTERM or SIGINT\n"
    "  stops it: no new connections, running queries finish (30 s, then they are\n"
    "  cancelled), inline parts are written out, exit 0.\n";

bool ParseSeconds(const char* s, absl::Duration* out) {
  double v;
  if (!absl::SimpleAtod(s, &v) || v <= 0) return false;
  *out = absl::Seconds(v);
  return true;
}

}  // namespace

int RunServe(int argc, char** argv) {
  std::string data_dir = "./data";
  std::string users_file;
  bool password_given = false;
  server::ServerOptions options;
  bool open_max_given = false;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    auto bad = [&](const char* why) {
      std::fprintf(stderr, "tally serve: %s %s (see --help)\n", a.c_str(), why);
      return 2;
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kServeHelp, stdout);
      return 0;
    }
    if (!has_value) return bad("needs a value");
    const char* v = argv[++i];
    if (a == "--data") {
      data_dir = v;
    } else if (a == "--listen") {
      std::string listen = v;
      size_t colon = listen.rfind(':');
      uint32_t port;
      if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port > 65535) {
        return bad("takes HOST:PORT");
      }
      options.host = listen.substr(0, colon);
      if (absl::StartsWith(options.host, "[") && absl::EndsWith(options.host, "]")) {
        options.host = options.host.substr(1, options.host.size() - 2);  // [::1]:8123
      }
      options.port = static_cast<uint16_t>(port);
    } else if (a == "--password") {
      options.queries.default_password = v;
      password_given = true;
    } else if (a == "--users") {
      users_file = v;
    } else if (a == "--max-connections") {
      if (!absl::SimpleAtoi(v, &options.connections_open_max) || options.connections_open_max == 0) {
        return bad("takes N > 0");
      }
      open_max_given = true;
    } else if (a == "--max-active-requests") {
      if (!absl::SimpleAtoi(v, &options.requests_active_max) || options.requests_active_max == 0) {
        return bad("takes N > 0");
      }
    } else if (a == "--max-concurrent-queries") {
      if (!absl::SimpleAtoi(v, &options.queries.concurrent_queries_max) || options.queries.concurrent_queries_max == 0) {
        return bad("takes N > 0");
      }
    } else if (a == "--max-body-bytes") {
      if (!absl::SimpleAtoi(v, &options.http.body_bytes_max)) return bad("takes a number of bytes (0: no limit)");
    } else if (a == "--keep-alive-timeout") {
      if (!ParseSeconds(v, &options.http.keep_alive_timeout)) return bad("takes seconds > 0");
    } else if (a == "--receive-timeout") {
      if (!ParseSeconds(v, &options.http.receive_timeout)) return bad("takes seconds > 0");
    } else if (a == "--send-timeout") {
      if (!ParseSeconds(v, &options.http.send_timeout)) return bad("takes seconds > 0");
    } else {
      std::fprintf(stderr, "tally serve: unknown argument '%s' (see --help)\n", a.c_str());
      return 2;
    }
  }

  if (!users_file.empty()) {
    if (password_given) {
      std::fprintf(stderr,
                   "tally serve: --password and --users together: give the default user's password in the users "
                   "file ([users.default] password_sha256_hex = ...)\n");
      return 2;
    }
    auto users = server::LoadUsersFile(users_file);
    if (!users.ok()) {
      std::fprintf(stderr, "tally serve: %s\n", std::string(users.status().message()).c_str());
      return 1;
    }
    options.queries.users = std::make_shared<const server::Users>(std::move(*users));
  }

  // SIGTERM and SIGINT go to one thread that stops the server; every other thread
  // (connections, merges) inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  engine::DatabaseOptions db_options;
  db_options.background_merges = true;
  // Single-row inserts from many clients: group commit with inline parts, one fsync per
  // group (docs/architecture.md, "Small inserts").
  db_options.inline_parts = true;
  auto db = engine::Database::Open(data_dir, db_options);
  if (!db.ok()) {
    std::fprintf(stderr, "tally serve: cannot open %s: %s\n", data_dir.c_str(),
                 db.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return 1;
  }
  for (const std::string& e : (*db)->recovery().events) std::fprintf(stderr, "recovery: %s\n", e.c_str());
  WarnAboutDetached(**db);
  if (options.queries.users != nullptr) {
    // Row filters parse, and name columns their tables have (tables made later are
    // checked when a query first reads them).
    if (absl::Status s = options.queries.users->CheckRowFilters(**db); !s.ok()) {
      std::fprintf(stderr, "tally serve: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    for (const std::string& w : options.queries.users->Warnings(**db)) {
      std::fprintf(stderr, "tally serve: warning: %s\n", w.c_str());
    }
  }
  server::Server server(db->get(), options);
  if (absl::Status s = server.Listen(); !s.ok()) {
    std::fprintf(stderr, "tally serve: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  if (open_max_given && server.connections_open_max() < options.connections_open_max) {
    std::fprintf(stderr, "tally serve: at most %zu open connections (the descriptor limit, RLIMIT_NOFILE, allows no more)\n",
                 server.connections_open_max());
  }
  std::string host = options.host.find(':') != std::string::npos ? absl::StrCat("[", options.host, "]") : options.host;
  std::printf(
      "tally serve: listening on http://%s:%u (data %s)\n"
      "  curl 'http://%s:%u/?query=SELECT+1'\n"
      "  or any ClickHouse HTTP client at that address; Ctrl-C or SIGTERM stops the server.\n",
      host.c_str(), server.port(), data_dir.c_str(), host.c_str(), server.port());
  std::fflush(stdout);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "tally serve: %s received, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.Stop();
  });
  absl::Status s = server.Serve();
  // Serve returned: by a signal, or by a failure (then wake the waiter ourselves).
  if (!s.ok()) std::fprintf(stderr, "tally serve: %s\n", std::string(s.message()).c_str());
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  // Inline parts are durable in the manifest already; writing them out leaves a data
  // directory whose manifest holds no rows.
  if (absl::Status flushed = (*db)->FlushInlineParts(); !flushed.ok()) {
    std::fprintf(stderr, "tally serve: flushing inline parts: %s (they stay in the manifest, nothing is lost)\n",
                 std::string(flushed.message()).c_str());
  }
  db->reset();  // stops merges, syncs
  std::fprintf(stderr, "tally serve: stopped\n");
  return s.ok() ? 0 : 1;
}

}  // namespace tally::tools
