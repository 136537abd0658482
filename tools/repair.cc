#include "tools/repair.h"

#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "engine/database.h"

namespace tally::tools {

int RunRepair(int argc, char** argv) {
  std::string data_dir;
  for (int i = 0; i < argc; ++i) {
    absl::string_view a = argv[i];
    if ((a == "--data" || a == "--path") && i + 1 < argc) {
      data_dir = argv[++i];
    } else if (absl::ConsumePrefix(&a, "--data=") || absl::ConsumePrefix(&a, "--path=")) {
      data_dir = std::string(a);
    } else if (a == "--help" || a == "-h") {
      std::printf(
          "usage: tally repair --data DIR\n"
          "  Opens DIR as a plain open would, but where that refuses (a damaged manifest, a part\n"
          "  no committed edit names, a committed part missing from disk) sets aside instead:\n"
          "  parts and table directories it cannot account for go to a detached/ directory with\n"
          "  a .reason file, a damaged manifest is kept as MANIFEST.damaged-<time>. Nothing is\n"
          "  deleted. Then every table is checked and what is set aside is listed; attach or\n"
          "  drop each with ALTER TABLE t ATTACH PART / DROP DETACHED PART.\n");
      return 0;
    } else {
      std::fprintf(stderr, "tally repair: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    }
  }
  if (data_dir.empty()) {
    std::fprintf(stderr, "tally repair: --data DIR is required\n");
    return 2;
  }
  auto db = engine::Database::Open(data_dir, {.repair = true});
  if (!db.ok()) {
    std::fprintf(stderr, "tally repair: cannot open %s: %s\n", data_dir.c_str(),
                 db.status().ToString(absl::StatusToStringMode::kWithNoExtraData).c_str());
    return 1;
  }
  const engine::RecoveryReport& r = (*db)->recovery();
  for (const std::string& e : r.events) std::printf("%s\n", e.c_str());
  if (r.events.empty()) std::printf("nothing to repair\n");
  int status = 0;
  for (const std::string& table : (*db)->ListTables()) {
    absl::Status s = (*db)->CheckTable(table);
    if (s.ok()) {
      std::printf("table %s: all checksums verified\n", table.c_str());
    } else {
      std::printf("%s\n", std::string(s.message()).c_str());  // names the table
    }
    if (!s.ok()) status = 1;
  }
  const auto detached = (*db)->ListAllDetached();
  for (const engine::DetachedPartInfo& d : detached) {
    if (d.table.empty()) {
      std::printf("set aside: %s (%s): %s\n", d.path.c_str(), d.kind.c_str(), d.message.c_str());
      status = 1;
    }
  }
  return status;
}

}  // namespace tally::tools
