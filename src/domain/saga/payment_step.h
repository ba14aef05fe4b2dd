// The payment step: begun in the unit of the moves before it, charged through the gateway
// between units, an unknown answer resolved by the payment's key, a pending one finished by
// complete_payment() or recover(); undone by voiding or refunding. Its row is payment_row()
// (step_rows.h); these are what the order operations need besides the engine.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "commerce/payments.h"
#include "saga_engine.h"

namespace commerce::detail {

// A gateway call with the saga's retries: a transport failure (an exception) counts as an
// unknown outcome, and an unknown outcome is retried with backoff. Each attempt is counted
// with its outcome and latency (Store::metrics()).
template <class Call>
PaymentResult call_gateway(const SagaEngine& engine, Call&& call) {
  for (int attempt = 0;; ++attempt) {
    PaymentResult result;
    const auto started = std::chrono::steady_clock::now();
    try {
      result = call();
    } catch (const std::exception& e) {  // a transport failure: the call may not have applied
      result = {PaymentOutcome::kUnknown, {}, e.what(), true};
    }
    engine.ctx().metrics.observe_gateway(result.outcome,
                                         std::chrono::steady_clock::now() - started);
    if (result.outcome != PaymentOutcome::kUnknown || attempt + 1 >= engine.options().attempts) {
      return result;
    }
    engine.backoff(attempt);
  }
}

// The id (and gateway key) of the refund of what remained of a partly refunded payment when its
// order was cancelled.
// The saga's undo owns it: recover() leaves it to the saga.
inline std::string cancel_refund_id(const std::string& payment_id) {
  return payment_id + ":cancel";
}

// The order was paid and not cancelled: CONFIRMED, SHIPPED or DELIVERED (what partial refunds
// and returns need).
inline bool paid_status(OrderStatus status) {
  return status == OrderStatus::kConfirmed || status == OrderStatus::kShipped ||
         status == OrderStatus::kDelivered;
}

// Writes a started refund of `amount` of the payment (its id `id` is its key at the gateway),
// the caller having reserved the amount on the order (Transaction::try_reserve_refund) in the
// same unit. Returns false if a refund with that id exists.
bool insert_started_refund(Command& cmd, const std::string& id, const std::string& order_id,
                           const std::string& payment_id, Money amount,
                           const std::string& reason);

// The saga waits for its payment's result: the payment is started or pending and the saga is
// at the payment step (or awaiting payment).
bool awaits_payment_result(const SagaSnapshot& s);

// Records the gateway's approved, declined or pending `result` of the payment in `cmd`'s unit
// (payment status, PaymentCompleted / PaymentFailed, the saga log line with `log_detail` added,
// the saga moved past the payment, into compensation or to awaiting payment). SagaMoved if the
// saga no longer awaits a result.
void apply_payment_result(Command& cmd, SagaSnapshot& s, const PaymentResult& result,
                          const nlohmann::json& log_detail);
// apply_payment_result() for the saga's own driver, at its fault point.
void record_payment_in(const SagaEngine& engine, Command& cmd, SagaSnapshot& s,
                       const PaymentResult& result);

// The charge's outcome is unknown: asks the gateway by the payment's key. A key it never saw is
// voided first, so a late copy of the request can never charge, and the payment counts as
// declined. False if the gateway's answer stays unknown; else `result` is its answer.
bool resolve_unknown(const SagaEngine& engine, const SagaSnapshot& s, PaymentResult& result);

}  // namespace commerce::detail
