#include "engine/exec/json_scanner.h"

#include <charconv>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "engine/exec/text_format.h"

namespace tally::engine::exec::json_scan {
namespace {

constexpr size_t npos = absl::string_view::npos;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t SkipWhitespace(absl::string_view s, size_t pos) {
  while (pos < s.size() && IsSpace(s[pos])) ++pos;
  return pos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The four hex digits at s[pos..pos+4) as a number; false when they are not hex digits.
bool Hex4(absl::string_view s, size_t pos, uint32_t* out) {
  if (pos + 4 > s.size()) return false;
  *out = 0;
  for (size_t k = 0; k < 4; ++k) {
    int v = HexValue(s[pos + k]);
    if (v < 0) return false;
    *out = *out * 16 + static_cast<uint32_t>(v);
  }
  return true;
}

// Length of the valid UTF-8 sequence at pos (lead byte >= 0x80), or 0.
size_t Utf8Length(absl::string_view s, size_t pos) {
  auto byte = [&](size_t i) -> unsigned {
    return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
  };
  auto cont = [&](size_t i) { return (byte(i) & 0xC0) == 0x80; };
  unsigned c = byte(pos);
  if (c >= 0xC2 && c <= 0xDF) return cont(pos + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned c1 = byte(pos + 1);
    bool ok = c == 0xE0   ? (c1 >= 0xA0 && c1 <= 0xBF)
              : c == 0xED ? (c1 >= 0x80 && c1 <= 0x9F)
                          : cont(pos + 1);
    return ok && cont(pos + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned c1 = byte(pos + 1);
    bool ok = c == 0xF0   ? (c1 >= 0x90 && c1 <= 0xBF)
              : c == 0xF4 ? (c1 >= 0x80 && c1 <= 0x8F)
                          : cont(pos + 1);
    return ok && cont(pos + 2) && cont(pos + 3) ? 4 : 0;
  }
  return 0;
}

// Validates the string starting at the quote at `pos`; the position after it, or npos.
size_t ScanString(absl::string_view s, size_t pos) {
  ++pos;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c == '"') return pos + 1;
    if (c == '\\') {
      if (++pos >= s.size()) return npos;
      switch (s[pos]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          ++pos;
          continue;
        case 'u': {
          // A surrogate must come in a high-low pair, as simdjson requires.
          uint32_t cp = 0;
          if (!Hex4(s, pos + 1, &cp)) return npos;
          pos += 5;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return npos;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (pos + 1 >= s.size() || s[pos] != '\\' || s[pos + 1] != 'u' || !Hex4(s, pos + 2, &low) ||
                low < 0xDC00 || low > 0xDFFF) {
              return npos;
            }
            pos += 6;
          }
          continue;
        }
        default:
          return npos;
      }
    }
    if (c < 0x20) return npos;
    if (c < 0x80) {
      ++pos;
      continue;
    }
    size_t n = Utf8Length(s, pos);
    if (n == 0) return npos;
    pos += n;
  }
  return npos;
}

size_t ScanNumber(absl::string_view s, size_t pos) {
  if (pos < s.size() && s[pos] == '-') ++pos;
  if (pos >= s.size()) return npos;
  if (s[pos] == '0') {
    ++pos;
  } else if (IsDigit(s[pos])) {
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
  } else {
    return npos;
  }
  if (pos < s.size() && s[pos] == '.') {
    if (++pos >= s.size() || !IsDigit(s[pos])) return npos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
  }
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
    if (pos >= s.size() || !IsDigit(s[pos])) return npos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
  }
  return pos;
}

size_t ScanLiteral(absl::string_view s, size_t pos) {
  for (absl::string_view word : {"true", "false", "null"}) {
    if (s.substr(pos, word.size()) == word) return pos + word.size();
  }
  return npos;
}

Kind KindAt(char c) {
  switch (c) {
    case '"':
      return Kind::kString;
    case '[':
      return Kind::kArray;
    case '{':
      return Kind::kObject;
    case 't':
    case 'f':
      return Kind::kBool;
    case 'n':
      return Kind::kNull;
    default:
      return Kind::kNumber;
  }
}

// The end of the (valid) string whose quote is at pos.
size_t SkipString(absl::string_view s, size_t pos) {
  for (++pos; pos < s.size(); ++pos) {
    if (s[pos] == '\\') {
      ++pos;
    } else if (s[pos] == '"') {
      return pos + 1;
    }
  }
  return s.size();
}

// The end of the (valid) value at pos.
size_t SkipValue(absl::string_view s, size_t pos) {
  char c = s[pos];
  if (c == '"') return SkipString(s, pos);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (pos < s.size()) {
      c = s[pos];
      if (c == '"') {
        pos = SkipString(s, pos);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return pos + 1;
      ++pos;
    }
    return s.size();
  }
  while (pos < s.size() && !IsSpace(s[pos]) && s[pos] != ',' && s[pos] != ']' && s[pos] != '}')
    ++pos;
  return pos;
}

