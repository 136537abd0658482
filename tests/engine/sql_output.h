// What a Session prints for a script: the tests' way to run SQL and compare its
// TabSeparated output; SessionTest, a fixture with a database and a session.
//
// Not synchronized; one call per Session at a time.
#ifndef TALLY_TESTS_ENGINE_SQL_OUTPUT_H_
#define TALLY_TESTS_ENGINE_SQL_OUTPUT_H_

#include <string>

#include <gtest/gtest.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/database.h"
#include "engine/mem_env.h"
#include "engine/query/session.h"
#include "tests/test_util.h"

namespace tally::testing_sql {

// A fixture with an in-memory database and a Session on it, opened before each test.
class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = engine::Database::Open("db", {.env = &env_});
    ASSERT_OK(db);
    db_ = std::move(*db);
    session_ = std::make_unique<engine::sql::Session>(db_.get());
  }

  engine::MemEnv env_;
  std::unique_ptr<engine::Database> db_;
  std::unique_ptr<engine::sql::Session> session_;
};

// The statements' output, or the first error.
inline absl::StatusOr<std::string> Output(engine::sql::Session& session, const std::string& sql) {
  std::string out;
  absl::Status s = session.Execute(sql, "", [&](absl::string_view chunk) { absl::StrAppend(&out, chunk); });
  if (!s.ok()) return s;
  return out;
}

// The statements' output, or "error: <message>".
inline std::string OutputOrError(engine::sql::Session& session, const std::string& sql) {
  absl::StatusOr<std::string> out = Output(session, sql);
  return out.ok() ? *out : absl::StrCat("error: ", out.status().message());
}

}  // namespace tally::testing_sql

#endif  // TALLY_TESTS_ENGINE_SQL_OUTPUT_H_
