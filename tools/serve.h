// `tally serve`: the ClickHouse-compatible HTTP server on a data directory.
#ifndef TALLY_TOOLS_SERVE_H_
#define TALLY_TOOLS_SERVE_H_

namespace tally::tools {

// argv holds the arguments after "serve"; returns the process's exit code.
int RunServe(int argc, char** argv);

}  // namespace tally::tools

#endif  // TALLY_TOOLS_SERVE_H_
