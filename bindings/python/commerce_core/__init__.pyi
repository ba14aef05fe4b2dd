"""Typed stubs of commerce_core: an embeddable commerce core (catalog, stock, points, coupons,
orders, payments through pluggable gateways, saga compensation, transactional outbox).

Money amounts are ``int`` minor units of the store currency; timestamps are ``int``
milliseconds since the Unix epoch (UTC).
"""

import builtins
import os
from typing import Any, Callable, ClassVar, Mapping, Optional, Sequence, TypeVar, Union, final

from ._errors import (
    CommerceError as CommerceError,
    ConflictError as ConflictError,
    CouponInvalidError as CouponInvalidError,
    FailedPreconditionError as FailedPreconditionError,
    IllegalTransitionError as IllegalTransitionError,
    InactiveError as InactiveError,
    InsufficientPointsError as InsufficientPointsError,
    InternalError as InternalError,
    InvalidArgumentError as InvalidArgumentError,
    LimitReachedError as LimitReachedError,
    NotFoundError as NotFoundError,
    OutOfStockError as OutOfStockError,
    UnavailableError as UnavailableError,
)
from ._page import Page as Page

__version__: str
__all__ = [
    "Ack",
    "AckStatus",
    "CallbackSink",
    "Catalog",
    "Category",
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
    "IllegalTransitionError",
    "InactiveError",
    "Inbox",
    "InboxContext",
    "InboxOutcome",
    "InboxRecord",
    "IncomingMessage",
    "InsufficientPointsError",
    "InternalError",
    "InvalidArgumentError",
    "InvariantRepair",
    "InvariantReport",
    "InvariantViolation",
    "JsonLinesSink",
    "KafkaSink",
    "KafkaSinkCounters",
    "LimitReachedError",
    "LineItem",
    "MAX_PAGE_SIZE",
    "ManualClock",
    "MemorySink",
    "NotFoundError",
    "Order",
    "OrderAudit",
    "OrderBook",
    "OrderItem",
    "OrderStatus",
    "OutOfStockError",
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
    "Product",
    "ProductStatus",
    "Reason",
    "RecoveryReport",
    "RelayBatch",
    "RelayProgress",
    "RelayService",
    "RetentionOptions",
    "RelayStats",
    "RepairReport",
    "Reservation",
    "ReservationState",
    "SagaLogEntry",
    "SagaRecord",
    "SagaState",
    "SagaStep",
    "StockAdjustment",
    "StockLedger",
    "StockLevel",
    "Store",
    "SystemClock",
    "TopicNaming",
    "Transaction",
    "UnavailableError",
    "WITH_KAFKA",
    "WITH_POSTGRES",
    "envelope_json",
    "new_id",
    "parse_envelope_json",
    "parse_incoming_message",
    "read_json_lines",
    "sqlite_schema_version",
]

DEFAULT_PAGE_SIZE: int
MAX_PAGE_SIZE: int
WITH_POSTGRES: bool
WITH_KAFKA: bool

_T = TypeVar("_T")

_PathLike = Union[str, "os.PathLike[str]"]
_Json = Union[str, Mapping[str, Any]]

class _PybindMeta(type):
    """pybind11's metaclass of every bound class (pybind11_builtins.pybind11_type)."""

class _Pybind(metaclass=_PybindMeta):
    """Stub-only base: every class below is a pybind11 class."""

class _Enum(_Pybind):
    """Common shape of the enums (pybind11 enums: compare by identity or value)."""

    __members__: ClassVar[dict[str, Any]]
    def __init__(self, value: int) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __ne__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def __int__(self) -> int: ...
    def __index__(self) -> int: ...
    def __getstate__(self) -> int: ...
    def __setstate__(self, state: int) -> None: ...
    @property
    def name(self) -> str:
        """The member's name, e.g. "ACTIVE"."""
    @property
    def value(self) -> int:
        """The member's integer value."""

class ErrorCode(_Enum):
    """What a failed call's caller should do (abseil-style codes)."""

    NOT_FOUND: ClassVar[ErrorCode]
    INVALID_ARGUMENT: ClassVar[ErrorCode]
    FAILED_PRECONDITION: ClassVar[ErrorCode]
    CONFLICT: ClassVar[ErrorCode]
    UNAVAILABLE: ClassVar[ErrorCode]
    INTERNAL: ClassVar[ErrorCode]

class Reason(_Enum):
    """Why a FAILED_PRECONDITION error was raised."""

    NONE: ClassVar[Reason]
    OUT_OF_STOCK: ClassVar[Reason]
    INSUFFICIENT_POINTS: ClassVar[Reason]
    COUPON_INVALID: ClassVar[Reason]
    LIMIT_REACHED: ClassVar[Reason]
    ILLEGAL_TRANSITION: ClassVar[Reason]
    INACTIVE: ClassVar[Reason]

class ProductStatus(_Enum):
    """Lifecycle of a product."""

    ACTIVE: ClassVar[ProductStatus]
    INACTIVE: ClassVar[ProductStatus]
    DELETED: ClassVar[ProductStatus]

class ReservationState(_Enum):
    """State of one stock reservation row."""

    LIVE: ClassVar[ReservationState]
    COMMITTED: ClassVar[ReservationState]
    RELEASED: ClassVar[ReservationState]

class PointsEntryKind(_Enum):
    """Kind of a points ledger entry."""

    CHARGE: ClassVar[PointsEntryKind]
    USE: ClassVar[PointsEntryKind]
    RESTORE: ClassVar[PointsEntryKind]
    ADJUST: ClassVar[PointsEntryKind]

class CouponKind(_Enum):
    """How a coupon template computes a discount."""

    FIXED: ClassVar[CouponKind]
    PERCENT: ClassVar[CouponKind]

class CouponStatus(_Enum):
    """State of an issued coupon."""

    AVAILABLE: ClassVar[CouponStatus]
    USED: ClassVar[CouponStatus]
    EXPIRED: ClassVar[CouponStatus]
    REVOKED: ClassVar[CouponStatus]

class TopicNaming(_Enum):
    """How event topics are named."""

    PER_DOMAIN: ClassVar[TopicNaming]
    PER_TYPE: ClassVar[TopicNaming]

class OrderStatus(_Enum):
    """States of an order."""

    PENDING: ClassVar[OrderStatus]
    AWAITING_PAYMENT: ClassVar[OrderStatus]
    CONFIRMED: ClassVar[OrderStatus]
    SHIPPED: ClassVar[OrderStatus]
    DELIVERED: ClassVar[OrderStatus]
    FAILED: ClassVar[OrderStatus]
    CANCELLED: ClassVar[OrderStatus]

class PaymentOutcome(_Enum):
    """A gateway's answer."""

    APPROVED: ClassVar[PaymentOutcome]
    DECLINED: ClassVar[PaymentOutcome]
    PENDING: ClassVar[PaymentOutcome]
    UNKNOWN: ClassVar[PaymentOutcome]

