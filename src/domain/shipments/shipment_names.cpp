// Names of the shipment enums, as stored, printed and accepted on input.
#include <string>

#include "commerce/shipments.h"
#include "domain/enum_names.h"

namespace commerce {

namespace {

constexpr std::pair<ShipmentStatus, const char*> kShipmentStatus[] = {
    {ShipmentStatus::kRequested, "requested"},
    {ShipmentStatus::kPending, "pending"},
    {ShipmentStatus::kShipped, "shipped"},
    {ShipmentStatus::kInTransit, "in_transit"},
    {ShipmentStatus::kDeliveryFailed, "delivery_failed"},
    {ShipmentStatus::kDelivered, "delivered"},
    {ShipmentStatus::kReturned, "returned"},
    {ShipmentStatus::kCancelling, "cancelling"},
    {ShipmentStatus::kCancelled, "cancelled"}};
constexpr std::pair<CarrierOutcome, const char*> kCarrierOutcome[] = {
    {CarrierOutcome::kDone, "done"},
    {CarrierOutcome::kRefused, "refused"},
    {CarrierOutcome::kUnknown, "unknown"}};

}  // namespace

std::string_view to_string(ShipmentStatus status) {
  return detail::enum_name(status, kShipmentStatus);
}
ShipmentStatus parse_shipment_status(std::string_view name) {
  return detail::parse_enum("status", name, kShipmentStatus);
}
std::string_view to_string(CarrierOutcome outcome) {
  return detail::enum_name(outcome, kCarrierOutcome);
}

}  // namespace commerce
