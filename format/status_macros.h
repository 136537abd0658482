// Status propagation macros shared by every layer (Abseil 20220623 ships none).
//
//   TALLY_RETURN_IF_ERROR(expr);            // returns the status if not ok
//   TALLY_ASSIGN_OR_RETURN(auto x, expr);   // unwraps a StatusOr or returns its status
#ifndef TALLY_FORMAT_STATUS_MACROS_H_
#define TALLY_FORMAT_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define TALLY_STATUS_CONCAT_INNER_(a, b) a##b
#define TALLY_STATUS_CONCAT_(a, b) TALLY_STATUS_CONCAT_INNER_(a, b)

#define TALLY_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    ::absl::Status tally_status_ = (expr);           \
    if (!tally_status_.ok()) return tally_status_;   \
  } while (0)

#define TALLY_ASSIGN_OR_RETURN(lhs, expr) \
  TALLY_ASSIGN_OR_RETURN_IMPL_(TALLY_STATUS_CONCAT_(tally_statusor_, __LINE__), lhs, expr)

#define TALLY_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // TALLY_FORMAT_STATUS_MACROS_H_
