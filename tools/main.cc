// tally: one binary, several subcommands.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: tally local --data DIR\n");
    return 2;
  }
  std::fprintf(stderr, "tally: unknown subcommand '%s'\n", argv[1]);
  return 2;
}
