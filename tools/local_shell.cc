#include "tools/local_shell.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/sql/ddl.h"
#include "engine/sql/lexer.h"
#include "engine/exec/text_format.h"
#include "format/status_macros.h"
#include "server/error_codes.h"
#include "tests/metering_data.h"
#include "tools/script_runner.h"

namespace tally::tools {

namespace {

constexpr char kHelp[] =
    "tally local: commands\n"
    "  .tables                 list tables\n"
    "  .schema TABLE           the CREATE TABLE statement of a table\n"
    "  .parts TABLE            the table's parts: partition, rows, granules, bytes\n"
    "  .check TABLE            read every byte of the table and verify all checksums\n"
    "  .head TABLE [N]         the first N rows (default 10), TabSeparatedWithNames\n"
    "  .demo TABLE ROWS [SEED] create a metering table (if missing) and insert generated events\n"
    "                          (random unless SEED is given)\n"
    "  .recovery               what opening the data directory repaired\n"
    "  .help                   this text\n"
    "  .quit                   leave\n"
    "Anything else is SQL (ClickHouse dialect); statements end with ';'.\n";

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  if (bytes < (1 << 20)) return absl::StrFormat("%.1f KiB", bytes / 1024.0);
  if (bytes < (1ull << 30)) return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  return absl::StrFormat("%.2f GiB", bytes / 1073741824.0);
}

// The session Ctrl-C cancels in the interactive shell. Session::Cancel only stores to a
// lock-free atomic, which a signal handler may do.
engine::sql::Session* g_interrupt_session = nullptr;

}  // namespace

void LocalShell::Print(absl::string_view text) { std::fwrite(text.data(), 1, text.size(), out_); }

absl::Status LocalShell::Execute(absl::string_view text, absl::string_view input) {
  engine::sql::StringInputStream stream(input);
  return Execute(text, &stream);
}

absl::Status LocalShell::Execute(absl::string_view text, engine::sql::InputStream* input) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (trimmed.empty()) return absl::OkStatus();
  if (trimmed[0] == '.') {
    for (absl::string_view line : absl::StrSplit(trimmed, absl::ByAnyChar(";\n"), absl::SkipWhitespace())) {
      TALLY_RETURN_IF_ERROR(DotCommand(line));
    }
    return absl::OkStatus();
  }
  if (progress_line_ == nullptr) return session_.Execute(text, input, [this](absl::string_view out) { Print(out); });
  progress_line_->Begin();
  absl::Status s = session_.Execute(text, input, [this](absl::string_view out) {
    progress_line_->Clear();
    Print(out);
  });
  progress_line_->End();
  return s;
}

absl::Status LocalShell::DotCommand(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line);
  while (absl::ConsumeSuffix(&line, ";")) line = absl::StripAsciiWhitespace(line);
  if (line.empty()) return absl::OkStatus();
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
  const std::string& cmd = words[0];
  auto arg = [&](size_t i) -> absl::StatusOr<std::string> {
    if (i >= words.size()) return absl::InvalidArgumentError(absl::StrCat(cmd, ": missing argument ", i));
    return words[i];
  };
  auto number = [&](size_t i, uint64_t fallback) -> absl::StatusOr<uint64_t> {
    if (i >= words.size()) return fallback;
    uint64_t v;
    if (!absl::SimpleAtoi(words[i], &v)) {
      return absl::InvalidArgumentError(absl::StrCat(cmd, ": '", words[i], "' is not a number"));
    }
    return v;
  };
  if (cmd == ".help") {
    Print(kHelp);
    return absl::OkStatus();
  }
  if (cmd == ".tables") return Tables();
  if (cmd == ".recovery") return Recovery();
  if (cmd == ".schema") {
    TALLY_ASSIGN_OR_RETURN(std::string t, arg(1));
    return Schema(t);
  }
  if (cmd == ".parts") {
    TALLY_ASSIGN_OR_RETURN(std::string t, arg(1));
    return Parts(t);
  }
  if (cmd == ".check") {
    TALLY_ASSIGN_OR_RETURN(std::string t, arg(1));
    return Check(t);
  }
  if (cmd == ".head") {
    TALLY_ASSIGN_OR_RETURN(std::string t, arg(1));
    TALLY_ASSIGN_OR_RETURN(uint64_t n, number(2, 10));
    return Head(t, n);
  }
  if (cmd == ".demo") {
    TALLY_ASSIGN_OR_RETURN(std::string t, arg(1));
    TALLY_ASSIGN_OR_RETURN(uint64_t n, number(2, 1000000));
    // Seeded by the clock unless a seed is given (the README tour gives one, to print
    // the same answers everywhere).
    const uint64_t clock = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    TALLY_ASSIGN_OR_RETURN(uint64_t seed, number(3, clock));
    return Demo(t, n, seed);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown command '", cmd, "' (try .help)"));
}

