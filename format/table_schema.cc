#include "format/table_schema.h"

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::format {

int TableSchema::FindColumn(absl::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

CodecChain DefaultCodecs(const DataType& type) {
  if (type.is_time()) return {CodecSpec{CodecId::kDelta, 0}, CodecSpec{CodecId::kZstd, 1}};
  return {CodecSpec{CodecId::kZstd, 1}};
}

CodecChain EffectiveCodecs(const ColumnDef& column) {
  return column.codecs.empty() ? DefaultCodecs(*column.type) : column.codecs;
}

void EncodeTableSchema(std::string* out, const TableSchema& schema) {
  PutVarint64(out, schema.columns.size());
  for (const ColumnDef& c : schema.columns) {
    PutLengthPrefixed(out, c.name);
    PutLengthPrefixed(out, c.type->ToString());
    PutLengthPrefixed(out, c.codecs.empty() ? "" : CodecChainToString(c.codecs));
    PutLengthPrefixed(out, c.default_expr);
  }
  PutVarint64(out, schema.sort_key.size());
  for (const std::string& k : schema.sort_key) PutLengthPrefixed(out, k);
  PutLengthPrefixed(out, schema.partition_by);
  PutLengthPrefixed(out, schema.engine);
  PutVarint64(out, schema.index_granularity);
  PutVarint64(out, schema.index_granularity_bytes);
  PutVarint64(out, schema.min_block_bytes);
  PutVarint64(out, schema.max_dictionary_entries);
}

absl::StatusOr<TableSchema> DecodeTableSchema(ByteReader* in) {
  TableSchema schema;
  TALLY_ASSIGN_OR_RETURN(uint64_t ncols, in->ReadVarint64("column count"));
  if (ncols > in->remaining()) return in->Corrupt("column count", "too large");
  for (uint64_t i = 0; i < ncols; ++i) {
    ColumnDef c;
    TALLY_ASSIGN_OR_RETURN(c.name, in->ReadLengthPrefixed("column name"));
    TALLY_ASSIGN_OR_RETURN(std::string type_text, in->ReadLengthPrefixed("column type"));
    auto type = ParseDataType(type_text);
    if (!type.ok()) return in->Corrupt("column type", type.status().message());
    c.type = *type;
    TALLY_ASSIGN_OR_RETURN(std::string codec_text, in->ReadLengthPrefixed("column codecs"));
    if (!codec_text.empty()) {
      auto codecs = ParseCodecChain(codec_text);
      if (!codecs.ok()) return in->Corrupt("column codecs", codecs.status().message());
      c.codecs = *codecs;
    }
    TALLY_ASSIGN_OR_RETURN(c.default_expr, in->ReadLengthPrefixed("column default"));
    schema.columns.push_back(std::move(c));
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t nkey, in->ReadVarint64("sort key count"));
  if (nkey > in->remaining()) return in->Corrupt("sort key count", "too large");
  for (uint64_t i = 0; i < nkey; ++i) {
    TALLY_ASSIGN_OR_RETURN(std::string k, in->ReadLengthPrefixed("sort key column"));
    schema.sort_key.push_back(std::move(k));
  }
  TALLY_ASSIGN_OR_RETURN(schema.partition_by, in->ReadLengthPrefixed("partition expression"));
  TALLY_ASSIGN_OR_RETURN(schema.engine, in->ReadLengthPrefixed("engine"));
  TALLY_ASSIGN_OR_RETURN(schema.index_granularity, in->ReadVarint64("index_granularity"));
  TALLY_ASSIGN_OR_RETURN(schema.index_granularity_bytes, in->ReadVarint64("index_granularity_bytes"));
  TALLY_ASSIGN_OR_RETURN(schema.min_block_bytes, in->ReadVarint64("min_block_bytes"));
  TALLY_ASSIGN_OR_RETURN(schema.max_dictionary_entries, in->ReadVarint64("max_dictionary_entries"));
  if (schema.index_granularity == 0) return in->Corrupt("index_granularity", "zero");
  return schema;
}

}  // namespace tally::format
