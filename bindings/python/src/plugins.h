// plugins.h: trampolines that let Python subclass the library's plug-in interfaces (payment
// gateways, saga steps, event sinks, allocation strategies, shipping options, tax calculators).
//
// The library calls plug-ins from its own threads with the GIL released, so every trampoline
// takes the GIL first. A Python exception never crosses into C++ as a Python object: it is turned
// into a commerce::Error here (a CommerceError keeps its code; anything else gets the fallback
// code documented per interface), which the library handles as a failed call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bindings.h"
#include "commerce/allocation.h"
#include "commerce/event_sink.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/pricing.h"
#include "commerce/saga.h"

namespace commerce::python {

// A shared_ptr to the C++ object inside `obj` that also keeps the Python object (its __dict__
// and overrides) alive for as long as the library holds the pointer.
template <class T>
std::shared_ptr<T> hold_python(const py::object& obj) {
  T* raw = obj.cast<T*>();
  auto* keep = new py::object(obj);
  return std::shared_ptr<T>(raw, [keep](T*) {
    py::gil_scoped_acquire gil;
    delete keep;
  });
}

// A built-in plug-in (shared as const: it keeps no state) as pybind11 holds it,
// std::shared_ptr<T>.
template <class T>
std::shared_ptr<T> held(std::shared_ptr<const T> plugin) {
  return std::const_pointer_cast<T>(std::move(plugin));
}

// Calls the Python override `name` of `self` with the GIL held; converts a Python exception to
// commerce::Error (`fallback` code, naming `subject`). Returns none() when not overridden.
template <class Base, class... Args>
py::object call_override(const Base* self, const char* name, ErrorCode fallback,
                         const std::string& subject, bool required, Args&&... args) {
  py::function fn = py::get_override(self, name);
  if (!fn) {
    if (required) {
      throw Error(ErrorCode::kInternal, subject,
                  std::string("the Python plug-in does not implement ") + name + "()");
    }
    return py::none();
  }
  try {
    return fn(std::forward<Args>(args)...);
  } catch (const py::error_already_set& e) {
    throw error_from_python(e, fallback, subject);
  }
}

// The override's result as R; a result of another type fails with `code` naming `subject`.
template <class R>
R cast_result(const py::object& value, const char* what, const std::string& subject,
              ErrorCode code = ErrorCode::kInternal) {
  try {
    return value.cast<R>();
  } catch (const py::cast_error&) {
    throw Error(code, subject,
                std::string(what) + " returned " +
                    py::cast<std::string>(py::str(py::type::of(value).attr("__name__"))));
  }
}

// A Python exception in a gateway call counts as a transport failure (Unavailable): the saga
// treats the outcome as unknown, retries, then asks status() or leaves it to recover().
class PyPaymentGateway : public PaymentGateway {
 public:
  PaymentResult charge(const PaymentRequest& request) override {
    return call("charge", request.idempotency_key, request);
  }
  PaymentResult authorize(const PaymentRequest& request) override {
    return call("authorize", request.idempotency_key, request);
  }
  PaymentResult capture(const std::string& key, std::int64_t timeout_ms) override {
    return call("capture", key, key, timeout_ms);
  }
  PaymentResult void_payment(const std::string& key, std::int64_t timeout_ms) override {
    return call("void_payment", key, key, timeout_ms);
  }
  PaymentResult refund(const std::string& key, Money amount, std::int64_t timeout_ms) override {
    return call("refund", key, key, amount, timeout_ms);
  }
  // Optional: a Python gateway without refund_part() has no partial refunds (the default).
  PaymentResult refund_part(const std::string& payment_key, const std::string& refund_key,
                            Money amount, std::int64_t timeout_ms) override {
    {
      py::gil_scoped_acquire gil;
      py::object result =
          call_override<PaymentGateway>(this, "refund_part", ErrorCode::kUnavailable, refund_key,
                                        false, payment_key, refund_key, amount, timeout_ms);
      if (!result.is_none()) return cast_result<PaymentResult>(result, "refund_part", refund_key);
    }
    return PaymentGateway::refund_part(payment_key, refund_key, amount, timeout_ms);
  }
  PaymentResult status(const std::string& key, std::int64_t timeout_ms) override {
    return call("status", key, key, timeout_ms);
  }

 private:
  template <class... Args>
  PaymentResult call(const char* name, const std::string& key, Args&&... args) {
    py::gil_scoped_acquire gil;
    py::object result = call_override<PaymentGateway>(this, name, ErrorCode::kUnavailable, key,
                                                      true, std::forward<Args>(args)...);
    return cast_result<PaymentResult>(result, name, key);
  }
};

// A Python exception in execute() refuses the step (FailedPrecondition: the order fails and the
// steps before it are compensated); raise UnavailableError for a transient failure instead.
class PySagaStep : public SagaStep {
 public:
  std::string name() const override {
    py::gil_scoped_acquire gil;
    py::object result = call_override<SagaStep>(this, "name", ErrorCode::kInternal, "step", true);
    return cast_result<std::string>(result, "name", "step");
  }
  void execute(const SagaStepContext& ctx) override {
    py::gil_scoped_acquire gil;
    call_override<SagaStep>(this, "execute", ErrorCode::kFailedPrecondition, ctx.idempotency_key,
                            true, ctx.order, ctx.idempotency_key);
  }
  void compensate(const SagaStepContext& ctx) override {
    py::gil_scoped_acquire gil;
    call_override<SagaStep>(this, "compensate", ErrorCode::kUnavailable, ctx.idempotency_key, true,
                            ctx.order, ctx.idempotency_key);
  }
};

// A Python exception in plan() refuses the plan: checked_plan() (and so the reservation) fails
// with InvalidArgument naming "allocation_strategy", writing nothing. name() is optional: the
// Python class's name by default.
class PyAllocationStrategy : public AllocationStrategy {
 public:
  std::string name() const override {
    py::gil_scoped_acquire gil;
    py::object result = call_override<AllocationStrategy>(
        this, "name", ErrorCode::kInvalidArgument, kSubject, false);
    if (result.is_none()) {
      const py::handle self = py::detail::get_object_handle(
          static_cast<const AllocationStrategy*>(this),
          py::detail::get_type_info(typeid(AllocationStrategy)));
      return py::str(py::type::of(self).attr("__name__")).cast<std::string>();
    }
    return cast_result<std::string>(result, "name", kSubject);
  }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    py::gil_scoped_acquire gil;
    py::object result = call_override<AllocationStrategy>(
        this, "plan", ErrorCode::kInvalidArgument, kSubject, true, request);
    return cast_result<std::vector<Allocation>>(result, "plan", kSubject);
  }

