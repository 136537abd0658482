// LikePattern: an SQL LIKE pattern compiled once, with ClickHouse's rules: `%` matches any
// run of bytes, `_` exactly one character (one UTF-8 code point), and a backslash makes the
// next character literal (`\%`, `\_`, `\\`; a trailing backslash is itself). The whole
// string must match. ILIKE folds case with Utf8CaseInto (ASCII, Latin-1, Latin Extended-A,
// Greek, Cyrillic); letters of other scripts compare as they are.
//
// The common shapes run without the general matcher: 'abc' (equality), 'abc%' (prefix),
// '%abc' (suffix) and '%abc%' (substring search with memmem).
//
// Immutable after Compile; Matches is thread-safe (the caller owns the scratch buffer).
#ifndef TALLY_ENGINE_EXEC_LIKE_PATTERN_H_
#define TALLY_ENGINE_EXEC_LIKE_PATTERN_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tally::engine::exec {

class LikePattern {
 public:
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kGeneral };

  static LikePattern Compile(absl::string_view pattern, bool case_insensitive);

  // `scratch` holds the folded copy of `s` for ILIKE; unused otherwise.
  bool Matches(absl::string_view s, std::string* scratch) const;
  Shape shape() const { return shape_; }

 private:
  // A run between two `%`: literal bytes, with `_` positions marked in `any`.
  struct Piece {
    std::string bytes;
    std::vector<bool> any;
    bool has_any = false;
  };

  bool MatchesGeneral(absl::string_view s) const;
  // End of `p` matched at `pos` in `s`, or npos.
  static size_t MatchAt(const Piece& p, absl::string_view s, size_t pos);
  static size_t Find(const Piece& p, absl::string_view s, size_t from, size_t* end);

  Shape shape_ = Shape::kGeneral;
  bool fold_ = false;
  std::vector<Piece> pieces_;  // split at every `%`; never empty
};

// ASCII case folding helpers shared by the string functions.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
inline char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }
void AsciiLowerInto(absl::string_view s, std::string* out);

// Case mapping for lowerUTF8 / upperUTF8 / ILIKE: ASCII letters, and the letters of
// Latin-1, Latin Extended-A, Greek and Cyrillic, whose case pairs both take two UTF-8
// bytes, so `out` has the length of `s`. Other characters (and invalid UTF-8) pass
// through: unlike ClickHouse, no length-changing mappings (ß -> SS) and no other scripts.
// kFold lowercases and also maps final sigma to sigma, for comparing without case.
enum class Utf8Case { kLower, kUpper, kFold };
void Utf8CaseInto(absl::string_view s, Utf8Case mode, std::string* out);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_LIKE_PATTERN_H_
