#include "engine/exec/row_binary.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/text_format.h"
#include "engine/exec/text_parse.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

void AppendUuid(const uint8_t* b, std::string* out) {
  // Text order is big-endian; ClickHouse writes the UInt128 as two little-endian halves,
  // the high one first.
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(b[i]));
  for (int i = 15; i >= 8; --i) out->push_back(static_cast<char>(b[i]));
}

}  // namespace

void AppendRowBinaryValue(const Column& c, size_t row, std::string* out) {
  switch (c.type->id()) {
    case TypeId::kString:
      AppendBinaryString(c.StringAt(row), out);
      return;
    case TypeId::kLowCardinality: {
      const uint32_t index = c.IndexAt(row);
      const bool nullable = c.type->is_nullable_low_cardinality();
      if (nullable) out->push_back(index == 0 ? 1 : 0);
      if (!nullable || index != 0) AppendBinaryString(c.dictionary->StringAt(index), out);
      return;
    }
    case TypeId::kNullable:
      out->push_back(c.nulls[row] ? 1 : 0);
      if (!c.nulls[row]) AppendRowBinaryValue(c.children[0], row, out);
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      const uint64_t begin = row == 0 ? 0 : c.offsets[row - 1];
      AppendVarUInt(c.offsets[row] - begin, out);
      for (uint64_t k = begin; k < c.offsets[row]; ++k) {
        for (const Column& child : c.children) AppendRowBinaryValue(child, k, out);
      }
      return;
    }
    case TypeId::kUUID:
      AppendUuid(c.data.data() + row * 16, out);
      return;
    default: {
      const size_t w = c.type->fixed_width();
      out->append(reinterpret_cast<const char*>(c.data.data()) + row * w, w);
    }
  }
}

absl::Status ReadRowBinaryValue(ByteReader* in, Column* c) {
  const DataType& type = *c->type;
  switch (type.id()) {
    case TypeId::kString: {
      absl::string_view s;
      TALLY_RETURN_IF_ERROR(in->ReadString(&s));
      c->AppendString(s);
      return absl::OkStatus();
    }
    case TypeId::kLowCardinality: {
      if (type.is_nullable_low_cardinality()) {
        uint8_t is_null = 0;
        TALLY_RETURN_IF_ERROR(in->ReadFixed(&is_null));
        if (is_null != 0) {
          c->AppendIndex(0);
          return absl::OkStatus();
        }
      }
      absl::string_view s;
      TALLY_RETURN_IF_ERROR(in->ReadString(&s));
      c->AppendLowCardinalityString(s);
      return absl::OkStatus();
    }
    case TypeId::kNullable: {
      uint8_t is_null = 0;
      TALLY_RETURN_IF_ERROR(in->ReadFixed(&is_null));
      c->nulls.push_back(is_null != 0 ? 1 : 0);  // any non-zero byte is NULL, as in ClickHouse
      if (is_null != 0) {
        c->children[0].AppendDefault();
        return absl::OkStatus();
      }
      return ReadRowBinaryValue(in, &c->children[0]);
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      uint64_t n = 0;
      TALLY_RETURN_IF_ERROR(in->ReadLength(&n));
      // Every value takes at least a byte: a count beyond the bytes left is truncated input,
      // found before looping over it.
      TALLY_RETURN_IF_ERROR(in->Need(n * c->children.size()));
      for (uint64_t k = 0; k < n; ++k) {
        for (Column& child : c->children) TALLY_RETURN_IF_ERROR(ReadRowBinaryValue(in, &child));
      }
      c->offsets.push_back(c->children[0].size());
      return absl::OkStatus();
    }
    case TypeId::kUUID: {
      absl::string_view b;
      TALLY_RETURN_IF_ERROR(in->ReadBytes(16, &b));
      std::string text_order;
      AppendUuid(reinterpret_cast<const uint8_t*>(b.data()), &text_order);  // the swap is its own inverse
      c->data.append(reinterpret_cast<const uint8_t*>(text_order.data()), 16);
      return absl::OkStatus();
    }
    case TypeId::kBool: {
      uint8_t v = 0;
      TALLY_RETURN_IF_ERROR(in->ReadFixed(&v));
      if (v > 1) return absl::InvalidArgumentError(absl::StrCat("Bool value ", int{v}, " is not 0 or 1"));
      c->Append<uint8_t>(v);
      return absl::OkStatus();
    }
    default: {
      absl::string_view b;
      TALLY_RETURN_IF_ERROR(in->ReadBytes(type.fixed_width(), &b));
      c->data.append(reinterpret_cast<const uint8_t*>(b.data()), b.size());
      return absl::OkStatus();
    }
  }
}

