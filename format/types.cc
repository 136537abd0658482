#include "format/types.h"

#include <cctype>

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
      TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, Parse(depth + 1));
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
      TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, Parse(depth + 1));
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
      TALLY_ASSIGN_OR_RETURN(DataTypePtr inner, Parse(depth + 1));
      TALLY_RETURN_IF_ERROR(Expect(')'));
      return DataType::Array(std::move(inner));
    }
    if (name == "Map") {
      TALLY_RETURN_IF_ERROR(Expect('('));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr key, Parse(depth + 1));
      TALLY_RETURN_IF_ERROR(Expect(','));
      TALLY_ASSIGN_OR_RETURN(DataTypePtr value, Parse(depth + 1));
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
    auto alias = Aliases().find(absl::AsciiStrToLower(name));
    if (alias != Aliases().end()) return DataType::Make(alias->second);
    pos_ = name_pos;
    return Error(absl::StrCat("unknown type '", name, "'"));
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string DataType::ToString() const {
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
      children_.size() != other.children_.size()) {
    return false;
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    if (!children_[i]->Equals(*other.children_[i])) return false;
  }
  return true;
}

absl::StatusOr<DataTypePtr> ParseDataType(absl::string_view text) {
  return TypeParser(text).ParseAll();
}

}  // namespace tally::format
