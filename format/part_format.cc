#include "format/part_format.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "format/block.h"
#include "format/status_macros.h"

namespace tally::format {

std::string WrapEnvelope(FileKind kind, absl::string_view payload, uint16_t version) {
  std::string out;
  out.reserve(payload.size() + kEnvelopeOverhead);
  PutFixed32(&out, static_cast<uint32_t>(kind));
  PutFixed16(&out, version);
  PutFixed16(&out, 0);
  PutFixed64(&out, payload.size());
  out.append(payload.data(), payload.size());
  PutFixed64(&out, Checksum(out));
  return out;
}

absl::StatusOr<absl::Span<const uint8_t>> UnwrapEnvelope(FileKind kind, absl::Span<const uint8_t> file,
                                                         absl::string_view what, uint16_t* version,
                                                         uint16_t newest) {
  ByteReader in(file, std::string(what));
  if (file.size() < kEnvelopeOverhead) {
    return in.Corrupt("envelope", absl::StrCat("file is ", file.size(), " bytes, shorter than the ",
                                               kEnvelopeOverhead, "-byte envelope"));
  }
  TALLY_ASSIGN_OR_RETURN(uint32_t magic, in.ReadFixed32("magic"));
  if (magic != static_cast<uint32_t>(kind)) {
    return absl::DataLossError(absl::StrFormat("%s: offset 0: magic: 0x%08x is not 0x%08x", what, magic,
                                               static_cast<uint32_t>(kind)));
  }
  uint64_t stored = LoadFixed64(file.data() + file.size() - 8);
  uint64_t actual = Checksum(file.subspan(0, file.size() - 8));
  if (stored != actual) {
    return absl::DataLossError(absl::StrFormat("%s: offset %d: checksum mismatch (stored %016x, computed %016x)",
                                               what, file.size() - 8, stored, actual));
  }
  TALLY_ASSIGN_OR_RETURN(uint16_t v, in.ReadFixed16("version"));
  if (v == 0) return in.Corrupt("version", "version 0 does not exist");
  if (v > newest) {
    return absl::UnimplementedError(absl::StrCat(what, ": format version ", v, " is newer than this build's ",
                                                 newest));
  }
  if (version != nullptr) *version = v;
  TALLY_ASSIGN_OR_RETURN(uint16_t reserved, in.ReadFixed16("reserved"));
  if (reserved != 0) return in.Corrupt("reserved", "not zero");
  TALLY_ASSIGN_OR_RETURN(uint64_t size, in.ReadFixed64("payload size"));
  if (size != file.size() - kEnvelopeOverhead) {
    return in.Corrupt("payload size", absl::StrCat(size, " does not match the file size ", file.size()));
  }
  return file.subspan(16, size);
}

std::string DataFileHeader() {
  std::string out;
  PutFixed32(&out, static_cast<uint32_t>(FileKind::kColumnData));
  PutFixed16(&out, kFormatVersion);
  PutFixed16(&out, 0);
  return out;
}

absl::Status CheckDataFileHeader(absl::Span<const uint8_t> file, absl::string_view what) {
  ByteReader in(file, std::string(what));
  TALLY_ASSIGN_OR_RETURN(uint32_t magic, in.ReadFixed32("magic"));
  if (magic != static_cast<uint32_t>(FileKind::kColumnData)) return in.Corrupt("magic", "not a column data file");
  TALLY_ASSIGN_OR_RETURN(uint16_t v, in.ReadFixed16("version"));
  if (v == 0) return in.Corrupt("version", "version 0 does not exist");
  if (v > kFormatVersion) {
    return absl::UnimplementedError(absl::StrCat(what, ": format version ", v, " is newer than this build's ",
                                                 kFormatVersion));
  }
  TALLY_ASSIGN_OR_RETURN(uint16_t reserved, in.ReadFixed16("reserved"));
  if (reserved != 0) return in.Corrupt("reserved", "not zero");
  return absl::OkStatus();
}

void EncodeValue(std::string* out, const Value& v) {
  PutFixed8(out, static_cast<uint8_t>(v.kind));
  switch (v.kind) {
    case Value::Kind::kNull:
      return;
    case Value::Kind::kUInt:
      PutVarint64(out, v.u);
      return;
    case Value::Kind::kInt:
      PutVarint64(out, (static_cast<uint64_t>(v.i) << 1) ^ static_cast<uint64_t>(v.i >> 63));
      return;
    case Value::Kind::kFloat: {
      uint64_t bits;
      std::memcpy(&bits, &v.f, 8);
      PutFixed64(out, bits);
      return;
    }
    case Value::Kind::kString:
      PutLengthPrefixed(out, v.s);
      return;
    case Value::Kind::kArray:
    case Value::Kind::kMap:
      PutVarint64(out, v.items.size());
      for (const Value& item : v.items) EncodeValue(out, item);
      return;
  }
}

absl::StatusOr<Value> DecodeValue(ByteReader* in, int depth) {
  if (depth > 32) return in->Corrupt("value", "nested too deeply");
  TALLY_ASSIGN_OR_RETURN(uint8_t kind, in->ReadFixed8("value kind"));
  switch (static_cast<Value::Kind>(kind)) {
    case Value::Kind::kNull:
      return Value::Null();
    case Value::Kind::kUInt: {
      TALLY_ASSIGN_OR_RETURN(uint64_t u, in->ReadVarint64("value"));
      return Value::UInt(u);
    }
    case Value::Kind::kInt: {
      TALLY_ASSIGN_OR_RETURN(uint64_t z, in->ReadVarint64("value"));
      return Value::Int(static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)));
    }
    case Value::Kind::kFloat: {
      TALLY_ASSIGN_OR_RETURN(uint64_t bits, in->ReadFixed64("value"));
      double f;
      std::memcpy(&f, &bits, 8);
      return Value::Float(f);
    }
    case Value::Kind::kString: {
      TALLY_ASSIGN_OR_RETURN(std::string s, in->ReadLengthPrefixed("value"));
      return Value::String(std::move(s));
    }
    case Value::Kind::kArray:
    case Value::Kind::kMap: {
      TALLY_ASSIGN_OR_RETURN(uint64_t n, in->ReadVarint64("value items"));
      if (n > in->remaining()) return in->Corrupt("value items", "count exceeds the bytes left");
      std::vector<Value> items;
      items.reserve(n);
      for (uint64_t k = 0; k < n; ++k) {
        TALLY_ASSIGN_OR_RETURN(Value item, DecodeValue(in, depth + 1));
        items.push_back(std::move(item));
      }
      return static_cast<Value::Kind>(kind) == Value::Kind::kArray ? Value::Array(std::move(items))
                                                                   : Value::Map(std::move(items));
    }
  }
  return in->Corrupt("value kind", absl::StrCat("unknown kind ", kind));
}

