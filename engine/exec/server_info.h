// What a tally process says about itself to ClickHouse clients: version(), the server's
// time zone, uptime() and hostName(). Clients parse the version to decide which features
// to use, so it has ClickHouse's shape (docs/sql.md "Server functions" says why this one).
//
// Thread-safe: constants, and reads of the process clock.
#ifndef TALLY_ENGINE_EXEC_SERVER_INFO_H_
#define TALLY_ENGINE_EXEC_SERVER_INFO_H_

#include <cstdint>
#include <string>

namespace tally::engine::exec {

// version(): YEAR.MONTH of the ClickHouse release whose client-visible behaviour tally
// claims (24.8, a long-term-support release), then tally's own release and build. Four
// plain numbers, so every client's parser takes it (clickhouse-connect keeps the numeric
// parts, Grafana's plugin reads three, JDBC drivers match \d+\.\d+).
inline constexpr char kServerVersion[] = "24.8.1.1";
// The zone of the server: timezone() without session_timezone, serverTimezone(). tally
// reads no system zone: times without a zone of their own are UTC unless a session says.
inline constexpr char kServerTimezone[] = "UTC";
// currentUser() when the caller names none (the HTTP server sets the authenticated one).
inline constexpr char kDefaultUser[] = "default";

// Whole seconds since this process started (static initialization of the engine).
uint32_t UptimeSeconds();
// The machine's host name (gethostname), "" if it has none.
std::string HostName();

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_SERVER_INFO_H_
