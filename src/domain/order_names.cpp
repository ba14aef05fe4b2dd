// Names of the order, saga and payment enums, as stored, printed and accepted on input.
#include <string>
#include <utility>

#include "commerce/error.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"

namespace commerce {

namespace {

template <class E, std::size_t N>
E parse(std::string_view field, std::string_view name, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [value, text] : table) {
    if (name == text) return value;
  }
  throw Error::invalid_argument(std::string(field), "unknown value '" + std::string(name) + "'");
}

template <class E, std::size_t N>
std::string_view print(E value, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::pair<OrderStatus, const char*> kOrderStatus[] = {
    {OrderStatus::kPending, "pending"},     {OrderStatus::kAwaitingPayment, "awaiting_payment"},
    {OrderStatus::kConfirmed, "confirmed"}, {OrderStatus::kShipped, "shipped"},
    {OrderStatus::kDelivered, "delivered"}, {OrderStatus::kFailed, "failed"},
    {OrderStatus::kCancelled, "cancelled"}};
constexpr std::pair<SagaState, const char*> kSagaState[] = {
    {SagaState::kRunning, "running"},           {SagaState::kAwaitingPayment, "awaiting_payment"},
    {SagaState::kCompensating, "compensating"}, {SagaState::kCancelling, "cancelling"},
    {SagaState::kConfirmed, "confirmed"},       {SagaState::kFailed, "failed"},
    {SagaState::kCancelled, "cancelled"}};
constexpr std::pair<PaymentStatus, const char*> kPaymentStatus[] = {
    {PaymentStatus::kStarted, "started"},   {PaymentStatus::kPending, "pending"},
    {PaymentStatus::kApproved, "approved"}, {PaymentStatus::kDeclined, "declined"},
    {PaymentStatus::kVoided, "voided"},     {PaymentStatus::kRefunded, "refunded"}};
constexpr std::pair<PaymentOutcome, const char*> kPaymentOutcome[] = {
    {PaymentOutcome::kApproved, "approved"},
    {PaymentOutcome::kDeclined, "declined"},
    {PaymentOutcome::kPending, "pending"},
    {PaymentOutcome::kUnknown, "unknown"}};

}  // namespace

std::string_view to_string(OrderStatus status) { return print(status, kOrderStatus); }
OrderStatus parse_order_status(std::string_view name) {
  return parse("order status", name, kOrderStatus);
}
std::string_view to_string(SagaState state) { return print(state, kSagaState); }
SagaState parse_saga_state(std::string_view name) { return parse("saga state", name, kSagaState); }
bool in_flight(SagaState state) {
  return state == SagaState::kRunning || state == SagaState::kCompensating ||
         state == SagaState::kCancelling;
}
std::string_view to_string(PaymentStatus status) { return print(status, kPaymentStatus); }
PaymentStatus parse_payment_status(std::string_view name) {
  return parse("payment status", name, kPaymentStatus);
}
std::string_view to_string(PaymentOutcome outcome) { return print(outcome, kPaymentOutcome); }

}  // namespace commerce
