// How the tokenbf_v1 and ngrambf_v1 skip indexes cut text (docs/format.md, "Skip index
// files"), shared by the writer that builds their filters and the scan that probes them:
// both must cut alike, or an index would drop rows.
//
//   token   a maximal run of token bytes: ASCII letters and digits, and every byte >= 0x80
//           (so UTF-8 words are tokens). Every other byte separates tokens. This is
//           hasToken's rule (engine/exec/string_search_functions.cc).
//   n-gram  every run of n consecutive bytes (a string shorter than n has none).
//
// Pure functions; thread-safe.
#ifndef TALLY_FORMAT_TEXT_TOKENS_H_
#define TALLY_FORMAT_TEXT_TOKENS_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace tally::format {

inline bool IsTokenByte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Calls f(token) for each token of `text`, in order (repeats included).
template <typename F>
void ForEachToken(absl::string_view text, F&& f) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && !IsTokenByte(static_cast<unsigned char>(text[i]))) ++i;
    const size_t begin = i;
    while (i < n && IsTokenByte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > begin) f(text.substr(begin, i - begin));
  }
}

// The tokens of `needle` that are whole tokens of any text holding it: those bounded on
// each side by a separator inside the needle, or by the needle's edge when
// `starts_token` (its first byte begins a token of the text: the text starts there, or a
// separator precedes) or `ends_token` (likewise at its end).
template <typename F>
void ForEachWholeToken(absl::string_view needle, bool starts_token, bool ends_token, F&& f) {
  size_t i = 0;
  const size_t n = needle.size();
  while (i < n) {
    while (i < n && !IsTokenByte(static_cast<unsigned char>(needle[i]))) ++i;
    const size_t begin = i;
    while (i < n && IsTokenByte(static_cast<unsigned char>(needle[i]))) ++i;
    if (i == begin) continue;
    if ((begin > 0 || starts_token) && (i < n || ends_token)) f(needle.substr(begin, i - begin));
  }
}

// Calls f(ngram) for each run of `n` consecutive bytes of `text`. REQUIRES: n >= 1.
template <typename F>
void ForEachNgram(absl::string_view text, size_t n, F&& f) {
  for (size_t i = 0; i + n <= text.size(); ++i) f(text.substr(i, n));
}

// The hash a token or n-gram filter keeps for `bytes`: XXH3-64 of the bytes, seeded with
// kTextHashSeed ^ `seed` (the index's seed argument).
inline constexpr uint64_t kTextHashSeed = 0x74616c6c79746f6b;  // "tallytok"
uint64_t TextHash(absl::string_view bytes, uint64_t seed);

}  // namespace tally::format

#endif  // TALLY_FORMAT_TEXT_TOKENS_H_
