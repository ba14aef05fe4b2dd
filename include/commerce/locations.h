// commerce/locations.h: stock locations (warehouses, shops) and their order of preference.
//
// Every store has the location "default" (created with the store, or when an older store is
// upgraded: its stock moves there). Stock is kept per (product, location) (commerce/stock.h);
// reservations take units only from active locations, in the order the allocation strategy
// chooses (commerce/allocation.h; the built-in ones use priority, lower first, and region).
// A location is never deleted: deactivate it. StockLocations is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commerce/clock.h"

namespace commerce {

namespace detail {
struct Context;
}

// The location every store has; StockLedger::adjust() with no location means it.
inline constexpr const char* kDefaultLocation = "default";

struct StockLocation {
  std::string id;
  std::string name;
  bool active = true;         // only active locations give units to reservations
  std::int64_t priority = 0;  // lower first
  std::string region;         // optional, e.g. "eu"; matched against PlaceOrder::region
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  bool operator==(const StockLocation&) const = default;
};

struct NewStockLocation {
  std::string id;  // required, an id (letters, digits, - _ . : @ / + #)
  std::string name;  // required, 1..200 bytes
  bool active = true;
  std::int64_t priority = 0;  // -1000000..1000000
  std::string region;         // 0..64 bytes
};

// Fields left empty are kept.
struct StockLocationChanges {
  std::optional<std::string> name;
  std::optional<bool> active;
  std::optional<std::int64_t> priority;
  std::optional<std::string> region;
};

class StockLocations {
 public:
  explicit StockLocations(const detail::Context& ctx) : ctx_(ctx) {}

  // Creates a location, with StockLocationCreated. Idempotent per request_id.
  // Errors: InvalidArgument (id, name, priority, region), FailedPrecondition (the id exists),
  // Conflict.
  StockLocation create(const NewStockLocation& location, const std::string& request_id = {});

  // Changes the given fields. Deactivating a location keeps its stock and its live
  // reservations (they are still committed or released there); new reservations no longer take
  // units from it. Writes StockLocationUpdated with the fields given. Idempotent per request_id.
  // Errors: InvalidArgument (id, name, priority, region), NotFound, Conflict.
  StockLocation update(const std::string& id, const StockLocationChanges& changes,
                       const std::string& request_id = {});

  // Errors: InvalidArgument, NotFound.
  StockLocation get(const std::string& id) const;

  // Every location, by priority then id.
  std::vector<StockLocation> list() const;

 private:
  const detail::Context& ctx_;
};

}  // namespace commerce
