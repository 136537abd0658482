#include "tools/progress_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tally::tools {

namespace {

constexpr absl::Duration kFirstDrawAfter = absl::Milliseconds(500);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr char kEraseLine[] = "\r\033[K";

// Scaled by `step` (1000) into the largest of `units` it reaches, with two decimals; the
// plain number below the first step.
std::string Scaled(double n, const char* const* units, size_t count, const char* plain_unit) {
  if (n < 1000) return absl::StrFormat("%.0f%s", n, plain_unit);
  size_t u = 0;
  n /= 1000;
  while (n >= 1000 && u + 1 < count) {
    n /= 1000;
    ++u;
  }
  return absl::StrFormat("%.2f%s", n, units[u]);
}

void WriteAll(int fd, absl::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;  // a terminal that went away: nothing to show it on
    text.remove_prefix(static_cast<size_t>(n));
  }
}

size_t TerminalWidth(int fd) {
  winsize w{};
  return ::ioctl(fd, TIOCGWINSZ, &w) == 0 ? w.ws_col : 0;
}

}  // namespace

std::string ReadableQuantity(double n) {
  static constexpr const char* kUnits[] = {" thousand", " million", " billion", " trillion", " quadrillion"};
  return Scaled(n, kUnits, std::size(kUnits), "");
}

std::string ReadableBytes(double bytes) {
  static constexpr const char* kUnits[] = {" KB", " MB", " GB", " TB", " PB", " EB"};
  return Scaled(bytes, kUnits, std::size(kUnits), " B");
}

std::string FormatProgressLine(const engine::ProgressValues& v, absl::Duration elapsed, size_t width) {
  const bool writing = v.read_rows == 0 && v.written_rows > 0;
  const double rows = static_cast<double>(writing ? v.written_rows : v.read_rows);
  const double bytes = static_cast<double>(writing ? v.written_bytes : v.read_bytes);
  const double seconds = std::max(absl::ToDoubleSeconds(elapsed), 1e-3);
  std::string line = absl::StrCat("Progress: ", ReadableQuantity(rows), " rows", writing ? " written" : "", ", ",
                                  ReadableBytes(bytes), " (", ReadableQuantity(rows / seconds), " rows/s., ",
                                  ReadableBytes(bytes / seconds), "/s.) ");
  if (!writing && v.total_rows_to_read > 0) {
    const uint64_t percent = std::min<uint64_t>(100, v.read_rows * 100 / v.total_rows_to_read);
    absl::StrAppend(&line, percent, "%, ");
  }
  absl::StrAppend(&line, absl::StrFormat("%.1f s", absl::ToDoubleSeconds(elapsed)));
  if (width > 1 && line.size() > width - 1) line.resize(width - 1);
  return line;
}

ProgressLine::ProgressLine(const engine::QueryProgress* progress, int fd) : progress_(progress), fd_(fd) {}

ProgressLine::~ProgressLine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressLine::Begin() {
  std::lock_guard<std::mutex> lock(mu_);
  active_ = true;
  cleared_statement_ = progress_->statement();  // the last run's: not this run's to show
  if (!thread_.joinable()) {
    thread_ = std::thread([this] { Loop(); });
  } else {
    cv_.notify_all();
  }
}

void ProgressLine::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked();
  cleared_statement_ = progress_->statement();
}

void ProgressLine::End() {
  std::lock_guard<std::mutex> lock(mu_);
  EraseLocked();
  active_ = false;
}

void ProgressLine::EraseLocked() {
  if (!shown_) return;
  WriteAll(fd_, kEraseLine);
  shown_ = false;
}

void ProgressLine::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (!active_) {
      cv_.wait(lock, [&] { return stopping_ || active_; });
      continue;
    }
    if (cv_.wait_for(lock, kRedrawEvery, [&] { return stopping_ || !active_; })) continue;
    const uint64_t statement = progress_->statement();
    const absl::Duration elapsed = absl::Now() - progress_->start();
    if (statement == cleared_statement_ || elapsed < kFirstDrawAfter) continue;
    // Under the lock: Clear and End wait for the line to be whole before erasing it.
    WriteAll(fd_, absl::StrCat(kEraseLine, FormatProgressLine(progress_->Get(), elapsed, TerminalWidth(fd_))));
    shown_ = true;
  }
}

}  // namespace tally::tools
