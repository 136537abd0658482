// The conjuncts of a WHERE that a table's skip indexes can answer, as conditions on the
// indexed expressions (engine/skip_index_probe.h) for ScanOptions::skip_conditions:
//
//   e = c, e != c, e < c (<=, >, >=, BETWEEN), e IN (c, ...)     e any indexed expression
//   has(e, c), hasAny(e, [c, ...]), hasAll(e, [c, ...])   e an indexed Array (mapKeys(m),
//                      an Array column); has([c, ...], e) for a scalar e
//   mapContains(m, k)  for an index on mapKeys(m)
//   m['k'] = v, m['k'] IN (v, ...)   k for mapKeys(m), v for mapValues(m), unless a value
//                      is the type's default (a row without the key then matches)
//   hasToken(e, 't'), e LIKE 'p', startsWith(e, 's'), endsWith(e, 's')   strings
//
// where e is spelled as the index's expression is (`lower(s) = 'abc'` for an index on
// lower(s)). Comparisons and IN on a bare column are left to the ColumnRanges the scan
// already gets (select_source.h), which it hands the indexes too. A constant that does not
// convert exactly to the expression's type (ToColumnDomain) yields no condition.
//
// Pure function; thread-safe.
#ifndef TALLY_ENGINE_QUERY_INDEX_CONDITIONS_H_
#define TALLY_ENGINE_QUERY_INDEX_CONDITIONS_H_

#include <optional>
#include <vector>

#include "engine/query/select_source.h"
#include "engine/skip_index_probe.h"
#include "engine/sql/ast.h"
#include "engine/sql/binder.h"

namespace tally::engine::sql {

std::vector<SkipIndexCondition> ExtractIndexConditions(const ExprPtr& where, const SourceCatalog& catalog,
                                                       const QueryParams& params);

// The runs of plain bytes a string matching the LIKE `pattern` holds, in order, with
// whether each starts or ends the string; nullopt for a malformed pattern. *exact is set
// when the pattern has no wildcard (it is then one needle, the whole string).
std::optional<std::vector<TextNeedle>> LikeNeedles(absl::string_view pattern, bool* exact);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_INDEX_CONDITIONS_H_
