// The token stream, errors, statement dispatch, SELECT, INSERT and the short statements.
// Expressions are in parser_expr.cc, CREATE in parser_ddl.cc.
#include "engine/sql/parser.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/error_code.h"
#include "engine/sql/parser_internal.h"
#include "format/status_macros.h"

namespace tally::engine::sql {
namespace internal {
namespace {

using format::Value;

bool IsTerminal(const Token& t) {
  return t.kind == TokenKind::kEnd || t.kind == TokenKind::kError;
}

// A token's text for error messages: at most 40 bytes, control and non-ASCII bytes
// escaped.
std::string Printable(absl::string_view text) {
  constexpr size_t kMax = 40;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      static const char kHex[] = "0123456789ABCDEF";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > kMax) out += "...";
  return out;
}

// Where the data of INSERT ... VALUES ends: the first ';' outside quotes and brackets,
// or the end of the text.
size_t FindValuesEnd(absl::string_view text, size_t i) {
  const size_t n = text.size();
  int depth = 0;
  while (i < n) {
    const char c = text[i];
    if (c == '\'' || c == '"' || c == '`') {
      ++i;
      while (i < n) {
        if (text[i] == '\\') {
          i += 2;
        } else if (text[i] == c) {
          ++i;
          if (i < n && text[i] == c) {  // doubled quote
            ++i;
            continue;
          }
          break;
        } else {
          ++i;
        }
      }
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    if (c == ';' && depth == 0) return i;
    ++i;
  }
  return n;
}

bool IsSpaceByte(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

// ---------------------------------------------------------------- tokens and errors

const Token& Parser::Peek(size_t k) {
  while (buffer_.size() - next_ <= k) {
    if (!buffer_.empty() && IsTerminal(buffer_.back())) return buffer_.back();
    buffer_.push_back(lexer_.Next());
  }
  return buffer_[next_ + k];
}

Token Parser::Take() {
  Token t = Peek();
  if (!IsTerminal(t)) {
    ++next_;
    last_end_ = t.end;
  }
  if (next_ >= 256 && next_ * 2 >= buffer_.size()) {  // drop consumed tokens
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(next_));
    next_ = 0;
  }
  return t;
}

bool Parser::Accept(TokenKind kind) {
  if (!PeekIs(kind)) return false;
  Take();
  return true;
}

bool Parser::AcceptKeyword(absl::string_view keyword) {
  if (!PeekKeyword(keyword)) return false;
  Take();
  return true;
}

absl::Status Parser::Expect(TokenKind kind) {
  if (Accept(kind)) return absl::OkStatus();
  return ErrorAt(Peek(), TokenKindName(kind));
}

absl::Status Parser::ExpectKeyword(absl::string_view keyword) {
  if (AcceptKeyword(keyword)) return absl::OkStatus();
  return ErrorAt(Peek(), keyword);
}

absl::Status Parser::MessageAt(Position pos, absl::string_view message) {
  return CodedError(ErrorCode::kSyntaxError,
                    absl::StrCat("Syntax error at line ", pos.line, ", column ", pos.column, ": ", message));
}

absl::Status Parser::ErrorAt(const Token& token, absl::string_view expected) {
  if (token.kind == TokenKind::kError) {
    return MessageAt(token.pos, absl::StrCat(token.error, " (while expecting ", expected, ")"));
  }
  std::string got = token.kind == TokenKind::kEnd
                        ? "end of query"
                        : absl::StrCat("'", Printable(token.text), "'");
  return MessageAt(token.pos, absl::StrCat("expected ", expected, ", got ", got));
}

absl::Status Parser::Enter() {
  if (depth_ >= kMaxParseDepth) {
    return MessageAt(Peek().pos, absl::StrCat("query is nested too deeply (more than ",
                                              kMaxParseDepth, " levels)"));
  }
  ++depth_;
  return absl::OkStatus();
}

void Parser::SkipTo(size_t offset) {
  buffer_.clear();
  next_ = 0;
  lexer_.Reset(offset);
}

// ---------------------------------------------------------------- entry points

absl::StatusOr<std::vector<Statement>> Parser::ParseAll() {
  std::vector<Statement> out;
  while (true) {
    while (Accept(TokenKind::kSemicolon)) {
    }
    if (PeekIs(TokenKind::kEnd)) return out;
    TALLY_ASSIGN_OR_RETURN(Statement statement, ParseStatementBody());
    out.push_back(std::move(statement));
    heights_.clear();
    if (insert_data_to_end_) return out;
    const Token t = Peek();
    if (t.kind == TokenKind::kEnd) return out;
    if (t.kind != TokenKind::kSemicolon) return UnexpectedAfterStatement(t, "';' or end of query");
  }
}

// A clause of ClickHouse's that tally does not have gets "not supported yet" rather than a
// syntax error: the query is right, tally is behind.
absl::Status Parser::UnexpectedAfterStatement(const Token& t, absl::string_view expected) {
  static constexpr std::pair<absl::string_view, absl::string_view> kClauses[] = {
      {"JOIN", "JOIN"},       {"LEFT", "JOIN"},         {"RIGHT", "JOIN"},     {"INNER", "JOIN"},
      {"FULL", "JOIN"},       {"CROSS", "JOIN"},        {"ASOF", "JOIN"},      {"SEMI", "JOIN"},
      {"ANTI", "JOIN"},       {"GLOBAL", "JOIN"},       {"PASTE", "JOIN"},     {"ARRAY", "ARRAY JOIN"},
      {"SAMPLE", "SAMPLE"},   {"WINDOW", "WINDOW"},     {"QUALIFY", "QUALIFY"}, {"OVER", "window functions (OVER)"},
      {"OFFSET", "OFFSET ... FETCH"}, {"FETCH", "OFFSET ... FETCH"}, {"GROUPING", "GROUPING SETS"},
  };
  if (t.kind == TokenKind::kBareWord) {
    for (const auto& [word, clause] : kClauses) {
      if (!PeekKeyword(word)) continue;
      return absl::UnimplementedError(absl::StrCat(clause, " at line ", t.pos.line, ", column ", t.pos.column,
                                                   " is not supported yet"));
    }
    if (PeekKeyword("WITH")) {
      for (absl::string_view word : {"TIES", "ROLLUP", "CUBE"}) {
        if (!PeekKeyword(word, 1)) continue;
        return absl::UnimplementedError(absl::StrCat("WITH ", word, " at line ", t.pos.line, ", column ",
                                                     t.pos.column, " is not supported yet"));
      }
    }
  }
  return ErrorAt(t, expected);
}

absl::StatusOr<Statement> Parser::ParseOne() {
  while (Accept(TokenKind::kSemicolon)) {
  }
  TALLY_ASSIGN_OR_RETURN(Statement statement, ParseStatementBody());
  if (!insert_data_to_end_) {
    while (Accept(TokenKind::kSemicolon)) {
    }
    if (!PeekIs(TokenKind::kEnd)) {
      return UnexpectedAfterStatement(Peek(), "end of query (one statement only)");
    }
  }
  return statement;
}

absl::StatusOr<ExprPtr> Parser::ParseWholeExpression() {
  TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExprWithAlias(/*implicit=*/false));
  if (!PeekIs(TokenKind::kEnd)) return ErrorAt(Peek(), "end of expression");
  return e;
}

absl::StatusOr<std::vector<TtlElement>> Parser::ParseWholeTtl() {
  TALLY_ASSIGN_OR_RETURN(std::vector<TtlElement> ttl, ParseTtlList());
  if (!PeekIs(TokenKind::kEnd)) return ErrorAt(Peek(), "end of TTL");
  return ttl;
}

absl::StatusOr<Statement> Parser::ParseStatementBody() {
  const Token t = Peek();
  if (StartsSelect()) {  // SELECT, WITH, or (SELECT ...) UNION ALL ...
    Statement st;
    st.kind = Statement::Kind::kSelect;
    st.pos = t.pos;
    int height = 0;
    TALLY_ASSIGN_OR_RETURN(st.select, ParseSelectUnion(&height));
    return st;
  }
  if (IsKeyword(t, "INSERT")) return ParseInsert();
  if (IsKeyword(t, "CREATE")) return ParseCreate();
  if (IsKeyword(t, "DROP")) return ParseDrop();
  if (IsKeyword(t, "SHOW")) return ParseShow();
  if (IsKeyword(t, "EXPLAIN")) return ParseExplain();
  if (IsKeyword(t, "TRUNCATE")) return ParseTableStatement(Statement::Kind::kTruncate);
  if (IsKeyword(t, "DESCRIBE") || IsKeyword(t, "DESC")) {
    return ParseTableStatement(Statement::Kind::kDescribeTable);
  }
  if (IsKeyword(t, "OPTIMIZE")) return ParseTableStatement(Statement::Kind::kOptimize);
  if (IsKeyword(t, "EXISTS")) return ParseTableStatement(Statement::Kind::kExists);
  if (IsKeyword(t, "CHECK")) return ParseCheck();
  if (IsKeyword(t, "ALTER")) return ParseAlter();
  if (IsKeyword(t, "USE")) {
    Take();
    Statement st;
    st.kind = Statement::Kind::kUse;
    st.pos = t.pos;
    TALLY_ASSIGN_OR_RETURN(st.database, ParseName("database name"));
    return st;
  }
  if (IsKeyword(t, "SET")) {
    Take();
    Statement st;
    st.kind = Statement::Kind::kSet;
    st.pos = t.pos;
    TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
    return st;
  }
  return ErrorAt(t, "a statement (SELECT, INSERT, CREATE, DROP, SHOW, ...)");
}

// ---------------------------------------------------------------- SELECT

bool Parser::StartsSelect(size_t k) {
  while (PeekIs(TokenKind::kLParen, k)) ++k;
  return PeekKeyword("SELECT", k) || PeekKeyword("WITH", k);
}

absl::StatusOr<std::shared_ptr<SelectQuery>> Parser::ParseSelectUnion(int* height, bool subquery) {
  TALLY_RETURN_IF_ERROR(Enter());
  DepthScope scope(&depth_);
  const int outer_height = select_height_;
  select_height_ = 1;
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<SelectQuery> top, ParseUnionMember());
  TALLY_RETURN_IF_ERROR(ParseUnionRest(top.get(), subquery));
  *height = select_height_;
  select_height_ = outer_height;
  return top;
}

absl::StatusOr<std::shared_ptr<SelectQuery>> Parser::ParseUnionMember() {
  if (!PeekIs(TokenKind::kLParen)) {
    auto q = std::make_shared<SelectQuery>();
    TALLY_RETURN_IF_ERROR(ParseSelectCore(q.get()));
    return q;
  }
  // (SELECT ... ORDER BY ... LIMIT ...): the brackets keep its clauses its own.
  Take();
  int height = 0;
  TALLY_ASSIGN_OR_RETURN(std::shared_ptr<SelectQuery> q, ParseSelectUnion(&height, /*subquery=*/true));
  if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "')' after the bracketed SELECT");
  select_height_ = std::max(select_height_, height);
  return q;
}

