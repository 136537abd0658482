#include "server/users.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/query/session.h"

namespace tally::server {

Sha256Digest Sha256(absl::string_view data) {
  Sha256Digest out{};
  unsigned int length = 0;
  // EVP_Digest fails only when the library cannot allocate; the all-zero digest it leaves
  // then matches no password's (a collision with it is not a practical concern).
  // Fetched once: an implicit fetch on every digest takes the library's global locks,
  // which every request (authenticated or not) would pay.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (sha256 == nullptr || EVP_Digest(data.data(), data.size(), out.data(), &length, sha256, nullptr) != 1 ||
      length != out.size()) {
    out.fill(0);
  }
  return out;
}

std::string DigestToHex(const Sha256Digest& digest) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

absl::StatusOr<Sha256Digest> DigestFromHex(absl::string_view hex) {
  if (hex.size() != 64) {
    return absl::InvalidArgumentError(absl::StrCat("a SHA-256 is 64 hex digits, this has ", hex.size()));
  }
  for (size_t i = 0; i < hex.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(hex[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("a SHA-256 is 64 hex digits, character ", i + 1, " is '", hex.substr(i, 1), "'"));
    }
  }
  const std::string bytes = absl::HexStringToBytes(hex);
  Sha256Digest out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Users Users::DefaultOnly(const std::string& password) {
  User user;
  user.name = "default";
  user.no_password = password.empty();
  if (!password.empty()) user.password_sha256 = Sha256(password);
  std::vector<User> users;
  users.push_back(std::move(user));
  return Of(std::move(users), "--password");
}

Users Users::Of(std::vector<User> users, std::string source) {
  Users out;
  out.source_ = std::move(source);
  for (User& u : users) {
    std::string name = u.name;
    out.users_.emplace(std::move(name), std::move(u));
  }
  return out;
}

const User* Users::Find(const std::string& name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : &it->second;
}

const User* Users::Authenticate(const std::string& name, const std::string& password) const {
  // Every path hashes the password and compares 32 bytes, so that timing does not tell a
  // wrong password from an unknown or disabled user.
  static const Sha256Digest kNoUser = Sha256("no such user");
  const User* user = Find(name);
  const Sha256Digest given = Sha256(password);
  const Sha256Digest& expected = user != nullptr && !user->no_password ? user->password_sha256 : kNoUser;
  const bool digest_matches = CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
  if (user == nullptr || user->disabled) return nullptr;
  const bool ok = user->no_password ? password.empty() : digest_matches;
  return ok ? user : nullptr;
}

absl::Status Users::CheckRowFilters(const engine::Database& db) const {
  for (const auto& [name, user] : users_) {
    for (const UserRowFilter& f : user.row_filters) {
      absl::Status s = engine::sql::Session::CheckRowFilter(db, f.table, f.condition, name);
      if (!s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(source_, f.line > 0 ? absl::StrCat(":", f.line) : "",
                                                       ": users.", name, ".row_filters.\"", f.table, "\": ",
                                                       s.message()));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> Users::Warnings(const engine::Database& db) const {
  std::vector<std::string> out;
  // The Database's name of a table a filter names ("default.t" -> "t").
  auto database_name = [](const std::string& table) {
    auto [database, name] = engine::SplitTableName(table);
    return database == "default" ? name : absl::StrCat(database, ".", name);
  };
  auto full_name = [](const std::string& table) {
    auto [database, name] = engine::SplitTableName(table);
    return absl::StrCat(database, ".", name);
  };
  const std::vector<engine::ViewInfo> views = db.ListViews();
  for (const auto& [name, user] : users_) {
    if (user.row_filters.empty() || user.disabled) continue;
    if (user.readonly == 0) {
      out.push_back(absl::StrCat("user '", name, "' has row filters but may write: filters restrict what it reads, "
                                 "not what it can copy past them (a materialized view sees every inserted row); "
                                 "give it readonly = 1 or 2"));
    }
    std::vector<std::string> filtered;
    for (const UserRowFilter& f : user.row_filters) filtered.push_back(database_name(f.table));
    auto has_filter = [&](const std::string& table) {
      return std::find(filtered.begin(), filtered.end(), table) != filtered.end();
    };
    for (const engine::ViewInfo& v : views) {
      if (!has_filter(v.def.source) || has_filter(v.name) || has_filter(v.def.target)) continue;
      out.push_back(absl::StrCat("user '", name, "' has a row filter on ", full_name(v.def.source),
                                 " but none on materialized view ", full_name(v.name), ", which reads it: ", name,
                                 " sees all of the view's rows"));
    }
  }
  return out;
}

}  // namespace tally::server
