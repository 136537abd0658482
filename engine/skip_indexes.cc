#include "engine/skip_indexes.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "format/skip_index.h"

namespace tally::engine {

using format::TypeId;

absl::StatusOr<std::vector<BoundSkipIndex>> BindSkipIndexes(const format::TableSchema& schema) {
  std::vector<BoundSkipIndex> out;
  for (const format::SkipIndexDef& def : schema.skip_indexes) {
    const std::string what = absl::StrCat("skip index '", def.name, "'");
    BoundSkipIndex b;
    b.name = def.name;
    b.file = format::SkipIndexFileName(def.name);
    b.granularity = def.granularity;
    if (b.granularity == 0) return absl::InvalidArgumentError(absl::StrCat(what, ": GRANULARITY must be at least 1"));
    for (const BoundSkipIndex& other : out) {
      if (other.name == b.name) return absl::InvalidArgumentError(absl::StrCat(what, " is declared twice"));
    }
    absl::string_view type = absl::StripAsciiWhitespace(def.type);
    if (!absl::ConsumePrefix(&type, "bloom_filter")) {
      return absl::UnimplementedError(absl::StrCat(what, ": TYPE ", def.type,
                                                   " is not supported yet (bloom_filter is)"));
    }
    type = absl::StripAsciiWhitespace(type);
    if (!type.empty()) {
      if (!absl::ConsumePrefix(&type, "(") || !absl::ConsumeSuffix(&type, ")")) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": TYPE ", def.type, " is not bloom_filter([rate])"));
      }
      type = absl::StripAsciiWhitespace(type);
      if (!type.empty() && (!absl::SimpleAtod(type, &b.fpr) || !(b.fpr > 0 && b.fpr < 1))) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": the false-positive rate of ", def.type,
                                                       " must be a number between 0 and 1"));
      }
    }
    const std::string expr(absl::StripAsciiWhitespace(def.expression));
    const int c = schema.FindColumn(expr);
    if (c < 0) {
      return absl::UnimplementedError(absl::StrCat(what, ": an index on the expression ", expr,
                                                   " is not supported yet (an index on a column is)"));
    }
    const format::DataType& t = *schema.columns[c].type;
    const format::DataType& inner = t.id() == TypeId::kNullable ? t.child(0) : t;
    if (inner.id() == TypeId::kArray || inner.id() == TypeId::kMap || t.is_aggregate_state()) {
      return absl::UnimplementedError(absl::StrCat(what, ": a bloom_filter on ", t.ToString(), " column ", expr,
                                                   " is not supported yet"));
    }
    b.column = static_cast<size_t>(c);
    out.push_back(std::move(b));
  }
  return out;
}

const format::Column& IndexedValues(const format::Column& column) {
  return column.type->id() == TypeId::kNullable ? column.children[0] : column;
}

std::optional<uint64_t> HashOfValue(const format::DataTypePtr& type, const format::Value& value) {
  if (value.is_null()) return std::nullopt;
  format::Column one = format::Column::Make(type->id() == TypeId::kNullable ? type->children()[0] : type);
  if (!one.AppendValue(value).ok()) return std::nullopt;
  return format::SkipIndexHash(one, 0);
}

}  // namespace tally::engine
