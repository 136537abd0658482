// ALTER TABLE t ADD INDEX [IF NOT EXISTS] name expr TYPE type [GRANULARITY n]
//   [FIRST | AFTER other] | DROP INDEX [IF EXISTS] name |
//   {MATERIALIZE | CLEAR} INDEX [IF EXISTS] name [IN PARTITION p | IN PARTITION ID 'id'].
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/sql/parser_internal.h"
#include "format/status_macros.h"

namespace tally::engine::sql::internal {

absl::Status Parser::ParseAlterIndex(Statement* st) {
  const Token verb = Take();
  Take();  // INDEX
  st->alter_command = absl::StrCat(absl::AsciiStrToUpper(verb.text), " INDEX");
  if (IsKeyword(verb, "ADD")) {
    if (PeekKeyword("IF") && PeekKeyword("NOT", 1) && PeekKeyword("EXISTS", 2)) {
      Take();
      Take();
      Take();
      st->if_not_exists = true;
    }
    auto index = std::make_shared<IndexDeclaration>();
    index->pos = verb.pos;
    TALLY_RETURN_IF_ERROR(ParseIndexDeclaration(index.get()));
    st->index = std::move(index);
    if (AcceptKeyword("FIRST")) {
      st->index_first = true;
    } else if (AcceptKeyword("AFTER")) {
      TALLY_ASSIGN_OR_RETURN(st->index_after, ParseName("index name"));
    }
    return absl::OkStatus();
  }
  if (PeekKeyword("IF") && PeekKeyword("EXISTS", 1)) {
    Take();
    Take();
    st->if_exists = true;
  }
  TALLY_ASSIGN_OR_RETURN(st->index_name, ParseName("index name"));
  if ((IsKeyword(verb, "MATERIALIZE") || IsKeyword(verb, "CLEAR")) && AcceptKeyword("IN")) {
    TALLY_RETURN_IF_ERROR(ExpectKeyword("PARTITION"));
    TALLY_RETURN_IF_ERROR(ParsePartitionSpec(st));
  }
  return absl::OkStatus();
}

}  // namespace tally::engine::sql::internal