absl::Status Parser::ParseUnionRest(SelectQuery* top, bool subquery) {
  while (PeekKeyword("UNION")) {
    const Token u = Take();
    if (!AcceptKeyword("ALL")) {
      if (PeekKeyword("DISTINCT")) {
        return absl::UnimplementedError(absl::StrCat("UNION DISTINCT at line ", u.pos.line, ", column ", u.pos.column,
                                                     " is not supported yet (UNION ALL is)"));
      }
      return ErrorAt(Peek(), "ALL (only UNION ALL is supported)");
    }
    TALLY_ASSIGN_OR_RETURN(std::shared_ptr<SelectQuery> next, ParseUnionMember());
    // UNION ALL is associative: a bracketed union's members join this one's.
    std::vector<std::shared_ptr<SelectQuery>> nested = std::move(next->union_all);
    next->union_all.clear();
    top->union_all.push_back(std::move(next));
    for (auto& m : nested) top->union_all.push_back(std::move(m));
  }
  for (absl::string_view word : {"EXCEPT", "INTERSECT"}) {
    if (PeekKeyword(word)) {
      const Position at = Peek().pos;
      return absl::UnimplementedError(absl::StrCat(word, " at line ", at.line, ", column ", at.column,
                                                   " is not supported yet (UNION ALL is)"));
    }
  }
  if (subquery) {
    // ClickHouse applies a subquery's SETTINGS to the subquery alone; tally has one set of
    // settings per statement, so it refuses them rather than apply them to the whole
    // statement or drop them. FORMAT is the statement's, as in ClickHouse.
    if (PeekKeyword("SETTINGS")) {
      const Position at = Peek().pos;
      return absl::UnimplementedError(absl::StrCat("SETTINGS inside a subquery (line ", at.line, ", column ",
                                                   at.column, ") is not supported yet; put them at the end of ",
                                                   "the statement"));
    }
    if (PeekKeyword("FORMAT")) return ErrorAt(Peek(), "')' (FORMAT ends the whole statement)");
    return absl::OkStatus();
  }
  TALLY_RETURN_IF_ERROR(ParseQueryTail(top));
  if (PeekKeyword("UNION") && !top->settings.values.empty()) {
    // ClickHouse applies them to the member before; tally's settings are the statement's.
    const Position at = Peek().pos;
    return absl::UnimplementedError(absl::StrCat("SETTINGS before UNION (line ", at.line, ", column ", at.column,
                                                 ") are not supported yet; put them at the end of the statement"));
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseSelectCore(SelectQuery* q) {
  q->pos = Peek().pos;
  if (AcceptKeyword("WITH")) {
    do {
      TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExprWithAlias(/*implicit=*/false));
      q->with.push_back(std::move(e));
    } while (Accept(TokenKind::kComma));
  }
  TALLY_RETURN_IF_ERROR(ExpectKeyword("SELECT"));
  if (AcceptKeyword("DISTINCT")) q->distinct = true;
  do {
    TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExprWithAlias(/*implicit=*/true));
    q->select.push_back(std::move(e));
  } while (Accept(TokenKind::kComma));
  if (AcceptKeyword("FROM")) TALLY_RETURN_IF_ERROR(ParseTableRef(q));
  if (AcceptKeyword("PREWHERE")) {
    TALLY_ASSIGN_OR_RETURN(q->prewhere, ParseExpr());
  }
  if (AcceptKeyword("WHERE")) {
    TALLY_ASSIGN_OR_RETURN(q->where, ParseExpr());
  }
  if (PeekKeyword("GROUP")) {
    Take();
    TALLY_RETURN_IF_ERROR(ExpectKeyword("BY"));
    do {
      TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExprWithAlias(/*implicit=*/false));
      q->group_by.push_back(std::move(e));
    } while (Accept(TokenKind::kComma));
  }
  // WITH TOTALS may follow GROUP BY or, for an aggregation without keys, stand alone.
  if (PeekKeyword("WITH") && PeekKeyword("TOTALS", 1)) {
    Take();
    Take();
    q->group_by_with_totals = true;
  }
  if (AcceptKeyword("HAVING")) {
    TALLY_ASSIGN_OR_RETURN(q->having, ParseExpr());
  }
  if (PeekKeyword("ORDER")) {
    Take();
    TALLY_RETURN_IF_ERROR(ExpectKeyword("BY"));
    TALLY_RETURN_IF_ERROR(ParseOrderBy(&q->order_by));
  }
  return ParseLimits(q);
}

