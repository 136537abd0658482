#include "engine/exec/like_pattern.h"

#include <string.h>  // memmem (glibc)

#include "absl/strings/match.h"

namespace tally::engine::exec {

void AsciiLowerInto(absl::string_view s, std::string* out) {
  out->resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) (*out)[i] = AsciiLower(s[i]);
}

LikePattern LikePattern::Compile(absl::string_view pattern, bool case_insensitive) {
  LikePattern p;
  p.fold_ = case_insensitive;
  p.pieces_.emplace_back();
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    Piece& piece = p.pieces_.back();
    if (c == '%') {
      p.pieces_.emplace_back();
      continue;
    }
    bool any = c == '_';
    if (c == '\\' && i + 1 < pattern.size()) c = pattern[++i];
    piece.bytes.push_back(case_insensitive ? AsciiLower(c) : c);
    piece.any.push_back(any);
    piece.has_any |= any;
  }
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
  return p;
}

bool LikePattern::Matches(absl::string_view s, std::string* scratch) const {
  if (fold_) {
    AsciiLowerInto(s, scratch);
    s = *scratch;
  }
  switch (shape_) {
    case Shape::kExact:
      return s == pieces_[0].bytes;
    case Shape::kPrefix:
      return absl::StartsWith(s, pieces_[0].bytes);
    case Shape::kSuffix:
      return absl::EndsWith(s, pieces_[1].bytes);
    case Shape::kContains: {
      const std::string& needle = pieces_[1].bytes;
      return needle.empty() || memmem(s.data(), s.size(), needle.data(), needle.size()) != nullptr;
    }
    case Shape::kGeneral:
      break;
  }
  return MatchesGeneral(s);
}

size_t LikePattern::MatchAt(const Piece& p, absl::string_view s, size_t pos) {
  for (size_t k = 0; k < p.bytes.size(); ++k) {
    if (pos >= s.size()) return absl::string_view::npos;
    if (p.any[k]) {
      ++pos;  // a lead byte, then its continuation bytes
      while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) ++pos;
    } else if (s[pos++] != p.bytes[k]) {
      return absl::string_view::npos;
    }
  }
  return pos;
}

// The first position >= from where `p` matches; its end in *end.
size_t LikePattern::Find(const Piece& p, absl::string_view s, size_t from, size_t* end) {
  if (!p.has_any) {
    if (p.bytes.empty()) {
      *end = from;
      return from;
    }
    const void* hit = memmem(s.data() + from, s.size() - from, p.bytes.data(), p.bytes.size());
    if (hit == nullptr) return absl::string_view::npos;
    size_t at = static_cast<const char*>(hit) - s.data();
    *end = at + p.bytes.size();
    return at;
  }
  for (size_t at = from; at < s.size(); ++at) {
    size_t e = MatchAt(p, s, at);
    if (e != absl::string_view::npos) {
      *end = e;
      return at;
    }
  }
  return absl::string_view::npos;
}

// Pieces in order: the first anchored at the start, the last at the end, the middle ones
// at their leftmost match. Leftmost is enough: a piece matched earlier also ends earlier
// (each piece consumes a fixed number of characters), leaving the most room for the rest.
bool LikePattern::MatchesGeneral(absl::string_view s) const {
  constexpr size_t npos = absl::string_view::npos;
  size_t pos = MatchAt(pieces_[0], s, 0);
  if (pos == npos) return false;
  if (pieces_.size() == 1) return pos == s.size();
  for (size_t i = 1; i + 1 < pieces_.size(); ++i) {
    size_t end = 0;
    if (Find(pieces_[i], s, pos, &end) == npos) return false;
    pos = end;
  }
  const Piece& last = pieces_.back();
  if (!last.has_any) {
    return s.size() - pos >= last.bytes.size() && absl::EndsWith(s, last.bytes);
  }
  for (size_t at = pos; at < s.size(); ++at) {
    if (MatchAt(last, s, at) == s.size()) return true;
  }
  return false;
}

}  // namespace tally::engine::exec
