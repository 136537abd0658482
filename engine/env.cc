// Env helpers shared by every implementation.
#include "engine/env.h"

#include "absl/time/clock.h"
#include "format/status_macros.h"

namespace tally::engine {

int64_t Env::NowMicros() { return absl::ToUnixMicros(absl::Now()); }

absl::Status WriteFileSynced(Env* env, const std::string& path, absl::string_view data) {
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  TALLY_RETURN_IF_ERROR(file->Append(data));
  TALLY_RETURN_IF_ERROR(file->Sync());
  return file->Close();
}

std::string JoinPath(absl::string_view a, absl::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  while (a.size() > 1 && a.back() == '/') a.remove_suffix(1);
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  out.append(b.data(), b.size());
  return out;
}

}  // namespace tally::engine
