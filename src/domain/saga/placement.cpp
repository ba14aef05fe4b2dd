// Placing an order: the request checked and priced, the order and its saga created, and the saga
// run as far as it goes without an external call, all in one unit of work; then driven on.
#include <fmt/format.h>

#include <algorithm>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "core/address_text.h"
#include "core/secret_token.h"
#include "domain/event_writer.h"
#include "domain/idempotency.h"
#include "domain/json_codec.h"
#include "domain/ledger_steps.h"
#include "domain/option_checks.h"
#include "domain/order_saga.h"
#include "domain/pricing/price_pipeline.h"
#include "domain/validate.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxOrderItems = 100;

// The request's fields, checked; its items merged by product id.
std::vector<LineItem> checked_request(const PlaceOrder& r) {
  check_id("user_id", r.user_id);
  if (r.items.empty() || r.items.size() > kMaxOrderItems) {
    throw Error::invalid_argument("items", fmt::format("must hold 1..{} items", kMaxOrderItems));
  }
  auto items = merge_items(r.items);
  if (!r.coupon_id.empty()) check_id("coupon_id", r.coupon_id);
  check_not_negative("points_to_use", r.points_to_use);
  check_text("payment_method", r.payment_method, 64, true);
  check_text("region", r.region, kMaxRegionBytes, false);
  if (!r.shipping_option.empty()) check_id("shipping_option", r.shipping_option);
  if (r.expected_total < -1) {
    throw Error::invalid_argument("expected_total", "must be >= 0, or -1 for none");
  }
  if (r.shipping_address) validate_address(*r.shipping_address, "shipping_address");
  return items;
}

// The request priced now by the pipeline (domain/pricing/price_pipeline.h), as quote() shows it
// and place() writes it: the items at the products' current prices, the coupon previewed (`read`
// becomes what was read, for the coupon step), shipping, tax and points. `items` come from
// checked_request(), as find_products() wants them (PostgreSQL reads them in one statement).
Quote price_request(Command& cmd, const PlaceOrder& r, const std::vector<LineItem>& items,
                    std::optional<CouponRead>& read) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(item.product_id);
  // A store with one active location reserves a product's units with one conditional update,
  // whose guard is the check: its orders read the products unlocked, so orders of one product
  // do not queue on the product's row from their first statement (PostgreSQL), only on its
  // stock row from the reservation on. The allocation's general path (several locations) locks
  // the products itself when they were not (stock_allocation.cpp). A price change committed
  // while an order is placed applies to the orders that read the product after it.
  cmd.products_locked = cmd.ctx.many_locations.load(std::memory_order_relaxed);
  const std::vector<Product> products = cmd.tx.find_products(ids, cmd.products_locked);
  std::vector<PricedLine> lines;
  lines.reserve(items.size());
  Money subtotal = 0;
  std::int64_t weight = 0;
  auto product = products.begin();
  for (const auto& item : items) {
    while (product != products.end() && product->id < item.product_id) ++product;
    if (product == products.end() || product->id != item.product_id) {
      throw Error::not_found("product", item.product_id);
    }
    require_orderable(*product);
    const PricingAttributes attrs = pricing_attributes("attributes", product->attributes);
    const Money line = checked_mul(product->price, item.qty, "items");
    subtotal = checked_add(subtotal, line, "items");
    weight = checked_add(weight, checked_mul(attrs.weight_grams, item.qty, "items"), "items");
    lines.push_back({.product_id = item.product_id,
                     .name = product->name,
                     .unit_price = product->price,
                     .qty = item.qty,
                     .line_total = line,
                     .tax_class = attrs.tax_class});
  }
  CouponApplication coupon{.applied = false, .coupon_id = r.coupon_id};
  if (!r.coupon_id.empty()) coupon = preview_coupon(cmd, r.coupon_id, r.user_id, subtotal, read);
  ShippingCharge shipping;
  if (!r.shipping_option.empty()) {
    shipping = charge_shipping(find_shipping_option(cmd.ctx.options, r.shipping_option),
                               {.goods_amount = subtotal - coupon.discount,
                                .weight_grams = weight,
                                .region = r.region});
  }
  Quote q = price_lines(std::move(lines), coupon.discount, shipping,
                        *cmd.ctx.options.tax_calculator, r.region);
  q.coupon_note = coupon.skipped_reason;
  take_points(q, r.points_to_use);
  return q;
}

}  // namespace

