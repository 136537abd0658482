#include "engine/exec/native_column.h"

#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::engine {

using format::Column;
using format::DataType;
using format::DataTypePtr;
using format::TypeId;

namespace {

// --- Writing ---

void WritePrefix(const DataType& type, std::string* out) {
  switch (type.id()) {
    case TypeId::kLowCardinality:
      AppendFixed<uint64_t>(kLowCardinalityKeysVersion, out);
      return;
    case TypeId::kNullable:
    case TypeId::kArray:
    case TypeId::kMap:
      for (const DataTypePtr& child : type.children()) WritePrefix(*child, out);
      return;
    default:
      return;
  }
}

void SwapUuid(const uint8_t* from, uint8_t* to) {
  for (int i = 0; i < 8; ++i) to[i] = from[7 - i];
  for (int i = 0; i < 8; ++i) to[8 + i] = from[15 - i];
}

template <typename Index>
void AppendIndexes(const std::vector<uint32_t>& positions, std::string* out) {
  for (uint32_t p : positions) AppendFixed<Index>(static_cast<Index>(p), out);
}

// The rows' keys, compacted as ClickHouse's ColumnLowCardinality::cutAndCompact does.
void WriteLowCardinality(const Column& c, size_t rows, std::string* out) {
  if (rows == 0) return;  // ClickHouse writes nothing, not even the flags
  const bool nullable = c.type->is_nullable_low_cardinality();
  const Column& dict = *c.dictionary;
  // keys[p] = the tally dictionary index of output key p; the defaults come first.
  std::vector<uint32_t> keys;
  std::vector<uint32_t> positions(rows);
  const uint32_t kNone = UINT32_MAX;
  const uint32_t reserved = nullable ? 2 : 1;  // NULL placeholder and/or the default ''
  std::vector<uint32_t> seen(dict.size(), kNone);
  for (size_t r = 0; r < rows; ++r) {
    const uint32_t index = c.IndexAt(r);
    uint32_t& p = seen[index];
    if (p == kNone) {
      if (nullable && index == 0) {
        p = 0;
      } else if (dict.StringAt(index).empty()) {
        p = reserved - 1;
      } else {
        p = reserved + static_cast<uint32_t>(keys.size());
        keys.push_back(index);
      }
    }
    positions[r] = p;
  }
  const size_t key_count = reserved + keys.size();
  const uint64_t width_code = key_count <= 0x100 ? 0 : key_count <= 0x10000 ? 1 : 2;
  AppendFixed<uint64_t>(width_code | kLowCardinalityHasAdditionalKeys | kLowCardinalityNeedUpdateDictionary, out);
  AppendFixed<uint64_t>(key_count, out);
  for (uint32_t i = 0; i < reserved; ++i) AppendVarUInt(0, out);  // '' (and '' for NULL)
  for (uint32_t index : keys) AppendBinaryString(dict.StringAt(index), out);
  AppendFixed<uint64_t>(rows, out);
  if (width_code == 0) {
    AppendIndexes<uint8_t>(positions, out);
  } else if (width_code == 1) {
    AppendIndexes<uint16_t>(positions, out);
  } else {
    AppendIndexes<uint32_t>(positions, out);
  }
}

// Rows [0, rows) of `c`.
void WriteData(const Column& c, size_t rows, std::string* out) {
  switch (c.type->id()) {
    case TypeId::kString:
      for (size_t r = 0; r < rows; ++r) AppendBinaryString(c.StringAt(r), out);
      return;
    case TypeId::kNullable:
      out->append(reinterpret_cast<const char*>(c.nulls.data()), rows);
      WriteData(c.children[0], rows, out);
      return;
    case TypeId::kArray:
    case TypeId::kMap: {
      out->append(reinterpret_cast<const char*>(c.offsets.data()), rows * sizeof(uint64_t));
      const size_t elements = rows == 0 ? 0 : c.offsets[rows - 1];
      for (const Column& child : c.children) WriteData(child, elements, out);
      return;
    }
    case TypeId::kLowCardinality:
      WriteLowCardinality(c, rows, out);
      return;
    case TypeId::kUUID: {
      const size_t at = out->size();
      out->resize(at + rows * 16);
      for (size_t r = 0; r < rows; ++r) {
        SwapUuid(c.data.data() + r * 16, reinterpret_cast<uint8_t*>(out->data() + at + r * 16));
      }
      return;
    }
    default:
      out->append(reinterpret_cast<const char*>(c.data.data()), rows * c.type->fixed_width());
      return;
  }
}

// --- Reading ---

absl::Status ReadPrefix(ByteReader* in, const DataType& type) {
  switch (type.id()) {
    case TypeId::kLowCardinality: {
      uint64_t version = 0;
      TALLY_RETURN_IF_ERROR(in->ReadFixed(&version));
      if (version != kLowCardinalityKeysVersion) {
        return absl::InvalidArgumentError(absl::StrCat("LowCardinality keys version ", version, " (only ",
                                                       kLowCardinalityKeysVersion, " is known)"));
      }
      return absl::OkStatus();
    }
    case TypeId::kNullable:
    case TypeId::kArray:
    case TypeId::kMap:
      for (const DataTypePtr& child : type.children()) TALLY_RETURN_IF_ERROR(ReadPrefix(in, *child));
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

// Every row of every type takes at least one byte: more rows than bytes left is truncated
// input, found before anything is allocated for them.
absl::Status CheckRows(const ByteReader& in, uint64_t rows, uint64_t bytes_per_row = 1) {
  if (rows > in.left() / bytes_per_row) return in.Need(in.left() + 1);
  return absl::OkStatus();
}

// Reads `n` keys (String bulk) and maps them to indexes of the column's dictionary.
absl::Status ReadKeys(ByteReader* in, bool null_first, Column* dict,
                      absl::flat_hash_map<std::string, uint32_t>* lookup, std::vector<uint32_t>* keys) {
  uint64_t n = 0;
  TALLY_RETURN_IF_ERROR(in->ReadFixed(&n));
  TALLY_RETURN_IF_ERROR(CheckRows(*in, n));
  keys->clear();
  keys->reserve(n);
  for (uint64_t k = 0; k < n; ++k) {
    absl::string_view s;
    TALLY_RETURN_IF_ERROR(in->ReadString(&s));
    if (null_first && k == 0) {
      keys->push_back(0);  // the NULL placeholder: tally's entry 0
      continue;
    }
    auto [it, added] = lookup->try_emplace(std::string(s), static_cast<uint32_t>(dict->size()));
    if (added) dict->AppendString(s);
    keys->push_back(it->second);
  }
  return absl::OkStatus();
}

template <typename Index>
absl::Status ReadIndexes(ByteReader* in, uint64_t count, const std::vector<uint32_t>& global,
                         const std::vector<uint32_t>& additional, Column* c) {
  TALLY_RETURN_IF_ERROR(CheckRows(*in, count, sizeof(Index)));
  for (uint64_t r = 0; r < count; ++r) {
    Index index = 0;
    TALLY_RETURN_IF_ERROR(in->ReadFixed(&index));
    const uint64_t i = index;
    if (i < global.size()) {
      c->AppendIndex(global[i]);
    } else if (i - global.size() < additional.size()) {
      c->AppendIndex(additional[i - global.size()]);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("LowCardinality index ", i, " is beyond the ",
                                                     global.size() + additional.size(), " keys"));
    }
  }
  return absl::OkStatus();
}

// One or more runs of (flags, [global dictionary], [additional keys], count, indexes).
absl::Status ReadLowCardinality(ByteReader* in, uint64_t rows, Column* c) {
  const bool nullable = c->type->is_nullable_low_cardinality();
  auto dict = std::make_shared<Column>(*c->dictionary);  // fresh: '' for NULL when nullable
  absl::flat_hash_map<std::string, uint32_t> lookup;
  std::vector<uint32_t> global, additional;
  const std::vector<uint32_t> none;
  bool have_global = false;
  for (uint64_t done = 0; done < rows;) {
    uint64_t flags = 0;
    TALLY_RETURN_IF_ERROR(in->ReadFixed(&flags));
    const uint64_t width_code = flags & 0xFF;
    const uint64_t known = 0xFF | kLowCardinalityNeedGlobalDictionary | kLowCardinalityHasAdditionalKeys |
                           kLowCardinalityNeedUpdateDictionary;
    if (width_code > 3 || (flags & ~known) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("LowCardinality index flags 0x", absl::Hex(flags),
                                                     " are not ClickHouse's"));
    }
    const bool need_global = (flags & kLowCardinalityNeedGlobalDictionary) != 0;
    if (need_global && (!have_global || (flags & kLowCardinalityNeedUpdateDictionary) != 0)) {
      TALLY_RETURN_IF_ERROR(ReadKeys(in, nullable, dict.get(), &lookup, &global));
      have_global = true;
    }
    additional.clear();
    if ((flags & kLowCardinalityHasAdditionalKeys) != 0) {
      TALLY_RETURN_IF_ERROR(ReadKeys(in, nullable && !need_global, dict.get(), &lookup, &additional));
    } else if (!need_global) {
      return absl::InvalidArgumentError("LowCardinality rows with neither a dictionary nor keys");
    }
    uint64_t count = 0;
    TALLY_RETURN_IF_ERROR(in->ReadFixed(&count));
    if (count == 0 || count > rows - done) {
      return absl::InvalidArgumentError(absl::StrCat("LowCardinality run of ", count, " rows where ", rows - done,
                                                     " are left"));
    }
    c->dictionary = dict;  // shared only with this column while it is filled
    switch (width_code) {
      case 0:
        TALLY_RETURN_IF_ERROR(ReadIndexes<uint8_t>(in, count, need_global ? global : none, additional, c));
        break;
      case 1:
        TALLY_RETURN_IF_ERROR(ReadIndexes<uint16_t>(in, count, need_global ? global : none, additional, c));
        break;
      case 2:
        TALLY_RETURN_IF_ERROR(ReadIndexes<uint32_t>(in, count, need_global ? global : none, additional, c));
        break;
      default:
        TALLY_RETURN_IF_ERROR(ReadIndexes<uint64_t>(in, count, need_global ? global : none, additional, c));
        break;
    }
    done += count;
  }
  c->dictionary = std::move(dict);
  return absl::OkStatus();
}

// Rows under a NULL hold the type's default in tally (ClickHouse's writers put one there,
// other writers need not).
void ClearNullRows(const format::PodVector<uint8_t>& nulls, Column* values) {
  const DataType& type = *values->type;
  if (type.is_fixed_width()) {
    const size_t w = type.fixed_width();
    for (size_t r = 0; r < nulls.size(); ++r) {
      if (nulls[r]) std::memset(values->data.data() + r * w, 0, w);
    }
    return;
  }
  if (type.id() != TypeId::kString) return;
  bool dirty = false;
  for (size_t r = 0; r < nulls.size() && !dirty; ++r) dirty = nulls[r] && !values->StringAt(r).empty();
  if (!dirty) return;
  Column clean = Column::Make(values->type);
  for (size_t r = 0; r < nulls.size(); ++r) clean.AppendString(nulls[r] ? "" : values->StringAt(r));
  *values = std::move(clean);
}

absl::Status ReadData(ByteReader* in, uint64_t rows, Column* c) {
  const DataType& type = *c->type;
  switch (type.id()) {
    case TypeId::kString: {
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows));
      c->offsets.reserve(rows);
      for (uint64_t r = 0; r < rows; ++r) {
        absl::string_view s;
        TALLY_RETURN_IF_ERROR(in->ReadString(&s));
        c->AppendString(s);
      }
      return absl::OkStatus();
    }
    case TypeId::kNullable: {
      absl::string_view nulls;
      TALLY_RETURN_IF_ERROR(in->ReadBytes(rows, &nulls));
      c->nulls.resize(rows);
      for (uint64_t r = 0; r < rows; ++r) c->nulls[r] = nulls[r] != 0 ? 1 : 0;  // non-zero is NULL
      TALLY_RETURN_IF_ERROR(ReadData(in, rows, &c->children[0]));
      ClearNullRows(c->nulls, &c->children[0]);
      return absl::OkStatus();
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows, sizeof(uint64_t)));
      c->offsets.resize(rows);
      uint64_t previous = 0;
      for (uint64_t r = 0; r < rows; ++r) {
        uint64_t end = 0;
        TALLY_RETURN_IF_ERROR(in->ReadFixed(&end));
        if (end < previous) {
          return absl::InvalidArgumentError(absl::StrCat("array offset ", end, " of row ", r, " is below ", previous));
        }
        c->offsets[r] = previous = end;
      }
      for (Column& child : c->children) TALLY_RETURN_IF_ERROR(ReadData(in, previous, &child));
      return absl::OkStatus();
    }
    case TypeId::kLowCardinality:
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows));
      return ReadLowCardinality(in, rows, c);
    default: {
      const size_t w = type.fixed_width();
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows, w));
      absl::string_view bytes;
      TALLY_RETURN_IF_ERROR(in->ReadBytes(rows * w, &bytes));
      const auto* b = reinterpret_cast<const uint8_t*>(bytes.data());
      if (type.id() == TypeId::kUUID) {
        c->data.resize(rows * 16);
        for (uint64_t r = 0; r < rows; ++r) SwapUuid(b + r * 16, c->data.data() + r * 16);
        return absl::OkStatus();
      }
      if (type.id() == TypeId::kBool) {
        for (uint64_t r = 0; r < rows; ++r) {
          if (b[r] > 1) return absl::InvalidArgumentError(absl::StrCat("Bool value ", int{b[r]}, " in row ", r));
        }
      }
      c->data.append(b, bytes.size());
      return absl::OkStatus();
    }
  }
}

