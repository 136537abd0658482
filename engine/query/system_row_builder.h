// RowBuilder: builds a system table's block column by column, one row at a time, the
// columns declared by the first row; Shape keeps the columns of a row without the row (the
// block of an empty table). Internal to engine/query/system_*.cc.
//
// Not synchronized; one builder per table read.
#ifndef TALLY_ENGINE_QUERY_SYSTEM_ROW_BUILDER_H_
#define TALLY_ENGINE_QUERY_SYSTEM_ROW_BUILDER_H_

#include <cstdint>
#include <string>
#include <utility>

#include "engine/block.h"
#include "format/column.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::engine::sql {

class RowBuilder {
 public:
  void String(const char* name, std::string value) { Put(name, format::TypeId::kString).AppendString(value); }
  void UInt64(const char* name, uint64_t value) { Put(name, format::TypeId::kUInt64).Append<uint64_t>(value); }
  void UInt32(const char* name, uint32_t value) { Put(name, format::TypeId::kUInt32).Append<uint32_t>(value); }
  void UInt8(const char* name, uint8_t value) { Put(name, format::TypeId::kUInt8).Append<uint8_t>(value); }
  void Int64(const char* name, int64_t value) { Put(name, format::TypeId::kInt64).Append<int64_t>(value); }
  void DateTime(const char* name, uint32_t value) { Put(name, format::TypeId::kDateTime).Append<uint32_t>(value); }
  // Nullable(T) of `type`; NULL when `value` is.
  void Nullable(const char* name, format::TypeId type, const format::Value& value) {
    int i = block_.Find(name);
    if (i < 0) {
      block_.Add(name, format::Column::Make(format::DataType::Nullable(format::DataType::Make(type))));
      i = static_cast<int>(block_.names.size()) - 1;
    }
    (void)block_.columns[i].AppendValue(value);  // the value is of the column's type
  }
  Block Finish() { return std::move(block_); }

 private:
  format::Column& Put(const char* name, format::TypeId type) {
    int i = block_.Find(name);
    if (i < 0) {
      block_.Add(name, format::Column::Make(format::DataType::Make(type)));
      i = static_cast<int>(block_.names.size()) - 1;
    }
    return block_.columns[i];
  }
  Block block_;
};

// The columns `fill` declares for one row, with no rows: the shape of an empty table.
template <typename Fill>
Block Shape(Fill fill) {
  RowBuilder b;
  fill(&b);
  Block block = b.Finish();
  for (format::Column& c : block.columns) c = format::Column::Make(c.type);
  return block;
}

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_SYSTEM_ROW_BUILDER_H_
