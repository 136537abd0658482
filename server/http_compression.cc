#include "server/http_compression.h"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/error_code.h"
#include "format/status_macros.h"

namespace tally::server {

namespace {

constexpr size_t kInBytes = 64 << 10;

// A request body its coding cannot decode (corrupt or cut short).
absl::Status DecompressError(absl::string_view message) {
  return engine::CodedError(engine::ErrorCode::kCannotDecompress, message);
}

// The raw side of every decoder: a buffer refilled from the source.
class Input {
 public:
  explicit Input(BodyDecoder::Source source) : source_(std::move(source)), buf_(kInBytes) {}
  // Makes bytes available unless the source is at its end.
  absl::Status Fill() {
    if (pos_ < len_ || eof_) return absl::OkStatus();
    TALLY_ASSIGN_OR_RETURN(size_t n, source_(buf_.data(), buf_.size()));
    pos_ = 0;
    len_ = n;
    eof_ = n == 0;
    return absl::OkStatus();
  }
  const char* data() const { return buf_.data() + pos_; }
  size_t size() const { return len_ - pos_; }
  void Consume(size_t n) { pos_ += n; }
  bool eof() const { return eof_ && pos_ == len_; }

 private:
  BodyDecoder::Source source_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
};

class Identity : public BodyDecoder {
 public:
  explicit Identity(Source source) : source_(std::move(source)) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override { return source_(buf, n); }

 private:
  Source source_;
};

class ZstdDecoder : public BodyDecoder {
 public:
  explicit ZstdDecoder(Source source) : in_(std::move(source)), ctx_(ZSTD_createDCtx()) {}
  ~ZstdDecoder() override { ZSTD_freeDCtx(ctx_); }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    while (true) {
      TALLY_RETURN_IF_ERROR(in_.Fill());
      if (in_.eof()) {
        if (frame_open_) return DecompressError("the zstd request body ends inside a frame");
        return 0;
      }
      ZSTD_inBuffer src{in_.data(), in_.size(), 0};
      ZSTD_outBuffer dst{buf, n, 0};
      size_t r = ZSTD_decompressStream(ctx_, &dst, &src);
      in_.Consume(src.pos);
      if (ZSTD_isError(r)) {
        return DecompressError(absl::StrCat("the zstd request body is corrupt: ", ZSTD_getErrorName(r)));
      }
      frame_open_ = r != 0;
      if (dst.pos > 0) return dst.pos;
    }
  }

 private:
  Input in_;
  ZSTD_DCtx* ctx_;
  bool frame_open_ = false;
};

class ZlibDecoder : public BodyDecoder {
 public:
  ZlibDecoder(Source source, std::string name) : in_(std::move(source)), name_(std::move(name)) {
    // 15 + 32: a zlib or a gzip header, told apart by its first bytes.
    ok_ = inflateInit2(&z_, 15 + 32) == Z_OK;
  }
  ~ZlibDecoder() override {
    if (ok_) inflateEnd(&z_);
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return absl::InternalError("zlib: cannot initialize");
    while (true) {
      TALLY_RETURN_IF_ERROR(in_.Fill());
      if (in_.eof()) {
        if (member_open_) return DecompressError(absl::StrCat("the ", name_, " request body is truncated"));
        return 0;
      }
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_.data()));
      z_.avail_in = static_cast<uInt>(in_.size());
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1 << 30));
      int r = inflate(&z_, Z_NO_FLUSH);
      in_.Consume(in_.size() - z_.avail_in);
      size_t got = static_cast<size_t>(reinterpret_cast<char*>(z_.next_out) - buf);
      if (r == Z_STREAM_END) {
        member_open_ = false;
        inflateReset(&z_);  // concatenated gzip members each decode in turn
      } else if (r != Z_OK && r != Z_BUF_ERROR) {
        return DecompressError(absl::StrCat("the ", name_, " request body is corrupt: ",
                                                z_.msg != nullptr ? z_.msg : "inflate failed"));
      } else {
        member_open_ = true;
      }
      if (got > 0) return got;
    }
  }

 private:
  Input in_;
  std::string name_;
  z_stream z_{};
  bool ok_ = false;
  bool member_open_ = false;
};