Quote OrderSaga::quote(const PlaceOrder& r) const {
  const auto items = checked_request(r);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    std::optional<CouponRead> read;
    Quote q = price_request(cmd, r, items, read);
    if (!r.coupon_id.empty() && r.coupon_required && !q.coupon_note.empty()) {
      throw Error::failed_precondition(Reason::kCouponInvalid, r.coupon_id, q.coupon_note);
    }
    q.coupon_applied = !r.coupon_id.empty() && q.coupon_note.empty();
    return q;
  });
}

Order OrderSaga::place(const PlaceOrder& r, const PlacementClaim& claim) {
  const auto items = checked_request(r);

  // The request's fingerprint, for its request_id (none without one).
  json call = r.request_id.empty() ? json()
                                   : json{{"op", "orders.place"},
                                          {"user_id", r.user_id},
                                          {"items", items},
                                          {"coupon_id", r.coupon_id},
                                          {"coupon_required", r.coupon_required},
                                          {"points_to_use", r.points_to_use},
                                          {"payment_method", r.payment_method},
                                          {"region", r.region}};
  // Named only when given, so a request recorded before they existed replays as it was.
  if (!call.is_null() && !r.shipping_option.empty()) call["shipping_option"] = r.shipping_option;
  if (!call.is_null() && r.expected_total >= 0) call["expected_total"] = r.expected_total;
  // The address is personal data: the record keeps its digest, never the address.
  if (!call.is_null() && r.shipping_address) {
    call["shipping_address_sha256"] = sha256_hex(address_text(r.shipping_address));
  }
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
          std::optional<CouponRead> coupon_read;
          Quote q = price_request(cmd, r, items, coupon_read);
          if (r.expected_total >= 0 && q.total != r.expected_total) {
            throw Error::failed_precondition(
                Reason::kNone, "expected_total",
                fmt::format("the order costs {} now, not the {} quoted", q.total,
                            r.expected_total));
          }
          if (q.total > 0 && !ctx_.options.gateway) {
            throw Error::failed_precondition(
                Reason::kNone, "gateway",
                "the store has no payment gateway, so only orders with a total of 0 can be placed");
          }
          SagaSnapshot s{.saga = {},
                     .order = {.id = new_order_id,
                               .user_id = r.user_id,
                               .status = OrderStatus::kPending,
                               .items = order_items(std::move(q.lines)),
                               .subtotal = q.subtotal,
                               .discount = q.discount,
                               .points_used = q.points_used,
                               .total = q.total,
                               .coupon_id = r.coupon_id,
                               .coupon_required = r.coupon_required,
                               .coupon_applied = false,
                               .coupon_note = q.coupon_note,
                               .payment_method = r.payment_method,
                               .failure_reason = {},
                               .request_id = r.request_id,
                               .expires_at = cmd.now + ctx_.options.reservation_ttl_ms,
                               .created_at = cmd.now,
                               .updated_at = cmd.now,
                               .region = r.region,
                               .shipping_option = q.shipping_option,
                               .shipping_fee = q.shipping_fee,
                               .shipping_tax = q.shipping_tax,
                               .tax = q.tax,
                               .tax_included = q.tax_included,
                               .shipping_address = r.shipping_address,
                               .personal_data_erased_at = 0},
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
                   .add("discount", order.discount)
                   .add("shipping_fee", order.shipping_fee)
                   .add("tax", order.tax)
                   .add("points_used", order.points_used)
                   .add("coupon_id", order.coupon_id)
                   .add("total", order.total));
          s.saga = {order.id, SagaState::kRunning, 0, 0, engine_.new_saga_steps(), {}, cmd.now};
          log_saga(cmd, s, "order", "created", JsonText().add("steps", s.saga.steps));
          engine_.hook(FaultPoint::kOrderCreateInside);
          if (claim.before_steps) claim.before_steps(cmd, s.order);
          if (claim.take_held) {
            s.facts.reserved = claim.take_held(cmd, s.order);
            s.facts.held = !s.facts.reserved.empty();
          }
          engine_.advance_locally(cmd, s);
          if (claim.claim) claim.claim(cmd, s.order);
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
