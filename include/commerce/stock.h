// commerce/stock.h: stock levels, reservations, adjustments and transfers.
//
// Stock is kept per (product, location) (commerce/locations.h): on_hand, reserved, sold, with
// available = on_hand - reserved there; a product's level is the sum over the active locations.
// Reservations are rows (order, product, location, qty, expires_at), so reserved at a location
// always equals the sum of its live reservation rows. Reserving allocates the units among the
// active locations with the store's allocation strategy (commerce/allocation.h) and applies the
// plan with conditional updates (never read-then-write): no location ever gives more than its
// available units plus its backorder room, under any number of threads or processes.
// StockLedger is thread-safe.
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

// A product's stock summed over the active locations.
struct StockLevel {
  std::string product_id;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;  // on_hand - reserved
  std::int64_t sold = 0;       // units committed to paid orders
  bool operator==(const StockLevel&) const = default;
};

// A product's stock at one location.
struct LocationLevel {
  std::string product_id;
  std::string location_id;
  std::int64_t on_hand = 0;    // below 0 only while backordered units were sold
  std::int64_t reserved = 0;
  std::int64_t available = 0;  // on_hand - reserved; down to -backorder_room
  std::int64_t sold = 0;
  std::int64_t backorder_room = 0;  // units it may reserve beyond on_hand (backorders)
  std::int64_t low_threshold = 0;   // StockLow when available falls to it or below; 0: off
  bool active = true;               // the location's state
  bool operator==(const LocationLevel&) const = default;
};

struct LineItem {
  std::string product_id;
  std::int64_t qty = 0;  // 1..1,000,000
  bool operator==(const LineItem&) const = default;
};

enum class ReservationState { kLive, kCommitted, kReleased };

// The units of one product an order holds at one location.
struct Reservation {
  std::string order_id;
  std::string product_id;
  std::string location_id;
  std::int64_t qty = 0;
  Timestamp expires_at = 0;
  ReservationState state = ReservationState::kLive;
  std::int64_t backordered = 0;  // of qty, the units taken from the backorder room (not on hand)
  // Of qty, the units cancelled before they shipped (OrderBook::cancel_items), back on the
  // location's shelf.
  std::int64_t cancelled = 0;
  bool operator==(const Reservation&) const = default;
};

// One audit row per change of on_hand outside orders and transfers (initial stock, restock,
// shrink) at one location.
struct StockAdjustment {
  std::string id;
  std::string product_id;
  std::string location_id;
  std::int64_t delta = 0;
  std::string reason;
  Timestamp created_at = 0;
};

// Units moved from one location to another (on_hand out of one, into the other).
struct StockTransfer {
  std::string id;
  std::string product_id;
  std::string from_location_id;
  std::string to_location_id;
  std::int64_t qty = 0;
  std::string reason;
  Timestamp created_at = 0;
  bool operator==(const StockTransfer&) const = default;
};

std::string_view to_string(ReservationState state);
ReservationState parse_reservation_state(std::string_view name);

class StockLedger {
 public:
  explicit StockLedger(const detail::Context& ctx) : ctx_(ctx) {}

  // Reserves every item for `order_id`, all or nothing; the same product named twice counts
  // once with the summed qty. The units are allocated among the active locations by
  // StoreOptions::allocation_strategy (given `region`, the order's region or empty); a line may
  // be split, one row per (product, location); while the store has one active location the
  // strategy may be skipped (everything there is the only plan). The reservation expires at
  // `expires_at` (0: now plus StoreOptions::reservation_ttl_ms). Idempotent: reserving the
  // same items for the same order again returns the existing reservation.
  // Errors: InvalidArgument (order_id, items, qty, region; "allocation_strategy" when the
  // strategy's plan is impossible: nothing is reserved then), NotFound (product),
  // FailedPrecondition kOutOfStock (the active locations together cannot give the qty; the
  // strategy is not asked) / kInactive naming the product, Conflict (the order already holds a
  // different reservation).
  std::vector<Reservation> reserve(const std::string& order_id, const std::vector<LineItem>& items,
                                   Timestamp expires_at = 0, const std::string& region = {});

  // Payment done: live reserved units become sold. Idempotent once committed.
  // Errors: NotFound (no reservation for the order), FailedPrecondition kIllegalTransition
  // (the reservation was released).
  std::vector<Reservation> commit(const std::string& order_id);

  // Compensation: live reservations of the order are released. Idempotent; releasing an order
  // with no live reservation is a no-op. Returns the rows it released.
  std::vector<Reservation> release(const std::string& order_id);

  // Restock (delta > 0) or shrink (delta < 0) at `location_id` ("" = "default") with an audit
  // row; returns the product's level (over the active locations) after it. A shrink never takes
  // on_hand below reserved there. Emits StockAdjusted, and StockLow / StockReplenished when
  // available crosses the location's threshold.
  // Errors: InvalidArgument (delta 0, reason, location_id unknown), NotFound (product),
  // FailedPrecondition kOutOfStock, Conflict.
  StockLevel adjust(const std::string& product_id, std::int64_t delta, const std::string& reason,
                    const std::string& request_id = {}, const std::string& location_id = {});

  // Moves `qty` units of the product's available stock (never reserved units) from one location
  // to another in one unit of work: a transfer row, StockTransferred, and StockLow /
  // StockReplenished for either side that crosses its threshold. Idempotent per request_id.
  // Errors: InvalidArgument (product_id, from_location_id / to_location_id unknown or equal,
  // qty outside 1..1000000000 or above what is available at the source, reason), NotFound
  // (product), Conflict.
  StockTransfer transfer(const std::string& product_id, const std::string& from_location_id,
                         const std::string& to_location_id, std::int64_t qty,
                         const std::string& reason, const std::string& request_id = {});

  // The low-stock threshold of the product at the location (0 turns it off): StockLow is
  // emitted once when available falls to it or below, StockReplenished once when it rises
  // above it again (also when the threshold itself moves across available). Returns the row.
  // Errors: InvalidArgument (low_threshold < 0 or > 1000000000, location_id unknown), NotFound.
  LocationLevel set_low_threshold(const std::string& product_id, const std::string& location_id,
                                  std::int64_t low_threshold);

  // The backorder limit of the product at the location: how many units it may reserve beyond
  // on_hand (such reservation rows count them as backordered). 0 turns backorders off there.
  // Errors: InvalidArgument (backorder_limit < 0 or > 1000000000, location_id unknown),
  // NotFound, FailedPrecondition kOutOfStock (the location already holds more backordered
  // units than the new limit).
  LocationLevel set_backorder_limit(const std::string& product_id, const std::string& location_id,
                                    std::int64_t backorder_limit);

  // The product's level summed over the active locations. Errors: NotFound, InvalidArgument.
  StockLevel level(const std::string& product_id) const;

  // The product's stock at every location that has a row for it (active or not), by location
  // priority then id. Errors: NotFound, InvalidArgument.
  std::vector<LocationLevel> levels(const std::string& product_id) const;

  // The order's reservation rows in every state, by product id then location id.
  std::vector<Reservation> reservations(const std::string& order_id) const;

  // Releases live reservations whose expiry has passed, at most `limit` orders per call.
  // Returns the ids of the orders whose reservations were released.
  std::vector<std::string> release_expired(int limit = 100);

 private:
  const detail::Context& ctx_;
};

}  // namespace commerce
