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

// `items` must come from merge_items(). See StockLedger for the rules.
std::vector<Reservation> reserve_stock(Command& cmd, const std::string& order_id,
                                       const std::vector<LineItem>& items, Timestamp expires_at);
std::vector<Reservation> commit_stock(Command& cmd, const std::string& order_id);
std::vector<Reservation> release_stock(Command& cmd, const std::string& order_id);

PointsEntry use_points(Command& cmd, const std::string& user_id, Money amount,
                       const std::string& order_id);
std::optional<PointsEntry> restore_points(Command& cmd, const std::string& order_id);

CouponApplication use_coupon(Command& cmd, const std::string& coupon_id,
                             const std::string& user_id, const std::string& order_id,
                             Money subtotal, bool required);
// What the coupon would take off `subtotal` for the user now (reads only); FailedPrecondition
// (kCouponInvalid) if it could not be used.
Money quote_coupon(Command& cmd, const std::string& coupon_id, const std::string& user_id,
                   Money subtotal);
std::optional<Coupon> restore_coupon(Command& cmd, const std::string& order_id);

}  // namespace commerce::detail