absl::Status Parser::ParseTableRef(SelectQuery* q) {
  TableRef ref;
  const Token t = Peek();
  ref.pos = t.pos;
  if (t.kind == TokenKind::kLParen) {
    Take();
    if (!StartsSelect()) return ErrorAt(Peek(), "SELECT");
    int height = 0;
    TALLY_ASSIGN_OR_RETURN(ref.subquery, ParseSelectUnion(&height, /*subquery=*/true));
    if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "')' after the subquery");
    if (height + 1 > kMaxExprHeight) {
      return MessageAt(t.pos, absl::StrCat("query is nested too deeply (more than ",
                                           kMaxExprHeight, " levels)"));
    }
    select_height_ = std::max(select_height_, height + 1);
  } else if (IsNameToken(t) && PeekIs(TokenKind::kLParen, 1)) {
    TALLY_ASSIGN_OR_RETURN(ref.table_function, ParseFunctionCall());  // numbers(10)
  } else {
    TALLY_RETURN_IF_ERROR(ParseQualifiedName(&ref.database, &ref.table));
  }
  const Token a = Peek();
  if (AcceptKeyword("AS")) {
    TALLY_ASSIGN_OR_RETURN(ref.alias, ParseName("table alias"));
  } else if (a.kind == TokenKind::kQuotedIdentifier ||
             (a.kind == TokenKind::kBareWord && !IsReservedWord(a.text))) {
    Take();
    ref.alias = NameOf(a);
  }
  if (AcceptKeyword("FINAL")) ref.final = true;
  q->from = std::move(ref);
  return absl::OkStatus();
}

