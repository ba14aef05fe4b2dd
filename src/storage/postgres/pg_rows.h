// Column lists and row decoders shared by the adapter's statement files.
#pragma once

#include <string>

#include "commerce/coupons.h"
#include "pg_connection.h"

namespace commerce::postgres {

inline const std::string kTemplateColumns =
    "id, code, name, kind, value, max_discount, min_order_amount, valid_from, valid_until, "
    "total_limit, per_user_limit, issued_count, created_at";

inline CouponTemplate template_from(const Result& r, int i) {
  return CouponTemplate{.id = r.text(i, 0),
                        .code = r.text(i, 1),
                        .name = r.text(i, 2),
                        .kind = parse_coupon_kind(r.text(i, 3)),
                        .value = r.int64(i, 4),
                        .max_discount = r.int64(i, 5),
                        .min_order_amount = r.int64(i, 6),
                        .valid_from = r.int64(i, 7),
                        .valid_until = r.int64(i, 8),
                        .total_limit = r.int64(i, 9),
                        .per_user_limit = r.int64(i, 10),
                        .issued_count = r.int64(i, 11),
                        .created_at = r.int64(i, 12)};
}

inline const std::string kCouponColumns =
    "id, template_id, code, user_id, status, order_id, valid_until, issued_at, updated_at";

inline Coupon coupon_from(const Result& r, int i) {
  return Coupon{.id = r.text(i, 0),
                .template_id = r.text(i, 1),
                .code = r.text(i, 2),
                .user_id = r.text(i, 3),
                .status = parse_coupon_status(r.text(i, 4)),
                .order_id = r.text(i, 5),
                .valid_until = r.int64(i, 6),
                .issued_at = r.int64(i, 7),
                .updated_at = r.int64(i, 8)};
}

}  // namespace commerce::postgres