class PaymentStatus(_Enum):
    """How the library stores a payment."""

    STARTED: ClassVar[PaymentStatus]
    PENDING: ClassVar[PaymentStatus]
    APPROVED: ClassVar[PaymentStatus]
    DECLINED: ClassVar[PaymentStatus]
    VOIDED: ClassVar[PaymentStatus]
    REFUNDED: ClassVar[PaymentStatus]

class SagaState(_Enum):
    """State of an order saga."""

    RUNNING: ClassVar[SagaState]
    AWAITING_PAYMENT: ClassVar[SagaState]
    COMPENSATING: ClassVar[SagaState]
    CANCELLING: ClassVar[SagaState]
    CONFIRMED: ClassVar[SagaState]
    FAILED: ClassVar[SagaState]
    CANCELLED: ClassVar[SagaState]

class AckStatus(_Enum):
    """A sink's answer for one event."""

    ACKED: ClassVar[AckStatus]
    FAILED: ClassVar[AckStatus]
    NOT_ATTEMPTED: ClassVar[AckStatus]

class InboxOutcome(_Enum):
    """What Inbox.receive() did."""

    APPLIED: ClassVar[InboxOutcome]
    DUPLICATE: ClassVar[InboxOutcome]

class Product(_Pybind):
    """A catalog product. Prices are minor units of the store currency."""

    id: str
    """The host's own id (e.g. a SKU)."""
    name: str
    """Display name."""
    description: str
    """Free text."""
    price: int
    """Price in minor units."""
    category: str
    """A Category id, or empty."""
    brand: str
    """Brand, or empty."""
    status: ProductStatus
    """ProductStatus."""
    attributes: str
    """Free-form JSON object text."""
    created_at: int
    """Milliseconds since the Unix epoch."""
    updated_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        name: str = ...,
        description: str = ...,
        price: int = ...,
        category: str = ...,
        brand: str = ...,
        status: ProductStatus = ...,
        attributes: str = ...,
        created_at: int = ...,
        updated_at: int = ...,
    ) -> None:
        """Creates a Product; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Category(_Pybind):
    """A product category."""

    id: str
    """The category id."""
    name: str
    """Display name."""
    def __init__(
        self,
        id: str = ...,
        name: str = ...,
    ) -> None:
        """Creates a Category; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class StockLevel(_Pybind):
    """Stock counters of one product."""

    product_id: str
    """The product."""
    on_hand: int
    """Units physically held."""
    reserved: int
    """Units held by live reservations."""
    available: int
    """on_hand - reserved."""
    sold: int
    """Units committed to paid orders."""
    def __init__(
        self,
        product_id: str = ...,
        on_hand: int = ...,
        reserved: int = ...,
        available: int = ...,
        sold: int = ...,
    ) -> None:
        """Creates a StockLevel; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class LineItem(_Pybind):
    """A product and a quantity (1..1,000,000)."""

    product_id: str
    """The product."""
    qty: int
    """Units."""
    def __init__(
        self,
        product_id: str = ...,
        qty: int = ...,
    ) -> None:
        """Creates a LineItem; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Reservation(_Pybind):
    """One reservation row: an order holding units of a product."""

    order_id: str
    """The order holding the units."""
    product_id: str
    """The product."""
    qty: int
    """Units held."""
    expires_at: int
    """When the sweep releases it (ms since epoch)."""
    state: ReservationState
    """ReservationState."""
    def __init__(
        self,
        order_id: str = ...,
        product_id: str = ...,
        qty: int = ...,
        expires_at: int = ...,
        state: ReservationState = ...,
    ) -> None:
        """Creates a Reservation; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class StockAdjustment(_Pybind):
    """Audit row of a change of on_hand outside orders."""

    id: str
    """UUIDv7."""
    product_id: str
    """The product."""
    delta: int
    """Units added (> 0) or removed (< 0)."""
    reason: str
    """Why."""
    created_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        product_id: str = ...,
        delta: int = ...,
        reason: str = ...,
        created_at: int = ...,
    ) -> None:
        """Creates a StockAdjustment; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class PointsEntry(_Pybind):
    """One entry of a user's points ledger."""

    id: str
    """UUIDv7."""
    user_id: str
    """The user."""
    kind: PointsEntryKind
    """PointsEntryKind."""
    amount: int
    """Signed effect on the balance (a use is negative)."""
    balance_after: int
    """The balance right after this entry."""
    order_id: str
    """For USE and RESTORE entries."""
    reason: str
    """For ADJUST entries."""
    request_id: str
    """The idempotency key, if any."""
    created_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        user_id: str = ...,
        kind: PointsEntryKind = ...,
        amount: int = ...,
        balance_after: int = ...,
        order_id: str = ...,
        reason: str = ...,
        request_id: str = ...,
        created_at: int = ...,
    ) -> None:
        """Creates a PointsEntry; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class CouponTemplate(_Pybind):
    """A coupon template, which issues coupons."""

    id: str
    """UUIDv7."""
    code: str
    """Unique code."""
    name: str
    """Display name."""
    kind: CouponKind
    """CouponKind."""
    value: int
    """Minor units off (FIXED) or percent (PERCENT)."""
    max_discount: int
    """PERCENT cap; 0 means none."""
    min_order_amount: int
    """Minimum order subtotal."""
    valid_from: int
    """Start of validity (ms since epoch)."""
    valid_until: int
    """End of validity (ms since epoch)."""
    total_limit: int
    """Coupons that may ever be issued."""
    per_user_limit: int
    """Coupons one user may hold."""
    issued_count: int
    """Coupons issued so far."""
    created_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        code: str = ...,
        name: str = ...,
        kind: CouponKind = ...,
        value: int = ...,
        max_discount: int = ...,
        min_order_amount: int = ...,
        valid_from: int = ...,
        valid_until: int = ...,
        total_limit: int = ...,
        per_user_limit: int = ...,
        issued_count: int = ...,
        created_at: int = ...,
    ) -> None:
        """Creates a CouponTemplate; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Coupon(_Pybind):
    """A coupon issued to one user."""

    id: str
    """UUIDv7."""
    template_id: str
    """The template it was issued from."""
    code: str
    """The template's code."""
    user_id: str
    """The owner."""
    status: CouponStatus
    """CouponStatus."""
    order_id: str
    """The order that used it, while USED."""
    valid_until: int
    """End of validity (ms since epoch)."""
    issued_at: int
    """Milliseconds since the Unix epoch."""
    updated_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        template_id: str = ...,
        code: str = ...,
        user_id: str = ...,
        status: CouponStatus = ...,
        order_id: str = ...,
        valid_until: int = ...,
        issued_at: int = ...,
        updated_at: int = ...,
    ) -> None:
        """Creates a Coupon; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class CouponApplication(_Pybind):
    """The outcome of applying a coupon to an order."""

    applied: bool
    """Whether the coupon was used."""
    discount: int
    """Minor units off; never more than the subtotal."""
    coupon_id: str
    """The coupon."""
    skipped_reason: str
    """Why an optional coupon was not applied."""
    def __init__(
        self,
        applied: bool = ...,
        discount: int = ...,
        coupon_id: str = ...,
        skipped_reason: str = ...,
    ) -> None:
        """Creates a CouponApplication; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Event(_Pybind):
    """An outbox event envelope."""

    seq: int
    """Outbox position."""
    id: str
    """UUIDv7; the same whenever the event is re-sent."""
    type: str
    """e.g. "StockReserved"."""
    schema_version: int
    """Version of this type's payload."""
    topic: str
    """e.g. "product-events"."""
    key: str
    """Aggregate id; the Kafka partition key."""
    occurred_at: int
    """Milliseconds since the Unix epoch."""
    request_id: str
    """Idempotency key of the causing command, or empty."""
    payload: str
    """JSON object text of identifiers and amounts."""
    def __init__(
        self,
        seq: int = ...,
        id: str = ...,
        type: str = ...,
        schema_version: int = ...,
        topic: str = ...,
        key: str = ...,
        occurred_at: int = ...,
        request_id: str = ...,
        payload: str = ...,
    ) -> None:
        """Creates a Event; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class OrderItem(_Pybind):
    """One line of an order, with its price snapshot."""

    product_id: str
    """The product."""
    name: str
    """Name snapshot at placement."""
    unit_price: int
    """Price snapshot at placement."""
    qty: int
    """Units."""
    line_total: int
    """unit_price x qty."""
    def __init__(
        self,
        product_id: str = ...,
        name: str = ...,
        unit_price: int = ...,
        qty: int = ...,
        line_total: int = ...,
    ) -> None:
        """Creates a OrderItem; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Order(_Pybind):
    """An order with its items, amounts, coupon and points."""

    id: str
    """UUIDv7."""
    user_id: str
    """The buyer."""
    status: OrderStatus
    """OrderStatus."""
    items: list[OrderItem]
    """OrderItem list, by product id."""
    subtotal: int
    """Sum of line totals."""
    discount: int
    """From the coupon."""
    points_used: int
    """Points taken from the balance."""
    total: int
    """subtotal - discount - points_used; what is charged."""
    coupon_id: str
    """As requested, or empty."""
    coupon_required: bool
    """Whether the coupon was required."""
    coupon_applied: bool
    """Whether the coupon was used."""
    coupon_note: str
    """Why an optional coupon was skipped."""
    payment_method: str
    """e.g. "card"."""
    failure_reason: str
    """Why it FAILED or was CANCELLED."""
    request_id: str
    """Idempotency key, or empty."""
    expires_at: int
    """An unpaid order is swept after this (ms)."""
    created_at: int
    """Milliseconds since the Unix epoch."""
    updated_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        user_id: str = ...,
        status: OrderStatus = ...,
        items: list[OrderItem] = ...,
        subtotal: int = ...,
        discount: int = ...,
        points_used: int = ...,
        total: int = ...,
        coupon_id: str = ...,
        coupon_required: bool = ...,
        coupon_applied: bool = ...,
        coupon_note: str = ...,
        payment_method: str = ...,
        failure_reason: str = ...,
        request_id: str = ...,
        expires_at: int = ...,
        created_at: int = ...,
        updated_at: int = ...,
    ) -> None:
        """Creates a Order; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class OrderAudit(_Pybind):
    """One status change of an order."""

    id: str
    """UUIDv7."""
    order_id: str
    """The order."""
    from_status: Optional[OrderStatus]
    """Previous status; None for the creation row."""
    to_status: OrderStatus
    """New status."""
    reason: str
    """Why."""
    at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        order_id: str = ...,
        from_status: Optional[OrderStatus] = ...,
        to_status: OrderStatus = ...,
        reason: str = ...,
        at: int = ...,
    ) -> None:
        """Creates a OrderAudit; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class RecoveryReport(_Pybind):
    """What OrderBook.recover() did."""

    examined: int
    """Sagas looked at."""
    confirmed: int
    """Ended CONFIRMED."""
    failed: int
    """Ended FAILED (compensated)."""
    cancelled: int
    """Ended CANCELLED."""
    awaiting_payment: int
    """The gateway still says pending."""
    unresolved: list[str]
    """Sagas still in flight (order and error); run recover() again later."""
    def __init__(
        self,
        examined: int = ...,
        confirmed: int = ...,
        failed: int = ...,
        cancelled: int = ...,
        awaiting_payment: int = ...,
        unresolved: list[str] = ...,
    ) -> None:
        """Creates a RecoveryReport; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class PaymentRequest(_Pybind):
    """What the library asks a gateway to charge."""

    idempotency_key: str
    """The same for every attempt of one payment."""
    order_id: str
    """The order."""
    user_id: str
    """The buyer."""
    amount: int
    """Minor units of `currency`, > 0."""
    currency: str
    """ISO 4217 code."""
    method: str
    """e.g. "card"."""
    timeout_ms: int
    """Answer UNKNOWN rather than take longer."""
    def __init__(
        self,
        idempotency_key: str = ...,
        order_id: str = ...,
        user_id: str = ...,
        amount: int = ...,
        currency: str = ...,
        method: str = ...,
        timeout_ms: int = ...,
    ) -> None:
        """Creates a PaymentRequest; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class PaymentResult(_Pybind):
    """A gateway's answer to one call."""

    outcome: PaymentOutcome
    """PaymentOutcome (default UNKNOWN)."""
    reference: str
    """The gateway's own id, if any."""
    message: str
    """Why, for declines and errors."""
    known: bool
    """status() only: False when the gateway has never seen the key."""
    def __init__(
        self,
        outcome: PaymentOutcome = ...,
        reference: str = ...,
        message: str = ...,
        known: bool = ...,
    ) -> None:
        """Creates a PaymentResult; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Payment(_Pybind):
    """A payment as the library stores it."""

    id: str
    """The idempotency key passed to the gateway."""
    order_id: str
    """The order."""
    amount: int
    """Minor units."""
    method: str
    """e.g. "card"."""
    status: PaymentStatus
    """PaymentStatus."""
    reference: str
    """The gateway's id."""
    created_at: int
    """Milliseconds since the Unix epoch."""
    updated_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        id: str = ...,
        order_id: str = ...,
        amount: int = ...,
        method: str = ...,
        status: PaymentStatus = ...,
        reference: str = ...,
        created_at: int = ...,
        updated_at: int = ...,
    ) -> None:
        """Creates a Payment; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class InvariantViolation(_Pybind):
    """One broken invariant."""

    rule: str
    """e.g. "stock.reserved"."""
    subject: str
    """The offending id."""
    detail: str
    """The values of the rows that break it."""
    def __init__(
        self,
        rule: str = ...,
        subject: str = ...,
        detail: str = ...,
    ) -> None:
        """Creates a InvariantViolation; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class InvariantReport(_Pybind):
    """What Store.check() found."""

    violations: list[InvariantViolation]
    """InvariantViolation list."""
    truncated: bool
    """Stopped at max_violations."""
    products: int
    """Rows examined."""
    users: int
    """Rows examined."""
    coupons: int
    """Rows examined."""
    templates: int
    """Rows examined."""
    orders: int
    """Rows examined."""
    def __init__(
        self,
        violations: list[InvariantViolation] = ...,
        truncated: bool = ...,
        products: int = ...,
        users: int = ...,
        coupons: int = ...,
        templates: int = ...,
        orders: int = ...,
    ) -> None:
        """Creates a InvariantReport; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def ok(self) -> bool:
        """True when nothing is violated."""

class InvariantRepair(_Pybind):
    """One recomputed counter."""

    rule: str
    """The rule it broke."""
    subject: str
    """The product, user or template id."""
    before: int
    """Value before."""
    after: int
    """Value after."""
    def __init__(
        self,
        rule: str = ...,
        subject: str = ...,
        before: int = ...,
        after: int = ...,
    ) -> None:
        """Creates a InvariantRepair; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class RepairReport(_Pybind):
    """What Store.repair() did."""

    repaired: list[InvariantRepair]
    """InvariantRepair list."""
    unrepaired: list[InvariantViolation]
    """Violations that need an operator."""
    def __init__(
        self,
        repaired: list[InvariantRepair] = ...,
        unrepaired: list[InvariantViolation] = ...,
    ) -> None:
        """Creates a RepairReport; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class Ack(_Pybind):
    """A sink's acknowledgement of one event."""

    status: AckStatus
    """AckStatus (default FAILED)."""
    error: str
    """Why, for FAILED."""
    def __init__(
        self,
        status: AckStatus = ...,
        error: str = ...,
    ) -> None:
        """Creates a Ack; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class DeadLetter(_Pybind):
    """An outbox row the relay gave up on."""

    event: Event
    """The event."""
    attempts: int
    """Failed attempts (0 if parked)."""
    last_error: str
    """The sink's last error, or why parked."""
    dead_at: int
    """Milliseconds since the Unix epoch."""
    parked_behind: int
    """Seq of the earlier dead letter of its key, or 0."""
    def __init__(
        self,
        event: Event = ...,
        attempts: int = ...,
        last_error: str = ...,
        dead_at: int = ...,
        parked_behind: int = ...,
    ) -> None:
        """Creates a DeadLetter; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class RelayBatch(_Pybind):
    """What one relay batch (or a drain) did."""

    leader: bool
    """False: another relay holds the lease."""
    published: int
    """Events handed to the sink."""
    delivered: int
    """Acknowledged and marked delivered."""
    failed: int
    """Failed; retried after backoff."""
    dead_lettered: int
    """Moved to the dead-letter table."""
    parked: int
    """Parked behind an earlier dead letter."""
    def __init__(
        self,
        leader: bool = ...,
        published: int = ...,
        delivered: int = ...,
        failed: int = ...,
        dead_lettered: int = ...,
        parked: int = ...,
    ) -> None:
        """Creates a RelayBatch; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def progressed(self) -> bool:
        """True when the batch changed any row."""

