// Unicode case with ClickHouse's rules, which come from three libraries that disagree, so
// tally has one table for each (engine/exec/unicode_case_tables.h, read off ClickHouse
// 26.9 itself by tools/gen_unicode_case.py):
//
//   - lowerUTF8 / upperUTF8 are ICU's full case mapping in the root locale: 'ß' upper is
//     'SS', 'ﬁ' is 'FI', 'İ' lower is 'i' + U+0307, a final 'Σ' lower is 'ς'; no Turkish
//     or Lithuanian rules. The length may change.
//   - positionCaseInsensitiveUTF8 and [I]LIKE '%needle%' compare Poco's simple lower case
//     of each code point: 'É' = 'é', 'ẞ' = 'ß' and 'K' (Kelvin) = 'k', but 'ς' != 'σ',
//     'ǅ' != 'ǆ', 'İ' != 'i', and scripts newer than Poco's tables (Cherokee lower case,
//     Georgian Mtavruli) have no case.
//   - the other ILIKE patterns are re2's case-insensitive matching: 'ς' = 'σ' = 'Σ',
//     'ǅ' = 'ǆ', 'ſ' = 's', 'K' = 'k'.
//
// Bytes that are not well-formed UTF-8 (truncated sequences, overlong forms, surrogates,
// past U+10FFFF) pass through unchanged and match only themselves.
//
// Pure functions over immutable tables; thread-safe.
#ifndef TALLY_ENGINE_EXEC_UNICODE_CASE_H_
#define TALLY_ENGINE_EXEC_UNICODE_CASE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace tally::engine::exec {

// *out = lowerUTF8(s) / upperUTF8(s).
void Utf8LowerInto(absl::string_view s, std::string* out);
void Utf8UpperInto(absl::string_view s, std::string* out);

enum class Utf8Fold {
  kSearch,  // positionCaseInsensitiveUTF8, ILIKE '%needle%' and ILIKE's substring prefilter
  kLike,    // the rest of ILIKE (re2)
};

// *out = `s` with every code point replaced by the representative of its class of code
// points equal under `fold` (ASCII by its lower case). One code point stays one code point,
// so character counts and positions carry over to `s`. Returns whether `s` is all ASCII,
// which every fold maps alike.
bool Utf8FoldInto(absl::string_view s, Utf8Fold fold, std::string* out);

// The length of the well-formed UTF-8 sequence at s[i] (1 to 4) with its code point in
// *cp, or 0 when the bytes there are not one.
size_t DecodeUtf8(absl::string_view s, size_t i, char32_t* cp);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_UNICODE_CASE_H_
