#include "format/types.h"

#include <cctype>
#include <charconv>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::format {

DataTypePtr DataType::Make(TypeId id) {
  return DataTypePtr(new DataType(id, 0, "", {}));
}
DataTypePtr DataType::DateTime(std::string timezone) {
  return DataTypePtr(new DataType(TypeId::kDateTime, 0, std::move(timezone), {}));
}
DataTypePtr DataType::DateTime64(int precision, std::string timezone) {
  return DataTypePtr(new DataType(TypeId::kDateTime64, precision, std::move(timezone), {}));
}
DataTypePtr DataType::LowCardinality(DataTypePtr inner) {
  return DataTypePtr(new DataType(TypeId::kLowCardinality, 0, "", {std::move(inner)}));
}
DataTypePtr DataType::Nullable(DataTypePtr inner) {
  return DataTypePtr(new DataType(TypeId::kNullable, 0, "", {std::move(inner)}));
}
DataTypePtr DataType::Array(DataTypePtr element) {
  return DataTypePtr(new DataType(TypeId::kArray, 0, "", {std::move(element)}));
}
DataTypePtr DataType::Map(DataTypePtr key, DataTypePtr value) {
  return DataTypePtr(new DataType(TypeId::kMap, 0, "", {std::move(key), std::move(value)}));
}

DataTypePtr DataType::AggregateState(AggregateSpec spec) {
  spec.simple = false;
  auto* t = new DataType(TypeId::kString, 0, "", {});
  t->aggregate_ = std::make_shared<const AggregateSpec>(std::move(spec));
  return DataTypePtr(t);
}

DataTypePtr DataType::SimpleAggregate(std::string function, const DataTypePtr& value) {
  AggregateSpec spec;
  spec.simple = true;
  spec.function = std::move(function);
  DataTypePtr plain = value->WithoutAggregate();
  spec.args = {plain};
  auto* t = new DataType(plain->id_, plain->precision_, plain->timezone_, plain->children_);
  t->aggregate_ = std::make_shared<const AggregateSpec>(std::move(spec));
  return DataTypePtr(t);
}

DataTypePtr DataType::WithoutAggregate() const {
  return DataTypePtr(new DataType(id_, precision_, timezone_, children_));
}

namespace {

// A parameter as ClickHouse prints it in a type name: integers in decimal, floats in the
// shortest text that reads back to the same double, strings quoted.
std::string ParamText(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUInt:
      return absl::StrCat(v.u);
    case Value::Kind::kInt:
      return absl::StrCat(v.i);
    case Value::Kind::kFloat: {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.f);
      return ec == std::errc() ? std::string(buf, end) : absl::StrCat(v.f);
    }
    case Value::Kind::kString: {
      std::string out = "'";
      for (char c : v.s) {
        if (c == '\'' || c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      return out + "'";
    }
    default:
      return "NULL";
  }
}

}  // namespace

std::string AggregateSpec::FunctionText() const {
  if (params.empty()) return function;
  std::string out = absl::StrCat(function, "(");
  for (size_t i = 0; i < params.size(); ++i) absl::StrAppend(&out, i ? ", " : "", ParamText(params[i]));
  return out + ")";
}

bool AggregateSpec::Equals(const AggregateSpec& other) const {
  if (simple != other.simple || function != other.function || params.size() != other.params.size() ||
      args.size() != other.args.size()) {
    return false;
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (!(params[i] == other.params[i])) return false;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i]->Equals(*other.args[i])) return false;
  }
  return true;
}

bool IsSimpleAggregateFunction(absl::string_view f) {
  for (absl::string_view name : {"any", "anyLast", "min", "max", "sum", "sumWithOverflow", "groupBitAnd",
                                 "groupBitOr", "groupBitXor"}) {
    if (f == name) return true;
  }
  return false;
}

size_t DataType::fixed_width() const {
  switch (id_) {
    case TypeId::kUInt8:
    case TypeId::kInt8:
    case TypeId::kBool:
      return 1;
    case TypeId::kUInt16:
    case TypeId::kInt16:
    case TypeId::kDate:
      return 2;
    case TypeId::kUInt32:
    case TypeId::kInt32:
    case TypeId::kFloat32:
    case TypeId::kDateTime:
      return 4;
    case TypeId::kUInt64:
    case TypeId::kInt64:
    case TypeId::kFloat64:
    case TypeId::kDateTime64:
      return 8;
    case TypeId::kUUID:
      return 16;
    default:
      return 0;
  }
}

