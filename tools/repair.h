// `tally repair`: opens a data directory in repair mode (engine::DatabaseOptions::repair),
// which sets aside in detached/ whatever a plain open refuses to guess about, then checks
// every table and lists what is set aside. Deletes nothing a plain open would keep.
#ifndef TALLY_TOOLS_REPAIR_H_
#define TALLY_TOOLS_REPAIR_H_

namespace tally::tools {

// Entry point of `tally repair ARGS`; returns the process exit code: 0 when the directory
// opens again and every table verifies, 1 otherwise.
int RunRepair(int argc, char** argv);

}  // namespace tally::tools

#endif  // TALLY_TOOLS_REPAIR_H_
