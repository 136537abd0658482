#include "format/detached_reason.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "format/coding.h"

namespace tally::format {

namespace {

constexpr char kMagicLine[] = "tally detached ";
constexpr int kReasonVersion = 1;
constexpr absl::string_view kChecksumKey = "xxh3: ";

// Values are one line each: line breaks become spaces.
std::string OneLine(absl::string_view s) { return absl::StrReplaceAll(s, {{"\r", " "}, {"\n", " "}}); }

}  // namespace

std::string EncodeDetachedReason(const DetachedReason& r) {
  std::string out = absl::StrCat(kMagicLine, kReasonVersion, "\n");
  absl::StrAppend(&out, "kind: ", OneLine(r.kind), "\n", "table: ", OneLine(r.table), "\n",
                  "part: ", OneLine(r.part), "\n", "time: ", r.time_s, "\n", "message: ", OneLine(r.message), "\n");
  absl::StrAppend(&out, kChecksumKey, absl::StrFormat("%016x", Checksum(out)), "\n");
  return out;
}

absl::StatusOr<DetachedReason> DecodeDetachedReason(absl::string_view file, absl::string_view what) {
  auto bad = [&](absl::string_view why) { return absl::DataLossError(absl::StrCat(what, ": ", why)); };
  if (!absl::ConsumeSuffix(&file, "\n")) return bad("does not end with a line break");
  const size_t last = file.rfind('\n');
  if (last == absl::string_view::npos) return bad("too short");
  absl::string_view sum_line = file.substr(last + 1);
  absl::string_view body = file.substr(0, last + 1);
  uint64_t sum = 0;
  if (!absl::ConsumePrefix(&sum_line, kChecksumKey) || sum_line.size() != 16 ||
      !absl::SimpleHexAtoi(sum_line, &sum)) {
    return bad("no xxh3 line");
  }
  if (Checksum(body) != sum) return bad("checksum mismatch");
  std::vector<absl::string_view> lines = absl::StrSplit(body.substr(0, body.size() - 1), '\n');
  absl::string_view version = lines[0];
  int v = 0;
  if (!absl::ConsumePrefix(&version, kMagicLine) || !absl::SimpleAtoi(version, &v) || v < 1) {
    return bad("not a detached reason file");
  }
  if (v > kReasonVersion) {
    return absl::UnimplementedError(absl::StrCat(what, ": version ", v, " is newer than this build's ", kReasonVersion));
  }
  DetachedReason r;
  bool have_kind = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(lines[i], absl::MaxSplits(": ", 1));
    if (kv.first == "kind") {
      r.kind = std::string(kv.second);
      have_kind = true;
    } else if (kv.first == "table") {
      r.table = std::string(kv.second);
    } else if (kv.first == "part") {
      r.part = std::string(kv.second);
    } else if (kv.first == "time") {
      if (!absl::SimpleAtoi(kv.second, &r.time_s)) return bad(absl::StrCat("line ", i + 1, ": bad time"));
    } else if (kv.first == "message") {
      r.message = std::string(kv.second);
    }  // keys a later version adds are skipped
  }
  if (!have_kind) return bad("no kind line");
  return r;
}

}  // namespace tally::format
