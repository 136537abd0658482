// Expressions: a precedence-climbing parser over ClickHouse's operator table
// (parser_internal.h: Prec), rewriting operators into the functions ClickHouse names
// them by.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/sql/parser.h"
#include "engine/sql/parser_internal.h"
#include "format/status_macros.h"

namespace tally::engine::sql::internal {
namespace {

using format::Value;

// Whether `word`, upper-cased, is in `words` (upper-case entries), without allocating.
bool InWordSet(absl::string_view word, const absl::flat_hash_set<absl::string_view>& words) {
  char upper[16];
  if (word.size() > sizeof(upper)) return false;
  for (size_t i = 0; i < word.size(); ++i) upper[i] = absl::ascii_toupper(word[i]);
  return words.contains(absl::string_view(upper, word.size()));
}

// Keywords that never start an expression (unless called as functions: and(a, b)), so
// that `SELECT FROM t` is an error rather than a column named FROM aliased t. Words that
// make plausible column names (end, limit, format, values, ...) stay identifiers.
bool IsClauseWord(absl::string_view word) {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>{
      "AND", "AS", "BETWEEN", "ELSE", "FROM", "GROUP", "HAVING", "ILIKE", "INTO", "IS",
      "JOIN", "LIKE", "OR", "ORDER", "PREWHERE", "SELECT", "THEN", "UNION", "WHEN", "WHERE"};
  return InWordSet(word, *kWords);
}

// Words ParseWordPrimary gives a meaning other than a plain name or call.
bool IsSpecialWord(absl::string_view word) {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>{
      "NULL", "TRUE", "FALSE", "INF", "INFINITY", "NAN", "CASE", "CAST", "INTERVAL", "DATE",
      "TIMESTAMP"};
  return InWordSet(word, *kWords) || IsClauseWord(word);
}

}  // namespace

// `SELECT count() c FROM t` aliases count() as c, but `SELECT x FROM t` does not alias x.
bool IsReservedWord(absl::string_view word) {
  static const auto* const kWords = new absl::flat_hash_set<absl::string_view>{
      "ALIAS", "ALL", "AND", "ANTI", "ANY", "ARRAY", "AS", "ASC", "ASCENDING", "ASOF",
      "BETWEEN", "BY", "CODEC", "COLLATE", "COMMENT", "CROSS", "DEFAULT", "DESC",
      "DESCENDING", "DIV", "ELSE", "END", "ENGINE", "EPHEMERAL", "EXCEPT", "FINAL", "FORMAT",
      "FROM", "FULL", "GLOBAL", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INTERSECT",
      "INTO", "IS", "JOIN", "LEFT", "LIKE", "LIMIT", "MATERIALIZED", "MOD", "NOT", "NULLS",
      "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PASTE", "PREWHERE",
      "PRIMARY", "QUALIFY", "REGEXP", "RIGHT", "SAMPLE", "SELECT", "SEMI", "SETTINGS",
      "THEN", "TTL", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WINDOW", "WITH"};
  return InWordSet(word, *kWords);
}

namespace {

// INTERVAL units to the suffix of their toInterval* function; plurals accepted too.
const char* IntervalUnit(absl::string_view word) {
  static const std::pair<const char*, const char*> kUnits[] = {
      {"NANOSECOND", "Nanosecond"}, {"MICROSECOND", "Microsecond"},
      {"MILLISECOND", "Millisecond"}, {"SECOND", "Second"}, {"MINUTE", "Minute"},
      {"HOUR", "Hour"}, {"DAY", "Day"}, {"WEEK", "Week"}, {"MONTH", "Month"},
      {"QUARTER", "Quarter"}, {"YEAR", "Year"}};
  for (const auto& [unit, name] : kUnits) {
    if (absl::EqualsIgnoreCase(word, unit) ||
        (word.size() == strlen(unit) + 1 && absl::StartsWithIgnoreCase(word, unit) &&
         (word.back() == 's' || word.back() == 'S'))) {
      return name;
    }
  }
  return nullptr;
}

}  // namespace

// ---------------------------------------------------------------- nodes and heights

ExprPtr Parser::NewExpr(Expr::Kind kind, Position pos) {
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->pos = pos;
  heights_.erase(e.get());  // the address may be a freed node's
  return e;
}

int Parser::HeightOf(const ExprPtr& e) const {
  auto it = heights_.find(e.get());
  return it == heights_.end() ? 1 : it->second;
}

absl::Status Parser::SetHeight(const ExprPtr& e, int height) {
  if (height > kMaxExprHeight) {
    return MessageAt(e->pos, absl::StrCat("expression is nested too deeply (more than ",
                                          kMaxExprHeight, " levels)"));
  }
  if (height > 1) heights_[e.get()] = height;
  select_height_ = std::max(select_height_, height);
  return absl::OkStatus();
}

absl::StatusOr<ExprPtr> Parser::MakeFunction(std::string name, std::vector<ExprPtr> args,
                                             Position pos) {
  ExprPtr e = NewExpr(Expr::Kind::kFunction, pos);
  e->name = std::move(name);
  int height = 0;
  for (const ExprPtr& a : args) height = std::max(height, HeightOf(a));
  e->args = std::move(args);
  TALLY_RETURN_IF_ERROR(SetHeight(e, height + 1));
  return e;
}

ExprPtr Parser::MakeLiteral(format::Value value, Position pos) {
  ExprPtr e = NewExpr(Expr::Kind::kLiteral, pos);
  e->literal = std::move(value);
  return e;
}

// ---------------------------------------------------------------- operators

absl::StatusOr<ExprPtr> Parser::ParseExpr(int min_prec) {
  TALLY_RETURN_IF_ERROR(Enter());
  DepthScope scope(&depth_);
  if (min_prec == kPrecLowest) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr lambda, TryParseLambda());
    if (lambda != nullptr) return lambda;
  }
  TALLY_ASSIGN_OR_RETURN(ExprPtr left, ParsePrefix());
  Expr* chain = nullptr;
  while (true) {
    bool done = false;
    TALLY_ASSIGN_OR_RETURN(left, ParseInfix(std::move(left), min_prec, &chain, &done));
    if (done) return left;
  }
}

