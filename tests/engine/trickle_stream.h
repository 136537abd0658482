// TrickleStream: an InputStream that hands out at most `piece` bytes per Read, like a slow
// pipe or socket, so tests can put every read boundary inside a row, a field or a block.
#ifndef TALLY_TESTS_ENGINE_TRICKLE_STREAM_H_
#define TALLY_TESTS_ENGINE_TRICKLE_STREAM_H_

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/query/insert_stream.h"

namespace tally::engine::testing_sql {

class TrickleStream : public sql::InputStream {
 public:
  TrickleStream(std::string data, size_t piece) : data_(std::move(data)), piece_(piece) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    n = std::min({n, piece_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t piece_;
  size_t pos_ = 0;
};

}  // namespace tally::engine::testing_sql

#endif  // TALLY_TESTS_ENGINE_TRICKLE_STREAM_H_
