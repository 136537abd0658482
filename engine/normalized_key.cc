#include "engine/normalized_key.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace tally::engine {

namespace {

using format::TypeId;

enum Kind { kUnsigned, kSigned, kFloat32, kFloat64, kIndex };

uint64_t FloatBits64(double v) {
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  if (v == 0) v = 0;  // -0 and 0 compare equal
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  return (bits >> 63) != 0 ? ~bits : bits | (uint64_t{1} << 63);
}

uint32_t FloatBits32(float v) {
  if (std::isnan(v)) v = std::numeric_limits<float>::quiet_NaN();
  if (v == 0) v = 0;
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return (bits >> 31) != 0 ? ~bits : bits | (uint32_t{1} << 31);
}

}  // namespace

std::optional<KeyNormalizer> KeyNormalizer::Make(const Block& sample, const std::vector<size_t>& positions,
                                                 const std::vector<bool>& sorted_dictionary) {
  KeyNormalizer n;
  int bits = 0;
  for (size_t k = 0; k < positions.size(); ++k) {
    const format::DataType& type = *sample.columns[positions[k]].type;
    Part p{positions[k], kUnsigned, 0, 0};
    switch (type.id()) {
      case TypeId::kUInt8:
      case TypeId::kBool:
        p.width = 1;
        break;
      case TypeId::kUInt16:
      case TypeId::kDate:
        p.width = 2;
        break;
      case TypeId::kUInt32:
      case TypeId::kDateTime:
        p.width = 4;
        break;
      case TypeId::kUInt64:
        p.width = 8;
        break;
      case TypeId::kInt8:
        p = {positions[k], kSigned, 1, 0};
        break;
      case TypeId::kInt16:
        p = {positions[k], kSigned, 2, 0};
        break;
      case TypeId::kInt32:
        p = {positions[k], kSigned, 4, 0};
        break;
      case TypeId::kInt64:
      case TypeId::kDateTime64:
        p = {positions[k], kSigned, 8, 0};
        break;
      case TypeId::kFloat32:
        p = {positions[k], kFloat32, 4, 0};
        break;
      case TypeId::kFloat64:
        p = {positions[k], kFloat64, 8, 0};
        break;
      case TypeId::kLowCardinality:
        p = {positions[k], kIndex, sorted_dictionary[k] ? 4 : 0, 0};
        break;
      default:
        break;  // width 0: does not pack
    }
    if (p.width == 0 || bits + p.width * 8 > 128) {
      n.complete_ = false;
      break;
    }
    bits += p.width * 8;
    n.parts_.push_back(p);
  }
  if (n.parts_.empty()) return std::nullopt;
  int shift = bits;
  for (Part& p : n.parts_) {
    shift -= p.width * 8;
    p.shift = shift;
  }
  return n;
}

void KeyNormalizer::Normalize(const Block& block, std::vector<NormalizedKeyValue>* out) const {
  const size_t rows = block.rows();
  const size_t base = out->size();
  out->resize(base + rows, 0);
  NormalizedKeyValue* keys = out->data() + base;
  for (const Part& p : parts_) {
    const format::Column& c = block.columns[p.position];
    auto put = [&](auto value_of) {
      for (size_t i = 0; i < rows; ++i) keys[i] |= static_cast<NormalizedKeyValue>(value_of(i)) << p.shift;
    };
    switch (p.kind) {
      case kUnsigned:
        switch (p.width) {
          case 1: put([&](size_t i) { return c.values<uint8_t>()[i]; }); break;
          case 2: put([&](size_t i) { return c.values<uint16_t>()[i]; }); break;
          case 4: put([&](size_t i) { return c.values<uint32_t>()[i]; }); break;
          default: put([&](size_t i) { return c.values<uint64_t>()[i]; }); break;
        }
        break;
      case kSigned:
        switch (p.width) {
          case 1: put([&](size_t i) { return static_cast<uint8_t>(c.values<int8_t>()[i] ^ INT8_MIN); }); break;
          case 2: put([&](size_t i) { return static_cast<uint16_t>(c.values<int16_t>()[i] ^ INT16_MIN); }); break;
          case 4: put([&](size_t i) { return static_cast<uint32_t>(c.values<int32_t>()[i] ^ INT32_MIN); }); break;
          default: put([&](size_t i) { return static_cast<uint64_t>(c.values<int64_t>()[i]) ^ (uint64_t{1} << 63); }); break;
        }
        break;
      case kFloat32:
        put([&](size_t i) { return FloatBits32(c.values<float>()[i]); });
        break;
      case kFloat64:
        put([&](size_t i) { return FloatBits64(c.values<double>()[i]); });
        break;
      case kIndex:
        put([&](size_t i) { return c.IndexAt(i); });
        break;
    }
  }
}

}  // namespace tally::engine
