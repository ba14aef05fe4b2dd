"""commerce_core: an embeddable commerce core (catalog, stock, points, coupons, orders,
payments through pluggable gateways, saga compensation, transactional outbox).

Open a store and use its services::

    import commerce_core as cc

    store = cc.Store.open("shop.db", currency="KRW")
    store.catalog.create(id="sku-1", name="Mug", price=12000, initial_stock=5)
    store.stock.reserve("order-1", [cc.LineItem(product_id="sku-1", qty=2)])

Every failure raises a subclass of CommerceError carrying ``code``, ``reason`` and
``subject`` (the offending field or id). Calls that touch storage or the network release
the GIL, so Python threads run them in parallel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._core import *  # noqa: F401,F403  (the names are listed in __all__ below)
from ._core import _raise_error as _raise_error  # noqa: F401  (for tests of the error mapping)
from ._errors import (
    CommerceError,
    ConflictError,
    CouponInvalidError,
    FailedPreconditionError,
    IllegalTransitionError,
    InactiveError,
    InsufficientPointsError,
    InternalError,
    InvalidArgumentError,
    LimitReachedError,
    NotFoundError,
    OutOfStockError,
    UnavailableError,
)
from ._page import Page

# The stubs describe the build with every component, so type checkers skip this stand-in.
if not TYPE_CHECKING and not WITH_KAFKA:  # noqa: F405  (from _core)

    class KafkaSink:
        """Unavailable: this build of commerce_core has no Kafka component.

        Install librdkafka (Debian librdkafka-dev) and rebuild: ``pip install .`` then turns
        the component on.
        """

        def __init__(self, *args: object, **kwargs: object) -> None:
            raise FailedPreconditionError(
                "KafkaSink: this build of commerce_core has no Kafka component "
                "(commerce_core.WITH_KAFKA is False); rebuild with librdkafka-dev installed",
                subject="kafka-sink",
            )

__version__ = "0.1.0"

__all__ = [
    "Ack",
    "AckStatus",
    "Address",
    "Allocation",
    "AllocationLine",
    "AllocationRequest",
    "AllocationStrategy",
    "CallbackSink",
    "Cart",
    "CartLine",
    "CartStatus",
    "Carts",
    "Catalog",
    "Category",
    "Carrier",
    "CarrierLabel",
    "CarrierMetrics",
    "CarrierOutcome",
    "CarrierRequest",
    "Clock",
    "CommerceError",
    "ConflictError",
    "CompactionReport",
    "Coupon",
    "CouponApplication",
    "CouponBook",
    "CouponInvalidError",
    "CouponKind",
    "CouponStatus",
    "CouponTemplate",
    "DEFAULT_PAGE_SIZE",
    "DeadLetter",
    "ErrorCode",
    "Event",
    "EventSink",
    "EventSinkBase",
    "FailedPreconditionError",
    "FakeGateway",
    "FakeCarrier",
    "GatewayMetrics",
    "GiveBack",
    "GuestCart",
    "IllegalTransitionError",
    "InactiveError",
    "Inbox",
    "InboxContext",
    "InboxOutcome",
    "IncomingMessage",
    "Inspection",
    "InsufficientPointsError",
    "InternalError",
    "InvalidArgumentError",
    "InvariantRepair",
    "InvariantReport",
    "InvariantViolation",
    "ItemsCancelled",
    "JsonLinesSink",
    "KafkaSink",
    "LatencyHistogram",
    "LimitReachedError",
    "LineItem",
    "LocationLevel",
    "MAX_CART_LINES",
    "MAX_CART_LINE_QTY",
    "MAX_PAGE_SIZE",
    "ManualClock",
    "MemorySink",
    "MetricsSnapshot",
    "NotFoundError",
    "OptionAxis",
    "Order",
    "OrderAudit",
    "OrderBook",
    "OrderItem",
    "OrderMetrics",
    "OrderStatus",
    "OutOfStockError",
    "OutboxCounts",
    "OutboxRelay",
    "Page",
    "Payment",
    "PaymentGateway",
    "PaymentOutcome",
    "PaymentRequest",
    "PaymentResult",
    "PaymentStatus",
    "PointsEntry",
    "PointsEntryKind",
    "PointsLedger",
    "PostgresOptions",
    "PricedLine",
    "Product",
    "ProductOrder",
    "ProductStatus",
    "Quote",
    "Reason",
    "RecoveryReport",
    "Refund",
    "RefundStatus",
    "RelayBatch",
    "RelayMetrics",
    "RelayProgress",
    "RelayService",
    "RetentionOptions",
    "Return",
    "ReturnItem",
    "ReturnOptions",
    "ReturnStatus",
    "Returns",
    "RelayStats",
    "RepairReport",
    "Reservation",
    "ReservationState",
    "SagaLogEntry",
    "SagaMetrics",
    "SagaRecord",
    "SagaState",
    "SagaStep",
    "Shipment",
    "ShipmentItem",
    "ShipmentReport",
    "ShipmentStatus",
    "Shipments",
    "ShippingInput",
    "ShippingOption",
    "StockAdjustment",
    "StockOption",
    "StockLedger",
    "StockLevel",
    "StockLocation",
    "StockLocations",
    "StockTransfer",
    "StorageMetrics",
    "Store",
    "SystemClock",
    "TaxCalculator",
    "TaxMode",
    "TaxableAmount",
    "TopicNaming",
    "TrackingEvent",
    "TrackingUpdate",
    "UnavailableError",
    "Unit",
    "UnitEvents",
    "UnitLookups",
    "UnitPoints",
    "UnitStock",
    "VariantAvailability",
    "WishlistItem",
    "WITH_KAFKA",
    "WITH_POSTGRES",
    "WeightTier",
    "checked_plan",
    "envelope_json",
    "fewest_shipments_allocation",
    "flat_shipping",
    "free_shipping_above",
    "korean_vat",
    "new_id",
    "parse_envelope_json",
    "parse_incoming_message",
    "priority_allocation",
    "rate_table_tax",
    "read_json_lines",
    "region_first_allocation",
    "sqlite_schema_version",
    "weight_shipping",
]

if WITH_KAFKA:  # noqa: F405
    __all__.append("KafkaSinkCounters")
