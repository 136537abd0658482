// The SQL lexer: token kinds and texts, escapes, comments, positions, and malformed or
// hostile input (always a kError token with a position, never a hang).
#include "engine/sql/lexer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tally::engine::sql {
namespace {

using TK = TokenKind;

std::vector<Token> LexAll(absl::string_view text) {
  Lexer lexer(text);
  std::vector<Token> out;
  while (true) {
    Token t = lexer.Next();
    out.push_back(t);
    if (t.kind == TK::kEnd || t.kind == TK::kError) return out;
  }
}

// "kind:text" per token, space-separated, for compact expectations. Kinds are short:
// w (bare word), q (quoted identifier), n (number), s (string), o (operator or bracket),
// E (error), and the end is left out.
std::string Describe(absl::string_view text) {
  std::vector<std::string> parts;
  for (const Token& t : LexAll(text)) {
    switch (t.kind) {
      case TK::kEnd: break;
      case TK::kError: parts.push_back(absl::StrCat("E@", t.pos.column)); break;
      case TK::kBareWord: parts.push_back(absl::StrCat("w:", t.text)); break;
      case TK::kQuotedIdentifier: parts.push_back(absl::StrCat("q:", t.text)); break;
      case TK::kNumber: parts.push_back(absl::StrCat("n:", t.text)); break;
      case TK::kString: parts.push_back(absl::StrCat("s:", t.text)); break;
      default: parts.push_back(absl::StrCat("o:", t.text)); break;
    }
  }
  return absl::StrJoin(parts, " ");
}

TEST(SqlLexerTest, TokenizesTable) {
  const std::pair<const char*, const char*> kCases[] = {
      {"", ""},
      {"   \t\n ", ""},
      {"SELECT a FROM t", "w:SELECT w:a w:FROM w:t"},
      {"select _x1, y2", "w:select w:_x1 o:, w:y2"},
      {"`my col` \"other\"", "q:`my col` q:\"other\""},
      {".5 123 0 1.5 1. 1e10 1E-5 1.5e+3", "n:.5 n:123 n:0 n:1.5 n:1. n:1e10 n:1E-5 n:1.5e+3"},
      {"1. .5", "n:1. o:. n:5"},  // after a number '.' is a dot, as in ClickHouse
      {"..5", "o:. n:.5"},
      {"0x1F 0XaB 0b101 0x1p4", "n:0x1F n:0XaB n:0b101 n:0x1p4"},
      // After a name, a bracket or a number, '.' is the tuple/qualifier dot.
      {"x.1.2", "w:x o:. n:1 o:. n:2"},
      {"t.a", "w:t o:. w:a"},
      {"(x).1", "o:( w:x o:) o:. n:1"},
      {"a[1].2", "w:a o:[ n:1 o:] o:. n:2"},
      {"1 + .5", "n:1 o:+ n:.5"},
      {"'abc' 'it''s' 'a\\'b'", "s:'abc' s:'it''s' s:'a\\'b'"},
      {"+ - * / % = == != <> < > <= >= || -> ? : :: . , ( ) [ ] { } ;",
       "o:+ o:- o:* o:/ o:% o:= o:== o:!= o:<> o:< o:> o:<= o:>= o:|| o:-> o:? o:: o::: o:. "
       "o:, o:( o:) o:[ o:] o:{ o:} o:;"},
      {"a--comment\nb", "w:a w:b"},
      {"a -- comment to the end", "w:a"},
      {"a /* block\n comment */ b", "w:a w:b"},
      {"a // comment\nb", "w:a w:b"},
      {"a-b", "w:a o:- w:b"},
      {"a->b", "w:a o:-> w:b"},
      {"'x'::UInt32", "s:'x' o::: w:UInt32"},
      {"{id:UInt32}", "o:{ w:id o:: w:UInt32 o:}"},
      // Errors: the position of the offending byte or of the opening quote.
      {"a # b", "w:a E@3"},
      {"'unterminated", "E@1"},
      {"x 'it''s", "w:x E@3"},
      {"`back", "E@1"},
      {"\"double", "E@1"},
      {"'ends in backslash\\'", "E@1"},
      {"a /* open", "w:a E@3"},
      {"123abc", "E@1"},
      {"1e", "E@1"},
      {"1e+", "E@1"},
      {"0x1p", "E@1"},
      {"a ! b", "w:a E@3"},
      {"a | b", "w:a E@3"},
      {"a @ b", "w:a E@3"},
      {"caf\xC3\xA9", "w:caf E@4"},
  };
  for (const auto& [input, want] : kCases) {
    EXPECT_EQ(Describe(input), want) << "input: " << input;
  }
}

TEST(SqlLexerTest, NulByteIsAnError) {
  const std::string text("a \0 b", 5);
  std::vector<Token> tokens = LexAll(text);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[1].kind, TK::kError);
  EXPECT_EQ(tokens[1].pos.column, 3);
  EXPECT_STREQ(tokens[1].error, "unexpected NUL byte");
}

