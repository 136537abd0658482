// FindBytes: memmem over string_views. An empty string_view may carry no data pointer,
// and memmem's arguments must never be null, so the empty cases are answered here.
//
// Pure; thread-safe.
#ifndef TALLY_ENGINE_EXEC_FIND_BYTES_H_
#define TALLY_ENGINE_EXEC_FIND_BYTES_H_

#include <string.h>

#include "absl/strings/string_view.h"

namespace tally::engine::exec {

// The first position at or after `from` where `needle` occurs in `hay`, or npos.
// REQUIRES: from <= hay.size().
inline size_t FindBytes(absl::string_view hay, size_t from, absl::string_view needle) {
  if (needle.empty()) return from;
  if (hay.size() - from < needle.size()) return absl::string_view::npos;
  const void* hit = memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return hit == nullptr ? absl::string_view::npos : static_cast<const char*>(hit) - hay.data();
}

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_FIND_BYTES_H_
