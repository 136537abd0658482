// engine/error_code.h: attaching a code to an absl::Status, reading it back, and keeping it
// when the message is re-worded on the way up.
#include "engine/error_code.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "format/status_macros.h"

namespace tally::engine {
namespace {

TEST(ErrorCodeTest, EveryCodeHasOneNameAndAKindAndIsReadBack) {
  std::set<int> numbers;
  std::set<std::string> names;
  for (const ErrorCodeInfo& info : kErrorCodes) {
    EXPECT_TRUE(numbers.insert(static_cast<int>(info.code)).second) << info.name;
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << info.name;
    EXPECT_EQ(ErrorCodeName(info.code), info.name);
    absl::Status s = CodedError(info.code, "what failed");
    EXPECT_EQ(s.code(), info.kind) << info.name;
    EXPECT_EQ(s.message(), "what failed");
    EXPECT_EQ(ErrorCodeOf(s), info.code) << info.name;
  }
}

TEST(ErrorCodeTest, NumbersAndNamesAreClickHouses) {
  // The ones clients branch on most, spelled out: a change here breaks them.
  EXPECT_EQ(static_cast<int>(ErrorCode::kSyntaxError), 62);
  EXPECT_EQ(static_cast<int>(ErrorCode::kUnknownTable), 60);
  EXPECT_EQ(static_cast<int>(ErrorCode::kCannotParseInputAssertionFailed), 27);
  EXPECT_EQ(static_cast<int>(ErrorCode::kIncorrectData), 117);
  EXPECT_EQ(static_cast<int>(ErrorCode::kUnknownCompressionMethod), 89);
  EXPECT_EQ(static_cast<int>(ErrorCode::kQueryIsTooLarge), 229);
  EXPECT_EQ(ErrorCodeName(ErrorCode::kReadonly), "READONLY");
  EXPECT_EQ(ErrorCodeName(static_cast<ErrorCode>(4242)), "UNKNOWN_EXCEPTION");
}

TEST(ErrorCodeTest, WithCodeAttachesReplacesAndLeavesOkAlone) {
  absl::Status s = WithCode(absl::InvalidArgumentError("bad row"), ErrorCode::kIncorrectData);
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_EQ(s.message(), "bad row");
  EXPECT_EQ(ErrorCodeOf(s), ErrorCode::kIncorrectData);
  s = WithCode(s, ErrorCode::kCannotParseInputAssertionFailed);
  EXPECT_EQ(ErrorCodeOf(s), ErrorCode::kCannotParseInputAssertionFailed);
  EXPECT_TRUE(WithCode(absl::OkStatus(), ErrorCode::kUnknownTable).ok());
  EXPECT_EQ(ErrorCodeOf(absl::OkStatus()), std::nullopt);
}

TEST(ErrorCodeTest, WithMessageKeepsTheCodeAndOtherPayloads) {
  absl::Status inner = CodedError(ErrorCode::kUnknownFunction, "Unknown function f");
  inner.SetPayload("type.example/other", absl::Cord("kept"));
  absl::Status outer = WithMessage(inner, absl::StrCat("materialized view v: ", inner.message()));
  EXPECT_EQ(outer.message(), "materialized view v: Unknown function f");
  EXPECT_EQ(outer.code(), inner.code());
  EXPECT_EQ(ErrorCodeOf(outer), ErrorCode::kUnknownFunction);
  EXPECT_EQ(outer.GetPayload("type.example/other"), absl::Cord("kept"));

  absl::Status other_kind = WithMessage(inner, absl::StatusCode::kInvalidArgument, "row filter: ...");
  EXPECT_TRUE(absl::IsInvalidArgument(other_kind));
  EXPECT_EQ(ErrorCodeOf(other_kind), ErrorCode::kUnknownFunction);
  EXPECT_TRUE(WithMessage(absl::OkStatus(), "nothing").ok());
  // A code its kind meant stays when the kind changes.
  absl::Status corrupt = WithMessage(absl::DataLossError("checksum mismatch"), absl::StatusCode::kInvalidArgument,
                                     "PARTITION BY x: checksum mismatch");
  EXPECT_EQ(ErrorCodeOf(corrupt), ErrorCode::kCorruptedData);
  EXPECT_EQ(ErrorCodeOf(WithMessage(absl::InvalidArgumentError("bad"), absl::StatusCode::kInternal, "bad")),
            ErrorCode::kLogicalError);  // no code to keep: the new kind's
}

TEST(ErrorCodeTest, RebuildingAStatusByHandDropsTheCode) {
  // Why WithMessage exists: absl::Status(code, message) makes a status without payloads.
  absl::Status inner = CodedError(ErrorCode::kSyntaxError, "Syntax error");
  absl::Status rebuilt(inner.code(), absl::StrCat("context: ", inner.message()));
  EXPECT_EQ(ErrorCodeOf(rebuilt), std::nullopt);
}

absl::Status Fails() { return CodedError(ErrorCode::kTimeoutExceeded, "Timeout exceeded"); }
absl::StatusOr<int> FailsOr() {
  TALLY_RETURN_IF_ERROR(Fails());
  return 1;
}
absl::Status Caller() {
  TALLY_ASSIGN_OR_RETURN(int v, FailsOr());
  (void)v;
  return absl::OkStatus();
}

TEST(ErrorCodeTest, TheCodeTravelsThroughTheStatusMacros) {
  absl::Status s = Caller();
  EXPECT_TRUE(absl::IsDeadlineExceeded(s));
  EXPECT_EQ(ErrorCodeOf(s), ErrorCode::kTimeoutExceeded);
}

TEST(ErrorCodeTest, KindsWithOneMeaningHaveACodeWithoutOne) {
  EXPECT_EQ(ErrorCodeOf(absl::DataLossError("checksum mismatch")), ErrorCode::kCorruptedData);
  EXPECT_EQ(ErrorCodeOf(absl::InternalError("bug")), ErrorCode::kLogicalError);
  EXPECT_EQ(ErrorCodeOf(absl::UnimplementedError("not yet")), ErrorCode::kNotImplemented);
  // An attached code wins over the kind's.
  EXPECT_EQ(ErrorCodeOf(WithCode(absl::DataLossError("gzip body"), ErrorCode::kCannotDecompress)),
            ErrorCode::kCannotDecompress);
  // Other kinds say too little: the front end decides.
  EXPECT_EQ(ErrorCodeOf(absl::InvalidArgumentError("bad")), std::nullopt);
  EXPECT_EQ(ErrorCodeOf(absl::NotFoundError("no file")), std::nullopt);
}

TEST(ErrorCodeTest, AForeignPayloadIsNoCode) {
  absl::Status s = absl::InvalidArgumentError("bad");
  s.SetPayload("type.tally/error_code", absl::Cord("not a number"));
  EXPECT_EQ(ErrorCodeOf(s), std::nullopt);
  s.SetPayload("type.tally/error_code", absl::Cord("4242"));  // no code of ours
  EXPECT_EQ(ErrorCodeOf(s), std::nullopt);
}

}  // namespace
}  // namespace tally::engine