bool DataType::is_integer() const {
  switch (id_) {
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kUInt64:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return true;
    default:
      return false;
  }
}

bool DataType::is_signed() const {
  return id_ == TypeId::kInt8 || id_ == TypeId::kInt16 || id_ == TypeId::kInt32 ||
         id_ == TypeId::kInt64 || id_ == TypeId::kDateTime64 || is_float();
}

bool DataType::is_float() const { return id_ == TypeId::kFloat32 || id_ == TypeId::kFloat64; }

namespace {

struct SimpleName {
  const char* name;
  TypeId id;
};

constexpr SimpleName kSimpleNames[] = {
    {"UInt8", TypeId::kUInt8},     {"UInt16", TypeId::kUInt16},   {"UInt32", TypeId::kUInt32},
    {"UInt64", TypeId::kUInt64},   {"Int8", TypeId::kInt8},       {"Int16", TypeId::kInt16},
    {"Int32", TypeId::kInt32},     {"Int64", TypeId::kInt64},     {"Float32", TypeId::kFloat32},
    {"Float64", TypeId::kFloat64}, {"Bool", TypeId::kBool},       {"Date", TypeId::kDate},
    {"DateTime", TypeId::kDateTime}, {"UUID", TypeId::kUUID},     {"String", TypeId::kString},
};

// Case-insensitive SQL aliases, as ClickHouse accepts them.
const absl::flat_hash_map<std::string, TypeId>& Aliases() {
  static const auto* aliases = new absl::flat_hash_map<std::string, TypeId>{
      {"boolean", TypeId::kBool},   {"bool", TypeId::kBool},       {"tinyint", TypeId::kInt8},
      {"smallint", TypeId::kInt16}, {"int", TypeId::kInt32},       {"integer", TypeId::kInt32},
      {"bigint", TypeId::kInt64},   {"float", TypeId::kFloat32},   {"real", TypeId::kFloat32},
      {"double", TypeId::kFloat64}, {"text", TypeId::kString},     {"varchar", TypeId::kString},
      {"char", TypeId::kString},    {"blob", TypeId::kString},     {"timestamp", TypeId::kDateTime},
  };
  return *aliases;
}

std::string Quote(absl::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

class TypeParser {
 public:
  explicit TypeParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<DataTypePtr> ParseAll() {
    TALLY_ASSIGN_OR_RETURN(DataTypePtr type, Parse(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the type");
    return type;
  }

 private:
  static constexpr int kMaxDepth = 32;

  absl::Status Error(absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat("type '", text_, "': position ", pos_ + 1, ": ", why));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  absl::Status Expect(char c) {
    if (!Consume(c)) return Error(absl::StrCat("expected '", std::string(1, c), "'"));
    return absl::OkStatus();
  }

  absl::string_view Identifier() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  absl::StatusOr<int64_t> Integer() {
    SkipSpace();
    size_t start = pos_;
    int64_t v = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      if (pos_ - start >= 9) return Error("number too large");
      v = v * 10 + (text_[pos_++] - '0');
    }
    if (pos_ == start) return Error("expected a number");
    return v;
  }

  absl::StatusOr<std::string> QuotedString() {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != '\'') return Error("expected a quoted string");
    ++pos_;
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != '\'') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(text_[pos_++]);
    }
    if (pos_ >= text_.size()) return Error("unterminated string");
    ++pos_;
    return out;
  }