class RelayStats(_Pybind):
    """Outbox progress and lag figures."""

    pending: int
    """Rows not yet delivered nor dead-lettered."""
    delivered: int
    """Rows acknowledged by a sink."""
    dead_letters: int
    """Rows in the dead-letter table."""
    oldest_pending_at: int
    """0 if nothing is pending."""
    oldest_pending_age_ms: int
    """now - oldest_pending_at; 0 if nothing is pending."""
    def __init__(
        self,
        pending: int = ...,
        delivered: int = ...,
        dead_letters: int = ...,
        oldest_pending_at: int = ...,
        oldest_pending_age_ms: int = ...,
    ) -> None:
        """Creates a RelayStats; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class IncomingMessage(_Pybind):
    """A parsed inbox message."""

    id: str
    """Message id."""
    type: str
    """Handler name."""
    source: str
    """Sender, or empty."""
    occurred_at: int
    """0 if not given."""
    payload: str
    """Canonical JSON object text."""
    def __init__(
        self,
        id: str = ...,
        type: str = ...,
        source: str = ...,
        occurred_at: int = ...,
        payload: str = ...,
    ) -> None:
        """Creates a IncomingMessage; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class SagaRecord(_Pybind):
    """One order's saga, as stored (Transaction.find_saga)."""

    order_id: str
    """The order."""
    state: SagaState
    """SagaState."""
    step: int
    """RUNNING: index of the next step; COMPENSATING / CANCELLING: steps still to undo."""
    position: int
    """Increases with every change."""
    steps: list[str]
    """Step names, fixed when the saga started."""
    reason: str
    """Why it is compensating or cancelling."""
    updated_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        order_id: str = ...,
        state: SagaState = ...,
        step: int = ...,
        position: int = ...,
        steps: Sequence[str] = ...,
        reason: str = ...,
        updated_at: int = ...,
    ) -> None:
        """Creates a SagaRecord; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class SagaLogEntry(_Pybind):
    """One line of an order's saga log (Transaction.find_saga_log)."""

    order_id: str
    """The order."""
    step: str
    """A step name, or "order" for the saga's own moves."""
    action: str
    """"done", "skipped", "failed", "begin", "pending", "compensated", ..."""
    detail: str
    """JSON object text."""
    at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        order_id: str = ...,
        step: str = ...,
        action: str = ...,
        detail: str = ...,
        at: int = ...,
    ) -> None:
        """Creates a SagaLogEntry; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class InboxRecord(_Pybind):
    """An applied inbox message, as stored (Transaction.find_inbox_message)."""

    message_id: str
    """The message id."""
    type: str
    """The message type."""
    fingerprint: str
    """Canonical JSON of the message."""
    received_at: int
    """Milliseconds since the Unix epoch."""
    def __init__(
        self,
        message_id: str = ...,
        type: str = ...,
        fingerprint: str = ...,
        received_at: int = ...,
    ) -> None:
        """Creates a InboxRecord; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class KafkaSinkCounters(_Pybind):
    """Message counts since the sink was created."""

    produced: int
    """Messages handed to librdkafka."""
    acked: int
    """Delivery reports that said stored."""
    failed: int
    """Events reported FAILED."""
    producer_rebuilds: int
    """Producers replaced after a fatal error."""
    last_error: str
    """The most recent error text, or empty."""
    def __init__(
        self,
        produced: int = ...,
        acked: int = ...,
        failed: int = ...,
        producer_rebuilds: int = ...,
        last_error: str = ...,
    ) -> None:
        """Creates a KafkaSinkCounters; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class PostgresOptions(_Pybind):
    """Options of a PostgreSQL store (Store.open(url, postgres=...))."""

    pool_size: int
    """Most connections kept open at once (default 8)."""
    retry_budget_ms: int
    """How long one unit of work retries transient failures before UnavailableError."""
    connect_timeout_s: int
    """libpq connect_timeout per connection attempt unless the URL sets one (default 5)."""
    application_name: str
    """Shown in pg_stat_activity (default "commerce-core")."""
    def __init__(
        self,
        pool_size: int = ...,
        retry_budget_ms: int = ...,
        connect_timeout_s: int = ...,
        application_name: str = ...,
    ) -> None:
        """Creates a PostgresOptions; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class RetentionOptions(_Pybind):
    """Retention windows of Store.compact(); a window of 0 keeps those rows forever."""

    delivered_events_ms: int
    """Delivered outbox events older than this are removed (default 7 days)."""
    finished_saga_logs_ms: int
    """Log lines of sagas that ended longer ago than this are removed (default 7 days)."""
    idempotency_keys_ms: int
    """How long a request_id is remembered (default 24 hours)."""
    inbox_messages_ms: int
    """How long an applied inbox message id is remembered (default 7 days)."""
    batch_size: int
    """Rows per unit of work, 1..10000 (default 500)."""
    def __init__(
        self,
        delivered_events_ms: int = ...,
        finished_saga_logs_ms: int = ...,
        idempotency_keys_ms: int = ...,
        inbox_messages_ms: int = ...,
        batch_size: int = ...,
    ) -> None:
        """Creates a RetentionOptions; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class CompactionReport(_Pybind):
    """What one Store.compact() removed."""

    events: int
    """Delivered outbox events removed."""
    saga_log_lines: int
    """Log lines of finished sagas removed."""
    requests: int
    """Idempotency records removed."""
    inbox_messages: int
    """Inbox records removed."""
    units: int
    """Units of work it took."""
    def __init__(
        self,
        events: int = ...,
        saga_log_lines: int = ...,
        requests: int = ...,
        inbox_messages: int = ...,
        units: int = ...,
    ) -> None:
        """Creates a CompactionReport; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

