// The system tables clients read to learn what the server has, as ClickHouse has them:
// system.settings (the statement's settings), system.columns, system.functions and
// system.formats. The tables about data (parts, tables, databases, detached_parts) are in
// system_tables.cc.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/exec/aggregate_function.h"
#include "engine/exec/function.h"
#include "engine/exec/input_format.h"
#include "engine/exec/output_format.h"
#include "engine/query/session.h"
#include "engine/query/setting_catalog.h"
#include "engine/query/system_row_builder.h"
#include "engine/query/system_tables.h"
#include "engine/sql/ddl.h"

namespace tally::engine::sql {

namespace {

using format::TypeId;
using format::Value;

void SettingRow(RowBuilder* b, const Settings& settings, const SettingInfo& info, bool all_readonly) {
  const std::string canonical = info.alias_for[0] != '\0' ? info.alias_for : info.name;
  b->String("name", info.name);
  b->String("value", SettingValue(settings, info));
  b->UInt8("changed", settings.changed.contains(canonical) ? 1 : 0);
  b->String("description", info.description);
  b->Nullable("min", TypeId::kString, Value::Null());
  b->Nullable("max", TypeId::kString, Value::Null());
  // readonly as ClickHouse's current user sees it: 1 = cannot be changed.
  b->UInt8("readonly", all_readonly || info.effect == SettingInfo::Effect::kFixed ? 1 : 0);
  b->String("type", info.type);
  b->String("default", SettingValue(Settings(), info));
  b->String("alias_for", info.alias_for);
  b->UInt8("is_obsolete", 0);
}

// Whether `column` is one of the identifiers of expression text `expr` (a partition key
// such as toYYYYMM(time) or (tenant, toDate(t))). Words inside quotes are skipped.
bool UsesColumn(absl::string_view expr, absl::string_view column) {
  size_t i = 0;
  while (i < expr.size()) {
    const char c = expr[i];
    if (c == '\'') {  // a string literal
      for (++i; i < expr.size() && expr[i] != '\''; ++i) {
        if (expr[i] == '\\') ++i;
      }
      ++i;
      continue;
    }
    if (c == '`' || c == '"') {  // a quoted identifier
      const size_t end = expr.find(c, i + 1);
      if (end == absl::string_view::npos) return false;
      if (expr.substr(i + 1, end - i - 1) == column) return true;
      i = end + 1;
      continue;
    }
    if (absl::ascii_isalpha(c) || c == '_') {
      size_t end = i;
      while (end < expr.size() && (absl::ascii_isalnum(expr[end]) || expr[end] == '_')) ++end;
      if (expr.substr(i, end - i) == column) return true;
      i = end;
      continue;
    }
    ++i;
  }
  return false;
}

void ColumnRow(RowBuilder* b, const std::string& table, const format::TableSchema* schema, size_t i,
               bool keys) {
  auto [db, t] = SplitTableName(table);
  const format::ColumnDef* c = schema != nullptr ? &schema->columns[i] : nullptr;
  const bool sorting = keys && c != nullptr &&
                       std::find(schema->sort_key.begin(), schema->sort_key.end(), c->name) != schema->sort_key.end();
  b->String("database", c ? db : "");
  b->String("table", c ? t : "");
  b->String("name", c ? c->name : "");
  b->String("type", c ? c->type->ToString() : "");
  b->UInt64("position", i + 1);
  b->String("default_kind", c && !c->default_expr.empty() ? "DEFAULT" : "");
  b->String("default_expression", c ? c->default_expr : "");
  b->String("comment", c ? c->comment : "");
  b->UInt8("is_in_partition_key", keys && c && UsesColumn(schema->partition_by, c->name) ? 1 : 0);
  b->UInt8("is_in_sorting_key", sorting ? 1 : 0);
  b->UInt8("is_in_primary_key", sorting ? 1 : 0);  // the primary key is the sorting key
  b->UInt8("is_in_sampling_key", 0);
  b->String("compression_codec",
            c && !c->codecs.empty() ? absl::StrCat("CODEC(", CodecsAsClickHouse(c->codecs, *c->type), ")") : "");
}

// The formats ClickHouse knows: system.formats lists those of them tally reads or writes,
// as the format code answers, so it follows what input_format.cc and output_format.cc have.
constexpr const char* kClickHouseFormats[] = {
    "Arrow", "ArrowStream", "Avro", "AvroConfluent", "BSONEachRow", "CSV", "CSVWithNames",
    "CSVWithNamesAndTypes", "CustomSeparated", "CustomSeparatedWithNames", "CustomSeparatedWithNamesAndTypes",
    "JSON", "JSONAsObject", "JSONAsString", "JSONColumns", "JSONColumnsWithMetadata", "JSONCompact",
    "JSONCompactColumns", "JSONCompactEachRow", "JSONCompactEachRowWithNames",
    "JSONCompactEachRowWithNamesAndTypes", "JSONCompactEachRowWithProgress", "JSONCompactStrings",
    "JSONCompactStringsEachRow", "JSONCompactStringsEachRowWithNames", "JSONCompactStringsEachRowWithNamesAndTypes",
    "JSONEachRow", "JSONEachRowWithProgress", "JSONLines", "JSONObjectEachRow", "JSONStrings",
    "JSONStringsEachRow", "LineAsString", "Markdown", "MsgPack", "MySQLDump", "NDJSON", "Native", "Npy", "Null",
    "ORC", "One", "Parquet", "Pretty", "PrettyCompact", "PrettyCompactMonoBlock", "PrettyCompactNoEscapes",
    "PrettyJSONEachRow", "PrettyMonoBlock", "PrettyNoEscapes", "PrettySpace", "PrettySpaceNoEscapes", "Protobuf",
    "Raw", "RawBLOB", "RawWithNames", "RawWithNamesAndTypes", "Regexp", "RowBinary", "RowBinaryWithDefaults",
    "RowBinaryWithNames", "RowBinaryWithNamesAndTypes", "SQLInsert", "TSKV", "TSV", "TSVRaw", "TSVRawWithNames",
    "TSVRawWithNamesAndTypes", "TSVWithNames", "TSVWithNamesAndTypes", "TabSeparated", "TabSeparatedRaw",
    "TabSeparatedRawWithNames", "TabSeparatedRawWithNamesAndTypes", "TabSeparatedWithNames",
    "TabSeparatedWithNamesAndTypes", "Template", "Values", "Vertical", "XML",
};

}  // namespace

Block SystemSettings(const Settings* settings, int readonly) {
  const Settings defaults;
  const Settings& s = settings != nullptr ? *settings : defaults;
  RowBuilder b;
  for (const SettingInfo& info : SettingCatalog()) SettingRow(&b, s, info, readonly == 1);
  return b.Finish();
}

// The system tables, as system.columns lists them (each read for its columns).
constexpr const char* kSystemTables[] = {"columns",   "databases", "detached_parts", "formats",
                                         "functions", "parts",     "settings",       "tables"};

Block SystemColumns(const QueryContext& ctx) {
  Database* db = ctx.db;
  RowBuilder b;
  std::vector<std::pair<std::string, bool>> tables;  // name, has its own keys (not a view)
  for (const std::string& name : db->ListTables()) tables.emplace_back(name, true);
  for (const ViewInfo& v : db->ListViews()) tables.emplace_back(v.name, false);
  std::sort(tables.begin(), tables.end());
  for (const auto& [name, keys] : tables) {
    // A view's columns are those of the table it writes to, as DESCRIBE shows them.
    std::string source = name;
    if (!keys) {
      auto view = db->GetView(name);
      if (!view.ok()) continue;  // dropped meanwhile
      source = view->target;
    }
    auto schema = db->GetSchema(source);
    if (!schema.ok()) continue;
    for (size_t i = 0; i < schema->columns.size(); ++i) {
      ColumnRow(&b, name, &*schema, i, keys);
    }
  }
  for (const char* name : kSystemTables) {
    format::TableSchema schema;
    Block shape = absl::string_view(name) == "columns"
                      ? Shape([](RowBuilder* r) { ColumnRow(r, "", nullptr, 0, false); })
                      : SystemTable(ctx, name).value_or(Block());
    for (size_t i = 0; i < shape.names.size(); ++i) {
      schema.columns.push_back({.name = shape.names[i], .type = shape.columns[i].type});
    }
    for (size_t i = 0; i < schema.columns.size(); ++i) ColumnRow(&b, absl::StrCat(kSystemDatabase, ".", name), &schema, i, false);
  }
  return b.Finish();
}

Block SystemFunctions() {
  struct Row {
    std::string name;
    bool aggregate;
    bool case_insensitive;
    std::string alias_to;
  };
  std::vector<Row> rows;
  for (const exec::FunctionRegistry::Entry& e : exec::FunctionRegistry::Global().Entries()) {
    rows.push_back({e.name, false, e.case_insensitive, e.alias_to});
  }
  for (const exec::AggregateRegistry::Entry& e : exec::AggregateRegistry::Global().Entries()) {
    rows.push_back({e.name, true, e.case_insensitive, ""});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  RowBuilder b;
  for (const Row& r : rows) {
    b.String("name", r.name);
    b.UInt8("is_aggregate", r.aggregate ? 1 : 0);
    b.UInt8("case_insensitive", r.case_insensitive ? 1 : 0);
    b.String("alias_to", r.alias_to);
    b.String("create_query", "");
    b.String("origin", "System");
    b.String("description", "");
    b.String("syntax", "");
    b.String("arguments", "");
    b.String("returned_value", "");
    b.String("examples", "");
    b.String("categories", "");
  }
  return b.Finish();
}

Block SystemFormats() {
  RowBuilder b;
  for (const char* name : kClickHouseFormats) {
    const bool in = IsInputFormat(name);
    const bool out = IsOutputFormat(name);
    if (!in && !out) continue;
    b.String("name", name);
    b.UInt8("is_input", in ? 1 : 0);
    b.UInt8("is_output", out ? 1 : 0);
  }
  return b.Finish();
}

}  // namespace tally::engine::sql
