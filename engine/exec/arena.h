// Arena: bump allocation in chunks that grow from 4 KiB to 1 MiB, freed all at once. The
// aggregator keeps its group states and key bytes here instead of one malloc per group.
//
// Not thread-safe. Memory is never reused before the arena dies; destructors of what lives
// in it are the owner's business.
#ifndef TALLY_ENGINE_EXEC_ARENA_H_
#define TALLY_ENGINE_EXEC_ARENA_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"

namespace tally::engine::exec {

class Arena {
 public:
  static constexpr size_t kFirstChunkBytes = 4096;
  static constexpr size_t kMaxChunkBytes = size_t{1} << 20;

  // REQUIRES: align is a power of two.
  uint8_t* Allocate(size_t bytes, size_t align) {
    uintptr_t p = (reinterpret_cast<uintptr_t>(pos_) + align - 1) & ~(uintptr_t{align} - 1);
    if (pos_ == nullptr || p + bytes > reinterpret_cast<uintptr_t>(end_)) {
      NewChunk(bytes + align);
      p = (reinterpret_cast<uintptr_t>(pos_) + align - 1) & ~(uintptr_t{align} - 1);
    }
    pos_ = reinterpret_cast<uint8_t*>(p + bytes);
    return reinterpret_cast<uint8_t*>(p);
  }

  absl::string_view CopyString(absl::string_view s) {
    if (s.empty()) return absl::string_view();
    uint8_t* p = Allocate(s.size(), 1);
    std::memcpy(p, s.data(), s.size());
    return absl::string_view(reinterpret_cast<const char*>(p), s.size());
  }

  // Bytes of all chunks, used or not.
  size_t bytes() const { return bytes_; }

 private:
  void NewChunk(size_t at_least) {
    size_t size = std::max(next_chunk_bytes_, at_least);
    chunks_.push_back(std::unique_ptr<uint8_t[]>(new uint8_t[size]));  // not zero-filled
    pos_ = chunks_.back().get();
    end_ = pos_ + size;
    bytes_ += size;
    next_chunk_bytes_ = std::min(next_chunk_bytes_ * 2, kMaxChunkBytes);
  }

  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
  uint8_t* pos_ = nullptr;
  uint8_t* end_ = nullptr;
  size_t bytes_ = 0;
  size_t next_chunk_bytes_ = kFirstChunkBytes;
};

}  // namespace tally::engine::exec

#endif  // TALLY_ENGINE_EXEC_ARENA_H_
