#include "engine/exec/native_format.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "engine/error_code.h"
#include "engine/exec/binary_io.h"
#include "engine/exec/function_util.h"
#include "engine/exec/native_column.h"
#include "engine/exec/row_binary.h"
#include "engine/exec/text_format.h"
#include "engine/exec/text_parse.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::DataTypePtr;

namespace {

class NativeOutput final : public OutputFormat {
 public:
  NativeOutput(const std::vector<std::string>& names, const std::vector<DataTypePtr>& types, std::string* out,
               uint64_t revision)
      : names_(names), types_(types), out_(out), revision_(revision) {
    // Clients older than LowCardinality get the plain types.
    remove_low_cardinality_ = revision_ > 0 && revision_ < kNativeRevisionWithLowCardinality;
    for (const DataTypePtr& t : types_) {
      std::string name = (remove_low_cardinality_ ? RemoveLowCardinality(t) : t)->ToString();
      // ClickHouse's NativeWriter: clients before 54337 (and HTTP clients that send no
      // version) get a top-level DateTime('zone') as plain DateTime; DateTime64 and zones
      // inside Array, Nullable or Map keep theirs.
      if (revision_ < kNativeRevisionWithDateTimeZone && absl::StartsWith(name, "DateTime(")) name = "DateTime";
      type_names_.push_back(std::move(name));
    }
  }

  void WritePrefix() override {}
  void WriteBlock(const Block& block) override {
    if (block.rows() == 0) return;
    if (revision_ > 0) WriteBlockInfo();
    AppendVarUInt(block.columns.size(), out_);
    AppendVarUInt(block.rows(), out_);
    for (size_t c = 0; c < block.columns.size(); ++c) {
      AppendBinaryString(names_[c], out_);
      AppendBinaryString(type_names_[c], out_);
      if (revision_ >= kNativeRevisionWithCustomSerialization) out_->push_back(0);  // no custom serialization
      if (remove_low_cardinality_) {
        AppendNativeColumn(RemoveLowCardinality(block.columns[c]), out_);
      } else {
        AppendNativeColumn(block.columns[c], out_);
      }
    }
  }
  void WriteSuffix(const OutputStats&) override {}
  uint64_t min_block_bytes() const override { return uint64_t{1} << 20; }

 private:
  // Field 1 is_overflows (UInt8 0), field 2 bucket_num (Int32 -1), from 54480 field 3
  // out_of_order_buckets (an empty list), then 0.
  void WriteBlockInfo() {
    out_->append("\x01\x00\x02\xff\xff\xff\xff", 7);
    if (revision_ >= kNativeRevisionWithOutOfOrderBuckets) out_->append("\x03\x00", 2);
    out_->push_back(0);
  }

  std::vector<std::string> names_;
  std::vector<DataTypePtr> types_;
  std::vector<std::string> type_names_;
  std::string* out_;
  uint64_t revision_;
  bool remove_low_cardinality_ = false;
};

struct BlockHeader {
  uint64_t columns = 0;
  uint64_t rows = 0;
};

absl::Status ReadBlockHeader(ByteReader* in, BlockHeader* h) {
  TALLY_RETURN_IF_ERROR(in->ReadVarUInt(&h->columns));
  TALLY_RETURN_IF_ERROR(in->ReadVarUInt(&h->rows));
  // Each column takes two bytes at least (its name and type lengths).
  if (h->columns > in->left() / 2) TALLY_RETURN_IF_ERROR(in->Need(in->left() + 1));
  if (h->columns == 0 && h->rows != 0) {
    return absl::InvalidArgumentError(absl::StrCat("a block of ", h->rows, " rows and no columns"));
  }
  return absl::OkStatus();
}

absl::Status ReadColumnHeader(ByteReader* in, absl::string_view* name, DataTypePtr* type) {
  TALLY_RETURN_IF_ERROR(in->ReadString(name));
  absl::string_view type_name;
  TALLY_RETURN_IF_ERROR(in->ReadString(&type_name));
  absl::StatusOr<DataTypePtr> parsed = format::ParseDataType(type_name);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("column '", TextForError(*name), "': unknown type '",
                                                   TextForError(type_name), "' (", parsed.status().message(), ")"));
  }
  if ((*parsed)->is_aggregate_state()) {
    return absl::UnimplementedError(absl::StrCat("column '", TextForError(*name), "' of type ", type_name,
                                                 ": reading ClickHouse's aggregate states is not supported"));
  }
  *type = *std::move(parsed);
  return absl::OkStatus();
}

std::string BlockPlace(uint64_t block, absl::string_view column, const DataTypePtr& type) {
  std::string place = absl::StrCat("Native block ", block);
  if (!column.empty()) absl::StrAppend(&place, ", column '", TextForError(column), "'");
  if (type != nullptr) absl::StrAppend(&place, " (", type->ToString(), ")");
  return place;
}

