// server/error_codes.h: the code, name and HTTP status an error goes out with, taken from
// the code the error carries, never from its wording.
#include "server/error_codes.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/error_code.h"

namespace tally::server {
namespace {

using engine::CodedError;
using engine::ErrorCode;

void ExpectError(const absl::Status& s, int code, absl::string_view name, int http_status) {
  ClickHouseError e = ErrorFor(s);
  EXPECT_EQ(e.code, code) << s;
  EXPECT_EQ(e.name, name) << s;
  EXPECT_EQ(e.http_status, http_status) << s;
}

TEST(ErrorCodesTest, TheAttachedCodeDecides) {
  ExpectError(CodedError(ErrorCode::kUnknownTable, "Table default.x does not exist"), 60, "UNKNOWN_TABLE", 404);
  ExpectError(CodedError(ErrorCode::kSyntaxError, "Syntax error at line 1, column 1"), 62, "SYNTAX_ERROR", 400);
  ExpectError(CodedError(ErrorCode::kCannotParseInputAssertionFailed, "Cannot parse input: row 2"), 27,
              "CANNOT_PARSE_INPUT_ASSERTION_FAILED", 400);
  ExpectError(CodedError(ErrorCode::kIncorrectData, "unknown field"), 117, "INCORRECT_DATA", 400);
  ExpectError(CodedError(ErrorCode::kUnknownSetting, "Unknown setting 'x'"), 115, "UNKNOWN_SETTING", 404);
  ExpectError(CodedError(ErrorCode::kReadonly, "Cannot execute query in readonly mode"), 164, "READONLY", 500);
  ExpectError(CodedError(ErrorCode::kTimeoutExceeded, "Timeout exceeded"), 159, "TIMEOUT_EXCEEDED", 408);
  ExpectError(CodedError(ErrorCode::kQueryIsTooLarge, "Query is too large"), 229, "QUERY_IS_TOO_LARGE", 413);
  ExpectError(CodedError(ErrorCode::kUnknownCompressionMethod, "br"), 89, "UNKNOWN_COMPRESSION_METHOD", 500);
  ExpectError(CodedError(ErrorCode::kTooManySimultaneousQueries, "Too many"), 202, "TOO_MANY_SIMULTANEOUS_QUERIES",
              503);
  // A code on a status of another kind still decides.
  ExpectError(engine::WithCode(absl::InvalidArgumentError("no columns"), ErrorCode::kIncorrectData), 117,
              "INCORRECT_DATA", 400);
}

TEST(ErrorCodesTest, TheWordingDecidesNothing) {
  // What the server once guessed from the message: without a code, only the kind counts.
  ExpectError(absl::InvalidArgumentError("Syntax error at line 1, column 1: expected a statement"), 36,
              "BAD_ARGUMENTS", 400);
  ExpectError(absl::InvalidArgumentError("Unknown setting 'x'"), 36, "BAD_ARGUMENTS", 400);
  ExpectError(absl::AlreadyExistsError("database 'x' already exists"), 1002, "UNKNOWN_EXCEPTION", 500);
  ExpectError(absl::FailedPreconditionError("Memory limit (for query) exceeded"), 1002, "UNKNOWN_EXCEPTION", 500);
}

TEST(ErrorCodesTest, AnErrorWithoutACodeGetsOneByItsKind) {
  ExpectError(absl::InvalidArgumentError("bad"), 36, "BAD_ARGUMENTS", 400);
  ExpectError(absl::OutOfRangeError("bad"), 36, "BAD_ARGUMENTS", 400);
  ExpectError(absl::NotFoundError("missing"), 60, "UNKNOWN_TABLE", 404);
  ExpectError(absl::DeadlineExceededError("slow"), 159, "TIMEOUT_EXCEEDED", 408);
  ExpectError(absl::ResourceExhaustedError("big"), 241, "MEMORY_LIMIT_EXCEEDED", 500);
  ExpectError(absl::CancelledError("stopped"), 394, "QUERY_WAS_CANCELLED", 500);
  ExpectError(absl::PermissionDeniedError("no"), 497, "ACCESS_DENIED", 403);
  ExpectError(absl::UnavailableError("gone"), 1002, "UNKNOWN_EXCEPTION", 500);
  // The kinds the engine gives one meaning (engine/error_code.h).
  ExpectError(absl::DataLossError("checksum mismatch"), 246, "CORRUPTED_DATA", 500);
  ExpectError(absl::InternalError("bug"), 49, "LOGICAL_ERROR", 500);
  ExpectError(absl::UnimplementedError("not yet"), 48, "NOT_IMPLEMENTED", 501);
}

TEST(ErrorCodesTest, ServerErrorsCarryTheirCode) {
  ExpectError(ErrorWithCode(ErrorCode::kAuthenticationFailed, "default: Authentication failed"), 516,
              "AUTHENTICATION_FAILED", 403);
  ExpectError(ErrorWithCode(ErrorCode::kSessionIsLocked, "Session s is locked"), 373, "SESSION_IS_LOCKED", 500);
  ClickHouseError poco = ErrorFor(ErrorCode::kPocoException);
  EXPECT_EQ(poco.code, 1000);
  EXPECT_EQ(poco.name, "POCO_EXCEPTION");
}

TEST(ErrorCodesTest, TheBodyIsOneLineClientsParse) {
  EXPECT_EQ(ErrorBody(ErrorFor(ErrorCode::kUnknownTable), "Table default.x does not exist"),
            "Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE)\n");
  EXPECT_EQ(ErrorBody(ErrorFor(ErrorCode::kSyntaxError), "line one\nline two"),
            "Code: 62. DB::Exception: line one line two. (SYNTAX_ERROR)\n");
}

}  // namespace
}  // namespace tally::server
