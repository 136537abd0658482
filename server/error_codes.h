// How an error goes out over HTTP: the code and name a ClickHouse client parses from the
// answer ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)"), and the HTTP status ClickHouse's
// server gives that code.
//
// The code is the one the error carries (engine/error_code.h: attached where the error is
// made, by the engine or by this server). An error without one gets a code by its
// absl::StatusCode (InvalidArgument: BAD_ARGUMENTS, NotFound: UNKNOWN_TABLE, ...), the
// nearest ClickHouse code for that kind of failure.
//
// Thread-safe (pure functions).
#ifndef TALLY_SERVER_ERROR_CODES_H_
#define TALLY_SERVER_ERROR_CODES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/error_code.h"

namespace tally::server {

struct ClickHouseError {
  int code;
  absl::string_view name;
  int http_status;
};

// The code, name and HTTP status `status` goes out with.
ClickHouseError ErrorFor(const absl::Status& status);
// Those of `code`.
ClickHouseError ErrorFor(engine::ErrorCode code);
// The HTTP status ClickHouse's server answers `code` with (500 for most).
int HttpStatusOf(engine::ErrorCode code);
// An error the server raises itself, with its code.
absl::Status ErrorWithCode(engine::ErrorCode code, absl::string_view message);
// The body ClickHouse sends, which its clients parse: "Code: N. DB::Exception: <message>.
// (NAME)\n" on one line.
std::string ErrorBody(const ClickHouseError& error, absl::string_view message);

}  // namespace tally::server

#endif  // TALLY_SERVER_ERROR_CODES_H_
