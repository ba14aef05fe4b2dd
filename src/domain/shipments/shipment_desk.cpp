#include "shipment_desk.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/idempotency.h"
#include "domain/saga/saga_engine.h"
#include "domain/validate.h"
#include "shipment_moves.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

// A carrier call with the store's retries: a transport failure (an exception) counts as an
// unknown answer, and an unknown answer is retried (same key) with backoff. Each attempt is
// counted with its latency (Store::metrics()).
template <class Call>
auto call_carrier(const Context& ctx, Call&& call) -> decltype(call()) {
  const SagaOptions& options = ctx.options.saga;
  const int attempts = options.attempts;
  for (int attempt = 0;; ++attempt) {
    const auto started = std::chrono::steady_clock::now();
    try {
      auto answer = call();
      ctx.metrics.observe_carrier(!answer.unknown(), std::chrono::steady_clock::now() - started);
      if (!answer.unknown() || attempt + 1 >= attempts) return answer;
    } catch (const std::exception& e) {
      ctx.metrics.observe_carrier(false, std::chrono::steady_clock::now() - started);
      if (attempt + 1 >= attempts) return decltype(call())::failed(e.what());
    }
    backoff_sleep(options, attempt);
  }
}

struct LabelAnswer {
  CarrierLabel label;
  bool unknown() const { return label.outcome == CarrierOutcome::kUnknown; }
  static LabelAnswer failed(const std::string& why) {
    return {{CarrierOutcome::kUnknown, {}, {}, why}};
  }
};

struct CancelAnswer {
  CarrierOutcome outcome = CarrierOutcome::kUnknown;
  std::string message;
  bool unknown() const { return outcome == CarrierOutcome::kUnknown; }
  static CancelAnswer failed(const std::string& why) { return {CarrierOutcome::kUnknown, why}; }
};

std::vector<ShipmentItem> shipment_items(const std::vector<LineItem>& items) {
  std::vector<ShipmentItem> out;
  for (const auto& item : merge_items(items)) out.push_back({item.product_id, item.qty});
  return out;
}

}  // namespace

Carrier& ShipmentDesk::carrier_of(const std::string& name) const {
  auto it = ctx_.options.carriers.find(name);
  if (it == ctx_.options.carriers.end()) {
    throw Error::invalid_argument("carrier", fmt::format("no carrier '{}' in the store", name));
  }
  return *it->second;
}

Shipment ShipmentDesk::create(const CreateShipment& r) {
  check_id("order_id", r.order_id);
  check_id("location_id", r.location_id);
  if (!r.carrier.empty()) carrier_of(r.carrier);
  if (!r.tracking_number.empty()) {
    if (!r.carrier.empty()) {
      throw Error::invalid_argument("tracking_number", "the carrier gives the tracking number");
    }
    check_text("tracking_number", r.tracking_number, kMaxIdBytes, true);
  }
  std::vector<ShipmentItem> items = r.items.empty() ? std::vector<ShipmentItem>{}
                                                    : shipment_items(r.items);
  json call = {{"op", "shipments.create"}, {"order_id", r.order_id},
               {"location_id", r.location_id}, {"carrier", r.carrier},
               {"tracking_number", r.tracking_number}};
  for (const auto& item : items) call["items"].push_back({item.product_id, item.qty});
  const std::string id = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), r.request_id};
    return once_per_request(cmd, call, [&] {
      const auto order = tx.find_order(r.order_id);  // locks the order
      const auto saga = tx.find_saga(r.order_id);
      if (!order || !saga) throw Error::not_found("order", r.order_id);
      if (order->status != OrderStatus::kConfirmed || saga->state != SagaState::kConfirmed) {
        throw Error::failed_precondition(
            Reason::kIllegalTransition, r.order_id,
            fmt::format("order '{}' is {}; only a confirmed order's units ship", r.order_id,
                        to_string(order->status)));
      }
      Shipment s{.id = new_id(cmd.now),
                 .order_id = r.order_id,
                 .location_id = r.location_id,
                 .carrier = r.carrier,
                 .status = r.carrier.empty() ? ShipmentStatus::kPending
                                             : ShipmentStatus::kRequested,
                 .items = items,
                 .tracking_number = r.tracking_number,
                 .label_url = {},
                 .note = {},
                 .tracked_at = 0,
                 .created_at = cmd.now,
                 .updated_at = cmd.now};
      if (s.items.empty()) {  // every unit still unshipped there
        for (const auto& row : tx.find_fulfilment(r.order_id)) {
          if (row.state == ReservationState::kCommitted && row.location_id == r.location_id &&
              row.packed < row.live()) {
            s.items.push_back({row.product_id, row.live() - row.packed});
          }
        }
        if (s.items.empty()) {
          throw Error::invalid_argument(
              "location_id", fmt::format("order '{}' has no unit left to ship from '{}'",
                                         r.order_id, r.location_id));
        }
      }
      insert_shipment(cmd, s);
      hook(FaultPoint::kShipmentCreateInside);
      return s.id;
    });
  });
  hook(FaultPoint::kShipmentCreateAfter);
  Shipment s = get(id);
  if (s.status == ShipmentStatus::kRequested) return label(s);
  return s;
}

