#include "format/table_schema.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

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

namespace {

absl::Status Invalid(absl::string_view what) { return absl::InvalidArgumentError(what); }

absl::Status CheckUnknownFields(const std::vector<UnknownField>& fields, absl::string_view where) {
  for (const UnknownField& f : fields) {
    if ((f.tag & 1) == 0) {
      return Invalid(absl::StrCat(where, "kept unknown field ", f.tag, " has an even tag (it must be understood)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckSchemaInvariants(const TableSchema& schema) {
  if (schema.columns.empty()) return Invalid("no columns");
  absl::flat_hash_set<absl::string_view> names;
  for (const ColumnDef& c : schema.columns) {
    if (c.name.empty()) return Invalid("a column with an empty name");
    if (!names.insert(c.name).second) return Invalid(absl::StrCat("column '", c.name, "' appears twice"));
    if (c.type == nullptr) return Invalid(absl::StrCat("column '", c.name, "' has no type"));
    absl::Status s = CheckUnknownFields(c.unknown_fields, absl::StrCat("column '", c.name, "': "));
    if (!s.ok()) return s;
  }
  absl::flat_hash_set<absl::string_view> keys;
  for (const std::string& k : schema.sort_key) {
    if (!names.contains(k)) return Invalid(absl::StrCat("sort key column '", k, "' is not a column"));
    if (!keys.insert(k).second) return Invalid(absl::StrCat("sort key column '", k, "' appears twice"));
  }
  if (schema.engine.empty()) return Invalid("no engine");
  for (const std::string& a : schema.engine_args) {
    if (a.empty()) return Invalid("an empty engine argument");
  }
  if (schema.index_granularity == 0) return Invalid("index_granularity is zero");
  if (schema.index_granularity_bytes == 0) return Invalid("index_granularity_bytes is zero");
  if (schema.min_block_bytes == 0) return Invalid("min_block_bytes is zero");
  if (schema.max_dictionary_entries == 0) return Invalid("max_dictionary_entries is zero");
  absl::flat_hash_set<absl::string_view> indexes;
  for (const SkipIndexDef& i : schema.skip_indexes) {
    if (i.name.empty()) return Invalid("a skip index with an empty name");
    if (!indexes.insert(i.name).second) return Invalid(absl::StrCat("skip index '", i.name, "' appears twice"));
    if (i.expression.empty()) return Invalid(absl::StrCat("skip index '", i.name, "' has no expression"));
    if (i.type.empty()) return Invalid(absl::StrCat("skip index '", i.name, "' has no type"));
    if (i.granularity == 0) return Invalid(absl::StrCat("skip index '", i.name, "' has granularity zero"));
    absl::Status s = CheckUnknownFields(i.unknown_fields, absl::StrCat("skip index '", i.name, "': "));
    if (!s.ok()) return s;
  }
  absl::flat_hash_set<absl::string_view> settings;
  for (const TableSetting& s : schema.settings) {
    if (s.name.empty()) return Invalid("a setting with an empty name");
    if (!settings.insert(s.name).second) return Invalid(absl::StrCat("setting '", s.name, "' appears twice"));
    absl::Status u = CheckUnknownFields(s.unknown_fields, absl::StrCat("setting '", s.name, "': "));
    if (!u.ok()) return u;
  }
  return CheckUnknownFields(schema.unknown_fields, "");
}

}  // namespace tally::format