absl::Status Parser::ParseOrderBy(std::vector<OrderByElement>* out) {
  do {
    OrderByElement el;
    TALLY_ASSIGN_OR_RETURN(el.expr, ParseExprWithAlias(/*implicit=*/false));
    if (AcceptKeyword("DESC") || AcceptKeyword("DESCENDING")) {
      el.descending = true;
    } else if (!AcceptKeyword("ASC")) {
      AcceptKeyword("ASCENDING");
    }
    if (AcceptKeyword("NULLS")) {
      if (AcceptKeyword("FIRST")) {
        el.nulls_first = true;
      } else if (AcceptKeyword("LAST")) {
        el.nulls_first = false;
      } else {
        return ErrorAt(Peek(), "FIRST or LAST");
      }
    }
    if (PeekKeyword("COLLATE")) {
      // ClickHouse sorts by a locale's collation (ICU) here; tally has none, and sorting by
      // bytes instead would be a silent difference.
      const Token c = Take();
      return absl::UnimplementedError(absl::StrCat("ORDER BY ... COLLATE is not supported yet (line ", c.pos.line,
                                                   ", column ", c.pos.column, ")"));
    }
    if (PeekKeyword("WITH") && PeekKeyword("FILL", 1)) {
      Take();
      Take();
      el.with_fill = true;
      if (AcceptKeyword("FROM")) {
        TALLY_ASSIGN_OR_RETURN(el.fill_from, ParseExpr());
      }
      if (AcceptKeyword("TO")) {
        TALLY_ASSIGN_OR_RETURN(el.fill_to, ParseExpr());
      }
      if (AcceptKeyword("STEP")) {
        TALLY_ASSIGN_OR_RETURN(el.fill_step, ParseExpr());
      }
    }
    out->push_back(std::move(el));
  } while (Accept(TokenKind::kComma));
  return absl::OkStatus();
}