Shipment ShipmentDesk::label(const Shipment& s) {
  Carrier& carrier = carrier_of(s.carrier);
  const auto order = run_unit(ctx_.storage, Storage::Access::kRead,
                              [&](Transaction& tx) { return tx.find_order(s.order_id); });
  CarrierRequest request{.idempotency_key = s.id,
                         .order_id = s.order_id,
                         .location_id = s.location_id,
                         .to = order ? order->shipping_address : std::nullopt,
                         .items = {},
                         .timeout_ms = ctx_.options.saga.gateway_timeout_ms};
  for (const auto& item : s.items) request.items.push_back({item.product_id, item.qty});
  const LabelAnswer answer =
      call_carrier(ctx_, [&] { return LabelAnswer{carrier.create(request)}; });
  hook(FaultPoint::kCarrierCreateAfter);
  if (answer.unknown()) return get(s.id);  // recover() asks again with the same key
  if (answer.label.outcome == CarrierOutcome::kDone && answer.label.tracking_number.empty()) {
    throw Error::internal(fmt::format("carrier '{}' created shipment '{}' without a tracking "
                                      "number", s.carrier, s.id));
  }
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Shipment now = lock_shipment(cmd, s.id);
    if (now.status != ShipmentStatus::kRequested) return;  // recorded by another process
    Shipment next = now;
    next.updated_at = cmd.now;
    if (answer.label.outcome == CarrierOutcome::kDone) {
      next.status = ShipmentStatus::kPending;
      next.tracking_number = answer.label.tracking_number;
      next.label_url = answer.label.label_url;
    } else {
      next.status = ShipmentStatus::kCancelled;
      next.note = fmt::format("the carrier refused it: {}", answer.label.message);
    }
    move_shipment(cmd, now, next, next.note);
    hook(FaultPoint::kShipmentLabelInside);
  });
  return get(s.id);
}

Shipment ShipmentDesk::dispatch(const std::string& shipment_id) {
  check_id("shipment_id", shipment_id);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Shipment s = lock_shipment(cmd, shipment_id);
    if (s.status == ShipmentStatus::kShipped || s.status == ShipmentStatus::kInTransit ||
        s.status == ShipmentStatus::kDeliveryFailed || s.status == ShipmentStatus::kDelivered ||
        s.status == ShipmentStatus::kReturned) {
      return;
    }
    if (s.status != ShipmentStatus::kPending) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, shipment_id,
          fmt::format("shipment '{}' is {}; only a pending shipment is picked up", shipment_id,
                      to_string(s.status)));
    }
    Shipment next = s;
    next.status = ShipmentStatus::kShipped;
    next.updated_at = cmd.now;
    move_shipment(cmd, s, next, fmt::format("shipment '{}' shipped", shipment_id));
    hook(FaultPoint::kShipmentMoveInside);
  });
  return get(shipment_id);
}

Shipment ShipmentDesk::cancel(const std::string& shipment_id, const std::string& reason) {
  check_id("shipment_id", shipment_id);
  check_text("reason", reason, kMaxNameBytes, false);
  const Shipment recorded = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Shipment s = lock_shipment(cmd, shipment_id);
    if (s.status == ShipmentStatus::kCancelled || s.status == ShipmentStatus::kCancelling) {
      return s;
    }
    if (s.status != ShipmentStatus::kRequested && s.status != ShipmentStatus::kPending) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, shipment_id,
          fmt::format("shipment '{}' is {} and cannot be cancelled", shipment_id,
                      to_string(s.status)));
    }
    Shipment next = s;
    next.note = reason.empty() ? "cancelled" : reason;
    next.updated_at = cmd.now;
    // Without a carrier there is nobody to tell: cancelled at once.
    next.status = s.carrier.empty() ? ShipmentStatus::kCancelled : ShipmentStatus::kCancelling;
    move_shipment(cmd, s, next, next.note);
    hook(FaultPoint::kShipmentCancelInside);
    return next;
  });
  if (recorded.status != ShipmentStatus::kCancelling) return get(shipment_id);
  const Shipment done = finish_cancel(recorded);
  if (done.status == ShipmentStatus::kCancelling) {
    throw Error::unavailable(shipment_id,
                             fmt::format("the cancellation of shipment '{}' is recorded but its "
                                         "carrier did not answer; recover() finishes it",
                                         shipment_id));
  }
  if (done.status != ShipmentStatus::kCancelled) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, shipment_id,
        fmt::format("shipment '{}' was already picked up by its carrier", shipment_id));
  }
  return done;
}