  // A type inside LowCardinality, Nullable, Array or Map: aggregate types are only ever
  // whole column types.
  absl::StatusOr<DataTypePtr> ParseInner(int depth, absl::string_view outer) {
    const size_t start = pos_;
    TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, Parse(depth));
    if (inner->aggregate() != nullptr) {
      pos_ = start;
      return Error(absl::StrCat(inner->ToString(), " inside ", outer, " is not supported"));
    }
    return inner;
  }

  absl::StatusOr<DataTypePtr> Parse(int depth) {
    if (depth > kMaxDepth) return Error("type nested too deeply");
    SkipSpace();
    size_t name_pos = pos_;
    absl::string_view name = Identifier();
    if (name.empty()) return Error("expected a type name");
    for (const SimpleName& simple : kSimpleNames) {
      if (name == simple.name) {
        if (simple.id == TypeId::kDateTime && Consume('(')) {
          TALLY_ASSIGN_OR_RETURN(std::string tz, QuotedString());
          TALLY_RETURN_IF_ERROR(Expect(')'));
          return DataType::DateTime(std::move(tz));
        }
        return DataType::Make(simple.id);
      }
    }
    if (name == "DateTime64") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      TALLY_ASSIGN_OR_RETURN(int64_t precision, Integer());
      if (precision > 9) return Error("DateTime64 precision must be 0..9");
      std::string tz;
      if (Consume(',')) {
        TALLY_ASSIGN_OR_RETURN(tz, QuotedString());
      }
      TALLY_RETURN_IF_ERROR(Expect(')'));
      return DataType::DateTime64(static_cast<int>(precision), std::move(tz));
    }
    if (name == "LowCardinality") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, ParseInner(depth + 1, "LowCardinality"));
      TALLY_RETURN_IF_ERROR(Expect(')'));
      bool ok = inner->id() == TypeId::kString ||
                (inner->id() == TypeId::kNullable && inner->child(0).id() == TypeId::kString);
      if (!ok) {
        pos_ = name_pos;
        return Error(absl::StrCat("LowCardinality supports String and Nullable(String), not ",
                                  inner->ToString()));
      }
      return DataType::LowCardinality(std::move(inner));
    }
    if (name == "Nullable") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, ParseInner(depth + 1, "Nullable"));
      TALLY_RETURN_IF_ERROR(Expect(')'));
      TypeId in = inner->id();
      if (in == TypeId::kNullable || in == TypeId::kArray || in == TypeId::kMap ||
          in == TypeId::kLowCardinality) {
        pos_ = name_pos;
        return Error(absl::StrCat("Nullable(", inner->ToString(),
                                  ") is not allowed; nested types cannot be inside Nullable"
                                  " (write LowCardinality(Nullable(String)))"));
      }
      return DataType::Nullable(std::move(inner));
    }
    if (name == "Array") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, ParseInner(depth + 1, "Array"));
      TALLY_RETURN_IF_ERROR(Expect(')'));
      return DataType::Array(std::move(inner));
    }
    if (name == "Map") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr key, ParseInner(depth + 1, "Map"));
      TALLY_RETURN_IF_ERROR(Expect(','));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr value, ParseInner(depth + 1, "Map"));
      TALLY_RETURN_IF_ERROR(Expect(')'));
      TypeId k = key->id();
      bool key_ok = key->is_integer() || k == TypeId::kString || k == TypeId::kLowCardinality ||
                    k == TypeId::kDate || k == TypeId::kDateTime || k == TypeId::kUUID ||
                    k == TypeId::kBool;
      if (!key_ok || key->is_nullable_low_cardinality()) {
        pos_ = name_pos;
        return Error(absl::StrCat("Map key type ", key->ToString(), " is not supported"));
      }
      return DataType::Map(std::move(key), std::move(value));
    }
    if (name == "AggregateFunction") return ParseAggregateFunction(depth);
    if (name == "SimpleAggregateFunction") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      absl::string_view function = Identifier();
      if (function.empty()) return Error("expected an aggregate function name");
      if (!IsSimpleAggregateFunction(function)) {
        return Error(absl::StrCat("Unsupported aggregate function ", function,
                                  ", supported functions are any, anyLast, min, max, sum, sumWithOverflow, "
                                  "groupBitAnd, groupBitOr, groupBitXor"));
      }
      TALLY_RETURN_IF_ERROR(Expect(','));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr value, Parse(depth + 1));
      TALLY_RETURN_IF_ERROR(Expect(')'));
      if (value->aggregate() != nullptr) return Error("aggregate function types do not nest");
      return DataType::SimpleAggregate(std::string(function), value);
    }
    auto alias = Aliases().find(absl::AsciiStrToLower(name));
    if (alias != Aliases().end()) return DataType::Make(alias->second);
    pos_ = name_pos;
    return Error(absl::StrCat("unknown type '", name, "'"));
  }

  // AggregateFunction(f, T...), AggregateFunction(f(p, ...), T...); "AggregateFunction" read.
  absl::StatusOr<DataTypePtr> ParseAggregateFunction(int depth) {
    TALLY_RETURN_IF_ERROR(Expect('('));
    AggregateSpec spec;
    spec.function = std::string(Identifier());
    if (spec.function.empty()) return Error("expected an aggregate function name");
    if (Consume('(')) {
      while (!Consume(')')) {
        if (!spec.params.empty()) TALLY_RETURN_IF_ERROR(Expect(','));
        TALLY_ASSIGN_OR_RETURN(Value v, Param());
        spec.params.push_back(std::move(v));
      }
    }
    while (Consume(',')) {
      TALLY_ASSIGN_OR_RETURN(DataTypePtr arg, Parse(depth + 1));
      if (arg->aggregate() != nullptr && arg->is_aggregate_state()) {
        return Error("aggregate function types do not nest");
      }
      spec.args.push_back(std::move(arg));
    }
    TALLY_RETURN_IF_ERROR(Expect(')'));
    return DataType::AggregateState(std::move(spec));
  }

  // A parameter: a number (integer or float, maybe negative) or a quoted string.
  absl::StatusOr<Value> Param() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '\'') {
      TALLY_ASSIGN_OR_RETURN(std::string s, QuotedString());
      return Value::String(std::move(s));
    }
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '.' || text_[pos_] == '-' || text_[pos_] == '+')) {
      ++pos_;
    }
    std::string num(text_.substr(start, pos_ - start));
    if (num.empty()) return Error("expected a parameter");
    const bool is_float = num.find_first_of(".eEni") != std::string::npos;
    if (!is_float) {
      if (num[0] == '-') {
        int64_t v;
        auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
        if (ec == std::errc() && end == num.data() + num.size()) return Value::Int(v);
      } else {
        uint64_t v;
        const char* b = num.data() + (num[0] == '+' ? 1 : 0);
        auto [end, ec] = std::from_chars(b, num.data() + num.size(), v);
        if (ec == std::errc() && end == num.data() + num.size()) return Value::UInt(v);
      }
    } else {
      double v;
      auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      if (ec == std::errc() && end == num.data() + num.size()) return Value::Float(v);
    }
    pos_ = start;
    return Error(absl::StrCat("bad parameter '", num, "'"));
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string DataType::ToString() const {
  if (aggregate_ != nullptr) {
    if (aggregate_->simple) {
      return absl::StrCat("SimpleAggregateFunction(", aggregate_->function, ", ", aggregate_->args[0]->ToString(),
                          ")");
    }
    std::string out = absl::StrCat("AggregateFunction(", aggregate_->FunctionText());
    for (const DataTypePtr& a : aggregate_->args) absl::StrAppend(&out, ", ", a->ToString());
    return out + ")";
  }
  for (const SimpleName& simple : kSimpleNames) {
    if (simple.id == id_ && id_ != TypeId::kDateTime) return simple.name;
  }
  switch (id_) {
    case TypeId::kDateTime:
      return timezone_.empty() ? "DateTime" : absl::StrCat("DateTime(", Quote(timezone_), ")");
    case TypeId::kDateTime64:
      return timezone_.empty()
                 ? absl::StrCat("DateTime64(", precision_, ")")
                 : absl::StrCat("DateTime64(", precision_, ", ", Quote(timezone_), ")");
    case TypeId::kLowCardinality:
      return absl::StrCat("LowCardinality(", child(0).ToString(), ")");
    case TypeId::kNullable:
      return absl::StrCat("Nullable(", child(0).ToString(), ")");
    case TypeId::kArray:
      return absl::StrCat("Array(", child(0).ToString(), ")");
    case TypeId::kMap:
      return absl::StrCat("Map(", child(0).ToString(), ", ", child(1).ToString(), ")");
    default:
      return absl::StrCat("Unknown(", static_cast<int>(id_), ")");
  }
}

bool DataType::Equals(const DataType& other) const {
  if (id_ != other.id_ || precision_ != other.precision_ || timezone_ != other.timezone_ ||
      children_.size() != other.children_.size() || (aggregate_ == nullptr) != (other.aggregate_ == nullptr)) {
    return false;
  }
  if (aggregate_ != nullptr && !aggregate_->Equals(*other.aggregate_)) return false;
  for (size_t i = 0; i < children_.size(); ++i) {
    if (!children_[i]->Equals(*other.children_[i])) return false;
  }
  return true;
}

absl::StatusOr<DataTypePtr> ParseDataType(absl::string_view text) {
  return TypeParser(text).ParseAll();
}

}  // namespace tally::format
