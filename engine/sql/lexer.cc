#include "engine/sql/lexer.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <system_error>

#include "absl/strings/match.h"

namespace tally::engine::sql {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
// ClickHouse's word characters: ASCII letters, digits and '_'. Other bytes (UTF-8
// included) must be quoted, as in ClickHouse.
bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Whether a decimal float that std::from_chars reported out of range overflows (else it
// underflows): the position of its first significant digit plus its exponent.
bool DecimalOverflows(absl::string_view s) {
  size_t e_at = s.find_first_of("eE");
  absl::string_view mantissa = s.substr(0, e_at);
  int64_t exponent = 0;
  if (e_at != absl::string_view::npos) {
    size_t i = e_at + 1;
    bool neg = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    for (; i < s.size(); ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), 1 << 30);  // saturates
    }
    if (neg) exponent = -exponent;
  }
  size_t dot = mantissa.find('.');
  absl::string_view int_part = mantissa.substr(0, dot);
  size_t first = int_part.find_first_not_of('0');
  if (first != absl::string_view::npos) {
    return static_cast<int64_t>(int_part.size() - first) - 1 + exponent > 0;
  }
  absl::string_view frac = dot == absl::string_view::npos ? "" : mantissa.substr(dot + 1);
  size_t k = frac.find_first_not_of('0');
  if (k == absl::string_view::npos) return false;  // zero
  return -static_cast<int64_t>(k + 1) + exponent > 0;
}

double ParseDecimalFloat(absl::string_view s) {
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    v = DecimalOverflows(s) ? std::numeric_limits<double>::infinity() : 0.0;
  }
  return v;
}

}  // namespace

format::Value NumberTokenValue(absl::string_view s) {
  using format::Value;
  int base = 10;
  absl::string_view digits = s;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    digits = s.substr(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    digits = s.substr(2);
  }
  if (base == 16 && digits.find_first_of(".pP") != absl::string_view::npos) {
    double v = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v,
                             std::chars_format::hex);
    if (r.ec == std::errc::result_out_of_range) {
      size_t p = digits.find_first_of("pP");
      bool tiny = p != absl::string_view::npos && p + 1 < digits.size() && digits[p + 1] == '-';
      v = tiny ? 0.0 : std::numeric_limits<double>::infinity();
    }
    return Value::Float(v);
  }
  if (base == 10 && digits.find_first_of(".eE") != absl::string_view::npos) {
    return Value::Float(ParseDecimalFloat(s));
  }
  uint64_t u = 0;
  double d = 0;  // kept in parallel for when u overflows
  bool overflow = false;
  for (char c : digits) {
    uint64_t x = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    if (u > (std::numeric_limits<uint64_t>::max() - x) / base) overflow = true;
    u = u * base + x;
    d = d * base + x;
  }
  if (!overflow) return Value::UInt(u);
  return Value::Float(base == 10 ? ParseDecimalFloat(s) : d);
}

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd: return "end of query";
    case TokenKind::kError: return "invalid token";
    case TokenKind::kBareWord: return "identifier";
    case TokenKind::kQuotedIdentifier: return "quoted identifier";
    case TokenKind::kNumber: return "number";
    case TokenKind::kString: return "string literal";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kLBracket: return "'['";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kLBrace: return "'{'";
    case TokenKind::kRBrace: return "'}'";
    case TokenKind::kComma: return "','";
    case TokenKind::kSemicolon: return "';'";
    case TokenKind::kDot: return "'.'";
    case TokenKind::kPlus: return "'+'";
    case TokenKind::kMinus: return "'-'";
    case TokenKind::kAsterisk: return "'*'";
    case TokenKind::kSlash: return "'/'";
    case TokenKind::kPercent: return "'%'";
    case TokenKind::kEquals: return "'='";
    case TokenKind::kNotEquals: return "'!='";
    case TokenKind::kLess: return "'<'";
    case TokenKind::kGreater: return "'>'";
    case TokenKind::kLessOrEquals: return "'<='";
    case TokenKind::kGreaterOrEquals: return "'>='";
    case TokenKind::kConcat: return "'||'";
    case TokenKind::kArrow: return "'->'";
    case TokenKind::kQuestion: return "'?'";
    case TokenKind::kColon: return "':'";
    case TokenKind::kDoubleColon: return "'::'";
  }
  return "token";
}

void Lexer::Advance(size_t to) {
  const char* base = text_.data();
  while (pos_ < to) {
    const void* nl = std::memchr(base + pos_, '\n', to - pos_);
    if (nl == nullptr) break;
    size_t at = static_cast<const char*>(nl) - base;
    ++line_;
    line_start_ = at + 1;
    pos_ = at + 1;
  }
  pos_ = to;
}

void Lexer::Reset(size_t offset) {
  if (offset < pos_) offset = pos_;  // positions only move forward
  if (offset > text_.size()) offset = text_.size();
  Advance(offset);
  stopped_ = false;
  prev_ = TokenKind::kEnd;
}

