// The payment step's row and its protocol with the gateway.
#include "payment_step.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "commerce/error.h"
#include "domain/event_writer.h"
#include "step_rows.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

constexpr const char* kPayment = "payment";

// The payment may hold or be about to hold the customer's money: undoing it calls the gateway.
bool charged_or_open(const std::optional<Payment>& payment) {
  return payment && (payment->status == PaymentStatus::kStarted ||
                     payment->status == PaymentStatus::kPending ||
                     payment->status == PaymentStatus::kApproved);
}

int payment_index(const SagaRecord& saga) {
  auto it = std::find(saga.steps.begin(), saga.steps.end(), kPayment);
  if (it == saga.steps.end()) {
    throw Error::internal(
        fmt::format("saga of order '{}' has no step '{}'", saga.order_id, kPayment));
  }
  return static_cast<int>(it - saga.steps.begin());
}

std::string payment_key(const std::string& order_id) { return order_id + ":payment"; }

bool not_begun(const SagaSnapshot& s) { return !s.payment; }

// Begins the payment (its row, with the charge to make next), or skips it (total 0), or fails
// it (no gateway); the order awaits payment.
void begin_payment_in(const SagaEngine& engine, Command& cmd, SagaSnapshot& s) {
  const Order& o = s.order;
  SagaRecord next = s.saga;
  if (o.total == 0) {
    ++next.step;
    move_saga(cmd, s, next);
    log_saga(cmd, s, kPayment, "skipped", JsonText().add("total", 0));
  } else if (!engine.ctx().options.gateway) {
    next.state = SagaState::kCompensating;
    next.reason = "the store has no payment gateway";
    move_saga(cmd, s, next);
    log_saga(cmd, s, kPayment, "failed", json{{"reason", next.reason}});
  } else {
    move_saga(cmd, s, next);
    const Payment payment{payment_key(o.id), o.id,    o.total, o.payment_method,
                          PaymentStatus::kStarted, {}, cmd.now, cmd.now};
    if (!cmd.tx.insert_payment(payment)) throw SagaMoved{};
    log_saga(cmd, s, kPayment, "begin",
             JsonText().add("key", payment.id).add("amount", payment.amount));
    s.payment = payment;
    s.charge_now = true;
  }
  transition(cmd, s, OrderStatus::kPending, OrderStatus::kAwaitingPayment, {},
             "OrderAwaitingPayment");
  engine.hook(FaultPoint::kPaymentBeginInside);
}

// Charges the payment this driver began, or resolves one another driver began (after giving
// that driver the time its calls can take, if patient), and records the answer.
bool pay(SagaEngine& engine, SagaSnapshot& s, const StepRow&, Patience& patience) {
  const SagaOptions& opts = engine.options();
  const Order& o = s.order;
  const bool fresh = s.charge_now;
  if (!fresh && patience.patient) {
    // Another driver (another process: this one's are serialized) started this payment and may
    // be calling the gateway now. Give it as long as its calls can take before asking ourselves.
    const std::chrono::milliseconds grace(opts.attempts *
                                              (opts.gateway_timeout_ms + opts.backoff_max_ms) +
                                          opts.gateway_timeout_ms);
    const auto now = std::chrono::steady_clock::now();
    if (!patience.waiting_since) patience.waiting_since = now;
    if (now - *patience.waiting_since < grace) {
      std::this_thread::sleep_for(std::clamp(grace / 100, std::chrono::milliseconds(1),
                                             std::chrono::milliseconds(100)));
      throw SagaMoved{};  // look again
    }
  }
  PaymentResult result{PaymentOutcome::kUnknown, {}, "resuming: ask the gateway", true};
  if (fresh) {
    s.charge_now = false;
    const Payment& payment = *s.payment;
    const PaymentRequest request{payment.id,         o.id,
                                 o.user_id,          payment.amount,
                                 engine.ctx().options.currency, o.payment_method,
                                 opts.gateway_timeout_ms};
    engine.hook(FaultPoint::kPaymentGatewayBefore);
    result = call_gateway(engine, [&] { return engine.ctx().options.gateway->charge(request); });
    engine.hook(FaultPoint::kPaymentGatewayAfter);
  }
  if (result.outcome == PaymentOutcome::kUnknown && !resolve_unknown(engine, s, result)) {
    return false;
  }
  engine.write(s,
               [&](Command& cmd, SagaSnapshot& t) { record_payment_in(engine, cmd, t, result); });
  return true;
}

bool holds_no_money(const SagaSnapshot& s) { return !charged_or_open(s.payment); }