class RelayProgress(_Pybind):
    """Totals of one RelayService.run()."""

    batches: int
    """Batches that made progress."""
    published: int
    """Events handed to the sink."""
    delivered: int
    """Acknowledged and marked delivered."""
    failed: int
    """Failed attempts, to be retried."""
    dead_lettered: int
    """Moved to the dead-letter table."""
    elapsed_ms: int
    """Since run() started."""
    delivered_per_second: float
    """delivered / elapsed."""
    stats: RelayStats
    """Outbox figures at the time of the report."""
    final: bool
    """True for the report made as run() returns."""
    def __init__(
        self,
        batches: int = ...,
        published: int = ...,
        delivered: int = ...,
        failed: int = ...,
        dead_lettered: int = ...,
        elapsed_ms: int = ...,
        delivered_per_second: float = ...,
        stats: RelayStats = ...,
        final: bool = ...,
    ) -> None:
        """Creates a RelayProgress; fields by position or keyword."""
    def __eq__(self, other: object) -> bool:
        """True when every field is equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

def new_id(now: int) -> str:
    """A new UUIDv7 (time-ordered id) whose time part is `now` (ms since epoch)."""

def sqlite_schema_version() -> int:
    """The SQLite schema version this library writes."""

def envelope_json(event: Event) -> str:
    """The JSON envelope of an event, one line without the newline."""

def parse_envelope_json(line: str) -> Event:
    """Parses envelope_json() output. Raises InvalidArgumentError naming the field."""

def read_json_lines(path: _PathLike) -> list[Event]:
    """Every complete envelope of a JSON-lines file (a final partial line is skipped)."""

def parse_incoming_message(message: _Json) -> IncomingMessage:
    """Parses an inbox message without applying it."""

def _raise_error(code: ErrorCode, reason: Reason, subject: str, message: str) -> None:
    """Raises the exception the library raises for this code and reason (for tests)."""

# ---- clocks

class Clock(_Pybind):
    """A source of time in milliseconds since the Unix epoch (UTC)."""

    def now(self) -> int:
        """The current time, in milliseconds since the Unix epoch."""

@final
class SystemClock(Clock):
    """Wall-clock time."""

    def __init__(self) -> None:
        """Creates a wall clock."""

@final
class ManualClock(Clock):
    """A clock that moves only when told to; for tests and simulations."""

    def __init__(self, start: int) -> None:
        """Creates a clock showing `start` (ms)."""
    def set(self, now: int) -> None:
        """Sets the time to `now` (ms)."""
    def advance(self, ms: int) -> None:
        """Moves the time forward by `ms`."""

# ---- plug-ins

class PaymentGateway(_Pybind):
    """A payment provider; subclass it in Python and override every method.

    A Python exception raised inside a method counts as a transport failure (outcome
    UNKNOWN: the library retries, then asks status()); UnavailableError asks for a retry.
    """

    def __init__(self) -> None:
        """Creates the gateway (call it from subclasses' __init__)."""
    def charge(self, request: PaymentRequest) -> PaymentResult:
        """Authorizes and captures request.amount in one call; the saga uses this."""
    def authorize(self, request: PaymentRequest) -> PaymentResult:
        """Holds the amount without capturing it."""
    def capture(self, idempotency_key: str, timeout_ms: int) -> PaymentResult:
        """Captures an authorized hold. Idempotent."""
    def void_payment(self, idempotency_key: str, timeout_ms: int) -> PaymentResult:
        """Cancels whatever the key did that was not captured and blocks later charges."""
    def refund(self, idempotency_key: str, amount: int, timeout_ms: int) -> PaymentResult:
        """Gives back the captured amount. Idempotent per key."""
    def status(self, idempotency_key: str, timeout_ms: int) -> PaymentResult:
        """What happened to the key (known=False if never seen)."""

@final
class FakeGateway(PaymentGateway):
    """A scriptable in-process gateway for tests and demos: approves at once unless scripted."""

    class Operation(_Enum):
        """A gateway operation to script."""

        CHARGE: ClassVar[FakeGateway.Operation]
        AUTHORIZE: ClassVar[FakeGateway.Operation]
        CAPTURE: ClassVar[FakeGateway.Operation]
        VOID: ClassVar[FakeGateway.Operation]
        REFUND: ClassVar[FakeGateway.Operation]
        STATUS: ClassVar[FakeGateway.Operation]

    class Behaviour(_Enum):
        """What a scripted call does."""

        APPROVE: ClassVar[FakeGateway.Behaviour]
        DECLINE: ClassVar[FakeGateway.Behaviour]
        PENDING: ClassVar[FakeGateway.Behaviour]
        FAIL: ClassVar[FakeGateway.Behaviour]
        TIMEOUT: ClassVar[FakeGateway.Behaviour]

    class Step(_Pybind):
        """One scripted behaviour, with optional latency."""

        behaviour: FakeGateway.Behaviour
        latency_ms: int
        def __init__(
            self, behaviour: FakeGateway.Behaviour = ..., latency_ms: int = ...
        ) -> None: ...
        def __eq__(self, other: object) -> bool: ...
        __hash__: ClassVar[None]  # type: ignore[assignment]

    def __init__(self, record_path: str = "") -> None:
        """Creates the gateway; memory-only when `record_path` is empty."""
    def script(self, operation: FakeGateway.Operation, steps: Sequence[FakeGateway.Step]) -> None:
        """Queues behaviours for the next calls of `operation`, in order."""
    def settle(self, idempotency_key: str, approved: bool) -> None:
        """Finishes a pending charge as the provider's callback would."""
    def charges_for(self, order_id: str) -> int:
        """Charges applied for the order."""
    def refunds_for(self, order_id: str) -> int:
        """Refunds applied for the order."""
    def total_charges(self) -> int:
        """Charges applied in all."""
    def net_for(self, order_id: str) -> int:
        """Captured minus refunded for the order."""
    def calls(self, operation: FakeGateway.Operation) -> int:
        """Calls of `operation` made to this instance."""

class SagaStep(_Pybind):
    """A host-defined saga step; subclass it and override name, execute and compensate.

    An exception in execute refuses the step (the order fails and earlier steps are
    compensated); UnavailableError is retried with backoff, then left to recover().
    """

    def __init__(self) -> None:
        """Creates the step (call it from subclasses' __init__)."""
    def name(self) -> str:
        """A stable name, 1..64 of [a-z0-9_-], not stock/points/coupon/payment."""
    def execute(self, order: Order, idempotency_key: str) -> None:
        """Does the step."""
    def compensate(self, order: Order, idempotency_key: str) -> None:
        """Undoes the step."""

class EventSink(_Pybind):
    """Where the relay publishes events; subclass it and override publish and name."""

    def __init__(self) -> None:
        """Creates the sink (call it from subclasses' __init__)."""
    def publish(self, batch: Sequence[Event]) -> list[Ack]:
        """Publishes `batch` in order; one Ack per event."""
    def name(self) -> str:
        """A short name for logs and relay figures."""

class EventSinkBase(EventSink):
    """The easy way to write a sink: override write(event), optionally flush() and name()."""

    def __init__(self) -> None:
        """Creates the sink (call it from subclasses' __init__)."""
    def write(self, event: Event) -> None:
        """Publishes one event; raise if it was not accepted."""
    def flush(self) -> None:
        """Makes the events written since the last flush durable; raise if that failed."""

@final
class MemorySink(EventSink):
    """Keeps every acknowledged event in memory, in publish order."""

    def __init__(self) -> None:
        """Creates an empty sink."""
    def events(self) -> list[Event]:
        """A copy of the events acknowledged so far."""
    def __len__(self) -> int:
        """The number of events acknowledged so far."""
    def clear(self) -> None:
        """Forgets every event."""

@final
class CallbackSink(EventSink):
    """Calls a Python function for each event, in order; raising fails the event."""

    def __init__(self, callback: Callable[[Event], object], name: str = "callback") -> None:
        """Creates the sink around `callback(event)`."""

@final
class JsonLinesSink(EventSink):
    """Appends one JSON envelope per line to a file (fsynced per batch by default)."""

    def __init__(self, path: _PathLike, *, fsync: bool = True) -> None:
        """Opens (creating) the file. Raises InvalidArgumentError, UnavailableError."""
    @property
    def path(self) -> str:
        """The file."""

@final
class KafkaSink(EventSink):
    """Publishes outbox events to Apache Kafka (librdkafka), idempotent with acks=all.

    Only in builds with the Kafka component (``WITH_KAFKA``); elsewhere constructing it
    raises FailedPreconditionError.
    """

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        properties: Mapping[str, str] = ...,
        topic_prefix: str = "",
        topic_overrides: Mapping[str, str] = ...,
        report_grace_ms: int = 5000,
        on_error: Optional[Callable[[str], object]] = None,
    ) -> None:
        """Creates the producer. Raises InvalidArgumentError naming the bad option."""
    def topic_for(self, event: Event) -> str:
        """The Kafka topic `event` goes to."""
    def flush(self, timeout_ms: int) -> bool:
        """Waits for outstanding delivery reports; True if none is outstanding."""
    def close(self) -> None:
        """Flushes, purges what is queued and destroys the producer. Idempotent."""
    def counters(self) -> KafkaSinkCounters:
        """Message counts since creation."""
    @staticmethod
    def librdkafka_version() -> str:
        """The librdkafka version in use."""

