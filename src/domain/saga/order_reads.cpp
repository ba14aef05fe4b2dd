// The order book: its construction, its reads, the public facade (OrderBook), and the test
// hook's access to it.
#include <fmt/format.h>

#include <algorithm>

#include "commerce/error.h"
#include "commerce/store.h"
#include "domain/order_saga.h"
#include "domain/shipments/shipment_desk.h"
#include "domain/pagination.h"
#include "domain/validate.h"
#include "step_rows.h"

namespace commerce::detail {

OrderSaga::OrderSaga(const Context& ctx)
    : ctx_(ctx), engine_(ctx, saga_steps(ctx.options.saga)) {
  const SagaOptions& opts = ctx.options.saga;
  if (opts.attempts < 1) throw Error::invalid_argument("saga.attempts", "must be at least 1");
  if (opts.gateway_timeout_ms <= 0) {
    throw Error::invalid_argument("saga.gateway_timeout_ms", "must be positive");
  }
  if (opts.backoff_initial_ms < 0 || opts.backoff_max_ms < opts.backoff_initial_ms) {
    throw Error::invalid_argument("saga.backoff_max_ms",
                                  "backoff must satisfy 0 <= initial <= max");
  }
}

// --- reads

Order OrderSaga::get(const std::string& order_id) const {
  check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto order = tx.find_order(order_id);
    if (!order) throw Error::not_found("order", order_id);
    order->items = tx.find_order_items(order_id);
    return *order;
  });
}

Page<Order> OrderSaga::list_for_user(const std::string& user_id, const std::string& cursor,
                                     int limit) const {
  check_id("user_id", user_id);
  check_limit(limit);
  const std::string before = decode_cursor(cursor);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Page<Order> page;
    page.items = tx.list_orders_for_user(user_id, before, limit + 1);
    if (static_cast<int>(page.items.size()) > limit) {
      page.items.resize(limit);
      page.next_cursor = encode_cursor(page.items.back().id);
    }
    for (auto& order : page.items) order.items = tx.find_order_items(order.id);
    return page;
  });
}

std::vector<OrderAudit> OrderSaga::audit(const std::string& order_id) const {
  check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    if (!tx.find_order(order_id)) throw Error::not_found("order", order_id);
    return tx.find_order_audit(order_id);
  });
}

}  // namespace commerce::detail

namespace commerce {

bool Order::backordered() const {
  return std::ranges::any_of(items, [](const OrderItem& item) { return item.backordered > 0; });
}

OrderBook::OrderBook(const detail::Context& ctx)
    : saga_(std::make_unique<detail::OrderSaga>(ctx)) {}
OrderBook::~OrderBook() = default;

Order OrderBook::place(const PlaceOrder& request) { return saga_->place(request); }
Quote OrderBook::quote(const PlaceOrder& request) const { return saga_->quote(request); }
Order OrderBook::get(const std::string& order_id) const { return saga_->get(order_id); }
Page<Order> OrderBook::list_for_user(const std::string& user_id, const std::string& cursor,
                                     int limit) const {
  return saga_->list_for_user(user_id, cursor, limit);
}
std::vector<OrderAudit> OrderBook::audit(const std::string& order_id) const {
  return saga_->audit(order_id);
}
Order OrderBook::cancel(const std::string& order_id, const std::string& reason,
                        const std::string& request_id) {
  return saga_->cancel(order_id, reason, request_id);
}
Order OrderBook::ship(const std::string& order_id) {
  return saga_->advance_fulfilment(order_id, OrderStatus::kConfirmed, OrderStatus::kShipped);
}
Order OrderBook::deliver(const std::string& order_id) {
  return saga_->advance_fulfilment(order_id, OrderStatus::kShipped, OrderStatus::kDelivered);
}
Order OrderBook::complete_payment(const std::string& order_id, bool approved) {
  return saga_->complete_payment(order_id, approved);
}
std::vector<std::string> OrderBook::sweep(int limit) { return saga_->sweep(limit); }
RecoveryReport OrderBook::recover() { return saga_->recover(); }
Refund OrderBook::refund(const std::string& order_id, Money amount, const std::string& reason,
                         const std::string& request_id) {
  return saga_->refund(order_id, amount, reason, request_id);
}
ItemsCancelled OrderBook::cancel_items(const std::string& order_id,
                                      const std::vector<LineItem>& items,
                                      const std::string& reason, const std::string& request_id) {
  return saga_->cancel_items(order_id, items, reason, request_id);
}

std::vector<Refund> OrderBook::refunds(const std::string& order_id) const {
  return saga_->refunds(order_id);
}

}  // namespace commerce

namespace commerce::detail {

// The one way in to a store's sagas from outside the library's order code: the test hook.
struct OrderBookAccess {
  static OrderSaga& saga(OrderBook& book) { return *book.saga_; }
};

OrderSaga& saga_of(OrderBook& book) { return OrderBookAccess::saga(book); }

}  // namespace commerce::detail

namespace commerce::testing {

void set_fault_hook(Store& store, detail::FaultHook hook) {
  detail::OrderBookAccess::saga(store.orders()).set_fault_hook(hook);
  detail::ShipmentsAccess::desk(store.shipments()).set_fault_hook(std::move(hook));
}

}  // namespace commerce::testing