absl::StatusOr<ExprPtr> Parser::ParseInfix(ExprPtr left, int min_prec, Expr** chain,
                                           bool* done) {
  const Token t = Peek();
  const Position pos = left->pos;
  int prec = -1;
  const char* name = nullptr;  // a plain binary operator
  switch (t.kind) {
    case TokenKind::kQuestion: prec = kPrecTernary; break;
    case TokenKind::kEquals: prec = kPrecCompare; name = "equals"; break;
    case TokenKind::kNotEquals: prec = kPrecCompare; name = "notEquals"; break;
    case TokenKind::kLess: prec = kPrecCompare; name = "less"; break;
    case TokenKind::kGreater: prec = kPrecCompare; name = "greater"; break;
    case TokenKind::kLessOrEquals: prec = kPrecCompare; name = "lessOrEquals"; break;
    case TokenKind::kGreaterOrEquals: prec = kPrecCompare; name = "greaterOrEquals"; break;
    case TokenKind::kConcat: prec = kPrecConcat; name = "concat"; break;
    case TokenKind::kPlus: prec = kPrecAdd; name = "plus"; break;
    case TokenKind::kMinus: prec = kPrecAdd; name = "minus"; break;
    case TokenKind::kAsterisk: prec = kPrecMul; name = "multiply"; break;
    case TokenKind::kSlash: prec = kPrecMul; name = "divide"; break;
    case TokenKind::kPercent: prec = kPrecMul; name = "modulo"; break;
    case TokenKind::kLBracket:
    case TokenKind::kDot:
    case TokenKind::kDoubleColon: prec = kPrecPostfix; break;
    case TokenKind::kBareWord:
      if (IsKeyword(t, "OR")) {
        prec = kPrecOr, name = "or";
      } else if (IsKeyword(t, "AND")) {
        prec = kPrecAnd, name = "and";
      } else if (IsKeyword(t, "IS") || IsKeyword(t, "BETWEEN")) {
        prec = kPrecIsNull;
      } else if (IsKeyword(t, "LIKE")) {
        prec = kPrecCompare, name = "like";
      } else if (IsKeyword(t, "ILIKE")) {
        prec = kPrecCompare, name = "ilike";
      } else if (IsKeyword(t, "REGEXP")) {
        prec = kPrecCompare, name = "match";
      } else if (IsKeyword(t, "IN")) {
        prec = kPrecCompare, name = "in";
      } else if (IsKeyword(t, "DIV")) {
        prec = kPrecMul, name = "intDiv";
      } else if (IsKeyword(t, "MOD")) {
        prec = kPrecMul, name = "modulo";
      } else if (IsKeyword(t, "NOT")) {
        // NOT LIKE / NOT ILIKE / NOT IN / NOT BETWEEN; a lone NOT ends the expression.
        if (PeekKeyword("BETWEEN", 1)) {
          prec = kPrecIsNull;
        } else if (PeekKeyword("LIKE", 1) || PeekKeyword("ILIKE", 1) || PeekKeyword("IN", 1)) {
          prec = kPrecCompare;
        }
      } else if (IsKeyword(t, "GLOBAL") && (PeekKeyword("IN", 1) || (PeekKeyword("NOT", 1) &&
                                                                     PeekKeyword("IN", 2)))) {
        prec = kPrecCompare;
      }
      break;
    default:
      break;
  }
  if (prec < min_prec) {
    *done = true;
    return left;
  }
  if (prec == kPrecPostfix) return ParsePostfix(std::move(left));
  Take();
  if (t.kind == TokenKind::kQuestion) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr then_expr, ParseExpr(kPrecTernary));
    if (!Accept(TokenKind::kColon)) return ErrorAt(Peek(), "':' of the ?: operator");
    TALLY_ASSIGN_OR_RETURN(ExprPtr else_expr, ParseExpr(kPrecTernary));  // right-assoc
    return MakeFunction("if", {std::move(left), std::move(then_expr), std::move(else_expr)},
                        pos);
  }
  std::string fn = name != nullptr ? name : "";
  if (IsKeyword(t, "NOT")) {
    Token op = Take();
    if (IsKeyword(op, "LIKE")) fn = "notLike";
    if (IsKeyword(op, "ILIKE")) fn = "notILike";
    if (IsKeyword(op, "IN")) fn = "notIn";
  } else if (IsKeyword(t, "GLOBAL")) {
    fn = AcceptKeyword("NOT") ? "globalNotIn" : "globalIn";
    Take();  // IN
  } else if (IsKeyword(t, "IS")) {
    bool negated = AcceptKeyword("NOT");
    TALLY_RETURN_IF_ERROR(ExpectKeyword("NULL"));
    return MakeFunction(negated ? "isNotNull" : "isNull", {std::move(left)}, pos);
  }
  if (IsKeyword(t, "BETWEEN") || (IsKeyword(t, "NOT") && fn.empty())) {
    bool negated = IsKeyword(t, "NOT");  // NOT BETWEEN: BETWEEN already taken above
    TALLY_ASSIGN_OR_RETURN(ExprPtr low, ParseExpr(kPrecIsNull + 1));
    TALLY_RETURN_IF_ERROR(ExpectKeyword("AND"));
    TALLY_ASSIGN_OR_RETURN(ExprPtr high, ParseExpr(kPrecIsNull + 1));
    TALLY_ASSIGN_OR_RETURN(ExprPtr lo_cmp,
                           MakeFunction(negated ? "less" : "greaterOrEquals", {left, low}, pos));
    TALLY_ASSIGN_OR_RETURN(ExprPtr hi_cmp,
                           MakeFunction(negated ? "greater" : "lessOrEquals", {left, high}, pos));
    return MakeFunction(negated ? "or" : "and", {std::move(lo_cmp), std::move(hi_cmp)}, pos);
  }
  TALLY_ASSIGN_OR_RETURN(ExprPtr right, ParseExpr(prec + 1));
  // and, or and || take any number of arguments: a AND b AND c is and(a, b, c), as in
  // ClickHouse. Only chains written without brackets merge: (a AND b) AND c does not.
  const bool variadic = fn == "and" || fn == "or" || fn == "concat";
  if (variadic && left->kind == Expr::Kind::kFunction && left->name == fn &&
      left->alias.empty() && *chain == left.get()) {
    TALLY_RETURN_IF_ERROR(SetHeight(left, std::max(HeightOf(left), HeightOf(right) + 1)));
    left->args.push_back(std::move(right));
    return left;
  }
  TALLY_ASSIGN_OR_RETURN(ExprPtr node, MakeFunction(fn, {std::move(left), std::move(right)}, pos));
  if (variadic) *chain = node.get();
  return node;
}

