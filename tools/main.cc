// tally: one binary, several subcommands.
#include <cstdio>
#include <cstring>

#include "tools/local_shell.h"

namespace {

constexpr char kUsage[] =
    "usage: tally <command> [options]\n"
    "  local [--data DIR] [--query COMMANDS]   an in-process shell on a data directory\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "local") == 0) return tally::tools::RunLocal(argc - 2, argv + 2);
  std::fprintf(stderr, "tally: unknown command '%s'\n%s", argv[1], kUsage);
  return 2;
}
