// commerce/error.h: the closed set of error codes every call reports failures with.
//
// Every public call of commerce-core reports failure by throwing commerce::Error. Its code says
// what the caller should do (abseil-style): retry the call (Unavailable), fix the input
// (InvalidArgument), or accept a business refusal (FailedPrecondition). subject() names the
// offending field or id. Errors are plain values: safe to copy and to rethrow on any thread.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace commerce {

enum class ErrorCode {
  kNotFound,            // the named id does not exist
  kInvalidArgument,     // the named field is malformed; nothing was changed
  kFailedPrecondition,  // a business rule refused the call (see Reason); nothing was changed
  kConflict,            // an idempotency key was reused with other arguments
  kUnavailable,         // transient: storage or network busy or down; retry the call
  kInternal,            // a bug or a corrupted store
};

// Why a FailedPrecondition was raised, so callers can tell business failures apart.
enum class Reason {
  kNone,
  kOutOfStock,          // not enough available stock for the named product
  kInsufficientPoints,  // the named user's balance is below the amount
  kCouponInvalid,       // the named coupon cannot be used (expired, used, minimum not met, ...)
  kLimitReached,        // a coupon issue limit (total or per user) is exhausted
  kIllegalTransition,   // the named entity is not in a state that allows the call
  kInactive,            // the named product is inactive or deleted
};

std::string_view to_string(ErrorCode code);
std::string_view to_string(Reason reason);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string subject, const std::string& message,
        Reason reason = Reason::kNone);

  ErrorCode code() const noexcept { return code_; }
  Reason reason() const noexcept { return reason_; }
  // The offending field name (for InvalidArgument) or entity id (otherwise).
  const std::string& subject() const noexcept { return subject_; }

  static Error not_found(const std::string& kind, const std::string& id);
  static Error invalid_argument(const std::string& field, const std::string& problem);
  static Error failed_precondition(Reason reason, const std::string& subject,
                                   const std::string& problem);
  static Error conflict(const std::string& subject, const std::string& problem);
  static Error unavailable(const std::string& subject, const std::string& problem);
  static Error internal(const std::string& problem);

 private:
  ErrorCode code_;
  Reason reason_;
  std::string subject_;
};

}  // namespace commerce