# ---- services

class Catalog(_Pybind):
    """Products and categories. Thread-safe; every call is one transaction."""

    def create(
        self,
        *,
        id: str,
        name: str,
        price: int,
        description: str = "",
        category: str = "",
        brand: str = "",
        status: ProductStatus = ...,
        attributes: _Json = "{}",
        initial_stock: int = 0,
        request_id: str = "",
    ) -> Product:
        """Creates a product with `initial_stock` units on hand and returns it."""
    def update(
        self,
        id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        price: Optional[int] = None,
        category: Optional[str] = None,
        brand: Optional[str] = None,
        status: Optional[ProductStatus] = None,
        attributes: Optional[_Json] = None,
        request_id: str = "",
    ) -> Product:
        """Changes the given fields (None: unchanged) and returns the product."""
    def remove(self, id: str, *, request_id: str = "") -> Product:
        """Soft-deletes the product. Idempotent."""
    def get(self, id: str) -> Product:
        """The product. Raises NotFoundError, InvalidArgumentError."""
    def list(
        self,
        *,
        category: Optional[str] = None,
        brand: Optional[str] = None,
        min_price: Optional[int] = None,
        max_price: Optional[int] = None,
        status: Optional[ProductStatus] = None,
        text: str = "",
        cursor: str = "",
        limit: int = 50,
    ) -> Page[Product]:
        """One page of products matching every given filter, by id."""
    def add_category(self, id: str, name: str) -> Category:
        """Adds a category; idempotent for the same id and name."""
    def categories(self) -> builtins.list[Category]:
        """Every category."""