absl::Status LocalShell::Tables() {
  for (const std::string& t : db_->ListTables()) Print(absl::StrCat(t, "\n"));
  return absl::OkStatus();
}

absl::Status LocalShell::Schema(const std::string& table) {
  TALLY_ASSIGN_OR_RETURN(format::TableSchema schema, db_->GetSchema(table));
  Print(absl::StrCat(engine::sql::CreateTableStatement(table, schema), "\n"));
  return absl::OkStatus();
}

absl::Status LocalShell::Parts(const std::string& table) {
  TALLY_ASSIGN_OR_RETURN(auto parts, db_->ListParts(table));
  std::string out = "partition\tpart\trows\tgranules\tbytes_on_disk\n";
  uint64_t rows = 0, bytes = 0;
  for (const engine::PartInfo& p : parts) {
    absl::StrAppend(&out, p.partition_id, "\t", p.name, "\t", p.rows, "\t", p.granules, "\t", p.bytes_on_disk, "\n");
    rows += p.rows;
    bytes += p.bytes_on_disk;
  }
  absl::StrAppend(&out, "-- ", parts.size(), parts.size() == 1 ? " part, " : " parts, ", rows, " rows, ", HumanBytes(bytes), " on disk",
                  rows > 0 ? absl::StrFormat(" (%.2f bytes/row)", static_cast<double>(bytes) / rows) : "", "\n");
  Print(out);
  return absl::OkStatus();
}

absl::Status LocalShell::Check(const std::string& table) {
  TALLY_RETURN_IF_ERROR(db_->CheckTable(table));
  Print(absl::StrCat(table, ": all checksums verified\n"));
  return absl::OkStatus();
}

absl::Status LocalShell::Head(const std::string& table, uint64_t limit) {
  TALLY_ASSIGN_OR_RETURN(auto cursor, db_->Scan(table, {}));
  engine::Block block;
  bool header = false;
  uint64_t printed = 0;
  std::string out;
  while (printed < limit) {
    TALLY_ASSIGN_OR_RETURN(bool more, cursor->Next(&block));
    if (!more) break;
    if (!header) {
      absl::StrAppend(&out, absl::StrJoin(block.names, "\t"), "\n");
      header = true;
    }
    for (size_t r = 0; r < block.rows() && printed < limit; ++r, ++printed) {
      for (size_t c = 0; c < block.columns.size(); ++c) {
        if (c > 0) out.push_back('\t');
        engine::AppendTsvValue(block.columns[c], r, &out);
      }
      out.push_back('\n');
    }
  }
  Print(out);
  return absl::OkStatus();
}

