// bind_allocation.cpp: allocation strategies (commerce/allocation.h): the values a strategy
// reads and returns, AllocationStrategy (subclassable in Python: trampoline in plugins.h), the
// built-in strategies and checked_plan.
#include "bindings.h"
#include "commerce/allocation.h"
#include "plugins.h"

namespace commerce::python {

void bind_allocation(py::module_& m) {
  ValueClass<StockOption>(m, "StockOption",
                          "One location a line may take units from, as read just before planning.")
      .field("location_id", &StockOption::location_id, "The stock location.")
      .field("available", &StockOption::available,
             "on_hand - reserved there (may be < 0 while backordered).")
      .field("backorder_room", &StockOption::backorder_room,
             "Units it may give beyond max(available, 0) as backorders (>= 0).")
      .field("priority", &StockOption::priority, "The location's priority; lower first.")
      .field("region", &StockOption::region, "The location's region, or empty.")
      .finish();

  ValueClass<AllocationLine>(m, "AllocationLine",
                             "One line of the order: a product, its units and where they may "
                             "come from.")
      .field("product_id", &AllocationLine::product_id,
             "The product (a product without options, or one variant).")
      .field("qty", &AllocationLine::qty, "Units to allocate.")
      .field("options", &AllocationLine::options,
             "Every active location stocking it, by (priority, location_id).")
      .finish();

  ValueClass<AllocationRequest>(m, "AllocationRequest", "What a strategy plans for.")
      .field("order_id", &AllocationRequest::order_id, "The order being reserved.")
      .field("region", &AllocationRequest::region, "The order's region, or empty.")
      .field("lines", &AllocationRequest::lines, "One per product, by product_id.")
      .field("attempt", &AllocationRequest::attempt,
             "1; 2, 3...: a re-plan after a concurrent change made the previous plan stale.")
      .finish();

  ValueClass<Allocation>(m, "Allocation", "`qty` units of `product_id` from `location_id`.")
      .field("product_id", &Allocation::product_id, "The product.")
      .field("location_id", &Allocation::location_id, "The location giving the units.")
      .field("qty", &Allocation::qty, "Units (> 0).")
      .finish();

  py::class_<AllocationStrategy, PyAllocationStrategy, std::shared_ptr<AllocationStrategy>>(
      m, "AllocationStrategy",
      "How a reservation picks the stock locations of each line. Subclass it and override\n"
      "plan(request) (and optionally name(), the class name by default); pass an instance as\n"
      "Store.open(..., allocation_strategy=...). plan() is called from the library's threads\n"
      "(with the GIL held during the call), possibly several times per order; it must only\n"
      "plan, not call the store. A plan that breaks a rule (see checked_plan) or raises fails\n"
      "the reservation with InvalidArgumentError naming \"allocation_strategy\", writing nothing.")
      .def(py::init<>(), "Creates the strategy (call it from subclasses' __init__).")
      .def("name", &AllocationStrategy::name, "A short name, used in errors.")
      .def("plan", &AllocationStrategy::plan, py::arg("request"),
           "The plan for `request`: a list of Allocation whose qty sum to each line's qty,\n"
           "each at one of the line's options, within max(available, 0) + backorder_room there.");

  m.def(
      "priority_allocation", [] { return held(priority_allocation()); },
      "The built-in strategy \"priority\" (the default): fills each line from the locations\n"
      "by (priority, location_id), splitting where one cannot give all; backorder room last.");
  m.def(
      "fewest_shipments_allocation", [] { return held(fewest_shipments_allocation()); },
      "The built-in strategy \"fewest_shipments\": one location whose available units fill\n"
      "every line if there is one (the first by priority); else greedily the location covering\n"
      "the most missing units first (ties by priority); backorder room last.");
  m.def(
      "region_first_allocation", [] { return held(region_first_allocation()); },
      "The built-in strategy \"region_first\": the locations in the order's region first, then\n"
      "the others, each by priority, filled as priority_allocation() fills them.");
  m.def(
      "checked_plan",
      [](const AllocationStrategy& strategy, const AllocationRequest& request) {
        return checked_plan(strategy, request);
      },
      py::arg("strategy"), py::arg("request"), py::call_guard<py::gil_scoped_release>(),
      "Asks `strategy` for the plan of `request`, checks it as a reservation does and returns\n"
      "it merged per (product_id, location_id), sorted by them. Raises InvalidArgumentError\n"
      "naming \"allocation_strategy\" (the strategy's name and what is wrong) when plan()\n"
      "raises or the plan names a product that is not a line, a location not among the\n"
      "line's options, a qty < 1, more than a location can give, or a line's units do not sum\n"
      "to its qty.");
}

}  // namespace commerce::python
