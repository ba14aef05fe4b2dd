// units.h: Python views of a unit of work (commerce::Unit, commerce/unit.h, and its points,
// stock, events and lookups) and of an inbox handler's InboxContext, valid only while the
// library runs the Python callback they were made for.
//
// A view holds a shared UnitScope. While the callback runs, the scope points at the C++ objects;
// when the callback returns (or raises) the scope is closed, and any later use of the view raises
// FailedPreconditionError (subject "unit" or "inbox-context") instead of touching a dangling
// reference. Every Unit call releases the GIL and holds the scope's mutex, so closing waits for a
// call in flight from another thread and two threads never use the Unit at once.
//
// A Python exception raised inside such a callback crosses C++ as PythonCallbackError (a
// commerce::Error, so the library rolls the unit back and refuses the message like any Error);
// the binding that started the call re-raises the original Python exception object.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "bindings.h"
#include "commerce/inbox.h"
#include "commerce/store.h"
#include "commerce/unit.h"

namespace commerce::python {

struct UnitScope {
  std::mutex mu;
  Unit* unit = nullptr;           // null once closed
  InboxContext* inbox = nullptr;  // the handler's context, or null (Store.run_unit)
  bool open() const { return unit != nullptr; }
};

// Closes the scope when the callback ends, whatever way it ends. Construct and destroy with the
// GIL held.
class ScopeGuard {
 public:
  explicit ScopeGuard(std::shared_ptr<UnitScope> scope) : scope_(std::move(scope)) {}
  ~ScopeGuard();
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  std::shared_ptr<UnitScope> scope_;
};

// The Python views `Unit`, `UnitPoints`, `UnitStock`, `UnitEvents` and `UnitLookups`: one
// struct each (pybind11 tells the classes apart by type), all over the same scope.
template <class Tag>
struct UnitView {
  std::shared_ptr<UnitScope> scope;
};
using PyUnit = UnitView<Unit>;
using PyUnitPoints = UnitView<UnitPoints>;
using PyUnitStock = UnitView<UnitStock>;
using PyUnitEvents = UnitView<UnitEvents>;
using PyUnitLookups = UnitView<UnitLookups>;

// The Python view `InboxContext`.
struct PyInboxContext {
  std::shared_ptr<UnitScope> scope;
};

// A Python exception raised in a callback run inside a unit of work, carried through the library
// as a commerce::Error. Holds the exception object (released with the GIL).
class PythonCallbackError : public Error {
 public:
  PythonCallbackError(const Error& error, std::shared_ptr<py::object> python_exception)
      : Error(error), exception_(std::move(python_exception)) {}
  // Sets the original exception as the current Python error. Call with the GIL held.
  void restore() const;

 private:
  std::shared_ptr<py::object> exception_;
};

// Converts the Python exception in `e` (GIL held) to a PythonCallbackError; `fallback` and
// `subject` as for error_from_python.
PythonCallbackError python_callback_error(const py::error_already_set& e, ErrorCode fallback,
                                          const std::string& subject);

// Unit and its views, InboxContext, SagaRecord, SagaLogEntry, OutboxCounts. Call after
// bind_events (the views name IncomingMessage).
void bind_units(py::module_& m);
// Inbox.register_handler (a Python handler run in the inbox's transaction).
void bind_inbox_handlers(py::class_<Inbox>& cls);
// Store.run_unit (a Python callback given a Unit, run as one unit of work).
void bind_store_units(py::class_<Store>& cls);

}  // namespace commerce::python
