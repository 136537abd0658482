#include "engine/sql/ddl.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/exec/text_format.h"
#include "engine/sql/defaults.h"
#include "engine/sql/parser.h"
#include "format/codec.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

namespace {

std::string At(const Position& p) { return absl::StrCat(" (line ", p.line, ", column ", p.column, ")"); }

absl::StatusOr<uint64_t> SettingUInt(const std::string& name, const format::Value& v) {
  if (v.kind == format::Value::Kind::kUInt && v.u > 0) return v.u;
  return absl::InvalidArgumentError(absl::StrCat("setting ", name, " must be a positive integer, got ", v.DebugString()));
}

}  // namespace

absl::StatusOr<format::TableSchema> SchemaFromCreate(const CreateTableQuery& create) {
  format::TableSchema schema;
  if (create.as_select) return absl::UnimplementedError("CREATE TABLE ... AS SELECT is not supported yet");
  if (create.engine == nullptr) {
    return absl::InvalidArgumentError("CREATE TABLE needs ENGINE = MergeTree() (tally has no default engine)");
  }
  const Expr& engine = *create.engine;
  std::string engine_name = engine.kind == Expr::Kind::kFunction ? engine.name : absl::StrJoin(engine.parts, ".");
  // The storage core checks the engine against the columns (engine/merge_rules/engine_spec.h).
  static constexpr const char* kEngines[] = {"MergeTree", "ReplacingMergeTree", "SummingMergeTree",
                                             "AggregatingMergeTree", "Null"};
  if (std::find(std::begin(kEngines), std::end(kEngines), engine_name) == std::end(kEngines)) {
    return absl::UnimplementedError(
        absl::StrCat("ENGINE = ", engine_name,
                     " is not supported yet (MergeTree, ReplacingMergeTree, SummingMergeTree, AggregatingMergeTree and Null are)",
                     At(engine.pos)));
  }
  schema.engine = engine_name;
  for (const ExprPtr& a : engine.args) {
    // A tuple as written, (a, b), the way ClickHouse prints it back.
    if (a->kind == Expr::Kind::kFunction && a->name == "tuple" && !a->args.empty()) {
      schema.engine_args.push_back(absl::StrCat(
          "(", absl::StrJoin(a->args, ", ", [](std::string* out, const ExprPtr& e) { out->append(e->ToString()); }),
          ")"));
    } else {
      schema.engine_args.push_back(a->ToString());
    }
  }
  for (const ColumnDeclaration& c : create.columns) {
    format::ColumnDef def;
    def.name = c.name;
    if (c.type.empty()) {
      return absl::UnimplementedError(absl::StrCat("column `", c.name, "`: a type is required (taking it from the ",
                                                   "DEFAULT expression is not supported yet)", At(c.pos)));
    }
    auto type = format::ParseDataType(c.type);
    if (!type.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("column `", c.name, "`: ", type.status().message(), At(c.pos)));
    }
    def.type = *type;
    if (!c.codec.empty()) {
      auto codecs = format::ParseCodecChain(c.codec);
      if (!codecs.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("column `", c.name, "`: ", codecs.status().message(), At(c.pos)));
      }
      def.codecs = *codecs;
    }
    if (!c.default_kind.empty() && c.default_kind != "DEFAULT") {
      return absl::UnimplementedError(absl::StrCat("column `", c.name, "`: ", c.default_kind,
                                                   " columns are not supported yet (DEFAULT is)", At(c.pos)));
    }
    if (c.default_expr != nullptr) def.default_expr = c.default_text;
    def.comment = c.comment;
    if (c.ttl != nullptr) return absl::UnimplementedError(absl::StrCat("column `", c.name, "`: TTL is not supported yet", At(c.pos)));
    schema.columns.push_back(std::move(def));
  }
  for (const IndexDeclaration& index : create.indexes) {
    format::SkipIndexDef def;
    def.name = index.name;
    def.expression = index.expr->ToString();
    def.type = index.type->ToString();
    def.granularity = index.granularity;
    schema.skip_indexes.push_back(std::move(def));
  }
  for (const TtlElement& e : create.ttl) {
    if (!schema.ttl.empty()) schema.ttl += ", ";
    schema.ttl += e.ToString();
  }
  if (create.partition_by != nullptr) schema.partition_by = create.partition_by->ToString();
  schema.comment = create.comment;
  // PRIMARY KEY alone is the sorting key too, as in ClickHouse.
  const std::vector<ExprPtr>& sorting = create.order_by.empty() ? create.primary_key : create.order_by;
  for (const ExprPtr& k : sorting) {
    if (k->kind == Expr::Kind::kFunction && k->name == "tuple" && k->args.empty()) continue;
    if (k->kind == Expr::Kind::kFunction && k->name == "tuple") {
      for (const ExprPtr& a : k->args) {
        if (a->kind != Expr::Kind::kIdentifier) {
          return absl::UnimplementedError(absl::StrCat("ORDER BY ", a->ToString(),
                                                       ": expressions in the sorting key are not supported yet",
                                                       At(a->pos)));
        }
        schema.sort_key.push_back(a->identifier());
      }
      continue;
    }
    if (k->kind != Expr::Kind::kIdentifier) {
      return absl::UnimplementedError(absl::StrCat("ORDER BY ", k->ToString(),
                                                   ": expressions in the sorting key are not supported yet", At(k->pos)));
    }
    schema.sort_key.push_back(k->identifier());
  }
  if (!create.primary_key.empty()) {
    std::vector<std::string> pk;
    for (const ExprPtr& k : create.primary_key) {
      if (k->kind == Expr::Kind::kFunction && k->name == "tuple") {
        for (const ExprPtr& a : k->args) pk.push_back(a->ToString());
      } else {
        pk.push_back(k->ToString());
      }
    }
    if (pk.size() > schema.sort_key.size() ||
        !std::equal(pk.begin(), pk.end(), schema.sort_key.begin())) {
      return absl::InvalidArgumentError("PRIMARY KEY must be a prefix of ORDER BY");
    }
    if (pk.size() != schema.sort_key.size()) {
      return absl::UnimplementedError("a PRIMARY KEY shorter than ORDER BY is not supported yet");
    }
  }
  for (const auto& [name, value] : create.settings.values) {
    if (name == "index_granularity") {
      TALLY_ASSIGN_OR_RETURN(schema.index_granularity, SettingUInt(name, value));
    } else if (name == "index_granularity_bytes") {
      TALLY_ASSIGN_OR_RETURN(schema.index_granularity_bytes, SettingUInt(name, value));
    } else if (name == "min_compress_block_size" || name == "min_block_bytes") {
      TALLY_ASSIGN_OR_RETURN(schema.min_block_bytes, SettingUInt(name, value));
    } else if (name == "low_cardinality_max_dictionary_size" || name == "max_dictionary_entries") {
      TALLY_ASSIGN_OR_RETURN(schema.max_dictionary_entries, SettingUInt(name, value));
    } else if (name == "summing_drop_zero_rows" || name == "track_superseded_rows" || name == "ttl_only_drop_parts" ||
               name == "merge_with_ttl_timeout" || name == "non_replicated_deduplication_window" ||
               name == "non_replicated_deduplication_window_seconds" || name == "deduplicate_by" ||
               name == "deduplicate_time" || name == "deduplicate_window_s") {
      // As the literal is written (a string keeps its quotes): SHOW CREATE prints it back.
      schema.settings.push_back({name, value.DebugString()});
    } else {
      return absl::InvalidArgumentError(absl::StrCat("Unknown table setting '", name, "'"));
    }
  }
  TALLY_RETURN_IF_ERROR(ValidateDefaults(schema));
  return schema;
}

