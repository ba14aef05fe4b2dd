#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/locations.h"
#include "commerce/stock.h"
#include "context.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "validate.h"

namespace commerce {

using detail::Command;
using nlohmann::json;

namespace detail {

namespace {
constexpr std::int64_t kMaxStockDelta = 1'000'000'000;
}  // namespace

std::vector<Reservation> commit_stock(Command& cmd, const std::string& order_id,
                                      std::vector<Reservation>* unwritten) {
  auto rows = unwritten ? *unwritten : cmd.tx.find_reservations(order_id);
  if (rows.empty()) throw Error::not_found("reservation of order", order_id);
  for (auto& row : rows) {
    if (row.state == ReservationState::kReleased) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, order_id,
          fmt::format("order '{}': its reservation was released", order_id));
    }
  }
  for (auto& row : rows) {
    if (row.state != ReservationState::kLive) continue;
    if ((!unwritten && !cmd.tx.try_set_reservation_state(row, ReservationState::kLive,
                                                         ReservationState::kCommitted)) ||
        !cmd.tx.try_sell_reserved_stock_at(row.product_id, row.location_id, row.qty)) {
      throw Error::internal(fmt::format("stock of '{}' at '{}' does not hold the reservation of '{}'",
                                        row.product_id, row.location_id, order_id));
    }
    row.state = ReservationState::kCommitted;
    emit(cmd, "StockCommitted", row.product_id,
         JsonText()
             .add("product_id", row.product_id)
             .add("order_id", order_id)
             .add("location_id", row.location_id)
             .add("qty", row.qty));
  }
  if (unwritten) *unwritten = rows;
  return rows;
}

std::vector<Reservation> release_stock(Command& cmd, const std::string& order_id,
                                       std::vector<Reservation>* unwritten) {
  std::vector<Reservation> rows = unwritten ? *unwritten : cmd.tx.find_reservations(order_id);
  std::vector<Reservation> released;
  for (auto& row : rows) {
    if (row.state != ReservationState::kLive) continue;
    std::optional<Transaction::StockMove> moved;
    if ((!unwritten && !cmd.tx.try_set_reservation_state(row, ReservationState::kLive,
                                                         ReservationState::kReleased)) ||
        !(moved = cmd.tx.try_unreserve_stock_at(row.product_id, row.location_id, row.qty))) {
      throw Error::internal(fmt::format("stock of '{}' at '{}' does not hold the reservation of '{}'",
                                        row.product_id, row.location_id, order_id));
    }
    row.state = ReservationState::kReleased;
    emit(cmd, "StockReleased", row.product_id,
         {{"product_id", row.product_id},
          {"order_id", order_id},
          {"location_id", row.location_id},
          {"qty", row.qty}});
    note_stock_crossing(cmd, row.product_id, row.location_id, *moved, row.qty);
    released.push_back(row);
  }
  if (unwritten) *unwritten = rows;
  return released;
}

void check_stock_adjustment(const std::string& product_id, std::int64_t delta,
                            const std::string& reason) {
  check_id("product_id", product_id);
  if (delta == 0 || delta > kMaxStockDelta || delta < -kMaxStockDelta) {
    throw Error::invalid_argument("delta", "must be non-zero and within +-1000000000");
  }
  check_text("reason", reason, kMaxNameBytes, true);
}

void check_stock_count(std::string_view field, std::int64_t value) {
  if (value < 0 || value > kMaxStockDelta) {
    throw Error::invalid_argument(std::string(field), "must be 0..1000000000");
  }
}

namespace {

bool low(std::int64_t available, std::int64_t threshold) {
  return threshold > 0 && available <= threshold;
}

// StockLow when the location went from above its threshold to at or below it, StockReplenished
// the other way.
void emit_crossing(Command& cmd, const std::string& product_id, const std::string& location_id,
                   bool was_low, bool is_low, std::int64_t available, std::int64_t threshold) {
  if (was_low == is_low) return;
  emit(cmd, is_low ? "StockLow" : "StockReplenished", product_id,
       {{"product_id", product_id},
        {"location_id", location_id},
        {"available", available},
        {"low_threshold", threshold}});
}

// The product's row at the location, created (all counters 0) if the product has none there.
LocationLevel stock_row_at(Command& cmd, const std::string& product_id,
                           const std::string& location_id) {
  if (auto row = cmd.tx.find_stock_at(product_id, location_id)) return *row;
  if (!cmd.tx.find_product(product_id)) throw Error::not_found("product", product_id);
  cmd.tx.insert_stock(product_id, location_id);
  auto row = cmd.tx.find_stock_at(product_id, location_id);
  if (!row) throw Error::internal(fmt::format("no stock row of '{}' at '{}'", product_id, location_id));
  return *row;
}

}  // namespace

