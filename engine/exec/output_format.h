// OutputFormat: writes query results in one of ClickHouse's output formats, byte for byte
// as ClickHouse writes them (see docs/formats.md for the list and what was verified).
//
//   WritePrefix()          once, before any block (headers, JSON "meta")
//   WriteBlock(block)      per block, in order; block.columns[i] is names[i]
//   WriteTotals(totals)    at most once, after the blocks: GROUP BY ... WITH TOTALS's row
//                          (an empty line then the row in TabSeparated and CSV, a "totals"
//                          member in JSON, a "Totals:" table in Pretty and Vertical; the
//                          other formats drop it, as ClickHouse's do)
//   WriteSuffix(stats)     once, at the end (JSON "rows"/"statistics", Pretty's
//                          "Showed first" note or "0 rows in set.", PrettyCompactMonoBlock's
//                          single table)
//
// Each call appends text to the `out` string given at creation; the caller flushes and
// clears it between calls as it likes. The formats keep state between calls (row counts,
// Pretty's buffered rows), so one object serves one result.
//
// A result written as several blocks gives the same bytes as written in one, except where
// a format draws or frames each block on its own; then the caller joins blocks as
// first_block_rows() and min_block_bytes() say (Session does, engine/query/result_writer.h).
//
// Not thread-safe; use one object per result from one thread.
#ifndef TALLY_ENGINE_EXEC_OUTPUT_FORMAT_H_
#define TALLY_ENGINE_EXEC_OUTPUT_FORMAT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/block.h"
#include "format/types.h"

namespace tally::engine {

struct OutputStats {
  uint64_t rows = 0;  // informational; formats count the rows they wrote themselves
  uint64_t rows_read = 0;
  uint64_t bytes_read = 0;
  double elapsed_s = 0;
};

// ClickHouse settings that change the output. The defaults are ClickHouse's before 24.4,
// which is what the brief and most clients expect; later releases changed a few (noted).
struct OutputOptions {
  bool json_quote_64bit_integers = true;    // 25.8 made 0 the default
  bool json_quote_denormals = false;        // nan/inf as "nan"/"inf" instead of null
  bool json_escape_forward_slashes = true;
  bool write_statistics = true;             // the JSON "statistics" object
  bool pretty_row_numbers = false;          // 24.4 made 1 the default
  uint64_t pretty_max_rows = 10000;         // 25.2 made 1000 the default
  uint64_t pretty_max_column_pad_width = 250;
  uint64_t pretty_max_value_width = 10000;  // longer values are cut with "⋯"
  // Pretty formats print "0 rows in set." for an empty result, as ClickHouse's interactive
  // client does, so that a person at a terminal sees that the query ran. ClickHouse prints
  // nothing there in scripts (clickhouse-local --query, chDB); Pretty is for people, and
  // scripts that parse output use the other formats, which stay silent.
  bool pretty_say_empty = true;
  // Native: the client_protocol_version an HTTP client sent (0: none). Above 0 each block
  // starts with a BlockInfo; below 54405 LowCardinality is sent as its plain type; from
  // 54454 each column carries a has_custom_serialization byte (always 0 here).
  uint64_t native_client_protocol_version = 0;
};

class OutputFormat {
 public:
  virtual ~OutputFormat();
  virtual void WritePrefix() = 0;
  virtual void WriteBlock(const Block& block) = 0;
  // A format that cannot show totals ignores them.
  virtual void WriteTotals(const Block& totals) { (void)totals; }
  virtual void WriteSuffix(const OutputStats& stats) = 0;

  // Rows the first WriteBlock should hold (all there are, when fewer). Pretty and
  // PrettyCompact draw a table per block, padding each column to the widest value of that
  // block, and show pretty_max_rows rows in all: their first block must hold every row
  // that shows to draw the one table a whole result gives. Later blocks only count.
  virtual uint64_t first_block_rows() const { return 0; }
  // Native frames each block (its columns' names, types and sizes): smaller blocks are
  // joined up to this many bytes first, so a result up to this size is one frame.
  virtual uint64_t min_block_bytes() const { return 0; }
};

// Formats (names case-sensitive, as in ClickHouse):
//   TabSeparated (TSV), TabSeparatedWithNames (TSVWithNames), TabSeparatedWithNamesAndTypes
//   (TSVWithNamesAndTypes), TabSeparatedRaw (TSVRaw, Raw) and its WithNames[AndTypes],
//   CSV, CSVWithNames, CSVWithNamesAndTypes, JSON, JSONCompact, JSONEachRow (JSONLines,
//   NDJSON), JSONCompactEachRow, Pretty, PrettyCompact, PrettyMonoBlock,
//   PrettyCompactMonoBlock (and the *NoEscapes spellings), Vertical, Values, Null,
//   RowBinary, RowBinaryWithNames, RowBinaryWithNamesAndTypes, Native,
//   JSONCompactEachRowWithNames, JSONCompactEachRowWithNamesAndTypes.
// InvalidArgument for an unknown name or when names and types differ in length;
// Unimplemented for an AggregateFunction column in a binary format.
absl::StatusOr<std::unique_ptr<OutputFormat>> MakeOutputFormat(
    absl::string_view name, const std::vector<std::string>& names,
    const std::vector<format::DataTypePtr>& types, std::string* out);
absl::StatusOr<std::unique_ptr<OutputFormat>> MakeOutputFormat(
    absl::string_view name, const std::vector<std::string>& names,
    const std::vector<format::DataTypePtr>& types, std::string* out,
    const OutputOptions& options);

// Whether `name` is an output format MakeOutputFormat knows.
bool IsOutputFormat(absl::string_view name);

}  // namespace tally::engine

#endif  // TALLY_ENGINE_EXEC_OUTPUT_FORMAT_H_
