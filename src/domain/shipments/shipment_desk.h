// The work behind Shipments (commerce/shipments.h): each call's units of work, and the carrier
// calls between them (never inside a transaction, always with the shipment id as idempotency
// key), with the crash points the crash matrix kills at.
#pragma once

#include <memory>
#include <string>

#include "commerce/shipments.h"
#include "domain/context.h"
#include "domain/saga/fault_points.h"

namespace commerce::detail {

class ShipmentDesk {
 public:
  explicit ShipmentDesk(const Context& ctx) : ctx_(ctx) {}

  Shipment create(const CreateShipment& request);
  Shipment dispatch(const std::string& shipment_id);
  Shipment cancel(const std::string& shipment_id, const std::string& reason);
  Shipment track(const TrackingUpdate& update);
  ShipmentReport poll(int limit);
  ShipmentReport recover();
  Shipment get(const std::string& shipment_id) const;
  std::vector<Shipment> for_order(const std::string& order_id) const;

  void set_fault_hook(FaultHook hook) { hook_ = std::move(hook); }

 private:
  void hook(FaultPoint point) const {
    if (hook_) hook_(point);
  }
  Carrier& carrier_of(const std::string& name) const;
  // Asks the carrier for the label of a requested shipment and records its answer.
  Shipment label(const Shipment& shipment);
  // Asks the carrier to cancel a cancelling shipment and records its answer.
  Shipment finish_cancel(const Shipment& shipment);

  const Context& ctx_;
  FaultHook hook_;
};

// The desk behind `shipments` (set_fault_hook).
struct ShipmentsAccess {
  static ShipmentDesk& desk(Shipments& shipments) { return *shipments.desk_; }
};

}  // namespace commerce::detail
