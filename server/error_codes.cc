#include "server/error_codes.h"

#include <cstdlib>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace tally::server {

namespace {

constexpr absl::string_view kPayloadUrl = "type.tally/clickhouse_error_code";

struct Known {
  int code;
  absl::string_view name;
  int http_status;
};

// Codes, names and HTTP statuses as ClickHouse's server pairs them.
constexpr Known kKnown[] = {
    {6, "CANNOT_PARSE_TEXT", 400},
    {27, "CANNOT_PARSE_INPUT_ASSERTION_FAILED", 400},
    {36, "BAD_ARGUMENTS", 400},
    {43, "ILLEGAL_TYPE_OF_ARGUMENT", 500},
    {46, "UNKNOWN_FUNCTION", 404},
    {47, "UNKNOWN_IDENTIFIER", 404},
    {48, "NOT_IMPLEMENTED", 501},
    {49, "LOGICAL_ERROR", 500},
    {53, "TYPE_MISMATCH", 400},
    {57, "TABLE_ALREADY_EXISTS", 500},
    {60, "UNKNOWN_TABLE", 404},
    {62, "SYNTAX_ERROR", 400},
    {73, "UNKNOWN_FORMAT", 404},
    {81, "UNKNOWN_DATABASE", 404},
    {82, "DATABASE_ALREADY_EXISTS", 500},
    {98, "UNKNOWN_COMPRESSION_METHOD", 500},
    {115, "UNKNOWN_SETTING", 404},
    {117, "INCORRECT_DATA", 400},
    {159, "TIMEOUT_EXCEEDED", 408},
    {164, "READONLY", 500},
    {202, "TOO_MANY_SIMULTANEOUS_QUERIES", 503},
    {241, "MEMORY_LIMIT_EXCEEDED", 500},
    {246, "CORRUPTED_DATA", 500},
    {271, "CANNOT_DECOMPRESS", 500},
    {373, "SESSION_IS_LOCKED", 500},
    {381, "HTTP_LENGTH_REQUIRED", 411},
    {392, "QUERY_IS_TOO_LARGE", 413},
    {394, "QUERY_WAS_CANCELLED", 500},
    {396, "TOO_MANY_ROWS_OR_BYTES", 500},
    {456, "UNKNOWN_QUERY_PARAMETER", 400},
    {497, "ACCESS_DENIED", 403},
    {516, "AUTHENTICATION_FAILED", 403},
    {1000, "POCO_EXCEPTION", 500},
    {1002, "UNKNOWN_EXCEPTION", 500},
};

ClickHouseError ByCode(int code) {
  for (const Known& k : kKnown) {
    if (k.code == code) return {k.code, k.name, k.http_status};
  }
  return {code, "UNKNOWN_EXCEPTION", 500};
}

// The code a message's wording identifies, for the errors clients branch on.
std::optional<int> ByMessage(const absl::Status& s) {
  absl::string_view m = s.message();
  if (absl::StartsWith(m, "Syntax error")) return 62;
  if (absl::StartsWith(m, "Table ") && absl::StrContains(m, "does not exist")) return 60;
  if (absl::StartsWith(m, "Database ") && absl::StrContains(m, "does not exist")) return 81;
  if (absl::StartsWith(m, "Unknown function")) return 46;
  if (absl::StartsWith(m, "Unknown identifier")) return 47;
  if (absl::StartsWith(m, "Unknown setting")) return 115;
  if (absl::StartsWith(m, "unknown output format") || absl::StartsWith(m, "unknown input format")) return 73;
  if (absl::StartsWith(m, "Cannot execute query in readonly mode")) return kReadonly;
  if (absl::StartsWith(m, "Cannot modify '") && absl::EndsWith(m, "' setting in readonly mode")) return kReadonly;
  if (absl::StrContains(m, "Memory limit")) return 241;
  if (absl::StrContains(m, "Timeout exceeded")) return 159;
  if (absl::StrContains(m, "cancelled")) return 394;
  if (absl::IsAlreadyExists(s)) return absl::StartsWith(m, "database") ? 82 : 57;
  return std::nullopt;
}

}  // namespace

absl::Status ErrorWithCode(int code, absl::string_view message) {
  absl::Status s(code == kAuthenticationFailed ? absl::StatusCode::kPermissionDenied
                                               : absl::StatusCode::kFailedPrecondition,
                 message);
  s.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(code)));
  return s;
}

ClickHouseError ErrorFor(const absl::Status& status) {
  if (auto payload = status.GetPayload(kPayloadUrl); payload.has_value()) {
    int code;
    if (absl::SimpleAtoi(std::string(*payload), &code)) return ByCode(code);
  }
  if (auto code = ByMessage(status); code.has_value()) return ByCode(*code);
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return ByCode(36);
    case absl::StatusCode::kNotFound:
      return ByCode(60);
    case absl::StatusCode::kUnimplemented:
      return ByCode(48);
    case absl::StatusCode::kDeadlineExceeded:
      return ByCode(159);
    case absl::StatusCode::kResourceExhausted:
      return ByCode(241);
    case absl::StatusCode::kCancelled:
      return ByCode(394);
    case absl::StatusCode::kPermissionDenied:
      return ByCode(497);
    case absl::StatusCode::kDataLoss:
      return ByCode(246);
    case absl::StatusCode::kInternal:
      return ByCode(49);
    default:
      return ByCode(1002);
  }
}

std::string ErrorBody(const ClickHouseError& error, absl::string_view message) {
  std::string one_line(message);
  for (char& c : one_line) {
    if (c == '\n') c = ' ';
  }
  return absl::StrCat("Code: ", error.code, ". DB::Exception: ", one_line, ". (", error.name, ")\n");
}

}  // namespace tally::server
