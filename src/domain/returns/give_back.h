// The refund rule of commerce/returns.h, once: what giving some units of an order back is
// worth, in money and in points, and the moves that give it back inside a caller's unit of
// work. Partial cancellation (cancel_items.cpp) and received returns (return_desk.cpp) both
// give back through give_back().
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "commerce/orders.h"
#include "commerce/returns.h"
#include "domain/context.h"

namespace commerce::detail {

// The order's value given back when `given_back` units of each line are (by product id; lines
// not named count their OrderItem::given_back), shipping included once every unit is and
// `refund_shipping`.
Money value_given_back(const Order& order, const std::map<std::string, std::int64_t>& given_back,
                       bool refund_shipping);
// Of a cumulative value `value` given back, what comes back as money: floor(value x total /
// (total + points_used)); the rest comes back as points.
Money money_share(const Order& order, Money value);

// What giving back `units` (by product id) of the order as read in this unit is worth: its value
// by the rule, the money share (capped at what remains of the payment, so refunds by hand
// count) and the rest as points; `all` when every unit is then given back.
struct Owed {
  Money value = 0;
  Money money = 0;
  Money points = 0;
  bool all = false;
  bool shipping_refunded = false;
  std::string payment_id;  // the payment the money comes back from (money > 0)
};
Owed owed(Transaction& tx, const Order& order, const std::map<std::string, std::int64_t>& units,
          bool refund_shipping);

// Gives back `units` (by product id, each > 0) of the order as read and locked in this unit:
// counts them on the lines (given_back, a conditional update: never more than a line's qty),
// gives their points share back as points, reserves their money share (capped at what remains
// of the payment) as a started Refund with `reason` for the caller to finish outside the unit,
// and restores the coupon with the last unit. `credit` (an exchange's, <= what is owed) is
// kept for a replacement order: it takes the money share first, and what it takes comes back
// as points, for the replacement placed in the same unit to spend. Errors: Internal if a line
// no longer holds the units (the caller checked them in this unit); FailedPrecondition naming
// "replacement" when the units are worth less than `credit`.
GiveBack give_back(Command& cmd, const Order& order,
                   const std::map<std::string, std::int64_t>& units, const std::string& reason,
                   Money credit = 0);

}  // namespace commerce::detail

namespace commerce {
// GiveBack as once_per_request() stores a result (found by argument-dependent lookup).
void to_json(nlohmann::json& j, const GiveBack& g);
void from_json(const nlohmann::json& j, GiveBack& g);
}  // namespace commerce
