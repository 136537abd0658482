// Column: the in-memory columnar layout every layer shares (insert blocks, decoded parts,
// query batches). One struct, laid out by type:
//
//   fixed-width      data = rows * width bytes, little-endian
//   String           offsets[i] = end of value i in chars; chars = the bytes
//   LowCardinality   dictionary = String column of distinct values (for
//                    LowCardinality(Nullable(String)) entry 0 means NULL); data = indexes
//                    into it, index_width (1, 2 or 4) bytes each
//   Nullable(T)      nulls[i] = 1 when row i is NULL; children[0] = T with a default value
//                    in NULL rows
//   Array(T)         offsets[i] = end of row i in children[0] (the elements)
//   Map(K, V)        offsets as Array; children[0] = keys, children[1] = values
//
// A dictionary may be shared by many columns (every block read from one part shares the
// part's dictionary), so it is immutable once shared: writers copy it first.
//
// Not thread-safe for writes; concurrent reads of an unchanging Column are safe.
#ifndef TALLY_FORMAT_COLUMN_H_
#define TALLY_FORMAT_COLUMN_H_

#include <cstdint>
#include <memory>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "format/pod_vector.h"
#include "format/types.h"
#include "format/value.h"

namespace tally::format {

struct Column {
  DataTypePtr type;
  PodVector<uint8_t> data;
  PodVector<uint64_t> offsets;
  PodVector<uint8_t> chars;
  PodVector<uint8_t> nulls;
  std::vector<Column> children;
  std::shared_ptr<const Column> dictionary;
  uint8_t index_width = 1;

  // An empty column of `type`, children and dictionary included.
  static Column Make(DataTypePtr type);

  size_t size() const;

  // --- String access (String columns and dictionaries) ---
  absl::string_view StringAt(size_t i) const {
    uint64_t begin = i == 0 ? 0 : offsets[i - 1];
    return absl::string_view(reinterpret_cast<const char*>(chars.data()) + begin, offsets[i] - begin);
  }
  void AppendString(absl::string_view s) {
    chars.append(reinterpret_cast<const uint8_t*>(s.data()), s.size());
    offsets.push_back(chars.size());
  }

  // --- LowCardinality access ---
  uint32_t IndexAt(size_t i) const {
    switch (index_width) {
      case 1:
        return data[i];
      case 2:
        return reinterpret_cast<const uint16_t*>(data.data())[i];
      default:
        return reinterpret_cast<const uint32_t*>(data.data())[i];
    }
  }
  void AppendIndex(uint32_t index);
  // Appends the non-NULL string `s` to a LowCardinality(String) or
  // LowCardinality(Nullable(String)) column, adding it to the dictionary when new.
  void AppendLowCardinalityString(absl::string_view s) { AppendIndex(DictionaryIndex(s)); }
  // Rewrites the indexes with `width` bytes each (1, 2 or 4); REQUIRES: all fit.
  void SetIndexWidth(uint8_t width);

  // --- Fixed-width access ---
  template <typename T>
  const T* values() const {
    return reinterpret_cast<const T*>(data.data());
  }
  template <typename T>
  void Append(T v) {
    data.append(reinterpret_cast<const uint8_t*>(&v), sizeof(T));
  }

  // Row i as a Value (slow path).
  Value GetValue(size_t i) const;
  // Appends a value; InvalidArgument when it does not fit the type.
  absl::Status AppendValue(const Value& v);
  // Appends the default value of the type (0, '', NULL for Nullable, empty Array/Map).
  void AppendDefault();

  // Appends rows [start, start + count) of `src` (same type).
  void AppendRange(const Column& src, size_t start, size_t count);
  // A new column with src's rows in the order given.
  static Column Gather(const Column& src, absl::Span<const uint32_t> rows);
  // Appends src's rows in the order given (same type).
  void AppendGather(const Column& src, absl::Span<const uint32_t> rows);

  // Checks the layout invariants above (sizes agree, offsets never decrease and stay in
  // bounds, indexes inside the dictionary, Bool is 0/1). `what` prefixes the message.
  // Returns InvalidArgument: used on blocks from callers and after decoding.
  absl::Status Validate(absl::string_view what) const;

  // Bytes held, for granule sizing and memory accounting.
  size_t ByteSize() const;

 private:
  // Lazily built map from dictionary string to index, so AppendValue on a LowCardinality
  // column is O(1). Never copied: a copy rebuilds it on demand.
  struct DictLookup {
    DictLookup() = default;
    DictLookup(const DictLookup&) {}
    DictLookup& operator=(const DictLookup&) {
      map.reset();
      return *this;
    }
    DictLookup(DictLookup&&) = default;
    DictLookup& operator=(DictLookup&&) = default;
    std::unique_ptr<absl::flat_hash_map<std::string, uint32_t>> map;
  };
  DictLookup lookup_;

  absl::Status AppendLowCardinality(const Value& v);
  uint32_t DictionaryIndex(absl::string_view s);
};

// Values for type `t` in columnar batches, e.g. for building blocks in tests and tools.
inline size_t IndexWidthFor(size_t dictionary_size) {
  return dictionary_size <= 0x100 ? 1 : dictionary_size <= 0x10000 ? 2 : 4;
}

}  // namespace tally::format

#endif  // TALLY_FORMAT_COLUMN_H_
