// WriteResult: a ResultStream written in an output format to a sink, a block at a time:
// the format's prefix, each block as the stream hands it out, then the totals and the
// suffix (JSON's rows and statistics). The text goes to the sink whenever it passes
// flush_bytes and once at the end, so a result of any size needs the memory of a block and
// its text, and a result smaller than flush_bytes reaches the sink in one call, after it
// is complete (a failure then leaves nothing written, as before streaming).
//
// The bytes are those of the whole result written as one block: blocks are joined where a
// format draws or frames each block by itself (OutputFormat::first_block_rows,
// min_block_bytes). The limits (time, cancel) are checked between blocks, after each is
// formatted, and before each flush, so formatting and writing a large result stops at the
// time limit too.
//
// Thread-compatible: one call per stream.
#ifndef TALLY_ENGINE_QUERY_RESULT_WRITER_H_
#define TALLY_ENGINE_QUERY_RESULT_WRITER_H_

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/exec/query_limits.h"
#include "engine/progress.h"
#include "engine/query/result_stream.h"

namespace tally::engine::sql {

struct ResultWriterOptions {
  std::string format;           // an output format's name (engine/exec/output_format.h)
  std::string time_zone = "UTC";  // times without a zone of their own print in it
  const exec::QueryLimits* limits = &exec::QueryLimits::None();
  size_t flush_bytes = size_t{1} << 20;
  QueryProgress* progress = nullptr;  // counts the result rows and bytes, a block at a time
};

absl::Status WriteResult(ResultStream& result, const ResultWriterOptions& options,
                         const std::function<void(absl::string_view)>& sink);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_RESULT_WRITER_H_