absl::StatusOr<ExprPtr> Parser::ParsePostfix(ExprPtr left) {
  const Token t = Take();
  const Position pos = left->pos;
  if (t.kind == TokenKind::kLBracket) {  // x[k]
    TALLY_ASSIGN_OR_RETURN(ExprPtr index, ParseExpr());
    if (!Accept(TokenKind::kRBracket)) return ErrorAt(Peek(), "']'");
    return MakeFunction("arrayElement", {std::move(left), std::move(index)}, pos);
  }
  if (t.kind == TokenKind::kDoubleColon) {  // x::T
    TALLY_ASSIGN_OR_RETURN(std::string type, ParseTypeText());
    return MakeFunction("CAST", {std::move(left), MakeLiteral(Value::String(type), pos)}, pos);
  }
  // x.1 or (expr).name: tuple element. (Qualified names a.b are read by ParsePrimary.)
  const Token element = Peek();
  ExprPtr index;
  if (element.kind == TokenKind::kNumber) {
    Take();
    index = MakeLiteral(NumberTokenValue(element.text), element.pos);
  } else if (IsNameToken(element)) {
    Take();
    index = MakeLiteral(Value::String(NameOf(element)), element.pos);
  } else {
    return ErrorAt(element, "tuple element number or name after '.'");
  }
  return MakeFunction("tupleElement", {std::move(left), std::move(index)}, pos);
}

