// commerce/allocation.h: how a reservation picks the stock locations it takes units from.
//
// Stock is kept per (product, location). Reserving an order asks the store's allocation strategy
// for a plan (which location gives how many units of each line), checks the plan, and applies it
// with conditional updates that never take a location below what it may give. A plan made stale
// by a concurrent order is re-planned from a fresh read, a bounded number of times; it is never
// applied by overselling. A strategy only plans: it gets everything it may use in the request and
// must not call the store.
//
// Thread safety: a strategy's plan() is called from any thread that reserves, possibly at once;
// it must be safe to call concurrently (the built-in ones keep no state).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace commerce {

// One location a line may take units from, as read just before planning.
struct StockOption {
  std::string location_id;
  std::int64_t available = 0;  // on_hand - reserved there (may be < 0 while backordered)
  // Units it may give beyond max(available, 0) as backorders, >= 0: the backorder limit there
  // less what is already backordered (limit + min(available, 0)); 0 where it takes none.
  std::int64_t backorder_room = 0;
  std::int64_t priority = 0;        // lower first
  std::string region;               // the location's region, or empty
  bool operator==(const StockOption&) const = default;
};

// One line of the order: a product (a product without options, or one variant) and its units.
// `options` holds every active location that stocks the product, by (priority, location_id).
struct AllocationLine {
  std::string product_id;
  std::int64_t qty = 0;
  std::vector<StockOption> options;
  bool operator==(const AllocationLine&) const = default;
};

struct AllocationRequest {
  std::string order_id;
  std::string region;  // the order's region (PlaceOrder::region), or empty
  std::vector<AllocationLine> lines;  // one per product, by product_id
  int attempt = 1;  // 2, 3...: a re-plan after a concurrent change made the previous plan stale
};

// `qty` units of `product_id` from `location_id`.
struct Allocation {
  std::string product_id;
  std::string location_id;
  std::int64_t qty = 0;
  bool operator==(const Allocation&) const = default;
};

class AllocationStrategy {
 public:
  virtual ~AllocationStrategy() = default;
  // A short name, used in errors ("strategy 'priority' planned ...").
  virtual std::string name() const = 0;
  // The plan for `request`: for every line, allocations whose qty sum to the line's qty, each
  // with qty > 0, at one of the line's options, and per (product, location) at most
  // max(available, 0) + backorder_room there in all (entries for the same product and location
  // are added up). A plan that breaks any of these (or throws) is refused: the reservation fails
  // with InvalidArgument naming "allocation_strategy", and nothing is written. Called only when
  // the request can be filled (the store checks the totals first and fails with kOutOfStock
  // otherwise).
  virtual std::vector<Allocation> plan(const AllocationRequest& request) const = 0;
};

// The built-in strategies ("priority", "fewest_shipments", "region_first"). Each orders the
// locations, then fills every line in that order: first from the available units of each
// location, then (only for what the available units of all of them cannot give) from their
// backorder room, in the same order. "By priority" means by (priority, location_id), so every
// choice is deterministic. They keep no state; if a line cannot be filled (the store never asks
// then) plan() throws FailedPrecondition kOutOfStock naming the product.
//
// Fills each line from the locations in priority order, splitting a line where the first
// cannot give all of it.
std::shared_ptr<const AllocationStrategy> priority_allocation();
// One location that can fill every line from its available units if there is one (the first by
// priority); otherwise few locations, chosen greedily (the one whose available units cover the
// most remaining units first, ties by priority), each line split among them in that order.
std::shared_ptr<const AllocationStrategy> fewest_shipments_allocation();
// Locations in the order's region first (by priority), then the others (by priority), filled
// as priority_allocation() fills them. An order without a region is filled by priority.
std::shared_ptr<const AllocationStrategy> region_first_allocation();

// Asks `strategy` for the plan of `request`, checks it (the rules under AllocationStrategy::plan)
// and returns it merged per (product_id, location_id), sorted by them. Throws InvalidArgument
// naming "allocation_strategy", with the strategy's name and what is wrong, when the plan breaks
// a rule or plan() (or name()) throws, e.g. "strategy 'x' planned 5 of 'p1' at 'L2' where 2 are
// available". `request` must name each product in one line only (Internal otherwise).
// Thread-safe as the strategy is; changes nothing.
std::vector<Allocation> checked_plan(const AllocationStrategy& strategy,
                                     const AllocationRequest& request);

}  // namespace commerce
