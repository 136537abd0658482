// The tables behind engine/exec/unicode_case.h, generated into unicode_case_tables.cc by
// tools/gen_unicode_case.py from ClickHouse itself. Each table is sorted by code point;
// ASCII is in none of the mappings (it maps as ASCII).
//
// Immutable data; thread-safe.
#ifndef TALLY_ENGINE_EXEC_UNICODE_CASE_TABLES_H_
#define TALLY_ENGINE_EXEC_UNICODE_CASE_TABLES_H_

#include <cstddef>
#include <cstdint>

namespace tally::engine::exec::unicode_case {

// A code point and what it maps to: one to three code points, the unused ones 0.
struct FullMapping {
  uint32_t from;
  uint32_t to[3];
};

struct SimpleMapping {
  uint32_t from, to;
};

// Code points first..last, both included.
struct Range {
  uint32_t first, last;
};

// lowerUTF8 / upperUTF8 of each code point alone (ICU's full mappings; Σ to σ).
extern const FullMapping kLower[];
extern const size_t kLowerSize;
extern const FullMapping kUpper[];
extern const size_t kUpperSize;
// The final sigma rule's classes: skipped when looking for a cased letter before or after
// a Σ (checked first), and cased.
extern const Range kCaseIgnorable[];
extern const size_t kCaseIgnorableSize;
extern const Range kCased[];
extern const size_t kCasedSize;
// The representative of each code point's class of equal-without-case code points, for
// the positionCaseInsensitiveUTF8 search and for ILIKE's re2 matching; code points not
// listed are their own.
extern const SimpleMapping kSearchFold[];
extern const size_t kSearchFoldSize;
extern const SimpleMapping kLikeFold[];
extern const size_t kLikeFoldSize;

}  // namespace tally::engine::exec::unicode_case

#endif  // TALLY_ENGINE_EXEC_UNICODE_CASE_TABLES_H_
