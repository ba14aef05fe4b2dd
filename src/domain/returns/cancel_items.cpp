// Partial cancellation (OrderBook::cancel_items): units of a CONFIRMED order that are in no
// shipment leave its reservation rows and go back on their shelf, and their value is given
// back (give_back.h), all in one unit of work; the money's refund is then finished outside it
// as every partial refund is (saga/refunds.cpp).
#include <fmt/format.h>

#include <algorithm>

#include "commerce/error.h"
#include "domain/event_writer.h"
#include "domain/idempotency.h"
#include "domain/ledger_steps.h"
#include "domain/order_saga.h"
#include "domain/shipments/shipment_moves.h"
#include "domain/validate.h"
#include "give_back.h"

namespace commerce::detail {

namespace {

// Takes `qty` units of the product out of the order's rows, rows with backordered units first
// (those wait for a restock), each back on its location's shelf.
void cancel_units(Command& cmd, const std::string& order_id, const LineItem& item,
                  std::vector<FulfilmentRow> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const FulfilmentRow& a, const FulfilmentRow& b) {
    return a.backordered > b.backordered;
  });
  std::int64_t left = item.qty;
  for (const auto& row : rows) {
    const std::int64_t n = std::min(left, row.live() - row.packed);
    if (n <= 0) continue;
    if (!cmd.tx.try_cancel_units(order_id, row.product_id, row.location_id, n)) {
      throw Error::unavailable(order_id, fmt::format("order '{}' changed concurrently; try again",
                                                     order_id));
    }
    adjust_stock(cmd, row.product_id, row.location_id, n,
                 fmt::format("order {}: units cancelled", order_id));
    left -= n;
    if (left == 0) return;
  }
}

}  // namespace

ItemsCancelled OrderSaga::cancel_items(const std::string& order_id,
                                       const std::vector<LineItem>& items,
                                       const std::string& reason,
                                       const std::string& request_id) {
  check_id("order_id", order_id);
  const std::vector<LineItem> merged = merge_items(items);
  check_text("reason", reason, kMaxNameBytes, false);
  nlohmann::json call = {{"op", "orders.cancel_items"}, {"order_id", order_id}, {"reason", reason}};
  for (const auto& item : merged) call["items"].push_back({item.product_id, item.qty});
  const std::string why = reason.empty() ? "units cancelled" : reason;
  // (whole: every unit was asked, none shipped, so the order is being cancelled; what came back)
  std::pair<bool, GiveBack> done;
  try {
    done = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
      Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
      return once_per_request(cmd, call, [&] {
        auto order = tx.find_order(order_id);  // locks the order's row (PostgreSQL)
        if (!order) throw Error::not_found("order", order_id);
        const auto saga = tx.find_saga(order_id);
        if (order->status != OrderStatus::kConfirmed || !saga ||
            saga->state != SagaState::kConfirmed) {
          throw Error::failed_precondition(
              Reason::kIllegalTransition, order_id,
              fmt::format("order '{}' is {}: only units of a CONFIRMED order that have not "
                          "shipped are cancelled",
                          order_id, to_string(order->status)));
        }
        const auto rows = tx.find_fulfilment(order_id);
        std::int64_t packed = 0, remaining = 0, asked = 0;
        for (const auto& row : rows) {
          packed += row.packed;
          remaining += row.live();
        }
        std::map<std::string, std::vector<FulfilmentRow>> mine;  // by product
        for (const auto& item : merged) {
          std::int64_t unshipped = 0;
          for (const auto& row : rows) {
            if (row.product_id != item.product_id ||
                row.state != ReservationState::kCommitted) {
              continue;
            }
            unshipped += row.live() - row.packed;
            mine[item.product_id].push_back(row);
          }
          if (mine[item.product_id].empty()) {
            throw Error::invalid_argument(
                "items", fmt::format("product '{}' is not in order '{}' (or a host step keeps "
                                     "its stock)",
                                     item.product_id, order_id));
          }
          if (item.qty > unshipped) {
            throw Error::invalid_argument(
                "items", fmt::format("order '{}' has {} units of '{}' in no shipment, not {}",
                                     order_id, unshipped, item.product_id, item.qty));
          }
          asked += item.qty;
        }
        order->items = tx.find_order_items(order_id);
        if (packed == 0 && asked == remaining) {
          // Every unit, none shipped: the whole cancel gives back all that remains.
          const Money refunded = tx.find_refunded(order_id);
          const Money before = value_given_back(*order, {}, true);
          GiveBack whole;
          whole.value = order->total + order->points_used - before;
          whole.money = order->total - refunded;
          whole.points = whole.value - (order->total - money_share(*order, before));
          whole.coupon_restored = order->coupon_applied;
          whole.shipping_refunded = order->shipping_fee > 0;
          request_cancel(cmd, order_id, reason);
          return std::pair<bool, GiveBack>{true, whole};
        }
        std::map<std::string, std::int64_t> units;
        for (const auto& item : merged) {
          cancel_units(cmd, order_id, item, mine[item.product_id]);
          units[item.product_id] = item.qty;
        }
        const GiveBack g = give_back(cmd, *order, units, why);
        nlohmann::json cancelled = nlohmann::json::array();
        for (const auto& item : merged) cancelled.push_back({{"product_id", item.product_id},
                                                            {"qty", item.qty}});
        emit(cmd, "OrderItemsCancelled", order_id,
             {{"order_id", order_id},
              {"items", cancelled},
              {"value", g.value},
              {"money", g.money},
              {"points", g.points},
              {"refund_id", g.refund_id}});
        follow_units(cmd, order_id, why);
        engine_.hook(FaultPoint::kCancelItemsInside);
        return std::pair<bool, GiveBack>{false, g};
      });
    });
  } catch (const SagaMoved&) {
    throw Error::unavailable(order_id, fmt::format("order '{}' changed concurrently; try again",
                                                   order_id));
  }
  const auto& [whole, given] = done;
  if (whole) return {finish_cancel(order_id), given};
  engine_.hook(FaultPoint::kCancelItemsAfter);
  if (!given.refund_id.empty() &&
      finish_refund(given.refund_id).status == RefundStatus::kStarted) {
    throw Error::unavailable(
        given.refund_id,
        fmt::format("units of order '{}' are cancelled and refund '{}' reserved, but the gateway "
                    "did not answer; recover() finishes it",
                    order_id, given.refund_id));
  }
  return {get(order_id), given};
}

}  // namespace commerce::detail
