// The order saga engine behind OrderBook: placement, the step/compensation driver, payments,
// cancellation, the sweep and recovery.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"
#include "commerce/storage.h"
#include "context.h"

namespace commerce::detail {

class OrderSaga {
 public:
  explicit OrderSaga(const Context& ctx);

  Order place(const PlaceOrder& request);
  Order get(const std::string& order_id) const;
  Page<Order> list_for_user(const std::string& user_id, const std::string& cursor,
                            int limit) const;
  std::vector<OrderAudit> audit(const std::string& order_id) const;
  Order cancel(const std::string& order_id, const std::string& reason,
               const std::string& request_id);
  Order advance_fulfilment(const std::string& order_id, OrderStatus from, OrderStatus to);
  Order complete_payment(const std::string& order_id, bool approved);
  std::vector<std::string> sweep(int limit);
  RecoveryReport recover();

 private:
  struct Snapshot {
    SagaRecord saga;
    Order order;
    std::optional<Payment> payment;
  };

  // Drives the order's saga until it ends, waits for a payment result, or an external call
  // stays unresolved; returns the order as it then is.
  // `patient`: a payment another driver started is given the time that driver's gateway calls
  // can take before this one asks the gateway itself (which would void a key it never saw).
  // recover() is not patient: after a crash nobody else is calling.
  Order drive(const std::string& order_id, bool patient = true);
  Snapshot load(const std::string& order_id) const;

  void execute_local(const Snapshot& s, const std::string& step);
  bool execute_host(const Snapshot& s, const std::string& step);
  void fail_at(const Snapshot& s, const std::string& step, const std::string& why);
  bool pay(const Snapshot& s, bool patient,
           std::optional<std::chrono::steady_clock::time_point>& waiting_since);
  bool resolve_unknown(const Snapshot& s, PaymentResult& result);
  void record_payment(const std::string& order_id, const PaymentResult& result);
  void confirm(const Snapshot& s);
  bool compensate(const Snapshot& s, const std::string& step);
  bool undo_payment(const Snapshot& s);
  void finish(const Snapshot& s);

  SagaStep* host_step(const std::string& name) const;
  std::vector<std::string> step_names() const;
  bool local_stock(const SagaRecord& saga) const;
  void hook(const std::string& point) const;
  // Serializes this process's drivers of one order (other processes are kept apart by the
  // saga's conditional updates); drivers of different orders never wait for each other.
  class OrderLock;
  template <class Call>
  PaymentResult call_gateway(Call&& call) const;
  void backoff(int attempt) const;

  const Context& ctx_;
  const SagaOptions& opts_;
  std::map<std::string, std::shared_ptr<SagaStep>> host_steps_;
  struct LockEntry {
    std::mutex mu;
    int users = 0;
  };
  std::mutex locks_mu_;
  std::map<std::string, std::shared_ptr<LockEntry>> locks_;
};

}  // namespace commerce::detail