class StockLedger(_Pybind):
    """Stock levels, reservations and adjustments; available never goes below zero."""

    def reserve(
        self, order_id: str, items: Sequence[LineItem], *, expires_at: int = 0
    ) -> list[Reservation]:
        """Reserves every item for the order, all or nothing."""
    def commit(self, order_id: str) -> list[Reservation]:
        """Payment done: the order's reserved units become sold. Idempotent."""
    def release(self, order_id: str) -> list[Reservation]:
        """Compensation: releases the order's live reservations. Idempotent."""
    def adjust(
        self, product_id: str, delta: int, reason: str, *, request_id: str = ""
    ) -> StockLevel:
        """Restock (delta > 0) or shrink (delta < 0) with an audit row."""
    def level(self, product_id: str) -> StockLevel:
        """The product's stock counters."""
    def reservations(self, order_id: str) -> list[Reservation]:
        """The order's reservation rows in every state, by product id."""
    def release_expired(self, limit: int = 100) -> list[str]:
        """Releases live reservations past their expiry; returns the orders' ids."""

class PointsLedger(_Pybind):
    """User point balances kept as a ledger; never negative."""

    def charge(self, user_id: str, amount: int, *, request_id: str = "") -> PointsEntry:
        """Adds `amount` (> 0) to the balance."""
    def use(self, user_id: str, amount: int, order_id: str) -> PointsEntry:
        """Takes `amount` (> 0) for the order; once per order."""
    def restore(self, order_id: str) -> Optional[PointsEntry]:
        """Compensation: gives back what the order used; None if it used none."""
    def adjust(self, user_id: str, delta: int, reason: str, *, request_id: str = "") -> PointsEntry:
        """Administrative correction by `delta` (non-zero); never below zero."""
    def balance(self, user_id: str) -> int:
        """The balance (0 for an unknown user)."""
    def history(self, user_id: str, *, cursor: str = "", limit: int = 50) -> Page[PointsEntry]:
        """One page of the user's ledger entries, newest first."""

