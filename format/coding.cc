#include "format/coding.h"

#include <xxhash.h>

#include "absl/strings/str_cat.h"

namespace tally::format {

void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutLengthPrefixed(std::string* out, absl::string_view bytes) {
  PutVarint64(out, bytes.size());
  out->append(bytes.data(), bytes.size());
}

uint64_t Checksum(absl::Span<const uint8_t> bytes) {
  return XXH3_64bits(bytes.data(), bytes.size());
}

StreamingChecksum::StreamingChecksum() : state_(XXH3_createState()) {
  XXH3_64bits_reset(static_cast<XXH3_state_t*>(state_));
}

StreamingChecksum::~StreamingChecksum() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void StreamingChecksum::Update(absl::string_view bytes) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state_), bytes.data(), bytes.size());
}

uint64_t StreamingChecksum::value() const {
  return XXH3_64bits_digest(static_cast<const XXH3_state_t*>(state_));
}

absl::Status ByteReader::Corrupt(absl::string_view field, absl::string_view why) const {
  return absl::DataLossError(
      absl::StrCat(what_, ": offset ", base_offset_ + pos_, ": ", field, ": ", why));
}

absl::Status ByteReader::ExpectDone(absl::string_view field) const {
  if (done()) return absl::OkStatus();
  return Corrupt(field, absl::StrCat(remaining(), " unexpected trailing bytes"));
}

absl::StatusOr<absl::Span<const uint8_t>> ByteReader::ReadBytes(size_t n, absl::string_view field) {
  if (n > remaining()) {
    return Corrupt(field, absl::StrCat("truncated: need ", n, " bytes, ", remaining(), " left"));
  }
  absl::Span<const uint8_t> out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

absl::StatusOr<uint8_t> ByteReader::ReadFixed8(absl::string_view field) {
  auto b = ReadBytes(1, field);
  if (!b.ok()) return b.status();
  return (*b)[0];
}

absl::StatusOr<uint16_t> ByteReader::ReadFixed16(absl::string_view field) {
  auto b = ReadBytes(2, field);
  if (!b.ok()) return b.status();
  uint16_t v;
  std::memcpy(&v, b->data(), 2);
  return v;
}

absl::StatusOr<uint32_t> ByteReader::ReadFixed32(absl::string_view field) {
  auto b = ReadBytes(4, field);
  if (!b.ok()) return b.status();
  return LoadFixed32(b->data());
}

absl::StatusOr<uint64_t> ByteReader::ReadFixed64(absl::string_view field) {
  auto b = ReadBytes(8, field);
  if (!b.ok()) return b.status();
  return LoadFixed64(b->data());
}

absl::StatusOr<uint64_t> ByteReader::ReadVarint64(absl::string_view field) {
  uint64_t v = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (pos_ >= bytes_.size()) return Corrupt(field, "truncated varint");
    uint8_t byte = bytes_[pos_++];
    if (shift == 63 && byte > 1) return Corrupt(field, "varint overflows 64 bits");
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return Corrupt(field, "varint longer than 10 bytes");
}

absl::StatusOr<std::string> ByteReader::ReadLengthPrefixed(absl::string_view field) {
  auto n = ReadVarint64(field);
  if (!n.ok()) return n.status();
  auto b = ReadBytes(*n, field);
  if (!b.ok()) return b.status();
  return std::string(AsStringView(*b));
}

}  // namespace tally::format
