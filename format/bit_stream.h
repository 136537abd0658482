// BitWriter and BitReader: MSB-first bit streams for the Gorilla and DoubleDelta codecs.
// The first bit of a stream is the most significant bit of its first byte; a finished
// stream is zero-padded to a whole byte (docs/format.md, "Codecs").
//
// Internal to format/. Not thread-safe (each object is used by one decoder at a time).
#ifndef TALLY_FORMAT_BIT_STREAM_H_
#define TALLY_FORMAT_BIT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace tally::format {

class BitWriter {
 public:
  // Appends to *out; call Finish() before reading *out.
  explicit BitWriter(std::string* out) : out_(out) {}

  // REQUIRES: 0 <= bits <= 64, value < 2^bits.
  void Write(uint64_t value, int bits) {
    if (bits > 32) {
      WriteSmall(value >> 32, bits - 32);
      value &= 0xffffffffu;
      bits = 32;
    }
    WriteSmall(value, bits);
  }

  // Pads the last byte with zero bits.
  void Finish() {
    if (pending_bits_ > 0) {
      out_->push_back(static_cast<char>(acc_ << (8 - pending_bits_)));
      pending_bits_ = 0;
    }
  }

 private:
  // REQUIRES: bits <= 32, so that acc_ never holds more than 39 live bits.
  void WriteSmall(uint64_t value, int bits) {
    if (bits == 0) return;
    acc_ = (acc_ << bits) | value;
    pending_bits_ += bits;
    while (pending_bits_ >= 8) {
      pending_bits_ -= 8;
      out_->push_back(static_cast<char>(acc_ >> pending_bits_));
    }
  }

  std::string* out_;
  uint64_t acc_ = 0;
  int pending_bits_ = 0;
};

// Reads untrusted bytes: reading past the end yields zero bits and is never an
// out-of-bounds access; callers detect it afterwards with overran().
class BitReader {
 public:
  BitReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // REQUIRES: bits <= 56.
  uint64_t Read(int bits) {
    if (bits == 0) return 0;
    if (count_ < bits) Refill();
    uint64_t v = buf_ >> (64 - bits);
    buf_ <<= bits;
    count_ -= bits;
    return v;
  }

  // REQUIRES: bits <= 64.
  uint64_t ReadLong(int bits) {
    if (bits <= 56) return Read(bits);
    uint64_t hi = Read(bits - 32);
    return (hi << 32) | Read(32);
  }

  uint64_t consumed_bits() const { return static_cast<uint64_t>(pos_) * 8 - count_; }
  bool overran() const { return consumed_bits() > static_cast<uint64_t>(size_) * 8; }

  // True when the stream ends exactly at a byte boundary after zero padding bits, i.e. it
  // is exactly the bytes a BitWriter would have produced.
  bool AtCanonicalEnd() {
    int pad = static_cast<int>((8 - consumed_bits() % 8) % 8);
    if (Read(pad) != 0) return false;
    return consumed_bits() == static_cast<uint64_t>(size_) * 8;
  }

 private:
  // Tops buf_ up to at least 57 valid bits. The fast path is the branch-free refill from
  // F. Giesen's "Reading bits in far too many ways": bits below count_ that it ORs in are
  // the genuine next bits, so ORing them again later is harmless.
  void Refill() {
    if (pos_ + 8 <= size_) {
      uint64_t word;
      std::memcpy(&word, data_ + pos_, 8);
      buf_ |= __builtin_bswap64(word) >> count_;
      pos_ += (63 - count_) >> 3;
      count_ |= 56;
      return;
    }
    while (count_ <= 56) {
      uint64_t byte = pos_ < size_ ? data_[pos_] : 0;
      ++pos_;
      buf_ |= byte << (56 - count_);
      count_ += 8;
    }
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;     // bytes moved into buf_ (may pass size_ by a few zero bytes)
  uint64_t buf_ = 0;   // valid bits left-aligned
  int count_ = 0;      // valid bits in buf_
};

}  // namespace tally::format

#endif  // TALLY_FORMAT_BIT_STREAM_H_
