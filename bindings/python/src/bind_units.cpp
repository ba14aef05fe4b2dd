// bind_units.cpp: Python views of a unit of work (Unit, with its UnitPoints, UnitStock,
// UnitEvents and UnitLookups) and of an inbox handler's context (InboxContext),
// Inbox.register_handler, Store.run_unit, and the records a Unit reads (SagaRecord, SagaLogEntry,
// OutboxCounts). See units.h for the lifetime rules.
#include "units.h"

#include <functional>
#include <optional>
#include <utility>

namespace commerce::python {

namespace {

Error closed_error(const char* subject, const char* what) {
  return Error(ErrorCode::kFailedPrecondition, subject,
               std::string(what) +
                   " is only valid during the callback it was passed to (the inbox handler or "
                   "Store.run_unit work function); it was used after that call returned");
}

// Runs `f(unit)` with the GIL released and the scope locked; raises FailedPreconditionError
// (subject "unit") if the scope is closed.
template <class Tag, class F>
auto with_unit(const UnitView<Tag>& view, F&& f) -> decltype(f(std::declval<Unit&>())) {
  std::shared_ptr<UnitScope> scope = view.scope;
  py::gil_scoped_release release;
  std::lock_guard lock(scope->mu);
  if (!scope->open()) throw closed_error("unit", "a Unit");
  return f(*scope->unit);
}

// Reads a property of an open Unit with the GIL held (no storage work).
template <class Tag, class F>
auto unit_property(const UnitView<Tag>& view, F&& f) -> decltype(f(std::declval<Unit&>())) {
  std::lock_guard lock(view.scope->mu);
  if (!view.scope->open()) throw closed_error("unit", "a Unit");
  return f(*view.scope->unit);
}

// Runs `work(view)` (GIL held) with a scope open on `unit` (and `inbox`, for a handler); a
// Python exception becomes a PythonCallbackError naming `subject`.
template <class View>
py::object call_in_scope(Unit& unit, InboxContext* inbox,
                         const std::function<py::object(View)>& work,
                         const std::string& subject) {
  auto scope = std::make_shared<UnitScope>();
  scope->unit = &unit;
  scope->inbox = inbox;
  try {
    ScopeGuard guard(scope);
    return work(View{scope});
  } catch (const py::error_already_set& e) {
    throw python_callback_error(e, ErrorCode::kFailedPrecondition, subject);
  }
}

// A Python callable kept by C++ and run later; its exceptions are printed as unraisable (the
// documented fate of after-commit actions).
std::function<void()> after_commit_action(const std::shared_ptr<py::object>& holder) {
  return [holder] {
    py::gil_scoped_acquire gil;
    try {
      (*holder)();
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable("commerce_core Unit.after_commit action");
    }
  };
}

// The open InboxContext of a view (GIL held; the lock is held by the caller).
InboxContext& inbox_of(UnitScope& scope) {
  if (!scope.open() || scope.inbox == nullptr) {
    throw closed_error("inbox-context", "an InboxContext");
  }
  return *scope.inbox;
}

std::shared_ptr<py::object> hold(const py::object& obj) {
  return std::shared_ptr<py::object>(new py::object(obj), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
}

}  // namespace

ScopeGuard::~ScopeGuard() {
  py::gil_scoped_release release;  // a Unit call in flight holds the mutex without the GIL
  std::lock_guard lock(scope_->mu);
  scope_->unit = nullptr;
  scope_->inbox = nullptr;
}

void PythonCallbackError::restore() const {
  py::handle value = *exception_;
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(value.ptr())), value.ptr());
}

PythonCallbackError python_callback_error(const py::error_already_set& e, ErrorCode fallback,
                                          const std::string& subject) {
  py::object value = py::reinterpret_borrow<py::object>(e.value());
  if (PyObject* tb = PyException_GetTraceback(value.ptr())) {
    Py_DECREF(tb);  // a new reference; the exception already carries its traceback
  } else if (e.trace()) {
    PyException_SetTraceback(value.ptr(), e.trace().ptr());
  }
  return PythonCallbackError(error_from_python(e, fallback, subject), hold(value));
}