absl::Status LocalShell::Demo(const std::string& table, uint64_t rows, uint64_t seed) {
  TALLY_RETURN_IF_ERROR(db_->CreateTable(table, testing_data::MeteringSchema(), /*if_not_exists=*/true));
  auto start = std::chrono::steady_clock::now();
  constexpr uint64_t kBatch = 1000000;
  for (uint64_t done = 0; done < rows; done += kBatch) {
    uint64_t n = std::min(kBatch, rows - done);
    TALLY_RETURN_IF_ERROR(db_->Insert(table, testing_data::MeteringBlock(n, seed + done)));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Print(absl::StrFormat("inserted %d rows into %s in %.2f s (generation included)\n", rows, table, secs));
  return absl::OkStatus();
}

absl::Status LocalShell::Recovery() {
  const engine::RecoveryReport& r = db_->recovery();
  if (r.events.empty()) Print("opened cleanly: nothing to recover\n");
  for (const std::string& e : r.events) Print(absl::StrCat(e, "\n"));
  return absl::OkStatus();
}

namespace {

// Splits SQL text into statements at top-level ';' for --time, which times each one.
// An INSERT takes the rest of the text: its data (VALUES or FORMAT) is not SQL, and the
// session finds where it ends. Text the lexer rejects is left whole for the session to
// report. Dot-commands are one piece.
std::vector<absl::string_view> SplitStatements(absl::string_view text) {
  std::vector<absl::string_view> out;
  if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(text), ".")) return {text};
  engine::sql::Lexer lexer(text);
  size_t start = 0;
  bool first = true;  // the next significant token starts a statement
  while (true) {
    engine::sql::Token t = lexer.Next();
    if (t.kind == engine::sql::TokenKind::kEnd) break;
    if (t.kind == engine::sql::TokenKind::kError ||
        (first && t.kind == engine::sql::TokenKind::kBareWord && absl::EqualsIgnoreCase(t.text, "INSERT"))) {
      out.push_back(text.substr(start));
      return out;
    }
    if (t.kind == engine::sql::TokenKind::kSemicolon) {
      if (!first) out.push_back(text.substr(start, t.end - start));
      start = t.end;
      first = true;
      continue;
    }
    first = false;
  }
  if (!first) out.push_back(text.substr(start));
  return out;
}

}  // namespace

void WarnAboutDetached(const engine::Database& db) {
  std::vector<engine::DetachedPartInfo> detached = db.ListAllDetached();
  std::erase_if(detached, [](const engine::DetachedPartInfo& d) { return d.on_purpose(); });  // no warning
  if (detached.empty()) return;
  std::fprintf(stderr, "warning: %zu %s set aside in detached/, not served by queries:\n", detached.size(),
               detached.size() == 1 ? "part is" : "parts are");
  for (const engine::DetachedPartInfo& d : detached) {
    std::fprintf(stderr, "  %s%s%s: %s%s%s\n", d.table.empty() ? "" : "table ", d.table.c_str(),
                 d.table.empty() ? d.path.c_str() : absl::StrCat(" ", d.name).c_str(), d.kind.c_str(),
                 d.message.empty() ? "" : ": ", d.message.c_str());
  }
  std::fprintf(stderr,
               "  (SELECT * FROM system.detached_parts; ALTER TABLE t ATTACH PART 'name' to serve one again, "
               "ALTER TABLE t DROP DETACHED PART 'name' SETTINGS allow_drop_detached = 1 to delete it)\n");
}