void note_stock_crossing(Command& cmd, const std::string& product_id,
                         const std::string& location_id, const Transaction::StockMove& move,
                         std::int64_t moved) {
  const std::int64_t before = move.available_after - moved;
  emit_crossing(cmd, product_id, location_id, low(before, move.low_threshold),
                low(move.available_after, move.low_threshold), move.available_after,
                move.low_threshold);
}

StockLocation require_location(Command& cmd, std::string_view field, const std::string& id) {
  check_id(field, id);
  auto location = cmd.tx.find_location(id);
  if (!location) {
    throw Error::invalid_argument(std::string(field), fmt::format("no stock location '{}'", id));
  }
  return *location;
}

StockLevel adjust_stock(Command& cmd, const std::string& product_id,
                        const std::string& location_id, std::int64_t delta,
                        const std::string& reason) {
  const LocationLevel level = stock_row_at(cmd, product_id, location_id);
  checked_add(level.on_hand, delta, "delta");
  const auto moved = cmd.tx.try_adjust_stock_at(product_id, location_id, delta);
  if (!moved) {
    throw Error::failed_precondition(
        Reason::kOutOfStock, product_id,
        fmt::format("product '{}' at '{}': shrinking by {} would leave less than the {} reserved",
                    product_id, location_id, -delta, level.reserved));
  }
  cmd.tx.insert_stock_adjustment({new_id(cmd.now), product_id, location_id, delta, reason, cmd.now});
  emit(cmd, "StockAdjusted", product_id,
       {{"product_id", product_id},
        {"location_id", location_id},
        {"delta", delta},
        {"reason", reason}});
  note_stock_crossing(cmd, product_id, location_id, *moved, delta);
  return *cmd.tx.find_stock(product_id);
}

StockTransfer transfer_stock(Command& cmd, const std::string& product_id,
                             const std::string& from_location_id,
                             const std::string& to_location_id, std::int64_t qty,
                             const std::string& reason) {
  require_location(cmd, "from_location_id", from_location_id);
  require_location(cmd, "to_location_id", to_location_id);
  if (!cmd.tx.find_product(product_id)) throw Error::not_found("product", product_id);
  // Both rows in (product, location) order, the lock order of every stock update.
  const auto take = [&] {
    auto moved = cmd.tx.try_transfer_out(product_id, from_location_id, qty);
    if (!moved) {
      const auto from = cmd.tx.find_stock_at(product_id, from_location_id);
      throw Error::invalid_argument(
          "qty", fmt::format("{} units of '{}' cannot leave '{}': {} available there", qty,
                             product_id, from_location_id, from ? from->available : 0));
    }
    return *moved;
  };
  const auto give = [&] { return cmd.tx.transfer_in(product_id, to_location_id, qty); };
  Transaction::StockMove out, in;
  if (from_location_id < to_location_id) {
    out = take();
    in = give();
  } else {
    in = give();
    out = take();
  }
  StockTransfer transfer{new_id(cmd.now), product_id, from_location_id, to_location_id,
                         qty, reason, cmd.now};
  cmd.tx.insert_stock_transfer(transfer);
  emit(cmd, "StockTransferred", product_id,
       {{"product_id", product_id},
        {"from_location_id", from_location_id},
        {"to_location_id", to_location_id},
        {"qty", qty},
        {"reason", reason}});
  note_stock_crossing(cmd, product_id, from_location_id, out, -qty);
  note_stock_crossing(cmd, product_id, to_location_id, in, qty);
  return transfer;
}

}  // namespace detail

std::vector<Reservation> StockLedger::reserve(const std::string& order_id,
                                              const std::vector<LineItem>& items,
                                              Timestamp expires_at, const std::string& region) {
  detail::check_id("order_id", order_id);
  detail::check_text("region", region, detail::kMaxRegionBytes, false);
  const auto merged = detail::merge_items(items);
  if (expires_at < 0) throw Error::invalid_argument("expires_at", "must not be negative");
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Timestamp expiry =
        expires_at > 0 ? expires_at : cmd.now + ctx_.options.reservation_ttl_ms;
    return detail::reserve_stock(cmd, order_id, merged, region, expiry);
  });
}

