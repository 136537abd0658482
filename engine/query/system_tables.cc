#include "engine/query/system_tables.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/error_code.h"
#include "engine/sql/ddl.h"
#include "engine/query/system_row_builder.h"

namespace tally::engine::sql {

using format::Column;
using format::DataType;
using format::TypeId;

namespace {

// CREATE TABLE on one line, as system.tables' create_table_query has it.
std::string OneLine(const std::string& statement) {
  std::string out = absl::StrReplaceAll(statement, {{"\n(\n    ", " ("}, {",\n    ", ", "}, {"\n)\n", ") "}});
  absl::StrReplaceAll({{"\n", " "}}, &out);
  return out;
}

// The engine and what follows it (keys, TTL, settings): system.tables' engine_full.
std::string EngineFull(const std::string& create_query) {
  const size_t at = create_query.find(" ENGINE = ");
  return at == std::string::npos ? "" : create_query.substr(at + 10);
}

void PartRow(RowBuilder* b, const std::string& table, const PartInfo* p) {
  auto [db, t] = SplitTableName(table);
  b->String("database", db);
  b->String("table", t);
  b->String("partition_id", p ? p->partition_id : "");
  b->String("partition", p ? p->partition : "");
  b->String("name", p ? p->name : "");
  b->UInt8("active", 1);
  b->UInt64("rows", p ? p->rows : 0);
  b->UInt64("marks", p ? p->granules : 0);
  b->UInt64("bytes_on_disk", p ? p->bytes_on_disk : 0);
  b->UInt32("level", p ? p->level : 0);
  b->Int64("min_block_number", p ? static_cast<int64_t>(p->min_block) : 0);
  b->Int64("max_block_number", p ? static_cast<int64_t>(p->max_block) : 0);
  // ClickHouse's names: a part in a directory of its own is 'Wide'; an inline part, held
  // in the manifest until its flush, 'InMemory'.
  b->String("part_type", p && p->in_memory ? "InMemory" : "Wide");
}

// As ClickHouse's system.detached_parts, plus `message`: why the part was set aside.
void DetachedRow(RowBuilder* b, const DetachedPartInfo* d) {
  using format::Value;
  auto [db, t] = SplitTableName(d ? d->table : "");
  const bool parsed = d != nullptr && !d->partition_id.empty();
  b->String("database", d && !d->table.empty() ? db : "");
  b->String("table", d && !d->table.empty() ? t : "");
  b->Nullable("partition_id", TypeId::kString, parsed ? Value::String(d->partition_id) : Value::Null());
  b->String("name", d ? d->name : "");
  b->UInt64("bytes_on_disk", d ? d->bytes_on_disk : 0);
  b->DateTime("modification_time", d ? static_cast<uint32_t>(std::max<int64_t>(0, d->time_s)) : 0);
  b->String("disk", "default");
  b->String("path", d ? d->path : "");
  // A part detached on purpose has an empty reason, as in ClickHouse.
  b->Nullable("reason", TypeId::kString,
              d && d->kind == kUserDetachedKind ? Value::String("")
              : d && !d->kind.empty()           ? Value::String(d->kind)
                                                : Value::Null());
  b->Nullable("min_block_number", TypeId::kInt64,
              parsed ? Value::Int(static_cast<int64_t>(d->min_block)) : Value::Null());
  b->Nullable("max_block_number", TypeId::kInt64,
              parsed ? Value::Int(static_cast<int64_t>(d->max_block)) : Value::Null());
  b->Nullable("level", TypeId::kUInt32, parsed ? Value::UInt(d->level) : Value::Null());
  b->String("message", d ? d->message : "");
}

}  // namespace

absl::StatusOr<Block> SystemTable(const QueryContext& ctx, const std::string& table) {
  Database* db = ctx.db;
  if (table == "settings") return SystemSettings(ctx.settings.get(), ctx.readonly);
  if (table == "columns") return SystemColumns(ctx);
  if (table == "functions") return SystemFunctions();
  if (table == "formats") return SystemFormats();
  if (table == "parts") {
    RowBuilder b;
    bool any = false;
    for (const std::string& name : db->ListTables()) {
      auto parts = db->ListParts(name);
      if (!parts.ok()) continue;  // dropped meanwhile
      for (const PartInfo& p : *parts) {
        PartRow(&b, name, &p);
        any = true;
      }
    }
    if (!any) return Shape([](RowBuilder* r) { PartRow(r, "", nullptr); });
    return b.Finish();
  }
  if (table == "tables") {
    using format::Value;
    // A table, or a view (engine MaterializedView, no keys): its rows are those of its own
    // inner table, and NULL when it writes to another table, as in ClickHouse.
    auto row = [](RowBuilder* b, const std::string& name, const std::vector<PartInfo>* parts,
                  const format::TableSchema* schema) {
      auto [db_name, t] = SplitTableName(name);
      uint64_t rows = 0, bytes = 0;
      for (const PartInfo& p : parts ? *parts : std::vector<PartInfo>()) {
        rows += p.rows;
        bytes += p.bytes_on_disk;
      }
      const std::string keys = schema ? absl::StrJoin(schema->sort_key, ", ") : "";
      const std::string full_name = absl::StrCat(db_name, ".", t);
      const std::string create_query = schema ? OneLine(CreateTableStatement(full_name, *schema)) : "";
      std::string engine_full;  // as ClickHouse's: without the table's COMMENT
      if (schema) {
        format::TableSchema uncommented = *schema;
        uncommented.comment.clear();
        engine_full = EngineFull(OneLine(CreateTableStatement(full_name, uncommented)));
      }
      b->String("database", db_name);
      b->String("name", t);
      b->String("engine", schema ? schema->engine : "MaterializedView");
      b->UInt8("is_temporary", 0);
      b->String("create_table_query", create_query);
      b->String("engine_full", engine_full);
      b->String("partition_key", schema ? schema->partition_by : "");
      b->String("sorting_key", keys);
      b->String("primary_key", keys);  // the primary key is the sorting key
      b->String("sampling_key", "");
      b->Nullable("total_rows", TypeId::kUInt64, parts ? Value::UInt(rows) : Value::Null());
      b->Nullable("total_bytes", TypeId::kUInt64, parts ? Value::UInt(bytes) : Value::Null());
      b->UInt64("parts", parts ? parts->size() : 0);
      b->String("comment", schema ? schema->comment : "");
    };
    std::vector<std::pair<std::string, std::function<void(RowBuilder*)>>> rows;
    for (const std::string& name : db->ListTables()) {
      auto parts = db->ListParts(name);
      auto schema = db->GetSchema(name);
      if (!parts.ok() || !schema.ok()) continue;  // dropped meanwhile
      rows.emplace_back(name, [=](RowBuilder* b) { row(b, name, &*parts, &*schema); });
    }
    for (const ViewInfo& v : db->ListViews()) {
      std::optional<std::vector<PartInfo>> parts;
      if (v.def.inner_target) {
        auto listed = db->ListParts(v.def.target);
        if (!listed.ok()) continue;
        parts = *std::move(listed);
      }
      rows.emplace_back(v.name, [=](RowBuilder* b) { row(b, v.name, parts ? &*parts : nullptr, nullptr); });
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    RowBuilder b;
    for (const auto& [name, add] : rows) add(&b);
    if (rows.empty()) return Shape([&](RowBuilder* r) { row(r, "", nullptr, nullptr); });
    return b.Finish();
  }
  if (table == "detached_parts") {
    RowBuilder b;
    const std::vector<DetachedPartInfo> detached = db->ListAllDetached();
    for (const DetachedPartInfo& d : detached) DetachedRow(&b, &d);
    if (detached.empty()) return Shape([](RowBuilder* r) { DetachedRow(r, nullptr); });
    return b.Finish();
  }
  if (table == "databases") {
    RowBuilder b;
    for (const std::string& name : db->ListDatabases()) {
      b.String("name", name);
      b.String("engine", "Atomic");
      b.String("comment", "");
    }
    return b.Finish();  // "default" always exists
  }
  return CodedError(ErrorCode::kUnknownTable,
                    absl::StrCat("Table system.", table,
                                 " does not exist (system.parts, system.tables, system.databases, "
                                 "system.detached_parts, system.columns, system.settings, "
                                 "system.functions and system.formats do)"));
}

}  // namespace tally::engine::sql
