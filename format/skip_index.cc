#include "format/skip_index.h"

#include <xxhash.h>

#include "absl/strings/str_cat.h"
#include "format/coding.h"
#include "format/part_format.h"
#include "format/status_macros.h"

namespace tally::format {

namespace {

constexpr uint64_t kHashSeed = 0x74616c6c79736b69;  // "tallyski"
constexpr uint8_t kNewestKind = static_cast<uint8_t>(SkipIndexFile::Kind::kNgramBloomFilter);
// minmax entry flags.
constexpr uint8_t kMinMaxAny = 1;
constexpr uint8_t kMinMaxNaN = 2;

void EncodeBloom(std::string* p, const BloomFilter& f) {
  PutVarint64(p, f.hashes());
  PutVarint64(p, f.words().size());
  for (uint64_t w : f.words()) PutFixed64(p, w);
}

absl::StatusOr<BloomFilter> DecodeBloom(ByteReader* in) {
  TALLY_ASSIGN_OR_RETURN(uint64_t hashes, in->ReadVarint64("hash count"));
  TALLY_ASSIGN_OR_RETURN(uint64_t words, in->ReadVarint64("word count"));
  if (words > BloomFilter::kMaxWords || words * 8 > in->remaining()) return in->Corrupt("word count", "too large");
  if ((words == 0) != (hashes == 0) || hashes > BloomFilter::kMaxHashes) {
    return in->Corrupt("hash count", "out of range");
  }
  std::vector<uint64_t> w(words);
  for (uint64_t& x : w) {
    TALLY_ASSIGN_OR_RETURN(x, in->ReadFixed64("filter word"));
  }
  return BloomFilter(static_cast<uint32_t>(hashes), std::move(w));
}

// A value of a minmax or set entry: a scalar (what an indexed expression's values are).
absl::StatusOr<Value> DecodeScalar(ByteReader* in, absl::string_view field) {
  TALLY_ASSIGN_OR_RETURN(Value v, DecodeValue(in));
  if (v.kind == Value::Kind::kNull || v.kind == Value::Kind::kArray || v.kind == Value::Kind::kMap) {
    return in->Corrupt(field, "not a number or a string");
  }
  return v;
}

absl::StatusOr<MinMaxEntry> DecodeMinMax(ByteReader* in) {
  MinMaxEntry e;
  TALLY_ASSIGN_OR_RETURN(uint8_t flags, in->ReadFixed8("minmax flags"));
  if ((flags & ~(kMinMaxAny | kMinMaxNaN)) != 0) return in->Corrupt("minmax flags", "unknown bits");
  e.any = (flags & kMinMaxAny) != 0;
  e.nan = (flags & kMinMaxNaN) != 0;
  if (!e.any) return e;
  TALLY_ASSIGN_OR_RETURN(e.min, DecodeScalar(in, "minimum"));
  TALLY_ASSIGN_OR_RETURN(e.max, DecodeScalar(in, "maximum"));
  if (CompareValues(e.min, e.max) > 0) return in->Corrupt("maximum", "below the minimum");
  return e;
}

absl::StatusOr<SetEntry> DecodeSet(ByteReader* in, uint64_t max_values) {
  SetEntry e;
  TALLY_ASSIGN_OR_RETURN(uint8_t state, in->ReadFixed8("set state"));
  if (state > 1) return in->Corrupt("set state", absl::StrCat("unknown state ", state));
  if (state == 1) {
    if (max_values == 0) return in->Corrupt("set state", "an unlimited set cannot overflow");
    e.overflow = true;
    return e;
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t count, in->ReadVarint64("set size"));
  if (count > in->remaining() || (max_values > 0 && count > max_values)) return in->Corrupt("set size", "too large");
  e.values.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    TALLY_ASSIGN_OR_RETURN(Value v, DecodeScalar(in, "set value"));
    if (!e.values.empty() && CompareValues(e.values.back(), v) >= 0) {
      return in->Corrupt("set value", "values not strictly ascending");
    }
    e.values.push_back(std::move(v));
  }
  return e;
}

}  // namespace

size_t SkipIndexFile::entries() const {
  if (kind == Kind::kMinMax) return minmax.size();
  if (kind == Kind::kSet) return sets.size();
  return filters.size();
}

std::string EncodeSkipIndex(const SkipIndexFile& file) {
  std::string p;
  PutFixed8(&p, static_cast<uint8_t>(file.kind));
  PutVarint64(&p, file.granularity);
  if (file.kind == SkipIndexFile::Kind::kLegacyBloomFilter) {
    PutVarint64(&p, file.filters.size());
    for (const BloomFilter& f : file.filters) EncodeBloom(&p, f);
    return WrapEnvelope(FileKind::kSkipIndex, p, 1);
  }
  PutLengthPrefixed(&p, file.expression);
  if (file.kind == SkipIndexFile::Kind::kSet) {
    PutVarint64(&p, file.max_values);
  } else if (file.kind == SkipIndexFile::Kind::kTokenBloomFilter) {
    PutVarint64(&p, file.seed);
  } else if (file.kind == SkipIndexFile::Kind::kNgramBloomFilter) {
    PutVarint64(&p, file.ngram);
    PutVarint64(&p, file.seed);
  }
  PutVarint64(&p, file.entries());
  if (file.kind == SkipIndexFile::Kind::kMinMax) {
    for (const MinMaxEntry& e : file.minmax) {
      PutFixed8(&p, (e.any ? kMinMaxAny : 0) | (e.nan ? kMinMaxNaN : 0));
      if (!e.any) continue;
      EncodeValue(&p, e.min);
      EncodeValue(&p, e.max);
    }
  } else if (file.kind == SkipIndexFile::Kind::kSet) {
    for (const SetEntry& e : file.sets) {
      PutFixed8(&p, e.overflow ? 1 : 0);
      if (e.overflow) continue;
      PutVarint64(&p, e.values.size());
      for (const Value& v : e.values) EncodeValue(&p, v);
    }
  } else {
    for (const BloomFilter& f : file.filters) EncodeBloom(&p, f);
  }
  return WrapEnvelope(FileKind::kSkipIndex, p, kSkipIndexVersion);
}