void bind_units(py::module_& m) {
  ValueClass<SagaRecord>(m, "SagaRecord", "One order's saga, as stored (UnitLookups.saga).")
      .field("order_id", &SagaRecord::order_id, "The order.")
      .field("state", &SagaRecord::state, "SagaState.")
      .field("step", &SagaRecord::step,
             "RUNNING: index of the next step (len(steps) means confirm); COMPENSATING /\n"
             "CANCELLING: how many steps are still to be compensated.")
      .field("position", &SagaRecord::position, "Increases with every change.")
      .field("steps", &SagaRecord::steps, "Step names, fixed when the saga started.")
      .field("reason", &SagaRecord::reason, "Why it is compensating or cancelling.")
      .field("updated_at", &SagaRecord::updated_at, "Milliseconds since the Unix epoch.")
      .finish();
  ValueClass<SagaLogEntry>(m, "SagaLogEntry",
                           "One line of an order's saga log (UnitLookups.saga_log).")
      .field("order_id", &SagaLogEntry::order_id, "The order.")
      .field("step", &SagaLogEntry::step, "A step name, or \"order\" for the saga's own moves.")
      .field("action", &SagaLogEntry::action,
             "\"done\", \"skipped\", \"failed\", \"begin\", \"pending\", \"compensated\", ...")
      .field("detail", &SagaLogEntry::detail, "JSON object text.")
      .field("at", &SagaLogEntry::at, "Milliseconds since the Unix epoch.")
      .finish();
  ValueClass<OutboxCounts>(m, "OutboxCounts",
                           "Outbox figures, as of one unit of work (UnitEvents.counts).")
      .field("pending", &OutboxCounts::pending, "Rows not yet delivered nor dead-lettered.")
      .field("delivered", &OutboxCounts::delivered, "Rows acknowledged by a sink.")
      .field("dead_letters", &OutboxCounts::dead_letters, "Rows in the dead-letter table.")
      .field("oldest_pending_at", &OutboxCounts::oldest_pending_at,
             "occurred_at of the oldest pending row (ms since epoch); 0 if none.")
      .finish();

  py::class_<PyUnitPoints>(m, "UnitPoints",
                           "Points balances inside a unit of work (Unit.points); each write keeps\n"
                           "the ledger (an entry with balance_after) and writes its event.",
                           py::is_final())
      .def(
          "credit",
          [](const PyUnitPoints& v, const std::string& user_id, Money amount,
             const std::string& reason) {
            return with_unit(v,
                             [&](Unit& u) { return u.points().credit(user_id, amount, reason); });
          },
          py::arg("user_id"), py::arg("amount"), py::arg("reason"),
          "Adds `amount` (1..1e15) to the user's balance with a ledger entry (kind ADJUST,\n"
          "`reason`, balance_after) and a PointAdjusted event; returns the PointsEntry.\n"
          "Raises InvalidArgumentError naming \"user_id\", \"amount\" (also if the balance would\n"
          "overflow) or \"reason\"; FailedPreconditionError naming \"unit\" in a read unit.")
      .def(
          "debit",
          [](const PyUnitPoints& v, const std::string& user_id, Money amount,
             const std::string& reason) {
            return with_unit(v, [&](Unit& u) { return u.points().debit(user_id, amount, reason); });
          },
          py::arg("user_id"), py::arg("amount"), py::arg("reason"),
          "Takes `amount` (1..1e15) from the user's balance, never below zero, with a ledger\n"
          "entry (kind ADJUST, amount negative) and a PointAdjusted event; returns the\n"
          "PointsEntry. Raises as credit() does, and InsufficientPointsError naming the user\n"
          "(nothing changed).")
      .def(
          "balance",
          [](const PyUnitPoints& v, const std::string& user_id) {
            return with_unit(v, [&](Unit& u) { return u.points().balance(user_id); });
          },
          py::arg("user_id"),
          "The user's balance (0 for a user with no entries). Raises InvalidArgumentError\n"
          "naming \"user_id\".");

  py::class_<PyUnitStock>(m, "UnitStock",
                          "Stock inside a unit of work (Unit.stock); an adjustment keeps its\n"
                          "audit row and writes its event.",
                          py::is_final())
      .def(
          "adjust",
          [](const PyUnitStock& v, const std::string& product_id, std::int64_t delta,
             const std::string& reason) {
            return with_unit(v,
                             [&](Unit& u) { return u.stock().adjust(product_id, delta, reason); });
          },
          py::arg("product_id"), py::arg("delta"), py::arg("reason"),
          "Restock (delta > 0) or shrink (delta < 0, never below what is reserved) with an\n"
          "audit row and a StockAdjusted event; returns the StockLevel after it. Raises\n"
          "InvalidArgumentError naming \"product_id\", \"delta\" or \"reason\"; NotFoundError\n"
          "(product); OutOfStockError naming the product; FailedPreconditionError naming\n"
          "\"unit\" in a read unit.")
      .def(
          "level",
          [](const PyUnitStock& v, const std::string& product_id) {
            return with_unit(v, [&](Unit& u) { return u.stock().level(product_id); });
          },
          py::arg("product_id"),
          "The product's StockLevel, or None if there is no such product. Raises\n"
          "InvalidArgumentError naming \"product_id\".")
      .def(
          "reservations",
          [](const PyUnitStock& v, const std::string& order_id) {
            return with_unit(v, [&](Unit& u) { return u.stock().reservations(order_id); });
          },
          py::arg("order_id"),
          "The order's reservation rows in every state, by product id. Raises\n"
          "InvalidArgumentError naming \"order_id\".");

  py::class_<PyUnitEvents>(m, "UnitEvents",
                           "The transactional outbox inside a unit of work (Unit.events).",
                           py::is_final())
      .def(
          "emit",
          [](const PyUnitEvents& v, const std::string& type, const std::string& key,
             const std::string& payload) {
            return with_unit(v, [&](Unit& u) { return u.events().emit(type, key, payload); });
          },
          py::arg("type"), py::arg("key"), py::arg("payload"),
          "Appends a host event to the outbox (published only if the unit commits) and returns\n"
          "it as appended (id, seq, topic). `type`: 2..8 PascalCase words such as\n"
          "\"LoyaltyBonusApplied\", not one of the library's own types; `key`: the aggregate id\n"
          "(the Kafka partition key); `payload`: JSON object text (at most 64 KiB). Topic\n"
          "\"host-events\", or \"host.loyalty.bonus-applied\" under per-type naming. Raises\n"
          "InvalidArgumentError naming \"type\", \"key\" or \"payload\"; FailedPreconditionError\n"
          "naming \"unit\" in a read unit.")
      .def(
          "outbox",
          [](const PyUnitEvents& v, std::int64_t after_seq, int limit) {
            return with_unit(v, [&](Unit& u) { return u.events().outbox(after_seq, limit); });
          },
          py::arg("after_seq") = 0, py::arg("limit") = 100,
          "Outbox events with seq > after_seq, by seq, at most `limit` (1..1000). Raises\n"
          "InvalidArgumentError naming \"after_seq\" or \"limit\".")
      .def(
          "counts",
          [](const PyUnitEvents& v) {
            return with_unit(v, [](Unit& u) { return u.events().counts(); });
          },
          "Pending, delivered and dead-lettered counts and the oldest pending time\n"
          "(OutboxCounts).");

  py::class_<PyUnitLookups>(m, "UnitLookups",
                            "Read-only lookups inside a unit of work (Unit.lookups); each raises\n"
                            "InvalidArgumentError naming its id argument if it is not a valid id.",
                            py::is_final())
      .def(
          "product",
          [](const PyUnitLookups& v, const std::string& product_id) {
            return with_unit(v, [&](Unit& u) { return u.lookups().product(product_id); });
          },
          py::arg("product_id"), "The Product (any status), or None.")
      .def(
          "coupon",
          [](const PyUnitLookups& v, const std::string& coupon_id) {
            return with_unit(v, [&](Unit& u) { return u.lookups().coupon(coupon_id); });
          },
          py::arg("coupon_id"), "The issued Coupon, or None.")
      .def(
          "order",
          [](const PyUnitLookups& v, const std::string& order_id) {
            return with_unit(v, [&](Unit& u) { return u.lookups().order(order_id); });
          },
          py::arg("order_id"), "The Order with its items, or None.")
      .def(
          "payment",
          [](const PyUnitLookups& v, const std::string& order_id) {
            return with_unit(v, [&](Unit& u) { return u.lookups().payment(order_id); });
          },
          py::arg("order_id"), "The order's Payment, or None.")
      .def(
          "saga",
          [](const PyUnitLookups& v, const std::string& order_id) {
            return with_unit(v, [&](Unit& u) { return u.lookups().saga(order_id); });
          },
          py::arg("order_id"), "The order's SagaRecord, or None.")
      .def(
          "saga_log",
          [](const PyUnitLookups& v, const std::string& order_id) {
            return with_unit(v, [&](Unit& u) { return u.lookups().saga_log(order_id); });
          },
          py::arg("order_id"), "The order's saga log (SagaLogEntry), in the order it was written.");

  py::class_<PyUnit>(
      m, "Unit",
      "One open unit of work, given to an inbox handler (InboxContext.unit) and to a\n"
      "Store.run_unit work function. Every call keeps the library's invariants and writes its\n"
      "events inside the unit: what the callback writes commits together (with the inbox\n"
      "record, for a handler), or not at all if it raises. A refused call (bad input, not\n"
      "enough points, ...) changes nothing and the unit carries on.\n\n"
      "Valid only during the callback: using it (or its views) afterwards raises\n"
      "FailedPreconditionError (subject \"unit\"). Every call releases the GIL.",
      py::is_final())
      .def_property_readonly(
          "points", [](const PyUnit& v) { return PyUnitPoints{v.scope}; },
          "Points balances (UnitPoints).")
      .def_property_readonly(
          "stock", [](const PyUnit& v) { return PyUnitStock{v.scope}; }, "Stock (UnitStock).")
      .def_property_readonly(
          "events", [](const PyUnit& v) { return PyUnitEvents{v.scope}; },
          "The outbox (UnitEvents).")
      .def_property_readonly(
          "lookups", [](const PyUnit& v) { return PyUnitLookups{v.scope}; },
          "Products, coupons, orders, payments and sagas (UnitLookups).")
      .def_property_readonly(
          "now", [](const PyUnit& v) { return unit_property(v, [](Unit& u) { return u.now(); }); },
          "The store clock's time for this unit (ms since epoch); every row it writes carries it.")
      .def_property_readonly(
          "writable",
          [](const PyUnit& v) { return unit_property(v, [](Unit& u) { return u.writable(); }); },
          "False in a read unit (Store.run_unit without write=True): writes raise there.")
      .def(
          "after_commit",
          [](const PyUnit& v, const py::function& action) {
            auto holder = hold(action);
            unit_property(v, [&](Unit& u) { u.after_commit(after_commit_action(holder)); });
          },
          py::arg("action"),
          "Calls `action()` after the unit committed (not if it rolls back). Its exceptions are\n"
          "printed as unraisable, not raised, and a crash may lose it.")
      .def_property_readonly(
          "valid",
          [](const PyUnit& v) {
            std::lock_guard lock(v.scope->mu);
            return v.scope->open();
          },
          "True while the callback it was given to runs.")
      .def(
          "__repr__",
          [](const PyUnit& v) {
            std::lock_guard lock(v.scope->mu);
            if (!v.scope->open()) return std::string("<Unit (closed)>");
            return std::string(v.scope->unit->writable() ? "<Unit (open, write)>"
                                                         : "<Unit (open, read)>");
          },
          "<Unit (open, write)>, <Unit (open, read)> or <Unit (closed)>.");

  using C = PyInboxContext;
  py::class_<PyInboxContext>(
      m, "InboxContext",
      "What an inbox handler gets: the message and the unit of work it is applied in. Write the\n"
      "message's effect through .unit (not through Store services, which open units of their\n"
      "own). Valid only during the handler call: using it afterwards raises\n"
      "FailedPreconditionError (subject \"inbox-context\").",
      py::is_final())
      .def_property_readonly(
          "unit",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            inbox_of(*c.scope);
            return PyUnit{c.scope};
          },
          "The Unit the inbox record is written in.")
      .def_property_readonly(
          "message",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            return inbox_of(*c.scope).message();
          },
          "The IncomingMessage being applied.")
      .def_property_readonly(
          "valid",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            return c.scope->open();
          },
          "True while the handler runs.")
      .def(
          "__repr__",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            if (!c.scope->open() || c.scope->inbox == nullptr) {
              return std::string("<InboxContext (closed)>");
            }
            const auto& msg = c.scope->inbox->message();
            return "<InboxContext message " + msg.id + " type " + msg.type + ">";
          },
          "<InboxContext message ID type TYPE> or <InboxContext (closed)>.");
}

