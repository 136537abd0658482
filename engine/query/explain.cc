#include "engine/query/explain.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/query/select.h"
#include "engine/query/select_source.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

absl::StatusOr<std::string> ExplainSelect(const SelectQuery& q, QueryContext& ctx) {
  if (!q.union_all.empty()) return absl::UnimplementedError("EXPLAIN of a UNION ALL is not supported yet");
  InstallSubqueryRunner(ctx);
  TALLY_ASSIGN_OR_RETURN(SourceCatalog catalog, ResolveSource(q, ctx, ExecuteSelect));
  std::string out;
  int indent = 0;
  auto line = [&](absl::string_view text) { absl::StrAppend(&out, std::string(indent * 2, ' '), text, "\n"); };
  line("Expression (Projection)");
  ++indent;
  if (q.limit) {
    line("Limit");
    ++indent;
  }
  if (!q.order_by.empty()) {
    line(q.limit ? "Sorting (top-N)" : "Sorting");
    ++indent;
  }
  bool aggregating = !q.group_by.empty();
  for (const ExprPtr& s : q.select) aggregating |= CollectAggregates(s, nullptr, nullptr);
  if (aggregating) {
    line(absl::StrCat("Aggregating", q.group_by.empty() ? "" : absl::StrCat(" (keys: ", q.group_by.size(), ")")));
    ++indent;
  }
  const ExprPtr filter = RowFilter(q);
  if (filter) {
    line(absl::StrCat("Filter (WHERE ", filter->ToString(), ")"));
    ++indent;
  }
  if (catalog.kind != SourceCatalog::Kind::kTable) {
    line(catalog.kind == SourceCatalog::Kind::kNumbers ? "ReadFromNumbers" : "ReadFromSubqueryOrDummy");
    return out;
  }
  std::vector<ColumnRange> ranges = ExtractRanges(filter, catalog, ctx.params);
  line(absl::StrCat("ReadFromMergeTree (", catalog.table, ")"));
  ++indent;
  ScanOptions options;
  options.columns = {catalog.cheapest_column};
  options.ranges = ranges;
  options.filter_rows = false;
  TALLY_ASSIGN_OR_RETURN(auto cursor, ctx.db->Scan(catalog.table, options));
  const ScanStats& s = cursor->stats();
  std::vector<std::string> conditions;
  for (const ColumnRange& r : ranges) conditions.push_back(r.DebugString());
  line(absl::StrCat("Conditions: ", conditions.empty() ? "none" : absl::StrJoin(conditions, " AND ")));
  line(absl::StrCat("MinMax: parts ", s.parts_selected, "/", s.parts_total));
  line(absl::StrCat("PrimaryKey (", absl::StrJoin(catalog.schema.sort_key, ", "), "): granules ",
                    s.granules_selected, "/", s.granules_total));
  uint64_t before = s.granules_selected;
  for (const SkipIndexStats& index : s.skip_indexes) {
    line(absl::StrCat("Skip (", index.name, "): granules ", index.granules_after, "/", before));
    before = index.granules_after;
  }
  return out;
}

}  // namespace tally::engine::sql
