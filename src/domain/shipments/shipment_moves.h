// The shipment moves that run inside a caller's unit of work: a shipment's change of status with
// the counters of the reservation rows it leaves from, its event, and the order's status
// following its units. Shipments (shipment_desk.cpp), OrderBook::ship()/deliver() and the
// inbox's handlers all move shipments through these, so every path keeps the same counters.
#pragma once

#include <string>
#include <vector>

#include "commerce/orders.h"
#include "commerce/shipments.h"
#include "domain/context.h"

namespace commerce::detail {

// What a shipment in `status` counts on its rows' counters per unit: in a shipment (packed),
// shipped, delivered (each 0 or 1).
struct ShipmentLevels {
  std::int64_t packed = 0, shipped = 0, delivered = 0;
};
ShipmentLevels shipment_levels(ShipmentStatus status);

// Whether a tracking event moves a shipment in `current` (last tracked at `tracked_at`), by the
// rule of commerce/shipments.h: never backwards, never out of a final state.
bool tracking_applies(ShipmentStatus current, Timestamp tracked_at, const TrackingEvent& event);

// A new shipment of `items` from the location, written with its units packed (the order row
// must be locked by the caller). Errors: InvalidArgument naming "items" or "location_id" when
// the order's reservation there does not hold the units unshipped; FailedPrecondition naming
// "items" when they are backordered and not restocked yet.
void insert_shipment(Command& cmd, const Shipment& shipment);

// Moves `from` (as read, locked, in this unit) to next.status with next's note, tracked_at and
// label, moving its units' counters, emitting its events, and then the order's status (audit
// reason `reason`). Errors: Unavailable if the shipment moved concurrently.
void move_shipment(Command& cmd, const Shipment& from, const Shipment& next,
                   const std::string& reason);

// Locks the shipment's order, then the shipment, and returns it. Errors: NotFound.
Shipment lock_shipment(Command& cmd, const std::string& shipment_id);

// Applies a tracking update (Shipments::track, the inbox's ShipmentTracking) and returns the
// shipment, moved or not. Errors: InvalidArgument (a field of the update), NotFound.
Shipment apply_tracking(Command& cmd, const TrackingUpdate& update);

// Ships (CONFIRMED -> SHIPPED) or delivers (SHIPPED -> DELIVERED) the whole order as
// OrderBook::ship()/deliver() and the inbox's DeliveryUpdated do: every unit not in a shipment
// leaves in one shipment per location without a carrier, picked up at once; delivering
// delivers every shipment on the way. An order whose stock a host step keeps (no reservation
// rows) just changes status. The order row is locked by the caller.
void ship_whole_order(Command& cmd, const Order& order, const std::string& reason);
void deliver_whole_order(Command& cmd, const Order& order, const std::string& reason);

// Moves the order's status to what its units say: DELIVERED when every unit not cancelled is
// delivered, SHIPPED when every one has shipped, else CONFIRMED (one legal step at a time, each
// audited with `reason`). The order row is locked by the caller.
void follow_units(Command& cmd, const std::string& order_id, const std::string& reason);

// Whether any unit of the order is in a shipment (cancelling the order is then refused).
bool has_shipments(Command& cmd, const std::string& order_id);

}  // namespace commerce::detail
