// Streaming INSERT ... FORMAT: the data comes from an InputStream (stdin, an HTTP body)
// and may be far larger than memory. It is read in pieces that end on a row (Native:
// block) boundary, each with the input's header in front (InputSplitter), each piece parsed (and its DEFAULT columns computed) on its own
// thread, up to max_threads at once, while the calling thread gathers the parsed pieces
// in input order into blocks of min_insert_block_size_rows/bytes and hands them to one
// InsertBatch, which writes their parts as it goes. Nothing is visible until the caller
// commits the batch; on any error the caller drops it and nothing is stored.
//
// One call per insert; not synchronized beyond that.
#ifndef TALLY_ENGINE_QUERY_INSERT_STREAM_H_
#define TALLY_ENGINE_QUERY_INSERT_STREAM_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/database.h"
#include "engine/exec/input_format.h"
#include "engine/query/select.h"
#include "format/table_schema.h"

namespace tally::engine::sql {

// The data of an INSERT ... FORMAT that is not inline in the query, read as needed.
class InputStream {
 public:
  virtual ~InputStream() = default;
  // Up to `n` bytes into `buf`; 0 at the end.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
};

// An InputStream over bytes in memory.
class StringInputStream : public InputStream {
 public:
  explicit StringInputStream(absl::string_view data) : data_(data) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

 private:
  absl::string_view data_;
};

struct StreamInsertOptions {
  std::string format;                 // an input format name
  std::vector<std::string> names;     // the columns the data holds, in order
  std::vector<format::DataTypePtr> types;         // as parsed (time zones may differ)
  std::vector<format::DataTypePtr> stored_types;  // the table's; empty = `types`
  size_t read_bytes = size_t{16} << 20;      // max_read_buffer_size
  size_t block_rows = size_t{1} << 20;       // min_insert_block_size_rows
  size_t block_bytes = size_t{256} << 20;    // min_insert_block_size_bytes
  size_t threads = 1;                        // pieces parsed at once
  InputOptions input;                        // first_row is set per piece
};

// Reads all of `input` into `batch` (not committed). `ctx` gives limits and parameters.
absl::Status StreamInsert(InputStream* input, const StreamInsertOptions& options, const format::TableSchema& schema,
                          const QueryContext& ctx, Database::InsertBatch* batch);

}  // namespace tally::engine::sql

#endif  // TALLY_ENGINE_QUERY_INSERT_STREAM_H_
