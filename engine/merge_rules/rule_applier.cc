#include "engine/merge_rules/rule_applier.h"

#include "absl/strings/str_cat.h"
#include "engine/sorted_merge.h"
#include "format/status_macros.h"

namespace tally::engine {

Block EmptyLike(const Block& like) {
  Block out;
  for (size_t c = 0; c < like.columns.size(); ++c) out.Add(like.names[c], format::Column::Make(like.columns[c].type));
  return out;
}

bool RuleApplier::SameKey(const Block& a, size_t i, const Block& b, size_t j, size_t first) const {
  for (size_t k = first; k < keys_.size(); ++k) {
    const size_t c = keys_[k];
    // Dictionary indexes compare as values only within one stream's dictionary; a carried
    // row was gathered from that same stream.
    const bool same_dictionary = sorted_[k] && a.columns[c].dictionary == b.columns[c].dictionary;
    if (CompareKeyCell(a.columns[c], i, b.columns[c], j, same_dictionary) != 0) return false;
  }
  return true;
}

absl::Status RuleApplier::EmitReduced(Block reduced, Block* out) {
  rows_dropped_ += DropRows(*rule_, stage_, &reduced);
  if (out->columns.empty()) *out = EmptyLike(reduced);
  for (size_t c = 0; c < reduced.columns.size(); ++c) out->columns[c].AppendRange(reduced.columns[c], 0, reduced.rows());
  return absl::OkStatus();
}

absl::Status RuleApplier::Emit(const Block& rows, absl::Span<const uint32_t> starts, Block* out) {
  Block reduced = EmptyLike(rows);
  TALLY_RETURN_IF_ERROR(rule_->Reduce(rows, starts, &reduced));
  if (reduced.rows() != starts.size() - 1) {
    return absl::InternalError(absl::StrCat("merge rule gave ", reduced.rows(), " rows for ", starts.size() - 1,
                                            " groups of equal keys"));
  }
  groups_ += reduced.rows();
  return EmitReduced(std::move(reduced), out);
}

absl::Status RuleApplier::Consume(const Block& chunk, Block* out) {
  const size_t n = chunk.rows();
  if (n == 0) return absl::OkStatus();
  rows_in_ += n;
  if (!normalizer_.has_value()) normalizer_ = KeyNormalizer::Make(chunk, keys_, sorted_);
  std::vector<uint32_t> starts = {0};
  if (normalizer_->has_value()) {
    chunk_keys_.clear();
    (*normalizer_)->Normalize(chunk, &chunk_keys_);
    const size_t packed = (*normalizer_)->columns();
    for (size_t i = 1; i < n; ++i) {
      if (chunk_keys_[i] != chunk_keys_[i - 1] || (packed < keys_.size() && !SameKey(chunk, i - 1, chunk, i, packed))) {
        starts.push_back(static_cast<uint32_t>(i));
      }
    }
  } else {
    for (size_t i = 1; i < n; ++i) {
      if (!SameKey(chunk, i - 1, chunk, i)) starts.push_back(static_cast<uint32_t>(i));
    }
  }
  starts.push_back(static_cast<uint32_t>(n));
  size_t first_open = 0;  // index into starts of the first group not yet handled
  if (carry_.has_value()) {
    if (SameKey(*carry_, 0, chunk, 0)) {
      // The open group goes on: the carried row, then this chunk's rows of the key.
      Block joined = std::move(*carry_);
      carry_.reset();
      for (size_t c = 0; c < joined.columns.size(); ++c) joined.columns[c].AppendRange(chunk.columns[c], 0, starts[1]);
      const uint32_t joined_starts[] = {0, static_cast<uint32_t>(joined.rows())};
      Block reduced = EmptyLike(chunk);
      TALLY_RETURN_IF_ERROR(rule_->Reduce(joined, joined_starts, &reduced));
      if (reduced.rows() != 1) return absl::InternalError("merge rule did not reduce a group to one row");
      if (starts.size() == 2) {  // the whole chunk is the open group
        carry_ = std::move(reduced);
        return absl::OkStatus();
      }
      groups_ += 1;
      TALLY_RETURN_IF_ERROR(EmitReduced(std::move(reduced), out));
      first_open = 1;
    } else {
      groups_ += 1;
      TALLY_RETURN_IF_ERROR(EmitReduced(std::move(*carry_), out));
      carry_.reset();
    }
  }
  // Groups [first_open, last) are complete; the last stays open.
  const size_t last = starts.size() - 2;
  if (first_open < last) {
    TALLY_RETURN_IF_ERROR(Emit(chunk, absl::MakeConstSpan(starts).subspan(first_open, last - first_open + 1), out));
  }
  Block reduced = EmptyLike(chunk);
  const uint32_t open_starts[] = {starts[last], starts[last + 1]};
  TALLY_RETURN_IF_ERROR(rule_->Reduce(chunk, open_starts, &reduced));
  if (reduced.rows() != 1) return absl::InternalError("merge rule did not reduce a group to one row");
  carry_ = std::move(reduced);
  return absl::OkStatus();
}

absl::Status RuleApplier::Finish(Block* out) {
  if (!carry_.has_value()) return absl::OkStatus();
  groups_ += 1;
  absl::Status s = EmitReduced(std::move(*carry_), out);
  carry_.reset();
  return s;
}

}  // namespace tally::engine
