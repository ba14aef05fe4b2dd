// bindings.h: shared helpers of the commerce_core Python module (pybind11).
//
// ValueClass binds a plain C++ struct as a Python value class: snake_case attributes, a
// constructor taking fields by position or keyword, a readable __repr__ and field-wise __eq__.
// Page<T> converts to the pure-Python generic commerce_core.Page. Error translation (C++ -> Python
// and back) lives in errors.cpp, in one place.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "commerce/error.h"
#include "commerce/page.h"

namespace commerce::python {

namespace py = pybind11;

// Registers the C++ -> Python exception translator; imports commerce_core._errors.
void bind_errors(py::module_& m);
// Enums and value types.
void bind_values(py::module_& m);
// Clocks, Store and the services it hands out.
void bind_store(py::module_& m);
// Registers the Store class without its methods, so that bindings made before bind_store (the
// relay's constructor) name it in their signatures.
void declare_store(py::module_& m);
// Allocation strategies: their values, the subclassable base, the built-ins, checked_plan.
void bind_allocation(py::module_& m);
// Pricing: tax modes, shipping options and tax calculators (subclassable, the built-ins), quotes.
void bind_pricing(py::module_& m);
// Orders, payments, saga steps, invariants.
void bind_orders(py::module_& m);
// Carts, sharing, wishlists: their values and the Carts service.
void bind_carts(py::module_& m);
// Event sinks, the outbox relay, the inbox.
void bind_events(py::module_& m);
// Shipments: their values, carriers (subclassable, FakeCarrier) and the Shipments service.
void bind_shipments(py::module_& m);
// Returns: their values, ReturnOptions and the Returns service.
void bind_returns(py::module_& m);
void bind_metrics(py::module_& m);

// The commerce::Error equivalent of the Python exception being handled in `e`: a CommerceError
// keeps its code, reason and subject; any other exception becomes `fallback` code naming
// `subject`, with the Python type and message. Call with the GIL held.
Error error_from_python(const py::error_already_set& e, ErrorCode fallback,
                        const std::string& subject);

// Makes the enum's repr read like its str ("ProductStatus.ACTIVE").
template <class E>
void readable_enum_repr(py::enum_<E>& cls) {
  cls.attr("__repr__") =
      py::cpp_function([](py::handle self) { return py::str(self); }, py::name("__repr__"),
                       py::is_method(cls), py::doc("The enum member, as Class.MEMBER."));
}

template <class T>
class ValueClass {
 public:
  ValueClass(py::handle scope, const char* name, const char* doc)
      : cls_(scope, name, doc), state_(std::make_shared<State>()) {
    state_->class_name = name;
  }

  template <class M>
  ValueClass& field(const char* name, M T::*member, const char* doc) {
    cls_.def_readwrite(name, member, doc);
    state_->names.emplace_back(name);
    std::string qualified = state_->class_name + "." + name;
    state_->setters.emplace(name, [member, qualified](T& value, py::handle h) {
      try {
        value.*member = py::cast<M>(h);
      } catch (const py::cast_error&) {
        throw py::type_error(qualified + ": unexpected type " +
                             py::cast<std::string>(py::str(py::type::of(h).attr("__name__"))));
      }
    });
    return *this;
  }

  // Adds the constructor (fields by position or keyword), __repr__, __eq__ and makes instances
  // unhashable (they are mutable).
  py::class_<T>& finish() {
    auto state = state_;
    // The constructor's signature names every field with its type (read from the field
    // getters' signatures), so the generated stubs type-check constructor calls.
    std::string signature = "__init__(self";
    for (const auto& name : state->names) {
      const auto getter =
          py::cast<std::string>(cls_.attr(name.c_str()).attr("fget").attr("__doc__"));
      const auto arrow = getter.find(" -> ");
      const auto end = getter.find('\n', arrow);
      signature += ", " + name + ": " + getter.substr(arrow + 4, end - arrow - 4) + " = ...";
    }
    signature += ") -> None\n\nCreates a " + state->class_name +
                 "; fields by position (in attribute order) or keyword, each defaulting to its "
                 "zero value.";
    py::options options;
    options.disable_function_signatures();
    cls_.def(
        py::init([state](const py::args& args, const py::kwargs& kwargs) {
          T value{};
          if (args.size() > state->names.size()) {
            throw py::type_error(state->class_name + "() takes at most " +
                                 std::to_string(state->names.size()) + " positional arguments");
          }
          for (std::size_t i = 0; i < args.size(); ++i) {
            if (kwargs.contains(state->names[i])) {
              throw py::type_error(state->class_name + "() got multiple values for argument '" +
                                   state->names[i] + "'");
            }
            state->setters.at(state->names[i])(value, args[i]);
          }
          for (auto item : kwargs) {
            const auto key = py::cast<std::string>(item.first);
            auto it = state->setters.find(key);
            if (it == state->setters.end()) {
              throw py::type_error(state->class_name + "() got an unexpected keyword argument '" +
                                   key + "'");
            }
            it->second(value, item.second);
          }
          return value;
        }),
        signature.c_str());
    options.enable_function_signatures();
    cls_.def(
        "__repr__",
        [state](py::handle self) {
          std::string out = state->class_name + "(";
          bool first = true;
          for (const auto& name : state->names) {
            if (!first) out += ", ";
            first = false;
            out += name + "=" + py::cast<std::string>(py::repr(self.attr(name.c_str())));
          }
          return out + ")";
        },
        "Every field, as a constructor call.");
    cls_.def(
        "__eq__",
        [state](py::handle self, py::handle other) -> py::object {
          if (!py::isinstance(other, py::type::of(self))) {
            return py::reinterpret_borrow<py::object>(Py_NotImplemented);
          }
          for (const auto& name : state->names) {
            if (!self.attr(name.c_str()).equal(other.attr(name.c_str()))) return py::bool_(false);
          }
          return py::bool_(true);
        },
        py::arg("other"), "True when every field is equal.");
    cls_.attr("__hash__") = py::none();
    return cls_;
  }

  py::class_<T>& cls() { return cls_; }

 private:
  struct State {
    std::string class_name;
    std::vector<std::string> names;
    std::map<std::string, std::function<void(T&, py::handle)>> setters;
  };
  py::class_<T> cls_;
  std::shared_ptr<State> state_;
};

}  // namespace commerce::python

namespace pybind11::detail {

// commerce::Page<T> -> commerce_core.Page (a frozen generic dataclass); output only.
template <class T>
struct type_caster<commerce::Page<T>> {
  PYBIND11_TYPE_CASTER(commerce::Page<T>, const_name("commerce_core._page.Page[") +
                                               make_caster<T>::name + const_name("]"));

  bool load(handle, bool) { return false; }

  static handle cast(commerce::Page<T> page, return_value_policy, handle) {
    list items;
    for (auto& item : page.items) items.append(pybind11::cast(std::move(item)));
    object page_class = module_::import("commerce_core._page").attr("Page");
    return page_class(items, page.next_cursor).release();
  }
};

}  // namespace pybind11::detail
