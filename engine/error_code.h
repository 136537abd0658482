// Error codes: the number and name that tell one kind of error from another to a program
// (a client that retries on TIMEOUT_EXCEEDED, a loader that reports a bad row), where the
// message is for a person. tally uses ClickHouse's numbers and names, which its clients
// parse from an answer ("Code: 60. DB::Exception: ... (UNKNOWN_TABLE)").
//
// The site that makes an error attaches its code (CodedError, WithCode) as a payload of
// the absl::Status, which copies and TALLY_RETURN_IF_ERROR carry along. A message re-worded
// with more context keeps it only through WithMessage: absl::Status(s.code(), text) builds
// a new status without the payloads.
//
// ErrorCodeOf reads the code back. A status without one still has a code when its kind is
// one the house rules give a single meaning: DataLoss is corrupt bytes (CORRUPTED_DATA),
// Internal is tally's own bug (LOGICAL_ERROR), Unimplemented is a feature tally lacks
// (NOT_IMPLEMENTED); format/, below this header, raises most of those. For any other
// status without a code the front end decides (server/error_codes.h: by its kind).
//
// Public API, with engine/database.h and engine/query/session.h. Header-only: the SQL front
// end and the expressions (tally_expr), below the storage core, attach codes too.
// Thread-safe: functions of values.
#ifndef TALLY_ENGINE_ERROR_CODE_H_
#define TALLY_ENGINE_ERROR_CODE_H_

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace tally::engine {

// Numbers are ClickHouse's and never change; add a code to kErrorCodes below too.
enum class ErrorCode : int {
  kCannotParseInputAssertionFailed = 27,  // a row's text is not where the format expects it
  kCannotReadAllData = 33,                // binary input ends inside a value
  kBadArguments = 36,
  kNumberOfArgumentsDoesntMatch = 42,
  kIllegalTypeOfArgument = 43,
  kUnknownFunction = 46,
  kUnknownIdentifier = 47,
  kNotImplemented = 48,
  kLogicalError = 49,
  kTypeMismatch = 53,
  kTableAlreadyExists = 57,
  kUnknownTable = 60,
  kSyntaxError = 62,
  kUnknownAggregateFunction = 63,
  kUnknownFormat = 73,
  kUnknownDatabase = 81,
  kDatabaseAlreadyExists = 82,
  kUnknownCompressionMethod = 89,
  kUnknownSetting = 115,
  kIncorrectData = 117,  // input that parses but cannot be taken: an unknown or repeated field
  kTimeoutExceeded = 159,
  kReadonly = 164,
  kIllegalAggregation = 184,
  kTooManySimultaneousQueries = 202,
  kNotAnAggregate = 215,
  kQueryIsTooLarge = 229,
  kMemoryLimitExceeded = 241,
  kTableIsReadOnly = 242,
  kCorruptedData = 246,
  kCannotDecompress = 271,
  kSessionIsLocked = 373,
  kNoCommonType = 386,
  kQueryWasCancelled = 394,
  kTooManyRowsOrBytes = 396,
  kUnknownQueryParameter = 456,
  kAccessDenied = 497,
  kAuthenticationFailed = 516,
  kPocoException = 1000,  // the HTTP layer's: a request that is not HTTP tally reads
  kUnknownException = 1002,
};

struct ErrorCodeInfo {
  ErrorCode code;
  absl::string_view name;
  // The status kind CodedError gives an error of this code: the one its sites used
  // before codes, which callers test (absl::IsNotFound for IF EXISTS, ...).
  absl::StatusCode kind;
};

inline constexpr ErrorCodeInfo kErrorCodes[] = {
    {ErrorCode::kCannotParseInputAssertionFailed, "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
     absl::StatusCode::kInvalidArgument},
    {ErrorCode::kCannotReadAllData, "CANNOT_READ_ALL_DATA", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kBadArguments, "BAD_ARGUMENTS", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kNumberOfArgumentsDoesntMatch, "NUMBER_OF_ARGUMENTS_DOESNT_MATCH",
     absl::StatusCode::kInvalidArgument},
    {ErrorCode::kIllegalTypeOfArgument, "ILLEGAL_TYPE_OF_ARGUMENT", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kUnknownFunction, "UNKNOWN_FUNCTION", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kUnknownIdentifier, "UNKNOWN_IDENTIFIER", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kNotImplemented, "NOT_IMPLEMENTED", absl::StatusCode::kUnimplemented},
    {ErrorCode::kLogicalError, "LOGICAL_ERROR", absl::StatusCode::kInternal},
    {ErrorCode::kTypeMismatch, "TYPE_MISMATCH", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kTableAlreadyExists, "TABLE_ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
    {ErrorCode::kUnknownTable, "UNKNOWN_TABLE", absl::StatusCode::kNotFound},
    {ErrorCode::kSyntaxError, "SYNTAX_ERROR", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kUnknownAggregateFunction, "UNKNOWN_AGGREGATE_FUNCTION", absl::StatusCode::kNotFound},
    {ErrorCode::kUnknownFormat, "UNKNOWN_FORMAT", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kUnknownDatabase, "UNKNOWN_DATABASE", absl::StatusCode::kNotFound},
    {ErrorCode::kDatabaseAlreadyExists, "DATABASE_ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
    {ErrorCode::kUnknownCompressionMethod, "UNKNOWN_COMPRESSION_METHOD", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kUnknownSetting, "UNKNOWN_SETTING", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kIncorrectData, "INCORRECT_DATA", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kTimeoutExceeded, "TIMEOUT_EXCEEDED", absl::StatusCode::kDeadlineExceeded},
    {ErrorCode::kReadonly, "READONLY", absl::StatusCode::kPermissionDenied},
    {ErrorCode::kIllegalAggregation, "ILLEGAL_AGGREGATION", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kTooManySimultaneousQueries, "TOO_MANY_SIMULTANEOUS_QUERIES",
     absl::StatusCode::kFailedPrecondition},
    {ErrorCode::kNotAnAggregate, "NOT_AN_AGGREGATE", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kQueryIsTooLarge, "QUERY_IS_TOO_LARGE", absl::StatusCode::kFailedPrecondition},
    {ErrorCode::kMemoryLimitExceeded, "MEMORY_LIMIT_EXCEEDED", absl::StatusCode::kResourceExhausted},
    {ErrorCode::kTableIsReadOnly, "TABLE_IS_READ_ONLY", absl::StatusCode::kFailedPrecondition},
    {ErrorCode::kCorruptedData, "CORRUPTED_DATA", absl::StatusCode::kDataLoss},
    {ErrorCode::kCannotDecompress, "CANNOT_DECOMPRESS", absl::StatusCode::kDataLoss},
    {ErrorCode::kSessionIsLocked, "SESSION_IS_LOCKED", absl::StatusCode::kFailedPrecondition},
    {ErrorCode::kNoCommonType, "NO_COMMON_TYPE", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kQueryWasCancelled, "QUERY_WAS_CANCELLED", absl::StatusCode::kCancelled},
    {ErrorCode::kTooManyRowsOrBytes, "TOO_MANY_ROWS_OR_BYTES", absl::StatusCode::kFailedPrecondition},
    {ErrorCode::kUnknownQueryParameter, "UNKNOWN_QUERY_PARAMETER", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kAccessDenied, "ACCESS_DENIED", absl::StatusCode::kPermissionDenied},
    {ErrorCode::kAuthenticationFailed, "AUTHENTICATION_FAILED", absl::StatusCode::kPermissionDenied},
    {ErrorCode::kPocoException, "POCO_EXCEPTION", absl::StatusCode::kInvalidArgument},
    {ErrorCode::kUnknownException, "UNKNOWN_EXCEPTION", absl::StatusCode::kUnknown},
};

namespace error_code_internal {

inline constexpr absl::string_view kPayloadUrl = "type.tally/error_code";

inline const ErrorCodeInfo* Find(int code) {
  for (const ErrorCodeInfo& info : kErrorCodes) {
    if (static_cast<int>(info.code) == code) return &info;
  }
  return nullptr;
}

}  // namespace error_code_internal

// "UNKNOWN_TABLE"; "UNKNOWN_EXCEPTION" for a number that is no ErrorCode.
inline absl::string_view ErrorCodeName(ErrorCode code) {
  const ErrorCodeInfo* info = error_code_internal::Find(static_cast<int>(code));
  return info != nullptr ? info->name : "UNKNOWN_EXCEPTION";
}

// `status` with `code` attached, in place of any code it had. An OK status stays OK.
inline absl::Status WithCode(absl::Status status, ErrorCode code) {
  if (!status.ok()) {
    status.SetPayload(error_code_internal::kPayloadUrl, absl::Cord(absl::StrCat(static_cast<int>(code))));
  }
  return status;
}

// An error of `code` and the status kind kErrorCodes gives it.
inline absl::Status CodedError(ErrorCode code, absl::string_view message) {
  const ErrorCodeInfo* info = error_code_internal::Find(static_cast<int>(code));
  return WithCode(absl::Status(info != nullptr ? info->kind : absl::StatusCode::kUnknown, message), code);
}

// The code attached to `status`, or the one its kind means (DataLoss, Internal,
// Unimplemented: see the top of this file); nullopt for OK and for any other status.
inline std::optional<ErrorCode> ErrorCodeOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(error_code_internal::kPayloadUrl); payload.has_value()) {
    int code = 0;
    if (absl::SimpleAtoi(std::string(*payload), &code) && error_code_internal::Find(code) != nullptr) {
      return static_cast<ErrorCode>(code);
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
      return ErrorCode::kCorruptedData;
    case absl::StatusCode::kInternal:
      return ErrorCode::kLogicalError;
    case absl::StatusCode::kUnimplemented:
      return ErrorCode::kNotImplemented;
    default:
      return std::nullopt;
  }
}

// `cause` re-worded, of status kind `kind`: `message` in place of its own, its payloads
// kept, and its code (attached, or the one its kind means). OK stays OK.
inline absl::Status WithMessage(const absl::Status& cause, absl::StatusCode kind, absl::string_view message) {
  if (cause.ok()) return cause;
  absl::Status out(kind, message);
  cause.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  if (std::optional<ErrorCode> code = ErrorCodeOf(cause); code.has_value() && kind != cause.code()) {
    out = WithCode(std::move(out), *code);
  }
  return out;
}

// The same, of cause's kind. For context added on the way up:
// WithMessage(s, absl::StrCat(what, ": ", s.message())).
inline absl::Status WithMessage(const absl::Status& cause, absl::string_view message) {
  return WithMessage(cause, cause.code(), message);
}

}  // namespace tally::engine

#endif  // TALLY_ENGINE_ERROR_CODE_H_