void bind_inbox_handlers(py::class_<Inbox>& cls) {
  // Keeps the GIL: replacing a handler destroys the old one (taking the GIL) under the inbox's
  // lock, and the inbox's other calls never wait for the GIL while holding that lock.
  cls.def(
      "register_handler",
      [](Inbox& self, const std::string& type, const py::function& handler) {
        auto holder = hold(handler);
        self.register_handler(type, [holder](InboxContext& ctx, const IncomingMessage& message) {
          py::gil_scoped_acquire gil;
          call_in_scope<PyInboxContext>(
              ctx.unit(), &ctx,
              [&](PyInboxContext view) { return (*holder)(view, message); }, message.id);
        });
      },
      py::arg("type"), py::arg("handler"),
      "Adds or replaces the handler of message type `type` (1..64 of A-Z a-z 0-9 . _ -).\n"
      "receive() calls `handler(ctx, message)` (an InboxContext and the IncomingMessage)\n"
      "inside the unit of work that records the message id: write the effect through\n"
      "ctx.unit (a Unit) and it commits with the record, once per message id. Raising refuses\n"
      "the message: nothing is recorded, and receive() raises that same exception. The\n"
      "handler may run more than once per message (the unit is retried on contention), so it\n"
      "must change state only through ctx.unit (use ctx.unit.after_commit for the rest).\n"
      "Raises InvalidArgumentError naming \"type\".");
}

void bind_store_units(py::class_<Store>& cls) {
  cls.def(
      "run_unit",
      [](Store& self, const py::function& work, bool write) {
        py::object result = py::none();
        try {
          py::gil_scoped_release release;
          self.run_unit(
              [&](Unit& unit) {
                py::gil_scoped_acquire gil;
                result = call_in_scope<PyUnit>(
                    unit, nullptr, [&](PyUnit view) { return work(view); }, "run_unit");
              },
              write ? UnitMode::kWrite : UnitMode::kRead);
        } catch (const PythonCallbackError& e) {
          e.restore();
          throw py::error_already_set();
        }
        return result;
      },
      py::arg("work"), py::kw_only(), py::arg("write") = false,
      "Runs `work(unit)` (unit: a Unit) as one unit of work and returns what it returns; with\n"
      "write=True it may write, and its writes commit together when it returns, or not at all\n"
      "if it raises (the exception propagates unchanged); then the unit's after_commit actions\n"
      "run. The unit may be retried on contention, so `work` must have no other effect. E.g.\n"
      "store.run_unit(lambda unit: unit.lookups.saga_log(order.id)).");
}

}  // namespace commerce::python
