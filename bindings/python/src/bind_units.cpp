// bind_units.cpp: Python views of a unit of work (Transaction) and of an inbox handler's context
// (InboxContext), Inbox.register_handler, Store.run_unit, and the stored saga records
// (SagaRecord, SagaLogEntry) and inbox records that a Transaction reads. See units.h for the
// lifetime rules.
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

// Runs `f(tx)` with the GIL released and the scope locked; raises FailedPreconditionError if the
// scope is closed.
template <class F>
auto with_tx(const PyTransaction& view, F&& f) -> decltype(f(std::declval<Transaction&>())) {
  std::shared_ptr<UnitScope> scope = view.scope;
  py::gil_scoped_release release;
  std::lock_guard lock(scope->mu);
  if (!scope->open()) throw closed_error("transaction", "a Transaction");
  return f(*scope->tx);
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
  py::gil_scoped_release release;  // a Transaction call in flight holds the mutex without the GIL
  std::lock_guard lock(scope_->mu);
  scope_->tx = nullptr;
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
  ValueClass<SagaRecord>(m, "SagaRecord", "One order's saga, as stored (Transaction.find_saga).")
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
                           "One line of an order's saga log (Transaction.find_saga_log).")
      .field("order_id", &SagaLogEntry::order_id, "The order.")
      .field("step", &SagaLogEntry::step, "A step name, or \"order\" for the saga's own moves.")
      .field("action", &SagaLogEntry::action,
             "\"done\", \"skipped\", \"failed\", \"begin\", \"pending\", \"compensated\", ...")
      .field("detail", &SagaLogEntry::detail, "JSON object text.")
      .field("at", &SagaLogEntry::at, "Milliseconds since the Unix epoch.")
      .finish();
  ValueClass<InboxRecord>(m, "InboxRecord",
                          "An applied inbox message, as stored (Transaction.find_inbox_message).")
      .field("message_id", &InboxRecord::message_id, "The message id.")
      .field("type", &InboxRecord::type, "The message type.")
      .field("fingerprint", &InboxRecord::fingerprint, "Canonical JSON of the message.")
      .field("received_at", &InboxRecord::received_at, "Milliseconds since the Unix epoch.")
      .finish();

  using T = PyTransaction;
  py::class_<PyTransaction>(
      m, "Transaction",
      "One unit of work of the store's storage, given to an inbox handler\n"
      "(InboxContext.transaction) or to a Store.run_unit work function. Its methods are the\n"
      "storage primitives the library's services are built on: each is one statement's worth\n"
      "of work, try_* methods are conditional updates reporting whether they applied. What a\n"
      "callback writes commits together (with the inbox record, for a handler) or not at all.\n"
      "Keeping the library's invariants (e.g. a points ledger entry for every balance change)\n"
      "is the caller's job here; Store.check() reports what was broken.\n\n"
      "Valid only during the callback: using it afterwards raises FailedPreconditionError\n"
      "(subject \"transaction\"). Every call releases the GIL.",
      py::is_final())
      // settings
      .def(
          "find_setting",
          [](const T& t, const std::string& key) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_setting(key); });
          },
          py::arg("key"), "The store setting `key`, or None.")
      .def(
          "put_setting",
          [](const T& t, const std::string& key, const std::string& value) {
            with_tx(t, [&](Transaction& tx) { tx.put_setting(key, value); });
          },
          py::arg("key"), py::arg("value"), "Sets the store setting `key` (insert or replace).")
      // catalog
      .def(
          "find_product",
          [](const T& t, const std::string& id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_product(id); });
          },
          py::arg("id"), "The product, or None.")
      .def(
          "update_product",
          [](const T& t, const Product& product) {
            with_tx(t, [&](Transaction& tx) { tx.update_product(product); });
          },
          py::arg("product"), "Writes every field of an existing product row.")
      .def(
          "find_category",
          [](const T& t, const std::string& id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_category(id); });
          },
          py::arg("id"), "The category, or None.")
      .def(
          "list_categories",
          [](const T& t) { return with_tx(t, [&](Transaction& tx) { return tx.list_categories(); }); },
          "Every category.")
      // stock
      .def(
          "find_stock",
          [](const T& t, const std::string& product_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_stock(product_id); });
          },
          py::arg("product_id"), "The product's stock counters, or None.")
      .def(
          "try_adjust_stock",
          [](const T& t, const std::string& product_id, std::int64_t delta) {
            return with_tx(t, [&](Transaction& tx) { return tx.try_adjust_stock(product_id, delta); });
          },
          py::arg("product_id"), py::arg("delta"),
          "on_hand += delta where on_hand + delta >= reserved; False if not applied. Record a\n"
          "StockAdjustment with it (insert_stock_adjustment).")
      .def(
          "insert_stock_adjustment",
          [](const T& t, const StockAdjustment& adjustment) {
            with_tx(t, [&](Transaction& tx) { tx.insert_stock_adjustment(adjustment); });
          },
          py::arg("adjustment"), "Adds a stock audit row.")
      .def(
          "find_reservations",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_reservations(order_id); });
          },
          py::arg("order_id"), "The order's reservation rows in every state, by product id.")
      // points
      .def(
          "find_points_balance",
          [](const T& t, const std::string& user_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_points_balance(user_id); });
          },
          py::arg("user_id"), "The user's balance (0 if none).")
      .def(
          "try_credit_points",
          [](const T& t, const std::string& user_id, Money amount) {
            return with_tx(t, [&](Transaction& tx) { return tx.try_credit_points(user_id, amount); });
          },
          py::arg("user_id"), py::arg("amount"),
          "balance += amount; False if it would overflow. Record a PointsEntry with it.")
      .def(
          "try_debit_points",
          [](const T& t, const std::string& user_id, Money amount) {
            return with_tx(t, [&](Transaction& tx) { return tx.try_debit_points(user_id, amount); });
          },
          py::arg("user_id"), py::arg("amount"),
          "balance -= amount where balance >= amount; False if not applied.")
      .def(
          "insert_points_entry",
          [](const T& t, const PointsEntry& entry) {
            with_tx(t, [&](Transaction& tx) { tx.insert_points_entry(entry); });
          },
          py::arg("entry"), "Adds a points ledger entry.")
      .def(
          "find_points_entries_for_order",
          [](const T& t, const std::string& order_id) {
            return with_tx(t,
                           [&](Transaction& tx) { return tx.find_points_entries_for_order(order_id); });
          },
          py::arg("order_id"), "The ledger entries of an order.")
      // coupons
      .def(
          "find_coupon",
          [](const T& t, const std::string& coupon_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_coupon(coupon_id); });
          },
          py::arg("coupon_id"), "The coupon, or None.")
      .def(
          "find_coupon_template",
          [](const T& t, const std::string& template_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_coupon_template(template_id); });
          },
          py::arg("template_id"), "The coupon template with this id, or None.")
      .def(
          "find_coupon_template_by_code",
          [](const T& t, const std::string& code) {
            return with_tx(t,
                           [&](Transaction& tx) { return tx.find_coupon_template_by_code(code); });
          },
          py::arg("code"), "The coupon template with this code, or None.")
      // outbox and inbox
      .def(
          "append_event",
          [](const T& t, const Event& event) {
            return with_tx(t, [&](Transaction& tx) { return tx.append_event(event); });
          },
          py::arg("event"),
          "Appends an event to the transactional outbox (published by the relay only if the\n"
          "unit commits); returns its outbox position (seq). Give it an id (new_id(now)), a\n"
          "type, topic, key, occurred_at and a JSON object payload.")
      .def(
          "read_outbox",
          [](const T& t, std::int64_t after_seq, int limit) {
            return with_tx(t, [&](Transaction& tx) { return tx.read_outbox(after_seq, limit); });
          },
          py::arg("after_seq") = 0, py::arg("limit") = 100,
          "Outbox events with seq > after_seq, by seq, at most `limit`.")
      .def(
          "find_inbox_message",
          [](const T& t, const std::string& message_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_inbox_message(message_id); });
          },
          py::arg("message_id"), "The applied inbox message with this id, or None.")
      .def(
          "count_inbox_messages",
          [](const T& t) {
            return with_tx(t, [&](Transaction& tx) { return tx.count_inbox_messages(); });
          },
          "How many inbox messages were applied.")
      // orders, sagas, payments
      .def(
          "find_order",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_order(order_id); });
          },
          py::arg("order_id"), "The order row (items left empty), or None.")
      .def(
          "find_order_items",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_order_items(order_id); });
          },
          py::arg("order_id"), "The order's items, by product id.")
      .def(
          "list_orders",
          [](const T& t, const std::string& after_id, int limit) {
            return with_tx(t, [&](Transaction& tx) { return tx.list_orders(after_id, limit); });
          },
          py::arg("after_id") = "", py::arg("limit") = 100,
          "Orders (items left empty) with id > after_id, by id, at most `limit`.")
      .def(
          "find_order_audit",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_order_audit(order_id); });
          },
          py::arg("order_id"), "The order's status changes, oldest first.")
      .def(
          "find_saga",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_saga(order_id); });
          },
          py::arg("order_id"), "The order's SagaRecord, or None.")
      .def(
          "find_saga_log",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_saga_log(order_id); });
          },
          py::arg("order_id"), "The order's saga log, in the order it was written.")
      .def(
          "list_sagas",
          [](const T& t, SagaState state, const std::string& after_order_id, int limit) {
            return with_tx(t, [&](Transaction& tx) {
              return tx.list_sagas(state, after_order_id, limit);
            });
          },
          py::arg("state"), py::arg("after_order_id") = "", py::arg("limit") = 100,
          "Sagas in `state` with order_id > after_order_id, by order id, at most `limit`.")
      .def(
          "find_payment",
          [](const T& t, const std::string& order_id) {
            return with_tx(t, [&](Transaction& tx) { return tx.find_payment(order_id); });
          },
          py::arg("order_id"), "The order's payment, or None.")
      .def_property_readonly(
          "valid",
          [](const T& t) {
            std::lock_guard lock(t.scope->mu);
            return t.scope->open();
          },
          "True while the callback it was given to runs.")
      .def(
          "__repr__",
          [](const T& t) {
            std::lock_guard lock(t.scope->mu);
            return std::string(t.scope->open() ? "<Transaction (open)>" : "<Transaction (closed)>");
          },
          "<Transaction (open)> or <Transaction (closed)>.");

  using C = PyInboxContext;
  py::class_<PyInboxContext>(
      m, "InboxContext",
      "What an inbox handler gets: the message and the transaction it is applied in. Write the\n"
      "message's effect through .transaction (not through Store services, which open units of\n"
      "their own). Valid only during the handler call: using it afterwards raises\n"
      "FailedPreconditionError (subject \"inbox-context\").",
      py::is_final())
      .def_property_readonly(
          "transaction",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            inbox_of(*c.scope);
            return PyTransaction{c.scope};
          },
          "The unit of work the inbox record is written in.")
      .def_property_readonly(
          "now",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            return inbox_of(*c.scope).now();
          },
          "The store clock's time for this message (ms since epoch).")
      .def_property_readonly(
          "message",
          [](const C& c) {
            std::lock_guard lock(c.scope->mu);
            return inbox_of(*c.scope).message();
          },
          "The IncomingMessage being applied.")
      .def(
          "after_commit",
          [](const C& c, const py::function& action) {
            auto holder = hold(action);
            std::lock_guard lock(c.scope->mu);
            inbox_of(*c.scope).after_commit([holder] {
              py::gil_scoped_acquire gil;
              try {
                (*holder)();
              } catch (py::error_already_set& e) {
                // not reported to the sender (documented); keep it visible
                e.discard_as_unraisable("commerce_core InboxContext.after_commit action");
              }
            });
          },
          py::arg("action"),
          "Calls `action()` after the transaction committed (not if it rolls back). Its\n"
          "exceptions are not reported to the sender (printed as unraisable) and a crash may\n"
          "lose it.")
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
          auto scope = std::make_shared<UnitScope>();
          scope->tx = &ctx.transaction();
          scope->inbox = &ctx;
          try {
            ScopeGuard guard(scope);
            (*holder)(PyInboxContext{scope}, message);
          } catch (const py::error_already_set& e) {
            throw python_callback_error(e, ErrorCode::kFailedPrecondition, message.id);
          }
        });
      },
      py::arg("type"), py::arg("handler"),
      "Adds or replaces the handler of message type `type` (1..64 of A-Z a-z 0-9 . _ -).\n"
      "receive() calls `handler(ctx, message)` (an InboxContext and the IncomingMessage)\n"
      "inside the unit of work that records the message id: write the effect through\n"
      "ctx.transaction and it commits with the record, once per message id. Raising refuses\n"
      "the message: nothing is recorded, and receive() raises that same exception. The\n"
      "handler may run more than once per message (the unit is retried on contention), so it\n"
      "must change state only through ctx.transaction (use ctx.after_commit for the rest).\n"
      "Raises InvalidArgumentError naming \"type\".");
}

