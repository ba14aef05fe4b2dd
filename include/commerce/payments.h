// commerce/payments.h: the payment gateway interface, the stored payment record, and a
// scriptable fake gateway for tests and demos.
//
// The library always passes an idempotency key (one per order payment): a gateway must apply at
// most one charge per key, however often a call with that key is repeated, and must answer
// status(key) with what happened to it. Gateway calls never run inside a database transaction.
//
// Thread safety: PaymentGateway implementations must be safe to call from any number of threads
// at once (the library calls them from the threads that call OrderBook). FakeGateway is.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/clock.h"
#include "commerce/money.h"

namespace commerce {

namespace detail {
class RecordFile;
}

enum class PaymentOutcome {
  kApproved,  // the money moved (or, for void_payment, the key is voided: it can never charge)
  kDeclined,  // refused; nothing moved
  kPending,   // accepted; the result comes later (OrderBook::complete_payment)
  kUnknown,   // timeout or transport error: the call may or may not have applied
};

std::string_view to_string(PaymentOutcome outcome);

struct PaymentRequest {
  std::string idempotency_key;  // the same for every attempt of one payment
  std::string order_id;
  std::string user_id;
  Money amount = 0;  // > 0, minor units of `currency`
  std::string currency;
  std::string method;        // e.g. "card", as given at order placement
  std::int64_t timeout_ms = 0;  // the call must answer kUnknown rather than take longer
};

struct PaymentResult {
  PaymentOutcome outcome = PaymentOutcome::kUnknown;
  std::string reference;  // the gateway's own id of the payment, if any
  std::string message;    // why, for declines and errors
  // status() only: false when the gateway has never seen the key.
  bool known = true;
};

// A payment provider. Each call may throw commerce::Error kUnavailable for a transient failure
// (the library retries with backoff, passing the same key); any other failure should be reported
// as an outcome. Implementations must be idempotent per idempotency key.
class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;

  // Authorizes and captures `request.amount` in one call (a sale). The library's order saga uses
  // this. Repeating it with the same key returns the first outcome and never charges twice.
  virtual PaymentResult charge(const PaymentRequest& request) = 0;
  // Holds the amount without capturing it; capture() or void_payment() finishes it.
  virtual PaymentResult authorize(const PaymentRequest& request) = 0;
  // Captures an authorized hold. Idempotent.
  virtual PaymentResult capture(const std::string& idempotency_key, std::int64_t timeout_ms) = 0;
  // Cancels whatever the key did that has not been captured, and makes any later charge with the
  // key decline. kApproved: voided (or never seen; now blocked). kDeclined: the key was already
  // captured, so refund it instead. Idempotent.
  virtual PaymentResult void_payment(const std::string& idempotency_key,
                                     std::int64_t timeout_ms) = 0;
  // Gives back the captured `amount` of the key. Idempotent: one refund per key.
  // kDeclined if the key holds no capture.
  virtual PaymentResult refund(const std::string& idempotency_key, Money amount,
                               std::int64_t timeout_ms) = 0;
  // Gives back `amount` (> 0) of the capture made under `payment_key`, as one partial refund
  // with its own idempotency key `refund_key`: at most one refund per refund_key, however often
  // the call is repeated (a repeat answers the first approval again), and never more than was
  // captured in total under payment_key (kDeclined otherwise). kUnknown / a thrown Unavailable:
  // the library repeats the call with the same refund_key until it answers (OrderBook::recover()
  // too). The default, for gateways without partial refunds, throws FailedPrecondition naming
  // "gateway"; the library records such a refund declined with that message.
  virtual PaymentResult refund_part(const std::string& payment_key, const std::string& refund_key,
                                    Money amount, std::int64_t timeout_ms);
  // What happened to the key: kApproved (captured; refunded or not), kDeclined (declined or
  // voided), kPending (pending or only authorized), or known = false if never seen. kUnknown if
  // the gateway cannot be reached.
  virtual PaymentResult status(const std::string& idempotency_key, std::int64_t timeout_ms) = 0;
};

// How the library stores a payment (one per order with a total above zero).
enum class PaymentStatus {
  kStarted,   // the gateway may have been called; its answer is not recorded yet
  kPending,   // the gateway accepted it; the result comes later
  kApproved,  // charged
  kDeclined,  // refused; nothing charged
  kVoided,    // cancelled before any capture; nothing charged
  kRefunded,  // charged, then given back
};

std::string_view to_string(PaymentStatus status);
PaymentStatus parse_payment_status(std::string_view name);

struct Payment {
  std::string id;  // the idempotency key passed to the gateway
  std::string order_id;
  Money amount = 0;
  std::string method;
  PaymentStatus status = PaymentStatus::kStarted;
  std::string reference;  // the gateway's id
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  bool operator==(const Payment&) const = default;
};

// A partial refund of an order's payment (OrderBook::refund), as the library stores it.
enum class RefundStatus {
  kStarted,   // the amount is reserved on the order; the gateway's answer is not recorded yet
  kApproved,  // the gateway gave the money back
  kDeclined,  // refused (message says why); the reservation was given back
};

std::string_view to_string(RefundStatus status);
RefundStatus parse_refund_status(std::string_view name);

// What one give-back (a partial cancellation or a received return) returned to the customer,
// by the refund rule of commerce/returns.h.
struct GiveBack {
  Money value = 0;   // the units' worth (shipping included when refunded)
  Money money = 0;   // refunded through the gateway
  Money points = 0;  // given back as points
  // The Refund of `money`; empty when money is 0 or a whole cancel refunded the payment whole.
  std::string refund_id;
  bool coupon_restored = false;   // this give-back took the order's last unit
  bool shipping_refunded = false;
  bool operator==(const GiveBack&) const = default;
};

