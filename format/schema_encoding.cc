#include "format/schema_encoding.h"

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"
#include "format/tagged_fields.h"

namespace tally::format {

namespace {

// ---- Version 1: by position ----

void EncodeV1(std::string* out, const TableSchema& schema) {
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

absl::StatusOr<DataTypePtr> ParseStoredType(ByteReader* in, absl::string_view field, absl::string_view text) {
  auto type = ParseDataType(text);
  if (!type.ok()) return in->Corrupt(field, type.status().message());
  return *type;
}

// Empty text leaves `out` empty (the type's default codecs). An out parameter: GCC warns
// of a false "maybe uninitialized" when an empty InlinedVector moves through a StatusOr.
absl::Status ParseStoredCodecs(ByteReader* in, absl::string_view field, absl::string_view text, CodecChain* out) {
  if (text.empty()) return absl::OkStatus();
  auto codecs = ParseCodecChain(text);
  if (!codecs.ok()) return in->Corrupt(field, codecs.status().message());
  *out = *codecs;
  return absl::OkStatus();
}

absl::StatusOr<TableSchema> DecodeV1(ByteReader* in, const std::string& ctx) {
  TableSchema schema;
  auto name = [&ctx](absl::string_view field) { return absl::StrCat(ctx, ": ", field); };
  TALLY_ASSIGN_OR_RETURN(uint64_t ncols, in->ReadVarint64(name("column count")));
  if (ncols > in->remaining()) return in->Corrupt(name("column count"), "too large");
  for (uint64_t i = 0; i < ncols; ++i) {
    ColumnDef c;
    TALLY_ASSIGN_OR_RETURN(c.name, in->ReadLengthPrefixed(name("column name")));
    TALLY_ASSIGN_OR_RETURN(std::string type_text, in->ReadLengthPrefixed(name("column type")));
    TALLY_ASSIGN_OR_RETURN(c.type, ParseStoredType(in, name("column type"), type_text));
    TALLY_ASSIGN_OR_RETURN(std::string codec_text, in->ReadLengthPrefixed(name("column codecs")));
    TALLY_RETURN_IF_ERROR(ParseStoredCodecs(in, name("column codecs"), codec_text, &c.codecs));
    TALLY_ASSIGN_OR_RETURN(c.default_expr, in->ReadLengthPrefixed(name("column default")));
    schema.columns.push_back(std::move(c));
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t nkey, in->ReadVarint64(name("sort key count")));
  if (nkey > in->remaining()) return in->Corrupt(name("sort key count"), "too large");
  for (uint64_t i = 0; i < nkey; ++i) {
    TALLY_ASSIGN_OR_RETURN(std::string k, in->ReadLengthPrefixed(name("sort key column")));
    schema.sort_key.push_back(std::move(k));
  }
  TALLY_ASSIGN_OR_RETURN(schema.partition_by, in->ReadLengthPrefixed(name("partition expression")));
  TALLY_ASSIGN_OR_RETURN(schema.engine, in->ReadLengthPrefixed(name("engine")));
  TALLY_ASSIGN_OR_RETURN(schema.index_granularity, in->ReadVarint64(name("index_granularity")));
  TALLY_ASSIGN_OR_RETURN(schema.index_granularity_bytes, in->ReadVarint64(name("index_granularity_bytes")));
  TALLY_ASSIGN_OR_RETURN(schema.min_block_bytes, in->ReadVarint64(name("min_block_bytes")));
  TALLY_ASSIGN_OR_RETURN(schema.max_dictionary_entries, in->ReadVarint64(name("max_dictionary_entries")));
  return schema;
}

// ---- Version 2: tagged fields ----

void PutUnknown(std::string* out, const std::vector<UnknownField>& fields) {
  for (const UnknownField& f : fields) PutField(out, f.tag, f.bytes);
}

void PutTextIfSet(std::string* out, uint64_t tag, absl::string_view text) {
  if (!text.empty()) PutField(out, tag, text);
}

void EncodeColumnV2(std::string* out, const ColumnDef& c) {
  std::string r;
  PutTextIfSet(&r, column_tag::kComment, c.comment);
  PutField(&r, column_tag::kName, c.name);
  PutField(&r, column_tag::kType, c.type->aggregate() ? c.type->WithoutAggregate()->ToString() : c.type->ToString());
  if (!c.codecs.empty()) PutField(&r, column_tag::kCodecs, CodecChainToString(c.codecs));
  PutTextIfSet(&r, column_tag::kDefault, c.default_expr);
  PutTextIfSet(&r, column_tag::kTtl, c.ttl);
  if (c.type->aggregate() != nullptr) PutField(&r, column_tag::kAggregateType, c.type->ToString());
  PutUnknown(&r, c.unknown_fields);
  PutField(out, table_tag::kColumn, r);
}

void EncodeV2(std::string* out, const TableSchema& schema) {
  std::string r;
  PutTextIfSet(&r, table_tag::kComment, schema.comment);
  for (const ColumnDef& c : schema.columns) EncodeColumnV2(&r, c);
  for (const std::string& k : schema.sort_key) PutField(&r, table_tag::kSortKeyColumn, k);
  PutTextIfSet(&r, table_tag::kPartitionBy, schema.partition_by);
  PutField(&r, table_tag::kEngine, schema.engine);
  for (const std::string& a : schema.engine_args) PutField(&r, table_tag::kEngineArg, a);
  PutVarintField(&r, table_tag::kIndexGranularity, schema.index_granularity);
  PutVarintField(&r, table_tag::kIndexGranularityBytes, schema.index_granularity_bytes);
  PutVarintField(&r, table_tag::kMinBlockBytes, schema.min_block_bytes);
  PutVarintField(&r, table_tag::kMaxDictionaryEntries, schema.max_dictionary_entries);
  PutTextIfSet(&r, table_tag::kTtl, schema.ttl);
  for (const SkipIndexDef& i : schema.skip_indexes) {
    std::string f;
    PutField(&f, skip_index_tag::kName, i.name);
    PutField(&f, skip_index_tag::kExpression, i.expression);
    PutField(&f, skip_index_tag::kType, i.type);
    PutVarintField(&f, skip_index_tag::kGranularity, i.granularity);
    PutUnknown(&f, i.unknown_fields);
    PutField(&r, table_tag::kSkipIndex, f);
  }
  for (const TableSetting& s : schema.settings) {
    std::string f;
    PutField(&f, setting_tag::kName, s.name);
    PutField(&f, setting_tag::kValue, s.value);
    PutUnknown(&f, s.unknown_fields);
    PutField(&r, table_tag::kSetting, f);
  }
  PutUnknown(&r, schema.unknown_fields);
  PutLengthPrefixed(out, r);
}

// The fields of one record, taken by tag. `ctx` names the record in errors ("table
// 'events': schema", "... column 'time'").
class Record {
 public:
  Record(std::vector<Field> fields, std::string what, std::string ctx, uint64_t offset)
      : fields_(std::move(fields)), what_(std::move(what)), ctx_(std::move(ctx)), offset_(offset) {}

  const std::string& ctx() const { return ctx_; }
  void set_ctx(std::string ctx) { ctx_ = std::move(ctx); }

  absl::Status Corrupt(uint64_t offset, uint64_t tag, absl::string_view name, absl::string_view why) const {
    return absl::DataLossError(absl::StrCat(what_, ": offset ", offset, ": ", ctx_, ": field ", tag, " (", name,
                                            "): ", why));
  }

  // The field with `tag`, or nullptr when absent; DataLoss when it appears twice.
  absl::StatusOr<const Field*> Optional(uint64_t tag, absl::string_view name) const {
    const Field* found = nullptr;
    for (const Field& f : fields_) {
      if (f.tag != tag) continue;
      if (found != nullptr) return Corrupt(f.offset, tag, name, "appears twice");
      found = &f;
    }
    return found;
  }
  absl::StatusOr<const Field*> Required(uint64_t tag, absl::string_view name) const {
    TALLY_ASSIGN_OR_RETURN(const Field* f, Optional(tag, name));
    if (f == nullptr) return Corrupt(offset_, tag, name, "missing");
    return f;
  }
  absl::StatusOr<std::string> Text(uint64_t tag, absl::string_view name, bool required) const {
    TALLY_ASSIGN_OR_RETURN(const Field* f, required ? Required(tag, name) : Optional(tag, name));
    return f == nullptr ? std::string() : std::string(f->text());
  }
  absl::StatusOr<uint64_t> Varint(uint64_t tag, absl::string_view name) const {
    TALLY_ASSIGN_OR_RETURN(const Field* f, Required(tag, name));
    return FieldVarint(*f, what_, absl::StrCat(ctx_, ": field ", tag, " (", name, ")"));
  }
  std::vector<const Field*> Repeated(uint64_t tag) const {
    std::vector<const Field*> out;
    for (const Field& f : fields_) {
      if (f.tag == tag) out.push_back(&f);
    }
    return out;
  }
  // Every field whose tag is not `known`: an odd one is kept in `keep`, an even one
  // (it must be understood) is Unimplemented.
  absl::Status Unknown(std::initializer_list<uint64_t> known, std::vector<UnknownField>* keep) const {
    for (const Field& f : fields_) {
      if (std::find(known.begin(), known.end(), f.tag) != known.end()) continue;
      if (!IsIgnorableTag(f.tag)) {
        return absl::UnimplementedError(absl::StrCat(
            what_, ": offset ", f.offset, ": ", ctx_, ": field ", f.tag,
            " is unknown to this build and must be understood (written by a newer tally?)"));
      }
      keep->push_back(UnknownField{f.tag, std::string(f.text())});
    }
    return absl::OkStatus();
  }
  // A reader over a field's bytes, for a nested record.
  ByteReader Inside(const Field& f) const { return ByteReader(f.bytes, what_, f.offset); }
  const std::string& what() const { return what_; }

 private:
  std::vector<Field> fields_;
  std::string what_;
  std::string ctx_;
  uint64_t offset_;  // of the record's first byte
};

absl::StatusOr<Record> ReadRecord(ByteReader* in, std::string ctx) {
  const uint64_t offset = in->offset();
  TALLY_ASSIGN_OR_RETURN(std::vector<Field> fields, ReadFields(in, ctx));
  return Record(std::move(fields), in->what(), std::move(ctx), offset);
}

absl::StatusOr<ColumnDef> DecodeColumnV2(const Record& table, const Field& field, size_t index) {
  ByteReader in = table.Inside(field);
  TALLY_ASSIGN_OR_RETURN(Record r, ReadRecord(&in, absl::StrCat(table.ctx(), ": column #", index + 1)));
  ColumnDef c;
  TALLY_ASSIGN_OR_RETURN(c.name, r.Text(column_tag::kName, "name", true));
  r.set_ctx(absl::StrCat(table.ctx(), ": column '", c.name, "'"));
  TALLY_ASSIGN_OR_RETURN(const Field* type, r.Required(column_tag::kType, "type"));
  ByteReader type_in = r.Inside(*type);
  TALLY_ASSIGN_OR_RETURN(c.type, ParseStoredType(&type_in, absl::StrCat(r.ctx(), ": type"), type->text()));
  TALLY_ASSIGN_OR_RETURN(const Field* aggregate, r.Optional(column_tag::kAggregateType, "aggregate type"));
  if (c.type->aggregate() != nullptr) {
    return r.Corrupt(type->offset, column_tag::kType, "type", "an aggregate type belongs in field 12");
  }
  if (aggregate != nullptr) {
    ByteReader aggregate_in = r.Inside(*aggregate);
    TALLY_ASSIGN_OR_RETURN(DataTypePtr full, ParseStoredType(&aggregate_in, absl::StrCat(r.ctx(), ": aggregate type"),
                                                             aggregate->text()));
    if (full->aggregate() == nullptr || !full->WithoutAggregate()->Equals(*c.type)) {
      return r.Corrupt(aggregate->offset, column_tag::kAggregateType, "aggregate type",
                       absl::StrCat(full->ToString(), " is not an aggregate type stored as ", c.type->ToString()));
    }
    c.type = std::move(full);
  }
  TALLY_ASSIGN_OR_RETURN(const Field* codecs, r.Optional(column_tag::kCodecs, "codecs"));
  if (codecs != nullptr) {
    ByteReader codecs_in = r.Inside(*codecs);
    TALLY_RETURN_IF_ERROR(ParseStoredCodecs(&codecs_in, absl::StrCat(r.ctx(), ": codecs"), codecs->text(), &c.codecs));
  }
  TALLY_ASSIGN_OR_RETURN(c.default_expr, r.Text(column_tag::kDefault, "default", false));
  TALLY_ASSIGN_OR_RETURN(c.ttl, r.Text(column_tag::kTtl, "TTL", false));
  TALLY_ASSIGN_OR_RETURN(c.comment, r.Text(column_tag::kComment, "comment", false));
  TALLY_RETURN_IF_ERROR(r.Unknown({column_tag::kComment, column_tag::kName, column_tag::kType, column_tag::kCodecs,
                                   column_tag::kDefault, column_tag::kTtl, column_tag::kAggregateType},
                                  &c.unknown_fields));
  return c;
}

absl::StatusOr<SkipIndexDef> DecodeSkipIndexV2(const Record& table, const Field& field, size_t index) {
  ByteReader in = table.Inside(field);
  TALLY_ASSIGN_OR_RETURN(Record r, ReadRecord(&in, absl::StrCat(table.ctx(), ": skip index #", index + 1)));
  SkipIndexDef i;
  TALLY_ASSIGN_OR_RETURN(i.name, r.Text(skip_index_tag::kName, "name", true));
  r.set_ctx(absl::StrCat(table.ctx(), ": skip index '", i.name, "'"));
  TALLY_ASSIGN_OR_RETURN(i.expression, r.Text(skip_index_tag::kExpression, "expression", true));
  TALLY_ASSIGN_OR_RETURN(i.type, r.Text(skip_index_tag::kType, "type", true));
  TALLY_ASSIGN_OR_RETURN(i.granularity, r.Varint(skip_index_tag::kGranularity, "granularity"));
  TALLY_RETURN_IF_ERROR(r.Unknown({skip_index_tag::kName, skip_index_tag::kExpression, skip_index_tag::kType,
                                   skip_index_tag::kGranularity},
                                  &i.unknown_fields));
  return i;
}

absl::StatusOr<TableSetting> DecodeSettingV2(const Record& table, const Field& field, size_t index) {
  ByteReader in = table.Inside(field);
  TALLY_ASSIGN_OR_RETURN(Record r, ReadRecord(&in, absl::StrCat(table.ctx(), ": setting #", index + 1)));
  TableSetting s;
  TALLY_ASSIGN_OR_RETURN(s.name, r.Text(setting_tag::kName, "name", true));
  r.set_ctx(absl::StrCat(table.ctx(), ": setting '", s.name, "'"));
  TALLY_ASSIGN_OR_RETURN(s.value, r.Text(setting_tag::kValue, "value", true));
  TALLY_RETURN_IF_ERROR(r.Unknown({setting_tag::kName, setting_tag::kValue}, &s.unknown_fields));
  return s;
}

absl::StatusOr<TableSchema> DecodeV2(ByteReader* in, const std::string& ctx) {
  TALLY_ASSIGN_OR_RETURN(uint64_t length, in->ReadVarint64(absl::StrCat(ctx, ": length")));
  const uint64_t offset = in->offset();
  TALLY_ASSIGN_OR_RETURN(absl::Span<const uint8_t> bytes, in->ReadBytes(length, absl::StrCat(ctx, ": length")));
  ByteReader body(bytes, in->what(), offset);
  TALLY_ASSIGN_OR_RETURN(Record r, ReadRecord(&body, ctx));
  TableSchema schema;
  std::vector<const Field*> columns = r.Repeated(table_tag::kColumn);
  for (size_t i = 0; i < columns.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(ColumnDef c, DecodeColumnV2(r, *columns[i], i));
    schema.columns.push_back(std::move(c));
  }
  for (const Field* f : r.Repeated(table_tag::kSortKeyColumn)) schema.sort_key.emplace_back(f->text());
  TALLY_ASSIGN_OR_RETURN(schema.partition_by, r.Text(table_tag::kPartitionBy, "partition expression", false));
  TALLY_ASSIGN_OR_RETURN(schema.engine, r.Text(table_tag::kEngine, "engine", true));
  for (const Field* f : r.Repeated(table_tag::kEngineArg)) schema.engine_args.emplace_back(f->text());
  TALLY_ASSIGN_OR_RETURN(schema.index_granularity, r.Varint(table_tag::kIndexGranularity, "index_granularity"));
  TALLY_ASSIGN_OR_RETURN(schema.index_granularity_bytes,
                         r.Varint(table_tag::kIndexGranularityBytes, "index_granularity_bytes"));
  TALLY_ASSIGN_OR_RETURN(schema.min_block_bytes, r.Varint(table_tag::kMinBlockBytes, "min_block_bytes"));
  TALLY_ASSIGN_OR_RETURN(schema.max_dictionary_entries,
                         r.Varint(table_tag::kMaxDictionaryEntries, "max_dictionary_entries"));
  TALLY_ASSIGN_OR_RETURN(schema.ttl, r.Text(table_tag::kTtl, "TTL", false));
  std::vector<const Field*> indexes = r.Repeated(table_tag::kSkipIndex);
  for (size_t i = 0; i < indexes.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(SkipIndexDef index, DecodeSkipIndexV2(r, *indexes[i], i));
    schema.skip_indexes.push_back(std::move(index));
  }
  std::vector<const Field*> settings = r.Repeated(table_tag::kSetting);
  for (size_t i = 0; i < settings.size(); ++i) {
    TALLY_ASSIGN_OR_RETURN(TableSetting setting, DecodeSettingV2(r, *settings[i], i));
    schema.settings.push_back(std::move(setting));
  }
  TALLY_ASSIGN_OR_RETURN(schema.comment, r.Text(table_tag::kComment, "comment", false));
  TALLY_RETURN_IF_ERROR(r.Unknown(
      {table_tag::kComment, table_tag::kColumn, table_tag::kSortKeyColumn, table_tag::kPartitionBy, table_tag::kEngine,
       table_tag::kEngineArg, table_tag::kIndexGranularity, table_tag::kIndexGranularityBytes,
       table_tag::kMinBlockBytes, table_tag::kMaxDictionaryEntries, table_tag::kTtl, table_tag::kSkipIndex,
       table_tag::kSetting},
      &schema.unknown_fields));
  return schema;
}

bool AnyUnknown(const TableSchema& s) {
  if (!s.unknown_fields.empty()) return true;
  for (const ColumnDef& c : s.columns) {
    if (!c.unknown_fields.empty()) return true;
  }
  for (const SkipIndexDef& i : s.skip_indexes) {
    if (!i.unknown_fields.empty()) return true;
  }
  for (const TableSetting& t : s.settings) {
    if (!t.unknown_fields.empty()) return true;
  }
  return false;
}

// A kept unknown field must not carry a tag this build knows: it would be read back as
// that field.
absl::Status CheckKeptTags(const TableSchema& s) {
  auto check = [](const std::vector<UnknownField>& fields, std::initializer_list<uint64_t> known,
                  absl::string_view where) -> absl::Status {
    for (const UnknownField& f : fields) {
      if (f.tag == 0 || f.tag > kMaxTag || std::find(known.begin(), known.end(), f.tag) != known.end()) {
        return absl::InvalidArgumentError(absl::StrCat(where, "kept unknown field has tag ", f.tag,
                                                       ", which is not an unknown tag"));
      }
    }
    return absl::OkStatus();
  };
  TALLY_RETURN_IF_ERROR(check(s.unknown_fields, {table_tag::kComment}, ""));
  for (const ColumnDef& c : s.columns) {
    TALLY_RETURN_IF_ERROR(check(c.unknown_fields, {column_tag::kComment}, absl::StrCat("column '", c.name, "': ")));
  }
  // Skip indexes and settings have no odd tags yet.
  return absl::OkStatus();
}

}  // namespace

uint16_t MinSchemaVersion(const TableSchema& s) {
  bool v2 = !s.engine_args.empty() || !s.ttl.empty() || !s.skip_indexes.empty() || !s.settings.empty() ||
            !s.comment.empty() || AnyUnknown(s);
  for (const ColumnDef& c : s.columns) {
    v2 = v2 || !c.ttl.empty() || !c.comment.empty() || c.type->aggregate() != nullptr;
  }
  return v2 ? 2 : 1;
}

absl::Status EncodeTableSchema(std::string* out, const TableSchema& schema, uint16_t version) {
  TALLY_RETURN_IF_ERROR(CheckSchemaInvariants(schema));
  TALLY_RETURN_IF_ERROR(CheckKeptTags(schema));
  if (version == 1) {
    if (MinSchemaVersion(schema) > 1) {
      return absl::InvalidArgumentError(
          "manifest version 1 cannot hold engine arguments, TTLs, skip indexes, settings, comments or aggregate-function"
          " column types");
    }
    EncodeV1(out, schema);
    return absl::OkStatus();
  }
  if (version == 2) {
    EncodeV2(out, schema);
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("no schema encoding for manifest version ", version));
}

absl::StatusOr<TableSchema> DecodeTableSchema(ByteReader* in, uint16_t version, absl::string_view table) {
  const std::string ctx = absl::StrCat("table '", table, "': schema");
  const uint64_t offset = in->offset();
  absl::StatusOr<TableSchema> schema;
  if (version == 1) {
    schema = DecodeV1(in, ctx);
  } else if (version == 2) {
    schema = DecodeV2(in, ctx);
  } else {
    return absl::UnimplementedError(absl::StrCat(in->what(), ": ", ctx, ": manifest version ", version, " is unknown"));
  }
  if (!schema.ok()) return schema.status();
  absl::Status s = CheckSchemaInvariants(*schema);
  if (!s.ok()) return absl::DataLossError(absl::StrCat(in->what(), ": offset ", offset, ": ", ctx, ": ", s.message()));
  return schema;
}

}  // namespace tally::format
