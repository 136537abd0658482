// The reason file beside a part (or directory) that recovery, repair or an interrupted
// ATTACH set aside in a detached/ directory: what it is, why it was set aside and when
// (docs/format.md, "Detached parts"). Text, so that `cat` explains it, with an XXH3 line
// last like every tally file.
//
//   tally detached 1
//   kind: broken
//   table: events
//   part: 202610_1_1_0
//   time: 1765065600
//   message: part 202610_1_1_0: file 'time.bin': checksum mismatch against part.meta
//   xxh3: 0123456789abcdef
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_DETACHED_REASON_H_
#define TALLY_FORMAT_DETACHED_REASON_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tally::format {

struct DetachedReason {
  // "broken" (failed validation at open), "unreferenced" (complete but named by no
  // committed edit), "missing" (committed, no directory on disk: only the reason file
  // exists), "attach-interrupted", or "unowned-table" (a table directory no table owns).
  std::string kind;
  std::string table;  // the table, when known
  std::string part;   // the part's (or directory's) own name
  int64_t time_s = 0;  // when it was set aside, Unix seconds
  std::string message;  // one line
};

inline constexpr char kDetachedReasonSuffix[] = ".reason";

std::string EncodeDetachedReason(const DetachedReason& reason);
// DataLoss when the checksum or a line is wrong; Unimplemented for a newer version.
absl::StatusOr<DetachedReason> DecodeDetachedReason(absl::string_view file, absl::string_view what);

}  // namespace tally::format

#endif  // TALLY_FORMAT_DETACHED_REASON_H_
