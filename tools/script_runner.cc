#include "tools/script_runner.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/sql/lexer.h"

namespace tally::tools {

absl::StatusOr<size_t> FileInputStream::Read(char* buf, size_t n) {
  if (file_ == nullptr) return 0;
  size_t got = std::fread(buf, 1, n, file_);
  if (got < n && std::ferror(file_)) return absl::DataLossError("reading standard input failed");
  return got;
}

namespace {

// The data of an INSERT ... FORMAT in a script: what followed the format name on its line,
// then the rest of the file, read as the insert needs it.
class ScriptDataStream : public engine::sql::InputStream {
 public:
  ScriptDataStream(std::string head, std::FILE* rest) : head_(std::move(head)), rest_(rest) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (pos_ < head_.size()) {
      size_t got = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, got);
      pos_ += got;
      return got;
    }
    return rest_.Read(buf, n);
  }

 private:
  std::string head_;
  size_t pos_ = 0;
  FileInputStream rest_;
};

// Cuts a script read line by line into what runs next (the rules are in the header; the
// caller checks empty() for a dot-command). With insert_data_follows, INSERT ... FORMAT
// name ends the SQL; without, the data is lexed like SQL and ends at a ';'. Each line is
// lexed once, except that a string or comment left open is lexed again with the next line.
class ScriptSplitter {
 public:
  enum class State {
    kEmpty,       // nothing but blanks and comments since the last Clear()
    kIncomplete,  // a statement has begun and not ended
    kComplete,    // sql() is whole statements
    kInsertData,  // sql() ends with INSERT ... FORMAT name; inline_data() begins its data
  };

  explicit ScriptSplitter(bool insert_data_follows) : insert_data_follows_(insert_data_follows) {}

  // `line` without its line break.
  State AddLine(absl::string_view line) {
    absl::StrAppend(&text_, line, "\n");
    engine::sql::Lexer lexer(absl::string_view(text_).substr(scanned_));
    Scan scan = scan_;
    while (true) {
      const engine::sql::Token t = lexer.Next();
      if (t.kind == engine::sql::TokenKind::kEnd) break;
      if (t.kind == engine::sql::TokenKind::kError) {
        if (absl::StartsWith(t.error, "unterminated")) return State::kIncomplete;  // more lines may close it
        // The session will report it; until then a line ending in ';' ends the statement.
        return absl::EndsWith(absl::StripTrailingAsciiWhitespace(line), ";") ? State::kComplete
                                                                             : State::kIncomplete;
      }
      if (Step(t, &scan)) {
        sql_end_ = scanned_ + t.end;
        return State::kInsertData;
      }
    }
    scanned_ = text_.size();
    scan_ = scan;
    if (!scan.any_token) return State::kEmpty;
    return scan.last_semicolon ? State::kComplete : State::kIncomplete;
  }

  bool empty() const { return text_.empty(); }
  void Clear() { *this = ScriptSplitter(insert_data_follows_); }

  // The SQL to run: all that was added, or up to the format name after kInsertData.
  absl::string_view sql() const { return absl::string_view(text_).substr(0, sql_end_); }

  // After kInsertData: what followed the format name, less the blanks and the one line
  // break after it (as the parser takes INSERT data).
  std::string inline_data() const {
    size_t i = sql_end_;
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t')) ++i;
    if (i < text_.size() && text_[i] == '\r') ++i;
    if (i < text_.size() && text_[i] == '\n') ++i;
    return text_.substr(i);
  }

 private:
  struct Scan {
    bool any_token = false;
    bool last_semicolon = false;
    bool statement_start = true;
    enum { kNone, kInsertHeader, kFormatName } insert = kNone;
    int depth = 0;  // brackets in an INSERT header: (columns)
  };

  // Takes one token; true when it is the format name that starts INSERT data.
  bool Step(const engine::sql::Token& t, Scan* s) const {
    using engine::sql::IsKeyword;
    using engine::sql::TokenKind;
    s->any_token = true;
    s->last_semicolon = t.kind == TokenKind::kSemicolon;
    if (s->insert == Scan::kFormatName &&
        (t.kind == TokenKind::kBareWord || t.kind == TokenKind::kQuotedIdentifier)) {
      return true;
    }
    if (t.kind == TokenKind::kSemicolon) {
      *s = Scan{.any_token = true, .last_semicolon = true};
      return false;
    }
    if (s->statement_start) {
      s->statement_start = false;
      s->insert = IsKeyword(t, "INSERT") ? Scan::kInsertHeader : Scan::kNone;
      return false;
    }
    if (s->insert != Scan::kInsertHeader) {
      s->insert = Scan::kNone;  // a misplaced format name: the parser says so
      return false;
    }
    if (t.kind == TokenKind::kLParen || t.kind == TokenKind::kLBracket || t.kind == TokenKind::kLBrace) {
      ++s->depth;
    } else if (t.kind == TokenKind::kRParen || t.kind == TokenKind::kRBracket || t.kind == TokenKind::kRBrace) {
      --s->depth;
    } else if (s->depth == 0 && IsKeyword(t, "FORMAT")) {
      // Interactively the data is lexed like SQL and ends at a ';'.
      s->insert = insert_data_follows_ ? Scan::kFormatName : Scan::kNone;
    } else if (s->depth == 0 && (IsKeyword(t, "VALUES") || IsKeyword(t, "SELECT") || IsKeyword(t, "WITH"))) {
      s->insert = Scan::kNone;  // VALUES data ends at a ';' like SQL
    }
    return false;
  }

  bool insert_data_follows_;
  std::string text_;
  size_t scanned_ = 0;  // text_ up to here is lexed into scan_
  Scan scan_;
  size_t sql_end_ = std::string::npos;
};

}  // namespace

int RunScript(bool interactive, const RunPiece& run) {
  engine::sql::StringInputStream no_input("");
  ScriptSplitter splitter(/*insert_data_follows=*/!interactive);
  char* buf = nullptr;
  size_t cap = 0;
  auto give_back = absl::MakeCleanup([&] { std::free(buf); });
  while (true) {
    if (interactive) {
      std::printf(splitter.empty() ? "tally> " : "    -> ");
      std::fflush(stdout);
    }
    ssize_t len = getline(&buf, &cap, stdin);
    if (len < 0) break;
    absl::string_view line(buf, len);
    absl::ConsumeSuffix(&line, "\n");
    absl::ConsumeSuffix(&line, "\r");
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (splitter.empty()) {
      if (trimmed == ".quit" || trimmed == ".exit" || trimmed == "exit" || trimmed == "quit") break;
      if (absl::StartsWith(trimmed, ".")) {
        if (!run(trimmed, &no_input) && !interactive) return 1;
        continue;
      }
    }
    switch (splitter.AddLine(line)) {
      case ScriptSplitter::State::kEmpty:
        splitter.Clear();
        break;
      case ScriptSplitter::State::kIncomplete:
        break;
      case ScriptSplitter::State::kComplete:
        if (!run(splitter.sql(), &no_input) && !interactive) return 1;
        splitter.Clear();
        break;
      case ScriptSplitter::State::kInsertData: {
        ScriptDataStream data(splitter.inline_data(), stdin);
        return run(splitter.sql(), &data) ? 0 : 1;
      }
    }
  }
  if (!splitter.empty() && !run(splitter.sql(), &no_input) && !interactive) return 1;
  if (interactive) std::printf("\n");
  return 0;
}

}  // namespace tally::tools
