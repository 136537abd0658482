#include "format/column.h"

#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"

namespace tally::format {

Column Column::Make(DataTypePtr type) {
  Column c;
  c.type = std::move(type);
  switch (c.type->id()) {
    case TypeId::kNullable:
    case TypeId::kArray:
      c.children.push_back(Make(c.type->children()[0]));
      break;
    case TypeId::kMap:
      c.children.push_back(Make(c.type->children()[0]));
      c.children.push_back(Make(c.type->children()[1]));
      break;
    case TypeId::kLowCardinality: {
      auto dict = std::make_shared<Column>(Make(DataType::Make(TypeId::kString)));
      if (c.type->is_nullable_low_cardinality()) dict->AppendString("");  // entry 0: NULL
      c.dictionary = std::move(dict);
      break;
    }
    default:
      break;
  }
  return c;
}

size_t Column::size() const {
  switch (type->id()) {
    case TypeId::kString:
    case TypeId::kArray:
    case TypeId::kMap:
      return offsets.size();
    case TypeId::kNullable:
      return nulls.size();
    case TypeId::kLowCardinality:
      return data.size() / index_width;
    default:
      return data.size() / type->fixed_width();
  }
}

size_t Column::ByteSize() const {
  size_t n = data.size() + offsets.size_bytes() + chars.size() + nulls.size();
  for (const Column& c : children) n += c.ByteSize();
  return n;
}

void Column::SetIndexWidth(uint8_t width) {
  if (width == index_width) return;
  size_t n = size();
  PodVector<uint8_t> wide(n * width);
  for (size_t i = 0; i < n; ++i) {
    uint32_t v = IndexAt(i);
    std::memcpy(wide.data() + i * width, &v, width);  // little-endian: low bytes first
  }
  data = std::move(wide);
  index_width = width;
}

void Column::AppendIndex(uint32_t index) {
  uint8_t need = index <= 0xff ? 1 : index <= 0xffff ? 2 : 4;
  if (need > index_width) SetIndexWidth(need);
  data.append(reinterpret_cast<const uint8_t*>(&index), index_width);
}

uint32_t Column::DictionaryIndex(absl::string_view s) {
  bool nullable = type->is_nullable_low_cardinality();
  if (!lookup_.map) {
    lookup_.map = std::make_unique<absl::flat_hash_map<std::string, uint32_t>>();
    for (size_t i = nullable ? 1 : 0; i < dictionary->size(); ++i) {
      lookup_.map->emplace(std::string(dictionary->StringAt(i)), static_cast<uint32_t>(i));
    }
  }
  auto it = lookup_.map->find(s);
  if (it != lookup_.map->end()) return it->second;
  if (dictionary.use_count() > 1) dictionary = std::make_shared<Column>(*dictionary);
  auto* dict = const_cast<Column*>(dictionary.get());  // uniquely owned here
  uint32_t index = static_cast<uint32_t>(dict->size());
  dict->AppendString(s);
  lookup_.map->emplace(std::string(s), index);
  return index;
}

absl::Status Column::AppendLowCardinality(const Value& v) {
  if (v.is_null()) {
    if (!type->is_nullable_low_cardinality()) {
      return absl::InvalidArgumentError(absl::StrCat("NULL does not fit ", type->ToString()));
    }
    AppendIndex(0);
    return absl::OkStatus();
  }
  if (v.kind != Value::Kind::kString) {
    return absl::InvalidArgumentError(
        absl::StrCat(v.DebugString(), " does not fit ", type->ToString()));
  }
  AppendIndex(DictionaryIndex(v.s));
  return absl::OkStatus();
}

namespace {

absl::Status DoesNotFit(const Value& v, const DataType& t) {
  return absl::InvalidArgumentError(absl::StrCat(v.DebugString(), " does not fit ", t.ToString()));
}

template <typename T>
absl::Status AppendInteger(Column* c, const Value& v) {
  using Limits = std::numeric_limits<T>;
  if (v.kind == Value::Kind::kUInt) {
    if (v.u > static_cast<uint64_t>(Limits::max())) return DoesNotFit(v, *c->type);
    c->Append<T>(static_cast<T>(v.u));
    return absl::OkStatus();
  }
  if (v.kind == Value::Kind::kInt) {
    if (v.i < 0 && !Limits::is_signed) return DoesNotFit(v, *c->type);
    if (Limits::is_signed && (v.i < static_cast<int64_t>(Limits::min()) ||
                              v.i > static_cast<int64_t>(Limits::max()))) {
      return DoesNotFit(v, *c->type);
    }
    if (!Limits::is_signed && static_cast<uint64_t>(v.i) > static_cast<uint64_t>(Limits::max())) {
      return DoesNotFit(v, *c->type);
    }
    c->Append<T>(static_cast<T>(v.i));
    return absl::OkStatus();
  }
  return DoesNotFit(v, *c->type);
}

template <typename T>
absl::Status AppendFloat(Column* c, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kFloat:
      c->Append<T>(static_cast<T>(v.f));
      return absl::OkStatus();
    case Value::Kind::kUInt:
      c->Append<T>(static_cast<T>(v.u));
      return absl::OkStatus();
    case Value::Kind::kInt:
      c->Append<T>(static_cast<T>(v.i));
      return absl::OkStatus();
    default:
      return DoesNotFit(v, *c->type);
  }
}

template <typename T>
void GatherFixed(const uint8_t* src, absl::Span<const uint32_t> rows, uint8_t* dst) {
  const T* s = reinterpret_cast<const T*>(src);
  T* d = reinterpret_cast<T*>(dst);
  for (size_t i = 0; i < rows.size(); ++i) d[i] = s[rows[i]];
}

// Writes the `width`-byte values of `rows` of src to dst, which has room for them.
void GatherWidth(const PodVector<uint8_t>& src, size_t width, absl::Span<const uint32_t> rows, uint8_t* dst) {
  switch (width) {
    case 1:
      GatherFixed<uint8_t>(src.data(), rows, dst);
      return;
    case 2:
      GatherFixed<uint16_t>(src.data(), rows, dst);
      return;
    case 4:
      GatherFixed<uint32_t>(src.data(), rows, dst);
      return;
    case 8:
      GatherFixed<uint64_t>(src.data(), rows, dst);
      return;
    default:
      for (size_t i = 0; i < rows.size(); ++i) {
        std::memcpy(dst + i * width, src.data() + size_t{rows[i]} * width, width);
      }
  }
}

// Appends the `width`-byte values of `rows` of src to dst.
void AppendGatherWidth(const PodVector<uint8_t>& src, size_t width, absl::Span<const uint32_t> rows,
                       PodVector<uint8_t>* dst) {
  const size_t old = dst->size();
  dst->resize(old + rows.size() * width);
  GatherWidth(src, width, rows, dst->data() + old);
}

// Rows of the elements of Array/Map rows `rows`, in order, and the new offsets.
std::vector<uint32_t> NestedRows(const PodVector<uint64_t>& offsets, absl::Span<const uint32_t> rows,
                                 PodVector<uint64_t>* new_offsets) {
  std::vector<uint32_t> nested;
  new_offsets->resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    uint64_t begin = rows[i] == 0 ? 0 : offsets[rows[i] - 1];
    for (uint64_t k = begin; k < offsets[rows[i]]; ++k) nested.push_back(static_cast<uint32_t>(k));
    (*new_offsets)[i] = nested.size();
  }
  return nested;
}

}  // namespace

