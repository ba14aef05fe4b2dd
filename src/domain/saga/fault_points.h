// The saga's fault points: every boundary where a crash must be survivable (inside each move's
// unit of work, right after it commits, before and after each external call). Named here once;
// tests install a hook that runs at each (commerce::testing::set_fault_hook, below) and kill the
// process there. Not part of the installed API.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string_view>

namespace commerce {
class Store;
}

namespace commerce::detail {

// X(enumerator, name): the one list. A new point added here is reached by the crash matrix
// (tests/saga/crash_matrix_tests.cpp fails until one of its scenarios passes it).
#define COMMERCE_SAGA_FAULT_POINTS(X)                                                   \
  X(kOrderCreateInside, "order.create.inside")     /* the new order's unit */           \
  X(kOrderCreateAfter, "order.create.after")       /* that unit committed */            \
  X(kUnitAfter, "unit.after")                      /* any later unit of moves committed */ \
  X(kStepExecuteCalled, "step.execute.called")     /* an external step's call answered */ \
  X(kStepExecuteInside, "step.execute.inside")     /* a step recorded done, in its unit */ \
  X(kStepFailInside, "step.fail.inside")           /* a step recorded failed */         \
  X(kPaymentBeginInside, "payment.begin.inside")   /* payment begun (or skipped) */     \
  X(kPaymentGatewayBefore, "payment.gateway.before")                                    \
  X(kPaymentGatewayAfter, "payment.gateway.after")                                      \
  X(kPaymentStatusBefore, "payment.status.before") /* asking the gateway by key */      \
  X(kPaymentStatusAfter, "payment.status.after")                                        \
  X(kPaymentVoidBefore, "payment.void.before")     /* voiding a key the gateway never saw */ \
  X(kPaymentVoidAfter, "payment.void.after")                                            \
  X(kPaymentRecordInside, "payment.record.inside") /* the gateway's answer recorded */  \
  X(kConfirmInside, "confirm.inside")                                                   \
  X(kConfirmRefusedInside, "confirm.refused.inside") /* confirm refused: cancelling */  \
  X(kCancelRequestInside, "cancel.request.inside")                                      \
  X(kCancelRequestAfter, "cancel.request.after")                                        \
  X(kStepCompensateCalled, "step.compensate.called") /* an external undo answered */    \
  X(kPaymentUndoBefore, "payment.undo.before")     /* voiding a held payment */         \
  X(kPaymentRefundBefore, "payment.refund.before") /* refunding a captured one */       \
  X(kPaymentUndoAfter, "payment.undo.after")                                            \
  X(kStepCompensateInside, "step.compensate.inside") /* a step recorded compensated */  \
  X(kFinishInside, "finish.inside")                /* the order FAILED or CANCELLED */  \
  X(kShipmentCreateInside, "shipment.create.inside") /* a shipment's first unit */       \
  X(kShipmentCreateAfter, "shipment.create.after")                                      \
  X(kCarrierCreateAfter, "carrier.create.after")   /* the carrier's label answered */  \
  X(kShipmentLabelInside, "shipment.label.inside") /* the carrier's answer recorded */ \
  X(kShipmentCancelInside, "shipment.cancel.inside") /* cancelling recorded */         \
  X(kCarrierCancelAfter, "carrier.cancel.after")   /* the carrier's cancel answered */ \
  X(kShipmentCancelledInside, "shipment.cancelled.inside")                              \
  X(kShipmentMoveInside, "shipment.move.inside")   /* dispatch or tracking applied */ \
  X(kRefundReserveInside, "refund.reserve.inside") /* a partial refund reserved */      \
  X(kRefundReserveAfter, "refund.reserve.after")                                        \
  X(kRefundGatewayAfter, "refund.gateway.after")   /* the gateway's refund answered */ \
  X(kRefundRecordInside, "refund.record.inside")   /* its answer recorded */          \
  X(kCancelItemsInside, "cancel_items.inside")     /* units cancelled, refund reserved */ \
  X(kCancelItemsAfter, "cancel_items.after")                                            \
  X(kReturnRequestInside, "return.request.inside") /* a return's units claimed */      \
  X(kReturnReceiveInside, "return.receive.inside") /* inspected, given back */          \
  X(kReturnReceiveAfter, "return.receive.after")

enum class FaultPoint {
#define COMMERCE_FAULT_POINT_ENUMERATOR(id, name) id,
  COMMERCE_SAGA_FAULT_POINTS(COMMERCE_FAULT_POINT_ENUMERATOR)
#undef COMMERCE_FAULT_POINT_ENUMERATOR
};

// Every fault point, in the order of the list.
inline constexpr std::array kFaultPoints = {
#define COMMERCE_FAULT_POINT_VALUE(id, name) FaultPoint::id,
    COMMERCE_SAGA_FAULT_POINTS(COMMERCE_FAULT_POINT_VALUE)
#undef COMMERCE_FAULT_POINT_VALUE
};

inline constexpr std::array<std::string_view, kFaultPoints.size()> kFaultPointNames = {
#define COMMERCE_FAULT_POINT_NAME(id, name) name,
    COMMERCE_SAGA_FAULT_POINTS(COMMERCE_FAULT_POINT_NAME)
#undef COMMERCE_FAULT_POINT_NAME
};

constexpr bool fault_point_names_are_distinct() {
  for (std::size_t i = 0; i < kFaultPointNames.size(); ++i) {
    for (std::size_t j = i + 1; j < kFaultPointNames.size(); ++j) {
      if (kFaultPointNames[i] == kFaultPointNames[j]) return false;
    }
  }
  return true;
}
static_assert(fault_point_names_are_distinct(), "two fault points share a name");

constexpr std::string_view name_of(FaultPoint point) {
  return kFaultPointNames[static_cast<std::size_t>(point)];
}

// Called at every fault point a store's sagas pass. Must not call the store.
using FaultHook = std::function<void(FaultPoint)>;

}  // namespace commerce::detail

namespace commerce::testing {

// Installs `hook` (empty: removes it) on `store`'s sagas and shipments. For tests: call it before the store
// is used, from the thread that opened it (it is not synchronized with running sagas).
void set_fault_hook(Store& store, detail::FaultHook hook);

}  // namespace commerce::testing
