// Detached directories: where recovery, repair and an interrupted ATTACH PART set aside
// what they cannot keep in a table, each with a reason file (format/detached_reason.h),
// for the user to attach back or drop. Nothing here deletes data.
//
// Stateless functions over an Env; thread-safe as the Env is.
#ifndef TALLY_ENGINE_DETACHED_H_
#define TALLY_ENGINE_DETACHED_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/env.h"
#include "format/detached_reason.h"

namespace tally::engine {

// Moves the directory `from` into `detached_dir` (created if needed) as
// "<kind>_<part>", or with "_2", "_3", ... appended when that name is taken, writes its
// reason file and syncs both directories. Returns the name it got.
absl::StatusOr<std::string> SetAside(Env* env, const std::string& from, const std::string& detached_dir,
                                     format::DetachedReason reason);

// Records, as a reason file alone, a committed part that has no directory.
absl::StatusOr<std::string> RecordMissing(Env* env, const std::string& detached_dir, format::DetachedReason reason);

// Whether `detached_dir` already accounts for part `part`: a directory or reason file
// "broken_<part>..." or "missing_<part>..." (an interrupted recovery set it aside).
bool SetAsideEarlier(const std::vector<std::string>& detached_entries, const std::string& part);

// Everything in `detached_dir`: directories and reason files, joined by name. `table` is
// copied into each entry. An absent directory is empty.
absl::StatusOr<std::vector<DetachedPartInfo>> ReadDetachedDir(Env* env, const std::string& detached_dir,
                                                              const std::string& table);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_DETACHED_H_
