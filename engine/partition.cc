#include "engine/partition.h"

#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "engine/error_code.h"
#include "engine/exec/accurate_cast.h"
#include "engine/exec/hash_algorithms.h"
#include "engine/exec/text_format.h"
#include "engine/sql/binder.h"
#include "engine/sql/parser.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::TypeId;
using format::Value;

namespace {

// ClickHouse's Field::Types codes, which its FieldVisitorHash feeds the hash first.
constexpr uint8_t kFieldUInt64 = 1;
constexpr uint8_t kFieldInt64 = 2;
constexpr uint8_t kFieldUInt128 = 4;  // what a UUID column's values hash as
constexpr uint8_t kFieldString = 16;
constexpr uint8_t kFieldDecimal64 = 20;

bool IsUnsigned(TypeId id) {
  return id == TypeId::kUInt8 || id == TypeId::kUInt16 || id == TypeId::kUInt32 || id == TypeId::kUInt64 ||
         id == TypeId::kBool || id == TypeId::kDate || id == TypeId::kDateTime;
}

bool IsSigned(TypeId id) {
  return id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}

// What ClickHouse treats as an integral partition value (its id is the number as text).
bool IsIntegral(TypeId id) { return IsUnsigned(id) || IsSigned(id); }

template <typename T>
void PutLittle(std::string* out, T v) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // little-endian machines only, as the format is
  out->append(bytes, sizeof(T));
}

uint64_t UnsignedAt(const Column& c, size_t row) {
  switch (c.type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return c.data[row];
    case TypeId::kUInt16:
    case TypeId::kDate:
      return c.values<uint16_t>()[row];
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return c.values<uint32_t>()[row];
    default:
      return c.values<uint64_t>()[row];
  }
}

int64_t SignedAt(const Column& c, size_t row) {
  switch (c.type->id()) {
    case TypeId::kInt8:
      return c.values<int8_t>()[row];
    case TypeId::kInt16:
      return c.values<int16_t>()[row];
    case TypeId::kInt32:
      return c.values<int32_t>()[row];
    default:
      return c.values<int64_t>()[row];  // Int64, DateTime64
  }
}

absl::string_view StringAt(const Column& c, size_t row) {
  if (c.type->id() == TypeId::kLowCardinality) return c.dictionary->StringAt(c.IndexAt(row));
  return c.StringAt(row);
}

// Row `row` of `c` as ClickHouse's FieldVisitorHash feeds it to the partition id's hash.
// The same bytes group the rows: equal bytes, equal values.
void AppendHashedField(const Column& c, size_t row, std::string* out) {
  const TypeId id = c.type->id();
  if (IsUnsigned(id)) {
    out->push_back(static_cast<char>(kFieldUInt64));
    PutLittle<uint64_t>(out, UnsignedAt(c, row));
  } else if (IsSigned(id)) {
    out->push_back(static_cast<char>(kFieldInt64));
    PutLittle<int64_t>(out, SignedAt(c, row));
  } else if (id == TypeId::kDateTime64) {
    out->push_back(static_cast<char>(kFieldDecimal64));
    PutLittle<int64_t>(out, SignedAt(c, row));
  } else if (id == TypeId::kUUID) {
    // ClickHouse holds a UUID as two 64-bit halves, the high one (the text's first 8
    // bytes) first, each little-endian; tally stores the 16 bytes as written.
    out->push_back(static_cast<char>(kFieldUInt128));
    const char* bytes = reinterpret_cast<const char*>(c.data.data()) + row * 16;
    for (int half = 0; half < 2; ++half) {
      for (int i = 7; i >= 0; --i) out->push_back(bytes[half * 8 + i]);
    }
  } else {
    absl::string_view s = StringAt(c, row);
    out->push_back(static_cast<char>(kFieldString));
    PutLittle<uint64_t>(out, s.size());
    out->append(s.data(), s.size());
  }
}

std::string DateText(uint64_t day) {
  absl::CivilDay d = absl::CivilDay(1970, 1, 1) + static_cast<int64_t>(day);
  return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
}

