// CheckedSort: a stable sort that stops when the query must. std::sort over 100 million
// rows runs for seconds with no way to break in; this merge sort sorts short runs, then
// merges them pairwise with its own loop, calling `check` about every kRowsPerCheck
// elements. It is as fast as std::stable_sort within a few per cent (both are merge sorts).
//
// Pure functions; thread-safe as long as `less` and `check` are.
#ifndef TALLY_ENGINE_EXEC_CHECKED_SORT_H_
#define TALLY_ENGINE_EXEC_CHECKED_SORT_H_

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "engine/exec/query_limits.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

using SortCheck = std::function<absl::Status()>;

// Sorts *v by `less` (a strict weak order), keeping equal elements in their order. On an
// error from `check` the contents of *v are unspecified: discard them.
template <typename T, typename Less>
absl::Status CheckedSort(std::vector<T>* v, Less less, const SortCheck& check) {
  constexpr size_t kRun = 2048;  // elements std::stable_sort takes at a time (fits in L1/L2)
  const size_t n = v->size();
  size_t since_check = 0;
  auto tick = [&](size_t done) -> absl::Status {
    since_check += done;
    if (since_check < kRowsPerCheck || !check) return absl::OkStatus();
    since_check = 0;
    return check();
  };
  for (size_t lo = 0; lo < n; lo += kRun) {
    const size_t hi = std::min(n, lo + kRun);
    std::stable_sort(v->begin() + lo, v->begin() + hi, less);
    TALLY_RETURN_IF_ERROR(tick(hi - lo));
  }
  if (n <= kRun) return absl::OkStatus();
  std::vector<T> buffer(n);
  std::vector<T>* from = v;
  std::vector<T>* to = &buffer;
  for (size_t width = kRun; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      const size_t mid = std::min(n, lo + width), hi = std::min(n, lo + 2 * width);
      size_t a = lo, b = mid, out = lo;
      while (a < mid && b < hi) {
        // Take from the right only when strictly less: equal elements keep their order.
        const size_t stop = std::min(out + kRowsPerCheck, hi);
        while (out < stop && a < mid && b < hi) {
          (*to)[out++] = less((*from)[b], (*from)[a]) ? std::move((*from)[b++]) : std::move((*from)[a++]);
        }
        TALLY_RETURN_IF_ERROR(tick(kRowsPerCheck));
      }
      auto rest = std::move(from->begin() + a, from->begin() + mid, to->begin() + out);
      std::move(from->begin() + b, from->begin() + hi, rest);
    }
    std::swap(from, to);
  }
  if (from != v) *v = std::move(*from);
  return absl::OkStatus();
}

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_CHECKED_SORT_H_
