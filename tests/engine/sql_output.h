// What a Session prints for a script: the tests' way to run SQL and compare its
// TabSeparated output.
//
// Not synchronized; one call per Session at a time.
#ifndef TALLY_TESTS_ENGINE_SQL_OUTPUT_H_
#define TALLY_TESTS_ENGINE_SQL_OUTPUT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/query/session.h"

namespace tally::testing_sql {

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
