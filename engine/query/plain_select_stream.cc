#include "engine/query/plain_select_stream.h"

#include <algorithm>
#include <new>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "engine/query/block_rows.h"
#include "engine/query/reorder_window.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

PlainRowReader::PlainRowReader(Source* source, const PlainSelect& select)
    : source_(source),
      names_(select.names),
      outputs_(select.outputs),
      where_(select.where),
      slice_rows_(std::clamp<size_t>(select.slice_rows, 1, kStreamBlockRows)),
      limits_(select.limits) {}

absl::StatusOr<bool> PlainRowReader::Next(Block* out, uint64_t* sequence) {
  while (true) {
    if (next_row_ >= input_rows_) {
      TALLY_RETURN_IF_ERROR(limits_.Check());
      TALLY_ASSIGN_OR_RETURN(bool more, source_->Next(&input_));
      if (!more) return false;
      lent_ = source_->lent_block();
      input_rows_ = (lent_ != nullptr ? *lent_ : input_).rows();
      next_row_ = 0;
      sequence_ = source_->last_sequence();
      continue;
    }
    const Block& input = lent_ != nullptr ? *lent_ : input_;
    const size_t n = std::min(slice_rows_, input_rows_ - next_row_);
    Block slice;
    const Block* rows = &slice;
    if (n < input_rows_) {
      slice = SliceOf(input, next_row_, n);
    } else if (lent_ != nullptr) {
      rows = lent_;
    } else {
      slice = std::move(input_);  // the whole block, not read again
    }
    next_row_ += n;
    if (where_ != nullptr) {
      TALLY_ASSIGN_OR_RETURN(exec::Evaluated mask, where_->Evaluate(*rows, limits_));
      bool all = false;
      TALLY_ASSIGN_OR_RETURN(std::vector<uint32_t> selected, Selected(mask, rows->rows(), &all));
      if (!all) {
        if (selected.empty()) continue;
        slice = Filter(*rows, selected);
        rows = &slice;
      }
    }
    const size_t count = rows->rows();
    out->names = names_;
    out->columns.clear();
    for (const exec::ExpressionPtr& e : outputs_) {
      TALLY_ASSIGN_OR_RETURN(exec::Evaluated v, e->Evaluate(*rows, limits_));
      out->columns.push_back(v.Materialize(count));
    }
    *sequence = sequence_;
    return true;
  }
}

namespace {

uint64_t BlockBytes(const Block& block) {
  uint64_t n = 0;
  for (const format::Column& c : block.columns) n += c.ByteSize();
  return n;
}

// The window's share of the query's memory budget: a quarter, within [1 MiB, 64 MiB].
uint64_t WindowBytes(const exec::QueryLimits& limits) {
  constexpr uint64_t kMin = uint64_t{1} << 20, kMax = uint64_t{64} << 20;
  const uint64_t budget = limits.max_memory_bytes();
  return budget == 0 ? kMax : std::clamp(budget / 4, kMin, kMax);
}

class PlainSelectStream final : public ResultStream {
 public:
  explicit PlainSelectStream(PlainSelect select) : select_(std::move(select)) {
    names_ = select_.names;
    for (const exec::ExpressionPtr& e : select_.outputs) types_.push_back(e->type());
    totals_ = std::move(select_.totals);
    sources_.push_back(std::move(select_.source));
    for (auto& s : sources_[0]->Split(std::max<size_t>(select_.threads, 1))) sources_.push_back(std::move(s));
    skip_ = select_.offset;
    left_ = select_.limit;
  }
  ~PlainSelectStream() override { StopAndJoin(); }

  absl::StatusOr<std::optional<Block>> Next() override {
    if (!status_.ok()) return status_;
    if (done_) return std::optional<Block>();
    absl::StatusOr<std::optional<Block>> next = NextWithinLimit();
    if (!next.ok()) {
      status_ = next.status();
      StopAndJoin();
      return status_;
    }
    if (!next->has_value()) {
      done_ = true;
      StopAndJoin();
      // Sources are read only by their threads, which have ended.
      stats_ = sources_[0]->stats();
      for (size_t i = 1; i < sources_.size(); ++i) {
        stats_.rows_read += sources_[i]->stats().rows_read;
        stats_.rows_returned += sources_[i]->stats().rows_returned;
      }
      if (select_.ctx != nullptr) select_.ctx->stats = stats_;
    }
    return next;
  }

