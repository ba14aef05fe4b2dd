// The ledgers' building blocks, each running inside a caller's unit of work. The public services
// wrap each in its own transaction; the order saga runs several in one transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/coupons.h"
#include "commerce/points.h"
#include "commerce/stock.h"
#include "context.h"

namespace commerce::detail {

// `items` must come from merge_items(). See StockLedger for the rules. `new_order`: the order
// was created in this unit of work, its products read and found active there, so it holds no
// reservation yet and the products are not read again; its reservation rows are returned, not
// written: the caller writes them (in their final state, after commit_stock / release_stock
// with `unwritten`).
std::vector<Reservation> reserve_stock(Command& cmd, const std::string& order_id,
                                       const std::vector<LineItem>& items, Timestamp expires_at,
                                       bool new_order = false);
// The stock counters move at once; the reservation rows are read and updated, or, with
// `unwritten` (the rows a new order's unit made and has not written), moved in memory.
std::vector<Reservation> commit_stock(Command& cmd, const std::string& order_id,
                                      std::vector<Reservation>* unwritten = nullptr);
std::vector<Reservation> release_stock(Command& cmd, const std::string& order_id,
                                       std::vector<Reservation>* unwritten = nullptr);

// Restock (delta > 0) or shrink (delta < 0) of the product with its audit row and StockAdjusted
// event; returns the level after it. Errors: NotFound (product), InvalidArgument naming "delta"
// (on_hand would overflow), FailedPrecondition kOutOfStock (a shrink below what is reserved).
// Check the arguments first (check_stock_adjustment).
StockLevel adjust_stock(Command& cmd, const std::string& product_id, std::int64_t delta,
                        const std::string& reason);
// The arguments of a stock adjustment: product id, delta (non-zero, within +-1e9), reason.
void check_stock_adjustment(const std::string& product_id, std::int64_t delta,
                            const std::string& reason);

// An administrative change of the user's balance by `delta` (non-zero) with its ledger entry
// (kAdjust, balance_after) and PointAdjusted event; never takes the balance below zero.
// `delta_field` names the caller's argument in errors. Errors: InvalidArgument (the balance
// would overflow), FailedPrecondition kInsufficientPoints naming the user. Check the arguments
// first (check_points_adjustment).
PointsEntry adjust_points(Command& cmd, const std::string& user_id, Money delta,
                          const std::string& reason, std::string_view delta_field);
// The arguments of a points adjustment: user id, delta (non-zero, within +-1e15), reason.
void check_points_adjustment(std::string_view delta_field, const std::string& user_id,
                             Money delta, const std::string& reason);

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