TEST(SqlLexerTest, KeywordsAreCaseInsensitiveButQuotedNamesAreNot) {
  std::vector<Token> tokens = LexAll("select SeLeCt `select`");
  EXPECT_TRUE(IsKeyword(tokens[0], "SELECT"));
  EXPECT_TRUE(IsKeyword(tokens[1], "select"));
  EXPECT_FALSE(IsKeyword(tokens[2], "SELECT"));
  EXPECT_FALSE(IsKeyword(tokens[0], "SEL"));
}

TEST(SqlLexerTest, UnquotesStringsAndIdentifiers) {
  const std::pair<std::string, std::string> kCases[] = {
      {"'abc'", "abc"},
      {"''", ""},
      {"'it''s'", "it's"},
      {"'a\\'b'", "a'b"},
      {"'a\\\\b'", "a\\b"},
      {"'\\n\\t\\r\\b\\f\\a\\v'", "\n\t\r\b\f\a\v"},
      {"'\\0'", std::string("\0", 1)},
      {"'\\x41\\x4a\\x4A'", "AJJ"},
      {"'\\xZZ'", "\\xZZ"},
      {"'\\e'", "\x1B"},
      {"'\\\"\\`\\/\\='", "\"`/="},
      // Other escapes keep their backslash, as in ClickHouse (LIKE patterns, regexps).
      {"'\\d+'", "\\d+"},
      {"'100\\%'", "100\\%"},
      {"'a\\_b'", "a\\_b"},
      {"`a``b`", "a`b"},
      {"\"a\"\"b\"", "a\"b"},
      {"`my col`", "my col"},
      {"'multi\nline'", "multi\nline"},
  };
  for (const auto& [token, want] : kCases) {
    std::vector<Token> tokens = LexAll(token);
    ASSERT_EQ(tokens.size(), 2u) << token;
    ASSERT_NE(tokens[0].kind, TK::kError) << token;
    EXPECT_EQ(UnquoteToken(tokens[0].text), want) << token;
  }
}

TEST(SqlLexerTest, TracksLinesAndColumns) {
  std::vector<Token> tokens = LexAll("SELECT\n  a,\n\t'x\ny' b -- c\n/* d\n */ e");
  ASSERT_EQ(tokens.size(), 7u);
  auto at = [&](size_t k) { return std::make_pair(tokens[k].pos.line, tokens[k].pos.column); };
  EXPECT_EQ(at(0), std::make_pair(1, 1));  // SELECT
  EXPECT_EQ(at(1), std::make_pair(2, 3));  // a
  EXPECT_EQ(at(2), std::make_pair(2, 4));  // ,
  EXPECT_EQ(at(3), std::make_pair(3, 2));  // 'x\ny'
  EXPECT_EQ(at(4), std::make_pair(4, 4));  // b
  EXPECT_EQ(at(5), std::make_pair(6, 5));  // e
  EXPECT_EQ(tokens[6].kind, TK::kEnd);
  EXPECT_EQ(tokens[3].begin, 13u);
  EXPECT_EQ(tokens[3].end, 18u);
}

