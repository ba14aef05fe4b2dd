// The sweep (expired unpaid orders are cancelled) and recovery (every saga in flight driven to
// an end after a crash).
#include <fmt/format.h>

#include "commerce/error.h"
#include "domain/order_saga.h"
#include "domain/validate.h"
#include "payment_step.h"

namespace commerce::detail {

std::vector<std::string> OrderSaga::sweep(int limit) {
  check_limit(limit);
  const auto expired = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return tx.find_expired_awaiting_payment(ctx_.clock.now(), limit);
  });
  std::vector<std::string> cancelled;
  for (const auto& order_id : expired) {
    bool marked = false;
    try {
      run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        Command cmd{tx, ctx_, ctx_.clock.now(), {}};
        auto saga = tx.find_saga(order_id);
        if (!saga || saga->state != SagaState::kAwaitingPayment) return;
        SagaRecord next = *saga;
        next.state = SagaState::kCancelling;
        next.step = static_cast<int>(saga->steps.size());
        next.reason = "payment not completed before the order expired";
        move_saga_row(cmd, *saga, next);
        log_saga_row(cmd, order_id, "order", "expired", nlohmann::json::object());
        marked = true;
      });
    } catch (const SagaMoved&) {
      continue;
    }
    if (marked && engine_.drive(order_id).status == OrderStatus::kCancelled) {
      cancelled.push_back(order_id);
    }
  }
  return cancelled;
}

RecoveryReport OrderSaga::recover() {
  RecoveryReport report;
  auto settle = [&](const std::string& order_id) {
    try {
      const Order order = engine_.drive(order_id, false);
      const SagaSnapshot s = engine_.load(order_id);
      if (in_flight(s.saga.state)) {
        report.unresolved.push_back(
            fmt::format("{}: an external call did not answer; saga is {}", order_id,
                        to_string(s.saga.state)));
        return;
      }
      switch (order.status) {
        case OrderStatus::kConfirmed:
        case OrderStatus::kShipped:
        case OrderStatus::kDelivered:
          ++report.confirmed;
          break;
        case OrderStatus::kFailed:
          ++report.failed;
          break;
        case OrderStatus::kCancelled:
          ++report.cancelled;
          break;
        default:
          ++report.awaiting_payment;
          break;
      }
    } catch (const Error& e) {
      report.unresolved.push_back(fmt::format("{}: {}", order_id, e.what()));
    }
  };
  for (SagaState state : {SagaState::kRunning, SagaState::kCompensating, SagaState::kCancelling,
                          SagaState::kAwaitingPayment}) {
    std::string after;
    for (;;) {
      const auto page = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
        return tx.list_unfinished_sagas(state, after, 100);
      });
      if (page.empty()) break;
      for (const auto& saga : page) {
        after = saga.order_id;
        ++report.examined;
        if (state == SagaState::kAwaitingPayment) {
          // Ask the gateway whether the pending payment finished meanwhile.
          try {
            SagaSnapshot s = engine_.load(saga.order_id);
            PaymentResult result;
            if (s.saga.state == SagaState::kAwaitingPayment &&
                resolve_unknown(engine_, s, result) &&
                result.outcome != PaymentOutcome::kPending) {
              SagaEngine::OrderLock lock(engine_, saga.order_id);
              engine_.write(s, [&](Command& cmd, SagaSnapshot& t) {
                record_payment_in(engine_, cmd, t, result);
              });
            }
          } catch (const SagaMoved&) {
          } catch (const Error& e) {
            report.unresolved.push_back(fmt::format("{}: {}", saga.order_id, e.what()));
            continue;
          }
        }
        settle(saga.order_id);
      }
    }
  }
  recover_refunds(report);
  return report;
}

}  // namespace commerce::detail