// The payment's status after the gateway voided or refunded it, with its event. A partly
// refunded payment's event is that of its `remainder` (the refund of what remained, finished
// here, unless recover() recorded it first), or none if nothing remained.
json record_undone_payment(Command& cmd, SagaSnapshot& s, PaymentStatus to,
                           const std::string& reference, bool partly_refunded,
                           const std::optional<Refund>& remainder) {
  Payment& payment = *s.payment;
  if (!cmd.tx.try_set_payment_status(payment.id, payment.status, to, reference, cmd.now)) {
    throw SagaMoved{};
  }
  payment.status = to;
  if (!reference.empty()) payment.reference = reference;
  payment.updated_at = cmd.now;
  if (!partly_refunded) {
    emit(cmd, to == PaymentStatus::kRefunded ? "PaymentRefunded" : "PaymentVoided", s.order.id,
         {{"order_id", s.order.id}, {"payment_id", payment.id}, {"amount", payment.amount}});
  } else if (remainder && cmd.tx.try_finish_refund(remainder->id, RefundStatus::kApproved, reference, {},
                                      cmd.now)) {
    emit(cmd, "PaymentRefunded", s.order.id,
         {{"order_id", s.order.id},
          {"payment_id", payment.id},
          {"refund_id", remainder->id},
          {"amount", remainder->amount}});
  }
  json detail = json::object();
  detail["status"] = to_string(to);
  return detail;
}

// A payment with partial refunds: refunds what remained (the refund the cancellation reserved,
// with its own key), or nothing if everything was refunded already. False if unresolved.
bool undo_partly_refunded(SagaEngine& engine, SagaSnapshot& s, const StepRow& row,
                          PaymentGateway& gateway) {
  const Payment& payment = *s.payment;
  const auto remainder = run_unit(engine.ctx().storage, Storage::Access::kRead,
                                  [&](Transaction& tx) {
                                    return tx.find_refund(cancel_refund_id(payment.id));
                                  });
  std::string reference;
  if (remainder && remainder->status != RefundStatus::kApproved) {
    engine.hook(FaultPoint::kPaymentRefundBefore);
    const PaymentResult refunded = call_gateway(engine, [&] {
      return gateway.refund_part(payment.id, remainder->id, remainder->amount,
                                 engine.options().gateway_timeout_ms);
    });
    if (refunded.outcome != PaymentOutcome::kApproved) return false;
    reference = refunded.reference;
  }
  engine.hook(FaultPoint::kPaymentUndoAfter);
  engine.write(s, [&](Command& cmd, SagaSnapshot& t) {
    engine.compensated_in(cmd, t, row, [&](Command& c, SagaSnapshot& u) {
      return record_undone_payment(c, u, PaymentStatus::kRefunded, reference, true, remainder);
    });
  });
  return true;
}

// Voids the payment that holds (or may hold) money, or refunds it once captured (only what
// remains of it after partial refunds).
bool undo_payment(SagaEngine& engine, SagaSnapshot& s, const StepRow& row) {
  const Payment& payment = *s.payment;  // compensates_in_unit() covers a payment without money
  const SagaOptions& opts = engine.options();
  PaymentGateway* gateway = engine.ctx().options.gateway.get();
  if (!gateway) {
    throw Error::unavailable("gateway", fmt::format("no payment gateway to void or refund "
                                                    "payment '{}'",
                                                    payment.id));
  }
  if (payment.status == PaymentStatus::kApproved &&
      run_unit(engine.ctx().storage, Storage::Access::kRead,
               [&](Transaction& tx) { return tx.find_refunded(s.order.id); }) > 0) {
    return undo_partly_refunded(engine, s, row, *gateway);
  }
  PaymentStatus to = PaymentStatus::kVoided;
  std::string reference;
  engine.hook(FaultPoint::kPaymentUndoBefore);
  const PaymentResult voided = call_gateway(
      engine, [&] { return gateway->void_payment(payment.id, opts.gateway_timeout_ms); });
  if (voided.outcome == PaymentOutcome::kUnknown) return false;
  if (voided.outcome != PaymentOutcome::kApproved) {  // captured: refund it
    engine.hook(FaultPoint::kPaymentRefundBefore);
    const PaymentResult refunded = call_gateway(engine, [&] {
      return gateway->refund(payment.id, payment.amount, opts.gateway_timeout_ms);
    });
    if (refunded.outcome != PaymentOutcome::kApproved) return false;
    to = PaymentStatus::kRefunded;
    reference = refunded.reference;
  }
  engine.hook(FaultPoint::kPaymentUndoAfter);
  engine.write(s, [&](Command& cmd, SagaSnapshot& t) {
    engine.compensated_in(cmd, t, row, [&](Command& c, SagaSnapshot& u) {
      return record_undone_payment(c, u, to, reference, false, std::nullopt);
    });
  });
  return true;
}

}  // namespace

