// commerce::Unit (commerce/unit.h): the domain's in-transaction building blocks (ledger_steps.h,
// event_writer.h) behind the host's view of one unit of work, each after its arguments' checks.
#include "commerce/unit.h"

#include "commerce/error.h"
#include "context.h"
#include "event_writer.h"
#include "ledger_steps.h"
#include "unit_access.h"
#include "validate.h"

namespace commerce {

namespace {

constexpr int kMaxOutboxPage = 1000;

}  // namespace

Timestamp Unit::now() const { return command_.now; }

detail::Command& Unit::writing(const char* call) {
  if (mode_ != UnitMode::kWrite) {
    throw Error::failed_precondition(
        Reason::kNone, "unit",
        std::string(call) + " writes, and this unit of work is read-only: run it with "
                            "UnitMode::kWrite (Python: write=True)");
  }
  return command_;
}

// --- points

PointsEntry UnitPoints::credit(const std::string& user_id, Money amount,
                               const std::string& reason) {
  detail::check_positive("amount", amount);
  detail::check_points_adjustment("amount", user_id, amount, reason);
  return detail::adjust_points(unit_.writing("points.credit"), user_id, amount, reason,
                               "amount");
}

PointsEntry UnitPoints::debit(const std::string& user_id, Money amount,
                              const std::string& reason) {
  detail::check_positive("amount", amount);
  detail::check_points_adjustment("amount", user_id, -amount, reason);
  return detail::adjust_points(unit_.writing("points.debit"), user_id, -amount, reason,
                               "amount");
}

Money UnitPoints::balance(const std::string& user_id) const {
  detail::check_id("user_id", user_id);
  return unit_.command_.tx.find_points_balance(user_id);
}

// --- stock

StockLevel UnitStock::adjust(const std::string& product_id, std::int64_t delta,
                             const std::string& reason) {
  detail::check_stock_adjustment(product_id, delta, reason);
  detail::Command& cmd = unit_.writing("stock.adjust");
  detail::require_location(cmd, "location_id", kDefaultLocation);
  return detail::adjust_stock(cmd, product_id, kDefaultLocation, delta, reason);
}

std::optional<StockLevel> UnitStock::level(const std::string& product_id) const {
  detail::check_id("product_id", product_id);
  return unit_.command_.tx.find_stock(product_id);
}

std::vector<Reservation> UnitStock::reservations(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  return unit_.command_.tx.find_reservations(order_id);
}

// --- events

Event UnitEvents::emit(const std::string& type, const std::string& key,
                       const std::string& payload) {
  return detail::emit_host_event(unit_.writing("events.emit"), type, key, payload);
}

std::vector<Event> UnitEvents::outbox(std::int64_t after_seq, int limit) const {
  if (after_seq < 0) throw Error::invalid_argument("after_seq", "must not be negative");
  if (limit < 1 || limit > kMaxOutboxPage) {
    throw Error::invalid_argument("limit", "must be 1..1000");
  }
  return unit_.command_.tx.read_outbox(after_seq, limit);
}

OutboxCounts UnitEvents::counts() const {
  unit_.command_.tx.flush_events();
  return unit_.command_.tx.count_outbox();
}

// --- lookups

std::optional<Product> UnitLookups::product(const std::string& product_id) const {
  detail::check_id("product_id", product_id);
  return unit_.command_.tx.find_product(product_id);
}

std::optional<Coupon> UnitLookups::coupon(const std::string& coupon_id) const {
  detail::check_id("coupon_id", coupon_id);
  return unit_.command_.tx.find_coupon(coupon_id);
}

std::optional<Order> UnitLookups::order(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  auto order = unit_.command_.tx.find_order(order_id);
  if (order) order->items = unit_.command_.tx.find_order_items(order_id);
  return order;
}

std::optional<Payment> UnitLookups::payment(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  return unit_.command_.tx.find_payment(order_id);
}

std::optional<SagaRecord> UnitLookups::saga(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  return unit_.command_.tx.find_saga(order_id);
}

std::vector<SagaLogEntry> UnitLookups::saga_log(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  return unit_.command_.tx.find_saga_log(order_id);
}

namespace detail {

void run_after_commit(const std::vector<std::function<void()>>& actions) {
  for (const auto& action : actions) {
    try {
      action();
    } catch (...) {
      // Documented: after-commit work is best effort (recover() finishes what sagas leave).
    }
  }
}

}  // namespace detail

}  // namespace commerce
