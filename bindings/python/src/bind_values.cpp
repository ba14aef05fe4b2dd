// bind_values.cpp: enums and plain value types of commerce-core as Python classes.
#include "bindings.h"
#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/locations.h"
#include "commerce/points.h"
#include "commerce/stock.h"

namespace commerce::python {

void bind_values(py::module_& m) {
  // ---- enums
  py::enum_<ErrorCode> error_code(m, "ErrorCode",
                                  "What a failed call's caller should do (abseil-style codes).");
  error_code.value("NOT_FOUND", ErrorCode::kNotFound, "The named id does not exist.")
      .value("INVALID_ARGUMENT", ErrorCode::kInvalidArgument,
             "The named field is malformed; nothing was changed.")
      .value("FAILED_PRECONDITION", ErrorCode::kFailedPrecondition,
             "A business rule refused the call (see Reason); nothing was changed.")
      .value("CONFLICT", ErrorCode::kConflict,
             "An idempotency key was reused with other arguments.")
      .value("UNAVAILABLE", ErrorCode::kUnavailable, "Transient: retry the call.")
      .value("INTERNAL", ErrorCode::kInternal, "A bug or a corrupted store.");
  readable_enum_repr(error_code);

  py::enum_<Reason> reason(m, "Reason", "Why a FAILED_PRECONDITION error was raised.");
  reason.value("NONE", Reason::kNone, "Not a business refusal, or no finer reason.")
      .value("OUT_OF_STOCK", Reason::kOutOfStock, "Not enough available stock.")
      .value("INSUFFICIENT_POINTS", Reason::kInsufficientPoints, "The balance is too low.")
      .value("COUPON_INVALID", Reason::kCouponInvalid, "The coupon cannot be used.")
      .value("LIMIT_REACHED", Reason::kLimitReached, "A coupon issue limit is exhausted.")
      .value("ILLEGAL_TRANSITION", Reason::kIllegalTransition,
             "The entity's state does not allow the call.")
      .value("INACTIVE", Reason::kInactive, "The product is inactive or deleted.");
  readable_enum_repr(reason);

  py::enum_<ProductOrder> product_order(m, "ProductOrder", "The order of a product listing.");
  product_order.value("ID", ProductOrder::kId, "By id (the default).")
      .value("RELEVANCE", ProductOrder::kRelevance,
             "Best match of the text first (3+ characters): exact names, names, descriptions.");
  readable_enum_repr(product_order);
  py::enum_<ProductStatus> product_status(m, "ProductStatus", "Lifecycle of a product.");
  product_status.value("ACTIVE", ProductStatus::kActive, "Listed and orderable.")
      .value("INACTIVE", ProductStatus::kInactive, "Listed, not orderable.")
      .value("DELETED", ProductStatus::kDeleted, "Soft-deleted; hidden from default lists.");
  readable_enum_repr(product_status);

  py::enum_<ReservationState> reservation_state(m, "ReservationState",
                                                "State of one stock reservation row.");
  reservation_state.value("LIVE", ReservationState::kLive, "Holding stock.")
      .value("COMMITTED", ReservationState::kCommitted, "Paid: the units were sold.")
      .value("RELEASED", ReservationState::kReleased, "Given back (compensation or expiry).");
  readable_enum_repr(reservation_state);

  py::enum_<PointsEntryKind> points_kind(m, "PointsEntryKind", "Kind of a points ledger entry.");
  points_kind.value("CHARGE", PointsEntryKind::kCharge, "Points added by a charge.")
      .value("USE", PointsEntryKind::kUse, "Points spent on an order.")
      .value("RESTORE", PointsEntryKind::kRestore, "Points given back by compensation.")
      .value("ADJUST", PointsEntryKind::kAdjust, "An administrative correction.")
      .value("REFUND", PointsEntryKind::kRefund,
             "The points share of units cancelled or returned (docs/returns.md).");
  readable_enum_repr(points_kind);

  py::enum_<CouponKind> coupon_kind(m, "CouponKind", "How a coupon template computes a discount.");
  coupon_kind.value("FIXED", CouponKind::kFixed, "`value` minor units off.")
      .value("PERCENT", CouponKind::kPercent,
             "`value` percent off, capped at max_discount when that is > 0.");
  readable_enum_repr(coupon_kind);

  py::enum_<CouponStatus> coupon_status(m, "CouponStatus", "State of an issued coupon.");
  coupon_status.value("AVAILABLE", CouponStatus::kAvailable, "Can be used.")
      .value("USED", CouponStatus::kUsed, "Used by one order.")
      .value("EXPIRED", CouponStatus::kExpired, "Its validity has passed.")
      .value("REVOKED", CouponStatus::kRevoked, "Revoked by an operator.");
  readable_enum_repr(coupon_status);

  py::enum_<TopicNaming> topic_naming(m, "TopicNaming", "How event topics are named.");
  topic_naming
      .value("PER_DOMAIN", TopicNaming::kPerDomain,
             "\"user-events\", \"product-events\", \"order-events\" (default).")
      .value("PER_TYPE", TopicNaming::kPerType,
             "\"{domain}.{entity}.{event}\", e.g. \"order.order.created\".");
  readable_enum_repr(topic_naming);

  // ---- value types
  ValueClass<OptionAxis>(m, "OptionAxis",
                         "An option axis of a product (e.g. size) with its allowed values, "
                         "in order.")
      .field("name", &OptionAxis::name, "The axis name (1..64 bytes).")
      .field("values", &OptionAxis::values, "Its allowed values (1..100, distinct).")
      .finish();

  ValueClass<Product>(m, "Product",
                      "A catalog product. Prices are minor units of the store currency.")
      .field("id", &Product::id, "The host's own id (e.g. a SKU).")
      .field("name", &Product::name, "Display name.")
      .field("description", &Product::description, "Free text.")
      .field("price", &Product::price, "Price in minor units.")
      .field("category", &Product::category, "A Category id, or empty.")
      .field("brand", &Product::brand, "Brand, or empty.")
      .field("status", &Product::status, "ProductStatus.")
      .field("attributes", &Product::attributes, "Free-form JSON object text.")
      .field("created_at", &Product::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Product::updated_at, "Milliseconds since the Unix epoch.")
      .field("parent_id", &Product::parent_id,
             "A variant's product; empty for a top-level product.")
      .field("options", &Product::options,
             "A variant's value on each axis of its parent (axis -> value); else empty.")
      .field("axes", &Product::axes,
             "A product with variants: its option axes (list of OptionAxis); else empty.")
      .finish();

  ValueClass<VariantAvailability>(m, "VariantAvailability",
                                  "A variant on its product's page with the units available now.")
      .field("variant", &VariantAvailability::variant, "The variant (a Product).")
      .field("available", &VariantAvailability::available, "Units that can be ordered now.")
      .finish();

  ValueClass<Category>(m, "Category", "A product category.")
      .field("id", &Category::id, "The category id.")
      .field("name", &Category::name, "Display name.")
      .finish();

  ValueClass<StockLevel>(m, "StockLevel", "Stock counters of one product.")
      .field("product_id", &StockLevel::product_id, "The product.")
      .field("on_hand", &StockLevel::on_hand, "Units physically held.")
      .field("reserved", &StockLevel::reserved, "Units held by live reservations.")
      .field("available", &StockLevel::available, "on_hand - reserved.")
      .field("sold", &StockLevel::sold, "Units committed to paid orders.")
      .finish();

  ValueClass<LineItem>(m, "LineItem", "A product and a quantity (1..1,000,000).")
      .field("product_id", &LineItem::product_id, "The product.")
      .field("qty", &LineItem::qty, "Units.")
      .finish();

  ValueClass<Reservation>(m, "Reservation",
                          "One reservation row: an order holding units of a product at a location.")
      .field("order_id", &Reservation::order_id, "The order holding the units.")
      .field("product_id", &Reservation::product_id, "The product.")
      .field("location_id", &Reservation::location_id, "The stock location giving the units.")
      .field("qty", &Reservation::qty, "Units held.")
      .field("expires_at", &Reservation::expires_at, "When the sweep releases it (ms since epoch).")
      .field("state", &Reservation::state, "ReservationState.")
      .field("backordered", &Reservation::backordered,
             "Of qty, the units taken from the location's backorder room.")
      .finish();

  ValueClass<LocationLevel>(m, "LocationLevel", "A product's stock at one location.")
      .field("product_id", &LocationLevel::product_id, "The product.")
      .field("location_id", &LocationLevel::location_id, "The location.")
      .field("on_hand", &LocationLevel::on_hand, "Units held there (below 0 only while backordered units were sold).")
      .field("reserved", &LocationLevel::reserved, "Units held by live reservations there.")
      .field("available", &LocationLevel::available, "on_hand - reserved.")
      .field("sold", &LocationLevel::sold, "Units committed to paid orders there.")
      .field("backorder_room", &LocationLevel::backorder_room, "Units it may reserve beyond on_hand.")
      .field("low_threshold", &LocationLevel::low_threshold, "StockLow at or below it; 0: off.")
      .field("active", &LocationLevel::active, "The location's state.")
      .finish();

  ValueClass<StockTransfer>(m, "StockTransfer", "Units moved from one location to another.")
      .field("id", &StockTransfer::id, "UUIDv7.")
      .field("product_id", &StockTransfer::product_id, "The product.")
      .field("from_location_id", &StockTransfer::from_location_id, "Where they left.")
      .field("to_location_id", &StockTransfer::to_location_id, "Where they went.")
      .field("qty", &StockTransfer::qty, "Units moved.")
      .field("reason", &StockTransfer::reason, "Why.")
      .field("created_at", &StockTransfer::created_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<StockLocation>(m, "StockLocation", "A warehouse or shop stock is kept in.")
      .field("id", &StockLocation::id, "The location id.")
      .field("name", &StockLocation::name, "Its name.")
      .field("active", &StockLocation::active, "Only active locations give units to reservations.")
      .field("priority", &StockLocation::priority, "Lower first.")
      .field("region", &StockLocation::region, "Its region, or empty.")
      .field("created_at", &StockLocation::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &StockLocation::updated_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<StockAdjustment>(m, "StockAdjustment",
                              "Audit row of a change of on_hand outside orders.")
      .field("id", &StockAdjustment::id, "UUIDv7.")
      .field("product_id", &StockAdjustment::product_id, "The product.")
      .field("location_id", &StockAdjustment::location_id, "The location.")
      .field("delta", &StockAdjustment::delta, "Units added (> 0) or removed (< 0).")
      .field("reason", &StockAdjustment::reason, "Why.")
      .field("created_at", &StockAdjustment::created_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<PointsEntry>(m, "PointsEntry", "One entry of a user's points ledger.")
      .field("id", &PointsEntry::id, "UUIDv7.")
      .field("user_id", &PointsEntry::user_id, "The user.")
      .field("kind", &PointsEntry::kind, "PointsEntryKind.")
      .field("amount", &PointsEntry::amount, "Signed effect on the balance (a use is negative).")
      .field("balance_after", &PointsEntry::balance_after, "The balance right after this entry.")
      .field("order_id", &PointsEntry::order_id, "For USE, RESTORE and REFUND entries.")
      .field("reason", &PointsEntry::reason, "For ADJUST and REFUND entries.")
      .field("request_id", &PointsEntry::request_id, "The idempotency key, if any.")
      .field("created_at", &PointsEntry::created_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<CouponTemplate>(m, "CouponTemplate", "A coupon template, which issues coupons.")
      .field("id", &CouponTemplate::id, "UUIDv7.")
      .field("code", &CouponTemplate::code, "Unique code.")
      .field("name", &CouponTemplate::name, "Display name.")
      .field("kind", &CouponTemplate::kind, "CouponKind.")
      .field("value", &CouponTemplate::value, "Minor units off (FIXED) or percent (PERCENT).")
      .field("max_discount", &CouponTemplate::max_discount, "PERCENT cap; 0 means none.")
      .field("min_order_amount", &CouponTemplate::min_order_amount, "Minimum order subtotal.")
      .field("valid_from", &CouponTemplate::valid_from, "Start of validity (ms since epoch).")
      .field("valid_until", &CouponTemplate::valid_until, "End of validity (ms since epoch).")
      .field("total_limit", &CouponTemplate::total_limit, "Coupons that may ever be issued.")
      .field("per_user_limit", &CouponTemplate::per_user_limit, "Coupons one user may hold.")
      .field("issued_count", &CouponTemplate::issued_count, "Coupons issued so far.")
      .field("created_at", &CouponTemplate::created_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<Coupon>(m, "Coupon", "A coupon issued to one user.")
      .field("id", &Coupon::id, "UUIDv7.")
      .field("template_id", &Coupon::template_id, "The template it was issued from.")
      .field("code", &Coupon::code, "The template's code.")
      .field("user_id", &Coupon::user_id, "The owner.")
      .field("status", &Coupon::status, "CouponStatus.")
      .field("order_id", &Coupon::order_id, "The order that used it, while USED.")
      .field("valid_until", &Coupon::valid_until, "End of validity (ms since epoch).")
      .field("issued_at", &Coupon::issued_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Coupon::updated_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<CouponApplication>(m, "CouponApplication",
                                "The outcome of applying a coupon to an order.")
      .field("applied", &CouponApplication::applied, "Whether the coupon was used.")
      .field("discount", &CouponApplication::discount,
             "Minor units off; never more than the subtotal.")
      .field("coupon_id", &CouponApplication::coupon_id, "The coupon.")
      .field("skipped_reason", &CouponApplication::skipped_reason,
             "Why an optional coupon was not applied.")
      .finish();

  ValueClass<Event>(m, "Event", "An outbox event envelope.")
      .field("seq", &Event::seq, "Outbox position.")
      .field("id", &Event::id, "UUIDv7; the same whenever the event is re-sent.")
      .field("type", &Event::type, "e.g. \"StockReserved\".")
      .field("schema_version", &Event::schema_version, "Version of this type's payload.")
      .field("topic", &Event::topic, "e.g. \"product-events\".")
      .field("key", &Event::key, "Aggregate id; the Kafka partition key.")
      .field("occurred_at", &Event::occurred_at, "Milliseconds since the Unix epoch.")
      .field("request_id", &Event::request_id, "Idempotency key of the causing command, or empty.")
      .field("payload", &Event::payload, "JSON object text of identifiers and amounts.")
      .finish();
}

}  // namespace commerce::python
