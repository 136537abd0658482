// Parser: the recursive-descent parser behind engine/sql/parser.h, split over
// parser.cc (token stream, errors, statements other than CREATE), parser_expr.cc
// (expressions, a precedence-climbing parser) and parser_ddl.cc (CREATE TABLE / DATABASE).
// Internal to engine/sql; use parser.h.
//
// Tokens come from the Lexer on demand into a small look-ahead buffer, so the raw data of
// INSERT ... VALUES / FORMAT is never lexed. Two limits keep hostile input harmless:
// `depth_` counts recursion (kMaxParseDepth) and every expression node's height is
// tracked (kMaxExprHeight), since left-associative chains grow trees without recursing.
//
// One Parser parses one text, once; not synchronized.
#ifndef TALLY_ENGINE_SQL_PARSER_INTERNAL_H_
#define TALLY_ENGINE_SQL_PARSER_INTERNAL_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/sql/ast.h"
#include "engine/sql/lexer.h"
#include "format/value.h"

namespace tally::engine::sql::internal {

// Operator precedence, lowest to highest, as in ClickHouse's parser. Lambda (->) binds
// loosest of all and is recognized before any operator.
enum Prec : int {
  kPrecLowest = 0,
  kPrecTernary = 2,  // c ? a : b
  kPrecOr = 3,
  kPrecAnd = 4,
  kPrecNot = 5,      // prefix NOT
  kPrecIsNull = 6,   // IS [NOT] NULL, [NOT] BETWEEN
  kPrecCompare = 9,  // = != < > <= >= [NOT] [I]LIKE, [GLOBAL] [NOT] IN, REGEXP
  kPrecConcat = 10,  // ||
  kPrecAdd = 11,     // + -
  kPrecMul = 12,     // * / % DIV MOD
  kPrecUnary = 13,   // prefix -
  kPrecPostfix = 14, // x[k], x.1, x::T
};

inline bool IsNameToken(const Token& t) {
  return t.kind == TokenKind::kBareWord || t.kind == TokenKind::kQuotedIdentifier;
}

// The name a bare word or quoted identifier stands for.
inline std::string NameOf(const Token& t) {
  return t.kind == TokenKind::kQuotedIdentifier ? UnquoteToken(t.text) : std::string(t.text);
}

// Bare words that end a select-list item or a table reference instead of aliasing it
// (FROM, WHERE, JOIN, FINAL, ...). Case-insensitive.
bool IsReservedWord(absl::string_view word);

class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text), lexer_(text) {}

  absl::StatusOr<std::vector<Statement>> ParseAll();
  absl::StatusOr<Statement> ParseOne();
  absl::StatusOr<ExprPtr> ParseWholeExpression();
  // A whole TTL clause's text (what follows TTL), as ParseTtlList reads it.
  absl::StatusOr<std::vector<TtlElement>> ParseWholeTtl();

 private:
  // Restores the recursion depth when a parse function returns.
  class DepthScope {
   public:
    explicit DepthScope(int* depth) : depth_(depth) {}
    ~DepthScope() { --*depth_; }
    DepthScope(const DepthScope&) = delete;
    DepthScope& operator=(const DepthScope&) = delete;

   private:
    int* depth_;
  };

  // ---- token stream and errors (parser.cc) ----
  // The token k ahead of the current one. The reference is valid until the next Peek or
  // Take; copy the token to keep it longer.
  const Token& Peek(size_t k = 0);
  Token Take();
  bool PeekIs(TokenKind kind, size_t k = 0) { return Peek(k).kind == kind; }
  bool PeekKeyword(absl::string_view keyword, size_t k = 0) {
    return IsKeyword(Peek(k), keyword);
  }
  bool Accept(TokenKind kind);
  bool AcceptKeyword(absl::string_view keyword);
  absl::Status Expect(TokenKind kind);
  absl::Status ExpectKeyword(absl::string_view keyword);
  // "Syntax error at line L, column C: expected <expected>, got '<token>'".
  absl::Status ErrorAt(const Token& token, absl::string_view expected);
  // ErrorAt, or "not supported yet" when `token` starts a ClickHouse clause tally lacks.
  absl::Status UnexpectedAfterStatement(const Token& token, absl::string_view expected);
  // "Syntax error at line L, column C: <message>".
  absl::Status MessageAt(Position pos, absl::string_view message);
  // Counts one level of recursion; an error past kMaxParseDepth.
  absl::Status Enter();
  // Drops the look-ahead and continues lexing at byte `offset` (after INSERT data).
  void SkipTo(size_t offset);

  // ---- expressions (parser_expr.cc) ----
  absl::StatusOr<ExprPtr> ParseExpr(int min_prec = kPrecLowest);
  // An expression with an optional `AS alias`; `implicit` also accepts `expr alias` (the
  // select list), where alias is a quoted identifier or a bare word that is no keyword.
  absl::StatusOr<ExprPtr> ParseExprWithAlias(bool implicit);
  // Comma-separated ParseExprWithAlias(false) items up to `close` (consumed).
  absl::StatusOr<std::vector<ExprPtr>> ParseExprListUntil(TokenKind close);
  absl::StatusOr<ExprPtr> ParsePrefix();
  // The rarer forms are kept out of line ([[gnu::noinline]]) so that their locals do not
  // widen the frames of ParseExpr / ParsePrefix / ParsePrimary, which every level of
  // nesting stacks up.
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseNegation();
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseStringLiteral();
  absl::StatusOr<ExprPtr> ParsePrimary();
  // One infix or postfix operator applied to `left`, or *done when the next token is
  // none binding at least as tightly as `min_prec`. `*chain` is the last and/or/concat
  // node this ParseExpr built, which a repeated operator extends instead of nesting.
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseInfix(ExprPtr left, int min_prec,
                                                       Expr** chain, bool* done);
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParsePostfix(ExprPtr left);
  // `sign_begin`: where the literal's sign (- or +) starts in the text, if it has one.
  static constexpr size_t kNoSign = static_cast<size_t>(-1);
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseNumber(bool negative, Position pos, size_t sign_begin = kNoSign);
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseWordPrimary();
  absl::StatusOr<ExprPtr> ParseIdentifierOrCall();
  // name(args) or name(params)(args). REQUIRES: Peek() is the name, Peek(1) is '('.
  absl::StatusOr<ExprPtr> ParseFunctionCall();
  absl::StatusOr<ExprPtr> ParseParenthesized();
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseArray();
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseParameter();
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseCase();
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseCast();
  [[gnu::noinline]] absl::StatusOr<ExprPtr> ParseInterval();
  // x -> body or (x, y) -> body when the tokens ahead say so; nullptr otherwise.
  [[gnu::noinline]] absl::StatusOr<ExprPtr> TryParseLambda();
  // A type as written: a name with optional balanced parentheses, `Map(String, UInt8)`.
  absl::StatusOr<std::string> ParseTypeText();
  // An unquoted or quoted name.
  absl::StatusOr<std::string> ParseName(absl::string_view what);
  // [db.]name
  absl::Status ParseQualifiedName(std::string* database, std::string* name);
  // A literal for SETTINGS values: number (signed), string, true/false, NULL.
  absl::StatusOr<format::Value> ParseLiteralValue();
  // k = v, ...
  absl::Status ParseSettingsList(SettingsClause* settings);

  // Expression nodes, with heights recorded (and capped).
  ExprPtr NewExpr(Expr::Kind kind, Position pos);
  int HeightOf(const ExprPtr& e) const;
  absl::Status SetHeight(const ExprPtr& e, int height);
  absl::StatusOr<ExprPtr> MakeFunction(std::string name, std::vector<ExprPtr> args,
                                       Position pos);
  ExprPtr MakeLiteral(format::Value value, Position pos);

  // ---- statements (parser.cc, parser_ddl.cc) ----
  absl::StatusOr<Statement> ParseStatementBody();
  // WITH/SELECT ... [UNION ALL ...] [SETTINGS] [FORMAT], members possibly in brackets;
  // *height is the tallest expression inside (for the caller's own height accounting). A
  // `subquery` (in brackets) takes no SETTINGS or FORMAT.
  absl::StatusOr<std::shared_ptr<SelectQuery>> ParseSelectUnion(int* height, bool subquery = false);
  // One member of a union: a SELECT, or a union in brackets.
  absl::StatusOr<std::shared_ptr<SelectQuery>> ParseUnionMember();
  // After the first member: UNION ALL members into top->union_all (bracketed unions
  // flattened), then the tail (SETTINGS / FORMAT) unless `subquery`.
  absl::Status ParseUnionRest(SelectQuery* top, bool subquery);
  // Whether the tokens from Peek(k) on start a SELECT, possibly bracketed: SELECT, WITH,
  // ((SELECT.
  bool StartsSelect(size_t k = 0);
  absl::Status ParseSelectCore(SelectQuery* q);
  absl::Status ParseTableRef(SelectQuery* q);
  absl::Status ParseOrderBy(std::vector<OrderByElement>* out);
  absl::Status ParseLimits(SelectQuery* q);
  absl::Status ParseQueryTail(SelectQuery* q);  // SETTINGS / FORMAT
  absl::StatusOr<Statement> ParseInsert();
  absl::StatusOr<Statement> ParseCreate();
  // After CREATE MATERIALIZED VIEW (`pos`: where CREATE is).
  absl::StatusOr<Statement> ParseCreateView(Position pos);
  absl::Status ParseColumnList(CreateTableQuery* create);
  absl::Status ParseColumn(CreateTableQuery* create);
  absl::Status ParseIndex(CreateTableQuery* create);
  // After INDEX [IF NOT EXISTS]: name expr TYPE type [GRANULARITY n].
  absl::Status ParseIndexDeclaration(IndexDeclaration* index);
  // ALTER TABLE t ADD INDEX ... | DROP INDEX ... | MATERIALIZE INDEX ..., from the verb.
  absl::Status ParseAlterIndex(Statement* st);
  absl::Status ParseStorage(CreateTableQuery* create);
  absl::StatusOr<ExprPtr> ParseEngine();
  absl::StatusOr<std::vector<ExprPtr>> ParseKeyList();  // ORDER BY (a, b) -> {a, b}
  // After TTL: expr [DELETE] [WHERE cond], ... (moving data TO DISK / VOLUME, RECOMPRESS
  // and GROUP BY are refused as not supported yet).
  absl::StatusOr<std::vector<TtlElement>> ParseTtlList();
  absl::StatusOr<Statement> ParseDrop();
  absl::StatusOr<Statement> ParseShow();
  absl::StatusOr<Statement> ParseTableStatement(Statement::Kind kind);  // DESCRIBE, ...
  absl::Status ParseOptimizeTail(Statement* st);
  // After PARTITION: ID 'id' or the partition key's value, into st.
  absl::Status ParsePartitionSpec(Statement* st);
  absl::StatusOr<Statement> ParseExplain();
  absl::StatusOr<Statement> ParseCheck();
  absl::StatusOr<Statement> ParseAlter();
  absl::Status ParseOptionalFormat(std::string* format);

  absl::string_view text_;
  Lexer lexer_;
  std::vector<Token> buffer_;  // look-ahead; buffer_[next_] is the current token
  size_t next_ = 0;
  size_t last_end_ = 0;  // byte offset just past the last token taken
  int depth_ = 0;
  absl::flat_hash_map<const Expr*, int> heights_;  // nodes taller than 1
  int select_height_ = 0;  // tallest expression of the SELECT being parsed
  bool insert_data_to_end_ = false;  // INSERT ... FORMAT took the rest of the input
};

}  // namespace tally::engine::sql::internal

#endif  // TALLY_ENGINE_SQL_PARSER_INTERNAL_H_