std::string CodecsAsClickHouse(const format::CodecChain& codecs, const format::DataType& type) {
  // Transforms work on the scalar values inside Nullable and Array.
  const format::DataType* scalar = &type;
  while (scalar->id() == format::TypeId::kNullable || scalar->id() == format::TypeId::kArray) {
    scalar = &scalar->child(0);
  }
  absl::StatusOr<format::CodecChain> resolved = format::ResolveCodecChain(codecs, scalar->fixed_width());
  const format::CodecChain& chain = resolved.ok() ? *resolved : codecs;
  return absl::StrJoin(chain, ", ", [](std::string* out, const format::CodecSpec& spec) {
    switch (spec.id) {
      case format::CodecId::kNone:
        out->append("NONE");
        return;
      case format::CodecId::kDoubleDelta:  // ClickHouse names no width for it
        out->append("DoubleDelta");
        return;
      default:
        out->append(format::CodecSpecToString(spec));
    }
  });
}

std::string EngineClause(const format::TableSchema& schema) {
  if (schema.engine == "Null") return "`Null`";
  if (schema.engine_args.empty()) return schema.engine;
  return absl::StrCat(schema.engine, "(", absl::StrJoin(schema.engine_args, ", "), ")");
}

namespace {

// An expression stored as text, as ClickHouse prints it (as stored if it does not parse).
std::string ClickHouseText(const std::string& text) {
  auto parsed = ParseExpression(text);
  return parsed.ok() ? (*parsed)->ToClickHouseText() : text;
}

std::string TtlAsClickHouse(const std::string& text) {
  auto parsed = ParseTtl(text);
  if (!parsed.ok()) return text;
  std::vector<std::string> out;
  for (const TtlElement& e : *parsed) {
    std::string element = e.expr->ToClickHouseText();
    if (e.where != nullptr) absl::StrAppend(&element, " WHERE ", e.where->ToClickHouseText());
    out.push_back(std::move(element));
  }
  return absl::StrJoin(out, ", ");
}

}  // namespace

