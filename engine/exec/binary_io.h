// Little-endian values and LEB128 lengths, as ClickHouse's binary formats (Native,
// RowBinary) write them: a bounds-checked reader over bytes in memory and the matching
// append functions.
//
// ByteReader never reads past its bytes: a read that needs more than is left returns
// OutOfRange ("truncated"), which lets a caller tell "need more input" (a piece split
// mid-row) from malformed bytes (InvalidArgument). Lengths read from the input are checked
// against the bytes left before anything is allocated for them.
//
// Not synchronized; one reader per thread.
#ifndef TALLY_ENGINE_EXEC_BINARY_IO_H_
#define TALLY_ENGINE_EXEC_BINARY_IO_H_

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/error_code.h"

namespace tally::engine {

// ClickHouse's format_binary_max_string_size and format_binary_max_array_size (1 GiB):
// a longer string or array is malformed input, not a reason to wait for more bytes.
inline constexpr uint64_t kMaxBinaryLength = uint64_t{1} << 30;

class ByteReader {
 public:
  // `base` is the offset of data[0] in the whole input, for messages.
  explicit ByteReader(absl::string_view data, uint64_t base = 0) : data_(data), base_(base) {}

  size_t left() const { return data_.size() - pos_; }
  bool AtEnd() const { return pos_ == data_.size(); }
  size_t position() const { return pos_; }  // within data
  uint64_t offset() const { return base_ + pos_; }  // within the whole input
  const char* here() const { return data_.data() + pos_; }

  absl::Status Need(uint64_t n) const {
    if (n <= left()) return absl::OkStatus();
    return absl::OutOfRangeError(absl::StrCat("truncated: ", n, " bytes needed at byte ", offset(), ", ",
                                              left(), " left"));
  }
  absl::Status Skip(uint64_t n) {
    if (absl::Status s = Need(n); !s.ok()) return s;
    pos_ += n;
    return absl::OkStatus();
  }
  absl::Status ReadBytes(uint64_t n, absl::string_view* out) {
    if (absl::Status s = Need(n); !s.ok()) return s;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }
  template <typename T>
  absl::Status ReadFixed(T* v) {
    if (absl::Status s = Need(sizeof(T)); !s.ok()) return s;
    std::memcpy(v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return absl::OkStatus();
  }
  // LEB128, at most 10 bytes (ClickHouse's VarUInt).
  absl::Status ReadVarUInt(uint64_t* v) {
    uint64_t x = 0;
    for (int i = 0; i < 10; ++i) {
      if (AtEnd()) return Need(1);
      const uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      x |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        *v = x;
        return absl::OkStatus();
      }
    }
    return absl::InvalidArgumentError(absl::StrCat("VarUInt longer than 10 bytes before byte ", offset()));
  }
  // A length (VarUInt) at most kMaxBinaryLength.
  absl::Status ReadLength(uint64_t* n) {
    const uint64_t at = offset();
    if (absl::Status s = ReadVarUInt(n); !s.ok()) return s;
    if (*n > kMaxBinaryLength) {
      return absl::InvalidArgumentError(absl::StrCat("length ", *n, " at byte ", at, " is over the limit of ",
                                                     kMaxBinaryLength));
    }
    return absl::OkStatus();
  }
  // VarUInt length, then that many bytes.
  absl::Status ReadString(absl::string_view* out) {
    uint64_t n = 0;
    if (absl::Status s = ReadLength(&n); !s.ok()) return s;
    return ReadBytes(n, out);
  }

 private:
  absl::string_view data_;
  uint64_t base_;
  size_t pos_ = 0;
};

inline void AppendVarUInt(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline void AppendBinaryString(absl::string_view s, std::string* out) {
  AppendVarUInt(s.size(), out);
  out->append(s.data(), s.size());
}

template <typename T>
void AppendFixed(T v, std::string* out) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

// The code of binary input that failed to read because of `why`: why's own if it has one,
// CANNOT_READ_ALL_DATA when the input ends early (OutOfRange), else INCORRECT_DATA.
inline ErrorCode BinaryInputErrorCode(const absl::Status& why) {
  if (std::optional<ErrorCode> code = ErrorCodeOf(why)) return *code;
  return absl::IsOutOfRange(why) ? ErrorCode::kCannotReadAllData : ErrorCode::kIncorrectData;
}

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_BINARY_IO_H_
