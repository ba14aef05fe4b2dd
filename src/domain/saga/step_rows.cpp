// The built-in steps as one table of rows, and the host's steps as rows of the same shape.
// Adding a built-in step is one row here and its functions.
#include "step_rows.h"

#include <fmt/format.h>

#include <algorithm>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"
#include "domain/pricing/price_pipeline.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

// --- stock: reserve the order's units; commit them on confirmation; release (or, once sold,
// restock) them on compensation.

JsonText reserve_units(Command& cmd, SagaSnapshot& s) {
  std::vector<LineItem> items;
  for (const auto& item : s.order.items) items.push_back({item.product_id, item.qty});
  if (!s.facts.held) {
    s.facts.reserved = reserve_stock(cmd, s.order.id, items, s.order.region,
                                     s.order.expires_at, s.facts.new_order);
  }
  // What a read of the order gives from its reservation rows (OrderItem::backordered).
  for (auto& item : s.order.items) {
    item.backordered = 0;
    for (const auto& row : s.facts.reserved) {
      if (row.product_id == item.product_id) item.backordered += row.backordered;
    }
  }
  return JsonText().add("products", s.facts.reserved.size());
}

// A new order's reservations are this unit's, not written yet (write_unit() writes them).
std::vector<Reservation>* unwritten_reservations(SagaSnapshot& s) {
  return s.facts.new_order ? &s.facts.reserved : nullptr;
}

void commit_units(Command& cmd, SagaSnapshot& s) {
  commit_stock(cmd, s.order.id, unwritten_reservations(s));
}

json release_units(Command& cmd, SagaSnapshot& s) {
  Transaction& tx = cmd.tx;
  json detail = json::object();
  std::vector<Reservation>* unwritten = unwritten_reservations(s);
  detail["released"] = release_stock(cmd, s.order.id, unwritten).size();
  // Units already sold to this (cancelled) order go back on the shelf they were sold from.
  int restocked = 0;
  for (const auto& row : unwritten ? *unwritten : tx.find_reservations(s.order.id)) {
    // Units cancelled before (OrderBook::cancel_items) are back on the shelf already.
    if (row.state != ReservationState::kCommitted || row.qty == row.cancelled) continue;
    adjust_stock(cmd, row.product_id, row.location_id, row.qty - row.cancelled,
                 fmt::format("order {} cancelled", s.order.id));
    ++restocked;
  }
  detail["restocked"] = restocked;
  return detail;
}

// --- points: use the order's points; restore them on compensation.

JsonText use_order_points(Command& cmd, SagaSnapshot& s) {
  const Order& o = s.order;
  if (o.points_used > 0) use_points(cmd, o.user_id, o.points_used, o.id, s.facts.new_order);
  return JsonText().add("amount", o.points_used);
}

json restore_order_points(Command& cmd, SagaSnapshot& s) {
  json detail = json::object();
  detail["restored"] = restore_points(cmd, s.order.id).has_value();
  return detail;
}

// --- coupon: use the order's coupon (a required one that fails refuses the order; an optional
// one is skipped) and price the order with it; give it back on compensation.

JsonText use_order_coupon(Command& cmd, SagaSnapshot& s) {
  Order& o = s.order;
  if (o.coupon_id.empty()) return {};
  const CouponApplication app =
      use_coupon(cmd, o.coupon_id, o.user_id, o.id, o.subtotal, o.coupon_required,
                 s.facts.coupon ? &*s.facts.coupon : nullptr);
  // Placement priced the order with the coupon's preview; the use decides.
  const Money discount = app.applied ? app.discount : 0;
  const bool repriced = discount != o.discount;
  if (repriced) reprice_order(cmd.ctx.options, o, discount);
  o.coupon_applied = app.applied;
  o.coupon_note = app.skipped_reason;
  o.updated_at = cmd.now;
  // A new order's rows are written priced (write_unit()).
  if (!s.facts.new_order) {
    if (!cmd.tx.try_set_order_pricing(o)) throw SagaMoved{};
    if (repriced) cmd.tx.set_order_item_pricing(o.id, o.items);
  }
  return JsonText()
      .add("applied", app.applied)
      .add("discount", o.discount)
      .add("note", app.skipped_reason);
}

json restore_order_coupon(Command& cmd, SagaSnapshot& s) {
  json detail = json::object();
  detail["restored"] = restore_coupon(cmd, s.order.id).has_value();
  return detail;
}

constexpr const char* kStock = "stock";

