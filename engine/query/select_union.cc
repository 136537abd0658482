#include "engine/query/select_union.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/exec/function_util.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using format::Column;
using format::DataTypePtr;

namespace {

// Whether column `c` of `member` is the NULL literal (SELECT NULL UNION ALL SELECT 'a'):
// tally types it Nullable(UInt8) where ClickHouse has Nullable(Nothing), which joins any
// type; so it adds only nullability to the supertype.
bool IsNullLiteralColumn(const SelectQuery& member, const ResultSet& r, size_t c) {
  if (member.select.size() != r.names.size()) return false;  // a * moved the columns
  const Expr& e = *member.select[c];
  return e.kind == Expr::Kind::kLiteral && e.literal.is_null();
}

// Whether column `c` of `member` is a UInt64 literal (SELECT 9223372036854775807); if so,
// its value in `out`, so that the supertype can read it as Int64 beside signed columns.
bool UInt64LiteralColumn(const SelectQuery& member, const ResultSet& r, size_t c, Column* out) {
  if (member.select.size() != r.names.size() || r.types[c]->id() != format::TypeId::kUInt64) return false;
  const Expr& e = *member.select[c];
  if (e.kind != Expr::Kind::kLiteral || e.literal.kind != format::Value::Kind::kUInt) return false;
  *out = Column::Make(r.types[c]);
  out->Append<uint64_t>(e.literal.u);
  return true;
}

}  // namespace

absl::StatusOr<ResultSet> ExecuteUnionAll(const SelectQuery& query, QueryContext& ctx, const SelectRunner& run_member) {
  SelectQuery first = query;
  first.union_all.clear();
  std::vector<const SelectQuery*> members = {&first};
  for (const auto& m : query.union_all) members.push_back(m.get());

  std::vector<ResultSet> results;
  ScanStats stats;
  for (const SelectQuery* m : members) {
    TALLY_ASSIGN_OR_RETURN(ResultSet r, run_member(*m, ctx));
    stats.rows_read += ctx.stats.rows_read;
    stats.rows_returned += ctx.stats.rows_returned;
    // Each member's rows stay until the union is put together.
    for (const Column& c : r.block.columns) ctx.limits.Hold(c.ByteSize());
    ctx.memory_bytes = 0;
    TALLY_RETURN_IF_ERROR(ctx.CheckLimits());
    if (!results.empty() && r.names.size() != results[0].names.size()) {
      return absl::InvalidArgumentError(absl::StrCat("Different number of columns in UNION ALL elements: ",
                                                     absl::StrJoin(results[0].names, ", "), " and ",
                                                     absl::StrJoin(r.names, ", ")));
    }
    results.push_back(std::move(r));
  }

  ResultSet out;
  out.names = results[0].names;
  const Column null_literal = [] {
    Column c = Column::Make(format::DataType::Nullable(format::DataType::Make(format::TypeId::kUInt8)));
    c.AppendDefault();
    return c;
  }();
  for (size_t c = 0; c < out.names.size(); ++c) {
    std::vector<exec::ArgInfo> infos;
    std::vector<Column> literals(results.size());  // UInt64 literals, which can count as Int64
    for (size_t m = 0; m < results.size(); ++m) {
      const bool null = IsNullLiteralColumn(*members[m], results[m], c);
      const Column* constant = null ? &null_literal : nullptr;
      if (!null && UInt64LiteralColumn(*members[m], results[m], c, &literals[m])) constant = &literals[m];
      infos.push_back(exec::ArgInfo{results[m].types[c], constant});
    }
    TALLY_ASSIGN_OR_RETURN(DataTypePtr type, exec::CommonSupertypeOfArgs(infos, "UNION ALL"));
    Column column = Column::Make(type);
    std::optional<Column> totals;
    for (size_t m = 0; m < results.size(); ++m) {
      Column& part = results[m].block.columns[c];
      if (!part.type->Equals(*type)) {
        TALLY_ASSIGN_OR_RETURN(part, exec::ConvertColumn(part, type, ctx.params.functions, "UNION ALL"));
      }
      column.AppendRange(part, 0, part.size());
      part = Column();
      // ClickHouse shows the totals of the first member WITH TOTALS.
      if (results[m].totals && !totals) {
        TALLY_ASSIGN_OR_RETURN(totals, exec::ConvertColumn(results[m].totals->columns[c], type,
                                                           ctx.params.functions, "UNION ALL"));
      }
    }
    out.types.push_back(type);
    out.block.Add(out.names[c], std::move(column));
    if (totals) {
      if (!out.totals) out.totals.emplace();
      out.totals->Add(out.names[c], std::move(*totals));
    }
    TALLY_RETURN_IF_ERROR(ctx.limits.Check());
  }
  ctx.stats = stats;
  return out;
}

}  // namespace tally::engine::sql
