#include "engine/exec/like_pattern.h"

#include <string.h>  // memmem (glibc)

#include "absl/strings/match.h"

namespace tally::engine::exec {

void AsciiLowerInto(absl::string_view s, std::string* out) {
  out->resize(s.size());
  for (size_t i = 0; i < s.size(); ++i) (*out)[i] = AsciiLower(s[i]);
}

namespace {

// Lower case of a code point in U+0080..U+07FF (see Utf8CaseInto), or itself.
char32_t LowerTwoByte(char32_t c) {
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1
  if (c == 0x178) return 0xFF;                               // Y with diaeresis
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return c % 2 == 0 ? c + 1 : c;  // Latin Extended-A: upper even, lower odd
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;  // Greek
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;  // Cyrillic
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

char32_t UpperTwoByte(char32_t c) {
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
  if (c == 0xFF) return 0x178;
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) {
    return c % 2 == 1 ? c - 1 : c;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 0 ? c - 1 : c;
  if (c == 0x3C2) return 0x3A3;  // final sigma
  if (c >= 0x3B1 && c <= 0x3C9) return c - 0x20;
  if (c == 0x3AC) return 0x386;
  if (c >= 0x3AD && c <= 0x3AF) return c - 0x25;
  if (c == 0x3CC) return 0x38C;
  if (c == 0x3CD || c == 0x3CE) return c - 0x3F;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}

}  // namespace

void Utf8CaseInto(absl::string_view s, Utf8Case mode, std::string* out) {
  out->resize(s.size());
  char* o = out->data();
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      o[i] = mode == Utf8Case::kUpper ? AsciiUpper(s[i]) : AsciiLower(s[i]);
      continue;
    }
    const unsigned char b2 = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (b < 0xC2 || b > 0xDF || (b2 & 0xC0) != 0x80) {  // not a two-byte sequence: copy
      o[i] = s[i];
      continue;
    }
    char32_t c = (static_cast<char32_t>(b & 0x1F) << 6) | (b2 & 0x3F);
    c = mode == Utf8Case::kUpper ? UpperTwoByte(c) : LowerTwoByte(c);
    if (mode == Utf8Case::kFold && c == 0x3C2) c = 0x3C3;
    o[i] = static_cast<char>(0xC0 | (c >> 6));
    o[i + 1] = static_cast<char>(0x80 | (c & 0x3F));
    ++i;
  }
}

LikePattern LikePattern::Compile(absl::string_view pattern, bool case_insensitive) {
  LikePattern p;
  p.fold_ = case_insensitive;
  std::string folded;
  if (case_insensitive) {
    Utf8CaseInto(pattern, Utf8Case::kFold, &folded);  // `%`, `_` and `\` are unchanged
    pattern = folded;
  }
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
    piece.bytes.push_back(c);
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
    Utf8CaseInto(s, Utf8Case::kFold, scratch);
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
