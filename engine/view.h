// Materialized views as the storage core sees them (docs/rollups.md). A view names the
// table it reads and the table it writes; an insert into the source runs each inserted
// block through the view's SELECT and stores the result in the target, all committed in
// the insert's one manifest edit (Database::InsertBatch).
//
// The core does not run SQL itself: a ViewCompiler, given to the Database by the layer
// that has a SELECT executor (engine/query/view_compiler.h; a Session installs it), turns
// a view's text into a ViewQuery. A table with views refuses inserts while no compiler is
// installed, rather than storing the source's rows without its rollups.
//
// Thread-safe: a ViewQuery may run on several threads at once (one insert each).
#ifndef TALLY_ENGINE_VIEW_H_
#define TALLY_ENGINE_VIEW_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/block.h"
#include "format/table_schema.h"
#include "format/view_def.h"

namespace tally::engine {

class ViewQuery {
 public:
  virtual ~ViewQuery() = default;
  // The view's rows for one block of its source: `rows` holds every column of the source
  // in schema order, as inserted (DEFAULTs filled). The result's columns are columns of
  // the target, typed as the target has them; the target's other columns take their
  // defaults.
  virtual absl::StatusOr<Block> Run(const Block& rows) const = 0;
};

class ViewCompiler {
 public:
  virtual ~ViewCompiler() = default;
  // Binds `view`'s SELECT over `source` and checks that its columns are columns of
  // `target` that they convert to. `name` is the view's, for errors.
  virtual absl::StatusOr<std::shared_ptr<const ViewQuery>> Compile(const std::string& name,
                                                                   const format::ViewDef& view,
                                                                   const format::TableSchema& source,
                                                                   const format::TableSchema& target) const = 0;
};

// Views a chain of inserts may pass through (raw -> hourly -> daily -> monthly ...).
inline constexpr size_t kMaxViewDepth = 32;

}  // namespace tally::engine

#endif  // TALLY_ENGINE_VIEW_H_
