#include "engine/skip_indexes.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/sql/binder.h"
#include "engine/sql/parser.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::DataType;
using format::TypeId;
using format::Value;
using Kind = format::SkipIndexFile::Kind;

namespace {

// A type without Nullable and LowCardinality around it: what its values are.
const DataType& Plain(const DataType& t) {
  if (t.id() == TypeId::kNullable || t.id() == TypeId::kLowCardinality) return Plain(t.child(0));
  return t;
}

// The index's TYPE clause: its name, kind and arguments.
absl::Status BindType(const format::SkipIndexDef& def, const std::string& what, BoundSkipIndex* b) {
  auto parsed = sql::ParseExpression(def.type);
  if (!parsed.ok()) {
    return WithMessage(parsed.status(), absl::StatusCode::kInvalidArgument,
                       absl::StrCat(what, ": TYPE ", def.type, ": ", parsed.status().message()));
  }
  const sql::Expr& t = **parsed;
  std::vector<Value> args;
  if (t.kind == sql::Expr::Kind::kFunction && !t.has_params) {
    b->type_name = t.name;
    for (const sql::ExprPtr& a : t.args) {
      if (a->kind != sql::Expr::Kind::kLiteral) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": TYPE ", def.type, ": the argument ", a->ToString(),
                                                       " is not a literal"));
      }
      args.push_back(a->literal);
    }
  } else if (t.kind == sql::Expr::Kind::kIdentifier && t.parts.size() == 1) {
    b->type_name = t.identifier();
  } else {
    return absl::InvalidArgumentError(absl::StrCat(what, ": TYPE ", def.type, " is not an index type"));
  }
  const std::string& name = b->type_name;
  // Unsigned integer arguments of tokenbf_v1 and ngrambf_v1.
  auto unsigned_args = [&](size_t want, absl::string_view which) -> absl::Status {
    if (args.size() != want) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": `", which, "` index must have exactly ", want,
                                                     " arguments"));
    }
    for (const Value& v : args) {
      if (v.kind != Value::Kind::kUInt) {
        return absl::InvalidArgumentError(
            absl::StrCat(what, ": All parameters to *bf_v1 index must be unsigned integers"));
      }
    }
    return absl::OkStatus();
  };
  auto bloom_args = [&](uint64_t bytes, uint64_t hashes) -> absl::Status {
    if (bytes == 0) return absl::InvalidArgumentError(absl::StrCat(what, ": The size of bloom filter cannot be zero"));
    if (hashes == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": The number of hash functions for bloom filter cannot be zero"));
    }
    b->max_bytes = bytes;
    b->hashes = hashes;
    return absl::OkStatus();
  };
  if (name == "bloom_filter") {
    b->kind = Kind::kBloomFilter;
    if (args.size() > 1) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": BloomFilter index cannot have more than one parameter"));
    }
    if (!args.empty()) {
      const Value& v = args[0];
      const double rate = v.kind == Value::Kind::kFloat  ? v.f
                          : v.kind == Value::Kind::kUInt ? static_cast<double>(v.u)
                                                         : -1;
      if (!(rate > 0 && rate < 1)) {
        return absl::InvalidArgumentError(absl::StrCat(
            what, ": The BloomFilter false positive must be a double number between 0 and 1 (TYPE ", def.type, ")"));
      }
      b->fpr = rate;
    }
  } else if (name == "minmax") {
    b->kind = Kind::kMinMax;
    if (!args.empty()) return absl::InvalidArgumentError(absl::StrCat(what, ": a minmax index takes no arguments"));
  } else if (name == "set") {
    b->kind = Kind::kSet;
    if (args.size() != 1) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": Set index must have exactly one argument"));
    }
    if (args[0].kind != Value::Kind::kUInt) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": Set index argument must be positive integer"));
    }
    b->max_values = args[0].u;
  } else if (name == "tokenbf_v1") {
    b->kind = Kind::kTokenBloomFilter;
    TALLY_RETURN_IF_ERROR(unsigned_args(3, "tokenbf"));
    TALLY_RETURN_IF_ERROR(bloom_args(args[0].u, args[1].u));
    b->seed = args[2].u;
  } else if (name == "ngrambf_v1") {
    b->kind = Kind::kNgramBloomFilter;
    TALLY_RETURN_IF_ERROR(unsigned_args(4, "ngrambf"));
    if (args[0].u == 0) return absl::InvalidArgumentError(absl::StrCat(what, ": ngram length must be at least 1"));
    if (args[0].u > 255) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ngram length ", args[0].u, " is above 255"));
    }
    b->ngram = args[0].u;
    TALLY_RETURN_IF_ERROR(bloom_args(args[1].u, args[2].u));
    b->seed = args[3].u;
  } else if (name == "hypothesis" || name == "text" || name == "vector_similarity" || name == "sparse_grams" ||
             name == "full_text" || name == "inverted" || name == "annoy" || name == "usearch" ||
             name == "gin") {
    return absl::UnimplementedError(absl::StrCat(what, ": TYPE ", def.type,
                                                 " is not supported yet (bloom_filter, minmax, set, tokenbf_v1 "
                                                 "and ngrambf_v1 are)"));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(what, ": Unknown Index type '", name,
                                                   "'. Available index types: bloom_filter, minmax, set, "
                                                   "tokenbf_v1, ngrambf_v1"));
  }
  return absl::OkStatus();
}

