#include "engine/query/explain.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/error_code.h"
#include "engine/query/index_conditions.h"
#include "engine/query/row_filter.h"
#include "engine/query/select.h"
#include "engine/query/select_source.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

absl::StatusOr<ExplainOptions> ParseExplainOptions(const SettingsClause& settings) {
  // ClickHouse's EXPLAIN PLAN settings; tally acts on `indexes` and accepts the others.
  static const absl::flat_hash_set<std::string> kKnown = {
      "compact", "column_structure", "distributed", "description", "json", "sorting", "input_headers",
      "projections", "keep_logical_steps", "indexes", "actions", "pretty", "indices", "estimates", "optimize",
      "header"};
  ExplainOptions options;
  for (const auto& [name, value] : settings.values) {
    if (!kKnown.contains(name)) {
      return CodedError(ErrorCode::kUnknownSetting,
                        absl::StrCat("Unknown setting \"", name, "\" for EXPLAIN PLAN query"));
    }
    if (value.kind != format::Value::Kind::kUInt || value.u > 1) {
      return absl::InvalidArgumentError(absl::StrCat("Invalid value ", value.DebugString(), " for setting \"", name,
                                                     "\". Expected boolean type"));
    }
    if (name == "indexes" || name == "indices") options.indexes = value.u == 1;
  }
  return options;
}

namespace {

// The scan's Indexes section, in ClickHouse's layout.
void IndexesSection(const SourceCatalog& catalog, const std::vector<ColumnRange>& ranges, const ScanStats& s,
                    const std::function<void(absl::string_view)>& line, int* indent) {
  auto keys = [&](const std::vector<std::string>& names) {
    if (names.empty()) return;
    line("Keys:");
    ++*indent;
    for (const std::string& n : names) line(n);
    --*indent;
  };
  auto condition = [&](const std::vector<std::string>& texts) {
    line(absl::StrCat("Condition: ", texts.empty() ? "true" : absl::StrJoin(texts, " AND ")));
  };
  auto counts = [&](uint64_t parts_after, uint64_t parts_before, uint64_t granules_after, uint64_t granules_before) {
    line(absl::StrCat("Parts: ", parts_after, "/", parts_before));
    line(absl::StrCat("Granules: ", granules_after, "/", granules_before));
  };
  // Min-Max: ranges on the columns parts keep min/max statistics of (fixed-width scalar
  // columns; part_writer.cc) prune parts.
  std::vector<std::string> minmax_keys, minmax_conditions, key_conditions;
  for (const ColumnRange& r : ranges) {
    const int c = catalog.schema.FindColumn(r.column);
    const format::DataType& type = *catalog.schema.columns[c].type;
    if ((type.is_integer() || type.is_float() || type.is_time()) && !type.is_aggregate_state()) {
      if (std::find(minmax_keys.begin(), minmax_keys.end(), r.column) == minmax_keys.end()) {
        minmax_keys.push_back(r.column);
      }
      minmax_conditions.push_back(r.DebugString());
    }
    const auto& key = catalog.schema.sort_key;
    if (std::find(key.begin(), key.end(), r.column) != key.end()) key_conditions.push_back(r.DebugString());
  }
  line("Indexes:");
  ++*indent;
  line("Min-Max");
  ++*indent;
  keys(minmax_keys);
  condition(minmax_conditions);
  counts(s.parts_selected + s.parts_expired, s.parts_total, s.granules_in_selected_parts + s.granules_expired,
         s.granules_total);
  --*indent;
  if (!catalog.schema.ttl.empty()) {
    // tally's own step: parts wholly past the table's TTL are not read (docs/sql.md, TTL).
    line("TTL");
    ++*indent;
    condition({catalog.schema.ttl});
    counts(s.parts_selected, s.parts_selected + s.parts_expired, s.granules_in_selected_parts,
           s.granules_in_selected_parts + s.granules_expired);
    --*indent;
  }
  line("PrimaryKey");
  ++*indent;
  if (!key_conditions.empty()) keys(catalog.schema.sort_key);
  condition(key_conditions);
  counts(s.parts_after_key, s.parts_selected, s.granules_selected, s.granules_in_selected_parts);
  --*indent;
  for (const SkipIndexStats& index : s.skip_indexes) {
    line("Skip");
    ++*indent;
    line(absl::StrCat("Name: ", index.name));
    line(absl::StrCat("Description: ", index.description));
    line(absl::StrCat("Condition: ", index.condition));
    counts(index.parts_after, index.parts_before, index.granules_after, index.granules_before);
    --*indent;
  }
  --*indent;
}

}  // namespace

absl::StatusOr<std::string> ExplainSelect(const SelectQuery& q, QueryContext& ctx, const ExplainOptions& explain) {
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
  const ExprPtr query_filter = RowFilter(q);
  if (query_filter) {
    line(absl::StrCat("Filter (WHERE ", query_filter->ToString(), ")"));
    ++indent;
  }
  // The session's row filter runs first, and prunes as the WHERE does.
  if (catalog.row_filter) {
    line(absl::StrCat("Filter (", catalog.row_filter_owner, ": ", catalog.row_filter->ToString(), ")"));
    ++indent;
  }
  const ExprPtr filter = Conjunction(catalog.row_filter, query_filter);
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
  options.skip_conditions = ExtractIndexConditions(filter, catalog, ctx.params);
  options.filter_rows = false;
  options.final = catalog.final;
  TALLY_ASSIGN_OR_RETURN(auto cursor, ctx.db->Scan(catalog.table, options));
  const ScanStats& s = cursor->stats();
  if (explain.indexes) {
    uint64_t parts = s.parts_after_key, granules = s.granules_selected;
    if (!s.skip_indexes.empty()) {
      parts = s.skip_indexes.back().parts_after;
      granules = s.skip_indexes.back().granules_after;
    }
    line(absl::StrCat("Parts: ", parts, " | Granules: ", granules));
    IndexesSection(catalog, ranges, s, line, &indent);
    return out;
  }
  std::vector<std::string> conditions;
  for (const ColumnRange& r : ranges) conditions.push_back(r.DebugString());
  line(absl::StrCat("Conditions: ", conditions.empty() ? "none" : absl::StrJoin(conditions, " AND ")));
  line(absl::StrCat("MinMax: parts ", s.parts_selected + s.parts_expired, "/", s.parts_total));
  if (!catalog.schema.ttl.empty()) {
    line(absl::StrCat("TTL: parts ", s.parts_selected, "/", s.parts_selected + s.parts_expired,
                      " (the others wholly expired)"));
  }
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
