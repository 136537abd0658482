// The users file of `tally serve --users FILE`: TOML (parsed by toml++), one table per
// user, in the spirit of ClickHouse's users.xml (docs/server.md has the reference):
//
//   [users.default]
//   disabled = true
//
//   [users.dash_ws42]
//   password_sha256_hex = "…"      # printf %s 'PASSWORD' | sha256sum
//   readonly = 2                    # 0 (default), 1 or 2 as ClickHouse's; true = 1
//   [users.dash_ws42.row_filters]
//   "default.events" = "tenant = 'ws_42'"
//
// Keys of a user: password_sha256_hex or no_password = true (one of them, always),
// disabled, readonly, row_filters. Anything else, a value of the wrong type, bad hex, a
// malformed name, or a file that lists no user is an error naming the file, the line and
// the key. Row filters are parsed and checked against the tables later, once the database
// is open (Users::CheckRowFilters).
//
// Pure functions; thread-safe.
#ifndef TALLY_SERVER_USERS_FILE_H_
#define TALLY_SERVER_USERS_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/users.h"

namespace tally::server {

// The users of `toml` (the file's text); `path` names it in errors.
absl::StatusOr<Users> ParseUsersFile(absl::string_view toml, const std::string& path);
// Reads the file at `path` and parses it (NotFound etc. when it cannot be read).
absl::StatusOr<Users> LoadUsersFile(const std::string& path);

}  // namespace tally::server

#endif  // TALLY_SERVER_USERS_FILE_H_