absl::Status Parser::ParseLimits(SelectQuery* q) {
  // LIMIT [m,] n BY exprs comes first, then the plain LIMIT [m,] n | n OFFSET m.
  for (int clause = 0; clause < 2 && PeekKeyword("LIMIT"); ++clause) {
    Take();
    ExprPtr limit, offset;
    TALLY_ASSIGN_OR_RETURN(limit, ParseExpr());
    if (Accept(TokenKind::kComma)) {
      offset = std::move(limit);
      TALLY_ASSIGN_OR_RETURN(limit, ParseExpr());
    } else if (AcceptKeyword("OFFSET")) {
      TALLY_ASSIGN_OR_RETURN(offset, ParseExpr());
    }
    if (clause == 0 && AcceptKeyword("BY")) {
      q->limit_by_limit = std::move(limit);
      q->limit_by_offset = std::move(offset);
      do {
        TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        q->limit_by.push_back(std::move(e));
      } while (Accept(TokenKind::kComma));
      continue;
    }
    q->limit = std::move(limit);
    q->offset = std::move(offset);
    break;
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseQueryTail(SelectQuery* q) {
  bool settings = false, format = false;
  while (true) {
    if (!settings && AcceptKeyword("SETTINGS")) {
      settings = true;
      TALLY_RETURN_IF_ERROR(ParseSettingsList(&q->settings));
    } else if (!format && PeekKeyword("FORMAT")) {
      format = true;
      TALLY_RETURN_IF_ERROR(ParseOptionalFormat(&q->format));
    } else {
      return absl::OkStatus();
    }
  }
}

absl::Status Parser::ParseOptionalFormat(std::string* format) {
  if (!AcceptKeyword("FORMAT")) return absl::OkStatus();
  TALLY_ASSIGN_OR_RETURN(*format, ParseName("format name"));
  return absl::OkStatus();
}

// ---------------------------------------------------------------- INSERT

absl::StatusOr<Statement> Parser::ParseInsert() {
  Statement st;
  st.kind = Statement::Kind::kInsert;
  st.pos = Take().pos;  // INSERT
  TALLY_RETURN_IF_ERROR(ExpectKeyword("INTO"));
  AcceptKeyword("TABLE");
  auto insert = std::make_shared<InsertQuery>();
  TALLY_RETURN_IF_ERROR(ParseQualifiedName(&insert->database, &insert->table));
  if (Accept(TokenKind::kLParen)) {
    if (Accept(TokenKind::kAsterisk)) {
      // (*), (* EXCEPT name) or (* EXCEPT (name, ...)): clickhouse-js sends the last.
      if (AcceptKeyword("EXCEPT")) {
        const bool list = Accept(TokenKind::kLParen);
        do {
          TALLY_ASSIGN_OR_RETURN(std::string column, ParseName("column name"));
          insert->except_columns.push_back(std::move(column));
        } while (list && Accept(TokenKind::kComma));
        if (list && !Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "',' or ')'");
      }
      if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "')'");
    } else {
      do {
        TALLY_ASSIGN_OR_RETURN(std::string column, ParseName("column name"));
        while (Accept(TokenKind::kDot)) {  // n.x of a Nested column
          TALLY_ASSIGN_OR_RETURN(std::string part, ParseName("column name after '.'"));
          absl::StrAppend(&column, ".", part);
        }
        insert->columns.push_back(std::move(column));
      } while (Accept(TokenKind::kComma));
      if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "',' or ')'");
    }
  }
  if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&insert->settings));
  // Only one token of look-ahead from here on: the data after VALUES / FORMAT name is
  // not SQL and must not reach the lexer.
  const Token t = Peek();
  if (IsKeyword(t, "VALUES")) {
    Take();
    size_t begin = t.end;
    while (begin < text_.size() && IsSpaceByte(text_[begin])) ++begin;
    const size_t end = FindValuesEnd(text_, begin);
    size_t trimmed = end;
    while (trimmed > begin && IsSpaceByte(text_[trimmed - 1])) --trimmed;
    insert->format = "Values";
    insert->data = std::string(text_.substr(begin, trimmed - begin));
    insert->data_offset = begin;
    SkipTo(end);
  } else if (IsKeyword(t, "FORMAT")) {
    Take();
    const Token name = Peek();
    if (!IsNameToken(name)) return ErrorAt(name, "format name");
    Take();
    insert->format = NameOf(name);
    // As in ClickHouse: the data is the rest of the input, after the blanks that follow
    // the format name and one line break.
    size_t begin = name.end;
    while (begin < text_.size() && (text_[begin] == ' ' || text_[begin] == '\t')) ++begin;
    if (begin < text_.size() && text_[begin] == '\r') ++begin;
    if (begin < text_.size() && text_[begin] == '\n') ++begin;
    insert->data = std::string(text_.substr(begin));
    insert->data_offset = begin;
    SkipTo(text_.size());
    insert_data_to_end_ = true;
  } else if (StartsSelect()) {
    int height = 0;
    TALLY_ASSIGN_OR_RETURN(insert->select, ParseSelectUnion(&height));
    if (!insert->select->format.empty()) {
      return absl::UnimplementedError("INSERT ... SELECT ... FORMAT is not supported yet (the SELECT's rows go to the table)");
    }
  } else {
    return ErrorAt(t, "VALUES, FORMAT or SELECT");
  }
  st.database = insert->database;
  st.table = insert->table;
  st.insert = std::move(insert);
  return st;
}

