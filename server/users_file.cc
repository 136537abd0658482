#include "server/users_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

// toml++ as Debian builds it (a shared library with exceptions on): its parse errors are
// caught here, at the boundary, and become a Status; nothing else it does throws.
#include <toml++/toml.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tally::server {

namespace {

constexpr const char* kUserKeys[] = {"password_sha256_hex", "no_password", "disabled", "readonly", "row_filters"};

// Errors name the file, the line and the key: "users.toml:7: users.dash.readonly: ...".
class FileErrors {
 public:
  explicit FileErrors(const std::string& path) : path_(path) {}
  absl::Status At(const toml::source_region& where, absl::string_view key, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", where.begin.line, ": ", key, ": ", what));
  }

 private:
  const std::string& path_;
};

std::string TypeName(const toml::node& n) {
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  if (n.is_string()) return "a string";
  if (n.is_integer()) return "an integer";
  if (n.is_floating_point()) return "a float";
  if (n.is_boolean()) return "a boolean";
  return "a date or time";
}

// Names a user may have: what Basic auth and the X-ClickHouse-User header carry unchanged.
bool ValidUserName(absl::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != '@') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<bool> Boolean(const FileErrors& errors, const std::string& key, const toml::node& value) {
  if (const auto* b = value.as_boolean()) return b->get();
  return errors.At(value.source(), key, absl::StrCat("takes true or false, not ", TypeName(value)));
}

absl::Status ParseRowFilters(const FileErrors& errors, const std::string& prefix, const toml::node& value,
                             User* user) {
  const toml::table* filters = value.as_table();
  if (filters == nullptr) {
    return errors.At(value.source(), prefix,
                     absl::StrCat("is a table of \"database.table\" = \"condition\", not ", TypeName(value)));
  }
  for (auto&& [k, v] : *filters) {
    const std::string table(k.str());
    const std::string key = absl::StrCat(prefix, ".\"", table, "\"");
    const auto* condition = v.as_string();
    if (condition == nullptr) {
      return errors.At(k.source(), key, absl::StrCat("a row filter is a condition in a string, not ", TypeName(v)));
    }
    if (absl::StripAsciiWhitespace(condition->get()).empty()) {
      return errors.At(k.source(), key, "the row filter is empty");
    }
    user->row_filters.push_back(UserRowFilter{table, condition->get(), static_cast<int>(k.source().begin.line)});
  }
  return absl::OkStatus();
}

absl::StatusOr<User> ParseUser(const FileErrors& errors, const toml::key& name, const toml::node& node) {
  User user;
  user.name = std::string(name.str());
  const std::string prefix = absl::StrCat("users.", user.name);
  if (!ValidUserName(user.name)) {
    return errors.At(name.source(), prefix,
                     "a user name is 1 to 128 letters, digits and '_', '-', '.', '@'");
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return errors.At(node.source(), prefix, absl::StrCat("is a table of the user's keys, not ", TypeName(node)));
  }
  bool has_hash = false, no_password = false;
  for (auto&& [k, v] : *table) {
    const std::string key(k.str());
    const std::string path = absl::StrCat(prefix, ".", key);
    if (key == "password_sha256_hex") {
      const auto* hex = v.as_string();
      if (hex == nullptr) return errors.At(k.source(), path, absl::StrCat("takes a string, not ", TypeName(v)));
      auto digest = DigestFromHex(hex->get());
      if (!digest.ok()) return errors.At(k.source(), path, digest.status().message());
      user.password_sha256 = *digest;
      has_hash = true;
    } else if (key == "no_password") {
      auto b = Boolean(errors, path, v);
      if (!b.ok()) return b.status();
      no_password = *b;
      if (!no_password) {
        return errors.At(k.source(), path, "no_password = false says nothing: give password_sha256_hex instead");
      }
    } else if (key == "disabled") {
      auto b = Boolean(errors, path, v);
      if (!b.ok()) return b.status();
      user.disabled = *b;
    } else if (key == "readonly") {
      if (const auto* b = v.as_boolean()) {
        user.readonly = b->get() ? 1 : 0;
      } else if (const auto* i = v.as_integer(); i != nullptr && i->get() >= 0 && i->get() <= 2) {
        user.readonly = static_cast<int>(i->get());
      } else {
        return errors.At(k.source(), path, "takes 0, 1 or 2 (ClickHouse's readonly levels), or true (1) / false (0)");
      }
    } else if (key == "row_filters") {
      absl::Status s = ParseRowFilters(errors, path, v, &user);
      if (!s.ok()) return s;
    } else if (key == "password") {
      return errors.At(k.source(), path,
                       "plain-text passwords are not accepted: give password_sha256_hex, the output of "
                       "printf %s 'PASSWORD' | sha256sum");
    } else {
      return errors.At(k.source(), path,
                       absl::StrCat("unknown key (a user's keys are ", absl::StrJoin(kUserKeys, ", "), ")"));
    }
  }
  if (has_hash && no_password) {
    return errors.At(name.source(), prefix, "has both password_sha256_hex and no_password = true: give one");
  }
  // A disabled user may keep its password or have none: it cannot log in either way.
  if (!has_hash && !no_password && !user.disabled) {
    return errors.At(name.source(), prefix,
                     "has no password: give password_sha256_hex, or no_password = true for a user without one");
  }
  user.no_password = no_password;
  return user;
}

}  // namespace

absl::StatusOr<Users> ParseUsersFile(absl::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(std::string_view(text.data(), text.size()), std::string_view(path));
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ":", e.source().begin.line, ":", e.source().begin.column,
                                                   ": not valid TOML: ", std::string(e.description())));
  }
  const FileErrors errors(path);
  std::vector<User> users;
  for (auto&& [k, v] : root) {
    if (k.str() != "users") {
      return errors.At(k.source(), std::string(k.str()),
                       "unknown key (the file holds one table, [users.<name>] per user)");
    }
    const toml::table* list = v.as_table();
    if (list == nullptr) {
      return errors.At(k.source(), "users", absl::StrCat("is a table of users, not ", TypeName(v)));
    }
    for (auto&& [name, node] : *list) {
      absl::StatusOr<User> user = ParseUser(errors, name, node);
      if (!user.ok()) return user.status();
      users.push_back(std::move(*user));
    }
  }
  if (users.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": lists no user ([users.<name>] tables), so nobody could log in"));
  }
  return Users::Of(std::move(users), path);
}

absl::StatusOr<Users> LoadUsersFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the users file ", path, ": ", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read the users file ", path));
  return ParseUsersFile(text.str(), path);
}

}  // namespace tally::server