 private:
  // The next block inside OFFSET and LIMIT.
  absl::StatusOr<std::optional<Block>> NextWithinLimit() {
    while (left_ > 0) {
      TALLY_ASSIGN_OR_RETURN(std::optional<Block> block, Pull());
      if (!block.has_value()) return block;
      const size_t rows = block->rows();
      if (skip_ >= rows) {
        skip_ -= rows;
        continue;
      }
      if (skip_ > 0 || rows - skip_ > left_) {
        *block = SliceOf(*block, skip_, std::min<uint64_t>(rows - skip_, left_));
      }
      skip_ = 0;
      left_ -= block->rows();
      return block;
    }
    return std::optional<Block>();
  }

  // The next block in scan order.
  absl::StatusOr<std::optional<Block>> Pull() {
    TALLY_RETURN_IF_ERROR(select_.limits.Check());  // cancelled between two blocks
    if (!started_) Start();
    if (window_ == nullptr) {
      Block block;
      uint64_t sequence = 0;
      TALLY_ASSIGN_OR_RETURN(bool more, reader_->Next(&block, &sequence));
      if (!more) return std::optional<Block>();
      // What the query holds now: this block.
      TALLY_RETURN_IF_ERROR(select_.limits.Check(BlockBytes(block)));
      return std::optional<Block>(std::move(block));
    }
    return window_->Pop([this] { return select_.limits.Check(); });
  }

  void Start() {
    started_ = true;
    if (sources_.size() > 1) {
      window_ = std::make_unique<ReorderWindow>(ReorderWindow::Options{
          .producers = sources_.size(), .max_blocks = 4 * sources_.size(), .max_bytes = WindowBytes(select_.limits)});
      // A thread the system will not start leaves its source unread: the sources of a
      // Split share their work as they go, so the others read its share.
      for (size_t p = 0; p < sources_.size(); ++p) {
        try {
          threads_.emplace_back([this, p] { Produce(p); });
        } catch (const std::system_error&) {
          break;
        }
      }
      for (size_t p = threads_.size(); p < sources_.size(); ++p) window_->Finish(p, absl::OkStatus());
      if (threads_.empty()) window_.reset();  // not one: the caller's thread reads
    }
    if (window_ == nullptr) reader_ = std::make_unique<PlainRowReader>(sources_[0].get(), select_);
  }

  // Thread p: its source's blocks into the window, until the source ends or the window
  // stops. An allocation that fails ends the thread's work with an error, not the process.
  void Produce(size_t p) {
    absl::Status s;
    try {
      s = ProduceBlocks(p);
    } catch (const std::bad_alloc&) {
      s = exec::AllocationFailedError("std::bad_alloc");
    } catch (const std::length_error& e) {
      s = exec::AllocationFailedError(e.what());
    }
    window_->Finish(p, s);
  }

  absl::Status ProduceBlocks(size_t p) {
    Source& source = *sources_[p];
    source.set_claim_listener([this, p](uint64_t sequence) { return window_->Advance(p, sequence); });
    PlainRowReader reader(&source, select_);
    while (true) {
      Block block;
      uint64_t sequence = 0;
      TALLY_ASSIGN_OR_RETURN(bool more, reader.Next(&block, &sequence));
      if (!more) return absl::OkStatus();
      // What the query holds: the blocks waiting and this one (others' are about as big).
      const uint64_t bytes = BlockBytes(block);
      TALLY_RETURN_IF_ERROR(select_.limits.Check(window_->bytes() + bytes));
      if (!window_->Push(p, sequence, std::move(block), bytes)) return absl::OkStatus();
    }
  }

  void StopAndJoin() {
    if (window_ != nullptr) window_->Stop();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

  PlainSelect select_;
  std::vector<std::unique_ptr<Source>> sources_;
  uint64_t skip_ = 0, left_ = UINT64_MAX;
  bool started_ = false, done_ = false;
  absl::Status status_;
  std::unique_ptr<PlainRowReader> reader_;   // one source, read by the caller
  std::unique_ptr<ReorderWindow> window_;    // several, read by threads_
  std::vector<std::thread> threads_;
};

}  // namespace

std::unique_ptr<ResultStream> StreamPlainSelect(PlainSelect select) {
  return std::make_unique<PlainSelectStream>(std::move(select));
}

}  // namespace tally::engine::sql
