// The ledgers' building blocks, each running inside a caller's unit of work. The public services
// wrap each in its own transaction; the order saga runs several in one transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/coupons.h"
#include "commerce/locations.h"
#include "commerce/points.h"
#include "commerce/stock.h"
#include "context.h"

namespace commerce::detail {

// `items` must come from merge_items(). See StockLedger::reserve for the rules: the units are
// allocated among the active locations by the store's strategy (given `region`), one row per
// (product, location). `new_order`: the order was created in this unit of work, its products
// read and found active there, so it holds no reservation yet and the products are not read
// again; its reservation rows are returned, not written: the caller writes them (in their final
// state, after commit_stock / release_stock with `unwritten`).
std::vector<Reservation> reserve_stock(Command& cmd, const std::string& order_id,
                                       const std::vector<LineItem>& items,
                                       const std::string& region, Timestamp expires_at,
                                       bool new_order = false);
// The stock counters move at once, each row at its location; the reservation rows are read and
// updated, or, with `unwritten` (the rows a new order's unit made and has not written), moved
// in memory.
std::vector<Reservation> commit_stock(Command& cmd, const std::string& order_id,
                                      std::vector<Reservation>* unwritten = nullptr);
std::vector<Reservation> release_stock(Command& cmd, const std::string& order_id,
                                       std::vector<Reservation>* unwritten = nullptr);

// StockLow / StockReplenished for the product at the location when a conditional update that
// changed available there by `moved` (its StockMove) crossed the row's threshold.
void note_stock_crossing(Command& cmd, const std::string& product_id,
                         const std::string& location_id, const Transaction::StockMove& move,
                         std::int64_t moved);

// Restock (delta > 0) or shrink (delta < 0) of the product at the location (which must exist)
// with its audit row, StockAdjusted and crossing events; returns the product's level after it.
// Errors: NotFound (product), InvalidArgument naming "delta" (on_hand would overflow),
// FailedPrecondition kOutOfStock (a shrink below what is reserved there). Check the arguments
// first (check_stock_adjustment).
StockLevel adjust_stock(Command& cmd, const std::string& product_id,
                        const std::string& location_id, std::int64_t delta,
                        const std::string& reason);
// A count of units set at once (initial stock, a threshold, a backorder limit): 0..1e9, else
// InvalidArgument naming `field`.
void check_stock_count(std::string_view field, std::int64_t value);
// The arguments of a stock adjustment: product id, delta (non-zero, within +-1e9), reason.
void check_stock_adjustment(const std::string& product_id, std::int64_t delta,
                            const std::string& reason);
// Moves `qty` available units from one location to another (see StockLedger::transfer); the
// arguments checked but the locations not read yet.
StockTransfer transfer_stock(Command& cmd, const std::string& product_id,
                             const std::string& from_location_id,
                             const std::string& to_location_id, std::int64_t qty,
                             const std::string& reason);
// The location `id` (named `field` in errors) exists: InvalidArgument naming `field` otherwise.
StockLocation require_location(Command& cmd, std::string_view field, const std::string& id);

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
// Gives back what the order took from the user's points and its refunds did not give back yet
// (kRestore; none if nothing remains); once per order.
std::optional<PointsEntry> restore_points(Command& cmd, const std::string& order_id);
// Gives `amount` (> 0) points back to the user for some units of the order (kRefund, with
// `reason`); many per order.
PointsEntry refund_points(Command& cmd, const std::string& user_id, Money amount,
                          const std::string& order_id, const std::string& reason);

// A coupon and its template as one unit of work read them.
struct CouponRead {
  Coupon coupon;
  CouponTemplate tmpl;
};

// `read`: the coupon as this unit of work already read it (preview_coupon()), then not read again;
// its use is still a conditional update on its status.
CouponApplication use_coupon(Command& cmd, const std::string& coupon_id,
                             const std::string& user_id, const std::string& order_id,
                             Money subtotal, bool required, const CouponRead* read = nullptr);
// What use_coupon() would do now, reading only: applied with the discount it would take off
// `subtotal`, or not applied with the reason it would give (`read` becomes what was read, none
// for a coupon that does not exist).
CouponApplication preview_coupon(Command& cmd, const std::string& coupon_id,
                                 const std::string& user_id, Money subtotal,
                                 std::optional<CouponRead>& read);
std::optional<Coupon> restore_coupon(Command& cmd, const std::string& order_id);

}  // namespace commerce::detail