struct Refund {
  std::string id;  // UUIDv7; the refund_key passed to PaymentGateway::refund_part
  std::string order_id;
  std::string payment_id;  // the order's payment (its idempotency key)
  Money amount = 0;        // > 0, minor units
  RefundStatus status = RefundStatus::kStarted;
  std::string reason;      // as given to OrderBook::refund
  std::string reference;   // the gateway's id of the refund, if any
  std::string message;     // the gateway's reason for a decline
  std::string request_id;  // as given to OrderBook::refund, or empty
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  bool operator==(const Refund&) const = default;
};

// A scriptable in-process gateway. By default every call approves at once. Each call consumes
// the next scripted behaviour of its operation, if any. Its ledger (keys, charges, refunds) is
// kept in memory and, when a record file is given, appended to that file and fsynced before
// the call returns, and replayed when a FakeGateway opens the file again: so a test can kill the
// process at any point and count the charges that really happened. Thread-safe. Several
// processes may share one record file: each call locks it (flock) and first applies what the
// others appended, so they see one ledger, as they would see one real gateway.
class FakeGateway final : public PaymentGateway {
 public:
  enum class Operation { kCharge, kAuthorize, kCapture, kVoid, kRefund, kStatus };
  enum class Behaviour {
    kApprove,  // apply and answer kApproved (for kStatus: answer truthfully)
    kDecline,  // answer kDeclined; nothing applied
    kPending,  // kCharge/kAuthorize: accept and answer kPending; settle() finishes it
    kFail,     // throw Error kUnavailable before anything is applied (a transport failure)
    kTimeout,  // apply, then lose the reply: answer kUnknown after the request's timeout
  };
  struct Step {
    Behaviour behaviour = Behaviour::kApprove;
    // The request takes this long to arrive (at most the call's timeout); if it is longer than
    // the timeout the call still applies but answers kUnknown (the reply came too late).
    std::int64_t latency_ms = 0;
  };

  // `record_path` empty: memory only. The record file is created 0600 (owner only).
  // Errors: FailedPrecondition if the file cannot be opened for want of a directory or
  // permission; Unavailable if it cannot be opened for a passing reason.
  explicit FakeGateway(std::string record_path = {});
  ~FakeGateway() override;

  // Queues behaviours for the next calls of `op`, in order.
  void script(Operation op, std::vector<Step> steps);
  // How every call of `op` that finds no scripted step behaves from now on (kApprove until
  // set): e.g. kPending for kCharge makes every charge wait for settle() or the provider's
  // callback.
  void set_standing(Operation op, Behaviour behaviour);
  // Finishes a pending charge as the provider's callback would. Errors: NotFound (key unknown),
  // FailedPrecondition (the key is not pending).
  void settle(const std::string& idempotency_key, bool approved);

  // Charges applied for the order (captures), however many calls were made. From the record,
  // so it includes charges made by earlier processes on the same file.
  int charges_for(const std::string& order_id) const;
  // Refunds applied for the order: whole (refund()) and partial (refund_part()).
  int refunds_for(const std::string& order_id) const;
  int total_charges() const;
  // Net money kept by the gateway for the order: captured minus refunded.
  Money net_for(const std::string& order_id) const;
  // Calls of `op` made to this instance (not persisted).
  int calls(Operation op) const;

  PaymentResult charge(const PaymentRequest& request) override;
  PaymentResult authorize(const PaymentRequest& request) override;
  PaymentResult capture(const std::string& idempotency_key, std::int64_t timeout_ms) override;
  PaymentResult void_payment(const std::string& idempotency_key, std::int64_t timeout_ms) override;
  PaymentResult refund(const std::string& idempotency_key, Money amount,
                       std::int64_t timeout_ms) override;
  // Scripted by Operation::kRefund, as refund() is. Declines a payment key refunded whole by
  // refund(); refund() in turn declines a key that has partial refunds.
  PaymentResult refund_part(const std::string& payment_key, const std::string& refund_key,
                            Money amount, std::int64_t timeout_ms) override;
  PaymentResult status(const std::string& idempotency_key, std::int64_t timeout_ms) override;

 private:
  enum class KeyState { kHeld, kPending, kCaptured, kDeclined, kVoided, kRefunded };
  struct Key {
    std::string order_id;
    Money amount = 0;
    KeyState state = KeyState::kDeclined;
    bool capture_on_settle = true;
    Money refunded = 0;  // by refund_part()
  };

  Step next_step(Operation op);
  // Holds mu_ and the record file's lock, with every line appended so far applied.
  class Ledger {
   public:
    explicit Ledger(const FakeGateway& gateway);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

   private:
    const FakeGateway& gateway_;
    std::lock_guard<std::mutex> lock_;
  };

  // Applies one record line to the ledger (replay and live calls share it).
  void apply(const std::string& line) const;
  // Appends a line to the record (fsynced) and applies it; the caller holds a Ledger.
  void append(const std::string& line);
  PaymentResult start(const PaymentRequest& request, bool capture, Operation op);
  PaymentResult finish(Step step, std::int64_t timeout_ms, PaymentResult result);

  std::unique_ptr<detail::RecordFile> record_;  // null: memory only
  mutable std::mutex mu_;
  std::map<Operation, std::deque<Step>> scripts_;
  std::map<Operation, Behaviour> standing_;
  std::map<Operation, int> calls_;
  // The ledger: a cache of the record file (refreshed by every Ledger).
  mutable std::map<std::string, Key> keys_;
  mutable std::map<std::string, int> charges_;  // by order id
  mutable std::map<std::string, int> refunds_;  // by order id
  mutable std::map<std::string, Money> net_;    // by order id
  mutable std::map<std::string, std::string> parts_;  // refund_part() keys -> payment key
};

}  // namespace commerce