Shipment ShipmentDesk::finish_cancel(const Shipment& s) {
  Carrier& carrier = carrier_of(s.carrier);
  const std::int64_t timeout = ctx_.options.saga.gateway_timeout_ms;
  const CancelAnswer answer = call_carrier(
      ctx_, [&] { return CancelAnswer{carrier.cancel(s.id, timeout), {}}; });
  hook(FaultPoint::kCarrierCancelAfter);
  if (answer.unknown()) return get(s.id);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Shipment now = lock_shipment(cmd, s.id);
    if (now.status != ShipmentStatus::kCancelling) return;
    Shipment next = now;
    next.updated_at = cmd.now;
    if (answer.outcome == CarrierOutcome::kDone) {
      next.status = ShipmentStatus::kCancelled;
    } else {  // the carrier has it: it is on its way after all
      next.status = ShipmentStatus::kShipped;
      next.note = "the carrier had already picked it up";
    }
    move_shipment(cmd, now, next, next.note);
    hook(FaultPoint::kShipmentCancelledInside);
  });
  return get(s.id);
}

Shipment ShipmentDesk::track(const TrackingUpdate& update) {
  const std::string id = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const std::string moved = apply_tracking(cmd, update).id;
    hook(FaultPoint::kShipmentMoveInside);
    return moved;
  });
  return get(id);
}

ShipmentReport ShipmentDesk::poll(int limit) {
  limit = check_limit(limit);
  const auto ids = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return tx.find_shipments_on_the_way(limit);
  });
  ShipmentReport report;
  for (const auto& id : ids) {
    ++report.examined;
    try {
      const Shipment s = get(id);
      if (s.carrier.empty() || s.tracking_number.empty()) continue;
      const auto scans =
          carrier_of(s.carrier).track(s.tracking_number, ctx_.options.saga.gateway_timeout_ms);
      Shipment at = s;
      for (const auto& scan : scans) {
        at = track({.shipment_id = s.id, .carrier = {}, .tracking_number = {}, .event = scan});
      }
      if (at.status != s.status) ++report.changed;
    } catch (const Error& e) {
      report.unresolved.push_back(fmt::format("{}: {}", id, e.what()));
    }
  }
  return report;
}

ShipmentReport ShipmentDesk::recover() {
  ShipmentReport report;
  for (ShipmentStatus status : {ShipmentStatus::kRequested, ShipmentStatus::kCancelling}) {
    std::string after;
    for (;;) {
      const auto ids = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
        return tx.find_shipment_ids_in(status, after, 100);
      });
      for (const auto& id : ids) {
        ++report.examined;
        try {
          const Shipment s = get(id);
          if (s.status != status) continue;
          const Shipment done = status == ShipmentStatus::kRequested ? label(s) : finish_cancel(s);
          if (done.status != status) {
            ++report.changed;
          } else {
            report.unresolved.push_back(
                fmt::format("{}: the carrier '{}' did not answer", id, s.carrier));
          }
        } catch (const Error& e) {
          report.unresolved.push_back(fmt::format("{}: {}", id, e.what()));
        }
      }
      if (ids.size() < 100) break;
      after = ids.back();
    }
  }
  return report;
}

Shipment ShipmentDesk::get(const std::string& shipment_id) const {
  check_id("shipment_id", shipment_id);
  auto s = run_unit(ctx_.storage, Storage::Access::kRead,
                    [&](Transaction& tx) { return tx.find_shipment(shipment_id); });
  if (!s) throw Error::not_found("shipment", shipment_id);
  return *s;
}

std::vector<Shipment> ShipmentDesk::for_order(const std::string& order_id) const {
  check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.find_shipments_for_order(order_id); });
}

}  // namespace commerce::detail

namespace commerce {

Shipments::Shipments(const detail::Context& ctx)
    : desk_(std::make_unique<detail::ShipmentDesk>(ctx)) {}
Shipments::~Shipments() = default;
Shipment Shipments::create(const CreateShipment& request) { return desk_->create(request); }
Shipment Shipments::dispatch(const std::string& id) { return desk_->dispatch(id); }
Shipment Shipments::cancel(const std::string& id, const std::string& reason) {
  return desk_->cancel(id, reason);
}
Shipment Shipments::track(const TrackingUpdate& update) { return desk_->track(update); }
ShipmentReport Shipments::poll(int limit) { return desk_->poll(limit); }
ShipmentReport Shipments::recover() { return desk_->recover(); }
Shipment Shipments::get(const std::string& id) const { return desk_->get(id); }
std::vector<Shipment> Shipments::for_order(const std::string& order_id) const {
  return desk_->for_order(order_id);
}

}  // namespace commerce
