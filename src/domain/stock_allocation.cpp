// Reserving an order's units: allocation among the active locations.
//
// Plan from a read, check the plan (checked_plan), apply it with conditional updates in
// (product, location) order (the lock order of every adapter), and when an update is refused
// because the row changed after the read, undo this attempt and plan again from a locking read.
// (On PostgreSQL this path holds the products' rows locked first, so a concurrent order for the
// same product waits, and what can get in between is a change that locks only the stock row: a
// shrink or a lowered backorder limit; tests/postgres/postgres_replan_test.cpp. Not after a
// refused fast path, see allocate(). On SQLite the write unit holds the database from the read
// on.) The WHERE clause of each update is the
// guard: a stale or wrong plan is refused, never oversold. A store with one active location
// takes a fast path: one conditional update per product, as before locations existed, with no
// product lock (its orders read the products unlocked: placement.cpp); stock rows are updated
// in product order, so these orders cannot deadlock each other. Where that location is known
// (Context::only_location), the update is a guessed one (reserve_at_only_location).
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "commerce/allocation.h"
#include "commerce/error.h"
#include "commerce/stock.h"
#include "context.h"
#include "event_writer.h"
#include "ledger_steps.h"
#include "option_checks.h"

namespace commerce::detail {

namespace {

// A plan is made at most this often per reservation; the second read locks the rows (on
// PostgreSQL; SQLite's write unit holds the database), so the second plan cannot go stale.
constexpr int kAllocationAttempts = 3;

// A row this attempt reserved and what its update left there (none: a plain reservation,
// which backordered nothing and crossed no low-stock threshold).
struct Applied {
  Reservation row;
  std::optional<Transaction::StockMove> move;
};

Applied applied_row(const std::string& order_id, const std::string& product_id,
                    const std::string& location_id, std::int64_t qty, Timestamp expires_at,
                    const std::optional<Transaction::StockMove>& move) {
  // Units below zero available at the location after the update came from its backorder room.
  const std::int64_t backordered =
      move ? std::clamp<std::int64_t>(-move->available_after, 0, qty) : 0;
  return {Reservation{.order_id = order_id,
                      .product_id = product_id,
                      .location_id = location_id,
                      .qty = qty,
                      .expires_at = expires_at,
                      .state = ReservationState::kLive,
                      .backordered = backordered},
          move};
}

// Gives back what this attempt reserved: relative decrements of rows this unit updated (and
// holds), which cannot be refused.
void undo(Transaction& tx, const std::vector<Applied>& applied) {
  for (const auto& a : applied) {
    if (!tx.try_unreserve_stock_at(a.row.product_id, a.row.location_id, a.row.qty)) {
      throw Error::internal(fmt::format("cannot undo the reservation of '{}' at '{}'",
                                        a.row.product_id, a.row.location_id));
    }
  }
}

// Every line at the store's only active location; none (nothing changed) if the store has
// several active locations or that one cannot give a line. Where the location is known, a line
// is first reserved plainly (no backorder, no threshold crossed), a statement PostgreSQL sends
// without waiting, so the stock row is locked only from the unit's last round trip on.
std::optional<std::vector<Applied>> reserve_at_only_location(Command& cmd,
                                                             const std::string& order_id,
                                                             const std::vector<LineItem>& items,
                                                             Timestamp expires_at) {
  const std::string known = cmd.ctx.only_location.get();
  std::vector<Applied> applied;
  applied.reserve(items.size());
  for (const auto& item : items) {
    if (!known.empty() && cmd.tx.try_reserve_stock_plainly_at(item.product_id, known, item.qty)) {
      applied.push_back(
          applied_row(order_id, item.product_id, known, item.qty, expires_at, std::nullopt));
      continue;
    }
    auto moved = cmd.tx.try_reserve_stock_at_only_location(item.product_id, item.qty);
    if (!moved) {
      undo(cmd.tx, applied);
      return std::nullopt;
    }
    cmd.ctx.only_location.set(moved->first);
    applied.push_back(applied_row(order_id, item.product_id, moved->first, item.qty, expires_at,
                                  moved->second));
  }
  return applied;
}

// The request for the strategy: one line per item with its options by (priority, location).
// Fails with kOutOfStock naming the first product the locations together cannot fill.
AllocationRequest allocation_request(const std::string& order_id, const std::string& region,
                                     const std::vector<LineItem>& items,
                                     std::vector<std::pair<std::string, StockOption>> rows,
                                     int attempt) {
  AllocationRequest request{.order_id = order_id, .region = region, .lines = {}, .attempt = attempt};
  auto row = rows.begin();
  for (const auto& item : items) {  // both by product id
    AllocationLine line{.product_id = item.product_id, .qty = item.qty, .options = {}};
    std::int64_t can_give = 0;
    for (; row != rows.end() && row->first == item.product_id; ++row) {
      can_give += std::max<std::int64_t>(row->second.available, 0) + row->second.backorder_room;
      line.options.push_back(std::move(row->second));
    }
    if (can_give < item.qty) {
      throw Error::failed_precondition(
          Reason::kOutOfStock, item.product_id,
          fmt::format("product '{}' is out of stock: {} requested, {} available", item.product_id,
                      item.qty, can_give));
    }
    std::sort(line.options.begin(), line.options.end(),
              [](const StockOption& a, const StockOption& b) {
                return std::tie(a.priority, a.location_id) < std::tie(b.priority, b.location_id);
              });
    request.lines.push_back(std::move(line));
  }
  return request;
}

// The checked plan applied; none (nothing changed) if a location refused its part.
std::optional<std::vector<Applied>> apply_plan(Command& cmd, const std::string& order_id,
                                               const std::vector<Allocation>& plan,
                                               Timestamp expires_at) {
  std::vector<Applied> applied;
  applied.reserve(plan.size());
  for (const auto& a : plan) {  // by (product, location)
    auto moved = cmd.tx.try_reserve_stock_at(a.product_id, a.location_id, a.qty);
    if (!moved) {
      undo(cmd.tx, applied);
      return std::nullopt;
    }
    applied.push_back(applied_row(order_id, a.product_id, a.location_id, a.qty, expires_at, *moved));
  }
  return applied;
}

std::vector<Applied> allocate(Command& cmd, const std::string& order_id,
                              const std::vector<LineItem>& items, const std::string& region,
                              Timestamp expires_at) {
  const bool fast = !cmd.ctx.many_locations.load(std::memory_order_relaxed);
  if (fast) {
    if (auto applied = reserve_at_only_location(cmd, order_id, items, expires_at)) {
      return std::move(*applied);
    }
  }
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(item.product_id);
  // The orders of these products now take turns (see the top), unless the fast path was
  // refused: on PostgreSQL a refused update may still hold its product's event key (a row that
  // qualified, then changed while the unit waited for the key), and every unit that locks a
  // product's row takes it before that key. The plan's updates are guarded either way.
  if (!cmd.products_locked && !fast) {
    cmd.tx.find_products(ids, true);
    cmd.products_locked = true;
  }
  const AllocationStrategy& strategy = *cmd.ctx.options.allocation_strategy;
  for (int attempt = 1; attempt <= kAllocationAttempts; ++attempt) {
    const AllocationRequest request = allocation_request(
        order_id, region, items, cmd.tx.find_stock_options(ids, attempt > 1), attempt);
    const std::vector<Allocation> plan = checked_plan(strategy, request);
    if (auto applied = apply_plan(cmd, order_id, plan, expires_at)) {
      // Reserved beside the fast path: this store has (had) several active locations.
      cmd.ctx.many_locations.store(true, std::memory_order_relaxed);
      return std::move(*applied);
    }
  }
  throw Error::unavailable(
      order_id, fmt::format("order '{}': its allocation went stale {} times; retry",
                            order_id, kAllocationAttempts));
}

// The same products with the same quantities (summed over locations).
bool same_items(const std::vector<Reservation>& rows, const std::vector<LineItem>& items) {
  auto row = rows.begin();
  for (const auto& item : items) {
    std::int64_t qty = 0;
    for (; row != rows.end() && row->product_id == item.product_id; ++row) qty += row->qty;
    if (qty != item.qty) return false;
  }
  return row == rows.end();
}

}  // namespace

std::vector<Reservation> reserve_stock(Command& cmd, const std::string& order_id,
                                       const std::vector<LineItem>& items,
                                       const std::string& region, Timestamp expires_at,
                                       bool new_order) {
  auto existing = new_order ? std::vector<Reservation>{} : cmd.tx.find_reservations(order_id);
  if (!existing.empty()) {
    if (!same_items(existing, items)) {
      throw Error::conflict(order_id,
                            fmt::format("order '{}' already holds a different reservation", order_id));
    }
    return existing;
  }
  if (!new_order) {
    for (const auto& item : items) {
      auto product = cmd.tx.find_product(item.product_id);
      if (!product) throw Error::not_found("product", item.product_id);
      require_orderable(*product);
    }
    cmd.products_locked = true;
  }
  std::vector<Reservation> rows;
  for (auto& a : allocate(cmd, order_id, items, region, expires_at)) {
    const Reservation& row = a.row;
    emit(cmd, "StockReserved", row.product_id,
         JsonText()
             .add("product_id", row.product_id)
             .add("order_id", order_id)
             .add("location_id", row.location_id)
             .add("qty", row.qty)
             .add("backordered", row.backordered));
    if (a.move) note_stock_crossing(cmd, row.product_id, row.location_id, *a.move, -row.qty);
    rows.push_back(std::move(a.row));
  }
  if (!new_order) cmd.tx.insert_reservations(rows);
  return rows;
}

}  // namespace commerce::detail
