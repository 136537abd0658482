// native_ingest: tally's native batch API ingest for the peer benchmark (benchmarks/peer/).
//
//   native_ingest --data DIR --table NAME --file EVENTS.jsonl [--batch-rows 1000000]
//
// The table must exist. The JSONEachRow file is read in batches of whole lines; each batch
// is parsed into a Block with ParseInput (not timed) and handed to Database::Insert (timed),
// the way an embedder that already holds columnar data would insert it. Prints one JSON
// object: rows, insert seconds, rows/s, parse seconds, peak RSS. Single-threaded.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "engine/database.h"
#include "engine/exec/input_format.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

int Fail(const std::string& what) {
  std::fprintf(stderr, "native_ingest: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, table, file;
  uint64_t batch_rows = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    absl::string_view flag = argv[i];
    if (flag == "--data") {
      data_dir = argv[i + 1];
    } else if (flag == "--table") {
      table = argv[i + 1];
    } else if (flag == "--file") {
      file = argv[i + 1];
    } else if (flag == "--batch-rows") {
      if (!absl::SimpleAtoi(argv[i + 1], &batch_rows) || batch_rows == 0) return Fail("bad --batch-rows");
    } else {
      return Fail(std::string("unknown flag ") + argv[i]);
    }
  }
  if (data_dir.empty() || table.empty() || file.empty()) {
    return Fail("usage: native_ingest --data DIR --table NAME --file F.jsonl [--batch-rows N]");
  }
  auto db = tally::engine::Database::Open(data_dir);
  if (!db.ok()) return Fail(db.status().ToString());
  auto schema = (*db)->GetSchema(table);
  if (!schema.ok()) return Fail(schema.status().ToString());
  std::vector<std::string> names;
  std::vector<tally::format::DataTypePtr> types;
  for (const auto& c : schema->columns) {
    names.push_back(c.name);
    types.push_back(c.type);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail("cannot open " + file);
  double parse_s = 0, insert_s = 0;
  uint64_t rows = 0, batches = 0;
  std::string batch, line;
  while (true) {
    batch.clear();
    uint64_t n = 0;
    while (n < batch_rows && std::getline(in, line)) {
      batch.append(line).push_back('\n');
      ++n;
    }
    if (n == 0) break;
    auto parse_start = Clock::now();
    auto block = tally::engine::ParseInput("JSONEachRow", batch, names, types);
    parse_s += Seconds(parse_start);
    if (!block.ok()) return Fail(block.status().ToString());
    auto insert_start = Clock::now();
    absl::Status s = (*db)->Insert(table, *block);
    insert_s += Seconds(insert_start);
    if (!s.ok()) return Fail(s.ToString());
    rows += n;
    ++batches;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"rows\": %llu, \"batches\": %llu, \"batch_rows\": %llu, \"insert_s\": %.6f, \"rows_per_s\": %.1f, "
      "\"parse_s\": %.6f, \"peak_rss_bytes\": %lld}\n",
      static_cast<unsigned long long>(rows), static_cast<unsigned long long>(batches),
      static_cast<unsigned long long>(batch_rows), insert_s, insert_s > 0 ? rows / insert_s : 0.0, parse_s,
      static_cast<long long>(ru.ru_maxrss) * 1024);
  return 0;
}
