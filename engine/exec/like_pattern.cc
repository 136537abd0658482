#include "engine/exec/like_pattern.h"

#include <string.h>  // memmem (glibc)

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/exec/find_bytes.h"
#include "engine/exec/unicode_case.h"
#include "format/status_macros.h"

namespace tally::engine::exec {

void AsciiLowerInto(absl::string_view s, std::string* out) {
  out->resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) (*out)[i] = AsciiLower(s[i]);
}

namespace {

constexpr size_t npos = absl::string_view::npos;

// The length of the character at s[pos] as re2 reads UTF-8 (ASCII, or a lead byte C2..DF,
// E0..EF or F0..F4 followed by 1, 2 or 3 bytes 80..BF: looser than well-formed UTF-8, it
// takes overlong three-byte forms and surrogates), or 0 for a byte it takes for none.
inline size_t CharLength(absl::string_view s, size_t pos) {
  const unsigned char b = static_cast<unsigned char>(s[pos]);
  if (b < 0x80) [[likely]] return 1;
  const size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (n == 0 || pos + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[pos + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// Whether s[from, to) is a run of characters (what an inner `%`, re2's `.*`, may take).
bool CharsBetween(absl::string_view s, size_t from, size_t to) {
  while (from < to) {
    if (static_cast<unsigned char>(s[from]) < 0x80) {
      ++from;
      continue;
    }
    const size_t n = CharLength(s, from);
    if (n == 0) return false;
    from += n;
  }
  return from == to;
}

// The run of plain characters that ClickHouse's regexp analysis (OptimizedRegularExpression)
// picks from the regexp of a LIKE pattern for a substring search before the regexp: the
// longest (the first of equals) of 3 bytes or more, except "://", "http://", "www" and
// "Windows ". `%` and `_` end a run; `\%` and `\_` are plain characters in it; a kept
// backslash (`\\`, or `\` before another character) ends it too, being an escape there.
std::string RequiredRun(absl::string_view pattern) {
  std::vector<std::string> runs(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '%' || c == '_') {
      runs.emplace_back();
    } else if (c == '\\') {
      if (i + 1 < pattern.size() && (pattern[i + 1] == '%' || pattern[i + 1] == '_')) {
        runs.back().push_back(pattern[++i]);
      } else {
        if (i + 1 < pattern.size() && pattern[i + 1] == '\\') ++i;
        runs.emplace_back();
      }
    } else {
      runs.back().push_back(c);
    }
  }
  std::string best;
  for (const std::string& r : runs) {
    if (r.size() > best.size() && r != "://" && r != "http://" && r != "www" && r != "Windows ") best = r;
  }
  return best.size() >= 3 ? best : "";
}

}  // namespace

absl::StatusOr<std::vector<LikePattern::Piece>> LikePattern::Split(absl::string_view pattern) {
  std::vector<Piece> pieces(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '%') {
      pieces.emplace_back();
      continue;
    }
    const bool any = c == '_';
    if (c == '\\') {
      if (i + 1 == pattern.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("Invalid escape sequence at the end of LIKE pattern '", pattern, "'"));
      }
      // `\%`, `\_` and `\\` are the character; before anything else the backslash is kept.
      const char next = pattern[i + 1];
      if (next == '%' || next == '_' || next == '\\') c = pattern[++i];
    }
    Piece& piece = pieces.back();
    piece.bytes.push_back(c);
    piece.any.push_back(any);
    piece.has_any |= any;
  }
  return pieces;
}

absl::StatusOr<LikePattern> LikePattern::Compile(absl::string_view pattern, bool case_insensitive) {
  LikePattern p;
  p.fold_ = case_insensitive;
  TALLY_ASSIGN_OR_RETURN(p.pieces_, Split(pattern));
  const auto& ps = p.pieces_;
  bool plain = true;
  for (const Piece& piece : ps) plain &= !piece.has_any;
  if (plain && ps.size() == 1) {
    p.shape_ = Shape::kExact;
  } else if (plain && ps.size() == 2 && ps[1].bytes.empty()) {
    p.shape_ = Shape::kPrefix;
  } else if (plain && ps.size() == 2 && ps[0].bytes.empty()) {
    p.shape_ = Shape::kSuffix;
  } else if (plain && ps.size() == 3 && ps[0].bytes.empty() && ps[2].bytes.empty()) {
    p.shape_ = Shape::kContains;
  }
  if (!case_insensitive) return p;
  // ILIKE: the substring ClickHouse searches with Poco's case rules (for '%needle%' the
  // needle, as written), then the pieces folded for re2's rules (`%`, `_` and `\` are
  // unchanged by folding, so they split the same way).
  const std::string required = p.shape_ == Shape::kContains ? ps[1].bytes : RequiredRun(pattern);
  Utf8FoldInto(required, Utf8Fold::kSearch, &p.required_);
  std::string folded;
  Utf8FoldInto(pattern, Utf8Fold::kLike, &folded);
  TALLY_ASSIGN_OR_RETURN(p.pieces_, Split(folded));
  return p;
}

