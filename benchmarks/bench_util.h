// Helpers shared by the micro-benchmarks.
#ifndef TALLY_BENCHMARKS_BENCH_UTIL_H_
#define TALLY_BENCHMARKS_BENCH_UTIL_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"

namespace tally::bench {

// A benchmark's set-up cannot fail quietly: print what failed and stop.
inline void CheckOk(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

}  // namespace tally::bench

#endif  // TALLY_BENCHMARKS_BENCH_UTIL_H_