absl::Status Column::AppendValue(const Value& v) {
  TypeId id = type->id();
  if (v.is_null() && id != TypeId::kNullable && id != TypeId::kLowCardinality) {
    return DoesNotFit(v, *type);
  }
  switch (id) {
    case TypeId::kUInt8:
      return AppendInteger<uint8_t>(this, v);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return AppendInteger<uint16_t>(this, v);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return AppendInteger<uint32_t>(this, v);
    case TypeId::kUInt64:
      return AppendInteger<uint64_t>(this, v);
    case TypeId::kInt8:
      return AppendInteger<int8_t>(this, v);
    case TypeId::kInt16:
      return AppendInteger<int16_t>(this, v);
    case TypeId::kInt32:
      return AppendInteger<int32_t>(this, v);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return AppendInteger<int64_t>(this, v);
    case TypeId::kBool:
      if ((v.kind == Value::Kind::kUInt && v.u <= 1) || (v.kind == Value::Kind::kInt && (v.i == 0 || v.i == 1))) {
        Append<uint8_t>(v.kind == Value::Kind::kUInt ? v.u : v.i);
        return absl::OkStatus();
      }
      return DoesNotFit(v, *type);
    case TypeId::kFloat32:
      return AppendFloat<float>(this, v);
    case TypeId::kFloat64:
      return AppendFloat<double>(this, v);
    case TypeId::kUUID:
      if (v.kind != Value::Kind::kString || v.s.size() != 16) return DoesNotFit(v, *type);
      data.append(reinterpret_cast<const uint8_t*>(v.s.data()), 16);
      return absl::OkStatus();
    case TypeId::kString:
      if (v.kind != Value::Kind::kString) return DoesNotFit(v, *type);
      AppendString(v.s);
      return absl::OkStatus();
    case TypeId::kLowCardinality:
      return AppendLowCardinality(v);
    case TypeId::kNullable:
      if (v.is_null()) {
        nulls.push_back(1);
        children[0].AppendDefault();
        return absl::OkStatus();
      } else {
        absl::Status s = children[0].AppendValue(v);
        if (s.ok()) nulls.push_back(0);
        return s;
      }
    case TypeId::kArray: {
      if (v.kind != Value::Kind::kArray) return DoesNotFit(v, *type);
      size_t before = children[0].size();
      for (const Value& item : v.items) {
        absl::Status s = children[0].AppendValue(item);
        if (!s.ok()) {
          // Undo the partial row so the column stays consistent.
          Column undo = Make(type->children()[0]);
          undo.AppendRange(children[0], 0, before);
          children[0] = std::move(undo);
          return s;
        }
      }
      offsets.push_back(children[0].size());
      return absl::OkStatus();
    }
    case TypeId::kMap: {
      if (v.kind != Value::Kind::kMap || v.items.size() % 2 != 0) return DoesNotFit(v, *type);
      Column keys = Make(type->children()[0]), values = Make(type->children()[1]);
      for (size_t k = 0; k < v.items.size(); k += 2) {
        absl::Status s = keys.AppendValue(v.items[k]);
        if (s.ok()) s = values.AppendValue(v.items[k + 1]);
        if (!s.ok()) return s;
      }
      children[0].AppendRange(keys, 0, keys.size());
      children[1].AppendRange(values, 0, values.size());
      offsets.push_back(children[0].size());
      return absl::OkStatus();
    }
  }
  return absl::InternalError("unknown type");
}

