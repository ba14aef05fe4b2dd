#include "give_back.h"

#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"
#include "domain/ledger_steps.h"
#include "domain/saga/payment_step.h"

namespace commerce::detail {

namespace {

__extension__ typedef __int128 Wide;  // amount x amount without overflow

Money share(Money amount, std::int64_t part, std::int64_t whole) {
  return static_cast<Money>(static_cast<Wide>(amount) * part / whole);
}

// What the order cost beyond its lines: the shipping fee (and its tax when added on top).
Money shipping_fee(const Order& order) {
  Money lines = 0;
  for (const auto& item : order.items) lines += item.total;
  return order.total + order.points_used - lines;
}

}  // namespace

Money value_given_back(const Order& order, const std::map<std::string, std::int64_t>& given_back,
                       bool refund_shipping) {
  Money value = 0;
  bool all = true;
  for (const auto& item : order.items) {
    auto it = given_back.find(item.product_id);
    const std::int64_t units = it == given_back.end() ? item.given_back : it->second;
    value += share(item.total, units, item.qty);
    all = all && units == item.qty;
  }
  return all && refund_shipping ? value + shipping_fee(order) : value;
}

Money money_share(const Order& order, Money value) {
  const Money gross = order.total + order.points_used;
  return gross == 0 ? 0 : share(value, order.total, gross);
}

Owed owed(Transaction& tx, const Order& order, const std::map<std::string, std::int64_t>& units,
          bool refund_shipping) {
  std::map<std::string, std::int64_t> after;
  Owed o;
  o.all = true;
  for (const auto& item : order.items) {
    auto it = units.find(item.product_id);
    const std::int64_t n = it == units.end() ? 0 : it->second;
    after[item.product_id] = item.given_back + n;
    o.all = o.all && item.given_back + n == item.qty;
  }
  const Money before_value = value_given_back(order, {}, refund_shipping);
  const Money after_value = value_given_back(order, after, refund_shipping);
  o.value = after_value - before_value;
  o.money = money_share(order, after_value) - money_share(order, before_value);
  o.points = o.value - o.money;
  o.shipping_refunded = o.all && refund_shipping && shipping_fee(order) > 0;
  if (o.money > 0) {
    const auto payment = tx.find_payment(order.id);
    if (!payment || payment->status != PaymentStatus::kApproved) {
      throw Error::internal(fmt::format("order '{}' is paid but has no approved payment",
                                        order.id));
    }
    // Refunds by hand (OrderBook::refund) may have given part of it back already.
    o.money = std::max<Money>(std::min(o.money, payment->amount - tx.find_refunded(order.id)), 0);
    o.payment_id = payment->id;
  }
  return o;
}

GiveBack give_back(Command& cmd, const Order& order,
                   const std::map<std::string, std::int64_t>& units, const std::string& reason,
                   Money credit) {
  Transaction& tx = cmd.tx;
  for (const auto& item : order.items) {
    auto it = units.find(item.product_id);
    const std::int64_t n = it == units.end() ? 0 : it->second;
    if (n > 0 && !tx.try_give_back_units(order.id, item.product_id, n)) {
      throw Error::internal(fmt::format("order '{}': '{}' holds fewer than {} units to give back",
                                        order.id, item.product_id, n));
    }
  }
  const Owed o = owed(tx, order, units, cmd.ctx.options.returns.refund_shipping);
  if (credit > o.money + o.points) {
    throw Error::failed_precondition(
        Reason::kNone, "replacement",
        fmt::format("the units given back of order '{}' are worth {} now, less than the {} the "
                    "replacement was to take",
                    order.id, o.money + o.points, credit));
  }
  // The credit takes the money share first: that money stays with the store and comes back as
  // points, which the replacement order spends with the rest of the credit.
  const Money to_points = std::min(o.money, credit);
  GiveBack g{.value = o.value,
             .money = o.money - to_points,
             .points = o.points + to_points,
             .refund_id = {},
             .coupon_restored = false,
             .shipping_refunded = o.shipping_refunded};
  if (g.money > 0) {
    if (!tx.try_reserve_refund(order.id, g.money)) {
      throw Error::internal(fmt::format("order '{}' could not reserve a refund of {}",
                                        order.id, g.money));
    }
    g.refund_id = new_id(cmd.now);
    if (!insert_started_refund(cmd, g.refund_id, order.id, o.payment_id, g.money, reason)) {
      throw Error::internal(fmt::format("refund id '{}' is taken", g.refund_id));
    }
  }
  if (g.points > 0) refund_points(cmd, order.user_id, g.points, order.id, reason);
  if (o.all) g.coupon_restored = restore_coupon(cmd, order.id).has_value();
  return g;
}

}  // namespace commerce::detail

namespace commerce {

void to_json(nlohmann::json& j, const GiveBack& g) {
  j = {{"value", g.value},
       {"money", g.money},
       {"points", g.points},
       {"refund_id", g.refund_id},
       {"coupon_restored", g.coupon_restored},
       {"shipping_refunded", g.shipping_refunded}};
}

void from_json(const nlohmann::json& j, GiveBack& g) {
  g.value = j.at("value").get<Money>();
  g.money = j.at("money").get<Money>();
  g.points = j.at("points").get<Money>();
  g.refund_id = j.at("refund_id").get<std::string>();
  g.coupon_restored = j.at("coupon_restored").get<bool>();
  g.shipping_refunded = j.at("shipping_refunded").get<bool>();
}

}  // namespace commerce
