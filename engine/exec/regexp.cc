#include "engine/exec/regexp.h"

#include <string.h>  // memmem (glibc)

#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/exec/find_bytes.h"
#include "engine/exec/like_pattern.h"
#include "re2/re2.h"

namespace tally::engine::exec {
namespace {

re2::RE2::Options Options(bool case_insensitive) {
  re2::RE2::Options options;
  options.set_log_errors(false);  // errors are returned, never printed
  options.set_dot_nl(true);
  options.set_case_sensitive(!case_insensitive);
  return options;
}

// ClickHouse's test for a pattern it searches as plain bytes: ordinary characters and the
// escapes \| \( \) \^ \$ \. \[ \] \? \* \+ \- \{ \} \/ until the end, a NUL byte or an
// unbalanced `)` (where its analysis stops: the rest is ignored). Fills *literal with the
// bytes to search for.
bool IsTrivial(absl::string_view pattern, std::string* literal) {
  literal->clear();
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\0' || c == ')') return true;
    if (c == '\\') {
      if (i + 1 == pattern.size()) return false;
      const char next = pattern[i + 1];
      if (absl::string_view("|()^$.[]?*+-{}/").find(next) == absl::string_view::npos) return false;
      literal->push_back(next);
      ++i;
      continue;
    }
    if (absl::string_view("|([^$.+{?*").find(c) != absl::string_view::npos) return false;
    literal->push_back(c);
  }
  return true;
}

// The first occurrence of `needle` (already lowered) in s[from, ...) ignoring ASCII case.
size_t FindAsciiCaseless(absl::string_view s, size_t from, absl::string_view needle) {
  if (needle.size() > s.size()) return absl::string_view::npos;
  for (size_t at = from; at + needle.size() <= s.size(); ++at) {
    size_t k = 0;
    while (k < needle.size() && AsciiLower(s[at + k]) == needle[k]) ++k;
    if (k == needle.size()) return at;
  }
  return absl::string_view::npos;
}

}  // namespace

absl::StatusOr<Regexp> Regexp::Compile(absl::string_view pattern, bool case_insensitive) {
  Regexp r;
  r.fold_ = case_insensitive;
  if (IsTrivial(pattern, &r.literal_)) {
    if (case_insensitive) AsciiLowerInto(std::string(r.literal_), &r.literal_);
    return r;
  }
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                             Options(case_insensitive));
  if (!re->ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "OptimizedRegularExpression: cannot compile re2: ", pattern, ", error: ", re->error(),
        ". Look at https://github.com/google/re2/wiki/Syntax for reference. Please note that if "
        "you specify regex as an SQL string literal, the slashes have to be additionally "
        "escaped. For example, to match an opening brace, write '\\(' -- the first slash is "
        "for SQL and the second one is for regex"));
  }
  r.groups_ = re->NumberOfCapturingGroups();
  r.re_ = std::move(re);
  return r;
}

bool Regexp::Find(absl::string_view s, size_t from, absl::string_view* groups, int n) const {
  if (re_ == nullptr) {
    size_t at = from;
    if (!literal_.empty()) {
      if (fold_) {
        at = FindAsciiCaseless(s, from, literal_);
      } else {
        at = FindBytes(s, from, literal_);
      }
      if (at == absl::string_view::npos) return false;
    }
    if (n > 0) groups[0] = s.substr(at, literal_.size());
    return true;
  }
  if (n > groups_ + 1) n = groups_ + 1;
  re2::StringPiece inline_pieces[16];
  std::vector<re2::StringPiece> heap_pieces;
  re2::StringPiece* pieces = inline_pieces;
  if (n > 16) {
    heap_pieces.resize(n);
    pieces = heap_pieces.data();
  }
  if (!re_->Match(re2::StringPiece(s.data(), s.size()), from, s.size(), re2::RE2::UNANCHORED,
                  pieces, n)) {
    return false;
  }
  for (int i = 0; i < n; ++i) groups[i] = absl::string_view(pieces[i].data(), pieces[i].size());
  return true;
}

bool Regexp::Matches(absl::string_view s) const { return Find(s, 0, nullptr, 0); }

absl::StatusOr<std::shared_ptr<const re2::RE2>> CompileReplacePattern(absl::string_view pattern) {
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                             Options(false));
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("The pattern argument is not a valid re2 pattern: ", re->error()));
  }
  return re;
}

}  // namespace tally::engine::exec