absl::StatusOr<SkipIndexFile> DecodeSkipIndex(absl::Span<const uint8_t> bytes, absl::string_view what) {
  uint16_t version = 0;
  TALLY_ASSIGN_OR_RETURN(absl::Span<const uint8_t> payload,
                         UnwrapEnvelope(FileKind::kSkipIndex, bytes, what, &version, kSkipIndexVersion));
  ByteReader in(payload, std::string(what), kEnvelopeOverhead - 8);
  SkipIndexFile file;
  TALLY_ASSIGN_OR_RETURN(uint8_t kind, in.ReadFixed8("index kind"));
  const uint8_t legacy = static_cast<uint8_t>(SkipIndexFile::Kind::kLegacyBloomFilter);
  if (version == 1 && kind != legacy) {
    return in.Corrupt("index kind", absl::StrCat("kind ", kind, " in a version-1 file"));
  }
  if (version > 1 && kind == legacy) return in.Corrupt("index kind", "kind 1 is for version-1 files only");
  if (kind == 0) return in.Corrupt("index kind", "kind 0 does not exist");
  if (kind > kNewestKind) {
    // The checksum held: a newer build wrote a kind this one does not know.
    return absl::UnimplementedError(absl::StrCat(what, ": skip index kind ", kind, " is unknown to this build"));
  }
  file.kind = static_cast<SkipIndexFile::Kind>(kind);
  TALLY_ASSIGN_OR_RETURN(file.granularity, in.ReadVarint64("granularity"));
  if (file.granularity == 0) return in.Corrupt("granularity", "zero");
  if (file.kind != SkipIndexFile::Kind::kLegacyBloomFilter) {
    TALLY_ASSIGN_OR_RETURN(file.expression, in.ReadLengthPrefixed("expression"));
    if (file.expression.empty()) return in.Corrupt("expression", "empty");
    if (file.kind == SkipIndexFile::Kind::kSet) {
      TALLY_ASSIGN_OR_RETURN(file.max_values, in.ReadVarint64("set limit"));
    } else if (file.kind == SkipIndexFile::Kind::kTokenBloomFilter) {
      TALLY_ASSIGN_OR_RETURN(file.seed, in.ReadVarint64("seed"));
    } else if (file.kind == SkipIndexFile::Kind::kNgramBloomFilter) {
      TALLY_ASSIGN_OR_RETURN(file.ngram, in.ReadVarint64("n-gram length"));
      if (file.ngram == 0) return in.Corrupt("n-gram length", "zero");
      TALLY_ASSIGN_OR_RETURN(file.seed, in.ReadVarint64("seed"));
    }
  }
  TALLY_ASSIGN_OR_RETURN(uint64_t count, in.ReadVarint64("entry count"));
  if (count > in.remaining()) return in.Corrupt("entry count", "too large");
  for (uint64_t i = 0; i < count; ++i) {
    if (file.kind == SkipIndexFile::Kind::kMinMax) {
      TALLY_ASSIGN_OR_RETURN(MinMaxEntry e, DecodeMinMax(&in));
      file.minmax.push_back(std::move(e));
    } else if (file.kind == SkipIndexFile::Kind::kSet) {
      TALLY_ASSIGN_OR_RETURN(SetEntry e, DecodeSet(&in, file.max_values));
      file.sets.push_back(std::move(e));
    } else {
      TALLY_ASSIGN_OR_RETURN(BloomFilter f, DecodeBloom(&in));
      file.filters.push_back(std::move(f));
    }
  }
  TALLY_RETURN_IF_ERROR(in.ExpectDone("skip index"));
  return file;
}

std::string SkipIndexFileName(absl::string_view index_name) {
  return absl::StrCat("skp_idx_", ColumnFileBase(index_name), ".idx");
}

uint64_t SkipIndexHash(const Column& column, size_t row) {
  switch (column.type->id()) {
    case TypeId::kString: {
      const absl::string_view s = column.StringAt(row);
      return XXH3_64bits_withSeed(s.data(), s.size(), kHashSeed);
    }
    case TypeId::kLowCardinality: {
      const absl::string_view s = column.dictionary->StringAt(column.IndexAt(row));
      return XXH3_64bits_withSeed(s.data(), s.size(), kHashSeed);
    }
    case TypeId::kFloat32: {  // -0 is 0: equal values hash equal
      float v = column.values<float>()[row];
      if (v == 0) v = 0;
      return XXH3_64bits_withSeed(&v, sizeof(v), kHashSeed);
    }
    case TypeId::kFloat64: {
      double v = column.values<double>()[row];
      if (v == 0) v = 0;
      return XXH3_64bits_withSeed(&v, sizeof(v), kHashSeed);
    }
    default: {
      const size_t w = column.type->fixed_width();
      return XXH3_64bits_withSeed(column.data.data() + row * w, w, kHashSeed);
    }
  }
}

}  // namespace tally::format