void Column::AppendDefault() {
  switch (type->id()) {
    case TypeId::kString:
      offsets.push_back(chars.size());
      return;
    case TypeId::kArray:
    case TypeId::kMap:
      offsets.push_back(children[0].size());
      return;
    case TypeId::kNullable:
      nulls.push_back(1);
      children[0].AppendDefault();
      return;
    case TypeId::kLowCardinality:
      AppendIndex(type->is_nullable_low_cardinality() ? 0 : DictionaryIndex(""));
      return;
    default: {
      size_t w = type->fixed_width();
      data.resize(data.size() + w, 0);
      return;
    }
  }
}

void Column::AppendRange(const Column& src, size_t start, size_t count) {
  if (count == 0) return;
  switch (type->id()) {
    case TypeId::kString: {
      uint64_t begin = start == 0 ? 0 : src.offsets[start - 1];
      uint64_t end = src.offsets[start + count - 1];
      uint64_t base = chars.size();
      chars.append(src.chars.data() + begin, end - begin);
      size_t old = offsets.size();
      offsets.resize(old + count);
      for (size_t i = 0; i < count; ++i) offsets[old + i] = src.offsets[start + i] - begin + base;
      return;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      uint64_t begin = start == 0 ? 0 : src.offsets[start - 1];
      uint64_t end = src.offsets[start + count - 1];
      uint64_t base = children[0].size();
      for (size_t c = 0; c < children.size(); ++c) {
        children[c].AppendRange(src.children[c], begin, end - begin);
      }
      size_t old = offsets.size();
      offsets.resize(old + count);
      for (size_t i = 0; i < count; ++i) offsets[old + i] = src.offsets[start + i] - begin + base;
      return;
    }
    case TypeId::kNullable:
      nulls.append(src.nulls.data() + start, count);
      children[0].AppendRange(src.children[0], start, count);
      return;
    case TypeId::kLowCardinality: {
      if (size() == 0 && dictionary != src.dictionary && !lookup_.map) {
        dictionary = src.dictionary;  // adopt: the common case of slicing one part
        index_width = src.index_width;
      }
      if (dictionary == src.dictionary) {
        if (src.index_width > index_width) SetIndexWidth(src.index_width);
        if (src.index_width == index_width) {
          data.append(src.data.data() + start * index_width, count * index_width);
        } else {
          for (size_t i = 0; i < count; ++i) AppendIndex(src.IndexAt(start + i));
        }
        return;
      }
      bool nullable = type->is_nullable_low_cardinality();
      for (size_t i = 0; i < count; ++i) {
        uint32_t index = src.IndexAt(start + i);
        AppendIndex(nullable && index == 0 ? 0 : DictionaryIndex(src.dictionary->StringAt(index)));
      }
      return;
    }
    default: {
      size_t w = type->fixed_width();
      data.append(src.data.data() + start * w, count * w);
      return;
    }
  }
}