// --- Skipping ---

absl::Status SkipKeys(ByteReader* in) {
  uint64_t n = 0;
  TALLY_RETURN_IF_ERROR(in->ReadFixed(&n));
  TALLY_RETURN_IF_ERROR(CheckRows(*in, n));
  for (uint64_t k = 0; k < n; ++k) {
    absl::string_view s;
    TALLY_RETURN_IF_ERROR(in->ReadString(&s));
  }
  return absl::OkStatus();
}

absl::Status SkipData(ByteReader* in, const DataType& type, uint64_t rows) {
  switch (type.id()) {
    case TypeId::kString: {
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows));
      for (uint64_t r = 0; r < rows; ++r) {
        absl::string_view s;
        TALLY_RETURN_IF_ERROR(in->ReadString(&s));
      }
      return absl::OkStatus();
    }
    case TypeId::kNullable:
      TALLY_RETURN_IF_ERROR(in->Skip(rows));
      return SkipData(in, type.child(0), rows);
    case TypeId::kArray:
    case TypeId::kMap: {
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows, sizeof(uint64_t)));
      uint64_t end = 0;
      if (rows > 0) {
        TALLY_RETURN_IF_ERROR(in->Skip((rows - 1) * sizeof(uint64_t)));
        TALLY_RETURN_IF_ERROR(in->ReadFixed(&end));
      }
      for (const DataTypePtr& child : type.children()) TALLY_RETURN_IF_ERROR(SkipData(in, *child, end));
      return absl::OkStatus();
    }
    case TypeId::kLowCardinality: {
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows));
      for (uint64_t done = 0; done < rows;) {
        uint64_t flags = 0;
        TALLY_RETURN_IF_ERROR(in->ReadFixed(&flags));
        if ((flags & 0xFF) > 3) return absl::InvalidArgumentError("bad LowCardinality index flags");
        if ((flags & kLowCardinalityNeedGlobalDictionary) != 0 && (flags & kLowCardinalityNeedUpdateDictionary) != 0) {
          TALLY_RETURN_IF_ERROR(SkipKeys(in));
        }
        if ((flags & kLowCardinalityHasAdditionalKeys) != 0) TALLY_RETURN_IF_ERROR(SkipKeys(in));
        uint64_t count = 0;
        TALLY_RETURN_IF_ERROR(in->ReadFixed(&count));
        if (count == 0 || count > rows - done) return absl::InvalidArgumentError("bad LowCardinality row count");
        const uint64_t width = uint64_t{1} << (flags & 0xFF);
        TALLY_RETURN_IF_ERROR(CheckRows(*in, count, width));
        TALLY_RETURN_IF_ERROR(in->Skip(count * width));
        done += count;
      }
      return absl::OkStatus();
    }
    default:
      TALLY_RETURN_IF_ERROR(CheckRows(*in, rows, type.fixed_width()));
      return in->Skip(rows * type.fixed_width());
  }
}

}  // namespace

