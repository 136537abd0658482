// HTTP content codings for ClickHouse's interface: request bodies sent with
// `Content-Encoding: gzip | deflate | zstd | lz4` are decoded as they are read (a body is
// never held whole), and results are encoded when the request says
// `enable_http_compression=1` and its Accept-Encoding names a coding we have.
//
// lz4 is the LZ4 frame format, as ClickHouse's server and clickhouse-connect use it.
//
// Not thread-safe: one object per body.
#ifndef TALLY_SERVER_HTTP_COMPRESSION_H_
#define TALLY_SERVER_HTTP_COMPRESSION_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tally::server {

// Reads decoded bytes out of an encoded stream.
class BodyDecoder {
 public:
  // Up to n raw bytes; 0 at the end.
  using Source = std::function<absl::StatusOr<size_t>(char* buf, size_t n)>;
  virtual ~BodyDecoder() = default;
  // Up to n decoded bytes; 0 at the end. DataLoss for a corrupt or truncated stream.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
};

// A decoder for `coding` (case-insensitive; "" and "identity" pass bytes through), or
// InvalidArgument naming the codings that are known.
absl::StatusOr<std::unique_ptr<BodyDecoder>> MakeBodyDecoder(absl::string_view coding, BodyDecoder::Source source);

// Encodes a response as it is written; Finish flushes the end of the stream.
class BodyEncoder {
 public:
  using Sink = std::function<absl::Status(absl::string_view)>;
  virtual ~BodyEncoder() = default;
  virtual absl::Status Write(absl::string_view data) = 0;
  virtual absl::Status Finish() = 0;
};

// The coding to answer with for an Accept-Encoding header ("" = none we have): of those
// it accepts, the first of zstd, lz4, gzip, deflate (fastest to decode first).
std::string ChooseResponseCoding(absl::string_view accept_encoding);
absl::StatusOr<std::unique_ptr<BodyEncoder>> MakeBodyEncoder(absl::string_view coding, BodyEncoder::Sink sink);

}  // namespace tally::server

#endif  // TALLY_SERVER_HTTP_COMPRESSION_H_
