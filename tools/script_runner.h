// How `tally local` reads stdin: as the data of INSERT ... FORMAT (FileInputStream), or as
// a script of SQL and dot-commands, line by line (RunScript), piped or typed at a terminal.
//
// A script's SQL gathers until its last token is a ';' outside strings and comments; a
// line that starts with '.' where a statement would start is a dot-command. In a piped
// script the lines after an INSERT ... FORMAT statement are its data, to the end of the
// input (as when the script is one query text: sql::ParseStatements).
//
// Not thread-safe: one reader of stdin per process.
#ifndef TALLY_TOOLS_SCRIPT_RUNNER_H_
#define TALLY_TOOLS_SCRIPT_RUNNER_H_

#include <cstdio>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/query/insert_stream.h"

namespace tally::tools {

// A file (stdin), or nothing for a null file, as an InputStream.
class FileInputStream : public engine::sql::InputStream {
 public:
  explicit FileInputStream(std::FILE* file) : file_(file) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

 private:
  std::FILE* file_;
};

// Runs one piece of a script: a dot-command line, or SQL text with the input its INSERT
// ... FORMAT reads. False when it failed (it has reported why).
using RunPiece = std::function<bool(absl::string_view text, engine::sql::InputStream* input)>;

// Runs the script on stdin and returns the exit code. Piped (`interactive` false), the
// first error stops it with 1, as in clickhouse-local. Interactive, it prompts, carries on
// after errors, takes INSERT data only up to a ';', and ends at .quit or end of input.
int RunScript(bool interactive, const RunPiece& run);

}  // namespace tally::tools

#endif  // TALLY_TOOLS_SCRIPT_RUNNER_H_
