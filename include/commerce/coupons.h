// commerce/coupons.h: coupon templates and the coupons issued from them.
//
// A template (code, kind, amounts, validity, limits) issues coupons that each belong to one
// user: AVAILABLE -> USED (by one order) -> AVAILABLE again if that order is compensated and the
// coupon has not expired; EXPIRED once valid_until has passed; REVOKED by an operator. Issue
// limits (total and per user) and single use hold under concurrency, through conditional
// updates. CouponBook is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commerce/clock.h"
#include "commerce/money.h"
#include "commerce/page.h"

namespace commerce {

namespace detail {
struct Context;
}

enum class CouponKind {
  kFixed,    // `value` minor units off
  kPercent,  // `value` percent off (1..100), capped at max_discount when that is > 0
};

struct NewCouponTemplate {
  std::string code;  // required, 1..64 printable ASCII characters, unique
  std::string name;
  CouponKind kind = CouponKind::kFixed;
  Money value = 0;             // > 0; a percent for kPercent
  Money max_discount = 0;      // kPercent only; 0 means no cap
  Money min_order_amount = 0;  // the order subtotal must reach it
  Timestamp valid_from = 0;
  Timestamp valid_until = 0;       // > valid_from
  std::int64_t total_limit = 0;    // coupons that may ever be issued, > 0
  std::int64_t per_user_limit = 1; // coupons one user may hold, > 0
};

struct CouponTemplate {
  std::string id;  // UUIDv7
  std::string code;
  std::string name;
  CouponKind kind = CouponKind::kFixed;
  Money value = 0;
  Money max_discount = 0;
  Money min_order_amount = 0;
  Timestamp valid_from = 0;
  Timestamp valid_until = 0;
  std::int64_t total_limit = 0;
  std::int64_t per_user_limit = 0;
  std::int64_t issued_count = 0;
  Timestamp created_at = 0;
  bool operator==(const CouponTemplate&) const = default;
};

enum class CouponStatus { kAvailable, kUsed, kExpired, kRevoked };

struct Coupon {
  std::string id;  // UUIDv7
  std::string template_id;
  std::string code;
  std::string user_id;
  CouponStatus status = CouponStatus::kAvailable;  // kExpired once valid_until has passed
  std::string order_id;                            // the order that used it, while kUsed
  Timestamp valid_until = 0;                       // from the template
  Timestamp issued_at = 0;
  Timestamp updated_at = 0;
  bool operator==(const Coupon&) const = default;
};

// The outcome of applying a coupon to an order.
struct CouponApplication {
  bool applied = false;
  Money discount = 0;          // never more than the subtotal
  std::string coupon_id;
  std::string skipped_reason;  // why an optional coupon was not applied
};

std::string_view to_string(CouponKind kind);
CouponKind parse_coupon_kind(std::string_view name);
std::string_view to_string(CouponStatus status);
CouponStatus parse_coupon_status(std::string_view name);

class CouponBook {
 public:
  explicit CouponBook(const detail::Context& ctx) : ctx_(ctx) {}

  // Errors: InvalidArgument (a field, naming it), FailedPrecondition (code exists), Conflict.
  CouponTemplate create_template(const NewCouponTemplate& spec,
                                 const std::string& request_id = {});
  // Errors: NotFound, InvalidArgument.
  CouponTemplate get_template(const std::string& code) const;

  // Issues one coupon of template `code` to `user_id`.
  // Errors: NotFound, FailedPrecondition kLimitReached (total or per user) or kCouponInvalid
  // (outside the validity window), InvalidArgument, Conflict.
  Coupon issue(const std::string& code, const std::string& user_id,
               const std::string& request_id = {});

  // Errors: NotFound, InvalidArgument.
  Coupon get(const std::string& coupon_id) const;
  // The user's coupons, oldest first.
  Page<Coupon> list_for_user(const std::string& user_id, const std::string& cursor = {},
                             int limit = kDefaultPageSize) const;

  // AVAILABLE -> REVOKED. Idempotent. Errors: NotFound, FailedPrecondition kIllegalTransition.
  Coupon revoke(const std::string& coupon_id, const std::string& request_id = {});

  // The discount the coupon would give `user_id` on `subtotal` now, without using it.
  // Errors: NotFound, FailedPrecondition kCouponInvalid with the reason.
  Money quote(const std::string& coupon_id, const std::string& user_id, Money subtotal) const;

  // Marks the coupon used by `order_id` and returns the discount. A required coupon that fails
  // validation throws FailedPrecondition kCouponInvalid; an optional one is skipped and the
  // result says why. Idempotent for the same order.
  CouponApplication use(const std::string& coupon_id, const std::string& user_id,
                        const std::string& order_id, Money subtotal, bool required);

  // Compensation: the coupon used by `order_id` becomes AVAILABLE again (EXPIRED if its
  // validity has passed). Idempotent; returns nothing if the order used no coupon.
  std::optional<Coupon> restore(const std::string& order_id);

 private:
  const detail::Context& ctx_;
};

}  // namespace commerce
