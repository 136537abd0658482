// tally: one binary, several subcommands.
#include <malloc.h>

#include <cstdio>
#include <cstring>

#include "tools/local_shell.h"
#include "tools/repair.h"
#include "tools/serve.h"

namespace {

constexpr char kUsage[] =
    "usage: tally <command> [options]\n"
    "  local [--data DIR] [--query COMMANDS]   an in-process shell on a data directory\n"
    "  serve [--data DIR] [--listen HOST:PORT] ClickHouse's HTTP interface (default 127.0.0.1:8123)\n"
    "  repair --data DIR                       set aside what a plain open refuses to guess about\n";

}  // namespace

// Column blocks of a few MiB are allocated and freed for every chunk a query reads. glibc
// would serve each from fresh mmap'ed pages (zeroed by the kernel: 8 % of a scan's time)
// and hand freed heap tops back to the system; keep them for reuse instead. Memory held
// between queries stays below the trim threshold.
void TuneAllocator() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

int main(int argc, char** argv) {
  TuneAllocator();
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "local") == 0) return tally::tools::RunLocal(argc - 2, argv + 2);
  if (std::strcmp(argv[1], "serve") == 0) return tally::tools::RunServe(argc - 2, argv + 2);
  if (std::strcmp(argv[1], "repair") == 0) return tally::tools::RunRepair(argc - 2, argv + 2);
  std::fprintf(stderr, "tally: unknown command '%s'\n%s", argv[1], kUsage);
  return 2;
}