// The built-in steps, in the order a saga runs them. Host steps (SagaOptions::extra_steps) run
// after the local rows and before the first external one; SagaOptions::stock_step takes the
// place of the stock row in new sagas.
std::vector<StepRow> builtin_rows() {
  return {
      {.name = kStock,
       .local = true,
       .executes_last = true,
       .execute_in = reserve_units,
       .confirm_in = commit_units,
       .compensate_in = release_units},
      {.name = "points",
       .local = true,
       .execute_in = use_order_points,
       .compensate_in = restore_order_points},
      {.name = "coupon",
       .local = true,
       .execute_in = use_order_coupon,
       .compensate_in = restore_order_coupon},
      payment_row(),
  };
}

// --- host steps: an external call each way, retried with backoff on transient errors.

SagaStepContext host_context(const SagaSnapshot& s, const StepRow& row) {
  return {s.order, s.order.id + ":" + row.name};
}

bool execute_host(SagaEngine& engine, SagaSnapshot& s, const StepRow& row, Patience&) {
  const SagaStepContext context = host_context(s, row);
  const auto refuse = [&](const char* why) {
    engine.write(s, [&](Command& cmd, SagaSnapshot& t) { engine.fail_in(cmd, t, row.name, why); });
  };
  for (int attempt = 0;; ++attempt) {
    try {
      row.host->execute(context);
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnavailable) {
        refuse(e.what());
        return true;
      }
    } catch (const std::exception& e) {
      refuse(e.what());
      return true;
    }
    if (attempt + 1 >= engine.options().attempts) return false;  // left in flight for recover()
    engine.backoff(attempt);
  }
  engine.hook(FaultPoint::kStepExecuteCalled);
  engine.write(s, [&](Command& cmd, SagaSnapshot& t) {
    SagaRecord next = t.saga;
    ++next.step;
    move_saga(cmd, t, next);
    log_saga(cmd, t, row.name, "done");
    engine.hook(FaultPoint::kStepExecuteInside);
  });
  return true;
}

bool compensate_host(SagaEngine& engine, SagaSnapshot& s, const StepRow& row) {
  const SagaStepContext context = host_context(s, row);
  for (int attempt = 0;; ++attempt) {
    try {
      row.host->compensate(context);
      break;
    } catch (const std::exception&) {
      if (attempt + 1 >= engine.options().attempts) return false;  // left in flight
    }
    engine.backoff(attempt);
  }
  engine.hook(FaultPoint::kStepCompensateCalled);
  engine.write(s, [&](Command& cmd, SagaSnapshot& t) {
    engine.compensated_in(cmd, t, row, [](Command&, SagaSnapshot&) { return json::object(); });
  });
  return true;
}

bool valid_host_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

}  // namespace

SagaSteps saga_steps(const SagaOptions& options) {
  SagaSteps steps{.rows = builtin_rows(), .new_saga = {}};
  std::vector<StepRow>& rows = steps.rows;
  const auto known = [&](const std::string& name) {
    return std::any_of(rows.begin(), rows.end(), [&](const StepRow& r) { return r.name == name; });
  };
  std::vector<std::shared_ptr<SagaStep>> hosts = options.extra_steps;
  if (options.stock_step) hosts.insert(hosts.begin(), options.stock_step);
  for (const auto& step : hosts) {
    if (!step) throw Error::invalid_argument("saga.extra_steps", "must not hold null steps");
    std::string name = step->name();
    if (!valid_host_name(name) || known(name)) {
      throw Error::invalid_argument(
          "saga.extra_steps",
          fmt::format("step name '{}' must be unique, 1..64 of [a-z0-9_-], and not a built-in "
                      "step name",
                      name));
    }
    rows.push_back({.name = std::move(name),
                    .local = false,
                    .execute = execute_host,
                    .compensate = compensate_host,
                    .host = step});
  }
  // A new saga: the built-in rows in order, the host's stock step in place of the stock row,
  // the extra steps before the first external built-in row.
  bool extras_placed = false;
  for (const StepRow& row : rows) {
    if (row.host) break;
    if (!row.local && !extras_placed) {
      for (const auto& step : options.extra_steps) steps.new_saga.push_back(step->name());
      extras_placed = true;
    }
    steps.new_saga.push_back(row.name == kStock && options.stock_step
                                 ? options.stock_step->name()
                                 : row.name);
  }
  if (!extras_placed) {
    for (const auto& step : options.extra_steps) steps.new_saga.push_back(step->name());
  }
  return steps;
}

}  // namespace commerce::detail
