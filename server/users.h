// Users: who may query the server, with which password, at which readonly level and
// with which row filters. Without a users file there is one user, `default`, with the
// --password (or none); with one (server/users_file.h), exactly the users it lists.
//
// Passwords are kept and compared as SHA-256 digests (OpenSSL's libcrypto), in constant
// time, and a name that is unknown or disabled costs the same digest and comparison as a
// wrong password: the answer and its timing do not tell which of the three it was.
//
// Immutable once built; thread-safe.
#ifndef TALLY_SERVER_USERS_H_
#define TALLY_SERVER_USERS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/database.h"

namespace tally::server {

using Sha256Digest = std::array<uint8_t, 32>;

struct UserRowFilter {
  std::string table;      // as the file names it: "default.events", "events"
  std::string condition;  // "tenant = 'ws_42'"
  int line = 0;           // where the file gives it (0: not from a file)
};

struct User {
  std::string name;
  bool disabled = false;
  // No password: only an empty one is accepted. Otherwise the password's SHA-256.
  bool no_password = true;
  Sha256Digest password_sha256{};
  // ClickHouse's readonly: 0 writes, 1 reads only and changes no setting, 2 reads only and
  // may change settings (but not readonly).
  int readonly = 0;
  std::vector<UserRowFilter> row_filters;
};

class Users {
 public:
  // The server without a users file: `default`, needing `password` ("" = none).
  static Users DefaultOnly(const std::string& password);
  // The given users (names must differ). `source` names where they came from in errors
  // ("users.toml").
  static Users Of(std::vector<User> users, std::string source);

  // The user `name` when it exists, is not disabled, and `password` is its password;
  // nullptr otherwise.
  const User* Authenticate(const std::string& name, const std::string& password) const;
  // nullptr when there is no such user.
  const User* Find(const std::string& name) const;
  size_t size() const { return users_.size(); }

  // Checks every user's row filters against `db` as it is (Session::CheckRowFilter): each
  // parses, and names only columns of its table when the table exists. The error names the
  // source, line, user, table and column.
  absl::Status CheckRowFilters(const engine::Database& db) const;
  // What an operator should know (printed at start): a user with row filters who may
  // write, and a materialized view reading a filtered table that has no filter of its own
  // for that user (the view's rows are every tenant's).
  std::vector<std::string> Warnings(const engine::Database& db) const;

 private:
  std::map<std::string, User> users_;
  std::string source_;
};

// The SHA-256 of `data`.
Sha256Digest Sha256(absl::string_view data);
// Lower-case hex of a digest, and back (InvalidArgument unless 64 hex digits).
std::string DigestToHex(const Sha256Digest& digest);
absl::StatusOr<Sha256Digest> DigestFromHex(absl::string_view hex);

}  // namespace tally::server

#endif  // TALLY_SERVER_USERS_H_
