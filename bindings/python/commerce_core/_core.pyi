"""
commerce-core bindings (pybind11); import the package commerce_core instead.
"""
from __future__ import annotations
import commerce_core._page
import builtins
import typing
__all__: list = ['Ack', 'AckStatus', 'Address', 'Allocation', 'AllocationLine', 'AllocationRequest', 'AllocationStrategy', 'CallbackSink', 'Carrier', 'CarrierLabel', 'CarrierMetrics', 'CarrierOutcome', 'CarrierRequest', 'Cart', 'CartLine', 'CartStatus', 'Carts', 'Catalog', 'Category', 'Clock', 'CompactionReport', 'Coupon', 'CouponApplication', 'CouponBook', 'CouponKind', 'CouponStatus', 'CouponTemplate', 'DEFAULT_PAGE_SIZE', 'DeadLetter', 'ErrorCode', 'Event', 'EventSink', 'EventSinkBase', 'FakeCarrier', 'FakeGateway', 'GatewayMetrics', 'GiveBack', 'GuestCart', 'Inbox', 'InboxContext', 'InboxOutcome', 'IncomingMessage', 'Inspection', 'InvariantRepair', 'InvariantReport', 'InvariantViolation', 'ItemsCancelled', 'JsonLinesSink', 'KafkaSink', 'KafkaSinkCounters', 'LatencyHistogram', 'LineItem', 'LocationLevel', 'MAX_CART_LINES', 'MAX_CART_LINE_QTY', 'MAX_PAGE_SIZE', 'ManualClock', 'MemorySink', 'MetricsSnapshot', 'OptionAxis', 'Order', 'OrderAudit', 'OrderBook', 'OrderItem', 'OrderMetrics', 'OrderStatus', 'OutboxCounts', 'OutboxRelay', 'Payment', 'PaymentGateway', 'PaymentOutcome', 'PaymentRequest', 'PaymentResult', 'PaymentStatus', 'PointsEntry', 'PointsEntryKind', 'PointsLedger', 'PostgresOptions', 'PricedLine', 'Product', 'ProductOrder', 'ProductStatus', 'Quote', 'Reason', 'RecoveryReport', 'Refund', 'RefundStatus', 'RelayBatch', 'RelayMetrics', 'RelayProgress', 'RelayService', 'RelayStats', 'RepairReport', 'Reservation', 'ReservationState', 'RetentionOptions', 'Return', 'ReturnItem', 'ReturnOptions', 'ReturnStatus', 'Returns', 'SagaLogEntry', 'SagaMetrics', 'SagaRecord', 'SagaState', 'SagaStep', 'Shipment', 'ShipmentItem', 'ShipmentReport', 'ShipmentStatus', 'Shipments', 'ShippingInput', 'ShippingOption', 'StockAdjustment', 'StockLedger', 'StockLevel', 'StockLocation', 'StockLocations', 'StockOption', 'StockTransfer', 'StorageMetrics', 'Store', 'SystemClock', 'TaxCalculator', 'TaxMode', 'TaxableAmount', 'TopicNaming', 'TrackingEvent', 'TrackingUpdate', 'Unit', 'UnitEvents', 'UnitLookups', 'UnitPoints', 'UnitStock', 'VariantAvailability', 'WITH_KAFKA', 'WITH_POSTGRES', 'WeightTier', 'WishlistItem', 'checked_plan', 'envelope_json', 'fewest_shipments_allocation', 'flat_shipping', 'free_shipping_above', 'korean_vat', 'new_id', 'parse_envelope_json', 'parse_incoming_message', 'priority_allocation', 'rate_table_tax', 'read_json_lines', 'region_first_allocation', 'sqlite_schema_version', 'weight_shipping']
class ErrorCode:
    """
    What a failed call's caller should do (abseil-style codes).
    
    Members:
    
      NOT_FOUND : The named id does not exist.
    
      INVALID_ARGUMENT : The named field is malformed; nothing was changed.
    
      FAILED_PRECONDITION : A business rule refused the call (see Reason); nothing was changed.
    
      CONFLICT : An idempotency key was reused with other arguments.
    
      UNAVAILABLE : Transient: retry the call.
    
      INTERNAL : A bug or a corrupted store.
    """
    CONFLICT: typing.ClassVar[ErrorCode]
    FAILED_PRECONDITION: typing.ClassVar[ErrorCode]
    INTERNAL: typing.ClassVar[ErrorCode]
    INVALID_ARGUMENT: typing.ClassVar[ErrorCode]
    NOT_FOUND: typing.ClassVar[ErrorCode]
    UNAVAILABLE: typing.ClassVar[ErrorCode]
    __members__: typing.ClassVar[dict[str, ErrorCode]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class Reason:
    """
    Why a FAILED_PRECONDITION error was raised.
    
    Members:
    
      NONE : Not a business refusal, or no finer reason.
    
      OUT_OF_STOCK : Not enough available stock.
    
      INSUFFICIENT_POINTS : The balance is too low.
    
      COUPON_INVALID : The coupon cannot be used.
    
      LIMIT_REACHED : A coupon issue limit is exhausted.
    
      ILLEGAL_TRANSITION : The entity's state does not allow the call.
    
      INACTIVE : The product is inactive or deleted.
    """
    COUPON_INVALID: typing.ClassVar[Reason]
    ILLEGAL_TRANSITION: typing.ClassVar[Reason]
    INACTIVE: typing.ClassVar[Reason]
    INSUFFICIENT_POINTS: typing.ClassVar[Reason]
    LIMIT_REACHED: typing.ClassVar[Reason]
    NONE: typing.ClassVar[Reason]
    OUT_OF_STOCK: typing.ClassVar[Reason]
    __members__: typing.ClassVar[dict[str, Reason]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class ProductOrder:
    """
    The order of a product listing.
    
    Members:
    
      ID : By id (the default).
    
      RELEVANCE : Best match of the text first (3+ characters): exact names, names, descriptions.
    """
    ID: typing.ClassVar[ProductOrder]
    RELEVANCE: typing.ClassVar[ProductOrder]
    __members__: typing.ClassVar[dict[str, ProductOrder]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class ProductStatus:
    """
    Lifecycle of a product.
    
    Members:
    
      ACTIVE : Listed and orderable.
    
      INACTIVE : Listed, not orderable.
    
      DELETED : Soft-deleted; hidden from default lists.
    """
    ACTIVE: typing.ClassVar[ProductStatus]
    DELETED: typing.ClassVar[ProductStatus]
    INACTIVE: typing.ClassVar[ProductStatus]
    __members__: typing.ClassVar[dict[str, ProductStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class ReservationState:
    """
    State of one stock reservation row.
    
    Members:
    
      LIVE : Holding stock.
    
      COMMITTED : Paid: the units were sold.
    
      RELEASED : Given back (compensation or expiry).
    """
    COMMITTED: typing.ClassVar[ReservationState]
    LIVE: typing.ClassVar[ReservationState]
    RELEASED: typing.ClassVar[ReservationState]
    __members__: typing.ClassVar[dict[str, ReservationState]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class PointsEntryKind:
    """
    Kind of a points ledger entry.
    
    Members:
    
      CHARGE : Points added by a charge.
    
      USE : Points spent on an order.
    
      RESTORE : Points given back by compensation.
    
      ADJUST : An administrative correction.
    
      REFUND : The points share of units cancelled or returned (docs/returns.md).
    """
    ADJUST: typing.ClassVar[PointsEntryKind]
    CHARGE: typing.ClassVar[PointsEntryKind]
    REFUND: typing.ClassVar[PointsEntryKind]
    RESTORE: typing.ClassVar[PointsEntryKind]
    USE: typing.ClassVar[PointsEntryKind]
    __members__: typing.ClassVar[dict[str, PointsEntryKind]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class CouponKind:
    """
    How a coupon template computes a discount.
    
    Members:
    
      FIXED : `value` minor units off.
    
      PERCENT : `value` percent off, capped at max_discount when that is > 0.
    """
    FIXED: typing.ClassVar[CouponKind]
    PERCENT: typing.ClassVar[CouponKind]
    __members__: typing.ClassVar[dict[str, CouponKind]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class CouponStatus:
    """
    State of an issued coupon.
    
    Members:
    
      AVAILABLE : Can be used.
    
      USED : Used by one order.
    
      EXPIRED : Its validity has passed.
    
      REVOKED : Revoked by an operator.
    """
    AVAILABLE: typing.ClassVar[CouponStatus]
    EXPIRED: typing.ClassVar[CouponStatus]
    REVOKED: typing.ClassVar[CouponStatus]
    USED: typing.ClassVar[CouponStatus]
    __members__: typing.ClassVar[dict[str, CouponStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class TopicNaming:
    """
    How event topics are named.
    
    Members:
    
      PER_DOMAIN : "user-events", "product-events", "order-events" (default).
    
      PER_TYPE : "{domain}.{entity}.{event}", e.g. "order.order.created".
    """
    PER_DOMAIN: typing.ClassVar[TopicNaming]
    PER_TYPE: typing.ClassVar[TopicNaming]
    __members__: typing.ClassVar[dict[str, TopicNaming]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class OptionAxis:
    """
    An option axis of a product (e.g. size) with its allowed values, in order.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, name: str = ..., values: list[str] = ...) -> None:
        """
        Creates a OptionAxis; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def name(self) -> str:
        """
        The axis name (1..64 bytes).
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def values(self) -> list[str]:
        """
        Its allowed values (1..100, distinct).
        """
    @values.setter
    def values(self, arg0: list[str]) -> None:
        ...
class Product:
    """
    A catalog product. Prices are minor units of the store currency.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., name: str = ..., description: str = ..., price: int = ..., category: str = ..., brand: str = ..., status: ProductStatus = ..., attributes: str = ..., created_at: int = ..., updated_at: int = ..., parent_id: str = ..., options: dict[str, str] = ..., axes: list[OptionAxis] = ...) -> None:
        """
        Creates a Product; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def attributes(self) -> str:
        """
        Free-form JSON object text.
        """
    @attributes.setter
    def attributes(self, arg0: str) -> None:
        ...
    @property
    def axes(self) -> list[OptionAxis]:
        """
        A product with variants: its option axes (list of OptionAxis); else empty.
        """
    @axes.setter
    def axes(self, arg0: list[OptionAxis]) -> None:
        ...
    @property
    def brand(self) -> str:
        """
        Brand, or empty.
        """
    @brand.setter
    def brand(self, arg0: str) -> None:
        ...
    @property
    def category(self) -> str:
        """
        A Category id, or empty.
        """
    @category.setter
    def category(self, arg0: str) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def description(self) -> str:
        """
        Free text.
        """
    @description.setter
    def description(self, arg0: str) -> None:
        ...
    @property
    def id(self) -> str:
        """
        The host's own id (e.g. a SKU).
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Display name.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def options(self) -> dict[str, str]:
        """
        A variant's value on each axis of its parent (axis -> value); else empty.
        """
    @options.setter
    def options(self, arg0: dict[str, str]) -> None:
        ...
    @property
    def parent_id(self) -> str:
        """
        A variant's product; empty for a top-level product.
        """
    @parent_id.setter
    def parent_id(self, arg0: str) -> None:
        ...
    @property
    def price(self) -> int:
        """
        Price in minor units.
        """
    @price.setter
    def price(self, arg0: int) -> None:
        ...
    @property
    def status(self) -> ProductStatus:
        """
        ProductStatus.
        """
    @status.setter
    def status(self, arg0: ProductStatus) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class VariantAvailability:
    """
    A variant on its product's page with the units available now.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, variant: Product = ..., available: int = ...) -> None:
        """
        Creates a VariantAvailability; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def available(self) -> int:
        """
        Units that can be ordered now.
        """
    @available.setter
    def available(self, arg0: int) -> None:
        ...
    @property
    def variant(self) -> Product:
        """
        The variant (a Product).
        """
    @variant.setter
    def variant(self, arg0: Product) -> None:
        ...
class Category:
    """
    A product category.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., name: str = ...) -> None:
        """
        Creates a Category; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def id(self) -> str:
        """
        The category id.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Display name.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
class StockLevel:
    """
    Stock counters of one product.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., on_hand: int = ..., reserved: int = ..., available: int = ..., sold: int = ...) -> None:
        """
        Creates a StockLevel; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def available(self) -> int:
        """
        on_hand - reserved.
        """
    @available.setter
    def available(self, arg0: int) -> None:
        ...
    @property
    def on_hand(self) -> int:
        """
        Units physically held.
        """
    @on_hand.setter
    def on_hand(self, arg0: int) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def reserved(self) -> int:
        """
        Units held by live reservations.
        """
    @reserved.setter
    def reserved(self, arg0: int) -> None:
        ...
    @property
    def sold(self) -> int:
        """
        Units committed to paid orders.
        """
    @sold.setter
    def sold(self, arg0: int) -> None:
        ...
class LineItem:
    """
    A product and a quantity (1..1,000,000).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., qty: int = ...) -> None:
        """
        Creates a LineItem; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
class Reservation:
    """
    One reservation row: an order holding units of a product at a location.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, order_id: str = ..., product_id: str = ..., location_id: str = ..., qty: int = ..., expires_at: int = ..., state: ReservationState = ..., backordered: int = ...) -> None:
        """
        Creates a Reservation; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def backordered(self) -> int:
        """
        Of qty, the units taken from the location's backorder room.
        """
    @backordered.setter
    def backordered(self, arg0: int) -> None:
        ...
    @property
    def expires_at(self) -> int:
        """
        When the sweep releases it (ms since epoch).
        """
    @expires_at.setter
    def expires_at(self, arg0: int) -> None:
        ...
    @property
    def location_id(self) -> str:
        """
        The stock location giving the units.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order holding the units.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units held.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
    @property
    def state(self) -> ReservationState:
        """
        ReservationState.
        """
    @state.setter
    def state(self, arg0: ReservationState) -> None:
        ...
class LocationLevel:
    """
    A product's stock at one location.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., location_id: str = ..., on_hand: int = ..., reserved: int = ..., available: int = ..., sold: int = ..., backorder_room: int = ..., low_threshold: int = ..., active: bool = ...) -> None:
        """
        Creates a LocationLevel; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def active(self) -> bool:
        """
        The location's state.
        """
    @active.setter
    def active(self, arg0: bool) -> None:
        ...
    @property
    def available(self) -> int:
        """
        on_hand - reserved.
        """
    @available.setter
    def available(self, arg0: int) -> None:
        ...
    @property
    def backorder_room(self) -> int:
        """
        Units it may reserve beyond on_hand.
        """
    @backorder_room.setter
    def backorder_room(self, arg0: int) -> None:
        ...
    @property
    def location_id(self) -> str:
        """
        The location.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def low_threshold(self) -> int:
        """
        StockLow at or below it; 0: off.
        """
    @low_threshold.setter
    def low_threshold(self, arg0: int) -> None:
        ...
    @property
    def on_hand(self) -> int:
        """
        Units held there (below 0 only while backordered units were sold).
        """
    @on_hand.setter
    def on_hand(self, arg0: int) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def reserved(self) -> int:
        """
        Units held by live reservations there.
        """
    @reserved.setter
    def reserved(self, arg0: int) -> None:
        ...
    @property
    def sold(self) -> int:
        """
        Units committed to paid orders there.
        """
    @sold.setter
    def sold(self, arg0: int) -> None:
        ...
class StockTransfer:
    """
    Units moved from one location to another.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., product_id: str = ..., from_location_id: str = ..., to_location_id: str = ..., qty: int = ..., reason: str = ..., created_at: int = ...) -> None:
        """
        Creates a StockTransfer; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def from_location_id(self) -> str:
        """
        Where they left.
        """
    @from_location_id.setter
    def from_location_id(self, arg0: str) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units moved.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        Why.
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
    @property
    def to_location_id(self) -> str:
        """
        Where they went.
        """
    @to_location_id.setter
    def to_location_id(self, arg0: str) -> None:
        ...
class StockLocation:
    """
    A warehouse or shop stock is kept in.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., name: str = ..., active: bool = ..., priority: int = ..., region: str = ..., created_at: int = ..., updated_at: int = ...) -> None:
        """
        Creates a StockLocation; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def active(self) -> bool:
        """
        Only active locations give units to reservations.
        """
    @active.setter
    def active(self, arg0: bool) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        The location id.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Its name.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def priority(self) -> int:
        """
        Lower first.
        """
    @priority.setter
    def priority(self, arg0: int) -> None:
        ...
    @property
    def region(self) -> str:
        """
        Its region, or empty.
        """
    @region.setter
    def region(self, arg0: str) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class StockAdjustment:
    """
    Audit row of a change of on_hand outside orders.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., product_id: str = ..., location_id: str = ..., delta: int = ..., reason: str = ..., created_at: int = ...) -> None:
        """
        Creates a StockAdjustment; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def delta(self) -> int:
        """
        Units added (> 0) or removed (< 0).
        """
    @delta.setter
    def delta(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def location_id(self) -> str:
        """
        The location.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        Why.
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
class PointsEntry:
    """
    One entry of a user's points ledger.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., user_id: str = ..., kind: PointsEntryKind = ..., amount: int = ..., balance_after: int = ..., order_id: str = ..., reason: str = ..., request_id: str = ..., created_at: int = ...) -> None:
        """
        Creates a PointsEntry; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def amount(self) -> int:
        """
        Signed effect on the balance (a use is negative).
        """
    @amount.setter
    def amount(self, arg0: int) -> None:
        ...
    @property
    def balance_after(self) -> int:
        """
        The balance right after this entry.
        """
    @balance_after.setter
    def balance_after(self, arg0: int) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def kind(self) -> PointsEntryKind:
        """
        PointsEntryKind.
        """
    @kind.setter
    def kind(self, arg0: PointsEntryKind) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        For USE, RESTORE and REFUND entries.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        For ADJUST and REFUND entries.
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
    @property
    def request_id(self) -> str:
        """
        The idempotency key, if any.
        """
    @request_id.setter
    def request_id(self, arg0: str) -> None:
        ...
    @property
    def user_id(self) -> str:
        """
        The user.
        """
    @user_id.setter
    def user_id(self, arg0: str) -> None:
        ...
class CouponTemplate:
    """
    A coupon template, which issues coupons.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., code: str = ..., name: str = ..., kind: CouponKind = ..., value: int = ..., max_discount: int = ..., min_order_amount: int = ..., valid_from: int = ..., valid_until: int = ..., total_limit: int = ..., per_user_limit: int = ..., issued_count: int = ..., created_at: int = ...) -> None:
        """
        Creates a CouponTemplate; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def code(self) -> str:
        """
        Unique code.
        """
    @code.setter
    def code(self, arg0: str) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def issued_count(self) -> int:
        """
        Coupons issued so far.
        """
    @issued_count.setter
    def issued_count(self, arg0: int) -> None:
        ...
    @property
    def kind(self) -> CouponKind:
        """
        CouponKind.
        """
    @kind.setter
    def kind(self, arg0: CouponKind) -> None:
        ...
    @property
    def max_discount(self) -> int:
        """
        PERCENT cap; 0 means none.
        """
    @max_discount.setter
    def max_discount(self, arg0: int) -> None:
        ...
    @property
    def min_order_amount(self) -> int:
        """
        Minimum order subtotal.
        """
    @min_order_amount.setter
    def min_order_amount(self, arg0: int) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Display name.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def per_user_limit(self) -> int:
        """
        Coupons one user may hold.
        """
    @per_user_limit.setter
    def per_user_limit(self, arg0: int) -> None:
        ...
    @property
    def total_limit(self) -> int:
        """
        Coupons that may ever be issued.
        """
    @total_limit.setter
    def total_limit(self, arg0: int) -> None:
        ...
    @property
    def valid_from(self) -> int:
        """
        Start of validity (ms since epoch).
        """
    @valid_from.setter
    def valid_from(self, arg0: int) -> None:
        ...
    @property
    def valid_until(self) -> int:
        """
        End of validity (ms since epoch).
        """
    @valid_until.setter
    def valid_until(self, arg0: int) -> None:
        ...
    @property
    def value(self) -> int:
        """
        Minor units off (FIXED) or percent (PERCENT).
        """
    @value.setter
    def value(self, arg0: int) -> None:
        ...
class Coupon:
    """
    A coupon issued to one user.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., template_id: str = ..., code: str = ..., user_id: str = ..., status: CouponStatus = ..., order_id: str = ..., valid_until: int = ..., issued_at: int = ..., updated_at: int = ...) -> None:
        """
        Creates a Coupon; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def code(self) -> str:
        """
        The template's code.
        """
    @code.setter
    def code(self, arg0: str) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def issued_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @issued_at.setter
    def issued_at(self, arg0: int) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order that used it, while USED.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def status(self) -> CouponStatus:
        """
        CouponStatus.
        """
    @status.setter
    def status(self, arg0: CouponStatus) -> None:
        ...
    @property
    def template_id(self) -> str:
        """
        The template it was issued from.
        """
    @template_id.setter
    def template_id(self, arg0: str) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
    @property
    def user_id(self) -> str:
        """
        The owner.
        """
    @user_id.setter
    def user_id(self, arg0: str) -> None:
        ...
    @property
    def valid_until(self) -> int:
        """
        End of validity (ms since epoch).
        """
    @valid_until.setter
    def valid_until(self, arg0: int) -> None:
        ...
class CouponApplication:
    """
    The outcome of applying a coupon to an order.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, applied: bool = ..., discount: int = ..., coupon_id: str = ..., skipped_reason: str = ...) -> None:
        """
        Creates a CouponApplication; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def applied(self) -> bool:
        """
        Whether the coupon was used.
        """
    @applied.setter
    def applied(self, arg0: bool) -> None:
        ...
    @property
    def coupon_id(self) -> str:
        """
        The coupon.
        """
    @coupon_id.setter
    def coupon_id(self, arg0: str) -> None:
        ...
    @property
    def discount(self) -> int:
        """
        Minor units off; never more than the subtotal.
        """
    @discount.setter
    def discount(self, arg0: int) -> None:
        ...
    @property
    def skipped_reason(self) -> str:
        """
        Why an optional coupon was not applied.
        """
    @skipped_reason.setter
    def skipped_reason(self, arg0: str) -> None:
        ...
class Event:
    """
    An outbox event envelope.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, seq: int = ..., id: str = ..., type: str = ..., schema_version: int = ..., topic: str = ..., key: str = ..., occurred_at: int = ..., request_id: str = ..., payload: str = ...) -> None:
        """
        Creates a Event; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def id(self) -> str:
        """
        UUIDv7; the same whenever the event is re-sent.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def key(self) -> str:
        """
        Aggregate id; the Kafka partition key.
        """
    @key.setter
    def key(self, arg0: str) -> None:
        ...
    @property
    def occurred_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @occurred_at.setter
    def occurred_at(self, arg0: int) -> None:
        ...
    @property
    def payload(self) -> str:
        """
        JSON object text of identifiers and amounts.
        """
    @payload.setter
    def payload(self, arg0: str) -> None:
        ...
    @property
    def request_id(self) -> str:
        """
        Idempotency key of the causing command, or empty.
        """
    @request_id.setter
    def request_id(self, arg0: str) -> None:
        ...
    @property
    def schema_version(self) -> int:
        """
        Version of this type's payload.
        """
    @schema_version.setter
    def schema_version(self, arg0: int) -> None:
        ...
    @property
    def seq(self) -> int:
        """
        Outbox position.
        """
    @seq.setter
    def seq(self, arg0: int) -> None:
        ...
    @property
    def topic(self) -> str:
        """
        e.g. "product-events".
        """
    @topic.setter
    def topic(self, arg0: str) -> None:
        ...
    @property
    def type(self) -> str:
        """
        e.g. "StockReserved".
        """
    @type.setter
    def type(self, arg0: str) -> None:
        ...
class Store:
    """
    The facade a host opens: it owns the storage and hands out the services.
    Safe to use from any number of threads; several processes may share one
    SQLite file or PostgreSQL database.
    """
    @staticmethod
    def open(location: typing.Any, *, currency: str = 'KRW', clock: typing.Any = None, topic_naming: TopicNaming = ..., reservation_ttl_ms: int = 900000, gateway: typing.Any = None, steps: list[typing.Any] = [], stock_step: typing.Any = None, gateway_timeout_ms: int = 10000, attempts: int = 4, backoff_initial_ms: int = 50, backoff_max_ms: int = 2000, postgres: PostgresOptions | None = None, read_only: bool = False, retention: RetentionOptions | None = None, allocation_strategy: typing.Any = None, guest_cart_ttl_ms: int = 604800000, cart_hold_ms: int = 600000, shipping_options: list[typing.Any] = [], tax_calculator: typing.Any = None, carriers: dict[str, typing.Any] = {}, returns: ReturnOptions | None = None) -> Store:
        """
        Opens (creating and migrating if needed) the store at `location`: a file path or
        "sqlite:PATH" for SQLite, or "postgresql://..." when built with PostgreSQL.
        `currency` is fixed when the store is first created ("": the currency the store
        was created with; a new store is then refused with FailedPreconditionError naming
        "currency"); `clock` defaults to the system clock; `gateway` (a PaymentGateway,
        e.g. FakeGateway or a Python subclass) charges orders (without one only orders with
        total 0 can be placed); `steps` are host saga
        steps run after the coupon step, `stock_step` replaces the local stock reservation;
        gateway and host-step calls use `gateway_timeout_ms` and up to `attempts` tries with
        backoff. `postgres` (PostgresOptions: pool size, retry budget, connect timeout,
        application name) applies to a postgresql:// location. `read_only` opens an
        existing store for inspection: writes raise FailedPreconditionError, nothing is
        created or migrated, and a SQLite file on read-only media opens. `retention`
        (RetentionOptions) sets the windows of compact(). `allocation_strategy` (an
        AllocationStrategy: a built-in such as fewest_shipments_allocation() or a Python
        subclass) picks the stock locations of each reservation; None: priority_allocation().
        `guest_cart_ttl_ms` (default 7 days) is how long a guest cart lives after its last
        change (docs/carts.md); `cart_hold_ms` (default 10 minutes) how long Carts.hold()
        keeps a cart's stock.
        `shipping_options` (ShippingOption: flat_shipping(), free_shipping_above(),
        weight_shipping() or Python subclasses; distinct ids) are what an order's
        shipping_option may name; `tax_calculator` (a TaxCalculator: rate_table_tax() or a
        Python subclass) taxes orders; None: korean_vat() (docs/pricing.md).
        `carriers` (name -> Carrier: FakeCarrier or a Python subclass; names are ids) are
        what a shipment's carrier may name (docs/shipments.md). `returns` (ReturnOptions)
        sets the return window and whether the shipping fee is refunded (docs/returns.md).
        Opening an existing store never waits for another process's write lock. Raises
        InvalidArgumentError (unknown scheme, options), FailedPreconditionError (another
        currency; a file that is not a store, newer than this library, unreadable for its
        permissions), UnavailableError.
        """
    def __repr__(self) -> str:
        """
        Store(url).
        """
    def check(self, *, expect_settled: bool = True, max_violations: int = 1000) -> InvariantReport:
        """
        Checks every invariant (stock, points, coupons, orders, sagas, outbox) and reports
        violations. With expect_settled, sagas still in flight count as violations.
        """
    def compact(self) -> CompactionReport:
        """
        Removes what the retention windows (Store.open(..., retention=...)) let go:
        delivered events, finished sagas' logs, expired idempotency keys, old inbox
        records, oldest first, in short units of work (writers wait for one at most). Safe
        while the store is in use; run it periodically. Returns a CompactionReport.
        Raises FailedPreconditionError (a read-only store), UnavailableError.
        """
    def metrics(self) -> MetricsSnapshot:
        """
        What this Store has done since it was opened, in this process: a MetricsSnapshot of
        orders by outcome, saga steps, gateway and carrier calls with their latency,
        storage retries, the relay's deliveries, failures, dead letters and lag. Cheap (no
        storage access); thread-safe.
        """
    def repair(self) -> RepairReport:
        """
        Recomputes derived counters that drifted; reports what it could not repair.
        """
    def run_unit(self, work: typing.Callable, *, write: bool = False) -> typing.Any:
        """
        Runs `work(unit)` (unit: a Unit) as one unit of work and returns what it returns; with
        write=True it may write, and its writes commit together when it returns, or not at all
        if it raises (the exception propagates unchanged); then the unit's after_commit actions
        run. The unit may be retried on contention, so `work` must have no other effect. E.g.
        store.run_unit(lambda unit: unit.lookups.saga_log(order.id)).
        """
    @property
    def allocation_strategy(self) -> AllocationStrategy:
        """
        The AllocationStrategy reservations plan with (priority_allocation() by default).
        """
    @property
    def carts(self) -> Carts:
        """
        The Carts service (carts, sharing, wishlists).
        """
    @property
    def catalog(self) -> Catalog:
        """
        The Catalog service.
        """
    @property
    def coupons(self) -> CouponBook:
        """
        The CouponBook service.
        """
    @property
    def currency(self) -> str:
        """
        The store's ISO 4217 currency code.
        """
    @property
    def inbox(self) -> Inbox:
        """
        The Inbox of incoming events, each applied once.
        """
    @property
    def locations(self) -> StockLocations:
        """
        The StockLocations service.
        """
    @property
    def now(self) -> int:
        """
        The store clock's current time (ms since epoch).
        """
    @property
    def orders(self) -> OrderBook:
        """
        The OrderBook service (orders, saga, payments, recovery).
        """
    @property
    def points(self) -> PointsLedger:
        """
        The PointsLedger service.
        """
    @property
    def returns(self) -> Returns:
        """
        The Returns service (returns of delivered units).
        """
    @property
    def shipments(self) -> Shipments:
        """
        The Shipments service (shipments, carriers, tracking).
        """
    @property
    def shipping_options(self) -> list[ShippingOption]:
        """
        The ShippingOption list an order's shipping_option may name.
        """
    @property
    def stock(self) -> StockLedger:
        """
        The StockLedger service.
        """
    @property
    def tax_calculator(self) -> TaxCalculator:
        """
        The TaxCalculator orders are taxed with (korean_vat() by default).
        """
    @property
    def url(self) -> str:
        """
        Where the data lives, e.g. "sqlite:/var/lib/shop.db" (no credentials).
        """
class StockOption:
    """
    One location a line may take units from, as read just before planning.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, location_id: str = ..., available: int = ..., backorder_room: int = ..., priority: int = ..., region: str = ...) -> None:
        """
        Creates a StockOption; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def available(self) -> int:
        """
        on_hand - reserved there (may be < 0 while backordered).
        """
    @available.setter
    def available(self, arg0: int) -> None:
        ...
    @property
    def backorder_room(self) -> int:
        """
        Units it may give beyond max(available, 0) as backorders (>= 0).
        """
    @backorder_room.setter
    def backorder_room(self, arg0: int) -> None:
        ...
    @property
    def location_id(self) -> str:
        """
        The stock location.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def priority(self) -> int:
        """
        The location's priority; lower first.
        """
    @priority.setter
    def priority(self, arg0: int) -> None:
        ...
    @property
    def region(self) -> str:
        """
        The location's region, or empty.
        """
    @region.setter
    def region(self, arg0: str) -> None:
        ...
class AllocationLine:
    """
    One line of the order: a product, its units and where they may come from.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., qty: int = ..., options: list[StockOption] = ...) -> None:
        """
        Creates a AllocationLine; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def options(self) -> list[StockOption]:
        """
        Every active location stocking it, by (priority, location_id).
        """
    @options.setter
    def options(self, arg0: list[StockOption]) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product (a product without options, or one variant).
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units to allocate.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
class AllocationRequest:
    """
    What a strategy plans for.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, order_id: str = ..., region: str = ..., lines: list[AllocationLine] = ..., attempt: int = ...) -> None:
        """
        Creates a AllocationRequest; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def attempt(self) -> int:
        """
        1; 2, 3...: a re-plan after a concurrent change made the previous plan stale.
        """
    @attempt.setter
    def attempt(self, arg0: int) -> None:
        ...
    @property
    def lines(self) -> list[AllocationLine]:
        """
        One per product, by product_id.
        """
    @lines.setter
    def lines(self, arg0: list[AllocationLine]) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order being reserved.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def region(self) -> str:
        """
        The order's region, or empty.
        """
    @region.setter
    def region(self, arg0: str) -> None:
        ...
class Allocation:
    """
    `qty` units of `product_id` from `location_id`.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., location_id: str = ..., qty: int = ...) -> None:
        """
        Creates a Allocation; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def location_id(self) -> str:
        """
        The location giving the units.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units (> 0).
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
class AllocationStrategy:
    """
    How a reservation picks the stock locations of each line. Subclass it and override
    plan(request) (and optionally name(), the class name by default); pass an instance as
    Store.open(..., allocation_strategy=...). plan() is called from the library's threads
    (with the GIL held during the call), possibly several times per order; it must only
    plan, not call the store. A plan that breaks a rule (see checked_plan) or raises fails
    the reservation with InvalidArgumentError naming "allocation_strategy", writing nothing.
    """
    def __init__(self) -> None:
        """
        Creates the strategy (call it from subclasses' __init__).
        """
    def name(self) -> str:
        """
        A short name, used in errors.
        """
    def plan(self, request: AllocationRequest) -> list[Allocation]:
        """
        The plan for `request`: a list of Allocation whose qty sum to each line's qty,
        each at one of the line's options, within max(available, 0) + backorder_room there.
        """
class TaxMode:
    """
    Whether prices include tax or exclude it.
    
    Members:
    
      INCLUSIVE : Prices include the tax (as in Korea): the tax is the part of each amount that is tax.
    
      EXCLUSIVE : Prices exclude the tax: it is added on top.
    """
    EXCLUSIVE: typing.ClassVar[TaxMode]
    INCLUSIVE: typing.ClassVar[TaxMode]
    __members__: typing.ClassVar[dict[str, TaxMode]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class ShippingInput:
    """
    What a shipping option is given.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, goods_amount: int = ..., weight_grams: int = ..., region: str = ...) -> None:
        """
        Creates a ShippingInput; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def goods_amount(self) -> int:
        """
        subtotal - discount.
        """
    @goods_amount.setter
    def goods_amount(self, arg0: int) -> None:
        ...
    @property
    def region(self) -> str:
        """
        The order's region, or empty.
        """
    @region.setter
    def region(self, arg0: str) -> None:
        ...
    @property
    def weight_grams(self) -> int:
        """
        The sum of each line's "weight_g" attribute x qty.
        """
    @weight_grams.setter
    def weight_grams(self, arg0: int) -> None:
        ...
class WeightTier:
    """
    One tier of weight_shipping(): up to a weight, a fee.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, up_to_grams: int = ..., fee: int = ...) -> None:
        """
        Creates a WeightTier; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def fee(self) -> int:
        """
        Its fee (minor units, >= 0).
        """
    @fee.setter
    def fee(self, arg0: int) -> None:
        ...
    @property
    def up_to_grams(self) -> int:
        """
        The heaviest order this tier ships.
        """
    @up_to_grams.setter
    def up_to_grams(self, arg0: int) -> None:
        ...
class TaxableAmount:
    """
    One amount to tax: a line of the order (product_id set) or its shipping fee (product_id empty).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., tax_class: str = ..., amount: int = ...) -> None:
        """
        Creates a TaxableAmount; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def amount(self) -> int:
        """
        After the line's discount share; >= 0.
        """
    @amount.setter
    def amount(self, arg0: int) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The line's product; empty for shipping.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def tax_class(self) -> str:
        """
        The product's attribute "tax_class" ("standard" if missing), or the shipping option's tax class.
        """
    @tax_class.setter
    def tax_class(self, arg0: str) -> None:
        ...
class PricedLine:
    """
    One line of a quote, with its price breakdown.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., name: str = ..., unit_price: int = ..., qty: int = ..., line_total: int = ..., discount: int = ..., tax_class: str = ..., tax: int = ..., total: int = ...) -> None:
        """
        Creates a PricedLine; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def discount(self) -> int:
        """
        Its share of the coupon discount.
        """
    @discount.setter
    def discount(self, arg0: int) -> None:
        ...
    @property
    def line_total(self) -> int:
        """
        unit_price x qty.
        """
    @line_total.setter
    def line_total(self, arg0: int) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Its name now.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
    @property
    def tax(self) -> int:
        """
        The tax in (inclusive) or on (exclusive) line_total - discount.
        """
    @tax.setter
    def tax(self, arg0: int) -> None:
        ...
    @property
    def tax_class(self) -> str:
        """
        The product's tax class.
        """
    @tax_class.setter
    def tax_class(self, arg0: str) -> None:
        ...
    @property
    def total(self) -> int:
        """
        line_total - discount (+ tax when exclusive).
        """
    @total.setter
    def total(self, arg0: int) -> None:
        ...
    @property
    def unit_price(self) -> int:
        """
        Its price now.
        """
    @unit_price.setter
    def unit_price(self, arg0: int) -> None:
        ...
class Quote:
    """
    What an order would cost now (OrderBook.quote()); a placed Order keeps the same figures.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, lines: list[PricedLine] = ..., subtotal: int = ..., discount: int = ..., coupon_applied: bool = ..., coupon_note: str = ..., shipping_option: str = ..., shipping_fee: int = ..., shipping_tax: int = ..., tax: int = ..., tax_included: bool = ..., points_used: int = ..., total: int = ...) -> None:
        """
        Creates a Quote; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def coupon_applied(self) -> bool:
        """
        The coupon would be used (its discount is in `discount`).
        """
    @coupon_applied.setter
    def coupon_applied(self, arg0: bool) -> None:
        ...
    @property
    def coupon_note(self) -> str:
        """
        Why an optional coupon would be skipped.
        """
    @coupon_note.setter
    def coupon_note(self, arg0: str) -> None:
        ...
    @property
    def discount(self) -> int:
        """
        The coupon's discount.
        """
    @discount.setter
    def discount(self, arg0: int) -> None:
        ...
    @property
    def lines(self) -> list[PricedLine]:
        """
        PricedLine list, by product id.
        """
    @lines.setter
    def lines(self, arg0: list[PricedLine]) -> None:
        ...
    @property
    def points_used(self) -> int:
        """
        Points taken last.
        """
    @points_used.setter
    def points_used(self, arg0: int) -> None:
        ...
    @property
    def shipping_fee(self) -> int:
        """
        The shipping option's fee.
        """
    @shipping_fee.setter
    def shipping_fee(self, arg0: int) -> None:
        ...
    @property
    def shipping_option(self) -> str:
        """
        As requested, or empty.
        """
    @shipping_option.setter
    def shipping_option(self, arg0: str) -> None:
        ...
    @property
    def shipping_tax(self) -> int:
        """
        The tax in or on the shipping fee.
        """
    @shipping_tax.setter
    def shipping_tax(self, arg0: int) -> None:
        ...
    @property
    def subtotal(self) -> int:
        """
        Sum of line totals.
        """
    @subtotal.setter
    def subtotal(self, arg0: int) -> None:
        ...
    @property
    def tax(self) -> int:
        """
        The lines' tax plus shipping_tax.
        """
    @tax.setter
    def tax(self, arg0: int) -> None:
        ...
    @property
    def tax_included(self) -> bool:
        """
        Prices include the tax (else it is added on top).
        """
    @tax_included.setter
    def tax_included(self, arg0: bool) -> None:
        ...
    @property
    def total(self) -> int:
        """
        subtotal - discount + shipping_fee (+ tax when excluded) - points_used.
        """
    @total.setter
    def total(self, arg0: int) -> None:
        ...
class ShippingOption:
    """
    A way to ship an order and its fee. Subclass it and override id() and fee(input) (and
    optionally tax_class(), "standard" by default); pass instances as
    Store.open(..., shipping_options=[...]) and choose one with shipping_option= of
    OrderBook.place() and quote(). Its methods are called from the library's threads (with
    the GIL held during the call), possibly at once; they must not call the store. Raise a
    CommerceError (e.g. InvalidArgumentError naming "shipping_option") when it cannot ship
    the order; any other exception, a result of the wrong type or a negative fee fails
    quoting and placing with InvalidArgumentError naming "shipping_option", writing
    nothing.
    """
    def __init__(self) -> None:
        """
        Creates the option (call it from subclasses' __init__).
        """
    def fee(self, input: ShippingInput) -> int:
        """
        The fee (minor units, >= 0) for `input` (a ShippingInput).
        """
    def id(self) -> str:
        """
        Its id, as shipping_option= names it: 1..64 printable ASCII characters, unique among
        the store's shipping options.
        """
    def tax_class(self) -> str:
        """
        The tax class its fee is taxed under (default "standard").
        """
class TaxCalculator:
    """
    How orders are taxed. Subclass it and override mode() (a TaxMode) and
    tax(amounts, region); pass an instance as Store.open(..., tax_calculator=...). Its
    methods are called from the library's threads (with the GIL held during the call),
    possibly at once; they must not call the store. An exception other than a
    CommerceError, a result of the wrong type, a wrong count or a tax out of range fails
    quoting and placing with InvalidArgumentError naming "tax_calculator", writing
    nothing.
    """
    def __init__(self) -> None:
        """
        Creates the calculator (call it from subclasses' __init__).
        """
    def mode(self) -> TaxMode:
        """
        TaxMode.INCLUSIVE (prices include the tax) or TaxMode.EXCLUSIVE (it is added).
        """
    def tax(self, amounts: list[TaxableAmount], region: str) -> list[int]:
        """
        The tax in (INCLUSIVE: 0 <= tax <= amount) or on (EXCLUSIVE: tax >= 0) each
        TaxableAmount of `amounts`, as a list of as many ints in the same order; `region` is
        the order's region, or empty.
        """
class OrderStatus:
    """
    States of an order.
    
    Members:
    
      PENDING : Being placed.
    
      AWAITING_PAYMENT : Reserved; payment pending.
    
      CONFIRMED : Paid; stock committed.
    
      SHIPPED : Shipped.
    
      DELIVERED : Delivered.
    
      FAILED : Placement failed; everything compensated.
    
      CANCELLED : Cancelled after placement; compensated, refunded if paid.
    """
    AWAITING_PAYMENT: typing.ClassVar[OrderStatus]
    CANCELLED: typing.ClassVar[OrderStatus]
    CONFIRMED: typing.ClassVar[OrderStatus]
    DELIVERED: typing.ClassVar[OrderStatus]
    FAILED: typing.ClassVar[OrderStatus]
    PENDING: typing.ClassVar[OrderStatus]
    SHIPPED: typing.ClassVar[OrderStatus]
    __members__: typing.ClassVar[dict[str, OrderStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class PaymentOutcome:
    """
    A gateway's answer.
    
    Members:
    
      APPROVED : The money moved (or the key is voided).
    
      DECLINED : Refused; nothing moved.
    
      PENDING : Accepted; the result comes later.
    
      UNKNOWN : Timeout or transport error.
    """
    APPROVED: typing.ClassVar[PaymentOutcome]
    DECLINED: typing.ClassVar[PaymentOutcome]
    PENDING: typing.ClassVar[PaymentOutcome]
    UNKNOWN: typing.ClassVar[PaymentOutcome]
    __members__: typing.ClassVar[dict[str, PaymentOutcome]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class PaymentStatus:
    """
    How the library stores a payment.
    
    Members:
    
      STARTED : The gateway may have been called.
    
      PENDING : Accepted; the result comes later.
    
      APPROVED : Charged.
    
      DECLINED : Refused.
    
      VOIDED : Cancelled before capture.
    
      REFUNDED : Charged, then given back.
    """
    APPROVED: typing.ClassVar[PaymentStatus]
    DECLINED: typing.ClassVar[PaymentStatus]
    PENDING: typing.ClassVar[PaymentStatus]
    REFUNDED: typing.ClassVar[PaymentStatus]
    STARTED: typing.ClassVar[PaymentStatus]
    VOIDED: typing.ClassVar[PaymentStatus]
    __members__: typing.ClassVar[dict[str, PaymentStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class RefundStatus:
    """
    How the library stores a refund.
    
    Members:
    
      STARTED : Reserved; the gateway's answer is due.
    
      APPROVED : Given back.
    
      DECLINED : Refused; the reservation was given back.
    """
    APPROVED: typing.ClassVar[RefundStatus]
    DECLINED: typing.ClassVar[RefundStatus]
    STARTED: typing.ClassVar[RefundStatus]
    __members__: typing.ClassVar[dict[str, RefundStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class SagaState:
    """
    State of an order saga.
    
    Members:
    
      RUNNING : Executing steps forward.
    
      AWAITING_PAYMENT : The gateway answered pending.
    
      COMPENSATING : A step failed; undoing.
    
      CANCELLING : Cancelled after placement; undoing.
    
      CONFIRMED : Done: CONFIRMED.
    
      FAILED : Done: FAILED.
    
      CANCELLED : Done: CANCELLED.
    """
    AWAITING_PAYMENT: typing.ClassVar[SagaState]
    CANCELLED: typing.ClassVar[SagaState]
    CANCELLING: typing.ClassVar[SagaState]
    COMPENSATING: typing.ClassVar[SagaState]
    CONFIRMED: typing.ClassVar[SagaState]
    FAILED: typing.ClassVar[SagaState]
    RUNNING: typing.ClassVar[SagaState]
    __members__: typing.ClassVar[dict[str, SagaState]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class OrderItem:
    """
    One line of an order, with its price snapshot.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., name: str = ..., unit_price: int = ..., qty: int = ..., line_total: int = ..., backordered: int = ..., discount: int = ..., tax_class: str = ..., tax: int = ..., total: int = ..., shipped: int = ..., delivered: int = ..., cancelled: int = ..., returned: int = ..., given_back: int = ...) -> None:
        """
        Creates a OrderItem; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def backordered(self) -> int:
        """
        Units of qty reserved from backorder room (sum of its reservation rows).
        """
    @backordered.setter
    def backordered(self, arg0: int) -> None:
        ...
    @property
    def cancelled(self) -> int:
        """
        Units cancelled before they shipped (OrderBook.cancel_items; docs/returns.md).
        """
    @cancelled.setter
    def cancelled(self, arg0: int) -> None:
        ...
    @property
    def delivered(self) -> int:
        """
        Units of qty delivered so far.
        """
    @delivered.setter
    def delivered(self, arg0: int) -> None:
        ...
    @property
    def discount(self) -> int:
        """
        Its share of the order's discount.
        """
    @discount.setter
    def discount(self, arg0: int) -> None:
        ...
    @property
    def given_back(self) -> int:
        """
        Units whose value was given back so far: cancelled, or received by a return.
        """
    @given_back.setter
    def given_back(self, arg0: int) -> None:
        ...
    @property
    def line_total(self) -> int:
        """
        unit_price x qty.
        """
    @line_total.setter
    def line_total(self, arg0: int) -> None:
        ...
    @property
    def name(self) -> str:
        """
        Name snapshot at placement.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
    @property
    def returned(self) -> int:
        """
        Units in returns that were not rejected (at most delivered).
        """
    @returned.setter
    def returned(self, arg0: int) -> None:
        ...
    @property
    def shipped(self) -> int:
        """
        Units of qty picked up by a carrier so far (docs/shipments.md).
        """
    @shipped.setter
    def shipped(self, arg0: int) -> None:
        ...
    @property
    def tax(self) -> int:
        """
        The tax in (tax_included) or on line_total - discount.
        """
    @tax.setter
    def tax(self, arg0: int) -> None:
        ...
    @property
    def tax_class(self) -> str:
        """
        The product's tax class at placement.
        """
    @tax_class.setter
    def tax_class(self, arg0: str) -> None:
        ...
    @property
    def total(self) -> int:
        """
        What it cost: line_total - discount (+ tax when not tax_included).
        """
    @total.setter
    def total(self, arg0: int) -> None:
        ...
    @property
    def unit_price(self) -> int:
        """
        Price snapshot at placement.
        """
    @unit_price.setter
    def unit_price(self, arg0: int) -> None:
        ...
class Address:
    """
    A postal address an order ships to (commerce/address.h). Its name and
    phone are personal data: erase_personal_data() removes it from orders.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, name: str = ..., phone: str = ..., line1: str = ..., line2: str = ..., city: str = ..., region: str = ..., postal_code: str = ..., country: str = ...) -> None:
        """
        Creates a Address; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def city(self) -> str:
        """
        Required, 1..100 bytes.
        """
    @city.setter
    def city(self, arg0: str) -> None:
        ...
    @property
    def country(self) -> str:
        """
        ISO 3166-1 alpha-2, upper case (e.g. "KR").
        """
    @country.setter
    def country(self, arg0: str) -> None:
        ...
    @property
    def line1(self) -> str:
        """
        Street and number; required, 1..200 bytes.
        """
    @line1.setter
    def line1(self, arg0: str) -> None:
        ...
    @property
    def line2(self) -> str:
        """
        Optional, at most 200 bytes.
        """
    @line2.setter
    def line2(self, arg0: str) -> None:
        ...
    @property
    def name(self) -> str:
        """
        The recipient; required, 1..100 bytes, one line.
        """
    @name.setter
    def name(self, arg0: str) -> None:
        ...
    @property
    def phone(self) -> str:
        """
        Optional; digits, spaces and +-(), at most 32 bytes, with a digit.
        """
    @phone.setter
    def phone(self, arg0: str) -> None:
        ...
    @property
    def postal_code(self) -> str:
        """
        Required, 1..16 ASCII letters, digits, spaces or '-'.
        """
    @postal_code.setter
    def postal_code(self, arg0: str) -> None:
        ...
    @property
    def region(self) -> str:
        """
        State or province; optional, at most 100 bytes.
        """
    @region.setter
    def region(self, arg0: str) -> None:
        ...
class Order:
    """
    An order with its items, amounts, coupon and points.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., user_id: str = ..., status: OrderStatus = ..., items: list[OrderItem] = ..., subtotal: int = ..., discount: int = ..., points_used: int = ..., total: int = ..., coupon_id: str = ..., coupon_required: bool = ..., coupon_applied: bool = ..., coupon_note: str = ..., payment_method: str = ..., failure_reason: str = ..., request_id: str = ..., expires_at: int = ..., created_at: int = ..., updated_at: int = ..., region: str = ..., shipping_option: str = ..., shipping_fee: int = ..., shipping_tax: int = ..., tax: int = ..., tax_included: bool = ..., shipping_address: Address | None = ..., personal_data_erased_at: int = ...) -> None:
        """
        Creates a Order; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def backordered(self) -> bool:
        """
        True when some item has backordered units (waits for a restock).
        """
    @property
    def coupon_applied(self) -> bool:
        """
        Whether the coupon was used.
        """
    @coupon_applied.setter
    def coupon_applied(self, arg0: bool) -> None:
        ...
    @property
    def coupon_id(self) -> str:
        """
        As requested, or empty.
        """
    @coupon_id.setter
    def coupon_id(self, arg0: str) -> None:
        ...
    @property
    def coupon_note(self) -> str:
        """
        Why an optional coupon was skipped.
        """
    @coupon_note.setter
    def coupon_note(self, arg0: str) -> None:
        ...
    @property
    def coupon_required(self) -> bool:
        """
        Whether the coupon was required.
        """
    @coupon_required.setter
    def coupon_required(self, arg0: bool) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def discount(self) -> int:
        """
        From the coupon.
        """
    @discount.setter
    def discount(self, arg0: int) -> None:
        ...
    @property
    def expires_at(self) -> int:
        """
        An unpaid order is swept after this (ms).
        """
    @expires_at.setter
    def expires_at(self, arg0: int) -> None:
        ...
    @property
    def failure_reason(self) -> str:
        """
        Why it FAILED or was CANCELLED.
        """
    @failure_reason.setter
    def failure_reason(self, arg0: str) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def items(self) -> list[OrderItem]:
        """
        OrderItem list, by product id.
        """
    @items.setter
    def items(self, arg0: list[OrderItem]) -> None:
        ...
    @property
    def payment_method(self) -> str:
        """
        e.g. "card".
        """
    @payment_method.setter
    def payment_method(self, arg0: str) -> None:
        ...
    @property
    def personal_data_erased_at(self) -> int:
        """
        When its address was erased (ms); 0 if never.
        """
    @personal_data_erased_at.setter
    def personal_data_erased_at(self, arg0: int) -> None:
        ...
    @property
    def points_used(self) -> int:
        """
        Points taken from the balance.
        """
    @points_used.setter
    def points_used(self, arg0: int) -> None:
        ...
    @property
    def region(self) -> str:
        """
        The order's region (for the allocation strategy), or empty.
        """
    @region.setter
    def region(self, arg0: str) -> None:
        ...
    @property
    def request_id(self) -> str:
        """
        Idempotency key, or empty.
        """
    @request_id.setter
    def request_id(self, arg0: str) -> None:
        ...
    @property
    def shipping_address(self) -> Address | None:
        """
        Where it ships to (an Address snapshot at placement); None if it had none or once
        erased.
        """
    @shipping_address.setter
    def shipping_address(self, arg0: Address | None) -> None:
        ...
    @property
    def shipping_fee(self) -> int:
        """
        The shipping option's fee.
        """
    @shipping_fee.setter
    def shipping_fee(self, arg0: int) -> None:
        ...
    @property
    def shipping_option(self) -> str:
        """
        As requested, or empty.
        """
    @shipping_option.setter
    def shipping_option(self, arg0: str) -> None:
        ...
    @property
    def shipping_tax(self) -> int:
        """
        The tax in or on the shipping fee.
        """
    @shipping_tax.setter
    def shipping_tax(self, arg0: int) -> None:
        ...
    @property
    def status(self) -> OrderStatus:
        """
        OrderStatus.
        """
    @status.setter
    def status(self, arg0: OrderStatus) -> None:
        ...
    @property
    def subtotal(self) -> int:
        """
        Sum of line totals.
        """
    @subtotal.setter
    def subtotal(self, arg0: int) -> None:
        ...
    @property
    def tax(self) -> int:
        """
        The items' tax plus shipping_tax.
        """
    @tax.setter
    def tax(self, arg0: int) -> None:
        ...
    @property
    def tax_included(self) -> bool:
        """
        Prices included the tax (else it was added on top).
        """
    @tax_included.setter
    def tax_included(self, arg0: bool) -> None:
        ...
    @property
    def total(self) -> int:
        """
        subtotal - discount + shipping_fee (+ tax when not tax_included) - points_used;
        what is charged.
        """
    @total.setter
    def total(self, arg0: int) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
    @property
    def user_id(self) -> str:
        """
        The buyer.
        """
    @user_id.setter
    def user_id(self, arg0: str) -> None:
        ...
class GiveBack:
    """
    What one give-back (a partial cancellation or a received return) returned
    to the customer, by the refund rule of docs/returns.md.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, value: int = ..., money: int = ..., points: int = ..., refund_id: str = ..., coupon_restored: bool = ..., shipping_refunded: bool = ...) -> None:
        """
        Creates a GiveBack; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def coupon_restored(self) -> bool:
        """
        This give-back took the order's last unit: the coupon is available again.
        """
    @coupon_restored.setter
    def coupon_restored(self, arg0: bool) -> None:
        ...
    @property
    def money(self) -> int:
        """
        Refunded through the gateway.
        """
    @money.setter
    def money(self, arg0: int) -> None:
        ...
    @property
    def points(self) -> int:
        """
        Given back as points (PointsEntryKind.REFUND).
        """
    @points.setter
    def points(self, arg0: int) -> None:
        ...
    @property
    def refund_id(self) -> str:
        """
        The Refund of `money`; "" when money is 0 or a whole cancel refunded the
        payment whole.
        """
    @refund_id.setter
    def refund_id(self, arg0: str) -> None:
        ...
    @property
    def shipping_refunded(self) -> bool:
        """
        The shipping fee was part of `value`.
        """
    @shipping_refunded.setter
    def shipping_refunded(self, arg0: bool) -> None:
        ...
    @property
    def value(self) -> int:
        """
        The units' worth (shipping included when refunded).
        """
    @value.setter
    def value(self, arg0: int) -> None:
        ...
class ItemsCancelled:
    """
    What OrderBook.cancel_items() did: the order after it and what it
    gave back.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, order: Order = ..., given_back: GiveBack = ...) -> None:
        """
        Creates a ItemsCancelled; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def given_back(self) -> GiveBack:
        """
        GiveBack.
        """
    @given_back.setter
    def given_back(self, arg0: GiveBack) -> None:
        ...
    @property
    def order(self) -> Order:
        """
        The Order after the cancellation.
        """
    @order.setter
    def order(self, arg0: Order) -> None:
        ...
class OrderAudit:
    """
    One status change of an order.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., order_id: str = ..., from_status: OrderStatus | None = ..., to_status: OrderStatus = ..., reason: str = ..., at: int = ...) -> None:
        """
        Creates a OrderAudit; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @at.setter
    def at(self, arg0: int) -> None:
        ...
    @property
    def from_status(self) -> OrderStatus | None:
        """
        Previous status; None for the creation row.
        """
    @from_status.setter
    def from_status(self, arg0: OrderStatus | None) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        Why.
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
    @property
    def to_status(self) -> OrderStatus:
        """
        New status.
        """
    @to_status.setter
    def to_status(self, arg0: OrderStatus) -> None:
        ...
class RecoveryReport:
    """
    What OrderBook.recover() did.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, examined: int = ..., confirmed: int = ..., failed: int = ..., cancelled: int = ..., awaiting_payment: int = ..., unresolved: list[str] = ...) -> None:
        """
        Creates a RecoveryReport; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def awaiting_payment(self) -> int:
        """
        The gateway still says pending.
        """
    @awaiting_payment.setter
    def awaiting_payment(self, arg0: int) -> None:
        ...
    @property
    def cancelled(self) -> int:
        """
        Ended CANCELLED.
        """
    @cancelled.setter
    def cancelled(self, arg0: int) -> None:
        ...
    @property
    def confirmed(self) -> int:
        """
        Ended CONFIRMED.
        """
    @confirmed.setter
    def confirmed(self, arg0: int) -> None:
        ...
    @property
    def examined(self) -> int:
        """
        Sagas looked at.
        """
    @examined.setter
    def examined(self, arg0: int) -> None:
        ...
    @property
    def failed(self) -> int:
        """
        Ended FAILED (compensated).
        """
    @failed.setter
    def failed(self, arg0: int) -> None:
        ...
    @property
    def unresolved(self) -> list[str]:
        """
        Sagas still in flight (order and error); run recover() again later.
        """
    @unresolved.setter
    def unresolved(self, arg0: list[str]) -> None:
        ...
class PaymentRequest:
    """
    What the library asks a gateway to charge.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, idempotency_key: str = ..., order_id: str = ..., user_id: str = ..., amount: int = ..., currency: str = ..., method: str = ..., timeout_ms: int = ...) -> None:
        """
        Creates a PaymentRequest; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def amount(self) -> int:
        """
        Minor units of `currency`, > 0.
        """
    @amount.setter
    def amount(self, arg0: int) -> None:
        ...
    @property
    def currency(self) -> str:
        """
        ISO 4217 code.
        """
    @currency.setter
    def currency(self, arg0: str) -> None:
        ...
    @property
    def idempotency_key(self) -> str:
        """
        The same for every attempt of one payment.
        """
    @idempotency_key.setter
    def idempotency_key(self, arg0: str) -> None:
        ...
    @property
    def method(self) -> str:
        """
        e.g. "card".
        """
    @method.setter
    def method(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def timeout_ms(self) -> int:
        """
        Answer UNKNOWN rather than take longer.
        """
    @timeout_ms.setter
    def timeout_ms(self, arg0: int) -> None:
        ...
    @property
    def user_id(self) -> str:
        """
        The buyer.
        """
    @user_id.setter
    def user_id(self, arg0: str) -> None:
        ...
class PaymentResult:
    """
    A gateway's answer to one call.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, outcome: PaymentOutcome = ..., reference: str = ..., message: str = ..., known: bool = ...) -> None:
        """
        Creates a PaymentResult; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def known(self) -> bool:
        """
        status() only: False when the gateway has never seen the key.
        """
    @known.setter
    def known(self, arg0: bool) -> None:
        ...
    @property
    def message(self) -> str:
        """
        Why, for declines and errors.
        """
    @message.setter
    def message(self, arg0: str) -> None:
        ...
    @property
    def outcome(self) -> PaymentOutcome:
        """
        PaymentOutcome (default UNKNOWN).
        """
    @outcome.setter
    def outcome(self, arg0: PaymentOutcome) -> None:
        ...
    @property
    def reference(self) -> str:
        """
        The gateway's own id, if any.
        """
    @reference.setter
    def reference(self, arg0: str) -> None:
        ...
class Payment:
    """
    A payment as the library stores it.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., order_id: str = ..., amount: int = ..., method: str = ..., status: PaymentStatus = ..., reference: str = ..., created_at: int = ..., updated_at: int = ...) -> None:
        """
        Creates a Payment; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def amount(self) -> int:
        """
        Minor units.
        """
    @amount.setter
    def amount(self, arg0: int) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        The idempotency key passed to the gateway.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def method(self) -> str:
        """
        e.g. "card".
        """
    @method.setter
    def method(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def reference(self) -> str:
        """
        The gateway's id.
        """
    @reference.setter
    def reference(self, arg0: str) -> None:
        ...
    @property
    def status(self) -> PaymentStatus:
        """
        PaymentStatus.
        """
    @status.setter
    def status(self, arg0: PaymentStatus) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class Refund:
    """
    A partial refund of an order's payment (OrderBook.refund).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., order_id: str = ..., payment_id: str = ..., amount: int = ..., status: RefundStatus = ..., reason: str = ..., reference: str = ..., message: str = ..., request_id: str = ..., created_at: int = ..., updated_at: int = ...) -> None:
        """
        Creates a Refund; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def amount(self) -> int:
        """
        Minor units, > 0.
        """
    @amount.setter
    def amount(self, arg0: int) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7; the refund_key passed to the gateway.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def message(self) -> str:
        """
        Why the gateway declined it.
        """
    @message.setter
    def message(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def payment_id(self) -> str:
        """
        The order's payment (its key).
        """
    @payment_id.setter
    def payment_id(self, arg0: str) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        As given to refund().
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
    @property
    def reference(self) -> str:
        """
        The gateway's id of the refund, if any.
        """
    @reference.setter
    def reference(self, arg0: str) -> None:
        ...
    @property
    def request_id(self) -> str:
        """
        As given to refund(), or empty.
        """
    @request_id.setter
    def request_id(self, arg0: str) -> None:
        ...
    @property
    def status(self) -> RefundStatus:
        """
        RefundStatus.
        """
    @status.setter
    def status(self, arg0: RefundStatus) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class PaymentGateway:
    """
    A payment provider. Subclass it in Python and override every method; each receives the
    payment's idempotency key and must apply at most one charge per key. Methods are called
    from the library's threads (with the GIL held during the call). Raise UnavailableError
    for a transient failure (retried with backoff); any other exception also counts as a
    transport failure (outcome UNKNOWN: the library asks status() later), never a crash.
    """
    def __init__(self) -> None:
        """
        Creates the gateway (call it from subclasses' __init__).
        """
    def authorize(self, request: PaymentRequest) -> PaymentResult:
        """
        Holds the amount without capturing it.
        """
    def capture(self, idempotency_key: str, timeout_ms: int) -> PaymentResult:
        """
        Captures an authorized hold. Idempotent.
        """
    def charge(self, request: PaymentRequest) -> PaymentResult:
        """
        Authorizes and captures request.amount in one call; the saga uses this.
        """
    def refund(self, idempotency_key: str, amount: int, timeout_ms: int) -> PaymentResult:
        """
        Gives back the captured amount. Idempotent per key.
        """
    def refund_part(self, payment_key: str, refund_key: str, amount: int, timeout_ms: int) -> PaymentResult:
        """
        Gives back `amount` of the payment_key's capture as one partial refund: at most one
        refund per refund_key, never more than captured in total (DECLINED otherwise).
        Optional: a gateway without it has no partial refunds (FailedPreconditionError
        naming "gateway"; the library records such refunds declined).
        """
    def status(self, idempotency_key: str, timeout_ms: int) -> PaymentResult:
        """
        What happened to the key (known=False if never seen).
        """
    def void_payment(self, idempotency_key: str, timeout_ms: int) -> PaymentResult:
        """
        Cancels whatever the key did that was not captured and blocks later charges.
        """
@typing.final
class FakeGateway(PaymentGateway):
    """
    A scriptable in-process gateway for tests and demos: approves at once unless scripted.
    With `record_path`, its ledger is persisted to that file and replayed on reopen.
    """
    class Operation:
        """
        A gateway operation to script.
        
        Members:
        
          CHARGE : charge()
        
          AUTHORIZE : authorize()
        
          CAPTURE : capture()
        
          VOID : void_payment()
        
          REFUND : refund()
        
          STATUS : status()
        """
        AUTHORIZE: typing.ClassVar[FakeGateway.Operation]
        CAPTURE: typing.ClassVar[FakeGateway.Operation]
        CHARGE: typing.ClassVar[FakeGateway.Operation]
        REFUND: typing.ClassVar[FakeGateway.Operation]
        STATUS: typing.ClassVar[FakeGateway.Operation]
        VOID: typing.ClassVar[FakeGateway.Operation]
        __members__: typing.ClassVar[dict[str, FakeGateway.Operation]]
        def __eq__(self, other: typing.Any) -> bool:
            ...
        def __getstate__(self) -> int:
            ...
        def __hash__(self) -> int:
            ...
        def __index__(self) -> int:
            ...
        def __init__(self, value: int) -> None:
            ...
        def __int__(self) -> int:
            ...
        def __ne__(self, other: typing.Any) -> bool:
            ...
        def __repr__(self) -> str:
            """
            The enum member, as Class.MEMBER.
            """
        def __setstate__(self, state: int) -> None:
            ...
        def __str__(self) -> str:
            ...
        @property
        def name(self) -> str:
            ...
        @property
        def value(self) -> int:
            ...
    class Behaviour:
        """
        What a scripted call does.
        
        Members:
        
          APPROVE : Apply and approve.
        
          DECLINE : Decline; nothing applied.
        
          PENDING : Accept; settle() finishes it.
        
          FAIL : Raise Unavailable before applying.
        
          TIMEOUT : Apply, then answer UNKNOWN.
        """
        APPROVE: typing.ClassVar[FakeGateway.Behaviour]
        DECLINE: typing.ClassVar[FakeGateway.Behaviour]
        FAIL: typing.ClassVar[FakeGateway.Behaviour]
        PENDING: typing.ClassVar[FakeGateway.Behaviour]
        TIMEOUT: typing.ClassVar[FakeGateway.Behaviour]
        __members__: typing.ClassVar[dict[str, FakeGateway.Behaviour]]
        def __eq__(self, other: typing.Any) -> bool:
            ...
        def __getstate__(self) -> int:
            ...
        def __hash__(self) -> int:
            ...
        def __index__(self) -> int:
            ...
        def __init__(self, value: int) -> None:
            ...
        def __int__(self) -> int:
            ...
        def __ne__(self, other: typing.Any) -> bool:
            ...
        def __repr__(self) -> str:
            """
            The enum member, as Class.MEMBER.
            """
        def __setstate__(self, state: int) -> None:
            ...
        def __str__(self) -> str:
            ...
        @property
        def name(self) -> str:
            ...
        @property
        def value(self) -> int:
            ...
    class Step:
        """
        One scripted behaviour, with optional latency.
        """
        __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
        def __eq__(self, other: typing.Any) -> typing.Any:
            """
            True when every field is equal.
            """
        def __init__(self, behaviour: FakeGateway.Behaviour = ..., latency_ms: int = ...) -> None:
            """
            Creates a Step; fields by position (in attribute order) or keyword, each defaulting to its zero value.
            """
        def __repr__(self) -> str:
            """
            Every field, as a constructor call.
            """
        @property
        def behaviour(self) -> FakeGateway.Behaviour:
            """
            FakeGateway.Behaviour.
            """
        @behaviour.setter
        def behaviour(self, arg0: FakeGateway.Behaviour) -> None:
            ...
        @property
        def latency_ms(self) -> int:
            """
            Wait this long first.
            """
        @latency_ms.setter
        def latency_ms(self, arg0: int) -> None:
            ...
    def __init__(self, record_path: str = '') -> None:
        """
        Creates the gateway; memory-only when `record_path` is empty.
        """
    def calls(self, operation: FakeGateway.Operation) -> int:
        """
        Calls of `operation` made to this instance.
        """
    def charges_for(self, order_id: str) -> int:
        """
        Charges applied for the order.
        """
    def net_for(self, order_id: str) -> int:
        """
        Captured minus refunded for the order.
        """
    def refunds_for(self, order_id: str) -> int:
        """
        Refunds applied for the order.
        """
    def script(self, operation: FakeGateway.Operation, steps: list[FakeGateway.Step]) -> None:
        """
        Queues behaviours for the next calls of `operation`, in order.
        """
    def settle(self, idempotency_key: str, approved: bool) -> None:
        """
        Finishes a pending charge as the provider's callback would.
        """
    def total_charges(self) -> int:
        """
        Charges applied in all.
        """
class SagaStep:
    """
    A host-defined saga step (for example a remote stock service). Subclass it and override
    name(), execute(order, idempotency_key) and compensate(order, idempotency_key); both must
    be idempotent per key and compensate must succeed when execute never ran. An exception
    in execute refuses the step (the order fails, earlier steps are compensated);
    UnavailableError is retried with backoff, then left to recover().
    """
    def __init__(self) -> None:
        """
        Creates the step (call it from subclasses' __init__).
        """
    def compensate(self, order: Order, idempotency_key: str) -> None:
        """
        Undoes the step.
        """
    def execute(self, order: Order, idempotency_key: str) -> None:
        """
        Does the step.
        """
    def name(self) -> str:
        """
        A stable name, 1..64 of [a-z0-9_-], not stock/points/coupon/payment.
        """
class OrderBook:
    """
    Orders and their saga. Thread-safe and safe across processes.
    """
    def audit(self, order_id: str) -> list[OrderAudit]:
        """
        The order's status changes, oldest first.
        """
    def cancel(self, order_id: str, *, reason: str = '', request_id: str = '') -> Order:
        """
        Cancels an AWAITING_PAYMENT or CONFIRMED order (void or refund, restore coupon and
        points, release or restock). Idempotent. Raises NotFoundError,
        IllegalTransitionError, UnavailableError (finished later by recover()).
        """
    def cancel_items(self, order_id: str, items: list[LineItem], *, reason: str = '', request_id: str = '') -> ItemsCancelled:
        """
        Partial cancellation (docs/returns.md): cancels `items` (LineItem list: units of
        some lines, each qty > 0) of a CONFIRMED order that are in no shipment yet. They go
        back on the shelf they were reserved at, their value is given back by the refund
        rule (points as points, money as a partial refund through the gateway), the coupon
        comes back with the last unit; returns an ItemsCancelled. The same request_id and
        arguments return the same result. Raises InvalidArgumentError naming the field
        ("order_id", "items" for a product not in the order or more units than remain
        unshipped, "items[i].qty", "reason"), NotFoundError, IllegalTransitionError (not
        CONFIRMED), ConflictError, UnavailableError (the gateway did not answer: the units
        are cancelled and recover() finishes the refund).
        """
    def complete_payment(self, order_id: str, approved: bool) -> Order:
        """
        The gateway's callback for a pending payment: approved confirms, declined fails
        (compensating). Idempotent. Raises NotFoundError, IllegalTransitionError.
        """
    def deliver(self, order_id: str) -> Order:
        """
        SHIPPED -> DELIVERED; idempotent. Raises NotFoundError, IllegalTransitionError.
        """
    def erase_personal_data(self, order_id: str) -> Order:
        """
        Erases the order's shipping address now (a data subject's request) and returns the
        order; idempotent. Raises NotFoundError, IllegalTransitionError (the order is not
        finished yet).
        """
    def erase_personal_data_before(self, older_than: int, limit: int = 50) -> int:
        """
        Erases the shipping address of at most `limit` finished orders (DELIVERED,
        CANCELLED, FAILED) last updated before `older_than` (ms), oldest first, keeping
        amounts and states (OrderPersonalDataErased each); returns how many. Call again
        until it returns less than `limit`. Raises InvalidArgumentError (limit).
        """
    def get(self, order_id: str) -> Order:
        """
        The order. Raises NotFoundError, InvalidArgumentError.
        """
    def list_for_user(self, user_id: str, *, cursor: str = '', limit: int = 50) -> commerce_core._page.Page[Order]:
        """
        One page of the user's orders, newest first.
        """
    def place(self, user_id: str, items: list[LineItem], *, coupon_id: str = '', coupon_required: bool = False, points_to_use: int = 0, payment_method: str = 'card', request_id: str = '', region: str = '', shipping_option: str = '', expected_total: int = -1, shipping_address: Address | None = None) -> Order:
        """
        Places an order and runs its saga (reserve stock, use points, use coupon, host
        steps, pay, confirm) to an end: CONFIRMED, FAILED (business refusals such as out of
        stock or a declined payment return the FAILED order, with failure_reason), or
        AWAITING_PAYMENT (pending or unknown payment). It is priced as quote() prices it
        (docs/pricing.md) and keeps the breakdown. expected_total (-1: none) is the total the
        buyer was shown (Quote.total): when the order would now cost another amount, nothing is
        written and FailedPreconditionError naming "expected_total" is raised. Raises
        InvalidArgumentError (a field, naming it; shipping_option unknown or unable to ship
        the order; tax_calculator's bad answer), NotFoundError, InactiveError,
        FailedPreconditionError (total above 0 and no gateway; expected_total),
        ConflictError, UnavailableError. shipping_address (an Address, or None) is validated
        first (errors name "shipping_address.<field>") and kept on the order.
        """
    def quote(self, user_id: str, items: list[LineItem], *, coupon_id: str = '', coupon_required: bool = False, points_to_use: int = 0, payment_method: str = 'card', request_id: str = '', region: str = '', shipping_option: str = '', expected_total: int = -1, shipping_address: Address | None = None) -> Quote:
        """
        What place() with the same arguments would charge now (a Quote), priced by the same
        pipeline from the same reads, writing nothing: an order placed from an unchanged store
        has the same lines, discount, shipping fee, tax and total. The coupon is previewed: an
        optional coupon that cannot be used is left out (coupon_note says why); request_id is
        ignored and expected_total is not compared. Raises the errors of place() for the
        arguments, and CouponInvalidError (a required coupon that cannot be used: the order
        would fail).
        """
    def recover(self) -> RecoveryReport:
        """
        Drives every saga in flight to an end (after a crash), and finishes every started
        refund; safe at any time.
        """
    def refund(self, order_id: str, amount: int, *, reason: str = '', request_id: str = '') -> Refund:
        """
        Gives back `amount` (minor units) of a CONFIRMED, SHIPPED or DELIVERED order's
        payment through the gateway's refund_part(), never more than was paid in total;
        returns the Refund (APPROVED or DECLINED). The same request_id and arguments return
        the same refund. Raises InvalidArgumentError (amount <= 0 or above what remains,
        order_id, reason), NotFoundError, IllegalTransitionError (not paid), ConflictError,
        UnavailableError (the gateway did not answer: recover() finishes the refund).
        """
    def refunds(self, order_id: str) -> list[Refund]:
        """
        The order's refunds, oldest first. Raises NotFoundError, InvalidArgumentError.
        """
    def ship(self, order_id: str) -> Order:
        """
        CONFIRMED -> SHIPPED; idempotent. Raises NotFoundError, IllegalTransitionError.
        """
    def sweep(self, limit: int = 100) -> list[str]:
        """
        Cancels AWAITING_PAYMENT orders past expires_at; returns their ids.
        """
class InvariantViolation:
    """
    One broken invariant.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, rule: str = ..., subject: str = ..., detail: str = ...) -> None:
        """
        Creates a InvariantViolation; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def detail(self) -> str:
        """
        The values of the rows that break it.
        """
    @detail.setter
    def detail(self, arg0: str) -> None:
        ...
    @property
    def rule(self) -> str:
        """
        e.g. "stock.reserved".
        """
    @rule.setter
    def rule(self, arg0: str) -> None:
        ...
    @property
    def subject(self) -> str:
        """
        The offending id.
        """
    @subject.setter
    def subject(self, arg0: str) -> None:
        ...
class InvariantReport:
    """
    What Store.check() found.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, violations: list[InvariantViolation] = ..., truncated: bool = ..., products: int = ..., users: int = ..., coupons: int = ..., templates: int = ..., orders: int = ...) -> None:
        """
        Creates a InvariantReport; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def coupons(self) -> int:
        """
        Rows examined.
        """
    @coupons.setter
    def coupons(self, arg0: int) -> None:
        ...
    @property
    def ok(self) -> bool:
        """
        True when nothing is violated.
        """
    @property
    def orders(self) -> int:
        """
        Rows examined.
        """
    @orders.setter
    def orders(self, arg0: int) -> None:
        ...
    @property
    def products(self) -> int:
        """
        Rows examined.
        """
    @products.setter
    def products(self, arg0: int) -> None:
        ...
    @property
    def templates(self) -> int:
        """
        Rows examined.
        """
    @templates.setter
    def templates(self, arg0: int) -> None:
        ...
    @property
    def truncated(self) -> bool:
        """
        Stopped at max_violations.
        """
    @truncated.setter
    def truncated(self, arg0: bool) -> None:
        ...
    @property
    def users(self) -> int:
        """
        Rows examined.
        """
    @users.setter
    def users(self, arg0: int) -> None:
        ...
    @property
    def violations(self) -> list[InvariantViolation]:
        """
        InvariantViolation list.
        """
    @violations.setter
    def violations(self, arg0: list[InvariantViolation]) -> None:
        ...
class InvariantRepair:
    """
    One recomputed counter.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, rule: str = ..., subject: str = ..., before: int = ..., after: int = ...) -> None:
        """
        Creates a InvariantRepair; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def after(self) -> int:
        """
        Value after.
        """
    @after.setter
    def after(self, arg0: int) -> None:
        ...
    @property
    def before(self) -> int:
        """
        Value before.
        """
    @before.setter
    def before(self, arg0: int) -> None:
        ...
    @property
    def rule(self) -> str:
        """
        The rule it broke.
        """
    @rule.setter
    def rule(self, arg0: str) -> None:
        ...
    @property
    def subject(self) -> str:
        """
        The product, user or template id.
        """
    @subject.setter
    def subject(self, arg0: str) -> None:
        ...
class RepairReport:
    """
    What Store.repair() did.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, repaired: list[InvariantRepair] = ..., unrepaired: list[InvariantViolation] = ...) -> None:
        """
        Creates a RepairReport; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def repaired(self) -> list[InvariantRepair]:
        """
        InvariantRepair list.
        """
    @repaired.setter
    def repaired(self, arg0: list[InvariantRepair]) -> None:
        ...
    @property
    def unrepaired(self) -> list[InvariantViolation]:
        """
        Violations that need an operator.
        """
    @unrepaired.setter
    def unrepaired(self, arg0: list[InvariantViolation]) -> None:
        ...
class AckStatus:
    """
    A sink's answer for one event.
    
    Members:
    
      ACKED : Durably accepted.
    
      FAILED : Publishing failed; retried with backoff.
    
      NOT_ATTEMPTED : Skipped: an earlier event of the same key failed in this batch.
    """
    ACKED: typing.ClassVar[AckStatus]
    FAILED: typing.ClassVar[AckStatus]
    NOT_ATTEMPTED: typing.ClassVar[AckStatus]
    __members__: typing.ClassVar[dict[str, AckStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class InboxOutcome:
    """
    What Inbox.receive() did.
    
    Members:
    
      APPLIED : Applied, with its inbox record.
    
      DUPLICATE : Already applied; nothing changed.
    """
    APPLIED: typing.ClassVar[InboxOutcome]
    DUPLICATE: typing.ClassVar[InboxOutcome]
    __members__: typing.ClassVar[dict[str, InboxOutcome]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class Ack:
    """
    A sink's acknowledgement of one event.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, status: AckStatus = ..., error: str = ...) -> None:
        """
        Creates a Ack; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def error(self) -> str:
        """
        Why, for FAILED.
        """
    @error.setter
    def error(self, arg0: str) -> None:
        ...
    @property
    def status(self) -> AckStatus:
        """
        AckStatus (default FAILED).
        """
    @status.setter
    def status(self, arg0: AckStatus) -> None:
        ...
class DeadLetter:
    """
    An outbox row the relay gave up on.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, event: Event = ..., attempts: int = ..., last_error: str = ..., dead_at: int = ..., parked_behind: int = ...) -> None:
        """
        Creates a DeadLetter; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def attempts(self) -> int:
        """
        Failed attempts (0 if parked).
        """
    @attempts.setter
    def attempts(self, arg0: int) -> None:
        ...
    @property
    def dead_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @dead_at.setter
    def dead_at(self, arg0: int) -> None:
        ...
    @property
    def event(self) -> Event:
        """
        The event.
        """
    @event.setter
    def event(self, arg0: Event) -> None:
        ...
    @property
    def last_error(self) -> str:
        """
        The sink's last error, or why parked.
        """
    @last_error.setter
    def last_error(self, arg0: str) -> None:
        ...
    @property
    def parked_behind(self) -> int:
        """
        Seq of the earlier dead letter of its key, or 0.
        """
    @parked_behind.setter
    def parked_behind(self, arg0: int) -> None:
        ...
class RelayBatch:
    """
    What one relay batch (or a drain) did.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, leader: bool = ..., published: int = ..., delivered: int = ..., failed: int = ..., dead_lettered: int = ..., parked: int = ...) -> None:
        """
        Creates a RelayBatch; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def dead_lettered(self) -> int:
        """
        Moved to the dead-letter table.
        """
    @dead_lettered.setter
    def dead_lettered(self, arg0: int) -> None:
        ...
    @property
    def delivered(self) -> int:
        """
        Acknowledged and marked delivered.
        """
    @delivered.setter
    def delivered(self, arg0: int) -> None:
        ...
    @property
    def failed(self) -> int:
        """
        Failed; retried after backoff.
        """
    @failed.setter
    def failed(self, arg0: int) -> None:
        ...
    @property
    def leader(self) -> bool:
        """
        False: another relay holds the lease.
        """
    @leader.setter
    def leader(self, arg0: bool) -> None:
        ...
    @property
    def parked(self) -> int:
        """
        Parked behind an earlier dead letter.
        """
    @parked.setter
    def parked(self, arg0: int) -> None:
        ...
    @property
    def progressed(self) -> bool:
        """
        True when the batch changed any row.
        """
    @property
    def published(self) -> int:
        """
        Events handed to the sink.
        """
    @published.setter
    def published(self, arg0: int) -> None:
        ...
class RelayStats:
    """
    Outbox progress and lag figures, read with index seeks; counts are
    exact up to the cap given to OutboxRelay.stats() (see *_capped).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, pending: int = ..., pending_capped: bool = ..., oldest_pending_seq: int = ..., last_seq: int = ..., lag_seqs: int = ..., delivered_through_seq: int = ..., dead_letters: int = ..., dead_letters_capped: bool = ..., oldest_pending_at: int = ..., oldest_pending_age_ms: int = ...) -> None:
        """
        Creates a RelayStats; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def dead_letters(self) -> int:
        """
        Rows in the dead-letter table; a lower bound if dead_letters_capped.
        """
    @dead_letters.setter
    def dead_letters(self, arg0: int) -> None:
        ...
    @property
    def dead_letters_capped(self) -> bool:
        """
        True if the dead letters span more seqs than the cap.
        """
    @dead_letters_capped.setter
    def dead_letters_capped(self, arg0: bool) -> None:
        ...
    @property
    def delivered_through_seq(self) -> int:
        """
        Every event with seq <= this is delivered or dead-lettered.
        """
    @delivered_through_seq.setter
    def delivered_through_seq(self, arg0: int) -> None:
        ...
    @property
    def lag_seqs(self) -> int:
        """
        last_seq - oldest_pending_seq + 1, or 0: an upper bound of pending.
        """
    @lag_seqs.setter
    def lag_seqs(self, arg0: int) -> None:
        ...
    @property
    def last_seq(self) -> int:
        """
        The newest stored event's seq; 0 if none.
        """
    @last_seq.setter
    def last_seq(self, arg0: int) -> None:
        ...
    @property
    def oldest_pending_age_ms(self) -> int:
        """
        now - oldest_pending_at; 0 if nothing is pending.
        """
    @oldest_pending_age_ms.setter
    def oldest_pending_age_ms(self, arg0: int) -> None:
        ...
    @property
    def oldest_pending_at(self) -> int:
        """
        0 if nothing is pending.
        """
    @oldest_pending_at.setter
    def oldest_pending_at(self, arg0: int) -> None:
        ...
    @property
    def oldest_pending_seq(self) -> int:
        """
        0 if nothing is pending.
        """
    @oldest_pending_seq.setter
    def oldest_pending_seq(self, arg0: int) -> None:
        ...
    @property
    def pending(self) -> int:
        """
        Rows not yet delivered nor dead-lettered; a lower bound if pending_capped.
        """
    @pending.setter
    def pending(self, arg0: int) -> None:
        ...
    @property
    def pending_capped(self) -> bool:
        """
        True if lag_seqs exceeds the cap: pending was not fully counted.
        """
    @pending_capped.setter
    def pending_capped(self, arg0: bool) -> None:
        ...
class IncomingMessage:
    """
    A parsed inbox message.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., type: str = ..., source: str = ..., occurred_at: int = ..., payload: str = ...) -> None:
        """
        Creates a IncomingMessage; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def id(self) -> str:
        """
        Message id.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def occurred_at(self) -> int:
        """
        0 if not given.
        """
    @occurred_at.setter
    def occurred_at(self, arg0: int) -> None:
        ...
    @property
    def payload(self) -> str:
        """
        Canonical JSON object text.
        """
    @payload.setter
    def payload(self, arg0: str) -> None:
        ...
    @property
    def source(self) -> str:
        """
        Sender, or empty.
        """
    @source.setter
    def source(self, arg0: str) -> None:
        ...
    @property
    def type(self) -> str:
        """
        Handler name.
        """
    @type.setter
    def type(self, arg0: str) -> None:
        ...
class EventSink:
    """
    Where the relay publishes events. Subclass it in Python and override
    publish(batch) -> list[Ack] (one Ack per event, in order, keeping per-key order) and
    name(). An exception in publish fails the whole batch (retried later), never a crash.
    """
    def __init__(self) -> None:
        """
        Creates the sink (call it from subclasses' __init__).
        """
    def name(self) -> str:
        """
        A short name for logs and relay figures.
        """
    def publish(self, batch: list[Event]) -> list[Ack]:
        """
        Publishes `batch` in order; one Ack per event.
        """
class EventSinkBase(EventSink):
    """
    The easy way to write a sink: override write(event) (raise to fail that event) and
    optionally flush() (raise to fail the batch) and name(). The base class serializes
    calls and keeps per-key order: after a failed event, later events of its key in the
    batch are NOT_ATTEMPTED.
    """
    def __init__(self) -> None:
        """
        Creates the sink (call it from subclasses' __init__).
        """
    def flush(self) -> None:
        """
        Makes the events written since the last flush durable; raise if that failed.
        """
    def write(self, event: Event) -> None:
        """
        Publishes one event; raise if it was not accepted.
        """
@typing.final
class MemorySink(EventSink):
    """
    Keeps every acknowledged event in memory, in publish order.
    """
    def __init__(self) -> None:
        """
        Creates an empty sink.
        """
    def __len__(self) -> int:
        """
        The number of events acknowledged so far.
        """
    def clear(self) -> None:
        """
        Forgets every event.
        """
    def events(self) -> list[Event]:
        """
        A copy of the events acknowledged so far.
        """
@typing.final
class CallbackSink(EventSink):
    """
    Calls a Python function for each event, in order; returning acknowledges it, raising
    fails it. Calls are serialized.
    """
    def __init__(self, callback: typing.Callable, name: str = 'callback') -> None:
        """
        Creates the sink around `callback(event)`.
        """
@typing.final
class JsonLinesSink(EventSink):
    """
    Appends one JSON envelope per line to a file (fsynced per batch by default).
    """
    def __init__(self, path: typing.Any, *, fsync: bool = True) -> None:
        """
        Opens (creating) the file. Raises InvalidArgumentError, UnavailableError.
        """
    @property
    def path(self) -> str:
        """
        The file.
        """
class OutboxRelay:
    """
    Drains the store's transactional outbox to a sink, in order per key, marking rows
    delivered only after the sink acknowledges; retries with backoff; dead-letters events
    that keep failing. Several relays on one store are safe (one lease holder delivers).
    """
    def __init__(self, store: Store, sink: EventSink, *, batch_size: int = 100, max_attempts: int = 5, backoff_initial_ms: int = 200, backoff_max_ms: int = 60000, lease_ms: int = 30000, idle_poll_ms: int = 200, owner: str = '') -> None:
        """
        Creates the relay of `store` publishing to `sink`. Raises InvalidArgumentError
        naming the option out of range.
        """
    def dead_letters(self, after_seq: int = 0, limit: int = 100) -> list[DeadLetter]:
        """
        Dead letters with seq > after_seq, by seq.
        """
    def drain(self, max_batches: int = 1000000) -> RelayBatch:
        """
        Runs batches until one makes no progress; returns the sums.
        """
    def release_lease(self) -> None:
        """
        Gives up the lease so a standby relay can take over at once.
        """
    def retry_dead_letters(self, key: str = '') -> int:
        """
        Moves the dead letters of `key` (all if empty) back to pending.
        """
    def run_once(self) -> RelayBatch:
        """
        Publishes at most one batch of due events; returns what it did.
        """
    def stats(self, count_cap: int = 10000) -> RelayStats:
        """
        Pending, lag and dead letters, with index seeks and counts over at most count_cap
        seqs (exact when they fit: see pending_capped). Raises InvalidArgumentError naming
        count_cap unless 1 <= count_cap <= 100000000.
        """
class RelayProgress:
    """
    Totals of one RelayService.run().
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, batches: int = ..., published: int = ..., delivered: int = ..., failed: int = ..., dead_lettered: int = ..., elapsed_ms: int = ..., delivered_per_second: float = ..., stats: RelayStats = ..., final: bool = ...) -> None:
        """
        Creates a RelayProgress; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def batches(self) -> int:
        """
        Batches that made progress.
        """
    @batches.setter
    def batches(self, arg0: int) -> None:
        ...
    @property
    def dead_lettered(self) -> int:
        """
        Moved to the dead-letter table.
        """
    @dead_lettered.setter
    def dead_lettered(self, arg0: int) -> None:
        ...
    @property
    def delivered(self) -> int:
        """
        Acknowledged and marked delivered.
        """
    @delivered.setter
    def delivered(self, arg0: int) -> None:
        ...
    @property
    def delivered_per_second(self) -> float:
        """
        delivered / elapsed.
        """
    @delivered_per_second.setter
    def delivered_per_second(self, arg0: float) -> None:
        ...
    @property
    def elapsed_ms(self) -> int:
        """
        Since run() started.
        """
    @elapsed_ms.setter
    def elapsed_ms(self, arg0: int) -> None:
        ...
    @property
    def failed(self) -> int:
        """
        Failed attempts, to be retried.
        """
    @failed.setter
    def failed(self, arg0: int) -> None:
        ...
    @property
    def final(self) -> bool:
        """
        True for the report made as run() returns.
        """
    @final.setter
    def final(self, arg0: bool) -> None:
        ...
    @property
    def published(self) -> int:
        """
        Events handed to the sink.
        """
    @published.setter
    def published(self, arg0: int) -> None:
        ...
    @property
    def stats(self) -> RelayStats:
        """
        Outbox figures at the time of the report.
        """
    @stats.setter
    def stats(self, arg0: RelayStats) -> None:
        ...
class RelayService:
    """
    Runs a relay until stop() (from another thread), then shuts down gracefully: the batch
    in flight finishes and is recorded, the lease is released. Python keeps its own signal
    handling (call stop() from a handler).
    """
    def __init__(self, relay: OutboxRelay, *, progress_interval_ms: int = 1000, on_progress: typing.Any = None) -> None:
        """
        Creates the service around `relay`; `on_progress(progress)` is called on run()'s
        thread at most every progress_interval_ms and once more as run() returns.
        """
    def run(self) -> RelayProgress:
        """
        Relays until stop(); returns the final totals. Raises FailedPreconditionError if
        already running.
        """
    def stop(self) -> None:
        """
        Requests a graceful stop; thread-safe.
        """
class Inbox:
    """
    Incoming events from other services, each applied exactly once (keyed
    by message id). Built-in types: PaymentCompleted, PaymentFailed,
    DeliveryUpdated; register_handler() adds handlers written in Python.
    """
    def applied_count(self) -> int:
        """
        How many messages were applied.
        """
    def has_handler(self, type: str) -> bool:
        """
        Whether `type` has a handler.
        """
    def receive(self, message: typing.Any) -> InboxOutcome:
        """
        Parses and applies a message (JSON text or a dict: id, type, payload, optional
        source and occurred_at). A re-delivery returns DUPLICATE. Raises
        InvalidArgumentError naming the field, the handler's error, ConflictError (same id,
        other content), UnavailableError; a Python handler's own exception unchanged.
        """
    def register_handler(self, type: str, handler: typing.Callable) -> None:
        """
        Adds or replaces the handler of message type `type` (1..64 of A-Z a-z 0-9 . _ -).
        receive() calls `handler(ctx, message)` (an InboxContext and the IncomingMessage)
        inside the unit of work that records the message id: write the effect through
        ctx.unit (a Unit) and it commits with the record, once per message id. Raising refuses
        the message: nothing is recorded, and receive() raises that same exception. The
        handler may run more than once per message (the unit is retried on contention), so it
        must change state only through ctx.unit (use ctx.unit.after_commit for the rest).
        Raises InvalidArgumentError naming "type".
        """
    def seen(self, message_id: str) -> bool:
        """
        Whether a message id has been applied.
        """
    def types(self) -> list[str]:
        """
        Registered types, sorted.
        """
class SagaRecord:
    """
    One order's saga, as stored (UnitLookups.saga).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, order_id: str = ..., state: SagaState = ..., step: int = ..., position: int = ..., steps: list[str] = ..., reason: str = ..., updated_at: int = ...) -> None:
        """
        Creates a SagaRecord; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def position(self) -> int:
        """
        Increases with every change.
        """
    @position.setter
    def position(self, arg0: int) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        Why it is compensating or cancelling.
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
    @property
    def state(self) -> SagaState:
        """
        SagaState.
        """
    @state.setter
    def state(self, arg0: SagaState) -> None:
        ...
    @property
    def step(self) -> int:
        """
        RUNNING: index of the next step (len(steps) means confirm); COMPENSATING /
        CANCELLING: how many steps are still to be compensated.
        """
    @step.setter
    def step(self, arg0: int) -> None:
        ...
    @property
    def steps(self) -> list[str]:
        """
        Step names, fixed when the saga started.
        """
    @steps.setter
    def steps(self, arg0: list[str]) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class SagaLogEntry:
    """
    One line of an order's saga log (UnitLookups.saga_log).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, order_id: str = ..., step: str = ..., action: str = ..., detail: str = ..., at: int = ...) -> None:
        """
        Creates a SagaLogEntry; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def action(self) -> str:
        """
        "done", "skipped", "failed", "begin", "pending", "compensated", ...
        """
    @action.setter
    def action(self, arg0: str) -> None:
        ...
    @property
    def at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @at.setter
    def at(self, arg0: int) -> None:
        ...
    @property
    def detail(self) -> str:
        """
        JSON object text.
        """
    @detail.setter
    def detail(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def step(self) -> str:
        """
        A step name, or "order" for the saga's own moves.
        """
    @step.setter
    def step(self, arg0: str) -> None:
        ...
class OutboxCounts:
    """
    Outbox figures, as of one unit of work (UnitEvents.counts).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, pending: int = ..., delivered: int = ..., dead_letters: int = ..., oldest_pending_at: int = ...) -> None:
        """
        Creates a OutboxCounts; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def dead_letters(self) -> int:
        """
        Rows in the dead-letter table.
        """
    @dead_letters.setter
    def dead_letters(self, arg0: int) -> None:
        ...
    @property
    def delivered(self) -> int:
        """
        Rows acknowledged by a sink.
        """
    @delivered.setter
    def delivered(self, arg0: int) -> None:
        ...
    @property
    def oldest_pending_at(self) -> int:
        """
        occurred_at of the oldest pending row (ms since epoch); 0 if none.
        """
    @oldest_pending_at.setter
    def oldest_pending_at(self, arg0: int) -> None:
        ...
    @property
    def pending(self) -> int:
        """
        Rows not yet delivered nor dead-lettered.
        """
    @pending.setter
    def pending(self, arg0: int) -> None:
        ...
@typing.final
class UnitPoints:
    """
    Points balances inside a unit of work (Unit.points); each write keeps
    the ledger (an entry with balance_after) and writes its event.
    """
    def balance(self, user_id: str) -> int:
        """
        The user's balance (0 for a user with no entries). Raises InvalidArgumentError
        naming "user_id".
        """
    def credit(self, user_id: str, amount: int, reason: str) -> PointsEntry:
        """
        Adds `amount` (1..1e15) to the user's balance with a ledger entry (kind ADJUST,
        `reason`, balance_after) and a PointAdjusted event; returns the PointsEntry.
        Raises InvalidArgumentError naming "user_id", "amount" (also if the balance would
        overflow) or "reason"; FailedPreconditionError naming "unit" in a read unit.
        """
    def debit(self, user_id: str, amount: int, reason: str) -> PointsEntry:
        """
        Takes `amount` (1..1e15) from the user's balance, never below zero, with a ledger
        entry (kind ADJUST, amount negative) and a PointAdjusted event; returns the
        PointsEntry. Raises as credit() does, and InsufficientPointsError naming the user
        (nothing changed).
        """
@typing.final
class UnitStock:
    """
    Stock inside a unit of work (Unit.stock); an adjustment keeps its
    audit row and writes its event.
    """
    def adjust(self, product_id: str, delta: int, reason: str) -> StockLevel:
        """
        Restock (delta > 0) or shrink (delta < 0, never below what is reserved) with an
        audit row and a StockAdjusted event; returns the StockLevel after it. Raises
        InvalidArgumentError naming "product_id", "delta" or "reason"; NotFoundError
        (product); OutOfStockError naming the product; FailedPreconditionError naming
        "unit" in a read unit.
        """
    def level(self, product_id: str) -> StockLevel | None:
        """
        The product's StockLevel, or None if there is no such product. Raises
        InvalidArgumentError naming "product_id".
        """
    def reservations(self, order_id: str) -> list[Reservation]:
        """
        The order's reservation rows in every state, by product id. Raises
        InvalidArgumentError naming "order_id".
        """
@typing.final
class UnitEvents:
    """
    The transactional outbox inside a unit of work (Unit.events).
    """
    def counts(self) -> OutboxCounts:
        """
        Pending, delivered and dead-lettered counts and the oldest pending time
        (OutboxCounts).
        """
    def emit(self, type: str, key: str, payload: str) -> Event:
        """
        Appends a host event to the outbox (published only if the unit commits) and returns
        it as appended (id, seq, topic). `type`: 2..8 PascalCase words such as
        "LoyaltyBonusApplied", not one of the library's own types; `key`: the aggregate id
        (the Kafka partition key); `payload`: JSON object text (at most 64 KiB). Topic
        "host-events", or "host.loyalty.bonus-applied" under per-type naming. Raises
        InvalidArgumentError naming "type", "key" or "payload"; FailedPreconditionError
        naming "unit" in a read unit.
        """
    def outbox(self, after_seq: int = 0, limit: int = 100) -> list[Event]:
        """
        Outbox events with seq > after_seq, by seq, at most `limit` (1..1000). Raises
        InvalidArgumentError naming "after_seq" or "limit".
        """
@typing.final
class UnitLookups:
    """
    Read-only lookups inside a unit of work (Unit.lookups); each raises
    InvalidArgumentError naming its id argument if it is not a valid id.
    """
    def coupon(self, coupon_id: str) -> Coupon | None:
        """
        The issued Coupon, or None.
        """
    def order(self, order_id: str) -> Order | None:
        """
        The Order with its items, or None.
        """
    def payment(self, order_id: str) -> Payment | None:
        """
        The order's Payment, or None.
        """
    def product(self, product_id: str) -> Product | None:
        """
        The Product (any status), or None.
        """
    def saga(self, order_id: str) -> SagaRecord | None:
        """
        The order's SagaRecord, or None.
        """
    def saga_log(self, order_id: str) -> list[SagaLogEntry]:
        """
        The order's saga log (SagaLogEntry), in the order it was written.
        """
@typing.final
class Unit:
    """
    One open unit of work, given to an inbox handler (InboxContext.unit) and to a
    Store.run_unit work function. Every call keeps the library's invariants and writes its
    events inside the unit: what the callback writes commits together (with the inbox
    record, for a handler), or not at all if it raises. A refused call (bad input, not
    enough points, ...) changes nothing and the unit carries on.
    
    Valid only during the callback: using it (or its views) afterwards raises
    FailedPreconditionError (subject "unit"). Every call releases the GIL.
    """
    def __repr__(self) -> str:
        """
        <Unit (open, write)>, <Unit (open, read)> or <Unit (closed)>.
        """
    def after_commit(self, action: typing.Callable) -> None:
        """
        Calls `action()` after the unit committed (not if it rolls back). Its exceptions are
        printed as unraisable, not raised, and a crash may lose it.
        """
    @property
    def events(self) -> UnitEvents:
        """
        The outbox (UnitEvents).
        """
    @property
    def lookups(self) -> UnitLookups:
        """
        Products, coupons, orders, payments and sagas (UnitLookups).
        """
    @property
    def now(self) -> int:
        """
        The store clock's time for this unit (ms since epoch); every row it writes carries it.
        """
    @property
    def points(self) -> UnitPoints:
        """
        Points balances (UnitPoints).
        """
    @property
    def stock(self) -> UnitStock:
        """
        Stock (UnitStock).
        """
    @property
    def valid(self) -> bool:
        """
        True while the callback it was given to runs.
        """
    @property
    def writable(self) -> bool:
        """
        False in a read unit (Store.run_unit without write=True): writes raise there.
        """
@typing.final
class InboxContext:
    """
    What an inbox handler gets: the message and the unit of work it is applied in. Write the
    message's effect through .unit (not through Store services, which open units of their
    own). Valid only during the handler call: using it afterwards raises
    FailedPreconditionError (subject "inbox-context").
    """
    def __repr__(self) -> str:
        """
        <InboxContext message ID type TYPE> or <InboxContext (closed)>.
        """
    @property
    def message(self) -> IncomingMessage:
        """
        The IncomingMessage being applied.
        """
    @property
    def unit(self) -> Unit:
        """
        The Unit the inbox record is written in.
        """
    @property
    def valid(self) -> bool:
        """
        True while the handler runs.
        """
class CartStatus:
    """
    State of a cart.
    
    Members:
    
      OPEN : May be changed.
    
      CHECKED_OUT : An order was placed from it (order_id).
    
      EXPIRED : A guest cart swept after its expiry.
    
      MERGED : A guest cart merged into a user's cart at sign-in.
    """
    CHECKED_OUT: typing.ClassVar[CartStatus]
    EXPIRED: typing.ClassVar[CartStatus]
    MERGED: typing.ClassVar[CartStatus]
    OPEN: typing.ClassVar[CartStatus]
    __members__: typing.ClassVar[dict[str, CartStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class CartLine:
    """
    One product of a cart and its quantity.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., qty: int = ..., added_at: int = ...) -> None:
        """
        Creates a CartLine; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def added_at(self) -> int:
        """
        When the product was first added to the cart (ms).
        """
    @added_at.setter
    def added_at(self, arg0: int) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product (a variant, not its parent).
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units, 1..MAX_CART_LINE_QTY.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
class Cart:
    """
    A user's or a guest's cart with its lines.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., user_id: str = ..., status: CartStatus = ..., lines: list[CartLine] = ..., order_id: str = ..., created_at: int = ..., updated_at: int = ..., expires_at: int = ..., held_until: int = ..., shipping_address: Address | None = ...) -> None:
        """
        Creates a Cart; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def expires_at(self) -> int:
        """
        A guest cart's expiry (ms); 0 for a user's cart.
        """
    @expires_at.setter
    def expires_at(self, arg0: int) -> None:
        ...
    @property
    def held_until(self) -> int:
        """
        Until when hold() keeps its stock reserved (ms); 0 for no hold.
        """
    @held_until.setter
    def held_until(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        The cart id (UUIDv7).
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def lines(self) -> list[CartLine]:
        """
        Its lines, by product id.
        """
    @lines.setter
    def lines(self, arg0: list[CartLine]) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order placed from it (CHECKED_OUT); for an OPEN cart whose last checkout
        failed, that FAILED order; empty otherwise.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def shipping_address(self) -> Address | None:
        """
        Where an order from it ships to (set_shipping_address); None if not set, or
        once a closed cart's address was erased.
        """
    @shipping_address.setter
    def shipping_address(self, arg0: Address | None) -> None:
        ...
    @property
    def status(self) -> CartStatus:
        """
        OPEN, or closed: CHECKED_OUT, EXPIRED, MERGED.
        """
    @status.setter
    def status(self, arg0: CartStatus) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
    @property
    def user_id(self) -> str:
        """
        The owning user; empty for a guest cart.
        """
    @user_id.setter
    def user_id(self, arg0: str) -> None:
        ...
class GuestCart:
    """
    A new guest cart and the token that opens it.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, cart: Cart = ..., guest_token: str = ...) -> None:
        """
        Creates a GuestCart; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def cart(self) -> Cart:
        """
        The cart.
        """
    @cart.setter
    def cart(self, arg0: Cart) -> None:
        ...
    @property
    def guest_token(self) -> str:
        """
        The bearer secret that opens the cart; shown only here.
        """
    @guest_token.setter
    def guest_token(self, arg0: str) -> None:
        ...
class WishlistItem:
    """
    A product on a user's wishlist.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., added_at: int = ...) -> None:
        """
        Creates a WishlistItem; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def added_at(self) -> int:
        """
        When it was added (ms).
        """
    @added_at.setter
    def added_at(self, arg0: int) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
class Carts:
    """
    Carts of users and guests, sharing, wishlists (docs/carts.md). Every call on a cart
    names it by id and who acts: user_id=, or guest_token= (the token open_guest issued).
    A key that does not fit the cart raises NotFoundError naming "user_id" or
    "guest_token"; a closed cart refuses changes (FailedPreconditionError naming it).
    Thread-safe.
    """
    def add(self, cart_id: str, product_id: str, qty: int = 1, *, user_id: str = '', guest_token: str = '', request_id: str = '') -> Cart:
        """
        Adds qty units of an orderable product (onto its line if there is one) and returns
        the cart; idempotent per request_id. Raises InvalidArgumentError (qty),
        NotFoundError, FailedPreconditionError
        (not orderable, closed cart, MAX_CART_LINES).
        """
    def add_to_wishlist(self, user_id: str, product_id: str) -> None:
        """
        Adds the product to the user's wishlist (nothing if it is there).
        """
    def checkout(self, cart_id: str, *, user_id: str = '', guest_token: str = '', coupon_id: str = '', coupon_required: bool = False, points_to_use: int = 0, payment_method: str = 'card', region: str = '', shipping_option: str = '', expected_total: int = -1, requote: bool = False, shipping_address: Address | None = None) -> Order:
        """
        Places an order from the cart's lines (OrderBook.place with these arguments, shipping to
        shipping_address or else the cart's own; a guest
        cart's order is for the user "guest:<cart id>") and closes the cart as CHECKED_OUT
        with it, emitting CartCheckedOut. Idempotent by the cart: a checked-out cart returns
        its order, whatever the arguments. A FAILED order leaves the cart OPEN (order_id
        names it) to change and check out again. expected_total (-1: none) is the total the
        shopper was shown (quote().total): if the cart costs another amount now, nothing
        changes and FailedPreconditionError naming "expected_total" is raised, unless
        requote=True. Raises the errors of get(), FailedPreconditionError (the cart is
        closed other than checked out, or empty; expected_total), those of
        OrderBook.place(), UnavailableError (the cart kept changing: call again).
        """
    def clear(self, cart_id: str, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        Removes every line.
        """
    def copy_shared(self, share_token: str, cart_id: str, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        Copies the shared cart's lines into this cart (a product already there keeps the
        larger quantity) and returns it. Raises NotFoundError (share_token).
        """
    def get(self, cart_id: str, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        The cart with its lines (closed carts too, except an expired guest cart).
        Raises InvalidArgumentError, NotFoundError, FailedPreconditionError (expired).
        """
    def hold(self, cart_id: str, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        Reserves the cart's lines for the store's cart_hold_ms (the flash-sale mode); checkout
        takes the hold over for the order; changing the cart releases it. Raises
        FailedPreconditionError (reason OUT_OF_STOCK naming the product; a closed or empty
        cart).
        """
    def open_for_user(self, user_id: str) -> Cart:
        """
        The user's open cart, created if none; concurrent calls return the same cart.
        Raises InvalidArgumentError.
        """
    def open_guest(self) -> GuestCart:
        """
        A new empty guest cart and its token (guest_cart_ttl_ms of Store.open).
        """
    def quote(self, cart_id: str, *, user_id: str = '', guest_token: str = '', coupon_id: str = '', coupon_required: bool = False, points_to_use: int = 0, payment_method: str = 'card', region: str = '', shipping_option: str = '', expected_total: int = -1, requote: bool = False, shipping_address: Address | None = None) -> Quote:
        """
        What checking the cart out with these arguments would cost now (OrderBook.quote of
        its lines; expected_total and requote are ignored), writing nothing. Raises the
        errors of get(), FailedPreconditionError (the cart is closed or empty, naming its
        id), those of OrderBook.quote().
        """
    def remove(self, cart_id: str, product_id: str, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        Removes the product's line, if any.
        """
    def remove_from_wishlist(self, user_id: str, product_id: str) -> bool:
        """
        Removes the product from the wishlist; False if it was not there.
        """
    def set_quantity(self, cart_id: str, product_id: str, qty: int, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        Sets the product's line to qty units (0 removes it). Errors as add().
        """
    def set_shipping_address(self, cart_id: str, address: Address | None, *, user_id: str = '', guest_token: str = '') -> Cart:
        """
        Sets (None clears) the Address an order from the cart ships to; checkout copies it
        unless given another. Raises InvalidArgumentError naming
        "shipping_address.<field>", FailedPreconditionError (closed cart).
        """
    def share(self, cart_id: str, *, user_id: str = '', guest_token: str = '') -> str:
        """
        The cart's share token, the same on every call.
        """
    def sign_in(self, guest_token: str, user_id: str, *, request_id: str = '') -> Cart:
        """
        Merges the guest cart into the user's open cart (a product in both keeps the larger
        quantity), closes the guest cart as MERGED and returns the user's cart; idempotent
        per request_id. Raises
        NotFoundError (guest_token), FailedPreconditionError (closed or expired guest
        cart, MAX_CART_LINES).
        """
    def sweep(self, limit: int = 100) -> list[str]:
        """
        Expires at most `limit` open guest carts past their expiry (CartAbandoned for
        those with lines) and returns their ids.
        """
    def wishlist(self, user_id: str, cursor: str = '', limit: int = 50) -> commerce_core._page.Page[WishlistItem]:
        """
        The user's wishlist, newest first, a page at a time.
        """
class ShipmentStatus:
    """
    States of a shipment (docs/shipments.md).
    
    Members:
    
      REQUESTED : Recorded; the carrier's label is being created (recover() finishes it).
    
      PENDING : Labelled, waiting for pick-up.
    
      SHIPPED : Picked up (dispatched).
    
      IN_TRANSIT : On the way.
    
      DELIVERY_FAILED : A delivery attempt failed; may be re-attempted.
    
      DELIVERED : Final: delivered.
    
      RETURNED : Final: returned to sender; its units are unshipped again.
    
      CANCELLING : Being cancelled at the carrier (recover() finishes it).
    
      CANCELLED : Cancelled before pick-up; its units are unshipped again.
    """
    CANCELLED: typing.ClassVar[ShipmentStatus]
    CANCELLING: typing.ClassVar[ShipmentStatus]
    DELIVERED: typing.ClassVar[ShipmentStatus]
    DELIVERY_FAILED: typing.ClassVar[ShipmentStatus]
    IN_TRANSIT: typing.ClassVar[ShipmentStatus]
    PENDING: typing.ClassVar[ShipmentStatus]
    REQUESTED: typing.ClassVar[ShipmentStatus]
    RETURNED: typing.ClassVar[ShipmentStatus]
    SHIPPED: typing.ClassVar[ShipmentStatus]
    __members__: typing.ClassVar[dict[str, ShipmentStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class CarrierOutcome:
    """
    A carrier's answer.
    
    Members:
    
      DONE : Created (cancel: cancelled, or never created and now blocked).
    
      REFUSED : create: refused (e.g. an address it cannot serve); cancel: too late (picked up).
    
      UNKNOWN : Timeout or transport error: the call may or may not have applied.
    """
    DONE: typing.ClassVar[CarrierOutcome]
    REFUSED: typing.ClassVar[CarrierOutcome]
    UNKNOWN: typing.ClassVar[CarrierOutcome]
    __members__: typing.ClassVar[dict[str, CarrierOutcome]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class CarrierRequest:
    """
    What the library asks a carrier to carry.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, idempotency_key: str = ..., order_id: str = ..., location_id: str = ..., to: Address | None = ..., items: list[LineItem] = ..., timeout_ms: int = ...) -> None:
        """
        Creates a CarrierRequest; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def idempotency_key(self) -> str:
        """
        The shipment id: the same for every attempt.
        """
    @idempotency_key.setter
    def idempotency_key(self, arg0: str) -> None:
        ...
    @property
    def items(self) -> list[LineItem]:
        """
        LineItem list: the units it carries.
        """
    @items.setter
    def items(self, arg0: list[LineItem]) -> None:
        ...
    @property
    def location_id(self) -> str:
        """
        Where it leaves from.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def timeout_ms(self) -> int:
        """
        The call must answer UNKNOWN rather than take longer.
        """
    @timeout_ms.setter
    def timeout_ms(self, arg0: int) -> None:
        ...
    @property
    def to(self) -> Address | None:
        """
        The order's shipping Address, or None.
        """
    @to.setter
    def to(self, arg0: Address | None) -> None:
        ...
class CarrierLabel:
    """
    A carrier's answer to create().
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, outcome: CarrierOutcome = ..., tracking_number: str = ..., label_url: str = ..., message: str = ...) -> None:
        """
        Creates a CarrierLabel; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def label_url(self) -> str:
        """
        Where the label can be printed, if the carrier gives one.
        """
    @label_url.setter
    def label_url(self, arg0: str) -> None:
        ...
    @property
    def message(self) -> str:
        """
        Why, for refusals and errors.
        """
    @message.setter
    def message(self, arg0: str) -> None:
        ...
    @property
    def outcome(self) -> CarrierOutcome:
        """
        CarrierOutcome.
        """
    @outcome.setter
    def outcome(self, arg0: CarrierOutcome) -> None:
        ...
    @property
    def tracking_number(self) -> str:
        """
        DONE: the carrier's tracking number (non-empty).
        """
    @tracking_number.setter
    def tracking_number(self, arg0: str) -> None:
        ...
class TrackingEvent:
    """
    One scan of a parcel as the carrier reports it.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, status: ShipmentStatus = ..., occurred_at: int = ..., detail: str = ...) -> None:
        """
        Creates a TrackingEvent; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def detail(self) -> str:
        """
        e.g. "arrived at Seoul hub".
        """
    @detail.setter
    def detail(self, arg0: str) -> None:
        ...
    @property
    def occurred_at(self) -> int:
        """
        The carrier's time of the scan (ms since epoch, > 0).
        """
    @occurred_at.setter
    def occurred_at(self, arg0: int) -> None:
        ...
    @property
    def status(self) -> ShipmentStatus:
        """
        ShipmentStatus: SHIPPED .. RETURNED.
        """
    @status.setter
    def status(self, arg0: ShipmentStatus) -> None:
        ...
class ShipmentItem:
    """
    Units of one product in a shipment.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., qty: int = ...) -> None:
        """
        Creates a ShipmentItem; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def product_id(self) -> str:
        """
        The product (a line of the order).
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
class Shipment:
    """
    Units of an order leaving from one location.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., order_id: str = ..., location_id: str = ..., carrier: str = ..., status: ShipmentStatus = ..., items: list[ShipmentItem] = ..., tracking_number: str = ..., label_url: str = ..., note: str = ..., tracked_at: int = ..., created_at: int = ..., updated_at: int = ...) -> None:
        """
        Creates a Shipment; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def carrier(self) -> str:
        """
        A name of Store.open(carriers=...), or "" (the host ships it itself).
        """
    @carrier.setter
    def carrier(self, arg0: str) -> None:
        ...
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7; the carrier's idempotency key.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def items(self) -> list[ShipmentItem]:
        """
        ShipmentItem list, by product id.
        """
    @items.setter
    def items(self, arg0: list[ShipmentItem]) -> None:
        ...
    @property
    def label_url(self) -> str:
        """
        Where the label can be printed, if given.
        """
    @label_url.setter
    def label_url(self, arg0: str) -> None:
        ...
    @property
    def location_id(self) -> str:
        """
        Where it leaves from.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def note(self) -> str:
        """
        The last tracking detail, or why it was refused or cancelled.
        """
    @note.setter
    def note(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def status(self) -> ShipmentStatus:
        """
        ShipmentStatus.
        """
    @status.setter
    def status(self, arg0: ShipmentStatus) -> None:
        ...
    @property
    def tracked_at(self) -> int:
        """
        occurred_at of the last tracking update applied (0: none).
        """
    @tracked_at.setter
    def tracked_at(self, arg0: int) -> None:
        ...
    @property
    def tracking_number(self) -> str:
        """
        The carrier's (or the host's).
        """
    @tracking_number.setter
    def tracking_number(self, arg0: str) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class TrackingUpdate:
    """
    One tracking update for Shipments.track(): names the shipment by id, or by carrier and
    tracking number.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, shipment_id: str = ..., carrier: str = ..., tracking_number: str = ..., event: TrackingEvent = ...) -> None:
        """
        Creates a TrackingUpdate; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def carrier(self) -> str:
        """
        With tracking_number, when no shipment_id.
        """
    @carrier.setter
    def carrier(self, arg0: str) -> None:
        ...
    @property
    def event(self) -> TrackingEvent:
        """
        The TrackingEvent.
        """
    @event.setter
    def event(self, arg0: TrackingEvent) -> None:
        ...
    @property
    def shipment_id(self) -> str:
        """
        The shipment, or "".
        """
    @shipment_id.setter
    def shipment_id(self, arg0: str) -> None:
        ...
    @property
    def tracking_number(self) -> str:
        """
        The carrier's number.
        """
    @tracking_number.setter
    def tracking_number(self, arg0: str) -> None:
        ...
class ShipmentReport:
    """
    What Shipments.recover() and poll() did.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, examined: int = ..., changed: int = ..., unresolved: list[str] = ...) -> None:
        """
        Creates a ShipmentReport; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def changed(self) -> int:
        """
        Shipments whose state moved.
        """
    @changed.setter
    def changed(self, arg0: int) -> None:
        ...
    @property
    def examined(self) -> int:
        """
        Shipments looked at.
        """
    @examined.setter
    def examined(self, arg0: int) -> None:
        ...
    @property
    def unresolved(self) -> list[str]:
        """
        "shipment id: error" for calls that kept failing.
        """
    @unresolved.setter
    def unresolved(self, arg0: list[str]) -> None:
        ...
class Carrier:
    """
    A carrier (DHL, FedEx, Hanjin, ... or the host's own integration). Subclass it in Python
    and override create(request) -> CarrierLabel, cancel(idempotency_key, timeout_ms) ->
    CarrierOutcome and track(tracking_number, timeout_ms) -> list[TrackingEvent]; pass
    instances as Store.open(..., carriers={name: carrier}). Each must be idempotent per key
    (a repeated create returns the first label). Methods are called from the library's
    threads, outside any transaction (with the GIL held during the call), possibly at once;
    they must not call the store. Raise UnavailableError for a transient failure (retried
    with the same key); any other exception or a result of the wrong type counts as one too
    (the answer is unknown: the shipment stays REQUESTED or CANCELLING for recover()).
    """
    def __init__(self) -> None:
        """
        Creates the carrier (call it from subclasses' __init__).
        """
    def cancel(self, idempotency_key: str, timeout_ms: int) -> CarrierOutcome:
        """
        Cancels the key's shipment before pick-up and blocks later creates with the key.
        DONE: cancelled (or never created, now blocked); REFUSED: already picked up.
        """
    def create(self, request: CarrierRequest) -> CarrierLabel:
        """
        Creates the shipment and its label for `request` (a CarrierRequest).
        """
    def track(self, tracking_number: str, timeout_ms: int) -> list[TrackingEvent]:
        """
        The scans of the parcel so far (TrackingEvent list), oldest first. Raises
        UnavailableError, NotFoundError.
        """
@typing.final
class FakeCarrier(Carrier):
    """
    A scriptable in-process carrier for tests and demos: every create succeeds with
    tracking number "FAKE-" + a counter unless scripted. With `record_path`, its ledger is
    kept in that file (fsynced before a call returns, replayed on open, shared by
    processes).
    """
    class Operation:
        """
        A carrier operation to script.
        
        Members:
        
          CREATE : create()
        
          CANCEL : cancel()
        
          TRACK : track()
        """
        CANCEL: typing.ClassVar[FakeCarrier.Operation]
        CREATE: typing.ClassVar[FakeCarrier.Operation]
        TRACK: typing.ClassVar[FakeCarrier.Operation]
        __members__: typing.ClassVar[dict[str, FakeCarrier.Operation]]
        def __eq__(self, other: typing.Any) -> bool:
            ...
        def __getstate__(self) -> int:
            ...
        def __hash__(self) -> int:
            ...
        def __index__(self) -> int:
            ...
        def __init__(self, value: int) -> None:
            ...
        def __int__(self) -> int:
            ...
        def __ne__(self, other: typing.Any) -> bool:
            ...
        def __repr__(self) -> str:
            """
            The enum member, as Class.MEMBER.
            """
        def __setstate__(self, state: int) -> None:
            ...
        def __str__(self) -> str:
            ...
        @property
        def name(self) -> str:
            ...
        @property
        def value(self) -> int:
            ...
    class Behaviour:
        """
        What a scripted call does.
        
        Members:
        
          SUCCEED : Apply and answer DONE.
        
          REFUSE : Answer REFUSED; nothing applied.
        
          FAIL : Raise Unavailable before applying.
        
          TIMEOUT : Apply, then answer UNKNOWN.
        """
        FAIL: typing.ClassVar[FakeCarrier.Behaviour]
        REFUSE: typing.ClassVar[FakeCarrier.Behaviour]
        SUCCEED: typing.ClassVar[FakeCarrier.Behaviour]
        TIMEOUT: typing.ClassVar[FakeCarrier.Behaviour]
        __members__: typing.ClassVar[dict[str, FakeCarrier.Behaviour]]
        def __eq__(self, other: typing.Any) -> bool:
            ...
        def __getstate__(self) -> int:
            ...
        def __hash__(self) -> int:
            ...
        def __index__(self) -> int:
            ...
        def __init__(self, value: int) -> None:
            ...
        def __int__(self) -> int:
            ...
        def __ne__(self, other: typing.Any) -> bool:
            ...
        def __repr__(self) -> str:
            """
            The enum member, as Class.MEMBER.
            """
        def __setstate__(self, state: int) -> None:
            ...
        def __str__(self) -> str:
            ...
        @property
        def name(self) -> str:
            ...
        @property
        def value(self) -> int:
            ...
    def __init__(self, record_path: str = '') -> None:
        """
        Creates the carrier; memory-only when `record_path` is empty.
        """
    def calls(self, operation: FakeCarrier.Operation) -> int:
        """
        Calls of `operation` made to this instance.
        """
    def cancelled_for(self, order_id: str) -> int:
        """
        Shipments cancelled for the order, from the record.
        """
    def created_for(self, order_id: str) -> int:
        """
        Shipments created for the order (however many calls), from the record.
        """
    def scan(self, tracking_number: str, event: TrackingEvent) -> None:
        """
        Adds a scan (TrackingEvent) to the parcel: what track() then returns.
        """
    def script(self, operation: FakeCarrier.Operation, steps: list[FakeCarrier.Behaviour]) -> None:
        """
        Queues behaviours (FakeCarrier.Behaviour) for the next calls of `operation`, in
        order.
        """
    def tracking_number_of(self, idempotency_key: str) -> str:
        """
        The tracking number created for the key, or "" if none.
        """
class Shipments:
    """
    Shipments of confirmed orders from their stock locations, their carriers and tracking
    (docs/shipments.md). Thread-safe and safe across processes.
    """
    def cancel(self, shipment_id: str, *, reason: str = '') -> Shipment:
        """
        Cancels a REQUESTED or PENDING shipment (at the carrier first); its units are
        unshipped again. Idempotent when cancelled. Raises NotFoundError,
        IllegalTransitionError (picked up already), UnavailableError (the carrier did not
        answer: recorded as CANCELLING, recover() finishes it).
        """
    def create(self, order_id: str, location_id: str, *, items: list[LineItem] = [], carrier: str = '', tracking_number: str = '', request_id: str = '') -> Shipment:
        """
        Records a shipment of `items` (LineItem list of the order's lines; empty: every unit
        still unshipped at the location) of a CONFIRMED order from `location_id`, then, with
        a `carrier` (a name of Store.open(carriers=...)), asks it for a label: the shipment
        returns PENDING with its tracking number, CANCELLED if the carrier refused (note
        says why), or REQUESTED if its answer is unknown (recover() finishes it). Without a
        carrier, `tracking_number` is the host's own (optional). The same request_id with
        the same arguments returns the same shipment. Raises InvalidArgumentError naming the
        field (an unknown carrier, a product not in the order, more units than the order's
        reservation there holds unshipped, "location_id" when the order holds nothing
        there), NotFoundError (order), IllegalTransitionError (the order is not CONFIRMED),
        FailedPreconditionError naming "items" (backordered units not restocked yet),
        ConflictError, UnavailableError. Nothing changes on an error.
        """
    def dispatch(self, shipment_id: str) -> Shipment:
        """
        PENDING -> SHIPPED (the carrier picked it up); the order turns SHIPPED with its last
        unshipped unit. Idempotent once shipped or later. Raises NotFoundError,
        IllegalTransitionError (REQUESTED, CANCELLED).
        """
    def for_order(self, order_id: str) -> list[Shipment]:
        """
        The order's shipments, oldest first. Raises InvalidArgumentError.
        """
    def get(self, shipment_id: str) -> Shipment:
        """
        The shipment. Raises NotFoundError, InvalidArgumentError.
        """
    def poll(self, limit: int = 100) -> ShipmentReport:
        """
        Asks the carriers for the scans of up to `limit` shipments on the way (least
        recently tracked first) and applies them; returns a ShipmentReport.
        """
    def recover(self) -> ShipmentReport:
        """
        Finishes carrier calls a crash or an outage left (REQUESTED get their label,
        CANCELLING are cancelled); returns a ShipmentReport. Safe at any time.
        """
    def track(self, update: TrackingUpdate) -> Shipment:
        """
        Applies one TrackingUpdate; never moves a shipment backwards (an older or backward
        scan is ignored; DELIVERED and RETURNED apply unless final). Returns the shipment,
        changed or not. Raises InvalidArgumentError (status not SHIPPED..RETURNED,
        occurred_at <= 0, neither id nor carrier and tracking number), NotFoundError.
        """
class ReturnStatus:
    """
    States of a return (docs/returns.md).
    
    Members:
    
      REQUESTED : Asked for; waits for the store.
    
      APPROVED : Accepted; waits for the units.
    
      REJECTED : Final: refused; its units may be returned again.
    
      RECEIVED : Inspected; the refund is started (recover() finishes it).
    
      REFUNDED : Final: the money came back (or none was due in money).
    
      REFUND_DECLINED : Final: the gateway declined the refund; refund by hand with OrderBook.refund().
    """
    APPROVED: typing.ClassVar[ReturnStatus]
    RECEIVED: typing.ClassVar[ReturnStatus]
    REFUNDED: typing.ClassVar[ReturnStatus]
    REFUND_DECLINED: typing.ClassVar[ReturnStatus]
    REJECTED: typing.ClassVar[ReturnStatus]
    REQUESTED: typing.ClassVar[ReturnStatus]
    __members__: typing.ClassVar[dict[str, ReturnStatus]]
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: int) -> None:
        ...
    def __int__(self) -> int:
        ...
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        """
        The enum member, as Class.MEMBER.
        """
    def __setstate__(self, state: int) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class ReturnOptions:
    """
    The return window and the shipping fee's refund policy
    (Store.open(..., returns=...); docs/returns.md).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, window_ms: int = ..., refund_shipping: bool = ...) -> None:
        """
        Creates a ReturnOptions; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def refund_shipping(self) -> bool:
        """
        Whether the shipping fee is refunded once every unit of the order is given back
        (default True; never for some units only).
        """
    @refund_shipping.setter
    def refund_shipping(self, arg0: bool) -> None:
        ...
    @property
    def window_ms(self) -> int:
        """
        How long after a unit's delivery a return may be requested (default 14 days;
        must be positive).
        """
    @window_ms.setter
    def window_ms(self, arg0: int) -> None:
        ...
