#include "engine/query/result_writer.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "engine/exec/output_format.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"

namespace tally::engine::sql {

namespace {

uint64_t BlockBytes(const Block& block) {
  uint64_t n = 0;
  for (const format::Column& c : block.columns) n += c.ByteSize();
  return n;
}

void Append(const Block& from, Block* to) {
  for (size_t c = 0; c < to->columns.size(); ++c) {
    to->columns[c].AppendRange(from.columns[c], 0, from.rows());
  }
}

}  // namespace

absl::Status WriteResult(ResultStream& result, const ResultWriterOptions& options,
                         const std::function<void(absl::string_view)>& sink) {
  const exec::QueryLimits& limits = *options.limits;
  std::vector<format::DataTypePtr> types = result.types();
  // Times without a zone of their own print in the session's zone.
  const bool zoned = options.time_zone != "UTC";
  if (zoned) {
    for (format::DataTypePtr& t : types) t = WithDefaultZone(t, options.time_zone);
  }
  auto retype = [&](Block* block) {
    if (!zoned) return;
    for (size_t c = 0; c < block->columns.size(); ++c) RetypeZones(&block->columns[c], types[c]);
  };
  std::string buffer;
  TALLY_ASSIGN_OR_RETURN(std::unique_ptr<OutputFormat> out,
                         MakeOutputFormat(options.format, result.names(), types, &buffer));
  out->WritePrefix();
  const uint64_t first_rows = out->first_block_rows(), min_bytes = out->min_block_bytes();
  uint64_t rows = 0;
  auto write = [&](const Block& block) {
    out->WriteBlock(block);
    rows += block.rows();
    if (options.progress != nullptr) options.progress->AddResult(block.rows(), BlockBytes(block));
    if (buffer.size() >= options.flush_bytes) {
      sink(buffer);
      buffer.clear();
    }
  };
  // Rows the format takes only together (see OutputFormat::first_block_rows).
  std::optional<Block> pending;
  uint64_t pending_bytes = 0;
  auto ready = [&](const Block& block, uint64_t bytes) {
    return (rows > 0 || block.rows() >= first_rows) && bytes >= min_bytes;
  };
  while (true) {
    // After the previous block was formatted and flushed: the limits hold while writing.
    TALLY_RETURN_IF_ERROR(limits.Check());
    TALLY_ASSIGN_OR_RETURN(std::optional<Block> block, result.Next());
    if (!block.has_value()) break;
    retype(&*block);
    const uint64_t bytes = min_bytes > 0 ? BlockBytes(*block) : 0;
    if (!pending.has_value()) {
      if (ready(*block, bytes)) {
        write(*block);
      } else {
        pending = std::move(block);
        pending_bytes = bytes;
      }
      continue;
    }
    Append(*block, &*pending);
    pending_bytes += bytes;
    if (ready(*pending, pending_bytes)) {
      write(*pending);
      pending.reset();
    }
  }
  if (pending.has_value()) write(*pending);
  if (result.totals().has_value()) {
    Block totals = *result.totals();
    retype(&totals);
    out->WriteTotals(totals);
  }
  OutputStats stats;
  stats.rows = rows;
  stats.rows_read = result.stats().rows_read;
  out->WriteSuffix(stats);
  TALLY_RETURN_IF_ERROR(limits.Check());
  sink(buffer);
  return absl::OkStatus();
}

}  // namespace tally::engine::sql