bool KeyEquals(absl::string_view quoted, absl::string_view key) {
  absl::string_view raw = quoted.substr(1, quoted.size() - 2);
  if (raw.find('\\') == npos) return raw == key;
  std::string unescaped;
  AppendUnescaped(Node{Kind::kString, quoted}, &unescaped);
  return unescaped == key;
}

template <typename T>
bool ParseAll(absl::string_view s, T* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool IntegerSyntax(absl::string_view s) {
  for (char c : s) {
    if (c == '.' || c == 'e' || c == 'E') return false;
  }
  return true;
}

// A number's text (or a string's value) as T; floats truncate toward zero when in range.
template <typename T>
bool NumberAs(absl::string_view text, T* out) {
  if (IntegerSyntax(text)) {
    if (ParseAll(text, out)) return true;
    int64_t i;  // "-0" and other negatives for unsigned T
    if (std::is_unsigned_v<T> && ParseAll(text, &i)) {
      if (i < 0) return false;
      *out = static_cast<T>(i);
      return true;
    }
  }
  double d;
  if (!ParseAll(text, &d)) return false;
  constexpr double kLimit = std::is_unsigned_v<T> ? 18446744073709551616.0 : 9223372036854775808.0;
  if (!(d < kLimit) || !(d > (std::is_unsigned_v<T> ? -1.0 : -kLimit - 1))) return false;
  *out = static_cast<T>(d);
  return true;
}

template <typename T>
bool Convert(const Node& node, T* out) {
  if (node.kind == Kind::kNumber) return NumberAs(node.text, out);
  if (node.kind != Kind::kString) return false;
  std::string value;
  AppendUnescaped(node, &value);
  return NumberAs(absl::string_view(value), out);
}

}  // namespace

bool Parse(absl::string_view doc, Node* root) {
  uint64_t is_object[kMaxDepth / 64] = {};  // one bit per open container
  int depth = 0;
  size_t pos = SkipWhitespace(doc, 0);
  const size_t start = pos;
  enum class State { kValue, kKey, kAfterValue } state = State::kValue;
  while (true) {
    if (state == State::kValue) {
      if (pos >= doc.size()) return false;
      const char c = doc[pos];
      if (c == '{' || c == '[') {
        if (depth == kMaxDepth) return false;
        const bool object = c == '{';
        if (object) {
          is_object[depth / 64] |= uint64_t{1} << (depth % 64);
        } else {
          is_object[depth / 64] &= ~(uint64_t{1} << (depth % 64));
        }
        ++depth;
        pos = SkipWhitespace(doc, pos + 1);
        if (pos < doc.size() && doc[pos] == (object ? '}' : ']')) {
          --depth;
          ++pos;
          state = State::kAfterValue;
        } else {
          state = object ? State::kKey : State::kValue;
        }
        continue;
      }
      size_t end = c == '"'                   ? ScanString(doc, pos)
                   : (c == '-' || IsDigit(c)) ? ScanNumber(doc, pos)
                                              : ScanLiteral(doc, pos);
      if (end == npos) return false;
      pos = end;
      state = State::kAfterValue;
      continue;
    }
    if (state == State::kKey) {
      if (pos >= doc.size() || doc[pos] != '"') return false;
      pos = ScanString(doc, pos);
      if (pos == npos) return false;
      pos = SkipWhitespace(doc, pos);
      if (pos >= doc.size() || doc[pos] != ':') return false;
      pos = SkipWhitespace(doc, pos + 1);
      state = State::kValue;
      continue;
    }
    if (depth == 0) break;  // kAfterValue of the root
    pos = SkipWhitespace(doc, pos);
    if (pos >= doc.size()) return false;
    const bool object = (is_object[(depth - 1) / 64] >> ((depth - 1) % 64)) & 1;
    if (doc[pos] == ',') {
      pos = SkipWhitespace(doc, pos + 1);
      state = object ? State::kKey : State::kValue;
    } else if (doc[pos] == (object ? '}' : ']')) {
      --depth;
      ++pos;
    } else {
      return false;
    }
  }
  if (SkipWhitespace(doc, pos) != doc.size()) return false;
  root->kind = KindAt(doc[start]);
  root->text = doc.substr(start, pos - start);
  return true;
}

Iterator::Iterator(const Node& container)
    : text_(container.text), object_(container.kind == Kind::kObject), pos_(text_.size()) {
  if (container.kind == Kind::kArray || container.kind == Kind::kObject)
    pos_ = SkipWhitespace(text_, 1);
}

bool Iterator::Next(absl::string_view* key, Node* value) {
  if (pos_ >= text_.size() || text_[pos_] == ']' || text_[pos_] == '}') return false;
  *key = absl::string_view();
  if (object_) {
    size_t key_end = SkipString(text_, pos_);
    *key = text_.substr(pos_, key_end - pos_);
    pos_ = SkipWhitespace(text_, SkipWhitespace(text_, key_end) + 1);  // past ':'
  }
  size_t end = SkipValue(text_, pos_);
  *value = Node{KindAt(text_[pos_]), text_.substr(pos_, end - pos_)};
  pos_ = SkipWhitespace(text_, end);
  if (pos_ < text_.size() && text_[pos_] == ',') pos_ = SkipWhitespace(text_, pos_ + 1);
  return true;
}

