#include "engine/query/insert_stream.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <optional>

#include "engine/exec/input_format.h"
#include "engine/sql/defaults.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

using format::Column;

absl::StatusOr<size_t> StringInputStream::Read(char* buf, size_t n) {
  n = std::min(n, data_.size());
  std::memcpy(buf, data_.data(), n);
  data_.remove_prefix(n);
  return n;
}

namespace {

// A piece of the input that parses on its own: the header (if any), then whole rows.
struct Piece {
  std::string data;
  uint64_t first_byte = 0;   // the input offset that data[0] stands for
  uint64_t first_block = 0;  // Native blocks before it
};

// Reads the input in pieces that end on a row (Native: block) boundary, each with the
// input's header in front. Without a splitter (Values) the input is one piece.
class PieceReader {
 public:
  PieceReader(InputStream* input, const StreamInsertOptions& options)
      : input_(input),
        splitter_(MakeInputSplitter(options.format, options.names, options.types, options.input)),
        read_bytes_(std::max<size_t>(options.read_bytes, 1)) {}

  // Whether the input is read to its end and all of it handed out.
  bool exhausted() const { return eof_ && buffer_.empty(); }

  // The next piece; nullopt at the end of the input.
  absl::StatusOr<std::optional<Piece>> Next() {
    while (true) {
      if (eof_) {
        if (buffer_.empty()) return std::optional<Piece>();
        return std::optional<Piece>(Take(buffer_.size(), 0));
      }
      TALLY_RETURN_IF_ERROR(ReadMore(std::max(read_bytes_, buffer_.size())));
      if (eof_ || splitter_ == nullptr) continue;  // read whole
      if (!header_known_) {
        TALLY_ASSIGN_OR_RETURN(std::optional<size_t> header, splitter_->HeaderSize(buffer_));
        if (!header.has_value()) continue;  // the header goes on: read more
        header_ = buffer_.substr(0, *header);
        buffer_.erase(0, *header);
        consumed_ += *header;
        header_known_ = true;
      }
      uint64_t blocks = 0;
      const size_t whole = splitter_->CompleteRows(buffer_, &blocks);
      if (whole == 0) continue;  // no complete row yet (a long row): read more
      return std::optional<Piece>(Take(whole, blocks));
    }
  }

 private:
  Piece Take(size_t bytes, uint64_t blocks) {
    Piece piece;
    piece.data.reserve(header_.size() + bytes);
    piece.data.append(header_);
    piece.data.append(buffer_, 0, bytes);
    piece.first_byte = consumed_ - header_.size();
    piece.first_block = blocks_;
    buffer_.erase(0, bytes);
    consumed_ += bytes;
    blocks_ += blocks;
    return piece;
  }

  // Reads `bytes` more (fewer at the end of the input). Through a scratch buffer: growing
  // buffer_ by `bytes` up front would zero megabytes for a one-row body.
  absl::Status ReadMore(size_t bytes) {
    if (scratch_ == nullptr) scratch_ = std::make_unique_for_overwrite<char[]>(kScratchBytes);
    size_t got = 0;
    while (got < bytes) {
      TALLY_ASSIGN_OR_RETURN(size_t n, input_->Read(scratch_.get(), std::min(kScratchBytes, bytes - got)));
      if (n == 0) {
        eof_ = true;
        break;
      }
      buffer_.append(scratch_.get(), n);
      got += n;
    }
    return absl::OkStatus();
  }

  static constexpr size_t kScratchBytes = 256 << 10;
  std::unique_ptr<char[]> scratch_;

  InputStream* const input_;
  const std::unique_ptr<InputSplitter> splitter_;
  const size_t read_bytes_;
  std::string buffer_;  // read, not yet in a piece
  std::string header_;
  bool header_known_ = false;
  uint64_t consumed_ = 0;  // input bytes before buffer_
  uint64_t blocks_ = 0;    // Native blocks before buffer_
  bool eof_ = false;
};

// One piece, parsed with its defaults computed; row numbers in an error count from the
// piece's first row (the gatherer offsets them).
absl::StatusOr<Block> ParsePiece(const Piece& piece, const StreamInsertOptions& options,
                                 const format::TableSchema& schema, const QueryParams& params) {
  InputOptions input = options.input;
  input.first_byte = piece.first_byte;
  input.first_block = piece.first_block;
  TALLY_ASSIGN_OR_RETURN(ParsedInput parsed,
                         ParseInputWithPresence(options.format, piece.data, options.names, options.types, input));
  Block block = std::move(parsed.block);
  for (size_t c = 0; c < options.stored_types.size(); ++c) RetypeZones(&block.columns[c], options.stored_types[c]);
  TALLY_RETURN_IF_ERROR(FillDefaults(schema, params, &block, &parsed.omitted));
  return block;
}

}  // namespace

absl::Status StreamInsert(InputStream* input, const StreamInsertOptions& options, const format::TableSchema& schema,
                          const QueryContext& ctx, Database::InsertBatch* batch) {
  PieceReader reader(input, options);
  const size_t threads = std::max<size_t>(options.threads, 1);
  std::deque<std::future<absl::StatusOr<Block>>> parsing;  // in input order
  uint64_t rows_before = 0;
  Block pending;
  bool input_done = false;
  // A full block goes to the batch on its own thread (sorting, views, part writing) while
  // this one parses and gathers the next: one Add at a time, in input order.
  std::future<absl::Status> adding;
  auto add = [&](Block block) -> absl::Status {
    if (adding.valid()) TALLY_RETURN_IF_ERROR(adding.get());
    adding = std::async(std::launch::async, [batch, block = std::move(block)]() mutable {
      return batch->Add(std::move(block));
    });
    return absl::OkStatus();
  };
  // On an early return the futures' destructors wait for their threads, which own
  // their pieces and blocks, so nothing outlives this call.
  while (true) {
    TALLY_RETURN_IF_ERROR(ctx.CheckLimits());
    while (!input_done && parsing.size() < threads) {
      TALLY_ASSIGN_OR_RETURN(std::optional<Piece> piece, reader.Next());
      if (!piece.has_value()) {
        input_done = true;
        break;
      }
      // The whole input in one piece (a small insert) is parsed on this thread when its
      // turn comes: a thread of its own would cost more than the parse.
      const auto policy = parsing.empty() && reader.exhausted() ? std::launch::deferred : std::launch::async;
      parsing.push_back(std::async(policy, [piece = std::move(*piece), &options, &schema, &ctx]() {
        return ParsePiece(piece, options, schema, ctx.params);
      }));
    }
    if (parsing.empty()) break;
    absl::StatusOr<Block> parsed = parsing.front().get();
    parsing.pop_front();
    if (!parsed.ok()) return OffsetRowNumbers(parsed.status(), rows_before);
    Block block = std::move(*parsed);
    rows_before += block.rows();
    if (pending.columns.empty()) {
      pending = std::move(block);
    } else {
      for (size_t c = 0; c < pending.columns.size(); ++c) pending.columns[c].AppendRange(block.columns[c], 0, block.rows());
    }
    size_t bytes = 0;
    for (const Column& c : pending.columns) bytes += c.ByteSize();
    if (pending.rows() >= options.block_rows || bytes >= options.block_bytes) {
      TALLY_RETURN_IF_ERROR(add(std::exchange(pending, Block())));
    }
  }
  if (adding.valid()) TALLY_RETURN_IF_ERROR(adding.get());
  if (pending.rows() > 0) TALLY_RETURN_IF_ERROR(batch->Add(std::move(pending)));
  return absl::OkStatus();
}

}  // namespace tally::engine::sql