void bind_store_units(py::class_<Store>& cls) {
  cls.def(
      "run_unit",
      [](Store& self, const py::function& work, bool write) {
        py::object result = py::none();
        try {
          py::gil_scoped_release release;
          self.storage().run(write ? Storage::Access::kWrite : Storage::Access::kRead,
                             [&](Transaction& tx) {
                               py::gil_scoped_acquire gil;
                               auto scope = std::make_shared<UnitScope>();
                               scope->tx = &tx;
                               try {
                                 ScopeGuard guard(scope);
                                 result = work(PyTransaction{scope});
                               } catch (const py::error_already_set& e) {
                                 throw python_callback_error(e, ErrorCode::kFailedPrecondition,
                                                             "run_unit");
                               }
                             });
        } catch (const PythonCallbackError& e) {
          e.restore();
          throw py::error_already_set();
        }
        return result;
      },
      py::arg("work"), py::kw_only(), py::arg("write") = false,
      "Runs `work(tx)` (tx: a Transaction) as one unit of work of the store's storage and\n"
      "returns what it returns; with write=True it may write, and its writes commit together\n"
      "when it returns, or not at all if it raises (the exception propagates unchanged).\n"
      "The unit may be retried on contention, so `work` must have no other effect. E.g.\n"
      "store.run_unit(lambda tx: tx.find_saga_log(order.id)).");
}

}  // namespace commerce::python
