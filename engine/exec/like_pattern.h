// LikePattern: an SQL LIKE pattern compiled once, with ClickHouse's rules (it turns the
// pattern into an re2 regular expression; this matcher gives the same answers):
//   - `%` matches any run of characters and `_` exactly one; `\%`, `\_` and `\\` stand for
//     `%`, `_` and `\`; a backslash before any other character is itself, kept
//     (`'a\b' LIKE 'a\b'`, `LIKE '%\d%'` finds a backslash and a d). A pattern that ends
//     in a lone backslash is an error.
//   - The whole string must match. A character is what re2 takes for one: ASCII, or a lead
//     byte C2..DF, E0..EF or F0..F4 with one, two or three bytes 80..BF. Other bytes match
//     only the same bytes of the pattern: `_` and a `%` between two other parts never take
//     them (a leading or trailing `%` takes anything).
//   - ILIKE compares characters with re2's case-insensitive rules (engine/exec/unicode_case.h,
//     Utf8Fold::kLike). Before that ClickHouse looks for the pattern's longest run of plain
//     characters, when it has 3 bytes or more, with its substring search, whose case rules
//     are Poco's (Utf8Fold::kSearch), and the string fails if that finds nothing: 'ΟΔΟΣ'
//     ILIKE 'οδος' is 0 while 'Σ' ILIKE 'ς' is 1. A pattern '%needle%' is that search alone.
//
// The common shapes run without the general matcher: 'abc' (equality), 'abc%' (prefix),
// '%abc' (suffix) and '%abc%' (substring search with memmem).
//
// Immutable after Compile; Matches is thread-safe (the caller owns the scratch buffers).
#ifndef TALLY_ENGINE_EXEC_LIKE_PATTERN_H_
#define TALLY_ENGINE_EXEC_LIKE_PATTERN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tally::engine::exec {

class LikePattern {
 public:
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kGeneral };

  // Folded copies of the string for ILIKE; unused by LIKE.
  struct Scratch {
    std::string like, search;
  };

  // InvalidArgument when the pattern ends in a backslash that escapes nothing.
  static absl::StatusOr<LikePattern> Compile(absl::string_view pattern, bool case_insensitive);

  // REQUIRES: `scratch` is not null for an ILIKE pattern.
  bool Matches(absl::string_view s, Scratch* scratch) const;
  Shape shape() const { return shape_; }

 private:
  // A run between two `%`: literal bytes, with `_` positions marked in `any`.
  struct Piece {
    std::string bytes;
    std::vector<bool> any;
    bool has_any = false;
  };

  // The parts of `pattern` between its `%`, escapes resolved.
  static absl::StatusOr<std::vector<Piece>> Split(absl::string_view pattern);
  // The match on `s` folded as the pattern is (for ILIKE), without the search.
  bool MatchesFolded(absl::string_view s) const;
  bool MatchesGeneral(absl::string_view s) const;
  // End of `p` matched at `pos` in `s`, or npos.
  static size_t MatchAt(const Piece& p, absl::string_view s, size_t pos);
  // The first position >= from where `p` matches, its end in *end; when `chars_between`, the
  // bytes from `from` to it must be characters (an inner `%`).
  static size_t Find(const Piece& p, absl::string_view s, size_t from, bool chars_between,
                     size_t* end);

  Shape shape_ = Shape::kGeneral;
  bool fold_ = false;
  std::vector<Piece> pieces_;  // split at every `%`; never empty
  // ILIKE: the run of plain characters ClickHouse searches first (Utf8Fold::kSearch folded);
  // empty for none. For kContains, the whole needle.
  std::string required_;
};

// ASCII case folding helpers shared by the string functions.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }
void AsciiLowerInto(absl::string_view s, std::string* out);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_LIKE_PATTERN_H_