Column Column::Gather(const Column& src, absl::Span<const uint32_t> rows) {
  Column out = Make(src.type);
  switch (src.type->id()) {
    case TypeId::kString: {
      out.offsets.resize(rows.size());
      uint64_t total = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        uint32_t r = rows[i];
        total += src.offsets[r] - (r == 0 ? 0 : src.offsets[r - 1]);
      }
      out.chars.resize(total);
      uint64_t pos = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        uint32_t r = rows[i];
        uint64_t begin = r == 0 ? 0 : src.offsets[r - 1];
        uint64_t len = src.offsets[r] - begin;
        if (len > 0) std::memcpy(out.chars.data() + pos, src.chars.data() + begin, len);  // all-empty: null chars
        pos += len;
        out.offsets[i] = pos;
      }
      return out;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      std::vector<uint32_t> nested = NestedRows(src.offsets, rows, &out.offsets);
      for (size_t c = 0; c < src.children.size(); ++c) {
        out.children[c] = Gather(src.children[c], nested);
      }
      return out;
    }
    case TypeId::kNullable:
      AppendGatherWidth(src.nulls, 1, rows, &out.nulls);
      out.children[0] = Gather(src.children[0], rows);
      return out;
    case TypeId::kLowCardinality:
      out.dictionary = src.dictionary;
      out.index_width = src.index_width;
      AppendGatherWidth(src.data, src.index_width, rows, &out.data);
      return out;
    default:
      AppendGatherWidth(src.data, src.type->fixed_width(), rows, &out.data);
      return out;
  }
}

void Column::AppendGather(const Column& src, absl::Span<const uint32_t> rows) {
  if (rows.empty()) return;
  if (size() == 0 && !lookup_.map) {
    *this = Gather(src, rows);
    return;
  }
  switch (type->id()) {
    case TypeId::kString:
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kNullable:
      break;
    case TypeId::kLowCardinality:
      if (dictionary != src.dictionary || index_width != src.index_width) break;
      AppendGatherWidth(src.data, index_width, rows, &data);
      return;
    default:
      AppendGatherWidth(src.data, type->fixed_width(), rows, &data);
      return;
  }
  Column gathered = Gather(src, rows);
  AppendRange(gathered, 0, gathered.size());
}

Value Column::GetValue(size_t i) const {
  switch (type->id()) {
    case TypeId::kUInt8:
    case TypeId::kBool:
      return Value::UInt(data[i]);
    case TypeId::kUInt16:
    case TypeId::kDate:
      return Value::UInt(values<uint16_t>()[i]);
    case TypeId::kUInt32:
    case TypeId::kDateTime:
      return Value::UInt(values<uint32_t>()[i]);
    case TypeId::kUInt64:
      return Value::UInt(values<uint64_t>()[i]);
    case TypeId::kInt8:
      return Value::Int(values<int8_t>()[i]);
    case TypeId::kInt16:
      return Value::Int(values<int16_t>()[i]);
    case TypeId::kInt32:
      return Value::Int(values<int32_t>()[i]);
    case TypeId::kInt64:
    case TypeId::kDateTime64:
      return Value::Int(values<int64_t>()[i]);
    case TypeId::kFloat32:
      return Value::Float(values<float>()[i]);
    case TypeId::kFloat64:
      return Value::Float(values<double>()[i]);
    case TypeId::kUUID:
      return Value::String(std::string(reinterpret_cast<const char*>(data.data()) + i * 16, 16));
    case TypeId::kString:
      return Value::String(std::string(StringAt(i)));
    case TypeId::kLowCardinality: {
      uint32_t index = IndexAt(i);
      if (index == 0 && type->is_nullable_low_cardinality()) return Value::Null();
      return Value::String(std::string(dictionary->StringAt(index)));
    }
    case TypeId::kNullable:
      return nulls[i] ? Value::Null() : children[0].GetValue(i);
    case TypeId::kArray:
    case TypeId::kMap: {
      uint64_t begin = i == 0 ? 0 : offsets[i - 1];
      std::vector<Value> items;
      for (uint64_t k = begin; k < offsets[i]; ++k) {
        items.push_back(children[0].GetValue(k));
        if (type->id() == TypeId::kMap) items.push_back(children[1].GetValue(k));
      }
      return type->id() == TypeId::kArray ? Value::Array(std::move(items))
                                          : Value::Map(std::move(items));
    }
  }
  return Value::Null();
}