absl::Status SkipRowBinaryValue(ByteReader* in, const DataType& type) {
  switch (type.id()) {
    case TypeId::kString: {
      absl::string_view s;
      return in->ReadString(&s);
    }
    case TypeId::kLowCardinality:
    case TypeId::kNullable: {
      const bool nullable = type.id() == TypeId::kNullable || type.is_nullable_low_cardinality();
      if (nullable) {
        uint8_t is_null = 0;
        TALLY_RETURN_IF_ERROR(in->ReadFixed(&is_null));
        if (is_null != 0) return absl::OkStatus();
      }
      if (type.id() == TypeId::kNullable) return SkipRowBinaryValue(in, type.child(0));
      absl::string_view s;
      return in->ReadString(&s);
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      uint64_t n = 0;
      TALLY_RETURN_IF_ERROR(in->ReadLength(&n));
      TALLY_RETURN_IF_ERROR(in->Need(n * type.children().size()));
      for (uint64_t k = 0; k < n; ++k) {
        for (const DataTypePtr& child : type.children()) TALLY_RETURN_IF_ERROR(SkipRowBinaryValue(in, *child));
      }
      return absl::OkStatus();
    }
    default:
      return in->Skip(type.fixed_width());
  }
}

bool SameTypeIgnoringZones(const DataType& a, const DataType& b) {
  if (a.id() != b.id() || a.children().size() != b.children().size()) return false;
  if (a.id() == TypeId::kDateTime) return true;
  if (a.id() == TypeId::kDateTime64) return a.precision() == b.precision();
  if (a.children().empty()) return a.Equals(b);
  for (size_t i = 0; i < a.children().size(); ++i) {
    if (!SameTypeIgnoringZones(a.child(i), b.child(i))) return false;
  }
  return true;
}

absl::Status CheckBinaryFormatTypes(absl::string_view format, const std::vector<std::string>& names,
                                    const std::vector<DataTypePtr>& types) {
  for (size_t c = 0; c < types.size() && c < names.size(); ++c) {
    if (types[c]->is_aggregate_state()) {
      return absl::UnimplementedError(absl::StrCat(
          format, ": column '", names[c], "' of type ", types[c]->ToString(),
          ": tally's aggregate states are not ClickHouse's bytes; select finalizeAggregation(", names[c],
          ") or the -Merge function instead"));
    }
  }
  return absl::OkStatus();
}

namespace {

class RowBinaryOutput final : public OutputFormat {
 public:
  RowBinaryOutput(RowBinaryHeader header, const std::vector<std::string>& names,
                  const std::vector<DataTypePtr>& types, std::string* out)
      : header_(header), names_(names), types_(types), out_(out) {}

  void WritePrefix() override {
    if (header_ == RowBinaryHeader::kNone) return;
    AppendVarUInt(names_.size(), out_);
    for (const std::string& name : names_) AppendBinaryString(name, out_);
    if (header_ == RowBinaryHeader::kNamesAndTypes) {
      for (const DataTypePtr& t : types_) AppendBinaryString(t->ToString(), out_);
    }
  }
  void WriteBlock(const Block& block) override {
    for (size_t r = 0; r < block.rows(); ++r) {
      for (const Column& c : block.columns) AppendRowBinaryValue(c, r, out_);
    }
  }
  void WriteSuffix(const OutputStats&) override {}

