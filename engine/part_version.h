// A new version of a committed part: the same rows and column files under a new name (the
// part's at the next free level, as a merge of the part alone would be named), with
// another set of skip index files. ALTER TABLE ... MATERIALIZE INDEX builds an index for
// the parts written before it, DROP INDEX leaves out an index's version-1 files. Parts are
// immutable, so such a change is a new part that replaces the old one in one manifest edit,
// as a merge's output replaces its inputs.
//
// Written as PartWriter writes: every file into TmpPartDir(table_dir, name), synced, then
// part.meta, then the directory and the table directory synced. The caller validates,
// commits and publishes it. Column files are copied byte for byte and checked against the
// part.meta XXH3 on the way (damage in the source is DataLoss, not copied on).
//
// Stateless; thread-safe.
#ifndef TALLY_ENGINE_PART_VERSION_H_
#define TALLY_ENGINE_PART_VERSION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/env.h"
#include "engine/part.h"
#include "engine/skip_indexes.h"
#include "format/part_format.h"
#include "format/table_schema.h"

namespace tally::engine {

struct PartVersionSpec {
  std::vector<BoundSkipIndex> build;  // indexes built anew from the part's rows
  std::vector<std::string> drop;      // files left out (a built index's old file goes anyway)
};

// Copies every file of `part` (wherever it is: an inline part is in memory) into `dir`
// on `env`, each checked against part.meta and synced, and syncs `dir`. The caller
// syncs dir's parent.
absl::Status CopyPart(const Part& part, Env* env, const std::string& dir);

// REQUIRES: `schema` is the table's, whose columns the part holds.
absl::StatusOr<format::PartMeta> WritePartVersion(Env* env, const std::string& table_dir,
                                                  const format::TableSchema& schema, const PartPtr& part,
                                                  const PartVersionSpec& spec);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_PART_VERSION_H_
