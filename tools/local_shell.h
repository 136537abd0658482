// `tally local`: an in-process SQL shell on a data directory, like clickhouse-local.
//
// SQL statements run through engine::sql::Session; dot-commands (.tables, .parts,
// .check, .demo, .recovery, ...) cover what SQL does not (yet). Not thread-safe: one
// shell per process.
#ifndef TALLY_TOOLS_LOCAL_SHELL_H_
#define TALLY_TOOLS_LOCAL_SHELL_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "engine/database.h"
#include "engine/query/session.h"
#include "tools/progress_line.h"

namespace tally::tools {

class LocalShell {
 public:
  LocalShell(engine::Database* db, std::FILE* out) : db_(db), out_(out), session_(db) {}

  // Runs a dot-command line, or SQL (several statements separated by ';'); output goes to
  // `out`, errors come back as the status. `input` feeds INSERT ... FORMAT without
  // inline data.
  absl::Status Execute(absl::string_view text, absl::string_view input = "");
  // INSERT ... FORMAT data read from `input` as needed (stdin).
  absl::Status Execute(absl::string_view text, engine::sql::InputStream* input);
  engine::sql::Session& session() { return session_; }
  // Shows a live progress line on `fd` (a terminal) for SQL statements that run long
  // (tools/progress_line.h).
  void ShowProgress(int fd) { progress_line_ = std::make_unique<ProgressLine>(&session_.progress(), fd); }

 private:
  absl::Status Tables();
  absl::Status Schema(const std::string& table);
  absl::Status Parts(const std::string& table);
  absl::Status Check(const std::string& table);
  absl::Status Head(const std::string& table, uint64_t limit);
  absl::Status Demo(const std::string& table, uint64_t rows, uint64_t seed);
  absl::Status Recovery();
  void Print(absl::string_view text);

  absl::Status DotCommand(absl::string_view line);

  engine::Database* db_;
  std::FILE* out_;
  engine::sql::Session session_;
  std::unique_ptr<ProgressLine> progress_line_;  // null: none
};

// Entry point of `tally local ARGS`; returns the process exit code.
int RunLocal(int argc, char** argv);
// Prints to stderr the parts recovery set aside (not the ones detached on purpose).
void WarnAboutDetached(const engine::Database& db);

}  // namespace tally::tools

#endif  // TALLY_TOOLS_LOCAL_SHELL_H_
