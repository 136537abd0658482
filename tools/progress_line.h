// ProgressLine: `tally local`'s live progress on a terminal, as clickhouse-client shows
// it. While a statement has run for more than half a second, one line on stderr, redrawn
// about every 100 ms with a carriage return and an ANSI clear-line:
//
//   Progress: 12.35 million rows, 1.23 GB (4.11 million rows/s., 410.00 MB/s.) 45%, 3.0 s
//
// (rows read, or rows written for a statement that has read none, such as an INSERT of
// data; the percentage when the rows to read are known). It is erased before the
// statement's output is printed and when the statement ends, so that it never mixes with
// results or errors. The caller makes one only when stderr is a terminal.
//
// Thread-safe: a drawing thread of its own (started by the first Begin); Begin, Clear and
// End come from the thread running the statements.
#ifndef TALLY_TOOLS_PROGRESS_LINE_H_
#define TALLY_TOOLS_PROGRESS_LINE_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "engine/query/session.h"

namespace tally::tools {

class ProgressLine {
 public:
  // Draws the counts of `progress` (a Session's, which must outlive this) on `fd`.
  ProgressLine(const engine::QueryProgress* progress, int fd);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Statements are running from now until End: draw their progress.
  void Begin();
  // Erases the line now, and draws no more for the statement running (its output is
  // about to be printed).
  void Clear();
  // The statements ended: erases the line and draws no more until the next Begin.
  void End();

 private:
  void Loop();
  void EraseLocked();

  const engine::QueryProgress* const progress_;
  const int fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool active_ = false;
  bool stopping_ = false;
  bool shown_ = false;                 // a line is on the screen
  // Not drawn: the statement Clear()ed (its output is printed), or the last one before
  // Begin (a run's first statement may still be parsing).
  uint64_t cleared_statement_ = 0;
  std::thread thread_;
};

// The line for counts `v` after `elapsed` (without the carriage return), at most
// `width` - 1 characters when width > 0 (a wrapped line could not be redrawn in place).
std::string FormatProgressLine(const engine::ProgressValues& v, absl::Duration elapsed, size_t width = 0);
// ClickHouse's readable quantities: 123, 12.35 thousand, 4.11 million, ...; bytes in
// decimal units: 123 B, 1.23 KB, 410.00 MB, 1.23 GB, ...
std::string ReadableQuantity(double n);
std::string ReadableBytes(double bytes);

}  // namespace tally::tools

#endif  // TALLY_TOOLS_PROGRESS_LINE_H_