// The index's expression, compiled over the schema, and the type of what it indexes.
absl::Status BindExpression(const format::SkipIndexDef& def, const format::TableSchema& schema,
                            const std::string& what, BoundSkipIndex* b) {
  auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", why));
  };
  auto parsed = sql::ParseExpression(def.expression);
  if (!parsed.ok()) return error(parsed.status().message());
  const sql::Expr& e = **parsed;
  if (sql::CallsFunction(e, "arrayJoin")) return error("Secondary index cannot contain array joins");
  std::vector<sql::ExprPtr> aggregates;
  absl::flat_hash_set<std::string> seen;
  if (sql::CollectAggregates(*parsed, &aggregates, &seen)) {
    return error(absl::StrCat("Aggregate function ", aggregates.empty() ? "" : aggregates[0]->ToString(),
                              " is found in wrong place in query"));
  }
  if (e.kind == sql::Expr::Kind::kIdentifier && e.parts.size() == 1) b->column = schema.FindColumn(e.identifier());
  sql::Scope scope;
  for (const format::ColumnDef& c : schema.columns) scope.Add(c.name, c.type);
  auto bound = sql::Bind(e, scope, sql::QueryParams());
  if (!bound.ok()) return error(bound.status().message());
  if (const std::string* fn = (*bound)->nondeterministic_call(); fn != nullptr) {
    const std::string part = sql::FirstCallText(e, *fn);
    return error(absl::StrCat("Expression must be deterministic but it contains non-deterministic part `",
                              part.empty() ? *fn : part, "`"));
  }
  if ((*bound)->is_constant()) return error(absl::StrCat("Secondary index '", def.name, "' cannot contain constants"));
  b->expr = *bound;
  b->type = b->expr->type();
  const DataType& type = *b->type;
  if (type.is_aggregate_state()) {
    return absl::UnimplementedError(absl::StrCat(what, ": an index on ", type.ToString(), " is not supported"));
  }
  b->values = b->type;
  if (type.id() == TypeId::kArray) {
    b->array = true;
    b->values = type.children()[0];
  }
  const DataType& values = Plain(*b->values);
  const bool text = b->kind == Kind::kTokenBloomFilter || b->kind == Kind::kNgramBloomFilter;
  if (text && values.id() != TypeId::kString) {
    return error(
        "Ngram and token bloom filter indexes can only be used with column types `String`, `LowCardinality(String)` "
        "or `Array(String)` (Nullable allowed)");
  }
  if (values.id() == TypeId::kArray || values.id() == TypeId::kMap || values.is_aggregate_state()) {
    if (b->kind == Kind::kBloomFilter) {
      return error(absl::StrCat("Unexpected type ", type.ToString(), " of bloom filter index"));
    }
    return absl::UnimplementedError(absl::StrCat(what, ": an index on ", type.ToString(), " (", def.expression,
                                                 ") is not supported yet; index mapKeys(m) or mapValues(m) "
                                                 "of a Map, or an array of scalars"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string BoundSkipIndex::Description() const { return absl::StrCat(type_name, " GRANULARITY ", granularity); }

format::SkipIndexFile BoundSkipIndex::EmptyFile() const {
  format::SkipIndexFile file;
  file.kind = kind;
  file.granularity = granularity;
  file.expression = expression;
  file.max_values = max_values;
  file.seed = seed;
  file.ngram = ngram;
  return file;
}

bool BoundSkipIndex::Built(const format::SkipIndexFile& file) const {
  if (file.kind == Kind::kLegacyBloomFilter) return kind == Kind::kBloomFilter && column >= 0;
  return file.kind == kind && file.expression == expression;
}

absl::StatusOr<std::vector<BoundSkipIndex>> BindSkipIndexes(const format::TableSchema& schema) {
  std::vector<BoundSkipIndex> out;
  for (const format::SkipIndexDef& def : schema.skip_indexes) {
    const std::string what = absl::StrCat("skip index '", def.name, "'");
    BoundSkipIndex b;
    b.name = def.name;
    b.file = format::SkipIndexFileName(def.name);
    b.expression = def.expression;
    b.granularity = def.granularity;
    if (b.granularity == 0) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": Index GRANULARITY must be a positive integer"));
    }
    for (const BoundSkipIndex& other : out) {
      if (other.name == b.name) {
        return absl::InvalidArgumentError(absl::StrCat("Duplicated index name ", def.name,
                                                       " is not allowed. Please use a different index name"));
      }
    }
    TALLY_RETURN_IF_ERROR(BindType(def, what, &b));
    TALLY_RETURN_IF_ERROR(BindExpression(def, schema, what, &b));
    out.push_back(std::move(b));
  }
  return out;
}

double TextIndexRate(const BoundSkipIndex& index, uint64_t distinct) {
  const double m = 8.0 * static_cast<double>(index.max_bytes);
  const double k = static_cast<double>(index.hashes);
  if (m <= 0 || k <= 0) return kTextIndexFpr;
  const double clickhouse = std::pow(1.0 - std::exp(-k * static_cast<double>(distinct) / m), k);
  return std::min(clickhouse, kTextIndexFpr);
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
