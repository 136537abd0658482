// The SQL parser: text in ClickHouse's dialect to the syntax tree of engine/sql/ast.h.
// The grammar it accepts is documented in docs/sql.md ("Grammar").
//
// Every error is absl::InvalidArgumentError("Syntax error at line L, column C: expected
// <what>, got '<token>'") naming the offending token's 1-based position, with the code
// SYNTAX_ERROR (engine/error_code.h); a ClickHouse clause tally lacks is Unimplemented. Hostile input
// gives such an error, never a crash: nesting is capped (kMaxParseDepth recursion levels,
// kMaxExprHeight levels of tree), and the work is linear in the input.
//
// Pure functions; thread-safe.
#ifndef TALLY_ENGINE_SQL_PARSER_H_
#define TALLY_ENGINE_SQL_PARSER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/sql/ast.h"

namespace tally::engine::sql {

// How deep the parser may recurse: brackets, function calls, subqueries, unary operators.
inline constexpr int kMaxParseDepth = 256;
// How tall an expression tree may grow (left-associative chains such as a + b + c add a
// level per operator without recursing). Whoever walks the tree recursively relies on it.
inline constexpr int kMaxExprHeight = 1000;

// ';'-separated statements; empty statements are skipped. An INSERT ... FORMAT takes the
// rest of the input as its data, so it is always the last statement.
absl::StatusOr<std::vector<Statement>> ParseStatements(absl::string_view sql);

// Exactly one statement (a trailing ';' is fine).
absl::StatusOr<Statement> ParseStatement(absl::string_view sql);

// One whole expression, optionally with `AS alias`: "toYYYYMM(time)".
absl::StatusOr<ExprPtr> ParseExpression(absl::string_view text);

// A table's TTL as stored (what follows TTL in CREATE TABLE): "time + INTERVAL 30 DAY".
absl::StatusOr<std::vector<TtlElement>> ParseTtl(absl::string_view text);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_SQL_PARSER_H_