bool Member(const Node& object, absl::string_view key, Node* out) {
  if (object.kind != Kind::kObject) return false;
  Iterator it(object);
  absl::string_view k;
  while (it.Next(&k, out)) {
    if (KeyEquals(k, key)) return true;
  }
  return false;
}

size_t Length(const Node& node) {
  Iterator it(node);
  absl::string_view k;
  Node v;
  size_t n = 0;
  while (it.Next(&k, &v)) ++n;
  return n;
}

bool Element(const Node& container, int64_t index, Node* out) {
  if (container.kind != Kind::kArray && container.kind != Kind::kObject) return false;
  if (index < 0) index += static_cast<int64_t>(Length(container)) + 1;
  if (index <= 0) return false;
  Iterator it(container);
  absl::string_view k;
  while (it.Next(&k, out)) {
    if (--index == 0) return true;
  }
  return false;
}

void AppendUnescaped(const Node& node, std::string* out) {
  absl::string_view s = node.text.substr(1, node.text.size() - 2);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out->push_back(s[i]);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        auto hex4 = [&](size_t at) {
          uint32_t v = 0;
          for (size_t k = 0; k < 4; ++k) v = v * 16 + HexValue(s[at + k]);
          return v;
        };
        uint32_t cp = hex4(i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          uint32_t low = hex4(i + 3);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        AppendUtf8(cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp, out);
        break;
      }
      default:
        out->push_back(e);
        break;  // " \ /
    }
  }
}

namespace {

// A number as ClickHouse reprints it: integers that fit Int64 or UInt64 in decimal (-0 is
// 0), larger ones as a JSON string, anything with a fraction or exponent as a Float64 in
// the text formats' shortest form (1.50 is 1.5, 1e2 is 100).
void AppendNumber(absl::string_view token, std::string* out) {
  if (IntegerSyntax(token)) {
    int64_t i;
    uint64_t u;
    if (ParseAll(token, &i)) {
      absl::StrAppend(out, i);
    } else if (ParseAll(token, &u)) {
      absl::StrAppend(out, u);
    } else {
      absl::StrAppend(out, "\"", token, "\"");
    }
    return;
  }
  double d;
  if (ParseAll(token, &d)) {
    engine::AppendFloat64Text(d, out);
  } else {
    out->append(token.data(), token.size());
  }
}

}  // namespace

void AppendQuoted(absl::string_view value, Escape style, std::string* out) {
  static constexpr char kHexUpper[] = "0123456789ABCDEF";
  static constexpr char kHexLower[] = "0123456789abcdef";
  const char* hex = style == Escape::kClickHouse ? kHexUpper : kHexLower;
  out->push_back('"');
  for (size_t i = 0; i < value.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\b':
        out->append("\\b");
        continue;
      case '\f':
        out->append("\\f");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      out->append("\\u00");
      out->push_back(hex[c >> 4]);
      out->push_back(hex[c & 15]);
    } else if (style == Escape::kClickHouse && c == 0xE2 && i + 2 < value.size() &&
               value[i + 1] == '\x80' && (value[i + 2] == '\xA8' || value[i + 2] == '\xA9')) {
      out->append(value[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");  // JavaScript line breaks
      i += 2;
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

void AppendMinified(const Node& node, std::string* out, Escape style) {
  absl::string_view s = node.text;
  std::string value;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '"') {
      size_t end = SkipString(s, i);
      value.clear();
      AppendUnescaped(Node{Kind::kString, s.substr(i, end - i)}, &value);
      AppendQuoted(value, style, out);
      i = end;
    } else if (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')) {
      size_t end = i + 1;
      while (end < s.size() && (std::strchr("0123456789+-.eE", s[end]) != nullptr && s[end] != '\0')) ++end;
      AppendNumber(s.substr(i, end - i), out);
      i = end;
    } else {
      if (!IsSpace(s[i])) out->push_back(s[i]);
      ++i;
    }
  }
}

bool ToInt64(const Node& node, int64_t* out) { return Convert(node, out); }
bool ToUInt64(const Node& node, uint64_t* out) { return Convert(node, out); }

bool ToDouble(const Node& node, double* out) {
  if (node.kind == Kind::kNumber) return ParseAll(node.text, out);
  if (node.kind != Kind::kString) return false;
  std::string value;
  AppendUnescaped(node, &value);
  return ParseAll(absl::string_view(value), out);
}

bool ToBool(const Node& node, bool* out) {
  if (node.kind == Kind::kBool) {
    *out = node.text[0] == 't';
    return true;
  }
  if (node.kind != Kind::kNumber || !IntegerSyntax(node.text)) return false;
  int64_t i;
  uint64_t u;
  if (ParseAll(node.text, &i)) {
    *out = i != 0;
    return true;
  }
  if (ParseAll(node.text, &u)) {
    *out = u != 0;
    return true;
  }
  return false;
}

}  // namespace tally::engine::exec::json_scan
