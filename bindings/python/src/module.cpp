// module.cpp: the extension module commerce_core._core. The package commerce_core
// (bindings/python/commerce_core/__init__.py) re-exports everything defined here.
#include <string>

#include "bindings.h"
#include "units.h"
#ifdef COMMERCE_PY_WITH_POSTGRES
#include "commerce/postgres_storage.h"
#endif

#ifdef COMMERCE_PY_WITH_KAFKA
namespace commerce::python {
// KafkaSink and KafkaSinkCounters (bind_kafka.cpp, built with the Kafka component only).
void bind_kafka(py::module_& m);
}  // namespace commerce::python
#endif

PYBIND11_MODULE(_core, m) {
  m.doc() = "commerce-core bindings (pybind11); import the package commerce_core instead.";
  commerce::python::bind_values(m);  // enums first: the error translator casts ErrorCode/Reason
  commerce::python::bind_errors(m);
  // Every class is registered before the first signature that names it (signatures are rendered
  // when a function is bound, and the stubs are generated from them).
  commerce::python::declare_store(m);
  commerce::python::bind_allocation(m);  // before the store: Store.open takes a strategy
  commerce::python::bind_pricing(m);  // before the orders and the store: quote, their options
  commerce::python::bind_orders(m);  // before the store: Store.open takes gateways and steps
  commerce::python::bind_events(m);  // IncomingMessage, before the views name it
  commerce::python::bind_units(m);
  commerce::python::bind_carts(m);  // before the store: Store.carts names Carts
  commerce::python::bind_shipments(m);  // before the store: Store.open takes carriers
  commerce::python::bind_returns(m);  // after the orders (GiveBack), before the store
  commerce::python::bind_metrics(m);  // before the store: Store.metrics() returns it
  commerce::python::bind_store(m);
#ifdef COMMERCE_PY_WITH_POSTGRES
  commerce::register_postgres_storage_scheme();
  m.attr("WITH_POSTGRES") = true;
#else
  m.attr("WITH_POSTGRES") = false;
#endif
#ifdef COMMERCE_PY_WITH_KAFKA
  commerce::python::bind_kafka(m);
  m.attr("WITH_KAFKA") = true;
#else
  m.attr("WITH_KAFKA") = false;
#endif
  // Every public name defined above (the generated stubs list it; the package's __all__ must
  // cover it, which tests/python/test_values.py checks).
  pybind11::list public_names;
  for (const auto& item : m.attr("__dict__").cast<pybind11::dict>()) {
    const auto name = item.first.cast<std::string>();
    if (!name.starts_with("_")) public_names.append(name);
  }
  public_names.attr("sort")();
  m.attr("__all__") = public_names;
}