class ReturnItem:
    """
    Units of one line of the order in a return.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., qty: int = ..., restocked: int = ..., written_off: int = ..., location_id: str = ...) -> None:
        """
        Creates a ReturnItem; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def location_id(self) -> str:
        """
        Where the restocked units went; "" before inspection.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The product (a line of the order).
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def qty(self) -> int:
        """
        Units returned.
        """
    @qty.setter
    def qty(self, arg0: int) -> None:
        ...
    @property
    def restocked(self) -> int:
        """
        After inspection: put back on sale at location_id.
        """
    @restocked.setter
    def restocked(self, arg0: int) -> None:
        ...
    @property
    def written_off(self) -> int:
        """
        After inspection: damaged, not restocked.
        """
    @written_off.setter
    def written_off(self, arg0: int) -> None:
        ...
class Return:
    """
    A return of delivered units of an order (an RMA).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, id: str = ..., order_id: str = ..., status: ReturnStatus = ..., items: list[ReturnItem] = ..., reason: str = ..., note: str = ..., given_back: GiveBack = ..., replacement: list[LineItem] = ..., replacement_order_id: str = ..., exchange_credit: int = ..., exchange_note: str = ..., request_id: str = ..., created_at: int = ..., updated_at: int = ...) -> None:
        """
        Creates a Return; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def created_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @created_at.setter
    def created_at(self, arg0: int) -> None:
        ...
    @property
    def exchange_credit(self) -> int:
        """
        Once received: how much of the return's value paid for the replacement.
        """
    @exchange_credit.setter
    def exchange_credit(self, arg0: int) -> None:
        ...
    @property
    def exchange_note(self) -> str:
        """
        Why an exchange fell back to a refund (no replacement placed), or "".
        """
    @exchange_note.setter
    def exchange_note(self, arg0: str) -> None:
        ...
    @property
    def given_back(self) -> GiveBack:
        """
        GiveBack: what came back, once received.
        """
    @given_back.setter
    def given_back(self, arg0: GiveBack) -> None:
        ...
    @property
    def id(self) -> str:
        """
        UUIDv7.
        """
    @id.setter
    def id(self, arg0: str) -> None:
        ...
    @property
    def items(self) -> list[ReturnItem]:
        """
        ReturnItem list, by product id.
        """
    @items.setter
    def items(self, arg0: list[ReturnItem]) -> None:
        ...
    @property
    def note(self) -> str:
        """
        The store's: why approved or rejected.
        """
    @note.setter
    def note(self, arg0: str) -> None:
        ...
    @property
    def order_id(self) -> str:
        """
        The order.
        """
    @order_id.setter
    def order_id(self, arg0: str) -> None:
        ...
    @property
    def reason(self) -> str:
        """
        The customer's.
        """
    @reason.setter
    def reason(self, arg0: str) -> None:
        ...
    @property
    def replacement(self) -> list[LineItem]:
        """
        An exchange: the replacement's LineItem list asked for; [] for a plain return.
        """
    @replacement.setter
    def replacement(self, arg0: list[LineItem]) -> None:
        ...
    @property
    def replacement_order_id(self) -> str:
        """
        Once received: the replacement order the return's value paid for, or "".
        """
    @replacement_order_id.setter
    def replacement_order_id(self, arg0: str) -> None:
        ...
    @property
    def request_id(self) -> str:
        """
        As given to request(), or empty.
        """
    @request_id.setter
    def request_id(self, arg0: str) -> None:
        ...
    @property
    def status(self) -> ReturnStatus:
        """
        ReturnStatus.
        """
    @status.setter
    def status(self, arg0: ReturnStatus) -> None:
        ...
    @property
    def updated_at(self) -> int:
        """
        Milliseconds since the Unix epoch.
        """
    @updated_at.setter
    def updated_at(self, arg0: int) -> None:
        ...
class Inspection:
    """
    How inspection found the returned units of one line (Returns.receive()): restock_qty +
    write_off_qty must be the line's qty.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, product_id: str = ..., restock_qty: int = ..., write_off_qty: int = ..., location_id: str = ...) -> None:
        """
        Creates a Inspection; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def location_id(self) -> str:
        """
        Where restocked units go; required when restock_qty > 0.
        """
    @location_id.setter
    def location_id(self, arg0: str) -> None:
        ...
    @property
    def product_id(self) -> str:
        """
        The line.
        """
    @product_id.setter
    def product_id(self, arg0: str) -> None:
        ...
    @property
    def restock_qty(self) -> int:
        """
        Units put back on sale at location_id.
        """
    @restock_qty.setter
    def restock_qty(self, arg0: int) -> None:
        ...
    @property
    def write_off_qty(self) -> int:
        """
        Units written off as damaged.
        """
    @write_off_qty.setter
    def write_off_qty(self, arg0: int) -> None:
        ...
class Returns:
    """
    Returns of delivered units (docs/returns.md): requested within the return window,
    approved or rejected, received and inspected, refunded by the rule of docs/returns.md.
    Thread-safe and safe across processes: no unit is returned twice.
    """
    def approve(self, return_id: str, *, note: str = '') -> Return:
        """
        REQUESTED -> APPROVED (ReturnApproved); approving an approved return returns it.
        Raises InvalidArgumentError ("return_id", "note"), NotFoundError,
        IllegalTransitionError (not requested).
        """
    def for_order(self, order_id: str) -> list[Return]:
        """
        The order's returns, oldest first. Raises NotFoundError (order),
        InvalidArgumentError.
        """
    def get(self, return_id: str) -> Return:
        """
        The return. Raises NotFoundError, InvalidArgumentError.
        """
    def receive(self, return_id: str, inspections: list[Inspection], *, request_id: str = '') -> Return:
        """
        APPROVED -> RECEIVED (ReturnReceived): every line inspected (an Inspection each:
        restocked at its location, or written off), the units' value given back by the rule
        (points now, money through the gateway) -> REFUNDED or REFUND_DECLINED. Returns the
        return as recorded; receiving a received return finishes its refund. Raises
        InvalidArgumentError ("return_id", "inspections" not covering each line exactly,
        "inspections[i].location_id" unknown or missing), NotFoundError,
        IllegalTransitionError (not approved), UnavailableError (the gateway did not
        answer: the return is received, OrderBook.recover() finishes its refund).
        An exchange is received in the unit that places its replacement order, paid by a
        credit of min(the units' value, its price); the rest refunded, the difference
        charged by the replacement; a replacement that cannot be placed leaves
        exchange_note and a plain refund (docs/returns.md, "Exchanges").
        """
    def reject(self, return_id: str, *, reason: str) -> Return:
        """
        REQUESTED or APPROVED -> REJECTED (ReturnRejected): its units may be returned again.
        Raises InvalidArgumentError ("return_id", "reason" required), NotFoundError,
        IllegalTransitionError.
        """
    def request(self, order_id: str, items: list[LineItem], *, reason: str, user_id: str = '', replacement: list[LineItem] = [], request_id: str = '') -> Return:
        """
        Requests the return of delivered units (LineItem list, 1..1000 lines) of the order
        within ReturnOptions.window_ms of their delivery; returns it REQUESTED
        (ReturnRequested). user_id, when given (a storefront's customer), must own the order:
        another user's order is NotFoundError. The same request_id with the same arguments
        returns the same return. Raises InvalidArgumentError naming the field ("order_id",
        "user_id", "items[i].product_id", "items[i].qty", "items" for a product not in
        the order or more units than delivered and not yet returned, "reason",
        "replacement[i].product_id", "replacement[i].qty"),
        NotFoundError (order), IllegalTransitionError (nothing delivered, the order
        cancelled, the window closed), ConflictError. Nothing changes on an error.
        replacement (0..100 lines) makes it an exchange: receive() places a replacement
        order with them, paid by the return's value (docs/returns.md, "Exchanges").
        """
class LatencyHistogram:
    """
    A latency distribution in Prometheus-style buckets: within[i] counts the observations
    in (BOUNDS_SECONDS[i-1], BOUNDS_SECONDS[i]] (not cumulative); the last entry counts those
    above the last bound.
    """
    BOUNDS_SECONDS: typing.ClassVar[list] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0]
    def __init__(self) -> None:
        """
        An empty histogram.
        """
    @property
    def count(self) -> int:
        """
        Observations.
        """
    @property
    def sum_seconds(self) -> float:
        """
        Their sum in seconds (microsecond resolution).
        """
    @property
    def within(self) -> list[int]:
        """
        Observations per bucket (len(BOUNDS_SECONDS) + 1 entries).
        """
class OrderMetrics:
    """
    Orders by outcome (counted when committed).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, placed: int = ..., awaiting_payment: int = ..., confirmed: int = ..., failed: int = ..., cancelled: int = ...) -> None:
        """
        Creates a OrderMetrics; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def awaiting_payment(self) -> int:
        """
        Orders that began their gateway payment.
        """
    @awaiting_payment.setter
    def awaiting_payment(self, arg0: int) -> None:
        ...
    @property
    def cancelled(self) -> int:
        """
        Orders that became CANCELLED.
        """
    @cancelled.setter
    def cancelled(self, arg0: int) -> None:
        ...
    @property
    def confirmed(self) -> int:
        """
        Orders that became CONFIRMED.
        """
    @confirmed.setter
    def confirmed(self, arg0: int) -> None:
        ...
    @property
    def failed(self) -> int:
        """
        Orders that became FAILED.
        """
    @failed.setter
    def failed(self, arg0: int) -> None:
        ...
    @property
    def placed(self) -> int:
        """
        New orders created (PENDING).
        """
    @placed.setter
    def placed(self, arg0: int) -> None:
        ...
class SagaMetrics:
    """
    Saga steps by how they ended.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, steps_done: int = ..., steps_refused: int = ..., steps_compensated: int = ...) -> None:
        """
        Creates a SagaMetrics; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def steps_compensated(self) -> int:
        """
        Completed steps undone.
        """
    @steps_compensated.setter
    def steps_compensated(self, arg0: int) -> None:
        ...
    @property
    def steps_done(self) -> int:
        """
        Steps that completed.
        """
    @steps_done.setter
    def steps_done(self, arg0: int) -> None:
        ...
    @property
    def steps_refused(self) -> int:
        """
        Steps that refused, failing the order.
        """
    @steps_refused.setter
    def steps_refused(self, arg0: int) -> None:
        ...
class GatewayMetrics:
    """
    Payment gateway calls by answer.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, approved: int = ..., declined: int = ..., pending: int = ..., unknown: int = ..., latency: LatencyHistogram = ...) -> None:
        """
        Creates a GatewayMetrics; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def approved(self) -> int:
        """
        Answered approved.
        """
    @approved.setter
    def approved(self, arg0: int) -> None:
        ...
    @property
    def declined(self) -> int:
        """
        Answered declined.
        """
    @declined.setter
    def declined(self, arg0: int) -> None:
        ...
    @property
    def latency(self) -> LatencyHistogram:
        """
        LatencyHistogram of every attempt.
        """
    @latency.setter
    def latency(self, arg0: LatencyHistogram) -> None:
        ...
    @property
    def pending(self) -> int:
        """
        Answered pending.
        """
    @pending.setter
    def pending(self, arg0: int) -> None:
        ...
    @property
    def unknown(self) -> int:
        """
        No answer (timeout, transport failure).
        """
    @unknown.setter
    def unknown(self, arg0: int) -> None:
        ...
class CarrierMetrics:
    """
    Carrier calls.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, calls: int = ..., unknown: int = ..., latency: LatencyHistogram = ...) -> None:
        """
        Creates a CarrierMetrics; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def calls(self) -> int:
        """
        Attempts.
        """
    @calls.setter
    def calls(self, arg0: int) -> None:
        ...
    @property
    def latency(self) -> LatencyHistogram:
        """
        LatencyHistogram of every attempt.
        """
    @latency.setter
    def latency(self, arg0: LatencyHistogram) -> None:
        ...
    @property
    def unknown(self) -> int:
        """
        Attempts without an answer.
        """
    @unknown.setter
    def unknown(self, arg0: int) -> None:
        ...
class StorageMetrics:
    """
    Units of work and their retries.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, units: int = ..., retries: int = ...) -> None:
        """
        Creates a StorageMetrics; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def retries(self) -> int:
        """
        Times a unit was run again (busy, serialization failure, lost connection...).
        """
    @retries.setter
    def retries(self, arg0: int) -> None:
        ...
    @property
    def units(self) -> int:
        """
        Units of work committed or failed.
        """
    @units.setter
    def units(self, arg0: int) -> None:
        ...
class RelayMetrics:
    """
    The outbox relay over this store.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, delivered: int = ..., failed: int = ..., dead_lettered: int = ..., lag: LatencyHistogram = ...) -> None:
        """
        Creates a RelayMetrics; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def dead_lettered(self) -> int:
        """
        Events moved to the dead letters.
        """
    @dead_lettered.setter
    def dead_lettered(self, arg0: int) -> None:
        ...
    @property
    def delivered(self) -> int:
        """
        Events marked delivered.
        """
    @delivered.setter
    def delivered(self, arg0: int) -> None:
        ...
    @property
    def failed(self) -> int:
        """
        Failed publish attempts recorded.
        """
    @failed.setter
    def failed(self, arg0: int) -> None:
        ...
    @property
    def lag(self) -> LatencyHistogram:
        """
        LatencyHistogram: from an event's commit to its delivery.
        """
    @lag.setter
    def lag(self, arg0: LatencyHistogram) -> None:
        ...
class MetricsSnapshot:
    """
    The store's counters since it was opened, in this process (docs/operations.md).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, orders: OrderMetrics = ..., saga: SagaMetrics = ..., gateway: GatewayMetrics = ..., carrier: CarrierMetrics = ..., storage: StorageMetrics = ..., relay: RelayMetrics = ...) -> None:
        """
        Creates a MetricsSnapshot; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def carrier(self) -> CarrierMetrics:
        """
        CarrierMetrics.
        """
    @carrier.setter
    def carrier(self, arg0: CarrierMetrics) -> None:
        ...
    @property
    def gateway(self) -> GatewayMetrics:
        """
        GatewayMetrics.
        """
    @gateway.setter
    def gateway(self, arg0: GatewayMetrics) -> None:
        ...
    @property
    def orders(self) -> OrderMetrics:
        """
        OrderMetrics.
        """
    @orders.setter
    def orders(self, arg0: OrderMetrics) -> None:
        ...
    @property
    def relay(self) -> RelayMetrics:
        """
        RelayMetrics.
        """
    @relay.setter
    def relay(self, arg0: RelayMetrics) -> None:
        ...
    @property
    def saga(self) -> SagaMetrics:
        """
        SagaMetrics.
        """
    @saga.setter
    def saga(self, arg0: SagaMetrics) -> None:
        ...
    @property
    def storage(self) -> StorageMetrics:
        """
        StorageMetrics.
        """
    @storage.setter
    def storage(self, arg0: StorageMetrics) -> None:
        ...
class Clock:
    """
    A source of time in milliseconds since the Unix epoch (UTC).
    """
    def now(self) -> int:
        """
        The current time, in milliseconds since the Unix epoch.
        """
@typing.final
class SystemClock(Clock):
    """
    Wall-clock time.
    """
    def __init__(self) -> None:
        """
        Creates a wall clock.
        """
@typing.final
class ManualClock(Clock):
    """
    A clock that moves only when told to; for tests and simulations.
    """
    def __init__(self, start: int) -> None:
        """
        Creates a clock showing `start` (ms).
        """
    def __repr__(self) -> str:
        """
        ManualClock(now).
        """
    def advance(self, ms: int) -> None:
        """
        Moves the time forward by `ms`.
        """
    def set(self, now: int) -> None:
        """
        Sets the time to `now` (ms).
        """
class PostgresOptions:
    """
    Options of a PostgreSQL store (Store.open(url, postgres=...)).
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, pool_size: int = ..., retry_budget_ms: int = ..., connect_timeout_s: int = ..., application_name: str = ...) -> None:
        """
        Creates a PostgresOptions; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def application_name(self) -> str:
        """
        Shown in pg_stat_activity (default "commerce-core").
        """
    @application_name.setter
    def application_name(self, arg0: str) -> None:
        ...
    @property
    def connect_timeout_s(self) -> int:
        """
        libpq connect_timeout per connection attempt unless the URL sets one (default 5).
        """
    @connect_timeout_s.setter
    def connect_timeout_s(self, arg0: int) -> None:
        ...
    @property
    def pool_size(self) -> int:
        """
        Most connections kept open at once (default 8).
        """
    @pool_size.setter
    def pool_size(self, arg0: int) -> None:
        ...
    @property
    def retry_budget_ms(self) -> int:
        """
        How long one unit of work retries transient failures (server down, lost
        connection, serialization failure, pool exhausted) before UnavailableError
        (default 30000).
        """
    @retry_budget_ms.setter
    def retry_budget_ms(self, arg0: int) -> None:
        ...
class RetentionOptions:
    """
    Retention windows of Store.compact() (Store.open(..., retention=...)); a window of 0
    keeps those rows forever. Orders, their audit rows, payments, ledgers and pending or
    dead events are never removed.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, delivered_events_ms: int = ..., finished_saga_logs_ms: int = ..., idempotency_keys_ms: int = ..., inbox_messages_ms: int = ..., personal_data_ms: int = ..., batch_size: int = ...) -> None:
        """
        Creates a RetentionOptions; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def batch_size(self) -> int:
        """
        Rows per unit of work, 1..10000 (default 500).
        """
    @batch_size.setter
    def batch_size(self, arg0: int) -> None:
        ...
    @property
    def delivered_events_ms(self) -> int:
        """
        Delivered outbox events older than this are removed (default 7 days).
        """
    @delivered_events_ms.setter
    def delivered_events_ms(self, arg0: int) -> None:
        ...
    @property
    def finished_saga_logs_ms(self) -> int:
        """
        Log lines of sagas that ended longer ago than this are removed (default 7 days).
        """
    @finished_saga_logs_ms.setter
    def finished_saga_logs_ms(self, arg0: int) -> None:
        ...
    @property
    def idempotency_keys_ms(self) -> int:
        """
        How long a request_id is remembered (default 24 hours); after it the same
        request_id is a new request.
        """
    @idempotency_keys_ms.setter
    def idempotency_keys_ms(self, arg0: int) -> None:
        ...
    @property
    def inbox_messages_ms(self) -> int:
        """
        How long an applied inbox message id is remembered (default 7 days).
        """
    @inbox_messages_ms.setter
    def inbox_messages_ms(self, arg0: int) -> None:
        ...
    @property
    def personal_data_ms(self) -> int:
        """
        Erase the shipping addresses of orders finished (and carts closed) longer ago
        than this; 0 (the default) keeps them.
        """
    @personal_data_ms.setter
    def personal_data_ms(self, arg0: int) -> None:
        ...
class CompactionReport:
    """
    What one Store.compact() removed.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, events: int = ..., saga_log_lines: int = ..., requests: int = ..., inbox_messages: int = ..., orders_erased: int = ..., carts_erased: int = ..., units: int = ...) -> None:
        """
        Creates a CompactionReport; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def carts_erased(self) -> int:
        """
        Closed carts whose shipping address was erased.
        """
    @carts_erased.setter
    def carts_erased(self, arg0: int) -> None:
        ...
    @property
    def events(self) -> int:
        """
        Delivered outbox events removed.
        """
    @events.setter
    def events(self, arg0: int) -> None:
        ...
    @property
    def inbox_messages(self) -> int:
        """
        Inbox records removed.
        """
    @inbox_messages.setter
    def inbox_messages(self, arg0: int) -> None:
        ...
    @property
    def orders_erased(self) -> int:
        """
        Orders whose shipping address was erased.
        """
    @orders_erased.setter
    def orders_erased(self, arg0: int) -> None:
        ...
    @property
    def requests(self) -> int:
        """
        Idempotency records removed.
        """
    @requests.setter
    def requests(self, arg0: int) -> None:
        ...
    @property
    def saga_log_lines(self) -> int:
        """
        Log lines of finished sagas removed.
        """
    @saga_log_lines.setter
    def saga_log_lines(self, arg0: int) -> None:
        ...
    @property
    def units(self) -> int:
        """
        Units of work it took.
        """
    @units.setter
    def units(self, arg0: int) -> None:
        ...
class Catalog:
    """
    Products and categories. Thread-safe; every call is one transaction.
    """
    def add_category(self, id: str, name: str) -> Category:
        """
        Adds a category; idempotent for the same id and name. Raises InvalidArgumentError,
        FailedPreconditionError if the id exists with another name.
        """
    def add_variant(self, parent_id: str, *, id: str, options: dict[str, str], price: int, status: ProductStatus = ..., initial_stock: int = 0, name: str = '', request_id: str = '') -> Product:
        """
        Adds a variant of `parent_id` (a product with axes): a product of its own (id,
        price, status, stock) with one allowed value per axis in `options` (axis -> value).
        `name` empty: the parent's name and the values. Raises InvalidArgumentError naming
        "options" (or another field), NotFoundError (parent), FailedPreconditionError
        naming the parent (no axes, deleted), "options" (another variant has them) or the
        id (exists), ConflictError. Nothing is written on an error.
        """
    def categories(self) -> list[Category]:
        """
        Every category.
        """
    def create(self, *, id: str, name: str, price: int, description: str = '', category: str = '', brand: str = '', status: ProductStatus = ..., attributes: typing.Any = '{}', initial_stock: int = 0, axes: list[OptionAxis] = [], request_id: str = '') -> Product:
        """
        Creates a product with `initial_stock` units on hand and returns it.
        
        `attributes` is JSON object text or a JSON-serializable dict. `axes` (OptionAxis
        list, at most 8): the product is sold through its variants (add_variant) and is
        not itself orderable.
        Raises InvalidArgumentError (naming the field), FailedPreconditionError if the id
        exists, NotFoundError if the category does not exist, ConflictError (request_id
        reused with other arguments).
        """
    def get(self, id: str) -> Product:
        """
        The product. Raises NotFoundError, InvalidArgumentError.
        """
    def list(self, *, category: str | None = None, brand: str | None = None, min_price: int | None = None, max_price: int | None = None, status: ProductStatus | None = None, text: str = '', options: dict[str, str] = {}, parent_id: str | None = None, order: ProductOrder = ..., cursor: str = '', limit: int = 50) -> commerce_core._page.Page[Product]:
        """
        One page of products matching every given filter, by id, or best match of `text`
        first with order=ProductOrder.RELEVANCE (exact names, then names holding the text,
        then descriptions; ties by id). `text` matches name or description
        case-insensitively; deleted products are listed only when `status` asks.
        `options` (axis -> value, at most 8): variants having every value. `parent_id`: ""
        lists top-level products only, a product id that product's variants.
        Raises InvalidArgumentError (bad, tampered or mismatched cursor; bad limit;
        RELEVANCE without a text of 3+ characters, field 'order').
        """
    def remove(self, id: str, *, request_id: str = '') -> Product:
        """
        Soft-deletes the product (status DELETED; no longer orderable), and its variants
        with it. Idempotent. Raises NotFoundError, ConflictError.
        """
    def update(self, id: str, *, name: str | None = None, description: str | None = None, price: int | None = None, category: str | None = None, brand: str | None = None, status: ProductStatus | None = None, attributes: typing.Any = None, request_id: str = '') -> Product:
        """
        Changes the given fields (None: unchanged) and returns the product. Placed orders
        keep their price snapshot. Raises NotFoundError, InvalidArgumentError,
        FailedPreconditionError (deleted products cannot change), ConflictError.
        """
    def variants(self, product_id: str) -> builtins.list[VariantAvailability]:
        """
        The product's page: its variants (not deleted, by id) with the units available
        now, as VariantAvailability; a product without axes is its own one variant.
        Raises NotFoundError, InvalidArgumentError.
        """
class StockLedger:
    """
    Stock per (product, location), reservations, adjustments and transfers.
    Thread-safe; no location ever gives more than it holds (plus its
    backorder room) under any number of threads or processes.
    """
    def adjust(self, product_id: str, delta: int, reason: str, *, request_id: str = '', location_id: str = '') -> StockLevel:
        """
        Restock (delta > 0) or shrink (delta < 0) at a location ('' = 'default') with an
        audit row; never below reserved there. Returns the level over the active locations.
        Raises InvalidArgumentError, NotFoundError, OutOfStockError, ConflictError.
        """
    def commit(self, order_id: str) -> list[Reservation]:
        """
        Payment done: the order's reserved units become sold. Idempotent.
        Raises NotFoundError, IllegalTransitionError (the reservation was released).
        """
    def level(self, product_id: str) -> StockLevel:
        """
        The product's counters summed over the active locations. Raises NotFoundError,
        InvalidArgumentError.
        """
    def levels(self, product_id: str) -> list[LocationLevel]:
        """
        The product's LocationLevel at every location with a row for it.
        """
    def release(self, order_id: str) -> list[Reservation]:
        """
        Compensation: releases the order's live reservations and returns them. Idempotent.
        """
    def release_expired(self, limit: int = 100) -> list[str]:
        """
        Releases live reservations past their expiry (at most `limit` orders) and returns
        the ids of those orders.
        """
    def reservations(self, order_id: str) -> list[Reservation]:
        """
        The order's reservation rows in every state, by product id then location id.
        """
    def reserve(self, order_id: str, items: list[LineItem], *, expires_at: int = 0, region: str = '') -> list[Reservation]:
        """
        Reserves every item for the order, all or nothing (a product named twice counts
        once with summed qty), allocated among the active locations by the store's
        allocation strategy (given `region`): one row per (product, location); expires at
        `expires_at` (0: now + reservation TTL). Idempotent for the same items. Raises
        InvalidArgumentError (also naming allocation_strategy for an impossible plan),
        NotFoundError, OutOfStockError / InactiveError naming the product, ConflictError.
        """
    def set_backorder_limit(self, product_id: str, location_id: str, backorder_limit: int) -> LocationLevel:
        """
        Lets the location reserve up to backorder_limit units beyond on_hand (0: off).
        Raises InvalidArgumentError, NotFoundError, OutOfStockError (more is backordered).
        """
    def set_low_threshold(self, product_id: str, location_id: str, low_threshold: int) -> LocationLevel:
        """
        StockLow once when available there falls to the threshold or below, StockReplenished
        once when it rises above it (0: off). Raises InvalidArgumentError, NotFoundError.
        """
    def transfer(self, product_id: str, from_location_id: str, to_location_id: str, qty: int, reason: str, *, request_id: str = '') -> StockTransfer:
        """
        Moves qty available units (never reserved ones) between two locations in one unit
        of work, with a transfer row and StockTransferred. Raises InvalidArgumentError
        (locations unknown or equal, qty above what is available), NotFoundError.
        """
class StockLocations:
    """
    The stock locations (warehouses, shops). Thread-safe.
    """
    def create(self, id: str, name: str, *, active: bool = True, priority: int = 0, region: str = '', request_id: str = '') -> StockLocation:
        """
        Creates a location, with StockLocationCreated. Raises InvalidArgumentError,
        FailedPreconditionError (exists).
        """
    def get(self, id: str) -> StockLocation:
        """
        The location. Raises NotFoundError, InvalidArgumentError.
        """
    def list(self) -> list[StockLocation]:
        """
        Every location, by priority then id.
        """
    def update(self, id: str, *, name: str | None = None, active: bool | None = None, priority: int | None = None, region: str | None = None, request_id: str = '') -> StockLocation:
        """
        Changes the given fields (an inactive location gives no units to new reservations),
        with StockLocationUpdated. Raises InvalidArgumentError, NotFoundError.
        """
class PointsLedger:
    """
    User point balances kept as a ledger; never negative. Thread-safe.
    """
    def adjust(self, user_id: str, delta: int, reason: str, *, request_id: str = '') -> PointsEntry:
        """
        Administrative correction by `delta` (non-zero); never below zero.
        Raises InvalidArgumentError, InsufficientPointsError, ConflictError.
        """
    def balance(self, user_id: str) -> int:
        """
        The balance (0 for an unknown user). Raises InvalidArgumentError.
        """
    def charge(self, user_id: str, amount: int, *, request_id: str = '') -> PointsEntry:
        """
        Adds `amount` (> 0) to the balance. Raises InvalidArgumentError, ConflictError.
        """
    def history(self, user_id: str, *, cursor: str = '', limit: int = 50) -> commerce_core._page.Page[PointsEntry]:
        """
        One page of the user's ledger entries, newest first.
        """
    def restore(self, order_id: str) -> PointsEntry | None:
        """
        Compensation: gives back what the order used. Idempotent; None if it used none.
        """
    def use(self, user_id: str, amount: int, order_id: str) -> PointsEntry:
        """
        Takes `amount` (> 0) for the order; once per order (idempotent).
        Raises InvalidArgumentError, InsufficientPointsError naming the user, ConflictError.
        """
class CouponBook:
    """
    Coupon templates and issued coupons; limits hold under concurrency.
    """
    def create_template(self, *, code: str, kind: CouponKind, value: int, valid_from: int, valid_until: int, total_limit: int, name: str = '', max_discount: int = 0, min_order_amount: int = 0, per_user_limit: int = 1, request_id: str = '') -> CouponTemplate:
        """
        Creates a coupon template. `value` is minor units (FIXED) or a percent (PERCENT).
        Raises InvalidArgumentError (naming the field), FailedPreconditionError (the code
        exists), ConflictError.
        """
    def get(self, coupon_id: str) -> Coupon:
        """
        The coupon. Raises NotFoundError, InvalidArgumentError.
        """
    def get_template(self, code: str) -> CouponTemplate:
        """
        The template with this code. Raises NotFoundError, InvalidArgumentError.
        """
    def issue(self, code: str, user_id: str, *, request_id: str = '') -> Coupon:
        """
        Issues one coupon of template `code` to the user. Raises NotFoundError,
        LimitReachedError, CouponInvalidError (outside validity), InvalidArgumentError,
        ConflictError.
        """
    def list_for_user(self, user_id: str, *, cursor: str = '', limit: int = 50) -> commerce_core._page.Page[Coupon]:
        """
        One page of the user's coupons, oldest first.
        """
    def quote(self, coupon_id: str, user_id: str, subtotal: int) -> int:
        """
        The discount the coupon would give now, without using it.
        Raises NotFoundError, CouponInvalidError with the reason.
        """
    def restore(self, order_id: str) -> Coupon | None:
        """
        Compensation: the coupon the order used becomes AVAILABLE again (EXPIRED if past
        validity). Idempotent; None if the order used no coupon.
        """
    def revoke(self, coupon_id: str, *, request_id: str = '') -> Coupon:
        """
        AVAILABLE -> REVOKED; idempotent. Raises NotFoundError, IllegalTransitionError.
        """
    def use(self, coupon_id: str, user_id: str, order_id: str, subtotal: int, *, required: bool = True) -> CouponApplication:
        """
        Marks the coupon used by the order and returns the discount; idempotent per order.
        A required coupon that fails validation raises CouponInvalidError; an optional one
        is skipped and the result says why.
        """
class KafkaSinkCounters:
    """
    Message counts since the sink was created.
    """
    __hash__: typing.ClassVar[None] = None  # type: ignore[assignment]
    def __eq__(self, other: typing.Any) -> typing.Any:
        """
        True when every field is equal.
        """
    def __init__(self, produced: int = ..., acked: int = ..., failed: int = ..., producer_rebuilds: int = ..., last_error: str = ...) -> None:
        """
        Creates a KafkaSinkCounters; fields by position (in attribute order) or keyword, each defaulting to its zero value.
        """
    def __repr__(self) -> str:
        """
        Every field, as a constructor call.
        """
    @property
    def acked(self) -> int:
        """
        Delivery reports that said stored.
        """
    @acked.setter
    def acked(self, arg0: int) -> None:
        ...
    @property
    def failed(self) -> int:
        """
        Events reported FAILED (error report, no report, or send error).
        """
    @failed.setter
    def failed(self, arg0: int) -> None:
        ...
    @property
    def last_error(self) -> str:
        """
        The most recent error text, or empty.
        """
    @last_error.setter
    def last_error(self, arg0: str) -> None:
        ...
    @property
    def produced(self) -> int:
        """
        Messages handed to librdkafka.
        """
    @produced.setter
    def produced(self, arg0: int) -> None:
        ...
    @property
    def producer_rebuilds(self) -> int:
        """
        Producers replaced after a fatal error.
        """
    @producer_rebuilds.setter
    def producer_rebuilds(self, arg0: int) -> None:
        ...
@typing.final
class KafkaSink(EventSink):
    """
    Publishes outbox events to Apache Kafka (librdkafka): one message per event, topic
    event.topic (mapped by topic_overrides or prefixed by topic_prefix), key event.key,
    value the JSON envelope, headers event_id, event_type, schema_version. The producer is
    idempotent with acks=all; an event is acknowledged only when its delivery report says
    the broker stored it. Broker and network failures are reported per event (FAILED),
    never raised. Use with OutboxRelay(store, KafkaSink(...)).
    """
    @staticmethod
    def librdkafka_version() -> str:
        """
        The librdkafka version in use, e.g. "2.0.2".
        """
    def __init__(self, bootstrap_servers: str, *, properties: dict[str, str] = {}, topic_prefix: str = '', topic_overrides: dict[str, str] = {}, report_grace_ms: int = 5000, on_error: typing.Any = None) -> None:
        """
        Creates the producer (it connects in the background: an absent broker is not an
        error here, it makes publish() report FAILED).
        
        `bootstrap_servers`: Kafka's bootstrap.servers, e.g. "127.0.0.1:9092".
        `properties`: librdkafka settings applied after the sink's defaults
        (enable.idempotence=true, acks=all, partitioner=murmur2_random,
        message.timeout.ms=30000, linger.ms=5, client.id=commerce-relay), e.g.
        {"compression.type": "zstd"}; ones that would weaken delivery are refused.
        `topic_prefix` is prepended to every event topic; `topic_overrides` maps event
        topics to Kafka topics instead. `report_grace_ms`: how long publish() waits for
        delivery reports beyond message.timeout.ms. `on_error(text)` receives librdkafka's
        error events (called during publish/flush; exceptions are printed, not raised).
        Raises InvalidArgumentError naming "bootstrap_servers", "report_grace_ms", the
        offending property (e.g. "properties.acks") or "topic_overrides".
        """
    def __repr__(self) -> str:
        """
        KafkaSink(kafka:SERVERS).
        """
    def close(self) -> None:
        """
        Flushes, purges what is still queued (never acknowledged, so the relay re-sends
        it) and destroys the producer. Idempotent; publish() then raises
        FailedPreconditionError.
        """
    def counters(self) -> KafkaSinkCounters:
        """
        Message counts since creation.
        """
    def flush(self, timeout_ms: int) -> bool:
        """
        Waits up to timeout_ms for every outstanding delivery report; True if none is
        outstanding. True after close().
        """
    def topic_for(self, event: Event) -> str:
        """
        The Kafka topic `event` goes to (topic_overrides, else topic_prefix + topic).
        """
def _raise_error(code: ErrorCode, reason: Reason, subject: str, message: str) -> None:
    """
    Raises the exception the library raises for this code and reason (for tests).
    """
def checked_plan(strategy: AllocationStrategy, request: AllocationRequest) -> list[Allocation]:
    """
    Asks `strategy` for the plan of `request`, checks it as a reservation does and returns
    it merged per (product_id, location_id), sorted by them. Raises InvalidArgumentError
    naming "allocation_strategy" (the strategy's name and what is wrong) when plan()
    raises or the plan names a product that is not a line, a location not among the
    line's options, a qty < 1, more than a location can give, or a line's units do not sum
    to its qty.
    """
def envelope_json(event: Event) -> str:
    """
    The JSON envelope of an event, one line without the newline.
    """
def fewest_shipments_allocation() -> AllocationStrategy:
    """
    The built-in strategy "fewest_shipments": one location whose available units fill
    every line if there is one (the first by priority); else greedily the location covering
    the most missing units first (ties by priority); backorder room last.
    """
def flat_shipping(id: str, fee: int) -> ShippingOption:
    """
    The built-in option `id`: the same fee for every order. Raises InvalidArgumentError
    (id, a negative fee).
    """
def free_shipping_above(id: str, fee: int, free_from: int) -> ShippingOption:
    """
    The built-in option `id`: `fee`, or 0 when the goods amount (subtotal - discount) is at
    least `free_from`. Raises InvalidArgumentError (id, a negative amount).
    """
def korean_vat() -> TaxCalculator:
    """
    What a store uses without tax_calculator: 10% on "standard", prices including it.
    """
def new_id(now: int) -> str:
    """
    A new UUIDv7 (time-ordered id) whose time part is `now` (ms since epoch).
    """
def parse_envelope_json(line: str) -> Event:
    """
    Parses envelope_json() output. Raises InvalidArgumentError naming the field.
    """
def parse_incoming_message(message: typing.Any) -> IncomingMessage:
    """
    Parses an inbox message without applying it.
    """
def priority_allocation() -> AllocationStrategy:
    """
    The built-in strategy "priority" (the default): fills each line from the locations
    by (priority, location_id), splitting where one cannot give all; backorder room last.
    """
def rate_table_tax(rates: dict[str, int], mode: TaxMode) -> TaxCalculator:
    """
    The built-in calculator: rates per tax class in basis points (1000 = 10%); a class
    without a rate is untaxed. Each amount's tax is rounded half up to a minor unit:
    INCLUSIVE, amount x rate / (10000 + rate); EXCLUSIVE, amount x rate / 10000. Raises
    InvalidArgumentError naming "rates" (an empty class, a rate outside 0..100000).
    """
def read_json_lines(path: typing.Any) -> list[Event]:
    """
    Every complete envelope of a JSON-lines file (a final partial line is skipped).
    """
def region_first_allocation() -> AllocationStrategy:
    """
    The built-in strategy "region_first": the locations in the order's region first, then
    the others, each by priority, filled as priority_allocation() fills them.
    """
def sqlite_schema_version() -> int:
    """
    The SQLite schema version this library writes.
    """
def weight_shipping(id: str, tiers: list[WeightTier]) -> ShippingOption:
    """
    The built-in option `id`, by total weight: the fee of the first WeightTier whose
    up_to_grams is at least the order's weight; an order heavier than every tier cannot ship
    with it (InvalidArgumentError naming "shipping_option"). Raises InvalidArgumentError
    (no tiers, up_to_grams not increasing, a negative fee).
    """
DEFAULT_PAGE_SIZE: int = 50
MAX_CART_LINES: int = 100
MAX_CART_LINE_QTY: int = 10000
MAX_PAGE_SIZE: int = 500
WITH_KAFKA: bool = True
WITH_POSTGRES: bool = True