StepRow payment_row() {
  return {.name = kPayment,
          .local = false,
          .begins_in_unit = not_begun,
          .begin_in = begin_payment_in,
          .execute = pay,
          .compensates_in_unit = holds_no_money,
          .compensate = undo_payment};
}

bool awaits_payment_result(const SagaSnapshot& s) {
  return s.payment &&
         (s.payment->status == PaymentStatus::kPending ||
          s.payment->status == PaymentStatus::kStarted) &&
         (s.saga.state == SagaState::kAwaitingPayment ||
          (s.saga.state == SagaState::kRunning && s.saga.step == payment_index(s.saga)));
}

bool resolve_unknown(const SagaEngine& engine, const SagaSnapshot& s, PaymentResult& result) {
  PaymentGateway* gateway = engine.ctx().options.gateway.get();
  if (!gateway || !s.payment) return false;
  const std::int64_t timeout_ms = engine.options().gateway_timeout_ms;
  const std::string key = s.payment->id;
  engine.hook(FaultPoint::kPaymentStatusBefore);
  PaymentResult status = call_gateway(engine, [&] { return gateway->status(key, timeout_ms); });
  engine.hook(FaultPoint::kPaymentStatusAfter);
  if (status.outcome == PaymentOutcome::kUnknown) return false;
  if (status.known) {
    result = status;
    return true;
  }
  engine.hook(FaultPoint::kPaymentVoidBefore);
  const PaymentResult voided =
      call_gateway(engine, [&] { return gateway->void_payment(key, timeout_ms); });
  engine.hook(FaultPoint::kPaymentVoidAfter);
  if (voided.outcome == PaymentOutcome::kUnknown) return false;
  if (voided.outcome == PaymentOutcome::kApproved) {
    result = {PaymentOutcome::kDeclined, {}, "the gateway never received the payment; voided",
              true};
    return true;
  }
  status = call_gateway(engine, [&] { return gateway->status(key, timeout_ms); });
  if (status.outcome == PaymentOutcome::kUnknown) return false;
  result = status;
  return true;
}

void record_payment_in(const SagaEngine& engine, Command& cmd, SagaSnapshot& s,
                       const PaymentResult& result) {
  apply_payment_result(cmd, s, result, json::object());
  engine.hook(FaultPoint::kPaymentRecordInside);
}

void apply_payment_result(Command& cmd, SagaSnapshot& s, const PaymentResult& result,
                          const json& log_detail) {
  if (!awaits_payment_result(s)) throw SagaMoved{};
  const std::string& order_id = s.order.id;
  Payment& payment = *s.payment;
  SagaRecord next = s.saga;
  const auto set_status = [&](PaymentStatus to) {
    if (!cmd.tx.try_set_payment_status(payment.id, payment.status, to, result.reference,
                                       cmd.now)) {
      throw SagaMoved{};
    }
    payment.status = to;
    if (!result.reference.empty()) payment.reference = result.reference;
    payment.updated_at = cmd.now;
  };
  const auto payload = [&] {
    return json{{"order_id", order_id},
                {"payment_id", payment.id},
                {"amount", payment.amount},
                {"reference", payment.reference}};
  };
  json detail = log_detail;
  switch (result.outcome) {
    case PaymentOutcome::kApproved:
      set_status(PaymentStatus::kApproved);
      emit(cmd, "PaymentCompleted", order_id, payload());
      detail["reference"] = payment.reference;
      log_saga(cmd, s, kPayment, "done", detail);
      next.state = SagaState::kRunning;
      next.step = payment_index(s.saga) + 1;
      break;
    case PaymentOutcome::kDeclined: {
      set_status(PaymentStatus::kDeclined);
      json failed = payload();
      failed["reason"] = result.message;
      emit(cmd, "PaymentFailed", order_id, failed);
      detail["reason"] = result.message;
      log_saga(cmd, s, kPayment, "failed", detail);
      next.state = SagaState::kCompensating;
      next.reason = "payment declined: " + result.message;
      break;
    }
    case PaymentOutcome::kPending:
      if (payment.status == PaymentStatus::kPending) return;  // already waiting
      set_status(PaymentStatus::kPending);
      log_saga(cmd, s, kPayment, "pending", detail);
      next.state = SagaState::kAwaitingPayment;
      break;
    case PaymentOutcome::kUnknown:
      throw Error::internal("an unknown payment outcome cannot be recorded");
  }
  move_saga(cmd, s, next);
}

}  // namespace commerce::detail
