// commerce/shipments.h: shipments of an order's units from its stock locations, the carriers
// that carry them, and their tracking (docs/shipments.md).
//
// A confirmed order's units leave as shipments: each takes some units of some lines from ONE
// stock location, as far as the order's reservation there holds them (Reservation), so an order
// split over two locations ships at least twice, and a line may ship in parts. A shipment:
//
//   requested -> pending -> shipped -> in_transit -> delivered
//       |           |                      ^   |
//       |           |                      |   v
//       |           |            (re-attempt) delivery_failed -> returned (to sender)
//       v           v
//    cancelled <- cancelling
//
// - requested: recorded; the carrier's label is being created (the carrier call runs outside
//   any transaction with the shipment id as idempotency key; recover() finishes it). A shipment
//   without a carrier (carrier "") starts pending.
// - pending: labelled (tracking number), waiting for pick-up; may still be cancelled.
// - shipped (dispatched), in_transit, delivery_failed: on the way. delivered and returned are
//   final; a returned shipment's units are back at their location, unshipped again (the order,
//   if SHIPPED, goes back to CONFIRMED), and can ship again.
// - cancelled: before pick-up; its units are unshipped again.
//
// The order follows its units: CONFIRMED until every unit has shipped, then SHIPPED, then
// DELIVERED when every unit is delivered; OrderItem::shipped / delivered count them meanwhile.
// A backordered unit (Reservation::backordered) ships only once the restocks of its location
// cover every backorder there (the location's on_hand is not negative).
//
// Tracking updates (track(), the inbox's "ShipmentTracking" messages, or poll()) never move a
// shipment backwards: an update applies only if it is newer than the last one applied
// (occurred_at) and moves forward (or re-attempts a failed delivery); delivered and returned
// apply whenever the shipment is not final; a final shipment never changes.
//
// Thread safety: Shipments is safe from any number of threads and processes at once; Carrier
// implementations must be too (FakeCarrier is).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/address.h"
#include "commerce/clock.h"
#include "commerce/page.h"
#include "commerce/stock.h"

