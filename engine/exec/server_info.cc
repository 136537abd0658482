#include "engine/exec/server_info.h"

#include <unistd.h>

#include <algorithm>
#include <climits>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tally::engine::exec {

namespace {
// Set during static initialization, before main: close enough to the process start for a
// count of whole seconds, and cheaper than asking /proc.
const absl::Time kProcessStart = absl::Now();
}  // namespace

uint32_t UptimeSeconds() {
  const int64_t s = absl::ToInt64Seconds(absl::Now() - kProcessStart);
  return static_cast<uint32_t>(std::clamp<int64_t>(s, 0, UINT32_MAX));
}

std::string HostName() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

}  // namespace tally::engine::exec