 private:
  RowBinaryHeader header_;
  std::vector<std::string> names_;
  std::vector<DataTypePtr> types_;
  std::string* out_;
};

absl::string_view FormatName(RowBinaryHeader header) {
  switch (header) {
    case RowBinaryHeader::kNone:
      return "RowBinary";
    case RowBinaryHeader::kNames:
      return "RowBinaryWithNames";
    case RowBinaryHeader::kNamesAndTypes:
      break;
  }
  return "RowBinaryWithNamesAndTypes";
}

// The header's fields: mapping[f] = the column of field f, or -1 (skipped).
struct Header {
  std::vector<int> mapping;
  std::vector<DataTypePtr> field_types;  // what each field's values are read as
  size_t size = 0;                       // bytes
};

// `code`: INCORRECT_DATA for a header the table cannot take, CANNOT_READ_ALL_DATA when it
// is cut short.
absl::Status HeaderError(RowBinaryHeader header, absl::string_view why,
                         ErrorCode code = ErrorCode::kIncorrectData) {
  return WithCode(
      absl::InvalidArgumentError(absl::StrCat("Cannot parse input: ", FormatName(header), " header: ", why)), code);
}

// Reads the header; OutOfRange when the data ends inside it.
absl::StatusOr<Header> ReadHeader(RowBinaryHeader header, absl::string_view data,
                                  const std::vector<std::string>& names, const std::vector<DataTypePtr>& types,
                                  bool skip_unknown) {
  Header h;
  if (header == RowBinaryHeader::kNone) {
    for (size_t c = 0; c < names.size(); ++c) {
      h.mapping.push_back(static_cast<int>(c));
      h.field_types.push_back(types[c]);
    }
    return h;
  }
  ByteReader in(data);
  uint64_t count = 0;
  TALLY_RETURN_IF_ERROR(in.ReadVarUInt(&count));
  if (count > in.left()) TALLY_RETURN_IF_ERROR(in.Need(count));  // each name takes a byte at least
  std::vector<absl::string_view> field_names(count);
  for (absl::string_view& name : field_names) TALLY_RETURN_IF_ERROR(in.ReadString(&name));
  std::vector<absl::string_view> type_names;
  if (header == RowBinaryHeader::kNamesAndTypes) {
    type_names.resize(count);
    for (absl::string_view& name : type_names) TALLY_RETURN_IF_ERROR(in.ReadString(&name));
  }
  h.size = in.position();
  absl::flat_hash_map<absl::string_view, int> index;
  for (size_t c = 0; c < names.size(); ++c) index.emplace(names[c], static_cast<int>(c));
  std::vector<bool> seen(names.size(), false);
  for (size_t f = 0; f < count; ++f) {
    auto it = index.find(field_names[f]);
    DataTypePtr field_type;
    if (!type_names.empty()) {
      absl::StatusOr<DataTypePtr> parsed = format::ParseDataType(type_names[f]);
      if (!parsed.ok()) {
        return HeaderError(header, absl::StrCat("column '", TextForError(field_names[f]), "': ",
                                                parsed.status().message()));
      }
      field_type = *parsed;
    }
    if (it == index.end()) {
      // Without a type the values cannot be skipped.
      if (!skip_unknown || field_type == nullptr) {
        return HeaderError(header, absl::StrCat("unknown column '", TextForError(field_names[f]), "'",
                                                field_type == nullptr ? ""
                                                                      : " (set input_format_skip_unknown_fields "
                                                                        "to skip it)"));
      }
      h.mapping.push_back(-1);
      h.field_types.push_back(field_type);
      continue;
    }
    const int c = it->second;
    if (seen[c]) return HeaderError(header, absl::StrCat("column '", names[c], "' appears twice"));
    seen[c] = true;
    if (field_type != nullptr && !SameTypeIgnoringZones(*field_type, *types[c])) {
      return HeaderError(header, absl::StrCat("column '", names[c], "' has type ", field_type->ToString(),
                                              " in the header but ", types[c]->ToString(), " in the table"));
    }
    h.mapping.push_back(c);
    h.field_types.push_back(types[c]);
  }
  return h;
}

absl::Status RowError(uint64_t row, absl::string_view column, uint64_t byte, const absl::Status& why) {
  return WithCode(absl::InvalidArgumentError(absl::StrCat("Cannot parse input: row ", row, ", column '", column,
                                                          "': at byte ", byte, ": ", why.message())),
                  BinaryInputErrorCode(why));
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutputFormat>> MakeRowBinaryOutput(RowBinaryHeader header,
                                                                  const std::vector<std::string>& names,
                                                                  const std::vector<DataTypePtr>& types,
                                                                  std::string* out) {
  TALLY_RETURN_IF_ERROR(CheckBinaryFormatTypes(FormatName(header), names, types));
  return std::make_unique<RowBinaryOutput>(header, names, types, out);
}

absl::StatusOr<ParsedInput> ParseRowBinary(RowBinaryHeader header, absl::string_view data,
                                           const std::vector<std::string>& names,
                                           const std::vector<DataTypePtr>& types, const InputOptions& options) {
  ParsedInput result;
  for (size_t c = 0; c < names.size(); ++c) result.block.Add(names[c], Column::Make(types[c]));
  result.present.assign(names.size(), false);
  result.omitted.resize(names.size());
  if (data.empty()) return result;  // no header, no rows
  absl::StatusOr<Header> h = ReadHeader(header, data, names, types, options.skip_unknown_fields);
  if (!h.ok()) {
    if (absl::IsOutOfRange(h.status())) {
      return HeaderError(header, h.status().message(), ErrorCode::kCannotReadAllData);
    }
    return h.status();
  }
  std::vector<bool> missing(names.size(), true);
  for (int c : h->mapping) {
    if (c >= 0) missing[c] = false, result.present[c] = true;
  }
  ByteReader in(data.substr(h->size), options.first_byte + h->size);
  for (uint64_t row = 1; !in.AtEnd(); ++row) {
    for (size_t f = 0; f < h->mapping.size(); ++f) {
      const uint64_t at = in.offset();
      const int c = h->mapping[f];
      absl::Status s = c >= 0 ? ReadRowBinaryValue(&in, &result.block.columns[c])
                              : SkipRowBinaryValue(&in, *h->field_types[f]);
      if (!s.ok()) return RowError(row, c >= 0 ? names[c] : "(skipped)", at, s);
    }
    for (size_t c = 0; c < names.size(); ++c) {
      if (!missing[c]) continue;
      result.omitted[c].push_back(static_cast<uint32_t>(result.block.columns[c].size()));
      result.block.columns[c].AppendDefault();
    }
    if (h->mapping.empty()) {
      return CodedError(ErrorCode::kIncorrectData, absl::StrCat("Cannot parse input: ", FormatName(header),
                                                                ": the header names no columns but rows follow"));
    }
  }
  return result;
}

absl::StatusOr<std::optional<size_t>> RowBinaryHeaderSize(RowBinaryHeader header, absl::string_view data) {
  if (header == RowBinaryHeader::kNone) return std::optional<size_t>(0);
  ByteReader in(data);
  uint64_t count = 0;
  absl::Status s = in.ReadVarUInt(&count);
  for (uint64_t f = 0; s.ok() && f < count * (header == RowBinaryHeader::kNames ? 1 : 2); ++f) {
    absl::string_view name;
    s = in.ReadString(&name);
  }
  if (absl::IsOutOfRange(s)) return std::optional<size_t>();
  if (!s.ok()) return HeaderError(header, s.message());
  return std::optional<size_t>(in.position());
}

size_t RowBinaryCompleteRows(absl::string_view data, const std::vector<DataTypePtr>& types, uint64_t* rows) {
  ByteReader in(data);
  size_t end = 0;
  *rows = 0;
  while (!in.AtEnd()) {
    for (const DataTypePtr& t : types) {
      absl::Status s = SkipRowBinaryValue(&in, *t);
      if (absl::IsOutOfRange(s)) return end;
      if (!s.ok()) return data.size();  // malformed: the parser says where
    }
    if (types.empty()) return data.size();
    end = in.position();
    ++*rows;
  }
  return end;
}

absl::StatusOr<std::vector<DataTypePtr>> RowBinaryFieldTypes(RowBinaryHeader header, absl::string_view header_bytes,
                                                             const std::vector<std::string>& names,
                                                             const std::vector<DataTypePtr>& types,
                                                             bool skip_unknown) {
  absl::StatusOr<Header> h = ReadHeader(header, header_bytes, names, types, skip_unknown);
  if (!h.ok()) {
    return absl::IsOutOfRange(h.status())
               ? HeaderError(header, h.status().message(), ErrorCode::kCannotReadAllData)
               : h.status();
  }
  return std::move(h->field_types);
}

}  // namespace tally::engine