// The id of a one-value key: tally's own rule, which parts on disk already carry.
std::string SingleId(const Column& c, size_t row, const std::string& hashed) {
  const TypeId id = c.type->id();
  if (id == TypeId::kDate) return DateText(UnsignedAt(c, row));
  if (IsUnsigned(id)) return absl::StrCat(UnsignedAt(c, row));
  if (IsSigned(id) || id == TypeId::kDateTime64) {
    int64_t v = SignedAt(c, row);
    return v < 0 ? absl::StrCat("m", -static_cast<uint64_t>(v)) : absl::StrCat(v);
  }
  if (id == TypeId::kString || id == TypeId::kLowCardinality) {
    return absl::StrFormat("%016x", format::Checksum(StringAt(c, row)));
  }
  std::array<uint8_t, 16> h = exec::SipHash128(hashed);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

// The id of a key of several values: ClickHouse's rule (MergeTreePartition::getID).
std::string TupleId(const std::vector<const Column*>& columns, size_t row, const std::string& hashed) {
  bool integral = true;
  for (const Column* c : columns) integral &= IsIntegral(c->type->id());
  if (!integral) {
    std::array<uint8_t, 16> h = exec::SipHash128(hashed);
    return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
  }
  std::vector<std::string> parts;
  for (const Column* c : columns) {
    const TypeId id = c->type->id();
    if (id == TypeId::kDate) {
      parts.push_back(DateText(UnsignedAt(*c, row)));
    } else if (IsUnsigned(id)) {
      parts.push_back(absl::StrCat(UnsignedAt(*c, row)));
    } else {
      parts.push_back(absl::StrCat(SignedAt(*c, row)));
    }
  }
  return absl::StrJoin(parts, "-");
}

// Checks one element of the key once bound; `e` is its syntax.
absl::Status CheckElement(const sql::Expr& e, const exec::Expression& bound) {
  if (const std::string* fn = bound.nondeterministic_call(); fn != nullptr) {
    std::string part = sql::FirstCallText(e, *fn);
    return absl::InvalidArgumentError(absl::StrCat("Expression must be deterministic but it contains non-deterministic part `",
                                                   part.empty() ? *fn : part, "`: for Partition key"));
  }
  if (bound.is_constant()) return absl::InvalidArgumentError("Partition key cannot contain constants");
  const DataType& type = *bound.type();
  if (type.id() == TypeId::kNullable || type.is_nullable_low_cardinality()) {
    return absl::InvalidArgumentError(
        "Partition key contains nullable columns, but merge tree setting `allow_nullable_key` is disabled");
  }
  if (type.id() == TypeId::kFloat32 || type.id() == TypeId::kFloat64) {
    return absl::InvalidArgumentError(absl::StrCat("Floating point partition key is not supported: ", e.ToString()));
  }
  const TypeId id = type.id();
  if (!(IsIntegral(id) || id == TypeId::kDateTime64 || id == TypeId::kUUID || id == TypeId::kString ||
        id == TypeId::kLowCardinality)) {
    return absl::InvalidArgumentError(absl::StrCat("cannot partition by a value of type ", type.ToString(), ": ",
                                                   e.ToString()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PartitionKey> PartitionKey::Parse(absl::string_view expr, const format::TableSchema& schema) {
  PartitionKey key;
  absl::string_view text = absl::StripAsciiWhitespace(expr);
  key.text_ = std::string(text);
  if (text.empty()) return key;
  auto error = [&](const absl::Status& s) {
    return WithMessage(s, absl::StatusCode::kInvalidArgument, absl::StrCat("PARTITION BY ", text, ": ", s.message()));
  };
  auto parsed = sql::ParseExpression(text);
  if (!parsed.ok()) return error(parsed.status());
  const sql::Expr& root = **parsed;
  std::vector<const sql::Expr*> elements;
  if (root.kind == sql::Expr::Kind::kFunction && root.name == "tuple" && !root.has_params) {
    for (const sql::ExprPtr& a : root.args) elements.push_back(a.get());
  } else {
    elements.push_back(&root);
  }
  if (sql::CallsFunction(root, "arrayJoin")) return error(absl::InvalidArgumentError("Partition key cannot contain array joins"));
  std::vector<sql::ExprPtr> aggregates;
  absl::flat_hash_set<std::string> seen;
  if (sql::CollectAggregates(*parsed, &aggregates, &seen)) {
    return error(absl::InvalidArgumentError(absl::StrCat(
        "Aggregate function ", aggregates.empty() ? "" : aggregates[0]->ToString(), " is found in wrong place in query")));
  }
  sql::Scope scope;
  for (const format::ColumnDef& c : schema.columns) scope.Add(c.name, c.type);
  for (const sql::Expr* e : elements) {
    auto bound = sql::Bind(*e, scope, sql::QueryParams());
    if (!bound.ok()) return error(bound.status());
    absl::Status checked = CheckElement(*e, **bound);
    if (!checked.ok()) return error(checked);
    key.elements_.push_back(*std::move(bound));
  }
  return key;
}

absl::StatusOr<std::vector<PartitionGroup>> PartitionKey::Split(const Block& block) const {
  const size_t rows = block.rows();
  std::vector<PartitionGroup> groups;
  if (elements_.empty()) {
    PartitionGroup all;
    all.id = "all";
    all.rows.resize(rows);
    for (size_t i = 0; i < rows; ++i) all.rows[i] = static_cast<uint32_t>(i);
    groups.push_back(std::move(all));
    return groups;
  }
  std::vector<Column> values;
  for (const exec::ExpressionPtr& e : elements_) {
    auto v = e->Evaluate(block);
    if (!v.ok()) {
      return WithMessage(v.status(), absl::StatusCode::kInvalidArgument,
                         absl::StrCat("PARTITION BY ", text_, ": ", v.status().message()));
    }
    values.push_back(v->Materialize(rows));
  }
  std::vector<const Column*> columns;
  for (const Column& c : values) columns.push_back(&c);
  absl::flat_hash_map<std::string, size_t> by_key;
  std::string key;
  for (size_t r = 0; r < rows; ++r) {
    key.clear();
    for (const Column* c : columns) AppendHashedField(*c, r, &key);
    auto [it, inserted] = by_key.try_emplace(key, groups.size());
    if (inserted) {
      PartitionGroup g;
      g.id = columns.size() == 1 ? SingleId(*columns[0], r, key) : TupleId(columns, r, key);
      for (const Column* c : columns) g.value.push_back(c->GetValue(r));
      groups.push_back(std::move(g));
    }
    groups[it->second].rows.push_back(static_cast<uint32_t>(r));
  }
  return groups;
}

absl::StatusOr<std::string> PartitionKey::IdOfValue(const sql::Expr& value) const {
  std::vector<const sql::Expr*> items;
  if (value.kind == sql::Expr::Kind::kFunction && value.name == "tuple" && !value.has_params &&
      (elements_.size() != 1 || value.args.empty())) {
    for (const sql::ExprPtr& a : value.args) items.push_back(a.get());
  } else {
    items.push_back(&value);
  }
  if (elements_.empty()) {
    if (!items.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("the table has no partition key: its one partition is tuple(), not ",
                                                     value.ToString()));
    }
    return std::string("all");
  }
  if (items.size() != elements_.size()) {
    return absl::InvalidArgumentError(absl::StrCat("Wrong number of fields in the partition expression: ",
                                                   value.ToString(), " has ", items.size(), ", PARTITION BY ", text_,
                                                   " has ", elements_.size()));
  }
  std::vector<Column> columns;
  for (size_t i = 0; i < items.size(); ++i) {
    auto bound = sql::Bind(*items[i], sql::Scope(), sql::QueryParams());
    if (!bound.ok()) {
      return WithMessage(bound.status(), absl::StatusCode::kInvalidArgument,
                         absl::StrCat("partition ", value.ToString(), ": ", bound.status().message()));
    }
    if (!(*bound)->is_constant()) {
      return absl::InvalidArgumentError(absl::StrCat("partition ", value.ToString(), ": ", items[i]->ToString(),
                                                     " is not a constant"));
    }
    TALLY_ASSIGN_OR_RETURN(Column constant, exec::EvaluateConstant(**bound));
    const format::DataTypePtr& type = elements_[i]->type();
    // The element's own type, or its LowCardinality's String.
    format::DataTypePtr plain = type->id() == TypeId::kLowCardinality ? format::ParseDataType("String").value() : type;
    const format::DataTypePtr& from = constant.type;
    if (from->id() == TypeId::kNullable || from->id() == TypeId::kLowCardinality || from->id() == TypeId::kArray ||
        from->id() == TypeId::kMap) {
      return absl::InvalidArgumentError(absl::StrCat("partition ", value.ToString(), ": ", items[i]->ToString(),
                                                     " is a ", from->ToString(), ", the key's element is ",
                                                     type->ToString()));
    }
    auto cast = exec::AccurateCastOrNull(constant, plain, exec::FunctionContext());
    if (!cast.ok() || cast->nulls[0] != 0) {
      return absl::InvalidArgumentError(absl::StrCat("Cannot convert ", items[i]->ToString(),
                                                     " to the partition key's type ", type->ToString(),
                                                     " (PARTITION BY ", text_, ")"));
    }
    columns.push_back(cast->children[0]);
  }
  std::vector<const Column*> pointers;
  std::string key;
  for (const Column& c : columns) {
    pointers.push_back(&c);
    AppendHashedField(c, 0, &key);
  }
  return pointers.size() == 1 ? SingleId(*pointers[0], 0, key) : TupleId(pointers, 0, key);
}

std::string PartitionKey::ValueText(const std::vector<format::Value>& value) const {
  if (elements_.empty()) return "tuple()";
  if (value.size() != elements_.size()) return "?";
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    format::Column c = format::Column::Make(elements_[i]->type());
    if (!c.AppendValue(value[i]).ok()) return "?";
    if (elements_.size() == 1) {
      AppendPlainValue(c, 0, "NULL", &out);
    } else {
      out.append(i == 0 ? "(" : ",");
      AppendQuotedValue(c, 0, &out);
    }
  }
  if (elements_.size() > 1) out.append(")");
  return out;
}

}  // namespace tally::engine
