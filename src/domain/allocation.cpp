// allocation.cpp: the built-in allocation strategies and the check every plan passes before a
// reservation applies it (commerce/allocation.h).
//
// Each built-in strategy only decides an order of the locations; fill_in_order() then fills
// every line in that order, available units first and backorder room last.
#include "commerce/allocation.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>

#include "commerce/error.h"

namespace commerce {

namespace {

constexpr const char* kStrategyField = "allocation_strategy";
constexpr std::int64_t kMaxUnits = std::numeric_limits<std::int64_t>::max();

// A location as the strategies rank it (its priority and region are the same on every line).
struct Location {
  std::string_view id;
  std::int64_t priority = 0;
  std::string_view region;
};

// Every location some line may take units from, once, by (priority, location_id).
std::vector<Location> locations_by_priority(const AllocationRequest& request) {
  std::map<std::string_view, Location> by_id;
  for (const auto& line : request.lines) {
    for (const auto& option : line.options) {
      by_id.try_emplace(option.location_id,
                        Location{option.location_id, option.priority, option.region});
    }
  }
  std::vector<Location> locations;
  for (const auto& [id, location] : by_id) locations.push_back(location);
  std::stable_sort(locations.begin(), locations.end(),
                   [](const Location& a, const Location& b) { return a.priority < b.priority; });
  return locations;
}

const StockOption* option_at(const AllocationLine& line, std::string_view location_id) {
  for (const auto& option : line.options) {
    if (option.location_id == location_id) return &option;
  }
  return nullptr;
}

// Units a location gives before it backorders.
std::int64_t in_stock(const StockOption& option) { return std::max<std::int64_t>(option.available, 0); }

// Fills every line from the locations in `order`: first the available units of each in turn,
// then, for what is still missing, the backorder room of each in turn. One allocation per
// (product, location).
std::vector<Allocation> fill_in_order(const AllocationRequest& request,
                                      const std::vector<Location>& order) {
  std::vector<Allocation> plan;
  for (const auto& line : request.lines) {
    const std::size_t first = plan.size();
    std::int64_t remaining = line.qty;
    for (const bool backorder : {false, true}) {
      for (const auto& location : order) {
        if (remaining <= 0) break;
        const StockOption* option = option_at(line, location.id);
        if (option == nullptr) continue;
        const std::int64_t take =
            std::min(remaining, backorder ? option->backorder_room : in_stock(*option));
        if (take <= 0) continue;
        remaining -= take;
        auto same = std::find_if(plan.begin() + static_cast<std::ptrdiff_t>(first), plan.end(),
                                 [&](const Allocation& a) { return a.location_id == location.id; });
        if (same != plan.end()) {
          same->qty += take;
        } else {
          plan.push_back(Allocation{line.product_id, option->location_id, take});
        }
      }
    }
    if (remaining > 0) {
      throw Error::failed_precondition(
          Reason::kOutOfStock, line.product_id,
          fmt::format("only {} of the {} units of '{}' can be allocated", line.qty - remaining,
                      line.qty, line.product_id));
    }
  }
  return plan;
}

class PriorityAllocation final : public AllocationStrategy {
 public:
  std::string name() const override { return "priority"; }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    return fill_in_order(request, locations_by_priority(request));
  }
};

class RegionFirstAllocation final : public AllocationStrategy {
 public:
  std::string name() const override { return "region_first"; }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    auto order = locations_by_priority(request);
    if (!request.region.empty()) {
      std::stable_partition(order.begin(), order.end(), [&](const Location& location) {
        return location.region == request.region;
      });
    }
    return fill_in_order(request, order);
  }
};

// Greedy set cover over the available units: the location covering the most of what is still
// missing first (the first by priority on a tie), so a location that fills the whole order is
// chosen alone; the locations that cover nothing follow by priority (for backorder room).
class FewestShipmentsAllocation final : public AllocationStrategy {
 public:
  std::string name() const override { return "fewest_shipments"; }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    auto candidates = locations_by_priority(request);
    std::vector<std::int64_t> missing;
    for (const auto& line : request.lines) missing.push_back(std::max<std::int64_t>(line.qty, 0));
    // Units of `missing` the location's available units cover, per line.
    auto cover = [&](const Location& location, std::size_t i) -> std::int64_t {
      const StockOption* option = option_at(request.lines[i], location.id);
      return option == nullptr ? 0 : std::min(missing[i], in_stock(*option));
    };
    std::vector<Location> order;
    while (!candidates.empty()) {
      auto best = candidates.end();
      std::int64_t best_units = 0;
      for (auto it = candidates.begin(); it != candidates.end(); ++it) {
        std::int64_t units = 0;
        for (std::size_t i = 0; i < missing.size(); ++i) {
          if (__builtin_add_overflow(units, cover(*it, i), &units)) units = kMaxUnits;
        }
        if (units > best_units) {
          best = it;
          best_units = units;
        }
      }
      if (best == candidates.end()) break;
      for (std::size_t i = 0; i < missing.size(); ++i) missing[i] -= cover(*best, i);
      order.push_back(*best);
      candidates.erase(best);
    }
    order.insert(order.end(), candidates.begin(), candidates.end());
    return fill_in_order(request, order);
  }
};

