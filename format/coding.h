// Little-endian fixed-width and varint encoding, and ByteReader: a bounds-checked cursor
// over untrusted bytes whose every failure is a DataLoss naming what was being read and
// at which offset.
//
// Stateless functions are thread-safe; a ByteReader is not.
#ifndef TALLY_FORMAT_CODING_H_
#define TALLY_FORMAT_CODING_H_

#include <cstdint>
#include <cstring>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace tally::format {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tally's on-disk format is little-endian");

inline void PutFixed8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
inline void PutFixed16(std::string* out, uint16_t v) { out->append(reinterpret_cast<const char*>(&v), 2); }
inline void PutFixed32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
inline void PutFixed64(std::string* out, uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }
void PutVarint64(std::string* out, uint64_t v);
// Varint length, then the bytes.
void PutLengthPrefixed(std::string* out, absl::string_view bytes);

inline uint32_t LoadFixed32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t LoadFixed64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void StoreFixed32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void StoreFixed64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

inline absl::Span<const uint8_t> AsBytes(absl::string_view s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline absl::string_view AsStringView(absl::Span<const uint8_t> b) {
  return absl::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// XXH3-64 of `bytes`: the checksum of every tally file and block.
uint64_t Checksum(absl::Span<const uint8_t> bytes);
inline uint64_t Checksum(absl::string_view bytes) { return Checksum(AsBytes(bytes)); }

// The same XXH3-64 over bytes that arrive in pieces (a file written block by block):
// Update with each piece, then value() equals Checksum of their concatenation.
class StreamingChecksum {
 public:
  StreamingChecksum();
  ~StreamingChecksum();
  StreamingChecksum(const StreamingChecksum&) = delete;
  StreamingChecksum& operator=(const StreamingChecksum&) = delete;
  void Update(absl::string_view bytes);
  uint64_t value() const;

 private:
  void* state_;  // XXH3_state_t, kept out of this header
};

class ByteReader {
 public:
  // `what` names the object for error messages, e.g. "part 202610_1_1_0: file 'time.mrk'".
  // `base_offset` is the offset of bytes[0] inside that object.
  ByteReader(absl::Span<const uint8_t> bytes, std::string what, uint64_t base_offset = 0)
      : bytes_(bytes), what_(std::move(what)), base_offset_(base_offset) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool done() const { return pos_ == bytes_.size(); }
  const std::string& what() const { return what_; }
  // The offset of the next byte inside the object `what` names.
  uint64_t offset() const { return base_offset_ + pos_; }

  absl::StatusOr<uint8_t> ReadFixed8(absl::string_view field);
  absl::StatusOr<uint16_t> ReadFixed16(absl::string_view field);
  absl::StatusOr<uint32_t> ReadFixed32(absl::string_view field);
  absl::StatusOr<uint64_t> ReadFixed64(absl::string_view field);
  absl::StatusOr<uint64_t> ReadVarint64(absl::string_view field);
  absl::StatusOr<absl::Span<const uint8_t>> ReadBytes(size_t n, absl::string_view field);
  absl::StatusOr<std::string> ReadLengthPrefixed(absl::string_view field);

  // A DataLoss status "<what>: offset N: <field>: <why>" at the current position.
  absl::Status Corrupt(absl::string_view field, absl::string_view why) const;
  absl::Status ExpectDone(absl::string_view field) const;

 private:
  absl::Span<const uint8_t> bytes_;
  std::string what_;
  uint64_t base_offset_;
  size_t pos_ = 0;
};

}  // namespace tally::format

#endif  // TALLY_FORMAT_CODING_H_
