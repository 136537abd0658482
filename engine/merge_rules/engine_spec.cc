#include "engine/merge_rules/engine_spec.h"

#include <algorithm>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/sql/parser.h"
#include "engine/dedup_window.h"
#include "engine/event_dedup.h"
#include "engine/ttl.h"
#include "format/status_macros.h"

namespace tally::engine {

namespace {

using format::DataType;
using format::TypeId;

bool IsNumber(const DataType& t) { return t.is_integer() || t.is_float(); }

// Summed by default: numbers and Nullable numbers (Bool, dates and times are not, nor
// the aggregate types, which combine by their own function).
bool IsSummable(const DataType& t) {
  if (t.id() == TypeId::kBool || t.aggregate() != nullptr) return false;
  if (t.id() == TypeId::kNullable) return IsNumber(t.child(0)) && t.child(0).id() != TypeId::kBool;
  return IsNumber(t);
}

bool IsVersionType(const DataType& t) {
  return t.id() != TypeId::kBool && (IsNumber(t) || t.is_time());
}

void CollectIdentifiers(const sql::Expr& e, std::vector<std::string>* out) {
  if (e.kind == sql::Expr::Kind::kIdentifier) out->push_back(e.identifier());
  for (const sql::ExprPtr& a : e.args) CollectIdentifiers(*a, out);
}

// An engine argument that must name one column.
absl::StatusOr<std::string> ColumnArgument(const format::TableSchema& schema, const std::string& text,
                                           absl::string_view role) {
  auto parsed = sql::ParseExpression(text);
  if (!parsed.ok() || (*parsed)->kind != sql::Expr::Kind::kIdentifier) {
    return absl::InvalidArgumentError(
        absl::StrCat(schema.engine, ": the ", role, " argument must be a column name, got ", text));
  }
  const std::string& name = (*parsed)->identifier();
  if (schema.FindColumn(name) < 0) {
    return absl::InvalidArgumentError(absl::StrCat(schema.engine, ": ", role, " column `", name, "` does not exist"));
  }
  return name;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

absl::Status CheckNoArguments(const format::TableSchema& schema) {
  if (schema.engine_args.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(schema.engine, " takes no arguments, got (",
                                                 absl::StrJoin(schema.engine_args, ", "), ")"));
}

absl::Status ParseReplacing(const format::TableSchema& schema, EngineSpec* spec) {
  if (schema.engine_args.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("ReplacingMergeTree takes at most two arguments (ver, is_deleted), got ",
                     schema.engine_args.size()));
  }
  if (!schema.engine_args.empty()) {
    TALLY_ASSIGN_OR_RETURN(spec->version_column, ColumnArgument(schema, schema.engine_args[0], "version"));
    const DataType& t = *schema.columns[schema.FindColumn(spec->version_column)].type;
    if (!IsVersionType(t)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ReplacingMergeTree: the version column `", spec->version_column, "` is ", t.ToString(),
          "; it must be an integer, a float, Date, DateTime or DateTime64 (not Nullable)"));
    }
  }
  if (schema.engine_args.size() == 2) {
    TALLY_ASSIGN_OR_RETURN(spec->is_deleted_column, ColumnArgument(schema, schema.engine_args[1], "is_deleted"));
    const DataType& t = *schema.columns[schema.FindColumn(spec->is_deleted_column)].type;
    if (t.id() != TypeId::kUInt8 && t.id() != TypeId::kBool) {
      return absl::InvalidArgumentError(absl::StrCat("ReplacingMergeTree: the is_deleted column `",
                                                     spec->is_deleted_column, "` is ", t.ToString(),
                                                     "; it must be UInt8 or Bool"));
    }
    if (Contains(schema.sort_key, spec->is_deleted_column)) {
      return absl::InvalidArgumentError(absl::StrCat("ReplacingMergeTree: the is_deleted column `",
                                                     spec->is_deleted_column, "` cannot be in the sorting key"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseSumming(const format::TableSchema& schema, EngineSpec* spec) {
  if (schema.engine_args.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SummingMergeTree takes at most one argument, the columns to sum: SummingMergeTree((a, b)), got ",
        schema.engine_args.size()));
  }
  if (!schema.engine_args.empty()) {
    auto parsed = sql::ParseExpression(schema.engine_args[0]);
    std::vector<std::string> names;
    bool ok = parsed.ok();
    if (ok && (*parsed)->kind == sql::Expr::Kind::kIdentifier) {
      names.push_back((*parsed)->identifier());
    } else if (ok && (*parsed)->kind == sql::Expr::Kind::kFunction && (*parsed)->name == "tuple") {
      for (const sql::ExprPtr& a : (*parsed)->args) {
        if (a->kind != sql::Expr::Kind::kIdentifier) ok = false;
        if (ok) names.push_back(a->identifier());
      }
    } else {
      ok = false;
    }
    if (!ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SummingMergeTree: the columns to sum must be a column name or a tuple of them, got ", schema.engine_args[0]));
    }
    for (const std::string& n : names) {
      const int c = schema.FindColumn(n);
      if (c < 0) return absl::InvalidArgumentError(absl::StrCat("SummingMergeTree: column `", n, "` does not exist"));
      if (Contains(schema.sort_key, n)) {
        return absl::InvalidArgumentError(absl::StrCat("SummingMergeTree: column `", n,
                                                       "` is both summed and in the sorting key"));
      }
      if (Contains(spec->partition_columns, n)) {
        return absl::InvalidArgumentError(absl::StrCat("SummingMergeTree: column `", n,
                                                       "` is both summed and in the partition key"));
      }
      if (!IsSummable(*schema.columns[c].type)) {
        return absl::InvalidArgumentError(absl::StrCat("SummingMergeTree: column `", n, "` is ",
                                                       schema.columns[c].type->ToString(),
                                                       ", which cannot be summed (numbers and Nullable numbers can)"));
      }
      if (Contains(spec->summed_columns, n)) {
        return absl::InvalidArgumentError(absl::StrCat("SummingMergeTree: column `", n, "` is listed twice"));
      }
      spec->summed_columns.push_back(n);
    }
  }
  const bool listed = !schema.engine_args.empty();
  for (const format::ColumnDef& c : schema.columns) {
    if (Contains(schema.sort_key, c.name) || Contains(spec->partition_columns, c.name)) continue;
    if (Contains(spec->summed_columns, c.name) || c.type->aggregate() != nullptr) continue;
    if (!listed && IsSummable(*c.type)) {
      spec->summed_columns.push_back(c.name);
      continue;
    }
    // Billing-safe: ClickHouse would keep an arbitrary row's value here.
    return absl::InvalidArgumentError(absl::StrCat(
        "SummingMergeTree: column `", c.name, "` ", c.type->ToString(),
        " is neither in the sorting key nor summed, so merged rows would keep an arbitrary value of it; ",
        IsSummable(*c.type) ? "add it to the columns to sum, " : "",
        "add it to ORDER BY, or declare it SimpleAggregateFunction(anyLast, ", c.type->ToString(),
        ") to keep the latest value (docs/engines.md)"));
  }
  return absl::OkStatus();
}

// AggregatingMergeTree: every column outside the sorting and partition keys is an
// AggregateFunction or SimpleAggregateFunction.
absl::Status CheckAggregating(const format::TableSchema& schema, const EngineSpec& spec) {
  for (const format::ColumnDef& c : schema.columns) {
    if (Contains(schema.sort_key, c.name) || Contains(spec.partition_columns, c.name)) continue;
    if (c.type->aggregate() != nullptr) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "AggregatingMergeTree: column `", c.name, "` ", c.type->ToString(),
        " is neither in the sorting key nor an aggregate, so merged rows would keep an arbitrary value of it; ",
        "add it to ORDER BY, or declare it AggregateFunction(f, ", c.type->ToString(), ") or ",
        "SimpleAggregateFunction(f, ", c.type->ToString(), ") (anyLast keeps the latest value; docs/engines.md)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EngineSpec> ParseEngine(const format::TableSchema& schema) {
  EngineSpec spec;
  if (!schema.partition_by.empty()) {
    auto parsed = sql::ParseExpression(schema.partition_by);
    if (parsed.ok()) {
      std::vector<std::string> names;
      CollectIdentifiers(**parsed, &names);
      for (std::string& n : names) {
        if (schema.FindColumn(n) >= 0 && !Contains(schema.sort_key, n) && !Contains(spec.partition_columns, n)) {
          spec.partition_columns.push_back(std::move(n));
        }
      }
    }
  }
  // The engines' own settings: 0 or 1, each for one engine.
  const struct {
    const char* name;
    const char* engine;
    bool* value;
  } engine_settings[] = {{kSummingDropZeroRowsSetting, "SummingMergeTree", &spec.drop_zero_rows},
                         {kTrackSupersededRowsSetting, "ReplacingMergeTree", &spec.track_superseded}};
  for (const format::TableSetting& s : schema.settings) {
    const auto* known = std::find_if(std::begin(engine_settings), std::end(engine_settings),
                                     [&](const auto& e) { return s.name == e.name; });
    if (known != std::end(engine_settings)) {
      if (schema.engine != known->engine) {
        return absl::InvalidArgumentError(absl::StrCat("setting ", s.name, " is for ", known->engine, " tables"));
      }
      if (s.value != "0" && s.value != "1") {
        return absl::InvalidArgumentError(absl::StrCat("setting ", s.name, " must be 0 or 1, got ", s.value));
      }
      *known->value = s.value == "1";
      continue;
    }
    if (s.name == kTtlOnlyDropPartsSetting || s.name == kMergeWithTtlTimeoutSetting) continue;  // engine/ttl.h
    if (s.name == kDedupWindowSetting || s.name == kDedupWindowSecondsSetting) continue;  // engine/dedup_window.h
    if (s.name == kDeduplicateBySetting || s.name == kDeduplicateTimeSetting || s.name == kDeduplicateWindowSetting) {
      continue;  // engine/event_dedup.h
    }
    return absl::UnimplementedError(absl::StrCat("table setting '", s.name, "' is not supported yet"));
  }
  if (schema.engine == "MergeTree") {
    TALLY_RETURN_IF_ERROR(CheckNoArguments(schema));
  } else if (schema.engine == "ReplacingMergeTree") {
    spec.kind = EngineKind::kReplacing;
    TALLY_RETURN_IF_ERROR(ParseReplacing(schema, &spec));
  } else if (schema.engine == "SummingMergeTree") {
    spec.kind = EngineKind::kSumming;
    TALLY_RETURN_IF_ERROR(ParseSumming(schema, &spec));
  } else if (schema.engine == "AggregatingMergeTree") {
    spec.kind = EngineKind::kAggregating;
    TALLY_RETURN_IF_ERROR(CheckNoArguments(schema));
    TALLY_RETURN_IF_ERROR(CheckAggregating(schema, spec));
  } else if (schema.engine == "Null") {
    spec.kind = EngineKind::kNull;
    TALLY_RETURN_IF_ERROR(CheckNoArguments(schema));
  } else {
    return absl::UnimplementedError(absl::StrCat(
        "engine ", schema.engine,
        " is not supported yet (MergeTree, ReplacingMergeTree, SummingMergeTree, AggregatingMergeTree and Null are)"));
  }
  return spec;
}

}  // namespace tally::engine
