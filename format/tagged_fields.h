// Tagged fields: the layout of records that grow (docs/format.md, "Tagged fields"). A
// record is a sequence of fields, back to back, each
//
//   varint tag | varint length | length bytes
//
// Tag 0 does not exist. The low bit of a tag says what a reader that does not know the tag
// does: an odd tag may be ignored (a comment: a reader that skips it still reads, writes
// and merges the data correctly), an even tag must be understood (a merge rule, a TTL: a
// reader that skipped it would answer or merge wrongly, so it refuses the record with
// Unimplemented). Whether a tag repeats, and what its bytes mean, is the record's rule.
//
// Pure encode/decode; thread-safe.
#ifndef TALLY_FORMAT_TAGGED_FIELDS_H_
#define TALLY_FORMAT_TAGGED_FIELDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "format/coding.h"

namespace tally::format {

// Tags are small numbers; anything above this is damage, not a future field.
inline constexpr uint64_t kMaxTag = (uint64_t{1} << 32) - 1;

inline constexpr bool IsIgnorableTag(uint64_t tag) { return (tag & 1) != 0; }

// REQUIRES: 0 < tag <= kMaxTag.
void PutField(std::string* out, uint64_t tag, absl::string_view bytes);
void PutVarintField(std::string* out, uint64_t tag, uint64_t value);

struct Field {
  uint64_t tag = 0;
  absl::Span<const uint8_t> bytes;
  uint64_t offset = 0;  // of bytes[0], inside the object the reader names (for errors)

  absl::string_view text() const { return AsStringView(bytes); }
};

// Splits everything left in `in` into fields. DataLoss (naming `record` and the offset)
// for tag 0, a tag above kMaxTag, or a field that runs past the end.
absl::StatusOr<std::vector<Field>> ReadFields(ByteReader* in, absl::string_view record);

// A field whose bytes are exactly one varint.
absl::StatusOr<uint64_t> FieldVarint(const Field& field, const std::string& what, absl::string_view name);

}  // namespace tally::format

#endif  // TALLY_FORMAT_TAGGED_FIELDS_H_