// ---------------------------------------------------------------- short statements

absl::StatusOr<Statement> Parser::ParseDrop() {
  Statement st;
  st.pos = Take().pos;  // DROP
  const bool view = AcceptKeyword("VIEW");
  const bool table = view || AcceptKeyword("TABLE");
  if (!table && !AcceptKeyword("DATABASE")) return ErrorAt(Peek(), "TABLE, VIEW or DATABASE");
  st.kind = view ? Statement::Kind::kDropView : table ? Statement::Kind::kDropTable : Statement::Kind::kDropDatabase;
  if (PeekKeyword("IF") && PeekKeyword("EXISTS", 1)) {
    Take();
    Take();
    st.if_exists = true;
  }
  if (table) {
    TALLY_RETURN_IF_ERROR(ParseQualifiedName(&st.database, &st.table));
  } else {
    TALLY_ASSIGN_OR_RETURN(st.database, ParseName("database name"));
  }
  AcceptKeyword("SYNC");
  return st;
}

absl::StatusOr<Statement> Parser::ParseShow() {
  Statement st;
  st.pos = Take().pos;  // SHOW
  if (AcceptKeyword("TABLES")) {
    st.kind = Statement::Kind::kShowTables;
    if (AcceptKeyword("FROM") || AcceptKeyword("IN")) {
      TALLY_ASSIGN_OR_RETURN(st.database, ParseName("database name"));
    }
  } else if (AcceptKeyword("DATABASES")) {
    st.kind = Statement::Kind::kShowDatabases;
  } else if (AcceptKeyword("CREATE")) {
    st.kind = Statement::Kind::kShowCreateTable;
    if (!AcceptKeyword("TABLE") && PeekKeyword("VIEW") && IsNameToken(Peek(1))) Take();
    TALLY_RETURN_IF_ERROR(ParseQualifiedName(&st.database, &st.table));
  } else {
    return ErrorAt(Peek(), "TABLES, DATABASES or CREATE");
  }
  if (st.kind != Statement::Kind::kShowCreateTable && AcceptKeyword("LIKE")) {
    const Token pattern = Peek();
    if (pattern.kind != TokenKind::kString) return ErrorAt(pattern, "LIKE pattern string");
    Take();
    st.like = UnquoteToken(pattern.text);
  }
  TALLY_RETURN_IF_ERROR(ParseOptionalFormat(&st.format));
  return st;
}

absl::StatusOr<Statement> Parser::ParseTableStatement(Statement::Kind kind) {
  // TRUNCATE [TABLE] [IF EXISTS] t | DESCRIBE [TABLE] t | OPTIMIZE TABLE t ...
  // | EXISTS [TABLE | VIEW] t | EXISTS DATABASE d, the last two with an optional FORMAT.
  Statement st;
  st.kind = kind;
  st.pos = Take().pos;
  if (kind == Statement::Kind::kOptimize) {
    TALLY_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  } else if (kind == Statement::Kind::kExists && PeekKeyword("DATABASE") && IsNameToken(Peek(1))) {
    Take();
    st.kind = Statement::Kind::kExistsDatabase;
    TALLY_ASSIGN_OR_RETURN(st.database, ParseName("database name"));
    TALLY_RETURN_IF_ERROR(ParseOptionalFormat(&st.format));
    return st;
  } else if (!AcceptKeyword("TABLE") && kind == Statement::Kind::kExists) {
    if (PeekKeyword("VIEW") && IsNameToken(Peek(1))) Take();  // EXISTS VIEW v
  }
  if (kind == Statement::Kind::kTruncate && PeekKeyword("IF") && PeekKeyword("EXISTS", 1)) {
    Take();
    Take();
    st.if_exists = true;
  }
  TALLY_RETURN_IF_ERROR(ParseQualifiedName(&st.database, &st.table));
  if (kind == Statement::Kind::kOptimize) TALLY_RETURN_IF_ERROR(ParseOptimizeTail(&st));
  if (kind == Statement::Kind::kDescribeTable || kind == Statement::Kind::kExists) {
    TALLY_RETURN_IF_ERROR(ParseOptionalFormat(&st.format));
  }
  return st;
}

