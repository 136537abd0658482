#include "engine/query/query_context.h"

#include "absl/strings/str_cat.h"

namespace tally::engine::sql {

std::string QualifiedTableName(const std::string& database, const std::string& table, const QueryContext& ctx) {
  const std::string& db = database.empty() ? ctx.current_database : database;
  return db == "default" ? table : absl::StrCat(db, ".", table);
}

}  // namespace tally::engine::sql
