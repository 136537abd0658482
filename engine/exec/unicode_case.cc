#include "engine/exec/unicode_case.h"

#include <algorithm>
#include <array>

#include "engine/exec/unicode_case_tables.h"

namespace tally::engine::exec {
namespace {

namespace uc = unicode_case;

constexpr char32_t kCapitalSigma = 0x3A3, kFinalSigma = 0x3C2;

// Writes the UTF-8 of `c` at `out`; returns its length.
size_t EncodeUtf8(char32_t c, char* out) {
  if (c < 0x80) {
    out[0] = static_cast<char>(c);
    return 1;
  }
  if (c < 0x800) {
    out[0] = static_cast<char>(0xC0 | (c >> 6));
    out[1] = static_cast<char>(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (c >> 12));
    out[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (c & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (c >> 18));
  out[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (c & 0x3F));
  return 4;
}

template <typename Entry>
const Entry* Find(const Entry* table, size_t size, char32_t c) {
  const Entry* end = table + size;
  const Entry* it = std::lower_bound(table, end, c, [](const Entry& e, char32_t x) { return e.from < x; });
  return it != end && it->from == c ? it : nullptr;
}

// A table's entries for U+0000..U+07FF (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic ...:
// most text that is not ASCII) by code point, so they need no search.
constexpr char32_t kDirect = 0x800;

template <typename Entry>
class Lookup {
 public:
  Lookup(const Entry* table, size_t size) : table_(table), size_(size) {
    direct_.fill(nullptr);
    for (size_t i = 0; i < size && table[i].from < kDirect; ++i) direct_[table[i].from] = &table[i];
  }
  const Entry* operator()(char32_t c) const {
    return c < kDirect ? direct_[c] : Find(table_, size_, c);
  }

 private:
  const Entry* table_;
  size_t size_;
  std::array<const Entry*, kDirect> direct_;
};

const Lookup<uc::FullMapping>& LowerLookup() {
  static const Lookup<uc::FullMapping> lookup(uc::kLower, uc::kLowerSize);
  return lookup;
}
const Lookup<uc::FullMapping>& UpperLookup() {
  static const Lookup<uc::FullMapping> lookup(uc::kUpper, uc::kUpperSize);
  return lookup;
}
const Lookup<uc::SimpleMapping>& FoldLookup(Utf8Fold fold) {
  static const Lookup<uc::SimpleMapping> search(uc::kSearchFold, uc::kSearchFoldSize);
  static const Lookup<uc::SimpleMapping> like(uc::kLikeFold, uc::kLikeFoldSize);
  return fold == Utf8Fold::kSearch ? search : like;
}

bool InRanges(const uc::Range* ranges, size_t size, char32_t c) {
  const uc::Range* end = ranges + size;
  const uc::Range* it =
      std::lower_bound(ranges, end, c, [](const uc::Range& r, char32_t x) { return r.last < x; });
  return it != end && it->first <= c;
}

// What the final sigma rule sees in a code point: skipped, a cased letter, or neither.
enum class SigmaClass : uint8_t { kIgnorable, kCased, kOther };

SigmaClass ClassOfSearched(char32_t c) {
  if (InRanges(uc::kCaseIgnorable, uc::kCaseIgnorableSize, c)) return SigmaClass::kIgnorable;
  return InRanges(uc::kCased, uc::kCasedSize, c) ? SigmaClass::kCased : SigmaClass::kOther;
}

SigmaClass ClassOf(char32_t c) {
  static const std::array<SigmaClass, kDirect> kDirectClasses = [] {
    std::array<SigmaClass, kDirect> a{};
    for (char32_t x = 0; x < kDirect; ++x) a[x] = ClassOfSearched(x);
    return a;
  }();
  return c < kDirect ? kDirectClasses[c] : ClassOfSearched(c);
}

// Whether a cased letter follows position i, skipping case-ignorable code points; bytes
// that are not UTF-8 end the look, as in ICU.
bool CasedLetterFollows(absl::string_view s, size_t i) {
  while (i < s.size()) {
    char32_t c;
    const size_t len = DecodeUtf8(s, i, &c);
    if (len == 0) return false;
    const SigmaClass k = ClassOf(c);
    if (k != SigmaClass::kIgnorable) return k == SigmaClass::kCased;
    i += len;
  }
  return false;
}

bool IsAscii(absl::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

char MapAscii(char c, bool lower) {
  if (lower) return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

// Maps each code point of `s` by `lookup` (ICU's full mappings); `lower` applies the final
// sigma rule: a Σ with a cased letter before it and none after it (both skipping
// case-ignorable code points) is ς.
void MapInto(absl::string_view s, const Lookup<uc::FullMapping>& lookup, bool lower, std::string* out) {
  if (IsAscii(s)) {
    out->resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) (*out)[i] = MapAscii(s[i], lower);
    return;
  }
  // A code point maps to at most three, each no longer in UTF-8 than twice its own (ΐ, two
  // bytes, is six): three times the input is room enough.
  out->resize(3 * s.size());
  char* o = out->data();
  size_t j = 0;
  bool cased_before = false;  // a cased letter before here, skipping case-ignorable ones
  for (size_t i = 0; i < s.size();) {
    char32_t c;
    const size_t len = DecodeUtf8(s, i, &c);
    if (len == 0) {
      o[j++] = s[i++];
      cased_before = false;
      continue;
    }
    if (c < 0x80) {
      o[j++] = MapAscii(static_cast<char>(c), lower);
    } else if (lower && c == kCapitalSigma && cased_before && !CasedLetterFollows(s, i + len)) {
      j += EncodeUtf8(kFinalSigma, o + j);
    } else if (const uc::FullMapping* m = lookup(c)) {
      for (char32_t to : m->to) {
        if (to != 0) j += EncodeUtf8(to, o + j);
      }
    } else {
      for (size_t k = 0; k < len; ++k) o[j++] = s[i + k];
    }
    if (lower) {
      const SigmaClass k = ClassOf(c);
      if (k != SigmaClass::kIgnorable) cased_before = k == SigmaClass::kCased;
    }
    i += len;
  }
  out->resize(j);
}

}  // namespace

size_t DecodeUtf8(absl::string_view s, size_t i, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) {
    *cp = b;
    return 1;
  }
  // Well-formed sequences (Unicode Table 3-7): the lead byte fixes the length and the range
  // of the second byte; the others are 80..BF.
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  char32_t c = b & (0x3F >> (len - 1));
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    c = (c << 6) | (byte(i + k) & 0x3F);
  }
  *cp = c;
  return len;
}

void Utf8LowerInto(absl::string_view s, std::string* out) { MapInto(s, LowerLookup(), true, out); }

void Utf8UpperInto(absl::string_view s, std::string* out) { MapInto(s, UpperLookup(), false, out); }

bool Utf8FoldInto(absl::string_view s, Utf8Fold fold, std::string* out) {
  // A class's representative is its smallest code point or an ASCII letter, never longer
  // in UTF-8 than the code point it stands for: the output fits in the input's size.
  out->resize(s.size());
  char* o = out->data();
  size_t j = 0;
  unsigned char any = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    any |= b;
    if (b < 0x80) {
      o[j++] = b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b);
      ++i;
      continue;
    }
    char32_t c;
    const size_t len = DecodeUtf8(s, i, &c);
    if (len == 0) {
      o[j++] = s[i++];
      continue;
    }
    if (const uc::SimpleMapping* m = FoldLookup(fold)(c)) {
      j += EncodeUtf8(m->to, o + j);
    } else {
      for (size_t k = 0; k < len; ++k) o[j++] = s[i + k];
    }
    i += len;
  }
  out->resize(j);
  return any < 0x80;
}

}  // namespace tally::engine::exec
