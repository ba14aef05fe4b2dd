// Row mappers the coupon statement files share (coupons.cpp, invariant_reads.cpp): the column
// list of a table and the value built from a row selected with exactly those columns.
#pragma once

#include <string>

#include "commerce/coupons.h"
#include "query.h"

namespace commerce::statements {

inline const std::string kTemplateColumns =
    "id, code, name, kind, value, max_discount, min_order_amount, valid_from, valid_until, "
    "total_limit, per_user_limit, issued_count, created_at";

inline CouponTemplate template_from(const Query& q) {
  return CouponTemplate{.id = q.text(0),
                        .code = q.text(1),
                        .name = q.text(2),
                        .kind = parse_coupon_kind(q.text(3)),
                        .value = q.int64(4),
                        .max_discount = q.int64(5),
                        .min_order_amount = q.int64(6),
                        .valid_from = q.int64(7),
                        .valid_until = q.int64(8),
                        .total_limit = q.int64(9),
                        .per_user_limit = q.int64(10),
                        .issued_count = q.int64(11),
                        .created_at = q.int64(12)};
}

inline const std::string kCouponColumns =
    "id, template_id, code, user_id, status, order_id, valid_until, issued_at, updated_at";

inline Coupon coupon_from(const Query& q) {
  return Coupon{.id = q.text(0),
                .template_id = q.text(1),
                .code = q.text(2),
                .user_id = q.text(3),
                .status = parse_coupon_status(q.text(4)),
                .order_id = q.text(5),
                .valid_until = q.int64(6),
                .issued_at = q.int64(7),
                .updated_at = q.int64(8)};
}

}  // namespace commerce::statements