// ---------------------------------------------------------------- operands

// ParsePrefix, ParsePrimary and ParseIdentifierOrCall sit on every level of nesting
// (brackets, calls), so they keep small frames: no Token copies, and the rarer forms
// in functions of their own.
absl::StatusOr<ExprPtr> Parser::ParsePrefix() {
  const TokenKind kind = Peek().kind;
  if (kind == TokenKind::kMinus) return ParseNegation();
  if (kind == TokenKind::kPlus && PeekIs(TokenKind::kNumber, 1)) {
    const Token plus = Take();
    return ParseNumber(/*negative=*/false, plus.pos, plus.begin);
  }
  if (kind == TokenKind::kBareWord && PeekKeyword("NOT")) {
    const Position pos = Take().pos;
    TALLY_ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr(kPrecNot + 1));
    return MakeFunction("not", {std::move(operand)}, pos);
  }
  return ParsePrimary();
}

absl::StatusOr<ExprPtr> Parser::ParseNegation() {
  const Token minus = Take();
  const Position pos = minus.pos;
  // -5 is the literal Int64 -5, not negate(5), as in ClickHouse (so -5 is its name).
  if (PeekIs(TokenKind::kNumber)) return ParseNumber(/*negative=*/true, pos, minus.begin);
  // -inf is the literal -inf too (so -inf::String is '-inf'); -nan is nan.
  const Token word = Peek();  // a copy: looking further ahead may move the token buffer
  if ((IsKeyword(word, "inf") || IsKeyword(word, "infinity") || IsKeyword(word, "nan")) &&
      !PeekIs(TokenKind::kLParen, 1) && !PeekIs(TokenKind::kDot, 1)) {
    const bool nan = IsKeyword(word, "nan");
    Take();
    return MakeLiteral(Value::Float(nan ? std::numeric_limits<double>::quiet_NaN()
                                        : -std::numeric_limits<double>::infinity()),
                       pos);
  }
  TALLY_ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr(kPrecUnary + 1));
  return MakeFunction("negate", {std::move(operand)}, pos);
}

absl::StatusOr<ExprPtr> Parser::ParseNumber(bool negative, Position pos, size_t sign_begin) {
  const Token t = Take();
  if (PeekIs(TokenKind::kDoubleColon)) {
    // literal::T parses the literal's text as T, as ClickHouse's parser does:
    // 0.25::Int32 is CAST('0.25', 'Int32') (an error) where CAST(0.25 AS Int32) is 0.
    // The text runs from the sign, spaces included (- 100::Int8 fails as in ClickHouse).
    const size_t begin = sign_begin != kNoSign ? sign_begin : t.begin;
    return MakeLiteral(Value::String(std::string(text_.substr(begin, t.end - begin))), pos);
  }
  Value v = NumberTokenValue(t.text);
  if (negative) {
    if (v.kind == Value::Kind::kUInt) {
      constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;  // -(INT64_MIN)
      v = v.u <= kMinMagnitude ? Value::Int(static_cast<int64_t>(0 - v.u))
                               : Value::Float(-static_cast<double>(v.u));
    } else {
      v.f = -v.f;
    }
  }
  return MakeLiteral(std::move(v), pos);
}