namespace commerce {

namespace detail {
struct Context;
class RecordFile;
class ShipmentDesk;
struct ShipmentsAccess;
}  // namespace detail

enum class ShipmentStatus {
  kRequested,
  kPending,
  kShipped,
  kInTransit,
  kDeliveryFailed,
  kDelivered,
  kReturned,
  kCancelling,
  kCancelled,
};

// "requested", "pending", "shipped", "in_transit", "delivery_failed", "delivered", "returned",
// "cancelling", "cancelled".
std::string_view to_string(ShipmentStatus status);
// Errors: InvalidArgument ("status") for any other name.
ShipmentStatus parse_shipment_status(std::string_view name);

// --- carriers -------------------------------------------------------------------------------

// What the library asks a carrier to carry.
struct CarrierRequest {
  std::string idempotency_key;  // the shipment id: the same for every attempt
  std::string order_id;
  std::string location_id;  // where it leaves from
  std::optional<Address> to;  // the order's shipping address, if it has one
  std::vector<LineItem> items;
  std::int64_t timeout_ms = 0;  // the call must answer kUnknown rather than take longer
};

enum class CarrierOutcome {
  kDone,     // created (or, for cancel, cancelled; or never created and now blocked)
  kRefused,  // create: refused (e.g. an address it cannot serve); cancel: too late (picked up)
  kUnknown,  // timeout or transport error: the call may or may not have applied
};
std::string_view to_string(CarrierOutcome outcome);

struct CarrierLabel {
  CarrierOutcome outcome = CarrierOutcome::kUnknown;
  std::string tracking_number;  // kDone: the carrier's tracking number (non-empty)
  std::string label_url;        // where the label can be printed, if the carrier gives one
  std::string message;          // why, for refusals and errors
};

// One scan of a parcel as the carrier reports it.
struct TrackingEvent {
  ShipmentStatus status = ShipmentStatus::kInTransit;  // shipped .. returned
  Timestamp occurred_at = 0;                            // the carrier's time of the scan
  std::string detail;                                   // e.g. "arrived at Seoul hub"
  bool operator==(const TrackingEvent&) const = default;
};

// A carrier (DHL, FedEx, Hanjin, ... or the host's own integration). Each call may throw
// commerce::Error kUnavailable for a transient failure (the library retries with backoff,
// passing the same key); other failures are reported as outcomes. Must be idempotent per key.
class Carrier {
 public:
  virtual ~Carrier() = default;
  // Creates the shipment and its label. Repeating it with the same key returns the first
  // label and never creates a second shipment.
  virtual CarrierLabel create(const CarrierRequest& request) = 0;
  // Cancels the key's shipment before pick-up, and makes any later create() with the key
  // refuse. kDone: cancelled (or never created, now blocked); kRefused: already picked up.
  virtual CarrierOutcome cancel(const std::string& idempotency_key, std::int64_t timeout_ms) = 0;
  // The scans of the parcel so far, oldest first. Errors: Unavailable, NotFound.
  virtual std::vector<TrackingEvent> track(const std::string& tracking_number,
                                           std::int64_t timeout_ms) = 0;
};

// A scriptable in-process carrier for tests and the demo. By default every create succeeds
// with tracking number "FAKE-" + a counter. Like FakeGateway it can keep its ledger in a record
// file (appended and fsynced before a call returns, replayed on open, shared by processes), so
// a test can kill a process anywhere and count the shipments the carrier really created.
class FakeCarrier final : public Carrier {
 public:
  enum class Operation { kCreate, kCancel, kTrack };
  enum class Behaviour {
    kSucceed,  // apply and answer kDone
    kRefuse,   // answer kRefused; nothing applied
    kFail,     // throw Error kUnavailable before anything is applied
    kTimeout,  // apply, then lose the reply: answer kUnknown
  };
  // `record_path` empty: memory only. Errors: as FakeGateway's.
  explicit FakeCarrier(std::string record_path = {});
  ~FakeCarrier() override;
  // Queues behaviours for the next calls of `op`, in order.
  void script(Operation op, std::vector<Behaviour> steps);
  // Adds a scan to the parcel `tracking_number` (what track() then returns).
  void scan(const std::string& tracking_number, TrackingEvent event);
  // Shipments created for the order (however many calls), from the record.
  int created_for(const std::string& order_id) const;
  int cancelled_for(const std::string& order_id) const;
  // The tracking number created for `idempotency_key`, or "" if none.
  std::string tracking_number_of(const std::string& idempotency_key) const;
  int calls(Operation op) const;

  CarrierLabel create(const CarrierRequest& request) override;
  CarrierOutcome cancel(const std::string& idempotency_key, std::int64_t timeout_ms) override;
  std::vector<TrackingEvent> track(const std::string& tracking_number,
                                   std::int64_t timeout_ms) override;

 private:
  struct Parcel {
    std::string order_id;
    std::string tracking_number;  // "" when blocked before creation
    bool cancelled = false;
  };
  class Ledger;
  Behaviour next(Operation op);
  void apply(const std::string& line) const;  // one record line (replay and live calls)
  void append(const std::string& line);       // to the record, fsynced, and applied

