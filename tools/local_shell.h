// `tally local`: an in-process shell on a data directory, like clickhouse-local.
//
// Until the SQL layer lands it understands dot-commands (.tables, .schema, .parts,
// .check, .head, .demo, .recovery); anything else is refused with a clear error rather
// than ignored. Not thread-safe: one shell per process.
#ifndef TALLY_TOOLS_LOCAL_SHELL_H_
#define TALLY_TOOLS_LOCAL_SHELL_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "engine/database.h"

namespace tally::tools {

class LocalShell {
 public:
  LocalShell(engine::Database* db, std::FILE* out) : db_(db), out_(out) {}

  // Runs one command line; output goes to `out`, errors come back as the status.
  absl::Status Execute(absl::string_view line);

 private:
  absl::Status Tables();
  absl::Status Schema(const std::string& table);
  absl::Status Parts(const std::string& table);
  absl::Status Check(const std::string& table);
  absl::Status Head(const std::string& table, uint64_t limit);
  absl::Status Demo(const std::string& table, uint64_t rows);
  absl::Status Recovery();
  void Print(absl::string_view text);

  engine::Database* db_;
  std::FILE* out_;
};

// The DDL that recreates `schema`, in ClickHouse's dialect.
std::string CreateTableStatement(const std::string& name, const format::TableSchema& schema);

// Entry point of `tally local ARGS`; returns the process exit code.
int RunLocal(int argc, char** argv);

}  // namespace tally::tools

#endif  // TALLY_TOOLS_LOCAL_SHELL_H_