bool LikePattern::Matches(absl::string_view s, Scratch* scratch) const {
  if (!fold_) return MatchesFolded(s);
  if (shape_ == Shape::kContains) {
    Utf8FoldInto(s, Utf8Fold::kSearch, &scratch->search);
    const std::string& hay = scratch->search;
    return required_.empty() || memmem(hay.data(), hay.size(), required_.data(), required_.size()) != nullptr;
  }
  // ClickHouse searches first and matches after; the other order gives the same answer
  // and leaves the second fold to the strings that match. On ASCII both folds are the lower
  // case, so a match already holds the required run.
  const bool ascii = Utf8FoldInto(s, Utf8Fold::kLike, &scratch->like);
  if (!MatchesFolded(scratch->like)) return false;
  if (ascii || required_.empty()) return true;
  Utf8FoldInto(s, Utf8Fold::kSearch, &scratch->search);
  const std::string& hay = scratch->search;
  return memmem(hay.data(), hay.size(), required_.data(), required_.size()) != nullptr;
}

bool LikePattern::MatchesFolded(absl::string_view s) const {
  switch (shape_) {
    case Shape::kExact:
      return s == pieces_[0].bytes;
    case Shape::kPrefix:
      return absl::StartsWith(s, pieces_[0].bytes);
    case Shape::kSuffix:
      return absl::EndsWith(s, pieces_[1].bytes);
    case Shape::kContains: {
      const std::string& needle = pieces_[1].bytes;
      return FindBytes(s, 0, needle) != absl::string_view::npos;
    }
    case Shape::kGeneral:
      break;
  }
  return MatchesGeneral(s);
}

size_t LikePattern::MatchAt(const Piece& p, absl::string_view s, size_t pos) {
  for (size_t k = 0; k < p.bytes.size(); ++k) {
    if (pos >= s.size()) return npos;
    if (p.any[k]) {
      const size_t n = CharLength(s, pos);
      if (n == 0) return npos;
      pos += n;
    } else if (s[pos++] != p.bytes[k]) {
      return npos;
    }
  }
  return pos;
}

size_t LikePattern::Find(const Piece& p, absl::string_view s, size_t from, bool chars_between,
                         size_t* end) {
  if (!p.has_any) {
    if (p.bytes.empty()) {
      *end = from;
      return from;
    }
    const size_t at = FindBytes(s, from, p.bytes);
    if (at == absl::string_view::npos) return npos;
    // A later match would have the same bytes before it, and more.
    if (chars_between && !CharsBetween(s, from, at)) return npos;
    *end = at + p.bytes.size();
    return at;
  }
  for (size_t at = from; at < s.size();) {
    const size_t e = MatchAt(p, s, at);
    if (e != npos) {
      *end = e;
      return at;
    }
    if (!chars_between) {
      ++at;
    } else if (const size_t n = CharLength(s, at); n > 0) {
      at += n;
    } else {
      break;
    }
  }
  return npos;
}

// Pieces in order: the first anchored at the start, the last at the end, the middle ones
// at their leftmost match. Leftmost is enough: a piece matched earlier also ends earlier
// (each piece consumes a fixed number of characters), leaving the most room for the rest.
bool LikePattern::MatchesGeneral(absl::string_view s) const {
  size_t pos = MatchAt(pieces_[0], s, 0);
  if (pos == npos) return false;
  if (pieces_.size() == 1) return pos == s.size();
  // Whether the gap before the next piece may hold any bytes: before the first piece after a
  // leading `%` (re2 searches from any byte); else only characters.
  bool any_bytes_before = pieces_[0].bytes.empty();
  for (size_t i = 1; i + 1 < pieces_.size(); ++i) {
    if (pieces_[i].bytes.empty()) continue;
    size_t end = 0;
    if (Find(pieces_[i], s, pos, !any_bytes_before, &end) == npos) return false;
    pos = end;
    any_bytes_before = false;
  }
  const Piece& last = pieces_.back();
  if (last.bytes.empty()) return true;  // a trailing `%`: nothing needs to follow
  if (!last.has_any) {
    if (s.size() - pos < last.bytes.size() || !absl::EndsWith(s, last.bytes)) return false;
    return any_bytes_before || CharsBetween(s, pos, s.size() - last.bytes.size());
  }
  for (size_t at = pos; at < s.size();) {
    if (MatchAt(last, s, at) == s.size()) return true;
    if (any_bytes_before) {
      ++at;
    } else if (const size_t n = CharLength(s, at); n > 0) {
      at += n;
    } else {
      break;
    }
  }
  return false;
}

}  // namespace tally::engine::exec