absl::StatusOr<ExprPtr> Parser::ParseStringLiteral() {
  const Token t = Take();
  return MakeLiteral(Value::String(UnquoteToken(t.text)), t.pos);
}

absl::StatusOr<ExprPtr> Parser::ParsePrimary() {
  switch (Peek().kind) {
    case TokenKind::kNumber:
      return ParseNumber(/*negative=*/false, Peek().pos);
    case TokenKind::kString:
      return ParseStringLiteral();
    case TokenKind::kLParen:
      return ParseParenthesized();
    case TokenKind::kLBracket:
      return ParseArray();
    case TokenKind::kLBrace:
      return ParseParameter();
    case TokenKind::kAsterisk:
      return NewExpr(Expr::Kind::kAsterisk, Take().pos);
    case TokenKind::kBareWord:
      if (IsSpecialWord(Peek().text)) return ParseWordPrimary();
      if (PeekIs(TokenKind::kLParen, 1)) return ParseFunctionCall();
      return ParseIdentifierOrCall();
    case TokenKind::kQuotedIdentifier:
      return ParseIdentifierOrCall();
    default:
      return ErrorAt(Peek(), "expression");
  }
}

absl::StatusOr<ExprPtr> Parser::ParseWordPrimary() {
  const Token t = Peek();
  const Token next = Peek(1);
  if (next.kind != TokenKind::kLParen && IsClauseWord(t.text)) return ErrorAt(t, "expression");
  if (IsKeyword(t, "NULL")) {
    Take();
    return MakeLiteral(Value::Null(), t.pos);
  }
  if (IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE")) {
    Take();
    ExprPtr e = MakeLiteral(Value::UInt(IsKeyword(t, "TRUE") ? 1 : 0), t.pos);
    e->bool_literal = true;
    return e;
  }
  if ((IsKeyword(t, "inf") || IsKeyword(t, "infinity") || IsKeyword(t, "nan")) &&
      next.kind != TokenKind::kLParen && next.kind != TokenKind::kDot) {
    Take();
    return MakeLiteral(Value::Float(IsKeyword(t, "nan")
                                        ? std::numeric_limits<double>::quiet_NaN()
                                        : std::numeric_limits<double>::infinity()),
                       t.pos);
  }
  if (IsKeyword(t, "CASE")) return ParseCase();
  if (IsKeyword(t, "CAST") && next.kind == TokenKind::kLParen) return ParseCast();
  if (IsKeyword(t, "INTERVAL") &&
      (next.kind == TokenKind::kNumber || next.kind == TokenKind::kString ||
       (next.kind == TokenKind::kBareWord && !IsReservedWord(next.text)) ||
       next.kind == TokenKind::kQuotedIdentifier ||
       next.kind == TokenKind::kLParen || next.kind == TokenKind::kMinus ||
       next.kind == TokenKind::kLBrace)) {
    return ParseInterval();
  }
  if ((IsKeyword(t, "DATE") || IsKeyword(t, "TIMESTAMP")) && next.kind == TokenKind::kString) {
    Take();
    Take();
    return MakeFunction(IsKeyword(t, "DATE") ? "toDate" : "toDateTime",
                        {MakeLiteral(Value::String(UnquoteToken(next.text)), next.pos)}, t.pos);
  }
  return ParseIdentifierOrCall();
}