class Lz4Decoder : public BodyDecoder {
 public:
  explicit Lz4Decoder(Source source) : in_(std::move(source)) {
    ok_ = !LZ4F_isError(LZ4F_createDecompressionContext(&ctx_, LZ4F_VERSION));
  }
  ~Lz4Decoder() override {
    if (ok_) LZ4F_freeDecompressionContext(ctx_);
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return absl::InternalError("lz4: cannot initialize");
    while (true) {
      TALLY_RETURN_IF_ERROR(in_.Fill());
      if (in_.eof()) {
        if (frame_open_) return DecompressError("the lz4 request body ends inside a frame");
        return 0;
      }
      size_t dst_size = n, src_size = in_.size();
      size_t r = LZ4F_decompress(ctx_, buf, &dst_size, in_.data(), &src_size, nullptr);
      in_.Consume(src_size);
      if (LZ4F_isError(r)) {
        return DecompressError(absl::StrCat("the lz4 request body is corrupt: ", LZ4F_getErrorName(r)));
      }
      frame_open_ = r != 0;
      if (dst_size > 0) return dst_size;
    }
  }

 private:
  Input in_;
  LZ4F_dctx* ctx_ = nullptr;
  bool ok_ = false;
  bool frame_open_ = false;
};

class ZstdEncoder : public BodyEncoder {
 public:
  explicit ZstdEncoder(Sink sink) : sink_(std::move(sink)), ctx_(ZSTD_createCCtx()), out_(ZSTD_CStreamOutSize()) {
    ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3);
  }
  ~ZstdEncoder() override { ZSTD_freeCCtx(ctx_); }
  absl::Status Write(absl::string_view data) override { return Run(data, ZSTD_e_continue); }
  absl::Status Finish() override { return Run("", ZSTD_e_end); }

 private:
  absl::Status Run(absl::string_view data, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (true) {
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      size_t left = ZSTD_compressStream2(ctx_, &out, &in, mode);
      if (ZSTD_isError(left)) return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(left)));
      if (out.pos > 0) TALLY_RETURN_IF_ERROR(sink_(absl::string_view(out_.data(), out.pos)));
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return absl::OkStatus();
    }
  }
  Sink sink_;
  ZSTD_CCtx* ctx_;
  std::vector<char> out_;
};

