// Skip-index probing: which granules of a part a query's conditions leave, by the part's
// skip index files. The seam between the query layer, which finds conditions on indexed
// expressions in a WHERE (engine/query/index_conditions.h), and the scan, which asks this
// before it reads: ScanOptions::skip_conditions carries them, ScanCursor::Plan runs a
// SkipIndexProbe per part.
//
// A probe only ever removes granules no row of which can satisfy a condition; the caller
// still filters rows with the query's whole WHERE. A part without an index's file (written
// before the index existed), or with a file another definition built, is read whole.
//
// Immutable after construction; Select is thread-safe.
#ifndef TALLY_ENGINE_SKIP_INDEX_PROBE_H_
#define TALLY_ENGINE_SKIP_INDEX_PROBE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/part.h"
#include "engine/range_filter.h"
#include "engine/skip_indexes.h"
#include "format/table_schema.h"
#include "format/value.h"

namespace tally::engine {

// A run of bytes a string must contain. `starts_token`: the run's first byte begins a
// token of the string (the string starts there, or a separator precedes it); `ends_token`
// likewise at its end. `hasToken(s, 'tok')` needs "tok" starting and ending a token;
// `s LIKE '%a b%'` needs "a b", neither.
struct TextNeedle {
  std::string bytes;
  bool starts_token = false;
  bool ends_token = false;
};

// A condition on the values of an indexed expression, for one conjunct of a WHERE.
struct SkipIndexCondition {
  enum class Kind {
    kOneOf,     // some value (an element, for an Array) equals one of `values`
    kRange,     // some value lies within `range`'s bounds (not an Array)
    kNotEqual,  // some value differs from values[0] (not an Array)
    kContains,  // some string value (or element) holds every needle
  };
  Kind kind = Kind::kOneOf;
  std::string expression;  // the indexed expression, as SkipIndexDef::expression spells it
  std::vector<format::Value> values;  // in the domain of the index's values
  ColumnRange range;                  // kRange: its bounds (the column name is unused)
  std::vector<TextNeedle> needles;    // kContains
  std::string text;                   // the conjunct as the query wrote it, for EXPLAIN
};

// What one skip index did in a scan: EXPLAIN indexes = 1.
struct SkipIndexStats {
  std::string name;
  std::string description;  // "tokenbf_v1 GRANULARITY 1"
  std::string condition;    // the conditions it answered, joined by " AND "
  uint64_t parts_before = 0, parts_after = 0;  // parts with a granule left
  uint64_t granules_before = 0, granules_after = 0;
};

class SkipIndexProbe {
 public:
  // Probes `indexes` (the table's) with `conditions` on their expressions and with
  // `ranges` on a column that an index indexes as itself. Indexes no condition reaches,
  // and conditions no index can answer, are left out.
  SkipIndexProbe(std::vector<BoundSkipIndex> indexes, const std::vector<ColumnRange>& ranges,
                 const std::vector<SkipIndexCondition>& conditions);
  ~SkipIndexProbe();
  SkipIndexProbe(SkipIndexProbe&&) noexcept;

  bool empty() const { return probes_.empty(); }

  // One entry per probed index, in order, counting nothing yet.
  std::vector<SkipIndexStats> EmptyStats() const;
  // Narrows `runs` (ascending half-open granule runs of `part`) index by index, adding
  // to `stats`. REQUIRES: `stats` came from EmptyStats.
  void Select(const Part& part, std::vector<std::pair<uint64_t, uint64_t>>* runs,
              std::vector<SkipIndexStats>* stats) const;

 private:
  struct Check;
  struct IndexProbe;
  // Whether index granule `entry` of `file` may hold a row satisfying every check.
  static bool MayMatch(const format::SkipIndexFile& file, size_t entry, const std::vector<Check>& checks);

  std::vector<IndexProbe> probes_;
};

}  // namespace tally::engine

#endif  // TALLY_ENGINE_SKIP_INDEX_PROBE_H_