Token Lexer::Make(TokenKind kind, size_t begin, size_t end) {
  Token t;
  t.kind = kind;
  t.begin = begin;
  t.end = end;
  t.pos = Position{line_, static_cast<int>(begin - line_start_ + 1)};
  t.text = text_.substr(begin, end - begin);
  Advance(end);
  prev_ = kind;
  if (kind == TokenKind::kEnd || kind == TokenKind::kError) {
    stopped_ = true;
    last_ = t;
  }
  return t;
}

Token Lexer::MakeError(size_t begin, const char* error) {
  // The error token covers the offending byte only; where it starts is what matters.
  Token t = Make(TokenKind::kError, begin, begin + 1 <= text_.size() ? begin + 1 : begin);
  t.error = error;
  last_ = t;
  return t;
}

bool Lexer::SkipInsignificant(const char** error) {
  const size_t n = text_.size();
  size_t i = pos_;
  while (i < n) {
    char c = text_[i];
    if (IsSpace(c)) {
      ++i;
    } else if ((c == '-' && i + 1 < n && text_[i + 1] == '-') ||
               (c == '/' && i + 1 < n && text_[i + 1] == '/')) {
      size_t nl = text_.find('\n', i + 2);
      i = nl == absl::string_view::npos ? n : nl + 1;
    } else if (c == '/' && i + 1 < n && text_[i + 1] == '*') {
      size_t close = text_.find("*/", i + 2);
      if (close == absl::string_view::npos) {
        Advance(i);
        *error = "unterminated comment";
        return false;
      }
      i = close + 2;
    } else {
      break;
    }
  }
  Advance(i);
  return true;
}

Token Lexer::Next() {
  if (stopped_) return last_;
  const char* error = nullptr;
  if (!SkipInsignificant(&error)) return MakeError(pos_, error);
  const size_t n = text_.size();
  const size_t b = pos_;
  if (b >= n) return Make(TokenKind::kEnd, n, n);
  const char c = text_[b];
  auto next_is = [&](char want) { return b + 1 < n && text_[b + 1] == want; };
  switch (c) {
    case '\'':
      return LexQuoted(b, c, TokenKind::kString);
    case '"':
    case '`':
      return LexQuoted(b, c, TokenKind::kQuotedIdentifier);
    case '(': return Make(TokenKind::kLParen, b, b + 1);
    case ')': return Make(TokenKind::kRParen, b, b + 1);
    case '[': return Make(TokenKind::kLBracket, b, b + 1);
    case ']': return Make(TokenKind::kRBracket, b, b + 1);
    case '{': return Make(TokenKind::kLBrace, b, b + 1);
    case '}': return Make(TokenKind::kRBrace, b, b + 1);
    case ',': return Make(TokenKind::kComma, b, b + 1);
    case ';': return Make(TokenKind::kSemicolon, b, b + 1);
    case '+': return Make(TokenKind::kPlus, b, b + 1);
    case '*': return Make(TokenKind::kAsterisk, b, b + 1);
    case '/': return Make(TokenKind::kSlash, b, b + 1);
    case '%': return Make(TokenKind::kPercent, b, b + 1);
    case '?': return Make(TokenKind::kQuestion, b, b + 1);
    case '-':
      if (next_is('>')) return Make(TokenKind::kArrow, b, b + 2);
      return Make(TokenKind::kMinus, b, b + 1);
    case '=':
      return Make(TokenKind::kEquals, b, next_is('=') ? b + 2 : b + 1);
    case '!':
      if (next_is('=')) return Make(TokenKind::kNotEquals, b, b + 2);
      return MakeError(b, "unexpected '!' (the operator is '!=')");
    case '<':
      if (next_is('=')) return Make(TokenKind::kLessOrEquals, b, b + 2);
      if (next_is('>')) return Make(TokenKind::kNotEquals, b, b + 2);
      return Make(TokenKind::kLess, b, b + 1);
    case '>':
      if (next_is('=')) return Make(TokenKind::kGreaterOrEquals, b, b + 2);
      return Make(TokenKind::kGreater, b, b + 1);
    case '|':
      if (next_is('|')) return Make(TokenKind::kConcat, b, b + 2);
      return MakeError(b, "unexpected '|' (the operator is '||')");
    case ':':
      if (next_is(':')) return Make(TokenKind::kDoubleColon, b, b + 2);
      return Make(TokenKind::kColon, b, b + 1);
    case '.': {
      // A number (.5) only where a value may start; after a name, a closing bracket or a
      // number it is the qualifier / tuple access dot (t.1, x.1.2), as in ClickHouse.
      bool digit_follows = b + 1 < n && IsDigit(text_[b + 1]);
      bool after_operand = prev_ == TokenKind::kRParen || prev_ == TokenKind::kRBracket ||
                           prev_ == TokenKind::kBareWord ||
                           prev_ == TokenKind::kQuotedIdentifier ||
                           prev_ == TokenKind::kNumber;
      if (!digit_follows || (b > 0 && after_operand)) return Make(TokenKind::kDot, b, b + 1);
      return LexNumber(b);
    }
    default:
      break;
  }
  if (IsDigit(c)) return LexNumber(b);
  if (IsWordChar(c)) {
    size_t e = b + 1;
    while (e < n && IsWordChar(text_[e])) ++e;
    return Make(TokenKind::kBareWord, b, e);
  }
  if (c == '\0') return MakeError(b, "unexpected NUL byte");
  if (static_cast<unsigned char>(c) >= 0x80) {
    return MakeError(b, "unexpected non-ASCII byte (quote such names with `backquotes`)");
  }
  return MakeError(b, "unexpected character");
}

