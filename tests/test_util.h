// Test helpers: status matchers in the style of Arrow's ASSERT_OK / ASSERT_OK_AND_ASSIGN.
#ifndef TALLY_TESTS_TEST_UTIL_H_
#define TALLY_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tally::testing_internal {
inline const absl::Status& ToStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
}  // namespace tally::testing_internal

#define ASSERT_OK(expr)                                                           \
  do {                                                                            \
    const auto& tally_s_ = (expr);                                                \
    ASSERT_TRUE(::tally::testing_internal::ToStatus(tally_s_).ok())               \
        << #expr << " -> " << ::tally::testing_internal::ToStatus(tally_s_);      \
  } while (0)

#define EXPECT_OK(expr)                                                           \
  do {                                                                            \
    const auto& tally_s_ = (expr);                                                \
    EXPECT_TRUE(::tally::testing_internal::ToStatus(tally_s_).ok())               \
        << #expr << " -> " << ::tally::testing_internal::ToStatus(tally_s_);      \
  } while (0)

#define TALLY_TEST_CONCAT_INNER_(a, b) a##b
#define TALLY_TEST_CONCAT_(a, b) TALLY_TEST_CONCAT_INNER_(a, b)

#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(TALLY_TEST_CONCAT_(tally_sor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(sor, lhs, expr)                       \
  auto sor = (expr);                                                     \
  ASSERT_TRUE(sor.ok()) << #expr << " -> " << sor.status();              \
  lhs = std::move(sor).value()

// Asserts that `expr` fails with `code` and that its message contains `substr`.
#define EXPECT_STATUS(expr, want_code, substr)                                    \
  do {                                                                            \
    const auto& tally_r_ = (expr);                                                \
    const absl::Status& tally_s_ = ::tally::testing_internal::ToStatus(tally_r_); \
    EXPECT_EQ(tally_s_.code(), want_code) << tally_s_;                            \
    EXPECT_NE(std::string(tally_s_.message()).find(std::string(substr)),          \
              std::string::npos)                                                  \
        << "message: " << tally_s_.message();                                     \
  } while (0)

#endif  // TALLY_TESTS_TEST_UTIL_H_