TEST(SqlLexerTest, RepeatsEndAndErrorTokens) {
  Lexer lexer("a");
  EXPECT_EQ(lexer.Next().kind, TK::kBareWord);
  EXPECT_EQ(lexer.Next().kind, TK::kEnd);
  EXPECT_EQ(lexer.Next().kind, TK::kEnd);
  Lexer bad("a 'open");
  EXPECT_EQ(bad.Next().kind, TK::kBareWord);
  Token e1 = bad.Next(), e2 = bad.Next();
  EXPECT_EQ(e1.kind, TK::kError);
  EXPECT_EQ(e2.kind, TK::kError);
  EXPECT_STREQ(e2.error, "unterminated string literal");
  EXPECT_EQ(e2.pos.column, 3);
}

TEST(SqlLexerTest, ResetSkipsRawDataAndKeepsPositions) {
  const std::string text = "VALUES 'not closed\n(1);\nSELECT";
  Lexer lexer(text);
  Token values = lexer.Next();
  EXPECT_TRUE(IsKeyword(values, "VALUES"));
  lexer.Reset(text.find(';'));
  Token semi = lexer.Next();
  EXPECT_EQ(semi.kind, TK::kSemicolon);
  EXPECT_EQ(semi.pos.line, 2);
  EXPECT_EQ(semi.pos.column, 4);
  Token select = lexer.Next();
  EXPECT_TRUE(IsKeyword(select, "SELECT"));
  EXPECT_EQ(select.pos.line, 3);
  EXPECT_EQ(select.pos.column, 1);
}

TEST(SqlLexerTest, HugeLiteralsLexInLinearTime) {
  const std::string big(10 << 20, 'x');
  std::string text = absl::StrCat("'", big, "' ", std::string(1 << 20, '7'), " `",
                                  std::string(1 << 20, 'y'), "`");
  auto start = std::chrono::steady_clock::now();
  std::vector<Token> tokens = LexAll(text);
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, TK::kString);
  EXPECT_EQ(UnquoteToken(tokens[0].text).size(), big.size());
  EXPECT_EQ(tokens[1].kind, TK::kNumber);
  EXPECT_EQ(tokens[2].kind, TK::kQuotedIdentifier);
  // Escapes everywhere, and an unterminated one.
  std::string escaped = "'";
  for (int i = 0; i < (1 << 20); ++i) escaped += "\\'";
  EXPECT_EQ(LexAll(escaped).back().kind, TK::kError);
  escaped += "'";
  EXPECT_EQ(LexAll(escaped).front().kind, TK::kString);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SqlLexerTest, RandomBytesEndInEndOrErrorWithOrderedTokens) {
  std::mt19937 rng(20261121);
  const std::string alphabet = "ab1_.'\"`\\-/*#!|<>=(){}[]:;, \n\t\x01\xff";
  for (int iter = 0; iter < 5000; ++iter) {
    std::string text(rng() % 64, '\0');
    for (char& c : text) {
      c = iter % 2 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    }
    Lexer lexer(text);
    size_t last_end = 0;
    for (int k = 0;; ++k) {
      ASSERT_LE(k, 200) << "too many tokens";
      Token t = lexer.Next();
      ASSERT_GE(t.begin, last_end);
      ASSERT_LE(t.end, text.size());
      ASSERT_GE(t.pos.line, 1);
      ASSERT_GE(t.pos.column, 1);
      if (t.kind == TK::kEnd || t.kind == TK::kError) {
        if (t.kind == TK::kError) {
          ASSERT_NE(t.error, nullptr);
        }
        break;
      }
      ASSERT_GT(t.end, t.begin);
      if (t.kind == TK::kString || t.kind == TK::kQuotedIdentifier) UnquoteToken(t.text);
      last_end = t.end;
    }
  }
}

}  // namespace
}  // namespace tally::engine::sql
