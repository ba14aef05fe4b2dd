// Placing an order: the request checked and priced, the order and its saga created, and the saga
// run as far as it goes without an external call, all in one unit of work; then driven on.
#include <fmt/format.h>

#include <algorithm>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"
#include "domain/idempotency.h"
#include "domain/json_codec.h"
#include "domain/option_checks.h"
#include "domain/order_saga.h"
#include "domain/validate.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxOrderItems = 100;

// The order's lines at the products' current prices, and their sum. `items` come from
// merge_items() (by product id), as find_products() wants them (PostgreSQL reads them in one
// statement).
std::pair<std::vector<OrderItem>, Money> price_lines(Transaction& tx,
                                                     const std::vector<LineItem>& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(item.product_id);
  const std::vector<Product> products = tx.find_products(ids);
  std::vector<OrderItem> lines;
  Money subtotal = 0;
  auto product = products.begin();
  for (const auto& item : items) {
    while (product != products.end() && product->id < item.product_id) ++product;
    if (product == products.end() || product->id != item.product_id) {
      throw Error::not_found("product", item.product_id);
    }
    require_orderable(*product);
    const Money line = checked_mul(product->price, item.qty, "items");
    subtotal = checked_add(subtotal, line, "items");
    lines.push_back({item.product_id, product->name, product->price, item.qty, line});
  }
  return {std::move(lines), subtotal};
}

}  // namespace

Order OrderSaga::place(const PlaceOrder& r) {
  check_id("user_id", r.user_id);
  if (r.items.empty() || r.items.size() > kMaxOrderItems) {
    throw Error::invalid_argument("items", fmt::format("must hold 1..{} items", kMaxOrderItems));
  }
  const auto items = merge_items(r.items);
  if (!r.coupon_id.empty()) check_id("coupon_id", r.coupon_id);
  check_not_negative("points_to_use", r.points_to_use);
  check_text("payment_method", r.payment_method, 64, true);
  check_text("region", r.region, kMaxRegionBytes, false);

  // The request's fingerprint, for its request_id (none without one).
  const json call = r.request_id.empty() ? json()
                                         : json{{"op", "orders.place"},
                                                {"user_id", r.user_id},
                                                {"items", items},
                                                {"coupon_id", r.coupon_id},
                                                {"coupon_required", r.coupon_required},
                                                {"points_to_use", r.points_to_use},
                                                {"payment_method", r.payment_method},
                                                {"region", r.region}};
  // The order is created and its saga run as far as it goes without an external call, all in
  // one unit of work: a crash leaves either nothing or a saga that any driver can resume.
  // The new order is locked before its unit commits: this process's duplicates of the request
  // must not drive the saga (and find the payment begun) while this call is about to charge.
  const std::string new_order_id = new_id(ctx_.clock.now());
  std::optional<SagaEngine::OrderLock> lock;
  lock.emplace(engine_, new_order_id);
  std::optional<SagaSnapshot> placed;
  std::string order_id;
  try {
    order_id = engine_.run_optimistically([&](bool careful) {
      return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        placed.reset();
        Command cmd{tx, ctx_, ctx_.clock.now(), r.request_id};
        return once_per_request(cmd, call, [&] {
          auto [lines, subtotal] = price_lines(tx, items);
          // What the coupon would take off now, so the points can be bounded by what remains;
          // the coupon step validates it for real.
          Money expected_discount = 0;
          std::optional<CouponRead> coupon_read;
          if (!r.coupon_id.empty()) {
            try {
              expected_discount = quote_coupon(cmd, r.coupon_id, r.user_id, subtotal, coupon_read);
            } catch (const Error&) {
              expected_discount = 0;
            }
          }
          const Money room = subtotal - std::min(expected_discount, subtotal);
          if (r.points_to_use > room) {
            throw Error::invalid_argument(
                "points_to_use",
                fmt::format("must be at most {} (subtotal {} minus the coupon's {})", room,
                            subtotal, subtotal - room));
          }
          if (room - r.points_to_use > 0 && !ctx_.options.gateway) {
            throw Error::failed_precondition(
                Reason::kNone, "gateway",
                "the store has no payment gateway, so only orders with a total of 0 can be placed");
          }
          SagaSnapshot s{.saga = {},
                     .order = {.id = new_order_id,
                               .user_id = r.user_id,
                               .status = OrderStatus::kPending,
                               .items = std::move(lines),
                               .subtotal = subtotal,
                               .discount = 0,
                               .points_used = r.points_to_use,
                               .total = subtotal - r.points_to_use,
                               .coupon_id = r.coupon_id,
                               .coupon_required = r.coupon_required,
                               .coupon_applied = false,
                               .coupon_note = {},
                               .payment_method = r.payment_method,
                               .failure_reason = {},
                               .request_id = r.request_id,
                               .expires_at = cmd.now + ctx_.options.reservation_ttl_ms,
                               .created_at = cmd.now,
                               .updated_at = cmd.now,
                               .region = r.region},
                     .payment = std::nullopt,
                     .charge_now = false,
                     .careful = careful,
                     .facts = {.new_order = true,
                               .coupon = std::move(coupon_read),
                               .reserved = {}}};
          // The order's rows are written by write_unit() when the saga has gone as far as it
          // goes in this unit, in their final state (one insert each, no updates).
          const Order& order = s.order;
          s.unwritten.audit.push_back(
              {new_id(cmd.now), order.id, std::nullopt, OrderStatus::kPending, "placed", cmd.now});
          emit(cmd, "OrderCreated", order.id,
               JsonText()
                   .add("order_id", order.id)
                   .add("user_id", order.user_id)
                   .add("subtotal", order.subtotal)
                   .add("points_used", order.points_used)
                   .add("coupon_id", order.coupon_id)
                   .add("total", order.total));
          s.saga = {order.id, SagaState::kRunning, 0, 0, engine_.new_saga_steps(), {}, cmd.now};
          log_saga(cmd, s, "order", "created", JsonText().add("steps", s.saga.steps));
          engine_.hook(FaultPoint::kOrderCreateInside);
          engine_.advance_locally(cmd, s);
          write_unit(cmd, s);
          placed = std::move(s);
          return placed->order.id;
        });
      });
    });
  } catch (const SagaMoved&) {
    throw Error::internal("a new order's saga was changed by someone else");
  }
  engine_.hook(FaultPoint::kOrderCreateAfter);
  if (order_id != new_order_id) {  // a repeated request: drive the order it placed
    lock.reset();
    return engine_.drive(order_id);
  }
  if (!SagaEngine::needs_driver(*placed)) return placed->order;
  return engine_.drive_locked(order_id, true, std::move(*placed));
}

}  // namespace commerce::detail