 private:
  static constexpr const char* kSubject = "allocation_strategy";
};

// A Python exception (other than a CommerceError, which keeps its code) or a result of the wrong
// type in id(), tax_class() or fee() fails quoting and placing with InvalidArgument naming
// "shipping_option", writing nothing. tax_class() is optional: "standard" by default.
class PyShippingOption : public ShippingOption {
 public:
  std::string id() const override {
    py::gil_scoped_acquire gil;
    return cast_result<std::string>(call(this, "id", true), "id", kSubject, kCode);
  }
  std::string tax_class() const override {
    py::gil_scoped_acquire gil;
    py::object result = call(this, "tax_class", false);
    if (result.is_none()) return ShippingOption::tax_class();
    return cast_result<std::string>(result, "tax_class", kSubject, kCode);
  }
  Money fee(const ShippingInput& input) const override {
    py::gil_scoped_acquire gil;
    return cast_result<Money>(call(this, "fee", true, input), "fee", kSubject, kCode);
  }

 private:
  static constexpr const char* kSubject = "shipping_option";
  static constexpr ErrorCode kCode = ErrorCode::kInvalidArgument;
  template <class... Args>
  static py::object call(const PyShippingOption* self, const char* name, bool required,
                         Args&&... args) {
    return call_override<ShippingOption>(self, name, kCode, kSubject, required,
                                         std::forward<Args>(args)...);
  }
};

// A Python exception (other than a CommerceError, which keeps its code) or a result of the wrong
// type in mode() or tax() fails quoting and placing with InvalidArgument naming
// "tax_calculator", writing nothing; so does a wrong count or a tax out of range (the library
// checks every calculator's answer).
class PyTaxCalculator : public TaxCalculator {
 public:
  TaxMode mode() const override {
    py::gil_scoped_acquire gil;
    return cast_result<TaxMode>(call(this, "mode"), "mode", kSubject, kCode);
  }
  std::vector<Money> tax(const std::vector<TaxableAmount>& amounts,
                         const std::string& region) const override {
    py::gil_scoped_acquire gil;
    return cast_result<std::vector<Money>>(call(this, "tax", amounts, region), "tax", kSubject,
                                           kCode);
  }

 private:
  static constexpr const char* kSubject = "tax_calculator";
  static constexpr ErrorCode kCode = ErrorCode::kInvalidArgument;
  template <class... Args>
  static py::object call(const PyTaxCalculator* self, const char* name, Args&&... args) {
    return call_override<TaxCalculator>(self, name, kCode, kSubject, true,
                                        std::forward<Args>(args)...);
  }
};

// A sink implementing the whole batch interface. A Python exception fails the whole batch.
class PyEventSink : public EventSink {
 public:
  std::vector<Ack> publish(std::span<const Event> batch) override {
    py::gil_scoped_acquire gil;
    std::vector<Event> events(batch.begin(), batch.end());
    py::object result =
        call_override<EventSink>(this, "publish", ErrorCode::kUnavailable, "sink", true, events);
    return cast_result<std::vector<Ack>>(result, "publish", "sink");
  }
  std::string name() const override {
    py::gil_scoped_acquire gil;
    py::object result = call_override<EventSink>(this, "name", ErrorCode::kInternal, "sink", false);
    if (result.is_none()) return "python";
    return cast_result<std::string>(result, "name", "sink");
  }
};

// A sink writing one event at a time (EventSinkBase keeps per-key order and the lock). A Python
// exception in write() fails that event (and later events of its key in the batch); one in
// flush() fails the batch.
class PyEventSinkBase : public EventSinkBase {
 public:
  std::string name() const override {
    py::gil_scoped_acquire gil;
    py::object result =
        call_override<EventSinkBase>(this, "name", ErrorCode::kInternal, "sink", false);
    if (result.is_none()) return "python";
    return cast_result<std::string>(result, "name", "sink");
  }

 protected:
  void write(const Event& event) override {
    py::gil_scoped_acquire gil;
    call_override<EventSinkBase>(this, "write", ErrorCode::kUnavailable, event.id, true, event);
  }
  void flush() override {
    py::gil_scoped_acquire gil;
    call_override<EventSinkBase>(this, "flush", ErrorCode::kUnavailable, "sink", false);
  }
};

}  // namespace commerce::python