class CouponBook(_Pybind):
    """Coupon templates and issued coupons; limits hold under concurrency."""

    def create_template(
        self,
        *,
        code: str,
        kind: CouponKind,
        value: int,
        valid_from: int,
        valid_until: int,
        total_limit: int,
        name: str = "",
        max_discount: int = 0,
        min_order_amount: int = 0,
        per_user_limit: int = 1,
        request_id: str = "",
    ) -> CouponTemplate:
        """Creates a coupon template."""
    def get_template(self, code: str) -> CouponTemplate:
        """The template with this code."""
    def issue(self, code: str, user_id: str, *, request_id: str = "") -> Coupon:
        """Issues one coupon of template `code` to the user."""
    def get(self, coupon_id: str) -> Coupon:
        """The coupon."""
    def list_for_user(self, user_id: str, *, cursor: str = "", limit: int = 50) -> Page[Coupon]:
        """One page of the user's coupons, oldest first."""
    def revoke(self, coupon_id: str, *, request_id: str = "") -> Coupon:
        """AVAILABLE -> REVOKED; idempotent."""
    def quote(self, coupon_id: str, user_id: str, subtotal: int) -> int:
        """The discount the coupon would give now, without using it."""
    def use(
        self, coupon_id: str, user_id: str, order_id: str, subtotal: int, *, required: bool = True
    ) -> CouponApplication:
        """Marks the coupon used by the order and returns the discount."""
    def restore(self, order_id: str) -> Optional[Coupon]:
        """Compensation: the coupon the order used becomes AVAILABLE again."""

class OrderBook(_Pybind):
    """Orders and their saga. Thread-safe and safe across processes."""

    def place(
        self,
        user_id: str,
        items: Sequence[LineItem],
        *,
        coupon_id: str = "",
        coupon_required: bool = False,
        points_to_use: int = 0,
        payment_method: str = "card",
        request_id: str = "",
    ) -> Order:
        """Places an order and runs its saga to an end (CONFIRMED, FAILED, AWAITING_PAYMENT)."""
    def get(self, order_id: str) -> Order:
        """The order."""
    def list_for_user(self, user_id: str, *, cursor: str = "", limit: int = 50) -> Page[Order]:
        """One page of the user's orders, newest first."""
    def audit(self, order_id: str) -> list[OrderAudit]:
        """The order's status changes, oldest first."""
    def cancel(self, order_id: str, *, reason: str = "", request_id: str = "") -> Order:
        """Cancels an AWAITING_PAYMENT or CONFIRMED order, compensating everything."""
    def ship(self, order_id: str) -> Order:
        """CONFIRMED -> SHIPPED; idempotent."""
    def deliver(self, order_id: str) -> Order:
        """SHIPPED -> DELIVERED; idempotent."""
    def complete_payment(self, order_id: str, approved: bool) -> Order:
        """The gateway's callback for a pending payment."""
    def sweep(self, limit: int = 100) -> list[str]:
        """Cancels AWAITING_PAYMENT orders past expires_at; returns their ids."""
    def recover(self) -> RecoveryReport:
        """Drives every saga in flight to an end (after a crash); safe at any time."""

@final
class Transaction(_Pybind):
    """One unit of work of the store's storage, valid only during the callback it was given to.

    Given to inbox handlers (InboxContext.transaction) and Store.run_unit work functions.
    Using it after that call returned raises FailedPreconditionError.
    """

    def find_setting(self, key: str) -> Optional[str]:
        """The store setting `key`, or None."""
    def put_setting(self, key: str, value: str) -> None:
        """Sets the store setting `key`."""
    def find_product(self, id: str) -> Optional[Product]:
        """The product, or None."""
    def update_product(self, product: Product) -> None:
        """Writes every field of an existing product row."""
    def find_category(self, id: str) -> Optional[Category]:
        """The category, or None."""
    def list_categories(self) -> list[Category]:
        """Every category."""
    def find_stock(self, product_id: str) -> Optional[StockLevel]:
        """The product's stock counters, or None."""
    def try_adjust_stock(self, product_id: str, delta: int) -> bool:
        """on_hand += delta where on_hand + delta >= reserved."""
    def insert_stock_adjustment(self, adjustment: StockAdjustment) -> None:
        """Adds a stock audit row."""
    def find_reservations(self, order_id: str) -> list[Reservation]:
        """The order's reservation rows."""
    def find_points_balance(self, user_id: str) -> int:
        """The user's balance (0 if none)."""
    def try_credit_points(self, user_id: str, amount: int) -> bool:
        """balance += amount; False if it would overflow."""
    def try_debit_points(self, user_id: str, amount: int) -> bool:
        """balance -= amount where balance >= amount."""
    def insert_points_entry(self, entry: PointsEntry) -> None:
        """Adds a points ledger entry."""
    def find_points_entries_for_order(self, order_id: str) -> list[PointsEntry]:
        """The ledger entries of an order."""
    def find_coupon(self, coupon_id: str) -> Optional[Coupon]:
        """The coupon, or None."""
    def find_coupon_template(self, template_id: str) -> Optional[CouponTemplate]:
        """The coupon template with this id, or None."""
    def find_coupon_template_by_code(self, code: str) -> Optional[CouponTemplate]:
        """The coupon template with this code, or None."""
    def append_event(self, event: Event) -> int:
        """Appends an event to the outbox; returns its seq."""
    def read_outbox(self, after_seq: int = 0, limit: int = 100) -> list[Event]:
        """Outbox events with seq > after_seq, by seq."""
    def find_inbox_message(self, message_id: str) -> Optional[InboxRecord]:
        """The applied inbox message with this id, or None."""
    def count_inbox_messages(self) -> int:
        """How many inbox messages were applied."""
    def find_order(self, order_id: str) -> Optional[Order]:
        """The order row (items left empty), or None."""
    def find_order_items(self, order_id: str) -> list[OrderItem]:
        """The order's items."""
    def list_orders(self, after_id: str = "", limit: int = 100) -> list[Order]:
        """Orders with id > after_id, by id."""
    def find_order_audit(self, order_id: str) -> list[OrderAudit]:
        """The order's status changes, oldest first."""
    def find_saga(self, order_id: str) -> Optional[SagaRecord]:
        """The order's SagaRecord, or None."""
    def find_saga_log(self, order_id: str) -> list[SagaLogEntry]:
        """The order's saga log, in the order it was written."""
    def list_sagas(self, state: SagaState, after_order_id: str = "", limit: int = 100) -> list[SagaRecord]:
        """Sagas in `state` with order_id > after_order_id."""
    def find_payment(self, order_id: str) -> Optional[Payment]:
        """The order's payment, or None."""
    @property
    def valid(self) -> bool:
        """True while the callback it was given to runs."""