Token Lexer::LexNumber(size_t b) {
  const size_t n = text_.size();
  size_t e = b;
  auto digits = [&](bool (*is)(char)) {
    size_t start = e;
    while (e < n && is(text_[e])) ++e;
    return e > start;
  };
  bool ok = true;
  if (prev_ == TokenKind::kDot && IsDigit(text_[b])) {
    // After '.', only an integer: x.1.2 is two tuple accesses, not x . 1.2.
    digits(IsDigit);
  } else if (text_[b] == '0' && b + 2 < n && (text_[b + 1] == 'x' || text_[b + 1] == 'X') &&
             IsHexDigit(text_[b + 2])) {
    e = b + 2;
    digits(IsHexDigit);
    if (e < n && text_[e] == '.') {
      ++e;
      digits(IsHexDigit);
    }
    if (e < n && (text_[e] == 'p' || text_[e] == 'P')) {
      ++e;
      if (e < n && (text_[e] == '+' || text_[e] == '-')) ++e;
      ok = digits(IsDigit);
    }
  } else if (text_[b] == '0' && b + 2 < n && (text_[b + 1] == 'b' || text_[b + 1] == 'B') &&
             (text_[b + 2] == '0' || text_[b + 2] == '1')) {
    e = b + 2;
    digits([](char c) { return c == '0' || c == '1'; });
  } else {
    digits(IsDigit);  // none for .5
    if (e < n && text_[e] == '.') {
      ++e;
      digits(IsDigit);
    }
    if (e < n && (text_[e] == 'e' || text_[e] == 'E')) {
      ++e;
      if (e < n && (text_[e] == '+' || text_[e] == '-')) ++e;
      ok = digits(IsDigit);
    }
  }
  if (!ok || (e < n && IsWordChar(text_[e]))) {
    // SELECT 123FROM, 1e, 0x1p: ClickHouse rejects these too.
    return MakeError(b, "invalid number");
  }
  return Make(TokenKind::kNumber, b, e);
}

Token Lexer::LexQuoted(size_t b, char quote, TokenKind kind) {
  const size_t n = text_.size();
  const char stops[3] = {quote, '\\', '\0'};
  size_t i = b + 1;
  while (true) {
    i = text_.find_first_of(absl::string_view(stops, 2), i);
    if (i == absl::string_view::npos || i >= n) break;
    if (text_[i] == '\\') {
      i += 2;  // the escaped character, whatever it is, cannot close the literal
      continue;
    }
    if (i + 1 < n && text_[i + 1] == quote) {  // '' stands for '
      i += 2;
      continue;
    }
    return Make(kind, b, i + 1);
  }
  return MakeError(b, kind == TokenKind::kString ? "unterminated string literal"
                      : quote == '`'             ? "unterminated backquoted identifier"
                                                 : "unterminated quoted identifier");
}

std::string UnquoteToken(absl::string_view token_text) {
  std::string out;
  if (token_text.size() < 2) return out;
  const char quote = token_text.front();
  absl::string_view s = token_text.substr(1, token_text.size() - 2);
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == quote && i + 1 < s.size() && s[i + 1] == quote) {
      out.push_back(quote);
      ++i;
      continue;
    }
    if (c != '\\' || i + 1 >= s.size()) {
      out.push_back(c);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'e': out.push_back('\x1B'); break;
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'a': out.push_back('\a'); break;
      case 'v': out.push_back('\v'); break;
      case '0': out.push_back('\0'); break;
      case 'x':
        if (i + 2 < s.size() && IsHexDigit(s[i + 1]) && IsHexDigit(s[i + 2])) {
          out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
          i += 2;
        } else {
          out.append("\\x");
        }
        break;
      case '\\':
      case '\'':
      case '"':
      case '`':
      case '/':
      case '=':
        out.push_back(e);
        break;
      default:
        // As in ClickHouse, other escapes keep their backslash, for LIKE patterns and
        // regular expressions: '100\%' is 100\%, '\d+' is \d+.
        out.push_back('\\');
        out.push_back(e);
        break;
    }
  }
  return out;
}

bool IsKeyword(const Token& token, absl::string_view keyword) {
  return token.kind == TokenKind::kBareWord && absl::EqualsIgnoreCase(token.text, keyword);
}

}  // namespace tally::engine::sql