absl::StatusOr<ExprPtr> Parser::ParseIdentifierOrCall() {
  if (PeekIs(TokenKind::kLParen, 1)) return ParseFunctionCall();
  const Token first = Take();
  ExprPtr e = NewExpr(Expr::Kind::kIdentifier, first.pos);
  e->parts.push_back(NameOf(first));
  while (PeekIs(TokenKind::kDot)) {
    const Token part = Peek(1);
    if (IsNameToken(part)) {
      Take();
      Take();
      e->parts.push_back(NameOf(part));
    } else if (part.kind == TokenKind::kAsterisk) {  // t.*
      Take();
      Take();
      e->kind = Expr::Kind::kAsterisk;
      break;
    } else {
      break;  // x.1: a tuple element, read as a postfix operator
    }
  }
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseFunctionCall() {
  ExprPtr e = NewExpr(Expr::Kind::kFunction, Peek().pos);
  e->name = NameOf(Peek());
  Take();
  Take();  // (
  // One argument list, or two for a parametric aggregate: quantile(0.9)(x).
  for (int list = 0; list < 2; ++list) {
    if (list == 1) {
      if (!PeekIs(TokenKind::kLParen)) break;
      Take();
      e->has_params = true;
      e->params = std::move(e->args);
      e->args.clear();
    }
    if (AcceptKeyword("DISTINCT")) e->distinct = true;
    if (PeekIs(TokenKind::kAsterisk) && PeekIs(TokenKind::kRParen, 1)) {
      // count(*) is count() and countState(*) countState(), as in ClickHouse (OpenMeter's
      // COUNT meters write countState(*)); other f(*) keep the asterisk.
      Token star = Take();
      Take();
      if (!absl::EqualsIgnoreCase(e->name, "count") && e->name != "countState") {
        e->args.push_back(NewExpr(Expr::Kind::kAsterisk, star.pos));
      }
      continue;
    }
    TALLY_ASSIGN_OR_RETURN(e->args, ParseExprListUntil(TokenKind::kRParen));
  }
  int height = 0;
  for (const ExprPtr& a : e->args) height = std::max(height, HeightOf(a));
  for (const ExprPtr& p : e->params) height = std::max(height, HeightOf(p));
  TALLY_RETURN_IF_ERROR(SetHeight(e, height + 1));
  return e;
}

absl::StatusOr<std::vector<ExprPtr>> Parser::ParseExprListUntil(TokenKind close) {
  std::vector<ExprPtr> items;
  if (Accept(close)) return items;
  while (true) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr item, ParseExprWithAlias(/*implicit=*/false));
    items.push_back(std::move(item));
    if (Accept(TokenKind::kComma)) continue;
    if (Accept(close)) return items;
    return ErrorAt(Peek(), close == TokenKind::kRParen ? "',' or ')'" : "',' or ']'");
  }
}

absl::StatusOr<ExprPtr> Parser::ParseExprWithAlias(bool implicit) {
  TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
  if (AcceptKeyword("AS")) {
    TALLY_ASSIGN_OR_RETURN(e->alias, ParseName("alias"));
    return e;
  }
  const Token t = Peek();
  if (implicit && (t.kind == TokenKind::kQuotedIdentifier ||
                   (t.kind == TokenKind::kBareWord && !IsReservedWord(t.text)))) {
    Take();
    e->alias = NameOf(t);
  }
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseParenthesized() {
  const Token open = Take();
  if (PeekKeyword("SELECT") || PeekKeyword("WITH")) {  // (SELECT ...): a subquery
    int height = 0;
    TALLY_ASSIGN_OR_RETURN(auto query, ParseSelectUnion(&height, /*subquery=*/true));
    if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "')' after the subquery");
    ExprPtr e = NewExpr(Expr::Kind::kSubquery, open.pos);
    e->subquery = std::move(query);
    TALLY_RETURN_IF_ERROR(SetHeight(e, height + 1));
    return e;
  }
  // (x) is x; (), (x,) and (x, y) are tuples.
  std::vector<ExprPtr> items;
  bool trailing_comma = false;
  if (!Accept(TokenKind::kRParen)) {
    while (true) {
      TALLY_ASSIGN_OR_RETURN(ExprPtr item, ParseExprWithAlias(/*implicit=*/false));
      if (items.empty() && item->kind == Expr::Kind::kSubquery && item->alias.empty() && PeekKeyword("UNION")) {
        // ((SELECT ...) UNION ALL ...): a subquery whose first member is bracketed.
        TALLY_RETURN_IF_ERROR(ParseUnionRest(item->subquery.get(), /*subquery=*/true));
        if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "')' after the subquery");
        return item;
      }
      items.push_back(std::move(item));
      if (Accept(TokenKind::kComma)) {
        if (Accept(TokenKind::kRParen)) {
          trailing_comma = true;
          break;
        }
        continue;
      }
      if (Accept(TokenKind::kRParen)) break;
      return ErrorAt(Peek(), "',' or ')'");
    }
  }
  if (items.size() == 1 && !trailing_comma) return std::move(items[0]);
  return MakeFunction("tuple", std::move(items), open.pos);
}

