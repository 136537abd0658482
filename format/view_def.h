// A materialized view as the manifest records it (docs/format.md, "Manifest", kind 10):
// the table it reads, the table it writes, and its SELECT as text, which the engine binds.
//
//   view = varint length | field | field | ...        (format/tagged_fields.h)
//
// Fields: 2 source table, 4 target table, 6 SELECT text (each exactly once), 8 whether the
// target is the view's own inner table (varint 0/1, at most once; absent = 0), 10 the
// block number below which a POPULATE backfill is pending (varint > 0, at most once;
// absent = none pending). Odd tags a
// reader does not know are kept and written back; even ones are Unimplemented.
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_VIEW_DEF_H_
#define TALLY_FORMAT_VIEW_DEF_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "format/coding.h"
#include "format/table_schema.h"

namespace tally::format {

struct ViewDef {
  std::string source;  // the table whose inserted rows the view reads ("db.t" or "t")
  std::string target;  // the table its rows go to
  std::string select;  // the SELECT, as written after AS
  // The target was created with the view (CREATE MATERIALIZED VIEW v ENGINE = ...) and is
  // dropped with it.
  bool inner_target = false;
  // CREATE ... POPULATE: the source's rows of blocks below this number are still to be
  // backfilled into the target (0: none). Parts never merge across it meanwhile.
  uint64_t backfill_below_block = 0;
  std::vector<UnknownField> unknown_fields;
  bool operator==(const ViewDef&) const = default;
};

namespace view_tag {
inline constexpr uint64_t kSource = 2;
inline constexpr uint64_t kTarget = 4;
inline constexpr uint64_t kSelect = 6;
inline constexpr uint64_t kInnerTarget = 8;
inline constexpr uint64_t kBackfillBelowBlock = 10;
}  // namespace view_tag

// InvalidArgument (nothing appended) when a table name or the SELECT is empty.
absl::Status EncodeViewDef(std::string* out, const ViewDef& view);
// `name` names the view in errors.
absl::StatusOr<ViewDef> DecodeViewDef(ByteReader* in, const std::string& name);

}  // namespace tally::format

#endif  // TALLY_FORMAT_VIEW_DEF_H_
