// The ledgers' building blocks, each running inside a caller's unit of work. The public services
// wrap each in its own transaction; the order saga runs several in one transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commerce/coupons.h"
#include "commerce/points.h"
#include "commerce/stock.h"
#include "context.h"

namespace commerce::detail {

// `items` must come from merge_items(). See StockLedger for the rules. `new_order`: the order
// was created in this unit of work, its products read and found active there, so it holds no
// reservation yet and the products are not read again.
std::vector<Reservation> reserve_stock(Command& cmd, const std::string& order_id,
                                       const std::vector<LineItem>& items, Timestamp expires_at,
                                       bool new_order = false);
// `reserved`: the order's reservations as this unit of work made them (then not read again).
std::vector<Reservation> commit_stock(Command& cmd, const std::string& order_id,
                                      const std::vector<Reservation>* reserved = nullptr);
std::vector<Reservation> release_stock(Command& cmd, const std::string& order_id);

// `new_order`: the order was created in this unit of work, so it has used no points yet.
PointsEntry use_points(Command& cmd, const std::string& user_id, Money amount,
                       const std::string& order_id, bool new_order = false);
std::optional<PointsEntry> restore_points(Command& cmd, const std::string& order_id);

// A coupon and its template as one unit of work read them.
struct CouponRead {
  Coupon coupon;
  CouponTemplate tmpl;
};

// `read`: the coupon as this unit of work already read it (quote_coupon()), then not read again;
// its use is still a conditional update on its status.
CouponApplication use_coupon(Command& cmd, const std::string& coupon_id,
                             const std::string& user_id, const std::string& order_id,
                             Money subtotal, bool required, const CouponRead* read = nullptr);
// What the coupon would take off `subtotal` for the user now (reads only; `read` becomes what
// was read); FailedPrecondition (kCouponInvalid) if it could not be used.
Money quote_coupon(Command& cmd, const std::string& coupon_id, const std::string& user_id,
                   Money subtotal, std::optional<CouponRead>& read);
std::optional<Coupon> restore_coupon(Command& cmd, const std::string& order_id);

}  // namespace commerce::detail
