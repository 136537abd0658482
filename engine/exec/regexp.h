// Regexp: a regular expression compiled the way ClickHouse compiles the patterns of match,
// extract, extractAll, extractAllGroups* and countMatches (its OptimizedRegularExpression):
//   - re2 in UTF-8 mode with dot_nl (`.` matches a newline; `(?-s)` turns that off), case
//     sensitive unless asked; `.` never matches a byte that is not part of a UTF-8 character.
//   - A pattern with no metacharacters (backslash escapes of `|()^$.[]?*+-{}/` allowed) is
//     "trivial": ClickHouse runs a plain substring search for it and never compiles it, so
//     an unbalanced `)` and what follows it are ignored (match('a', 'a)') is 1) and the empty
//     pattern matches once, empty, at the start. Case-insensitive trivial searches fold ASCII
//     only, as ClickHouse's.
//   - Searches see the whole string, so `^` and `\b` keep their meaning when a search starts
//     after the first byte.
//
// ReplacePattern is the plain re2 compile of replaceRegexpOne/All (no trivial shortcut).
//
// Immutable after Compile; Find is thread-safe (re2 objects are).
#ifndef TALLY_ENGINE_EXEC_REGEXP_H_
#define TALLY_ENGINE_EXEC_REGEXP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace re2 {
class RE2;
}

namespace tally::engine::exec {

class Regexp {
 public:
  // InvalidArgument in ClickHouse's words when re2 refuses the pattern: "OptimizedRegularExpression:
  // cannot compile re2: (, error: missing ): (".
  static absl::StatusOr<Regexp> Compile(absl::string_view pattern, bool case_insensitive = false);

  // The leftmost match starting at or after byte `from` of `s`: groups[0] is the whole match,
  // groups[1..n-1] the capture groups (data() == nullptr for a group that took no part). `n`
  // is at most groups() + 1 (larger n is clamped). REQUIRES: from <= s.size().
  bool Find(absl::string_view s, size_t from, absl::string_view* groups, int n) const;
  bool Matches(absl::string_view s) const;

  // Capture groups: 0 for a trivial pattern.
  int groups() const { return groups_; }
  bool trivial() const { return re_ == nullptr; }

 private:
  std::shared_ptr<const re2::RE2> re_;  // null for a trivial pattern
  std::string literal_;                 // the trivial pattern's bytes (ASCII-lowered when folded)
  bool fold_ = false;
  int groups_ = 0;
};

// re2 as replaceRegexpOne/All compile it (dot_nl, no trivial shortcut). InvalidArgument:
// "The pattern argument is not a valid re2 pattern: missing ): (".
absl::StatusOr<std::shared_ptr<const re2::RE2>> CompileReplacePattern(absl::string_view pattern);

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_REGEXP_H_
