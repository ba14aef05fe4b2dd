// commerce/stock.h: stock levels, reservations and adjustments.
//
// Per product: on_hand and reserved, with available = on_hand - reserved. Reservations are rows
// (order, product, qty, expires_at), so reserved always equals the sum of live reservation rows.
// Reserving is a conditional update (never read-then-write): available never goes below zero
// under any number of threads or processes. StockLedger is thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/clock.h"
#include "commerce/page.h"

namespace commerce {

namespace detail {
struct Context;
}

struct StockLevel {
  std::string product_id;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;  // on_hand - reserved
  std::int64_t sold = 0;       // units committed to paid orders
  bool operator==(const StockLevel&) const = default;
};

struct LineItem {
  std::string product_id;
  std::int64_t qty = 0;  // 1..1,000,000
  bool operator==(const LineItem&) const = default;
};

enum class ReservationState { kLive, kCommitted, kReleased };

struct Reservation {
  std::string order_id;
  std::string product_id;
  std::int64_t qty = 0;
  Timestamp expires_at = 0;
  ReservationState state = ReservationState::kLive;
  bool operator==(const Reservation&) const = default;
};

// One audit row per change of on_hand outside orders (initial stock, restock, shrink).
struct StockAdjustment {
  std::string id;
  std::string product_id;
  std::int64_t delta = 0;
  std::string reason;
  Timestamp created_at = 0;
};

std::string_view to_string(ReservationState state);
ReservationState parse_reservation_state(std::string_view name);

class StockLedger {
 public:
  explicit StockLedger(const detail::Context& ctx) : ctx_(ctx) {}

  // Reserves every item for `order_id`, all or nothing; the same product named twice counts
  // once with the summed qty. The reservation expires at `expires_at` (0: now plus
  // StoreOptions::reservation_ttl_ms). Idempotent: reserving the same items for the same order
  // again returns the existing reservation.
  // Errors: InvalidArgument (order_id, items, qty), NotFound (product),
  // FailedPrecondition kOutOfStock / kInactive naming the product, Conflict (the order already
  // holds a different reservation).
  std::vector<Reservation> reserve(const std::string& order_id, const std::vector<LineItem>& items,
                                   Timestamp expires_at = 0);

  // Payment done: live reserved units become sold. Idempotent once committed.
  // Errors: NotFound (no reservation for the order), FailedPrecondition kIllegalTransition
  // (the reservation was released).
  std::vector<Reservation> commit(const std::string& order_id);

  // Compensation: live reservations of the order are released. Idempotent; releasing an order
  // with no live reservation is a no-op. Returns the rows it released.
  std::vector<Reservation> release(const std::string& order_id);

  // Restock (delta > 0) or shrink (delta < 0) with an audit row. A shrink never takes on_hand
  // below reserved. Errors: InvalidArgument (delta 0, reason), NotFound, FailedPrecondition
  // kOutOfStock, Conflict.
  StockLevel adjust(const std::string& product_id, std::int64_t delta, const std::string& reason,
                    const std::string& request_id = {});

  // Errors: NotFound, InvalidArgument.
  StockLevel level(const std::string& product_id) const;

  // The order's reservation rows in every state, by product id.
  std::vector<Reservation> reservations(const std::string& order_id) const;

  // Releases live reservations whose expiry has passed, at most `limit` orders per call.
  // Returns the ids of the orders whose reservations were released.
  std::vector<std::string> release_expired(int limit = 100);

 private:
  const detail::Context& ctx_;
};

}  // namespace commerce