absl::StatusOr<ExprPtr> Parser::ParseArray() {
  const Token open = Take();
  TALLY_ASSIGN_OR_RETURN(std::vector<ExprPtr> items, ParseExprListUntil(TokenKind::kRBracket));
  // Arrays of literals are literals ([1, 2] is named "[1, 2]", as in ClickHouse); any
  // other array is the function array(...), and so is an array of TRUE / FALSE, which a
  // Value cannot type as Bool.
  bool all_literal = true;
  int height = 0;
  for (const ExprPtr& item : items) {
    all_literal &= item->kind == Expr::Kind::kLiteral && item->alias.empty() && !item->bool_literal;
    height = std::max(height, HeightOf(item));
  }
  if (!all_literal) return MakeFunction("array", std::move(items), open.pos);
  std::vector<Value> values;
  values.reserve(items.size());
  for (ExprPtr& item : items) values.push_back(std::move(item->literal));
  ExprPtr e = MakeLiteral(Value::Array(std::move(values)), open.pos);
  TALLY_RETURN_IF_ERROR(SetHeight(e, height + 1));
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseParameter() {
  const Token open = Take();  // {name:Type}
  TALLY_ASSIGN_OR_RETURN(std::string name, ParseName("query parameter name"));
  if (!Accept(TokenKind::kColon)) return ErrorAt(Peek(), "':' and the parameter's type");
  const size_t begin = Peek().begin;
  size_t end = begin;
  int parens = 0;
  while (true) {
    const Token t = Peek();
    if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kError) return ErrorAt(t, "'}'");
    if (t.kind == TokenKind::kRBrace && parens == 0) break;
    if (t.kind == TokenKind::kLParen) ++parens;
    if (t.kind == TokenKind::kRParen && --parens < 0) return ErrorAt(t, "'}'");
    Take();
    end = t.end;
  }
  if (end == begin) return ErrorAt(Peek(), "the parameter's type");
  Take();  // }
  ExprPtr e = NewExpr(Expr::Kind::kParameter, open.pos);
  e->name = std::move(name);
  e->parameter_type = std::string(text_.substr(begin, end - begin));
  return e;
}

absl::StatusOr<ExprPtr> Parser::ParseCase() {
  const Token case_token = Take();
  // CASE x WHEN a THEN r ... is caseWithExpression(x, a, r, ..., else), as in ClickHouse
  // (its comparison rules differ from equals'; engine/exec/case_with_expression.cc);
  // CASE WHEN c THEN r ... is multiIf(c, r, ...). Without ELSE the result is NULL.
  ExprPtr operand;
  if (PeekKeyword("END")) return ErrorAt(Peek(), "WHEN");
  if (!PeekKeyword("WHEN")) {
    TALLY_ASSIGN_OR_RETURN(operand, ParseExpr());
  }
  std::vector<ExprPtr> args;
  if (operand != nullptr) args.push_back(operand);
  while (PeekKeyword("WHEN")) {
    Take();
    TALLY_ASSIGN_OR_RETURN(ExprPtr when, ParseExpr());
    TALLY_RETURN_IF_ERROR(ExpectKeyword("THEN"));
    TALLY_ASSIGN_OR_RETURN(ExprPtr then, ParseExpr());
    args.push_back(std::move(when));
    args.push_back(std::move(then));
  }
  if (args.size() == (operand != nullptr ? 1u : 0u)) return ErrorAt(Peek(), "WHEN");
  if (AcceptKeyword("ELSE")) {
    TALLY_ASSIGN_OR_RETURN(ExprPtr otherwise, ParseExpr());
    args.push_back(std::move(otherwise));
  } else {
    args.push_back(MakeLiteral(Value::Null(), Peek().pos));
  }
  TALLY_RETURN_IF_ERROR(ExpectKeyword("END"));
  return MakeFunction(operand != nullptr ? "caseWithExpression" : "multiIf", std::move(args), case_token.pos);
}