namespace {

absl::Status CheckOffsets(const PodVector<uint64_t>& offsets, uint64_t limit, absl::string_view what) {
  uint64_t prev = 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    if (offsets[i] < prev || offsets[i] > limit) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": offset ", offsets[i], " of row ", i,
                                                     " is out of order or past ", limit));
    }
    prev = offsets[i];
  }
  if (!offsets.empty() && offsets.back() != limit) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": last offset ", offsets.back(), " does not end at ", limit));
  }
  if (offsets.empty() && limit != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": no rows but ", limit, " nested values"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Column::Validate(absl::string_view what) const {
  if (type == nullptr) return absl::InvalidArgumentError(absl::StrCat(what, ": column has no type"));
  switch (type->id()) {
    case TypeId::kString:
      return CheckOffsets(offsets, chars.size(), what);
    case TypeId::kArray:
    case TypeId::kMap: {
      size_t want = type->id() == TypeId::kMap ? 2 : 1;
      if (children.size() != want) return absl::InvalidArgumentError(absl::StrCat(what, ": bad children"));
      if (want == 2 && children[0].size() != children[1].size()) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": map keys and values differ in count"));
      }
      if (!children[0].type->Equals(type->child(0)) ||
          (want == 2 && !children[1].type->Equals(type->child(1)))) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": nested column type mismatch"));
      }
      absl::Status s = CheckOffsets(offsets, children[0].size(), what);
      for (size_t c = 0; s.ok() && c < children.size(); ++c) {
        s = children[c].Validate(absl::StrCat(what, c == 0 ? ".elements" : ".values"));
      }
      return s;
    }
    case TypeId::kNullable:
      if (children.size() != 1 || children[0].size() != nulls.size() ||
          !children[0].type->Equals(type->child(0))) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": null map and values differ in rows"));
      }
      for (size_t i = 0; i < nulls.size(); ++i) {
        if (nulls[i] > 1) return absl::InvalidArgumentError(absl::StrCat(what, ": null flag of row ", i, " is not 0/1"));
      }
      return children[0].Validate(what);
    case TypeId::kLowCardinality: {
      if (dictionary == nullptr || dictionary->type->id() != TypeId::kString) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": LowCardinality column without a dictionary"));
      }
      if (index_width != 1 && index_width != 2 && index_width != 4) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": bad index width ", index_width));
      }
      if (data.size() % index_width != 0) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": index bytes not a multiple of the width"));
      }
      size_t n = size(), dict_size = dictionary->size();
      for (size_t i = 0; i < n; ++i) {
        if (IndexAt(i) >= dict_size) {
          return absl::InvalidArgumentError(absl::StrCat(what, ": row ", i, ": dictionary index ",
                                                         IndexAt(i), " >= dictionary size ", dict_size));
        }
      }
      return dictionary->Validate(absl::StrCat(what, ".dictionary"));
    }
    case TypeId::kBool:
      for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] > 1) return absl::InvalidArgumentError(absl::StrCat(what, ": row ", i, ": Bool value ", data[i]));
      }
      return absl::OkStatus();
    default:
      if (data.size() % type->fixed_width() != 0) {
        return absl::InvalidArgumentError(absl::StrCat(what, ": ", data.size(), " bytes is not a whole number of ",
                                                       type->ToString(), " values"));
      }
      return absl::OkStatus();
  }
}

}  // namespace tally::format
