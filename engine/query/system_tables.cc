#include "engine/query/system_tables.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tally::engine::sql {

using format::Column;
using format::DataType;
using format::TypeId;

namespace {

// Builds a block column by column, one row at a time.
class RowBuilder {
 public:
  void String(const char* name, std::string value) { Put(name, TypeId::kString).AppendString(value); }
  void UInt64(const char* name, uint64_t value) { Put(name, TypeId::kUInt64).Append<uint64_t>(value); }
  void UInt32(const char* name, uint32_t value) { Put(name, TypeId::kUInt32).Append<uint32_t>(value); }
  void UInt8(const char* name, uint8_t value) { Put(name, TypeId::kUInt8).Append<uint8_t>(value); }
  void Int64(const char* name, int64_t value) { Put(name, TypeId::kInt64).Append<int64_t>(value); }
  void DateTime(const char* name, uint32_t value) { Put(name, TypeId::kDateTime).Append<uint32_t>(value); }
  // Nullable(T) of `type`; NULL when `value` is.
  void Nullable(const char* name, TypeId type, const format::Value& value) {
    int i = block_.Find(name);
    if (i < 0) {
      block_.Add(name, Column::Make(DataType::Nullable(DataType::Make(type))));
      i = static_cast<int>(block_.names.size()) - 1;
    }
    (void)block_.columns[i].AppendValue(value);  // the value is of the column's type
  }
  // Declares the columns of an empty result: call with the same sequence as one row.
  Block Finish() { return std::move(block_); }

 private:
  Column& Put(const char* name, TypeId type) {
    int i = block_.Find(name);
    if (i < 0) {
      block_.Add(name, Column::Make(DataType::Make(type)));
      i = static_cast<int>(block_.names.size()) - 1;
    }
    return block_.columns[i];
  }
  Block block_;
};

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
}

// Keeps the columns a row function declares, without its row: the shape of an empty table.
template <typename Fill>
Block Shape(Fill fill) {
  RowBuilder b;
  fill(&b);
  Block block = b.Finish();
  for (Column& c : block.columns) c = Column::Make(c.type);
  return block;
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

absl::StatusOr<Block> SystemTable(Database* db, const std::string& table) {
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
      b->String("database", db_name);
      b->String("name", t);
      b->String("engine", schema ? schema->engine : "MaterializedView");
      b->String("partition_key", schema ? schema->partition_by : "");
      b->String("sorting_key", schema ? absl::StrJoin(schema->sort_key, ", ") : "");
      b->Nullable("total_rows", TypeId::kUInt64, parts ? Value::UInt(rows) : Value::Null());
      b->Nullable("total_bytes", TypeId::kUInt64, parts ? Value::UInt(bytes) : Value::Null());
      b->UInt64("parts", parts ? parts->size() : 0);
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
    for (const std::string& name : db->ListDatabases()) b.String("name", name);
    return b.Finish();  // "default" always exists
  }
  return absl::NotFoundError(absl::StrCat("Table system.", table,
                                          " does not exist (system.parts, system.tables, system.databases and system.detached_parts do)"));
}

}  // namespace tally::engine::sql
