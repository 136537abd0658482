#include "engine/exec/unicode_case.h"

#include <algorithm>
#include <array>

#include "engine/exec/unicode_case_tables.h"

namespace tally::engine::exec {
namespace {

namespace uc = unicode_case;

constexpr char32_t kCapitalSigma = 0x3A3, kFinalSigma = 0x3C2;

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

template <typename Entry>
const Entry* Find(const Entry* table, size_t size, char32_t c) {
  const Entry* end = table + size;
  const Entry* it = std::lower_bound(table, end, c, [](const Entry& e, char32_t x) { return e.from < x; });
  return it != end && it->from == c ? it : nullptr;
}

bool InRanges(const uc::Range* ranges, size_t size, char32_t c) {
  const uc::Range* end = ranges + size;
  const uc::Range* it =
      std::lower_bound(ranges, end, c, [](const uc::Range& r, char32_t x) { return r.last < x; });
  return it != end && it->first <= c;
}

// What the final sigma rule sees in a code point: skipped, a cased letter, or neither.
enum class SigmaClass : uint8_t { kIgnorable, kCased, kOther };

SigmaClass ClassOf(char32_t c) {
  static const std::array<SigmaClass, 128> kAscii = [] {
    std::array<SigmaClass, 128> a{};
    for (char32_t x = 0; x < 128; ++x) {
      a[x] = InRanges(uc::kCaseIgnorable, uc::kCaseIgnorableSize, x) ? SigmaClass::kIgnorable
             : InRanges(uc::kCased, uc::kCasedSize, x)               ? SigmaClass::kCased
                                                                     : SigmaClass::kOther;
    }
    return a;
  }();
  if (c < 128) return kAscii[c];
  if (InRanges(uc::kCaseIgnorable, uc::kCaseIgnorableSize, c)) return SigmaClass::kIgnorable;
  return InRanges(uc::kCased, uc::kCasedSize, c) ? SigmaClass::kCased : SigmaClass::kOther;
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
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Maps each code point of `s` by `table` (ICU's full mappings); `lower` applies the final
// sigma rule: a Σ with a cased letter before it and none after it (both skipping
// case-ignorable code points) is ς.
void MapInto(absl::string_view s, const uc::FullMapping* table, size_t size, bool lower,
             std::string* out) {
  out->clear();
  out->reserve(s.size());
  if (IsAscii(s)) {
    for (char c : s) out->push_back(lower ? (c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c)
                                          : (c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c));
    return;
  }
  bool cased_before = false;  // a cased letter before here, skipping case-ignorable ones
  for (size_t i = 0; i < s.size();) {
    char32_t c;
    const size_t len = DecodeUtf8(s, i, &c);
    if (len == 0) {
      out->push_back(s[i++]);
      cased_before = false;
      continue;
    }
    if (c < 0x80) {
      out->push_back(static_cast<char>(lower ? (c >= 'A' && c <= 'Z' ? c + 32 : c)
                                             : (c >= 'a' && c <= 'z' ? c - 32 : c)));
    } else if (lower && c == kCapitalSigma && cased_before && !CasedLetterFollows(s, i + len)) {
      AppendUtf8(kFinalSigma, out);
    } else if (const uc::FullMapping* m = Find(table, size, c)) {
      for (char32_t to : m->to) {
        if (to != 0) AppendUtf8(to, out);
      }
    } else {
      out->append(s.data() + i, len);
    }
    const SigmaClass k = ClassOf(c);
    if (k != SigmaClass::kIgnorable) cased_before = k == SigmaClass::kCased;
    i += len;
  }
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

void Utf8LowerInto(absl::string_view s, std::string* out) {
  MapInto(s, uc::kLower, uc::kLowerSize, true, out);
}

void Utf8UpperInto(absl::string_view s, std::string* out) {
  MapInto(s, uc::kUpper, uc::kUpperSize, false, out);
}

void Utf8FoldInto(absl::string_view s, Utf8Fold fold, std::string* out) {
  const uc::SimpleMapping* table = fold == Utf8Fold::kSearch ? uc::kSearchFold : uc::kLikeFold;
  const size_t size = fold == Utf8Fold::kSearch ? uc::kSearchFoldSize : uc::kLikeFoldSize;
  out->clear();
  out->reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out->push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b + 32) : static_cast<char>(b));
      ++i;
      continue;
    }
    char32_t c;
    const size_t len = DecodeUtf8(s, i, &c);
    if (len == 0) {
      out->push_back(s[i++]);
      continue;
    }
    if (const uc::SimpleMapping* m = Find(table, size, c)) {
      AppendUtf8(m->to, out);
    } else {
      out->append(s.data() + i, len);
    }
    i += len;
  }
}

}  // namespace tally::engine::exec
