// Lexer: splits SQL text (ClickHouse's dialect) into tokens, on demand, one at a time.
//
// On demand because INSERT ... VALUES / FORMAT carries raw data after the query that is
// not SQL and must never be lexed: the parser stops pulling tokens there and resumes (with
// Reset) after the data, if at all. Tokens are views into the text (offsets and a
// 1-based line:column); string and quoted-identifier tokens keep their quotes, and
// UnquoteToken decodes them. Malformed input (unterminated strings, comments and
// backquotes, stray bytes, numbers glued to words) yields one kError token whose `error`
// says what is wrong; lexing is linear in the input and never fails otherwise.
//
// A Lexer is a plain value over text it does not own; not synchronized.
#ifndef TALLY_ENGINE_SQL_LEXER_H_
#define TALLY_ENGINE_SQL_LEXER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "engine/sql/ast.h"
#include "format/value.h"

namespace tally::engine::sql {

enum class TokenKind : uint8_t {
  kEnd,               // end of the text
  kError,             // malformed input; Token::error says why
  kBareWord,          // keyword or unquoted identifier: SELECT, count, _x1, $y
  kQuotedIdentifier,  // `name` or "name" (quotes kept in the text)
  kNumber,            // 123, 1.5e-3, .5, 0x1F, 0b101 (never signed)
  kString,            // 'text' (quotes and escapes kept in the text)
  kLParen,            // (
  kRParen,            // )
  kLBracket,          // [
  kRBracket,          // ]
  kLBrace,            // {
  kRBrace,            // }
  kComma,             // ,
  kSemicolon,         // ;
  kDot,               // .
  kPlus,              // +
  kMinus,             // -
  kAsterisk,          // *
  kSlash,             // /
  kPercent,           // %
  kEquals,            // = or ==
  kNotEquals,         // != or <>
  kLess,              // <
  kGreater,           // >
  kLessOrEquals,      // <=
  kGreaterOrEquals,   // >=
  kConcat,            // ||
  kArrow,             // ->
  kQuestion,          // ?
  kColon,             // :
  kDoubleColon,       // ::
};

// A short description for error messages: "'('", "string literal", "end of query".
const char* TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;  // byte offsets into the lexed text
  size_t end = 0;
  Position pos;                 // of `begin`
  absl::string_view text;       // text[begin, end)
  const char* error = nullptr;  // kError only: "unterminated string literal", ...
};

class Lexer {
 public:
  explicit Lexer(absl::string_view text) : text_(text) {}

  // The next significant token (whitespace and comments skipped). After the end (or an
  // error) every call returns the same kEnd (kError) token again.
  Token Next();

  // Continues lexing at byte `offset`, which must not be before the current position
  // (positions are tracked forward only). REQUIRES: offset <= text().size().
  void Reset(size_t offset);

  absl::string_view text() const { return text_; }

 private:
  void Advance(size_t to);  // moves pos_, counting lines
  Token Make(TokenKind kind, size_t begin, size_t end);
  Token MakeError(size_t begin, const char* error);
  Token LexNumber(size_t begin);
  Token LexQuoted(size_t begin, char quote, TokenKind kind);
  // Skips whitespace and comments; false (with *error set) on an unterminated comment.
  bool SkipInsignificant(const char** error);

  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  TokenKind prev_ = TokenKind::kEnd;  // previous significant token: tells `x.1` from `.1`
  bool stopped_ = false;             // returned kEnd or kError; `last_` repeats
  Token last_;
};

// The value of a kString token or the name of a kQuotedIdentifier: a doubled quote
// character stands for one; escapes \n \t \r \b \f \a \v \e \0 \xHH are decoded, \\ \' \"
// \` \/ \= stand for the character; any other \c stays \c (as in ClickHouse, so that
// LIKE patterns and regular expressions such as '\d+' or '100\%' keep their backslash).
// REQUIRES: a well-formed token from the Lexer.
std::string UnquoteToken(absl::string_view token_text);

// The value of a kNumber token: UInt64 when it is an integer that fits, else Float64, as
// in ClickHouse (18446744073709551616 is a float; 1e999 is inf, 1e-999 is 0).
// REQUIRES: a well-formed kNumber token from the Lexer.
format::Value NumberTokenValue(absl::string_view token_text);

// Whether `token` is the bare word `keyword` (ASCII case-insensitive). Quoted identifiers
// are never keywords.
bool IsKeyword(const Token& token, absl::string_view keyword);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_LEXER_H_
