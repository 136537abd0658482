#include "server/error_codes.h"

#include <optional>

#include "absl/strings/str_cat.h"

namespace tally::server {

namespace {

using engine::ErrorCode;

struct HttpStatus {
  ErrorCode code;
  int http_status;
};

// The codes ClickHouse's server answers with a status other than 500, and that status
// (its exceptionCodeToHTTPStatus). TOO_MANY_SIMULTANEOUS_QUERIES is tally's own: 503 and
// Retry-After, so that a client or proxy backs off and retries (ClickHouse answers 500).
constexpr HttpStatus kHttpStatuses[] = {
    {ErrorCode::kBadArguments, 400},
    {ErrorCode::kCannotParseInputAssertionFailed, 400},
    {ErrorCode::kIncorrectData, 400},
    {ErrorCode::kSyntaxError, 400},
    {ErrorCode::kTypeMismatch, 400},
    {ErrorCode::kAccessDenied, 403},
    {ErrorCode::kAuthenticationFailed, 403},
    {ErrorCode::kUnknownAggregateFunction, 404},
    {ErrorCode::kUnknownDatabase, 404},
    {ErrorCode::kUnknownFormat, 404},
    {ErrorCode::kUnknownFunction, 404},
    {ErrorCode::kUnknownIdentifier, 404},
    {ErrorCode::kUnknownSetting, 404},
    {ErrorCode::kUnknownTable, 404},
    {ErrorCode::kTimeoutExceeded, 408},
    {ErrorCode::kQueryIsTooLarge, 413},
    {ErrorCode::kNotImplemented, 501},
    {ErrorCode::kTooManySimultaneousQueries, 503},
};

// The code of an error that carries none, by its kind.
ErrorCode ByKind(absl::StatusCode kind) {
  switch (kind) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return ErrorCode::kBadArguments;
    case absl::StatusCode::kNotFound:
      return ErrorCode::kUnknownTable;
    case absl::StatusCode::kDeadlineExceeded:
      return ErrorCode::kTimeoutExceeded;
    case absl::StatusCode::kResourceExhausted:
      return ErrorCode::kMemoryLimitExceeded;
    case absl::StatusCode::kCancelled:
      return ErrorCode::kQueryWasCancelled;
    case absl::StatusCode::kPermissionDenied:
      return ErrorCode::kAccessDenied;
    default:
      return ErrorCode::kUnknownException;
  }
}

}  // namespace

int HttpStatusOf(ErrorCode code) {
  for (const HttpStatus& s : kHttpStatuses) {
    if (s.code == code) return s.http_status;
  }
  return 500;
}

absl::Status ErrorWithCode(ErrorCode code, absl::string_view message) { return engine::CodedError(code, message); }

ClickHouseError ErrorFor(ErrorCode code) {
  return {static_cast<int>(code), engine::ErrorCodeName(code), HttpStatusOf(code)};
}

ClickHouseError ErrorFor(const absl::Status& status) {
  return ErrorFor(engine::ErrorCodeOf(status).value_or(ByKind(status.code())));
}

std::string ErrorBody(const ClickHouseError& error, absl::string_view message) {
  std::string one_line(message);
  for (char& c : one_line) {
    if (c == '\n') c = ' ';
  }
  return absl::StrCat("Code: ", error.code, ". DB::Exception: ", one_line, ". (", error.name, ")\n");
}

}  // namespace tally::server