  std::unique_ptr<detail::RecordFile> record_;  // null: memory only
  mutable std::mutex mu_;
  // The ledger: a cache of the record file (refreshed by every Ledger).
  mutable std::map<std::string, Parcel> parcels_;  // by idempotency key
  mutable std::map<std::string, int> created_;     // by order id
  mutable std::map<std::string, int> cancelled_;   // by order id
  std::map<Operation, std::deque<Behaviour>> scripts_;
  std::map<std::string, std::vector<TrackingEvent>> scans_;  // by tracking number
  std::map<Operation, int> calls_;
};

// --- shipments ------------------------------------------------------------------------------

struct ShipmentItem {
  std::string product_id;
  std::int64_t qty = 0;
  bool operator==(const ShipmentItem&) const = default;
};

struct Shipment {
  std::string id;  // UUIDv7; the carrier's idempotency key
  std::string order_id;
  std::string location_id;
  std::string carrier;  // a key of StoreOptions::carriers, or "" (the host ships it itself)
  ShipmentStatus status = ShipmentStatus::kRequested;
  std::vector<ShipmentItem> items;  // by product id
  std::string tracking_number;
  std::string label_url;
  std::string note;          // the last tracking detail, or why it was refused or cancelled
  Timestamp tracked_at = 0;  // occurred_at of the last tracking update applied
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  bool operator==(const Shipment&) const = default;
};

struct CreateShipment {
  std::string order_id;     // a CONFIRMED order
  std::string location_id;  // one of the locations the order's stock is reserved at
  // The units: (product, qty) of the order's lines. Empty: every unit still unshipped at the
  // location (that may ship now: see backorders above).
  std::vector<LineItem> items;
  std::string carrier;  // a key of StoreOptions::carriers; "" for none
  // Without a carrier, the host's own tracking number (optional).
  std::string tracking_number;
  std::string request_id;  // idempotency key of this call; empty for none
};

// One tracking update, from the inbox or the host. Names the shipment by id, or by carrier and
// tracking number.
struct TrackingUpdate {
  std::string shipment_id;
  std::string carrier;
  std::string tracking_number;
  TrackingEvent event;
};

// What recover() and poll() did.
struct ShipmentReport {
  int examined = 0;
  int changed = 0;  // shipments whose state moved
  std::vector<std::string> unresolved;  // "shipment id: error" for calls that kept failing
};

class Shipments {
 public:
  explicit Shipments(const detail::Context& ctx);
  ~Shipments();
  Shipments(const Shipments&) = delete;
  Shipments& operator=(const Shipments&) = delete;

  // Records a shipment of `request.items` from the location (emitting ShipmentCreated), then,
  // with a carrier, asks it for a label outside the transaction: the shipment returns pending
  // with its tracking number, cancelled if the carrier refused (note says why), or requested if
  // the carrier's answer is unknown (recover() finishes it). The same request_id with the same
  // arguments returns the same shipment; with others: Conflict.
  // Errors: InvalidArgument (a field, naming it: an unknown carrier, a product not in the
  // order, a qty above what the order's reservation at the location still holds unshipped,
  // "location_id" when the order holds nothing there), NotFound (order), FailedPrecondition
  // kIllegalTransition (the order is not CONFIRMED), FailedPrecondition naming "items" (the
  // units are backordered and not restocked yet), Conflict, Unavailable.
  Shipment create(const CreateShipment& request);
  // pending -> shipped (the carrier picked it up), emitting ShipmentDispatched; the order turns
  // SHIPPED when it was its last unshipped unit. Idempotent once shipped or later.
  // Errors: NotFound, FailedPrecondition kIllegalTransition (requested, cancelled).
  Shipment dispatch(const std::string& shipment_id);
  // Cancels a requested or pending shipment (at the carrier first, outside the transaction),
  // emitting ShipmentCancelled; its units are unshipped again. Idempotent when cancelled.
  // Errors: NotFound, FailedPrecondition kIllegalTransition (picked up already, here or at the
  // carrier), Unavailable (the carrier did not answer: recorded as cancelling, recover()
  // finishes it).
  Shipment cancel(const std::string& shipment_id, const std::string& reason = {});
  // Applies one tracking update by the rule above (ShipmentDispatched, ShipmentInTransit,
  // ShipmentDeliveryFailed, ShipmentDelivered, ShipmentReturned), moving the order on. Returns
  // the shipment, changed or not. Errors: InvalidArgument (status not shipped..returned,
  // occurred_at <= 0, neither id nor carrier and tracking number), NotFound.
  Shipment track(const TrackingUpdate& update);
  // Asks the carriers for the scans of up to `limit` shipments on the way (shipped, in_transit,
  // delivery_failed; least recently tracked first) and applies them.
  ShipmentReport poll(int limit = 100);
  // Finishes carrier calls a crash or an outage left: requested shipments get their label
  // (same idempotency key), cancelling ones are cancelled.
  ShipmentReport recover();

  // Errors: NotFound, InvalidArgument.
  Shipment get(const std::string& shipment_id) const;
  // The order's shipments, oldest first. Errors: InvalidArgument.
  std::vector<Shipment> for_order(const std::string& order_id) const;

 private:
  friend struct detail::ShipmentsAccess;
  std::unique_ptr<detail::ShipmentDesk> desk_;
};

}  // namespace commerce