const ColumnMeta* PartMeta::FindColumn(absl::string_view name) const {
  for (const ColumnMeta& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string EncodePartMeta(const PartMeta& meta) {
  std::string p;
  PutLengthPrefixed(&p, meta.name);
  PutLengthPrefixed(&p, meta.partition_id);
  PutVarint64(&p, meta.partition_value.size());
  for (const Value& v : meta.partition_value) EncodeValue(&p, v);
  PutVarint64(&p, meta.min_block);
  PutVarint64(&p, meta.max_block);
  PutVarint64(&p, meta.level);
  PutVarint64(&p, meta.rows);
  PutVarint64(&p, meta.granules);
  PutVarint64(&p, meta.sort_key.size());
  for (const std::string& k : meta.sort_key) PutLengthPrefixed(&p, k);
  PutVarint64(&p, meta.columns.size());
  for (const ColumnMeta& c : meta.columns) {
    PutLengthPrefixed(&p, c.name);
    PutLengthPrefixed(&p, c.type->ToString());
    PutLengthPrefixed(&p, CodecChainToString(c.codecs));
    PutVarint64(&p, c.lc_plans.size());
    for (const LowCardinalityPlan& plan : c.lc_plans) {
      PutFixed8(&p, plan.dictionary ? 1 : 0);
      PutFixed8(&p, plan.index_width);
      PutVarint64(&p, plan.dictionary_size);
    }
    PutFixed8(&p, c.has_min_max ? 1 : 0);
    if (c.has_min_max) {
      EncodeValue(&p, c.min);
      EncodeValue(&p, c.max);
    }
  }
  PutVarint64(&p, meta.files.size());
  for (const FileChecksum& f : meta.files) {
    PutLengthPrefixed(&p, f.name);
    PutVarint64(&p, f.size);
    PutFixed64(&p, f.xxh3);
  }
  return WrapEnvelope(FileKind::kPartMeta, p);
}

absl::StatusOr<PartMeta> DecodePartMeta(absl::Span<const uint8_t> file, absl::string_view what) {
  PartMeta meta;
  TALLY_ASSIGN_OR_RETURN(auto payload, UnwrapEnvelope(FileKind::kPartMeta, file, what, &meta.format_version));
  ByteReader in(payload, std::string(what), 16);
  TALLY_ASSIGN_OR_RETURN(meta.name, in.ReadLengthPrefixed("part name"));
  TALLY_ASSIGN_OR_RETURN(meta.partition_id, in.ReadLengthPrefixed("partition id"));
  TALLY_ASSIGN_OR_RETURN(uint64_t nvalues, in.ReadVarint64("partition value count"));
  if (nvalues > in.remaining()) return in.Corrupt("partition value count", "too large");
  for (uint64_t i = 0; i < nvalues; ++i) {
    TALLY_ASSIGN_OR_RETURN(Value v, DecodeValue(&in));
    meta.partition_value.push_back(std::move(v));
  }
  TALLY_ASSIGN_OR_RETURN(meta.min_block, in.ReadVarint64("min block"));
  TALLY_ASSIGN_OR_RETURN(meta.max_block, in.ReadVarint64("max block"));
  TALLY_ASSIGN_OR_RETURN(uint64_t level, in.ReadVarint64("level"));
  if (level > UINT32_MAX) return in.Corrupt("level", absl::StrCat(level, " does not fit 32 bits"));
  meta.level = static_cast<uint32_t>(level);
  TALLY_ASSIGN_OR_RETURN(meta.rows, in.ReadVarint64("rows"));
  TALLY_ASSIGN_OR_RETURN(meta.granules, in.ReadVarint64("granules"));
  if (meta.min_block > meta.max_block) return in.Corrupt("blocks", "min block above max block");
  if (meta.granules > meta.rows || (meta.rows > 0 && meta.granules == 0)) {
    return in.Corrupt("granules", absl::StrCat(meta.granules, " granules for ", meta.rows, " rows"));
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t nkey, in.ReadVarint64("sort key count"));
  if (nkey > in.remaining()) return in.Corrupt("sort key count", "too large");
  for (uint64_t i = 0; i < nkey; ++i) {
    TALLY_ASSIGN_OR_RETURN(std::string k, in.ReadLengthPrefixed("sort key column"));
    meta.sort_key.push_back(std::move(k));
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t ncols, in.ReadVarint64("column count"));
  if (ncols > in.remaining()) return in.Corrupt("column count", "too large");
  absl::flat_hash_set<std::string> names;
  for (uint64_t i = 0; i < ncols; ++i) {
    ColumnMeta c;
    TALLY_ASSIGN_OR_RETURN(c.name, in.ReadLengthPrefixed("column name"));
    if (!names.insert(c.name).second) return in.Corrupt("column name", absl::StrCat("duplicate '", c.name, "'"));
    TALLY_ASSIGN_OR_RETURN(std::string type_text, in.ReadLengthPrefixed("column type"));
    auto type = ParseDataType(type_text);
    if (!type.ok()) return in.Corrupt("column type", type.status().message());
    c.type = *type;
    TALLY_ASSIGN_OR_RETURN(std::string codec_text, in.ReadLengthPrefixed("column codecs"));
    if (!codec_text.empty()) {  // "": none declared, as EncodePartMeta writes an empty chain
      auto codecs = ParseCodecChain(codec_text);
      if (!codecs.ok()) return in.Corrupt("column codecs", codecs.status().message());
      c.codecs = *codecs;
    }
    TALLY_ASSIGN_OR_RETURN(uint64_t nplans, in.ReadVarint64("LowCardinality plan count"));
    if (nplans != CountLowCardinalityNodes(*c.type)) {
      return in.Corrupt("LowCardinality plan count", absl::StrCat(nplans, " plans for type ", type_text));
    }
    for (uint64_t k = 0; k < nplans; ++k) {
      LowCardinalityPlan plan;
      TALLY_ASSIGN_OR_RETURN(uint8_t mode, in.ReadFixed8("LowCardinality mode"));
      TALLY_ASSIGN_OR_RETURN(plan.index_width, in.ReadFixed8("LowCardinality index width"));
      TALLY_ASSIGN_OR_RETURN(plan.dictionary_size, in.ReadVarint64("LowCardinality dictionary size"));
      if (mode > 1) return in.Corrupt("LowCardinality mode", absl::StrCat("unknown mode ", mode));
      plan.dictionary = mode == 1;
      if (plan.dictionary && plan.index_width != IndexWidthFor(plan.dictionary_size)) {
        return in.Corrupt("LowCardinality index width",
                          absl::StrCat("width ", plan.index_width, " for ", plan.dictionary_size, " entries"));
      }
      c.lc_plans.push_back(plan);
    }
    TALLY_ASSIGN_OR_RETURN(uint8_t has_min_max, in.ReadFixed8("min/max flag"));
    if (has_min_max > 1) return in.Corrupt("min/max flag", "not 0/1");
    c.has_min_max = has_min_max == 1;
    if (c.has_min_max) {
      TALLY_ASSIGN_OR_RETURN(c.min, DecodeValue(&in));
      TALLY_ASSIGN_OR_RETURN(c.max, DecodeValue(&in));
    }
    meta.columns.push_back(std::move(c));
  }
  for (const std::string& k : meta.sort_key) {
    if (!names.contains(k)) return in.Corrupt("sort key", absl::StrCat("unknown column '", k, "'"));
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t nfiles, in.ReadVarint64("file count"));
  if (nfiles > in.remaining()) return in.Corrupt("file count", "too large");
  for (uint64_t i = 0; i < nfiles; ++i) {
    FileChecksum f;
    TALLY_ASSIGN_OR_RETURN(f.name, in.ReadLengthPrefixed("file name"));
    TALLY_ASSIGN_OR_RETURN(f.size, in.ReadVarint64("file size"));
    TALLY_ASSIGN_OR_RETURN(f.xxh3, in.ReadFixed64("file checksum"));
    meta.files.push_back(std::move(f));
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("part metadata"));
  return meta;
}

std::string EncodeMarks(absl::Span<const Mark> marks) {
  std::string p;
  PutVarint64(&p, marks.size());
  for (const Mark& m : marks) {
    PutFixed64(&p, m.block_offset);
    PutFixed32(&p, m.row_in_block);
  }
  return WrapEnvelope(FileKind::kMarks, p);
}

absl::StatusOr<std::vector<Mark>> DecodeMarks(absl::Span<const uint8_t> file, absl::string_view what) {
  TALLY_ASSIGN_OR_RETURN(auto payload, UnwrapEnvelope(FileKind::kMarks, file, what));
  ByteReader in(payload, std::string(what), 16);
  TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadVarint64("mark count"));
  if (n > in.remaining() / 12) return in.Corrupt("mark count", absl::StrCat(n, " marks do not fit the file"));
  std::vector<Mark> marks(n);
  for (uint64_t i = 0; i < n; ++i) {
    TALLY_ASSIGN_OR_RETURN(marks[i].block_offset, in.ReadFixed64("block offset"));
    TALLY_ASSIGN_OR_RETURN(marks[i].row_in_block, in.ReadFixed32("row in block"));
    if (i > 0 && (marks[i].block_offset < marks[i - 1].block_offset ||
                  (marks[i].block_offset == marks[i - 1].block_offset &&
                   marks[i].row_in_block <= marks[i - 1].row_in_block))) {
      return in.Corrupt("mark", absl::StrCat("mark ", i, " does not advance"));
    }
    if (marks[i].block_offset < kDataFileHeaderBytes) return in.Corrupt("mark", "offset inside the file header");
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("marks"));
  return marks;
}

std::string EncodePrimaryIndex(const PrimaryIndex& index) {
  std::string p;
  PutVarint64(&p, index.granules());
  uint64_t prev = 0;
  for (uint64_t start : index.granule_starts) {
    PutVarint64(&p, start - prev);
    prev = start;
  }
  PutVarint64(&p, index.keys.size());
  for (const auto& column : index.keys) {
    for (const Value& v : column) EncodeValue(&p, v);
  }
  return WrapEnvelope(FileKind::kPrimaryIndex, p);
}

absl::StatusOr<PrimaryIndex> DecodePrimaryIndex(absl::Span<const uint8_t> file, absl::string_view what) {
  TALLY_ASSIGN_OR_RETURN(auto payload, UnwrapEnvelope(FileKind::kPrimaryIndex, file, what));
  ByteReader in(payload, std::string(what), 16);
  PrimaryIndex index;
  TALLY_ASSIGN_OR_RETURN(uint64_t granules, in.ReadVarint64("granule count"));
  if (granules >= in.remaining()) return in.Corrupt("granule count", "too large for the file");
  uint64_t pos = 0;
  for (uint64_t g = 0; g <= granules; ++g) {
    TALLY_ASSIGN_OR_RETURN(uint64_t delta, in.ReadVarint64("granule start"));
    if (g > 0 && g < granules && delta == 0) return in.Corrupt("granule start", "empty granule");
    pos += delta;
    index.granule_starts.push_back(pos);
  }
  if (index.granule_starts[0] != 0) return in.Corrupt("granule start", "first granule does not start at row 0");
  TALLY_ASSIGN_OR_RETURN(uint64_t nkeys, in.ReadVarint64("key column count"));
  if (nkeys > 64) return in.Corrupt("key column count", absl::StrCat(nkeys, " is more than 64"));
  index.keys.resize(nkeys);
  for (auto& column : index.keys) {
    for (uint64_t g = 0; g <= granules; ++g) {
      TALLY_ASSIGN_OR_RETURN(Value v, DecodeValue(&in));
      column.push_back(std::move(v));
    }
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("primary index"));
  return index;
}

absl::StatusOr<std::string> EncodeDictionaries(absl::Span<const std::shared_ptr<const Column>> dicts) {
  std::string p;
  PutVarint64(&p, dicts.size());
  for (const auto& dict : dicts) {
    PodVector<uint8_t> lengths;
    for (size_t i = 0; i < dict->size(); ++i) {
      uint32_t len = static_cast<uint32_t>(dict->StringAt(i).size());
      lengths.append(reinterpret_cast<const uint8_t*>(&len), 4);
    }
    CodecChain zstd = {CodecSpec{CodecId::kZstd, 1}};
    BlockStreamInput streams[2] = {{lengths.span(), zstd}, {dict->chars.span(), zstd}};
    TALLY_RETURN_IF_ERROR(EncodeBlock(static_cast<uint32_t>(dict->size()), streams, &p));
  }
  return WrapEnvelope(FileKind::kDictionary, p);
}

absl::StatusOr<std::vector<std::shared_ptr<const Column>>> DecodeDictionaries(
    absl::Span<const uint8_t> file, absl::string_view what) {
  TALLY_ASSIGN_OR_RETURN(auto payload, UnwrapEnvelope(FileKind::kDictionary, file, what));
  ByteReader in(payload, std::string(what), 16);
  TALLY_ASSIGN_OR_RETURN(uint64_t n, in.ReadVarint64("dictionary count"));
  if (n > 64) return in.Corrupt("dictionary count", absl::StrCat(n, " is more than 64"));
  std::vector<std::shared_ptr<const Column>> out;
  ColumnStreamReader reader(DataType::Make(TypeId::kString), {}, {});
  DecodedBlock block;
  for (uint64_t k = 0; k < n; ++k) {
    size_t at = 16 + in.position();
    TALLY_ASSIGN_OR_RETURN(size_t used, DecodeBlock(payload.subspan(in.position()), what, at, &block));
    TALLY_RETURN_IF_ERROR(in.ReadBytes(used, "dictionary").status());
    TALLY_ASSIGN_OR_RETURN(Column dict, reader.Read(&block, what));
    out.push_back(std::make_shared<const Column>(std::move(dict)));
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("dictionaries"));
  return out;
}

std::string ColumnFileBase(absl::string_view column_name) {
  std::string out;
  for (unsigned char c : column_name) {
    if (std::isalnum(c) || c == '_') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "%%%02X", c);
    }
  }
  return out;
}

std::string PartName(absl::string_view partition_id, uint64_t min_block, uint64_t max_block,
                     uint32_t level) {
  return absl::StrCat(partition_id, "_", min_block, "_", max_block, "_", level);
}

bool ParsePartName(absl::string_view name, PartNameFields* out) {
  // The partition id may itself hold '_': the three numbers are the last three fields.
  uint64_t numbers[3];
  for (int i = 2; i >= 0; --i) {
    const size_t sep = name.rfind('_');
    if (sep == absl::string_view::npos) return false;
    absl::string_view digits = name.substr(sep + 1);
    if (digits.empty() || digits.size() > 20 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        !absl::SimpleAtoi(digits, &numbers[i])) {
      return false;
    }
    name = name.substr(0, sep);
  }
  if (name.empty() || numbers[0] > numbers[1] || numbers[2] > UINT32_MAX) return false;
  out->partition_id = std::string(name);
  out->min_block = numbers[0];
  out->max_block = numbers[1];
  out->level = static_cast<uint32_t>(numbers[2]);
  return true;
}

}  // namespace tally::format