absl::Status ParseError(uint64_t block, absl::string_view column, const DataTypePtr& type, uint64_t byte,
                        const absl::Status& why) {
  const absl::StatusCode code =
      absl::IsUnimplemented(why) ? absl::StatusCode::kUnimplemented : absl::StatusCode::kInvalidArgument;
  return WithCode(absl::Status(code, absl::StrCat("Cannot parse input: ", BlockPlace(block, column, type),
                                                  ": at byte ", byte, ": ", why.message())),
                  BinaryInputErrorCode(why));
}

// `col` as `to`: the same column when only time zones differ, else CAST.
absl::StatusOr<Column> ToTableType(Column col, const DataTypePtr& to) {
  if (col.type->Equals(*to)) return col;
  if (SameTypeIgnoringZones(*col.type, *to)) {
    RetypeZones(&col, to);
    if (col.type->Equals(*to)) return col;
  }
  return exec::ConvertColumn(col, to, exec::FunctionContext(), "Native input");
}

}  // namespace

absl::StatusOr<std::unique_ptr<OutputFormat>> MakeNativeOutput(const std::vector<std::string>& names,
                                                               const std::vector<DataTypePtr>& types,
                                                               std::string* out, const OutputOptions& options) {
  TALLY_RETURN_IF_ERROR(CheckBinaryFormatTypes("Native", names, types));
  return std::make_unique<NativeOutput>(names, types, out, options.native_client_protocol_version);
}

absl::StatusOr<ParsedInput> ParseNative(absl::string_view data, const std::vector<std::string>& names,
                                        const std::vector<DataTypePtr>& types, const InputOptions& options) {
  ParsedInput result;
  absl::flat_hash_map<absl::string_view, size_t> index;
  for (size_t c = 0; c < names.size(); ++c) {
    result.block.Add(names[c], Column::Make(types[c]));
    index.emplace(names[c], c);
  }
  result.present.assign(names.size(), false);
  result.omitted.resize(names.size());
  ByteReader in(data, options.first_byte);
  std::vector<bool> seen;
  for (uint64_t block = options.first_block + 1; !in.AtEnd(); ++block) {
    BlockHeader h;
    const uint64_t block_start = in.offset();
    if (absl::Status s = ReadBlockHeader(&in, &h); !s.ok()) return ParseError(block, "", nullptr, block_start, s);
    seen.assign(names.size(), false);
    for (uint64_t c = 0; c < h.columns; ++c) {
      absl::string_view name;
      DataTypePtr type;
      const uint64_t header_at = in.offset();
      if (absl::Status s = ReadColumnHeader(&in, &name, &type); !s.ok()) {
        return ParseError(block, "", nullptr, header_at, s);
      }
      const uint64_t at = in.offset();  // the column's data
      auto it = index.find(name);
      if (it == index.end()) {
        if (!options.skip_unknown_fields) {
          return ParseError(block, name, type, header_at,
                            absl::InvalidArgumentError(
                                "no such column in the insert (set input_format_skip_unknown_fields to skip it)"));
        }
        if (absl::Status s = SkipNativeColumn(&in, *type, h.rows); !s.ok()) return ParseError(block, name, type, at, s);
        continue;
      }
      const size_t target = it->second;
      if (seen[target]) {
        return ParseError(block, name, type, header_at,
                          absl::InvalidArgumentError("the block has this column twice"));
      }
      seen[target] = true;
      result.present[target] = true;
      absl::StatusOr<Column> col = ReadNativeColumn(&in, type, h.rows);
      if (!col.ok()) return ParseError(block, name, type, at, col.status());
      absl::StatusOr<Column> converted = ToTableType(*std::move(col), types[target]);
      if (!converted.ok()) return ParseError(block, name, type, at, converted.status());
      Column& dest = result.block.columns[target];
      if (dest.size() == 0) {
        dest = *std::move(converted);
      } else {
        dest.AppendRange(*converted, 0, h.rows);
      }
    }
    for (size_t c = 0; c < names.size(); ++c) {
      if (seen[c]) continue;
      Column& dest = result.block.columns[c];
      for (uint64_t r = 0; r < h.rows; ++r) {
        result.omitted[c].push_back(static_cast<uint32_t>(dest.size()));
        dest.AppendDefault();
      }
    }
  }
  return result;
}

size_t NativeCompleteBlocks(absl::string_view data, uint64_t* blocks) {
  ByteReader in(data);
  size_t end = 0;
  *blocks = 0;
  while (!in.AtEnd()) {
    BlockHeader h;
    absl::Status s = ReadBlockHeader(&in, &h);
    for (uint64_t c = 0; s.ok() && c < h.columns; ++c) {
      absl::string_view name;
      DataTypePtr type;
      s = ReadColumnHeader(&in, &name, &type);
      if (s.ok()) s = SkipNativeColumn(&in, *type, h.rows);
    }
    if (absl::IsOutOfRange(s)) break;
    // Malformed: the parser says where and why, counting blocks from the input's start.
    if (!s.ok()) return data.size();
    end = in.position();
    ++*blocks;
  }
  return end;
}

}  // namespace tally::engine