class ZlibEncoder : public BodyEncoder {
 public:
  ZlibEncoder(Sink sink, bool gzip) : sink_(std::move(sink)), out_(kInBytes) {
    ok_ = deflateInit2(&z_, 3, Z_DEFLATED, gzip ? 15 + 16 : 15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~ZlibEncoder() override {
    if (ok_) deflateEnd(&z_);
  }
  absl::Status Write(absl::string_view data) override { return Run(data, Z_NO_FLUSH); }
  absl::Status Finish() override { return Run("", Z_FINISH); }

 private:
  absl::Status Run(absl::string_view data, int flush) {
    if (!ok_) return absl::InternalError("zlib: cannot initialize");
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z_.avail_in = static_cast<uInt>(data.size());
    while (true) {
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = static_cast<uInt>(out_.size());
      int r = deflate(&z_, flush);
      if (r == Z_STREAM_ERROR) return absl::InternalError("zlib: deflate failed");
      size_t got = out_.size() - z_.avail_out;
      if (got > 0) TALLY_RETURN_IF_ERROR(sink_(absl::string_view(out_.data(), got)));
      if (flush == Z_FINISH ? r == Z_STREAM_END : z_.avail_in == 0 && z_.avail_out != 0) return absl::OkStatus();
    }
  }
  Sink sink_;
  z_stream z_{};
  bool ok_ = false;
  std::vector<char> out_;
};

class Lz4Encoder : public BodyEncoder {
 public:
  explicit Lz4Encoder(Sink sink) : sink_(std::move(sink)) {
    ok_ = !LZ4F_isError(LZ4F_createCompressionContext(&ctx_, LZ4F_VERSION));
  }
  ~Lz4Encoder() override {
    if (ok_) LZ4F_freeCompressionContext(ctx_);
  }
  absl::Status Write(absl::string_view data) override {
    TALLY_RETURN_IF_ERROR(Begin());
    while (!data.empty()) {
      size_t piece = std::min<size_t>(data.size(), kInBytes);
      out_.resize(LZ4F_compressBound(piece, nullptr));
      size_t r = LZ4F_compressUpdate(ctx_, out_.data(), out_.size(), data.data(), piece, nullptr);
      if (LZ4F_isError(r)) return absl::InternalError(absl::StrCat("lz4: ", LZ4F_getErrorName(r)));
      if (r > 0) TALLY_RETURN_IF_ERROR(sink_(absl::string_view(out_.data(), r)));
      data.remove_prefix(piece);
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    TALLY_RETURN_IF_ERROR(Begin());
    out_.resize(LZ4F_compressBound(0, nullptr));
    size_t r = LZ4F_compressEnd(ctx_, out_.data(), out_.size(), nullptr);
    if (LZ4F_isError(r)) return absl::InternalError(absl::StrCat("lz4: ", LZ4F_getErrorName(r)));
    return sink_(absl::string_view(out_.data(), r));
  }

 private:
  absl::Status Begin() {
    if (!ok_) return absl::InternalError("lz4: cannot initialize");
    if (begun_) return absl::OkStatus();
    begun_ = true;
    out_.resize(LZ4F_HEADER_SIZE_MAX);
    size_t r = LZ4F_compressBegin(ctx_, out_.data(), out_.size(), nullptr);
    if (LZ4F_isError(r)) return absl::InternalError(absl::StrCat("lz4: ", LZ4F_getErrorName(r)));
    return sink_(absl::string_view(out_.data(), r));
  }
  Sink sink_;
  LZ4F_cctx* ctx_ = nullptr;
  bool ok_ = false;
  bool begun_ = false;
  std::vector<char> out_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BodyDecoder>> MakeBodyDecoder(absl::string_view coding, BodyDecoder::Source source) {
  std::string c = absl::AsciiStrToLower(absl::StripAsciiWhitespace(coding));
  if (c.empty() || c == "identity" || c == "none") return std::make_unique<Identity>(std::move(source));
  if (c == "zstd") return std::make_unique<ZstdDecoder>(std::move(source));
  if (c == "gzip" || c == "x-gzip" || c == "deflate") return std::make_unique<ZlibDecoder>(std::move(source), c);
  if (c == "lz4") return std::make_unique<Lz4Decoder>(std::move(source));
  return absl::InvalidArgumentError(absl::StrCat("Unknown compression method '", coding,
                                                 "' in Content-Encoding (gzip, deflate, zstd and lz4 are known)"));
}

std::string ChooseResponseCoding(absl::string_view accept_encoding) {
  std::string best;
  size_t best_rank = 99;
  static constexpr absl::string_view kOurs[] = {"zstd", "lz4", "gzip", "deflate"};
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',')) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(item.substr(0, item.find(';'))));
    absl::string_view params = item.find(';') == absl::string_view::npos ? "" : item.substr(item.find(';'));
    if (absl::StrContains(params, "q=0") && !absl::StrContains(params, "q=0.")) continue;  // refused
    for (size_t i = 0; i < std::size(kOurs); ++i) {
      if (name == kOurs[i] && i < best_rank) {
        best = name;
        best_rank = i;
      }
    }
  }
  return best;
}

absl::StatusOr<std::unique_ptr<BodyEncoder>> MakeBodyEncoder(absl::string_view coding, BodyEncoder::Sink sink) {
  if (coding == "zstd") return std::make_unique<ZstdEncoder>(std::move(sink));
  if (coding == "gzip") return std::make_unique<ZlibEncoder>(std::move(sink), true);
  if (coding == "deflate") return std::make_unique<ZlibEncoder>(std::move(sink), false);
  if (coding == "lz4") return std::make_unique<Lz4Encoder>(std::move(sink));
  return absl::InvalidArgumentError(absl::StrCat("no encoder for '", coding, "'"));
}

}  // namespace tally::server