absl::StatusOr<ExprPtr> Parser::ParseCast() {
  const Token cast = Take();
  Take();  // (
  TALLY_ASSIGN_OR_RETURN(ExprPtr value, ParseExpr());
  if (AcceptKeyword("AS")) {  // CAST(x AS T) is CAST(x, 'T')
    const Position type_pos = Peek().pos;
    TALLY_ASSIGN_OR_RETURN(std::string type, ParseTypeText());
    if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "')'");
    return MakeFunction("CAST", {std::move(value), MakeLiteral(Value::String(type), type_pos)},
                        cast.pos);
  }
  std::vector<ExprPtr> args{std::move(value)};
  if (Accept(TokenKind::kComma)) {
    TALLY_ASSIGN_OR_RETURN(std::vector<ExprPtr> rest, ParseExprListUntil(TokenKind::kRParen));
    for (ExprPtr& a : rest) args.push_back(std::move(a));
  } else if (!Accept(TokenKind::kRParen)) {
    return ErrorAt(Peek(), "AS, ',' or ')'");
  }
  return MakeFunction(std::string(cast.text), std::move(args), cast.pos);
}

absl::StatusOr<ExprPtr> Parser::ParseInterval() {
  const Token interval = Take();
  const Token first = Peek();
  if (first.kind == TokenKind::kString && IntervalUnit(Peek(1).text) == nullptr) {
    // INTERVAL '5 minute': the amount and the unit inside one string.
    Take();
    std::string s = UnquoteToken(first.text);
    absl::string_view body = absl::StripAsciiWhitespace(s);
    size_t space = body.find_first_of(" \t\n");
    const char* unit = space == absl::string_view::npos
                           ? nullptr
                           : IntervalUnit(absl::StripAsciiWhitespace(body.substr(space)));
    absl::string_view amount = body.substr(0, space == absl::string_view::npos ? 0 : space);
    bool negative = absl::ConsumePrefix(&amount, "-");
    if (unit == nullptr || amount.empty() ||
        amount.find_first_not_of("0123456789.") != absl::string_view::npos ||
        amount.front() == '.' || std::count(amount.begin(), amount.end(), '.') > 1) {
      return MessageAt(first.pos, "expected an interval such as '5 minute'");
    }
    Value v = NumberTokenValue(amount);
    if (negative) {
      v = v.kind == Value::Kind::kUInt && v.u <= (uint64_t{1} << 63)
              ? Value::Int(static_cast<int64_t>(0 - v.u))
              : Value::Float(v.kind == Value::Kind::kUInt ? -static_cast<double>(v.u) : -v.f);
    }
    return MakeFunction(absl::StrCat("toInterval", unit), {MakeLiteral(v, first.pos)},
                        interval.pos);
  }
  TALLY_ASSIGN_OR_RETURN(ExprPtr amount, ParseExpr(kPrecTernary));
  const Token unit_token = Peek();
  const char* unit = unit_token.kind == TokenKind::kBareWord ? IntervalUnit(unit_token.text)
                                                             : nullptr;
  if (unit == nullptr) {
    return ErrorAt(unit_token, "interval unit (SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, ...)");
  }
  Take();
  return MakeFunction(absl::StrCat("toInterval", unit), {std::move(amount)}, interval.pos);
}

absl::StatusOr<ExprPtr> Parser::TryParseLambda() {
  const Token first = Peek();
  std::vector<std::string> params;
  size_t consumed = 0;
  if (IsNameToken(first) && PeekIs(TokenKind::kArrow, 1)) {
    params.push_back(NameOf(first));
    consumed = 2;
  } else if (first.kind == TokenKind::kLParen) {
    size_t k = 1;
    while (true) {
      const Token name = Peek(k++);
      if (!IsNameToken(name)) return nullptr;
      params.push_back(NameOf(name));
      const Token sep = Peek(k++);
      if (sep.kind == TokenKind::kRParen) break;
      if (sep.kind != TokenKind::kComma) return nullptr;
    }
    if (!PeekIs(TokenKind::kArrow, k)) return nullptr;
    consumed = k + 1;
  } else {
    return nullptr;
  }
  for (size_t i = 0; i < consumed; ++i) Take();
  TALLY_ASSIGN_OR_RETURN(ExprPtr body, ParseExpr());
  ExprPtr e = NewExpr(Expr::Kind::kLambda, first.pos);
  e->parts = std::move(params);
  const int height = HeightOf(body) + 1;
  e->args.push_back(std::move(body));
  TALLY_RETURN_IF_ERROR(SetHeight(e, height));
  return e;
}

}  // namespace tally::engine::sql::internal