absl::Status Parser::ParsePartitionSpec(Statement* st) {
  // After PARTITION: ID 'id', or the partition key's value (202610, '2026-10-05',
  // ('acme', 202610), tuple()).
  if (AcceptKeyword("ID")) {
    const Token id = Peek();
    if (id.kind != TokenKind::kString) return ErrorAt(id, "partition ID string");
    Take();
    st->partition_id = UnquoteToken(id.text);
    if (st->partition_id.empty()) return MessageAt(id.pos, "empty partition ID");
    return absl::OkStatus();
  }
  TALLY_ASSIGN_OR_RETURN(st->partition_value, ParseExpr());
  return absl::OkStatus();
}

absl::Status Parser::ParseOptimizeTail(Statement* st) {
  // [PARTITION ID 'id' | PARTITION value] [FINAL] [DEDUPLICATE]
  if (AcceptKeyword("PARTITION")) TALLY_RETURN_IF_ERROR(ParsePartitionSpec(st));
  if (AcceptKeyword("FINAL")) st->final = true;
  if (PeekKeyword("DEDUPLICATE")) {
    const Position at = Peek().pos;
    return absl::UnimplementedError(absl::StrCat("OPTIMIZE ... DEDUPLICATE at line ", at.line, ", column ",
                                                 at.column, " is not supported yet"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> Parser::ParseCheck() {
  // CHECK TABLE t [FORMAT f] [SETTINGS ...]
  Statement st;
  st.kind = Statement::Kind::kCheckTable;
  st.pos = Take().pos;
  TALLY_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  TALLY_RETURN_IF_ERROR(ParseQualifiedName(&st.database, &st.table));
  TALLY_RETURN_IF_ERROR(ParseOptionalFormat(&st.format));
  if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
  return st;
}

absl::StatusOr<Statement> Parser::ParseAlter() {
  // ALTER TABLE t ATTACH PART 'p' | DROP DETACHED PART 'p' | {DROP|DETACH|ATTACH}
  // PARTITION p, then [SETTINGS ...]
  Statement st;
  st.kind = Statement::Kind::kAlterTable;
  st.pos = Take().pos;
  TALLY_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
  TALLY_RETURN_IF_ERROR(ParseQualifiedName(&st.database, &st.table));
  const Token command = Peek();
  if (PeekKeyword("MODIFY") && PeekKeyword("TTL", 1)) {
    Take();
    Take();
    st.alter_command = "MODIFY TTL";
    TALLY_ASSIGN_OR_RETURN(st.ttl, ParseTtlList());
    if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
    return st;
  }
  if (PeekKeyword("MODIFY") && PeekKeyword("SETTING", 1)) {
    Take();
    Take();
    st.alter_command = "MODIFY SETTING";
    TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.table_settings));
    return st;
  }
  if (PeekKeyword("REMOVE") && PeekKeyword("TTL", 1)) {
    Take();
    Take();
    st.alter_command = "REMOVE TTL";
    if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
    return st;
  }
  if ((PeekKeyword("ADD") || PeekKeyword("DROP") || PeekKeyword("MATERIALIZE") || PeekKeyword("CLEAR")) &&
      PeekKeyword("INDEX", 1)) {
    TALLY_RETURN_IF_ERROR(ParseAlterIndex(&st));
    if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
    return st;
  }
  for (const char* verb : {"DROP", "DETACH", "ATTACH"}) {
    if (PeekKeyword(verb) && PeekKeyword("PARTITION", 1)) {
      Take();
      Take();
      st.alter_command = absl::StrCat(verb, " PARTITION");
      TALLY_RETURN_IF_ERROR(ParsePartitionSpec(&st));
      if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
      return st;
    }
  }
  if (AcceptKeyword("ATTACH")) {
    st.alter_command = "ATTACH PART";
  } else if (PeekKeyword("DROP") && PeekKeyword("DETACHED", 1)) {
    Take();
    Take();
    st.alter_command = "DROP DETACHED PART";
  } else {
    return absl::UnimplementedError(absl::StrCat("ALTER TABLE ... ", command.text, " at line ", command.pos.line,
                                                 ", column ", command.pos.column,
                                                 " is not supported yet (ATTACH PART, DROP DETACHED PART, DROP, DETACH and ATTACH PARTITION, "
                                                 "ADD, DROP and MATERIALIZE INDEX, MODIFY TTL, REMOVE TTL and MODIFY SETTING are)"));
  }
  if (!AcceptKeyword("PART")) {
    const Token what = Peek();
    return absl::UnimplementedError(absl::StrCat("ALTER TABLE ... ", st.alter_command.substr(0, st.alter_command.size() - 5),
                                                 " ", what.text, " at line ", what.pos.line, ", column ", what.pos.column,
                                                 " is not supported yet (only PART 'name')"));
  }
  const Token name = Peek();
  if (name.kind != TokenKind::kString) return ErrorAt(name, "part name string");
  Take();
  st.part_name = UnquoteToken(name.text);
  if (AcceptKeyword("SETTINGS")) TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
  return st;
}

absl::StatusOr<Statement> Parser::ParseExplain() {
  Statement st;
  st.kind = Statement::Kind::kExplain;
  st.pos = Take().pos;  // EXPLAIN
  st.explain_kind = "PLAN";
  const Token kind = Peek();
  if ((IsKeyword(kind, "PLAN") || IsKeyword(kind, "AST") || IsKeyword(kind, "SYNTAX") ||
       IsKeyword(kind, "PIPELINE") || IsKeyword(kind, "ESTIMATE")) &&
      !PeekIs(TokenKind::kEquals, 1)) {
    Take();
    st.explain_kind = absl::AsciiStrToUpper(kind.text);
  }
  // Options such as `indexes = 1`, into st.settings.
  while ((PeekIs(TokenKind::kBareWord) && PeekIs(TokenKind::kEquals, 1))) {
    TALLY_RETURN_IF_ERROR(ParseSettingsList(&st.settings));
  }
  if (!StartsSelect()) return ErrorAt(Peek(), "SELECT");
  int height = 0;
  TALLY_ASSIGN_OR_RETURN(st.select, ParseSelectUnion(&height));
  st.format = std::move(st.select->format);  // the format of EXPLAIN's own output
  st.select->format.clear();
  return st;
}

// ---------------------------------------------------------------- names, types, settings

absl::StatusOr<std::string> Parser::ParseTypeText() {
  const Token name = Peek();
  if (name.kind != TokenKind::kBareWord) return ErrorAt(name, "type name");
  Take();
  size_t end = name.end;
  if (PeekIs(TokenKind::kLParen)) {
    int parens = 0;
    do {
      const Token t = Peek();
      if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kError) return ErrorAt(t, "')'");
      Take();
      if (t.kind == TokenKind::kLParen) ++parens;
      if (t.kind == TokenKind::kRParen) --parens;
      end = t.end;
    } while (parens > 0);
  }
  return std::string(text_.substr(name.begin, end - name.begin));
}

absl::StatusOr<std::string> Parser::ParseName(absl::string_view what) {
  const Token t = Peek();
  if (!IsNameToken(t)) return ErrorAt(t, what);
  Take();
  return NameOf(t);
}

absl::Status Parser::ParseQualifiedName(std::string* database, std::string* name) {
  TALLY_ASSIGN_OR_RETURN(std::string first, ParseName("table name"));
  if (Accept(TokenKind::kDot)) {
    TALLY_ASSIGN_OR_RETURN(*name, ParseName("table name after '.'"));
    *database = std::move(first);
  } else {
    *name = std::move(first);
  }
  return absl::OkStatus();
}

absl::StatusOr<format::Value> Parser::ParseLiteralValue() {
  const Token t = Peek();
  if ((t.kind == TokenKind::kMinus || t.kind == TokenKind::kPlus) &&
      PeekIs(TokenKind::kNumber, 1)) {
    Take();
    TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseNumber(t.kind == TokenKind::kMinus, t.pos));
    return e->literal;
  }
  if (t.kind == TokenKind::kNumber) {
    Take();
    return NumberTokenValue(t.text);
  }
  if (t.kind == TokenKind::kString) {
    Take();
    return Value::String(UnquoteToken(t.text));
  }
  if (IsKeyword(t, "TRUE") || IsKeyword(t, "FALSE")) {
    Take();
    return Value::UInt(IsKeyword(t, "TRUE") ? 1 : 0);
  }
  if (IsKeyword(t, "NULL")) {
    Take();
    return Value::Null();
  }
  return ErrorAt(t, "literal value");
}

absl::Status Parser::ParseSettingsList(SettingsClause* settings) {
  do {
    TALLY_ASSIGN_OR_RETURN(std::string name, ParseName("setting name"));
    if (!Accept(TokenKind::kEquals)) return ErrorAt(Peek(), "'=' after the setting name");
    TALLY_ASSIGN_OR_RETURN(format::Value value, ParseLiteralValue());
    settings->values.emplace_back(std::move(name), std::move(value));
  } while (Accept(TokenKind::kComma));
  return absl::OkStatus();
}

}  // namespace internal

absl::StatusOr<std::vector<Statement>> ParseStatements(absl::string_view sql) {
  return internal::Parser(sql).ParseAll();
}

absl::StatusOr<Statement> ParseStatement(absl::string_view sql) {
  return internal::Parser(sql).ParseOne();
}

absl::StatusOr<ExprPtr> ParseExpression(absl::string_view text) {
  return internal::Parser(text).ParseWholeExpression();
}

absl::StatusOr<std::vector<TtlElement>> ParseTtl(absl::string_view text) {
  return internal::Parser(text).ParseWholeTtl();
}

}  // namespace tally::engine::sql
