#include "format/tagged_fields.h"

#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::format {

void PutField(std::string* out, uint64_t tag, absl::string_view bytes) {
  PutVarint64(out, tag);
  PutLengthPrefixed(out, bytes);
}

void PutVarintField(std::string* out, uint64_t tag, uint64_t value) {
  std::string bytes;
  PutVarint64(&bytes, value);
  PutField(out, tag, bytes);
}

absl::StatusOr<std::vector<Field>> ReadFields(ByteReader* in, absl::string_view record) {
  std::vector<Field> fields;
  while (!in->done()) {
    TALLY_ASSIGN_OR_RETURN(uint64_t tag, in->ReadVarint64(absl::StrCat(record, ": field tag")));
    if (tag == 0 || tag > kMaxTag) {
      return in->Corrupt(absl::StrCat(record, ": field tag"), absl::StrCat(tag, " is not a tag"));
    }
    const std::string name = absl::StrCat(record, ": field ", tag);
    TALLY_ASSIGN_OR_RETURN(uint64_t length, in->ReadVarint64(name));
    Field f;
    f.tag = tag;
    f.offset = in->offset();
    TALLY_ASSIGN_OR_RETURN(f.bytes, in->ReadBytes(length, name));
    fields.push_back(f);
  }
  return fields;
}

absl::StatusOr<uint64_t> FieldVarint(const Field& field, const std::string& what, absl::string_view name) {
  ByteReader in(field.bytes, what, field.offset);
  TALLY_ASSIGN_OR_RETURN(uint64_t v, in.ReadVarint64(name));
  TALLY_RETURN_IF_ERROR(in.ExpectDone(name));
  return v;
}

}  // namespace tally::format
