// CREATE TABLE, CREATE DATABASE and CREATE MATERIALIZED VIEW.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/sql/parser_internal.h"
#include "format/status_macros.h"

namespace tally::engine::sql::internal {
namespace {

bool IsColumnModifier(const Token& t) {
  for (const char* word : {"NULL", "NOT", "DEFAULT", "MATERIALIZED", "ALIAS", "EPHEMERAL",
                           "CODEC", "TTL", "COMMENT", "PRIMARY"}) {
    if (IsKeyword(t, word)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Statement> Parser::ParseCreate() {
  Statement st;
  st.pos = Take().pos;  // CREATE
  if (AcceptKeyword("MATERIALIZED")) {
    if (!PeekKeyword("VIEW")) return ErrorAt(Peek(), "VIEW after MATERIALIZED");
    Take();
    return ParseCreateView(st.pos);
  }
  if (PeekKeyword("VIEW") || (PeekKeyword("OR") && PeekKeyword("REPLACE", 1))) {
    const Token t = Peek();
    return absl::UnimplementedError(absl::StrCat("CREATE ", absl::AsciiStrToUpper(t.text), " at line ", t.pos.line,
                                                 ", column ", t.pos.column,
                                                 " is not supported yet (CREATE MATERIALIZED VIEW is)"));
  }
  const bool database = AcceptKeyword("DATABASE");
  if (!database && !AcceptKeyword("TABLE")) return ErrorAt(Peek(), "TABLE, DATABASE or MATERIALIZED VIEW");
  bool if_not_exists = false;
  if (PeekKeyword("IF") && PeekKeyword("NOT", 1) && PeekKeyword("EXISTS", 2)) {
    Take();
    Take();
    Take();
    if_not_exists = true;
  }
  if (database) {
    // CREATE DATABASE name [ENGINE = e] [COMMENT 's']: the engine and comment are read
    // and ignored (tally databases have one engine).
    st.kind = Statement::Kind::kCreateDatabase;
    st.if_not_exists = if_not_exists;
    TALLY_ASSIGN_OR_RETURN(st.database, ParseName("database name"));
    if (AcceptKeyword("ENGINE")) {
      Accept(TokenKind::kEquals);
      TALLY_ASSIGN_OR_RETURN(ExprPtr engine, ParseEngine());
    }
    if (AcceptKeyword("COMMENT")) {
      if (!PeekIs(TokenKind::kString)) return ErrorAt(Peek(), "comment string");
      Take();
    }
    return st;
  }
  st.kind = Statement::Kind::kCreateTable;
  auto create = std::make_shared<CreateTableQuery>();
  create->if_not_exists = if_not_exists;
  TALLY_RETURN_IF_ERROR(ParseQualifiedName(&create->database, &create->table));
  if (PeekIs(TokenKind::kLParen)) TALLY_RETURN_IF_ERROR(ParseColumnList(create.get()));
  TALLY_RETURN_IF_ERROR(ParseStorage(create.get()));
  if (AcceptKeyword("AS")) {
    if (!PeekKeyword("SELECT") && !PeekKeyword("WITH")) return ErrorAt(Peek(), "SELECT");
    int height = 0;
    TALLY_ASSIGN_OR_RETURN(create->as_select, ParseSelectUnion(&height));
  }
  st.if_not_exists = if_not_exists;
  st.database = create->database;
  st.table = create->table;
  st.create = std::move(create);
  return st;
}

absl::StatusOr<Statement> Parser::ParseCreateView(Position pos) {
  // After CREATE MATERIALIZED VIEW: [IF NOT EXISTS] [db.]name [(columns)] [TO [db.]target
  // [(columns)]] [storage clauses] [POPULATE] AS SELECT ...
  Statement st;
  st.pos = pos;
  st.kind = Statement::Kind::kCreateView;
  auto view = std::make_shared<CreateViewQuery>();
  if (PeekKeyword("IF") && PeekKeyword("NOT", 1) && PeekKeyword("EXISTS", 2)) {
    Take();
    Take();
    Take();
    view->if_not_exists = true;
  }
  TALLY_RETURN_IF_ERROR(ParseQualifiedName(&view->database, &view->view));
  if (PeekIs(TokenKind::kLParen)) TALLY_RETURN_IF_ERROR(ParseColumnList(&view->storage));
  if (AcceptKeyword("TO")) {
    TALLY_RETURN_IF_ERROR(ParseQualifiedName(&view->to_database, &view->to_table));
    if (PeekIs(TokenKind::kLParen) && view->storage.columns.empty()) {
      TALLY_RETURN_IF_ERROR(ParseColumnList(&view->storage));
    }
  }
  const Token storage = Peek();
  TALLY_RETURN_IF_ERROR(ParseStorage(&view->storage));
  const CreateTableQuery& s = view->storage;
  const bool has_storage = s.engine != nullptr || s.partition_by != nullptr || !s.order_by.empty() ||
                           !s.primary_key.empty() || !s.ttl.empty() || !s.settings.values.empty() ||
                           !s.comment.empty();
  if (!view->to_table.empty() && has_storage) {
    return MessageAt(storage.pos, "a materialized view with TO writes to that table and takes no ENGINE or storage clauses");
  }
  if (view->to_table.empty() && s.engine == nullptr) {
    return MessageAt(storage.pos, "a materialized view needs TO [db.]table or ENGINE = ...");
  }
  if (AcceptKeyword("POPULATE")) view->populate = true;
  TALLY_RETURN_IF_ERROR(ExpectKeyword("AS"));
  if (!StartsSelect()) return ErrorAt(Peek(), "SELECT");
  const size_t begin = Peek().begin;
  int height = 0;
  TALLY_ASSIGN_OR_RETURN(view->select, ParseSelectUnion(&height));
  view->select_text = std::string(text_.substr(begin, last_end_ - begin));
  st.if_not_exists = view->if_not_exists;
  st.database = view->database;
  st.table = view->view;
  st.view = std::move(view);
  return st;
}

absl::Status Parser::ParseColumnList(CreateTableQuery* create) {
  Take();  // (
  do {
    const Token t = Peek();
    if (IsKeyword(t, "INDEX")) {
      // INDEX name expr TYPE kind, unless it is a column named index (`index UInt32`):
      // an index has TYPE before the next ',' or ')' outside brackets.
      bool is_index = false;
      int depth = 0;
      for (size_t k = 1;; ++k) {
        const Token x = Peek(k);
        if (x.kind == TokenKind::kEnd || x.kind == TokenKind::kError) break;
        if (depth == 0 && (x.kind == TokenKind::kComma || x.kind == TokenKind::kRParen)) break;
        if (depth == 0 && IsKeyword(x, "TYPE")) {
          is_index = true;
          break;
        }
        if (x.kind == TokenKind::kLParen || x.kind == TokenKind::kLBracket) ++depth;
        if (x.kind == TokenKind::kRParen || x.kind == TokenKind::kRBracket) --depth;
      }
      if (is_index) {
        TALLY_RETURN_IF_ERROR(ParseIndex(create));
        continue;
      }
    }
    if (IsKeyword(t, "PRIMARY") && PeekKeyword("KEY", 1)) {
      Take();
      Take();
      TALLY_ASSIGN_OR_RETURN(std::vector<ExprPtr> keys, ParseKeyList());
      for (ExprPtr& k : keys) create->primary_key.push_back(std::move(k));
      continue;
    }
    TALLY_RETURN_IF_ERROR(ParseColumn(create));
  } while (Accept(TokenKind::kComma));
  if (!Accept(TokenKind::kRParen)) return ErrorAt(Peek(), "',' or ')'");
  return absl::OkStatus();
}

absl::Status Parser::ParseColumn(CreateTableQuery* create) {
  ColumnDeclaration col;
  col.pos = Peek().pos;
  TALLY_ASSIGN_OR_RETURN(col.name, ParseName("column declaration"));
  const Token after_name = Peek();
  if (after_name.kind == TokenKind::kBareWord && !IsColumnModifier(after_name)) {
    TALLY_ASSIGN_OR_RETURN(col.type, ParseTypeText());
  }
  bool nullable = false, not_null = false;
  auto duplicate = [&](const Token& t) {
    return MessageAt(t.pos, absl::StrCat("duplicate ", absl::AsciiStrToUpper(t.text),
                                         " for column '", col.name, "'"));
  };
  while (true) {
    const Token m = Peek();
    if (IsKeyword(m, "NULL")) {
      if (nullable || not_null) return duplicate(m);
      Take();
      nullable = true;
    } else if (IsKeyword(m, "NOT") && PeekKeyword("NULL", 1)) {
      if (nullable || not_null) return duplicate(m);
      Take();
      Take();
      not_null = true;
    } else if (IsKeyword(m, "DEFAULT") || IsKeyword(m, "MATERIALIZED") ||
               IsKeyword(m, "ALIAS") || IsKeyword(m, "EPHEMERAL")) {
      if (!col.default_kind.empty()) return duplicate(m);
      Take();
      col.default_kind = absl::AsciiStrToUpper(m.text);
      const Token next = Peek();
      const bool bare_ephemeral = IsKeyword(m, "EPHEMERAL") &&
                                  (next.kind == TokenKind::kComma ||
                                   next.kind == TokenKind::kRParen || IsColumnModifier(next));
      if (!bare_ephemeral) {
        const size_t begin = Peek().begin;
        TALLY_ASSIGN_OR_RETURN(col.default_expr, ParseExpr());
        col.default_text = std::string(absl::StripAsciiWhitespace(text_.substr(begin, last_end_ - begin)));
      }
    } else if (IsKeyword(m, "CODEC")) {
      if (!col.codec.empty()) return duplicate(m);
      Take();
      if (!Accept(TokenKind::kLParen)) return ErrorAt(Peek(), "'(' after CODEC");
      const size_t begin = Peek().begin;
      size_t end = begin;
      for (int depth = 1;;) {
        const Token t = Peek();
        if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kError) return ErrorAt(t, "')'");
        Take();
        if (t.kind == TokenKind::kLParen) ++depth;
        if (t.kind == TokenKind::kRParen && --depth == 0) break;
        end = t.end;
      }
      if (end == begin) return MessageAt(m.pos, "expected a codec inside CODEC()");
      col.codec = std::string(text_.substr(begin, end - begin));
    } else if (IsKeyword(m, "TTL")) {
      if (col.ttl != nullptr) return duplicate(m);
      Take();
      TALLY_ASSIGN_OR_RETURN(col.ttl, ParseExpr());
    } else if (IsKeyword(m, "COMMENT")) {
      Take();
      const Token c = Peek();
      if (c.kind != TokenKind::kString) return ErrorAt(c, "comment string");
      Take();
      col.comment = UnquoteToken(c.text);
    } else if (IsKeyword(m, "PRIMARY") && PeekKeyword("KEY", 1)) {  // id UInt64 PRIMARY KEY
      Take();
      Take();
      ExprPtr key = NewExpr(Expr::Kind::kIdentifier, col.pos);
      key->parts.push_back(col.name);
      create->primary_key.push_back(std::move(key));
    } else {
      break;
    }
  }
  if (col.type.empty() && col.default_expr == nullptr) {
    return ErrorAt(after_name, absl::StrCat("type of column '", col.name, "'"));
  }
  if (nullable) {
    if (col.type.empty()) return MessageAt(col.pos, "NULL needs a column type");
    col.type = absl::StrCat("Nullable(", col.type, ")");
  }
  create->columns.push_back(std::move(col));
  return absl::OkStatus();
}

absl::Status Parser::ParseIndex(CreateTableQuery* create) {
  IndexDeclaration index;
  index.pos = Take().pos;  // INDEX
  TALLY_RETURN_IF_ERROR(ParseIndexDeclaration(&index));
  create->indexes.push_back(std::move(index));
  return absl::OkStatus();
}

absl::Status Parser::ParseIndexDeclaration(IndexDeclaration* out) {
  IndexDeclaration& index = *out;
  TALLY_ASSIGN_OR_RETURN(index.name, ParseName("index name"));
  TALLY_ASSIGN_OR_RETURN(index.expr, ParseExpr());
  TALLY_RETURN_IF_ERROR(ExpectKeyword("TYPE"));
  const Token type = Peek();
  TALLY_ASSIGN_OR_RETURN(index.type, ParseExpr());
  if (!(index.type->kind == Expr::Kind::kFunction && !index.type->has_params) &&
      !(index.type->kind == Expr::Kind::kIdentifier && index.type->parts.size() == 1)) {
    return ErrorAt(type, "index type such as minmax, set(100) or bloom_filter(0.01)");
  }
  if (AcceptKeyword("GRANULARITY")) {
    const Token g = Peek();
    TALLY_ASSIGN_OR_RETURN(format::Value v, ParseLiteralValue());
    if (v.kind != format::Value::Kind::kUInt || v.u == 0) {
      return ErrorAt(g, "positive integer GRANULARITY");
    }
    index.granularity = v.u;
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseStorage(CreateTableQuery* create) {
  // ENGINE and the clauses after it, in any order, each at most once.
  bool engine = false, partition = false, primary = false, order = false, ttl = false,
       settings = false, comment = false;
  auto once = [&](bool* seen, const Token& t) -> absl::Status {
    if (*seen) return MessageAt(t.pos, absl::StrCat("duplicate ", t.text, " clause"));
    *seen = true;
    return absl::OkStatus();
  };
  while (true) {
    const Token t = Peek();
    if (IsKeyword(t, "ENGINE")) {
      TALLY_RETURN_IF_ERROR(once(&engine, t));
      Take();
      Accept(TokenKind::kEquals);
      TALLY_ASSIGN_OR_RETURN(create->engine, ParseEngine());
    } else if (IsKeyword(t, "PARTITION") && PeekKeyword("BY", 1)) {
      TALLY_RETURN_IF_ERROR(once(&partition, t));
      Take();
      Take();
      TALLY_ASSIGN_OR_RETURN(create->partition_by, ParseExpr());
    } else if (IsKeyword(t, "PRIMARY") && PeekKeyword("KEY", 1)) {
      TALLY_RETURN_IF_ERROR(once(&primary, t));
      Take();
      Take();
      TALLY_ASSIGN_OR_RETURN(std::vector<ExprPtr> keys, ParseKeyList());
      for (ExprPtr& k : keys) create->primary_key.push_back(std::move(k));
    } else if (IsKeyword(t, "ORDER") && PeekKeyword("BY", 1)) {
      TALLY_RETURN_IF_ERROR(once(&order, t));
      Take();
      Take();
      TALLY_ASSIGN_OR_RETURN(create->order_by, ParseKeyList());
    } else if (IsKeyword(t, "TTL")) {
      TALLY_RETURN_IF_ERROR(once(&ttl, t));
      Take();
      TALLY_ASSIGN_OR_RETURN(create->ttl, ParseTtlList());
    } else if (IsKeyword(t, "SETTINGS")) {
      TALLY_RETURN_IF_ERROR(once(&settings, t));
      Take();
      TALLY_RETURN_IF_ERROR(ParseSettingsList(&create->settings));
    } else if (IsKeyword(t, "COMMENT")) {
      TALLY_RETURN_IF_ERROR(once(&comment, t));
      Take();
      const Token c = Peek();
      if (c.kind != TokenKind::kString) return ErrorAt(c, "comment string");
      Take();
      create->comment = UnquoteToken(c.text);
    } else {
      return absl::OkStatus();
    }
  }
}

absl::StatusOr<std::vector<TtlElement>> Parser::ParseTtlList() {
  std::vector<TtlElement> out;
  do {
    TtlElement element;
    const size_t begin = Peek().begin;
    TALLY_ASSIGN_OR_RETURN(element.expr, ParseExpr());
    element.expr_text = std::string(absl::StripAsciiWhitespace(text_.substr(begin, last_end_ - begin)));
    const Token action = Peek();
    if (IsKeyword(action, "TO") || IsKeyword(action, "RECOMPRESS") || IsKeyword(action, "GROUP")) {
      return absl::UnimplementedError(absl::StrCat("TTL ... ", action.text, " at line ", action.pos.line, ", column ",
                                                   action.pos.column, " is not supported yet (TTL ... DELETE is)"));
    }
    AcceptKeyword("DELETE");
    if (AcceptKeyword("WHERE")) {
      const size_t where_begin = Peek().begin;
      TALLY_ASSIGN_OR_RETURN(element.where, ParseExpr());
      element.where_text =
          std::string(absl::StripAsciiWhitespace(text_.substr(where_begin, last_end_ - where_begin)));
    }
    out.push_back(std::move(element));
  } while (Accept(TokenKind::kComma));
  return out;
}

absl::StatusOr<ExprPtr> Parser::ParseEngine() {
  const Token name = Peek();
  if (!IsNameToken(name)) return ErrorAt(name, "engine name");
  if (PeekIs(TokenKind::kLParen, 1)) return ParseFunctionCall();  // MergeTree()
  Take();
  ExprPtr e = NewExpr(Expr::Kind::kIdentifier, name.pos);  // MergeTree
  e->parts.push_back(NameOf(name));
  return e;
}

absl::StatusOr<std::vector<ExprPtr>> Parser::ParseKeyList() {
  // ORDER BY a | (a, b) | tuple(a, b) | tuple(): the tuple's elements are the key.
  TALLY_ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
  if (e->kind == Expr::Kind::kFunction && e->name == "tuple" && !e->has_params &&
      !e->distinct && e->alias.empty()) {
    return std::move(e->args);
  }
  return std::vector<ExprPtr>{std::move(e)};
}

}  // namespace tally::engine::sql::internal
