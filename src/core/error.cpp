#include "commerce/error.h"

#include <fmt/format.h>

namespace commerce {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kInvalidArgument: return "InvalidArgument";
    case ErrorCode::kFailedPrecondition: return "FailedPrecondition";
    case ErrorCode::kConflict: return "Conflict";
    case ErrorCode::kUnavailable: return "Unavailable";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Internal";
}

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::kNone: return "none";
    case Reason::kOutOfStock: return "out_of_stock";
    case Reason::kInsufficientPoints: return "insufficient_points";
    case Reason::kCouponInvalid: return "coupon_invalid";
    case Reason::kLimitReached: return "limit_reached";
    case Reason::kIllegalTransition: return "illegal_transition";
    case Reason::kInactive: return "inactive";
  }
  return "none";
}

Error::Error(ErrorCode code, std::string subject, const std::string& message, Reason reason)
    : std::runtime_error(fmt::format("{}: {}", to_string(code), message)),
      code_(code),
      reason_(reason),
      subject_(std::move(subject)) {}

Error Error::not_found(const std::string& kind, const std::string& id) {
  return Error(ErrorCode::kNotFound, id, fmt::format("{} '{}' not found", kind, id));
}

Error Error::invalid_argument(const std::string& field, const std::string& problem) {
  return Error(ErrorCode::kInvalidArgument, field, fmt::format("{}: {}", field, problem));
}

Error Error::failed_precondition(Reason reason, const std::string& subject,
                                 const std::string& problem) {
  return Error(ErrorCode::kFailedPrecondition, subject, problem, reason);
}

Error Error::conflict(const std::string& subject, const std::string& problem) {
  return Error(ErrorCode::kConflict, subject, problem);
}

Error Error::unavailable(const std::string& subject, const std::string& problem) {
  return Error(ErrorCode::kUnavailable, subject, problem);
}

Error Error::internal(const std::string& problem) {
  return Error(ErrorCode::kInternal, "", problem);
}

}  // namespace commerce