@final
class InboxContext(_Pybind):
    """What an inbox handler gets; valid only during the handler call."""

    @property
    def transaction(self) -> Transaction:
        """The unit of work the inbox record is written in."""
    @property
    def now(self) -> int:
        """The store clock's time for this message (ms since epoch)."""
    @property
    def message(self) -> IncomingMessage:
        """The IncomingMessage being applied."""
    def after_commit(self, action: Callable[[], object]) -> None:
        """Calls `action()` after the transaction committed."""
    @property
    def valid(self) -> bool:
        """True while the handler runs."""

class Inbox(_Pybind):
    """Incoming events from other services, each applied exactly once."""

    def register_handler(
        self, type: str, handler: Callable[[InboxContext, IncomingMessage], object]
    ) -> None:
        """Adds or replaces the handler of `type`, run in the inbox's transaction.

        Raising in the handler refuses the message (nothing recorded) and receive() raises it.
        """
    def receive(self, message: _Json) -> InboxOutcome:
        """Parses and applies a message; a re-delivery returns DUPLICATE."""
    def seen(self, message_id: str) -> bool:
        """Whether a message id has been applied."""
    def applied_count(self) -> int:
        """How many messages were applied."""
    def has_handler(self, type: str) -> bool:
        """Whether `type` has a handler."""
    def types(self) -> list[str]:
        """Registered types, sorted."""

class OutboxRelay(_Pybind):
    """Drains the store's transactional outbox to a sink, in order per key."""

    def __init__(
        self,
        store: Store,
        sink: EventSink,
        *,
        batch_size: int = 100,
        max_attempts: int = 5,
        backoff_initial_ms: int = 200,
        backoff_max_ms: int = 60000,
        lease_ms: int = 30000,
        idle_poll_ms: int = 200,
        owner: str = "",
    ) -> None:
        """Creates the relay of `store` publishing to `sink`."""
    def run_once(self) -> RelayBatch:
        """Publishes at most one batch of due events; returns what it did."""
    def drain(self, max_batches: int = 1000000) -> RelayBatch:
        """Runs batches until one makes no progress; returns the sums."""
    def stats(self) -> RelayStats:
        """Pending, lag, delivered, dead letters."""
    def dead_letters(self, after_seq: int = 0, limit: int = 100) -> list[DeadLetter]:
        """Dead letters with seq > after_seq, by seq."""
    def retry_dead_letters(self, key: str = "") -> int:
        """Moves the dead letters of `key` (all if empty) back to pending."""
    def release_lease(self) -> None:
        """Gives up the lease so a standby relay can take over at once."""

class RelayService(_Pybind):
    """Runs a relay until stop() (from another thread), then shuts down gracefully."""

    def __init__(
        self,
        relay: OutboxRelay,
        *,
        progress_interval_ms: int = 1000,
        on_progress: Optional[Callable[[RelayProgress], object]] = None,
    ) -> None:
        """Creates the service around `relay`."""
    def run(self) -> RelayProgress:
        """Relays until stop(); returns the final totals."""
    def stop(self) -> None:
        """Requests a graceful stop; thread-safe."""

class Store(_Pybind):
    """The facade a host opens: it owns the storage and hands out the services."""

    @staticmethod
    def open(
        location: _PathLike,
        *,
        currency: str = "KRW",
        clock: Optional[Clock] = None,
        topic_naming: TopicNaming = ...,
        reservation_ttl_ms: int = 900000,
        gateway: Optional[PaymentGateway] = None,
        steps: Sequence[SagaStep] = (),
        stock_step: Optional[SagaStep] = None,
        gateway_timeout_ms: int = 10000,
        attempts: int = 4,
        backoff_initial_ms: int = 50,
        backoff_max_ms: int = 2000,
        postgres: Optional[PostgresOptions] = None,
        read_only: bool = False,
        retention: Optional[RetentionOptions] = None,
    ) -> Store:
        """Opens (creating and migrating if needed) the store at `location`."""
    @property
    def catalog(self) -> Catalog:
        """The Catalog service."""
    @property
    def stock(self) -> StockLedger:
        """The StockLedger service."""
    @property
    def points(self) -> PointsLedger:
        """The PointsLedger service."""
    @property
    def coupons(self) -> CouponBook:
        """The CouponBook service."""
    @property
    def orders(self) -> OrderBook:
        """The OrderBook service (orders, saga, payments, recovery)."""
    @property
    def inbox(self) -> Inbox:
        """The Inbox of incoming events, each applied once."""
    def check(self, *, expect_settled: bool = True, max_violations: int = 1000) -> InvariantReport:
        """Checks every invariant and reports violations."""
    def compact(self) -> CompactionReport:
        """Removes what the retention windows let go, in short units of work."""
    def repair(self) -> RepairReport:
        """Recomputes derived counters that drifted."""
    @property
    def url(self) -> str:
        """Where the data lives (no credentials)."""
    @property
    def currency(self) -> str:
        """The store's ISO 4217 currency code."""
    @property
    def now(self) -> int:
        """The store clock's current time (ms since epoch)."""
    def run_unit(self, work: Callable[[Transaction], _T], *, write: bool = False) -> _T:
        """Runs `work(tx)` as one unit of work and returns its result."""
