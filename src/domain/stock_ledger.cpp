#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/stock.h"
#include "context.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "option_checks.h"
#include "validate.h"

namespace commerce {

using detail::Command;
using nlohmann::json;

namespace detail {

namespace {
constexpr std::int64_t kMaxStockDelta = 1'000'000'000;
}  // namespace

std::vector<Reservation> reserve_stock(Command& cmd, const std::string& order_id,
                                       const std::vector<LineItem>& items, Timestamp expires_at,
                                       bool new_order) {
  auto existing = new_order ? std::vector<Reservation>{} : cmd.tx.find_reservations(order_id);
  if (!existing.empty()) {
    bool same = existing.size() == items.size();
    for (std::size_t i = 0; same && i < items.size(); ++i) {
      same = existing[i].product_id == items[i].product_id && existing[i].qty == items[i].qty;
    }
    if (!same) {
      throw Error::conflict(order_id,
                            fmt::format("order '{}' already holds a different reservation", order_id));
    }
    return existing;
  }
  std::vector<Reservation> rows;
  rows.reserve(items.size());
  for (const auto& item : items) {  // sorted by product id: the lock order of every adapter
    if (!new_order) {
      auto product = cmd.tx.find_product(item.product_id);
      if (!product) throw Error::not_found("product", item.product_id);
      require_orderable(*product);
    }
    if (!cmd.tx.try_reserve_stock(item.product_id, item.qty)) {
      auto level = cmd.tx.find_stock(item.product_id);
      throw Error::failed_precondition(
          Reason::kOutOfStock, item.product_id,
          fmt::format("product '{}' is out of stock: {} requested, {} available", item.product_id,
                      item.qty, level ? level->available : 0));
    }
    Reservation row{order_id, item.product_id, item.qty, expires_at, ReservationState::kLive};

    emit(cmd, "StockReserved", item.product_id,
         JsonText()
             .add("product_id", item.product_id)
             .add("order_id", order_id)
             .add("qty", item.qty));
    rows.push_back(std::move(row));
  }
  if (!new_order) cmd.tx.insert_reservations(rows);
  return rows;
}

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
    if ((!unwritten && !cmd.tx.try_set_reservation_state(order_id, row.product_id,
                                                         ReservationState::kLive,
                                                         ReservationState::kCommitted)) ||
        !cmd.tx.try_sell_reserved_stock(row.product_id, row.qty)) {
      throw Error::internal(fmt::format("stock of '{}' does not hold the reservation of '{}'",
                                        row.product_id, order_id));
    }
    row.state = ReservationState::kCommitted;
    emit(cmd, "StockCommitted", row.product_id,
         JsonText()
             .add("product_id", row.product_id)
             .add("order_id", order_id)
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
    if ((!unwritten && !cmd.tx.try_set_reservation_state(order_id, row.product_id,
                                                         ReservationState::kLive,
                                                         ReservationState::kReleased)) ||
        !cmd.tx.try_unreserve_stock(row.product_id, row.qty)) {
      throw Error::internal(fmt::format("stock of '{}' does not hold the reservation of '{}'",
                                        row.product_id, order_id));
    }
    row.state = ReservationState::kReleased;
    emit(cmd, "StockReleased", row.product_id,
         {{"product_id", row.product_id}, {"order_id", order_id}, {"qty", row.qty}});
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

StockLevel adjust_stock(Command& cmd, const std::string& product_id, std::int64_t delta,
                        const std::string& reason) {
  auto level = cmd.tx.find_stock(product_id);
  if (!level) throw Error::not_found("product", product_id);
  checked_add(level->on_hand, delta, "delta");
  if (!cmd.tx.try_adjust_stock(product_id, delta)) {
    throw Error::failed_precondition(
        Reason::kOutOfStock, product_id,
        fmt::format("product '{}': shrinking by {} would leave less than the {} reserved",
                    product_id, -delta, level->reserved));
  }
  cmd.tx.insert_stock_adjustment({new_id(cmd.now), product_id, delta, reason, cmd.now});
  emit(cmd, "StockAdjusted", product_id,
       {{"product_id", product_id}, {"delta", delta}, {"reason", reason}});
  return *cmd.tx.find_stock(product_id);
}

}  // namespace detail

std::vector<Reservation> StockLedger::reserve(const std::string& order_id,
                                              const std::vector<LineItem>& items,
                                              Timestamp expires_at) {
  detail::check_id("order_id", order_id);
  const auto merged = detail::merge_items(items);
  if (expires_at < 0) throw Error::invalid_argument("expires_at", "must not be negative");
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Timestamp expiry =
        expires_at > 0 ? expires_at : cmd.now + ctx_.options.reservation_ttl_ms;
    return detail::reserve_stock(cmd, order_id, merged, expiry);
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
                               const std::string& reason, const std::string& request_id) {
  detail::check_stock_adjustment(product_id, delta, reason);
  const json call = {{"op", "stock.adjust"},
                     {"product_id", product_id},
                     {"delta", delta},
                     {"reason", reason}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(
        cmd, call, [&] { return detail::adjust_stock(cmd, product_id, delta, reason); });
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
