// The users file (server/users_file.h) and authentication (server/users.h): every key,
// each kind of mistake with its file, line and key, SHA-256 digests against known values,
// and one answer for an unknown user, a disabled one and a wrong password.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/users.h"
#include "server/users_file.h"
#include "tests/test_util.h"

namespace tally::server {
namespace {

// SHA-256 of "pw" and of "" (FIPS 180-2 test vector for the empty message).
constexpr char kPwSha256[] = "30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string ErrorOf(const std::string& toml) {
  absl::StatusOr<Users> users = ParseUsersFile(toml, "users.toml");
  return users.ok() ? "ok" : std::string(users.status().message());
}

TEST(UsersFileTest, DigestsAreSha256) {
  EXPECT_EQ(DigestToHex(Sha256("")), kEmptySha256);
  EXPECT_EQ(DigestToHex(Sha256("pw")), kPwSha256);
  ASSERT_OK_AND_ASSIGN(Sha256Digest d, DigestFromHex(absl::AsciiStrToUpper(kPwSha256)));
  EXPECT_EQ(d, Sha256("pw"));
  EXPECT_FALSE(DigestFromHex("abc").ok());
  EXPECT_FALSE(DigestFromHex(std::string(63, 'a') + "x").ok());
}

TEST(UsersFileTest, ReadsEveryKey) {
  ASSERT_OK_AND_ASSIGN(Users users, ParseUsersFile(absl::StrCat(R"([users.default]
disabled = true

[users.dash_ws42]
password_sha256_hex = ")", kPwSha256, R"("
readonly = 2
[users.dash_ws42.row_filters]
"default.events" = "tenant = 'ws_42'"
"daily" = "tenant = 'ws_42'"

[users.ro]
no_password = true
readonly = true
)"),
                                                    "users.toml"));
  EXPECT_EQ(users.size(), 3u);
  const User* dash = users.Find("dash_ws42");
  ASSERT_NE(dash, nullptr);
  EXPECT_EQ(dash->readonly, 2);
  ASSERT_EQ(dash->row_filters.size(), 2u);  // in toml++'s order: by name
  EXPECT_EQ(dash->row_filters[0].table, "daily");
  EXPECT_EQ(dash->row_filters[0].line, 9);
  EXPECT_EQ(dash->row_filters[1].table, "default.events");
  EXPECT_EQ(dash->row_filters[1].condition, "tenant = 'ws_42'");
  EXPECT_EQ(dash->row_filters[1].line, 8);
  EXPECT_EQ(users.Find("ro")->readonly, 1);
  EXPECT_TRUE(users.Find("default")->disabled);

  EXPECT_EQ(users.Authenticate("dash_ws42", "pw"), dash);
  EXPECT_EQ(users.Authenticate("dash_ws42", "pW"), nullptr);
  EXPECT_EQ(users.Authenticate("dash_ws42", ""), nullptr);
  EXPECT_EQ(users.Authenticate("default", ""), nullptr);  // disabled
  EXPECT_EQ(users.Authenticate("nobody", "pw"), nullptr);
  EXPECT_NE(users.Authenticate("ro", ""), nullptr);
  EXPECT_EQ(users.Authenticate("ro", "pw"), nullptr);  // no password means an empty one
}

// The example in docs/server.md parses, and means what the text says.
TEST(UsersFileTest, TheDocumentedExampleParses) {
  std::ifstream in(std::string(TALLY_TEST_DATA_DIR) + "/../../docs/server.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t begin = doc.find("```toml\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```\n", begin + 8);
  ASSERT_NE(end, std::string::npos);
  ASSERT_OK_AND_ASSIGN(Users users, ParseUsersFile(doc.substr(begin + 8, end - begin - 8), "docs/server.md"));
  EXPECT_EQ(users.size(), 4u);
  EXPECT_EQ(users.Authenticate("default", ""), nullptr);
  EXPECT_NE(users.Authenticate("admin", "admin-pw"), nullptr);
  const User* dash = users.Authenticate("dash_ws42", "dash-pw");
  ASSERT_NE(dash, nullptr);
  EXPECT_EQ(dash->readonly, 2);
  EXPECT_EQ(dash->row_filters.size(), 2u);
  const User* probe = users.Authenticate("probe", "");
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->readonly, 1);
}

TEST(UsersFileTest, WithoutAFileOnlyDefault) {
  Users open = Users::DefaultOnly("");
  EXPECT_NE(open.Authenticate("default", ""), nullptr);
  EXPECT_EQ(open.Authenticate("default", "x"), nullptr);
  EXPECT_EQ(open.Authenticate("other", ""), nullptr);
  Users closed = Users::DefaultOnly("secret");
  EXPECT_NE(closed.Authenticate("default", "secret"), nullptr);
  EXPECT_EQ(closed.Authenticate("default", ""), nullptr);
}

TEST(UsersFileTest, MistakesNameFileLineAndKey) {
  const std::string hash = absl::StrCat("password_sha256_hex = \"", kPwSha256, "\"\n");
  EXPECT_EQ(ErrorOf("[users.a]\n" + hash + "passwrd = 1\n"),
            "users.toml:3: users.a.passwrd: unknown key (a user's keys are password_sha256_hex, no_password, "
            "disabled, readonly, row_filters)");
  EXPECT_EQ(ErrorOf("[users.a]\npassword_sha256_hex = 12\n"),
            "users.toml:2: users.a.password_sha256_hex: takes a string, not an integer");
  EXPECT_EQ(ErrorOf("[users.a]\npassword_sha256_hex = \"00\"\n"),
            "users.toml:2: users.a.password_sha256_hex: a SHA-256 is 64 hex digits, this has 2");
  EXPECT_EQ(ErrorOf("[users.a]\n" + hash + "no_password = true\n"),
            "users.toml:1: users.a: has both password_sha256_hex and no_password = true: give one");
  EXPECT_EQ(ErrorOf("[users.a]\nno_password = false\n"),
            "users.toml:2: users.a.no_password: no_password = false says nothing: give password_sha256_hex instead");
  EXPECT_EQ(ErrorOf("[users.a]\nreadonly = 1\n"),
            "users.toml:1: users.a: has no password: give password_sha256_hex, or no_password = true for a user "
            "without one");
  EXPECT_EQ(ErrorOf("[users.a]\nno_password = true\nreadonly = -1\n"),
            "users.toml:3: users.a.readonly: takes 0, 1 or 2 (ClickHouse's readonly levels), or true (1) / false (0)");
  EXPECT_EQ(ErrorOf("[users.a]\nno_password = true\nrow_filters = 1\n"),
            "users.toml:3: users.a.row_filters: is a table of \"database.table\" = \"condition\", not an integer");
  EXPECT_EQ(ErrorOf("[users.a]\nno_password = true\n[users.a.row_filters]\nt = 1\n"),
            "users.toml:4: users.a.row_filters.\"t\": a row filter is a condition in a string, not an integer");
  EXPECT_EQ(ErrorOf("[users.a]\nno_password = true\n[users.a.row_filters]\nt = \" \"\n"),
            "users.toml:4: users.a.row_filters.\"t\": the row filter is empty");
  EXPECT_EQ(ErrorOf("users = 1\n"), "users.toml:1: users: is a table of users, not an integer");
  EXPECT_EQ(ErrorOf("[users]\na = 1\n"), "users.toml:2: users.a: is a table of the user's keys, not an integer");
  EXPECT_EQ(ErrorOf(""), "users.toml: lists no user ([users.<name>] tables), so nobody could log in");
  const std::string bad_toml = ErrorOf("[users.a]\nno_password = tru\n");
  EXPECT_TRUE(absl::StartsWith(bad_toml, "users.toml:2:")) << bad_toml;
  EXPECT_TRUE(absl::StrContains(bad_toml, "not valid TOML")) << bad_toml;
  EXPECT_TRUE(absl::StrContains(ErrorOf("[users.a]\nno_password = true\n[users.a]\n"), "not valid TOML"));
  // A disabled user needs no password.
  EXPECT_EQ(ErrorOf("[users.default]\ndisabled = true\n"), "ok");
}

}  // namespace
}  // namespace tally::server
