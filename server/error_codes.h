// ClickHouse's error codes for tally's errors: the number and name a ClickHouse client
// parses from an HTTP error ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)") and the HTTP
// status ClickHouse's server gives that code.
//
// The engine reports errors as absl::Status with a message meant for a person; the code
// is derived here from the status code and the message's leading words ("Table ... does
// not exist", "Syntax error", "Unknown function"). A message no rule knows keeps a code by
// its absl::StatusCode (InvalidArgument: BAD_ARGUMENTS, ...).
//
// Thread-safe (pure functions).
#ifndef TALLY_SERVER_ERROR_CODES_H_
#define TALLY_SERVER_ERROR_CODES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tally::server {

struct ClickHouseError {
  int code;
  absl::string_view name;
  int http_status;
};

// Codes the server raises itself.
inline constexpr int kReadonly = 164;
inline constexpr int kAuthenticationFailed = 516;
inline constexpr int kAccessDenied = 497;
inline constexpr int kSessionIsLocked = 373;
inline constexpr int kTooManySimultaneousQueries = 202;
inline constexpr int kQueryIsTooLarge = 392;
inline constexpr int kUnknownCompressionMethod = 98;
inline constexpr int kTooManyRowsOrBytes = 396;

ClickHouseError ErrorFor(const absl::Status& status);
// A status carrying one of the codes above (its name and HTTP status follow it).
absl::Status ErrorWithCode(int code, absl::string_view message);
// The body ClickHouse sends, which its clients parse: "Code: N. DB::Exception: <message>.
// (NAME)\n" on one line.
std::string ErrorBody(const ClickHouseError& error, absl::string_view message);

}  // namespace tally::server

#endif  // TALLY_SERVER_ERROR_CODES_H_
