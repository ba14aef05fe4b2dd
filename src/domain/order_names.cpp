// Names of the order, saga and payment enums, as stored, printed and accepted on input.
#include <string>

#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"

#include "enum_names.h"

namespace commerce {

namespace {

using detail::enum_name;
using detail::parse_enum;

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
constexpr std::pair<RefundStatus, const char*> kRefundStatus[] = {
    {RefundStatus::kStarted, "started"},
    {RefundStatus::kApproved, "approved"},
    {RefundStatus::kDeclined, "declined"}};
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

std::string_view to_string(OrderStatus status) { return enum_name(status, kOrderStatus); }
OrderStatus parse_order_status(std::string_view name) {
  return parse_enum("order status", name, kOrderStatus);
}
std::string_view to_string(SagaState state) { return enum_name(state, kSagaState); }
SagaState parse_saga_state(std::string_view name) {
  return parse_enum("saga state", name, kSagaState);
}
bool in_flight(SagaState state) {
  return state == SagaState::kRunning || state == SagaState::kCompensating ||
         state == SagaState::kCancelling;
}
std::string_view to_string(PaymentStatus status) { return enum_name(status, kPaymentStatus); }
PaymentStatus parse_payment_status(std::string_view name) {
  return parse_enum("payment status", name, kPaymentStatus);
}
std::string_view to_string(RefundStatus status) { return enum_name(status, kRefundStatus); }
RefundStatus parse_refund_status(std::string_view name) {
  return parse_enum("refund status", name, kRefundStatus);
}
std::string_view to_string(PaymentOutcome outcome) { return enum_name(outcome, kPaymentOutcome); }

}  // namespace commerce