std::string ExpressionAsClickHouse(const std::string& text) { return ClickHouseText(text); }

std::string CreateTableStatement(const std::string& name, const format::TableSchema& schema) {
  std::string out = absl::StrCat("CREATE TABLE ", name, "\n(\n");
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    const format::ColumnDef& c = schema.columns[i];
    absl::StrAppend(&out, "    `", c.name, "` ", c.type->ToString());
    if (!c.default_expr.empty()) absl::StrAppend(&out, " DEFAULT ", ClickHouseText(c.default_expr));
    if (!c.comment.empty()) {
      absl::StrAppend(&out, " COMMENT ");
      AppendQuotedString(c.comment, &out);
    }
    if (!c.codecs.empty()) absl::StrAppend(&out, " CODEC(", CodecsAsClickHouse(c.codecs, *c.type), ")");
    absl::StrAppend(&out, i + 1 < schema.columns.size() || !schema.skip_indexes.empty() ? ",\n" : "\n");
  }
  for (size_t i = 0; i < schema.skip_indexes.size(); ++i) {
    const format::SkipIndexDef& index = schema.skip_indexes[i];
    absl::StrAppend(&out, "    INDEX ", index.name, " ", ClickHouseText(index.expression), " TYPE ", index.type, " GRANULARITY ",
                    index.granularity, i + 1 < schema.skip_indexes.size() ? ",\n" : "\n");
  }
  absl::StrAppend(&out, ")\nENGINE = ", EngineClause(schema), "\n");
  // ClickHouse prints no key or settings for a Null table.
  if (schema.engine == "Null") return out.substr(0, out.size() - 1);
  if (!schema.partition_by.empty()) absl::StrAppend(&out, "PARTITION BY ", ClickHouseText(schema.partition_by), "\n");
  absl::StrAppend(&out, "ORDER BY ");
  if (schema.sort_key.empty()) {
    absl::StrAppend(&out, "tuple()");
  } else if (schema.sort_key.size() == 1) {
    absl::StrAppend(&out, schema.sort_key[0]);
  } else {
    absl::StrAppend(&out, "(", absl::StrJoin(schema.sort_key, ", "), ")");
  }
  if (!schema.ttl.empty()) absl::StrAppend(&out, "\nTTL ", TtlAsClickHouse(schema.ttl));
  // The settings that differ from their defaults, then index_granularity, which ClickHouse
  // always names.
  const format::TableSchema defaults;
  std::vector<std::string> settings;
  if (schema.index_granularity_bytes != defaults.index_granularity_bytes) {
    settings.push_back(absl::StrCat("index_granularity_bytes = ", schema.index_granularity_bytes));
  }
  if (schema.min_block_bytes != defaults.min_block_bytes) {
    settings.push_back(absl::StrCat("min_compress_block_size = ", schema.min_block_bytes));
  }
  if (schema.max_dictionary_entries != defaults.max_dictionary_entries) {
    settings.push_back(absl::StrCat("low_cardinality_max_dictionary_size = ", schema.max_dictionary_entries));
  }
  for (const format::TableSetting& s : schema.settings) settings.push_back(absl::StrCat(s.name, " = ", s.value));
  settings.push_back(absl::StrCat("index_granularity = ", schema.index_granularity));
  absl::StrAppend(&out, "\nSETTINGS ", absl::StrJoin(settings, ", "));
  if (!schema.comment.empty()) {
    absl::StrAppend(&out, "\nCOMMENT ");
    AppendQuotedString(schema.comment, &out);
  }
  return out;
}

}  // namespace tally::engine::sql