std::vector<Reservation> StockLedger::commit(const std::string& order_id) {
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return detail::commit_stock(cmd, order_id);
  });
}

std::vector<Reservation> StockLedger::release(const std::string& order_id) {
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return detail::release_stock(cmd, order_id);
  });
}

StockLevel StockLedger::adjust(const std::string& product_id, std::int64_t delta,
                               const std::string& reason, const std::string& request_id,
                               const std::string& location_id) {
  detail::check_stock_adjustment(product_id, delta, reason);
  const std::string location = location_id.empty() ? std::string(kDefaultLocation) : location_id;
  const json call = {{"op", "stock.adjust"},
                     {"product_id", product_id},
                     {"location_id", location},
                     {"delta", delta},
                     {"reason", reason}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      detail::require_location(cmd, "location_id", location);
      return detail::adjust_stock(cmd, product_id, location, delta, reason);
    });
  });
}

StockTransfer StockLedger::transfer(const std::string& product_id,
                                    const std::string& from_location_id,
                                    const std::string& to_location_id, std::int64_t qty,
                                    const std::string& reason, const std::string& request_id) {
  detail::check_id("product_id", product_id);
  detail::check_id("from_location_id", from_location_id);
  detail::check_id("to_location_id", to_location_id);
  if (from_location_id == to_location_id) {
    throw Error::invalid_argument("to_location_id", "must differ from from_location_id");
  }
  if (qty < 1 || qty > detail::kMaxStockDelta) {
    throw Error::invalid_argument("qty", "must be 1..1000000000");
  }
  detail::check_text("reason", reason, detail::kMaxNameBytes, true);
  const json call = {{"op", "stock.transfer"},   {"product_id", product_id},
                     {"from", from_location_id}, {"to", to_location_id},
                     {"qty", qty},               {"reason", reason}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      return detail::transfer_stock(cmd, product_id, from_location_id, to_location_id, qty,
                                    reason);
    });
  });
}

LocationLevel StockLedger::set_low_threshold(const std::string& product_id,
                                             const std::string& location_id,
                                             std::int64_t low_threshold) {
  detail::check_id("product_id", product_id);
  detail::check_stock_count("low_threshold", low_threshold);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    detail::require_location(cmd, "location_id", location_id);
    LocationLevel row = detail::stock_row_at(cmd, product_id, location_id);
    tx.set_low_threshold(product_id, location_id, low_threshold);
    detail::emit_crossing(cmd, product_id, location_id, detail::low(row.available, row.low_threshold),
                          detail::low(row.available, low_threshold), row.available, low_threshold);
    row.low_threshold = low_threshold;
    return row;
  });
}

LocationLevel StockLedger::set_backorder_limit(const std::string& product_id,
                                               const std::string& location_id,
                                               std::int64_t backorder_limit) {
  detail::check_id("product_id", product_id);
  detail::check_stock_count("backorder_limit", backorder_limit);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    detail::require_location(cmd, "location_id", location_id);
    LocationLevel row = detail::stock_row_at(cmd, product_id, location_id);
    if (!tx.try_set_backorder_room(product_id, location_id, backorder_limit)) {
      throw Error::failed_precondition(
          Reason::kOutOfStock, product_id,
          fmt::format("product '{}' at '{}' has {} units backordered, more than a limit of {}",
                      product_id, location_id, -row.available, backorder_limit));
    }
    row.backorder_room = backorder_limit;
    return row;
  });
}

std::vector<LocationLevel> StockLedger::levels(const std::string& product_id) const {
  detail::check_id("product_id", product_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto rows = tx.list_stock_at_locations(product_id);
    if (rows.empty()) throw Error::not_found("product", product_id);
    return rows;
  });
}

StockLevel StockLedger::level(const std::string& product_id) const {
  detail::check_id("product_id", product_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto level = tx.find_stock(product_id);
    if (!level) throw Error::not_found("product", product_id);
    return *level;
  });
}

std::vector<Reservation> StockLedger::reservations(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.find_reservations(order_id); });
}

std::vector<std::string> StockLedger::release_expired(int limit) {
  detail::check_limit(limit);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    auto orders = tx.find_expired_reservation_orders(cmd.now, limit);
    for (const auto& order_id : orders) detail::release_stock(cmd, order_id);
    return orders;
  });
}

}  // namespace commerce