// Runs `call` (a strategy's method); any exception becomes InvalidArgument naming the field.
template <class Call>
auto refusing_exceptions(const std::string& what, Call&& call) -> decltype(call()) {
  try {
    return call();
  } catch (const std::exception& e) {
    throw Error::invalid_argument(kStrategyField, fmt::format("{} failed: {}", what, e.what()));
  } catch (...) {
    throw Error::invalid_argument(
        kStrategyField,
        fmt::format("{} failed with an exception that is not a std::exception", what));
  }
}

}  // namespace

std::shared_ptr<const AllocationStrategy> priority_allocation() {
  static const auto strategy = std::make_shared<const PriorityAllocation>();
  return strategy;
}

std::shared_ptr<const AllocationStrategy> fewest_shipments_allocation() {
  static const auto strategy = std::make_shared<const FewestShipmentsAllocation>();
  return strategy;
}

std::shared_ptr<const AllocationStrategy> region_first_allocation() {
  static const auto strategy = std::make_shared<const RegionFirstAllocation>();
  return strategy;
}

std::vector<Allocation> checked_plan(const AllocationStrategy& strategy,
                                     const AllocationRequest& request) {
  std::map<std::string_view, const AllocationLine*> lines;
  for (const auto& line : request.lines) {
    if (!lines.emplace(line.product_id, &line).second) {
      throw Error::internal(fmt::format("the allocation request of order '{}' names '{}' twice",
                                        request.order_id, line.product_id));
    }
  }
  const std::string name =
      refusing_exceptions("the allocation strategy's name()", [&] { return strategy.name(); });
  const auto planned = refusing_exceptions(fmt::format("strategy '{}'", name),
                                           [&] { return strategy.plan(request); });
  auto refuse = [&](const std::string& problem) {
    return Error::invalid_argument(kStrategyField, fmt::format("strategy '{}' {}", name, problem));
  };

  std::map<std::string_view, std::int64_t> per_line;
  std::map<std::pair<std::string_view, std::string_view>, std::int64_t> merged;
  for (const auto& a : planned) {
    const auto line = lines.find(a.product_id);
    if (line == lines.end()) {
      throw refuse(fmt::format("planned {} of '{}', which is not a line of order '{}'", a.qty,
                               a.product_id, request.order_id));
    }
    if (a.qty <= 0) {
      throw refuse(fmt::format("planned {} of '{}' at '{}': each allocation is at least 1 unit",
                               a.qty, a.product_id, a.location_id));
    }
    if (option_at(*line->second, a.location_id) == nullptr) {
      const bool known = std::any_of(request.lines.begin(), request.lines.end(), [&](const auto& l) {
        return option_at(l, a.location_id) != nullptr;
      });
      throw refuse(known ? fmt::format("planned {} of '{}' at '{}', which is not among that "
                                       "product's locations",
                                       a.qty, a.product_id, a.location_id)
                         : fmt::format("planned {} of '{}' at '{}', a location not in the request",
                                       a.qty, a.product_id, a.location_id));
    }
    // Checked before adding, so no sum below can overflow.
    std::int64_t& line_total = per_line[a.product_id];
    if (a.qty > line->second->qty - line_total) {
      throw refuse(fmt::format("planned more than the {} units of '{}' the order needs",
                               line->second->qty, a.product_id));
    }
    line_total += a.qty;
    merged[{a.product_id, a.location_id}] += a.qty;
  }
  for (const auto& line : request.lines) {
    if (per_line[line.product_id] != line.qty) {
      throw refuse(fmt::format("planned {} of '{}' where the order needs {}",
                               per_line[line.product_id], line.product_id, line.qty));
    }
  }
  std::vector<Allocation> plan;
  for (const auto& [key, qty] : merged) {
    const auto& [product_id, location_id] = key;
    const StockOption& option = *option_at(*lines.at(product_id), location_id);
    if (qty - option.backorder_room > in_stock(option)) {
      throw refuse(option.backorder_room > 0
                       ? fmt::format("planned {} of '{}' at '{}' where {} are available and {} "
                                     "may be backordered",
                                     qty, product_id, location_id, in_stock(option),
                                     option.backorder_room)
                       : fmt::format("planned {} of '{}' at '{}' where {} are available", qty,
                                     product_id, location_id, in_stock(option)));
    }
    plan.push_back(Allocation{std::string(product_id), std::string(location_id), qty});
  }
  return plan;
}

}  // namespace commerce