void AppendNativeColumn(const Column& c, std::string* out) {
  WritePrefix(*c.type, out);
  WriteData(c, c.size(), out);
}

absl::StatusOr<Column> ReadNativeColumn(ByteReader* in, const DataTypePtr& type, uint64_t rows) {
  TALLY_RETURN_IF_ERROR(ReadPrefix(in, *type));
  Column c = Column::Make(type);
  TALLY_RETURN_IF_ERROR(ReadData(in, rows, &c));
  return c;
}

absl::Status SkipNativeColumn(ByteReader* in, const DataType& type, uint64_t rows) {
  TALLY_RETURN_IF_ERROR(ReadPrefix(in, type));
  return SkipData(in, type, rows);
}

DataTypePtr RemoveLowCardinality(const DataTypePtr& type) {
  switch (type->id()) {
    case TypeId::kLowCardinality:
      return type->children()[0];
    case TypeId::kArray:
      return DataType::Array(RemoveLowCardinality(type->children()[0]));
    case TypeId::kMap:
      return DataType::Map(RemoveLowCardinality(type->children()[0]), RemoveLowCardinality(type->children()[1]));
    default:
      return type;
  }
}

Column RemoveLowCardinality(const Column& c) {
  switch (c.type->id()) {
    case TypeId::kLowCardinality: {
      Column out = Column::Make(c.type->children()[0]);
      const bool nullable = c.type->is_nullable_low_cardinality();
      Column& strings = nullable ? out.children[0] : out;
      for (size_t r = 0; r < c.size(); ++r) {
        const uint32_t index = c.IndexAt(r);
        if (nullable) out.nulls.push_back(index == 0 ? 1 : 0);
        strings.AppendString(nullable && index == 0 ? "" : c.dictionary->StringAt(index));
      }
      return out;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      Column out = c;
      out.type = RemoveLowCardinality(c.type);
      for (Column& child : out.children) child = RemoveLowCardinality(child);
      return out;
    }
    default:
      return c;
  }
}

}  // namespace tally::engine