int RunLocal(int argc, char** argv) {
  std::string data_dir = "./data";
  std::vector<std::string> queries;
  std::string format;
  bool print_time = false;
  bool read_only = false;
  std::vector<std::pair<std::string, std::string>> params;
  for (int i = 0; i < argc; ++i) {
    absl::string_view a = argv[i];
    if ((a == "--data" || a == "--path") && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (absl::ConsumePrefix(&a, "--data=") || absl::ConsumePrefix(&a, "--path=")) {
      data_dir = std::string(a);
    } else if ((a == "--query" || a == "-q") && i + 1 < argc) {
      queries.push_back(argv[++i]);
    } else if (absl::ConsumePrefix(&a, "--query=")) {
      queries.push_back(std::string(a));
    } else if ((a == "--format" || a == "--output-format") && i + 1 < argc) {
      format = argv[++i];
    } else if (absl::ConsumePrefix(&a, "--format=") || absl::ConsumePrefix(&a, "--output-format=")) {
      format = std::string(a);
    } else if (absl::ConsumePrefix(&a, "--param_")) {
      size_t eq = a.find('=');
      if (eq != absl::string_view::npos) {
        params.emplace_back(std::string(a.substr(0, eq)), std::string(a.substr(eq + 1)));
      } else if (i + 1 < argc) {
        params.emplace_back(std::string(a), argv[++i]);
      } else {
        std::fprintf(stderr, "tally local: --param_%s needs a value\n", std::string(a).c_str());
        return 2;
      }
    } else if (a == "--time" || a == "-t") {
      print_time = true;
    } else if (a == "--readonly" || a == "--read-only") {
      read_only = true;
    } else if (a == "--multiquery" || a == "-n") {
      // Always on: statements are separated by ';'.
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: tally local [--data DIR] [--query SQL] [--format FORMAT] [--param_NAME=VALUE] [--time]\n"
          "                   [--readonly]\n"
          "  SQL comes from --query or, without it, from stdin; with --query, stdin feeds\n"
          "  INSERT ... FORMAT statements. Output is PrettyCompact on a terminal, else TabSeparated.\n"
          "  --time prints each statement's elapsed seconds to stderr, one line per statement.\n"
          "  On a terminal, a statement running over half a second shows a progress line on\n"
          "  stderr (rows, bytes, their rates, elapsed), erased before its output.\n"
          "  The interactive shell merges parts in the background; scripted runs do not\n"
          "  (OPTIMIZE TABLE t merges on demand).\n"
          "  One process writes a data directory at a time; --readonly opens it without the\n"
          "  lock and writes nothing (beside a running writer, or on read-only media).\n\n%s",
          kHelp);
      return 0;
    } else {
      std::fprintf(stderr, "tally local: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  const bool interactive = isatty(STDIN_FILENO);
  // An interactive shell lives long enough for merges to matter (inserts typed one by one
  // would pile up parts); a scripted run keeps exactly the parts it wrote, and OPTIMIZE
  // TABLE merges them when asked.
  engine::DatabaseOptions options;
  options.background_merges = interactive && queries.empty() && !read_only;
  options.read_only = read_only;
  auto db = engine::Database::Open(data_dir, options);
  if (!db.ok()) {
    std::fprintf(stderr, "tally local: cannot open %s: %s\n", data_dir.c_str(),
                 db.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    if (!read_only && (absl::IsFailedPrecondition(db.status()) || absl::IsPermissionDenied(db.status()))) {
      std::fprintf(stderr, "tally local: to read it anyway, add --readonly\n");
    }
    return 1;
  }
  for (const std::string& e : (*db)->recovery().events) std::fprintf(stderr, "recovery: %s\n", e.c_str());
  WarnAboutDetached(**db);
  LocalShell shell(db->get(), stdout);
  // On a terminal, as clickhouse-local does; never when stderr is piped or a file.
  if (isatty(STDERR_FILENO)) shell.ShowProgress(STDERR_FILENO);
  shell.session().set_default_format(!format.empty() ? format : isatty(STDOUT_FILENO) ? "PrettyCompact" : "TabSeparated");
  for (auto& [name, value] : params) shell.session().SetParameter(name, value);
  auto run_one = [&](absl::string_view text, engine::sql::InputStream* input) -> bool {
    auto start = std::chrono::steady_clock::now();
    absl::Status s = shell.Execute(text, input);
    std::fflush(stdout);
    if (!s.ok()) {
      // As clickhouse-local prints it: the code and name scripts match on, then the message.
      std::fputs(server::ErrorBody(server::ErrorFor(s), s.message()).c_str(), stderr);
      return false;
    }
    if (print_time) {
      // Output is written and flushed before the clock stops, as clickhouse-local does.
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "%.6f\n", secs);
    }
    return true;
  };
  auto run = [&](absl::string_view text, engine::sql::InputStream* input) -> bool {
    if (!print_time) return run_one(text, input);
    for (absl::string_view st : SplitStatements(text)) {
      if (!run_one(st, input)) return false;
    }
    return true;
  };
  if (!queries.empty()) {
    // INSERT data on stdin is read as the insert needs it, not all at once.
    FileInputStream stdin_stream(interactive ? nullptr : stdin);
    for (const std::string& q : queries) {
      if (!run(q, &stdin_stream)) return 1;
    }
    return 0;
  }
  if (!interactive) return RunScript(/*interactive=*/false, run);
  // Ctrl-C cancels the running query (the query fails with "Query was cancelled") and
  // keeps the shell; .quit or Ctrl-D leave.
  g_interrupt_session = &shell.session();
  struct sigaction action = {};
  action.sa_handler = [](int) { g_interrupt_session->Cancel(); };
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  std::printf("tally local on %s. SQL ends with ';'. Ctrl-C cancels a query. Type .help for commands.\n",
              data_dir.c_str());
  return RunScript(/*interactive=*/true, run);
}

}  // namespace tally::tools
